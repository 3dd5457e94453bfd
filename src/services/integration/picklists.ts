import { z } from 'zod';
import type {
  AutotaskClient,
  PicklistValue,
  TicketNotePicklists,
  TicketPicklists,
  WorkType,
} from '../../autotask/client.ts';
import type { Db, IntegrationSettings } from '../../db/database.ts';
import { toJsonColumn } from '../../db/json.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import { rethrowAutotask } from '../../errors/autotask-messages.ts';
import { SETTINGS_ID } from './settings.ts';

/**
 * The Autotask picklists the settings form offers (queue, issue and sub-issue type, source,
 * priority, status, ticket category and type, note type) and the tenant's Work Types (BillingCodes
 * with useType 1, shaped like picklist values), cached as JSON on the settings row with the time
 * they were loaded.
 * Values differ per tenant and labels are not unique, so the settings store ids; labels are for
 * display. Inactive values stay in Autotask's lists (docs/autotask.md): they are cached, never
 * offered, and a saved value that became inactive or disappeared is flagged.
 *
 * The cache's top level is `{ status: [...], priority: [...], … }`, which other services read for
 * status labels (src/services/tickets/status-snapshots.ts).
 */

/** The ticket lists the settings use, the closing note's note type, and the Work Types. */
export type CachedPicklists = TicketPicklists &
  Pick<TicketNotePicklists, 'noteType'> & { readonly workType: readonly PicklistValue[] };

const valueSchema = z.object({
  value: z.coerce.number().int(),
  label: z.string(),
  isActive: z.boolean().catch(true),
  isDefault: z.boolean().catch(false),
  isSystem: z.boolean().catch(false),
  sortOrder: z.number().catch(0),
  parentValue: z.coerce.number().int().nullable().catch(null),
});
const listSchema = z.array(z.unknown()).transform((items) =>
  items.flatMap((raw) => {
    const parsed = valueSchema.safeParse(raw);
    return parsed.success ? [parsed.data] : [];
  }),
);
const cacheSchema = z.object({
  status: listSchema.catch([]),
  priority: listSchema.catch([]),
  queueId: listSchema.catch([]),
  issueType: listSchema.catch([]),
  subIssueType: listSchema.catch([]),
  source: listSchema.catch([]),
  // Added later than the others: a cache loaded before has none of them, and reads as empty lists.
  ticketType: listSchema.catch([]),
  ticketCategory: listSchema.catch([]),
  workType: listSchema.catch([]),
  noteType: listSchema.catch([]),
});

/** The cached lists, or null when none were loaded (or the cache is unreadable). Lenient by design. */
export function cachedPicklists(settings: Pick<IntegrationSettings, 'picklists'>): CachedPicklists | null {
  if (settings.picklists === null || typeof settings.picklists !== 'object') return null;
  const parsed = cacheSchema.safeParse(settings.picklists);
  return parsed.success ? parsed.data : null;
}

/** The settings fields that hold a picklist value, with the list each one comes from. */
export const PICKLIST_FIELDS = {
  queueId: { list: 'queueId', label: 'Default queue' },
  issueTypeId: { list: 'issueType', label: 'Default issue type' },
  subIssueTypeId: { list: 'subIssueType', label: 'Default sub-issue type' },
  sourceId: { list: 'source', label: 'Default source' },
  priorityErrorId: { list: 'priority', label: 'Priority for Error runs' },
  priorityWarningId: { list: 'priority', label: 'Priority for Warning runs' },
  newStatusId: { list: 'status', label: 'New-ticket status' },
  noteTypeId: { list: 'noteType', label: 'Note type of the closing note' },
  billingCodeId: { list: 'workType', label: 'Work Type' },
  ticketCategoryId: { list: 'ticketCategory', label: 'Ticket category' },
  ticketTypeId: { list: 'ticketType', label: 'Ticket type' },
} as const satisfies Record<string, { list: keyof CachedPicklists; label: string }>;

export type PicklistField = keyof typeof PICKLIST_FIELDS;
export const picklistFieldNames = Object.keys(PICKLIST_FIELDS) as PicklistField[];

/** What can be offered: active values only, in Autotask's order. */
export function activeValues(list: readonly PicklistValue[]): PicklistValue[] {
  return list.filter((v) => v.isActive);
}

export function findValue(list: readonly PicklistValue[], value: number | null): PicklistValue | undefined {
  return value === null ? undefined : list.find((v) => v.value === value);
}

/** "Monitoring Alerts (29683482)", or the bare id when the lists do not know it. */
export function describeValue(picklists: CachedPicklists | null, field: PicklistField, value: number | null): string {
  if (value === null) return 'not set';
  const found = picklists ? findValue(picklists[PICKLIST_FIELDS[field].list], value) : undefined;
  return found ? `${found.label} (${value})` : `ID ${value}`;
}

/** Why a saved value can no longer be used: it became inactive or is gone from Autotask's list. */
export interface StaleValue {
  readonly field: PicklistField;
  readonly value: number;
  readonly label: string | null;
  readonly problem: 'inactive' | 'missing';
  readonly message: string;
}

export function staleValueMessage(field: PicklistField, value: number, found: PicklistValue | undefined): string {
  const what = PICKLIST_FIELDS[field].label;
  return found
    ? `${what} “${found.label}” (${value}) is inactive in Autotask. Choose another value.`
    : `${what} ${value} no longer exists in Autotask. Choose another value.`;
}

/** Saved values that are inactive or absent in the cached lists (nothing is stale without lists). */
export function staleValues(
  settings: Pick<IntegrationSettings, PicklistField>,
  picklists: CachedPicklists | null,
): StaleValue[] {
  if (!picklists) return [];
  const out: StaleValue[] = [];
  for (const field of picklistFieldNames) {
    const value = settings[field];
    if (value === null) continue;
    const found = findValue(picklists[PICKLIST_FIELDS[field].list], value);
    if (found?.isActive) continue;
    out.push({
      field,
      value,
      label: found?.label ?? null,
      problem: found ? 'inactive' : 'missing',
      message: staleValueMessage(field, value, found),
    });
  }
  return out;
}

/** Loads the ticket and ticket-note picklists and the Work Types from Autotask (three reads). */
export async function fetchPicklists(client: AutotaskClient): Promise<CachedPicklists> {
  const [tickets, notes, workTypes] = await Promise.all([
    client.getTicketPicklists(),
    client.getTicketNotePicklists(),
    client.getWorkTypes(),
  ]);
  return {
    status: tickets.status,
    priority: tickets.priority,
    queueId: tickets.queueId,
    issueType: tickets.issueType,
    subIssueType: tickets.subIssueType,
    source: tickets.source,
    ticketType: tickets.ticketType,
    ticketCategory: tickets.ticketCategory,
    workType: workTypeValues(workTypes),
    noteType: notes.noteType,
  };
}

/** Work Types as picklist values (id and name), sorted by name, so one set of rules serves both. */
function workTypeValues(workTypes: readonly WorkType[]): PicklistValue[] {
  return [...workTypes]
    .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id)
    .map((w, index) => ({
      value: w.id,
      label: w.name,
      isActive: w.isActive,
      isDefault: false,
      isSystem: false,
      sortOrder: index + 1,
      parentValue: null,
    }));
}

export async function storePicklists(db: Db, picklists: CachedPicklists, at: Date = new Date()): Promise<void> {
  await db.integrationSettings.update({
    where: { id: SETTINGS_ID },
    data: { picklists: toJsonColumn(picklists), picklistsLoadedAt: at },
  });
}

/**
 * "Refresh from Autotask": loads and caches the lists. Autotask failures become UpstreamErrors with
 * Autotask's own words; the old cache stays as it was.
 */
export async function refreshPicklists(db: Db, client: AutotaskClient, actor: Actor): Promise<CachedPicklists> {
  const picklists = await fetchPicklists(client).catch(rethrowAutotask('The lists could not be loaded from Autotask.'));
  await storePicklists(db, picklists);
  const counts = Object.entries(picklists)
    .map(
      ([name, list]) => `${name} ${activeValues(list as PicklistValue[]).length}/${(list as PicklistValue[]).length}`,
    )
    .join(', ');
  await audit(db, actor, {
    action: 'autotask.picklists.refreshed',
    summary: 'Loaded the Autotask picklists',
    targetType: 'integration',
    targetId: 'autotask',
    details: { activeOfTotal: counts },
  });
  return picklists;
}

// ---------------------------------------------------------------------------------------------
// The settings form's dropdowns

export interface SelectOption {
  readonly value: number;
  readonly label: string;
  /** Sub-issue types: the issue type they belong to (the page filters on it). */
  readonly parentValue: number | null;
  /** A saved value that is inactive or gone: shown so the form does not silently change it, and flagged. */
  readonly stale: boolean;
}

export interface SelectModel {
  readonly options: readonly SelectOption[];
  readonly selected: number | null;
  /** Why the selected value cannot be used any more, or null. */
  readonly staleMessage: string | null;
}

/**
 * Options for one dropdown: the active values only. A selected value that is not among them is
 * added, marked, so that saving the form keeps it until the admin chooses another (and the page
 * and validation flag it meanwhile). Without lists, only the selected value can be shown.
 */
export function selectModel(
  field: PicklistField,
  picklists: CachedPicklists | null,
  selectedText: unknown,
): SelectModel {
  const parsed = typeof selectedText === 'string' && /^\d+$/.test(selectedText) ? Number(selectedText) : null;
  const selected = typeof selectedText === 'number' ? selectedText : parsed;
  const toOption = (v: PicklistValue): SelectOption => ({
    value: v.value,
    label: v.label,
    parentValue: v.parentValue,
    stale: false,
  });
  if (!picklists) {
    return {
      options: selected === null ? [] : [{ value: selected, label: `ID ${selected}`, parentValue: null, stale: false }],
      selected,
      staleMessage: null,
    };
  }
  const list = picklists[PICKLIST_FIELDS[field].list];
  const options = activeValues(list).map(toOption);
  if (selected === null || options.some((o) => o.value === selected)) return { options, selected, staleMessage: null };
  const found = findValue(list, selected);
  const staleOption: SelectOption = {
    value: selected,
    label: found ? `${found.label} (inactive in Autotask)` : `ID ${selected} (no longer in Autotask)`,
    parentValue: found?.parentValue ?? null,
    stale: true,
  };
  return { options: [staleOption, ...options], selected, staleMessage: staleValueMessage(field, selected, found) };
}
