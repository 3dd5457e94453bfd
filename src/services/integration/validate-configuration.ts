import {
  AutotaskError,
  TICKET_STATUS_COMPLETE,
  type AutotaskClient,
  type PicklistValue,
} from '../../autotask/client.ts';
import type { Db, IntegrationSettings } from '../../db/database.ts';
import { RuleError } from '../../errors/catalogue.ts';
import type { AutotaskAccess } from './autotask-access.ts';
import { explainConnectionFailure } from '../../errors/autotask-messages.ts';
import { hasCredentials, missingCredentials } from './settings.ts';
import { defaultContactsItem } from './validate-contacts.ts';
import {
  cachedPicklists,
  fetchPicklists,
  findValue,
  PICKLIST_FIELDS,
  staleValueMessage,
  storePicklists,
  type CachedPicklists,
  type PicklistField,
} from './picklists.ts';

/**
 * "Validate configuration": a checklist over the saved settings, checked against Autotask where
 * that is possible (credentials, fresh picklists, reading time entries). Reads only; the picklist
 * cache is refreshed on the way because the lists were just read anyway.
 */

export type CheckState = 'ok' | 'failed' | 'warning';

export interface CheckItem {
  readonly label: string;
  readonly state: CheckState;
  readonly message: string;
  /** Autotask's own text, verbatim. */
  readonly detail?: string | undefined;
}

export interface ValidationResult {
  /** No item failed (warnings allowed). */
  readonly ok: boolean;
  readonly items: readonly CheckItem[];
  readonly checkedAt: Date;
}

/** Kept on the page at all times: the API cannot tell whether this right is granted. */
export const NON_BILLABLE_WARNING =
  'The API user\'s security level must allow "view non-billable time entries". Without it Autotask hides those entries from the API instead of refusing, so Backupchecks offers Resolve only after it has seen one (Test connection shows whether it has). Check the permission in Admin → Security Levels.';

export interface ValidationDeps {
  readonly db: Db;
  readonly access: AutotaskAccess;
  /** APP_BASE_URL: what ticket links use when the settings have no base URL. */
  readonly fallbackBaseUrl?: string | undefined;
}

const ok = (label: string, message: string): CheckItem => ({ label, state: 'ok', message });
const failed = (label: string, message: string, detail?: string): CheckItem => ({
  label,
  state: 'failed',
  message,
  detail,
});
const warning = (label: string, message: string): CheckItem => ({ label, state: 'warning', message });

/** One picklist setting: set (when required), present and active. */
function picklistItem(
  label: string,
  field: PicklistField,
  settings: IntegrationSettings,
  lists: CachedPicklists | null,
  options: { required: boolean; unsetMessage: string; extra?: (v: PicklistValue) => string | null },
): CheckItem {
  const value = settings[field];
  if (value === null) return options.required ? failed(label, options.unsetMessage) : ok(label, options.unsetMessage);
  if (!lists) return warning(label, `Set to ${value}, but not checked: the lists could not be loaded from Autotask.`);
  const found = findValue(lists[PICKLIST_FIELDS[field].list], value);
  if (!found || !found.isActive) return failed(label, staleValueMessage(field, value, found));
  const problem = options.extra?.(found) ?? null;
  if (problem) return failed(label, problem);
  return ok(label, `“${found.label}” (${value}) is active in Autotask.`);
}

export function baseUrlItem(baseUrl: string | null, fallback: string | undefined): CheckItem {
  const label = 'Backupchecks base URL is an absolute http(s) address';
  const check = (url: string): CheckItem | null => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return failed(label, `“${url}” is not an absolute address. Enter one such as https://backupchecks.example.com.`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return failed(label, `“${url}” is not an http(s) address.`);
    }
    if (/^(localhost|127\.|\[::1\])/i.test(parsed.host)) {
      return warning(label, `${url} points to this machine: links in tickets open only here, not for colleagues.`);
    }
    return null;
  };
  if (!baseUrl) {
    if (fallback) return check(fallback) ?? warning(label, `Not set; ticket links use APP_BASE_URL (${fallback}).`);
    return failed(label, 'Not set: tickets cannot link back to the run in Backupchecks.');
  }
  return check(baseUrl) ?? ok(label, `Ticket links start with ${baseUrl}.`);
}

/** The checks that need no Autotask call, given the lists to check against. */
export function settingsItems(
  s: IntegrationSettings,
  lists: CachedPicklists | null,
  fallbackBaseUrl?: string,
): CheckItem[] {
  const items: CheckItem[] = [
    picklistItem('Default queue is set and active', 'queueId', s, lists, {
      required: true,
      unsetMessage: 'No default queue is set: tickets cannot be created without one.',
    }),
    picklistItem('Priority for Error runs is set and active', 'priorityErrorId', s, lists, {
      required: true,
      unsetMessage: 'No priority is set for Error runs.',
    }),
    picklistItem('Priority for Warning runs is set and active', 'priorityWarningId', s, lists, {
      required: true,
      unsetMessage: 'No priority is set for Warning runs.',
    }),
    picklistItem('New-ticket status is active and not Complete', 'newStatusId', s, lists, {
      required: true,
      unsetMessage: 'No status for new tickets is set.',
      extra: (v) =>
        v.value === TICKET_STATUS_COMPLETE
          ? `“${v.label}” is Autotask's Complete status: a new ticket would be closed at once. Choose an open status such as New.`
          : null,
    }),
    issuePairItem(s, lists),
    picklistItem('Default source is active', 'sourceId', s, lists, {
      required: false,
      unsetMessage: 'Not set: Autotask applies its own default source.',
    }),
    picklistItem('Note type of the closing note is set and active', 'noteTypeId', s, lists, {
      required: s.allowResolve,
      unsetMessage: s.allowResolve
        ? 'Resolving is allowed, but no note type is set for the closing note: resolving will stop before the note.'
        : 'Not set; needed only when resolving tickets is allowed.',
    }),
    ...tenantFieldItems(s, lists),
    baseUrlItem(s.baseUrl, fallbackBaseUrl),
  ];
  return items;
}

/**
 * The optional fields some tenants require on a new ticket: not set is fine (Autotask says so on
 * the first create if it needs one); a saved value must still be active.
 */
function tenantFieldItems(s: IntegrationSettings, lists: CachedPicklists | null): CheckItem[] {
  const unset = (what: string) => `Not set: new tickets go without ${what}. Set one if Autotask requires it.`;
  return [
    picklistItem('Work Type is active', 'billingCodeId', s, lists, {
      required: false,
      unsetMessage: unset('a Work Type'),
    }),
    picklistItem('Ticket category is active', 'ticketCategoryId', s, lists, {
      required: false,
      unsetMessage: unset('a ticket category (Autotask applies its default)'),
    }),
    picklistItem('Ticket type is active', 'ticketTypeId', s, lists, {
      required: false,
      unsetMessage: unset('a ticket type'),
    }),
  ];
}

function issuePairItem(s: IntegrationSettings, lists: CachedPicklists | null): CheckItem {
  const label = 'Issue type and sub-issue type belong together';
  const issue = s.issueTypeId;
  const sub = s.subIssueTypeId;
  if (issue === null && sub === null) return ok(label, 'Neither is set: tickets go without an issue type.');
  if (issue === null) return failed(label, `A sub-issue type (${sub}) is set without an issue type.`);
  if (!lists) return warning(label, 'Set, but not checked: the lists could not be loaded from Autotask.');
  const issueValue = findValue(lists.issueType, issue);
  if (!issueValue?.isActive) return failed(label, staleValueMessage('issueTypeId', issue, issueValue));
  if (sub === null) return ok(label, `Issue type “${issueValue.label}” without a sub-issue type.`);
  const subValue = findValue(lists.subIssueType, sub);
  if (!subValue?.isActive) return failed(label, staleValueMessage('subIssueTypeId', sub, subValue));
  if (subValue.parentValue !== issue) {
    return failed(
      label,
      `Sub-issue type “${subValue.label}” does not belong to issue type “${issueValue.label}”. Autotask would refuse the ticket.`,
    );
  }
  return ok(label, `“${issueValue.label}” / “${subValue.label}”.`);
}

/**
 * An Autotask ticket id to count time entries on: the newest one created here, else any id (a
 * count of 0 proves the right as well). Another PSA's ticket id means nothing to Autotask.
 */
async function someTicketId(db: Db): Promise<number> {
  const row = await db.ticket.findFirst({
    where: { psaType: 'autotask', ticketId: { not: null } },
    orderBy: { id: 'desc' },
    select: { ticketId: true },
  });
  return row?.ticketId ?? 1;
}

export async function validateConfiguration(deps: ValidationDeps, s: IntegrationSettings): Promise<ValidationResult> {
  const credentials = await credentialItems(deps, s);
  const { lists, note } = await listsToCheckAgainst(deps, s, credentials.client);
  const items: CheckItem[] = [
    enabledItem(s),
    ...credentials.items,
    ...(note ? [note] : []),
    ...settingsItems(s, lists, deps.fallbackBaseUrl),
    await defaultContactsItem(deps.db, credentials.client),
    await timeEntriesItem(deps, credentials.client),
    warning('API user may view non-billable time entries', NON_BILLABLE_WARNING),
  ];
  return { ok: items.every((i) => i.state !== 'failed'), items, checkedAt: new Date() };
}

function enabledItem(s: IntegrationSettings): CheckItem {
  const label = 'Integration is switched on';
  return s.enabled
    ? ok(label, 'Ticket actions are offered to admins and operators.')
    : warning(label, 'The integration is switched off: ticket actions are hidden and refused.');
}

/**
 * Credentials: present and decryptable, then accepted by Autotask (one authenticated call). The
 * client is returned only when Autotask accepted it, for the checks that need Autotask.
 */
async function credentialItems(
  deps: ValidationDeps,
  s: IntegrationSettings,
): Promise<{ items: CheckItem[]; client: AutotaskClient | null }> {
  const present = 'API credentials are saved';
  const accepted = 'Autotask accepts the credentials';
  if (!hasCredentials(s)) {
    return {
      items: [
        failed(present, `Missing: ${missingCredentials(s).join(', ')}.`),
        failed(accepted, 'Not checked: the credentials are incomplete.'),
      ],
      client: null,
    };
  }
  let client: AutotaskClient;
  try {
    client = deps.access.client(s);
  } catch (e) {
    // A checklist item, not a failure of the page: the other checks still run.
    if (!(e instanceof RuleError)) throw e;
    return {
      items: [failed(present, e.message), failed(accepted, 'Not checked: the credentials are incomplete.')],
      client: null,
    };
  }
  const saved = ok(present, 'Username, secret (stored encrypted) and API tracking identifier are saved.');
  try {
    await client.getThresholdInformation();
    return { items: [saved, ok(accepted, 'An authenticated call succeeded.')], client };
  } catch (e) {
    if (!(e instanceof AutotaskError)) throw e;
    return { items: [saved, failed(accepted, explainConnectionFailure(e), e.detail)], client: null };
  }
}

/**
 * Fresh lists when Autotask answers (and the cache refreshed with them, since they were just read);
 * else the cached lists, with a note that says so.
 */
async function listsToCheckAgainst(
  deps: ValidationDeps,
  s: IntegrationSettings,
  client: AutotaskClient | null,
): Promise<{ lists: CachedPicklists | null; note: CheckItem | null }> {
  const label = 'Picklists loaded from Autotask';
  const cached = cachedPicklists(s);
  if (!client) {
    const note = cached
      ? warning(label, 'Autotask could not be asked; the values below are checked against the lists loaded earlier.')
      : null;
    return { lists: cached, note };
  }
  try {
    const lists = await fetchPicklists(client);
    await storePicklists(deps.db, lists);
    return { lists, note: null };
  } catch (e) {
    if (!(e instanceof AutotaskError)) throw e;
    return {
      lists: cached,
      note: warning(
        label,
        `${explainConnectionFailure(e)} The values below are checked against the lists loaded earlier.`,
      ),
    };
  }
}

async function timeEntriesItem(deps: ValidationDeps, client: AutotaskClient | null): Promise<CheckItem> {
  const label = 'Time entries are readable';
  if (!client) return failed(label, 'Not checked: Autotask did not accept the credentials.');
  try {
    await client.countTimeEntries(await someTicketId(deps.db));
    return ok(label, 'Counting the time entries of a ticket succeeded, so the check before resolving can run.');
  } catch (e) {
    if (!(e instanceof AutotaskError)) throw e;
    return failed(
      label,
      `${explainConnectionFailure(e)} Without reading time entries no ticket can be resolved from Backupchecks.`,
      e.detail,
    );
  }
}
