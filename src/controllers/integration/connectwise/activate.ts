import type { Request, RequestHandler, Response } from 'express';
import { contextOf } from '../../../context.ts';
import { currentUser } from '../../../middleware/auth.ts';
import { flash } from '../../../middleware/flash.ts';
import { paths } from '../../../paths.ts';
import { PSA_NAMES, type PsaType } from '../../../psa/port.ts';
import { activatePsa, type SwitchResult } from '../../../psa/switch.ts';
import { actorOf } from '../../../services/accounts/audit.ts';

/** Each PSA's settings page, where its "Use …" button is and where the answer is shown. */
export const settingsPageOf = (psa: PsaType): string =>
  psa === 'autotask' ? paths.settings.autotask : paths.settings.connectwise;

/**
 * "Use ConnectWise" / "Use Autotask": makes the PSA the active one (src/psa/switch.ts). A refusal
 * (no credentials saved) goes back to the page as a message through the route's flashOnFailure.
 */
export function activate(psa: PsaType): RequestHandler {
  return async (req: Request, res: Response) => {
    const result = await activatePsa(contextOf(req).database.prisma, psa, actorOf(currentUser(req)));
    flash(req, { type: 'success', text: switchedText(result) });
    res.redirect(settingsPageOf(psa));
  };
}

function switchedText(r: SwitchResult): string {
  const name = PSA_NAMES[r.psa];
  if (!r.changed) return `${name} already is the active PSA.`;
  const mappings = (n: number) => `${n} company mapping${n === 1 ? '' : 's'}`;
  const were = (n: number) => (n === 1 ? 'was' : 'were');
  const other = r.previous && r.previous !== r.psa ? PSA_NAMES[r.previous] : null;
  return [
    `${name} is now the active PSA: new tickets go to ${name}.`,
    other
      ? `${mappings(r.stored)} of ${other} ${were(r.stored)} put aside; they come back when you switch back.`
      : null,
    `${mappings(r.restored)} of ${name} ${were(r.restored)} restored; the next company sync checks them.`,
    other ? `Tickets in ${other} stay linked to their runs.` : null,
    r.keptStored > 0 ? `${mappings(r.keptStored)} stayed aside: the company is mapped to another customer now.` : null,
  ]
    .filter((s): s is string => s !== null)
    .join(' ');
}
