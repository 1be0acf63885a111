/**
 * The HTTP transport every org request goes through (REST, Tooling, Composite, SOAP Metadata API,
 * the OAuth token endpoint). It replaces jsforce's transport on the connection so that:
 * - every request has a timeout covering connect, headers and the whole body, and no request
 *   outlives the inspection's total deadline;
 * - a connection reset in the middle of a body rejects at once (jsforce's pipe never settles:
 *   the process used to exit 0 with no output);
 * - nothing is retried behind our back (jsforce retries 5xx and resets five times with back-off);
 * - truncated or malformed answers (cut JSON, cut SOAP envelopes, HTML pages, redirects) become an
 *   OrgError of kind `malformed` instead of a string the checks misread as "no records";
 * - HTTP errors carry their true class (errors.ts, the classifier client.ts uses too): `permission`
 *   only for answers a permission or licence would change, every other 4xx is a fault;
 * - token endpoint failures say what the endpoint answered (never an empty reason);
 * - at most one token refresh per burst of 401s: a 401 with a token that was just refreshed and has
 *   never worked is a session error, not another refresh (jsforce would loop forever).
 * With an HTTP(S) proxy configured in the environment, jsforce's own (proxy-aware) transport is kept
 * and wrapped with the same timeouts and answer checks.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { PassThrough } from 'node:stream';
import { OrgError, type OrgErrorKind } from './types';
import { errorText, scrub } from './scrub';
import { classifyHttp, CONNECT_CODES, isTlsCode } from './errors';
import { DEFAULT_REQUEST_TIMEOUT_S, DEFAULT_TOTAL_TIMEOUT_S } from './defaults';

export { DEFAULT_REQUEST_TIMEOUT_S, DEFAULT_TOTAL_TIMEOUT_S };
/** Largest answer read (a hostile server must not exhaust memory). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface NetOptions {
  /** Per request: connect + headers + whole body. */
  requestTimeoutMs?: number;
  /** The whole inspection. */
  totalTimeoutMs?: number;
}

export interface HttpReq { method: string; url: string; body?: string | Buffer; headers?: Record<string, string> }
export interface HttpRes { statusCode: number; headers: Record<string, string>; body: string }

export { CONNECT_CODES, isTlsCode };

const TLS_WORDS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server presented a self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server\'s certificate chain contains a self-signed certificate (a TLS-inspecting proxy? set NODE_EXTRA_CA_CERTS to its CA)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server\'s certificate cannot be verified (a TLS-inspecting proxy? set NODE_EXTRA_CA_CERTS to its CA)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuer of the server\'s certificate is unknown (a TLS-inspecting proxy? set NODE_EXTRA_CA_CERTS to its CA)',
  CERT_HAS_EXPIRED: 'the server\'s certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server\'s certificate is for another host name',
};

/** One-line description of an answer body for messages: never the whole body, no control characters. */
export function describeBody(body: string, contentType: string): string {
  const t = body.trim();
  if (!t) { return 'an empty body'; }
  if (/html/i.test(contentType) || /^<!doctype html|^<html/i.test(t)) {
    const title = /<title[^>]*>([^<]{1,120})<\/title>/i.exec(t)?.[1]?.trim();
    return `an HTML page${title ? ` ("${clean(title)}")` : ''}`;
  }
  return `${body.length} bytes of ${contentType.split(';')[0] || 'untyped data'} starting "${clean(t.slice(0, 40))}"`;
}
const clean = (s: string) => scrub(s.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '?'));

const isTokenUrl = (u: URL) => /\/services\/oauth2\/token$/.test(u.pathname);
const isSoapUrl = (u: URL) => /\/services\/Soap\//.test(u.pathname);
const isApiUrl = (u: URL) => /^\/services\/(data|oauth2\/userinfo)/.test(u.pathname);

/** The error a REST answer with status >= 400 carries (errorCode + first message), or a description of the body. */
function restError(res: HttpRes, where: string): OrgError {
  let code = `ERROR_HTTP_${res.statusCode}`;
  let msg = '';
  try {
    const j = JSON.parse(res.body) as unknown;
    const e = (Array.isArray(j) ? j[0] : j) as { errorCode?: unknown; message?: unknown } | undefined;
    if (e && typeof e.errorCode === 'string') { code = e.errorCode; }
    if (e && typeof e.message === 'string') { msg = e.message; }
  } catch { /* not JSON */ }
  const kind = classifyHttp(res.statusCode, code, msg);
  const what = msg ? clean(msg.split('\n')[0]) : describeBody(res.body, res.headers['content-type'] ?? '');
  const label = kind === 'server' ? `server error (HTTP ${res.statusCode})` : `HTTP ${res.statusCode}`;
  return new OrgError(`${where}: ${label} ${code !== `ERROR_HTTP_${res.statusCode}` ? code + ': ' : ''}${what}`, kind, code);
}

/** What the token endpoint answered, when it is not a token: a clear OrgError (never an empty reason). */
function tokenError(res: HttpRes, origin: string): OrgError | undefined {
  const ctype = res.headers['content-type'] ?? '';
  let j: { access_token?: unknown; error?: unknown; error_description?: unknown } | undefined;
  try { j = JSON.parse(res.body) as typeof j; } catch { j = undefined; }
  const where = `The token endpoint ${origin}`;
  if (res.statusCode >= 200 && res.statusCode < 300) {
    if (j && typeof j === 'object' && typeof j.access_token === 'string' && j.access_token) { return undefined; }
    return new OrgError(`${where} answered HTTP ${res.statusCode} with ${describeBody(res.body, ctype)} instead of a token (is SF_LOGIN_URL the org's login or My Domain URL?)`, 'malformed', 'MALFORMED_TOKEN_RESPONSE');
  }
  if (j && typeof j === 'object' && typeof j.error === 'string') {
    const desc = typeof j.error_description === 'string' && j.error_description.trim() ? `: ${clean(j.error_description)}` : '';
    const kind: OrgErrorKind = res.statusCode >= 500 ? 'server' : res.statusCode === 429 ? 'rate-limit' : 'session';
    return new OrgError(`${where} refused the request (HTTP ${res.statusCode}) ${clean(j.error)}${desc}`, kind, j.error);
  }
  const kind: OrgErrorKind = res.statusCode >= 500 ? 'server' : res.statusCode === 429 ? 'rate-limit' : 'malformed';
  return new OrgError(`${where} answered HTTP ${res.statusCode} with ${describeBody(res.body, ctype)}`, kind, `ERROR_HTTP_${res.statusCode}`);
}

/**
 * Checks a complete answer; returns an OrgError for answers that must not reach jsforce's parsers
 * (which turn unparsable bodies into strings), or undefined to pass it on.
 */
export function checkAnswer(req: HttpReq, res: HttpRes): OrgError | undefined {
  const u = new URL(req.url);
  const ctype = res.headers['content-type'] ?? '';
  const where = `${req.method} ${u.pathname}`;
  if (isTokenUrl(u)) { return tokenError(res, u.origin); }
  if (res.statusCode >= 300 && res.statusCode < 400) {
    const to = res.headers.location ? (() => { try { return new URL(res.headers.location, u).origin; } catch { return 'elsewhere'; } })() : 'nowhere';
    return new OrgError(`${where}: redirected (HTTP ${res.statusCode}) to ${to} instead of answering; is the instance URL the org's My Domain URL?`, 'malformed', `ERROR_HTTP_${res.statusCode}`);
  }
  if (isSoapUrl(u)) {
    const envelope = /<\/(\w+:)?Envelope>\s*$/.test(res.body);
    if (res.statusCode === 500 && envelope && /<faultcode>/.test(res.body)) { return undefined; } // a SOAP fault: jsforce reads it
    if (res.statusCode >= 400) { return restError(res, where); }
    if (!envelope) {
      return new OrgError(`${where}: truncated or malformed SOAP answer (${describeBody(res.body, ctype)}; the envelope does not close)`, 'malformed', 'MALFORMED_SOAP');
    }
    return undefined;
  }
  if (!isApiUrl(u)) { return undefined; }
  if (res.statusCode === 401) { return undefined; } // jsforce refreshes (bounded by the guard below) or reports the session
  if (res.statusCode >= 400) { return restError(res, where); }
  if (res.statusCode === 204) { return undefined; }
  // Event log files are CSV (API usage monitoring downloads them).
  if (/\/sobjects\/EventLogFile\/\w+\/LogFile$/.test(u.pathname) && /csv|text\/plain/i.test(ctype)) { return undefined; }
  if (!/json/i.test(ctype)) {
    return new OrgError(`${where}: the org answered with ${describeBody(res.body, ctype)} instead of JSON data`, 'malformed', 'MALFORMED_ANSWER');
  }
  try { JSON.parse(res.body); } catch {
    return new OrgError(`${where}: truncated or malformed JSON (${describeBody(res.body, ctype)})`, 'malformed', 'MALFORMED_ANSWER');
  }
  return undefined;
}

/** Token sent with a request (Bearer header or SOAP SessionHeader). */
function tokenOf(req: HttpReq): string | undefined {
  const h = Object.entries(req.headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  const bearer = h ? /^Bearer (.+)$/.exec(h)?.[1] : undefined;
  if (bearer) { return bearer; }
  const body = typeof req.body === 'string' ? req.body : '';
  return /<sessionId>([^<]+)<\/sessionId>/.exec(body)?.[1];
}

const GUARD_SLOT = Symbol.for('apiguard.netguard');

interface JsforceLike {
  _transport?: { httpRequest(req: HttpReq, options?: unknown): Promise<HttpRes> };
  oauth2?: { _transport?: { httpRequest(req: HttpReq, options?: unknown): Promise<HttpRes> } };
  _refreshDelegate?: { refresh(since: number): Promise<void> };
  on?(event: 'refresh', listener: (token: string) => void): unknown;
}

/** Guards one connection for one inspection (see the file comment). */
export class NetGuard {
  readonly requestTimeoutMs: number;
  readonly deadline: number;
  private readonly inflight = new Set<http.ClientRequest>();
  /** Tokens obtained by refresh that never got a successful answer yet. */
  private readonly untried = new Set<string>();
  /** The last token endpoint failure (jsforce rewraps it into a message-only Error). */
  private tokenFailure?: OrgError;
  private readonly useProxy: boolean;
  private closed = false;

  constructor(opts: NetOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    this.requestTimeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_S * 1000;
    this.deadline = Date.now() + (opts.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_S * 1000);
    this.useProxy = !!(env.https_proxy ?? env.HTTPS_PROXY ?? env.http_proxy ?? env.HTTP_PROXY);
  }

  /** Installs the guard on a jsforce (or @salesforce/core) connection: its API transport, its token transport, its refresh. */
  install(conn: unknown): void {
    const c = conn as JsforceLike & { [GUARD_SLOT]?: { guard: NetGuard } };
    if (!c || typeof c !== 'object') { return; }
    // Once per connection (the extension inspects the same connection again and again): later
    // inspections only swap the guard the wrappers use.
    const installed = c[GUARD_SLOT];
    if (installed) { installed.guard = this; return; }
    const slot = { guard: this as NetGuard };
    Object.defineProperty(c, GUARD_SLOT, { value: slot, enumerable: false });
    const original = c._transport;
    if (original) { c._transport = { httpRequest: (req: HttpReq, options?: unknown) => slot.guard.streamPromise(slot.guard.send(req, original, options)) }; }
    if (c.oauth2?._transport) {
      const tokenOriginal = c.oauth2._transport;
      c.oauth2._transport = { httpRequest: (req: HttpReq, options?: unknown) => slot.guard.streamPromise(slot.guard.send(req, tokenOriginal, options)) };
    }
    c.on?.('refresh', (t: string) => { if (t) { slot.guard.untried.add(t); } });
    const d = c._refreshDelegate;
    if (d && typeof d.refresh === 'function') {
      const refresh = d.refresh.bind(d);
      d.refresh = async (since: number) => {
        const g = slot.guard;
        g.tokenFailure = undefined;
        try { await refresh(since); } catch (e) {
          if (e instanceof OrgError) { throw e; }
          // Stop here whatever the cause: every other request would try (and wait for) the token endpoint again.
          const failure = g.tokenFailure as OrgError | undefined;
          if (failure) { throw new OrgError(`Refreshing the session failed: ${failure.message}`, 'session', failure.kind === 'session' ? failure.code : 'REFRESH_FAILED'); }
          const why = errorText(e).replace(/^Unable to refresh session due to:\s*/, '').trim();
          throw new OrgError(`Refreshing the session failed: ${why || 'the token endpoint gave no reason'}`, 'session', /invalid_grant|expired|revoked/i.test(why) ? 'invalid_grant' : 'REFRESH_FAILED');
        }
      };
    }
  }

  /** Aborts whatever is still in flight (the inspection is over). */
  close(): void {
    this.closed = true;
    for (const r of this.inflight) { r.destroy(); }
    this.inflight.clear();
  }

  private streamPromise(p: Promise<HttpRes>): Promise<HttpRes> & { stream(): PassThrough } {
    const s = new PassThrough();
    const out = p.then(r => { s.end(r.body); return r; }, (e: unknown) => { s.end(); throw e; }) as Promise<HttpRes> & { stream(): PassThrough };
    out.stream = () => s;
    return out;
  }

  private timeoutFor(where: string): { ms: number; total: boolean } {
    const left = this.deadline - Date.now();
    if (left <= 0 || this.closed) { throw new OrgError(`${where}: not sent, the inspection's total time limit (--timeout) was reached`, 'timeout', 'TOTAL_TIMEOUT'); }
    return left < this.requestTimeoutMs ? { ms: left, total: true } : { ms: this.requestTimeoutMs, total: false };
  }

  async send(req: HttpReq, fallback?: { httpRequest(req: HttpReq, options?: unknown): Promise<HttpRes> }, options?: unknown): Promise<HttpRes> {
    const u = new URL(req.url);
    const where = isTokenUrl(u) ? `The token endpoint ${u.origin}` : `${req.method} ${u.pathname}`;
    const token = tokenOf(req);
    let res: HttpRes;
    try {
      res = this.useProxy && fallback ? await this.viaProxy(req, where, fallback, options) : await this.direct(req, u, where);
      const bad = checkAnswer(req, res);
      if (bad) { throw bad; }
    } catch (e) {
      if (isTokenUrl(u) && e instanceof OrgError) { this.tokenFailure = e; }
      throw e;
    }
    const sessionRefused = res.statusCode === 401 || (isSoapUrl(u) && /<faultcode>[\w]*:?INVALID_SESSION_ID<\/faultcode>/.test(res.body));
    if (token && this.untried.has(token)) {
      if (sessionRefused) {
        // A token issued by refresh a moment ago and refused at once: refreshing again would loop.
        throw new OrgError('The org refused the session again right after a token refresh (HTTP 401 with the new token); not refreshing again. '
          + 'The connected app, its IP or session policies, or the user may be blocked.', 'session', 'REFRESH_REJECTED');
      }
      if (res.statusCode < 400) { this.untried.delete(token); }
    }
    return res;
  }

  private direct(req: HttpReq, u: URL, where: string): Promise<HttpRes> {
    const { ms, total } = this.timeoutFor(where);
    return new Promise<HttpRes>((resolve, reject) => {
      const lib = u.protocol === 'https:' ? https : http;
      let answered = false;
      let received = 0;
      const chunks: Buffer[] = [];
      const fail = (e: OrgError) => { clearTimeout(timer); this.inflight.delete(r); r.destroy(); reject(e); };
      const r = lib.request(u, { method: req.method, headers: req.headers ?? {} }, res => {
        answered = true;
        res.on('data', (c: Buffer) => {
          received += c.length;
          if (received > MAX_BODY_BYTES) { fail(new OrgError(`${where}: the answer is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB; not read`, 'malformed', 'ANSWER_TOO_LARGE')); return; }
          chunks.push(c);
        });
        res.on('aborted', () => fail(new OrgError(`${where}: the connection was reset while reading the answer (${received} bytes received)`, 'network', 'ECONNRESET')));
        res.on('error', (e: NodeJS.ErrnoException) => fail(new OrgError(`${where}: the connection failed while reading the answer (${e.code ?? e.message}, ${received} bytes received)`, 'network', e.code ?? 'ECONNRESET')));
        res.on('end', () => {
          clearTimeout(timer);
          this.inflight.delete(r);
          if (!res.complete) { reject(new OrgError(`${where}: the connection was reset while reading the answer (${received} bytes received)`, 'network', 'ECONNRESET')); return; }
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) { if (v !== undefined) { headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v; } }
          resolve({ statusCode: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      const timer = setTimeout(() => {
        const limit = total ? 'the inspection\'s total time limit (--timeout)' : `${Math.round(ms / 100) / 10} s (--request-timeout)`;
        fail(answered
          ? new OrgError(`${where}: the answer did not complete within ${limit}`, 'timeout', 'REQUEST_TIMEOUT')
          : new OrgError(`${where}: no answer within ${limit}`, 'timeout', total ? 'TOTAL_TIMEOUT' : 'NO_ANSWER'));
      }, ms);
      r.on('error', (e: NodeJS.ErrnoException) => {
        const code = e.code ?? 'UNKNOWN';
        if (isTlsCode(code)) {
          fail(new OrgError(`TLS failure with ${u.host}: ${TLS_WORDS[code] ?? e.message} (${code})`, 'tls', code));
        } else if (answered) {
          fail(new OrgError(`${where}: the connection failed while reading the answer (${code})`, 'network', code));
        } else {
          const what = code === 'ECONNREFUSED' ? `connection refused by ${u.host}` : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? `${u.hostname} cannot be resolved`
            : code === 'ECONNRESET' ? `the connection was reset before an answer (${u.host})` : `${e.message} (${u.host})`;
          fail(new OrgError(`${where}: ${what}`, 'network', code));
        }
      });
      this.inflight.add(r);
      if (req.body !== undefined && !/^(GET|HEAD)$/i.test(req.method)) { r.end(req.body); } else { r.end(); }
    });
  }

  /** Through jsforce's proxy-aware transport: the same time limits, enforced from outside. */
  private async viaProxy(req: HttpReq, where: string, fallback: { httpRequest(req: HttpReq, options?: unknown): Promise<HttpRes> }, options: unknown): Promise<HttpRes> {
    const { ms } = this.timeoutFor(where);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new OrgError(`${where}: no complete answer within ${Math.round(ms / 1000)} s (through the proxy)`, 'timeout', 'REQUEST_TIMEOUT')), ms); });
    try {
      return await Promise.race([Promise.resolve(fallback.httpRequest(req, { ...(options as object ?? {}), timeout: ms, retry: { maxRetries: 0 } })), limit]);
    } catch (e) {
      if (e instanceof OrgError) { throw e; }
      const code = (e as NodeJS.ErrnoException).code ?? '';
      throw new OrgError(`${where}: ${errorText(e)}`, isTlsCode(code) ? 'tls' : 'network', code || 'NETWORK');
    } finally { clearTimeout(timer); }
  }
}
