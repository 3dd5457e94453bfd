import { z } from 'zod';
import { DEFAULT_CODEBASE } from '../../../connectwise/client.ts';
import { idSchemaWith } from '../../../shared/ids.ts';
import { blankToUndefined, checkbox, trimmed } from '../../../shared/validation.ts';
import { baseUrlField, syncIntervalField } from '../installation-settings.ts';
import { cleanSiteHost, isSiteHost, SITE_HOST_MESSAGE } from './site-host.ts';

/**
 * The form of Settings → ConnectWise as it is validated field by field; the rules across fields are
 * in settings-rules.ts, saving in settings-form.ts.
 */

const optionalText = (max: number, what: string, pattern: { regex: RegExp; message: string }) =>
  z.preprocess(
    (v) => blankToUndefined(trimmed(v)),
    z.string().max(max, `The ${what} is at most ${max} characters.`).regex(pattern.regex, pattern.message).optional(),
  );

/** The host as typed, forgiving `https://` in front and a slash after it (a pasted address). */
const siteHost = z.preprocess(
  (v) => blankToUndefined(cleanSiteHost(v)),
  z.string().max(200, 'The site is at most 200 characters.').refine(isSiteHost, SITE_HOST_MESSAGE).optional(),
);

const codebase = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().replace(/^\/+|\/+$/g, '') || DEFAULT_CODEBASE : (v ?? DEFAULT_CODEBASE)),
  z
    .string({ error: `Enter the codebase, such as ${DEFAULT_CODEBASE}.` })
    .max(50, 'The codebase is at most 50 characters.')
    .regex(
      /^[A-Za-z0-9_.-]+$/,
      `The codebase looks like ${DEFAULT_CODEBASE}: letters, digits, dots, dashes and underscores.`,
    ),
);

/** A list value's id from a drop-down: blank for none. */
const pickedId = z.preprocess(blankToUndefined, idSchemaWith('Choose a value from the list.').optional());

export const connectWiseFormSchema = z.object({
  siteHost,
  codebase,
  companyId: optionalText(100, 'company ID', {
    regex: /^[^\s+:]+$/,
    message: 'The company ID is the short name typed at ConnectWise sign-in: no spaces, “+” or “:”.',
  }),
  publicKey: optionalText(100, 'public key', {
    regex: /^[^\s:]+$/,
    message: 'The public key has no spaces or “:”. Copy it from the API member in ConnectWise.',
  }),
  // Not trimmed: a key is used exactly as typed. Only an all-blank field means "keep".
  privateKey: z
    .string({ error: 'The private key is text.' })
    .max(200, 'The private key is at most 200 characters.')
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v)),
  clientId: optionalText(100, 'client ID', {
    regex: /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/,
    message:
      'The client ID is a GUID such as 3fa85f64-5717-4562-b3fc-2c963f66afa6, from the ConnectWise Developer Network.',
  }),
  boardId: pickedId,
  newStatusId: pickedId,
  closedStatusId: pickedId,
  priorityErrorId: pickedId,
  priorityWarningId: pickedId,
  typeId: pickedId,
  subTypeId: pickedId,
  itemId: pickedId,
  allowResolve: z.unknown().optional().transform(checkbox),
  apiLogLevel: z.enum(['off', 'errors', 'all'], { error: 'Choose off, errors or all.' }),
  // The installation's, shared with Settings → Autotask (src/services/integration/installation-settings.ts).
  baseUrl: baseUrlField,
  syncIntervalMinutes: syncIntervalField,
});

export type ConnectWiseForm = z.infer<typeof connectWiseFormSchema>;
