/**
 * The one table of network error codes (Node's socket and DNS codes, undici's), for every
 * client rampart has: the HTTP engine and the S3 helper must name one fault the same way.
 */

export type NetworkErrorKind = 'connect' | 'reset' | 'dns' | 'timeout';

const NETWORK_KINDS: Readonly<Record<string, NetworkErrorKind>> = {
  ECONNREFUSED: 'connect',
  EHOSTUNREACH: 'connect',
  ENETUNREACH: 'connect',
  EADDRNOTAVAIL: 'connect',
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  ECONNRESET: 'reset',
  ECONNABORTED: 'reset',
  EPIPE: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  ETIMEDOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
};

/** The kind of a network error code, or undefined when the code is not a network error. */
export function networkErrorKind(code: string | undefined): NetworkErrorKind | undefined {
  return code === undefined ? undefined : NETWORK_KINDS[code];
}
