import type { ConnectWiseSettings, Db, Prisma } from '../../../db/database.ts';
import { readConnectWiseLists } from '../../../psa/connectwise/lists.ts';
import { storedProof } from '../../../psa/connectwise/visibility.ts';
import type { VisibilityProof } from '../../../psa/port.ts';
import { pageCount } from '../../../shared/validation.ts';
import { API_LOG_PAGE_SIZE, type DiagnosticsQuery } from '../diagnostics.ts';

/**
 * Settings → ConnectWise → Diagnostics: the API call log of ConnectWise (newest first, filtered by
 * outcome, paged), the state of the time-entry visibility proof and when the lists were loaded.
 * Reads the database only; nothing is asked of ConnectWise.
 */

export { diagnosticsQuerySchema } from '../diagnostics.ts';

export interface ProofState {
  readonly proof: VisibilityProof;
  readonly provenAt: Date | null;
  readonly checkedAt: Date | null;
}

export interface ListsState {
  readonly loadedAt: Date | null;
  readonly boardName: string | null;
  readonly counts: { readonly boards: number; readonly statuses: number; readonly priorities: number };
}

export async function loadConnectWiseDiagnostics(
  db: Db,
  settings: ConnectWiseSettings,
  q: DiagnosticsQuery,
  now: Date = new Date(),
) {
  const where: Prisma.ApiCallLogWhereInput = {
    psaType: 'connectwise',
    ...(q.status === 'all' ? {} : { ok: q.status === 'ok' }),
  };
  const findPage = (page: number) =>
    db.apiCallLog.findMany({
      where,
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      skip: (page - 1) * API_LOG_PAGE_SIZE,
      take: API_LOG_PAGE_SIZE,
    });
  const [firstTry, total, lastOk, lastFailed] = await Promise.all([
    findPage(q.page),
    db.apiCallLog.count({ where }),
    db.apiCallLog.findFirst({ where: { psaType: 'connectwise', ok: true }, orderBy: [{ at: 'desc' }, { id: 'desc' }] }),
    db.apiCallLog.findFirst({
      where: { psaType: 'connectwise', ok: false },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
    }),
  ]);
  // A page past the end (an old link, a typed number) shows the last page.
  const pages = pageCount(total, API_LOG_PAGE_SIZE);
  const page = Math.min(q.page, pages);
  const calls = page === q.page ? firstTry : await findPage(page);
  return {
    calls,
    total,
    page,
    pages,
    lastOk,
    lastFailed,
    proof: proofState(settings, now),
    lists: listsState(settings),
  };
}

function proofState(s: ConnectWiseSettings, now: Date): ProofState {
  return { proof: storedProof(s, now), provenAt: s.timeEntriesProvenAt, checkedAt: s.timeEntriesCheckedAt };
}

function listsState(s: ConnectWiseSettings): ListsState {
  const lists = readConnectWiseLists(s.lists);
  return {
    loadedAt: s.listsLoadedAt,
    boardName: lists.boards.find((b) => b.id === lists.boardId)?.name ?? null,
    counts: { boards: lists.boards.length, statuses: lists.statuses.length, priorities: lists.priorities.length },
  };
}
