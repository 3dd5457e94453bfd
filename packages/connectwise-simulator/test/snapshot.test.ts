import { afterEach, describe, expect, it } from 'vitest';
import { COMPANY, type ConnectWiseSimulator } from '../src/index.ts';
import { control, get, post, startTestSimulator, validTicket, type WireRecord } from './helpers.ts';

/** What the app's demo relies on to keep its tenant between runs: a change signal and a plain-JSON snapshot. */

const started: ConnectWiseSimulator[] = [];
const start = async (onChange?: () => void) => {
  const sim = await startTestSimulator(onChange ? { onChange } : {});
  started.push(sim);
  return sim;
};
afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.close()));
});

describe('onChange', () => {
  it('is called after writes through the API and the control API, not after reads', async () => {
    let changes = 0;
    const sim = await start(() => {
      changes += 1;
    });
    await get(sim, 'service/tickets/1001');
    await get(sim, 'company/companies');
    expect(changes).toBe(0);
    expect((await post(sim, 'service/tickets', validTicket)).status).toBe(201);
    await control(sim, 'companies', { name: 'Added by hand' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(changes).toBe(2);
  });
});

describe('snapshot and restore', () => {
  it('carries tickets, notes, time entries and companies to another simulator, whose new ids continue after them', async () => {
    const first = await start();
    const created = await post<WireRecord>(first, 'service/tickets', validTicket);
    await post(first, `service/tickets/${created.json.id}/notes`, { text: 'Checked', internalAnalysisFlag: true });
    first.state.addTimeEntry(created.json.id, { billable: false });
    first.state.setCompanyStatus(COMPANY.fabrikam, 2);
    const snapshot = JSON.parse(JSON.stringify(first.state.snapshot())) as ReturnType<typeof first.state.snapshot>;

    const second = await start();
    second.state.restore(snapshot);
    expect(second.state.ticket(created.json.id)?.externalXRef).toBe(validTicket.externalXRef);
    expect(second.state.notes.filter((n) => n.ticketId === created.json.id)).toHaveLength(1);
    expect(second.state.timeEntries.filter((e) => e.chargeToId === created.json.id)).toHaveLength(1);
    expect(second.state.company(COMPANY.fabrikam)?.statusId).toBe(2);
    const next = await post<WireRecord>(second, 'service/tickets', { ...validTicket, externalXRef: 'bc-run-2' });
    expect(next.json.id).toBe(created.json.id + 1);

    // The snapshot is a copy: changing the restored tenant leaves it as it was.
    second.state.setTicketStatus(created.json.id, 105);
    expect(snapshot.tickets.find((t) => t.id === created.json.id)?.statusId).not.toBe(105);
  });
});
