import { describe, expect, it } from 'vitest';
import { COMPANY, type FaultsSnapshot } from '../src/index.ts';
import { authHeaders, control, get, post, useTestSimulator, validTicket, type WireRecord } from './helpers.ts';

const sim = await useTestSimulator();

const page = async (query = '') => {
  const response = await fetch(`${sim.controlUrl}${query}`);
  return { response, text: await response.text() };
};
const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${sim.controlUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });

describe('/__sim/ control API', () => {
  it('reports state, credentials and the request log', async () => {
    await get(sim, 'system/info');
    const state = (await (await fetch(`${sim.controlUrl}state`)).json()) as { tickets: unknown[]; settings: unknown };
    expect(state.tickets).toHaveLength(3);
    const credentials = (await (await fetch(`${sim.controlUrl}credentials`)).json()) as Record<string, string>;
    expect(credentials).toMatchObject({
      baseUrl: sim.baseUrl,
      siteUrl: sim.siteUrl,
      clientId: sim.credentials.clientId,
      authorization: authHeaders(sim).Authorization,
    });
    const log = (await (await fetch(`${sim.controlUrl}requests?limit=5`)).json()) as { total: number };
    expect(log.total).toBe(1);
    expect((await control(sim, 'requests/clear')).status).toBe(200);
    expect(sim.requestLog).toHaveLength(0);
  });

  it('sets faults through JSON, and reset clears them and the data', async () => {
    await control(sim, 'faults/latency', { ms: 5, resource: 'time/entries' });
    await control(sim, 'faults/fail', { status: 500, resource: 'service/tickets', method: 'POST', count: 2 });
    await control(sim, 'faults/drop', { resource: 'service/tickets' });
    await control(sim, 'faults/hang', { resource: 'system/info', afterApply: true });
    await control(sim, 'faults/rate-limit', { retryAfterSeconds: 9 });
    const snapshot = (await (await fetch(`${sim.controlUrl}faults`)).json()) as FaultsSnapshot;
    expect(snapshot.latency.byResource).toEqual({ 'time/entries': 5 });
    expect(snapshot.pending.map((p) => [p.kind, p.remaining, p.match.resource])).toEqual([
      ['fail', 2, 'service/tickets'],
      ['drop', 1, 'service/tickets'],
      ['hang', 1, 'system/info'],
      ['rateLimit', 1, null],
    ]);
    await control(sim, 'faults/rate-limit-mode', { on: true });
    expect((await get(sim, 'system/info')).status).toBe(429);
    await post(sim, 'service/tickets', validTicket).catch(() => undefined);
    await control(sim, 'reset');
    expect(sim.faults.snapshot()).toMatchObject({ pending: [], rateLimited: null, latency: { allMs: 0 } });
    expect((await post(sim, 'service/tickets', validTicket)).status).toBe(201);
  });

  it('refuses bad input with 400, unknown records with 404 and unknown endpoints with 404', async () => {
    expect((await control(sim, 'faults/latency', { ms: -1 })).status).toBe(400);
    expect((await control(sim, 'faults/fail', { body: 'xml' })).status).toBe(400);
    expect((await control(sim, 'settings', { timeEntryInquireLevel: 'Some' })).status).toBe(400);
    expect((await control(sim, 'tickets/9999/time-entries', {})).status).toBe(404);
    expect((await control(sim, 'companies/9999/delete')).status).toBe(404);
    expect((await control(sim, 'tickets/1001/status', { statusId: 203 })).status).toBe(409);
    expect((await control(sim, 'nothing')).status).toBe(404);
  });

  it('changes a ticket’s status as a technician would, closing it on a closed status', async () => {
    await control(sim, 'tickets/1001/status', { statusId: 105 });
    const ticket = await get<WireRecord>(sim, 'service/tickets/1001');
    expect(ticket.json).toMatchObject({ status: { name: 'Closed' }, closedFlag: true, closedBy: 'jdoe' });
  });

  it('refuses cross-site form posts', async () => {
    const response = await form('reset', {}, { Origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    const fetchSite = await form('reset', {}, { 'Sec-Fetch-Site': 'cross-site' });
    expect(fetchSite.status).toBe(403);
  });
});

describe('control page', () => {
  it('renders the tenant with every value escaped and a strict CSP', async () => {
    await control(sim, 'companies', { name: '<script>alert("x")</script>' });
    await post(sim, 'service/tickets', { ...validTicket, summary: '"><img src=x onerror=alert(1)>' });
    await get(sim, `company/companies?conditions=${encodeURIComponent('name = "<b>bold</b>"')}`);
    const { response, text } = await page();
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(text).toContain('ConnectWise PSA simulator');
    expect(text).toContain('Margie&#39;s Travel &lt;Rotterdam&gt;');
    expect(text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(text).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(text).toContain('name = &quot;&lt;b&gt;bold&lt;/b&gt;&quot;');
    expect(text).not.toContain('<script>');
    expect(text).not.toContain('<img');
    expect(text).not.toContain('<b>bold');
  });

  it('escapes notices and errors from the query string', async () => {
    const { text } = await page('?notice=%3Cscript%3Ex%3C%2Fscript%3E&error=%22%3E%3Ciframe%3E');
    expect(text).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(text).toContain('&quot;&gt;&lt;iframe&gt;');
    expect(text).not.toContain('<iframe>');
  });

  it('works with plain form posts: redirects back with a notice, or with the error', async () => {
    const added = await form(`tickets/1001/time-entries`, { billableOption: 'DoNotBill', hidden: 'true' });
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toMatch(/^\/__sim\/\?notice=Added%20a%20non-billable/);
    expect(sim.state.timeEntries.at(-1)).toMatchObject({ billableOption: 'DoNotBill', hiddenFromApiMember: true });
    const status = await form(`companies/${COMPANY.acme}/status`, { statusId: '3' });
    expect(status.status).toBe(303);
    expect(sim.state.company(COMPANY.acme)?.statusId).toBe(3);
    const bad = await form('faults/latency', { ms: 'soon' });
    expect(bad.headers.get('location')).toMatch(/^\/__sim\/\?error=/);
    const settings = await form('settings', { forbiddenResources: 'time/entries, company/companies' });
    expect(settings.status).toBe(303);
    expect(sim.state.settings.forbiddenResources).toEqual(['time/entries', 'company/companies']);
    expect((await get(sim, 'company/companies')).status).toBe(403);
  });

  it('serves its stylesheet and redirects / to the page', async () => {
    expect((await fetch(`${sim.controlUrl}style.css`)).headers.get('content-type')).toContain('text/css');
    const root = await fetch(`${sim.siteUrl}/`, { redirect: 'manual' });
    expect(root.headers.get('location')).toBe('/__sim/');
  });
});
