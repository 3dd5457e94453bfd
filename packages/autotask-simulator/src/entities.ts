/**
 * Field metadata per entity. It drives four things so they cannot drift apart: the
 * `entityInformation/fields` answer (docs/autotask.md, Picklists), case-insensitive field lookup
 * for bodies and filters, type coercion of filter and body values, and the camelCase order of
 * output keys.
 */
import type { EntityName } from './types.ts';

export type DataType = 'long' | 'integer' | 'string' | 'boolean' | 'datetime' | 'double';

export interface FieldSpec {
  name: string;
  dataType: DataType;
  length?: number;
  isRequired?: boolean;
  isReadOnly?: boolean;
  /** Default true. Tickets' creatorType and lastActivityPersonType are not queryable. */
  isQueryable?: boolean;
  /** Entity type of a reference field, e.g. "Company" for companyID. */
  reference?: string;
  isPickList?: boolean;
  /** Name of the field whose value a picklist entry's `parentValue` refers to. */
  picklistParentValueField?: string;
}

export interface EntityDescriptor {
  name: EntityName;
  /** Singular type name used in reference error messages ("of type: Company"). */
  singular: string;
  /** Key of the collection on SimulatorState. */
  collection: 'companies' | 'tickets' | 'ticketNotes' | 'timeEntries' | 'billingCodes' | 'contacts';
  fields: readonly FieldSpec[];
  canCreate: boolean;
  canUpdate: boolean;
  canDelete: boolean;
  hasUserDefinedFields: boolean;
  supportsWebhookCallouts: boolean;
}

const id: FieldSpec = { name: 'id', dataType: 'long', isRequired: true, isReadOnly: true };

const companyFields: FieldSpec[] = [
  id,
  { name: 'companyName', dataType: 'string', length: 100, isRequired: true },
  { name: 'companyNumber', dataType: 'string', length: 50 },
  { name: 'companyType', dataType: 'integer', isRequired: true, isPickList: true },
  { name: 'isActive', dataType: 'boolean' },
  { name: 'phone', dataType: 'string', length: 25, isRequired: true },
  { name: 'fax', dataType: 'string', length: 25 },
  { name: 'address1', dataType: 'string', length: 128 },
  { name: 'address2', dataType: 'string', length: 128 },
  { name: 'city', dataType: 'string', length: 30 },
  { name: 'state', dataType: 'string', length: 25 },
  { name: 'postalCode', dataType: 'string', length: 20 },
  { name: 'countryID', dataType: 'integer', reference: 'Country' },
  { name: 'webAddress', dataType: 'string', length: 255 },
  { name: 'ownerResourceID', dataType: 'integer', isRequired: true, reference: 'Resource' },
  { name: 'parentCompanyID', dataType: 'integer', reference: 'Company' },
  { name: 'classification', dataType: 'integer', isPickList: true },
  { name: 'territoryID', dataType: 'integer', isPickList: true },
  { name: 'marketSegmentID', dataType: 'integer', isPickList: true },
  { name: 'isClientPortalActive', dataType: 'boolean', isReadOnly: true },
  { name: 'createDate', dataType: 'datetime', isReadOnly: true },
  { name: 'lastActivityDate', dataType: 'datetime', isReadOnly: true },
  { name: 'lastTrackedModifiedDateTime', dataType: 'datetime', isReadOnly: true },
];

const ticketFields: FieldSpec[] = [
  id,
  { name: 'ticketNumber', dataType: 'string', length: 50, isReadOnly: true },
  { name: 'title', dataType: 'string', length: 255, isRequired: true },
  { name: 'description', dataType: 'string', length: 8000 },
  { name: 'companyID', dataType: 'integer', isRequired: true, reference: 'Company' },
  { name: 'companyLocationID', dataType: 'integer', reference: 'CompanyLocation' },
  { name: 'contactID', dataType: 'integer', reference: 'Contact' },
  { name: 'status', dataType: 'integer', isRequired: true, isPickList: true },
  { name: 'priority', dataType: 'integer', isRequired: true, isPickList: true },
  { name: 'queueID', dataType: 'integer', isPickList: true },
  { name: 'issueType', dataType: 'integer', isPickList: true },
  {
    name: 'subIssueType',
    dataType: 'integer',
    isPickList: true,
    picklistParentValueField: 'issueType',
  },
  { name: 'ticketType', dataType: 'integer', isPickList: true },
  { name: 'ticketCategory', dataType: 'integer', isPickList: true },
  { name: 'source', dataType: 'integer', isPickList: true },
  { name: 'dueDateTime', dataType: 'datetime' },
  { name: 'estimatedHours', dataType: 'double' },
  { name: 'externalID', dataType: 'string', length: 50 },
  { name: 'createDate', dataType: 'datetime', isReadOnly: true },
  { name: 'creatorResourceID', dataType: 'integer', isReadOnly: true, reference: 'Resource' },
  { name: 'creatorType', dataType: 'integer', isReadOnly: true, isQueryable: false },
  { name: 'lastActivityDate', dataType: 'datetime', isReadOnly: true },
  { name: 'lastActivityPersonType', dataType: 'integer', isReadOnly: true, isQueryable: false },
  { name: 'lastTrackedModificationDateTime', dataType: 'datetime', isReadOnly: true },
  { name: 'completedDate', dataType: 'datetime', isReadOnly: true },
  { name: 'completedByResourceID', dataType: 'integer', isReadOnly: true, reference: 'Resource' },
  { name: 'resolution', dataType: 'string', length: 32000 },
  { name: 'assignedResourceID', dataType: 'integer', reference: 'Resource' },
  { name: 'assignedResourceRoleID', dataType: 'integer', reference: 'Role' },
  { name: 'billingCodeID', dataType: 'integer', reference: 'BillingCode' },
  { name: 'contractID', dataType: 'integer', reference: 'Contract' },
  { name: 'configurationItemID', dataType: 'integer', reference: 'ConfigurationItem' },
  { name: 'projectID', dataType: 'integer', reference: 'Project' },
  { name: 'serviceLevelAgreementID', dataType: 'integer', isPickList: true },
  { name: 'rmmAlertID', dataType: 'string', length: 50 },
];

const ticketNoteFields: FieldSpec[] = [
  id,
  { name: 'ticketID', dataType: 'integer', isRequired: true, reference: 'Ticket' },
  // A 250-character title and a 32000-character description, as open-source clients validate them
  // (docs/autotask.md, Ticket notes, Limits).
  { name: 'title', dataType: 'string', length: 250, isRequired: true },
  { name: 'description', dataType: 'string', length: 32000, isRequired: true },
  { name: 'noteType', dataType: 'integer', isRequired: true, isPickList: true },
  { name: 'publish', dataType: 'integer', isRequired: true, isPickList: true },
  { name: 'createDateTime', dataType: 'datetime', isReadOnly: true },
  { name: 'creatorResourceID', dataType: 'integer', isReadOnly: true, reference: 'Resource' },
  { name: 'createdByContactID', dataType: 'integer', isReadOnly: true, reference: 'Contact' },
  { name: 'lastActivityDate', dataType: 'datetime', isReadOnly: true },
  { name: 'impersonatorCreatorResourceID', dataType: 'integer', isReadOnly: true, reference: 'Resource' },
  { name: 'impersonatorUpdaterResourceID', dataType: 'integer', isReadOnly: true, reference: 'Resource' },
];

const timeEntryFields: FieldSpec[] = [
  id,
  { name: 'ticketID', dataType: 'integer', reference: 'Ticket' },
  { name: 'taskID', dataType: 'integer', reference: 'Task' },
  { name: 'resourceID', dataType: 'integer', isRequired: true, reference: 'Resource' },
  { name: 'roleID', dataType: 'integer', reference: 'Role' },
  { name: 'billingCodeID', dataType: 'integer', reference: 'BillingCode' },
  { name: 'contractID', dataType: 'integer', reference: 'Contract' },
  { name: 'dateWorked', dataType: 'datetime', isRequired: true },
  { name: 'startDateTime', dataType: 'datetime' },
  { name: 'endDateTime', dataType: 'datetime' },
  { name: 'hoursWorked', dataType: 'double' },
  { name: 'hoursToBill', dataType: 'double', isReadOnly: true },
  { name: 'offsetHours', dataType: 'double' },
  { name: 'summaryNotes', dataType: 'string', length: 32000 },
  { name: 'internalNotes', dataType: 'string', length: 32000 },
  { name: 'timeEntryType', dataType: 'integer', isReadOnly: true, isPickList: true },
  { name: 'isNonBillable', dataType: 'boolean' },
  { name: 'showOnInvoice', dataType: 'boolean' },
  { name: 'createDateTime', dataType: 'datetime', isReadOnly: true },
  { name: 'creatorUserID', dataType: 'integer', isReadOnly: true, reference: 'Resource' },
  { name: 'lastModifiedDateTime', dataType: 'datetime', isReadOnly: true },
  { name: 'lastModifiedUserID', dataType: 'integer', isReadOnly: true, reference: 'Resource' },
];

/** Fields as Autotask's BillingCodes entity page lists them. */
const billingCodeFields: FieldSpec[] = [
  id,
  { name: 'afterHoursWorkType', dataType: 'integer', reference: 'BillingCode' },
  { name: 'billingCodeType', dataType: 'integer', isReadOnly: true, isPickList: true },
  { name: 'department', dataType: 'integer', reference: 'Department' },
  { name: 'description', dataType: 'string', length: 500 },
  { name: 'externalNumber', dataType: 'string', length: 100 },
  { name: 'generalLedgerAccount', dataType: 'integer', isReadOnly: true, isPickList: true },
  { name: 'isActive', dataType: 'boolean', isReadOnly: true },
  { name: 'isExcludedFromNewContracts', dataType: 'boolean' },
  { name: 'markupRate', dataType: 'double', isReadOnly: true },
  { name: 'name', dataType: 'string', length: 200 },
  { name: 'taxCategoryID', dataType: 'integer', reference: 'TaxCategory' },
  { name: 'unitCost', dataType: 'double' },
  { name: 'unitPrice', dataType: 'double' },
  { name: 'useType', dataType: 'integer', isReadOnly: true, isPickList: true },
];

/** The Contacts fields the simulator keeps (Autotask has many more: addresses, social links, opt-outs). */
const contactFields: FieldSpec[] = [
  id,
  { name: 'companyID', dataType: 'integer', isRequired: true, reference: 'Company' },
  { name: 'firstName', dataType: 'string', length: 50, isRequired: true },
  { name: 'lastName', dataType: 'string', length: 50, isRequired: true },
  { name: 'emailAddress', dataType: 'string', length: 254 },
  { name: 'phone', dataType: 'string', length: 25 },
  { name: 'title', dataType: 'string', length: 50 },
  { name: 'isActive', dataType: 'integer', isRequired: true },
  { name: 'primaryContact', dataType: 'boolean' },
  { name: 'createDate', dataType: 'datetime', isReadOnly: true },
  { name: 'lastActivityDate', dataType: 'datetime', isReadOnly: true },
  { name: 'lastModifiedDate', dataType: 'datetime', isReadOnly: true },
];

/** Verbs per entity follow Autotask's published swagger (docs/autotask.md, Entity URLs). */
export const ENTITIES: Record<EntityName, EntityDescriptor> = {
  Companies: {
    name: 'Companies',
    singular: 'Company',
    collection: 'companies',
    fields: companyFields,
    canCreate: true,
    canUpdate: true,
    canDelete: false,
    hasUserDefinedFields: true,
    supportsWebhookCallouts: true,
  },
  Tickets: {
    name: 'Tickets',
    singular: 'Ticket',
    collection: 'tickets',
    fields: ticketFields,
    canCreate: true,
    canUpdate: true,
    canDelete: false,
    hasUserDefinedFields: true,
    supportsWebhookCallouts: true,
  },
  TicketNotes: {
    name: 'TicketNotes',
    singular: 'TicketNote',
    collection: 'ticketNotes',
    fields: ticketNoteFields,
    canCreate: true,
    canUpdate: true,
    canDelete: false,
    hasUserDefinedFields: false,
    supportsWebhookCallouts: true,
  },
  TimeEntries: {
    name: 'TimeEntries',
    singular: 'TimeEntry',
    collection: 'timeEntries',
    fields: timeEntryFields,
    canCreate: true,
    canUpdate: true,
    canDelete: true,
    hasUserDefinedFields: false,
    supportsWebhookCallouts: false,
  },
  // Both are only read here: the simulator answers their writes with 405.
  BillingCodes: {
    name: 'BillingCodes',
    singular: 'BillingCode',
    collection: 'billingCodes',
    fields: billingCodeFields,
    canCreate: false,
    canUpdate: false,
    canDelete: false,
    hasUserDefinedFields: false,
    supportsWebhookCallouts: false,
  },
  Contacts: {
    name: 'Contacts',
    singular: 'Contact',
    collection: 'contacts',
    fields: contactFields,
    canCreate: true,
    canUpdate: true,
    canDelete: false,
    hasUserDefinedFields: true,
    supportsWebhookCallouts: true,
  },
};

const byLowerName = new Map(Object.values(ENTITIES).map((e) => [e.name.toLowerCase(), e]));

/** Entity names in paths are case-insensitive (`tickets`, `Tickets`, `TICKETS`). */
export function findEntity(name: string): EntityDescriptor | undefined {
  return byLowerName.get(name.toLowerCase());
}

const fieldIndex = new Map<EntityDescriptor, Map<string, FieldSpec>>();

/** Field names in bodies, filters and IncludeFields are matched case-insensitively. */
export function findField(entity: EntityDescriptor, name: string): FieldSpec | undefined {
  let index = fieldIndex.get(entity);
  if (!index) {
    index = new Map(entity.fields.map((f) => [f.name.toLowerCase(), f]));
    fieldIndex.set(entity, index);
  }
  return index.get(name.toLowerCase());
}
