import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log line. The Autotask secret, passwords,
 * session cookies and bearer tokens must never reach a log, even through an error object.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers.secret',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.currentPassword',
  '*.newPassword',
  '*.confirmPassword',
  '*.totpSecret',
  '*.code',
  '*.codeHash',
  '*.secret',
  '*.apiSecret',
  '*.Secret',
  '*.token',
  '*._csrf',
  '*.headers.Secret',
  '*.headers.secret',
  'config.headers.Secret',
  'err.config.headers.Secret',
];

export function createLogger(level: string, options: { name?: string } = {}): Logger {
  return pino({
    name: options.name ?? 'backupchecks',
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
  });
}
