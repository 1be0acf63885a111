/**
 * The "API Surface" view (entry points grouped by channel → who may call it, how it runs, what it
 * reaches, risks with the path to code) and the CodeLens above each entry point. The inventory is
 * built in the engine worker (`surface` request); this file only shows it. Rebuilt on demand, on
 * the first CodeLens request, and after an Apex class or access metadata file is saved.
 */
import * as vscode from 'vscode';
import { withOrgViews, type SurfaceEntryView } from '../../core/surface/inventory';
import { orgGuests, orgSummary, outerClassOf } from '../../core/surface/orgAccess';
import { CHANNEL_LABEL, type Channel, type Loc, type OrgSurfaceAccess } from '../../core/surface/types';
import type { SurfaceResult } from '../protocol';
import { readSettings } from '../settings';
import type { EngineWorker } from '../workerClient';

export const SURFACE_VIEW_ID = 'apiguard.apiSurface';

type Node =
  | { type: 'channel'; channel: Channel; entries: SurfaceEntryView[] }
  | { type: 'entry'; entry: SurfaceEntryView }
  | { type: 'fact'; label: string; description?: string; icon: string; children?: Node[]; loc?: Loc }
  | { type: 'risk'; entry: SurfaceEntryView; index: number };

/** What the host tests and other parts of the extension can ask of the view. */
export interface SurfaceViewApi {
  /** Rebuilds the inventory of the first workspace folder; resolves with it. */
  refresh(): Promise<SurfaceEntryView[]>;
  /** The entries shown now. */
  entries(): SurfaceEntryView[];
  /** Asks the connected org again (after a (dis)connection); resolves with the entries shown then. */
  orgChanged(): Promise<SurfaceEntryView[]>;
  /** The tree as shown: each node's item and children (host tests). */
  tree(): Promise<Array<{ item: vscode.TreeItem; children: vscode.TreeItem[] }>>;
}

/** Who the connected org grants these classes to; undefined when no org is connected. */
export type OrgAccessSource = (classNames: string[]) => Promise<OrgSurfaceAccess | undefined>;

const ORDER: Channel[] = ['rest', 'soap', 'aura', 'invocable', 'remote'];

export class SurfaceView implements vscode.TreeDataProvider<Node>, vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly lensChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensChanged.event;
  private current: SurfaceEntryView[] = [];
  /** The entries as the worker built them, before the org's grants are merged in. */
  private base: SurfaceEntryView[] = [];
  private building: Promise<SurfaceEntryView[]> | undefined;
  private built = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly worker: EngineWorker, private readonly log: vscode.OutputChannel, private readonly orgAccess?: OrgAccessSource) {}

  entries(): SurfaceEntryView[] { return this.current; }

  refresh(): Promise<SurfaceEntryView[]> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) { return Promise.resolve([]); }
    const run = async (): Promise<SurfaceEntryView[]> => {
      try {
        const r = await this.worker.request<SurfaceResult>({ type: 'surface', root: folder.uri.fsPath, settings: readSettings(folder.uri).lint }).result;
        this.base = this.current = r.entries;
        this.built = true;
        for (const n of r.notes) { this.log.appendLine(`API surface: ${n}`); }
        this.log.appendLine(`API surface: ${r.entries.length} entry points (${r.ms.toFixed(0)} ms)`);
      } catch (e) {
        this.log.appendLine(`API surface could not be built: ${(e as Error).message}`);
      }
      this.fire();
      await this.mergeOrg();
      return this.current;
    };
    this.building = (this.building ?? Promise.resolve([])).then(run, run);
    return this.building;
  }

  /** After a connection, a re-inspection or a disconnection: the org's part only (the project's is unchanged). */
  orgChanged(): Promise<SurfaceEntryView[]> {
    if (!this.built) { return Promise.resolve(this.current); }
    const run = async () => { await this.mergeOrg(); return this.current; };
    this.building = (this.building ?? Promise.resolve([])).then(run, run);
    return this.building;
  }

  private async mergeOrg(): Promise<void> {
    if (!this.orgAccess || !this.base.length) { return; }
    let access: OrgSurfaceAccess | undefined;
    try {
      access = await this.orgAccess([...new Set(this.base.map(e => outerClassOf(e.path)))]);
    } catch (e) {
      this.log.appendLine(`API surface: the org's grants could not be read: ${(e as Error).message}`);
    }
    const before = this.current;
    this.current = access ? withOrgViews(this.base, access) : this.base;
    if (this.current !== before) { this.fire(); }
  }

  private fire(): void {
    this.changed.fire(undefined);
    this.lensChanged.fire();
  }

  /** A saved Apex class or access metadata file: rebuild once things settle. */
  scheduleRefresh(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), 800);
  }

  // ---- tree
  getChildren(node?: Node): Node[] {
    if (!node) {
      return ORDER.map(channel => ({ type: 'channel' as const, channel, entries: this.current.filter(e => e.channel === channel) }))
        .filter(n => n.entries.length);
    }
    switch (node.type) {
      case 'channel': return node.entries.map(entry => ({ type: 'entry' as const, entry }));
      case 'entry': return entryChildren(node.entry);
      case 'fact': return node.children ?? [];
      case 'risk': return node.entry.risks[node.index].related.map(loc => ({ type: 'fact' as const, label: loc.message, icon: 'debug-stackframe', loc,
        description: `${vscode.workspace.asRelativePath(loc.path)}:${loc.range.start.line + 1}` }));
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.type) {
      case 'channel': {
        const risky = node.entries.filter(e => e.risks.some(r => r.id !== 'endpoint-not-granted')).length;
        const item = new vscode.TreeItem(CHANNEL_LABEL[node.channel], vscode.TreeItemCollapsibleState.Expanded);
        item.description = `${node.entries.length}${risky ? ` · ${risky} with risks` : ''}`;
        item.iconPath = new vscode.ThemeIcon('plug');
        return item;
      }
      case 'entry': {
        const e = node.entry;
        const item = new vscode.TreeItem(`${e.className}.${e.methodName}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = e.lens;
        item.tooltip = new vscode.MarkdownString(`**${e.label}** \`${e.className}.${e.methodName}\`\n\n${e.lens}\n\nRuns: ${e.sharing}\n\nData: ${e.data}`);
        if (e.org) { item.tooltip.appendMarkdown(`\n\nIn the org ${e.orgName ?? ''}: ${orgSummary(e.org)}`); }
        if (orgGuests(e.org).length) { item.description = `$(globe) guest in the org · ${e.lens}`; }
        const serious = e.risks.some(r => r.id !== 'endpoint-not-granted');
        item.iconPath = serious ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('symbol-method');
        item.command = openCommand({ path: e.path, range: e.range, message: '' });
        item.contextValue = 'apiguard.surface.entry';
        return item;
      }
      case 'fact': {
        const item = new vscode.TreeItem(node.label, node.children?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.description = node.description;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        if (node.loc) { item.command = openCommand(node.loc); }
        return item;
      }
      case 'risk': {
        const r = node.entry.risks[node.index];
        const item = new vscode.TreeItem(r.id, r.related.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.description = r.summary;
        item.tooltip = r.summary;
        item.iconPath = new vscode.ThemeIcon(r.id === 'endpoint-not-granted' ? 'info' : 'warning');
        item.command = openCommand(r.at ?? { path: node.entry.path, range: node.entry.range, message: '' });
        return item;
      }
    }
  }

  // ---- CodeLens
  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (!readSettings(doc.uri).surfaceCodeLens) { return []; }
    if (!this.built) { await this.refresh(); }
    return this.current.filter(e => e.path === doc.uri.fsPath).map(e => {
      const line = e.declRange.start.line;
      return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: e.lens, command: 'apiguard.surface.show', arguments: [e.className, e.methodName],
        tooltip: `${e.label}: ${e.sharing}; ${e.data}`,
      });
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changed.dispose();
    this.lensChanged.dispose();
  }
}

function entryChildren(e: SurfaceEntryView): Node[] {
  const callers: Node[] = e.grants.map(g => ({ type: 'fact', icon: g.guest ? 'globe' : 'person',
    label: `${g.name}${g.guest ? ' (guest user)' : ''}`, description: g.kind === 'permissionsetgroup' ? `permission set group via ${(g.via ?? []).join(', ')}` : g.kind === 'permissionset' ? 'permission set' : 'profile',
    loc: { path: g.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, message: '' } }));
  const out: Node[] = [
    { type: 'fact', icon: 'organization', label: 'Callers', description: callers.length ? `${callers.length}` : 'not granted in the project', children: callers },
    ...(e.org ? [orgFact(e)] : []),
    { type: 'fact', icon: 'shield', label: 'Runs', description: e.sharing },
    { type: 'fact', icon: 'database', label: 'Data', description: e.data },
  ];
  e.risks.forEach((_r, index) => out.push({ type: 'risk', entry: e, index }));
  return out;
}

/** "In the org: granted to …" with the grants as children; unknown says so (never "not granted"). */
function orgFact(e: SurfaceEntryView): Node {
  const a = e.org!;
  const guest = orgGuests(a).length > 0;
  const children: Node[] = a.grants.map(g => ({ type: 'fact', icon: g.guest ? 'globe' : 'person',
    label: `${g.name}${g.guest ? ' (guest user)' : ''}`,
    description: g.kind === 'profile' ? 'profile' : `permission set${g.guestVia?.length ? ` assigned to the guest user of ${g.guestVia.join(', ')}` : ''}` }));
  const label = a.state === 'granted' ? `In the org: granted to ${a.grants.length} profile${a.grants.length === 1 ? '' : 's'} or permission set${a.grants.length === 1 ? '' : 's'}`
    : `In the org: ${orgSummary(a)}`;
  return { type: 'fact', icon: a.state === 'unknown' ? 'question' : guest ? 'globe' : 'organization', label, children,
    description: `${e.orgName ?? ''}${guest ? ' · a site guest user can run it' : ''}` };
}

function openCommand(loc: Loc): vscode.Command {
  const r = loc.range;
  return {
    title: 'Open', command: 'vscode.open',
    arguments: [vscode.Uri.file(loc.path), { selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) }],
  };
}

export function registerSurfaceView(context: vscode.ExtensionContext, worker: EngineWorker, log: vscode.OutputChannel, orgAccess?: OrgAccessSource): SurfaceViewApi {
  const view = new SurfaceView(worker, log, orgAccess);
  const tree = vscode.window.createTreeView(SURFACE_VIEW_ID, { treeDataProvider: view, showCollapseAll: true });
  const relevant = /\.(cls|profile-meta\.xml|permissionset-meta\.xml|permissionsetgroup-meta\.xml|profile|permissionset|permissionsetgroup)$/;
  context.subscriptions.push(
    view, tree,
    vscode.languages.registerCodeLensProvider({ scheme: 'file', language: 'apex' }, view),
    vscode.workspace.onDidSaveTextDocument(doc => { if (relevant.test(doc.uri.fsPath)) { view.scheduleRefresh(); } }),
    vscode.commands.registerCommand('apiguard.surface.refresh', () => view.refresh()),
    vscode.commands.registerCommand('apiguard.surface.show', async () => {
      await vscode.commands.executeCommand(`${SURFACE_VIEW_ID}.focus`);
      if (!view.entries().length) { await view.refresh(); }
    }),
    vscode.workspace.onDidChangeConfiguration(e => { if (e.affectsConfiguration('apiguard.surface')) { view.scheduleRefresh(); } }),
  );
  // Build when the view is first shown, not at activation.
  context.subscriptions.push(tree.onDidChangeVisibility(e => { if (e.visible && !view.entries().length) { void view.refresh(); } }));
  const shown = () => {
    const out: Array<{ item: vscode.TreeItem; children: vscode.TreeItem[] }> = [];
    const walk = (n: Node | undefined): void => {
      for (const c of view.getChildren(n)) { out.push({ item: view.getTreeItem(c), children: view.getChildren(c).map(x => view.getTreeItem(x)) }); walk(c); }
    };
    walk(undefined);
    return Promise.resolve(out);
  };
  return { refresh: () => view.refresh(), entries: () => view.entries(), orgChanged: () => view.orgChanged(), tree: shown };
}
