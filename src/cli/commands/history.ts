import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliIO } from '../io';
import { parseArgs, UsageError } from '../args';
import { VERSION } from '../version';
import { ConfigError } from '../../core/config';
import type { Engine } from '../../core/engine';
import { atOrAbove, relativePath, type FailOn } from '../../core/report/model';
import { toSarif } from '../../core/report/sarif';
import { ruleDocs } from '../../rules/docs.generated';
import { maskSecrets, safeTerminal } from '../../core/redact';
import { allRules } from '../../rules';
import { loadConfig } from '../../node/config';
import { createEngine } from '../../node/createEngine';
import { GitError, gitTopLevel } from '../../node/git';
import { scanHistory, SECRET_RULE_IDS, type HistoryFinding } from '../../node/history';

export const HELP = `Usage: apiguard history [options]

Scans the lines every commit added (git log -p, streamed) with the secret rules and reports each
secret once: the commit that introduced it, its author date, file and line, and whether it is still
in HEAD. A secret removed from the code stays valid until it is rotated: rotate each one found.

Options:
      --since REF                only commits after REF (REF..HEAD)
      --max-commits N            only the N most recent commits
  -f, --format text|json|sarif   output format (default: text)
  -o, --output FILE              write the report to FILE instead of stdout
      --fail-on LEVEL            exit 1 when a secret is at or above LEVEL: error (default), warning, info, never
  -c, --config FILE              configuration file (rule severities, exclude)
  -h, --help                     show this help

Exit status: 0 no secret at or above --fail-on, 1 some, 2 usage error, not a git repository, unknown ref,
git could not read the history or stayed silent for 60 s.`;

const SPEC = {
  since: { value: true },
  'max-commits': { value: true },
  format: { value: true, choices: ['text', 'json', 'sarif'], alias: 'f' },
  output: { value: true, alias: 'o' },
  'fail-on': { value: true, choices: ['error', 'warning', 'info', 'never'] },
  config: { value: true, alias: 'c' },
  help: { alias: 'h' },
} as const;

export async function run(argv: string[], io: CliIO, deps: { engine?: Engine; timeoutMs?: number } = {}): Promise<number> {
  let parsed;
  try { parsed = parseArgs(argv, SPEC); } catch (e) {
    if (e instanceof UsageError) { io.err(`apiguard history: ${e.message}\n\n${HELP}\n`); return 2; }
    throw e;
  }
  const o = parsed.options;
  if (o.help) { io.out(HELP + '\n'); return 0; }
  const fail = (m: string) => { io.err(`apiguard history: ${m}\n`); return 2; };
  if (parsed.positional.length) { return fail(`unexpected argument "${parsed.positional[0]}" (history scans the repository of the current folder)`); }
  if (o.since && o['max-commits']) { return fail('--since and --max-commits cannot be combined'); }
  let maxCommits: number | undefined;
  if (typeof o['max-commits'] === 'string') {
    if (!/^\d+$/.test(o['max-commits']) || Number(o['max-commits']) < 1) { return fail(`--max-commits must be a positive whole number (got "${o['max-commits']}")`); }
    maxCommits = Number(o['max-commits']);
  }
  const format = (o.format as string | undefined) ?? 'text';
  const failOn = ((o['fail-on'] as string | undefined) ?? 'error') as FailOn;

  // Loading the parser and asking git overlap (start-up is a visible share of a small history).
  const enginePromise = deps.engine ? Promise.resolve(deps.engine) : createEngine();
  let top: string;
  try { top = await gitTopLevel(io.cwd); } catch (e) {
    if (e instanceof GitError) { return fail(e.message); }
    throw e;
  }
  let config;
  try { config = await loadConfig(top, o.config ? path.resolve(io.cwd, o.config as string) : undefined, deps.engine?.ruleIds() ?? new Set(allRules.map(r => r.meta.id))); } catch (e) {
    if (e instanceof ConfigError) { return fail(`configuration error: ${e.message}`); }
    throw e;
  }
  let result;
  try {
    // git starts while the parser loads; the engine is awaited inside for the first candidate file.
    result = await scanHistory({ top, engine: enginePromise, since: o.since as string | undefined, maxCommits, rules: config.rules, exclude: config.exclude, timeoutMs: deps.timeoutMs });
  } catch (e) {
    if (e instanceof GitError) { return fail(e.message); }
    throw e;
  }
  const engine = await enginePromise;
  const { findings } = result;
  let text: string;
  switch (format) {
    case 'json': text = JSON.stringify({
      formatVersion: 1, tool: { name: 'apiguard', version: VERSION }, root: top,
      summary: { commits: result.commits, secrets: findings.length, inHead: findings.filter(f => f.inHead).length, durationMs: Math.round(result.durationMs) },
      findings: findings.map(f => ({ ruleId: f.ruleId, severity: f.severity, message: maskSecrets(f.message), path: relativePath(top, f.path),
        line: f.range.start.line + 1, column: f.range.start.character + 1, commit: f.commit, date: f.date, inHead: f.inHead, fingerprint: f.fingerprint })),
    }, null, 2) + '\n'; break;
    case 'sarif': {
      const log = toSarif({ root: top, filesScanned: result.filesLinted, durationMs: result.durationMs,
        reports: findings.map(f => ({ path: f.path, findings: [f], notes: [], fingerprints: [f.fingerprint] })) },
      { rules: engine.rules.filter(r => SECRET_RULE_IDS.includes(r.meta.id)).map(r => r.meta), docs: ruleDocs, toolVersion: VERSION });
      log.runs[0].results.forEach((r, i) => { r.properties = { ...r.properties, commit: findings[i].commit, date: findings[i].date, inHead: findings[i].inHead }; });
      text = JSON.stringify(log, null, 2) + '\n';
      break;
    }
    default: text = formatHistory(top, findings, result.commits, result.durationMs);
  }
  if (typeof o.output === 'string') {
    const file = path.resolve(io.cwd, o.output);
    try { writeFileSync(file, text); } catch (e) { return fail(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    io.out(`apiguard: ${findings.length} secret${findings.length === 1 ? '' : 's'} in ${result.commits} commits; ${format} report written to ${o.output}\n`);
  } else {
    io.out(text);
  }
  return findings.some(f => atOrAbove(f.severity, failOn)) ? 1 : 0;
}

function formatHistory(top: string, findings: readonly HistoryFinding[], commits: number, ms: number): string {
  const out: string[] = [];
  for (const f of findings) {
    // Every text through the one masking function; file names and messages cannot drive the terminal.
    out.push(`${f.commit.slice(0, 12)} ${f.date} ${safeTerminal(relativePath(top, f.path))}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.ruleId} ${safeTerminal(maskSecrets(f.message))} [${f.inHead ? 'still in HEAD' : 'removed, but still in history'}]`);
  }
  const inHead = findings.filter(f => f.inHead).length;
  const time = ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
  out.push(findings.length
    ? `✖ ${findings.length} secret${findings.length === 1 ? '' : 's'} in the history of ${commits} commit${commits === 1 ? '' : 's'} (${inHead} still in HEAD), ${time}. Rotate each one: deleting it from the code does not revoke it.`
    : `✔ no secrets in the added lines of ${commits} commit${commits === 1 ? '' : 's'}, ${time}`);
  return out.join('\n') + '\n';
}
