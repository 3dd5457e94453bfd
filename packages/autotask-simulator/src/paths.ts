/**
 * Routing of `/ATServicesRest/...` by hand rather than with Express patterns, so the simulator
 * controls exactly what is case-insensitive (clients use `ATServicesRest`/`atservicesrest`,
 * `V1.0`/`v1.0`, entity names, a trailing slash) and what is a 404 (an unknown entity, `V2.0/…`,
 * an empty path segment such as `ATServicesRest//V1.0`, which real clients get wrong when they join
 * the zone `url` — it already ends in `/` — with `/V1.0`).
 */
import { findEntity, type EntityDescriptor } from './entities.ts';

export type ApiRoute =
  | { kind: 'versionInformation' }
  | { kind: 'zoneInformation' }
  | { kind: 'thresholdInformation' }
  | { kind: 'collection'; entity: EntityDescriptor }
  | { kind: 'query'; entity: EntityDescriptor }
  | { kind: 'count'; entity: EntityDescriptor }
  | { kind: 'next'; entity: EntityDescriptor }
  | { kind: 'entityInformation'; entity: EntityDescriptor }
  | { kind: 'fields'; entity: EntityDescriptor }
  | { kind: 'userDefinedFields'; entity: EntityDescriptor }
  | { kind: 'byId'; entity: EntityDescriptor; id: number }
  | { kind: 'ticketNotes'; ticketId: number }
  | { kind: 'unknown' };

export const API_ROOT = 'atservicesrest';

/** `path` is the URL path (no query string) starting with `/ATServicesRest`. */
export function classify(path: string): ApiRoute {
  const segments = path.split('/').slice(1);
  if (segments.length > 1 && segments.at(-1) === '') segments.pop();
  if (segments.some((s) => s === '')) return { kind: 'unknown' };
  const lower = segments.map((s) => safeDecode(s).toLowerCase());
  if (lower[0] !== API_ROOT) return { kind: 'unknown' };
  const rest = lower.slice(1);

  // Unauthenticated version discovery lives outside V1.0.
  if (rest.length === 1 && rest[0] === 'versioninformation') return { kind: 'versionInformation' };
  if (rest[0] !== 'v1.0') return { kind: 'unknown' };
  const [first, second, third, fourth, ...extra] = rest.slice(1);
  if (first === undefined) return { kind: 'unknown' };
  if (first === 'zoneinformation' && second === undefined) return { kind: 'zoneInformation' };
  if (first === 'thresholdinformation' && second === undefined) return { kind: 'thresholdInformation' };

  const entity = findEntity(first);
  if (!entity || extra.length > 0) return { kind: 'unknown' };
  if (second === undefined) return { kind: 'collection', entity };
  if (second === 'query') {
    if (third === undefined) return { kind: 'query', entity };
    if (fourth !== undefined) return { kind: 'unknown' };
    if (third === 'count') return { kind: 'count', entity };
    if (third === 'next') return { kind: 'next', entity };
    return { kind: 'unknown' };
  }
  if (second === 'entityinformation') {
    if (fourth !== undefined) return { kind: 'unknown' };
    if (third === undefined) return { kind: 'entityInformation', entity };
    if (third === 'fields') return { kind: 'fields', entity };
    if (third === 'userdefinedfields') return { kind: 'userDefinedFields', entity };
    return { kind: 'unknown' };
  }
  if (!/^\d+$/.test(second)) return { kind: 'unknown' };
  const id = Number(second);
  if (third === undefined) return { kind: 'byId', entity, id };
  // Child entities are written through the parent: POST /V1.0/Tickets/{id}/Notes.
  if (entity.name === 'Tickets' && third === 'notes' && fourth === undefined)
    return { kind: 'ticketNotes', ticketId: id };
  return { kind: 'unknown' };
}

/** The name a request is logged, thread-limited and fault-matched under. */
export function routeEntity(route: ApiRoute): string | null {
  switch (route.kind) {
    case 'versionInformation':
      return 'versionInformation';
    case 'zoneInformation':
      return 'zoneInformation';
    case 'thresholdInformation':
      return 'ThresholdInformation';
    case 'ticketNotes':
      return 'TicketNotes';
    case 'unknown':
      return null;
    default:
      return route.entity.name;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
