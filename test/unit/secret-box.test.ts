import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, SecretDecryptError } from '../../src/shared/secret-box.ts';

const key = 'ab'.repeat(32);

describe('secret box', () => {
  it('round-trips and never contains the plain text', () => {
    const stored = encryptSecret('s3cr3t-Autotask!', key);
    expect(stored).not.toContain('s3cr3t');
    expect(stored.startsWith('v1.')).toBe(true);
    expect(decryptSecret(stored, key)).toBe('s3cr3t-Autotask!');
    expect(encryptSecret('s3cr3t-Autotask!', key)).not.toBe(stored);
  });

  it('fails loudly with another key or a tampered value', () => {
    const stored = encryptSecret('value', key);
    expect(() => decryptSecret(stored, 'cd'.repeat(32))).toThrow(SecretDecryptError);
    const parts = stored.split('.');
    parts[3] = Buffer.from('other').toString('base64url');
    expect(() => decryptSecret(parts.join('.'), key)).toThrow(SecretDecryptError);
  });
});
