import { CLOSING_NOTE_TEXT } from './settings.ts';
import {
  SYNC_KIND_LABELS,
  SYNC_METHOD,
  syncKindLabel,
  type ChecklistItem,
  type IntegrationOverview,
} from './overview.ts';
import { liveLinkPatterns } from '../tickets/live-links.ts';
import { describeValue } from './picklists.ts';
import { NON_BILLABLE_WARNING } from './validate-configuration.ts';

/**
 * "Download as Markdown": the integration's documentation in the shape of Rule 10 (connection
 * information, sync method and settings, field mappings, ticket rules, LiveLinks, sync error log,
 * disconnect procedures, checklist). Built from the overview model; the API secret appears only as
 * "stored encrypted", and the tracking identifier is masked because the client treats it as a
 * credential too.
 */

/** A table cell: no line breaks, pipes escaped, never empty. */
export function cell(text: string | number | null | undefined): string {
  const s = text === null || text === undefined || text === '' ? '—' : String(text);
  return s
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\s*[\r\n]+\s*/g, ' ');
}

function table(
  head: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>,
): string {
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** Shows the last four characters only: enough to recognise, not enough to reuse. */
export function maskCode(code: string | null): string {
  if (!code) return 'not set';
  if (code.length <= 4) return '••••';
  return `${'•'.repeat(Math.min(8, code.length - 4))}${code.slice(-4)} (${code.length} characters)`;
}

const checkbox = (i: ChecklistItem) => `- [${i.done ? 'x' : ' '}] ${i.label} — ${i.state}`;

export function integrationMarkdown(
  o: IntegrationOverview,
  options: { fmt: (d: Date) => string; generatedAt: Date; generatedBy: string; timezone: string },
): string {
  const { fmt } = options;
  const s = o.settings;
  const pl = o.picklists;
  const value = (field: Parameters<typeof describeValue>[1], v: number | null) => describeValue(pl, field, v);
  const m = o.monitoring;
  const links = liveLinkPatterns(s.baseUrl);
  const base = s.baseUrl ?? '<Backupchecks base URL, not set>';

  const out: string[] = [];
  out.push(
    '# PSA Integration: Autotask',
    '',
    `Documentation of the Autotask integration of Backupchecks, generated ${fmt(options.generatedAt)} (${options.timezone}) by ${options.generatedBy}. Secrets are not part of this document.`,
    '',
    '## Connection Information',
    '',
    table(
      ['Property', 'Value'],
      [
        ['PSA Type', o.psaType],
        ['Environment', o.environmentLabel],
        ['API URL (zone)', s.zoneApiUrl ?? 'not looked up yet'],
        ['Zone', s.zoneName ?? 'not looked up yet'],
        ['Web URL', s.zoneWebUrl ?? 'not looked up yet'],
        ['Sync Status', `${o.statusLabel}${o.statusReason ? ` (${o.statusReason})` : ''}`],
        [
          'Last Synchronization',
          m.lastSync
            ? `${fmt(m.lastSync.startedAt)} (${syncKindLabel(m.lastSync.kind)}, ${m.lastSync.ok ? 'succeeded' : 'failed'})`
            : 'never',
        ],
      ],
    ),
    '',
    '## API Configuration',
    '',
    table(
      ['Setting', 'Value'],
      [
        ['Integration Code (tracking identifier)', maskCode(s.integrationCode)],
        ['Username', s.apiUsername ?? 'not set'],
        ['Secret', s.secretEncrypted ? 'stored encrypted (AES-256-GCM)' : 'not set'],
        ['Zone', s.zoneApiUrl ?? 'not looked up yet'],
      ],
    ),
    '',
    '## Sync Method',
    '',
    '- [x] One-Way Sync (Autotask → Backupchecks)',
    '- [ ] Two-Way Sync (Autotask ↔ Backupchecks)',
    '',
    ...SYNC_METHOD.map((line) => `- ${line}`),
    '',
    '## Sync Settings',
    '',
    table(
      ['Data Type', 'Sync Enabled', 'How'],
      [
        ['Companies (cached names, mapping status)', 'Yes', `Autotask → Backupchecks. ${o.periodicSync}`],
        ['Ticket status', 'Yes', 'Autotask → Backupchecks, when a page shows the ticket (at most every 5 minutes)'],
        ['Tickets', 'Operator action only', 'Backupchecks → Autotask: one ticket per run, created by an operator'],
        ['Contacts', 'No', '—'],
        ['Configurations', 'No', '—'],
        ['Locations', 'No', '—'],
      ],
    ),
    '',
    '## Settings',
    '',
    table(
      ['Setting', 'Value'],
      [
        ['Integration enabled', s.enabled ? 'Yes' : 'No'],
        ['Environment', o.environmentLabel],
        ['Backupchecks base URL', s.baseUrl ?? 'not set'],
        ['Default queue', value('queueId', s.queueId)],
        ['Default issue type', value('issueTypeId', s.issueTypeId)],
        ['Default sub-issue type', value('subIssueTypeId', s.subIssueTypeId)],
        ['Default source', value('sourceId', s.sourceId)],
        ['Priority for Error runs', value('priorityErrorId', s.priorityErrorId)],
        ['Priority for Warning runs', value('priorityWarningId', s.priorityWarningId)],
        ['New-ticket status', value('newStatusId', s.newStatusId)],
        ['Note type of the closing note', value('noteTypeId', s.noteTypeId)],
        ['Allow resolving tickets', s.allowResolve ? 'Yes' : 'No'],
        ['Closing note (fixed)', CLOSING_NOTE_TEXT],
        ['API logging level', s.apiLogLevel],
        ['Periodic company-name sync', o.periodicSync],
        ['Picklists loaded', s.picklistsLoadedAt ? fmt(s.picklistsLoadedAt) : 'never'],
      ],
    ),
    '',
  );
  if (o.stale.length > 0) {
    out.push('**Attention:**', '', ...o.stale.map((v) => `- ${v.message}`), '');
  }

  out.push(
    '## Field Mappings',
    '',
    '### Tickets (Backupchecks → Autotask, when an operator creates a ticket)',
    '',
    table(
      ['Autotask ticket field', 'Backupchecks data'],
      [
        [
          'companyID',
          "The customer's mapped Autotask company ID (Customers → Autotask company); the ID leads, the name is display only",
        ],
        ['title', '[Backupchecks] <customer> - <job> - <status> (at most 255 characters)'],
        [
          'description',
          'Remark, run date/time, backup software, backup type, job, affected objects with their messages, link to the run and the reference (at most 8,000 characters)',
        ],
        ['queueID', `Setting "Default queue": ${value('queueId', s.queueId)}`],
        ['issueType', `Setting "Default issue type": ${value('issueTypeId', s.issueTypeId)}`],
        ['subIssueType', `Setting "Default sub-issue type": ${value('subIssueTypeId', s.subIssueTypeId)}`],
        ['source', `Setting "Default source": ${value('sourceId', s.sourceId)}`],
        ['status', `Setting "New-ticket status": ${value('newStatusId', s.newStatusId)}`],
        [
          'priority',
          `Run status: Error → ${value('priorityErrorId', s.priorityErrorId)}; Warning → ${value('priorityWarningId', s.priorityWarningId)}`,
        ],
        [
          'externalID',
          "The run ticket's reference (BC-RUN-<run id>-…), used to find the ticket again after an unclear outcome",
        ],
      ],
    ),
    '',
    '### Companies (Autotask → Backupchecks)',
    '',
    table(
      ['Autotask field', 'Backupchecks field'],
      [
        ['Company ID', 'Customer mapping: company ID (leading)'],
        ['Company Name', 'Customer mapping: cached name (display only; the customer name is never overwritten)'],
        ['isActive / existence', 'Mapping status: ok, renamed, missing or invalid'],
      ],
    ),
    '',
    '### Ticket notes (Backupchecks → Autotask, when a ticket is resolved)',
    '',
    table(
      ['Autotask note field', 'Value'],
      [
        ['description', CLOSING_NOTE_TEXT],
        ['noteType', `Setting "Note type of the closing note": ${value('noteTypeId', s.noteTypeId)}`],
        ['publish', 'Internal (2): not visible to the customer'],
      ],
    ),
    '',
    '## Ticket Rules',
    '',
    table(
      ['Rule Name', 'Conditions', 'Actions'],
      [
        [
          'Operator-created ticket',
          'An admin or operator clicks "Create Autotask ticket" on a warning or error run; the integration is enabled and the customer is mapped (ok or renamed)',
          'One ticket is created with the fields above',
        ],
        [
          'One ticket per run',
          'A run already has a ticket, or one is being created',
          'No second ticket; "Open ticket" is offered instead. An unclear outcome is settled by looking the ticket up by externalID',
        ],
        [
          'Resolve gate',
          `Resolving is allowed in the settings (now: ${s.allowResolve ? 'allowed' : 'not allowed'}); the ticket exists, is not complete and has no time entries`,
          'The fixed internal closing note is added, time entries are checked again, then the status is set to Complete',
        ],
        [
          'Time entries present',
          'The ticket has one or more time entries',
          'Resolving is refused with a message; nothing is written',
        ],
        [
          'Integration disabled',
          'The integration is switched off',
          'Ticket actions are hidden and refused; existing ticket numbers and links stay visible',
        ],
      ],
    ),
    '',
    `Note: ${NON_BILLABLE_WARNING}`,
    '',
    '## LiveLinks',
    '',
    'Addresses an Autotask admin can use in the LiveLinks Designer (Admin → Automation → LiveLinks) to open the run of a ticket in Backupchecks:',
    '',
    table(
      ['Link Type', 'URL Pattern'],
      [
        [
          'Backupchecks run by Autotask ticket ID',
          s.baseUrl ? links.byTicketId : `${base}/links/autotask/tickets/<Autotask ticket ID>`,
        ],
        [
          'Backupchecks run by Autotask ticket number',
          s.baseUrl ? links.byTicketNumber : `${base}/links/autotask/ticket-numbers/<Autotask ticket number>`,
        ],
      ],
    ),
    '',
    '## Sync Error Log',
    '',
    '### Monitoring',
    '',
    `- Last successful Autotask call: ${m.lastOk ? `${fmt(m.lastOk.at)} (${m.lastOk.operation})` : 'none recorded'}${s.apiLogLevel !== 'all' ? ` (API logging level "${s.apiLogLevel}" records ${s.apiLogLevel === 'off' ? 'no calls' : 'failed calls only'})` : ''}`,
    `- Last failed Autotask call: ${m.lastFailed ? `${fmt(m.lastFailed.at)} (${m.lastFailed.operation}${m.lastFailed.status ? `, HTTP ${m.lastFailed.status}` : ''})` : 'none recorded'}`,
    `- Failed calls in the last 24 hours: ${m.failedLast24h}`,
    `- Last successful sync: ${m.lastSync?.ok ? fmt(m.lastSync.startedAt) : 'see below'}`,
    `- Failed syncs in the last 24 hours: ${m.failedSyncsLast24h}`,
    `- Mappings: ${o.mappings.mapped} of ${o.mappings.customers} active customers mapped; ${o.mappings.renamed} renamed, ${o.mappings.invalid} invalid`,
    `- Tickets: ${o.tickets.created} created (${o.tickets.resolved} resolved from Backupchecks), ${o.tickets.pending} pending, ${o.tickets.failed} failed attempts`,
    '',
  );
  if (m.recentSyncFailures.length > 0) {
    out.push(
      '### Recent failed syncs',
      '',
      table(
        ['When', 'Kind', 'Trigger', 'Error'],
        m.recentSyncFailures.map((l) => [fmt(l.startedAt), SYNC_KIND_LABELS[l.kind] ?? l.kind, l.trigger, l.message]),
      ),
      '',
    );
  }
  if (m.recentCallFailures.length > 0) {
    out.push(
      '### Recent failed Autotask calls',
      '',
      table(
        ['When', 'Operation', 'Status', 'Error'],
        m.recentCallFailures.map((c) => [fmt(c.at), c.operation, c.status ?? 'no answer', c.error]),
      ),
      '',
    );
  }
  out.push(
    '### Common Issues',
    '',
    table(
      ['Issue', 'Cause', 'Solution'],
      [
        [
          'Mapping invalid',
          'The company was deleted, made inactive or is not visible to the API user',
          'Map the customer again under Customers',
        ],
        [
          'Credentials refused',
          'Secret changed or API user locked in Autotask',
          'Enter the secret again; use Test connection',
        ],
        [
          'Request limit reached',
          'The tenant used its 10,000 requests per hour (shared by every integration)',
          'Wait; check other integrations of the tenant',
        ],
        ['Resolve refused', 'The ticket has time entries', 'Close the ticket in Autotask'],
      ],
    ),
    '',
    '## Disconnect Procedures',
    '',
    '- Option 1, keep data: the integration is switched off and the credentials erased; company mappings and ticket links stay, read-only.',
    '- Option 2, delete data (irreversible): additionally removes every company mapping, the cached company names, picklists, zone cache and API call log; ticket references of runs are kept as text in the audit trail.',
    '- Nothing is ever deleted in Autotask.',
    '',
    '## PSA Integration Checklist',
    '',
    '### Setup',
    '',
    ...o.checklist.setup.map(checkbox),
    '',
    '### Ongoing Operations',
    '',
    ...o.checklist.operations.map(checkbox),
    '',
    '### Documentation',
    '',
    ...o.checklist.documentation.map(checkbox),
    '',
  );
  return out.join('\n');
}
