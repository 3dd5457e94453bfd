import type { ConnectWiseSettings, Db } from '../../db/database.ts';
import { readConnectWiseLists, type ConnectWiseLists } from '../../psa/connectwise/lists.ts';
import { connectWiseBlocker } from '../../psa/connectwise/profile.ts';
import { getConnectWiseSettings } from '../../psa/connectwise/settings.ts';
import { storedProof } from '../../psa/connectwise/visibility.ts';
import type { VisibilityProof } from '../../psa/port.ts';
import { DEFAULT_CODEBASE } from '../../connectwise/url.ts';
import { findIn, staleDefaults, type ListField } from './connectwise/fields.ts';
import {
  countMappings,
  countTickets,
  loadCallMonitoring,
  type CallMonitoring,
  type MappingCounts,
  type TicketCounts,
} from './overview-counts.ts';
import { periodicSyncText, type InstallationSettings } from './installation-settings.ts';
import type { IntegrationStatus } from './settings.ts';

/**
 * The ConnectWise part of the integration overview (Rule 10's "ConnectWise Manage Integration"):
 * connection facts, the chosen board, statuses and priorities named from the cached lists, resolve
 * and its time-entry proof, mappings and tickets. From the database only, like the rest of the
 * overview. The keys are never part of it: the model says whether they are stored, not what they
 * are, so no page or export built from it can show them.
 */

export interface ConnectWiseConnection {
  readonly siteHost: string | null;
  readonly codebase: string;
  /** The short company ID typed at sign-in: not a secret (it is in every ticket link). */
  readonly companyId: string | null;
  readonly publicKeyStored: boolean;
  readonly privateKeyStored: boolean;
  readonly clientIdPresent: boolean;
}

/** A chosen value in words: "Monitoring (2)", "ID 7" when the lists do not know it, "not set". */
export type ConnectWiseDefaults = Readonly<Record<ListField, string>>;

export interface TimeEntryProof extends VisibilityProof {
  readonly provenAt: Date | null;
  readonly checkedAt: Date | null;
}

export interface ConnectWiseOverview {
  readonly enabled: boolean;
  readonly status: IntegrationStatus;
  /** Why the status is not Active, when it is misconfigured. */
  readonly statusReason: string | null;
  readonly connection: ConnectWiseConnection;
  readonly defaults: ConnectWiseDefaults;
  /** Saved values the loaded lists no longer offer (gone, inactive). */
  readonly attention: readonly string[];
  readonly listsLoadedAt: Date | null;
  readonly allowResolve: boolean;
  readonly apiLogLevel: ConnectWiseSettings['apiLogLevel'];
  readonly proof: TimeEntryProof;
  readonly mappings: MappingCounts;
  readonly tickets: TicketCounts;
  readonly monitoring: CallMonitoring;
  /** The base URL and the periodic sync: the installation's, shown in both PSA sections. */
  readonly installation: InstallationSettings;
}

const BOARD_FIELDS: readonly ListField[] = ['newStatusId', 'closedStatusId', 'typeId', 'subTypeId', 'itemId'];

/** "Resolved (203), closes the ticket" for statuses flagged closed, else "Name (id)". */
function describeValue(lists: ConnectWiseLists, field: ListField, id: number | null, boardId: number | null): string {
  if (id === null) return 'not set';
  // Board-bound values are only named from lists loaded for the board that is chosen.
  const fits = !BOARD_FIELDS.includes(field) || (boardId !== null && lists.boardId === boardId);
  const found = fits ? findIn(lists, field, id) : undefined;
  if (!found) return `ID ${id}`;
  const flags = [found.closed ? 'closes the ticket' : null, found.inactive ? 'inactive' : null].filter(Boolean);
  return `${found.name} (${id})${flags.length > 0 ? `, ${flags.join(', ')}` : ''}`;
}

function defaultsOf(row: ConnectWiseSettings, lists: ConnectWiseLists): ConnectWiseDefaults {
  const value = (field: ListField) => describeValue(lists, field, row[field], row.boardId);
  return {
    boardId: value('boardId'),
    newStatusId: value('newStatusId'),
    closedStatusId: value('closedStatusId'),
    typeId: value('typeId'),
    subTypeId: value('subTypeId'),
    itemId: value('itemId'),
    priorityErrorId: value('priorityErrorId'),
    priorityWarningId: value('priorityWarningId'),
  };
}

function statusOf(row: ConnectWiseSettings): { status: IntegrationStatus; statusReason: string | null } {
  if (!row.enabled) return { status: 'disabled', statusReason: null };
  const blocker = connectWiseBlocker(row);
  return blocker
    ? { status: 'misconfigured', statusReason: blocker.message }
    : { status: 'active', statusReason: null };
}

export function connectionOf(row: ConnectWiseSettings): ConnectWiseConnection {
  return {
    siteHost: row.siteHost,
    codebase: row.codebase?.trim() || DEFAULT_CODEBASE,
    companyId: row.companyId,
    publicKeyStored: Boolean(row.publicKey),
    privateKeyStored: Boolean(row.privateKeyEncrypted),
    clientIdPresent: Boolean(row.clientId),
  };
}

export async function loadConnectWiseOverview(
  db: Db,
  installation: InstallationSettings,
  now: Date = new Date(),
): Promise<ConnectWiseOverview> {
  const row = await getConnectWiseSettings(db);
  const lists = readConnectWiseLists(row.lists);
  const [mappings, tickets, monitoring] = await Promise.all([
    countMappings(db, 'connectwise'),
    countTickets(db, 'connectwise'),
    loadCallMonitoring(db, 'connectwise', now),
  ]);
  return {
    enabled: row.enabled,
    ...statusOf(row),
    connection: connectionOf(row),
    defaults: defaultsOf(row, lists),
    attention: staleDefaults(row, lists),
    listsLoadedAt: row.listsLoadedAt,
    allowResolve: row.allowResolve,
    apiLogLevel: row.apiLogLevel,
    proof: { ...storedProof(row, now), provenAt: row.timeEntriesProvenAt, checkedAt: row.timeEntriesCheckedAt },
    mappings,
    tickets,
    monitoring,
    installation,
  };
}

/** One line of the ConnectWise section: the same words on the page and in the Markdown export. */
export interface Fact {
  readonly label: string;
  readonly value: string;
}

/** The ConnectWise section in words, grouped as Rule 10 groups a PSA's documentation. */
export interface ConnectWiseFacts {
  /** "Active", "Disabled", "Misconfigured": the badge. */
  readonly statusLabel: string;
  readonly connection: readonly Fact[];
  readonly api: readonly Fact[];
  readonly settings: readonly Fact[];
  readonly monitoring: readonly Fact[];
}

const STATUS_WORDS: Record<IntegrationStatus, string> = {
  active: 'Active',
  disabled: 'Disabled',
  misconfigured: 'Misconfigured',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function activeText(cw: ConnectWiseOverview, activePsaLabel: string | null): string {
  if (cw.enabled) return 'Yes: ConnectWise is the active PSA';
  return activePsaLabel ? `No: ${activePsaLabel} is the active PSA` : 'No: no PSA is active';
}

export function proofText(proof: TimeEntryProof, fmt: (d: Date) => string): string {
  if (proof.proven)
    return `Proven${proof.provenAt ? ` ${fmt(proof.provenAt)}` : ''}: the API member sees every time entry`;
  return `Not proven: ${proof.reason ?? 'not checked yet'}${proof.checkedAt ? ` (checked ${fmt(proof.checkedAt)})` : ''}`;
}

export function mappingsText(m: MappingCounts): string {
  const kept = m.stored > 0 ? `, ${m.stored} of them kept aside while another PSA is active` : '';
  return `${m.mapped} of ${plural(m.customers, 'active customer')} mapped to ConnectWise companies${kept}; ${m.invalid} invalid, ${m.renamed} renamed`;
}

export function ticketsText(t: TicketCounts): string {
  return `${t.created} created in ConnectWise (${t.resolved} resolved from Backupchecks), ${t.pending} pending, ${plural(t.failed, 'failed attempt')}`;
}

const callText = (call: CallMonitoring['lastOk'], fmt: (d: Date) => string, none: string) =>
  call ? `${fmt(call.at)} (${call.operation}${!call.ok && call.status ? `, HTTP ${call.status}` : ''})` : none;

export function connectWiseFacts(
  cw: ConnectWiseOverview,
  activePsaLabel: string | null,
  fmt: (d: Date) => string,
): ConnectWiseFacts {
  const c = cw.connection;
  const d = cw.defaults;
  const loggedOnly =
    cw.apiLogLevel === 'all'
      ? ''
      : ` (API logging level "${cw.apiLogLevel}" records ${cw.apiLogLevel === 'off' ? 'no calls' : 'failed calls only'})`;
  return {
    statusLabel: STATUS_WORDS[cw.status],
    connection: [
      { label: 'PSA type', value: 'ConnectWise PSA (Manage)' },
      { label: 'Active PSA', value: activeText(cw, activePsaLabel) },
      {
        label: 'Status',
        value: `${STATUS_WORDS[cw.status]}${cw.statusReason ? ` (${cw.statusReason})` : ''}`,
      },
      { label: 'Site host', value: c.siteHost ?? 'not set' },
      { label: 'Codebase', value: c.codebase },
    ],
    api: [
      { label: 'Company ID', value: c.companyId ?? 'not set' },
      { label: 'Public key', value: c.publicKeyStored ? 'stored' : 'not set' },
      { label: 'Private key', value: c.privateKeyStored ? 'stored encrypted (AES-256-GCM)' : 'not set' },
      { label: 'Client ID', value: c.clientIdPresent ? 'present' : 'not set' },
    ],
    settings: [
      { label: 'Board', value: d.boardId },
      { label: 'Status of a new ticket', value: d.newStatusId },
      { label: 'Closing status', value: d.closedStatusId },
      { label: 'Type', value: d.typeId },
      { label: 'Subtype', value: d.subTypeId },
      { label: 'Item', value: d.itemId },
      { label: 'Priority for failed runs', value: d.priorityErrorId },
      { label: 'Priority for warnings', value: d.priorityWarningId },
      { label: 'Allow resolving tickets', value: cw.allowResolve ? 'Yes' : 'No' },
      { label: 'Time-entry visibility', value: proofText(cw.proof, fmt) },
      { label: 'API logging level', value: cw.apiLogLevel },
      { label: 'Lists loaded', value: cw.listsLoadedAt ? fmt(cw.listsLoadedAt) : 'never' },
      { label: 'Backupchecks base URL', value: cw.installation.baseUrl ?? 'not set' },
      { label: 'Company names', value: periodicSyncText(cw.installation.syncIntervalMinutes) },
    ],
    monitoring: [
      { label: 'Mappings', value: mappingsText(cw.mappings) },
      { label: 'Tickets', value: ticketsText(cw.tickets) },
      {
        label: 'Last successful ConnectWise call',
        value: `${callText(cw.monitoring.lastOk, fmt, 'none recorded')}${loggedOnly}`,
      },
      { label: 'Last failed ConnectWise call', value: callText(cw.monitoring.lastFailed, fmt, 'none recorded') },
      { label: 'Failed calls in the last 24 hours', value: String(cw.monitoring.failedLast24h) },
    ],
  };
}
