/**
 * A fake Salesforce org over real HTTP on 127.0.0.1 (random port), speaking the wire protocol
 * jsforce 3 uses: REST and Tooling query + queryMore locators, Composite (`/composite`,
 * `/tooling/composite`, ≤ 25 subrequests of which ≤ 5 queries), `/limits`, OAuth 2.0
 * (`/services/oauth2/authorize`, `/token` with refresh and authorization-code + PKCE checks,
 * `/revoke`) and Metadata API `readMetadata` over SOAP. Org state comes from JSON fixtures
 * (`fixtures/*.json`, see README.md); every request is counted.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Socket } from 'node:net';
import { execute, SoqlError, type Db, type Rec, type Schema } from './soql';
import { materializeUsage, type UsageSpec } from './usage';
import { largeFixture } from './large';

export interface Fixture {
  name: string;
  extends?: string;
  orgId: string;
  user: { id: string; username: string };
  /** REST data object → records. */
  objects: Record<string, Rec[]>;
  /** Tooling object → records. */
  tooling: Record<string, Rec[]>;
  /** Object (or `tooling:Object`) → error code answered instead of data. */
  deny?: Record<string, string>;
  /** Objects whose rows are limited to the running user's (`UserId` field). */
  ownRowsOnly?: string[];
  /** Object → fields this org does not have. */
  removeFields?: Record<string, string[]>;
  /** Object → aggregate support different from schema.json (e.g. an org whose OauthToken answers GROUP BY). */
  aggregates?: Record<string, 'full' | 'count' | 'none'>;
  /** The error code of an aggregate refusal (default MALFORMED_QUERY; which code a real org sends is not documented). */
  aggregateRefusalCode?: string;
  /** With `extends`: the fixture's rows are added to the base's instead of replacing them. */
  appendRows?: boolean;
  /** Objects removed from an extended fixture. */
  removeObjects?: string[];
  limits?: Record<string, unknown>;
  limitsError?: string;
  metadata?: Record<string, Record<string, unknown>>;
  metadataError?: string;
  /** EventLogFile Id → the CSV served at `…/sobjects/EventLogFile/<Id>/LogFile`. */
  logFiles?: Record<string, string>;
  /** API requests, served as ApiTotalUsageEventLog rows and/or ApiTotalUsage log files (usage.ts). */
  usage?: UsageSpec;
  apiDisabled?: boolean;
  batchSize?: number;
}

export interface RequestLog { method: string; path: string; status: number }

/**
 * Fault injection: what the server does instead of (or to) its normal answer.
 * - `reset`: closes the connection without answering; `reset-mid-body`: sends the headers and half
 *   the body (Content-Length of the whole), then resets; `truncate`: a well-framed answer holding only
 *   the first half of the body (a cut SOAP envelope, a cut JSON document); `hang`: accepts and never answers;
 * - `status-500` (UNKNOWN_EXCEPTION), `html-503` (a maintenance page), `html-200` (a login page with
 *   status 200), `garbage` (200, JSON content type, not JSON), `empty-500` (500 with no body),
 *   `rate-limit` (403 REQUEST_LIMIT_EXCEEDED), `api-disabled` (403 API_DISABLED_FOR_ORG),
 *   `always-401` (401 INVALID_SESSION_ID whatever the token, including freshly refreshed ones),
 *   `query-timeout` (400 QUERY_TIMEOUT), `malformed-query` (400 MALFORMED_QUERY).
 */
export type FaultKind = 'reset' | 'reset-mid-body' | 'truncate' | 'hang' | 'status-500' | 'html-503' | 'html-200' | 'garbage'
  | 'empty-500' | 'rate-limit' | 'api-disabled' | 'always-401' | 'not-found' | 'query-timeout' | 'malformed-query';

/** Paths of the endpoints a fault can target. */
export const ENDPOINT = {
  any: /^\/services\/(data|Soap)\//,
  data: /^\/services\/data\/v[\d.]+\/composite$/,
  tooling: /^\/services\/data\/v[\d.]+\/tooling\/composite$/,
  limits: /^\/services\/data\/v[\d.]+\/limits$/,
  soap: /^\/services\/Soap\/m\//,
  token: /^\/services\/oauth2\/token$/,
  userinfo: /^\/services\/oauth2\/userinfo$/,
} as const;

export interface Fault {
  path: RegExp;
  kind: FaultKind;
  /** How many matching requests get the fault (default: all). */
  times?: number;
}

export interface FakeOrg {
  url: string;
  fixture: Fixture;
  accessToken: string;
  refreshToken: string;
  clientId: string;
  requests: RequestLog[];
  /** API requests (userinfo included; the OAuth token, authorize and revoke endpoints excluded). */
  apiRequests(): number;
  resetCounts(): void;
  /** Makes every access token issued so far invalid (the next call gets 401). */
  expireAccessTokens(): void;
  /** Makes the refresh token invalid too (refresh fails with invalid_grant). */
  revokeRefreshToken(): void;
  /** Faults applied to matching requests, in order (the first match wins); tests push to it. */
  faults: Fault[];
  /** The server's self-signed certificate (PEM) when started with `tls: true`. */
  certificate?: string;
  close(): Promise<void>;
}

/** The source folder (fixtures and schema are JSON beside the sources, not compiled to out/). */
const FAKE_DIR = (() => {
  let d = __dirname;
  while (!existsSync(path.join(d, 'test', 'fake-org', 'schema.json')) && path.dirname(d) !== d) { d = path.dirname(d); }
  return path.join(d, 'test', 'fake-org');
})();

export const FIXTURES = ['hardened', 'careless', 'no-shield', 'no-view-setup', 'large'] as const;

/** Loads a fixture by name, applying `extends` and resolving relative dates (`@-3d`, `@date+20d`). */
export function loadFixture(name: string, now = new Date()): Fixture {
  const fx = loadRaw(name, now);
  if (fx.usage) {
    const u = materializeUsage(fx.usage, fx.orgId, now);
    fx.objects = { ...fx.objects, ...(fx.usage.object ? { ApiTotalUsageEventLog: u.events } : {}) };
    if (fx.usage.files) { fx.objects.EventLogFile = [...(fx.objects.EventLogFile ?? []), ...u.files]; fx.logFiles = { ...(fx.logFiles ?? {}), ...u.logFiles }; }
  }
  return fx;
}

function loadRaw(name: string, now: Date): Fixture {
  // `large` is generated (tens of thousands of rows), not stored.
  const raw = name === 'large' ? largeFixture() : JSON.parse(readFileSync(path.join(FAKE_DIR, 'fixtures', `${name}.json`), 'utf8')) as Fixture;
  let fx: Fixture = raw;
  if (raw.extends) {
    const base = loadRaw(raw.extends, now);
    fx = {
      ...base, ...raw,
      objects: raw.appendRows ? Object.fromEntries([...new Set([...Object.keys(base.objects), ...Object.keys(raw.objects ?? {})])]
        .map(k => [k, [...(base.objects[k] ?? []), ...(raw.objects?.[k] ?? [])]])) : { ...base.objects, ...(raw.objects ?? {}) },
      tooling: { ...base.tooling, ...(raw.tooling ?? {}) },
      metadata: { ...(base.metadata ?? {}), ...(raw.metadata ?? {}) },
      deny: { ...(base.deny ?? {}), ...(raw.deny ?? {}) },
      removeFields: { ...(base.removeFields ?? {}), ...(raw.removeFields ?? {}) },
    };
    for (const o of raw.removeObjects ?? []) { delete fx.objects[o]; delete fx.tooling[o]; }
  }
  return resolveDates(fx, now) as Fixture;
}

function resolveDates(v: unknown, now: Date): unknown {
  if (typeof v === 'string') {
    const m = /^@(date)?([+-]\d+)([dh])$/.exec(v);
    if (!m) { return v; }
    const ms = now.getTime() + Number(m[2]) * (m[3] === 'd' ? 86_400_000 : 3_600_000);
    const iso = new Date(ms).toISOString();
    return m[1] ? iso.slice(0, 10) : iso.replace('Z', '+0000');
  }
  if (Array.isArray(v)) { return v.map(x => resolveDates(x, now)); }
  if (v && typeof v === 'object') { return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveDates(x, now)])); }
  return v;
}

const SCHEMA = JSON.parse(readFileSync(path.join(FAKE_DIR, 'schema.json'), 'utf8')) as { data: Schema; tooling: Schema };

function schemaFor(fx: Fixture, api: 'data' | 'tooling'): Schema {
  const present = api === 'data' ? fx.objects : fx.tooling;
  const out: Schema = {};
  for (const [name, s] of Object.entries(SCHEMA[api])) {
    // An object the fixture does not list does not exist in this org (INVALID_TYPE), except the
    // ones other objects relate to (User, Profile, PermissionSet), which always exist.
    if (!(name in present) && !['User', 'Profile', 'PermissionSet'].includes(name)) { continue; }
    const removed = new Set(fx.removeFields?.[name] ?? []);
    out[name] = { ...s, fields: s.fields.filter(f => !removed.has(f)), ...(fx.aggregates?.[name] ? { aggregates: fx.aggregates[name] } : {}) };
  }
  return out;
}

function sfId(prefix: string): string { return prefix + randomBytes(9).toString('hex').slice(0, 15); }
function token(orgId: string): string { return `${orgId}!AQ${randomBytes(30).toString('base64url')}`; }

interface Reply { status: number; body: unknown; contentType?: string; headers?: Record<string, string> }
const err = (status: number, errorCode: string, message: string): Reply => ({ status, body: [{ message, errorCode }] });

/** A throw-away self-signed certificate for 127.0.0.1 (openssl), for the TLS fault cases. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'fake-org-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8') };
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

export async function startFakeOrg(fixtureOrName: Fixture | string, opts: { clientId?: string; now?: Date; tls?: boolean; faults?: Fault[]; maxApiVersion?: string } = {}): Promise<FakeOrg> {
  const fx = typeof fixtureOrName === 'string' ? loadFixture(fixtureOrName, opts.now) : fixtureOrName;
  const clientId = opts.clientId ?? 'ApiGuardTestClient';
  const valid = new Set<string>();
  let refreshToken = `5Aep861${randomBytes(24).toString('base64url')}`;
  let refreshValid = true;
  const codes = new Map<string, { challenge?: string; redirectUri: string; clientId: string }>();
  const locators = new Map<string, { rows: Rec[]; total: number; api: 'data' | 'tooling'; object?: string; served: number }>();
  const requests: RequestLog[] = [];
  const faults: Fault[] = [...(opts.faults ?? [])];
  const open = new Set<Socket>();
  const first = token(fx.orgId);
  valid.add(first);
  let url = '';

  const dbs = {
    data: { schema: schemaFor(fx, 'data'), records: (o: string) => rowsOf(o, 'data') } as Db,
    tooling: { schema: schemaFor(fx, 'tooling'), records: (o: string) => rowsOf(o, 'tooling') } as Db,
  };
  function rowsOf(object: string, api: 'data' | 'tooling'): Rec[] {
    const all = (api === 'data' ? fx.objects : fx.tooling)[object] ?? [];
    return fx.ownRowsOnly?.includes(object) ? all.filter(r => r.UserId === fx.user.id) : all;
  }

  const attributesUrl = (api: 'data' | 'tooling', v: string) => (type: string, id: unknown) =>
    `/services/data/v${v}/${api === 'tooling' ? 'tooling/' : ''}sobjects/${type}/${typeof id === 'string' ? id : ''}`;

  /**
   * One page of a query. Objects may have their own page size and a cap on the rows reachable
   * through queryMore (OauthToken: 500 a page, 2,500 in all): past the cap the answer says
   * `done: true` while totalSize still counts every match, as the platform does.
   */
  function page(rows: Rec[], total: number, api: 'data' | 'tooling', v: string, object?: string, served = 0): Reply {
    const s = object ? SCHEMA[api][object] : undefined;
    const size = Math.min(s?.pageSize ?? Infinity, fx.batchSize ?? 2000);
    const room = s?.maxRows !== undefined ? Math.max(0, s.maxRows - served) : Infinity;
    const take = Math.min(size, room);
    if (rows.length <= take || take >= room) {
      return { status: 200, body: { totalSize: total, done: true, records: rows.slice(0, take) } };
    }
    const loc = `01g${randomBytes(6).toString('hex')}-${served + take}`;
    locators.set(loc, { rows: rows.slice(take), total, api, object, served: served + take });
    return { status: 200, body: { totalSize: total, done: false, nextRecordsUrl: `/services/data/v${v}/${api === 'tooling' ? 'tooling/' : ''}query/${loc}`, records: rows.slice(0, take) } };
  }

  function query(api: 'data' | 'tooling', soql: string, v: string): Reply {
    try {
      const objMatch = /\bFROM\s+(\w+)/i.exec(soql)?.[1] ?? '';
      const denied = fx.deny?.[api === 'tooling' ? `tooling:${objMatch}` : objMatch];
      if (denied) {
        return denied === 'INVALID_TYPE'
          ? err(400, 'INVALID_TYPE', `\n${soql}\n^\nERROR at Row:1:Column:1\nsObject type '${objMatch}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`)
          : err(403, denied, denied === 'INSUFFICIENT_ACCESS' ? 'insufficient access rights on cross-reference id' : `Access to ${objMatch} denied`);
      }
      const out = execute(dbs[api], soql, opts.now ?? new Date(), attributesUrl(api, v));
      if (out.aggregate) {
        // An aggregate answer is never paged: past one batch (2,000 rows) without a LIMIT that keeps it
        // within one, the platform refuses the query (Salesforce Help 000386516).
        if (out.records.length > Math.min(fx.batchSize ?? 2000, 2000) && !(out.limit !== undefined && out.limit <= 2000)) {
          return err(400, 'EXCEEDED_ID_LIMIT', 'Aggregate query does not support queryMore(), use LIMIT to restrict the results to a single batch');
        }
        return { status: 200, body: { totalSize: out.totalSize, done: true, records: out.records } };
      }
      return page(out.records, out.totalSize, api, v, out.object);
    } catch (e) {
      if (e instanceof SoqlError) { return err(400, fx.aggregateRefusalCode && /does not support aggregate queries/.test(e.message) ? fx.aggregateRefusalCode : e.errorCode, e.message); }
      throw e;
    }
  }

  function route(method: string, p: string, q: URLSearchParams, body: string, headers: http.IncomingHttpHeaders): Reply {
    // ---- OAuth
    if (p === '/services/oauth2/authorize' && method === 'GET') {
      const code = `aPrx${randomBytes(16).toString('hex')}`;
      codes.set(code, { challenge: q.get('code_challenge') ?? undefined, redirectUri: q.get('redirect_uri') ?? '', clientId: q.get('client_id') ?? '' });
      const to = new URL(q.get('redirect_uri') ?? 'http://127.0.0.1/');
      to.searchParams.set('code', code);
      if (q.get('state')) { to.searchParams.set('state', q.get('state')!); }
      return { status: 302, body: '', headers: { location: to.toString() }, contentType: 'text/plain' };
    }
    if (p === '/services/oauth2/token' && method === 'POST') {
      const f = new URLSearchParams(body);
      const bad = (error: string, description: string): Reply => ({ status: 400, body: { error, error_description: description } });
      if (f.get('client_id') !== clientId) { return bad('invalid_client_id', 'client identifier invalid'); }
      const issue = (withRefresh: boolean): Reply => {
        const at = token(fx.orgId);
        valid.add(at);
        return { status: 200, body: {
          access_token: at, ...(withRefresh ? { refresh_token: refreshToken } : {}), signature: randomBytes(20).toString('base64'),
          scope: 'refresh_token api', instance_url: url, id: `${url}/id/${fx.orgId}/${fx.user.id}`, token_type: 'Bearer', issued_at: String(Date.now()),
        } };
      };
      if (f.get('grant_type') === 'refresh_token') {
        if (!refreshValid || f.get('refresh_token') !== refreshToken) { return bad('invalid_grant', 'expired access/refresh token'); }
        return issue(false);
      }
      if (f.get('grant_type') === 'authorization_code') {
        const c = codes.get(f.get('code') ?? '');
        if (!c) { return bad('invalid_grant', 'invalid authorization code'); }
        codes.delete(f.get('code')!);
        if (c.redirectUri !== f.get('redirect_uri')) { return bad('redirect_uri_mismatch', 'redirect_uri must match configuration'); }
        if (c.challenge) {
          const verifier = f.get('code_verifier');
          if (!verifier) { return bad('invalid_grant', 'invalid code verifier'); }
          if (createHash('sha256').update(verifier).digest('base64url') !== c.challenge) { return bad('invalid_request', 'invalid code verifier'); }
        }
        refreshToken = `5Aep861${randomBytes(24).toString('base64url')}`;
        refreshValid = true;
        return issue(true);
      }
      return bad('unsupported_grant_type', 'grant type not supported');
    }
    if (p === '/services/oauth2/revoke' && method === 'POST') {
      const t = new URLSearchParams(body).get('token') ?? '';
      if (t === refreshToken) { refreshValid = false; }
      valid.delete(t);
      return { status: 200, body: '' , contentType: 'text/plain' };
    }

    // ---- SOAP Metadata API (session in the envelope)
    const soap = /^\/services\/Soap\/m\/(\d+\.\d)$/.exec(p);
    if (soap && method === 'POST') {
      if (opts.maxApiVersion && Number(soap[1]) > Number(opts.maxApiVersion)) { return err(404, 'NOT_FOUND', 'The requested resource does not exist'); }
      return metadata(body);
    }

    // ---- REST (Bearer)
    const auth = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    if (!auth || !valid.has(auth)) { return err(401, 'INVALID_SESSION_ID', 'Session expired or invalid'); }
    if (p === '/services/oauth2/userinfo' && method === 'GET') {
      return { status: 200, body: { sub: `${url}/id/${fx.orgId}/${fx.user.id}`, user_id: fx.user.id, organization_id: fx.orgId, preferred_username: fx.user.username, active: true } };
    }
    if (fx.apiDisabled) { return err(403, 'API_DISABLED_FOR_ORG', 'The REST API is not enabled for this Organization.'); }
    if (p === '/services/data' || p === '/services/data/') {
      const versions = ['55.0', '56.0', '57.0', '58.0', '59.0', '60.0', '61.0', '62.0', '63.0', '64.0', '65.0'].filter(v => !opts.maxApiVersion || Number(v) <= Number(opts.maxApiVersion));
      return { status: 200, body: versions.map(v => ({ label: `API ${v}`, url: `/services/data/v${v}`, version: v })) };
    }
    // An older org: API versions above its newest do not exist (REST and SOAP alike).
    const asked = /^\/services\/(?:data\/v|Soap\/m\/)(\d+\.\d)/.exec(p)?.[1];
    if (asked && opts.maxApiVersion && Number(asked) > Number(opts.maxApiVersion)) { return err(404, 'NOT_FOUND', 'The requested resource does not exist'); }
    // Connect REST API "Named Credentials" (58.0+): the named credentials of the new model with their URL
    // (calloutUrl), which the NamedCredential object's Endpoint field holds for legacy ones only.
    const ncSetup = /^\/services\/data\/v(\d+\.\d)\/named-credentials\/named-credential-setup$/.exec(p);
    if (ncSetup && method === 'GET') {
      if (Number(ncSetup[1]) < 58) { return err(404, 'NOT_FOUND', 'The requested resource does not exist'); }
      const denied = fx.deny?.['tooling:NamedCredential'];
      if (denied) { return err(403, denied === 'INVALID_TYPE' ? 'INSUFFICIENT_ACCESS' : denied, 'You do not have access to named credentials.'); }
      const namedCredentials = (fx.tooling.NamedCredential ?? []).filter(r => r.NamedCredentialType !== 'Legacy').map(r => ({
        developerName: r.DeveloperName, masterLabel: r.MasterLabel, type: r.NamedCredentialType, calloutUrl: r.CalloutUrl ?? null, calloutStatus: r.CalloutStatus ?? 'Enabled', id: r.Id }));
      return { status: 200, body: { namedCredentials } };
    }
    const logFile = /^\/services\/data\/v\d+\.\d\/sobjects\/EventLogFile\/(\w+)\/LogFile$/.exec(p);
    if (logFile && method === 'GET') {
      const csv = fx.logFiles?.[logFile[1]];
      return csv === undefined ? err(404, 'NOT_FOUND', 'The requested resource does not exist') : { status: 200, body: csv, contentType: 'text/csv' };
    }
    const sobject = /^\/services\/data\/v\d+\.\d\/sobjects\/(\w+)\/(\w+)$/.exec(p);
    if (sobject && method === 'GET') {
      const rec = (fx.objects[sobject[1]] ?? []).find(r => r.Id === sobject[2]);
      return rec ? { status: 200, body: { attributes: { type: sobject[1], url: p }, ...rec } } : err(404, 'NOT_FOUND', 'The requested resource does not exist');
    }
    return rest(method, p, q, body);
  }

  function rest(method: string, p: string, q: URLSearchParams, body: string): Reply {
    const m = /^\/services\/data\/v(\d+\.\d)(\/tooling)?\/(query|composite|limits)(?:\/([\w-]+))?\/?$/.exec(p);
    if (!m) { return err(404, 'NOT_FOUND', 'The requested resource does not exist'); }
    const [, v, tooling, resource, locator] = m;
    const api = tooling ? 'tooling' : 'data';
    if (resource === 'query' && method === 'GET') {
      if (locator) {
        const l = locators.get(locator);
        if (!l || l.api !== api) { return err(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator'); }
        locators.delete(locator);
        return page(l.rows, l.total, api, v, l.object, l.served);
      }
      const soql = q.get('q');
      if (!soql) { return err(400, 'MALFORMED_QUERY', 'A query string has to be specified'); }
      return query(api, soql, v);
    }
    if (resource === 'limits' && method === 'GET' && !tooling) {
      if (fx.limitsError) { return err(403, fx.limitsError, 'The user does not have the View Setup and Configuration permission.'); }
      return { status: 200, body: fx.limits ?? {} };
    }
    if (resource === 'composite' && method === 'POST' && !locator) {
      let req: { compositeRequest?: { method: string; url: string; referenceId: string }[] };
      try { req = JSON.parse(body) as typeof req; } catch { return err(400, 'JSON_PARSER_ERROR', 'Unexpected character in the request body'); }
      const subs = req.compositeRequest ?? [];
      if (!subs.length || subs.length > 25) { return err(400, 'INVALID_BATCH_REQUEST', 'The composite request must contain between 1 and 25 subrequests.'); }
      const queries = subs.filter(s => /\/query(All)?\b/.test(s.url)).length;
      if (queries > 5) { return err(400, 'INVALID_BATCH_REQUEST', 'A composite request can contain at most 5 query or sObject Collections subrequests.'); }
      const compositeResponse = subs.map(s => {
        const u = new URL(s.url, 'http://x');
        const r = s.method === 'GET' && u.pathname.startsWith(`/services/data/v${v}${tooling ? '/tooling' : ''}/`)
          ? rest('GET', u.pathname, u.searchParams, '')
          : err(400, 'INVALID_URL', `The URL ${u.pathname} is not valid in this composite request.`);
        return { body: r.body, httpHeaders: {}, httpStatusCode: r.status, referenceId: s.referenceId };
      });
      return { status: 200, body: { compositeResponse } };
    }
    return err(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed.`);
  }

  function metadata(body: string): Reply {
    const fault = (code: string, msg: string): Reply => ({ status: 500, contentType: 'text/xml;charset=UTF-8',
      body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${code}: ${esc(msg)}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>` });
    const session = /<sessionId>([^<]*)<\/sessionId>/.exec(body)?.[1] ?? '';
    if (!valid.has(session)) { return fault('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session'); }
    const read = /<readMetadata>([\s\S]*)<\/readMetadata>/.exec(body)?.[1];
    if (!read) { return fault('INVALID_OPERATION', 'Only readMetadata is implemented by the fake org'); }
    if (fx.metadataError) { return fault(fx.metadataError, 'insufficient access rights on object id'); }
    const type = /<type>([^<]*)<\/type>/.exec(read)?.[1] ?? '';
    const names = [...read.matchAll(/<fullNames>([^<]*)<\/fullNames>/g)].map(x => unesc(x[1]));
    if (names.length > 10) { return fault('INVALID_CROSS_REFERENCE_KEY', 'readMetadata accepts at most 10 names'); }
    const byName = fx.metadata?.[type] ?? {};
    const records = names.map(n => byName[n]
      ? `<records xsi:type="${type}">${toXml({ fullName: n, ...(byName[n] as Rec) })}</records>`
      : '<records xsi:nil="true"/>').join('');
    return { status: 200, contentType: 'text/xml;charset=UTF-8',
      body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><readMetadataResponse><result>${records}</result></readMetadataResponse></soapenv:Body></soapenv:Envelope>` };
  }

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const fault = takeFault(u.pathname);
      let reply: Reply;
      try {
        const canned = fault ? FAULT_REPLIES[fault] : undefined;
        reply = fault === 'always-401' ? (ENDPOINT.soap.test(u.pathname) ? SOAP_INVALID_SESSION : err(401, 'INVALID_SESSION_ID', 'Session expired or invalid'))
          : canned ?? route(req.method ?? 'GET', u.pathname, u.searchParams, Buffer.concat(chunks).toString('utf8'), req.headers);
      } catch (e) {
        reply = err(400, 'UNKNOWN_EXCEPTION', e instanceof Error ? e.message : String(e));
      }
      requests.push({ method: req.method ?? 'GET', path: u.pathname, status: fault === 'hang' || fault === 'reset' ? 0 : reply.status });
      if (fault === 'hang') { return; }
      if (fault === 'reset') { req.socket.destroy(); return; }
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      const head = { 'content-type': reply.contentType ?? 'application/json;charset=UTF-8', 'sforce-limit-info': 'api-usage=18/15000', ...(reply.headers ?? {}) };
      const bytes = Buffer.from(text, 'utf8');
      if (fault === 'reset-mid-body') {
        res.writeHead(reply.status, { ...head, 'content-length': String(bytes.length) });
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => setTimeout(() => req.socket.destroy(), 20));
        return;
      }
      if (fault === 'truncate') {
        res.writeHead(reply.status, head);
        res.end(bytes.subarray(0, Math.floor(bytes.length / 2)));
        return;
      }
      res.writeHead(reply.status, head);
      res.end(bytes);
    });
  };
  function takeFault(p: string): FaultKind | undefined {
    const f = faults.find(x => x.path.test(p) && (x.times === undefined || x.times > 0));
    if (!f) { return undefined; }
    if (f.times !== undefined) { f.times--; }
    return f.kind;
  }
  const tls = opts.tls ? selfSignedCertificate() : undefined;
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  server.on('connection', (s: Socket) => { open.add(s); s.on('close', () => open.delete(s)); });
  server.on('secureConnection', (s: Socket) => { open.add(s); s.on('close', () => open.delete(s)); });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  url = `${tls ? 'https' : 'http'}://127.0.0.1:${addr.port}`;
  return {
    url, fixture: fx, accessToken: first, get refreshToken() { return refreshToken; }, clientId, requests,
    apiRequests: () => requests.filter(r => !/^\/services\/oauth2\/(token|authorize|revoke)$/.test(r.path)).length,
    resetCounts: () => { requests.length = 0; },
    expireAccessTokens: () => { valid.clear(); },
    revokeRefreshToken: () => { refreshValid = false; },
    faults, certificate: tls?.cert,
    close: () => new Promise<void>(r => { for (const s of open) { s.destroy(); } server.close(() => r()); }),
  };
}

const HTML_503 = '<!DOCTYPE html><html><head><title>Salesforce - Down for Maintenance</title></head><body><h1>Down for maintenance</h1><p>We are down for maintenance. Sorry for the inconvenience.</p></body></html>';
const HTML_LOGIN = '<!DOCTYPE html><html><head><title>Login | Salesforce</title></head><body><form method="post" action="/"><input name="username"><input name="pw" type="password"></form></body></html>';

const SOAP_INVALID_SESSION: Reply = { status: 500, contentType: 'text/xml;charset=UTF-8',
  body: '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>' };

/** Canned answers of the fault kinds that replace the whole reply. */
const FAULT_REPLIES: Partial<Record<FaultKind, Reply>> = {
  'status-500': err(500, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-123456789)'),
  'html-503': { status: 503, body: HTML_503, contentType: 'text/html;charset=UTF-8' },
  'html-200': { status: 200, body: HTML_LOGIN, contentType: 'text/html;charset=UTF-8' },
  garbage: { status: 200, body: '\u0000\u0007{"records": [ {"Id": ', contentType: 'application/json;charset=UTF-8' },
  'empty-500': { status: 500, body: '', contentType: 'text/plain' },
  'rate-limit': err(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'),
  'api-disabled': err(403, 'API_DISABLED_FOR_ORG', 'The REST API is not enabled for this Organization.'),
  'not-found': err(404, 'NOT_FOUND', 'The requested resource does not exist'),
  'query-timeout': err(400, 'QUERY_TIMEOUT', 'Your query request was running for too long.'),
  'malformed-query': err(400, 'MALFORMED_QUERY', 'unexpected token: \'FROM\''),
};

function esc(s: string): string { return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }
function unesc(s: string): string { return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&'); }

/** JSON → Metadata API XML body (arrays repeat the element). */
export function toXml(v: unknown): string {
  if (v === null || v === undefined) { return ''; }
  if (typeof v !== 'object') { return esc(typeof v === 'string' ? v : JSON.stringify(v)); }
  let out = '';
  for (const [k, x] of Object.entries(v as Rec)) {
    for (const item of Array.isArray(x) ? x : [x]) { out += `<${k}>${toXml(item)}</${k}>`; }
  }
  return out;
}

/** `sfId` is exported for fixtures built in tests. */
export { sfId };
