import { describe, expect, it } from 'vitest';
import { BAD_CREDENTIALS, BOARD, ITEM, PRIORITY, STATUS, SUBTYPE, TYPE } from '@backupchecks/connectwise-simulator';
import { readConnectWiseLists } from '../../../src/psa/connectwise/lists.ts';
import { encryptSecret } from '../../../src/shared/secret-box.ts';
import { testSecrets } from '../../support/app.ts';
import { afterRedirect, connectWiseForm, decode, post, settingsRow, useConnectWiseApp } from './helpers.ts';

/**
 * Refresh lists and the ticket defaults chosen from them: the board's statuses with their closed
 * flags, the rules on the new-ticket and closing statuses, and what changing the board does.
 */

const suite = useConnectWiseApp({ signIn: ['admin'] });

const refresh = () =>
  afterRedirect(
    suite.as.admin.agent,
    post(suite.as.admin.agent, '/settings/connectwise/lists/refresh', { _csrf: suite.as.admin.csrf }),
  );
const save = (overrides: Record<string, string>) =>
  post(suite.as.admin.agent, '/settings/connectwise', connectWiseForm(suite.sim, suite.as.admin.csrf, overrides));

/** Option labels of one select on the page. */
function options(html: string, field: string): string[] {
  const start = html.indexOf(`id="f-${field}"`);
  const select = html.slice(start, html.indexOf('</select>', start));
  return [...select.matchAll(/<option [^>]*>([^<]*)<\/option>/g)].map((m) => decode(m[1]!.trim()));
}

const defaults = {
  boardId: String(BOARD.serviceDesk),
  newStatusId: String(STATUS.new),
  closedStatusId: String(STATUS.completed),
  priorityErrorId: String(PRIORITY.emergency),
  priorityWarningId: String(PRIORITY.normal),
  typeId: String(TYPE.backup),
  subTypeId: String(SUBTYPE.failedJob),
  itemId: String(ITEM.server),
  allowResolve: 'on',
};

/** Lists loaded and the board saved, as an admin leaves them after the first steps. */
async function boardChosen(): Promise<void> {
  await refresh();
  const res = await afterRedirect(suite.as.admin.agent, save({ boardId: String(BOARD.serviceDesk) }));
  expect(decode(res.text)).toContain(
    'The board is now “Service Desk”: its statuses, types, subtypes and items were loaded',
  );
}

describe('Refresh lists', () => {
  it('loads boards and priorities, and offers active values only', async () => {
    const page = await refresh();
    expect(decode(page.text)).toContain('Loaded the lists from ConnectWise: 2 boards, 4 priorities');
    expect(options(page.text, 'boardId')).toEqual(['— choose a board —', 'Monitoring', 'Service Desk']);
    expect(options(page.text, 'priorityErrorId')).toContain('Priority 1 - Emergency Response');
    const row = await settingsRow(suite.db);
    expect(row.listsLoadedAt).not.toBeNull();
    expect(readConnectWiseLists(row.lists).boards.map((b) => b.id)).toEqual([
      BOARD.monitoring,
      BOARD.retired,
      BOARD.serviceDesk,
    ]);
    expect(await suite.db.prisma.auditEvent.count({ where: { action: 'connectwise.lists.refreshed' } })).toBe(1);
  });

  it("shows ConnectWise's refusal on the page and keeps the lists loaded earlier", async () => {
    await refresh();
    const before = (await settingsRow(suite.db)).listsLoadedAt;
    await suite.db.prisma.connectWiseSettings.update({
      where: { id: 1 },
      data: { privateKeyEncrypted: encryptSecret('NotTheKey000', testSecrets.encryptionKey) },
    });
    const res = await post(suite.as.admin.agent, '/settings/connectwise/lists/refresh', { _csrf: suite.as.admin.csrf });
    expect(res.status).toBe(502);
    const html = decode(res.text);
    expect(html).toContain('The lists were not loaded. ConnectWise refused the credentials.');
    expect(html).toContain(`ConnectWise said: <q>${BAD_CREDENTIALS}</q>`);
    expect((await settingsRow(suite.db)).listsLoadedAt).toEqual(before);
  });
});

describe('ticket defaults', () => {
  it("loads the board's statuses on saving the board, with the closed ones marked, and saves the defaults", async () => {
    await boardChosen();
    const page = await suite.as.admin.agent.get('/settings/connectwise');
    expect(options(page.text, 'closedStatusId')).toEqual([
      '— choose a closed status —',
      'New',
      'In Progress',
      'Waiting Customer',
      'Completed (closed)',
      'Closed (closed)',
    ]);
    const saved = await afterRedirect(suite.as.admin.agent, save(defaults));
    expect(decode(saved.text)).toContain('ConnectWise settings saved. Changed:');
    expect(await settingsRow(suite.db)).toMatchObject({
      boardId: BOARD.serviceDesk,
      newStatusId: STATUS.new,
      closedStatusId: STATUS.completed,
      priorityErrorId: PRIORITY.emergency,
      priorityWarningId: PRIORITY.normal,
      typeId: TYPE.backup,
      subTypeId: SUBTYPE.failedJob,
      itemId: ITEM.server,
      allowResolve: true,
    });
    const audit = await suite.db.prisma.auditEvent.findFirstOrThrow({
      where: { action: 'connectwise.settings.updated' },
      orderBy: { id: 'desc' },
    });
    expect(JSON.stringify(audit.details)).toContain('“Completed” (104)');
  });

  it('refuses a closing status the board does not flag closed, and a closed new-ticket status', async () => {
    await boardChosen();
    const res = await save({
      ...defaults,
      newStatusId: String(STATUS.closed),
      closedStatusId: String(STATUS.inProgress),
    });
    expect(res.status).toBe(422);
    const html = decode(res.text);
    expect(html).toContain(
      '“In Progress” is not a closed status on this board. Choose one ConnectWise flags as closed.',
    );
    expect(html).toContain('“Closed” is a closed status: a new ticket would be closed at once.');
    expect((await settingsRow(suite.db)).closedStatusId).toBeNull();
  });

  it('refuses an inactive status, a subtype of another type, and resolve without a closing status', async () => {
    await boardChosen();
    const res = await save({
      ...defaults,
      newStatusId: String(STATUS.obsolete),
      subTypeId: String(SUBTYPE.passwordReset),
      closedStatusId: '',
    });
    expect(res.status).toBe(422);
    const html = decode(res.text);
    expect(html).toContain('“Obsolete” is inactive in ConnectWise. Choose an active value.');
    expect(html).toContain('“Password reset” does not go with type “Backup” on this board.');
    expect(html).toContain('Choose the closing status before allowing resolve, or untick Allow resolve.');
  });

  it("clears the old board's values when the board changes, and loads the new board's lists", async () => {
    await boardChosen();
    await save(defaults);
    const res = await afterRedirect(suite.as.admin.agent, save({ ...defaults, boardId: String(BOARD.monitoring) }));
    expect(decode(res.text)).toContain('The board is now “Monitoring”');
    expect(await settingsRow(suite.db)).toMatchObject({
      boardId: BOARD.monitoring,
      newStatusId: null,
      closedStatusId: null,
      typeId: null,
      subTypeId: null,
      itemId: null,
      // Not board-bound: kept.
      priorityErrorId: PRIORITY.emergency,
    });
    expect(options(res.text, 'closedStatusId')).toEqual([
      '— choose a closed status —',
      'New',
      'Acknowledged',
      'Resolved (closed)',
    ]);
  });
});
