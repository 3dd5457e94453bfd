/**
 * Records as the simulator keeps them: flat, referring to each other by id. The wire shapes (nested references with
 * `_info`, as ConnectWise answers) are built from these in resources.ts, so a renamed board shows its new name on
 * every ticket, as it would in ConnectWise.
 */

export type Clock = () => Date;

export interface ConnectWiseCredentials {
  /** The company id typed at the ConnectWise login ("backupchecks"), the part before `+` in the user name. */
  companyId: string;
  publicKey: string;
  privateKey: string;
  /** The integration's clientId from ConnectWise's developer portal, sent as the `clientId` header. */
  clientId: string;
}

export interface CompanyStatus {
  id: number;
  name: string;
  defaultFlag: boolean;
  inactiveFlag: boolean;
  /** ConnectWise refuses to save tickets (and other records) for a company in such a status. */
  disallowSavingFlag: boolean;
}

export interface Company {
  id: number;
  identifier: string;
  name: string;
  statusId: number;
  city: string | null;
  phoneNumber: string | null;
  /** Deleted companies stay, flagged (ConnectWise deletes companies softly). */
  deletedFlag: boolean;
  dateDeleted: string | null;
  deletedBy: string | null;
  dateEntered: string;
  lastUpdated: string;
}

export interface Contact {
  id: number;
  firstName: string;
  lastName: string;
  companyId: number;
  inactiveFlag: boolean;
  defaultFlag: boolean;
}

export interface Member {
  id: number;
  identifier: string;
  firstName: string;
  lastName: string;
  /** A = API member, F = full member (ConnectWise's licenseClass letters). */
  licenseClass: 'A' | 'F';
  inactiveFlag: boolean;
}

export interface Board {
  id: number;
  name: string;
  inactiveFlag: boolean;
}

export interface BoardStatus {
  id: number;
  boardId: number;
  name: string;
  sortOrder: number;
  /** Setting a ticket to a status with this flag closes it (closedFlag, closedDate, closedBy). */
  closedStatus: boolean;
  inactive: boolean;
  defaultFlag: boolean;
  timeEntryNotAllowed: boolean;
}

export interface Priority {
  id: number;
  name: string;
  sortOrder: number;
  defaultFlag: boolean;
  color: string;
}

export interface BoardType {
  id: number;
  boardId: number;
  name: string;
  inactiveFlag: boolean;
  defaultFlag: boolean;
}

export interface BoardSubType {
  id: number;
  boardId: number;
  name: string;
  inactiveFlag: boolean;
  /** The types of the board this subtype goes with. */
  typeAssociationIds: number[];
}

/** A board's item (ConnectWise's `BoardItem`): the third level under type and subtype. */
export interface BoardItem {
  id: number;
  boardId: number;
  name: string;
  inactiveFlag: boolean;
}

export type Severity = 'Low' | 'Medium' | 'High';

export interface Ticket {
  id: number;
  summary: string;
  boardId: number;
  statusId: number;
  companyId: number;
  contactId: number | null;
  typeId: number | null;
  subTypeId: number | null;
  itemId: number | null;
  priorityId: number;
  severity: Severity;
  impact: Severity;
  externalXRef: string | null;
  poNumber: string | null;
  closedFlag: boolean;
  closedDate: string | null;
  closedBy: string | null;
  dateEntered: string;
  enteredBy: string;
  lastUpdated: string;
  updatedBy: string;
}

export interface ServiceNote {
  id: number;
  ticketId: number;
  text: string;
  detailDescriptionFlag: boolean;
  internalAnalysisFlag: boolean;
  resolutionFlag: boolean;
  memberId: number | null;
  contactId: number | null;
  dateCreated: string;
  createdBy: string;
}

/** ConnectWise's values; Billable is the only one that is billed. */
export type BillableOption = 'Billable' | 'DoNotBill' | 'NoCharge' | 'NoDefault';

export interface TimeEntry {
  id: number;
  companyId: number;
  chargeToType: 'ServiceTicket' | 'ProjectTicket' | 'ChargeCode' | 'Activity';
  chargeToId: number;
  memberId: number;
  timeStart: string;
  timeEnd: string;
  actualHours: number;
  billableOption: BillableOption;
  notes: string;
  dateEntered: string;
  enteredBy: string;
  /**
   * Not a ConnectWise field: the entry exists but the API member's security role does not let it see it, so it is
   * absent from lists and counts (how ConnectWise restricts time entries is in docs/connectwise.md; the mechanism
   * here, a flag per entry, is the simulator's).
   */
  hiddenFromApiMember: boolean;
}
