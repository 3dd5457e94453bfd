import { AutotaskError, type AutotaskErrorKind } from '../autotask/errors.ts';
import { UpstreamError } from './catalogue.ts';

/**
 * What each kind of Autotask failure means for the operator and what to do about it. Autotask's
 * own text travels along as `detail` and is shown verbatim under this sentence.
 */
const explanations: Record<AutotaskErrorKind, string> = {
  authentication:
    'Autotask refused the API credentials. Check the API username, secret and tracking identifier under Settings → Autotask.',
  zone_lookup:
    'Autotask could not find the API user to look up its zone. Check the API username (and the Sandbox/Production setting).',
  not_found: 'Autotask has no such record, or the API user cannot see it.',
  validation: 'Autotask rejected the request.',
  permission: "The Autotask API user's security level does not allow this. Ask your Autotask administrator.",
  rate_limited: 'Autotask is limiting requests right now. Wait a minute, then try again.',
  unavailable: 'Autotask did not answer in time or could not be reached. Try again in a moment.',
};

export function explainAutotaskError(e: AutotaskError, context?: string): UpstreamError {
  const sentence = explanations[e.kind];
  return new UpstreamError(context ? `${context} ${sentence}` : sentence, e.detail);
}

/** Re-throws Autotask failures as operator-facing UpstreamErrors; anything else unchanged. */
export function rethrowAutotask(context?: string): (e: unknown) => never {
  return (e) => {
    if (e instanceof AutotaskError) throw explainAutotaskError(e, context);
    throw e;
  };
}
