/**
 * Building blocks of ConnectWise's wire shapes: references (`{"id":1,"name":"Service Desk","_info":{"board_href":…}}`,
 * as in ticket answers quoted by integrators) and typed field accessors for conditions and orderBy.
 */
import type { FieldDef, FieldMap } from './conditions-eval.ts';
import type { ConnectWiseState } from './store.ts';

export interface WireContext {
  state: ConnectWiseState;
  /** `http://host:port/v4_6_release/apis/3.0`, no trailing slash: `_info` links are absolute, as ConnectWise's are. */
  apiBase: string;
}

export type WireRecord = Record<string, unknown>;

/** One resource as the API exposes it: lower-case name for errors, label for 404s, fields, and its JSON. */
export interface ResourceDef<T> {
  /** `ticket`: used in `ticket object is invalid` and in errors[].resource. */
  resource: string;
  /** `Ticket`: used in `Ticket 12 not found`. */
  label: string;
  fields(state: ConnectWiseState): FieldMap<T>;
  /**
   * Array fields of the answer (`typeAssociationIds`): named in `fields=` like any other, but not usable in
   * `conditions` or `orderBy` (ConnectWise filters arrays with `childConditions`, docs/connectwise.md).
   */
  arrayFields?: readonly string[];
  wire(record: T, ctx: WireContext): WireRecord;
}

export function ref(
  ctx: WireContext,
  kind: string,
  path: string,
  value: { id: number } & Record<string, unknown>,
): WireRecord {
  return { ...value, _info: { [`${kind}_href`]: `${ctx.apiBase}/${path}` } };
}

export function boardRef(ctx: WireContext, id: number): WireRecord {
  return ref(ctx, 'board', `service/boards/${id}`, { id, name: ctx.state.board(id)?.name ?? '' });
}

export function companyRef(ctx: WireContext, id: number): WireRecord {
  const company = ctx.state.company(id);
  return ref(ctx, 'company', `company/companies/${id}`, {
    id,
    identifier: company?.identifier ?? '',
    name: company?.name ?? '',
  });
}

export function memberRef(ctx: WireContext, id: number): WireRecord {
  const member = ctx.state.member(id);
  return ref(ctx, 'member', `system/members/${id}`, {
    id,
    identifier: member?.identifier ?? '',
    name: member ? `${member.firstName} ${member.lastName}` : '',
  });
}

export function contactRef(ctx: WireContext, id: number): WireRecord {
  const contact = ctx.state.contact(id);
  return ref(ctx, 'contact', `company/contacts/${id}`, {
    id,
    name: contact ? `${contact.firstName} ${contact.lastName}` : '',
  });
}

export function contactName(state: ConnectWiseState, id: number | null): string | null {
  const contact = id === null ? undefined : state.contact(id);
  return contact ? `${contact.firstName} ${contact.lastName}` : null;
}

export function memberName(state: ConnectWiseState, id: number | null): string | null {
  const member = id === null ? undefined : state.member(id);
  return member ? `${member.firstName} ${member.lastName}` : null;
}

export const num = <T>(get: (r: T) => number | null): FieldDef<T> => ({ type: 'number', get });
export const str = <T>(get: (r: T) => string | null): FieldDef<T> => ({ type: 'string', get });
export const bool = <T>(get: (r: T) => boolean | null): FieldDef<T> => ({ type: 'boolean', get });
export const date = <T>(get: (r: T) => string | null): FieldDef<T> => ({ type: 'date', get });
export const reference = <T>(get: (r: T) => number | null): FieldDef<T> => ({ type: 'reference', get });

/** `name` as a reference (`board = null`), `name/id`, and the reference's text fields. */
export function refFields<T>(
  name: string,
  id: (r: T) => number | null,
  text: Record<string, (r: T) => string | null> = {},
): FieldMap<T> {
  const fields: Record<string, FieldDef<T>> = { [name]: reference(id), [`${name}/id`]: num(id) };
  for (const [field, get] of Object.entries(text)) fields[`${name}/${field}`] = str(get);
  return fields;
}
