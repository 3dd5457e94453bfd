import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONNECTWISE_SETTINGS_ID } from '../../src/psa/connectwise/settings.ts';
import { CLOSING_NOTE_TEXT, SETTINGS_ID } from '../../src/services/integration/settings.ts';
import { encryptSecret } from '../../src/shared/secret-box.ts';
import { buildTestApp, signInAs, testSecrets, type Agent } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeCustomerWithRun } from '../support/fixtures.ts';

/**
 * The ConnectWise section of the integration overview (Settings → Autotask) and of the Markdown
 * export: which PSA is active, the site and its keys (only whether they are stored), the chosen
 * board, statuses and priorities named from the cached lists, resolve and its time-entry proof, and
 * ConnectWise's mappings and tickets — the Autotask section next to it unchanged.
 */

const ctx = useTestDatabase();
let built: ReturnType<typeof buildTestApp>;
let agent: Agent;

const PUBLIC_KEY = 'PubKeyVisibleNowhere01';
const PRIVATE_KEY = 'PrivKeyVisibleNowhere02';
const CLIENT_ID = '6a2b1e58-0c1f-4d2e-9a55-000000000042';
const ENCRYPTED = encryptSecret(PRIVATE_KEY, testSecrets.encryptionKey);
/** Fresh proof: younger than a day. */
const provenAt = new Date(Date.now() - 60 * 60_000);

/** Lists as Settings → ConnectWise stores them; names with markup, to see them escaped. */
const lists = {
  boards: [
    { id: 2, name: 'Monitoring <Backups> & more', inactive: false },
    { id: 3, name: 'Old board', inactive: true },
  ],
  boardId: 2,
  statuses: [
    { id: 201, name: 'New', inactive: false, closed: false, isDefault: true, timeEntryNotAllowed: false },
    { id: 203, name: 'Resolved', inactive: false, closed: true, isDefault: false, timeEntryNotAllowed: false },
  ],
  types: [{ id: 311, name: 'Alert', inactive: false }],
  subTypes: [{ id: 411, name: 'Backup alert', inactive: false, typeIds: [311] }],
  items: [],
  priorities: [
    { id: 2, name: 'Priority 2 - Quick Response', isDefault: false, sortOrder: 2 },
    { id: 3, name: 'Priority 3 - Normal Response', isDefault: true, sortOrder: 3 },
  ],
  companyStatuses: [],
};

async function configureConnectWise(data: Record<string, unknown> = {}) {
  await ctx.db.prisma.connectWiseSettings.upsert({
    where: { id: CONNECTWISE_SETTINGS_ID },
    create: { id: CONNECTWISE_SETTINGS_ID },
    update: {},
  });
  await ctx.db.prisma.connectWiseSettings.update({
    where: { id: CONNECTWISE_SETTINGS_ID },
    data: {
      enabled: true,
      siteHost: 'api-eu.myconnectwise.net',
      codebase: 'v2025_1',
      companyId: 'acme&co',
      publicKey: PUBLIC_KEY,
      privateKeyEncrypted: ENCRYPTED,
      clientId: CLIENT_ID,
      boardId: 2,
      newStatusId: 201,
      closedStatusId: 203,
      typeId: 311,
      subTypeId: null,
      itemId: 999,
      priorityErrorId: 2,
      priorityWarningId: 3,
      allowResolve: true,
      timeEntriesProvenAt: provenAt,
      timeEntriesCheckedAt: provenAt,
      lists,
      listsLoadedAt: new Date('2026-03-01T08:00:00Z'),
      ...data,
    },
  });
}

/** Two customers on ConnectWise (one in use, one kept aside), one on Autotask, one unmapped; one ticket each PSA. */
let seeded = false;
async function seedMappingsAndTickets() {
  if (seeded) return;
  seeded = true;
  const cw = await makeCustomerWithRun(ctx.db, { customerName: 'Acme Dental', companyId: null });
  await ctx.db.prisma.companyMapping.update({
    where: { customerId: cw.customer.id },
    data: { psaType: 'connectwise', companyId: 250, companyName: 'Acme Dental', status: 'ok' },
  });
  const kept = await makeCustomerWithRun(ctx.db, { customerName: 'Contoso B.V.', companyId: 105 });
  await ctx.db.prisma.storedMapping.create({
    data: { customerId: kept.customer.id, psaType: 'connectwise', companyId: 251 },
  });
  await makeCustomerWithRun(ctx.db, { customerName: 'Unmapped Ltd', companyId: null });
  await ctx.db.prisma.ticket.create({
    data: {
      originRunId: cw.run.id,
      jobId: cw.run.jobId,
      psaType: 'connectwise',
      state: 'created',
      reference: `BC-RUN-${cw.run.id}-cw`,
      ticketId: 1100,
      ticketNumber: '1100',
      resolvedAt: new Date(),
    },
  });
  await ctx.db.prisma.ticket.create({
    data: {
      originRunId: kept.run.id,
      jobId: kept.run.jobId,
      psaType: 'autotask',
      state: 'created',
      reference: `BC-RUN-${kept.run.id}-at`,
      ticketId: 7,
      ticketNumber: 'T20260101.0007',
    },
  });
}

beforeAll(async () => {
  built = buildTestApp(ctx.db);
  ({ agent } = await signInAs(built.app, ctx.db, 'admin'));
});
afterAll(async () => {
  await built.close();
});
beforeEach(async () => {
  await configureConnectWise();
  await ctx.db.prisma.integrationSettings.updateMany({ where: { id: SETTINGS_ID }, data: { enabled: false } });
});

const overviewHtml = async () => {
  const res = await agent.get('/settings/autotask');
  expect(res.status).toBe(200);
  const html = res.text;
  return html.slice(
    html.indexOf('<article class="integration-overview"'),
    html.indexOf('</article>', html.indexOf('integration-overview')),
  );
};

const exportMd = async () => {
  const res = await agent.get('/settings/autotask/export.md');
  expect(res.status).toBe(200);
  return res.text;
};

describe('overview on the settings page', () => {
  it('shows the active PSA and the ConnectWise section, escaped, open while ConnectWise is active', async () => {
    await seedMappingsAndTickets();
    await ctx.db.prisma.integrationSettings.updateMany({
      where: { id: SETTINGS_ID },
      data: { baseUrl: 'https://checks.example.com', syncIntervalMinutes: 120 },
    });
    const html = await overviewHtml();
    expect(html).toContain('<dt>Active PSA</dt><dd>ConnectWise</dd>');
    expect(html).toContain('<dt>PSA type</dt><dd>Autotask</dd>');
    expect(html).toMatch(
      /<details class="overview-connectwise" open>\s*<summary>ConnectWise <span class="badge integration-active">Active<\/span><\/summary>/,
    );
    const fact = (label: string, value: string) => expect(html).toContain(`<dt>${label}</dt><dd>${value}</dd>`);
    fact('Site host', 'api-eu.myconnectwise.net');
    fact('Codebase', 'v2025_1');
    fact('Company ID', 'acme&amp;co');
    fact('Public key', 'stored');
    fact('Private key', 'stored encrypted (AES-256-GCM)');
    fact('Client ID', 'present');
    fact('Board', 'Monitoring &lt;Backups&gt; &amp; more (2)');
    fact('Status of a new ticket', 'New (201)');
    fact('Closing status', 'Resolved (203), closes the ticket');
    fact('Type', 'Alert (311)');
    fact('Subtype', 'not set');
    fact('Item', 'ID 999');
    fact('Priority for failed runs', 'Priority 2 - Quick Response (2)');
    fact('Priority for warnings', 'Priority 3 - Normal Response (3)');
    fact('Allow resolving tickets', 'Yes');
    // The installation's, the same in Autotask's section.
    fact('Backupchecks base URL', 'https://checks.example.com');
    fact('Company names', 'Every 2 hours; also on demand, and when the Customers page is opened (at most hourly).');
    fact(
      'Mappings',
      '2 of 3 active customers mapped to ConnectWise companies, 1 of them kept aside while another PSA is active; 0 invalid, 0 renamed',
    );
    fact('Tickets', '1 created in ConnectWise (1 resolved from Backupchecks), 0 pending, 0 failed attempts');
    expect(html).toMatch(
      /<dt>Time-entry visibility<\/dt><dd>Proven \d\d\/\d\d\/\d{4}, \d\d:\d\d UTC: the API member sees every time entry<\/dd>/,
    );
    // The saved item is not in the loaded lists: said under the section.
    expect(html).toContain('Item 999 is not in the lists loaded from ConnectWise.');
    expect(html).not.toContain('Monitoring <Backups>');
  });

  it('says which PSA is active when ConnectWise is switched off, with the section closed', async () => {
    await configureConnectWise({
      enabled: false,
      timeEntriesProvenAt: null,
      timeEntriesReason:
        'The API member\'s security role has the Inquire level "My" for "Time & Expense / Time Entry"; it needs "All".',
    });
    await ctx.db.prisma.integrationSettings.updateMany({ where: { id: SETTINGS_ID }, data: { enabled: true } });
    const html = await overviewHtml();
    expect(html).toContain('<dt>Active PSA</dt><dd>Autotask</dd>');
    expect(html).toContain('<details class="overview-connectwise">');
    expect(html).toContain('<dt>Active PSA</dt><dd>No: Autotask is the active PSA</dd>');
    expect(html).toContain('Not proven: The API member&#39;s security role has the Inquire level &#34;My&#34;');

    await ctx.db.prisma.integrationSettings.updateMany({ where: { id: SETTINGS_ID }, data: { enabled: false } });
    expect(await overviewHtml()).toContain('<dt>Active PSA</dt><dd>None (both switched off)</dd>');
  });

  it('says misconfigured, and why, when a default is missing', async () => {
    await configureConnectWise({ priorityWarningId: null });
    const html = await overviewHtml();
    expect(html).toContain('<span class="badge integration-misconfigured">Misconfigured</span>');
    expect(html).toContain(
      'Misconfigured (The ticket priorities for failed and warning runs are not set for ConnectWise.)',
    );
  });
});

describe('Markdown export', () => {
  it('contains the ConnectWise section after Autotask’s, and the Autotask figures stay Autotask’s', async () => {
    await seedMappingsAndTickets();
    await ctx.db.prisma.integrationSettings.updateMany({
      where: { id: SETTINGS_ID },
      data: { baseUrl: null, syncIntervalMinutes: null },
    });
    const md = await exportMd();
    expect(md).toContain('| Active PSA | ConnectWise |');
    expect(md.indexOf('# PSA Integration: Autotask')).toBeLessThan(md.indexOf('# PSA Integration: ConnectWise'));
    const cw = md.slice(md.indexOf('# PSA Integration: ConnectWise'));
    for (const row of [
      '| PSA type | ConnectWise PSA (Manage) |',
      '| Active PSA | Yes: ConnectWise is the active PSA |',
      '| Status | Active |',
      '| Site host | api-eu.myconnectwise.net |',
      '| Codebase | v2025_1 |',
      '| Company ID | acme&co |',
      '| Private key | stored encrypted (AES-256-GCM) |',
      '| Client ID | present |',
      '| Board | Monitoring <Backups> & more (2) |',
      '| Closing status | Resolved (203), closes the ticket |',
      '| Priority for failed runs | Priority 2 - Quick Response (2) |',
      '| Allow resolving tickets | Yes |',
      '| Backupchecks base URL | not set |',
      '| Company names | Periodic sync off; refreshed on demand, and when the Customers page is opened (at most hourly). |',
      `| Closing note (fixed) | ${CLOSING_NOTE_TEXT} |`,
      '| status | Setting "Status of a new ticket": New (201) |',
      '| priority | Run status: Error → Priority 2 - Quick Response (2); Warning → Priority 3 - Normal Response (3) |',
      '| externalXRef |',
      '| Time & Expense / Time Entry | Inquire: All |',
      '| internalAnalysisFlag | true: the note is on the Internal thread only |',
    ]) {
      expect(cw).toContain(row);
    }
    expect(cw).toContain('- Item 999 is not in the lists loaded from ConnectWise.');
    expect(cw).toContain(
      '- Tickets: 1 created in ConnectWise (1 resolved from Backupchecks), 0 pending, 0 failed attempts',
    );
    expect(cw).toMatch(
      /Time-entry visibility: Proven \d\d\/\d\d\/\d{4}, \d\d:\d\d UTC: the API member sees every time entry\./,
    );
    expect(cw).toContain(
      'Resolving is allowed in the settings (now: allowed); time-entry visibility is proven (now: proven)',
    );

    // Autotask's section counts Autotask's own: its mapping (Contoso) and ticket, not ConnectWise's.
    const autotask = md.slice(0, md.indexOf('# PSA Integration: ConnectWise'));
    expect(autotask).toContain('- Mappings: 1 of 3 active customers mapped; 0 renamed, 0 invalid');
    expect(autotask).toContain('- Tickets: 1 created (0 resolved from Backupchecks), 0 pending, 0 failed attempts');
  });

  it('escapes a pipe in a value, so a table row stays one row', async () => {
    await configureConnectWise({ companyId: 'a|b', codebase: 'v2025_1' });
    expect(await exportMd()).toContain('| Company ID | a\\|b |');
  });
});

describe('keys', () => {
  it('appear neither on the page nor in the export: not the private key, its ciphertext, the public key or the client ID', async () => {
    const html = (await agent.get('/settings/autotask')).text;
    const md = await exportMd();
    for (const text of [html, md]) {
      for (const secret of [PRIVATE_KEY, ENCRYPTED, PUBLIC_KEY, CLIENT_ID]) expect(text).not.toContain(secret);
    }
  });
});
