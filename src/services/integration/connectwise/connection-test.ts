import {
  ConnectWiseError,
  DEFAULT_CODEBASE,
  type ConnectWiseClient,
  type SystemInfo,
} from '../../../connectwise/client.ts';
import type { ConnectWiseSettings, Db } from '../../../db/database.ts';
import { RuleError } from '../../../errors/catalogue.ts';
import type { ConnectWiseAccess, ConnectWiseSite } from '../../../psa/connectwise/access.ts';
import { checkTimeEntryVisibility, proofOfRights, TIME_ENTRY_RIGHT } from '../../../psa/connectwise/visibility.ts';
import type { VisibilityProof } from '../../../psa/port.ts';
import { explainConnectWiseFailure } from './messages.ts';
import { cleanSiteHost, isSiteHost, SITE_HOST_MESSAGE } from './site-host.ts';

/**
 * "Test connection" on Settings → ConnectWise: one authenticated call (`system/info`), reading the
 * boards (the setup lists the page needs), and whether the API member is proven to see every time
 * entry (its security role, src/psa/connectwise/visibility.ts). Each step is shown ✓/✗ with our
 * explanation and ConnectWise's own words. For the saved credentials the visibility outcome is
 * stored, because Resolve depends on it; nothing else is saved, and nothing is written to
 * ConnectWise.
 */

export type StepState = 'ok' | 'failed' | 'warning' | 'skipped';

export interface TestStep {
  readonly label: string;
  readonly state: StepState;
  readonly message: string;
  /** ConnectWise's own text, verbatim. */
  readonly detail?: string | undefined;
}

export interface ConnectWiseTestResult {
  readonly ok: boolean;
  /** Which credentials were tested, in words ("the saved credentials", …). */
  readonly using: string;
  readonly siteHost: string;
  readonly codebase: string;
  readonly companyId: string;
  readonly info: SystemInfo | null;
  readonly steps: readonly TestStep[];
}

/** What the admin typed; blanks fall back to the saved values (the private key is never shown, so it is often blank). */
export interface TypedCredentials {
  readonly siteHost?: string | undefined;
  readonly codebase?: string | undefined;
  readonly companyId?: string | undefined;
  readonly publicKey?: string | undefined;
  readonly privateKey?: string | undefined;
  readonly clientId?: string | undefined;
}

interface Tested {
  readonly client: ConnectWiseClient;
  readonly using: string;
  /** The saved credentials exactly: only then is the visibility outcome stored. */
  readonly saved: boolean;
  readonly site: Pick<ConnectWiseTestResult, 'siteHost' | 'codebase' | 'companyId'>;
}

/** Builds the client for the test: typed values where given, the saved ones for blanks. */
function clientFor(access: ConnectWiseAccess, saved: ConnectWiseSettings, typed: TypedCredentials): Tested {
  const pick = (t: string | undefined, s: string | null) => t?.trim() || s || '';
  const probe: ConnectWiseSite = {
    siteHost: pick(typed.siteHost, saved.siteHost),
    codebase: pick(typed.codebase, saved.codebase) || DEFAULT_CODEBASE,
    companyId: pick(typed.companyId, saved.companyId),
    publicKey: pick(typed.publicKey, saved.publicKey),
    clientId: pick(typed.clientId, saved.clientId),
    privateKeyEncrypted: saved.privateKeyEncrypted,
    apiLogLevel: saved.apiLogLevel,
  };
  const site = { siteHost: probe.siteHost!, codebase: probe.codebase!, companyId: probe.companyId! };
  const missing = [
    probe.siteHost ? null : 'the site',
    probe.companyId ? null : 'the company ID',
    probe.publicKey ? null : 'the public key',
    probe.clientId ? null : 'the client ID',
  ].filter((m): m is string => m !== null);
  if (missing.length > 0) throw new RuleError(`Enter ${missing.join(', ')} to test the connection.`);
  // Checked before any call: a typed value that is no host name would only reach the local resolver.
  const host = cleanSiteHost(site.siteHost) as string;
  if (!isSiteHost(host)) throw new RuleError(SITE_HOST_MESSAGE);
  if (typed.privateKey) {
    const credentials = {
      companyId: probe.companyId!,
      publicKey: probe.publicKey!,
      privateKey: typed.privateKey,
      clientId: probe.clientId!,
    };
    return {
      client: access.clientWith(probe, credentials),
      using: 'the credentials typed into the form',
      saved: false,
      site,
    };
  }
  if (!saved.privateKeyEncrypted) {
    throw new RuleError('Enter the private key to test the connection: none is saved yet.');
  }
  const sameAsSaved =
    (['siteHost', 'companyId', 'publicKey', 'clientId'] as const).every((k) => probe[k] === (saved[k] ?? '')) &&
    probe.codebase === (saved.codebase ?? DEFAULT_CODEBASE);
  // The saved private key is decrypted only inside ConnectWiseAccess; the other values may be the typed ones.
  return {
    client: access.client(probe),
    using: sameAsSaved ? 'the saved credentials' : 'the typed values with the saved private key',
    saved: sameAsSaved,
    site,
  };
}

export interface TestStore {
  readonly db: Db;
  readonly now?: () => Date;
}

export async function testConnectWise(
  access: ConnectWiseAccess,
  saved: ConnectWiseSettings,
  typed: TypedCredentials,
  store: TestStore,
): Promise<ConnectWiseTestResult> {
  const tested = clientFor(access, saved, typed);
  const base = { using: tested.using, ...tested.site };
  let info: SystemInfo;
  try {
    info = await tested.client.testConnection();
  } catch (e) {
    if (!(e instanceof ConnectWiseError)) throw e;
    return {
      ...base,
      ok: false,
      info: null,
      steps: [
        failedStep('Authenticated call', e),
        { label: 'Setup lists readable', state: 'skipped', message: 'Not tried: the authenticated call failed.' },
        { label: 'Every time entry visible', state: 'skipped', message: 'Not checked: the authenticated call failed.' },
      ],
    };
  }
  const authenticated: TestStep = {
    label: 'Authenticated call',
    state: 'ok',
    message: `ConnectWise accepted the company ID, public key, private key and client ID${
      info.version ? ` (ConnectWise ${info.version}${info.isCloud === true ? ', cloud' : ''})` : ''
    }.`,
  };
  const lists = await listsStep(tested.client);
  const visibility = await visibilityStep(tested, store);
  return { ...base, ok: lists.state !== 'failed', info, steps: [authenticated, lists, visibility] };
}

function failedStep(label: string, e: ConnectWiseError): TestStep {
  return { label, state: 'failed', message: explainConnectWiseFailure(e), detail: e.detail };
}

async function listsStep(client: ConnectWiseClient): Promise<TestStep> {
  const label = 'Setup lists readable';
  try {
    const boards = await client.listBoards();
    const active = boards.filter((b) => !b.inactive).length;
    return { label, state: 'ok', message: `${active} active service board${active === 1 ? '' : 's'} can be read.` };
  } catch (e) {
    if (!(e instanceof ConnectWiseError)) throw e;
    return failedStep(label, e);
  }
}

/**
 * The proof of the saved credentials is stored (Resolve relies on it for a day); typed-in ones are
 * only shown.
 */
async function visibilityStep(tested: Tested, store: TestStore): Promise<TestStep> {
  const label = 'Every time entry visible';
  const now = store.now ?? (() => new Date());
  let proof: VisibilityProof;
  if (tested.saved) {
    proof = await checkTimeEntryVisibility(tested.client, store.db, now);
  } else {
    try {
      proof = proofOfRights(await tested.client.getMySecurity());
    } catch (e) {
      if (!(e instanceof ConnectWiseError)) throw e;
      return { ...failedStep(label, e), state: 'warning' };
    }
  }
  const kept = tested.saved
    ? 'Resolve relies on this answer for 24 hours.'
    : 'Not stored: these are not the saved credentials, so Resolve does not rely on this test.';
  if (proof.proven) {
    return {
      label,
      state: 'ok',
      message: `The API member's security role has the Inquire level All for "${TIME_ENTRY_RIGHT}", so the check before resolving sees every entry. ${kept}`,
    };
  }
  return {
    label,
    state: 'warning',
    message: `${proof.reason ?? ''} Until this is proven, tickets cannot be resolved from Backupchecks. ${kept}`.trim(),
  };
}
