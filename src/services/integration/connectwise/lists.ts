import type { ConnectWiseClient } from '../../../connectwise/client.ts';
import type { Db } from '../../../db/database.ts';
import { CONNECTWISE_SETTINGS_ID } from '../../../psa/connectwise/access.ts';
import { connectWiseListsSchema, type ConnectWiseLists } from '../../../psa/connectwise/lists.ts';
import { audit, type Actor } from '../../accounts/audit.ts';

/**
 * "Refresh lists" on Settings → ConnectWise: boards, priorities and company statuses, and for the
 * saved board its statuses (with the closed flag), types, subtypes and items, read from ConnectWise
 * and kept in `ConnectWiseSettings.lists` so the page's dropdowns and the ticket pages name ids
 * without calling ConnectWise. Inactive values are kept, so a saved id can still be named.
 */

/** Reads the lists; `boardId` picks whose statuses, types, subtypes and items come along. */
export async function fetchConnectWiseLists(
  client: ConnectWiseClient,
  boardId: number | null,
): Promise<ConnectWiseLists> {
  const [boards, priorities, companyStatuses] = await Promise.all([
    client.listBoards(),
    client.listPriorities(),
    client.listCompanyStatuses(),
  ]);
  // A board that ConnectWise no longer has has no lists to read; the page says the board is gone.
  const board = boardId !== null && boards.some((b) => b.id === boardId) ? boardId : null;
  const [statuses, types, subTypes, items] =
    board === null
      ? [[], [], [], []]
      : await Promise.all([
          client.listBoardStatuses(board),
          client.listBoardTypes(board),
          client.listBoardSubTypes(board),
          client.listBoardItems(board),
        ]);
  // Through the stored shape's schema: what is written is exactly what the readers accept.
  return connectWiseListsSchema.parse({
    boards,
    boardId: board,
    statuses,
    types,
    subTypes,
    items,
    priorities,
    companyStatuses,
  });
}

export async function storeConnectWiseLists(db: Db, lists: ConnectWiseLists, at: Date = new Date()): Promise<void> {
  await db.connectWiseSettings.update({
    where: { id: CONNECTWISE_SETTINGS_ID },
    data: { lists, listsLoadedAt: at },
  });
}

/** Reads, stores and audits the lists for the saved board. */
export async function refreshConnectWiseLists(
  db: Db,
  client: ConnectWiseClient,
  boardId: number | null,
  actor: Actor,
): Promise<ConnectWiseLists> {
  const lists = await fetchConnectWiseLists(client, boardId);
  await storeConnectWiseLists(db, lists);
  await audit(db, actor, {
    action: 'connectwise.lists.refreshed',
    summary: `Loaded the lists from ConnectWise: ${listsSummary(lists)}`,
    targetType: 'integration',
    targetId: 'connectwise',
  });
  return lists;
}

const count = (list: readonly { inactive?: boolean }[], what: string) =>
  `${list.filter((v) => !v.inactive).length} ${what}`;

/** "3 boards, 6 statuses, …" (active values only: those are what the dropdowns offer). */
export function listsSummary(lists: ConnectWiseLists): string {
  const parts = [count(lists.boards, 'boards'), `${lists.priorities.length} priorities`];
  if (lists.boardId !== null) {
    const board = lists.boards.find((b) => b.id === lists.boardId);
    parts.push(
      `and for board “${board?.name ?? lists.boardId}” ${count(lists.statuses, 'statuses')} (${
        lists.statuses.filter((s) => s.closed && !s.inactive).length
      } closed), ${count(lists.types, 'types')}, ${count(lists.subTypes, 'subtypes')}, ${count(lists.items, 'items')}`,
    );
  }
  return `${parts.join(', ')} (active values only are offered).`;
}
