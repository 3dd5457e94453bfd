/** zod pieces the control routes share: form posts send strings ("", "on", "12"), JSON callers send values. */
import { z } from 'zod';

export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());

/** A whole number, optional, within the bounds given. */
export function optionalInt(min?: number, max?: number) {
  let n = z.coerce.number().int();
  if (min !== undefined) n = n.min(min);
  if (max !== undefined) n = n.max(max);
  return z.preprocess(blankToUndefined, n.optional());
}

/** Forms send "on"/"true"/"1"; JSON sends booleans. */
export const booleanish = z.preprocess((v) => {
  if (typeof v === 'string') return ['on', 'true', '1', 'yes'].includes(v.trim().toLowerCase());
  return v;
}, z.boolean());
export const optionalBoolean = z.preprocess(blankToUndefined, booleanish.optional());
