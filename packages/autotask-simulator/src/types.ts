/**
 * Record shapes the simulator stores and returns. Keys are the camelCase wire names (responses are
 * camelCase even though the swagger says PascalCase; docs/autotask.md, Wire basics).
 */

/** Returns "now". Injected so ticket numbers, createDate and completedDate are deterministic in tests. */
export type Clock = () => Date;

/** One `{name, value}` pair; Autotask sends `userDefinedFields: []` when an entity has none. */
export interface UserDefinedField {
  name: string;
  value: string | null;
}

/** A picklist entry exactly as `entityInformation/fields` shows it: `value` is a string. */
export interface PicklistValue {
  value: string;
  label: string;
  isDefaultValue: boolean;
  sortOrder: number;
  parentValue: string;
  isActive: boolean;
  isSystem: boolean;
}

export interface Company {
  id: number;
  companyName: string;
  companyNumber: string | null;
  companyType: number;
  isActive: boolean;
  phone: string;
  fax: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  countryID: number | null;
  webAddress: string | null;
  ownerResourceID: number;
  parentCompanyID: number | null;
  classification: number | null;
  territoryID: number | null;
  marketSegmentID: number | null;
  isClientPortalActive: boolean;
  createDate: string;
  lastActivityDate: string;
  lastTrackedModifiedDateTime: string;
  userDefinedFields: UserDefinedField[];
}

export interface Ticket {
  id: number;
  ticketNumber: string;
  title: string;
  description: string | null;
  companyID: number;
  companyLocationID: number | null;
  contactID: number | null;
  status: number;
  priority: number;
  queueID: number | null;
  issueType: number | null;
  subIssueType: number | null;
  ticketType: number | null;
  ticketCategory: number | null;
  source: number | null;
  dueDateTime: string | null;
  estimatedHours: number | null;
  externalID: string | null;
  createDate: string;
  creatorResourceID: number | null;
  creatorType: number;
  lastActivityDate: string;
  lastActivityPersonType: number;
  lastTrackedModificationDateTime: string;
  completedDate: string | null;
  completedByResourceID: number | null;
  resolution: string | null;
  assignedResourceID: number | null;
  assignedResourceRoleID: number | null;
  billingCodeID: number | null;
  contractID: number | null;
  configurationItemID: number | null;
  projectID: number | null;
  serviceLevelAgreementID: number | null;
  rmmAlertID: string | null;
  userDefinedFields: UserDefinedField[];
}

export interface TicketNote {
  id: number;
  ticketID: number;
  title: string;
  description: string;
  noteType: number;
  publish: number;
  createDateTime: string;
  creatorResourceID: number | null;
  createdByContactID: number | null;
  lastActivityDate: string;
  impersonatorCreatorResourceID: number | null;
  impersonatorUpdaterResourceID: number | null;
}

export interface TimeEntry {
  id: number;
  ticketID: number | null;
  taskID: number | null;
  resourceID: number;
  roleID: number | null;
  billingCodeID: number | null;
  contractID: number | null;
  dateWorked: string;
  startDateTime: string | null;
  endDateTime: string | null;
  hoursWorked: number;
  hoursToBill: number;
  offsetHours: number;
  summaryNotes: string | null;
  internalNotes: string | null;
  timeEntryType: number;
  isNonBillable: boolean;
  showOnInvoice: boolean;
  createDateTime: string;
  creatorUserID: number | null;
  lastModifiedDateTime: string;
  lastModifiedUserID: number | null;
}

/** An API-only user the simulator accepts (UserName + Secret + ApiIntegrationCode headers). */
export interface SimUser {
  username: string;
  secret: string;
  integrationCode: string;
  /** The user's resource id; stamped on records it creates. */
  resourceId?: number;
  /**
   * The security level's "Can view non-billable time entries" (default true). Without it
   * TimeEntries with `isNonBillable = true` are left out of queries and counts, with no error.
   */
  canViewNonBillable?: boolean;
}

/** A billing (allocation) code; `useType` 1 is a Work Type, the kind a ticket's `billingCodeID` takes. */
export interface BillingCode {
  id: number;
  name: string;
  description: string | null;
  isActive: boolean;
  useType: number;
  billingCodeType: number;
  afterHoursWorkType: number | null;
  department: number | null;
  externalNumber: string | null;
  generalLedgerAccount: number | null;
  isExcludedFromNewContracts: boolean;
  markupRate: number | null;
  taxCategoryID: number | null;
  unitCost: number | null;
  unitPrice: number | null;
}

/** A person at a company. `isActive` is an integer (1 active, 0 inactive), as Autotask's swagger has it. */
export interface Contact {
  id: number;
  companyID: number;
  firstName: string;
  lastName: string;
  emailAddress: string | null;
  phone: string | null;
  title: string | null;
  isActive: number;
  primaryContact: boolean;
  createDate: string;
  lastActivityDate: string;
  lastModifiedDate: string;
  userDefinedFields: UserDefinedField[];
}

export const ENTITY_NAMES = ['Companies', 'Tickets', 'TicketNotes', 'TimeEntries', 'BillingCodes', 'Contacts'] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

/** Picklists per entity, keyed by the field's camelCase name. */
export type Picklists = Record<EntityName, Record<string, PicklistValue[]>>;
