import {
  AutotaskError,
  type AutotaskClient,
  type AutotaskZone,
  type ConnectionCheck,
  type ThresholdInfo,
} from '../../autotask/client.ts';
import type { AutotaskEnvironment, Db, IntegrationSettings } from '../../db/database.ts';
import { RuleError } from '../../errors/catalogue.ts';
import { explainConnectionFailure } from '../../errors/autotask-messages.ts';
import type { AutotaskAccess } from './autotask-access.ts';
import { saveBudgetReading } from './request-budget.ts';
import { checkVisibility, NON_BILLABLE_PERMISSION } from './time-entry-visibility.ts';

/**
 * "Test connection": the zone lookup, one authenticated call (ThresholdInformation, the cheapest
 * there is) and what that call says about the tenant's hourly request budget. Each step is shown
 * ✓/✗ with our explanation and Autotask's own words. Then whether the API user can be seen to see
 * non-billable time entries (`time-entry-visibility.ts`): for the saved credentials that outcome
 * is stored, because Resolve depends on it. Nothing else is saved, and nothing is written to
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
  /** "Non-billable time entries visible: yes / not proven", with why. */
  readonly nonBillable: NonBillableLine;
}

export interface NonBillableLine {
  readonly visible: boolean;
  readonly message: string;
}

/** Where Test connection keeps what it learns about the saved credentials: the visibility proof, the budget reading. */
export interface TestResultStore {
  readonly db: Db;
  readonly now?: () => Date;
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

/** Builds the client for the test: typed values where given, the saved ones for blanks. */
function clientFor(
  access: AutotaskAccess,
  saved: IntegrationSettings,
  typed: TypedCredentials,
): { client: AutotaskClient; using: string; environment: AutotaskEnvironment; username: string; saved: boolean } {
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
      saved: false,
    };
  }
  if (!saved.secretEncrypted) {
    throw new RuleError('Enter the API secret to test the connection: none is saved yet.');
  }
  if (!username || !integrationCode) {
    throw new RuleError('Enter the API username and the API tracking identifier to test the connection.');
  }
  // The saved secret is decrypted only inside AutotaskAccess; the other values may be the typed ones.
  return {
    client: access.client(probe),
    using: sameAsSaved
      ? 'the saved credentials'
      : 'the typed username and API tracking identifier with the saved secret',
    environment,
    username,
    saved: sameAsSaved,
  };
}

export async function testConnection(
  access: AutotaskAccess,
  saved: IntegrationSettings,
  typed: TypedCredentials = {},
  store?: TestResultStore,
): Promise<ConnectionTestResult> {
  const { client, using, environment, username, saved: savedOnes } = clientFor(access, saved, typed);
  const tested = { using, environment, username };
  let check: ConnectionCheck;
  try {
    check = await client.testConnection();
  } catch (e) {
    if (!(e instanceof AutotaskError)) throw e;
    return failed(tested, client, e);
  }
  if (savedOnes && store) await saveBudgetReading(store.db, check.threshold, (store.now ?? (() => new Date()))());
  return { ...passed(tested, check), nonBillable: await nonBillableLine(client, savedOnes ? store : undefined) };
}

/** Asks Autotask whether a non-billable entry is visible; stores the outcome only for the saved credentials. */
async function nonBillableLine(client: AutotaskClient, store: TestResultStore | undefined): Promise<NonBillableLine> {
  const v = await checkVisibility(client, store?.now ?? (() => new Date()), store?.db);
  const notKept = 'Not stored: these are not the saved credentials, so Resolve does not rely on this test.';
  if (v.proven) {
    const seen = v.count === 1 ? '1 non-billable time entry is' : `${v.count ?? 'Some'} non-billable time entries are`;
    return {
      visible: true,
      message: [
        `${seen} of the last 90 days visible to the API user, so the check before resolving sees them.`,
        store ? 'Resolve relies on this answer for 24 hours.' : notKept,
      ].join(' '),
    };
  }
  return {
    visible: false,
    message: [
      v.reason,
      'Until a non-billable time entry is visible, tickets cannot be resolved from Backupchecks.',
      `If the API user's security level lacks "${NON_BILLABLE_PERMISSION}", Autotask hides such entries instead of`,
      'refusing; give it that permission and test again.',
      ...(store ? [] : [notKept]),
    ].join(' '),
  };
}

type Tested = Pick<ConnectionTestResult, 'using' | 'environment' | 'username'>;

const NOT_CHECKED: NonBillableLine = {
  visible: false,
  message: 'Not checked: the authenticated call failed.',
};

const zoneFound = (zone: AutotaskZone | null, username: string) =>
  zone ? `Found zone “${zone.zoneName}” for ${username}.` : `Found the zone for ${username}.`;

/** Every step passed; the usage step warns above half of the hourly budget. */
function passed(tested: Tested, check: ConnectionCheck): Omit<ConnectionTestResult, 'nonBillable'> {
  const t = check.threshold;
  const share = t.requestLimit > 0 ? t.currentCount / t.requestLimit : 0;
  return {
    ...tested,
    ok: true,
    zone: check.zone,
    threshold: t,
    steps: [
      { label: 'Zone lookup', state: 'ok', message: zoneFound(check.zone, tested.username) },
      {
        label: 'Authenticated call',
        state: 'ok',
        message: 'Autotask accepted the username, secret and API tracking identifier.',
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
}

/** The step that failed, with the steps after it skipped. */
async function failed(tested: Tested, client: AutotaskClient, e: AutotaskError): Promise<ConnectionTestResult> {
  const failure: TestStep = { label: '', state: 'failed', message: explainConnectionFailure(e), detail: e.detail };
  const base = { ...tested, ok: false, threshold: null, nonBillable: NOT_CHECKED };
  if (e.operation === 'zone.lookup') {
    return {
      ...base,
      zone: null,
      steps: [
        { ...failure, label: 'Zone lookup' },
        { label: 'Authenticated call', state: 'skipped', message: 'Not tried: the zone is needed first.' },
        { label: 'API usage this hour', state: 'skipped', message: 'Not known.' },
      ],
    };
  }
  // The lookup succeeded (it comes first), so the zone is known without asking Autotask again.
  const zone = await client.getZone().catch(() => null);
  return {
    ...base,
    zone,
    steps: [
      { label: 'Zone lookup', state: 'ok', message: zoneFound(zone, tested.username) },
      { ...failure, label: 'Authenticated call' },
      { label: 'API usage this hour', state: 'skipped', message: 'Not known: the authenticated call failed.' },
    ],
  };
}
