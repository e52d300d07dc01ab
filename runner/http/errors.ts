import type { HttpError, HttpErrorKind } from '../../scenarios/types.js';
import { networkErrorKind } from '../net-errors.js';

/** Abort reasons rampart itself uses, told apart by identity. */
export const TIMEOUT_REASON = Object.freeze({ rampart: 'timeout' });
export const STOP_REASON = Object.freeze({ rampart: 'stop' });

/** The codes that are not network errors (those are in runner/net-errors.ts). */
const BY_CODE: Record<string, HttpErrorKind> = {
  UND_ERR_ABORTED: 'aborted',
  UND_ERR_ABORT: 'aborted',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'protocol',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'protocol',
  UND_ERR_INVALID_ARG: 'protocol',
  HPE_INVALID_CONSTANT: 'protocol',
  EPROTO: 'tls',
  RAMPART_DECODE: 'protocol',
  Z_DATA_ERROR: 'protocol',
  Z_BUF_ERROR: 'protocol',
  ERR_BROTLI_DECOMPRESSION_FAILED: 'protocol',
  ERR__ERROR_FORMAT_PADDING_1: 'protocol',
};

/**
 * k6's numeric error codes (its error_code tag), for what rampart can tell apart; a response
 * of 400 or more is 1000 + its status, as in k6.
 */
const K6_CODES: Record<string, number> = {
  unknown: 1000,
  aborted: 1000,
  redirect: 1000,
  protocol: 1000,
  timeout: 1050,
  dns: 1100,
  connect: 1210,
  reset: 1220,
  tls: 1300,
};
const K6_BY_CODE: Record<string, number> = { ECONNREFUSED: 1212, UND_ERR_CONNECT_TIMEOUT: 1211, ENOTFOUND: 1101, EPIPE: 1201 };

/** The error_code tag of a request: '' when it neither failed nor got a status of 400 or more. */
export function errorCode(error: HttpError | undefined, status: number): string {
  if (error) return String(K6_BY_CODE[error.code] ?? K6_CODES[error.kind] ?? 1000);
  return status >= 400 && status < 600 ? String(1000 + status) : '';
}

/**
 * Classifies anything undici can reject with into a stable error kind. `reason` is the abort
 * reason of the request's signal, if it was aborted (our own deadline or the run's hard stop).
 */
export function classifyError(err: unknown, reason: unknown, timeoutMs: number): HttpError {
  if (reason === TIMEOUT_REASON) {
    return { kind: 'timeout', code: 'RAMPART_TIMEOUT', message: `no complete response within ${timeoutMs}ms` };
  }
  if (reason === STOP_REASON) {
    return { kind: 'aborted', code: 'RAMPART_STOPPED', message: 'aborted: the run stopped' };
  }
  const e = (err ?? {}) as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? e.name ?? 'UNKNOWN';
  const message = tidyMessage(e.message ?? String(err));
  let kind: HttpErrorKind = networkErrorKind(code) ?? BY_CODE[code] ?? 'unknown';
  if (kind === 'unknown') {
    if (code.startsWith('HPE_') || e.name === 'HTTPParserError') kind = 'protocol';
    else if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || /CERT|SSL|TLS/.test(code)) kind = 'tls';
    else if (e.name === 'AbortError') kind = 'aborted';
  }
  // undici words one reset two ways ('read ECONNRESET', 'other side closed') depending on a
  // race in the kernel: one fault must be one error group
  return { kind, code, message: kind === 'reset' ? RESET_MESSAGE : message };
}

const RESET_MESSAGE = 'the server closed or reset the connection';

/**
 * OpenSSL messages start with the address of the thread's error queue
 * ('C06661F01D7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:…'):
 * one run would get a separate error group per thread. Keep the reason only.
 */
function tidyMessage(message: string): string {
  const ssl = /^[0-9A-F]+:error:[0-9A-F]+:([^:]+):([^:]+):([^:]+):/.exec(message);
  return ssl ? `${ssl[1]}: ${ssl[3]}` : message.trim();
}
