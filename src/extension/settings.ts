import * as vscode from 'vscode';
import type { SeverityOrOff } from '../core/types';
import type { LintSettings } from './protocol';

export type RunMode = 'onType' | 'onSave' | 'off';
const LEVELS = new Set(['off', 'error', 'warning', 'info']);

/** `apiguard.*` for a resource (folder-level settings win). Read fresh each time: changes apply without a reload. */
export function readSettings(scope?: vscode.Uri): { run: RunMode; lint: LintSettings; scanOnStartup: boolean; surfaceCodeLens: boolean; hideBaseline: boolean } {
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
