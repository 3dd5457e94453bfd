/**
 * Why a PSA gave no usable answer. For a write each of these means the outcome is unknown: the
 * record may or may not have been created or changed. Which answers count as which is the
 * client's (its `errorFromResponse`).
 */
export type UnavailableReason =
  /** No answer within the deadline. */
  | 'timeout'
  /** Connection refused, reset, DNS failure, … */
  | 'network'
  /** A 5xx answer that is not a refusal the PSA made (Autotask: one without its `errors[]`). */
  | 'server'
  /** A 2xx answer that is not JSON or not the expected shape (ConnectWise: or a redirect). */
  | 'bad_response';

/** The operator's sentence for `reason`, with the PSA's name (`Autotask`, `ConnectWise`). */
export function unavailableMessage(psa: string, reason: UnavailableReason): string {
  switch (reason) {
    case 'timeout':
      return `${psa} did not answer in time.`;
    case 'network':
      return `${psa} could not be reached.`;
    case 'server':
      return `${psa} had a server error.`;
    case 'bad_response':
      return `${psa} answered in an unexpected format.`;
  }
}
