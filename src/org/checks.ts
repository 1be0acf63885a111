/**
 * The checks, grouped by the ten API-security practices. Each check names the datasets it needs;
 * when one failed for licence/permission reasons the check is `unavailable` with the reason and
 * what grants access. A check that throws becomes `unavailable` too: one never hides the others.
 * Pure functions of the fetched data (no IO), so they are unit-testable on plain records.
 */
import type { Dataset, SObjectRecord } from './client';
import { GRANTS, OWN_ROWS_ONLY } from './plan';
import { unreadable } from './coverage';
import type { ApiUsage, CheckItem, CheckResult, CheckStatus, GroupId, GroupResult, UsageSeries } from './types';

export const GROUPS: { id: GroupId; title: string }[] = [
  { id: 'oauth', title: 'OAuth & connected apps' },
  { id: 'mfa', title: 'Multi-factor authentication' },
  { id: 'ip', title: 'IP restrictions' },
  { id: 'encryption', title: 'Encryption in transit and at rest' },
  { id: 'password', title: 'Password policy' },
  { id: 'rotation', title: 'Key and credential rotation' },
  { id: 'api-usage', title: 'API usage' },
  { id: 'event-monitoring', title: 'Event Monitoring' },
  { id: 'named-credentials', title: 'Named Credentials' },
  { id: 'audits', title: 'Audits' },
];

export interface CheckContext {
  data(key: string): Dataset<unknown> | undefined;
  records(key: string): SObjectRecord[];
  now: Date;
  /** Origins (scheme://host[:port]) the workspace's callouts use, when a project was scanned. */
  workspaceOrigins?: string[];
  /** Datasets of which the running user sees only their own rows (see OWN_ROWS_ONLY). */
  ownRowsOnly?: Set<string>;
}

interface Outcome { status: CheckStatus; summary: string; items?: CheckItem[]; reason?: string; skipped?: boolean }

/** Code of the `usage` dataset when the user turned monitoring off (`--usage-days 0`). */
export const MONITORING_OFF = 'MONITORING_OFF';
/** The usage checks when monitoring is off: skipped at the user's request, not unavailable. */
function monitoringOff(_key: string, ds: Extract<Dataset<unknown>, { ok: false }>): Outcome | undefined {
  return ds.code === MONITORING_OFF
    ? { status: 'info', skipped: true, summary: 'Skipped: API usage monitoring is off (--usage-days 0)', reason: 'Turned off by the user; run with --usage-days 1-14 to look.', items: [] }
    : undefined;
}

interface CheckDef {
  id: string;
  group: GroupId;
  title: string;
  /** Datasets without which the check cannot say anything. */
  needs: string[];
  /** Datasets read when available (names, extra lines); the check answers without them. */
  uses?: string[];
  /** Needed datasets that only name examples: a capped page there shortens the list, not the answer. */
  listsOnly?: string[];
  remediation: string;
  setupPath: string;
  run(ctx: CheckContext): Outcome;
  /** Called instead of the generic `unavailable` when a needed dataset failed; may return an outcome. */
  whenMissing?(key: string, ds: Extract<Dataset<unknown>, { ok: false }>): Outcome | undefined;
}

// ---------------------------------------------------------------- helpers

/** Value at a dotted path of a record (`Assignee.Profile.Name`). */
export function val(r: SObjectRecord | undefined, path: string): unknown {
  let cur: unknown = r;
  for (const p of path.split('.')) {
    if (!cur || typeof cur !== 'object') { return undefined; }
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}
/** Scalar as text ('' for null and objects). */
export function text(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}
const str = (r: SObjectRecord, p: string): string => text(val(r, p));
const bool = (r: SObjectRecord, p: string): boolean => { const v = val(r, p); return v === true || v === 'true'; };
const DAY = 86_400_000;
function daysSince(iso: string, now: Date): number | undefined {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : Math.floor((now.getTime() - t) / DAY);
}
const plural = (n: number, one: string, many = one + 's') => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const MAX_ITEMS = 50;
/** A person as people know them: `Full Name (username)`. */
export function person(name: string, username: string, id = ''): string {
  return name && username ? `${name} (${username})` : username || name || (id ? `user ${id}` : 'unknown user');
}
/** A setup component as Setup shows it: `Label (API name)`. */
export function component(label: string, apiName: string): string {
  return label && apiName && label !== apiName ? `${label} (${apiName})` : label || apiName;
}
function capped(items: CheckItem[]): CheckItem[] {
  return items.length > MAX_ITEMS ? [...items.slice(0, MAX_ITEMS), { label: `… and ${items.length - MAX_ITEMS} more` }] : items;
}

export interface OrgUser {
  id: string; username: string; name: string; profile: string; lastPasswordChange?: string;
  api: boolean; modifyAll: boolean; twoFactorApi: boolean; bypassMfa: boolean; neverExpires: boolean;
  /** Which permission sets/profiles grant API Enabled. */
  apiSources: string[];
  /** Every `Permissions*` field that is true in one of the user's permission sets or profile. */
  perms: Set<string>;
}

/** usersFrom's answer per PermissionSetAssignment answer: the checks and the inspection ask for it many times. */
const usersCache = new WeakMap<SObjectRecord[], ReadonlyMap<string, OrgUser>>();

/** Effective permissions per active standard user, from PermissionSetAssignment (profiles included). Computed once per answer. */
export function usersFrom(psa: SObjectRecord[]): ReadonlyMap<string, OrgUser> {
  const known = usersCache.get(psa);
  if (known) { return known; }
  const users = readUsers(psa);
  usersCache.set(psa, users);
  return users;
}

function readUsers(psa: SObjectRecord[]): Map<string, OrgUser> {
  const users = new Map<string, OrgUser>();
  for (const r of psa) {
    const id = str(r, 'AssigneeId');
    if (!id) { continue; }
    let u = users.get(id);
    if (!u) {
      u = { id, username: str(r, 'Assignee.Username'), name: str(r, 'Assignee.Name'), profile: str(r, 'Assignee.Profile.Name'),
        lastPasswordChange: str(r, 'Assignee.LastPasswordChangeDate') || undefined,
        api: false, modifyAll: false, twoFactorApi: false, bypassMfa: false, neverExpires: false, apiSources: [], perms: new Set() };
      users.set(id, u);
    }
    const source = bool(r, 'PermissionSet.IsOwnedByProfile') ? `profile ${str(r, 'Assignee.Profile.Name')}` : `permission set ${str(r, 'PermissionSet.Name')}`;
    const ps = val(r, 'PermissionSet');
    if (ps && typeof ps === 'object') { for (const [k, v] of Object.entries(ps)) { if (k.startsWith('Permissions') && v === true) { u.perms.add(k); } } }
    if (bool(r, 'PermissionSet.PermissionsApiEnabled')) { u.api = true; u.apiSources.push(source); }
    if (bool(r, 'PermissionSet.PermissionsModifyAllData')) { u.modifyAll = true; }
    if (bool(r, 'PermissionSet.PermissionsTwoFactorApi')) { u.twoFactorApi = true; }
    if (bool(r, 'PermissionSet.PermissionsBypassMFAForUiLogins')) { u.bypassMfa = true; }
    if (bool(r, 'PermissionSet.PermissionsPasswordNeverExpires')) { u.neverExpires = true; }
  }
  return users;
}

/** `https://Api.Example.com:443/x` → `https://api.example.com`. */
export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') { return undefined; }
    return `${u.protocol}//${u.host.toLowerCase()}`;
  } catch { return undefined; }
}

function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip.trim());
  if (!m) { return undefined; }
  const parts = m.slice(1).map(Number);
  if (parts.some(p => p > 255)) { return undefined; }
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}
/** Number of addresses in a start–end range (undefined when unparsable). */
export function rangeSize(start: string, end: string): number | undefined {
  const a = ipToInt(start), b = ipToInt(end);
  return a === undefined || b === undefined || b < a ? undefined : b - a + 1;
}
const asArray = <T>(v: T | T[] | undefined | null): T[] => (v == null ? [] : Array.isArray(v) ? v : [v]);

const worst = (items: CheckItem[], fallback: CheckStatus): CheckStatus =>
  items.some(i => i.status === 'fail') ? 'fail' : items.some(i => i.status === 'warn') ? 'warn' : fallback;

/** Named Credentials whose URL could not be read (new model, Connect REST API unreadable): `partial` reason, or undefined. */
function ncUrlsUnknown(ctx: CheckContext): string | undefined {
  const n = ctx.records('namedCredentials').filter(r => bool(r, 'UrlUnknown')).length;
  return n ? `The URL of ${plural(n, 'Named Credential')} could not be read (new model: NamedCredential.Endpoint is empty and the Connect REST API named-credential-setup list was not readable); what they cover is unknown.` : undefined;
}

/** Security-relevant Setup Audit Trail sections. */
const AUDIT_SECTIONS = /connected app|network access|session settings|password polic|manage users|profiles?|permission sets?|certificate|named credential|remote site|auth\.? providers?|single sign-on|identity verification|login access|security controls|external client app|transaction security/i;

// ---------------------------------------------------------------- the checks

export const CHECKS: CheckDef[] = [
  // 1. OAuth & connected apps
  {
    id: 'oauth.admin-approval', group: 'oauth', title: 'Connected apps in use without admin pre-approval', needs: ['apps', 'tokenApps'],
    remediation: 'Set "Permitted Users" to "Admin approved users are pre-authorized" on each app in use and grant access through profiles or permission sets.',
    setupPath: '/lightning/setup/ConnectedApplication/home',
    run(ctx) {
      // Tokens per app come from an aggregate over every token (GROUP BY AppName), not from a page of rows.
      const inUse = new Map<string, number>();
      for (const t of ctx.records('tokenApps')) { inUse.set(str(t, 'AppName'), (inUse.get(str(t, 'AppName')) ?? 0) + Number(val(t, 'n') ?? 0)); }
      const items: CheckItem[] = [];
      for (const app of ctx.records('apps')) {
        const name = str(app, 'Name');
        const n = inUse.get(name);
        if (!n) { continue; }
        const approved = bool(app, 'OptionsAllowAdminApprovedUsersOnly');
        items.push({ label: name, detail: `${plural(n, 'token')} in use · ${approved ? 'admin approved users only' : 'all users may self-authorize'}`, status: approved ? 'pass' : 'warn' });
      }
      const open = items.filter(i => i.status === 'warn').length;
      return { status: open ? 'warn' : 'pass', items: capped(items.sort((a, b) => (a.status === 'warn' ? 0 : 1) - (b.status === 'warn' ? 0 : 1))),
        summary: open ? `${plural(open, 'connected app')} with tokens in use let any user self-authorize` : `${plural(items.length, 'connected app')} in use, all admin pre-approved` };
    },
  },
  {
    id: 'oauth.stale-tokens', group: 'oauth', title: 'OAuth tokens unused for 90 days or more', needs: ['tokenApps', 'tokenStaleApps', 'tokensStale'], uses: ['apps'],
    // The totals are exact (aggregate sums, or COUNT() in the fallback); the rows only name apps and people.
    listsOnly: ['tokenApps', 'tokenStaleApps', 'tokensStale'],
    remediation: 'Revoke tokens nobody uses (Setup → Connected Apps OAuth Usage → Revoke) and set a refresh token expiry on the app.',
    setupPath: '/lightning/setup/ConnectedAppsUsage/home',
    run(ctx) {
      // Counts from the aggregates (every token); the rows (first page) only name the people.
      // Aggregate rows sum to the total; the COUNT() fallback carries it as totalSize (its rows are a sample).
      const sum = (key: string) => { const ds = ctx.data(key); const n = ctx.records(key).reduce((a, r) => a + Number(val(r, 'n') ?? 0), 0); return ds?.ok && ds.totalSize !== undefined && (ds.truncated || ds.read !== undefined) ? ds.totalSize : n; };
      const total = sum('tokenApps'), stale = sum('tokenStaleApps');
      const open = new Set(ctx.data('apps')?.ok ? ctx.records('apps').filter(a => !bool(a, 'OptionsAllowAdminApprovedUsersOnly')).map(a => str(a, 'Name')) : []);
      const items: CheckItem[] = [];
      for (const a of [...ctx.records('tokenStaleApps')].sort((x, y) => Number(val(y, 'n')) - Number(val(x, 'n')))) {
        const app = str(a, 'AppName'), n = Number(val(a, 'n') ?? 0);
        items.push({ label: app, detail: `${plural(n, 'stale token')}${open.has(app) ? ' · any user may self-authorize this app' : ''}`, status: open.has(app) ? 'fail' : 'warn' });
      }
      const people = ctx.records('tokensStale');
      for (const t of people.slice(0, MAX_ITEMS)) {
        const d = daysSince(str(t, 'LastUsedDate'), ctx.now);
        items.push({ label: `${str(t, 'AppName')}: ${person(str(t, 'User.Name'), str(t, 'User.Username'), str(t, 'UserId'))}`, detail: d === undefined ? 'never used' : `last used ${d} days ago` });
      }
      if (stale > people.length && people.length) { items.push({ label: `… and ${stale - Math.min(people.length, MAX_ITEMS)} more stale tokens (Setup → Connected Apps OAuth Usage lists them all)` }); }
      return { status: worst(items, 'pass'), items,
        summary: stale ? `${plural(stale, 'token')} of ${total.toLocaleString('en-US')} unused for 90+ days` : `${plural(total, 'token')}, none unused for 90+ days` };
    },
  },
  {
    id: 'oauth.password-flow', group: 'oauth', title: 'Logins through the OAuth username-password flow (last 7 days)', needs: ['logins'],
    remediation: 'Move integrations to the JWT bearer, client credentials or web-server flow, then block the username-password flow (Setup → OAuth and OpenID Connect Settings).',
    setupPath: '/lightning/setup/OauthOidcSettings/home',
    run(ctx) {
      const byApp = new Map<string, number>();
      for (const l of ctx.records('logins')) {
        const sub = str(l, 'LoginSubType'), type = str(l, 'LoginType');
        if (/password/i.test(sub) || /username-password/i.test(type)) {
          const k = str(l, 'Application') || type;
          byApp.set(k, (byApp.get(k) ?? 0) + 1);
        }
      }
      const items = [...byApp].map(([app, n]): CheckItem => ({ label: app, detail: plural(n, 'login'), status: 'warn' }));
      const total = items.reduce((s, i) => s + Number.parseInt(i.detail ?? '0', 10), 0);
      return { status: items.length ? 'warn' : 'pass', items,
        summary: items.length ? `${plural(total, 'login')} used the username-password flow` : 'No username-password OAuth logins in the last 7 days' };
    },
  },

  // 2. MFA
  {
    id: 'mfa.api-users', group: 'mfa', title: 'API-enabled users without MFA for API logins', needs: ['psa'],
    remediation: 'Grant "Multi-Factor Authentication for API Logins" to API-enabled users that log in with a password, or move them to OAuth flows with certificates.',
    setupPath: '/lightning/setup/PermSets/home',
    run(ctx) {
      const users = [...usersFrom(ctx.records('psa')).values()].filter(u => u.api || u.modifyAll);
      const items = users.filter(u => !u.twoFactorApi).map((u): CheckItem => ({
        label: person(u.name, u.username), detail: `${u.profile}${u.modifyAll ? ' · Modify All Data' : ''} · API via ${u.apiSources.join(', ') || 'n/a'}`,
        status: u.modifyAll ? 'fail' : 'warn' }));
      return { status: worst(items, 'pass'), items: capped(items),
        summary: items.length ? `${plural(items.length, 'privileged or API-enabled user')} of ${users.length} without MFA for API logins` : `All ${plural(users.length, 'API-enabled user')} require MFA for API logins` };
    },
  },
  {
    id: 'mfa.waived', group: 'mfa', title: 'Users exempt from MFA', needs: ['psa'],
    remediation: 'Remove "Waive Multi-Factor Authentication for Exempt Users" except for documented exemptions (test automation, break-glass accounts).',
    setupPath: '/lightning/setup/PermSets/home',
    run(ctx) {
      const ds = ctx.data('psa');
      if (ds?.ok && ds.dropped?.includes('PermissionSet.PermissionsBypassMFAForUiLogins')) {
        return { status: 'info', summary: 'This org has no "Waive MFA" permission field', items: [] };
      }
      const items = [...usersFrom(ctx.records('psa')).values()].filter(u => u.bypassMfa)
        .map((u): CheckItem => ({ label: person(u.name, u.username), detail: u.profile + (u.modifyAll ? ' · Modify All Data' : ''), status: u.modifyAll ? 'fail' : 'warn' }));
      return { status: worst(items, 'pass'), items: capped(items), summary: items.length ? `MFA waived for ${plural(items.length, 'user')}` : 'No user has MFA waived' };
    },
  },
  {
    id: 'mfa.methods', group: 'mfa', title: 'API-enabled users without a verified MFA method', needs: ['psa', 'mfaMethods'],
    remediation: 'Have each user register Salesforce Authenticator, a TOTP app or a security key (Setup → Users → user → "Multi-Factor Authentication").',
    setupPath: '/lightning/setup/ManageUsers/home',
    run(ctx) {
      const methods = new Map<string, SObjectRecord>();
      for (const m of ctx.records('mfaMethods')) { methods.set(str(m, 'UserId'), m); }
      // The API-enabled users: the ones whose methods the query asks for (semi-join on API Enabled).
      const users = [...usersFrom(ctx.records('psa')).values()].filter(u => u.api);
      const verified = (m: SObjectRecord) => ['HasTotp', 'HasSalesforceAuthenticator', 'HasSecurityKey', 'HasBuiltInAuthenticator', 'HasU2F'].some(f => bool(m, f));
      // TwoFactorMethodsInfo answers 500 rows a page (2,500 at most): a user whose row was not read is
      // unknown, not "without a method" (the check is then partial, or a lower bound).
      const ds = ctx.data('mfaMethods');
      const complete = !!ds?.ok && !ds.truncated;
      const without = (u: OrgUser) => { const m = methods.get(u.id) ?? methods.get(u.id.slice(0, 15)); return m ? !verified(m) : complete; };
      for (const m of ctx.records('mfaMethods')) { methods.set(str(m, 'UserId').slice(0, 15), m); }
      const items = users.filter(without).map((u): CheckItem => ({ label: person(u.name, u.username), detail: u.profile, status: 'warn' }));
      return { status: items.length ? 'warn' : 'pass', items: capped(items),
        summary: items.length ? `${plural(items.length, 'API-enabled user')} without a verified MFA method` : 'Every API-enabled user has a verified MFA method' };
    },
  },

  // 3. IP restrictions
  {
    id: 'ip.trusted-ranges', group: 'ip', title: 'Trusted IP ranges', needs: ['security'],
    remediation: 'Keep trusted IP ranges narrow (a /24 or smaller per office or egress gateway); never 0.0.0.0–255.255.255.255.',
    setupPath: '/lightning/setup/NetworkAccess/home',
    run(ctx) {
      const sec = ctx.records('security')[0];
      const ranges = asArray(val(sec, 'networkAccess.ipRanges') as SObjectRecord | SObjectRecord[] | undefined);
      const items = ranges.map((r): CheckItem => {
        const size = rangeSize(str(r, 'start'), str(r, 'end'));
        const status: CheckStatus = size === undefined ? 'info' : size > 65_536 ? 'fail' : size > 256 ? 'warn' : 'pass';
        return { label: `${str(r, 'start')} – ${str(r, 'end')}`, detail: `${size?.toLocaleString('en-US') ?? '?'} addresses${str(r, 'description') ? ' · ' + str(r, 'description') : ''}`, status };
      });
      const broad = items.filter(i => i.status === 'fail' || i.status === 'warn').length;
      return { status: items.length ? worst(items, 'pass') : 'info', items,
        summary: !items.length ? 'No trusted IP ranges (every login outside a range needs identity verification)' : broad ? `${plural(broad, 'trusted IP range')} wider than a /24` : `${plural(items.length, 'trusted IP range')}, all narrow` };
    },
  },
  {
    id: 'ip.profile-ranges', group: 'ip', title: 'Profiles of API-enabled users without login IP ranges', needs: ['psa', 'profiles'],
    remediation: 'Add Login IP Ranges to the profiles that integration and admin users log in with, so a stolen password or token is useless elsewhere.',
    setupPath: '/lightning/setup/EnhancedProfiles/home',
    run(ctx) {
      const users = [...usersFrom(ctx.records('psa')).values()].filter(u => u.api);
      const byProfile = new Map<string, number>();
      for (const u of users) { byProfile.set(u.profile, (byProfile.get(u.profile) ?? 0) + 1); }
      const meta = new Map<string, SObjectRecord>();
      for (const p of ctx.records('profiles')) { meta.set(str(p, 'fullName'), p); meta.set(decodeURIComponent(str(p, 'fullName')), p); }
      const items: CheckItem[] = [];
      for (const [profile, n] of byProfile) {
        const p = [...meta.entries()].find(([k]) => k === profile || k === profileAlias(profile))?.[1];
        if (!p) { items.push({ label: profile, detail: `${plural(n, 'API-enabled user')} · profile metadata not readable`, status: 'info' }); continue; }
        const ranges = asArray(val(p, 'loginIpRanges') as SObjectRecord | SObjectRecord[] | undefined);
        items.push(ranges.length
          ? { label: profile, detail: `${plural(n, 'API-enabled user')} · ${plural(ranges.length, 'login IP range')}`, status: 'pass' }
          : { label: profile, detail: `${plural(n, 'API-enabled user')} · no login IP ranges`, status: 'warn' });
      }
      const open = items.filter(i => i.status === 'warn').length;
      // A profile the Metadata API did not return is unknown: no pass on the others alone.
      const unread = items.filter(i => i.status === 'info').map(i => i.label);
      if (!open && unread.length) {
        return { status: 'partial', items, reason: `Metadata API readMetadata returned nothing for ${unread.join(', ')} (the profile's API name may differ from its name).`,
          summary: `${plural(items.length - unread.length, 'profile')} of API-enabled users checked, all restricted; ${plural(unread.length, 'profile')} not readable` };
      }
      return { status: worst(items, items.length ? 'pass' : 'info'), items,
        summary: open ? `${plural(open, 'profile')} of API-enabled users allow logins from any IP` : `${plural(items.length, 'profile')} of API-enabled users checked, all restricted` };
    },
  },
  {
    id: 'ip.app-relaxation', group: 'ip', title: 'Connected apps relaxing IP restrictions', needs: ['connectedAppMeta'],
    remediation: 'Set "IP Relaxation" to "Enforce IP restrictions" on connected apps unless the app is only used from untrusted networks by design.',
    setupPath: '/lightning/setup/ConnectedApplication/home',
    run(ctx) {
      const apps = ctx.records('connectedAppMeta');
      const items = apps.map((a): CheckItem => {
        const relax = str(a, 'oauthPolicy.ipRelaxation') || 'ENFORCE';
        const status: CheckStatus = relax === 'BYPASS' ? 'fail' : relax === 'BYPASS_2FACTOR' ? 'warn' : 'pass';
        return { label: str(a, 'label') || str(a, 'fullName'), detail: `IP relaxation ${relax}`, status };
      });
      const relaxed = items.filter(i => i.status !== 'pass').length;
      return { status: items.length ? worst(items, 'pass') : 'info', items,
        summary: !items.length ? 'No connected app metadata to check' : relaxed ? `${plural(relaxed, 'connected app')} relax IP restrictions` : `${plural(items.length, 'connected app')}, all enforce IP restrictions` };
    },
  },

  // 4. Encryption in transit and at rest
  {
    id: 'encryption.tls', group: 'encryption', title: 'Logins over TLS below 1.2 (last 7 days)', needs: ['loginsOldTls'],
    remediation: 'Upgrade the clients (Java/.NET runtimes, middleware) that still negotiate TLS 1.0/1.1; Salesforce rejects them.',
    setupPath: '/lightning/setup/OrgLoginHistory/home',
    run(ctx) {
      // The query asks for TLS 1.0/1.1 logins only (TlsProtocol is filterable): totalSize is exact at any volume.
      const old = new Map<string, number>();
      const rows = ctx.records('loginsOldTls');
      for (const l of rows) {
        const k = `${str(l, 'Application') || str(l, 'LoginType')} · ${str(l, 'TlsProtocol')}`; old.set(k, (old.get(k) ?? 0) + 1);
      }
      const ds = ctx.data('loginsOldTls');
      const total = Math.max(ds?.ok ? ds.totalSize ?? rows.length : rows.length, rows.length);
      const items = [...old].map(([k, n]): CheckItem => ({ label: k, detail: plural(n, 'login'), status: 'fail' }));
      return { status: total ? 'fail' : 'pass', items,
        summary: total ? `${plural(total, 'login')} over TLS 1.0/1.1` : 'No login over TLS 1.0/1.1 in the last 7 days' };
    },
  },
  {
    id: 'encryption.endpoints', group: 'encryption', title: 'Remote sites and Named Credentials over http:// or without protocol security', needs: ['remoteSites', 'namedCredentials'],
    remediation: 'Use https:// endpoints and clear "Disable Protocol Security" on remote sites.',
    setupPath: '/lightning/setup/SecurityRemoteProxy/home',
    run(ctx) {
      const items: CheckItem[] = [];
      for (const s of ctx.records('remoteSites')) {
        if (!bool(s, 'IsActive')) { continue; }
        const url = str(s, 'EndpointUrl');
        if (/^http:\/\//i.test(url)) { items.push({ label: `Remote site ${str(s, 'SiteName')}`, detail: url, status: 'fail' }); }
        else if (bool(s, 'ProtocolMismatch')) { items.push({ label: `Remote site ${str(s, 'SiteName')}`, detail: `${url} · protocol security disabled`, status: 'fail' }); }
      }
      for (const n of ctx.records('namedCredentials')) {
        const url = str(n, 'Endpoint');
        if (/^http:\/\//i.test(url)) { items.push({ label: `Named Credential ${component(str(n, 'MasterLabel'), str(n, 'DeveloperName'))}`, detail: url, status: 'fail' }); }
      }
      const unknown = ncUrlsUnknown(ctx);
      if (!items.length && unknown) { return { status: 'partial', items, reason: unknown, summary: 'No remote site or readable Named Credential over http; some Named Credential URLs could not be read' }; }
      return { status: items.length ? 'fail' : 'pass', items, ...(unknown ? { reason: unknown } : {}), summary: items.length ? `${plural(items.length, 'endpoint')} without TLS` : 'All remote sites and Named Credentials use https' };
    },
  },
  {
    id: 'encryption.shield', group: 'encryption', title: 'Shield Platform Encryption tenant secrets', needs: ['tenantSecrets'],
    remediation: 'With Shield, keep an active Data tenant secret and rotate it yearly; without Shield, classic encryption covers only encrypted custom fields.',
    setupPath: '/lightning/setup/PlatformEncryptionKeyManagement/home',
    whenMissing(_key, ds) {
      return ds.code === 'INVALID_TYPE' ? { status: 'info', summary: 'Shield Platform Encryption is not licensed in this org', items: [] } : undefined;
    },
    run(ctx) {
      const secrets = ctx.records('tenantSecrets');
      const items = secrets.map((s): CheckItem => {
        const age = daysSince(str(s, 'CreatedDate'), ctx.now);
        return { label: `${str(s, 'Type')} v${str(s, 'Version')}`, detail: `${str(s, 'Source')} · ${age ?? '?'} days old`, status: age !== undefined && age > 365 ? 'warn' : 'pass' };
      });
      if (!items.length) { return { status: 'warn', summary: 'Shield is available but no tenant secret is active', items }; }
      return { status: worst(items, 'pass'), items, summary: `${plural(items.length, 'active tenant secret')}${items.some(i => i.status === 'warn') ? ', some older than a year' : ''}` };
    },
  },
  {
    id: 'encryption.certificates', group: 'encryption', title: 'Certificates: expired, expiring within 30 days or under 2048 bits', needs: ['certificates'],
    remediation: 'Renew certificates before they expire (update the Named Credentials, SSO and connected apps that use them) and create new keys with 2048 or 4096 bits.',
    setupPath: '/lightning/setup/CertificatesAndKeysManagement/home',
    run(ctx) {
      const certs = ctx.records('certificates');
      const items: CheckItem[] = [];
      for (const c of certs) {
        const exp = str(c, 'ExpirationDate');
        const left = exp ? -(daysSince(exp + (exp.length === 10 ? 'T00:00:00Z' : ''), ctx.now) ?? 0) : undefined;
        const bits = Number(val(c, 'KeySize'));
        const problems: string[] = [];
        let status: CheckStatus = 'pass';
        if (left !== undefined && left < 0) { problems.push(`expired ${exp}`); status = 'fail'; }
        else if (left !== undefined && left <= 30) { problems.push(`expires ${exp} (in ${left} days)`); status = 'warn'; }
        if (bits && bits < 2048) { problems.push(`${bits}-bit key`); status = 'fail'; }
        if (problems.length) { items.push({ label: component(str(c, 'MasterLabel'), str(c, 'DeveloperName')), detail: problems.join(' · '), status }); }
      }
      return { status: worst(items, 'pass'), items, summary: items.length ? `${plural(items.length, 'certificate')} of ${certs.length} need attention` : `${plural(certs.length, 'certificate')}, all valid for 30+ days with 2048+ bits` };
    },
  },

  // 5. Password policy
  {
    id: 'password.health-check', group: 'password', title: 'Health Check risks in password policies', needs: ['risks'],
    remediation: 'Apply the Salesforce baseline values in Setup → Password Policies (or "Fix Risks" in Health Check).',
    setupPath: '/lightning/setup/SecurityPolicies/home',
    run(ctx) {
      const items = ctx.records('risks').filter(r => /password/i.test(str(r, 'SettingGroup')))
        .map((r): CheckItem => ({ label: str(r, 'Setting'), detail: `org: ${str(r, 'OrgValue')} · baseline: ${str(r, 'StandardValue')}`, status: str(r, 'RiskType') === 'HIGH_RISK' ? 'fail' : 'warn' }));
      return { status: worst(items, 'pass'), items, summary: items.length ? `${plural(items.length, 'password setting')} below the baseline` : 'Password policies meet the Health Check baseline' };
    },
  },
  {
    id: 'password.policy', group: 'password', title: 'Password expiry, length and lockout', needs: ['security'],
    remediation: 'Expire passwords (90 days or less), require 12+ characters and lock out after 5 attempts.',
    setupPath: '/lightning/setup/SecurityPolicies/home',
    run(ctx) {
      const p = (val(ctx.records('security')[0], 'passwordPolicies') ?? {}) as SObjectRecord;
      const items: CheckItem[] = [];
      const expiration = str(p, 'expiration');
      if (expiration) { items.push({ label: 'Expiration', detail: expiration, status: expiration === 'Never' ? 'fail' : ['SixMonths', 'OneYear'].includes(expiration) ? 'warn' : 'pass' }); }
      const len = Number(str(p, 'minimumPasswordLength'));
      if (len) { items.push({ label: 'Minimum length', detail: String(len), status: len < 8 ? 'fail' : len < 12 ? 'warn' : 'pass' }); }
      const attempts = str(p, 'maxLoginAttempts');
      if (attempts) { items.push({ label: 'Maximum invalid login attempts', detail: attempts, status: attempts === 'NoLimit' ? 'fail' : attempts === 'TenAttempts' ? 'warn' : 'pass' }); }
      const complexity = str(p, 'complexity');
      if (complexity) { items.push({ label: 'Complexity', detail: complexity, status: complexity === 'NoRestriction' ? 'fail' : 'pass' }); }
      if (!items.length) { return { status: 'info', summary: 'Password policies not returned by the Metadata API', items }; }
      const bad = items.filter(i => i.status === 'fail' || i.status === 'warn').length;
      return { status: worst(items, 'pass'), items, summary: bad ? `${plural(bad, 'password policy setting')} weaker than recommended` : 'Password policies meet the recommendations' };
    },
  },
  {
    id: 'password.never-expires', group: 'password', title: 'Users whose password never expires', needs: ['psa'],
    remediation: 'Remove "Password Never Expires" from profiles and permission sets; use OAuth flows for integrations instead of long-lived passwords.',
    setupPath: '/lightning/setup/PermSets/home',
    run(ctx) {
      const items = [...usersFrom(ctx.records('psa')).values()].filter(u => u.neverExpires)
        .map((u): CheckItem => ({ label: person(u.name, u.username), detail: u.profile + (u.api ? ' · API enabled' : ''), status: 'warn' }));
      return { status: items.length ? 'warn' : 'pass', items: capped(items), summary: items.length ? `${plural(items.length, 'user')} with passwords that never expire` : 'No user has a password that never expires' };
    },
  },

  // 6. Key and credential rotation
  {
    id: 'rotation.password-age', group: 'rotation', title: 'API-enabled users with passwords older than 90 days', needs: ['psa'],
    remediation: 'Rotate integration passwords (and their security tokens) at least every 90 days, or move the integration to certificate-based OAuth.',
    setupPath: '/lightning/setup/ManageUsers/home',
    run(ctx) {
      const users = [...usersFrom(ctx.records('psa')).values()].filter(u => u.api);
      const items: CheckItem[] = [];
      for (const u of users) {
        const d = u.lastPasswordChange ? daysSince(u.lastPasswordChange, ctx.now) : undefined;
        if (d !== undefined && d > 90) { items.push({ label: person(u.name, u.username), detail: `password ${d} days old`, status: d > 365 ? 'fail' : 'warn' }); }
      }
      return { status: worst(items, 'pass'), items: capped(items), summary: items.length ? `${plural(items.length, 'API-enabled user')} with passwords older than 90 days` : `${plural(users.length, 'API-enabled user')}, passwords rotated within 90 days` };
    },
  },
  {
    id: 'rotation.certificate-age', group: 'rotation', title: 'Certificate age', needs: ['certificates'],
    remediation: 'Rotate signing certificates at least every two years; plan the swap in every system that trusts them.',
    setupPath: '/lightning/setup/CertificatesAndKeysManagement/home',
    run(ctx) {
      const items: CheckItem[] = [];
      for (const c of ctx.records('certificates')) {
        const d = daysSince(str(c, 'CreatedDate'), ctx.now);
        if (d === undefined) { continue; }
        items.push({ label: component(str(c, 'MasterLabel'), str(c, 'DeveloperName')), detail: `${d} days old`, status: d > 730 ? 'warn' : 'pass' });
      }
      const old = items.filter(i => i.status === 'warn').length;
      return { status: items.length ? worst(items, 'pass') : 'info', items, summary: !items.length ? 'No certificates' : old ? `${plural(old, 'certificate')} older than two years` : 'All certificates younger than two years' };
    },
  },
  {
    id: 'rotation.token-lifetime', group: 'rotation', title: 'Long-lived refresh tokens', needs: ['connectedAppMeta'], uses: ['tokenApps'],
    remediation: 'Set a refresh token policy ("Expire refresh token if not used for" or "after") on connected apps instead of "valid until revoked".',
    setupPath: '/lightning/setup/ConnectedApplication/home',
    run(ctx) {
      const inUse = new Set(ctx.records('tokenApps').map(t => str(t, 'AppName')));
      const items = ctx.records('connectedAppMeta').map((a): CheckItem => {
        const policy = str(a, 'oauthPolicy.refreshTokenPolicy') || 'infinite';
        const label = str(a, 'label') || str(a, 'fullName');
        return { label, detail: `refresh tokens ${policy === 'infinite' ? 'valid until revoked' : policy}${inUse.has(label) ? ' · in use' : ''}`, status: policy === 'infinite' ? 'warn' : 'pass' };
      });
      const infinite = items.filter(i => i.status === 'warn').length;
      return { status: items.length ? worst(items, 'pass') : 'info', items,
        summary: !items.length ? 'No connected app metadata to check' : infinite ? `${plural(infinite, 'connected app')} issue refresh tokens that never expire` : 'Every connected app limits refresh token lifetime' };
    },
  },

  // 7. API usage
  {
    id: 'api-usage.daily', group: 'api-usage', title: 'Daily API requests', needs: ['limits'],
    remediation: 'Find the busiest integrations in the per-app breakdown and the ApiTotalUsage event log; batch with Composite/Bulk API or buy more capacity before the limit blocks integrations.',
    setupPath: '/lightning/setup/CompanyProfileInfo/home',
    run(ctx) {
      const ds = ctx.data('limits');
      const limits = (ds?.ok ? ds.value : {}) as Record<string, Record<string, unknown>>;
      const d = limits.DailyApiRequests;
      if (!d) { return { status: 'info', summary: 'DailyApiRequests not reported', items: [] }; }
      const max = Number(d.Max), used = max - Number(d.Remaining);
      const pct = max ? Math.round((used / max) * 100) : 0;
      const items: CheckItem[] = [];
      for (const [app, v] of Object.entries(d)) {
        if (app === 'Max' || app === 'Remaining' || !v || typeof v !== 'object') { continue; }
        const a = v as { Max?: number; Remaining?: number };
        const appUsed = Number(a.Max ?? 0) - Number(a.Remaining ?? 0);
        if (a.Max) { items.push({ label: app, detail: `${appUsed.toLocaleString('en-US')} of ${Number(a.Max).toLocaleString('en-US')} (app limit)` }); }
      }
      // Trend: the 24-hour window is rolling; at the current share, say when it would run out.
      if (pct >= 50) { items.push({ label: 'Trend', detail: `${pct}% used in the rolling 24 h window — check ApiTotalUsage event logs for the heaviest callers`, status: pct >= 90 ? 'fail' : 'warn' }); }
      const status: CheckStatus = pct >= 90 ? 'fail' : pct >= 70 ? 'warn' : 'pass';
      return { status, items, summary: `${used.toLocaleString('en-US')} of ${max.toLocaleString('en-US')} daily API requests used (${pct}%)` };
    },
  },

  {
    id: 'api-usage.callers', group: 'api-usage', title: 'API requests per day by connected app, user and client IP', needs: ['usage'], uses: ['apps', 'psa'], whenMissing: monitoringOff,
    remediation: 'Give every integration its own connected app and integration user, so each caller can be measured, limited and revoked on its own.',
    setupPath: '/lightning/setup/EventLogFileBrowser/home',
    run(ctx) {
      const u = usageOf(ctx);
      const all = u.total.reduce((a, b) => a + b, 0);
      const line = (x: UsageSeries, what: string): CheckItem => ({ label: `${what} ${x.label}`, detail: `${x.total.toLocaleString('en-US')} requests · per day ${x.perDay.map(n => n.toLocaleString('en-US')).join(' / ')}` });
      const items = [...u.byApp.slice(0, 5).map(x => line(x, 'App')), ...u.byUser.slice(0, 5).map(x => line(x, 'User')), ...u.byIp.slice(0, 5).map(x => line(x, 'IP'))];
      const from = u.source === 'event-log-object' ? 'ApiTotalUsageEventLog' : 'ApiTotalUsage log files';
      return { status: 'info', items, summary: `${all.toLocaleString('en-US')} API requests in ${u.days.length} days (${u.days[0]} – ${u.days[u.days.length - 1]}, from ${from}) by ${plural(u.byApp.length, 'app')}, ${plural(u.byUser.length, 'user')}, ${plural(u.byIp.length, 'client IP')}${u.skipped.length ? ` · skipped: ${u.skipped.join('; ')}` : ''}` };
    },
  },
  {
    id: 'api-usage.anomalies', group: 'api-usage', title: 'API usage anomalies (spikes, new IPs and apps, off-hours calls, failed-login bursts)', needs: ['usage'], uses: ['logins', 'apps', 'psa'], whenMissing: monitoringOff,
    remediation: 'Confirm each anomaly with the integration owner; revoke the tokens of an unknown app or IP (Connected Apps OAuth Usage), and add a transaction security policy on ApiEvent for the pattern.',
    setupPath: '/lightning/setup/EventLogFileBrowser/home',
    run(ctx) {
      const u = usageOf(ctx);
      const kinds: Record<string, string> = { spike: 'Spike', 'new-ip': 'New client IP', 'new-app': 'New connected app', 'off-hours': 'Off-hours calls', 'failed-logins': 'Failed-login burst' };
      const items = u.anomalies.map((a): CheckItem => ({ label: `${kinds[a.kind]}: ${a.label}`, detail: a.detail, status: 'warn' }));
      const active = u.total.filter(n => n > 0).length;
      if (active < 3 && !items.length) {
        // Spikes, new IPs and usual hours need earlier days to compare with: no data is no all-clear.
        return { status: 'partial', items, summary: `API requests on only ${plural(active, 'day')} of ${u.days.length}${u.skipped.length ? ` (skipped: ${u.skipped.join('; ')})` : ''}: too little to compare` };
      }
      const gaps = u.gaps ?? [];
      if (gaps.length) {
        // Days, files or logins it could not read: a finding is a lower bound, no finding is no all-clear.
        const reason = `Not looked at: ${gaps.join('; ')}.`;
        return items.length
          ? { status: 'warn', items: capped(items), reason, summary: `At least ${plural(items.length, 'anomaly', 'anomalies')} in the last ${u.days.length} days (not all data readable)` }
          : { status: 'partial', items, reason, summary: `No anomaly in the data that could be read; ${plural(gaps.length, 'gap')} (${gaps[0]}${gaps.length > 1 ? '; …' : ''})` };
      }
      return { status: items.length ? 'warn' : 'pass', items: capped(items),
        summary: items.length ? `${plural(items.length, 'anomaly', 'anomalies')} in the last ${u.days.length} days` : `No anomaly in the last ${u.days.length} days` };
    },
  },

  // 8. Event Monitoring
  {
    id: 'event-monitoring.log-files', group: 'event-monitoring', title: 'Event log files (API, REST API, Login)', needs: ['eventLogs'],
    remediation: 'License Event Monitoring (Shield or the add-on) to keep API and REST API logs for 30 days, and ship them to your SIEM daily.',
    setupPath: '/lightning/setup/EventLogFileBrowser/home',
    run(ctx) {
      const latest = new Map<string, string>();
      for (const e of ctx.records('eventLogs')) {
        const t = str(e, 'EventType'), d = str(e, 'LogDate');
        if (!latest.has(t) || d > latest.get(t)!) { latest.set(t, d); }
      }
      const wanted = ['API', 'RestApi', 'Login'];
      const items = wanted.map((t): CheckItem => {
        const d = latest.get(t);
        if (!d) { return { label: t, detail: 'no log files', status: 'warn' }; }
        const age = daysSince(d, ctx.now) ?? 0;
        return { label: t, detail: `latest ${d.slice(0, 10)}`, status: age > 2 ? 'warn' : 'pass' };
      });
      const missing = items.filter(i => i.status === 'warn').length;
      return { status: missing === wanted.length ? 'warn' : worst(items, 'pass'), items,
        summary: missing === wanted.length ? 'No API, REST API or Login event log files (Event Monitoring not licensed?)' : missing ? `${plural(missing, 'event type')} without recent log files` : 'API, REST API and Login event logs are current' };
    },
  },
  {
    id: 'event-monitoring.policies', group: 'event-monitoring', title: 'Transaction security policies', needs: ['policies'],
    remediation: 'Enable transaction security policies on ApiEvent and LoginEvent (e.g. block bulk exports, notify on logins from new countries).',
    setupPath: '/lightning/setup/TransactionSecurityNew/home',
    run(ctx) {
      const items = ctx.records('policies').map((p): CheckItem => ({ label: component(str(p, 'MasterLabel'), str(p, 'DeveloperName')), detail: `${str(p, 'EventName')} · ${str(p, 'State')}`, status: str(p, 'State') === 'Enabled' ? 'pass' : 'info' }));
      const enabled = items.filter(i => i.status === 'pass').length;
      return { status: enabled ? 'pass' : 'warn', items, summary: enabled ? `${plural(enabled, 'transaction security policy', 'transaction security policies')} enabled` : 'No transaction security policy is enabled' };
    },
  },
  {
    id: 'event-monitoring.failed-logins', group: 'event-monitoring', title: 'Failed logins in the last 7 days by source IP', needs: ['logins'],
    remediation: 'Block or investigate source IPs with repeated failures; lower "Maximum invalid login attempts" and restrict login IP ranges.',
    setupPath: '/lightning/setup/OrgLoginHistory/home',
    run(ctx) {
      const byIp = new Map<string, number>();
      for (const l of ctx.records('logins')) {
        if (str(l, 'Status') && str(l, 'Status') !== 'Success') { const ip = str(l, 'SourceIp') || 'unknown'; byIp.set(ip, (byIp.get(ip) ?? 0) + 1); }
      }
      const items = [...byIp].sort((a, b) => b[1] - a[1]).map(([ip, n]): CheckItem => ({ label: ip, detail: plural(n, 'failed login'), status: n >= 10 ? 'warn' : 'info' }));
      const total = [...byIp.values()].reduce((a, b) => a + b, 0);
      return { status: items.some(i => i.status === 'warn') ? 'warn' : total ? 'info' : 'pass', items: capped(items),
        summary: total ? `${plural(total, 'failed login')} from ${plural(byIp.size, 'source IP')}` : 'No failed logins in the last 7 days' };
    },
  },

  // 9. Named Credentials
  {
    id: 'named-credentials.inventory', group: 'named-credentials', title: 'Named Credential inventory', needs: ['namedCredentials'], uses: ['externalCredentials'],
    remediation: 'Migrate legacy Named Credentials to the new model (Named Credential + External Credential with permission-set principal access).',
    setupPath: '/lightning/setup/NamedCredential/home',
    run(ctx) {
      const items = ctx.records('namedCredentials').map((n): CheckItem => {
        const type = str(n, 'NamedCredentialType');
        const legacy = type === 'Legacy' || (!type && !!str(n, 'PrincipalType'));
        return { label: component(str(n, 'MasterLabel'), str(n, 'DeveloperName')), detail: `${legacy ? 'legacy' : type || 'new model'} · ${str(n, 'Endpoint') || (bool(n, 'UrlUnknown') ? 'URL not readable' : 'no endpoint')}`, status: legacy ? 'warn' : 'pass' };
      });
      const ext = ctx.data('externalCredentials');
      if (ext?.ok) { for (const e of ext.value as SObjectRecord[]) { items.push({ label: `External Credential ${component(str(e, 'MasterLabel'), str(e, 'DeveloperName'))}`, detail: str(e, 'AuthenticationProtocol'), status: 'pass' }); } }
      const legacy = items.filter(i => i.status === 'warn').length;
      return { status: legacy ? 'warn' : 'info', items,
        summary: `${plural(ctx.records('namedCredentials').length, 'Named Credential')}${legacy ? `, ${legacy} legacy` : ''}` };
    },
  },
  {
    id: 'named-credentials.remote-sites', group: 'named-credentials', title: 'Remote sites with no Named Credential', needs: ['remoteSites', 'namedCredentials'],
    remediation: 'Create a Named Credential for each remote site used by Apex callouts, switch the code to callout:Name and delete the remote site.',
    setupPath: '/lightning/setup/NamedCredential/home',
    run(ctx) {
      const ncOrigins = new Set(ctx.records('namedCredentials').map(n => originOf(str(n, 'Endpoint'))).filter(Boolean));
      const items = ctx.records('remoteSites').filter(s => bool(s, 'IsActive')).filter(s => !ncOrigins.has(originOf(str(s, 'EndpointUrl'))))
        .map((s): CheckItem => ({ label: str(s, 'SiteName'), detail: str(s, 'EndpointUrl'), status: 'warn' }));
      // A site not covered by a readable URL may be covered by a Named Credential whose URL is unknown.
      const unknown = ncUrlsUnknown(ctx);
      if (items.length && unknown) { return { status: 'partial', items: items.map(i => ({ ...i, status: 'info' as const })), reason: unknown, summary: `${plural(items.length, 'active remote site')} without a Named Credential of known URL` }; }
      return { status: items.length ? 'warn' : 'pass', items, summary: items.length ? `${plural(items.length, 'active remote site')} without a Named Credential` : 'Every active remote site has a Named Credential' };
    },
  },
  {
    id: 'named-credentials.workspace', group: 'named-credentials', title: 'Workspace callouts the org reaches only through a Remote Site', needs: ['remoteSites', 'namedCredentials'],
    remediation: 'Generate a Named Credential for these origins (API Guard quick fix) and deploy it with the code change.',
    setupPath: '/lightning/setup/NamedCredential/home',
    run(ctx) {
      if (!ctx.workspaceOrigins) { return { status: 'info', summary: 'No workspace callouts given (run from a project to compare)', items: [] }; }
      const ncOrigins = new Set(ctx.records('namedCredentials').map(n => originOf(str(n, 'Endpoint'))).filter(Boolean));
      const siteOrigins = new Set(ctx.records('remoteSites').filter(s => bool(s, 'IsActive')).map(s => originOf(str(s, 'EndpointUrl'))).filter(Boolean));
      const items: CheckItem[] = [];
      for (const o of [...new Set(ctx.workspaceOrigins.map(originOf).filter((x): x is string => !!x))].sort()) {
        if (ncOrigins.has(o)) { continue; }
        items.push(siteOrigins.has(o) ? { label: o, detail: 'remote site only', status: 'warn' } : { label: o, detail: 'neither remote site nor Named Credential in this org', status: 'info' });
      }
      const viaSite = items.filter(i => i.status === 'warn').length;
      const unknown = ncUrlsUnknown(ctx);
      if (viaSite && unknown) { return { status: 'partial', items: items.map(i => ({ ...i, status: 'info' as const })), reason: unknown, summary: `${plural(viaSite, 'callout origin')} of the workspace not covered by a Named Credential of known URL` }; }
      return { status: viaSite ? 'warn' : 'pass', items, summary: viaSite ? `${plural(viaSite, 'callout origin')} of the workspace reached only through a remote site` : `${plural(ctx.workspaceOrigins.length, 'workspace callout origin')}, none reached only through a remote site` };
    },
  },

  // 10. Audits
  {
    id: 'audits.health-check', group: 'audits', title: 'Health Check score and high risks', needs: ['health'], uses: ['risks'],
    remediation: 'Open Health Check, fix the high-risk settings first (or adopt a custom baseline that documents accepted deviations).',
    setupPath: '/lightning/setup/HealthCheck/home',
    run(ctx) {
      const score = Number(str(ctx.records('health')[0] ?? {}, 'Score'));
      const risks = ctx.data('risks')?.ok ? ctx.records('risks') : [];
      const items = risks.filter(r => str(r, 'RiskType') === 'HIGH_RISK')
        .map((r): CheckItem => ({ label: str(r, 'Setting'), detail: `${str(r, 'SettingGroup')} · org: ${str(r, 'OrgValue')} · baseline: ${str(r, 'StandardValue')}`, status: 'fail' }));
      if (!ctx.records('health').length || Number.isNaN(score)) { return { status: 'info', summary: 'Health Check returned no score', items }; }
      const status: CheckStatus = score >= 80 ? (items.length ? 'warn' : 'pass') : score >= 55 ? 'warn' : 'fail';
      return { status, items: capped(items), summary: `Health Check score ${score}%${items.length ? ` with ${plural(items.length, 'high risk')}` : ''}` };
    },
  },
  {
    id: 'audits.setup-trail', group: 'audits', title: 'Security-relevant Setup changes (last 30 days)', needs: ['auditTrail'],
    remediation: 'Review who changed connected apps, network access, session/password settings, profiles and permission sets; revert what was not approved.',
    setupPath: '/lightning/setup/SecurityEvents/home',
    run(ctx) {
      const rows = ctx.records('auditTrail').filter(r => AUDIT_SECTIONS.test(str(r, 'Section')) || AUDIT_SECTIONS.test(str(r, 'Action')));
      const items = rows.map((r): CheckItem => ({ label: str(r, 'Display') || str(r, 'Action'), detail: `${str(r, 'CreatedDate').slice(0, 10)} · ${str(r, 'Section')} · ${str(r, 'CreatedBy.Name')}`, status: 'info' }));
      return { status: items.length ? 'info' : 'pass', items: capped(items), summary: items.length ? `${plural(items.length, 'security-relevant change')} in the last 30 days` : 'No security-relevant Setup changes in the last 30 days' };
    },
  },
];

function usageOf(ctx: CheckContext): ApiUsage {
  const ds = ctx.data('usage');
  if (!ds?.ok) { throw new Error('API usage was not read'); }
  return ds.value as ApiUsage;
}

function profileAlias(display: string): string {
  const m: Record<string, string> = { 'System Administrator': 'Admin', 'Standard User': 'Standard', 'Read Only': 'ReadOnly', 'Standard Platform User': 'StandardAul' };
  return m[display] ?? display;
}

const ORDER: Record<CheckStatus, number> = { fail: 5, warn: 4, partial: 3, unavailable: 2, info: 1, pass: 0 };
export function worstStatus(list: CheckStatus[]): CheckStatus {
  return list.reduce<CheckStatus>((w, s) => (ORDER[s] > ORDER[w] ? s : w), 'pass');
}
/**
 * A group's status: its worst check, except that informational lines do not pull a passing group
 * down (they stay visible inside); a group with nothing but information is `info`.
 */
export function groupStatus(list: CheckStatus[]): CheckStatus {
  const judged = list.filter(s => s !== 'info');
  return judged.length ? worstStatus(judged) : list.length ? 'info' : 'pass';
}

/** Runs every check; never throws. */
export function evaluate(ctx: CheckContext): { checks: CheckResult[]; groups: GroupResult[] } {
  const checks = CHECKS.map((def): CheckResult => {
    const base = { id: def.id, group: def.group, title: def.title, remediation: def.remediation, setupPath: def.setupPath };
    for (const key of def.needs) {
      const ds = ctx.data(key);
      if (ds && !ds.ok) {
        const special = def.whenMissing?.(key, ds);
        if (special) { return { ...base, ...special, items: special.items ?? [] }; }
        return { ...base, ...unreadable(key, ds) };
      }
      if (!ds) { return { ...base, status: 'unavailable', items: [], summary: `${GRANTS[key]?.source ?? key} was not read`, reason: 'The data was not fetched.', cause: 'other' }; }
    }
    const own = def.needs.filter(k => ctx.ownRowsOnly?.has(k));
    if (own.length) {
      // Salesforce answers this user with their own rows only: whatever those say proves nothing about the org.
      const sources = [...new Set(own.map(k => GRANTS[k]?.source ?? k))];
      const perms = [...new Set(own.map(k => OWN_ROWS_ONLY[k].label))];
      const why = `${sources.join(' and ')} ${sources.length > 1 ? 'show' : 'shows'} this user only their own rows; ${perms.join(' / ')} would show every user's.`;
      return { ...base, status: 'unavailable', items: [], summary: `Only your own rows are visible (needs ${perms.join(' / ')})`, reason: why, cause: 'permission' };
    }
    try {
      const o = def.run(ctx);
      // A capped page or queryMore cap: a clean answer from some of the rows is no answer.
      const capped = def.needs.filter(k => !def.listsOnly?.includes(k)).map(k => [k, ctx.data(k)] as const)
        .filter((e): e is readonly [string, Extract<Dataset<unknown>, { ok: true }>] => !!e[1]?.ok && !!e[1].truncated);
      if (capped.length) {
        const rowsOf = (d: Extract<Dataset<unknown>, { ok: true }>) => d.read ?? (Array.isArray(d.value) ? d.value.length : 0);
        const read = capped.map(([k, d]) => `${rowsOf(d).toLocaleString('en-US')} of ${d.totalSize !== undefined ? d.totalSize.toLocaleString('en-US') : 'more'} ${GRANTS[k]?.source ?? k} rows`).join(', ');
        const read1 = { rows: capped.reduce((a, [, d]) => a + rowsOf(d), 0), total: capped.every(([, d]) => d.totalSize !== undefined) ? capped.reduce((a, [, d]) => a + (d.totalSize ?? 0), 0) : undefined };
        if (o.status === 'fail' || o.status === 'warn') {
          return { ...base, status: o.status, summary: `${o.summary} (at least: read ${read})`, items: o.items ?? [], read: read1 };
        }
        return { ...base, status: 'partial', summary: `Read ${read}; no conclusion about the rest`, items: o.items ?? [], read: read1,
          reason: `The org returned more rows than one inspection reads; this check saw ${read}.` };
      }
      return { ...base, status: o.status, summary: o.summary, items: o.items ?? [], ...(o.reason ? { reason: o.reason } : {}) };
    } catch (e) {
      // Data of a shape the check did not expect: never a pass, and said as such (not a bare TypeError).
      return { ...base, status: 'unavailable', items: [], summary: 'The check could not read the org\'s answer', cause: 'malformed',
        reason: `The org's data had a shape this check did not expect (${e instanceof Error ? e.message : String(e)}); reported as unavailable, never as a pass.` };
    }
  });
  const groups = GROUPS.map((g): GroupResult => {
    const mine = checks.filter(c => c.group === g.id);
    return { id: g.id, title: g.title, status: groupStatus(mine.map(c => c.status)), checks: mine };
  });
  return { checks, groups };
}
