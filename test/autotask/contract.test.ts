import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAutotaskClient, type AutotaskClient } from '../../src/autotask/client.ts';
import {
  AutotaskAuthenticationError,
  AutotaskNotFoundError,
  AutotaskRateLimitedError,
  AutotaskUnavailableError,
  AutotaskValidationError,
  AutotaskZoneLookupError,
  isOutcomeUnknown,
} from '../../src/autotask/errors.ts';
import { InMemoryApiCallRecorder } from '../../src/autotask/api-log.ts';
import { QUEUE, startSimulator, type Simulator } from '@backupchecks/autotask-simulator';
import { NOTE_PUBLISH_INTERNAL, TICKET_STATUS_COMPLETE } from '../../src/autotask/types.ts';

/**
 * The contract between our client and the simulator: every operation of the client, run over
 * real HTTP against the simulator, must agree with what the simulator holds. Both follow the wire
 * format of docs/autotask.md; this is what keeps them from drifting apart.
 */
let sim: Simulator;
let recorder: InMemoryApiCallRecorder;

function client(
  overrides: { secret?: string; integrationCode?: string; username?: string; timeoutMs?: number } = {},
): AutotaskClient {
  return createAutotaskClient({
    credentials: {
      username: overrides.username ?? sim.credentials.username,
      secret: overrides.secret ?? sim.credentials.secret,
      integrationCode: overrides.integrationCode ?? sim.credentials.integrationCode,
    },
    environment: 'sandbox',
    zoneLookupUrl: sim.zoneLookupUrl,
    timeoutMs: overrides.timeoutMs ?? 3000,
    recorder,
    logLevel: 'all',
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  });
}

const requests = (method: string, entity: string) =>
  sim.requestLog.filter((r) => r.method === method && r.entity === entity);

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.reset();
  recorder = new InMemoryApiCallRecorder();
});

describe('zone and connection', () => {
  it('resolves the zone to the simulator and proves the credentials', async () => {
    const check = await client().testConnection();
    expect(check.zone.apiUrl).toBe(sim.apiUrl);
    expect(check.zone.webUrl).toBe(sim.webUrl);
    expect(check.threshold.requestLimit).toBe(10_000);
    expect(check.threshold.currentCount).toBeGreaterThan(0);
  });

  it('classifies each credential failure', async () => {
    await expect(client({ secret: 'wrong' }).testConnection()).rejects.toBeInstanceOf(AutotaskAuthenticationError);
    const code = await client({ integrationCode: 'NOPE' })
      .testConnection()
      .catch((e: unknown) => e);
    expect(code).toBeInstanceOf(AutotaskAuthenticationError);
    expect((code as AutotaskAuthenticationError).messages).toEqual(['IntegrationCode is invalid.']);
    const user = await client({ username: 'nobody@example.com' })
      .testConnection()
      .catch((e: unknown) => e);
    expect(user).toBeInstanceOf(AutotaskZoneLookupError);
    expect((user as AutotaskZoneLookupError).messages).toEqual(['Zone information could not be determined']);
  });

  it('never writes the secret into the API call log', async () => {
    await client().testConnection();
    await client({ secret: 'wrong-secret-value' })
      .testConnection()
      .catch(() => undefined);
    const text = JSON.stringify(recorder.entries);
    expect(recorder.entries.length).toBeGreaterThan(2);
    expect(text).not.toContain(sim.credentials.secret);
    expect(text).not.toContain('wrong-secret-value');
  });
});

describe('companies', () => {
  it('searches by name, active only unless asked', async () => {
    const expectedActive = sim.state.companies
      .filter((c) => c.companyName.toLowerCase().includes('contoso') && c.isActive)
      .map((c) => c.id)
      .sort();
    const active = await client().searchCompanies('contoso', { limit: 100 });
    expect(active.map((c) => c.id).sort()).toEqual(expectedActive);
    expect(active.map((c) => c.name)).toContain('Contoso B.V.');

    sim.state.deactivateCompany(active[0]!.id);
    const withInactive = await client().searchCompanies('contoso', { includeInactive: true, limit: 100 });
    const activeOnly = await client().searchCompanies('contoso', { limit: 100 });
    expect(withInactive.some((c) => c.id === active[0]!.id && !c.isActive)).toBe(true);
    expect(activeOnly.some((c) => c.id === active[0]!.id)).toBe(false);
  });

  it('gets one company, and not-found for a deleted one', async () => {
    const acme = sim.state.companies.find((c) => c.companyName === 'Acme Dental')!;
    expect(await client().getCompany(acme.id)).toMatchObject({ id: acme.id, name: 'Acme Dental', isActive: true });
    sim.state.deleteCompany(acme.id);
    await expect(client().getCompany(acme.id)).rejects.toBeInstanceOf(AutotaskNotFoundError);
  });

  it('gets 1,200 companies by id in 3 batched queries', async () => {
    const ids = Array.from({ length: 1200 }, (_, i) => sim.state.addCompany({ companyName: `Batch ${i}` }).id);
    sim.state.clearRequestLog();
    const companies = await client().getCompanies([...ids, 999_999_999]);
    expect(companies).toHaveLength(1200);
    expect(requests('POST', 'Companies')).toHaveLength(3);
  });
});

describe('tickets, notes, time entries', () => {
  const companyId = () => sim.state.companies.find((c) => c.companyName === 'Northwind Traders')!.id;

  it('creates a ticket once, reads it back, finds it by externalID and by ids', async () => {
    const created = await client().createTicket({
      companyId: companyId(),
      title: '[Backupchecks] Northwind Traders - Nightly - error',
      description: 'Run failed',
      status: 1,
      priority: 1,
      queueId: QUEUE.monitoringAlerts,
      externalId: 'BC-CONTRACT-1',
    });
    expect(created.ticket?.ticketNumber).toMatch(/^T\d{8}\.\d{4}$/);
    expect(requests('POST', 'Tickets')).toHaveLength(1);
    const stored = sim.state.tickets.find((t) => t.id === created.id)!;
    expect(stored).toMatchObject({
      externalID: 'BC-CONTRACT-1',
      queueID: QUEUE.monitoringAlerts,
      companyID: companyId(),
    });

    expect((await client().findTicketsByExternalId('BC-CONTRACT-1')).map((t) => t.id)).toEqual([created.id]);
    expect(await client().findTicketsByExternalId('BC-NOTHING')).toEqual([]);
    expect((await client().getTickets([created.id])).map((t) => t.ticketNumber)).toEqual([
      created.ticket?.ticketNumber,
    ]);
    expect(await client().ticketUrl(created.id)).toBe(sim.ticketUrl(created.id));
  });

  it('passes Autotask validation text through verbatim', async () => {
    const err = await client()
      .createTicket({ companyId: companyId(), title: 'x', status: 1, priority: 1 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutotaskValidationError);
    expect((err as AutotaskValidationError).messages.join(' ')).toMatch(/queue/i);
  });

  it('adds an internal note, lists notes across 3 pages, counts time entries, completes', async () => {
    const ticket = sim.state.addTicket({ title: 'T', companyID: companyId(), queueID: QUEUE.monitoringAlerts });
    const noteId = await client().addTicketNote(ticket.id, {
      title: 'Resolved',
      description: 'closing note',
      noteType: 1,
      publish: NOTE_PUBLISH_INTERNAL,
    });
    expect(sim.state.ticketNotes.find((n) => n.id === noteId)).toMatchObject({ publish: 2, ticketID: ticket.id });

    for (let i = 0; i < 1199; i++) sim.state.addNote(ticket.id, { title: `n${i}`, description: 'd' });
    sim.state.clearRequestLog();
    const notes = await client().listTicketNotes(ticket.id);
    expect(notes).toHaveLength(1200);
    expect(requests('POST', 'TicketNotes')).toHaveLength(3);

    expect(await client().countTimeEntries(ticket.id)).toBe(0);
    sim.state.addTimeEntry(ticket.id, { billable: false });
    sim.state.addTimeEntry(ticket.id, { billable: true });
    expect(await client().countTimeEntries(ticket.id)).toBe(2);

    await client().updateTicketStatus(ticket.id, TICKET_STATUS_COMPLETE);
    const done = await client().getTicket(ticket.id);
    expect(done.status).toBe(TICKET_STATUS_COMPLETE);
    expect(done.completedDate).toBeInstanceOf(Date);
  });

  it('reads picklists with inactive values and sub-issue parents', async () => {
    const lists = await client().getTicketPicklists();
    expect(lists.status.some((v) => v.value === 5 && v.label === 'Complete')).toBe(true);
    expect(lists.priority.some((v) => !v.isActive)).toBe(true);
    expect(lists.subIssueType.every((v) => v.parentValue !== null)).toBe(true);
    const notes = await client().getTicketNotePicklists();
    expect(notes.publish.map((v) => v.value).sort()).toEqual([1, 2]);
  });
});

describe('faults', () => {
  const companyId = () => sim.state.companies.find((c) => c.companyName === 'Tailspin Toys')!.id;
  const newTicket = (externalId: string) => ({
    companyId: companyId(),
    title: 'Fault test',
    status: 1,
    priority: 1,
    queueId: QUEUE.monitoringAlerts,
    externalId,
  });

  it('a dropped create response is outcome-unknown, sent once, and the ticket is findable', async () => {
    sim.faults.dropResponseNext({ method: 'POST', entity: 'Tickets' });
    const err = await client()
      .createTicket(newTicket('BC-DROP'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutotaskUnavailableError);
    expect(isOutcomeUnknown(err)).toBe(true);
    expect(requests('POST', 'Tickets')).toHaveLength(1);
    expect(await client().findTicketsByExternalId('BC-DROP')).toHaveLength(1);
  });

  it('a hung create times out once and is never retried', async () => {
    sim.faults.hangNext({ method: 'POST', entity: 'Tickets' });
    const err = await client({ timeoutMs: 300 })
      .createTicket(newTicket('BC-HANG'))
      .catch((e: unknown) => e);
    expect(isOutcomeUnknown(err)).toBe(true);
    expect(requests('POST', 'Tickets')).toHaveLength(1);
  });

  it('reads retry through a transient 503 and give up on a lasting rate limit', async () => {
    sim.faults.failNext({ count: 2, status: 503, body: 'empty', entity: 'Companies' });
    expect((await client().getCompany(companyId())).name).toBe('Tailspin Toys');
    expect(requests('GET', 'Companies')).toHaveLength(3);

    sim.faults.rateLimitNext({ count: 5, retryAfterSeconds: 0, entity: 'Companies' });
    await expect(client().getCompany(companyId())).rejects.toBeInstanceOf(AutotaskRateLimitedError);
  });

  it('a 5xx without errors[] on a write is outcome-unknown, with errors[] a definite rejection', async () => {
    sim.faults.failNext({ status: 500, body: 'empty', method: 'POST', entity: 'Tickets' });
    expect(
      isOutcomeUnknown(
        await client()
          .createTicket(newTicket('BC-500'))
          .catch((e: unknown) => e),
      ),
    ).toBe(true);
    sim.faults.failNext({ status: 500, message: 'Business rule says no.', method: 'POST', entity: 'Tickets' });
    const definite = await client()
      .createTicket(newTicket('BC-500b'))
      .catch((e: unknown) => e);
    expect(definite).toBeInstanceOf(AutotaskValidationError);
    expect(isOutcomeUnknown(definite)).toBe(false);
    expect((definite as AutotaskValidationError).messages).toEqual(['Business rule says no.']);
  });
});
