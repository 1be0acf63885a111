/**
 * One inspection: fetch (phase 1: the batched queries; phase 2: `/limits` and the Metadata API reads
 * that depend on phase 1), then evaluate every check. Every request goes through a NetGuard
 * (request and total timeouts, bounded refresh, checked answers). Throws only OrgError 'session'
 * (re-login needed), or 'network'/'tls'/'timeout' when the org cannot be reached at all (the first
 * request got no answer); every other failure ends up in a check as `unavailable` with its cause,
 * and `coverage` says whether the result can be trusted as clean.
 */
import { OrgClient, REQUEST_BUDGET, type ConnectionLike, type Dataset, type QuerySpec, type SObjectRecord } from './client';
import { NetGuard, type NetOptions } from './transport';
import { coverageNotes, coverageOf } from './coverage';
import { OrgError } from './types';
import { evaluate, MONITORING_OFF, person, text, usersFrom, type OrgUser } from './checks';
import { AGGREGATE_LIMIT, DEFAULT_USAGE_DAYS, LOGIN_DAYS, MAX_USAGE_DAYS, OWN_ROWS_ONLY, QUERIES, STALE_TOKEN_DAYS, TOKEN_FALLBACK, profileFullName } from './plan';
import { buildUsage, rowsFromAggregate, rowsFromLogFile, windowDays, type UsageRow } from './monitoring';
import type { ApiUsage, InspectionReport, OrgInfo } from './types';

export interface InspectOptions {
  alias?: string;
  username?: string;
  /** The running user's id when known (saves the userinfo request). */
  userId?: string;
  /** Callout origins found in the workspace (named-credentials.workspace). */
  workspaceOrigins?: string[];
  concurrency?: number;
  now?: Date;
  /** Request and total timeouts (defaults 30 s and 120 s). */
  net?: NetOptions;
  /** Exit-2 threshold: the share of checks (percent) that must be evaluated (default 50). */
  minPercent?: number;
  /** API usage monitoring window in days (default 7, at most 14; 0 turns monitoring off). */
  usageDays?: number;
}

/** Requests the base inspection keeps for phase 2: `/limits`, three Metadata API reads, userinfo. */
const PHASE_2_REQUESTS = 5;

export async function inspectOrg(conn: ConnectionLike, opts: InspectOptions = {}): Promise<InspectionReport> {
  const guard = new NetGuard(opts.net);
  guard.install(conn);
  let timer: NodeJS.Timeout | undefined;
  // Safety net for calls the guard cannot see (e.g. @salesforce/core's own token refresh).
  const overall = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OrgError('The inspection did not finish within its total time limit (--timeout).', 'timeout', 'TOTAL_TIMEOUT')), guard.deadline - Date.now() + 2000);
  });
  try {
    return await Promise.race([run(conn, opts), overall]);
  } finally {
    clearTimeout(timer);
    guard.close();
  }
}

async function run(conn: ConnectionLike, opts: InspectOptions): Promise<InspectionReport> {
  const started = Date.now();
  const client = new OrgClient(conn, { concurrency: opts.concurrency ?? 4 });
  client.reserve = PHASE_2_REQUESTS;
  try { return await collect(conn, opts, client, started); } finally { client.dispose(); }
}

async function collect(conn: ConnectionLike, opts: InspectOptions, client: OrgClient, started: number): Promise<InspectionReport> {
  const data = new Map<string, Dataset<unknown>>();

  const queried = await client.queries(QUERIES);
  for (const [k, v] of queried) { data.set(k, v); }

  const records = (key: string): SObjectRecord[] => { const d = data.get(key); return d?.ok && Array.isArray(d.value) ? (d.value as SObjectRecord[]) : []; };

  const users = usersFrom(records('psa'));
  // Orgs that refuse aggregates on OauthToken: ask COUNT() instead and read the rows for names (partial).
  // The apps any user may self-authorize are what the OAuth checks judge: their tokens are counted
  // two COUNT()s each (at most OPEN_APPS_COUNTED apps: the fallback stays within two Composite requests), exact at any volume.
  const openAppRecords = records('apps').filter(a => a.OptionsAllowAdminApprovedUsersOnly !== true);
  const openApps = openAppRecords.map(a => text(a.Name)).filter(Boolean).slice(0, OPEN_APPS_COUNTED);
  if (isAggregateRefusal(data.get('tokenApps'), data.get('tokensStale'))) {
    // Before the metadata reads: they read the apps in use first, and the fallback says which those are.
    applyTokenFallback(data, await client.queries([...TOKEN_FALLBACK, ...openAppCounts(openApps)]), openApps, openAppRecords.length);
  }
  // Phase 2 counts its own requests: every Metadata API read that fits the budget is sent.
  client.reserve = 0;

  // Metadata of the profiles of API-enabled users (most users first) and of the connected apps (the
  // ones with tokens in use first), 10 names per read, as many reads as the budget leaves.
  const perProfile = new Map<string, number>();
  for (const u of users.values()) { if (u.api && u.profile) { perProfile.set(u.profile, (perProfile.get(u.profile) ?? 0) + 1); } }
  const apiProfiles = [...perProfile].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([p]) => profileFullName(p));
  const tokenApps = new Set(records('tokenApps').map(t => text(t.AppName)));
  const appNames = records('apps').map(a => text(a.Name)).filter(Boolean)
    .sort((a, b) => Number(tokenApps.has(b)) - Number(tokenApps.has(a))).map(n => n.replace(/\s+/g, '_'));
  const psaOk = !!data.get('psa')?.ok, appsOk = !!data.get('apps')?.ok;
  const askMe = !opts.userId && psaOk;
  // New-model Named Credentials have no Endpoint on the object: their URLs are one Connect REST API read.
  const ncNoUrl = records('namedCredentials').filter(n => !text(n.Endpoint) && text(n.NamedCredentialType) !== 'Legacy');
  const fixed = 2 + (askMe ? 1 : 0) + (psaOk && apiProfiles.length ? 1 : 0) + (appsOk && appNames.length ? 1 : 0) + (ncNoUrl.length ? 1 : 0); // limits, SecuritySettings, userinfo, one read each, NC URLs
  const reads = metadataReads(Math.max(0, REQUEST_BUDGET - client.requests - fixed), psaOk ? batchesOf(apiProfiles) : 0, appsOk ? batchesOf(appNames) : 0);
  const [limits, security, profiles, apps, me, ncUrls] = await Promise.all([
    client.limits(),
    client.readMetadata('SecuritySettings', ['Security']),
    psaOk ? client.readMetadataAll('Profile', apiProfiles, reads.profiles) : Promise.resolve(data.get('psa')!),
    appsOk ? client.readMetadataAll('ConnectedApp', appNames, reads.apps) : Promise.resolve(data.get('apps')!),
    askMe ? client.userInfo() : Promise.resolve(undefined),
    ncNoUrl.length ? client.namedCredentialUrls() : Promise.resolve(undefined),
  ]);
  if (ncUrls) { withNamedCredentialUrls(data, ncUrls, client.notes); }
  // LoginHistory over one page (Status is not filterable, so failed logins are counted from rows):
  // the requests the budget still leaves read its next pages.
  const logins = queried.get('logins');
  if (logins?.ok && logins.next) { data.set('logins', await client.more(logins, REQUEST_BUDGET - client.requests, 'LoginHistory')); }
  // Who runs the inspection decides whether LoginHistory / OauthToken show every row or only theirs.
  // PermissionSetAssignment holds every assignment granting one of the permissions that matter, so
  // a runner missing from a complete answer has none of them.
  const userId = opts.userId ?? (me?.ok ? me.value.user_id : undefined);
  const psa = data.get('psa');
  const runner = userId ? [...users.values()].find(u => u.id === userId || u.id.slice(0, 15) === userId.slice(0, 15)) : undefined;
  const perms = runner?.perms ?? (userId && psa?.ok && !psa.truncated ? new Set<string>() : undefined);
  const ownRowsOnly = new Set(perms ? Object.entries(OWN_ROWS_ONLY).filter(([, v]) => !v.permissions.some(p => perms.has(p))).map(([k]) => k) : []);
  if (!perms) { client.notes.push('The running user could not be identified: LoginHistory and OauthToken may show only their own rows.'); }
  data.set('limits', limits);
  data.set('security', security);
  data.set('profiles', profiles);
  data.set('connectedAppMeta', withMissing(apps, appNames, 'ConnectedApp', client.notes));

  const usageDays = Math.max(0, Math.min(MAX_USAGE_DAYS, Math.floor(opts.usageDays ?? DEFAULT_USAGE_DAYS)));
  let usage: ApiUsage | undefined;
  if (usageDays) {
    const u = await monitorUsage(client, data, records, users, usageDays, opts.now ?? new Date(), ownRowsOnly.has('logins'));
    data.set('usage', u);
    usage = u.ok ? u.value : undefined;
  } else {
    // Turned off by the user: the usage checks say so (skipped), which is no fault.
    data.set('usage', { ok: false, code: MONITORING_OFF, message: 'API usage monitoring is off (--usage-days 0)', kind: 'other' });
    client.notes.push('API usage monitoring skipped (--usage-days 0): the API usage callers and anomalies were not looked at.');
  }

  const { checks, groups } = evaluate({
    data: key => data.get(key),
    records,
    now: opts.now ?? new Date(),
    workspaceOrigins: opts.workspaceOrigins,
    ownRowsOnly,
  });

  const orgRec = records('organization')[0];
  const health = records('health')[0];
  const score = health ? Number(health.Score) : NaN;
  const org: OrgInfo = {
    alias: opts.alias,
    username: opts.username ?? (me?.ok ? me.value.preferred_username : undefined),
    instanceUrl: conn.instanceUrl,
    apiVersion: conn.version,
    orgId: typeof orgRec?.Id === 'string' ? orgRec.Id : undefined,
    isSandbox: typeof orgRec?.IsSandbox === 'boolean' ? orgRec.IsSandbox : guessSandbox(conn.instanceUrl),
    healthScore: Number.isNaN(score) ? undefined : score,
  };
  const notes = [...client.notes];
  for (const [k, d] of data) {
    if (d.ok && d.truncated) { notes.push(`${k}: ${d.read ?? (Array.isArray(d.value) ? d.value.length : '?')} of ${d.totalSize ?? 'more'} rows read; checks that need every row say so (partial or "at least").`); }
  }
  if (usage?.skipped.length) { notes.push(...usage.skipped.map(x => `API usage: ${x}`)); }
  const coverage = coverageOf(checks, groups, opts.minPercent);
  notes.push(...coverageNotes(coverage));
  return {
    tool: 'apiguard', org, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started,
    requests: client.requests, groups, checks, notes, coverage, ...(usage ? { usage } : {}),
  };
}

const METADATA_NAMES_PER_READ = 10;
const batchesOf = (names: string[]) => Math.ceil(names.length / METADATA_NAMES_PER_READ);

/**
 * Metadata API reads per type: one each at least (counted in the fixed part of the budget), then
 * the `spare` requests shared out one by one between the types that have more names to read.
 */
export function metadataReads(spare: number, profileBatches: number, appBatches: number): { profiles: number; apps: number } {
  const out = { profiles: Math.min(1, profileBatches), apps: Math.min(1, appBatches) };
  while (spare > 0 && (out.profiles < profileBatches || out.apps < appBatches)) {
    if (out.apps < appBatches && (out.apps <= out.profiles || out.profiles >= profileBatches)) { out.apps++; } else { out.profiles++; }
    spare--;
  }
  return out;
}

/**
 * The org refused the aggregate on an object it lets us read. The object reference documents only
 * COUNT() for OauthToken, not the error a GROUP BY gets (MALFORMED_QUERY, INVALID_FIELD "can not be
 * grouped", …): any refusal that is not about access, a session, the network or the server counts
 * when the plain query on the same object (`rows`) was answered.
 */
function isAggregateRefusal(d: Dataset<unknown> | undefined, rows: Dataset<unknown> | undefined): boolean {
  if (!d || d.ok) { return false; }
  return d.code === 'MALFORMED_QUERY' || (!!rows?.ok && (d.kind === 'other' || d.code === 'EXCEEDED_ID_LIMIT'));
}

/** Self-authorizable apps whose tokens the COUNT() fallback counts one by one (2 queries each). */
export const OPEN_APPS_COUNTED = 3;
const soqlString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
function openAppCounts(apps: string[]): QuerySpec[] {
  return apps.flatMap((name, i): QuerySpec[] => [
    { key: `tokensOpen${i}`, api: 'data', object: 'OauthToken', fields: [], count: true, where: `AppName = ${soqlString(name)}` },
    { key: `tokensOpenStale${i}`, api: 'data', object: 'OauthToken', fields: [], count: true, where: `AppName = ${soqlString(name)} AND LastUsedDate < LAST_N_DAYS:${STALE_TOKEN_DAYS}` },
  ]);
}

/**
 * Rebuilds the per-app token datasets from COUNT() answers: totals and the self-authorizable apps
 * (the ones the checks judge) are exact; other apps come from the rows one page holds. Truncated
 * only when more self-authorizable apps exist than were counted.
 */
function applyTokenFallback(data: Map<string, Dataset<unknown>>, fb: Map<string, Dataset>, openApps: string[], openTotal: number): void {
  const count = fb.get('tokensCount'), staleCount = fb.get('tokensStaleCount'), recent = fb.get('tokensRecent');
  const stale = data.get('tokensStale');
  for (const d of [count, staleCount, recent]) { if (!d?.ok) { data.set('tokenApps', d!); data.set('tokenStaleApps', d!); return; } }
  const group = (rows: SObjectRecord[]) => {
    const m = new Map<string, { n: number; oldest?: string; newest?: string }>();
    for (const r of rows) {
      const app = text(r.AppName), t = text(r.LastUsedDate);
      const g = m.get(app) ?? { n: 0 };
      g.n++;
      if (t && (!g.oldest || t < g.oldest)) { g.oldest = t; }
      if (t && (!g.newest || t > g.newest)) { g.newest = t; }
      m.set(app, g);
    }
    return [...m].map(([AppName, g]) => ({ AppName, ...g }));
  };
  const staleRows = stale?.ok ? (stale.value as SObjectRecord[]) : [];
  const seen = [...(recent!.ok ? recent!.value : []), ...staleRows];
  const total = count!.ok ? count!.totalSize ?? 0 : 0, staleTotal = staleCount!.ok ? staleCount!.totalSize ?? 0 : 0;
  // Exact counts for the self-authorizable apps replace what the rows say about them.
  const exact = (key: string) => { const d = fb.get(key); return d?.ok ? d.totalSize ?? 0 : undefined; };
  const counted = new Map<string, { n?: number; stale?: number }>(openApps.map((a, i) => [a, { n: exact(`tokensOpen${i}`), stale: exact(`tokensOpenStale${i}`) }]));
  const merge = (rows: SObjectRecord[], pick: 'n' | 'stale') => {
    const out = group(rows).filter(g => counted.get(g.AppName)?.[pick] === undefined);
    for (const [AppName, c] of counted) { if (c[pick]) { out.push({ AppName, n: c[pick] }); } }
    return out;
  };
  const allCounted = openTotal <= openApps.length && [...counted.values()].every(c => c.n !== undefined && c.stale !== undefined);
  data.set('tokenApps', { ok: true, value: merge(seen, 'n'), totalSize: total, read: seen.length, truncated: (!allCounted && seen.length < total) || undefined });
  data.set('tokenStaleApps', { ok: true, value: merge(staleRows, 'stale'), totalSize: staleTotal, read: staleRows.length, truncated: (!allCounted && staleRows.length < staleTotal) || undefined });
}

/**
 * API usage for the last `days` days: the ApiTotalUsageEventLog aggregate when the org has it, else
 * one download per daily ApiTotalUsage log file. Says what it skipped; never throws for missing data.
 */
async function monitorUsage(client: OrgClient, data: Map<string, Dataset<unknown>>, records: (k: string) => SObjectRecord[], people: ReadonlyMap<string, OrgUser>,
  days: number, now: Date, loginsOwnOnly: boolean): Promise<Dataset<ApiUsage>> {
  const window = windowDays(now, days);
  const skipped: string[] = [];
  /** What the anomalies could not look at: any makes the anomalies check partial (never pass). */
  const gaps: string[] = [];
  const before = client.requests;
  let rows: UsageRow[] = [];
  let covered = window;
  let source: ApiUsage['source'];
  const agg = data.get('apiUsage');
  if (agg?.ok) {
    source = 'event-log-object';
    rows = rowsFromAggregate(agg.value as SObjectRecord[]);
    if (agg.truncated) { gaps.push(`the ApiTotalUsageEventLog aggregate reached its LIMIT of ${AGGREGATE_LIMIT.toLocaleString('en-US')} groups (an aggregate answer cannot be paged; ${(agg.value as unknown[]).length.toLocaleString('en-US')} groups read, more not)`); }
  } else {
    const logs = data.get('eventLogs');
    if (!logs?.ok) {
      const why = agg && !agg.ok ? agg : logs && !logs.ok ? logs : undefined;
      return { ok: false, code: why && !why.ok ? why.code : 'NOT_READ', message: 'Neither ApiTotalUsageEventLog nor EventLogFile is readable', kind: why && !why.ok ? why.kind : 'permission' };
    }
    source = 'log-files';
    const files = records('eventLogs').filter(f => text(f.EventType) === 'ApiTotalUsage');
    const daily = new Map<string, SObjectRecord>();
    for (const f of files) { if ((text(f.Interval) || 'Daily') === 'Daily') { daily.set(text(f.LogDate).slice(0, 10), f); } }
    const hourly = files.filter(f => text(f.Interval) === 'Hourly').length;
    if (hourly) { skipped.push(`${hourly} hourly ApiTotalUsage files not downloaded (the daily files cover the same requests)`); }
    const wanted = window.filter(d => daily.has(d));
    const missing = window.filter(d => !daily.has(d));
    if (missing.length) { gaps.push(`no daily ApiTotalUsage log file for ${missing.length === window.length ? `any of the ${window.length} days` : missing.join(', ')}`); }
    if ((logs as { truncated?: boolean }).truncated) { gaps.push('the EventLogFile list had more rows than one answer holds (later log files may be missing)'); }
    covered = [];
    const got = await Promise.all(wanted.map(async d => {
      const f = daily.get(d)!;
      const res = await client.file(`${client.base}/sobjects/EventLogFile/${text(f.Id)}/LogFile`);
      if (!res.ok) { gaps.push(`log file of ${d} not readable (${res.code})`); return []; }
      covered.push(d);
      return rowsFromLogFile(res.value);
    }));
    rows = got.flat();
  }
  // Names: connected apps from ConnectedApplication, users from the assignments, the rest in one query.
  const apps = new Map<string, string>();
  for (const a of records('apps')) { const id = text(a.Id); if (id) { apps.set(id, text(a.Name)); apps.set(id.slice(0, 15), text(a.Name)); } }
  const users = new Map<string, string>();
  for (const u of people.values()) { users.set(u.id, person(u.name, u.username)); users.set(u.id.slice(0, 15), person(u.name, u.username)); }
  const totals = new Map<string, number>();
  for (const r of rows) { if (r.user) { totals.set(r.user, (totals.get(r.user) ?? 0) + r.n); } }
  const unknown = [...totals].sort((a, b) => b[1] - a[1]).map(([id]) => id).filter(id => !users.has(id) && /^005\w{12}(\w{3})?$/.test(id)).slice(0, 50);
  if (unknown.length) {
    const res = await client.queries([{ key: 'usageUsers', api: 'data', object: 'User', fields: ['Id', 'Name', 'Username'], where: `Id IN (${unknown.map(id => `'${id}'`).join(', ')})` }], { outsideBudget: true });
    const ds = res.get('usageUsers');
    if (ds?.ok) { for (const u of ds.value) { const id = text(u.Id); users.set(id, person(text(u.Name), text(u.Username))); users.set(id.slice(0, 15), person(text(u.Name), text(u.Username))); } }
  }
  const logins = data.get('logins');
  if (loginsOwnOnly) { gaps.push('failed-login bursts: LoginHistory shows only your own rows'); }
  else if (!logins?.ok) { gaps.push(`failed-login bursts: LoginHistory not readable (${logins && !logins.ok ? logins.code : 'not read'})`); }
  else if (logins.truncated) { gaps.push(`failed-login bursts: only the most recent ${(logins.value as unknown[]).length} of ${logins.totalSize ?? 'more'} LoginHistory rows were read`); }
  if (days > LOGIN_DAYS && !loginsOwnOnly && logins?.ok) { gaps.push(`failed-login bursts: LoginHistory is read for the last ${LOGIN_DAYS} days only`); }
  return { ok: true, value: buildUsage({ source, days: window, rows, appName: id => apps.get(id) ?? apps.get(id.slice(0, 15)), userName: id => users.get(id) ?? users.get(id.slice(0, 15)),
    logins: loginsOwnOnly ? [] : records('logins'), skipped: [...gaps, ...skipped], gaps, covered, requests: client.requests - before }) };
}

/**
 * Fills in the URL of new-model Named Credentials (Connect REST API calloutUrl); the ones whose URL
 * could not be read are marked `UrlUnknown` (the checks built on URLs then never pass).
 */
function withNamedCredentialUrls(data: Map<string, Dataset<unknown>>, urls: Dataset<Map<string, string>>, notes: string[]): void {
  const ds = data.get('namedCredentials');
  if (!ds?.ok || !Array.isArray(ds.value)) { return; }
  let unknown = 0;
  const value = (ds.value as SObjectRecord[]).map(n => {
    if (text(n.Endpoint) || text(n.NamedCredentialType) === 'Legacy') { return n; }
    const dev = text(n.DeveloperName), ns = text(n.NamespacePrefix);
    const url = urls.ok ? urls.value.get((ns ? `${ns}__${dev}` : dev).toLowerCase()) ?? urls.value.get(dev.toLowerCase()) : undefined;
    if (url) { return { ...n, Endpoint: url }; }
    unknown++;
    return { ...n, UrlUnknown: true };
  });
  data.set('namedCredentials', { ...ds, value });
  if (unknown) {
    notes.push(`The URL of ${unknown} Named Credential${unknown === 1 ? '' : 's'} of the new model could not be read (${urls.ok ? 'not in the Connect REST API named-credential-setup list' : `Connect REST API named-credential-setup: ${urls.code}`}): the endpoint and remote-site checks are partial.`);
  }
}

/**
 * readMetadata answers a name it does not know with an empty record (dropped), not an error: connected
 * apps installed from a package, or a name guessed wrong. Names asked but not returned make the dataset
 * truncated (read = records found), so no check passes on the others alone.
 */
function withMissing(ds: Dataset<unknown>, wanted: string[], type: string, notes: string[]): Dataset<unknown> {
  if (!ds.ok || !Array.isArray(ds.value)) { return ds; }
  const asked = wanted.slice(0, ds.truncated ? ds.read ?? wanted.length : wanted.length);
  const found = new Set((ds.value as SObjectRecord[]).map(r => text(r.fullName).toLowerCase()));
  const missing = asked.filter(n => !found.has(n.toLowerCase()));
  if (!missing.length) { return ds; }
  // Counts only: the names asked are org data rewritten (spaces to underscores), which the secret masking
  // would not recognise as the record names it masks elsewhere.
  notes.push(`Metadata API ${type}: ${missing.length} of ${asked.length} names not returned (installed from a package, or not the API name); the checks on them are partial.`);
  return { ...ds, truncated: true, read: (ds.value as unknown[]).length, totalSize: wanted.length };
}

/** Sandboxes have `--<sandbox>` in their My Domain host or a `.sandbox.` domain. */
export function guessSandbox(instanceUrl: string): boolean | undefined {
  try {
    const host = new URL(instanceUrl).hostname;
    if (/\.sandbox\.my\.salesforce\.com$|--[a-z0-9]+\.(sandbox\.)?my\.salesforce\.com$|^cs\d+\./i.test(host)) { return true; }
    if (/\.my\.salesforce\.com$|^(na|eu|ap|um|usa)\d+\.salesforce\.com$/i.test(host)) { return false; }
    return undefined;
  } catch { return undefined; }
}
