import { promises as fsp, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE, ConfigError, defaultConfig, parseConfig, type ApiGuardConfig } from '../core/config';
import { allRules } from '../rules';

/**
 * Reads `.apiguard.json` from `root` (or `explicitPath`, resolved against `root`). A missing file at
 * the root gives the defaults; a missing explicit file, bad JSON, unknown keys or unknown rule ids
 * throw ConfigError naming the file and the problem.
 */
export async function loadConfig(root: string, explicitPath?: string, knownRuleIds: ReadonlySet<string> = ruleIds()): Promise<ApiGuardConfig> {
  const file = explicitPath ? path.resolve(root, explicitPath) : path.join(root, CONFIG_FILE);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if (!explicitPath && (e as NodeJS.ErrnoException).code === 'ENOENT') { return defaultConfig(); }
    throw new ConfigError(`cannot read config file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseConfig(text.replace(/^\uFEFF/, ''), knownRuleIds, explicitPath ? file : CONFIG_FILE);
}

function ruleIds(): Set<string> { return new Set(allRules.map(r => r.meta.id)); }

/** Markers of a project root, nearest first wins. */
const ROOT_MARKERS = ['sfdx-project.json', CONFIG_FILE];

/**
 * The project root for a scan of `target` (a file or folder): the nearest folder at or above it
 * holding `sfdx-project.json` or `.apiguard.json`; otherwise `fallback` when `target` is inside
 * it (the working directory), otherwise the target folder itself.
 */
export function findProjectRoot(target: string, fallback: string): string {
  const abs = path.resolve(target);
  let start = abs;
  try { if (!statSync(abs).isDirectory()) { start = path.dirname(abs); } } catch { start = path.dirname(abs); }
  for (let d = start; ; d = path.dirname(d)) {
    if (ROOT_MARKERS.some(m => existsSync(path.join(d, m)))) { return d; }
    if (path.dirname(d) === d) { break; }
  }
  const fb = path.resolve(fallback);
  const r = path.relative(fb, start);
  return !r.startsWith('..') && !path.isAbsolute(r) ? fb : start;
}
