import type { RequestHandler } from 'express';
import { contextOf } from '../../context.ts';
import type { ApiToken } from '../../db/database.ts';
import { UnauthenticatedError } from '../../errors/catalogue.ts';
import { findActiveToken } from '../../services/accounts/api-tokens.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** The API token that authenticated this call (token API only; pages use req.user). */
    apiToken?: ApiToken;
  }
}

/**
 * Bearer-token authentication for /api/v1. Only the Authorization header counts: the API is mounted
 * before the session middleware, so a session cookie is never even read here.
 */
export const requireApiToken: RequestHandler = async (req, res, next) => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  res.set('WWW-Authenticate', 'Bearer realm="backupchecks"');
  if (!match) {
    return next(
      new UnauthenticatedError(
        'Send an API token in the header "Authorization: Bearer <token>". Admins create tokens under Settings → API tokens.',
      ),
    );
  }
  const token = await findActiveToken(contextOf(req).database.prisma, match[1]!);
  if (!token) {
    return next(
      new UnauthenticatedError('The API token is not valid or has been revoked. Ask an admin for a new one.'),
    );
  }
  res.removeHeader('WWW-Authenticate');
  req.apiToken = token;
  next();
};
