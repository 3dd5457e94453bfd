/**
 * The ticket summary: ConnectWise's title field, at most 100 characters, refused with
 * `MaxLengthField` when longer (docs/connectwise.md, Service tickets). A longer title is cut here
 * instead, ending in an ellipsis so the operator sees it was cut.
 */

/** ConnectWise's maximum summary length, in UTF-16 code units (its .NET string length). */
export const MAX_SUMMARY_LENGTH = 100;
const ELLIPSIS = '…';

/**
 * The summary as sent: on one line (line breaks and tabs become spaces), trimmed, and cut to
 * `MAX_SUMMARY_LENGTH` with an ellipsis. Never splits a surrogate pair. Empty text is refused:
 * ConnectWise requires a summary.
 */
export function ticketSummary(text: string): string {
  const oneLine = text
    .replace(/[\r\n\t\v\f]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  if (oneLine === '') throw new TypeError('A ConnectWise ticket needs a summary');
  if (oneLine.length <= MAX_SUMMARY_LENGTH) return oneLine;
  let cut = MAX_SUMMARY_LENGTH - ELLIPSIS.length;
  // A high surrogate at the end would leave half a character.
  if (isHighSurrogate(oneLine.charCodeAt(cut - 1))) cut--;
  return `${oneLine.slice(0, cut).trimEnd()}${ELLIPSIS}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
