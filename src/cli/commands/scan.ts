import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliIO } from '../io';
import { parseArgs, UsageError } from '../args';
import { VERSION } from '../version';
import { ConfigError, mergeConfig } from '../../core/config';
import type { Engine } from '../../core/engine';
import { failsOn, type FailOn } from '../../core/report/model';
import { INCOMPLETE_NOTES } from '../../core/types';
import { formatText } from '../../core/report/text';
import { toJsonReport } from '../../core/report/json';
import { toSarif } from '../../core/report/sarif';
import { ruleDocs } from '../../rules/docs.generated';
import { findProjectRoot, loadConfig } from '../../node/config';
import { scanProject, type ScanProgress } from '../../node/scan';
import { createEngine } from '../../node/createEngine';

export const HELP = `Usage: apiguard scan [paths...] [options]

Lints a Salesforce project (default: the current folder) for hardcoded credentials, callouts that
bypass Named Credentials and insecure API settings.

Options:
  -f, --format text|json|sarif   output format (default: text)
  -o, --output FILE              write the report to FILE instead of stdout
      --fail-on LEVEL            exit 1 when an unsuppressed finding is at or above LEVEL:
                                 error (default), warning, info, never
      --include-tests            also report findings inside @IsTest code
  -c, --config FILE              configuration file (default: .apiguard.json in the project root)
  -q, --quiet                    text: only findings that count toward --fail-on, no notes
  -h, --help                     show this help

Exit status: 0 everything was checked and nothing is at or above --fail-on; 1 something is;
2 usage or configuration error, or (when nothing gives 1) a file or folder could not be checked
fully (unreadable, binary, too large, over a per-file budget, a cap reached, a rule failed).
The project root is the nearest folder holding sfdx-project.json or .apiguard.json (else the
current folder); report paths are relative to it.`;

const SPEC = {
  format: { value: true, choices: ['text', 'json', 'sarif'], alias: 'f' },
  output: { value: true, alias: 'o' },
  'fail-on': { value: true, choices: ['error', 'warning', 'info', 'never'] },
  'include-tests': {},
  config: { value: true, alias: 'c' },
  quiet: { alias: 'q' },
  help: { alias: 'h' },
} as const;

/** Tests may inject an engine (e.g. with fixture rules); the CLI uses every rule. */
export interface ScanDeps { engine?: Engine; /** Clock for the progress delay (tests). */ now?: () => number }

export async function run(argv: string[], io: CliIO, deps: ScanDeps = {}): Promise<number> {
  let parsed;
  try { parsed = parseArgs(argv, SPEC); } catch (e) {
    if (e instanceof UsageError) { io.err(`apiguard scan: ${e.message}\n\n${HELP}\n`); return 2; }
    throw e;
  }
  const o = parsed.options;
  if (o.help) { io.out(HELP + '\n'); return 0; }
  const format = (o.format as string | undefined) ?? 'text';
  const failOn = ((o['fail-on'] as string | undefined) ?? 'error') as FailOn;
  const targets = parsed.positional.length ? parsed.positional : ['.'];
  const absTargets = targets.map(t => path.resolve(io.cwd, t));
  const missing = targets.filter((_t, i) => !existsSync(absTargets[i]));
  if (missing.length) { io.err(`apiguard scan: no such file or folder: ${missing.join(', ')}\n`); return 2; }

  const root = findProjectRoot(absTargets[0], io.cwd);
  const engine = deps.engine ?? await createEngine();
  let config;
  try {
    config = await loadConfig(root, o.config ? path.resolve(io.cwd, o.config as string) : undefined, engine.ruleIds());
  } catch (e) {
    if (e instanceof ConfigError) { io.err(`apiguard scan: configuration error: ${e.message}\n`); return 2; }
    throw e;
  }
  if (o['include-tests']) { config = mergeConfig(config, { includeTests: true }); }

  const paths = absTargets.length === 1 && absTargets[0] === root ? undefined : absTargets;
  const progress = progressReporter(io, deps.now ?? Date.now);
  const result = await scanProject({ root, paths, config, onProgress: progress.update, engine });
  progress.done();

  const toFile = typeof o.output === 'string';
  const color = !toFile && format === 'text' && colourWanted(io);
  let text: string;
  switch (format) {
    case 'json': text = JSON.stringify(toJsonReport(result, VERSION), null, 2) + '\n'; break;
    case 'sarif': text = JSON.stringify(toSarif(result, { rules: engine.rules.map(r => r.meta), docs: ruleDocs, toolVersion: VERSION }), null, 2) + '\n'; break;
    default: text = formatText(result, { color, quiet: !!o.quiet, failOn });
  }
  if (toFile) {
    const file = path.resolve(io.cwd, o.output as string);
    try { writeFileSync(file, text); } catch (e) {
      io.err(`apiguard scan: cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      return 2;
    }
    if (!o.quiet) {
      const n = result.reports.reduce((a, r) => a + r.findings.filter(f => !f.suppressed).length, 0);
      io.out(`apiguard: ${n} finding${n === 1 ? '' : 's'} in ${result.filesScanned} files; ${format} report written to ${displayPath(io.cwd, file)}\n`);
    }
  } else {
    io.out(text);
  }
  if (failsOn(result, failOn)) { return 1; }
  // Exit 0 promises that everything was checked: a file or folder that was not (fully) read gives 2.
  const incomplete = result.notes.filter(n => INCOMPLETE_NOTES.has(n.code));
  if (incomplete.length) {
    const codes = [...new Set(incomplete.map(n => n.code))].join(', ');
    io.err(`apiguard scan: ${incomplete.length} file${incomplete.length === 1 ? '' : 's'} or folder${incomplete.length === 1 ? '' : 's'} not fully checked (${codes}): exit 2. See the notes in the report.\n`);
    return 2;
  }
  return 0;
}

/** Relative to the working directory when inside it, else absolute. */
function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

function colourWanted(io: CliIO): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') { return false; }
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') { return true; }
  return io.isTTY && io.env.TERM !== 'dumb';
}

/** Progress on stderr only when stderr is a terminal and the scan has run for more than a second. */
function progressReporter(io: CliIO, now: () => number): { update: (p: ScanProgress) => void; done: () => void } {
  const started = now();
  let shown = false;
  return {
    update: p => {
      if (!io.errIsTTY || now() - started < 1000) { return; }
      shown = true;
      io.err(`\r\u001b[Kapiguard: ${p.phase === 'discover' ? 'finding files…' : `scanning ${p.done}/${p.total} files…`}`);
    },
    done: () => { if (shown) { io.err('\r\u001b[K'); } },
  };
}
