import { describe, expect, it } from 'vitest';
import { BAD_CREDENTIALS, BOARD, PRIORITY, STATUS } from '@backupchecks/connectwise-simulator';
import { encryptSecret } from '../../../src/shared/secret-box.ts';
import { testSecrets } from '../../support/app.ts';
import { decode, post, settingsRow, useConnectWiseApp } from './helpers.ts';

/**
 * Validate configuration (findings over the saved settings, checked against the simulator) and
 * Diagnostics (ConnectWise's API calls, the proof, the lists).
 */

const complete = {
  enabled: true,
  boardId: BOARD.serviceDesk,
  newStatusId: STATUS.new,
  closedStatusId: STATUS.completed,
  priorityErrorId: PRIORITY.emergency,
  priorityWarningId: PRIORITY.normal,
  allowResolve: true,
};
const suite = useConnectWiseApp({ signIn: ['admin'], configure: complete });

const validate = async () => {
  const res = await post(suite.as.admin.agent, '/settings/connectwise/validate', { _csrf: suite.as.admin.csrf });
  expect(res.status).toBe(200);
  const html = decode(res.text);
  const start = html.indexOf('id="validation"');
  return html.slice(start, html.indexOf('</article>', start));
};

/** The finding with this label: its state and text. */
const finding = (panel: string, label: string) => {
  const at = panel.indexOf(`<strong>${label}</strong>`);
  if (at === -1) throw new Error(`no finding “${label}”`);
  const li = panel.lastIndexOf('<li class="check-', at);
  return { state: /check-(\w+)/.exec(panel.slice(li))![1], text: panel.slice(at, panel.indexOf('</li>', at)) };
};

describe('Validate configuration', () => {
  it('finds no problem in a complete configuration, and stores what it read', async () => {
    const panel = await validate();
    expect(panel).toContain('Validate configuration: no problems found');
    expect(finding(panel, 'ConnectWise accepts the credentials').state).toBe('ok');
    expect(finding(panel, 'Closing status is on the board and closed').text).toContain('“Completed” (104)');
    expect(finding(panel, 'API member sees every time entry').state).toBe('ok');
    const row = await settingsRow(suite.db);
    expect(row.listsLoadedAt).not.toBeNull();
    expect(row.timeEntriesProvenAt).not.toBeNull();
  });

  it('flags a closing status that is not closed, an inactive status, and missing proof', async () => {
    await suite.db.prisma.connectWiseSettings.update({
      where: { id: 1 },
      data: { closedStatusId: STATUS.inProgress, newStatusId: STATUS.obsolete, priorityWarningId: 999 },
    });
    suite.sim.state.settings.timeEntryInquireLevel = 'My';
    const panel = await validate();
    expect(panel).toContain('Validate configuration: 4 problems found');
    const closing = finding(panel, 'Closing status is on the board and closed');
    expect(closing.state).toBe('failed');
    expect(closing.text).toContain('“In Progress” is not flagged as closed on the board');
    expect(finding(panel, 'New-ticket status is on the board, active and open').text).toContain(
      '“Obsolete” is inactive in ConnectWise',
    );
    expect(finding(panel, 'Priority for warnings is set').text).toContain(
      '999 is not in the lists loaded from ConnectWise',
    );
    const proof = finding(panel, 'API member sees every time entry');
    expect(proof.state).toBe('failed');
    expect(proof.text).toContain('Inquire level "My"');
  });

  it("shows ConnectWise's words when it refuses the credentials", async () => {
    await suite.db.prisma.connectWiseSettings.update({
      where: { id: 1 },
      data: { privateKeyEncrypted: encryptSecret('NotTheKey000', testSecrets.encryptionKey) },
    });
    const panel = await validate();
    const accepted = finding(panel, 'ConnectWise accepts the credentials');
    expect(accepted.state).toBe('failed');
    expect(accepted.text).toContain('ConnectWise refused the credentials.');
    expect(accepted.text).toContain(`ConnectWise said: <q>${BAD_CREDENTIALS}</q>`);
  });
});

describe('Diagnostics', () => {
  it("lists ConnectWise's API calls only, with the proof and the lists", async () => {
    await suite.db.prisma.apiCallLog.create({
      data: {
        psaType: 'autotask',
        operation: 'autotask.only',
        method: 'GET',
        path: '/autotask',
        status: 200,
        ok: true,
        durationMs: 5,
      },
    });
    await validate();
    const res = await suite.as.admin.agent.get('/settings/connectwise/diagnostics');
    expect(res.status).toBe(200);
    const html = decode(res.text);
    expect(html).toContain('<h1>ConnectWise diagnostics</h1>');
    expect(html).toContain('lists.boards');
    expect(html).toContain('system.mySecurity');
    expect(html).not.toContain('autotask.only');
    expect(html).toMatch(/id="proof-state">\s*<span class="check-ok">✓ proven<\/span>/);
    expect(html).toMatch(/id="lists-state">\s*\S.*3 boards, 4 priorities, 6 statuses of board “Service Desk”/);

    const failedOnly = decode((await suite.as.admin.agent.get('/settings/connectwise/diagnostics?status=failed')).text);
    expect(failedOnly).toContain('No calls match.');
    const total = await suite.db.prisma.apiCallLog.count({ where: { psaType: 'connectwise' } });
    expect(html).toContain(`${total} calls to ConnectWise`);
  });
});
