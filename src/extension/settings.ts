import * as vscode from 'vscode';
import type { SeverityOrOff } from '../core/types';
import type { LintSettings } from './protocol';

export type RunMode = 'onType' | 'onSave' | 'off';
const LEVELS = new Set(['off', 'error', 'warning', 'info']);

export interface Settings { run: RunMode; lint: LintSettings; scanOnStartup: boolean; surfaceCodeLens: boolean; hideBaseline: boolean }

/**
 * Settings by workspace folder, while `watchSettings` runs: every keystroke asks for the run mode, and
 * reading the configuration was API Guard's largest piece of work on the extension host thread while
 * typing (0.5-1.3 ms a key, bench/host-typing.mjs). Any configuration or folder change empties it.
 */
const cache = new Map<string, Readonly<Settings>>();
let watching = 0;

/** Keeps `readSettings`' cache true. Register it before any listener that reads settings (listeners run in order). */
export function watchSettings(): vscode.Disposable {
  cache.clear();
  watching++;
  const clear = () => { cache.clear(); };
  const subs = [vscode.workspace.onDidChangeConfiguration(clear), vscode.workspace.onDidChangeWorkspaceFolders(clear)];
  return { dispose: () => { watching--; cache.clear(); for (const d of subs) { d.dispose(); } } };
}

/** `apiguard.*` for a resource (folder-level settings win). Changes apply without a reload. Do not mutate the result. */
export function readSettings(scope?: vscode.Uri): Readonly<Settings> {
  if (!watching) { return read(scope); }
  const key = scope ? `folder:${vscode.workspace.getWorkspaceFolder(scope)?.uri.toString() ?? ''}` : 'window';
  let s = cache.get(key);
  if (!s) { s = read(scope); cache.set(key, s); }
  return s;
}

function read(scope: vscode.Uri | undefined): Settings {
  const c = vscode.workspace.getConfiguration('apiguard', scope);
  const run = c.get<string>('run', 'onType');
  const rules: Record<string, SeverityOrOff> = {};
  for (const [id, level] of Object.entries(c.get<Record<string, unknown>>('rules', {}) ?? {})) {
    if (typeof level === 'string' && LEVELS.has(level)) { rules[id] = level as SeverityOrOff; }
  }
  const exclude = (c.get<unknown[]>('exclude', []) ?? []).filter((g): g is string => typeof g === 'string' && g.trim() !== '');
  const it = c.inspect<boolean>('includeTests');
  const explicit = it?.workspaceFolderValue ?? it?.workspaceValue ?? it?.globalValue;
  const baselineFile = c.get<unknown>('baseline.file', '');
  return {
    run: run === 'onSave' || run === 'off' ? run : 'onType',
    lint: { rules, exclude, ...(typeof explicit === 'boolean' ? { includeTests: explicit } : {}), ...(typeof baselineFile === 'string' && baselineFile.trim() ? { baselineFile: baselineFile.trim() } : {}) },
    scanOnStartup: c.get<boolean>('scanOnStartup', false),
    surfaceCodeLens: c.get<boolean>('surface.codeLens', true),
    hideBaseline: c.get<unknown>('baseline.hide', false) === true,
  };
}
