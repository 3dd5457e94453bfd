import { describe, expect, it } from 'vitest';
import { BAD_CREDENTIALS, BOARD, COMPANY, STATUS, UNKNOWN_CLIENT_ID } from '@backupchecks/connectwise-simulator';
import {
  ConnectWiseAuthenticationError,
  ConnectWiseNotFoundError,
  ConnectWiseRateLimitedError,
  ConnectWiseUnavailableError,
  ConnectWiseValidationError,
  internalNote,
  isOutcomeUnknown,
  type NewTicket,
} from '../../src/connectwise/client.ts';
import { newReference, rejection, useConnectWiseSimulator } from './contract-support.ts';

/**
 * The contract between the ConnectWise client and the simulator where things go wrong: paging, the
 * mapping of ConnectWise's errors, lost answers and rate limits (docs/connectwise.md, Paging and
 * counts, Errors, Rate limits, Idempotency). The happy paths: contract.test.ts.
 */
const cw = useConnectWiseSimulator();

function newTicket(extra: Partial<NewTicket> = {}): NewTicket {
  return {
    companyId: COMPANY.acme,
    boardId: BOARD.serviceDesk,
    summary: 'Backup failed: FS01 nightly',
    reference: newReference(),
    ...extra,
  };
}

describe('paging', () => {
  it('follows the Link header when a site answers fewer than asked for', async () => {
    // The client asks for 1,000 a page, ConnectWise's cap; a page of 100 is not full then, so only
    // the `Link` header tells that more follow (docs/connectwise.md, Paging and counts).
    cw.sim.state.settings.maxPageSize = 100;
    const names = Array.from({ length: 250 }, (_, i) => `Paging company ${String(i).padStart(3, '0')}`);
    const ids = await cw.seedCompanies(names);
    cw.sim.state.clearRequestLog();

    const found = await cw.client().searchCompanies('Paging company', { limit: 1000 });
    expect(found.map((c) => c.name)).toEqual(names);
    const pages = cw.requests('GET', 'company/companies').map((r) => new URLSearchParams(r.query).get('page'));
    expect(pages).toEqual(['1', '2', '3']);

    cw.sim.state.clearRequestLog();
    const many = await cw.client().getCompanies(ids);
    expect(many.map((c) => c.id).sort((a, b) => a - b)).toEqual(ids);
    // 200 ids in two pages, then the last 50 in one.
    expect(cw.requests('GET', 'company/companies')).toHaveLength(3);
  });
});

describe('errors', () => {
  it('maps wrong credentials and an unknown clientId to the authentication error', async () => {
    const wrongKey = await rejection(cw.client({ privateKey: 'not-the-key' }).testConnection());
    expect(wrongKey).toBeInstanceOf(ConnectWiseAuthenticationError);
    expect(wrongKey).toMatchObject({ status: 401, code: 'Unauthorized', messages: [BAD_CREDENTIALS] });
    const wrongClient = await rejection(cw.client({ clientId: '00000000-0000-4000-8000-000000000000' }).listBoards());
    expect(wrongClient).toBeInstanceOf(ConnectWiseAuthenticationError);
    expect(wrongClient).toMatchObject({ messages: [UNKNOWN_CLIENT_ID] });
    // Nothing to retry: one request each.
    expect(cw.sim.requestLog).toHaveLength(2);
    expect(JSON.stringify(cw.recorder.entries)).not.toContain('not-the-key');
    expect(JSON.stringify(cw.recorder.entries)).not.toContain(cw.sim.credentials.privateKey);
  });

  it('maps an unknown id to not found, for reads and writes', async () => {
    const company = await rejection(cw.client().getCompany(999_999));
    expect(company).toBeInstanceOf(ConnectWiseNotFoundError);
    expect(company).toMatchObject({ status: 404, code: 'NotFound', detail: 'Company 999999 not found' });
    expect(await rejection(cw.client().getTicket(999_999))).toBeInstanceOf(ConnectWiseNotFoundError);
    const note = await rejection(cw.client().addTicketNote(999_999, internalNote('lost')));
    expect(note).toBeInstanceOf(ConnectWiseNotFoundError);
    expect(isOutcomeUnknown(note)).toBe(false);
  });

  it("refuses a ticket on an inactive board with ConnectWise's own words kept", async () => {
    const before = cw.sim.state.tickets.length;
    const refused = await rejection(cw.client().createTicket(newTicket({ boardId: BOARD.retired })));
    expect(refused).toBeInstanceOf(ConnectWiseValidationError);
    expect(isOutcomeUnknown(refused)).toBe(false);
    const error = refused as ConnectWiseValidationError;
    expect(error).toMatchObject({ status: 400, code: 'InvalidObject' });
    expect(error.fieldErrors).toEqual([
      {
        code: 'InvalidField',
        message: 'Board Retired Board is inactive.',
        resource: 'ticket',
        field: 'board',
        details: null,
      },
    ]);
    expect(error.detail).toBe('ticket object is invalid board: Board Retired Board is inactive.');
    expect(cw.sim.state.tickets).toHaveLength(before);
  });

  it('refuses a status of another board, on create and on update', async () => {
    const wrongStatus = newTicket({ statusId: STATUS.monitoringNew });
    const refused = await rejection(cw.client().createTicket(wrongStatus));
    expect(refused).toBeInstanceOf(ConnectWiseValidationError);
    expect((refused as ConnectWiseValidationError).fieldErrors).toMatchObject([
      { code: 'NotFound', field: 'status/id', message: 'Service Status 201 not found for Service Board 1' },
    ]);
    const { id } = await cw.client().createTicket(newTicket());
    const update = await rejection(cw.client().updateTicketStatus(id, STATUS.resolved));
    expect(update).toBeInstanceOf(ConnectWiseValidationError);
    expect((update as ConnectWiseValidationError).detail).toContain('Service Status 203 not found for Service Board 1');
  });
});

describe('lost answers', () => {
  it('settles a create whose answer was lost by finding the ticket by its reference', async () => {
    cw.sim.faults.dropResponseNext({ method: 'POST', resource: 'service/tickets' });
    const input = newTicket();
    const lost = await rejection(cw.client().createTicket(input));
    expect(isOutcomeUnknown(lost)).toBe(true);
    expect(cw.requests('POST', 'service/tickets')).toMatchObject([{ outcome: 'dropped' }]);

    const inSimulator = cw.sim.state.tickets.filter((t) => t.externalXRef === input.reference);
    expect(inSimulator).toHaveLength(1);
    const found = await cw.client().findTicketsByReference(input.reference);
    expect(found.map((t) => t.id)).toEqual([inSimulator[0]!.id]);
  });

  it('settles a note and a status change whose answers were lost by reading them back', async () => {
    const { id } = await cw.client().createTicket(newTicket());
    cw.sim.faults.dropResponseNext({ method: 'POST', resource: 'service/tickets/notes' });
    expect(isOutcomeUnknown(await rejection(cw.client().addTicketNote(id, internalNote('ref BC-N-1'))))).toBe(true);
    const notes = await cw.client().listTicketNotes(id);
    expect(notes.filter((n) => n.text === 'ref BC-N-1')).toMatchObject([{ internalAnalysis: true }]);

    cw.sim.faults.dropResponseNext({ method: 'PATCH', resource: 'service/tickets' });
    expect(isOutcomeUnknown(await rejection(cw.client().updateTicketStatus(id, STATUS.closed)))).toBe(true);
    expect(await cw.client().getTicket(id)).toMatchObject({ statusId: STATUS.closed, closed: true });
  });
});

describe('rate limits and server errors', () => {
  it('retries a read after a 429, waiting what Retry-After asks', async () => {
    cw.sim.faults.rateLimitNext({ method: 'GET', resource: 'company/companies', retryAfterSeconds: 2 });
    expect(await cw.client().getCompany(COMPANY.acme)).toMatchObject({ id: COMPANY.acme });
    expect(cw.requests('GET', 'company/companies').map((r) => r.status)).toEqual([429, 200]);
    expect(cw.sleeps).toHaveLength(1);
    expect(cw.sleeps[0]).toBeGreaterThanOrEqual(2000);
    expect(cw.recorder.entries.map((e) => e.errorKind)).toEqual(['rate_limited', null]);
  });

  it('retries a read after a 5xx, with or without a JSON body, and after a dropped connection', async () => {
    cw.sim.faults.failNext({ method: 'GET', resource: 'service/tickets', status: 503 });
    cw.sim.faults.failNext({ method: 'GET', resource: 'service/tickets', status: 502, body: 'text' });
    expect(await cw.client().getTicket(1001)).toMatchObject({ id: 1001 });
    expect(cw.requests('GET', 'service/tickets').map((r) => r.status)).toEqual([503, 502, 200]);

    cw.sim.state.clearRequestLog();
    cw.sim.faults.dropResponseNext({ method: 'GET', resource: 'service/tickets' });
    expect(await cw.client().getTickets([1001, 1002])).toHaveLength(2);
    expect(cw.requests('GET', 'service/tickets').map((r) => r.outcome)).toEqual(['dropped', 'answered']);
  });

  it('hands a read back when ConnectWise asks to wait longer than the client will', async () => {
    cw.sim.faults.setRateLimited({ retryAfterSeconds: 120 });
    const limited = await rejection(cw.client().listBoards());
    expect(limited).toBeInstanceOf(ConnectWiseRateLimitedError);
    expect(limited).toMatchObject({ retryAfterSeconds: 120 });
    expect(cw.sim.requestLog).toHaveLength(1);
  });

  it('never resends a create, a status change or a note after a 429', async () => {
    const { id } = await cw.client().createTicket(newTicket());
    const before = cw.sim.state.tickets.length;
    for (const [method, resource] of [
      ['POST', 'service/tickets'],
      ['PATCH', 'service/tickets'],
      ['POST', 'service/tickets/notes'],
    ] as const) {
      cw.sim.faults.rateLimitNext({ method, resource, retryAfterSeconds: 1 });
    }
    const refusals = [
      await rejection(cw.client().createTicket(newTicket())),
      await rejection(cw.client().updateTicketStatus(id, STATUS.closed)),
      await rejection(cw.client().addTicketNote(id, internalNote('not sent twice'))),
    ];
    for (const refused of refusals) {
      expect(refused).toBeInstanceOf(ConnectWiseRateLimitedError);
      expect(isOutcomeUnknown(refused)).toBe(false);
    }
    expect(cw.requests('POST', 'service/tickets')).toHaveLength(2);
    expect(cw.requests('PATCH', 'service/tickets')).toHaveLength(1);
    expect(cw.requests('POST', 'service/tickets/notes')).toHaveLength(1);
    expect(cw.sleeps).toEqual([]);
    expect(cw.sim.state.tickets).toHaveLength(before);
  });

  it('never resends a write after a 5xx; the outcome is unknown and settled by looking', async () => {
    const { id } = await cw.client().createTicket(newTicket());
    cw.sim.faults.failNext({ method: 'POST', resource: 'service/tickets', status: 500 });
    cw.sim.faults.failNext({ method: 'PATCH', resource: 'service/tickets', status: 503 });
    cw.sim.faults.failNext({ method: 'POST', resource: 'service/tickets/notes', status: 502, body: 'text' });
    const input = newTicket();
    const failures = [
      await rejection(cw.client().createTicket(input)),
      await rejection(cw.client().updateTicketStatus(id, STATUS.closed)),
      await rejection(cw.client().addTicketNote(id, internalNote('maybe written'))),
    ];
    for (const failed of failures) {
      expect(failed).toBeInstanceOf(ConnectWiseUnavailableError);
      expect(isOutcomeUnknown(failed)).toBe(true);
    }
    expect(cw.requests('POST', 'service/tickets')).toHaveLength(2);
    expect(cw.requests('PATCH', 'service/tickets')).toHaveLength(1);
    expect(cw.requests('POST', 'service/tickets/notes')).toHaveLength(1);
    expect(cw.sleeps).toEqual([]);
    // This simulator refused before acting: the lookups find nothing, so sending again is safe.
    expect(await cw.client().findTicketsByReference(input.reference)).toEqual([]);
    expect(await cw.client().getTicket(id)).toMatchObject({ closed: false });
    expect((await cw.client().listTicketNotes(id)).map((n) => n.text)).not.toContain('maybe written');
  });
});
