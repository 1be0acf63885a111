/**
 * Connections to an org, three ways:
 * - the Salesforce CLI's org (default `target-org` of the project, or any alias/username it knows),
 *   authenticated through the CLI's own auth store with @salesforce/core (decrypts and refreshes
 *   tokens; `sf org display --json` no longer returns them);
 * - an instance URL + access token (and optionally refresh token + client id, for the browser login);
 * - the OAuth 2.0 web-server flow with PKCE (jsforce OAuth2 `useVerifier`) on a loopback redirect.
 * Every token seen is registered with `scrub` so it can never leak into a message.
 * @salesforce/core is loaded on demand: the token path never pays for it.
 */
import * as http from 'node:http';
import { randomBytes } from 'node:crypto';
import { Connection, OAuth2 } from 'jsforce';
import { API_VERSION } from './plan';
import { registerSecret } from './scrub';
import { OrgError } from './types';
import { toOrgError } from './client';
import { NetGuard, type NetOptions } from './transport';

export const DEFAULT_LOGIN_URL = 'https://login.salesforce.com';

export interface TokenAuth {
  instanceUrl: string;
  accessToken: string;
  refreshToken?: string;
  /** Needed for refresh (connected app consumer key). */
  clientId?: string;
  /** Token endpoint host for refresh (login.salesforce.com, test.salesforce.com or My Domain). */
  loginUrl?: string;
  version?: string;
}

/** A jsforce Connection with an explicit API version; refreshes itself when a refresh token is given. */
export function connectWithToken(auth: TokenAuth, onRefresh?: (accessToken: string) => void): Connection {
  validateInstanceUrl(auth.instanceUrl);
  registerSecret(auth.accessToken);
  registerSecret(auth.refreshToken);
  const conn = new Connection({
    instanceUrl: auth.instanceUrl,
    accessToken: auth.accessToken,
    version: auth.version ?? API_VERSION,
    ...(auth.refreshToken && auth.clientId
      ? { refreshToken: auth.refreshToken, oauth2: { clientId: auth.clientId, loginUrl: auth.loginUrl ?? DEFAULT_LOGIN_URL, redirectUri: 'http://127.0.0.1/callback' } }
      : {}),
  });
  conn.on('refresh', (accessToken: string) => { registerSecret(accessToken); onRefresh?.(accessToken); });
  return conn;
}

export function validateInstanceUrl(url: string): void {
  let u: URL;
  try { u = new URL(url); } catch { throw new OrgError(`Not a URL: ${url}`, 'other', 'INVALID_INSTANCE_URL'); }
  const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new OrgError(`The instance URL must use https:// (got ${u.protocol}//${u.host})`, 'other', 'INVALID_INSTANCE_URL');
  }
  if (/\.lightning\.force\.com$/i.test(u.hostname)) {
    throw new OrgError('A Lightning URL (…lightning.force.com) is not an instance URL; use the My Domain URL (…my.salesforce.com)', 'other', 'INVALID_INSTANCE_URL');
  }
}

// ------------------------------------------------------------------ Salesforce CLI orgs

export interface CliOrg {
  username: string;
  aliases: string[];
  instanceUrl?: string;
  orgId?: string;
  isSandbox?: boolean;
  isScratchOrg?: boolean;
  isDefault?: boolean;
  /** Auth file problem (expired, unreadable). */
  error?: string;
}

type SfCore = typeof import('@salesforce/core');
let sfCore: Promise<SfCore> | undefined;
function loadSfCore(): Promise<SfCore> {
  // Keep @salesforce/core quiet and off the disk log; it is loaded only for CLI orgs.
  process.env.SF_DISABLE_LOG_FILE ??= 'true';
  process.env.SFDX_DISABLE_LOG_FILE ??= 'true';
  return (sfCore ??= import('@salesforce/core'));
}

/** `target-org` for the project (project config, then global, legacy `defaultusername`, env SF_TARGET_ORG). */
export async function defaultCliOrg(projectDir: string): Promise<string | undefined> {
  const core = await loadSfCore();
  const agg = await core.ConfigAggregator.create({ projectPath: projectDir });
  await agg.reload();
  // ConfigAggregator maps the legacy `defaultusername` (.sfdx/sfdx-config.json) to target-org itself.
  const v = agg.getPropertyValue<string>('target-org');
  return typeof v === 'string' && v ? v : undefined;
}

/** Every org the CLI has authorised. */
export async function listCliOrgs(projectDir?: string): Promise<CliOrg[]> {
  const core = await loadSfCore();
  const def = projectDir ? await defaultCliOrg(projectDir).catch(() => undefined) : undefined;
  const all = await core.AuthInfo.listAllAuthorizations();
  return all.map(a => ({
    username: a.username, aliases: a.aliases ?? [], instanceUrl: a.instanceUrl, orgId: a.orgId,
    isSandbox: a.isSandbox, isScratchOrg: a.isScratchOrg, error: a.error,
    isDefault: !!def && (def === a.username || (a.aliases ?? []).includes(def)),
  }));
}

/**
 * A connection for a CLI org (alias or username; default: the project's target-org). The returned
 * connection is @salesforce/core's (a jsforce Connection that refreshes through the CLI's auth).
 */
export async function connectCliOrg(opts: { targetOrg?: string; projectDir: string }): Promise<{ conn: Connection; username: string; alias?: string }> {
  const core = await loadSfCore();
  const target = opts.targetOrg ?? await defaultCliOrg(opts.projectDir);
  if (!target) {
    throw new OrgError('No org: this project has no target-org. Run "sf org login web --set-default" or pass --target-org / --instance-url.', 'session', 'NO_DEFAULT_ORG');
  }
  try {
    const state = await core.StateAggregator.getInstance();
    const username = state.aliases.resolveUsername(target);
    const alias = state.aliases.get(username) ?? (target !== username ? target : undefined);
    const authInfo = await core.AuthInfo.create({ username });
    // An explicit version: no extra request to look up the org's latest one.
    const conn = await core.Connection.create({ authInfo, connectionOptions: { version: API_VERSION } });
    const fields = authInfo.getFields(true);
    registerSecret(fields.accessToken);
    registerSecret(fields.refreshToken);
    conn.on('refresh', (t: string) => registerSecret(t));
    return { conn: conn as unknown as Connection, username, alias: alias ?? undefined };
  } catch (e) {
    const err = toOrgError(e);
    throw new OrgError(`Cannot use the CLI org "${target}": ${err.message}`, err.kind === 'other' ? 'session' : err.kind, err.code);
  }
}

// ------------------------------------------------------------------ browser login (PKCE)

export interface BrowserLoginOptions {
  clientId: string;
  loginUrl?: string;
  /** Opens the authorize URL (vscode.env.openExternal, or a test's HTTP GET). */
  open(url: string): Promise<unknown>;
  /** Port for the loopback redirect; 0 = random. The connected app's callback must match. */
  port?: number;
  /** Path of the loopback redirect (default /OauthRedirect). */
  callbackPath?: string;
  timeoutMs?: number;
  scope?: string;
  /** Timeouts of the token exchange (defaults: those of an inspection). */
  net?: NetOptions;
}

export interface BrowserLoginResult { instanceUrl: string; accessToken: string; refreshToken?: string; userId?: string; orgId?: string; loginUrl: string }

/**
 * OAuth 2.0 web-server flow with PKCE: one OAuth2 instance (one code verifier) for the authorize
 * URL and the token exchange; the code arrives on http://127.0.0.1:<port><callbackPath>; the state
 * parameter is checked. Returns the tokens; the caller stores the refresh token in SecretStorage.
 */
export async function browserLogin(opts: BrowserLoginOptions): Promise<BrowserLoginResult> {
  const loginUrl = opts.loginUrl ?? DEFAULT_LOGIN_URL;
  const callbackPath = opts.callbackPath ?? '/OauthRedirect';
  const state = randomBytes(16).toString('hex');
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(opts.port ?? 0, '127.0.0.1', resolve); });
  const port = (server.address() as { port: number }).port;
  const redirectUri = `http://127.0.0.1:${port}${callbackPath}`;
  const oauth2 = new OAuth2({ loginUrl, clientId: opts.clientId, redirectUri, useVerifier: true });
  try {
    const code = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new OrgError('Browser login timed out.', 'session', 'LOGIN_TIMEOUT')), opts.timeoutMs ?? 300_000);
      server.on('request', (req, res) => {
        const u = new URL(req.url ?? '/', redirectUri);
        if (u.pathname !== callbackPath) { res.writeHead(404).end(); return; }
        const fail = (msg: string) => { res.writeHead(400, { 'content-type': 'text/plain' }).end(msg); clearTimeout(timer); reject(new OrgError(msg, 'session', 'LOGIN_FAILED')); };
        if (u.searchParams.get('state') !== state) { fail('Login failed: state mismatch.'); return; }
        const err = u.searchParams.get('error');
        if (err) { fail(`Login failed: ${err} ${u.searchParams.get('error_description') ?? ''}`.trim()); return; }
        const c = u.searchParams.get('code');
        if (!c) { fail('Login failed: no authorization code.'); return; }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>API Guard</title><p>Logged in. You can close this tab and return to VS Code.</p>');
        clearTimeout(timer);
        resolve(c);
      });
      opts.open(oauth2.getAuthorizationUrl({ scope: opts.scope ?? 'api refresh_token', state })).catch(reject);
    });
    // The token exchange gets the same guard as an inspection: a timeout, and a clear error for non-token answers.
    new NetGuard(opts.net).install({ oauth2 });
    const t = await oauth2.requestToken(code);
    registerSecret(t.access_token);
    registerSecret(t.refresh_token);
    const idParts = (t.id ?? '').split('/');
    const [orgId, userId] = idParts.length >= 2 ? idParts.slice(-2) : [undefined, undefined];
    return { instanceUrl: t.instance_url, accessToken: t.access_token, refreshToken: t.refresh_token, orgId, userId, loginUrl };
  } catch (e) {
    throw toOrgError(e);
  } finally {
    server.close();
  }
}
