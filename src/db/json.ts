import type { Prisma } from './database.ts';

/**
 * A value as a JSON column holds it: the round trip drops `undefined` members and turns dates into
 * ISO strings, so what is stored is exactly what reading the column back gives.
 */
export function toJsonColumn(value: object): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}
