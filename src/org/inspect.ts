/**
 * One inspection: fetch (phase 1: the batched queries; phase 2: `/limits` and the Metadata API reads
 * that depend on phase 1), then evaluate every check. Every request goes through a NetGuard
 * (request and total timeouts, bounded refresh, checked answers). Throws only OrgError 'session'
 * (re-login needed), or 'network'/'tls'/'timeout' when the org cannot be reached at all (the first
 * request got no answer); every other failure ends up in a check as `unavailable` with its cause,
 * and `coverage` says whether the result can be trusted as clean.
 */
import { OrgClient, type ConnectionLike, type Dataset, type SObjectRecord } from './client';
import { NetGuard, type NetOptions } from './transport';
import { coverageNotes, coverageOf } from './coverage';
import { OrgError } from './types';
import { evaluate, text, usersFrom } from './checks';
import { OWN_ROWS_ONLY, QUERIES, profileFullName } from './plan';
import type { InspectionReport, OrgInfo } from './types';

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

  // Profiles of API-enabled users and the connected apps, for their metadata (10 names per read).
  const apiProfiles = [...new Set([...usersFrom(records('psa')).values()].filter(u => u.api).map(u => u.profile).filter(Boolean))];
  const tokenApps = new Set(records('tokens').map(t => text(t.AppName)));
  const appNames = records('apps').map(a => text(a.Name)).filter(Boolean)
    .sort((a, b) => Number(tokenApps.has(b)) - Number(tokenApps.has(a)));
  const [limits, security, profiles, apps, me] = await Promise.all([
    client.limits(),
    client.readMetadata('SecuritySettings', ['Security']),
    data.get('psa')?.ok ? client.readMetadata('Profile', apiProfiles.slice(0, 10).map(profileFullName)) : Promise.resolve(data.get('psa')!),
    data.get('apps')?.ok ? client.readMetadata('ConnectedApp', appNames.slice(0, 10).map(n => n.replace(/\s+/g, '_'))) : Promise.resolve(data.get('apps')!),
    opts.userId || !data.get('psa')?.ok ? Promise.resolve(undefined) : client.userInfo(),
  ]);
  // Who runs the inspection decides whether LoginHistory / OauthToken show every row or only theirs.
  const userId = opts.userId ?? (me?.ok ? me.value.user_id : undefined);
  const runner = userId ? [...usersFrom(records('psa')).values()].find(u => u.id === userId || u.id.slice(0, 15) === userId.slice(0, 15)) : undefined;
  const ownRowsOnly = new Set(runner ? Object.entries(OWN_ROWS_ONLY).filter(([, v]) => !runner.perms.has(v.permission)).map(([k]) => k) : []);
  data.set('limits', limits);
  data.set('security', security);
  data.set('profiles', profiles);
  data.set('connectedAppMeta', apps);

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
  for (const [k, d] of data) { if (d.ok && d.truncated) { notes.push(`${k}: more rows than one page; the first page was evaluated.`); } }
  const coverage = coverageOf(checks, groups, opts.minPercent);
  notes.push(...coverageNotes(coverage));
  return {
    tool: 'apiguard', org, startedAt: new Date(started).toISOString(), durationMs: Date.now() - started,
    requests: client.requests, groups, checks, notes, coverage,
  };
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
