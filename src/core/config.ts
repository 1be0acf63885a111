import type { SeverityOrOff } from './types';

/**
 * `.apiguard.json` at the project root; the CLI and the extension read the same file.
 * {
 *   "rules": { "<rule-id>": "off" | "error" | "warning" | "info" },
 *   "exclude": ["glob", ...],        // relative to the project root, gitignore syntax
 *   "includeTests": false,           // report findings inside @IsTest code
 *   "limits": { "fileTimeoutMs": 10000, "maxParseBytes": 2097152, "maxSyntaxNodes": 2000000 }  // per-file budgets
 * }
 */
export interface ApiGuardConfig {
  rules: Record<string, SeverityOrOff>;
  exclude: string[];
  includeTests: boolean;
  /** Per-file budgets (see FileLimits in engine.ts); absent keys keep the defaults. */
  limits?: Partial<Record<LimitKey, number>>;
}

/** The keys of `"limits"`, with the smallest value each accepts. */
export const LIMIT_KEYS = { fileTimeoutMs: 100, maxParseBytes: 1024, maxSyntaxNodes: 1000 } as const;
export type LimitKey = keyof typeof LIMIT_KEYS;

export const CONFIG_FILE = '.apiguard.json';

export function defaultConfig(): ApiGuardConfig { return { rules: {}, exclude: [], includeTests: false }; }

export class ConfigError extends Error {}

const LEVELS = new Set(['off', 'error', 'warning', 'info']);

/**
 * Parses and validates `.apiguard.json` text. Throws ConfigError naming the problem; unknown rule
 * ids are errors too (a typo would otherwise silently keep a rule on).
 */
export function parseConfig(text: string, knownRuleIds: ReadonlySet<string>, source = CONFIG_FILE): ApiGuardConfig {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (e) {
    throw new ConfigError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) { throw new ConfigError(`${source}: expected a JSON object`); }
  const obj = raw as Record<string, unknown>;
  const cfg = defaultConfig();
  for (const key of Object.keys(obj)) {
    if (!['rules', 'exclude', 'includeTests', 'limits', '$schema'].includes(key)) {
      throw new ConfigError(`${source}: unknown key "${key}" (expected rules, exclude, includeTests, limits)`);
    }
  }
  if (obj.rules !== undefined) {
    if (typeof obj.rules !== 'object' || obj.rules === null || Array.isArray(obj.rules)) {
      throw new ConfigError(`${source}: "rules" must be an object of rule id → off | error | warning | info`);
    }
    for (const [id, level] of Object.entries(obj.rules as Record<string, unknown>)) {
      if (!knownRuleIds.has(id)) { throw new ConfigError(`${source}: unknown rule "${id}" in "rules"`); }
      if (typeof level !== 'string' || !LEVELS.has(level)) {
        throw new ConfigError(`${source}: rule "${id}" must be off, error, warning or info (got ${JSON.stringify(level)})`);
      }
      cfg.rules[id] = level as SeverityOrOff;
    }
  }
  if (obj.exclude !== undefined) {
    if (!Array.isArray(obj.exclude) || obj.exclude.some(g => typeof g !== 'string')) {
      throw new ConfigError(`${source}: "exclude" must be an array of glob strings`);
    }
    cfg.exclude = obj.exclude as string[];
  }
  if (obj.includeTests !== undefined) {
    if (typeof obj.includeTests !== 'boolean') { throw new ConfigError(`${source}: "includeTests" must be true or false`); }
    cfg.includeTests = obj.includeTests;
  }
  if (obj.limits !== undefined) {
    if (typeof obj.limits !== 'object' || obj.limits === null || Array.isArray(obj.limits)) {
      throw new ConfigError(`${source}: "limits" must be an object of ${Object.keys(LIMIT_KEYS).join(', ')}`);
    }
    const limits: Partial<Record<LimitKey, number>> = {};
    for (const [k, v] of Object.entries(obj.limits as Record<string, unknown>)) {
      if (!(k in LIMIT_KEYS)) { throw new ConfigError(`${source}: unknown key "${k}" in "limits" (expected ${Object.keys(LIMIT_KEYS).join(', ')})`); }
      const min = LIMIT_KEYS[k as LimitKey];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min) { throw new ConfigError(`${source}: "limits.${k}" must be a whole number of at least ${min} (got ${JSON.stringify(v)})`); }
      limits[k as LimitKey] = v;
    }
    cfg.limits = limits;
  }
  return cfg;
}

/** Later layers win: e.g. defaults ← .apiguard.json ← editor settings ← command-line flags. */
export function mergeConfig(base: ApiGuardConfig, over: Partial<ApiGuardConfig>): ApiGuardConfig {
  return {
    rules: { ...base.rules, ...(over.rules ?? {}) },
    exclude: [...base.exclude, ...(over.exclude ?? [])],
    includeTests: over.includeTests ?? base.includeTests,
    ...(base.limits || over.limits ? { limits: { ...base.limits, ...over.limits } } : {}),
  };
}
