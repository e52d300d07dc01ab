/**
 * Classifies whatever an S3 operation rejects with (an S3 error response, a network error,
 * a missing credential, our own deadline) into a stable kind, with credentials scrubbed
 * from the message.
 */

import { networkErrorKind, type NetworkErrorKind } from '../net-errors.js';
import { maskSecrets } from '../secrets.js';

export type S3ErrorKind = NetworkErrorKind | 'auth' | 'not-found' | 's3' | 'unknown';

export interface S3Error {
  kind: S3ErrorKind;
  /** the S3 error code ('NoSuchKey', 'AccessDenied', ...) or the network code ('ECONNREFUSED', ...) */
  code: string;
  message: string;
}

/** The SDK's own timeout names; network codes are in runner/net-errors.ts, shared with the HTTP engine. */
const SDK_TIMEOUTS = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

const AUTH_CODES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'AuthorizationHeaderMalformed',
  'CredentialsProviderError',
  'Forbidden',
]);

const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NoSuchBucket', 'NotFound', 'NoSuchUpload', 'NoSuchVersion']);

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: { code?: string };
}

/** The HTTP status an error response carried, or 0 when there was none (network error). */
export function statusOf(err: unknown): number {
  return (err as SdkErrorShape | undefined)?.$metadata?.httpStatusCode ?? 0;
}

/**
 * `timedOutAfterMs` is set when our own deadline aborted the operation. `secrets` are
 * replaced by '***' wherever they appear in the message.
 */
export function classifyS3Error(err: unknown, timedOutAfterMs: number | null, secrets: readonly string[]): S3Error {
  if (timedOutAfterMs !== null) {
    return { kind: 'timeout', code: 'RAMPART_TIMEOUT', message: `no complete S3 response within ${timedOutAfterMs}ms` };
  }
  const e = (err ?? {}) as SdkErrorShape;
  const status = statusOf(err);
  const code = e.Code ?? (typeof e.code === 'string' ? e.code : undefined) ?? e.cause?.code ?? e.name ?? 'UNKNOWN';
  let message = e.message || (status ? `HTTP ${status}` : String(err));
  if (message === 'UnknownError' && status) message = `HTTP ${status}`; // HEAD errors have no body to name them
  return { kind: kindOf(code, e.name, status), code, message: maskSecrets(message, secrets) };
}

function kindOf(code: string, name: string | undefined, status: number): S3ErrorKind {
  if (AUTH_CODES.has(code) || (name && AUTH_CODES.has(name)) || status === 401 || status === 403) return 'auth';
  if (NOT_FOUND_CODES.has(code) || status === 404) return 'not-found';
  const network = networkErrorKind(code) ?? networkErrorKind(name);
  if (network) return network;
  if (SDK_TIMEOUTS.has(code) || (name && SDK_TIMEOUTS.has(name))) return 'timeout';
  if (status === 408 || status === 504) return 'timeout';
  if (status > 0) return 's3';
  return 'unknown';
}
