import type { Db, TicketRecord } from '../../../db/database.ts';
import { NotFoundError, RuleError } from '../../../errors/catalogue.ts';
import { noSuchRecord, rethrowPsa } from '../../../errors/psa-messages.ts';
import type { PsaClient, PsaProfile, PsaTicket } from '../../../psa/port.ts';
import { audit, type Actor } from '../../accounts/audit.ts';
import { mappingUrl } from '../../mapping/ticket-blockers.ts';
import { runLabel } from '../create/context.ts';
import { loadRun, type LoadedRun } from '../create/ticket-input.ts';
import { ticketName } from '../correlate/candidate.ts';
import { claimRunLink, ticketOfRun } from '../run-links.ts';
import { psaNameOfTicket } from '../ticket-psa.ts';
import { insertLinkedTicket } from './link-claim.ts';

/**
 * "Link ticket": a ticket an operator opened in the active PSA by hand becomes the run's ticket, by
 * its number. Backupchecks only reads: it never creates a ticket and never writes to the PSA here.
 *
 *  1. Guards: integration usable, run exists and has no ticket yet, customer mapped to a company.
 *  2. The ticket is read by number; unknown → refused. The run was read before that: when the read
 *     fails after another click linked the run meanwhile, this click is told what that one did.
 *  3. Its company must be the customer's mapped company; else refused, naming both companies.
 *  4. A ticket Backupchecks already has a record of serves one job: the same job → the run joins
 *     that record; another job (or another customer) → refused, never two customers on one ticket.
 *  5. Otherwise the record (origin `linked`) and the run's link are written in one transaction
 *     (`link-claim.ts`); a simultaneous link of the same ticket goes back to step 4.
 */

export interface LinkDeps {
  readonly db: Db;
  /** The active PSA, read once per request (`requestProfile`): the ticket is looked up there. */
  readonly profile: PsaProfile;
}

export type LinkOutcome =
  /** The run now points at the ticket; `joined` when the ticket already served other runs of the job. */
  | { readonly kind: 'linked'; readonly label: string; readonly ticket: TicketRecord; readonly joined: boolean }
  /** The run already had this very ticket (a double submit, another tab). */
  | { readonly kind: 'already'; readonly label: string; readonly ticket: TicketRecord };

const RUN_NOT_FOUND = 'This run does not exist. It may have been removed, or the link is wrong.';
const NOTHING_LINKED = 'Nothing was linked.';

export async function linkExistingTicket(
  deps: LinkDeps,
  actor: Actor,
  runId: number,
  ticketNumber: string,
  clock: () => Date = () => new Date(),
): Promise<LinkOutcome> {
  const { db, profile } = deps;
  const blocked = profile.blocker;
  if (blocked) throw new RuleError(`No ticket was linked. ${blocked.message}`, blocked.fixUrl);
  const run = await loadRun(db, runId);
  if (!run) throw new NotFoundError(RUN_NOT_FOUND);
  const label = runLabel(run);
  const had = await alreadyLinked(db, run, ticketNumber, label);
  if (had) return had;
  const companyId = mappedCompanyId(profile, run);

  const client = profile.client();
  let ticket: PsaTicket;
  try {
    ticket = await readTicket(profile, client, ticketNumber);
  } catch (e) {
    // "Nothing was linked" would be wrong about a run another click linked while this read failed.
    const now = await ticketOfRun(db, run.id);
    if (now) return sameOrOther(now, ticketNumber, label);
    throw e;
  }
  if (ticket.companyId !== companyId) throw await otherCompany(profile, client, run, ticket);

  const fields = { psa: profile.psa, ticket, url: await client.ticketUrl(ticket.id).catch(() => null) };
  // Twice at most: a simultaneous link of the same ticket may insert its record between our look and our insert.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const known = await db.ticket.findUnique({
      where: { psaType_ticketId: { psaType: profile.psa, ticketId: ticket.id } },
      include: { job: true },
    });
    if (known) return joinRecord(db, actor, run, known, label, clock());
    const row = await insertLinkedTicket(db, run, fields, actor, clock());
    if (row) return linked(db, actor, run, row, label, false);
    const now = await ticketOfRun(db, run.id);
    if (now?.ticketId === ticket.id) return { kind: 'already', label, ticket: now };
    if (now) throw hasOther(label, now);
  }
  throw new Error(`linking ${profile.name} ticket ${ticket.id} to run ${run.id} lost twice without a winner`);
}

/** A run that has a ticket keeps it: the same one is "already", another one is refused. */
async function alreadyLinked(db: Db, run: LoadedRun, ticketNumber: string, label: string): Promise<LinkOutcome | null> {
  if (run.ticketRecordId === null) return null;
  const current = await db.ticket.findUniqueOrThrow({ where: { id: run.ticketRecordId } });
  return sameOrOther(current, ticketNumber, label);
}

/** The run's ticket is the one typed in ("already"), or another one (refused). */
function sameOrOther(current: TicketRecord, ticketNumber: string, label: string): LinkOutcome {
  if (current.ticketNumber !== null && sameNumber(current.ticketNumber, ticketNumber)) {
    return { kind: 'already', label, ticket: current };
  }
  throw hasOther(label, current);
}

/** Numbers as typed: any letter case, and ConnectWise's ids often with a `#` before them. */
const sameNumber = (a: string, b: string) => normalized(a) === normalized(b);
const normalized = (n: string) => n.trim().replace(/^#\s*/, '').toLowerCase();

function hasOther(label: string, current: TicketRecord): RuleError {
  const what =
    current.state === 'created'
      ? `${psaNameOfTicket(current)} ticket ${ticketName(current)}`
      : 'a ticket being created';
  return new RuleError(`${capital(label)} already has ${what}, and a run has one ticket. ${NOTHING_LINKED}`);
}

/** The company the ticket must belong to (only the active PSA's mappings are in CompanyMapping). */
function mappedCompanyId(profile: PsaProfile, run: LoadedRun): number {
  const customer = run.job.customer;
  const companyId = customer.mapping?.companyId ?? null;
  if (companyId === null) {
    throw new RuleError(
      `Customer ${customer.name} is not mapped to ${profile.psa === 'autotask' ? 'an' : 'a'} ${profile.name} company, so Backupchecks cannot check that the ticket belongs to it. ${NOTHING_LINKED}`,
      mappingUrl(customer.id),
    );
  }
  return companyId;
}

async function readTicket(profile: PsaProfile, client: PsaClient, ticketNumber: string): Promise<PsaTicket> {
  const ticket = await client.findTicketByNumber(ticketNumber).catch(rethrowPsa(NOTHING_LINKED));
  if (!ticket) throw new RuleError(`${noSuchRecord(profile.psa, `ticket ${ticketNumber}`)} ${NOTHING_LINKED}`);
  return ticket;
}

/** The refusal for a ticket of another company, naming both (the ticket's company name read live when possible). */
async function otherCompany(
  profile: PsaProfile,
  client: PsaClient,
  run: LoadedRun,
  ticket: PsaTicket,
): Promise<RuleError> {
  const customer = run.job.customer;
  const name =
    ticket.companyId === null
      ? null
      : await client
          .getCompany(ticket.companyId)
          .then((c) => c.name)
          .catch(() => null);
  const mapping = customer.mapping!;
  return new RuleError(
    `${profile.name} ticket ${ticket.number} belongs to ${company(name, ticket.companyId)}, but customer ${customer.name} is mapped to ${company(mapping.companyName, mapping.companyId)}. ${NOTHING_LINKED}`,
    mappingUrl(customer.id),
  );
}

const company = (name: string | null, id: number | null) =>
  name ? `company ${name} (ID ${id})` : id === null ? 'no company' : `company ID ${id}`;

/**
 * The ticket already has a record: it serves the runs of one job. The run joins it only when it is
 * a run of that job; a ticket never serves runs of another job, let alone another customer.
 */
async function joinRecord(
  db: Db,
  actor: Actor,
  run: LoadedRun,
  known: TicketRecord & { job: { customerId: number; name: string } },
  label: string,
  now: Date,
): Promise<LinkOutcome> {
  const name = ticketName(known);
  if (known.job.customerId !== run.job.customerId) {
    throw new RuleError(
      `${psaNameOfTicket(known)} ticket ${name} already follows up runs of another customer in Backupchecks, and a ticket never serves two customers. ${NOTHING_LINKED}`,
    );
  }
  if (known.jobId !== run.jobId) {
    throw new RuleError(
      `${psaNameOfTicket(known)} ticket ${name} already follows up runs of job ${known.job.name}, and a ticket serves the runs of one job. ${NOTHING_LINKED}`,
    );
  }
  if (await claimRunLink(db, run.id, known.id, actor, now)) return linked(db, actor, run, known, label, true);
  const winner = await ticketOfRun(db, run.id);
  if (winner?.id === known.id) return { kind: 'already', label, ticket: winner };
  throw hasOther(label, winner!);
}

async function linked(
  db: Db,
  actor: Actor,
  run: LoadedRun,
  ticket: TicketRecord,
  label: string,
  joined: boolean,
): Promise<LinkOutcome> {
  await audit(db, actor, {
    action: 'ticket.linked',
    summary: `Linked ${psaNameOfTicket(ticket)} ticket ${ticketName(ticket)} to ${label}${joined ? ' (a ticket other runs of the job already had)' : ''}`,
    targetType: 'run',
    targetId: run.id,
    details: { ticketRecordId: ticket.id, ticketId: ticket.ticketId, ticketNumber: ticket.ticketNumber, joined },
  });
  return { kind: 'linked', label, ticket, joined };
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
