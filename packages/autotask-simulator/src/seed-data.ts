/**
 * The demo tenant: the API user and the companies, tickets, notes and time entries of
 * `seed: 'demo'` (its picklists, present in every seed, are in seed-picklists.ts). Ids and dates are
 * fixed so a demo and a test run see the same world, except one recent non-billable time entry
 * (see demoTimeEntries).
 */
import { ISSUE, QUEUE, SUB_ISSUE } from './seed-picklists.ts';
import type { Company, Ticket, TicketNote, TimeEntry } from './types.ts';

/** The demo API user's resource id and a technician, stamped on seeded records. */
export const API_RESOURCE_ID = 29682885;
export const TECHNICIAN_RESOURCE_ID = 29682886;

export const DEMO_USER = {
  username: 'backupchecks-api@demo.example',
  secret: 'demo-secret',
  // An ApiIntegrationCode is 27 characters long.
  integrationCode: 'DEMOBACKUPCHECKSINTEGRATION',
  resourceId: API_RESOURCE_ID,
} as const;

export type CompanySeed = Pick<Company, 'id' | 'companyName' | 'city'> & Partial<Company>;

const NL = 157;
const UK = 225;
const US = 229;
const BE = 21;

function nl(id: number, companyName: string, city: string, extra: Partial<Company> = {}): CompanySeed {
  return { id, companyName, city, countryID: NL, phone: `+31 30 555 ${String(id).padStart(4, '0')}`, ...extra };
}
function foreign(
  id: number,
  companyName: string,
  city: string,
  countryID: number,
  phone: string,
  extra: Partial<Company> = {},
): CompanySeed {
  return { id, companyName, city, countryID, phone, ...extra };
}

const gone = { isActive: false } as const;

/**
 * About forty customers. The eight names the app's demo customers map to exist exactly once; each
 * has look-alikes (other legal entity, other spelling, an inactive old record) because operators
 * must pick by id, not by a name that merely resembles: ids are stable, names change.
 */
export function demoCompanies(): CompanySeed[] {
  return [
    // Id 0 is the tenant's own company.
    nl(0, 'Backupchecks Demo MSP', 'Utrecht', { companyType: 8, companyNumber: 'MSP-0000' }),
    nl(100, 'Acme Dental', 'Utrecht', { marketSegmentID: 1 }),
    nl(101, 'Acme Dental Group', 'Amersfoort', { marketSegmentID: 1 }),
    nl(102, 'Acme Dentistry', 'Houten', { ...gone, companyType: 4 }),
    nl(103, 'Brightwater Logistics', 'Rotterdam', { marketSegmentID: 4 }),
    foreign(104, 'Brightwater Logistics Ltd', 'Southampton', UK, '+44 23 8055 0104'),
    nl(105, 'Contoso B.V.', 'Amsterdam'),
    nl(106, 'Contoso Holding', 'Amsterdam', { companyType: 3 }),
    foreign(107, 'Contoso Ltd', 'London', UK, '+44 20 7946 0107', { ...gone, companyType: 6 }),
    nl(108, 'Fabrikam Architects', 'Eindhoven'),
    foreign(109, 'Fabrikam Inc.', 'Seattle', US, '+1 206 555 0109'),
    nl(110, 'Greenfield Schools', 'Zwolle', { marketSegmentID: 2 }),
    foreign(111, 'Greenfield School District', 'Leeds', UK, '+44 113 496 0111', { marketSegmentID: 2 }),
    nl(112, 'Northwind Traders', 'Groningen', { marketSegmentID: 3 }),
    foreign(113, 'Northwind Trading', 'Hull', UK, '+44 1482 496 113'),
    nl(114, 'Northwind Traders (old)', 'Groningen', gone),
    nl(115, 'Riverside Medical Centre', 'Nijmegen', { marketSegmentID: 1 }),
    foreign(116, 'Riverside Medical Center', 'Boston', US, '+1 617 555 0116', { marketSegmentID: 1 }),
    nl(117, 'Tailspin Toys', 'Breda', { marketSegmentID: 3 }),
    foreign(118, 'Tailspin Toys Europe', 'Antwerpen', BE, '+32 3 555 01 18'),
    foreign(119, 'Adventure Works Cycles', 'Bothell', US, '+1 425 555 0119'),
    nl(120, 'Alpine Ski House', 'Maastricht'),
    foreign(121, 'A. Datum Corporation', 'Redmond', US, '+1 425 555 0121'),
    nl(122, 'Blue Yonder Airlines', 'Haarlemmermeer'),
    nl(123, 'Coho Winery', 'Venlo'),
    nl(124, 'Consolidated Messenger', 'Den Haag'),
    nl(125, 'Fourth Coffee', 'Leiden'),
    nl(126, 'Graphic Design Institute', 'Arnhem', { marketSegmentID: 2 }),
    nl(127, 'Humongous Insurance', 'Zeist'),
    nl(128, 'Litware Inc.', 'Delft'),
    nl(129, 'Lucerne Publishing', 'Deventer'),
    nl(130, "Margie's Travel", 'Alkmaar'),
    nl(131, 'Proseware Inc.', 'Enschede'),
    nl(132, 'School of Fine Art', 'Tilburg', { marketSegmentID: 2 }),
    nl(133, 'Southridge Video', 'Hilversum'),
    nl(134, 'Trey Research', 'Wageningen'),
    nl(135, 'Wide World Importers', 'Vlissingen', { marketSegmentID: 4 }),
    nl(136, 'Wingtip Toys', "'s-Hertogenbosch", { marketSegmentID: 3 }),
    nl(137, 'Woodgrove Bank', 'Amsterdam'),
    nl(138, 'Van Dijk & Co Accountants', 'Amersfoort'),
    nl(139, 'Bakker Installatietechniek B.V.', 'Apeldoorn'),
    nl(140, 'De Vries Tandartsen', 'Zaandam', { marketSegmentID: 1 }),
    nl(141, 'Hendriks Hardware Distributie', 'Veghel', { companyType: 7 }),
  ];
}

export type TicketSeed = Pick<
  Ticket,
  'id' | 'ticketNumber' | 'title' | 'companyID' | 'status' | 'priority' | 'createDate'
> &
  Partial<Ticket>;

export function demoTickets(): TicketSeed[] {
  const backup = { queueID: QUEUE.monitoringAlerts, issueType: ISSUE.backup, source: 8, ticketType: 2 };
  return [
    {
      id: 7001,
      ticketNumber: 'T20260105.0001',
      title: '[Backupchecks] Acme Dental - Nightly server backup - error',
      description: 'Veeam job "Nightly server backup" failed on DC01: the repository is out of space.',
      companyID: 100,
      status: 8,
      priority: 1,
      ...backup,
      subIssueType: SUB_ISSUE.backupFailed,
      createDate: '2026-01-05T07:12:00.000Z',
      assignedResourceID: TECHNICIAN_RESOURCE_ID,
      assignedResourceRoleID: 29682833,
    },
    {
      id: 7002,
      ticketNumber: 'T20260105.0002',
      title: 'Replace failed disk in NAS',
      description: 'Disk 3 of the Synology NAS reports SMART errors.',
      companyID: 103,
      status: 1,
      priority: 2,
      queueID: QUEUE.serviceDesk,
      issueType: ISSUE.hardware,
      subIssueType: SUB_ISSUE.storage,
      source: 4,
      ticketType: 3,
      createDate: '2026-01-05T09:30:00.000Z',
    },
    {
      id: 7003,
      ticketNumber: 'T20260106.0001',
      title: '[Backupchecks] Contoso B.V. - File server backup - warning',
      description: 'VSS writer timed out on FS01.',
      companyID: 105,
      status: 5,
      priority: 3,
      ...backup,
      subIssueType: SUB_ISSUE.backupWarning,
      createDate: '2026-01-06T06:45:00.000Z',
      completedDate: '2026-01-06T10:02:00.000Z',
      completedByResourceID: TECHNICIAN_RESOURCE_ID,
    },
    {
      id: 7004,
      ticketNumber: 'T20260107.0001',
      title: 'Printer on second floor offline',
      description: null,
      companyID: 112,
      status: 7,
      priority: 3,
      queueID: QUEUE.serviceDesk,
      issueType: ISSUE.hardware,
      subIssueType: SUB_ISSUE.workstation,
      source: 6,
      ticketType: 3,
      createDate: '2026-01-07T08:00:00.000Z',
    },
    {
      id: 7005,
      ticketNumber: 'T20260107.0002',
      title: '[Backupchecks] Riverside Medical Centre - Laptop sync - error',
      description: 'No backup received from 3 laptops in the last 48 hours.',
      companyID: 115,
      status: 1,
      priority: 2,
      ...backup,
      subIssueType: SUB_ISSUE.backupMissed,
      createDate: '2026-01-07T11:20:00.000Z',
    },
  ];
}

export type NoteSeed = Pick<
  TicketNote,
  'id' | 'ticketID' | 'title' | 'description' | 'noteType' | 'publish' | 'createDateTime'
>;

export function demoNotes(): NoteSeed[] {
  return [
    {
      id: 20001,
      ticketID: 7001,
      title: 'Investigating',
      description: 'Cleaning up old restore points on the repository.',
      noteType: 1,
      publish: 2,
      createDateTime: '2026-01-05T08:00:00.000Z',
    },
    {
      id: 20002,
      ticketID: 7004,
      title: 'Asked customer',
      description: 'Asked the customer whether the printer was moved.',
      noteType: 1,
      publish: 1,
      createDateTime: '2026-01-07T08:30:00.000Z',
    },
  ];
}

export type TimeEntrySeed = Pick<TimeEntry, 'id' | 'ticketID' | 'hoursWorked' | 'isNonBillable' | 'dateWorked'> &
  Partial<TimeEntry>;

/**
 * The demo's time entries. One non-billable entry is dated the day before the tenant is seeded
 * (`now`), so the tenant always has recent non-billable time: the app only offers Resolve after it
 * has seen such an entry from the last 90 days.
 */
export function demoTimeEntries(now: Date): TimeEntrySeed[] {
  const yesterday = `${new Date(now.getTime() - 24 * 60 * 60_000).toISOString().slice(0, 10)}T00:00:00.000Z`;
  return [
    {
      id: 30001,
      ticketID: 7001,
      hoursWorked: 0.5,
      isNonBillable: false,
      dateWorked: '2026-01-05T00:00:00.000Z',
      summaryNotes: 'Freed repository space.',
    },
    {
      id: 30002,
      ticketID: 7002,
      hoursWorked: 0.25,
      isNonBillable: true,
      dateWorked: '2026-01-05T00:00:00.000Z',
      summaryNotes: 'Ordered replacement disk.',
    },
    {
      id: 30003,
      ticketID: 7005,
      hoursWorked: 1,
      isNonBillable: false,
      dateWorked: '2026-01-07T00:00:00.000Z',
      summaryNotes: 'Checked laptop agents.',
    },
    {
      id: 30004,
      ticketID: 7005,
      hoursWorked: 0.5,
      isNonBillable: true,
      dateWorked: yesterday,
      summaryNotes: 'Internal review.',
    },
  ];
}

/** Id 0 is the tenant's own company. */
export const API_ROOT_COMPANY_ID = 0;
