import { z } from 'zod';
import { Prisma, type Db } from '../../db/database.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import { SETTINGS_ID } from './settings.ts';

/**
 * Disconnecting Autotask. Both options act on Backupchecks only: no request goes to Autotask, and
 * nothing is ever deleted there. Only Autotask's own data is counted and touched: its mappings
 * (in CompanyMapping while Autotask is the active PSA, in StoredMapping while another is), its
 * tickets and its API log entries; ConnectWise's are left alone.
 *
 * - keep: switched off, credentials and zone cache erased; company mappings and run tickets stay
 *   and, with the integration off, are read-only (ticket actions are hidden and refused).
 * - delete: additionally every company mapping (with its cached name), the picklists and the API
 *   call log are removed. Run tickets stay: they are the runs' ticket links. Their references are
 *   also written as plain text into the audit trail, so the record survives whatever happens next.
 */

/** The word the admin types to confirm deleting the data. */
export const DELETE_CONFIRMATION_WORD = 'DELETE';

export const disconnectFormSchema = z
  .object({
    mode: z.enum(['keep', 'delete'], { error: 'Choose whether to keep or delete the data.' }),
    confirm: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.mode === 'delete' && (v.confirm ?? '').trim() !== DELETE_CONFIRMATION_WORD) {
      ctx.addIssue({
        code: 'custom',
        path: ['confirm'],
        message: `Type ${DELETE_CONFIRMATION_WORD} (in capitals) to confirm that the data is deleted.`,
      });
    }
  });

export type DisconnectForm = z.infer<typeof disconnectFormSchema>;

export interface DisconnectResult {
  readonly mode: DisconnectForm['mode'];
  readonly mappingsKept: number;
  readonly mappingsDeleted: number;
  readonly apiCallsDeleted: number;
  readonly ticketLinks: number;
}

const AUTOTASK = 'autotask';
const autotaskMappings = { psaType: AUTOTASK, companyId: { not: null } };
const autotaskTickets = { psaType: AUTOTASK, ticketId: { not: null } };

type Tx = Pick<Db, 'companyMapping' | 'storedMapping'>;

/** Autotask's company mappings, wherever they are kept. */
async function countAutotaskMappings(db: Tx): Promise<number> {
  const [active, stored] = await Promise.all([
    db.companyMapping.count({ where: autotaskMappings }),
    db.storedMapping.count({ where: { psaType: AUTOTASK } }),
  ]);
  return active + stored;
}

/** What each option would touch, for the confirmation page. */
export async function disconnectPreview(db: Db) {
  const [mappings, ticketLinks, apiCalls] = await Promise.all([
    countAutotaskMappings(db),
    db.ticket.count({ where: autotaskTickets }),
    db.apiCallLog.count({ where: { psaType: AUTOTASK } }),
  ]);
  return { mappings, ticketLinks, apiCalls };
}

/** "Run 12 → T20260113.0001 (ticket ID 7101)", one line per run with an Autotask ticket. */
async function ticketReferenceText(db: Pick<Db, 'run'>): Promise<string> {
  const runs = await db.run.findMany({
    where: { ticket: { psaType: AUTOTASK, OR: [{ ticketId: { not: null } }, { ticketNumber: { not: null } }] } },
    orderBy: { id: 'asc' },
    select: { id: true, ticket: { select: { ticketId: true, ticketNumber: true, reference: true } } },
  });
  return runs
    .map(
      ({ id, ticket: t }) =>
        `Run ${id} → ${t!.ticketNumber ?? '(number unknown)'} (ticket ID ${t!.ticketId ?? 'unknown'}, reference ${t!.reference})`,
    )
    .join('\n');
}

const CREDENTIALS_AND_ZONE_ERASED = {
  enabled: false,
  apiUsername: null,
  secretEncrypted: null,
  integrationCode: null,
  zoneName: null,
  zoneApiUrl: null,
  zoneWebUrl: null,
  zoneCheckedAt: null,
} as const;

export async function disconnectAutotask(db: Db, actor: Actor, form: DisconnectForm): Promise<DisconnectResult> {
  return db.$transaction(async (tx) => {
    const ticketLinks = await tx.ticket.count({ where: autotaskTickets });
    if (form.mode === 'keep') {
      await tx.integrationSettings.upsert({
        where: { id: SETTINGS_ID },
        create: { id: SETTINGS_ID, ...CREDENTIALS_AND_ZONE_ERASED, updatedById: actor.id },
        update: { ...CREDENTIALS_AND_ZONE_ERASED, updatedById: actor.id },
      });
      const mappingsKept = await countAutotaskMappings(tx);
      await audit(tx, actor, {
        action: 'autotask.disconnected',
        summary: `Disconnected Autotask, data kept: integration switched off and credentials erased; ${mappingsKept} company mappings and ${ticketLinks} ticket links kept read-only`,
        targetType: 'integration',
        targetId: 'autotask',
        details: { mode: 'keep', mappingsKept, ticketLinks },
      });
      return { mode: 'keep', mappingsKept, mappingsDeleted: 0, apiCallsDeleted: 0, ticketLinks };
    }

    const references = await ticketReferenceText(tx);
    await tx.integrationSettings.upsert({
      where: { id: SETTINGS_ID },
      create: { id: SETTINGS_ID, ...CREDENTIALS_AND_ZONE_ERASED, updatedById: actor.id },
      update: {
        ...CREDENTIALS_AND_ZONE_ERASED,
        picklists: Prisma.DbNull,
        picklistsLoadedAt: null,
        updatedById: actor.id,
      },
    });
    const active = await tx.companyMapping.deleteMany({ where: { psaType: AUTOTASK } });
    const stored = await tx.storedMapping.deleteMany({ where: { psaType: AUTOTASK } });
    const mappings = { count: active.count + stored.count };
    const calls = await tx.apiCallLog.deleteMany({ where: { psaType: AUTOTASK } });
    await audit(tx, actor, {
      action: 'autotask.disconnected',
      summary: `Disconnected Autotask, data deleted: ${mappings.count} company mappings, the picklists, the zone cache and ${calls.count} API log entries removed; ${ticketLinks} ticket references kept (listed in the details)`,
      targetType: 'integration',
      targetId: 'autotask',
      details: {
        mode: 'delete',
        mappingsDeleted: mappings.count,
        apiCallsDeleted: calls.count,
        ticketReferences: references || '(no run had a ticket)',
      },
    });
    return {
      mode: 'delete',
      mappingsKept: 0,
      mappingsDeleted: mappings.count,
      apiCallsDeleted: calls.count,
      ticketLinks,
    };
  });
}
