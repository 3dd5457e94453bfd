import type { ApiCallLog, Db, IntegrationSettings, SyncLog } from '../../db/database.ts';
import { PSA_NAMES, type PsaType } from '../../psa/port.ts';
import { activePsaType } from '../../psa/switch.ts';
import {
  connectWiseFacts,
  loadConnectWiseOverview,
  type ConnectWiseFacts,
  type ConnectWiseOverview,
} from './overview-connectwise.ts';
import { installationOf, periodicSyncText } from './installation-settings.ts';
import { countMappings, countTickets, DAY_MS, type MappingCounts, type TicketCounts } from './overview-counts.ts';
import { COMPANY_SYNC_KIND, TICKET_STATUS_SYNC_KIND } from './sync-log.ts';
import {
  hasCredentials,
  integrationBlocker,
  integrationStatus,
  missingCredentials,
  type IntegrationStatus,
} from './settings.ts';
import { cachedPicklists, staleValues, type CachedPicklists, type StaleValue } from './picklists.ts';

/**
 * The integration at a glance (what it is, its status, its monitoring and the setup checklist), from
 * the database only: no PSA call is made to draw it. The settings page, the diagnostics page and the
 * Markdown export all read this one model. It describes Autotask (the fields at the top level, as
 * before ConnectWise existed), which PSA is active, and ConnectWise (`connectWise`,
 * ./overview-connectwise.ts).
 */

export type { MappingCounts, TicketCounts } from './overview-counts.ts';

export const STATUS_LABELS: Record<IntegrationStatus, string> = {
  active: 'Active',
  disabled: 'Disabled',
  misconfigured: 'Misconfigured',
};

export const ENVIRONMENT_LABELS = { sandbox: 'Sandbox', production: 'Production' } as const;

export const SYNC_KIND_LABELS: Record<string, string> = {
  [COMPANY_SYNC_KIND]: 'Company-name sync',
  [TICKET_STATUS_SYNC_KIND]: 'Ticket-status refresh',
};

export const syncKindLabel = (kind: string): string => SYNC_KIND_LABELS[kind] ?? kind;

/** Sync method: what flows which way, in words. */
export const SYNC_METHOD = [
  'One-way sync, Autotask → Backupchecks: company names and ticket statuses are read from Autotask; Autotask is the authority.',
  'Backupchecks → Autotask only by operator action: a ticket is created or resolved when an operator clicks, never by a background job.',
  'No two-way sync: Backupchecks never changes companies in Autotask, and Autotask never changes Backupchecks customer names.',
] as const;

export interface ChecklistItem {
  readonly label: string;
  readonly done: boolean;
  /** The item's current state, in words. */
  readonly state: string;
}

export interface Checklist {
  readonly setup: readonly ChecklistItem[];
  readonly operations: readonly ChecklistItem[];
  readonly documentation: readonly ChecklistItem[];
}

export interface Monitoring {
  readonly lastOk: ApiCallLog | null;
  readonly lastFailed: ApiCallLog | null;
  readonly failedLast24h: number;
  readonly lastSync: SyncLog | null;
  readonly failedSyncsLast24h: number;
  /** The newest failed syncs (for the export's error log summary). */
  readonly recentSyncFailures: readonly SyncLog[];
  /** The newest failed calls (for the export's error log summary). */
  readonly recentCallFailures: readonly ApiCallLog[];
}

export interface IntegrationOverview {
  readonly settings: IntegrationSettings;
  readonly picklists: CachedPicklists | null;
  readonly stale: readonly StaleValue[];
  readonly psaType: 'Autotask';
  readonly environmentLabel: string;
  readonly status: IntegrationStatus;
  readonly statusLabel: string;
  /** Why the status is not Active, when it is not. */
  readonly statusReason: string | null;
  readonly monitoring: Monitoring;
  readonly mappings: MappingCounts;
  readonly tickets: TicketCounts;
  readonly periodicSync: string;
  readonly checklist: Checklist;
  /** The PSA whose settings are enabled (src/psa/switch.ts); null when neither is. */
  readonly activePsa: PsaType | null;
  /** "Autotask", "ConnectWise" or "None (both switched off)". */
  readonly activePsaLabel: string;
  readonly connectWise: ConnectWiseOverview;
  /** The ConnectWise section in words, for the page and the export alike. */
  readonly connectWiseFacts: ConnectWiseFacts;
}

export const NO_ACTIVE_PSA = 'None (both switched off)';

/** `psa`: only the calls to that PSA; every call when absent. */
export async function loadMonitoring(db: Db, now: Date = new Date(), psa?: PsaType): Promise<Monitoring> {
  const since = new Date(now.getTime() - DAY_MS);
  const calls = psa ? { psaType: psa } : {};
  const [lastOk, lastFailed, failedLast24h, lastSync, failedSyncsLast24h, recentSyncFailures, recentCallFailures] =
    await Promise.all([
      db.apiCallLog.findFirst({ where: { ...calls, ok: true }, orderBy: [{ at: 'desc' }, { id: 'desc' }] }),
      db.apiCallLog.findFirst({ where: { ...calls, ok: false }, orderBy: [{ at: 'desc' }, { id: 'desc' }] }),
      db.apiCallLog.count({ where: { ...calls, ok: false, at: { gte: since } } }),
      db.syncLog.findFirst({ where: { finishedAt: { not: null } }, orderBy: [{ startedAt: 'desc' }, { id: 'desc' }] }),
      db.syncLog.count({ where: { ok: false, finishedAt: { not: null }, startedAt: { gte: since } } }),
      db.syncLog.findMany({
        where: { ok: false, finishedAt: { not: null } },
        orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
        take: 5,
      }),
      db.apiCallLog.findMany({ where: { ...calls, ok: false }, orderBy: [{ at: 'desc' }, { id: 'desc' }], take: 5 }),
    ]);
  return { lastOk, lastFailed, failedLast24h, lastSync, failedSyncsLast24h, recentSyncFailures, recentCallFailures };
}

const when = (d: Date | null | undefined, fmt: (d: Date) => string) => (d ? fmt(d) : 'never');

type OverviewBase = Omit<
  IntegrationOverview,
  'checklist' | 'activePsa' | 'activePsaLabel' | 'connectWise' | 'connectWiseFacts'
>;

/** The PSA integration checklist (setup, ongoing operations, documentation) with each item's current state. */
export function buildChecklist(o: OverviewBase, fmt: (d: Date) => string): Checklist {
  return { setup: setupItems(o, fmt), operations: operationsItems(o, fmt), documentation: documentationItems(o) };
}

function setupItems(o: OverviewBase, fmt: (d: Date) => string): ChecklistItem[] {
  const s = o.settings;
  const m = o.monitoring;
  const defaultsSet =
    s.queueId !== null && s.priorityErrorId !== null && s.priorityWarningId !== null && s.newStatusId !== null;
  const onlyErrorsLogged = s.apiLogLevel !== 'all';
  return [
    {
      label: 'API credentials configured',
      done: hasCredentials(s),
      state: hasCredentials(s)
        ? `API user ${s.apiUsername}; secret stored encrypted`
        : `Missing: ${missingCredentials(s).join(', ')}`,
    },
    {
      label: 'Permissions verified',
      done: m.lastOk !== null && (m.lastFailed === null || m.lastOk.at >= m.lastFailed.at),
      state: m.lastOk
        ? `Last successful Autotask call ${fmt(m.lastOk.at)}${m.lastFailed ? `; last failed call ${fmt(m.lastFailed.at)}` : ''}`
        : onlyErrorsLogged
          ? `Successful calls are not logged at API logging level "${s.apiLogLevel}": use Test connection and Validate configuration`
          : 'No successful Autotask call recorded yet: use Test connection',
    },
    {
      label: 'Ticket defaults set (queue, priorities, new-ticket status)',
      done: defaultsSet && o.stale.length === 0,
      state: !defaultsSet
        ? 'Incomplete: tickets cannot be created'
        : o.stale.length > 0
          ? o.stale.map((v) => v.message).join(' ')
          : 'Set, and active in the lists last loaded',
    },
    {
      label: 'Picklists loaded from Autotask',
      done: s.picklistsLoadedAt !== null,
      state: s.picklistsLoadedAt ? `Loaded ${fmt(s.picklistsLoadedAt)}` : 'Not loaded yet',
    },
    {
      label: 'Sync settings defined',
      done: true,
      state: `Company names: ${periodicSyncText(s.syncIntervalMinutes)} Ticket statuses: refreshed when pages show them (at most every 5 minutes).`,
    },
    {
      label: 'Customers mapped to Autotask companies',
      done: o.mappings.customers > 0 && o.mappings.unmapped === 0 && o.mappings.invalid === 0,
      state: `${o.mappings.mapped} of ${o.mappings.customers} active customers mapped; ${o.mappings.invalid} invalid, ${o.mappings.renamed} renamed`,
    },
    {
      label: 'Two-way sync enabled (if desired)',
      done: true,
      state: 'Not applicable: the integration is one-way by design (Autotask is the authority)',
    },
    { label: 'Field mappings documented', done: true, state: 'See "Field mappings" in the Markdown export' },
  ];
}

function operationsItems(o: OverviewBase, fmt: (d: Date) => string): ChecklistItem[] {
  const m = o.monitoring;
  return [
    {
      label: 'Check sync status regularly',
      done: m.lastSync !== null && m.lastSync.ok,
      state: m.lastSync
        ? `Last synchronisation ${fmt(m.lastSync.startedAt)}: ${m.lastSync.ok ? 'succeeded' : `failed${m.lastSync.message ? ` (${m.lastSync.message})` : ''}`}`
        : 'No synchronisation has run yet',
    },
    {
      label: 'Monitor error log',
      done: m.failedLast24h === 0 && m.failedSyncsLast24h === 0,
      state: `${m.failedLast24h} failed Autotask call${m.failedLast24h === 1 ? '' : 's'} and ${m.failedSyncsLast24h} failed sync${m.failedSyncsLast24h === 1 ? '' : 's'} in the last 24 hours; last failed call ${when(m.lastFailed?.at, fmt)}`,
    },
    {
      label: 'Perform matching regularly',
      done: o.mappings.unmapped === 0 && o.mappings.invalid === 0,
      state: `${o.mappings.unmapped} active customer${o.mappings.unmapped === 1 ? '' : 's'} not mapped, ${o.mappings.invalid} with an invalid mapping`,
    },
    {
      label: 'Clean up duplicates',
      done: true,
      state:
        'Prevented: an Autotask company maps to one customer at most, and a run has at most one ticket (database constraints)',
    },
  ];
}

function documentationItems(o: OverviewBase): ChecklistItem[] {
  const s = o.settings;
  return [
    {
      label: 'API credentials stored securely',
      done: s.secretEncrypted !== null,
      state: s.secretEncrypted
        ? 'Secret stored encrypted (AES-256-GCM, APP_ENCRYPTION_KEY); never shown or logged'
        : 'No secret stored',
    },
    { label: 'Configuration documented', done: true, state: 'This export' },
    { label: 'Ticket rules documented (Autotask)', done: true, state: 'See "Ticket rules"' },
    {
      label: 'LiveLinks documented',
      done: s.baseUrl !== null,
      state: s.baseUrl ? 'See "LiveLinks"' : 'Set the Backupchecks base URL first: LiveLinks need an absolute address',
    },
  ];
}

export async function loadOverview(
  db: Db,
  settings: IntegrationSettings,
  fmt: (d: Date) => string,
  now: Date = new Date(),
): Promise<IntegrationOverview> {
  const [monitoring, mappings, tickets, activePsa, connectWise] = await Promise.all([
    loadMonitoring(db, now, 'autotask'),
    countMappings(db, 'autotask'),
    countTickets(db, 'autotask'),
    activePsaType(db),
    // The installation's base URL and sync interval are on the Autotask row already read.
    loadConnectWiseOverview(db, installationOf(settings), now),
  ]);
  const picklists = cachedPicklists(settings);
  const status = integrationStatus(settings);
  const base = {
    settings,
    picklists,
    stale: staleValues(settings, picklists),
    psaType: 'Autotask' as const,
    environmentLabel: ENVIRONMENT_LABELS[settings.environment],
    status,
    statusLabel: STATUS_LABELS[status],
    statusReason: status === 'misconfigured' ? (integrationBlocker(settings)?.message ?? null) : null,
    monitoring,
    mappings,
    tickets,
    periodicSync: periodicSyncText(settings.syncIntervalMinutes),
  };
  return {
    ...base,
    checklist: buildChecklist(base, fmt),
    activePsa,
    activePsaLabel: activePsa ? PSA_NAMES[activePsa] : NO_ACTIVE_PSA,
    connectWise,
    connectWiseFacts: connectWiseFacts(connectWise, activePsa ? PSA_NAMES[activePsa] : null, fmt),
  };
}
