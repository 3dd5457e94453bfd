import type { ConnectWiseSettings } from '../../../db/database.ts';
import type { ConnectWiseListStatus, ConnectWiseLists } from '../../../psa/connectwise/lists.ts';

/**
 * The ticket defaults of Settings → ConnectWise: each is an id chosen from one of the lists loaded
 * from ConnectWise (`ConnectWiseSettings.lists`). Statuses, types, subtypes and items belong to the
 * board the lists were loaded for; priorities and boards are global.
 */

export type ListField =
  | 'boardId'
  | 'newStatusId'
  | 'closedStatusId'
  | 'priorityErrorId'
  | 'priorityWarningId'
  | 'typeId'
  | 'subTypeId'
  | 'itemId';

type ListName = 'boards' | 'statuses' | 'priorities' | 'types' | 'subTypes' | 'items';

export const LIST_FIELDS: Readonly<Record<ListField, { list: ListName; label: string; perBoard: boolean }>> = {
  boardId: { list: 'boards', label: 'Board', perBoard: false },
  newStatusId: { list: 'statuses', label: 'Status of a new ticket', perBoard: true },
  closedStatusId: { list: 'statuses', label: 'Closing status', perBoard: true },
  priorityErrorId: { list: 'priorities', label: 'Priority for failed runs', perBoard: false },
  priorityWarningId: { list: 'priorities', label: 'Priority for warnings', perBoard: false },
  typeId: { list: 'types', label: 'Type', perBoard: true },
  subTypeId: { list: 'subTypes', label: 'Subtype', perBoard: true },
  itemId: { list: 'items', label: 'Item', perBoard: true },
};

export const listFieldNames = Object.keys(LIST_FIELDS) as ListField[];
export const perBoardFields = listFieldNames.filter((f) => LIST_FIELDS[f].perBoard);

/** One value of any list, as the form and the checks see it. */
export interface ListValue {
  readonly id: number;
  readonly name: string;
  readonly inactive: boolean;
  /** Statuses only. */
  readonly closed?: boolean;
  /** Subtypes only: the types it goes with (empty: ConnectWise did not say). */
  readonly typeIds?: readonly number[];
}

export function listOf(lists: ConnectWiseLists, field: ListField): readonly ListValue[] {
  return lists[LIST_FIELDS[field].list];
}

export function findIn(lists: ConnectWiseLists, field: ListField, id: number): ListValue | undefined {
  return listOf(lists, field).find((v) => v.id === id);
}

/** Board-bound lists are usable only for the board they were loaded for. */
export function listsFitBoard(lists: ConnectWiseLists, boardId: number | null): boolean {
  return boardId !== null && lists.boardId === boardId;
}

/** "Closed" (Completed) — the words a select shows for a status. */
export function statusText(s: Pick<ConnectWiseListStatus, 'name' | 'closed'>): string {
  return s.closed ? `${s.name} (closed)` : s.name;
}

/** "“Completed” (104)" or "ID 104" when the lists do not know it, for messages and the audit trail. */
export function describe(lists: ConnectWiseLists, field: ListField, id: number | null): string {
  if (id === null) return 'not set';
  const found = findIn(lists, field, id);
  return found ? `“${found.name}” (${id})` : `ID ${id}`;
}

/** Why a saved value cannot be used (gone from ConnectWise, inactive), or null. */
export function staleMessage(lists: ConnectWiseLists, field: ListField, id: number): string | null {
  const found = findIn(lists, field, id);
  const what = LIST_FIELDS[field].label;
  if (!found) return `${what} ${id} is not in the lists loaded from ConnectWise. Refresh the lists and choose again.`;
  if (found.inactive) return `${what} “${found.name}” is inactive in ConnectWise. Choose another value.`;
  return null;
}

export interface ListOption {
  readonly value: number;
  readonly label: string;
}

export interface ListSelect {
  readonly options: readonly ListOption[];
  readonly selected: number | null;
  /** The selected value cannot be used (inactive, gone, another board's): said under the select. */
  readonly staleMessage: string | null;
}

/**
 * One dropdown: the active values of its list, plus the selected value when that is not among
 * them (kept visible and flagged, so saving other fields does not silently drop it).
 */
export function selectFor(
  lists: ConnectWiseLists,
  field: ListField,
  selectedText: unknown,
  boardId: number | null,
): ListSelect {
  const selected =
    typeof selectedText === 'string' && /^[1-9][0-9]{0,9}$/.test(selectedText) ? Number(selectedText) : null;
  const usable = !LIST_FIELDS[field].perBoard || listsFitBoard(lists, boardId);
  const label = (v: ListValue) => (v.closed === undefined ? v.name : statusText({ name: v.name, closed: v.closed }));
  const options = usable
    ? listOf(lists, field)
        .filter((v) => !v.inactive)
        .map((v) => ({ value: v.id, label: label(v) }))
    : [];
  if (selected === null || options.some((o) => o.value === selected)) return { options, selected, staleMessage: null };
  const found = findIn(lists, field, selected);
  const message = usable
    ? staleMessage(lists, field, selected)
    : 'The lists of this board are not loaded: save the board, then choose again.';
  return {
    options: [{ value: selected, label: found ? label(found) : `ID ${selected}` }, ...options],
    selected,
    staleMessage: message,
  };
}

/** Saved defaults that can no longer be used, with why (for the page's warning list). */
export function staleDefaults(row: ConnectWiseSettings, lists: ConnectWiseLists): string[] {
  if (lists.boards.length === 0) return [];
  return listFieldNames.flatMap((field) => {
    const id = row[field];
    if (id === null) return [];
    if (LIST_FIELDS[field].perBoard && !listsFitBoard(lists, row.boardId)) return [];
    const message = staleMessage(lists, field, id);
    return message ? [message] : [];
  });
}
