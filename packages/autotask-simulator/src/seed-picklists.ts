/**
 * The tenant's picklists, present in every seed because every tenant has them.
 *
 * Picklist numbers follow the ones public sources name (status 1 New / 5 Complete / 7..13,
 * priority 1 High, ticketType 3 Service Request / 2 Incident, source 2 Insourced, publish 1 All
 * Autotask Users / 2 Internal); the rest are typical tenant values. Each picklist keeps an inactive
 * entry because real tenants do: inactive values stay in the list (docs/autotask.md, Picklists).
 */
import type { EntityName, PicklistValue } from './types.ts';

type PicklistEntry = [value: number, label: string, extra?: Partial<PicklistValue>];

function picklist(entries: PicklistEntry[]): PicklistValue[] {
  return entries.map(([value, label, extra], index) => ({
    value: String(value),
    label,
    isDefaultValue: false,
    sortOrder: index + 1,
    parentValue: '',
    isActive: true,
    isSystem: false,
    ...extra,
  }));
}

const inactive = { isActive: false } as const;
const system = { isSystem: true } as const;

export const QUEUE = {
  serviceDesk: 29683481,
  monitoringAlerts: 29683482,
  projects: 29683483,
  levelTwo: 29683484,
  oldHelpdesk: 29683479,
} as const;

export const ISSUE = { backup: 10, hardware: 11, software: 12, network: 13, security: 14 } as const;

export const SUB_ISSUE = {
  backupFailed: 101,
  backupWarning: 102,
  backupMissed: 103,
  restoreRequest: 104,
  tapeRotation: 105,
  server: 111,
  workstation: 112,
  storage: 113,
  applicationError: 121,
  licensing: 122,
  internetOutage: 131,
  vpn: 132,
  malware: 141,
} as const;

function sub(value: number, label: string, parent: number, extra?: Partial<PicklistValue>): PicklistEntry {
  return [value, label, { parentValue: String(parent), ...extra }];
}

export function demoPicklists(): Record<EntityName, Record<string, PicklistValue[]>> {
  return {
    Tickets: {
      status: picklist([
        [1, 'New', { ...system, isDefaultValue: true }],
        [5, 'Complete', system],
        [7, 'Waiting Customer', system],
        [8, 'In Progress'],
        [9, 'Waiting Materials'],
        [10, 'Dispatched'],
        [11, 'Escalate'],
        [12, 'Waiting Vendor'],
        [13, 'Waiting Approval'],
        [14, 'On Hold (old)', inactive],
      ]),
      priority: picklist([
        [4, 'Critical'],
        [1, 'High'],
        [2, 'Medium', { isDefaultValue: true }],
        [3, 'Low'],
        [5, 'Standard (old)', inactive],
      ]),
      queueID: picklist([
        [QUEUE.serviceDesk, 'Service Desk', { isDefaultValue: true }],
        [QUEUE.monitoringAlerts, 'Monitoring Alerts'],
        [QUEUE.projects, 'Projects'],
        [QUEUE.levelTwo, 'Level II Support'],
        [QUEUE.oldHelpdesk, 'Old Helpdesk', inactive],
      ]),
      issueType: picklist([
        [ISSUE.backup, 'Backup'],
        [ISSUE.hardware, 'Hardware'],
        [ISSUE.software, 'Software'],
        [ISSUE.network, 'Network'],
        [ISSUE.security, 'Security'],
      ]),
      subIssueType: picklist([
        sub(SUB_ISSUE.backupFailed, 'Backup failed', ISSUE.backup),
        sub(SUB_ISSUE.backupWarning, 'Backup warning', ISSUE.backup),
        sub(SUB_ISSUE.backupMissed, 'Backup missed', ISSUE.backup),
        sub(SUB_ISSUE.restoreRequest, 'Restore request', ISSUE.backup),
        sub(SUB_ISSUE.tapeRotation, 'Tape rotation (old)', ISSUE.backup, inactive),
        sub(SUB_ISSUE.server, 'Server', ISSUE.hardware),
        sub(SUB_ISSUE.workstation, 'Workstation', ISSUE.hardware),
        sub(SUB_ISSUE.storage, 'Storage / NAS', ISSUE.hardware),
        sub(SUB_ISSUE.applicationError, 'Application error', ISSUE.software),
        sub(SUB_ISSUE.licensing, 'Licensing', ISSUE.software),
        sub(SUB_ISSUE.internetOutage, 'Internet outage', ISSUE.network),
        sub(SUB_ISSUE.vpn, 'VPN', ISSUE.network),
        sub(SUB_ISSUE.malware, 'Malware', ISSUE.security),
      ]),
      source: picklist([
        [2, 'Insourced', system],
        [4, 'Phone'],
        [6, 'Email'],
        [8, 'Monitoring Alert'],
        [11, 'Client Portal', system],
        [12, 'Fax (old)', inactive],
      ]),
      ticketType: picklist([
        [3, 'Service Request', { isDefaultValue: true }],
        [2, 'Incident'],
        [4, 'Problem'],
        [5, 'Change Request'],
        [6, 'Alert', system],
        [7, 'Maintenance (old)', inactive],
      ]),
      ticketCategory: picklist([
        [1, 'Standard', { isDefaultValue: true }],
        [3, 'Monitoring Alert'],
        [4, 'Legacy (old)', inactive],
      ]),
      serviceLevelAgreementID: picklist([[1, 'Standard SLA']]),
    },
    TicketNotes: {
      noteType: picklist([
        [1, 'Task Summary', { ...system, isDefaultValue: true }],
        [2, 'Task Detail', system],
        [3, 'Task Notes'],
        [13, 'Internal Note'],
        [99, 'Legacy Note (old)', inactive],
      ]),
      publish: picklist([
        [1, 'All Autotask Users', { isDefaultValue: true }],
        [2, 'Internal'],
      ]),
    },
    Companies: {
      companyType: picklist([
        [1, 'Customer', { isDefaultValue: true }],
        [2, 'Lead'],
        [3, 'Prospect'],
        [4, 'Dead'],
        [6, 'Cancellation'],
        [7, 'Vendor'],
        [8, 'Partner'],
      ]),
      classification: picklist([
        [1, 'Managed Services'],
        [2, 'Break/Fix'],
      ]),
      territoryID: picklist([
        [1, 'Netherlands'],
        [2, 'United Kingdom'],
        [3, 'North America'],
      ]),
      marketSegmentID: picklist([
        [1, 'Healthcare'],
        [2, 'Education'],
        [3, 'Retail'],
        [4, 'Logistics'],
      ]),
    },
    TimeEntries: {
      timeEntryType: picklist([
        [2, 'Ticket', system],
        [6, 'Task', system],
      ]),
    },
    BillingCodes: {
      useType: picklist([
        [1, 'Work Type', system],
        [2, 'Material', system],
        [3, 'Expense Category', system],
        [4, 'Internal Time', system],
        [5, 'Recurring Contract Service', system],
        [6, 'Milestone', system],
      ]),
      billingCodeType: picklist([[0, 'Standard', system]]),
      generalLedgerAccount: picklist([[1, 'Revenue']]),
    },
    Contacts: {},
  };
}
