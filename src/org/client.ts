/**
 * The org's data as the checks need it, fetched frugally: SOQL queries are batched five at a time
 * into Composite API requests (REST data `/composite`, Tooling `/tooling/composite`), `/limits` and
 * Metadata API reads are single requests, all through a concurrency bound. Every request is counted.
 * A query that fails for licence or permission reasons becomes a failed dataset (the checks that
 * need it turn `unavailable`); a session or network failure stops the inspection with an OrgError.
 */
import { OrgError, type OrgErrorKind } from './types';
import { errorText, scrub } from './scrub';

/** The part of a jsforce (or @salesforce/core) Connection this module uses. */
export interface ConnectionLike {
  instanceUrl: string;
  version: string;
  request<T = unknown>(req: { method: 'GET' | 'POST'; url: string; body?: string; headers?: Record<string, string> }): Promise<T>;
  metadata: { read(type: string, fullNames: string | string[]): Promise<unknown> };
  on?(event: 'refresh', listener: (...args: unknown[]) => void): unknown;
}

export type SObjectRecord = Record<string, unknown>;

export interface QuerySpec {
  key: string;
  api: 'data' | 'tooling';
  object: string;
  fields: string[];
  /** Fields dropped (one retry) when the org answers INVALID_FIELD for them. */
  optional?: string[];
  where?: string;
  orderBy?: string;
  limit?: number;
}

export type Dataset<T = SObjectRecord[]> =
  | { ok: true; value: T; truncated?: boolean; dropped?: string[] }
  | { ok: false; code: string; message: string; kind: OrgErrorKind };

/** Error codes meaning "this object/field/API is not there for this user or licence". */
const PERMISSION_CODES = new Set([
  'INVALID_TYPE', 'INVALID_FIELD', 'INSUFFICIENT_ACCESS', 'API_DISABLED_FOR_ORG', 'FUNCTIONALITY_NOT_ENABLED',
  'INSUFFICIENT_ACCESS_OR_READONLY', 'NOT_FOUND', 'INVALID_TYPE_FOR_OPERATION', 'FORBIDDEN', 'API_CURRENTLY_DISABLED',
]);
const SESSION_CODES = new Set(['INVALID_SESSION_ID', 'INVALID_AUTH_HEADER', 'ERROR_HTTP_401', 'invalid_grant']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export function errorCode(e: unknown): string {
  const o = (e ?? {}) as { errorCode?: unknown; code?: unknown; name?: unknown; cause?: { code?: unknown } };
  const raw = [o.errorCode, o.code, o.cause?.code, o.name].find(v => typeof v === 'string' && v && v !== 'Error');
  return typeof raw === 'string' ? raw.replace(/^sf:/, '') : 'UNKNOWN';
}

export function classify(code: string, message: string): OrgErrorKind {
  if (PERMISSION_CODES.has(code)) { return 'permission'; }
  if (SESSION_CODES.has(code) || /Unable to refresh session|Session expired or invalid|No refresh token/i.test(message)) { return 'session'; }
  if (NETWORK_CODES.has(code) || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EAI_AGAIN|fetch failed|socket hang up|network/i.test(message)) { return 'network'; }
  return 'other';
}

/** Turns anything thrown by jsforce into an OrgError with a scrubbed message. */
export function toOrgError(e: unknown): OrgError {
  if (e instanceof OrgError) { return e; }
  const code = errorCode(e);
  const message = errorText(e);
  return new OrgError(message, classify(code, message), code);
}

export function buildSoql(q: QuerySpec, fields = q.fields): string {
  let s = `SELECT ${fields.join(', ')} FROM ${q.object}`;
  if (q.where) { s += ` WHERE ${q.where}`; }
  if (q.orderBy) { s += ` ORDER BY ${q.orderBy}`; }
  if (q.limit) { s += ` LIMIT ${q.limit}`; }
  return s;
}

/** Runs at most `n` tasks at once. */
export class Limiter {
  private active = 0;
  private queue: (() => void)[] = [];
  constructor(private readonly n: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) { await new Promise<void>(r => this.queue.push(r)); }
    this.active++;
    try { return await task(); } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

interface CompositeSub { body: unknown; httpStatusCode: number; referenceId: string }

/** Composite API: at most 25 subrequests, of which at most 5 may be queries. */
export const QUERIES_PER_COMPOSITE = 5;

export class OrgClient {
  /** Requests sent (composite batches once, token refreshes included). */
  requests = 0;
  readonly notes: string[] = [];
  private readonly limiter: Limiter;

  constructor(readonly conn: ConnectionLike, opts: { concurrency?: number } = {}) {
    this.limiter = new Limiter(opts.concurrency ?? 4);
    conn.on?.('refresh', () => { this.requests++; });
  }

  get base(): string { return `/services/data/v${this.conn.version}`; }

  private async send<T>(req: { method: 'GET' | 'POST'; url: string; body?: string; headers?: Record<string, string> }): Promise<T> {
    return this.limiter.run(async () => {
      this.requests++;
      try { return await this.conn.request<T>(req); } catch (e) { throw toOrgError(e); }
    });
  }

  /** Runs the queries (batched by API, five per Composite request) and returns one dataset per key. */
  async queries(specs: QuerySpec[]): Promise<Map<string, Dataset>> {
    const out = new Map<string, Dataset>();
    let retry: { spec: QuerySpec; fields: string[] }[] = [];
    const chunks: { api: 'data' | 'tooling'; items: { spec: QuerySpec; fields: string[] }[] }[] = [];
    for (const api of ['data', 'tooling'] as const) {
      const mine = specs.filter(s => s.api === api);
      for (let i = 0; i < mine.length; i += QUERIES_PER_COMPOSITE) {
        chunks.push({ api, items: mine.slice(i, i + QUERIES_PER_COMPOSITE).map(spec => ({ spec, fields: spec.fields })) });
      }
    }
    const runChunk = async (chunk: { api: 'data' | 'tooling'; items: { spec: QuerySpec; fields: string[] }[] }, retrying: number) => {
      let subs: Dataset[];
      try {
        subs = await this.composite(chunk.api, chunk.items.map(({ spec, fields }) => ({ ref: spec.key, soql: buildSoql(spec, fields) })));
      } catch (e) {
        const err = toOrgError(e);
        if (err.kind === 'session' || err.kind === 'network') { throw err; }
        // The whole API refused (e.g. API_DISABLED_FOR_ORG): every query of the batch fails alike.
        subs = chunk.items.map(() => ({ ok: false, code: err.code ?? 'UNKNOWN', message: err.message, kind: err.kind }));
      }
      chunk.items.forEach(({ spec, fields }, i) => {
        const r = subs[i];
        if (r.ok) {
          const dropped = spec.fields.filter(f => !fields.includes(f));
          out.set(spec.key, { ...r, dropped: dropped.length ? dropped : undefined });
          return;
        }
        const col = /No such column '([\w.]+)'/.exec(r.message)?.[1];
        const optional = spec.optional ?? [];
        if (retrying < 3 && r.code === 'INVALID_FIELD' && optional.some(f => fields.includes(f))) {
          // Drop the optional fields this org does not have (the message names the first one; drop
          // all optional ones if it names none we know), then retry once.
          const named = col ? optional.filter(f => f === col || f.endsWith('.' + col)) : [];
          const drop = named.length ? named : optional;
          if (!fields.some(f => drop.includes(f))) { out.set(spec.key, r); return; }
          retry.push({ spec, fields: fields.filter(f => !drop.includes(f)) });
          return;
        }
        out.set(spec.key, r);
      });
    };
    // The first batch goes alone: it proves the session and the network before the others start.
    if (chunks.length) { await runChunk(chunks[0], 0); }
    await Promise.all(chunks.slice(1).map(c => runChunk(c, 0)));
    // Orgs without some optional field: retry without it (each round drops the field named by the error).
    for (let round = 1; retry.length && round <= 3; round++) {
      const pending = retry;
      retry = [];
      const again: typeof chunks = [];
      for (const api of ['data', 'tooling'] as const) {
        const mine = pending.filter(r => r.spec.api === api);
        for (let i = 0; i < mine.length; i += QUERIES_PER_COMPOSITE) { again.push({ api, items: mine.slice(i, i + QUERIES_PER_COMPOSITE) }); }
      }
      await Promise.all(again.map(c => runChunk(c, round)));
    }
    return out;
  }

  private async composite(api: 'data' | 'tooling', subs: { ref: string; soql: string }[]): Promise<Dataset[]> {
    const prefix = api === 'tooling' ? `${this.base}/tooling` : this.base;
    const body = {
      allOrNone: false,
      compositeRequest: subs.map(s => ({ method: 'GET', url: `${prefix}/query?q=${encodeURIComponent(s.soql)}`, referenceId: s.ref })),
    };
    const res = await this.send<{ compositeResponse?: CompositeSub[] }>({
      method: 'POST', url: `${prefix}/composite`, body: JSON.stringify(body), headers: { 'content-type': 'application/json' },
    });
    const list = res?.compositeResponse ?? [];
    return subs.map(s => {
      const r = list.find(x => x.referenceId === s.ref);
      if (!r) { return { ok: false, code: 'MISSING_RESPONSE', message: 'The composite response has no entry for this query.', kind: 'other' }; }
      if (r.httpStatusCode >= 400) {
        const err = Array.isArray(r.body) ? (r.body[0] as { errorCode?: string; message?: string } | undefined) : undefined;
        const code = err?.errorCode ?? `ERROR_HTTP_${r.httpStatusCode}`;
        const message = scrub((err?.message ?? '').trim() || code);
        const kind = classify(code, message);
        if (kind === 'session') { throw new OrgError(message, 'session', code); }
        return { ok: false, code, message, kind };
      }
      const b = (r.body ?? {}) as { records?: SObjectRecord[]; done?: boolean };
      return { ok: true, value: b.records ?? [], truncated: b.done === false };
    });
  }

  /** The running user (OpenID Connect userinfo on the instance). */
  async userInfo(): Promise<Dataset<{ user_id?: string; organization_id?: string; preferred_username?: string }>> {
    // Optional: a token without the scope for it just leaves the running user unknown.
    try { return { ok: true, value: await this.send({ method: 'GET', url: '/services/oauth2/userinfo' }) }; } catch (e) {
      const err = toOrgError(e);
      return { ok: false, code: err.code ?? 'UNKNOWN', message: err.message, kind: err.kind };
    }
  }

  /** `/limits`. */
  async limits(): Promise<Dataset<Record<string, unknown>>> {
    return this.single(() => this.send<Record<string, unknown>>({ method: 'GET', url: `${this.base}/limits` }));
  }

  /** Metadata API readMetadata; always an array of records that exist (missing names dropped). */
  async readMetadata(type: string, fullNames: string[]): Promise<Dataset<Record<string, unknown>[]>> {
    if (!fullNames.length) { return { ok: true, value: [] }; }
    return this.single(async () => {
      return this.limiter.run(async () => {
        this.requests++;
        try {
          const r = await this.conn.metadata.read(type, fullNames.slice(0, 10));
          const arr = (Array.isArray(r) ? r : [r]) as Record<string, unknown>[];
          return arr.filter(x => x && typeof x === 'object' && typeof x.fullName === 'string' && x.fullName);
        } catch (e) { throw toOrgError(e); }
      });
    });
  }

  private async single<T>(fn: () => Promise<T>): Promise<Dataset<T>> {
    try {
      return { ok: true, value: await fn() };
    } catch (e) {
      const err = toOrgError(e);
      if (err.kind === 'session' || err.kind === 'network') { throw err; }
      return { ok: false, code: err.code ?? 'UNKNOWN', message: err.message, kind: err.kind };
    }
  }
}
