import type { ConnectWiseSettings } from '../../../db/database.ts';
import type { ConnectWiseLists } from '../../../psa/connectwise/lists.ts';
import { findIn, LIST_FIELDS, listFieldNames, listsFitBoard, type ListField } from './fields.ts';
import type { ConnectWiseForm } from './form-schema.ts';

/**
 * The rules of Settings → ConnectWise that need the saved row and the lists loaded from ConnectWise:
 * a chosen value must be in its list and active (a saved one may stay, flagged on the page, so other
 * changes can be saved first), the new-ticket status must be open and the closing status closed,
 * and a subtype goes with its type. One message per field; the first rule that fails it wins.
 */
export function defaultsErrors(
  form: ConnectWiseForm,
  current: ConnectWiseSettings,
  lists: ConnectWiseLists,
): Record<string, string> {
  const boardId = form.boardId ?? null;
  const boardUnchanged = boardId === current.boardId;
  const boardListsLoaded = listsFitBoard(lists, boardId);
  const errors: Record<string, string> = {};
  for (const field of listFieldNames) {
    const value = form[field] ?? null;
    if (value === null || value === current[field]) continue;
    // Another board's values are cleared on save (settings-form.ts), not refused.
    if (LIST_FIELDS[field].perBoard && !boardListsLoaded) {
      if (boardUnchanged) errors[field] = notLoaded(field);
      continue;
    }
    const message = listValueError(lists, field, value);
    if (message) errors[field] = message;
  }
  if (boardListsLoaded || boardUnchanged) statusRules(form, lists, boardListsLoaded, errors);
  const sub = subTypeError(form, lists, boardListsLoaded);
  if (sub) errors.subTypeId ??= sub;
  return errors;
}

const notLoaded = (field: ListField) =>
  `${LIST_FIELDS[field].label}: the lists of this board are not loaded. Use Refresh lists, then choose again.`;

function listValueError(lists: ConnectWiseLists, field: ListField, value: number): string | null {
  if (lists.boards.length === 0) return 'Load the lists from ConnectWise first (Refresh lists), then choose.';
  const found = findIn(lists, field, value);
  if (!found) return 'This value is not in the lists loaded from ConnectWise. Refresh the lists and choose again.';
  if (found.inactive) return `“${found.name}” is inactive in ConnectWise. Choose an active value.`;
  return null;
}

/** A new ticket starts open; resolving sets a status the board flags closed, and needs one chosen. */
function statusRules(
  form: ConnectWiseForm,
  lists: ConnectWiseLists,
  boardListsLoaded: boolean,
  errors: Record<string, string>,
): void {
  const newStatus = form.newStatusId ?? null;
  const closing = form.closedStatusId ?? null;
  if (boardListsLoaded && newStatus !== null) {
    const found = findIn(lists, 'newStatusId', newStatus);
    if (found?.closed) {
      errors.newStatusId ??= `“${found.name}” is a closed status: a new ticket would be closed at once. Choose an open status such as New.`;
    }
  }
  if (boardListsLoaded && closing !== null) {
    const found = findIn(lists, 'closedStatusId', closing);
    if (found && !found.closed) {
      errors.closedStatusId ??= `“${found.name}” is not a closed status on this board. Choose one ConnectWise flags as closed.`;
    }
  }
  if (form.allowResolve && closing === null) {
    errors.closedStatusId ??= 'Choose the closing status before allowing resolve, or untick Allow resolve.';
  }
}

/** A subtype needs a type, and must go with it when ConnectWise said which types it goes with. */
function subTypeError(form: ConnectWiseForm, lists: ConnectWiseLists, boardListsLoaded: boolean): string | null {
  const type = form.typeId ?? null;
  const sub = form.subTypeId ?? null;
  if (sub === null) return null;
  if (type === null) return 'Choose the type this subtype belongs to, or no subtype.';
  if (!boardListsLoaded) return null;
  const subValue = lists.subTypes.find((s) => s.id === sub);
  if (!subValue || subValue.typeIds.length === 0 || subValue.typeIds.includes(type)) return null;
  const typeValue = lists.types.find((t) => t.id === type);
  return `“${subValue.name}” does not go with type ${typeValue ? `“${typeValue.name}”` : type} on this board. Choose a subtype of the chosen type, or none.`;
}
