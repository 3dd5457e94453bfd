import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BOARD,
  COMPANY,
  STATUS,
  startConnectWiseSimulator,
  type ConnectWiseSimulator,
} from '@backupchecks/connectwise-simulator';
import type { ConnectWiseSettings } from '../../../src/db/database.ts';
import { getConnectWiseSettings } from '../../../src/psa/connectwise/access.ts';
import { connectWiseListsSchema } from '../../../src/psa/connectwise/lists.ts';
import { connectWiseProfile, connectWiseProfiles } from '../../../src/psa/connectwise/profile.ts';
import { NOT_LISTED_REASON, proofOfRights } from '../../../src/psa/connectwise/visibility.ts';
import { settleDeferredWork } from '../../../src/shared/deferred-work.ts';
import { resetData, useTestDatabase } from '../../support/db.ts';
import { accessFor, configureConnectWise } from './support.ts';

/**
 * ConnectWise's settings row as the services see a PSA (src/psa/connectwise/profile.ts): what blocks
 * a ticket, status labels from the cached lists, and the proof that the API member sees every time
 * entry (system/mySecurity, Time Entry inquire level All), stored on the row.
 */
const ctx = useTestDatabase();
let sim: ConnectWiseSimulator;

beforeAll(async () => {
  sim = await startConnectWiseSimulator();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(async () => {
  await resetData(ctx.db);
  sim.reset();
});

const db = () => ctx.db.prisma;
const profileOf = (row: ConnectWiseSettings) => connectWiseProfile(row, accessFor(db(), sim), db());
const row = () => getConnectWiseSettings(db());
const securityCalls = () => sim.requestLog.filter((r) => r.resource === 'system/mysecurity');

describe('blocker', () => {
  it('names what keeps tickets from being created, one setting at a time', async () => {
    const sentences = async (data: Parameters<typeof configureConnectWise>[2]) =>
      profileOf(await configureConnectWise(db(), sim, data)).blocker?.message ?? null;

    expect(await sentences({ enabled: false })).toBe('The ConnectWise integration is switched off.');
    expect(await sentences({ publicKey: null })).toBe('ConnectWise API credentials are not configured.');
    expect(await sentences({ boardId: null })).toBe('No service board is set for new ConnectWise tickets.');
    expect(await sentences({ newStatusId: null })).toBe('No status is set for new ConnectWise tickets.');
    expect(await sentences({ priorityWarningId: null })).toBe(
      'The ticket priorities for failed and warning runs are not set for ConnectWise.',
    );
    expect(await sentences({})).toBeNull();

    const blocked = profileOf(await configureConnectWise(db(), sim, { boardId: null }));
    expect(blocked.blocker).toMatchObject({ fixUrl: '/settings/connectwise', fixLabel: 'ConnectWise settings' });
    expect(blocked).toMatchObject({
      psa: 'connectwise',
      name: 'ConnectWise',
      settingsUrl: '/settings/connectwise',
      enabled: true,
      hasCredentials: true,
      allowResolve: false,
      noteBlocker: null,
    });
  });

  it('serves pages without credentials; only a client needs them', async () => {
    const profile = profileOf(await row());
    expect(profile).toMatchObject({ enabled: false, hasCredentials: false });
    expect(() => profile.client()).toThrow('ConnectWise API credentials are not configured.');
  });
});

describe('statusLabel', () => {
  it('names statuses from the cached lists, null for those they do not know', async () => {
    const lists = connectWiseListsSchema.parse({
      boardId: BOARD.serviceDesk,
      statuses: [
        { id: STATUS.new, name: 'New' },
        { id: STATUS.closed, name: 'Closed', closed: true },
      ],
    });
    const profile = profileOf(await configureConnectWise(db(), sim, { lists }));
    expect(profile.statusLabel(STATUS.closed)).toBe('Closed');
    expect(profile.statusLabel(STATUS.inProgress)).toBeNull();
    expect(
      profileOf(await configureConnectWise(db(), sim, { lists: { unexpected: true } })).statusLabel(STATUS.new),
    ).toBeNull();
  });
});

describe('client()', () => {
  it('creates tickets with the saved defaults and links them on the site', async () => {
    const psa = profileOf(await configureConnectWise(db(), sim)).client();
    const created = await psa.createTicket({
      companyId: COMPANY.acme,
      title: 'Backup failed',
      description: 'Details',
      severity: 'warning',
      reference: 'BC-RUN-profile-1',
    });
    expect(created.ticket).toMatchObject({ statusId: STATUS.new, reference: 'BC-RUN-profile-1' });
    expect(await psa.ticketUrl(created.id)).toBe(
      `${sim.siteUrl}/v4_6_release/services/system_io/router/openrecord.rails?locale=en_US&companyName=${sim.credentials.companyId}&recordType=ServiceFV&recid=${created.id}`,
    );
  });

  it('is offered to the PSA access only while switched on', async () => {
    const profiles = connectWiseProfiles(accessFor(db(), sim));
    expect(await profiles(db(), true)).toBeNull();
    expect(await db().connectWiseSettings.count()).toBe(0);
    expect(await profiles(db(), false)).toMatchObject({ psa: 'connectwise', enabled: false });
    await configureConnectWise(db(), sim);
    expect(await profiles(db(), true)).toMatchObject({ psa: 'connectwise', enabled: true });
  });
});

describe('ensureTimeEntryVisibility', () => {
  const now = new Date('2026-03-02T10:00:00Z');
  const at = (ms: number) => () => new Date(now.getTime() + ms);

  it('is proven when the Time Entry inquire level is All, and stored on the row', async () => {
    const profile = profileOf(await configureConnectWise(db(), sim));
    expect(await profile.ensureTimeEntryVisibility({ now: () => now })).toEqual({ proven: true, reason: null });
    expect(securityCalls()).toHaveLength(1);
    expect(await row()).toMatchObject({
      timeEntriesProvenAt: now,
      timeEntriesCheckedAt: now,
      timeEntriesReason: null,
    });

    // Within a day the stored proof answers; after it ConnectWise is asked again.
    const stored = profileOf(await row());
    expect(await stored.ensureTimeEntryVisibility({ now: at(23 * 3600_000) })).toMatchObject({ proven: true });
    expect(securityCalls()).toHaveLength(1);
    sim.state.settings.timeEntryInquireLevel = 'My';
    const stale = await stored.ensureTimeEntryVisibility({ now: at(25 * 3600_000) });
    expect(stale.proven).toBe(false);
    expect(securityCalls()).toHaveLength(2);
    expect(await row()).toMatchObject({ timeEntriesProvenAt: null, timeEntriesReason: stale.reason });
  });

  it('is not proven when the inquire level is not All, naming the right to change', async () => {
    sim.state.settings.timeEntryInquireLevel = 'My';
    const profile = profileOf(await configureConnectWise(db(), sim));
    const proof = await profile.ensureTimeEntryVisibility({ now: () => now });
    expect(proof).toEqual({
      proven: false,
      reason:
        'The API member\'s security role has the Inquire level "My" for "Time & Expense / Time Entry"; it needs "All".',
    });
    expect(await row()).toMatchObject({ timeEntriesProvenAt: null, timeEntriesCheckedAt: now });
    expect(profile.notProvenMessage(proof.reason ?? '')).toContain(
      'set the Inquire level of "Time & Expense / Time Entry" to All',
    );

    // Pages do not ask again right after a check that proved nothing; the resolve does.
    const page = profileOf(await row());
    expect(await page.ensureTimeEntryVisibility({ now: at(60_000), pageTimeoutMs: 1_000 })).toEqual(proof);
    expect(securityCalls()).toHaveLength(1);
    sim.state.settings.timeEntryInquireLevel = 'All';
    expect(await page.ensureTimeEntryVisibility({ now: at(60_000) })).toMatchObject({ proven: true });
    expect(securityCalls()).toHaveLength(2);
  });

  it('is not proven, without throwing, when ConnectWise or the credentials fail', async () => {
    sim.faults.failNext({ resource: 'system/mysecurity', status: 403, code: 'Security', count: 1 });
    const refused = await profileOf(await configureConnectWise(db(), sim)).ensureTimeEntryVisibility({
      now: () => now,
    });
    expect(refused.proven).toBe(false);
    expect(refused.reason).toMatch(/^Checking failed: /);
    expect(await row()).toMatchObject({ timeEntriesReason: refused.reason });

    const noKeys = profileOf(await configureConnectWise(db(), sim, { publicKey: null }));
    expect(await noKeys.ensureTimeEntryVisibility({ now: () => now })).toEqual({
      proven: false,
      reason: 'Checking failed: ConnectWise API credentials are not configured.',
    });
    await settleDeferredWork();
  });
});

describe('proofOfRights', () => {
  const right = (
    functionIdentifier: string | null,
    functionName: string | null,
    inquireLevel: 'All' | 'My' | null,
  ) => ({
    id: 1,
    moduleIdentifier: null,
    moduleName: null,
    functionIdentifier,
    functionName,
    addLevel: null,
    editLevel: null,
    deleteLevel: null,
    inquireLevel,
  });

  it('finds the Time Entry right by identifier or name, and needs All on every such row', () => {
    expect(proofOfRights([right('TimeEntry', null, 'All')])).toEqual({ proven: true, reason: null });
    expect(proofOfRights([right(null, 'Time Entry', 'All')])).toEqual({ proven: true, reason: null });
    expect(proofOfRights([right('TimeEntry', null, 'All'), right(null, 'Time entry', 'My')]).proven).toBe(false);
    expect(proofOfRights([right('ServiceTickets', 'Service Tickets', 'All')])).toEqual({
      proven: false,
      reason: NOT_LISTED_REASON,
    });
    expect(proofOfRights([right('TimeEntry', null, null)]).reason).toMatch(/no readable Inquire level/);
  });
});
