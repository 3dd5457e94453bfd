import { ConnectWiseError, ConnectWiseUnavailableError } from '../../../connectwise/client.ts';
import { UpstreamError } from '../../../errors/catalogue.ts';
import { explainPsaError, unavailableHow } from '../../../errors/psa-messages.ts';
import { fromConnectWise } from '../../../psa/errors.ts';

/**
 * Our sentences for ConnectWise failures on Settings → ConnectWise, where each is fixed in a field
 * of the form. ConnectWise's own words are never part of these: they travel as `detail` and the
 * page shows them under ours, marked as ConnectWise's. Failures elsewhere use
 * src/errors/psa-messages.ts.
 */
export function explainConnectWiseFailure(e: ConnectWiseError): string {
  if (e instanceof ConnectWiseUnavailableError) {
    return `ConnectWise ${unavailableHow(e.reason, e.status)}. Check the site; if it is right, try again in a moment.`;
  }
  switch (e.kind) {
    case 'authentication':
      return 'ConnectWise refused the credentials. Check the company ID, public key, private key and client ID (the client ID must be registered for this integration).';
    case 'not_found':
      return 'ConnectWise answered “not found”. Check the site and the codebase; on cloud sites wrong credentials can answer this way too.';
    case 'permission':
      return "The API member's security role in ConnectWise does not allow this. Ask your ConnectWise administrator to extend the role.";
    default:
      return explainPsaError(fromConnectWise(e)).message;
  }
}

/** A ConnectWise failure as the request's failure (shown in place by the route's failure view). */
export function connectWiseUpstream(e: ConnectWiseError, context: string): UpstreamError {
  const error = new UpstreamError(`${context} ${explainConnectWiseFailure(e)}`, e.detail);
  error.detailSource = 'ConnectWise';
  return error;
}

/** Re-throws ConnectWise failures as UpstreamErrors with `context` in front; anything else unchanged. */
export function rethrowConnectWise(context: string): (e: unknown) => never {
  return (e) => {
    if (e instanceof ConnectWiseError) throw connectWiseUpstream(e, context);
    throw e;
  };
}
