import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSimulatorApp, createState, type SimulatorApp } from '../src/index.ts';
import { bodyOf, testClock, type CountBody, type ItemBody, type WireRecord } from './helpers.ts';

let app: SimulatorApp;
beforeEach(() => {
  app = createSimulatorApp(createState({ clock: testClock() }));
});

const { username, secret, integrationCode } = {
  username: 'backupchecks-api@demo.example',
  secret: 'demo-secret',
  integrationCode: 'DEMOBACKUPCHECKSINTEGRATION',
};
interface FaultsBody {
  latency: { allMs: number };
  pending: unknown[];
}
interface RequestsBody {
  requests: unknown[];
}

const api = (req: request.Test) => req.set({ UserName: username, Secret: secret, ApiIntegrationCode: integrationCode });

describe('createSimulatorApp with supertest', () => {
  it('speaks the API and builds absolute URLs from the Host header', async () => {
    const zone = await request(app)
      .get(`/ATServicesRest/V1.0/zoneInformation?user=${username}`)
      .set('Host', 'sim.test:8080');
    expect(bodyOf<{ url: string }>(zone).url).toBe('http://sim.test:8080/ATServicesRest/');
    const res = await api(request(app).get('/ATServicesRest/V1.0/Companies/105'));
    expect(res.status).toBe(200);
    expect(bodyOf<ItemBody>(res).item.companyName).toBe('Contoso B.V.');
  });
});

describe('demo seed', () => {
  it('has the companies the app’s demo customers map to, with look-alikes and inactive ones', () => {
    const { state } = app.simulator;
    const names = state.companies.map((c) => c.companyName);
    for (const name of [
      'Acme Dental',
      'Brightwater Logistics',
      'Contoso B.V.',
      'Fabrikam Architects',
      'Greenfield Schools',
      'Northwind Traders',
      'Riverside Medical Centre',
      'Tailspin Toys',
    ]) {
      expect(names.filter((n) => n === name)).toHaveLength(1);
    }
    expect(names).toContain('Contoso Holding');
    expect(state.companies.length).toBeGreaterThanOrEqual(38);
    expect(state.companies.filter((c) => !c.isActive).length).toBeGreaterThanOrEqual(2);
    expect(state.timeEntries.some((e) => e.isNonBillable)).toBe(true);
    expect(state.timeEntries.some((e) => !e.isNonBillable)).toBe(true);
  });
});

describe('/__sim/ control API', () => {
  it('renames, deactivates, activates and deletes a company', async () => {
    await request(app).post('/__sim/companies/105/rename').send({ companyName: 'Contoso Nederland B.V.' }).expect(200);
    let res = await api(request(app).get('/ATServicesRest/V1.0/Companies/105'));
    expect(bodyOf<ItemBody>(res).item.companyName).toBe('Contoso Nederland B.V.');

    await request(app).post('/__sim/companies/105/deactivate').expect(200);
    res = await api(request(app).get('/ATServicesRest/V1.0/Companies/105'));
    expect(bodyOf<ItemBody>(res).item.isActive).toBe(false);
    await request(app).post('/__sim/companies/105/activate').expect(200);

    await request(app).delete('/__sim/companies/105').expect(200);
    res = await api(request(app).get('/ATServicesRest/V1.0/Companies/105'));
    expect(res.body).toEqual({ item: null });
    await request(app).delete('/__sim/companies/105').expect(404);
  });

  it('adds and removes time entries on a ticket', async () => {
    const count = async () =>
      bodyOf<CountBody>(
        await api(request(app).post('/ATServicesRest/V1.0/TimeEntries/query/count')).send({
          filter: [{ op: 'eq', field: 'ticketID', value: 7004 }],
        }),
      ).queryCount;
    expect(await count()).toBe(0);
    await request(app).post('/__sim/tickets/7004/time-entries').send({ billable: false }).expect(200);
    const added = await request(app)
      .post('/__sim/tickets/7004/time-entries')
      .send({ billable: true, hours: 1.5 })
      .expect(200);
    expect(bodyOf<{ timeEntry: WireRecord }>(added).timeEntry).toMatchObject({
      ticketID: 7004,
      isNonBillable: false,
      hoursWorked: 1.5,
    });
    expect(await count()).toBe(2);
    const removed = await request(app).delete('/__sim/tickets/7004/time-entries').expect(200);
    expect(removed.body).toEqual({ removed: 2 });
    expect(await count()).toBe(0);
    await request(app).post('/__sim/tickets/999999/time-entries').send({}).expect(404);
  });

  it('sets a ticket status (Complete stamps completedDate)', async () => {
    const res = await request(app).post('/__sim/tickets/7002/status').send({ status: 5 }).expect(200);
    expect(bodyOf<{ ticket: WireRecord }>(res).ticket).toMatchObject({
      status: 5,
      completedDate: '2026-03-04T10:00:00.000Z',
    });
  });

  it('sets and clears faults', async () => {
    await request(app)
      .post('/__sim/faults/fail')
      .send({ status: 503, entity: 'Companies', message: 'Down' })
      .expect(200);
    await request(app).post('/__sim/faults/latency').send({ ms: 10 }).expect(200);
    const faults = bodyOf<FaultsBody>(await request(app).get('/__sim/faults').expect(200));
    expect(faults.latency.allMs).toBe(10);
    expect(faults.pending).toHaveLength(1);
    const failed = await api(request(app).get('/ATServicesRest/V1.0/Companies/105'));
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ errors: ['Down'] });

    await request(app).post('/__sim/faults/rate-limit').send({ retryAfterSeconds: 5 }).expect(200);
    const limited = await api(request(app).get('/ATServicesRest/V1.0/Companies/105'));
    expect([limited.status, limited.headers['retry-after']]).toEqual([429, '5']);

    await request(app).post('/__sim/faults/hang').send({ count: 2 }).expect(200);
    await request(app).post('/__sim/faults/drop').send({ entity: 'Tickets', method: 'POST' }).expect(200);
    expect(bodyOf<FaultsBody>(await request(app).get('/__sim/faults')).pending).toHaveLength(2);
    await request(app).post('/__sim/faults/clear').expect(200);
    expect((await request(app).get('/__sim/faults')).body).toMatchObject({ latency: { allMs: 0 }, pending: [] });
    await request(app).post('/__sim/faults/fail').send({ status: 'x' }).expect(400);
  });

  it('changes settings, reads the request log and resets', async () => {
    await request(app).post('/__sim/settings').send({ threadLimitStatus: 500 }).expect(200);
    expect(app.simulator.state.settings.threadLimitStatus).toBe(500);
    await api(request(app).get('/ATServicesRest/V1.0/Tickets/7001'));
    await request(app).post('/__sim/companies/100/rename').send({ companyName: 'Changed' });
    const log = await request(app).get('/__sim/requests').expect(200);
    expect(bodyOf<RequestsBody>(log).requests).toEqual([
      expect.objectContaining({ method: 'GET', entity: 'Tickets', status: 200 }),
    ]);

    await request(app).post('/__sim/reset').expect(200);
    expect(app.simulator.state.company(100)?.companyName).toBe('Acme Dental');
    expect(app.simulator.state.settings.threadLimitStatus).toBe(429);
    expect(bodyOf<RequestsBody>(await request(app).get('/__sim/requests')).requests).toEqual([]);
  });

  it('redirects plain form posts back to the page with a notice', async () => {
    const res = await request(app)
      .post('/__sim/companies/100/rename')
      .type('form')
      .send('companyName=Acme+Dental+%26+Co')
      .expect(303);
    expect(res.headers.location).toMatch(/^\/__sim\/\?notice=/);
    expect(app.simulator.state.company(100)?.companyName).toBe('Acme Dental & Co');
    await request(app).post('/__sim/tickets/7004/time-entries').type('form').send('billable=false').expect(303);
    expect(app.simulator.state.timeEntriesOf(7004)[0]?.isNonBillable).toBe(true);
  });

  it('refuses cross-site posts', async () => {
    await request(app).post('/__sim/reset').set('Origin', 'https://evil.example').expect(403);
    await request(app).post('/__sim/reset').set('Sec-Fetch-Site', 'cross-site').expect(403);
  });

  it('renders the control page with escaped data and no inline script', async () => {
    app.simulator.state.renameCompany(100, '<script>alert(1)</script> & "Co"');
    const res = await request(app).get('/__sim/').expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).not.toContain('<script');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
    expect(res.text).toContain('action="/__sim/companies/100/rename"');
    await request(app)
      .get('/__sim/style.css')
      .expect('Content-Type', /text\/css/)
      .expect(200);
  });
});

describe('web UI link target', () => {
  it('shows a ticket by TicketID and by TicketNumber, escaping everything', async () => {
    const ticket = app.simulator.state.addTicket({
      companyID: 100,
      title: '<img src=x onerror=alert(1)>',
      description: 'a < b',
    });
    const byId = await request(app)
      .get(`/Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID=${ticket.id}`)
      .expect(200);
    expect(byId.text).toContain(ticket.ticketNumber);
    expect(byId.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(byId.text).not.toContain('<img');
    expect(byId.text).toContain('Acme Dental');

    const byNumber = await request(app)
      .get(`/autotask/autotaskextend/executecommand.aspx?code=OpenTicketDetail&ticketnumber=${ticket.ticketNumber}`)
      .expect(200);
    expect(byNumber.text).toContain(ticket.ticketNumber);
  });

  it('answers 404 for an unknown ticket and 400 for other commands', async () => {
    await request(app).get('/Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID=1').expect(404);
    await request(app).get('/Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenProject&ProjectID=1').expect(400);
  });
});
