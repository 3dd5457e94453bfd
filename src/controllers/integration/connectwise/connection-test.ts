import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../../context.ts';
import type { FailureView } from '../../../middleware/errors.ts';
import { getConnectWiseSettings } from '../../../psa/connectwise/access.ts';
import { testConnectWise, type TypedCredentials } from '../../../services/integration/connectwise/connection-test.ts';
import { formValuesFromBody, type FormValues } from '../../../services/integration/connectwise/settings-form.ts';
import { keyTypedIn, renderConnectWisePage } from './settings.ts';

/** Typed credentials for Test connection: lenient, blanks mean "use the saved value". */
const typedSchema = z.object({
  siteHost: z.string().max(200).optional().catch(undefined),
  codebase: z.string().max(50).optional().catch(undefined),
  companyId: z.string().max(100).optional().catch(undefined),
  publicKey: z.string().max(100).optional().catch(undefined),
  privateKey: z.string().max(200).optional().catch(undefined),
  clientId: z.string().max(100).optional().catch(undefined),
});

function typedIn(body: unknown): TypedCredentials {
  const parsed = typedSchema.safeParse(body ?? {});
  const typed = parsed.success ? parsed.data : {};
  return { ...typed, privateKey: typed.privateKey?.trim() ? typed.privateKey : undefined };
}

/**
 * The form as typed when Test connection was pressed on it (it is a button of the settings form);
 * the saved values otherwise.
 */
function valuesIn(body: unknown): FormValues | undefined {
  const carriesForm =
    typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>).apiLogLevel === 'string';
  return carriesForm ? formValuesFromBody(body) : undefined;
}

/** "Test connection": the steps with their outcome, on the settings page; nothing but the proof is saved. */
export async function post(req: Request, res: Response): Promise<void> {
  const { database, connectwise } = contextOf(req);
  const settings = await getConnectWiseSettings(database.prisma);
  const test = await testConnectWise(connectwise, settings, typedIn(req.body), { db: database.prisma });
  await renderConnectWisePage(req, res, { values: valuesIn(req.body), test, keyTyped: keyTypedIn(req.body) });
}

/**
 * A test that could not start (nothing saved or typed yet) shows in the test panel. That is the
 * test's answer, not a failed request, so the page answers 200 like any other test result.
 */
export const showFailure: FailureView = (req, res, failure) => {
  res.status(200);
  return renderConnectWisePage(req, res, {
    values: valuesIn(req.body),
    test: {
      ok: false,
      problem: failure.problem?.message ?? Object.values(failure.fieldErrors).join(' '),
      detail: failure.problem?.detail,
    },
    keyTyped: keyTypedIn(req.body),
  });
};
