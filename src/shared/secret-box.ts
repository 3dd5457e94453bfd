import crypto from 'node:crypto';

/**
 * AES-256-GCM for the Autotask API secret at rest. The stored form is `v1.<iv>.<tag>.<data>` in
 * base64url; the key is APP_ENCRYPTION_KEY (32 bytes, hex). GCM's tag makes a wrong key or a
 * tampered value fail loudly instead of yielding a wrong secret.
 */
export function encryptSecret(plain: string, hexKey: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', Buffer.from(hexKey, 'hex'), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export class SecretDecryptError extends Error {
  constructor() {
    super(
      'The stored Autotask secret cannot be decrypted with the current APP_ENCRYPTION_KEY. Enter the secret again.',
    );
    this.name = 'SecretDecryptError';
  }
}

export function decryptSecret(stored: string, hexKey: string): string {
  const [version, iv, tag, data] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new SecretDecryptError();
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', Buffer.from(hexKey, 'hex'), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptError();
  }
}
