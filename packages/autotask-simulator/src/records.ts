/**
 * Full records from partial input. Autotask returns every field of an entity, null when unset
 * (as every published example shows), so each builder fills the complete shape.
 */
import { API_RESOURCE_ID } from './seed-data.ts';
import type { Company, Ticket, TicketNote, TimeEntry } from './types.ts';

export function buildCompany(input: Partial<Company> & Pick<Company, 'id' | 'companyName'>, nowIso: string): Company {
  return {
    companyNumber: null,
    companyType: 1,
    isActive: true,
    phone: '',
    fax: null,
    address1: null,
    address2: null,
    city: null,
    state: null,
    postalCode: null,
    countryID: null,
    webAddress: null,
    ownerResourceID: API_RESOURCE_ID,
    parentCompanyID: null,
    classification: null,
    territoryID: null,
    marketSegmentID: null,
    isClientPortalActive: false,
    createDate: nowIso,
    lastActivityDate: nowIso,
    lastTrackedModifiedDateTime: nowIso,
    userDefinedFields: [],
    ...input,
  };
}

export function buildTicket(
  input: Partial<Ticket> & Pick<Ticket, 'id' | 'ticketNumber' | 'title' | 'companyID' | 'status' | 'priority'>,
  nowIso: string,
): Ticket {
  const createDate = input.createDate ?? nowIso;
  return {
    description: null,
    companyLocationID: null,
    contactID: null,
    queueID: null,
    issueType: null,
    subIssueType: null,
    ticketType: null,
    ticketCategory: 1,
    source: null,
    dueDateTime: null,
    estimatedHours: 0,
    externalID: null,
    creatorResourceID: API_RESOURCE_ID,
    // creatorType / lastActivityPersonType: 1 = resource (a person or API user), 2 = contact.
    creatorType: 1,
    lastActivityPersonType: 1,
    completedDate: null,
    completedByResourceID: null,
    resolution: null,
    assignedResourceID: null,
    assignedResourceRoleID: null,
    billingCodeID: null,
    contractID: null,
    configurationItemID: null,
    projectID: null,
    serviceLevelAgreementID: null,
    rmmAlertID: null,
    userDefinedFields: [],
    ...input,
    createDate,
    lastActivityDate: input.lastActivityDate ?? input.completedDate ?? createDate,
    lastTrackedModificationDateTime: input.lastTrackedModificationDateTime ?? input.completedDate ?? createDate,
  };
}

export function buildNote(
  input: Partial<TicketNote> & Pick<TicketNote, 'id' | 'ticketID' | 'title' | 'description' | 'noteType' | 'publish'>,
  nowIso: string,
): TicketNote {
  const created = input.createDateTime ?? nowIso;
  return {
    creatorResourceID: API_RESOURCE_ID,
    createdByContactID: null,
    impersonatorCreatorResourceID: null,
    impersonatorUpdaterResourceID: null,
    ...input,
    createDateTime: created,
    lastActivityDate: input.lastActivityDate ?? created,
  };
}

export function buildTimeEntry(
  input: Partial<TimeEntry> & Pick<TimeEntry, 'id' | 'hoursWorked' | 'isNonBillable'>,
  nowIso: string,
): TimeEntry {
  const created = input.createDateTime ?? nowIso;
  return {
    ticketID: null,
    taskID: null,
    resourceID: API_RESOURCE_ID,
    roleID: 29682833,
    billingCodeID: 29682801,
    contractID: null,
    dateWorked: `${created.slice(0, 10)}T00:00:00.000Z`,
    startDateTime: null,
    endDateTime: null,
    offsetHours: 0,
    summaryNotes: null,
    internalNotes: null,
    // 2 = a time entry on a ticket (TimeEntries.timeEntryType picklist).
    timeEntryType: 2,
    showOnInvoice: !input.isNonBillable,
    creatorUserID: API_RESOURCE_ID,
    lastModifiedUserID: API_RESOURCE_ID,
    ...input,
    hoursToBill: input.isNonBillable ? 0 : (input.hoursToBill ?? input.hoursWorked),
    createDateTime: created,
    lastModifiedDateTime: input.lastModifiedDateTime ?? created,
  };
}
