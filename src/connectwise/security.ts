import { z } from 'zod';
import type { ConnectWiseHttp } from './http.ts';
import { listAll } from './paging.ts';
import type { SecurityLevel, SecurityRight } from './types.ts';
import { intish, optionalString } from './wire.ts';

/**
 * `GET system/mySecurity`: the API member's own rights, one row per module function with its add,
 * edit, delete and inquire levels (`All`, `My`, `None`). The one place a member can read what its
 * security role lets it see (docs/connectwise.md, Authentication and the API member). The module and
 * function identifiers are unverified, so rows are handed over as ConnectWise sends them.
 */

const LEVELS: readonly SecurityLevel[] = ['All', 'My', 'None'];

/** A level as sent; anything else (or nothing) is null, never a guess. */
const level = optionalString.transform(
  (v): SecurityLevel | null => LEVELS.find((l) => l.toLowerCase() === v?.trim().toLowerCase()) ?? null,
);

const rightWire = z
  .object({
    id: intish,
    moduleIdentifier: optionalString,
    moduleName: optionalString,
    moduleFunctionIdentifier: optionalString,
    moduleFunctionName: optionalString,
    addLevel: level,
    editLevel: level,
    deleteLevel: level,
    inquireLevel: level,
  })
  .transform((r): SecurityRight => ({
    id: r.id,
    moduleIdentifier: r.moduleIdentifier,
    moduleName: r.moduleName,
    functionIdentifier: r.moduleFunctionIdentifier,
    functionName: r.moduleFunctionName,
    addLevel: r.addLevel,
    editLevel: r.editLevel,
    deleteLevel: r.deleteLevel,
    inquireLevel: r.inquireLevel,
  }));

export function getMySecurity(http: ConnectWiseHttp): Promise<SecurityRight[]> {
  return listAll(http, {
    operation: 'system.mySecurity',
    path: 'system/mySecurity',
    fields: [
      'id',
      'moduleIdentifier',
      'moduleName',
      'moduleFunctionIdentifier',
      'moduleFunctionName',
      'addLevel',
      'editLevel',
      'deleteLevel',
      'inquireLevel',
    ],
    item: rightWire,
  });
}
