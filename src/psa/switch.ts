import type { CompanyMapping, Db, Prisma, StoredMapping } from '../db/database.ts';
import { RuleError } from '../errors/catalogue.ts';
import { paths } from '../paths.ts';
import { audit, type Actor } from '../services/accounts/audit.ts';
import { PSA_NAMES, PSA_TYPES, type PsaType } from './port.ts';

/**
 * One PSA is active at a time: the one whose settings row is enabled (Autotask's IntegrationSettings,
 * ConnectWise's ConnectWiseSettings, both id 1). Activating one, in one transaction:
 * - enables its row and disables the other's;
 * - moves the company mappings of every other PSA out of CompanyMapping into StoredMapping, so
 *   switching back brings them back;
 * - restores the new PSA's stored mappings into CompanyMapping, with status `ok` and no sync time,
 *   so the background company sync checks them again before anyone relies on the name;
 * - leaves customers without a stored mapping for the new PSA unmapped.
 * Tickets are never touched: each carries its psaType and stays linked to its runs.
 */

type Tx = Prisma.TransactionClient;

const SETTINGS_ID = 1;

export interface SwitchResult {
  readonly psa: PsaType;
  /** The PSA that was enabled before; null when none was. */
  readonly previous: PsaType | null;
  /** Whether which PSA is enabled changed (false: it already was the only enabled one). */
  readonly changed: boolean;
  /** Mappings moved from CompanyMapping into StoredMapping. */
  readonly stored: number;
  /** Mappings brought back from StoredMapping into CompanyMapping. */
  readonly restored: number;
  /** Stored mappings left stored because their company is mapped to another customer already. */
  readonly keptStored: number;
}

interface EnabledFlags {
  readonly autotask: boolean;
  readonly connectwise: boolean;
}

/** Which PSA is enabled; null when none is. Should both be (data from before the switch existed), Autotask. */
export async function activePsaType(
  db: Pick<Db, 'integrationSettings' | 'connectWiseSettings'>,
): Promise<PsaType | null> {
  const flags = await enabledFlags(db);
  return flags.autotask ? 'autotask' : flags.connectwise ? 'connectwise' : null;
}

async function enabledFlags(db: Pick<Db, 'integrationSettings' | 'connectWiseSettings'>): Promise<EnabledFlags> {
  const [autotask, connectwise] = await Promise.all([
    db.integrationSettings.findUnique({ where: { id: SETTINGS_ID }, select: { enabled: true } }),
    db.connectWiseSettings.findUnique({ where: { id: SETTINGS_ID }, select: { enabled: true } }),
  ]);
  return { autotask: autotask?.enabled ?? false, connectwise: connectwise?.enabled ?? false };
}

/**
 * "Use ConnectWise" / "Use Autotask": the switch in a transaction of its own. Refused while the
 * chosen PSA has no saved credentials: switched on without them, every ticket action would fail.
 */
export async function activatePsa(db: Db, psa: PsaType, actor: Actor): Promise<SwitchResult> {
  return db.$transaction(async (tx) => {
    await requireCredentials(tx, psa);
    return switchPsaIn(tx, psa, actor);
  });
}

async function requireCredentials(tx: Tx, psa: PsaType): Promise<void> {
  const complete =
    psa === 'autotask'
      ? Boolean(
          await tx.integrationSettings.findFirst({
            where: {
              id: SETTINGS_ID,
              apiUsername: { not: null },
              secretEncrypted: { not: null },
              integrationCode: { not: null },
            },
            select: { id: true },
          }),
        )
      : Boolean(
          await tx.connectWiseSettings.findFirst({
            where: {
              id: SETTINGS_ID,
              siteHost: { not: null },
              companyId: { not: null },
              publicKey: { not: null },
              privateKeyEncrypted: { not: null },
              clientId: { not: null },
            },
            select: { id: true },
          }),
        );
  if (!complete) {
    const url = psa === 'autotask' ? paths.settings.autotask : paths.settings.connectwise;
    throw new RuleError(`Save the ${PSA_NAMES[psa]} API credentials before switching to ${PSA_NAMES[psa]}.`, url);
  }
}

/**
 * The switch inside the caller's transaction (saving the Autotask form with "enabled" ticked runs it
 * in the transaction of that save). Audits `psa.activated` when which PSA is enabled changed.
 */
export async function switchPsaIn(tx: Tx, psa: PsaType, actor: Actor): Promise<SwitchResult> {
  const before = await enabledFlags(tx);
  const previous = before.autotask ? 'autotask' : before.connectwise ? 'connectwise' : null;
  const changed = !before[psa] || PSA_TYPES.some((other) => other !== psa && before[other]);
  await setEnabled(tx, psa);
  const stored = await storeOtherMappings(tx, psa);
  const { restored, keptStored } = await restoreMappings(tx, psa);
  const result: SwitchResult = { psa, previous, changed, stored, restored, keptStored };
  if (changed) await auditSwitch(tx, actor, result);
  return result;
}

async function setEnabled(tx: Tx, psa: PsaType): Promise<void> {
  const autotask = psa === 'autotask';
  await tx.integrationSettings.upsert({
    where: { id: SETTINGS_ID },
    create: { id: SETTINGS_ID, enabled: autotask },
    update: { enabled: autotask },
  });
  await tx.connectWiseSettings.upsert({
    where: { id: SETTINGS_ID },
    create: { id: SETTINGS_ID, enabled: !autotask },
    update: { enabled: !autotask },
  });
}

/** Every mapping of another PSA goes to StoredMapping (one per customer and PSA); unmapped rows just go. */
async function storeOtherMappings(tx: Tx, psa: PsaType): Promise<number> {
  const others = await tx.companyMapping.findMany({ where: { psaType: { not: psa } } });
  let stored = 0;
  for (const m of others) {
    if (m.companyId === null) continue;
    const kept = storedFields(m, m.companyId);
    await tx.storedMapping.upsert({
      where: { customerId_psaType: { customerId: m.customerId, psaType: m.psaType } },
      create: { customerId: m.customerId, psaType: m.psaType, ...kept },
      update: { ...kept, storedAt: new Date() },
    });
    stored += 1;
  }
  if (others.length > 0) await tx.companyMapping.deleteMany({ where: { id: { in: others.map((m) => m.id) } } });
  return stored;
}

const storedFields = (m: CompanyMapping, companyId: number) => ({
  companyId,
  companyName: m.companyName,
  contactId: m.contactId,
  contactName: m.contactName,
  mappedAt: m.mappedAt,
  mappedById: m.mappedById,
});

/**
 * The new PSA's stored mappings back into CompanyMapping. A customer already mapped with the new PSA
 * keeps that mapping (its stored one is dropped as outdated); a company another customer holds stays
 * stored rather than break the one-company-one-customer rule.
 */
async function restoreMappings(tx: Tx, psa: PsaType): Promise<{ restored: number; keptStored: number }> {
  const stored = await tx.storedMapping.findMany({ where: { psaType: psa }, orderBy: { id: 'asc' } });
  if (stored.length === 0) return { restored: 0, keptStored: 0 };
  const current = await tx.companyMapping.findMany({ where: { psaType: psa } });
  const byCustomer = new Map(current.map((m) => [m.customerId, m]));
  const heldCompanies = new Set(current.flatMap((m) => (m.companyId === null ? [] : [m.companyId])));
  let restored = 0;
  let keptStored = 0;
  for (const s of stored) {
    const existing = byCustomer.get(s.customerId);
    if (existing?.companyId != null) {
      await tx.storedMapping.delete({ where: { id: s.id } });
      continue;
    }
    if (heldCompanies.has(s.companyId)) {
      keptStored += 1;
      continue;
    }
    const data = restoredFields(s);
    if (existing) await tx.companyMapping.update({ where: { id: existing.id }, data });
    else await tx.companyMapping.create({ data: { customerId: s.customerId, psaType: psa, ...data } });
    await tx.storedMapping.delete({ where: { id: s.id } });
    heldCompanies.add(s.companyId);
    restored += 1;
  }
  return { restored, keptStored };
}

/** As stored, `ok` until the next company sync says otherwise (lastSyncAt null puts it first in line). */
const restoredFields = (s: StoredMapping) => ({
  companyId: s.companyId,
  companyName: s.companyName,
  contactId: s.contactId,
  contactName: s.contactName,
  mappedAt: s.mappedAt,
  mappedById: s.mappedById,
  status: 'ok' as const,
  statusReason: null,
  lastSyncAt: null,
  lastError: null,
});

async function auditSwitch(tx: Tx, actor: Actor, r: SwitchResult): Promise<void> {
  const name = PSA_NAMES[r.psa];
  await audit(tx, actor, {
    action: 'psa.activated',
    summary:
      `Switched the active PSA to ${name}` +
      (r.previous && r.previous !== r.psa ? ` (was ${PSA_NAMES[r.previous]})` : '') +
      `: ${r.stored} mapping${r.stored === 1 ? '' : 's'} kept aside, ${r.restored} restored`,
    targetType: 'integration',
    targetId: r.psa,
    details: { psa: r.psa, previous: r.previous, stored: r.stored, restored: r.restored, keptStored: r.keptStored },
  });
}
