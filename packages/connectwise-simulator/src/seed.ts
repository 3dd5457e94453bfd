/**
 * The demo tenant: companies (one inactive, one on credit hold, one deleted, look-alike names, one with an apostrophe),
 * two active boards and an inactive one, statuses with closed ones, priorities, types, subtypes and items, the API
 * member and two people, contacts, a few tickets with notes and time entries (billable, non-billable and one the API
 * member cannot see). Ids are fixed so tests can name them.
 */
import type {
  Board,
  BoardItem,
  BoardStatus,
  BoardSubType,
  BoardType,
  Company,
  CompanyStatus,
  Contact,
  Member,
  Priority,
  ServiceNote,
  Ticket,
  TimeEntry,
} from './types.ts';

const SEEDED = '2026-01-05T09:00:00Z';

export const BOARD = { serviceDesk: 1, monitoring: 2, retired: 3 } as const;
export const STATUS = {
  new: 101,
  inProgress: 102,
  waitingCustomer: 103,
  completed: 104,
  closed: 105,
  obsolete: 106,
  monitoringNew: 201,
  acknowledged: 202,
  resolved: 203,
} as const;
export const PRIORITY = { emergency: 1, quick: 2, normal: 3, scheduled: 4 } as const;
export const TYPE = { backup: 301, incident: 302, request: 303, legacy: 304, alert: 311 } as const;
export const SUBTYPE = { failedJob: 401, missedJob: 402, passwordReset: 403, retired: 404, backupAlert: 411 } as const;
export const ITEM = { server: 421, workstation: 422, retired: 423, appliance: 431 } as const;
export const COMPANY = {
  acme: 250,
  contoso: 251,
  northwind: 252,
  fabrikam: 253,
  tailspin: 254,
  oldClient: 255,
  margies: 256,
  contosoHolding: 257,
  creditHold: 258,
  brightwater: 259,
  riverside: 260,
  greenfield: 261,
} as const;
export const COMPANY_STATUS = { active: 1, inactive: 2, creditHold: 3 } as const;
export const MEMBER = { api: 176, jdoe: 177, asmith: 178 } as const;
export const CONTACT = { janePeters: 501, pietDeVries: 502, formerContact: 503 } as const;

export function seedCompanyStatuses(): CompanyStatus[] {
  return [
    { id: 1, name: 'Active', defaultFlag: true, inactiveFlag: false, disallowSavingFlag: false },
    { id: 2, name: 'Inactive', defaultFlag: false, inactiveFlag: true, disallowSavingFlag: false },
    { id: 3, name: 'Credit Hold', defaultFlag: false, inactiveFlag: false, disallowSavingFlag: true },
  ];
}

export function seedCompanies(): Company[] {
  const company = (id: number, identifier: string, name: string, extra: Partial<Company> = {}): Company => ({
    id,
    identifier,
    name,
    statusId: COMPANY_STATUS.active,
    city: null,
    phoneNumber: null,
    deletedFlag: false,
    dateDeleted: null,
    deletedBy: null,
    dateEntered: SEEDED,
    lastUpdated: SEEDED,
    ...extra,
  });
  return [
    company(COMPANY.acme, 'AcmeDental', 'Acme Dental', { city: 'Utrecht' }),
    company(COMPANY.contoso, 'Contoso', 'Contoso B.V.', { city: 'Amsterdam' }),
    company(COMPANY.northwind, 'Northwind', 'Northwind Traders'),
    company(COMPANY.fabrikam, 'Fabrikam', 'Fabrikam Architects'),
    company(COMPANY.tailspin, 'Tailspin', 'Tailspin Toys', { statusId: COMPANY_STATUS.inactive }),
    company(COMPANY.oldClient, 'OldClient', 'Old Client Ltd', {
      deletedFlag: true,
      dateDeleted: '2025-11-30T16:00:00Z',
      deletedBy: 'jdoe',
    }),
    company(COMPANY.margies, 'MargiesTravel', "Margie's Travel <Rotterdam>"),
    company(COMPANY.contosoHolding, 'ContosoHolding', 'Contoso Holding'),
    company(COMPANY.creditHold, 'Woodgrove', 'Woodgrove Bank', { statusId: COMPANY_STATUS.creditHold }),
    // With the ones above, the names of the app's demo customers (src/services/demo/catalog.ts), so its demo with
    // this simulator maps them the way the Autotask demo does.
    company(COMPANY.brightwater, 'Brightwater', 'Brightwater Logistics', { city: 'Rotterdam' }),
    company(COMPANY.riverside, 'RiversideMedical', 'Riverside Medical Centre', { city: 'Nijmegen' }),
    company(COMPANY.greenfield, 'Greenfield', 'Greenfield Schools', { city: 'Zwolle' }),
  ];
}

export function seedContacts(): Contact[] {
  return [
    { id: 501, firstName: 'Jane', lastName: 'Peters', companyId: COMPANY.acme, inactiveFlag: false, defaultFlag: true },
    {
      id: 502,
      firstName: 'Piet',
      lastName: 'de Vries',
      companyId: COMPANY.contoso,
      inactiveFlag: false,
      defaultFlag: true,
    },
    {
      id: 503,
      firstName: 'Former',
      lastName: 'Employee',
      companyId: COMPANY.acme,
      inactiveFlag: true,
      defaultFlag: false,
    },
  ];
}

export function seedMembers(): Member[] {
  return [
    {
      id: 176,
      identifier: 'backupchecks',
      firstName: 'Backupchecks',
      lastName: 'API',
      licenseClass: 'A',
      inactiveFlag: false,
    },
    { id: 177, identifier: 'jdoe', firstName: 'John', lastName: 'Doe', licenseClass: 'F', inactiveFlag: false },
    { id: 178, identifier: 'asmith', firstName: 'Alice', lastName: 'Smith', licenseClass: 'F', inactiveFlag: false },
  ];
}

export function seedBoards(): Board[] {
  return [
    { id: 1, name: 'Service Desk', inactiveFlag: false },
    { id: 2, name: 'Monitoring', inactiveFlag: false },
    { id: 3, name: 'Retired Board', inactiveFlag: true },
  ];
}

export function seedStatuses(): BoardStatus[] {
  const status = (id: number, boardId: number, name: string, sortOrder: number, extra: Partial<BoardStatus> = {}) => ({
    id,
    boardId,
    name,
    sortOrder,
    closedStatus: false,
    inactive: false,
    defaultFlag: false,
    timeEntryNotAllowed: false,
    ...extra,
  });
  return [
    status(101, BOARD.serviceDesk, 'New', 1, { defaultFlag: true }),
    status(102, BOARD.serviceDesk, 'In Progress', 2),
    status(103, BOARD.serviceDesk, 'Waiting Customer', 3),
    status(104, BOARD.serviceDesk, 'Completed', 4, { closedStatus: true }),
    status(105, BOARD.serviceDesk, 'Closed', 5, { closedStatus: true, timeEntryNotAllowed: true }),
    status(106, BOARD.serviceDesk, 'Obsolete', 6, { inactive: true }),
    status(201, BOARD.monitoring, 'New', 1, { defaultFlag: true }),
    status(202, BOARD.monitoring, 'Acknowledged', 2),
    status(203, BOARD.monitoring, 'Resolved', 3, { closedStatus: true }),
    status(301, BOARD.retired, 'New', 1, { defaultFlag: true }),
  ];
}

export function seedPriorities(): Priority[] {
  return [
    { id: 1, name: 'Priority 1 - Emergency Response', sortOrder: 1, defaultFlag: false, color: 'Red' },
    { id: 2, name: 'Priority 2 - Quick Response', sortOrder: 2, defaultFlag: false, color: 'Orange' },
    { id: 3, name: 'Priority 3 - Normal Response', sortOrder: 3, defaultFlag: true, color: 'Yellow' },
    { id: 4, name: 'Priority 4 - Schedule Maintenance', sortOrder: 4, defaultFlag: false, color: 'Green' },
  ];
}

export function seedTypes(): BoardType[] {
  return [
    { id: 301, boardId: BOARD.serviceDesk, name: 'Backup', inactiveFlag: false, defaultFlag: false },
    { id: 302, boardId: BOARD.serviceDesk, name: 'Incident', inactiveFlag: false, defaultFlag: true },
    { id: 303, boardId: BOARD.serviceDesk, name: 'Request', inactiveFlag: false, defaultFlag: false },
    { id: 304, boardId: BOARD.serviceDesk, name: 'Legacy', inactiveFlag: true, defaultFlag: false },
    { id: 311, boardId: BOARD.monitoring, name: 'Alert', inactiveFlag: false, defaultFlag: true },
  ];
}

export function seedSubTypes(): BoardSubType[] {
  return [
    { id: 401, boardId: BOARD.serviceDesk, name: 'Failed job', inactiveFlag: false, typeAssociationIds: [TYPE.backup] },
    { id: 402, boardId: BOARD.serviceDesk, name: 'Missed job', inactiveFlag: false, typeAssociationIds: [TYPE.backup] },
    {
      id: 403,
      boardId: BOARD.serviceDesk,
      name: 'Password reset',
      inactiveFlag: false,
      typeAssociationIds: [TYPE.request],
    },
    { id: 404, boardId: BOARD.serviceDesk, name: 'Retired', inactiveFlag: true, typeAssociationIds: [TYPE.backup] },
    { id: 411, boardId: BOARD.monitoring, name: 'Backup alert', inactiveFlag: false, typeAssociationIds: [TYPE.alert] },
  ];
}

export function seedItems(): BoardItem[] {
  return [
    { id: 421, boardId: BOARD.serviceDesk, name: 'Server', inactiveFlag: false },
    { id: 422, boardId: BOARD.serviceDesk, name: 'Workstation', inactiveFlag: false },
    { id: 423, boardId: BOARD.serviceDesk, name: 'Tape drive', inactiveFlag: true },
    { id: 431, boardId: BOARD.monitoring, name: 'Backup appliance', inactiveFlag: false },
  ];
}

export function seedTickets(): Ticket[] {
  const ticket = (id: number, summary: string, extra: Partial<Ticket>): Ticket => ({
    id,
    summary,
    boardId: BOARD.serviceDesk,
    statusId: STATUS.new,
    companyId: COMPANY.acme,
    contactId: null,
    typeId: null,
    subTypeId: null,
    itemId: null,
    priorityId: PRIORITY.normal,
    severity: 'Medium',
    impact: 'Medium',
    externalXRef: null,
    poNumber: null,
    closedFlag: false,
    closedDate: null,
    closedBy: null,
    dateEntered: SEEDED,
    enteredBy: 'jdoe',
    lastUpdated: SEEDED,
    updatedBy: 'jdoe',
    ...extra,
  });
  return [
    ticket(1001, 'Backup failed on FS01', { typeId: TYPE.backup, subTypeId: SUBTYPE.failedJob, contactId: 501 }),
    ticket(1002, 'Veeam job warning', {
      companyId: COMPANY.contoso,
      statusId: STATUS.completed,
      closedFlag: true,
      closedDate: '2026-01-06T12:00:00Z',
      closedBy: 'asmith',
    }),
    ticket(1003, 'Missed backup on SQL02', {
      companyId: COMPANY.northwind,
      boardId: BOARD.monitoring,
      statusId: STATUS.monitoringNew,
      typeId: TYPE.alert,
      subTypeId: SUBTYPE.backupAlert,
    }),
  ];
}

export function seedNotes(): ServiceNote[] {
  return [
    {
      id: 5001,
      ticketId: 1001,
      text: 'Job "FS01 nightly" failed: target unreachable.',
      detailDescriptionFlag: true,
      internalAnalysisFlag: false,
      resolutionFlag: false,
      memberId: MEMBER.jdoe,
      contactId: null,
      dateCreated: SEEDED,
      createdBy: 'jdoe',
    },
  ];
}

export function seedTimeEntries(): TimeEntry[] {
  const entry = (id: number, chargeToId: number, companyId: number, extra: Partial<TimeEntry>): TimeEntry => ({
    id,
    companyId,
    chargeToType: 'ServiceTicket',
    chargeToId,
    memberId: MEMBER.jdoe,
    timeStart: '2026-01-05T10:00:00Z',
    timeEnd: '2026-01-05T10:30:00Z',
    actualHours: 0.5,
    billableOption: 'Billable',
    notes: 'Remote support',
    dateEntered: SEEDED,
    enteredBy: 'jdoe',
    hiddenFromApiMember: false,
    ...extra,
  });
  return [
    entry(7001, 1001, COMPANY.acme, {}),
    entry(7002, 1002, COMPANY.contoso, {
      memberId: MEMBER.asmith,
      billableOption: 'DoNotBill',
      notes: 'Internal check',
      enteredBy: 'asmith',
    }),
    entry(7003, 1003, COMPANY.northwind, { memberId: MEMBER.asmith, hiddenFromApiMember: true, enteredBy: 'asmith' }),
  ];
}
