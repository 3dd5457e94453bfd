/**
 * Ticket writes (docs/autotask.md, Create and update answers): POST creates, PATCH updates only the
 * fields sent (body must carry `id`), PUT replaces (omitted fields become null). There is no DELETE.
 */
import { insertSorted } from '@backupchecks/simulator-kit';
import { actingResourceId, type ApiContext, type ApiResult } from '../api-context.ts';
import { ENTITIES } from '../entities.ts';
import { invalid } from '../errors.ts';
import { buildTicket } from '../records.ts';
import { applyStatus, type SimulatorState } from '../store.ts';
import { missingTenantFields, tenantReferenceErrors } from '../tenant-fields.ts';
import type { Ticket } from '../types.ts';
import type { FieldValue } from '../values.ts';
import {
  checkLengths,
  checkPicklists,
  isMissing,
  parseWriteBody,
  referenceMessage,
  requiredMessage,
} from '../write-input.ts';

const entity = ENTITIES.Tickets;

/** isRequired in metadata. queueID is checked separately (it has an alternative). */
const REQUIRED = ['companyID', 'title', 'status', 'priority'] as const;

/** A ticket needs either a queueID, or both assignedResourceID and assignedResourceRoleID. */
export const QUEUE_REQUIRED_MESSAGE =
  'A ticket must be assigned to a queue (queueID) or to a resource (assignedResourceID and assignedResourceRoleID).';

/** Autotask's own wording, verbatim. */
export const RESOURCE_ROLE_MESSAGE =
  'When assigning a Resource, you must assign both a assignedResourceID and assignedResourceRoleID.';

export const NO_MATCHING_RECORD =
  'No matching records found. The logged in Resource may not have the adequate permissions to update the data.';

export function createTicket(ctx: ApiContext): ApiResult {
  const input = parseWriteBody(entity, ctx.body);
  const tenantMissing = missingTenantFields(ctx.state, input.values);
  if (tenantMissing.length > 0) throw invalid(tenantMissing);
  validateComplete(ctx.state, input.values, () => false);
  const now = ctx.state.now();
  const nowIso = now.toISOString();
  const v = input.values;
  const ticket = buildTicket(
    {
      ...(Object.fromEntries(v) as Partial<Ticket>),
      id: ctx.state.nextId('tickets'),
      ticketNumber: ctx.state.nextTicketNumber(now),
      title: String(v.get('title')),
      companyID: Number(v.get('companyID')),
      status: 1,
      priority: Number(v.get('priority')),
      ticketCategory: (v.get('ticketCategory') as number | null | undefined) ?? 1,
      estimatedHours: (v.get('estimatedHours') as number | null | undefined) ?? 0,
      creatorResourceID: actingResourceId(ctx),
      userDefinedFields: input.userDefinedFields ?? [],
      createDate: nowIso,
    },
    nowIso,
  );
  applyStatus(ticket, Number(v.get('status')), nowIso, actingResourceId(ctx));
  insertSorted(ctx.state.tickets, ticket);
  return { body: { itemId: ticket.id } };
}

export function updateTicket(ctx: ApiContext, mode: 'patch' | 'put'): ApiResult {
  const input = parseWriteBody(entity, ctx.body);
  if (input.id === null) throw invalid(requiredMessage('id'));
  const ticket = ctx.state.ticket(input.id);
  if (!ticket) throw invalid(NO_MATCHING_RECORD);

  const merged = new Map<string, FieldValue>();
  for (const field of entity.fields) {
    if (field.isReadOnly || field.name === 'id') continue;
    const current = (ticket as unknown as Record<string, FieldValue>)[field.name] ?? null;
    merged.set(
      field.name,
      input.values.has(field.name) ? (input.values.get(field.name) ?? null) : mode === 'put' ? null : current,
    );
  }
  const unchanged = (name: string) =>
    (ticket as unknown as Record<string, FieldValue>)[name] === merged.get(name) &&
    !(mode === 'put' && !input.values.has(name));
  validateComplete(ctx.state, merged, unchanged, input.values);

  const nowIso = ctx.state.nowIso();
  const status = Number(merged.get('status'));
  for (const [name, value] of merged) {
    if (name === 'status') continue;
    (ticket as unknown as Record<string, FieldValue>)[name] = value;
  }
  if (input.userDefinedFields) mergeUdfs(ticket, input.userDefinedFields, mode);
  if (status !== ticket.status) applyStatus(ticket, status, nowIso, actingResourceId(ctx));
  ticket.lastActivityDate = nowIso;
  ticket.lastTrackedModificationDateTime = nowIso;
  return { body: { itemId: ticket.id } };
}

/**
 * Checks a complete set of ticket values. `sent` limits length checks to what the client sent on a
 * PATCH, so an old over-long value does not block an unrelated update.
 */
function validateComplete(
  state: SimulatorState,
  values: Map<string, FieldValue>,
  unchanged: (field: string) => boolean,
  sent: Map<string, FieldValue> = values,
): void {
  const missing = REQUIRED.filter((name) => isMissing(values.get(name))).map(requiredMessage);
  const hasResource = !isMissing(values.get('assignedResourceID'));
  const hasRole = !isMissing(values.get('assignedResourceRoleID'));
  if (isMissing(values.get('queueID')) && !(hasResource && hasRole)) missing.push(QUEUE_REQUIRED_MESSAGE);
  if (missing.length > 0) throw invalid(missing);

  const errors: string[] = [];
  checkLengths(entity, sent, errors);
  if (hasResource !== hasRole) errors.push(RESOURCE_ROLE_MESSAGE);

  const companyId = Number(values.get('companyID'));
  if (!unchanged('companyID')) {
    const company = state.company(companyId);
    // A deleted (or invisible) company is refused with the reference message Autotask gives for a
    // missing referenced record; an inactive one the same way, as Autotask refuses inactive
    // contacts and resources. Autotask's exact words for a company are not documented, and that it
    // refuses an inactive company at all is unverified (docs/autotask.md, Companies): Backupchecks
    // recognises the refusal by `companyID` and a reason, not by this exact sentence.
    if (!company || !company.isActive) errors.push(referenceMessage('companyID', 'Company'));
  }
  checkPicklists(state, entity, values, errors, { unchanged });
  errors.push(...tenantReferenceErrors(state, values, unchanged));

  // Sub-issue types depend on their issue type (picklistParentValueField "issueType").
  const issueType = values.get('issueType');
  const subIssueType = values.get('subIssueType');
  if (subIssueType !== null && subIssueType !== undefined && (!unchanged('subIssueType') || !unchanged('issueType'))) {
    const entry = state.picklist('Tickets', 'subIssueType').find((p) => p.value === String(subIssueType));
    if (entry?.isActive && entry.parentValue !== String(issueType ?? '')) {
      errors.push(
        `The subIssueType ${String(subIssueType)} does not belong to issueType ${String(issueType ?? '(none)')}.`,
      );
    }
  }
  if (errors.length > 0) throw invalid(errors);
}

function mergeUdfs(ticket: Ticket, udfs: { name: string; value: string | null }[], mode: 'patch' | 'put'): void {
  if (mode === 'put') {
    ticket.userDefinedFields = udfs.map((u) => ({ ...u }));
    return;
  }
  for (const udf of udfs) {
    const existing = ticket.userDefinedFields.find((u) => u.name.toLowerCase() === udf.name.toLowerCase());
    if (existing) existing.value = udf.value;
    else ticket.userDefinedFields.push({ ...udf });
  }
}
