import {
  AutotaskAuthenticationError,
  AutotaskError,
  AutotaskUnavailableError,
  AutotaskZoneLookupError,
  type AutotaskClient,
  type AutotaskZone,
  type ThresholdInfo,
} from '../../autotask/client.ts';
import type { AutotaskEnvironment, IntegrationSettings } from '../../db/database.ts';
import { RuleError } from '../../errors/catalogue.ts';
import type { AutotaskAccess } from './autotask-access.ts';
import { explainAutotaskError } from '../../errors/autotask-messages.ts';

/**
 * "Test connection": the zone lookup, one authenticated call (ThresholdInformation, the cheapest
 * there is) and what that call says about the tenant's hourly request budget. Each step is shown
 * ✓/✗ with our explanation and Autotask's own words. Nothing is saved, and nothing is written to
 * Autotask.
 */

export type StepState = 'ok' | 'failed' | 'warning' | 'skipped';

export interface TestStep {
  readonly label: string;
  readonly state: StepState;
  readonly message: string;
  /** Autotask's own text, verbatim. */
  readonly detail?: string | undefined;
}

export interface ConnectionTestResult {
  readonly ok: boolean;
  /** Which credentials were tested, in words ("the saved credentials", …). */
  readonly using: string;
  readonly environment: AutotaskEnvironment;
  readonly username: string;
  readonly steps: readonly TestStep[];
  readonly zone: AutotaskZone | null;
  readonly threshold: ThresholdInfo | null;
}

/** What the admin typed; blanks fall back to the saved values (the secret is never shown, so it is often blank). */
export interface TypedCredentials {
  readonly environment?: AutotaskEnvironment | undefined;
  readonly apiUsername?: string | undefined;
  readonly secret?: string | undefined;
  readonly integrationCode?: string | undefined;
}

const numberFormat = new Intl.NumberFormat('en-US');

/** "124 of 10,000 requests in the last 60 minutes (1%)". */
export function thresholdText(t: ThresholdInfo): string {
  const share = t.requestLimit > 0 ? Math.round((t.currentCount / t.requestLimit) * 100) : 0;
  return `${numberFormat.format(t.currentCount)} of ${numberFormat.format(t.requestLimit)} requests in the last ${t.timeframeMinutes} minutes (${share}%)`;
}

/**
 * The operator's sentence for a failed step. The credentials cases are told apart because each is
 * fixed in another field; the rest use the shared explanations.
 */
export function connectionFailureMessage(e: AutotaskError): string {
  if (e instanceof AutotaskZoneLookupError) {
    return 'Autotask does not know this API username, so its zone (data centre) could not be found. Check the spelling of the API username; a sandbox user exists only in the sandbox.';
  }
  if (e instanceof AutotaskAuthenticationError) {
    const says = (re: RegExp) => e.messages.some((m) => re.test(m));
    if (says(/integration ?code is invalid/i)) {
      return 'Autotask does not accept the tracking identifier (API integration code). Copy it again from the API user in Autotask (Admin → Resources → the API user → API Tracking Identifier).';
    }
    if (says(/user ?name is invalid/i)) {
      return 'Autotask does not recognise this API username. Check that it is the API-only user exactly as in Autotask.';
    }
    if (e.status === 401) {
      return 'Autotask refused the API secret for this username (HTTP 401). Enter the secret again; repeated failures can lock the API user.';
    }
    return e.message;
  }
  if (e instanceof AutotaskUnavailableError) {
    const how =
      e.reason === 'timeout'
        ? 'did not answer in time'
        : e.reason === 'network'
          ? 'could not be reached'
          : e.reason === 'server'
            ? `answered with a server error${e.status ? ` (HTTP ${e.status})` : ''}`
            : 'answered in an unexpected format';
    return `Autotask ${how}. This says nothing about the settings; try again in a few minutes, and check status.autotask.net if it persists.`;
  }
  return explainAutotaskError(e).message;
}

/** Builds the client for the test: typed values where given, the saved ones for blanks. */
function clientFor(
  access: AutotaskAccess,
  saved: IntegrationSettings,
  typed: TypedCredentials,
): { client: AutotaskClient; using: string; environment: AutotaskEnvironment; username: string } {
  const environment = typed.environment ?? saved.environment;
  const username = typed.apiUsername?.trim() || saved.apiUsername || '';
  const integrationCode = typed.integrationCode?.trim() || saved.integrationCode || '';
  const probe: IntegrationSettings = { ...saved, environment, apiUsername: username, integrationCode };
  const sameAsSaved =
    environment === saved.environment &&
    username === (saved.apiUsername ?? '') &&
    integrationCode === (saved.integrationCode ?? '');

  if (typed.secret) {
    return {
      client: access.clientWith(probe, { username, secret: typed.secret, integrationCode }),
      using: 'the credentials typed into the form',
      environment,
      username,
    };
  }
  if (!saved.secretEncrypted) {
    throw new RuleError('Enter the API secret to test the connection: none is saved yet.');
  }
  if (!username || !integrationCode) {
    throw new RuleError('Enter the API username and the tracking identifier to test the connection.');
  }
  // The saved secret is decrypted only inside AutotaskAccess; the other values may be the typed ones.
  return {
    client: access.client(probe),
    using: sameAsSaved ? 'the saved credentials' : 'the typed username and tracking identifier with the saved secret',
    environment,
    username,
  };
}

export async function testConnection(
  access: AutotaskAccess,
  saved: IntegrationSettings,
  typed: TypedCredentials = {},
): Promise<ConnectionTestResult> {
  const { client, using, environment, username } = clientFor(access, saved, typed);
  const base = { using, environment, username };

  try {
    const check = await client.testConnection();
    const t = check.threshold;
    const share = t.requestLimit > 0 ? t.currentCount / t.requestLimit : 0;
    return {
      ...base,
      ok: true,
      zone: check.zone,
      threshold: t,
      steps: [
        { label: 'Zone lookup', state: 'ok', message: `Found zone “${check.zone.zoneName}” for ${username}.` },
        {
          label: 'Authenticated call',
          state: 'ok',
          message: 'Autotask accepted the username, secret and tracking identifier.',
        },
        {
          label: 'API usage this hour',
          state: share >= 0.5 ? 'warning' : 'ok',
          message:
            share >= 0.5
              ? `${thresholdText(t)}. Above half of the budget Autotask slows every call down, for every integration of the tenant.`
              : `${thresholdText(t)}.`,
        },
      ],
    };
  } catch (e) {
    if (!(e instanceof AutotaskError)) throw e;
    const failed: TestStep = { label: '', state: 'failed', message: connectionFailureMessage(e), detail: e.detail };
    if (e.operation === 'zone.lookup') {
      return {
        ...base,
        ok: false,
        zone: null,
        threshold: null,
        steps: [
          { ...failed, label: 'Zone lookup' },
          { label: 'Authenticated call', state: 'skipped', message: 'Not tried: the zone is needed first.' },
          { label: 'API usage this hour', state: 'skipped', message: 'Not known.' },
        ],
      };
    }
    // The lookup succeeded (it comes first), so the zone is known without asking Autotask again.
    const zone = await client.getZone().catch(() => null);
    return {
      ...base,
      ok: false,
      zone,
      threshold: null,
      steps: [
        {
          label: 'Zone lookup',
          state: 'ok',
          message: zone ? `Found zone “${zone.zoneName}” for ${username}.` : `Found the zone for ${username}.`,
        },
        { ...failed, label: 'Authenticated call' },
        { label: 'API usage this hour', state: 'skipped', message: 'Not known: the authenticated call failed.' },
      ],
    };
  }
}
