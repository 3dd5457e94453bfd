import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { NotFoundError } from '../../errors/catalogue.ts';
import { paths } from '../../paths.ts';
import { runIdForTicketId, runIdForTicketNumber } from '../../services/tickets/live-links.ts';
import { idSchema } from '../../shared/ids.ts';

/** Autotask ticket numbers (T20260113.0042) are printable ASCII; anything else names no ticket. */
const ticketNumberSchema = z
  .string()
  .trim()
  .regex(/^[\x21-\x7e]{1,50}$/);

/**
 * LiveLinks: Autotask → the run. Anonymous visitors are sent to sign in first and come back here;
 * the run page itself checks who may see what.
 */
export async function byTicketId(req: Request, res: Response): Promise<void> {
  const parsed = idSchema.safeParse(req.params['ticketId']);
  if (!parsed.success) throw new NotFoundError('That is not an Autotask ticket ID. The link may be wrong.');
  res.redirect(paths.runs.show(await runIdForTicketId(contextOf(req).database.prisma, parsed.data)));
}

export async function byTicketNumber(req: Request, res: Response): Promise<void> {
  const parsed = ticketNumberSchema.safeParse(req.params['ticketNumber']);
  if (!parsed.success) throw new NotFoundError('That is not an Autotask ticket number. The link may be wrong.');
  res.redirect(paths.runs.show(await runIdForTicketNumber(contextOf(req).database.prisma, parsed.data)));
}
