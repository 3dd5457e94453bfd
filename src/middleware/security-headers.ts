import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Helmet's headers with the app's Content-Security-Policy. `upgrade-insecure-requests` (helmet
 * sends it by default) is sent only on requests that arrived over https: on an installation opened
 * as http://server:3000 on a LAN it made the browser fetch every stylesheet, script and the
 * sign-in form over https, which nothing answers. Behind an https proxy the request counts as https
 * when TRUST_PROXY is on and the proxy sets X-Forwarded-Proto (Express's `req.secure`).
 */
export function securityHeaders(): RequestHandler {
  const withDirectives = (upgrade: boolean) =>
    helmet({
      contentSecurityPolicy: {
        directives: {
          // No inline script or style anywhere: run messages come from e-mails and are untrusted.
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'upgrade-insecure-requests': upgrade ? [] : null,
        },
      },
    });
  const overHttps = withDirectives(true);
  const overHttp = withDirectives(false);
  return (req, res, next) => (req.secure ? overHttps : overHttp)(req, res, next);
}
