/**
 * ConnectWise's error body (docs/connectwise.md, Errors): `{"code","message","errors":[{"code","message","resource",
 * "field"}]}`, the `ErrorResponseMessage` and `ValidationError` schemas of ConnectWise's OpenAPI description.
 *
 * Seen in public answers and used here: 400 `InvalidObject` "<resource> object is invalid" with `errors[]` items such
 * as `MissingRequiredField`, `MaxLengthField` ("The field summary must be a string with a maximum length of 100."),
 * `NotFound` ("Service Status 17 not found for Service Board 21" on `status/id`); 403 `Security` ("You do not have
 * security permission to perform this action."); 404 `NotFound` ("Ticket 1255787 not found"); 401 `Unauthorized`;
 * 500 `ConnectWiseApi`.
 *
 * Assumed (docs/connectwise.md, Open questions): the 401 messages; `InvalidField` as the item code for a value that is
 * wrong in another way; the body of a bad `conditions`, `orderBy`, `fields` or paging parameter (400 `InvalidObject`
 * here); the 429 code `TooManyRequests`; the 405 body.
 */

export interface ValidationItem {
  code: string;
  message: string;
  resource: string;
  field: string;
}

export interface ErrorBody {
  code: string;
  message: string;
  errors?: ValidationItem[];
}

export class CwError extends Error {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Record<string, string>;

  constructor(status: number, body: ErrorBody, headers: Record<string, string> = {}) {
    super(body.message);
    this.name = 'CwError';
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** 400 for a body that fails validation; `resource` is the lower-case object name ConnectWise uses (`ticket`). */
export function invalidObject(resource: string, errors: ValidationItem[]): CwError {
  return new CwError(400, { code: 'InvalidObject', message: `${resource} object is invalid`, errors });
}

export function missingField(resource: string, field: string, message = `${field} is required.`): ValidationItem {
  return { code: 'MissingRequiredField', message, resource, field };
}

export function invalidField(resource: string, field: string, message: string): ValidationItem {
  return { code: 'InvalidField', message, resource, field };
}

export function tooLong(resource: string, field: string, max: number): ValidationItem {
  const message = `The field ${field} must be a string with a maximum length of ${max}.`;
  return { code: 'MaxLengthField', message, resource, field };
}

/** A reference to a record that does not exist (or not where it must): `status/id`, `board/id`, … */
export function referenceNotFound(resource: string, field: string, message: string): ValidationItem {
  return { code: 'NotFound', message, resource, field };
}

/** A query parameter (conditions, orderBy, fields, page, pageSize) ConnectWise cannot use: 400. */
export function badQuery(resource: string, field: string, message: string): CwError {
  return new CwError(400, {
    code: 'InvalidObject',
    message,
    errors: [{ code: 'InvalidField', message, resource, field }],
  });
}

/** `label` as ConnectWise words it: `Ticket 123 not found`. */
export function notFound(label: string, id: number | string): CwError {
  return new CwError(404, { code: 'NotFound', message: `${label} ${id} not found` });
}

export function noRoute(path: string): CwError {
  return new CwError(404, { code: 'NotFound', message: `No resource was found that matches ${path}.` });
}

export function methodNotAllowed(method: string): CwError {
  return new CwError(405, { code: 'MethodNotAllowed', message: `The requested resource does not support ${method}.` });
}

export function unauthorized(message: string): CwError {
  return new CwError(401, { code: 'Unauthorized', message });
}

export const SECURITY_MESSAGE = 'You do not have security permission to perform this action.';

export function forbidden(): CwError {
  return new CwError(403, { code: 'Security', message: SECURITY_MESSAGE });
}

export function serverError(message: string): CwError {
  return new CwError(500, { code: 'ConnectWiseApi', message });
}

export function tooManyRequests(message: string, retryAfterSeconds: number): CwError {
  return new CwError(
    429,
    { code: 'TooManyRequests', message },
    {
      'Retry-After': String(retryAfterSeconds),
    },
  );
}
