/**
 * Autotask matches request bodies, filter items and query parameters without regard to case
 * (docs/autotask.md, Wire basics)
 * (`"filter"`/`"Filter"`, `"QueueID"`/`"queueId"`, `search=`/`Search=`). These helpers turn what a
 * client sent into predictable lower-case keys before zod sees it.
 */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Shallow copy with lower-cased keys. When a client sends both `Filter` and `filter`, the last one wins. */
export function lowerKeys(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key.toLowerCase()] = v;
  return out;
}

/** The first query parameter whose name matches case-insensitively. */
export function queryParam(params: URLSearchParams, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of params) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
