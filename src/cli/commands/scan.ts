import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
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
import { allRules } from '../../rules';
import { findProjectRoot, loadConfig } from '../../node/config';
import { feedsProjectIndex, MAX_READ_BYTES, readAll, scanProject, type ProjectReaders, type ReadResult, type ScanProgress } from '../../node/scan';
import { decodeText } from '../../node/decode';
import { createEngine } from '../../node/createEngine';
import { ALWAYS_EXCLUDED, rootIgnore } from '../../node/discover';
import { fileKindOf } from '../../core/fileKind';
import { relativePath, type ReportInput } from '../../core/report/model';
import { BaselineError, compareWithBaseline, createBaseline, DEFAULT_BASELINE_FILE, onlyNew, parseBaseline, serializeBaseline, type BaselineComparison, type BaselineFile } from '../../core/report/baseline';
import { changedFiles, defaultBaseRef, GitError, gitTopLevel, readStaged, stagedFiles, trackedFiles } from '../../node/git';
import { DEFAULT_CACHE_FILE, FileLintCache } from '../../node/cache';

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
      --baseline FILE            report only findings not in FILE (SARIF marks each result's
                                 baselineState: new, unchanged, absent)
      --update-baseline          write the current findings to the baseline (--baseline FILE, else
                                 .apiguard-baseline.json in the project root) and exit 0
      --changed [REF]            only files changed since the merge base with REF (default: the
                                 upstream branch, else origin/HEAD), committed or not
      --staged                   only staged files, as staged (the git index, not the work tree)
      --cache                    reuse the results of unchanged files from the last --cache run
      --cache-location FILE      where --cache keeps them (default: .apiguardcache in the project root)
  -j, --jobs N                   lint on N threads (default: the available cores)
      --shard I/N                lint only shard I of N (files split by a hash of their path; project
                                 facts still come from the whole tree); for a CI matrix of N runners
  -h, --help                     show this help

Project facts (Named Credentials, Remote Sites) always come from the whole project, so a file gets
the same findings with --changed or --staged as in a full scan.

Exit status: 0 everything was checked and nothing is at or above --fail-on; 1 something is;
2 usage or configuration error (also: corrupt baseline, not a git repository, unknown ref), or
(when nothing gives 1) a file or folder could not be checked fully (unreadable, binary, too large,
over a per-file budget, a cap reached, a rule failed).
The project root is the nearest folder holding sfdx-project.json or .apiguard.json (else the
current folder); report paths are relative to it.`;

const SPEC = {
  format: { value: true, choices: ['text', 'json', 'sarif'], alias: 'f' },
  output: { value: true, alias: 'o' },
  'fail-on': { value: true, choices: ['error', 'warning', 'info', 'never'] },
  'include-tests': {},
  config: { value: true, alias: 'c' },
  quiet: { alias: 'q' },
  baseline: { value: true },
  'update-baseline': {},
  changed: { optionalValue: (_next: string) => true },
  staged: {},
  cache: {},
  'cache-location': { value: true },
  jobs: { value: true, alias: 'j' },
  shard: { value: true },
  help: { alias: 'h' },
} as const;

/** Tests may inject an engine (e.g. with fixture rules); the CLI uses every rule. */
export interface ScanDeps { engine?: Engine; /** Clock for the progress delay (tests). */ now?: () => number }

export async function run(argv: string[], io: CliIO, deps: ScanDeps = {}): Promise<number> {
  let parsed;
  // `--changed force-app` is a path, not a ref: a next argument that exists on disk is left alone.
  const spec = { ...SPEC, changed: { optionalValue: (next: string) => !existsSync(path.resolve(io.cwd, next)) } };
  try { parsed = parseArgs(argv, spec); } catch (e) {
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

  let jobs: number | undefined;
  if (o.jobs !== undefined) {
    jobs = Number(o.jobs);
    if (!/^\d+$/.test(String(o.jobs)) || jobs < 1) { io.err(`apiguard scan: option --jobs must be a whole number of at least 1 (got "${String(o.jobs)}")\n`); return 2; }
  }
  let shard: { index: number; count: number } | undefined;
  if (o.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(String(o.shard));
    shard = m ? { index: Number(m[1]), count: Number(m[2]) } : undefined;
    if (!shard || shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
      io.err(`apiguard scan: option --shard must be I/N with 1 <= I <= N, e.g. 2/4 (got "${String(o.shard)}")\n`); return 2;
    }
  }

  const changed = o.changed, staged = !!o.staged;
  const fail = (msg: string) => { io.err(`apiguard scan: ${msg}\n`); return 2; };
  if (changed && staged) { return fail('--changed and --staged cannot be combined'); }
  if (o['update-baseline'] && (changed || staged || parsed.positional.length)) {
    return fail('--update-baseline records a whole-project scan: drop --changed, --staged and paths');
  }
  if (o['cache-location'] && !o.cache) { return fail('--cache-location needs --cache'); }

  const root = findProjectRoot(absTargets[0], io.cwd);
  // Only the rule list is needed on this thread until files are linted. The grammar is loaded where they
  // are: here when this thread lints (one job, --staged, --cache without a cache file yet), overlapping
  // discovery and git; on the pool, once in each worker and not a third time here (2 workers + this
  // thread cost 3 compiles); with a cache file, on the first file it cannot vouch for (scanProject).
  const rules = deps.engine?.rules ?? allRules;
  const cacheLocation = typeof o['cache-location'] === 'string' ? path.resolve(io.cwd, o['cache-location']) : path.join(root, DEFAULT_CACHE_FILE);
  if (!deps.engine && (jobs === 1 || staged || (o.cache && !existsSync(cacheLocation)))) { createEngine().catch(() => { /* scanProject reports it */ }); }
  const topPromise = changed || staged ? gitTopLevel(root) : undefined;
  topPromise?.catch(() => { /* reported below */ });
  let config;
  try {
    config = await loadConfig(root, o.config ? path.resolve(io.cwd, o.config as string) : undefined, new Set(rules.map(r => r.meta.id)));
  } catch (e) {
    if (e instanceof ConfigError) { io.err(`apiguard scan: configuration error: ${e.message}\n`); return 2; }
    throw e;
  }
  if (o['include-tests']) { config = mergeConfig(config, { includeTests: true }); }

  // The baseline is read (and checked) before scanning, so a bad file fails fast.
  const baselinePath = typeof o.baseline === 'string' ? path.resolve(io.cwd, o.baseline) : o['update-baseline'] ? path.join(root, DEFAULT_BASELINE_FILE) : undefined;
  let baseline: BaselineFile | undefined;
  if (baselinePath && !o['update-baseline']) {
    let text: string;
    try { text = readFileSync(baselinePath, 'utf8'); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return fail(code === 'ENOENT' ? `baseline file ${displayPath(io.cwd, baselinePath)} does not exist (create it with --update-baseline)`
        : `cannot read baseline file ${displayPath(io.cwd, baselinePath)}: ${code ?? (e as Error).message}`);
    }
    try { baseline = parseBaseline(text); } catch (e) {
      if (e instanceof BaselineError) { return fail(`baseline file ${displayPath(io.cwd, baselinePath)} is corrupt: ${e.message}`); }
      throw e;
    }
  }

  // --changed / --staged: the exact file list from git, filtered like discovery would.
  let files: string[] | undefined;
  let projectFiles: string[] | undefined;
  let read: ((file: string) => Promise<ReadResult>) | undefined;
  let readers: ProjectReaders | undefined;
  let projectFilter: ((file: string) => boolean) | undefined;
  let scopeNote = '';
  if (changed || staged) {
    try {
      const top = await topPromise!;
      // Only the fact files' names (Named Credentials, External Credentials, Remote Sites), from the index.
      const facts = trackedFiles(top, [], feedsProjectIndex);
      facts.catch(() => { /* awaited below */ });
      let list: string[];
      if (staged) {
        list = await stagedFiles(top);
      } else {
        const ref = typeof changed === 'string' ? changed : await defaultBaseRef(top);
        const c = await changedFiles(top, ref);
        list = c.files;
        scopeNote = ` changed since ${ref} (merge base ${c.mergeBase.slice(0, 12)})`;
      }
      const inScope = await scopeFilter(root, config.exclude);
      const under = parsed.positional.length ? absTargets.map(u => relativePath(root, u)) : undefined;
      files = list.filter(f => inScope(f) && (!under || under.some(r => { const rel = relativePath(root, f); return r === '' || rel === r || rel.startsWith(r + '/'); })));
      // Project facts from every tracked (and changed) file the index reads, listed by git rather than by
      // walking the tree; the ignore rules are applied to the ones it reads (few, when it reads only what `files` use).
      projectFiles = [...new Set([...await facts, ...list])].filter(feedsProjectIndex);
      projectFilter = inScope;
      if (staged) {
        const blobs = await readStaged(top, files);
        const texts = new Map<string, ReadResult>();
        for (const file of files) {
          const b = blobs.get(file);
          texts.set(file, !b ? { path: file, note: { path: file, code: 'unreadable', message: 'Not in the git index: not checked.' } }
            : b.length > MAX_READ_BYTES ? { path: file, note: { path: file, code: 'too-large', message: `Staged file is ${(b.length / 1048576).toFixed(1)} MB: larger than ${MAX_READ_BYTES / 1048576} MB, so it was not read.` } }
              : { path: file, text: decodeText(b).text });
        }
        read = async file => texts.get(file)!;
        readers = { paths: files, texts: [...texts.values()].flatMap(r => r.text ?? []) };
        scopeNote = ' staged';
      } else {
        readers = { paths: files, texts: (await readAll(files)).map(r => r.text) };
      }
    } catch (e) {
      if (e instanceof GitError) { return fail(e.message); }
      throw e;
    }
  }

  let cache: FileLintCache | undefined;
  if (o.cache) {
    const location = cacheLocation;
    cache = await FileLintCache.open(location, { tool: VERSION, build: buildId(), root, rules: rules.map(r => [r.meta.id, r.meta.defaultSeverity]), config }, displayPath(io.cwd, location), { root });
    if (cache.problem) { io.err(`apiguard scan: warning: ${cache.problem}\n`); }
  }

  const paths = files || (absTargets.length === 1 && absTargets[0] === root) ? undefined : absTargets;
  const progress = progressReporter(io, deps.now ?? Date.now);
  // The cache keys on the whole project index: with --cache the index stays whole.
  const result = await scanProject({ root, paths, files, projectFiles, ...(cache ? {} : { readers }), projectFilter, read, cache, config, onProgress: progress.update, engine: deps.engine, jobs, shard });
  progress.done();
  if (cache) {
    try { await cache.save(); } catch (e) {
      io.err(`apiguard scan: warning: cannot write the cache ${displayPath(io.cwd, cache.location)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); results are complete\n`);
    }
  }

  if (o['update-baseline']) {
    const b = createBaseline(result);
    const n = b.entries.reduce((a, e) => a + e.count, 0);
    try {
      const tmp = `${baselinePath!}.${process.pid}.tmp`;
      writeFileSync(tmp, serializeBaseline(b));
      renameSync(tmp, baselinePath!);
    } catch (e) {
      return fail(`cannot write baseline file ${displayPath(io.cwd, baselinePath!)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    io.out(`apiguard: baseline of ${n} finding${n === 1 ? '' : 's'} in ${result.filesScanned} files written to ${displayPath(io.cwd, baselinePath!)}\n`);
    if (result.notes.length) { io.out(`apiguard: ${result.notes.length} file note${result.notes.length === 1 ? '' : 's'} (files not fully checked); run a scan to see them\n`); }
    return result.cancelled ? 2 : 0;
  }

  let comparison: BaselineComparison | undefined;
  let shown: ReportInput = result;
  if (baseline) {
    const scopes = files ? new Set(files.map(f => relativePath(root, f))) : paths ? paths.map(p => relativePath(root, p)) : undefined;
    const scanned = scopes === undefined ? undefined : scopes instanceof Set ? (rel: string) => scopes.has(rel)
      : (rel: string) => scopes.some(s => s === '' || rel === s || rel.startsWith(s + '/'));
    comparison = compareWithBaseline(result, baseline, scanned);
    shown = { ...result, reports: onlyNew(comparison.reports) };
  }

  const toFile = typeof o.output === 'string';
  const color = !toFile && format === 'text' && colourWanted(io);
  const baselineName = baselinePath ? displayPath(root, baselinePath) : undefined;
  let text: string;
  switch (format) {
    case 'json': {
      const j = toJsonReport(shown, VERSION);
      if (comparison) { j.baseline = { file: baselineName!, new: comparison.fresh, unchanged: comparison.unchanged, absent: comparison.absent.reduce((a, e) => a + e.count, 0) }; }
      text = JSON.stringify(j, null, 2) + '\n';
      break;
    }
    case 'sarif': text = JSON.stringify(toSarif(comparison ? { ...result, reports: comparison.reports } : result, {
      rules: rules.map(r => r.meta), docs: ruleDocs, toolVersion: VERSION, absent: comparison?.absent, baselineFile: baselineName,
      ...(shard ? { automationId: `apiguard/shard-${shard.index}-of-${shard.count}/` } : {}),
    }), null, 2) + '\n'; break;
    default:
      text = formatText(shown, { color, quiet: !!o.quiet, failOn });
      if (!o.quiet && scopeNote) { text += `Checked ${result.filesScanned} file${result.filesScanned === 1 ? '' : 's'}${scopeNote}.\n`; }
      if (comparison && !o.quiet) {
        const gone = comparison.absent.reduce((a, e) => a + e.count, 0);
        text += `${comparison.unchanged} finding${comparison.unchanged === 1 ? '' : 's'} in the baseline (${baselineName}) not shown` +
          `${gone ? `; ${gone} baseline finding${gone === 1 ? ' is' : 's are'} no longer found (refresh it with --update-baseline)` : ''}.\n`;
      }
  }
  if (toFile) {
    const file = path.resolve(io.cwd, o.output as string);
    try { writeFileSync(file, text); } catch (e) {
      io.err(`apiguard scan: cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      return 2;
    }
    if (!o.quiet) {
      const n = shown.reports.reduce((a, r) => a + r.findings.filter(f => !f.suppressed).length, 0);
      io.out(`apiguard: ${n} ${comparison ? 'new ' : ''}finding${n === 1 ? '' : 's'} in ${result.filesScanned} files; ${format} report written to ${displayPath(io.cwd, file)}\n`);
    }
  } else {
    io.out(text);
  }
  if (failsOn(shown, failOn)) { return 1; }
  // Exit 0 promises that everything was checked: a file or folder that was not (fully) read gives 2.
  const incomplete = result.notes.filter(n => INCOMPLETE_NOTES.has(n.code));
  if (incomplete.length) {
    const codes = [...new Set(incomplete.map(n => n.code))].join(', ');
    io.err(`apiguard scan: ${incomplete.length} file${incomplete.length === 1 ? '' : 's'} or folder${incomplete.length === 1 ? '' : 's'} not fully checked (${codes}): exit 2. See the notes in the report.\n`);
    return 2;
  }
  return 0;
}

/**
 * The files of a git list that a scan of `root` would read: inside the root, a kind API Guard
 * checks, not in an always-excluded folder, not ignored by .forceignore/.gitignore/exclude, and
 * (when paths are given) under one of them.
 */
async function scopeFilter(root: string, exclude: readonly string[]): Promise<(file: string) => boolean> {
  const ig = await rootIgnore(root, exclude);
  return f => {
    const rel = relativePath(root, f);
    if (!rel || rel.startsWith('../') || !fileKindOf(f)) { return false; }
    return !rel.split('/').some(seg => ALWAYS_EXCLUDED.has(seg)) && !ig.ignores(rel);
  };
}

/** Identifies the running build (a rebuilt bundle invalidates the cache even at the same version). */
function buildId(): string {
  try { const st = statSync(__filename); return `${st.size}:${st.mtimeMs}`; } catch { return ''; }
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
