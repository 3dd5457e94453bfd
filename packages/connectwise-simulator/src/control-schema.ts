/** zod pieces the control routes share: form posts send strings ("", "on", "12"), JSON callers send values. */
import type { Request, Response } from 'express';
import { z } from 'zod';

/** Answers a control request: JSON for JSON callers, a redirect with a notice for form posts. */
export type Done = (req: Request, res: Response, notice: string, data: unknown) => void;

export const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());
export const optionalInt = (min: number, max: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(min).max(max).optional());
/** Forms send "on"/"true"/"1"; JSON sends booleans. */
export const booleanish = z.preprocess((v) => {
  if (typeof v === 'string') return ['on', 'true', '1', 'yes'].includes(v.trim().toLowerCase());
  return v;
}, z.boolean());
export const optionalBoolean = z.preprocess(blankToUndefined, booleanish.optional());
