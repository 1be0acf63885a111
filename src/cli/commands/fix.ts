import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CliIO } from '../io';
import { parseArgs, UsageError } from '../args';
import { ConfigError } from '../../core/config';
import type { Engine } from '../../core/engine';
import type { Finding } from '../../core/types';
import { relativePath } from '../../core/report/model';
import { FIXABLE_RULES, planMigration, unifiedDiff, isEmptyPlan, type FixPlan } from '../../core/fix';
import { findProjectRoot, loadConfig } from '../../node/config';
import { scanProject, type ScanResult } from '../../node/scan';
import { createEngine } from '../../node/createEngine';
import { applyPlan, previewPlan } from '../../node/applyPlan';
import { decodeText, isUtf16 } from '../../node/decode';
import { LineIndex } from '../../core/position';
import { maskSecrets, redact, safeTerminal } from '../../core/redact';
import { matchSecrets } from '../../core/secrets/match';
import { shannonEntropy } from '../../core/secrets/entropy';

export const HELP = `Usage: apiguard fix [paths...] [options]

Moves callouts to Named Credentials: one Named Credential (SecuredEndpoint) + External Credential +
permission set per origin, the endpoint literals rewritten to callout:<Name>/…, hardcoded
Authorization headers and the secrets they used removed, unused Remote Site Settings deleted;
switches http:// endpoints to https:// and migrates legacy Named Credentials. No secret is ever
written: the notes say where to enter each one in Setup.

Options:
      --dry-run               print the changes as a unified diff and change nothing
      --rule ID               fix only findings of this rule (repeatable, or comma-separated); default:
                              ${FIXABLE_RULES.join(', ')}
      --name NAME             developer name of the generated Named Credential (one origin only)
      --permission-set NAME   grant the principal in this existing permission set instead of creating one
  -c, --config FILE           configuration file (default: .apiguard.json in the project root)
  -h, --help                  show this help

Exit status: 0 nothing left to fix; 1 with --dry-run: there are changes to make, otherwise: some
selected findings remain after the fix (see the notes); 2 usage or configuration error.`;

const SPEC = {
  'dry-run': {},
  rule: { value: true },
  name: { value: true },
  'permission-set': { value: true },
  config: { value: true, alias: 'c' },
  help: { alias: 'h' },
} as const;

export interface FixDeps { engine?: Engine }

/** `--rule a --rule b,c` → ['a','b','c'] (the shared parser keeps only the last value of an option). */
function takeRules(argv: string[]): { rest: string[]; rules: string[] } {
  const rest: string[] = [], rules: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { rest.push(...argv.slice(i)); break; }
    if (a === '--rule' && i + 1 < argv.length && !argv[i + 1].startsWith('-')) { rules.push(...argv[++i].split(',')); continue; }
    if (a.startsWith('--rule=')) { rules.push(...a.slice(7).split(',')); continue; }
    rest.push(a);
  }
  return { rest, rules: rules.map(r => r.trim()).filter(Boolean) };
}

function within(p: string, targets: readonly string[]): boolean {
  return targets.some(t => p === t || p.startsWith(t.endsWith(path.sep) ? t : t + path.sep));
}

export async function run(argv: string[], io: CliIO, deps: FixDeps = {}): Promise<number> {
  const { rest, rules } = takeRules(argv);
  let parsed;
  try { parsed = parseArgs(rest, SPEC); } catch (e) {
    if (e instanceof UsageError) { io.err(`apiguard fix: ${e.message}\n\n${HELP}\n`); return 2; }
    throw e;
  }
  const o = parsed.options;
  if (o.help) { io.out(HELP + '\n'); return 0; }
  const unknown = rules.filter(r => !FIXABLE_RULES.includes(r));
  if (unknown.length) { io.err(`apiguard fix: no fix for rule ${unknown.join(', ')} (fixable: ${FIXABLE_RULES.join(', ')})\n`); return 2; }
  const selectedRules = new Set(rules.length ? rules : FIXABLE_RULES);
  const targets = parsed.positional.length ? parsed.positional : ['.'];
  const absTargets = targets.map(t => path.resolve(io.cwd, t));
  const missing = targets.filter((_t, i) => !existsSync(absTargets[i]));
  if (missing.length) { io.err(`apiguard fix: no such file or folder: ${missing.join(', ')}\n`); return 2; }
  const root = findProjectRoot(statSync(absTargets[0]).isDirectory() ? absTargets[0] : path.dirname(absTargets[0]), io.cwd);

  const engine = deps.engine ?? await createEngine();
  let config;
  try {
    config = await loadConfig(root, o.config ? path.resolve(io.cwd, o.config as string) : undefined, engine.ruleIds());
  } catch (e) {
    if (e instanceof ConfigError) { io.err(`apiguard fix: configuration error: ${e.message}\n`); return 2; }
    throw e;
  }
  const rel = (p: string) => relativePath(root, p);

  // The whole project is scanned: deciding whether a Remote Site is still needed takes every callout.
  const scan = () => scanProject({ root, config, engine });
  const unsuppressed = (r: ScanResult) => r.reports.flatMap(f => f.findings).filter(f => !f.suppressed);
  const first = await scan();
  const all = unsuppressed(first);
  const limit = absTargets.length === 1 && absTargets[0] === root ? undefined : absTargets;
  const isSelected = (f: Finding) => selectedRules.has(f.ruleId) && (!limit || within(f.path, limit));
  const selected = all.filter(isSelected);
  const project = first.project;   // the index the findings were linted against
  const cache = new Map<string, string | undefined>();
  const plan = planMigration(selected, {
    project, findings: all,
    // Decoded as applyPlan will write it back (a Latin-1 class keeps its accents; see node/applyPlan.ts).
    // UTF-16 files are scanned (node/decode.ts) but applyPlan cannot write them back: no edits planned there.
    readFile: p => { if (!cache.has(p)) { try { const b = readFileSync(p); cache.set(p, isUtf16(b) ? undefined : decodeText(b).text); } catch { cache.set(p, undefined); } } return cache.get(p); },
    exists: p => existsSync(p),
    nameOverride: typeof o.name === 'string' ? o.name : undefined,
    permissionSet: typeof o['permission-set'] === 'string' ? o['permission-set'] : undefined,
  });

  if (!selected.length) { io.out('apiguard fix: nothing to fix.\n'); return 0; }
  // Everything printed below is masked (known secret values and every secret shape) and terminal-safe.
  const secrets = secretTexts(all, p => cache.get(p) ?? (() => { try { return decodeText(readFileSync(p)).text; } catch { return undefined; } })());
  const say = (s: string) => io.out(safeTerminal(maskSecrets(s, { known: secrets })));
  const sayErr = (s: string) => io.err(safeTerminal(maskSecrets(s, { known: secrets })));
  if (o['dry-run']) {
    for (const [p, { before, after }] of await previewPlan(plan)) { say(redactDiff(unifiedDiff(rel(p), before, after), secrets)); }
    printSummary(say, plan, rel, true);
    return isEmptyPlan(plan) ? 0 : 1;
  }
  const applied = await applyPlan(plan);
  if (!applied.ok) {
    // Nothing was written (or everything written was restored): say what was planned and why it stopped.
    sayErr(`apiguard fix: nothing was changed: ${applied.problems.length} problem${applied.problems.length === 1 ? '' : 's'}:\n`);
    for (const x of applied.problems) { sayErr(`  ${x.path ? `${rel(x.path)}: ` : ''}${x.reason}\n`); }
    sayErr(`Planned changes (none applied${applied.rolledBack.length ? `; ${applied.rolledBack.length} file${applied.rolledBack.length === 1 ? '' : 's'} written and restored` : ''}):\n`);
    for (const x of applied.planned) { sayErr(`  ${x.kind.padEnd(7)} ${rel(x.path)}\n`); }
    for (const x of applied.rollbackFailed) { sayErr(`  could not restore ${rel(x.path)} (${x.reason}): check this file by hand\n`); }
    return 2;
  }
  for (const p of applied.created) { say(`created  ${rel(p)}\n`); }
  for (const p of applied.edited) { say(`edited   ${rel(p)}\n`); }
  for (const d of plan.deletes) { if (applied.deleted.includes(d.path)) { say(`deleted  ${rel(d.path)}: ${d.reason}\n`); } }
  printSummary(say, plan, rel, false);
  const left = unsuppressed(await scan()).filter(isSelected);
  const fixed = selected.length - left.length;
  say(`\napiguard fix: ${fixed} of ${selected.length} finding${selected.length === 1 ? '' : 's'} fixed${left.length ? `; ${left.length} left (see the notes, or run apiguard scan)` : ''}.\n`);
  return left.length ? 1 : 0;
}

const SECRET_RULES = new Set(['hardcoded-secret', 'hardcoded-credential', 'credential-in-url', 'metadata-secret']);

/** The secret values the rules found (the text at their ranges), so the diff can mask them. */
function secretTexts(findings: readonly Finding[], read: (p: string) => string | undefined): string[] {
  const out = new Set<string>();
  for (const f of findings) {
    if (!SECRET_RULES.has(f.ruleId)) { continue; }
    const text = read(f.path);
    if (text === undefined) { continue; }
    const lines = new LineIndex(text);
    const raw = text.slice(lines.offsetAt(f.range.start), lines.offsetAt(f.range.end));
    // A literal (or a metadata/env value); an expression such as base64Encode(...) is code, not the secret.
    if (!/^['"]/.test(raw) && /[\s(]/.test(raw)) { continue; }
    const v = raw.replace(/^['"]|['"]$/g, '');
    if (v.length >= 6) { out.add(v); }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** A diff never shows a secret in clear (it may end up in CI logs): known values and pattern matches are redacted. */
export function redactDiff(diff: string, secrets: readonly string[]): string {
  let out = diff;
  for (const s of secrets) { out = out.split(s).join(`«${redact(s)}»`); }
  return out.split('\n').map(line => {
    const hits = matchSecrets(line).filter(m => m.confidence !== 'low').sort((a, b) => b.start - a.start);
    for (const m of hits) { line = line.slice(0, m.start) + `«${redact(line.slice(m.start, m.end))}»` + line.slice(m.end); }
    // Random-looking string literals (the tail of a key split over several literals): masked too.
    return line.replace(/'([A-Za-z0-9+/=_.!-]{16,})'/g, (m, v: string) =>
      /\d/.test(v) && /[A-Za-z]/.test(v) && !/\/[a-z]{3,}/.test(v) && shannonEntropy(v) > 3.5 ? `'«${redact(v)}»'` : m);
  }).join('\n');
}

/** Absolute paths inside a note, relative to the project root like the rest of the output. */
function relNote(note: string, rel: (p: string) => string): string {
  return note.replace(/(^|\s)(\/[^\s:]+|[A-Za-z]:\\[^\s:]+)(?=:\d|\s|$)/g, (m, pre: string, p: string) => `${pre}${rel(p)}`);
}

function printSummary(out: (s: string) => void, plan: FixPlan, rel: (p: string) => string, dry: boolean): void {
  if (dry) {
    out(`\n${plan.title}: ${plan.edits.length} edit${plan.edits.length === 1 ? '' : 's'}, ${plan.creates.length} new file${plan.creates.length === 1 ? '' : 's'}, ${plan.deletes.length} deletion${plan.deletes.length === 1 ? '' : 's'} (dry run: nothing changed).\n`);
    for (const d of plan.deletes) { out(`  would delete ${rel(d.path)}: ${d.reason}\n`); }
  }
  if (plan.notes.length) {
    out('\nNext steps:\n');
    for (const n of plan.notes) { out(`  - ${relNote(n, rel)}\n`); }
  }
}
