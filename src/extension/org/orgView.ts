/**
 * The org view: connection management (Salesforce CLI org, browser login with PKCE, instance URL +
 * token), inspection, the tree and its commands. The org module (jsforce, @salesforce/core) is
 * loaded from dist/org.js on first use, so dist/extension.js stays free of it.
 */
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type * as OrgModule from '../../org/index';
import type { CheckItem, CheckResult, InspectionReport } from '../../org/types';
import type { OrgSurfaceAccess } from '../../core/surface/types';
import { OrgTreeProvider, type OrgNode } from './tree';
import { maskSecrets } from '../../core/redact';
import { OrgDashboard } from './dashboard/panel';
import type { DashboardModel, DashboardRendered } from './dashboard/model';

export const VIEW_ID = 'apiguard.orgSecurity';
const SECRET_PREFIX = 'apiguard.org.refreshToken:';
const LAST_BROWSER_ORG = 'apiguard.org.lastBrowserOrg';

/** How the current connection was made (never holds a token). */
type Source =
  | { kind: 'cli'; targetOrg?: string }
  | { kind: 'browser'; instanceUrl: string; loginUrl: string; clientId: string }
  | { kind: 'token'; instanceUrl: string };

export interface OrgViewApi {
  readonly provider: vscode.TreeDataProvider<OrgNode>;
  /** The last inspection (undefined: none yet or failed). */
  report(): InspectionReport | undefined;
  /** Connects to an instance with an access token (tests, orgs the CLI does not know) and inspects. */
  connectWithToken(instanceUrl: string, accessToken: string): Promise<InspectionReport | undefined>;
  /** Re-runs the inspection on the current connection. */
  refresh(): Promise<InspectionReport | undefined>;
  /** Resolves when no inspection is running. */
  whenIdle(): Promise<void>;
  /** The Org Dashboard's model and what its charts hold once drawn (tests). */
  dashboard(): { model?: DashboardModel; rendered?: DashboardRendered };
  /** Who the connected org grants these Apex classes to (API Surface view); undefined when no org is connected. Runs after any inspection. */
  surfaceAccess(classNames: string[]): Promise<OrgSurfaceAccess | undefined>;
}

let orgModule: typeof OrgModule | undefined;
/** dist/org.js beside dist/extension.js; out/src/org/index.js in the compiled tree. */
export function loadOrgModule(): typeof OrgModule {
  if (orgModule) { return orgModule; }
  const bundled = path.join(__dirname, 'org.js');
  const target = path.basename(__dirname) === 'dist' && existsSync(bundled) ? bundled : path.join(__dirname, '..', '..', 'org', 'index.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  orgModule = require(target) as typeof OrgModule;
  return orgModule;
}

export function registerOrgView(context: vscode.ExtensionContext, hooks: { setConnectedOrg?(label: string | undefined): void } = {}): OrgViewApi {
  const provider = new OrgTreeProvider();
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  let log: vscode.OutputChannel | undefined;
  const write = (s: string) => {
    log ??= vscode.window.createOutputChannel('API Guard: Org');
    log.appendLine(`[${new Date().toISOString()}] ${orgModule ? orgModule.scrub(s) : maskSecrets(s)}`);
  };
  const dashboard = new OrgDashboard(context.extensionUri, () => loadOrgModule());
  context.subscriptions.push(view, provider, dashboard, { dispose: () => log?.dispose() });

  let conn: Parameters<typeof OrgModule.inspectOrg>[0] | undefined;
  let source: Source | undefined;
  let label = '';
  let username: string | undefined;
  let alias: string | undefined;
  let running: Promise<InspectionReport | undefined> = Promise.resolve(undefined);
  let last: InspectionReport | undefined;

  const projectDir = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const settings = () => vscode.workspace.getConfiguration('apiguard.org');

  async function workspaceOrigins(org: typeof OrgModule): Promise<string[] | undefined> {
    if (!vscode.workspace.workspaceFolders?.length) { return undefined; }
    const files = await vscode.workspace.findFiles('**/*.{cls,trigger}', '{**/node_modules/**,**/.sfdx/**,**/.sf/**}', 5000);
    const out = new Set<string>();
    for (const f of files) {
      try {
        const bytes = await vscode.workspace.fs.readFile(f);
        if (bytes.byteLength > 2_000_000) { continue; }
        for (const o of org.calloutOrigins(Buffer.from(bytes).toString('utf8'))) { out.add(o); }
      } catch { /* unreadable: skip */ }
    }
    return [...out].sort();
  }

  function inspect(): Promise<InspectionReport | undefined> {
    const work = running.then(async () => {
      if (!conn) { provider.setState({ kind: 'none' }); return undefined; }
      const org = loadOrgModule();
      provider.setState({ kind: 'loading', label });
      try {
        const origins = await workspaceOrigins(org).catch(() => undefined);
        const seconds = (key: string, fallback: number) => { const v = settings().get<number>(key, fallback); return typeof v === 'number' && v > 0 ? v * 1000 : fallback * 1000; };
        const r = await org.inspectOrg(conn, { alias, username, workspaceOrigins: origins,
          net: { requestTimeoutMs: seconds('requestTimeout', 30), totalTimeoutMs: seconds('timeout', 120) } });
        last = r;
        provider.setState({ kind: 'ready', label, report: r });
        dashboard.update(r);
        hooks.setConnectedOrg?.(label);
        write(`Inspected ${label}: ${r.checks.length} checks, ${r.requests} API requests, ${r.durationMs} ms.`);
        return r;
      } catch (e) {
        const err = org.toOrgError(e);
        last = undefined;
        const reconnect = err.kind === 'session';
        provider.setState({ kind: 'error', label, message: reconnect ? `Session expired or revoked: reconnect (${err.message})` : err.kind === 'network' ? `Network failure: ${err.message}` : err.message, retry: reconnect ? 'reconnect' : 'refresh' });
        write(`Inspection of ${label} failed (${err.kind}): ${err.message}`);
        return undefined;
      }
    });
    running = work.catch(() => undefined);
    return work;
  }

  const netOptions = () => {
    const seconds = (key: string, fallback: number) => { const v = settings().get<number>(key, fallback); return typeof v === 'number' && v > 0 ? v * 1000 : fallback * 1000; };
    return { requestTimeoutMs: seconds('requestTimeout', 30), totalTimeoutMs: seconds('timeout', 120) };
  };

  /** One connection, one guard at a time: the surface's queries wait for a running inspection (and the next one waits for them). */
  function surfaceAccess(classNames: string[]): Promise<OrgSurfaceAccess | undefined> {
    const work = running.then(async () => {
      if (!conn) { return undefined; }
      const r = await loadOrgModule().surfaceAccess(conn, classNames, { org: label, net: netOptions() });
      const unknown = Object.values(r.classes).filter(c => c.state === 'unknown').length;
      write(`API surface: grants of ${classNames.length} classes read from ${label} (${r.requests} API requests)${unknown ? `; unknown for ${unknown}: ${r.notes.join(' ')}` : ''}`);
      return r;
    });
    running = work.then(() => undefined, () => undefined);
    return work;
  }

  function requireTrust(): boolean {
    if (vscode.workspace.isTrusted) { return true; }
    void vscode.window.showWarningMessage('API Guard connects to orgs only in a trusted workspace.');
    return false;
  }

  async function useCli(targetOrg?: string): Promise<InspectionReport | undefined> {
    if (!requireTrust()) { return undefined; }
    const org = loadOrgModule();
    provider.setState({ kind: 'loading', label: targetOrg ?? 'Salesforce CLI default org' });
    try {
      const c = await org.connectCliOrg({ targetOrg, projectDir: projectDir() });
      conn = c.conn; username = c.username; alias = c.alias; label = c.alias ?? c.username;
      source = { kind: 'cli', targetOrg };
      return await inspect();
    } catch (e) {
      const err = org.toOrgError(e);
      provider.setState({ kind: 'error', label: targetOrg ?? 'Salesforce CLI default org', message: err.message, retry: 'reconnect' });
      write(`CLI org: ${err.message}`);
      return undefined;
    }
  }

  async function useToken(instanceUrl: string, accessToken: string): Promise<InspectionReport | undefined> {
    const org = loadOrgModule();
    try {
      conn = org.connectWithToken({ instanceUrl, accessToken });
    } catch (e) {
      void vscode.window.showErrorMessage(`API Guard: ${org.errorText(e)}`);
      return undefined;
    }
    source = { kind: 'token', instanceUrl };
    username = undefined; alias = undefined;
    label = new URL(instanceUrl).host;
    return inspect();
  }

  async function useBrowser(): Promise<InspectionReport | undefined> {
    if (!requireTrust()) { return undefined; }
    const clientId = settings().get<string>('clientId', '').trim();
    if (!clientId) {
      const pick = await vscode.window.showWarningMessage('Browser login needs the consumer key of a connected app with PKCE and the callback http://127.0.0.1:<port>/OauthRedirect. Set "apiguard.org.clientId".', 'Open Settings');
      if (pick) { await vscode.commands.executeCommand('workbench.action.openSettings', 'apiguard.org'); }
      return undefined;
    }
    const loginUrl = settings().get<string>('loginUrl', 'https://login.salesforce.com');
    const port = settings().get<number>('callbackPort', 1717);
    const org = loadOrgModule();
    try {
      const res = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'API Guard: log in to Salesforce in the browser…', cancellable: false },
        () => org.browserLogin({ clientId, loginUrl, port, open: url => Promise.resolve(vscode.env.openExternal(vscode.Uri.parse(url))) }));
      if (res.refreshToken) { await context.secrets.store(SECRET_PREFIX + res.instanceUrl, res.refreshToken); }
      await context.globalState.update(LAST_BROWSER_ORG, { instanceUrl: res.instanceUrl, loginUrl, clientId });
      return await connectBrowser({ instanceUrl: res.instanceUrl, loginUrl, clientId }, res.accessToken);
    } catch (e) {
      void vscode.window.showErrorMessage(`API Guard: browser login failed: ${org.errorText(e)}`);
      return undefined;
    }
  }

  /** A browser-login org: the refresh token comes from SecretStorage, the access token is refreshed. */
  async function connectBrowser(s: { instanceUrl: string; loginUrl: string; clientId: string }, accessToken?: string): Promise<InspectionReport | undefined> {
    const org = loadOrgModule();
    const refreshToken = await context.secrets.get(SECRET_PREFIX + s.instanceUrl);
    if (!refreshToken && !accessToken) { return useBrowser(); }
    conn = org.connectWithToken({ instanceUrl: s.instanceUrl, accessToken: accessToken ?? 'expired', refreshToken, clientId: s.clientId, loginUrl: s.loginUrl });
    source = { kind: 'browser', ...s };
    username = undefined; alias = undefined;
    label = new URL(s.instanceUrl).host;
    return inspect();
  }

  async function pickCliOrg(): Promise<InspectionReport | undefined> {
    if (!requireTrust()) { return undefined; }
    const org = loadOrgModule();
    let orgs: OrgModule.CliOrg[];
    try { orgs = await org.listCliOrgs(projectDir()); } catch (e) {
      void vscode.window.showErrorMessage(`API Guard: cannot read the Salesforce CLI's orgs: ${org.errorText(e)}`);
      return undefined;
    }
    if (!orgs.length) { void vscode.window.showInformationMessage('The Salesforce CLI knows no org. Run "sf org login web" or use "Log in with the browser".'); return undefined; }
    const pick = await vscode.window.showQuickPick(orgs.map(o => ({
      label: o.aliases[0] ?? o.username, description: [o.aliases.length ? o.username : undefined, o.isDefault ? 'default' : undefined, o.isScratchOrg ? 'scratch' : o.isSandbox ? 'sandbox' : undefined].filter(Boolean).join(' · '),
      detail: o.error ? `⚠ ${o.error}` : o.instanceUrl, target: o.aliases[0] ?? o.username,
    })), { title: 'Salesforce CLI orgs', placeHolder: 'Org to inspect' });
    return pick ? useCli(pick.target) : undefined;
  }

  async function connect(): Promise<InspectionReport | undefined> {
    const lastBrowser = context.globalState.get<{ instanceUrl: string; loginUrl: string; clientId: string }>(LAST_BROWSER_ORG);
    const items: (vscode.QuickPickItem & { run: () => Promise<InspectionReport | undefined> })[] = [
      { label: '$(terminal) Project default org', detail: 'The Salesforce CLI target-org of this project', run: () => useCli() },
      { label: '$(list-selection) Pick a Salesforce CLI org…', run: () => pickCliOrg() },
      { label: '$(globe) Log in with the browser…', detail: 'OAuth 2.0 with PKCE; the refresh token is kept in VS Code secret storage', run: () => useBrowser() },
      ...(lastBrowser ? [{ label: `$(history) Reconnect ${new URL(lastBrowser.instanceUrl).host}`, run: () => connectBrowser(lastBrowser) }] : []),
      { label: '$(key) Instance URL and access token…', run: async () => {
        const instanceUrl = await vscode.window.showInputBox({ title: 'Instance URL', placeHolder: 'https://mydomain.my.salesforce.com', ignoreFocusOut: true });
        if (!instanceUrl) { return undefined; }
        const token = await vscode.window.showInputBox({ title: 'Access token (kept in memory only)', password: true, ignoreFocusOut: true });
        return token ? useToken(instanceUrl.trim(), token.trim()) : undefined;
      } },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'API Guard: Connect to an Org' });
    return pick?.run();
  }

  function checkOf(node?: OrgNode): CheckResult | undefined {
    if (node?.type === 'check' || node?.type === 'item') { return node.check; }
    const sel = view.selection[0];
    return sel?.type === 'check' || sel?.type === 'item' ? sel.check : undefined;
  }
  function detailsOf(node: OrgNode | undefined): string | undefined {
    const target = node ?? view.selection[0];
    if (!target) { return undefined; }
    const itemLine = (i: CheckItem) => `- ${i.status ? `[${i.status}] ` : ''}${i.label}${i.detail ? ` — ${i.detail}` : ''}`;
    if (target.type === 'item') { return `${target.check.title}: ${itemLine(target.item).slice(2)}`; }
    if (target.type === 'check') {
      const c = target.check;
      return [`${c.title} [${c.status}] (${c.id})`, c.summary, ...c.items.map(itemLine), ...(c.reason ? [c.reason] : []), `Fix: ${c.remediation}`,
        `Setup: ${loadOrgModule().setupUrl(target.report.org.instanceUrl, c.setupPath)}`].join('\n');
    }
    if (target.type === 'group') { return [`${target.group.title} [${target.group.status}]`, ...target.group.checks.map(c => `- [${c.status}] ${c.title}: ${c.summary}`)].join('\n'); }
    return undefined;
  }

  async function exportReport(): Promise<void> {
    if (!last) { void vscode.window.showInformationMessage('API Guard: inspect an org first.'); return; }
    const pick = await vscode.window.showQuickPick([{ label: 'Markdown', f: 'markdown', ext: 'md' }, { label: 'HTML (self-contained)', f: 'html', ext: 'html' }, { label: 'JSON', f: 'json', ext: 'json' }] as const,
      { title: 'Export the org report as' });
    if (!pick) { return; }
    const base = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({ defaultUri: base ? vscode.Uri.joinPath(base, `org-security-report.${pick.ext}`) : undefined, filters: { [pick.label]: [pick.ext] } });
    if (!uri) { return; }
    await vscode.workspace.fs.writeFile(uri, Buffer.from(loadOrgModule().render(last, pick.f), 'utf8'));
    void vscode.window.showInformationMessage(`API Guard: org report written to ${vscode.workspace.asRelativePath(uri)}`);
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('apiguard.org.connect', () => connect()),
    vscode.commands.registerCommand('apiguard.org.connectDefault', () => useCli()),
    vscode.commands.registerCommand('apiguard.org.pickOrg', () => pickCliOrg()),
    vscode.commands.registerCommand('apiguard.org.browserLogin', () => useBrowser()),
    vscode.commands.registerCommand('apiguard.org.refresh', () => (conn ? inspect() : connect())),
    vscode.commands.registerCommand('apiguard.org.disconnect', async () => {
      if (source?.kind === 'browser') { await context.secrets.delete(SECRET_PREFIX + source.instanceUrl); await context.globalState.update(LAST_BROWSER_ORG, undefined); }
      conn = undefined; source = undefined; last = undefined;
      provider.setState({ kind: 'none' });
      hooks.setConnectedOrg?.(undefined);
    }),
    vscode.commands.registerCommand('apiguard.org.openInSetup', async (node?: OrgNode) => {
      const c = checkOf(node);
      const instance = last?.org.instanceUrl;
      if (c && instance) { await vscode.env.openExternal(vscode.Uri.parse(loadOrgModule().setupUrl(instance, c.setupPath))); }
    }),
    vscode.commands.registerCommand('apiguard.org.copyDetails', async (node?: OrgNode) => {
      const text = detailsOf(node);
      if (text) { await vscode.env.clipboard.writeText(loadOrgModule().scrub(text)); }
    }),
    vscode.commands.registerCommand('apiguard.org.exportReport', () => exportReport()),
    vscode.commands.registerCommand('apiguard.org.openDashboard', async (): Promise<DashboardRendered | undefined> => {
      await running;
      if (!last) {
        const pick = await vscode.window.showInformationMessage('The Org Dashboard shows an inspection: connect to an org first.', 'Connect to an Org');
        if (pick) { await connect(); }
        if (!last) { return undefined; }
      }
      return dashboard.show(last);
    }),
  );

  followSalesforceExtension(context, () => { if (source?.kind === 'cli' && !source.targetOrg) { void useCli(); } }, write);

  return {
    provider,
    report: () => last,
    connectWithToken: (instanceUrl, accessToken) => useToken(instanceUrl, accessToken),
    refresh: () => inspect(),
    whenIdle: () => running.then(() => undefined),
    dashboard: () => dashboard.state(),
    surfaceAccess,
  };
}

/**
 * When the Salesforce Extension Pack is installed, its core extension fires `onOrgChange` when the
 * project's default org changes: re-inspect the (new) default org.
 */
function followSalesforceExtension(context: vscode.ExtensionContext, onChange: () => void, write: (s: string) => void): void {
  const ext = vscode.extensions.getExtension<{ services?: { WorkspaceContext?: { getInstance(): { onOrgChange?: vscode.Event<unknown> } } } }>('salesforce.salesforcedx-vscode-core');
  if (!ext) { return; }
  const hook = (exports: typeof ext.exports) => {
    try {
      const ws = exports?.services?.WorkspaceContext?.getInstance();
      const sub = ws?.onOrgChange?.(() => onChange());
      if (sub) { context.subscriptions.push(sub); }
    } catch (e) { write(`Salesforce extension: cannot follow org changes (${e instanceof Error ? e.message : String(e)})`); }
  };
  if (ext.isActive) { hook(ext.exports); } else { ext.activate().then(hook, () => undefined); }
}
