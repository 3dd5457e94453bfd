/**
 * TimeEntries (docs/autotask.md, Time entries): top-level POST and DELETE exist in the swagger. The
 * app only reads them (resolve is refused while a ticket has any), so writes here are kept simple;
 * tests and the control API usually add them with `state.addTimeEntry`.
 */
import { insertSorted } from '@backupchecks/simulator-kit';
import { actingResourceId, type ApiContext, type ApiResult } from '../api-context.ts';
import { ENTITIES } from '../entities.ts';
import { invalid } from '../errors.ts';
import { buildTimeEntry } from '../records.ts';
import type { TimeEntry } from '../types.ts';
import { checkLengths, isMissing, parseWriteBody, referenceMessage, requiredMessage } from '../write-input.ts';

const entity = ENTITIES.TimeEntries;

export function createTimeEntry(ctx: ApiContext): ApiResult {
  const input = parseWriteBody(entity, ctx.body);
  const v = input.values;
  const errors: string[] = [];
  const ticketId = v.get('ticketID');
  if (isMissing(ticketId) && isMissing(v.get('taskID'))) errors.push(requiredMessage('ticketID'));
  else if (!isMissing(ticketId) && !ctx.state.ticket(Number(ticketId)))
    errors.push(referenceMessage('ticketID', 'Ticket'));
  const hours = v.get('hoursWorked');
  if (isMissing(hours) && (isMissing(v.get('startDateTime')) || isMissing(v.get('endDateTime')))) {
    errors.push(requiredMessage('hoursWorked'));
  }
  checkLengths(entity, v, errors);
  if (errors.length > 0) throw invalid(errors);

  const nowIso = ctx.state.nowIso();
  const start = v.get('startDateTime');
  const end = v.get('endDateTime');
  const hoursWorked =
    typeof hours === 'number' ? hours : (Date.parse(String(end)) - Date.parse(String(start))) / 3_600_000;
  const entry = buildTimeEntry(
    {
      ...(Object.fromEntries([...v].filter(([, value]) => value !== null)) as Partial<TimeEntry>),
      id: ctx.state.nextId('timeEntries'),
      hoursWorked,
      isNonBillable: v.get('isNonBillable') === true,
      resourceID: typeof v.get('resourceID') === 'number' ? Number(v.get('resourceID')) : (actingResourceId(ctx) ?? 0),
      creatorUserID: actingResourceId(ctx),
    },
    nowIso,
  );
  insertSorted(ctx.state.timeEntries, entry);
  return { body: { itemId: entry.id } };
}

export function deleteTimeEntry(ctx: ApiContext, id: number): ApiResult {
  // Deleting a missing record is a 500 "No matching records found…".
  if (!ctx.state.timeEntries.some((e) => e.id === id)) throw invalid('No matching records found.');
  ctx.state.removeTimeEntry(id);
  return { body: { itemId: id } };
}
