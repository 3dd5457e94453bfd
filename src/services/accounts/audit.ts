import type { Db, Prisma } from '../../db/database.ts';

/** Who did something: a signed-in user, or the system itself (start-up seeding, background sync). */
export interface Actor {
  readonly id: number | null;
  readonly label: string;
  /** The session the actor acts through: kept when an action ends the actor's own other sessions. */
  readonly sessionId?: string | undefined;
}

export const systemActor: Actor = { id: null, label: 'system' };

export function actorOf(user: { id: number; email: string }, sessionId?: string): Actor {
  return { id: user.id, label: user.email, sessionId };
}

export interface AuditInput {
  readonly action: string;
  readonly summary: string;
  readonly targetType?: string;
  readonly targetId?: string | number;
  readonly details?: Prisma.InputJsonValue;
}

type AuditWriter = Pick<Db, 'auditEvent'>;

/** Records an audit event. Pass a transaction client to make the event part of the change. */
export async function audit(db: AuditWriter, actor: Actor, event: AuditInput): Promise<void> {
  await db.auditEvent.create({
    data: {
      actorId: actor.id,
      actorLabel: actor.label,
      action: event.action,
      summary: event.summary,
      targetType: event.targetType ?? null,
      targetId: event.targetId === undefined ? null : String(event.targetId),
      ...(event.details === undefined ? {} : { details: event.details }),
    },
  });
}

export interface AuditQuery {
  readonly actorId?: number | undefined;
  readonly action?: string | undefined;
  readonly page: number;
  readonly pageSize: number;
}

export async function listAuditEvents(db: Db, q: AuditQuery) {
  const where: Prisma.AuditEventWhereInput = {
    ...(q.actorId ? { actorId: q.actorId } : {}),
    ...(q.action ? { action: q.action } : {}),
  };
  const [events, total, actions, actors] = await Promise.all([
    db.auditEvent.findMany({
      where,
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    }),
    db.auditEvent.count({ where }),
    db.auditEvent.findMany({ distinct: ['action'], select: { action: true }, orderBy: { action: 'asc' } }),
    db.user.findMany({ select: { id: true, email: true }, orderBy: { email: 'asc' } }),
  ]);
  return { events, total, actions: actions.map((a) => a.action), actors };
}
