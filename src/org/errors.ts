/**
 * The one classifier of org failures: an error code (and, for HTTP answers, the status) → the
 * class a caller acts on (types.ts `OrgErrorKind`). Used for whole requests (transport.ts), for
 * Composite subrequests and for anything jsforce throws (client.ts), so one code means one thing
 * wherever it arrives.
 *
 * `permission` is kept for answers that say this user or this org's licence may not see the thing
 * (granting a permission or a licence would let the check look): these count against the coverage
 * threshold only. Every other code is a fault (exit 2), unknown codes included: the tool could not
 * look, and a permission would not help. Codes and their meaning: ../../../shared/reference/
 * salesforce-facts.md B.2 (REST errors), C.3 (jsforce error shapes).
 */
import type { OrgErrorKind } from './types';

/**
 * Answers meaning "not for this user or this org's licence":
 * - INSUFFICIENT_ACCESS*: the user lacks a permission on the object or record;
 * - INVALID_TYPE: the object is unknown to this user: unlicensed (TenantSecret without Shield, event
 *   log objects without Event Monitoring) or hidden from a user without the permission (facts B.2);
 * - API_DISABLED_FOR_ORG / API_CURRENTLY_DISABLED: no API Enabled permission, or an edition without API;
 * - FUNCTIONALITY_NOT_ENABLED: a feature the org's licence lacks.
 * Deliberately not here: INVALID_FIELD (a field our query needs is missing: optional fields are
 * dropped and retried before that), MALFORMED_QUERY, INVALID_TYPE_FOR_OPERATION, NOT_FOUND (a
 * resource or version this org does not serve), QUERY_TIMEOUT, a bare 403 without an error code
 * (a proxy or firewall answers like that too): none of them is fixed by granting a permission.
 */
const PERMISSION_CODES = new Set([
  'INSUFFICIENT_ACCESS', 'INSUFFICIENT_ACCESS_OR_READONLY', 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY',
  'INVALID_TYPE', 'API_DISABLED_FOR_ORG', 'API_CURRENTLY_DISABLED', 'FUNCTIONALITY_NOT_ENABLED',
]);
const SESSION_CODES = new Set(['INVALID_SESSION_ID', 'INVALID_AUTH_HEADER', 'ERROR_HTTP_401', 'invalid_grant', 'REFRESH_REJECTED', 'REFRESH_FAILED']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'EPIPE', 'UND_ERR_SOCKET']);
export const RATE_LIMIT_CODES = new Set(['REQUEST_LIMIT_EXCEEDED', 'TOO_MANY_REQUESTS', 'CONCURRENT_REQUESTS_LIMIT_EXCEEDED', 'EXCEEDED_ID_LIMIT', 'ERROR_HTTP_429']);
const SERVER_CODES = new Set(['UNKNOWN_EXCEPTION', 'SERVER_UNAVAILABLE', 'ERROR_HTTP_500', 'ERROR_HTTP_502', 'ERROR_HTTP_503', 'ERROR_HTTP_504']);
const TIMEOUT_CODES = new Set(['REQUEST_TIMEOUT', 'TOTAL_TIMEOUT', 'NO_ANSWER', 'QUERY_TIMEOUT']);

/** TLS failures: the server could not be trusted (or spoke no TLS). */
const TLS_CODES = /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_REVOKED|ERR_TLS_CERT_ALTNAME_INVALID|EPROTO|ERR_SSL_[A-Z_]+|ERR_TLS_[A-Z_]+|CERT_[A-Z_]+)$/;
/** Failures before any byte of an answer: the org cannot be reached at all. */
export const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'NO_ANSWER']);

export function isTlsCode(code: string): boolean { return TLS_CODES.test(code); }

/** The error code of anything jsforce or Node throws (`sf:` prefix of SOAP faults dropped). */
export function errorCode(e: unknown): string {
  const o = (e ?? {}) as { errorCode?: unknown; code?: unknown; name?: unknown; cause?: { code?: unknown } };
  const raw = [o.errorCode, o.code, o.cause?.code, o.name].find(v => typeof v === 'string' && v && v !== 'Error');
  return typeof raw === 'string' ? raw.replace(/^sf:/, '') : 'UNKNOWN';
}

/** A failure class from an error code (and its message, for errors that carry no code). Unknown codes are `other`: a fault. */
export function classify(code: string, message: string): OrgErrorKind {
  if (RATE_LIMIT_CODES.has(code)) { return 'rate-limit'; }
  if (SERVER_CODES.has(code)) { return 'server'; }
  if (TIMEOUT_CODES.has(code)) { return 'timeout'; }
  if (isTlsCode(code)) { return 'tls'; }
  if (PERMISSION_CODES.has(code)) { return 'permission'; }
  if (SESSION_CODES.has(code) || /Unable to refresh session|Session expired or invalid|No refresh token/i.test(message)) { return 'session'; }
  if (NETWORK_CODES.has(code) || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN|fetch failed|socket hang up|network/i.test(message)) { return 'network'; }
  return 'other';
}

/** A failure class for an HTTP answer with status >= 400 (a whole request or a Composite subrequest). */
export function classifyHttp(status: number, code: string, message = ''): OrgErrorKind {
  if (status === 429 || RATE_LIMIT_CODES.has(code)) { return 'rate-limit'; }
  if (status >= 500) { return 'server'; }
  if (status === 401) { return 'session'; }
  return classify(code, message);
}
