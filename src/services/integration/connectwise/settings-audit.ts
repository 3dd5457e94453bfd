import type { ConnectWiseSettings, Db } from '../../../db/database.ts';
import type { ConnectWiseLists } from '../../../psa/connectwise/lists.ts';
import { audit, type Actor } from '../../accounts/audit.ts';
import { describe, LIST_FIELDS, type ListField } from './fields.ts';

/** What a save of Settings → ConnectWise writes besides the private key and the bookkeeping columns. */
export type SavedValues = Pick<
  ConnectWiseSettings,
  'siteHost' | 'codebase' | 'companyId' | 'publicKey' | 'clientId' | ListField | 'allowResolve' | 'apiLogLevel'
>;

export const FIELD_LABELS: Readonly<Record<keyof SavedValues, string>> = {
  siteHost: 'Site',
  codebase: 'Codebase',
  companyId: 'Company ID',
  publicKey: 'Public key',
  clientId: 'Client ID',
  allowResolve: 'Allow resolve',
  apiLogLevel: 'API logging level',
  ...(Object.fromEntries(Object.entries(LIST_FIELDS).map(([f, d]) => [f, d.label])) as Record<ListField, string>),
};

/** A changed field with from → to in words; credentials as "changed" only. */
export type Changes = Record<string, { label: string; from?: string; to?: string }>;

/**
 * The public key and client ID identify the integration to ConnectWise: that they changed is
 * recorded, their values are not (the client scrubs them from its logs too).
 */
const VALUE_NOT_KEPT = new Set<string>(['publicKey', 'clientId']);

export function changesBetween(current: ConnectWiseSettings, next: SavedValues, lists: ConnectWiseLists): Changes {
  const shown = (field: string, value: SavedValues[keyof SavedValues] | undefined): string => {
    if (value === null || value === undefined) return 'not set';
    if (typeof value === 'number' && field in LIST_FIELDS) return describe(lists, field as ListField, value);
    return String(value);
  };
  const changes: Changes = {};
  for (const [field, to] of Object.entries(next)) {
    const from = current[field as keyof SavedValues];
    if (from === to) continue;
    const label = FIELD_LABELS[field as keyof SavedValues];
    changes[field] = VALUE_NOT_KEPT.has(field) ? { label } : { label, from: shown(field, from), to: shown(field, to) };
  }
  return changes;
}

/** One audit event for the settings, one for the private key (never its value). */
export async function auditSave(
  tx: Pick<Db, 'auditEvent'>,
  actor: Actor,
  saved: { changes: Changes; keyChanged: boolean },
): Promise<void> {
  const target = { targetType: 'integration', targetId: 'connectwise' } as const;
  const fields = Object.keys(saved.changes);
  if (fields.length > 0) {
    await audit(tx, actor, {
      action: 'connectwise.settings.updated',
      summary: `Changed ConnectWise settings: ${fields.map((f) => saved.changes[f]!.label).join(', ')}`,
      ...target,
      details: { changes: saved.changes },
    });
  }
  if (saved.keyChanged) {
    await audit(tx, actor, {
      action: 'connectwise.privateKey.changed',
      summary: 'ConnectWise private key changed',
      ...target,
    });
  }
}
