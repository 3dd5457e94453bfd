import type { ApiCallLog, Db } from '../../db/database.ts';
import type { PsaType } from '../../psa/port.ts';

/**
 * The figures of the integration overview that are counted per PSA: company mappings, tickets and
 * API calls. Each row carries its PSA (src/psa/port.ts): the active PSA's mappings are in
 * CompanyMapping, another PSA's are kept aside in StoredMapping until it is active again
 * (src/psa/switch.ts), and tickets and logged calls keep theirs.
 */

export interface MappingCounts {
  readonly customers: number;
  /** Customers with a company of this PSA, whether in use or kept aside. */
  readonly mapped: number;
  readonly ok: number;
  readonly renamed: number;
  readonly invalid: number;
  /** Kept aside while another PSA is active: restored, and checked again, when this one is. */
  readonly stored: number;
  readonly unmapped: number;
}

export interface TicketCounts {
  readonly created: number;
  readonly pending: number;
  readonly failed: number;
  readonly resolved: number;
}

/** Calls to one PSA as the API call log has them (what its level keeps). */
export interface CallMonitoring {
  readonly lastOk: ApiCallLog | null;
  readonly lastFailed: ApiCallLog | null;
  readonly failedLast24h: number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;

export async function countMappings(db: Db, psa: PsaType): Promise<MappingCounts> {
  const [customers, groups, stored] = await Promise.all([
    db.customer.count({ where: { active: true } }),
    db.companyMapping.groupBy({
      by: ['status'],
      where: { psaType: psa, companyId: { not: null }, customer: { active: true } },
      _count: { _all: true },
    }),
    db.storedMapping.count({ where: { psaType: psa, customer: { active: true } } }),
  ]);
  const by = (s: string) => groups.find((g) => g.status === s)?._count._all ?? 0;
  const mapped = groups.reduce((n, g) => n + g._count._all, 0) + stored;
  return {
    customers,
    mapped,
    ok: by('ok'),
    renamed: by('renamed'),
    invalid: by('invalid'),
    stored,
    unmapped: Math.max(0, customers - mapped),
  };
}

export async function countTickets(db: Db, psa: PsaType): Promise<TicketCounts> {
  const [groups, resolved] = await Promise.all([
    db.ticket.groupBy({ by: ['state'], where: { psaType: psa }, _count: { _all: true } }),
    db.ticket.count({ where: { psaType: psa, resolvedAt: { not: null } } }),
  ]);
  const by = (s: string) => groups.find((g) => g.state === s)?._count._all ?? 0;
  return { created: by('created'), pending: by('pending'), failed: by('failed'), resolved };
}

export async function loadCallMonitoring(db: Db, psa: PsaType, now: Date = new Date()): Promise<CallMonitoring> {
  const since = new Date(now.getTime() - DAY_MS);
  const newest = [{ at: 'desc' as const }, { id: 'desc' as const }];
  const [lastOk, lastFailed, failedLast24h] = await Promise.all([
    db.apiCallLog.findFirst({ where: { psaType: psa, ok: true }, orderBy: newest }),
    db.apiCallLog.findFirst({ where: { psaType: psa, ok: false }, orderBy: newest }),
    db.apiCallLog.count({ where: { psaType: psa, ok: false, at: { gte: since } } }),
  ]);
  return { lastOk, lastFailed, failedLast24h };
}
