import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Engine } from '../core/engine';
import { fileKindOf } from '../core/fileKind';
import { LineIndex } from '../core/position';
import { fingerprintFindings } from '../core/report/fingerprint';
import { matchSecrets, SECRET_PATTERNS } from '../core/secrets';
import type { Finding, SeverityOrOff } from '../core/types';
import ignore from 'ignore';
import { ALWAYS_EXCLUDED } from './discover';
import { git, GitError } from './git';
import { sha256Hex } from './scan';

/** The rules that find secret values (formats, credential names, URLs with passwords, auth headers, metadata). */
export const SECRET_RULE_IDS = ['hardcoded-secret', 'hardcoded-credential', 'metadata-secret', 'credential-in-url', 'hardcoded-authorization-header', 'secrets-at-rest'];

export interface HistoryFinding extends Finding {
  /** Full commit id that introduced the secret (the first commit, oldest first, whose added lines hold it). */
  commit: string;
  /** Author date of that commit, ISO 8601. */
  date: string;
  /** Whether the secret's text is still anywhere in HEAD's tree. */
  inHead: boolean;
  fingerprint: string;
}

export interface HistoryOptions {
  /** A folder inside the repository; report paths are relative to the repository's top level. */
  top: string;
  /** May still be loading: git starts at once and candidate files wait (in order) for the parser. */
  engine: Engine | Promise<Engine>;
  /** Only commits after REF (`REF..HEAD`). */
  since?: string;
  /** Only the N most recent commits. */
  maxCommits?: number;
  /** Per-rule severities from the configuration (off rules are skipped). */
  rules?: Record<string, SeverityOrOff>;
  /**
   * Globs (gitignore syntax) of paths not to report. Not .gitignore or .forceignore: a file ignored
   * today (a `.env` added to .gitignore after it was committed) is exactly where old secrets hide.
   */
  exclude?: readonly string[];
  signal?: AbortSignal;
  /** Called after each commit. */
  onCommit?: (commits: number) => void;
}

export interface HistoryResult { findings: HistoryFinding[]; commits: number; filesLinted: number; durationMs: number }

/** A cheap superset test: can a rule above find anything in this text? (keywords of every format, credential words, user:pass@ URLs). */
const CANDIDATE = new RegExp([
  'pass', 'pwd', 'secret', 'token', 'cred', 'key', 'auth', 'bearer', ':\\/\\/[^\\s/@]+@',
  ...[...new Set(SECRET_PATTERNS.flatMap(p => p.keywords))].map(k => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')),
].join('|'), 'i');

/**
 * Scans the lines each commit added (`git log -p -U0`, streamed) with the secret rules
 * and reports each secret once, at the commit that introduced it, then checks which are still in
 * HEAD (one `git grep -F -f -`, the secrets passed on stdin, never on a command line). Memory
 * holds one file's added lines at a time plus the distinct secrets found.
 */
export async function scanHistory(options: HistoryOptions): Promise<HistoryResult> {
  const started = performance.now();
  const { top } = options;
  const rules: Record<string, SeverityOrOff> = {};
  let engine: Engine | undefined;
  const waiting: Array<() => void> = [];
  const engineReady = Promise.resolve(options.engine).then(e => {
    for (const r of e.rules) { rules[r.meta.id] = SECRET_RULE_IDS.includes(r.meta.id) ? options.rules?.[r.meta.id] ?? r.meta.defaultSeverity : 'off'; }
    engine = e;
    for (const w of waiting.splice(0)) { w(); }
  });
  const ig = ignore({ allowRelativePaths: true }).add([...options.exclude ?? []]);
  const wanted = (rel: string) => !!fileKindOf(rel) && !rel.split('/').some(s => ALWAYS_EXCLUDED.has(s)) && !ig.ignores(rel);

  const range = options.since ? `${options.since}..HEAD` : 'HEAD';
  if (options.since) {
    try { await git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${options.since}^{commit}`]); } catch { throw new GitError(`unknown git ref "${options.since}"`); }
  }
  try { await git(top, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']); } catch { throw new GitError('the repository has no commits yet'); }

  // Newest first (no --reverse: git would walk every commit before printing the first diff); an
  // older occurrence of a secret replaces the newer one, so the one kept is the introducing commit.
  const args = ['-c', 'core.quotePath=false', 'log', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '-p', '-U0',
    '--format=%x00%H %aI'];
  if (options.maxCommits !== undefined) { args.push(`--max-count=${options.maxCommits}`); }
  args.push(range, '--');

  const secrets = new Map<string, HistoryFinding>();
  let commits = 0, filesLinted = 0;
  let commit = '', date = '';
  let file: string | undefined;
  let added: string[] = [];
  let lineNos: number[] = [];
  let nextLine = 0;
  let inHeader = false;

  const flush = () => {
    if (file !== undefined && added.length) {
      const text = added.join('\n');
      if (CANDIDATE.test(text)) {
        const job = [file, text, lineNos, commit, date] as const;
        if (engine) { lintAdded(engine, ...job); } else { waiting.push(() => lintAdded(engine!, ...job)); }
      }
    }
    added = [];
    lineNos = [];
  };

  const lintAdded = (engine: Engine, file: string, text: string, lineNos: readonly number[], commit: string, date: string) => {
    filesLinted++;
    const abs = path.join(top, file);
    const report = engine.lint(abs, text, { rules, includeTests: true });
    const lines = new LineIndex(text);
    const span = (f: Finding) => [lines.offsetAt(f.range.start), lines.offsetAt(f.range.end)] as const;
    // One secret, one finding: where rules overlap (a header call and the token inside it), the narrowest wins.
    const live: Finding[] = [];
    for (const f of report.findings.filter(x => !x.suppressed).sort((a, b) => (span(a)[1] - span(a)[0]) - (span(b)[1] - span(b)[0]))) {
      const [s, e] = span(f);
      if (!live.some(x => { const [xs, xe] = span(x); return s < xe && xs < e; })) { live.push(f); }
    }
    if (live.length) {
      const fps = fingerprintFindings(live, lines, file, sha256Hex);
      live.forEach((f, i) => {
        const value = secretOf(text.slice(...span(f)));
        if (value.length < 4) { return; }
        const shift = (p: { line: number; character: number }) => ({ line: lineNos[p.line] ?? p.line, character: p.character });
        secrets.set(value, { ...f, path: abs, range: { start: shift(f.range.start), end: shift(f.range.end) }, related: undefined, commit, date, inHead: false, fingerprint: fps[i] });
      });
    }
  };

  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', args, { cwd: top, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } });
    let stderr = '';
    let rest = '';
    const onAbort = () => child.kill();
    options.signal?.addEventListener('abort', onAbort);
    child.stderr.on('data', (c: Buffer) => { if (stderr.length < 4096) { stderr += c.toString(); } });
    child.stdout.setEncoding('utf8');
    const onLine = (l: string) => {
      if (l.charCodeAt(0) === 0) {
        flush(); file = undefined;
        const sp = l.indexOf(' ');
        commit = l.slice(1, sp); date = l.slice(sp + 1);
        commits++;
        options.onCommit?.(commits);
        return;
      }
      const c = l.charCodeAt(0);
      if (c === 43 /* + */) {
        // "+++ b/path" only in a file header: an added line "++ x" also shows as "+++ x" in a hunk.
        if (inHeader && l.startsWith('+++ ')) {
          flush();
          const p = l.slice(4);
          file = p.startsWith('b/') && wantedCache(p.slice(2)) ? p.slice(2) : undefined;
          return;
        }
        if (file !== undefined && !inHeader) { added.push(l.slice(1)); lineNos.push(nextLine++); }
        return;
      }
      if (c === 64 /* @ */ && l.startsWith('@@ ')) {
        inHeader = false;
        const m = /^@@ -\d+(?:,\d+)? \+(\d+)/.exec(l);
        if (m) { nextLine = Number(m[1]) - 1; }
        if (file !== undefined && added.length) { added.push(''); lineNos.push(-1); }
        return;
      }
      if (c === 100 /* d */ && l.startsWith('diff --git ')) { flush(); file = undefined; inHeader = true; }
    };
    const seen = new Map<string, boolean>();
    const wantedCache = (rel: string) => { let w = seen.get(rel); if (w === undefined) { seen.set(rel, w = wanted(rel)); if (seen.size > 100000) { seen.clear(); } } return w; };
    child.stdout.on('data', (chunk: string) => {
      const text = rest + chunk;
      let from = 0;
      for (let nl = text.indexOf('\n', from); nl >= 0; nl = text.indexOf('\n', from)) { onLine(text.slice(from, nl)); from = nl + 1; }
      rest = text.slice(from);
    });
    child.on('error', e => reject(new GitError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed or not on the PATH' : e.message)));
    child.on('close', code => {
      options.signal?.removeEventListener('abort', onAbort);
      if (rest) { onLine(rest); }
      flush();
      if (code !== 0 && !options.signal?.aborted) { reject(new GitError(`git log failed: ${stderr.split('\n').find(Boolean)?.replace(/^fatal:\s*/, '') ?? `exit ${code}`}`)); return; }
      resolve();
    });
  });

  await engineReady;
  // Still in HEAD? One git grep over HEAD's tree with every secret (its longest line) as a fixed string on stdin.
  if (secrets.size) {
    const probes = new Map<string, string[]>();
    for (const value of secrets.keys()) {
      const probe = value.split(/\r?\n/).reduce((a, b) => (b.length > a.length ? b : a), '');
      if (probe.length < 4) { continue; }
      let list = probes.get(probe);
      if (!list) { probes.set(probe, list = []); }
      list.push(value);
    }
    const found = await grepHead(top, [...probes.keys()]);
    for (const p of found) { for (const v of probes.get(p) ?? []) { secrets.get(v)!.inHead = true; } }
  }
  const findings = [...secrets.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : a.range.start.line - b.range.start.line));
  return { findings, commits, filesLinted, durationMs: performance.now() - started };
}

/** The secret in a finding's text: a known format inside it, else the text without quotes. */
function secretOf(s: string): string {
  const m = matchSecrets(s);
  if (m.length) { return s.slice(m[0].start, m[0].end); }
  return s.trim().replace(/^(['"`])([\s\S]*)\1$/, '$2');
}

/** Which of the fixed strings occur in HEAD's tree (`git grep -F -o -f -`: patterns on stdin). */
function grepHead(top: string, probes: readonly string[]): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['grep', '-F', '-I', '-o', '-h', '--no-color', '-f', '-', 'HEAD', '--'], { cwd: top, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
    const timer = setTimeout(() => child.kill(), 120_000);
    const found = new Set<string>();
    let rest = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      const text = rest + c;
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      // `-h` drops the file name: each line is one match.
      for (const l of lines) { found.add(l); }
    });
    child.stderr.resume();
    child.on('error', e => { clearTimeout(timer); reject(new GitError(e.message)); });
    child.on('close', code => {
      clearTimeout(timer);
      if (rest) { found.add(rest); }
      // git grep exits 1 when nothing matched.
      if (code !== 0 && code !== 1) { reject(new GitError(`git grep failed (exit ${code})`)); return; }
      resolve(found);
    });
    child.stdin.on('error', () => { /* git exited early; close reports it */ });
    child.stdin.end(probes.join('\n') + '\n');
  });
}
