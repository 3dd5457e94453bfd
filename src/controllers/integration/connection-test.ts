import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import type { FailureView } from '../../middleware/errors.ts';
import { testConnection, type TypedCredentials } from '../../services/integration/connection-test.ts';
import { formValuesFromBody, type FormValues } from '../../services/integration/settings-form.ts';
import { getIntegrationSettings } from '../../services/integration/settings.ts';
import { renderSettingsPage } from './autotask-settings.ts';

/** Typed credentials for Test connection: lenient, blanks mean "use the saved value". */
const typedCredentialsSchema = z.object({
  environment: z.enum(['sandbox', 'production']).optional().catch(undefined),
  apiUsername: z.string().max(100).optional().catch(undefined),
  secret: z.string().max(200).optional().catch(undefined),
  integrationCode: z.string().max(100).optional().catch(undefined),
});

/** What the admin typed, and whether that includes a secret (only then is the typed secret used). */
function typedIn(body: unknown): { typed: TypedCredentials; secretTyped: boolean } {
  const parsed = typedCredentialsSchema.safeParse(body ?? {});
  const typed = parsed.success ? parsed.data : {};
  const secretTyped = Boolean(typed.secret?.trim());
  return { typed: { ...typed, secret: secretTyped ? typed.secret : undefined }, secretTyped };
}

/**
 * The form as typed when Test connection was pressed on it (it is a button of the settings form);
 * the saved values otherwise.
 */
function valuesIn(body: unknown): FormValues | undefined {
  const carriesForm =
    typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>).environment === 'string';
  return carriesForm ? formValuesFromBody(body) : undefined;
}

/** "Test connection": the steps with their outcome, on the settings page; nothing is saved. */
export async function post(req: Request, res: Response): Promise<void> {
  const { database, autotask } = contextOf(req);
  const settings = await getIntegrationSettings(database.prisma);
  const { typed, secretTyped } = typedIn(req.body);
  // The saved credentials' answer about non-billable time entries is kept: Resolve depends on it.
  const test = await testConnection(autotask, settings, typed, { db: database.prisma });
  await renderSettingsPage(req, res, { values: valuesIn(req.body), test, secretTyped });
}

/**
 * A test that could not start (no secret saved yet, no username) shows in the test panel. That is
 * the test's answer, not a failed request, so the page answers 200 like any other test result.
 */
export const showFailure: FailureView = (req, res, failure) => {
  res.status(200);
  return renderSettingsPage(req, res, {
    values: valuesIn(req.body),
    test: {
      ok: false,
      problem: failure.problem?.message ?? Object.values(failure.fieldErrors).join(' '),
      detail: failure.problem?.detail,
    },
    secretTyped: typedIn(req.body).secretTyped,
  });
};
