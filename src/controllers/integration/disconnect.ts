import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import type { FailureView } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import {
  DELETE_CONFIRMATION_WORD,
  disconnectAutotask,
  disconnectFormSchema,
  disconnectPreview,
  type DisconnectResult,
} from '../../services/integration/disconnect.ts';
import { getIntegrationSettings } from '../../services/integration/settings.ts';
import { parseOrThrow } from '../../shared/validation.ts';

interface DisconnectPageExtras {
  readonly values?: Record<string, unknown>;
  readonly errors?: Readonly<Record<string, string>>;
}

async function renderDisconnectPage(req: Request, res: Response, extras: DisconnectPageExtras = {}): Promise<void> {
  const db = contextOf(req).database.prisma;
  const [settings, preview] = await Promise.all([getIntegrationSettings(db), disconnectPreview(db)]);
  res.render('integration/disconnect', {
    title: 'Disconnect Autotask',
    settings,
    preview,
    word: DELETE_CONFIRMATION_WORD,
    values: extras.values ?? {},
    errors: extras.errors ?? {},
  });
}

/** Disconnect Autotask: what each option keeps and deletes, and the two forms. */
export async function get(req: Request, res: Response): Promise<void> {
  await renderDisconnectPage(req, res);
}

/** A refused disconnect (no option, confirmation word missing) shows the page again with the message. */
export const showFormFailure: FailureView = (req, res, failure) => {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return renderDisconnectPage(req, res, {
    values: { mode: body['mode'], confirm: body['confirm'] },
    errors: failure.fieldErrors,
  });
};

export async function post(req: Request, res: Response): Promise<void> {
  const form = parseOrThrow(disconnectFormSchema, req.body);
  const result = await disconnectAutotask(contextOf(req).database.prisma, actorOf(currentUser(req)), form);
  flash(req, { type: 'success', text: disconnectedText(result) });
  res.redirect(paths.settings.autotask);
}

function disconnectedText(result: DisconnectResult): string {
  return result.mode === 'keep'
    ? `Autotask disconnected: the integration is off and the credentials are erased. ${result.mappingsKept} company mappings and ${result.ticketLinks} ticket links are kept, read-only. Nothing was changed in Autotask.`
    : `Autotask disconnected and its data deleted: ${result.mappingsDeleted} company mappings, the picklists, the zone cache and ${result.apiCallsDeleted} API log entries were removed. The ${result.ticketLinks} ticket references of runs are kept in the audit log. Nothing was changed in Autotask.`;
}
