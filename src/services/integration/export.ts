import type { ApiCallLog, SyncLog } from '../../db/database.ts';
import { liveLinkPatterns } from '../tickets/live-links.ts';
import { SYNC_METHOD, syncKindLabel, type ChecklistItem, type IntegrationOverview } from './overview.ts';
import { proofText } from './overview-connectwise.ts';
import { describeValue, type PicklistField } from './picklists.ts';
import { CLOSING_NOTE_TEXT } from './settings.ts';
import { NON_BILLABLE_WARNING } from './validate-configuration.ts';

/**
 * "Download as Markdown": the integration's documentation (connection information, sync method and
 * settings, field mappings, ticket rules, LiveLinks, sync error log, disconnect procedures,
 * checklist), for Autotask and then ConnectWise, saying which PSA is active. The document's text is
 * the template views/integration/export.md.ejs (ConnectWise's: export-connectwise.md.ejs); this
 * module builds the values it fills in, from the overview model. The API secret appears only as
 * "stored encrypted", and the API tracking identifier is masked because the client treats it as a
 * credential too; of ConnectWise's keys only whether they are stored is known to the model.
 */

/**
 * A Markdown table cell: no line breaks, pipes escaped, never empty. The export template uses it
 * as its escape function, so `<%= %>` writes a cell there.
 */
export function cell(text: string | number | boolean | null | undefined): string {
  const s = text === null || text === undefined || text === '' ? '—' : String(text);
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\s*[\r\n]+\s*/g, ' ');
}

/** Shows the last four characters only: enough to recognise, not enough to reuse. */
export function maskCode(code: string | null): string {
  if (!code) return 'not set';
  if (code.length <= 4) return '••••';
  return `${'•'.repeat(Math.min(8, code.length - 4))}${code.slice(-4)} (${code.length} characters)`;
}

export interface ExportOptions {
  readonly fmt: (d: Date) => string;
  readonly generatedAt: Date;
  readonly generatedBy: string;
  readonly timezone: string;
}

/** The ticket defaults in words: "Monitoring Alerts (29683482)", "ID 7" or "not set". */
type Defaults = Record<PicklistField, string>;

function ticketDefaults(o: IntegrationOverview): Defaults {
  const s = o.settings;
  const value = (field: PicklistField) => describeValue(o.picklists, field, s[field]);
  return {
    queueId: value('queueId'),
    issueTypeId: value('issueTypeId'),
    subIssueTypeId: value('subIssueTypeId'),
    sourceId: value('sourceId'),
    priorityErrorId: value('priorityErrorId'),
    priorityWarningId: value('priorityWarningId'),
    newStatusId: value('newStatusId'),
    noteTypeId: value('noteTypeId'),
    billingCodeId: value('billingCodeId'),
    ticketCategoryId: value('ticketCategoryId'),
    ticketTypeId: value('ticketTypeId'),
  };
}

function connection(o: IntegrationOverview, fmt: ExportOptions['fmt']) {
  const s = o.settings;
  const last = o.monitoring.lastSync;
  return {
    apiUrl: s.zoneApiUrl ?? 'not looked up yet',
    zone: s.zoneName ?? 'not looked up yet',
    webUrl: s.zoneWebUrl ?? 'not looked up yet',
    syncStatus: `${o.statusLabel}${o.statusReason ? ` (${o.statusReason})` : ''}`,
    lastSync: last
      ? `${fmt(last.startedAt)} (${syncKindLabel(last.kind)}, ${last.ok ? 'succeeded' : 'failed'})`
      : 'never',
  };
}

/** The LiveLinks addresses; without a base URL, a placeholder says what is missing. */
function liveLinks(baseUrl: string | null) {
  return liveLinkPatterns(baseUrl ?? '<Backupchecks base URL, not set>');
}

/** The "Monitoring" list of the sync error log, one sentence per line. */
function monitoring(o: IntegrationOverview, fmt: ExportOptions['fmt']) {
  const s = o.settings;
  const m = o.monitoring;
  const loggedOnly =
    s.apiLogLevel === 'all'
      ? ''
      : ` (API logging level "${s.apiLogLevel}" records ${s.apiLogLevel === 'off' ? 'no calls' : 'failed calls only'})`;
  return {
    lastOk: `${m.lastOk ? `${fmt(m.lastOk.at)} (${m.lastOk.operation})` : 'none recorded'}${loggedOnly}`,
    lastFailed: m.lastFailed
      ? `${fmt(m.lastFailed.at)} (${m.lastFailed.operation}${m.lastFailed.status ? `, HTTP ${m.lastFailed.status}` : ''})`
      : 'none recorded',
    failedLast24h: m.failedLast24h,
    lastSuccessfulSync: m.lastSync?.ok ? fmt(m.lastSync.startedAt) : 'see below',
    failedSyncsLast24h: m.failedSyncsLast24h,
    mappings: `${o.mappings.mapped} of ${o.mappings.customers} active customers mapped; ${o.mappings.renamed} renamed, ${o.mappings.invalid} invalid`,
    tickets: `${o.tickets.created} created (${o.tickets.resolved} resolved from Backupchecks), ${o.tickets.pending} pending, ${o.tickets.failed} failed attempts`,
  };
}

const syncFailureRow = (fmt: ExportOptions['fmt']) => (l: SyncLog) => ({
  when: fmt(l.startedAt),
  kind: syncKindLabel(l.kind),
  trigger: l.trigger,
  error: l.message,
});

const callFailureRow = (fmt: ExportOptions['fmt']) => (c: ApiCallLog) => ({
  when: fmt(c.at),
  operation: c.operation,
  status: c.status ?? 'no answer',
  error: c.error,
});

const checklistLine = (i: ChecklistItem) => `- [${i.done ? 'x' : ' '}] ${i.label} — ${i.state}`;

/** The ConnectWise section: its facts in Rule 10's groups, and what its ticket rules name. */
function connectWiseSection(o: IntegrationOverview, fmt: ExportOptions['fmt']) {
  const cw = o.connectWise;
  return {
    facts: o.connectWiseFacts,
    defaults: cw.defaults,
    attention: cw.attention,
    resolving: cw.allowResolve ? 'allowed' : 'not allowed',
    proven: cw.proof.proven ? 'proven' : 'not proven',
    proof: proofText(cw.proof, fmt),
  };
}

/** Everything the export template fills in. Values are plain text; the template escapes table cells. */
export function exportModel(o: IntegrationOverview, options: ExportOptions) {
  const { fmt } = options;
  const s = o.settings;
  return {
    generated: { at: fmt(options.generatedAt), timezone: options.timezone, by: options.generatedBy },
    psaType: o.psaType,
    activePsa: o.activePsaLabel,
    environment: o.environmentLabel,
    connection: connection(o, fmt),
    api: {
      trackingIdentifier: maskCode(s.integrationCode),
      username: s.apiUsername ?? 'not set',
      secret: s.secretEncrypted ? 'stored encrypted (AES-256-GCM)' : 'not set',
    },
    syncMethod: SYNC_METHOD,
    periodicSync: o.periodicSync,
    settings: {
      enabled: s.enabled ? 'Yes' : 'No',
      baseUrl: s.baseUrl ?? 'not set',
      allowResolve: s.allowResolve ? 'Yes' : 'No',
      apiLogLevel: s.apiLogLevel,
      picklistsLoaded: s.picklistsLoadedAt ? fmt(s.picklistsLoadedAt) : 'never',
    },
    defaults: ticketDefaults(o),
    attention: o.stale.map((v) => v.message),
    closingNote: CLOSING_NOTE_TEXT,
    resolving: s.allowResolve ? 'allowed' : 'not allowed',
    nonBillableWarning: NON_BILLABLE_WARNING,
    liveLinks: liveLinks(s.baseUrl),
    monitoring: monitoring(o, fmt),
    recentSyncFailures: o.monitoring.recentSyncFailures.map(syncFailureRow(fmt)),
    recentCallFailures: o.monitoring.recentCallFailures.map(callFailureRow(fmt)),
    checklist: {
      setup: o.checklist.setup.map(checklistLine),
      operations: o.checklist.operations.map(checklistLine),
      documentation: o.checklist.documentation.map(checklistLine),
    },
    connectWise: connectWiseSection(o, fmt),
  };
}

export type ExportModel = ReturnType<typeof exportModel>;
