/**
 * The org's data as the checks need it, fetched frugally: SOQL queries are batched five at a time
 * into Composite API requests (REST data `/composite`, Tooling `/tooling/composite`), `/limits` and
 * Metadata API reads are single requests, all through a concurrency bound. Every request is counted.
 * A query that fails for licence or permission reasons becomes a failed dataset (the checks that
 * need it turn `unavailable`); a session or network failure stops the inspection with an OrgError.
 */
import { OrgError, type OrgErrorKind } from './types';
import { errorText, scrub } from './scrub';
import { classify, classifyHttp, CONNECT_CODES, errorCode } from './errors';

/** The part of a jsforce (or @salesforce/core) Connection this module uses. */
export interface ConnectionLike {
  instanceUrl: string;
  /** Writable: an org that does not offer our version is inspected with its newest one. */
  version: string;
  request<T = unknown>(req: { method: 'GET' | 'POST'; url: string; body?: string; headers?: Record<string, string> }): Promise<T>;
  metadata: { read(type: string, fullNames: string | string[]): Promise<unknown> };
  on?(event: 'refresh', listener: (...args: unknown[]) => void): unknown;
  removeListener?(event: 'refresh', listener: (...args: unknown[]) => void): unknown;
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
  /** Boolean fields of which at least one must be true (ANDed with `where`; a dropped optional field drops out). */
  anyOf?: string[];
  /** `SELECT COUNT()`: the answer is the dataset's totalSize. */
  count?: boolean;
  /** GROUP BY list (the fields then hold the aggregate expressions). */
  groupBy?: string;
  orderBy?: string;
  limit?: number;
}

export type Dataset<T = SObjectRecord[]> =
  | { ok: true; value: T; truncated?: boolean; dropped?: string[]; totalSize?: number; /** Rows behind a summarised value. */ read?: number;
    /** The next page of a query answer (`nextRecordsUrl`), while there is one. */ next?: string }
  | { ok: false; code: string; message: string; kind: OrgErrorKind };

export { classify, errorCode };

/** Turns anything thrown by jsforce into an OrgError with a scrubbed message. */
export function toOrgError(e: unknown): OrgError {
  if (e instanceof OrgError) { return e; }
  const code = errorCode(e);
  const message = errorText(e);
  return new OrgError(message, classify(code, message), code);
}

/** A failed dataset from an error. */
function failed(e: unknown): Extract<Dataset<never>, { ok: false }> {
  const err = toOrgError(e);
  return { ok: false, code: err.code ?? 'UNKNOWN', message: err.message, kind: err.kind };
}

/** Errors that end the inspection: a session that cannot be used, or an org that cannot be reached at all. */
function fatal(err: OrgError, firstContact: boolean): boolean {
  return err.kind === 'session' || (firstContact && (err.kind === 'tls' || CONNECT_CODES.has(err.code ?? '')));
}

const plainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function buildSoql(q: QuerySpec, fields = q.fields): string {
  let s = `SELECT ${q.count ? 'COUNT()' : fields.join(', ')} FROM ${q.object}`;
  const any = (q.anyOf ?? []).filter(f => fields.includes(f) || !(q.optional ?? []).includes(f));
  const where = [q.where, any.length ? `(${any.map(f => `${f} = true`).join(' OR ')})` : undefined].filter(Boolean);
  if (where.length) { s += ` WHERE ${where.join(' AND ')}`; }
  if (q.groupBy) { s += ` GROUP BY ${q.groupBy}`; }
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

/** Requests the base inspection may send (queries, `/limits`, Metadata API reads, userinfo). */
export const REQUEST_BUDGET = 15;

type Item = { spec: QuerySpec; fields: string[] };
type Chunk = { api: 'data' | 'tooling'; items: Item[] };

export class OrgClient {
  /** Requests sent (composite batches once, token refreshes included). */
  requests = 0;
  readonly notes: string[] = [];
  /** Requests kept back for what runs after the queries (`/limits`, Metadata API reads, userinfo). */
  reserve = 0;
  /** Single queries decided but not yet counted in `requests` (waiting for the limiter). */
  private queued = 0;
  private readonly limiter: Limiter;
  /** APIs whose Composite resource answered 404 (older orgs and API versions): single queries instead. */
  private readonly noComposite = new Set<'data' | 'tooling'>();
  private readonly fallback = { data: { sent: 0, skipped: 0 }, tooling: { sent: 0, skipped: 0 } };
  /**
   * Whether the org has been asked anything yet (by any `queries()` call). Only the client's very
   * first batch may go past the budget check, end the inspection on a connect failure, and read the
   * org's API versions after a 404; later calls (the OauthToken COUNT() fallback, the monitoring's
   * user-name lookup) are ordinary batches.
   */
  private contacted = false;

  constructor(readonly conn: ConnectionLike, opts: { concurrency?: number } = {}) {
    this.limiter = new Limiter(opts.concurrency ?? 4);
    conn.on?.('refresh', this.countRefresh);
  }

  private readonly countRefresh = () => { this.requests++; };

  /** Stops listening to the connection (it outlives the inspection in the extension). */
  dispose(): void { this.conn.removeListener?.('refresh', this.countRefresh); }

  get base(): string { return `/services/data/v${this.conn.version}`; }

  private async send<T>(req: { method: 'GET' | 'POST'; url: string; body?: string; headers?: Record<string, string> }, onStart?: () => void): Promise<T> {
    return this.limiter.run(async () => {
      this.requests++;
      onStart?.();
      try { return await this.conn.request<T>(req); } catch (e) { throw toOrgError(e); }
    });
  }

  /** Runs the queries (batched by API, five per Composite request) and returns one dataset per key. */
  async queries(specs: QuerySpec[], opts: { /** Requests of the API usage monitoring: counted, outside the base budget. */ outsideBudget?: boolean } = {}): Promise<Map<string, Dataset>> {
    const out = new Map<string, Dataset>();
    let retry: Item[] = [];
    const chunksOf = (items: Item[]): Chunk[] => {
      const chunks: Chunk[] = [];
      for (const api of ['data', 'tooling'] as const) {
        const mine = items.filter(s => s.spec.api === api);
        for (let i = 0; i < mine.length; i += QUERIES_PER_COMPOSITE) { chunks.push({ api, items: mine.slice(i, i + QUERIES_PER_COMPOSITE) }); }
      }
      return chunks;
    };
    const chunks = chunksOf(specs.map(spec => ({ spec, fields: spec.fields })));
    const runChunk = async (chunk: Chunk, retrying: number) => {
      let subs: Dataset[];
      const first = !this.contacted;
      this.contacted = true;
      try {
        if (!first && !opts.outsideBudget && !this.noComposite.has(chunk.api) && this.requests + this.queued + this.reserve >= REQUEST_BUDGET) {
          this.fallback[chunk.api].skipped += chunk.items.length;
          subs = chunk.items.map(() => budgetSkip());
        } else subs = this.noComposite.has(chunk.api) ? await this.singles(chunk, opts.outsideBudget) : await this.composite(chunk.api, chunk.items.map(({ spec, fields }) => ({ ref: spec.key, soql: buildSoql(spec, fields) })));
      } catch (e) {
        const err = toOrgError(e);
        if (fatal(err, first)) { throw err; }
        if (err.code === 'NOT_FOUND' && first && await this.olderVersion()) {
          // The org does not offer our API version: the inspection moved to its newest one; ask again.
          subs = await this.composite(chunk.api, chunk.items.map(({ spec, fields }) => ({ ref: spec.key, soql: buildSoql(spec, fields) }))).catch(async (e2: unknown) => {
            const err2 = toOrgError(e2);
            if (fatal(err2, false)) { throw err2; }
            if (err2.code === 'NOT_FOUND') { this.noComposite.add(chunk.api); return this.singles(chunk, opts.outsideBudget); }
            return chunk.items.map(() => failed(err2));
          });
        } else if (err.code === 'NOT_FOUND' && !this.noComposite.has(chunk.api)) {
          // This org (or API version) has no Composite resource for this API: one request per query.
          this.noComposite.add(chunk.api);
          subs = await this.singles(chunk, opts.outsideBudget);
        } else {
          // The whole request failed (API_DISABLED_FOR_ORG, a reset, a 500…): every query of the batch fails alike.
          subs = chunk.items.map(() => failed(err));
        }
      }
      chunk.items.forEach(({ spec, fields }, i) => {
        const r = subs[i];
        if (r.ok) {
          const dropped = spec.fields.filter(f => !fields.includes(f));
          // Fewer rows than totalSize without a LIMIT: a capped page or a queryMore cap (OauthToken).
          const capped = !spec.limit && !spec.count && !spec.groupBy && (r.totalSize ?? 0) > r.value.length;
          // Exactly LIMIT rows: there may be more (with a LIMIT, totalSize counts only the rows returned).
          const full = !!spec.limit && !spec.count && r.value.length >= spec.limit;
          out.set(spec.key, { ...r, truncated: r.truncated || capped || full || undefined, ...(full ? { totalSize: undefined } : {}), dropped: dropped.length ? dropped : undefined });
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
    // The first batch of each other API goes before that API's next ones, so a missing Composite
    // resource (404) costs one request, not one per batch.
    if (chunks.length) { await runChunk(chunks[0], 0); }
    const rest = chunks.slice(1);
    await Promise.all((['data', 'tooling'] as const).map(async api => {
      for (const c of rest.filter(x => x.api === api)) { await runChunk(c, 0); }
    }));
    // Orgs without some optional field: retry without it (each round drops the field named by the error).
    for (let round = 1; retry.length && round <= 3; round++) {
      const pending = retry;
      retry = [];
      await Promise.all(chunksOf(pending).map(c => runChunk(c, round)));
    }
    for (const api of ['data', 'tooling'] as const) {
      const f = this.fallback[api];
      if (!this.noComposite.has(api)) {
        if (f.skipped) { this.notes.push(`${f.skipped} ${api === 'tooling' ? 'Tooling ' : ''}${f.skipped === 1 ? 'query was' : 'queries were'} not sent to stay within the ${REQUEST_BUDGET}-request budget (their checks are unavailable).`); }
        continue;
      }
      const name = api === 'tooling' ? 'The Tooling Composite API (/tooling/composite)' : 'The Composite API (/composite)';
      this.notes.push(`${name} is not available in this org or API version (404): ${f.sent} ${api === 'tooling' ? 'Tooling ' : ''}${f.sent === 1 ? 'query was' : 'queries were'} sent one by one`
        + (f.skipped ? `; ${f.skipped} not sent to stay within the ${REQUEST_BUDGET}-request budget (their checks are unavailable).` : '.'));
    }
    return out;
  }

  /**
   * After a 404 on the very first request: is it our API version the org does not offer? Reads the
   * org's versions (one request) and moves the connection to its newest one when ours is not among them.
   */
  private async olderVersion(): Promise<boolean> {
    let list: unknown;
    try { list = await this.send<unknown>({ method: 'GET', url: '/services/data' }); } catch { return false; }
    const versions = Array.isArray(list) ? list.map(v => (plainObject(v) && typeof v.version === 'string' ? v.version : '')).filter(v => /^\d+\.\d$/.test(v)) : [];
    if (!versions.length || versions.includes(this.conn.version)) { return false; }
    const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
    if (Number(newest) >= Number(this.conn.version)) { return false; }
    this.notes.push(`This org does not offer API v${this.conn.version}; it was inspected with v${newest}, the newest it offers (fields and objects of later versions are unavailable).`);
    this.conn.version = newest;
    return true;
  }

  /** One request per query (no Composite), within the request budget. */
  private async singles(chunk: Chunk, outsideBudget = false): Promise<Dataset[]> {
    const prefix = chunk.api === 'tooling' ? `${this.base}/tooling` : this.base;
    const count = this.fallback[chunk.api];
    return Promise.all(chunk.items.map(async ({ spec, fields }): Promise<Dataset> => {
      // Decided synchronously (the limiter may hold the request back before it is counted).
      if (!outsideBudget && this.requests + this.queued + this.reserve >= REQUEST_BUDGET) {
        count.skipped++;
        return budgetSkip();
      }
      count.sent++;
      this.queued++;
      let counted = false;
      try {
        const b = await this.send<unknown>({ method: 'GET', url: `${prefix}/query?q=${encodeURIComponent(buildSoql(spec, fields))}` }, () => { if (!counted) { counted = true; this.queued--; } });
        return queryResult(b, `${chunk.api === 'tooling' ? 'Tooling ' : ''}query of ${spec.object}`);
      } catch (e) {
        const err = toOrgError(e);
        if (err.kind === 'session') { throw err; }
        return failed(err);
      } finally { if (!counted) { this.queued--; } }
    }));
  }

  private async composite(api: 'data' | 'tooling', subs: { ref: string; soql: string }[]): Promise<Dataset[]> {
    const prefix = api === 'tooling' ? `${this.base}/tooling` : this.base;
    const body = {
      allOrNone: false,
      compositeRequest: subs.map(s => ({ method: 'GET', url: `${prefix}/query?q=${encodeURIComponent(s.soql)}`, referenceId: s.ref })),
    };
    const res = await this.send<unknown>({
      method: 'POST', url: `${prefix}/composite`, body: JSON.stringify(body), headers: { 'content-type': 'application/json' },
    });
    const list = plainObject(res) && Array.isArray(res.compositeResponse) ? res.compositeResponse as CompositeSub[] : undefined;
    if (!list) {
      throw new OrgError(`POST ${prefix}/composite: the answer is not a Composite API response (${describe(res)})`, 'malformed', 'MALFORMED_ANSWER');
    }
    return subs.map(s => {
      const r = list.find(x => plainObject(x) && x.referenceId === s.ref);
      if (!r) { return { ok: false, code: 'MISSING_RESPONSE', message: 'The composite response has no entry for this query.', kind: 'malformed' }; }
      const status = typeof r.httpStatusCode === 'number' ? r.httpStatusCode : 0;
      if (status >= 400 || status === 0) {
        const err = Array.isArray(r.body) ? (r.body[0] as { errorCode?: string; message?: string } | undefined) : undefined;
        const code = typeof err?.errorCode === 'string' ? err.errorCode : `ERROR_HTTP_${status}`;
        const message = scrub((typeof err?.message === 'string' ? err.message : '').trim() || code);
        const kind = classifyHttp(status, code, message);
        if (kind === 'session') { throw new OrgError(message, 'session', code); }
        return { ok: false, code, message, kind };
      }
      return queryResult(r.body, `${api === 'tooling' ? 'Tooling ' : ''}query ${s.ref}`);
    });
  }

  /**
   * Follows a query answer's next pages (queryMore), at most `maxRequests` of them, within the
   * budget. A page that fails stops there: the rows read so far stay, still truncated, and a note says why.
   */
  async more(ds: Dataset, maxRequests: number, what: string): Promise<Dataset> {
    if (!ds.ok) { return ds; }
    let cur: Extract<Dataset, { ok: true }> = ds;
    for (let sent = 0; cur.next && sent < maxRequests && this.requests < REQUEST_BUDGET; sent++) {
      let page: Dataset;
      try { page = queryResult(await this.send<unknown>({ method: 'GET', url: cur.next }), `next page of ${what}`); } catch (e) {
        const err = toOrgError(e);
        if (err.kind === 'session') { throw err; }
        page = failed(err);
      }
      if (!page.ok) { this.notes.push(`${what}: the next page could not be read (${page.code}); the checks use the ${cur.value.length} rows read.`); break; }
      cur = { ...cur, value: [...cur.value, ...page.value], truncated: page.truncated || undefined, next: page.next };
    }
    return cur;
  }

  /** The running user (OpenID Connect userinfo on the instance). */
  async userInfo(): Promise<Dataset<{ user_id?: string; organization_id?: string; preferred_username?: string }>> {
    // Optional: a token without the scope for it just leaves the running user unknown.
    try {
      const v = await this.send<unknown>({ method: 'GET', url: '/services/oauth2/userinfo' });
      if (!plainObject(v)) { throw new OrgError(`userinfo: not an object (${describe(v)})`, 'malformed', 'MALFORMED_ANSWER'); }
      return { ok: true, value: v as { user_id?: string } };
    } catch (e) {
      const err = toOrgError(e);
      if (err.kind === 'session') { throw err; }
      return failed(err);
    }
  }

  /** A file resource (an event log file's CSV: text, or the records jsforce parsed from it): one request. */
  async file(url: string): Promise<Dataset<unknown>> {
    return this.single(() => this.send<unknown>({ method: 'GET', url, headers: { accept: 'text/csv' } }));
  }

  /**
   * The URLs of the new-model Named Credentials (Connect REST API `named-credentials/named-credential-setup`,
   * API 58.0+): developer name (namespace-qualified) → calloutUrl. One request.
   */
  async namedCredentialUrls(): Promise<Dataset<Map<string, string>>> {
    return this.single(async () => {
      const v = await this.send<unknown>({ method: 'GET', url: `${this.base}/named-credentials/named-credential-setup` });
      const list = plainObject(v) && Array.isArray(v.namedCredentials) ? v.namedCredentials : undefined;
      if (!list) { throw new OrgError(`GET ${this.base}/named-credentials/named-credential-setup: not a Named Credential List (${describe(v)})`, 'malformed', 'MALFORMED_ANSWER'); }
      const out = new Map<string, string>();
      for (const n of list) {
        if (plainObject(n) && typeof n.developerName === 'string' && typeof n.calloutUrl === 'string' && n.calloutUrl) { out.set(n.developerName.toLowerCase(), n.calloutUrl); }
      }
      return out;
    });
  }

  /** `/limits`. */
  async limits(): Promise<Dataset<Record<string, unknown>>> {
    return this.single(async () => {
      const v = await this.send<unknown>({ method: 'GET', url: `${this.base}/limits` });
      if (!plainObject(v)) { throw new OrgError(`GET ${this.base}/limits: the answer is not a limits object (${describe(v)})`, 'malformed', 'MALFORMED_ANSWER'); }
      return v;
    });
  }

  /**
   * Metadata API readMetadata of every name, 10 names per request, at most `maxReads` requests.
   * Names beyond those reads are not read: the dataset is then truncated with `read` (names asked)
   * of `totalSize` (names wanted). A read that fails fails the dataset (never a silent half).
   */
  async readMetadataAll(type: string, fullNames: string[], maxReads: number): Promise<Dataset<Record<string, unknown>[]>> {
    const asked = fullNames.slice(0, Math.max(0, maxReads) * 10);
    const batches: string[][] = [];
    for (let i = 0; i < asked.length; i += 10) { batches.push(asked.slice(i, i + 10)); }
    const got = await Promise.all(batches.map(b => this.readMetadata(type, b)));
    const bad = got.find(d => !d.ok);
    if (bad) { return bad; }
    const value = got.flatMap(d => (d.ok ? d.value : []));
    return asked.length < fullNames.length ? { ok: true, value, truncated: true, read: asked.length, totalSize: fullNames.length } : { ok: true, value };
  }

  /** Metadata API readMetadata (at most 10 names: one request); always an array of records that exist (missing names dropped). */
  async readMetadata(type: string, fullNames: string[]): Promise<Dataset<Record<string, unknown>[]>> {
    if (!fullNames.length) { return { ok: true, value: [] }; }
    if (fullNames.length > 10) { return this.readMetadataAll(type, fullNames, Math.ceil(fullNames.length / 10)); }
    return this.single(async () => {
      return this.limiter.run(async () => {
        this.requests++;
        let r: unknown;
        try { r = await this.conn.metadata.read(type, fullNames); } catch (e) {
          const err = toOrgError(e);
          // jsforce throws TypeErrors on envelopes it cannot walk: that is a malformed answer, not a bug of ours.
          throw e instanceof TypeError ? new OrgError(`Metadata API readMetadata(${type}): malformed answer (${err.message})`, 'malformed', 'MALFORMED_SOAP') : err;
        }
        // One record per name asked ('nil' for names that do not exist): anything else is not a readMetadata answer.
        const arr = Array.isArray(r) ? r : [r];
        if (r === undefined || r === null || arr.some(x => x !== null && x !== undefined && !plainObject(x))) {
          throw new OrgError(`Metadata API readMetadata(${type}): malformed answer (${describe(r)})`, 'malformed', 'MALFORMED_SOAP');
        }
        return (arr as Record<string, unknown>[]).filter(x => x && typeof x.fullName === 'string' && x.fullName);
      });
    });
  }

  private async single<T>(fn: () => Promise<T>): Promise<Dataset<T>> {
    try {
      return { ok: true, value: await fn() };
    } catch (e) {
      const err = toOrgError(e);
      if (err.kind === 'session') { throw err; }
      return failed(err);
    }
  }
}

const budgetSkip = (): Dataset => ({ ok: false, code: 'REQUEST_BUDGET', kind: 'other',
  message: `Not read: the ${REQUEST_BUDGET}-request budget was used up by single queries (no Composite API in this org or API version).` });

/** A query answer (REST or Tooling) as a dataset; anything without a `records` array is malformed. */
function queryResult(body: unknown, what: string): Dataset {
  if (!plainObject(body) || !Array.isArray(body.records)) {
    return { ok: false, code: 'MALFORMED_ANSWER', message: `The ${what} answered without records (${describe(body)}).`, kind: 'malformed' };
  }
  const next = body.done === false && typeof body.nextRecordsUrl === 'string' && /^\/services\/data\/v\d+\.\d\/(tooling\/)?query\/[\w-]+$/.test(body.nextRecordsUrl) ? body.nextRecordsUrl : undefined;
  return { ok: true, value: body.records as SObjectRecord[], truncated: body.done === false, totalSize: typeof body.totalSize === 'number' ? body.totalSize : undefined, ...(next ? { next } : {}) };
}

function describe(v: unknown): string {
  if (typeof v === 'string') { return v.trim() ? `${v.length} characters of text` : 'an empty body'; }
  if (Array.isArray(v)) { return `an array of ${v.length}`; }
  return v === null || v === undefined ? 'nothing' : typeof v === 'object' ? `an object with ${Object.keys(v).slice(0, 3).join(', ') || 'no fields'}` : typeof v;
}
