import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface LocalSecrets {
  readonly sessionSecret: string;
  readonly encryptionKey: string;
}

/**
 * Outside production the app may run with no configuration at all. It then keeps its own session
 * secret and encryption key in the data folder, so a restart neither signs everybody out nor makes
 * the stored Autotask secret undecryptable. Values from the environment always win.
 */
export function resolveSecrets(
  dataDir: string,
  fromEnv: { sessionSecret?: string | undefined; encryptionKey?: string | undefined },
): LocalSecrets {
  if (fromEnv.sessionSecret && fromEnv.encryptionKey) {
    return { sessionSecret: fromEnv.sessionSecret, encryptionKey: fromEnv.encryptionKey };
  }
  const file = path.join(dataDir, 'secrets.json');
  let stored: Partial<LocalSecrets> = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LocalSecrets>;
  const secrets: LocalSecrets = {
    sessionSecret: stored.sessionSecret ?? crypto.randomBytes(32).toString('hex'),
    encryptionKey: stored.encryptionKey ?? crypto.randomBytes(32).toString('hex'),
  };
  if (secrets.sessionSecret !== stored.sessionSecret || secrets.encryptionKey !== stored.encryptionKey) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  return {
    sessionSecret: fromEnv.sessionSecret ?? secrets.sessionSecret,
    encryptionKey: fromEnv.encryptionKey ?? secrets.encryptionKey,
  };
}
