/**
 * What Backupchecks' PSA simulators (packages/autotask-simulator, packages/connectwise-simulator) share, where the
 * logic really is the same: HTML page helpers, the request log, the fault queue and how a fault meets a call, the
 * frame of the `/__sim/` control API and page, and the server around a simulator's routes. What differs per PSA (wire
 * format, failure bodies, wording, scopes) stays in each simulator and is passed in. Test helpers are in
 * `@backupchecks/simulator-kit/testing`.
 */
export {
  answerWithFaults,
  EMPTY_BODY,
  RawText,
  readJsonBody,
  requestOrigin,
  sendResult,
  type ApiResult,
  type BodyErrors,
  type FaultedCall,
  type FaultSource,
} from './answer.ts';
export { faultRoutes, type FailBody, type FaultRoutes } from './control-faults.ts';
export { anySelect, clearAndReset, faultsSection, notices, requestsSection, type FaultForms } from './control-page.ts';
export { blankToUndefined, booleanish, optionalBoolean, optionalInt, optionalString } from './control-schema.ts';
export { controlRouter, done, settingsRoute, type ControlFrame, type Done } from './control.ts';
export {
  countOf,
  DEFAULT_FAIL_MESSAGE,
  DEFAULT_FAIL_TEXT,
  FaultQueue,
  latencyKey,
  sleep,
  type CountOption,
  type DropOptions,
  type FaultSettings,
  type FaultsSnapshot,
  type HangOptions,
  type Match,
  type MatchOptions,
  type QueuedRule,
  type RateLimitMode,
  type RateLimitOptions,
  type Scoped,
  type SharedRule,
} from './faults.ts';
export {
  escapeHtml,
  html,
  layout,
  SafeHtml,
  sendPage,
  STYLESHEET,
  STYLESHEET_PATH,
  table,
  type HtmlValue,
} from './html.ts';
export { insertSorted, nextFreeId, NotFoundInStateError, replace } from './records.ts';
export { RequestLog, settleOnClose, type LoggedRequest, type RequestOutcome } from './request-log.ts';
export {
  listenSimulator,
  simulatorExpress,
  type ListeningSimulator,
  type ListenOptions,
  type SimulatorExpressOptions,
} from './server.ts';
