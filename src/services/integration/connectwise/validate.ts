import { ConnectWiseError, type ConnectWiseClient } from '../../../connectwise/client.ts';
import type { ConnectWiseSettings, Db } from '../../../db/database.ts';
import { RuleError } from '../../../errors/catalogue.ts';
import {
  hasConnectWiseCredentials,
  missingConnectWiseCredentials,
  type ConnectWiseAccess,
} from '../../../psa/connectwise/access.ts';
import { readConnectWiseLists, type ConnectWiseLists } from '../../../psa/connectwise/lists.ts';
import { checkTimeEntryVisibility, TIME_ENTRY_RIGHT } from '../../../psa/connectwise/visibility.ts';
import { findIn, LIST_FIELDS, listsFitBoard, staleMessage, type ListField } from './fields.ts';
import { fetchConnectWiseLists, storeConnectWiseLists } from './lists.ts';
import { explainConnectWiseFailure } from './messages.ts';

/**
 * "Validate configuration" on Settings → ConnectWise: a list of findings over the saved settings,
 * checked against ConnectWise where it can be (credentials, the lists read afresh, the API member's
 * right to see every time entry). Reads only; the cached lists and the visibility proof are stored
 * on the way, since they were just read anyway.
 */

export type CheckState = 'ok' | 'failed' | 'warning';

export interface CheckItem {
  readonly label: string;
  readonly state: CheckState;
  readonly message: string;
  /** ConnectWise's own text, verbatim. */
  readonly detail?: string | undefined;
}

export interface ValidationResult {
  /** No item failed (warnings allowed). */
  readonly ok: boolean;
  readonly items: readonly CheckItem[];
  readonly checkedAt: Date;
}

export interface ValidationDeps {
  readonly db: Db;
  readonly access: ConnectWiseAccess;
  readonly now?: () => Date;
}

const item =
  (state: CheckState) =>
  (label: string, message: string, detail?: string): CheckItem => ({
    label,
    state,
    message,
    ...(detail ? { detail } : {}),
  });
const ok = item('ok');
const failed = item('failed');
const warning = item('warning');

export async function validateConnectWise(deps: ValidationDeps, s: ConnectWiseSettings): Promise<ValidationResult> {
  const now = deps.now ?? (() => new Date());
  const credentials = await credentialItems(deps, s);
  const { lists, note } = await listsToCheckAgainst(deps, s, credentials.client);
  const items: CheckItem[] = [
    activeItem(s),
    ...credentials.items,
    ...(note ? [note] : []),
    ...defaultItems(s, lists),
    await visibilityItem(deps.db, s, credentials.client, now),
  ];
  return { ok: items.every((i) => i.state !== 'failed'), items, checkedAt: now() };
}

function activeItem(s: ConnectWiseSettings): CheckItem {
  const label = 'ConnectWise is the active PSA';
  return s.enabled
    ? ok(label, 'Ticket actions go to ConnectWise.')
    : warning(
        label,
        'ConnectWise is not in use: ticket actions go to Autotask or are off. Use “Use ConnectWise” to switch.',
      );
}

/** Present and decryptable, then accepted by ConnectWise; the client only when it was accepted. */
async function credentialItems(
  deps: ValidationDeps,
  s: ConnectWiseSettings,
): Promise<{ items: CheckItem[]; client: ConnectWiseClient | null }> {
  const present = 'API credentials are saved';
  const accepted = 'ConnectWise accepts the credentials';
  const notChecked = failed(accepted, 'Not checked: the credentials are incomplete.');
  if (!hasConnectWiseCredentials(s)) {
    return {
      items: [failed(present, `Missing: ${missingConnectWiseCredentials(s).join(', ')}.`), notChecked],
      client: null,
    };
  }
  let client: ConnectWiseClient;
  try {
    client = deps.access.client(s);
  } catch (e) {
    // A finding, not a failure of the page: the other checks still run.
    if (!(e instanceof RuleError)) throw e;
    return { items: [failed(present, e.message), notChecked], client: null };
  }
  const saved = ok(present, 'Site, company ID, public key, private key (stored encrypted) and client ID are saved.');
  try {
    await client.testConnection();
    return { items: [saved, ok(accepted, 'An authenticated call succeeded.')], client };
  } catch (e) {
    if (!(e instanceof ConnectWiseError)) throw e;
    return { items: [saved, failed(accepted, explainConnectWiseFailure(e), e.detail)], client: null };
  }
}

/** Fresh lists when ConnectWise answers (and stored); else the cached ones, with a note that says so. */
async function listsToCheckAgainst(
  deps: ValidationDeps,
  s: ConnectWiseSettings,
  client: ConnectWiseClient | null,
): Promise<{ lists: ConnectWiseLists | null; note: CheckItem | null }> {
  const label = 'Lists loaded from ConnectWise';
  const cached = s.listsLoadedAt ? readConnectWiseLists(s.lists) : null;
  const earlier = 'The values below are checked against the lists loaded earlier.';
  if (!client) {
    return { lists: cached, note: cached ? warning(label, `ConnectWise could not be asked. ${earlier}`) : null };
  }
  try {
    const lists = await fetchConnectWiseLists(client, s.boardId);
    await storeConnectWiseLists(deps.db, lists, deps.now?.());
    return { lists, note: null };
  } catch (e) {
    if (!(e instanceof ConnectWiseError)) throw e;
    return { lists: cached, note: warning(label, `${explainConnectWiseFailure(e)} ${earlier}`, e.detail) };
  }
}

/** The defaults: each set when required, still in ConnectWise and active; the statuses open and closed. */
export function defaultItems(s: ConnectWiseSettings, lists: ConnectWiseLists | null): CheckItem[] {
  const board = listItem('Board is set and active', 'boardId', s, lists, {
    required: true,
    unset: 'No board is set: tickets cannot be created without one.',
  });
  const boardLists = lists !== null && listsFitBoard(lists, s.boardId) ? lists : null;
  const perBoard = (label: string, field: ListField, required: boolean, unset: string, extra?: Extra) =>
    listItem(label, field, s, boardLists, { required, unset, extra }, lists !== null && s.boardId !== null);
  return [
    board,
    perBoard(
      'New-ticket status is on the board, active and open',
      'newStatusId',
      true,
      'No status for new tickets is set.',
      (v) => (v.closed ? `“${v.name}” is a closed status: a new ticket would be closed at once.` : null),
    ),
    perBoard(
      'Closing status is on the board and closed',
      'closedStatusId',
      s.allowResolve,
      s.allowResolve
        ? 'Resolve is allowed, but no closing status is set: resolving cannot close the ticket.'
        : 'Not set; needed only when resolving tickets is allowed.',
      (v) =>
        v.closed ? null : `“${v.name}” is not flagged as closed on the board: resolving would leave the ticket open.`,
    ),
    listItem('Priority for failed runs is set', 'priorityErrorId', s, lists, {
      required: true,
      unset: 'No priority is set for failed runs.',
    }),
    listItem('Priority for warnings is set', 'priorityWarningId', s, lists, {
      required: true,
      unset: 'No priority is set for warnings.',
    }),
    perBoard('Type is on the board and active', 'typeId', false, 'Not set: ConnectWise applies the board’s default.'),
    subTypeItem(s, boardLists),
    perBoard('Item is on the board and active', 'itemId', false, 'Not set: tickets go without an item.'),
  ];
}

type Extra = (v: { name: string; closed?: boolean | undefined }) => string | null;

function listItem(
  label: string,
  field: ListField,
  s: ConnectWiseSettings,
  lists: ConnectWiseLists | null,
  options: { required: boolean; unset: string; extra?: Extra | undefined },
  boardListsMissing = false,
): CheckItem {
  const value = s[field];
  if (value === null) return options.required ? failed(label, options.unset) : ok(label, options.unset);
  if (!lists) {
    const why = boardListsMissing
      ? `the board’s lists could not be read (is the board still in ConnectWise?)`
      : 'the lists could not be loaded from ConnectWise';
    return warning(label, `Set to ${value}, but not checked: ${why}.`);
  }
  const stale = staleMessage(lists, field, value);
  if (stale) return failed(label, stale);
  const found = findIn(lists, field, value)!;
  const problem = options.extra?.(found) ?? null;
  if (problem) return failed(label, problem);
  return ok(label, `“${found.name}” (${value}) is active in ConnectWise.`);
}

function subTypeItem(s: ConnectWiseSettings, lists: ConnectWiseLists | null): CheckItem {
  const label = 'Subtype goes with the type';
  if (s.subTypeId === null) return ok(label, 'Not set: tickets go without a subtype.');
  if (s.typeId === null) return failed(label, `A subtype (${s.subTypeId}) is set without a type.`);
  if (!lists) return warning(label, 'Set, but not checked: the board’s lists could not be read.');
  const stale = staleMessage(lists, 'subTypeId', s.subTypeId);
  if (stale) return failed(label, stale);
  const sub = lists.subTypes.find((v) => v.id === s.subTypeId)!;
  if (sub.typeIds.length > 0 && !sub.typeIds.includes(s.typeId)) {
    const type = findIn(lists, 'typeId', s.typeId);
    return failed(
      label,
      `Subtype “${sub.name}” does not go with type ${type ? `“${type.name}”` : s.typeId}. ConnectWise would refuse the ticket.`,
    );
  }
  return ok(label, `“${sub.name}” (${s.subTypeId}) goes with the chosen ${LIST_FIELDS.typeId.label.toLowerCase()}.`);
}

/** The proof that the API member sees every time entry: asked now, stored for Resolve. */
async function visibilityItem(
  db: Db,
  s: ConnectWiseSettings,
  client: ConnectWiseClient | null,
  now: () => Date,
): Promise<CheckItem> {
  const label = 'API member sees every time entry';
  const notProven = s.allowResolve ? failed : warning;
  if (!client) return notProven(label, 'Not checked: ConnectWise did not accept the credentials.');
  const proof = await checkTimeEntryVisibility(client, db, now);
  if (proof.proven) {
    return ok(
      label,
      `The security role has the Inquire level All for "${TIME_ENTRY_RIGHT}"; Resolve relies on this for 24 hours.`,
    );
  }
  return notProven(
    label,
    `${proof.reason ?? 'Not proven.'} Until it is proven, tickets cannot be resolved from Backupchecks${
      s.allowResolve ? '' : ' (resolving is not allowed anyway)'
    }.`,
  );
}
