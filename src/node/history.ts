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
import { git, GIT_TIMEOUT_MS, GitError } from './git';
import { sha256Hex } from './scan';
import { decodeText } from './decode';

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
  /** A git that writes nothing for this long is killed and the scan fails with a GitError (default GIT_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Called after each commit. */
  onCommit?: (commits: number) => void;
}

export interface HistoryResult { findings: HistoryFinding[]; commits: number; filesLinted: number; durationMs: number }

/** A cheap superset test: can a rule above find anything in this text? (keywords of every format, credential words, user:pass@ URLs). */
const CREDENTIAL_WORDS = ['pass', 'pwd', 'secret', 'token', 'cred', 'key', 'auth', 'bearer'];
/** The keywords of every secret format, and user:pass@ URLs: specific enough to look at a line with no literal on it (a comment). */
const FORMAT = new RegExp([
  ':\\/\\/[^\\s/@]+@',
  ...[...new Set(SECRET_PATTERNS.flatMap(p => p.keywords))].map(k => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')),
].join('|'), 'i');
const CANDIDATE = new RegExp([...CREDENTIAL_WORDS, FORMAT.source].join('|'), 'i');
const CANDIDATE_G = new RegExp(CANDIDATE.source, 'gi');

/** Lines kept on each side of an Apex line that can hold a secret (see apexAround). */
export const APEX_WINDOW = 12;

/**
 * The added lines of an Apex file as the rules see them: only the lines near one that CANDIDATE
 * matches (APEX_WINDOW on each side: the statement, its neighbours, a local variable and its use),
 * the others blank, so that line numbers stay and a 2,000-line class added for one key costs a few
 * dozen lines of parsing. Lines with a block comment's start or end are always kept, so that code
 * is never read as comment or the reverse. Undefined when no line matches.
 */
export function apexAround(lines: readonly string[]): string | undefined {
  const text = lines.join('\n');
  // One scan of the whole text (most files have no match at all), then only the matching lines are looked at.
  const re = CANDIDATE_G;
  re.lastIndex = 0;
  let m = re.exec(text);
  if (!m) { return undefined; }
  const n = lines.length;
  const starts = new Array<number>(n);
  for (let i = 0, off = 0; i < n; i++) { starts[i] = off; off += lines[i].length + 1; }
  const lineAt = (off: number) => { let lo = 0, hi = n - 1; while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid] <= off) { lo = mid; } else { hi = mid - 1; } } return lo; };
  const keep = new Uint8Array(n);
  let any = false;
  for (; m; m = re.exec(text)) {
    const i = lineAt(m.index);
    const l = lines[i];
    // A line with a secret format's keyword counts; one with only a credential word (key, token, auth: common in
    // code) counts when it, or a line next to it (a statement split in two), has a literal to hold the value.
    if (FORMAT.test(l) || l.includes("'") || lines[i - 1]?.includes("'") || lines[i + 1]?.includes("'")) {
      any = true;
      for (let k = Math.max(0, i - APEX_WINDOW), e = Math.min(n - 1, i + APEX_WINDOW); k <= e; k++) { keep[k] = 1; }
    }
    re.lastIndex = starts[i] + l.length + 1; // next line
  }
  if (!any) { return undefined; }
  let out = '';
  for (let i = 0; i < n; i++) {
    const l = lines[i];
    out += (i ? '\n' : '') + (keep[i] || l.includes('/*') || l.includes('*/') ? l : '');
  }
  return out;
}

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
  // Merge commits as dense combined diffs (`--cc`): the lines a merge has that are in none of its
  // parents (a conflict resolution that writes something new); lines it takes from a parent were
  // added by a commit on that side, which the log shows too.
  const args = ['-c', 'core.quotePath=false', 'log', '--no-color', '--no-ext-diff', '--no-textconv', '--no-renames', '-p', '--cc', '-U0',
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
  /** Parents of the hunk being read: 1 for a plain diff, 2+ for a merge's combined diff (one prefix column each). */
  let parents = 1;

  const flush = () => {
    if (file !== undefined && added.length) {
      const lines = decodeAdded(added);
      const text = fileKindOf(file) === 'apex' ? apexAround(lines) : lines.join('\n');
      if (text !== undefined && CANDIDATE.test(text)) {
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

  const timeoutMs = options.timeoutMs ?? GIT_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', args, { cwd: top, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } });
    let stderr = '';
    let rest = '';
    let settled = false;
    const finish = (e?: Error) => {
      if (settled) { return; }
      settled = true;
      clearTimeout(idle);
      options.signal?.removeEventListener('abort', onAbort);
      if (e) { reject(e); } else { resolve(); }
    };
    // A long history streams for minutes, so the limit is on silence: git that writes nothing for
    // `timeoutMs` is hung (a lock, a network filesystem, a lazy-fetch remote) and is killed.
    const onIdle = () => {
      child.kill('SIGKILL');
      finish(new GitError(`git log produced no output for ${timeoutMs / 1000} s and was stopped (after ${commits} commit${commits === 1 ? '' : 's'}): the history was not fully scanned`));
    };
    let idle = setTimeout(onIdle, timeoutMs);
    const onAbort = () => { child.kill(); };
    options.signal?.addEventListener('abort', onAbort);
    child.stderr.on('data', (c: Buffer) => { if (stderr.length < 4096) { stderr += c.toString(); } });
    // Bytes as characters one to one: each file's added lines are decoded as the scan decodes files
    // (decodeAdded), the header lines as UTF-8.
    child.stdout.setEncoding('latin1');
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
      if (inHeader) {
        // "+++ b/path": C-quoted when the name has a quote, backslash or control character, and
        // followed by a TAB when it has a space. "+++ /dev/null" is a deletion.
        if (c === 43 /* + */ && l.startsWith('+++ ')) {
          flush();
          const p = headerPath(utf8Of(l.slice(4)));
          file = p.startsWith('b/') && wantedCache(p.slice(2)) ? p.slice(2) : undefined;
          return;
        }
        if (c === 64 /* @ */) { startHunk(l); }
        else if (c === 100 /* d */ && l.startsWith('diff ')) { flush(); file = undefined; }
        return;
      }
      if (c === 64 /* @ */ && l.startsWith('@@')) { startHunk(l); return; }
      if (c === 100 /* d */ && l.startsWith('diff ')) { flush(); file = undefined; inHeader = true; return; }
      if (parents === 1) {
        if (c === 43 /* + */ && file !== undefined) { added.push(l.slice(1)); lineNos.push(nextLine++); }
        return;
      }
      // Combined diff: a line of the merge result has no "-" in its prefix; it is new when every column is "+".
      const prefix = l.slice(0, parents);
      if (prefix.includes('-') || prefix.length < parents || c === 92 /* \ No newline */) { return; }
      if (file !== undefined) {
        if (/^\++$/.test(prefix)) { added.push(l.slice(parents)); lineNos.push(nextLine); } else if (added.length && lineNos[lineNos.length - 1] !== -1) { added.push(''); lineNos.push(-1); }
      }
      nextLine++;
    };
    // "@@ -a,b +c,d @@" or, for a merge of N parents, N+1 "@" on each side and N "-" ranges.
    const startHunk = (l: string) => {
      let at = 0;
      while (l.charCodeAt(at) === 64) { at++; }
      if (at < 2) { return; }
      inHeader = false;
      parents = at - 1;
      const m = / \+(\d+)(?:,\d+)? @@/.exec(l);
      if (m) { nextLine = Number(m[1]) - 1; }
      if (file !== undefined && added.length) { added.push(''); lineNos.push(-1); }
    };
    const seen = new Map<string, boolean>();
    const wantedCache = (rel: string) => { let w = seen.get(rel); if (w === undefined) { seen.set(rel, w = wanted(rel)); if (seen.size > 100000) { seen.clear(); } } return w; };
    child.stdout.on('data', (chunk: string) => {
      clearTimeout(idle);
      idle = setTimeout(onIdle, timeoutMs);
      const text = rest + chunk;
      let from = 0;
      for (let nl = text.indexOf('\n', from); nl >= 0; nl = text.indexOf('\n', from)) { onLine(text.slice(from, nl)); from = nl + 1; }
      rest = text.slice(from);
    });
    child.on('error', e => finish(new GitError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed or not on the PATH' : e.message)));
    child.on('close', code => {
      if (settled) { return; }
      if (rest) { onLine(rest); }
      flush();
      if (code !== 0 && !options.signal?.aborted) { finish(new GitError(`git log failed: ${stderr.split('\n').find(Boolean)?.replace(/^fatal:\s*/, '') ?? `exit ${code}`}`)); return; }
      finish();
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
    const found = await grepHead(top, [...probes.keys()], timeoutMs);
    for (const p of found) { for (const v of probes.get(p) ?? []) { secrets.get(v)!.inHead = true; } }
  }
  const findings = [...secrets.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.path < b.path ? -1 : a.path > b.path ? 1 : a.range.start.line - b.range.start.line));
  return { findings, commits, filesLinted, durationMs: performance.now() - started };
}

/** Bytes read as Latin-1 characters, back to the UTF-8 text they are (paths in git's output). */
function utf8Of(s: string): string { return NON_ASCII.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s; }
const NON_ASCII = /[\x80-\xff]/;

/**
 * A file's added lines (bytes as Latin-1 characters) as text, decoded like the scan decodes a file
 * (`decodeText`: UTF-8, else Latin-1; UTF-16 when the zero bytes say so), so that a secret in a
 * Latin-1 file reads the same in history as in a scan. ASCII needs nothing.
 */
function decodeAdded(lines: readonly string[]): readonly string[] {
  const joined = lines.join('\n');
  // NUL (UTF-16) or a byte above 0x7f: anything else is ASCII, the same text in every encoding.
  if (!NON_ASCII.test(joined) && !joined.includes('\0')) { return lines; }
  return decodeText(Buffer.from(joined, 'latin1')).text.split('\n');
}

/**
 * The path in a "+++ " diff header line: git C-quotes a name holding a quote, backslash or control
 * character (and, with core.quotePath, non-ASCII bytes as octal), and ends the line with a TAB when
 * the name holds a space. Never fails: an escape git does not write is kept as it is.
 */
export function headerPath(s: string): string {
  if (s.charCodeAt(0) !== 34 /* " */) { return s.endsWith('\t') ? s.slice(0, -1) : s; }
  const bytes: number[] = [];
  const put = (t: string) => { for (const b of Buffer.from(t, 'utf8')) { bytes.push(b); } };
  const ESC: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 1; i < s.length; i++) {
    const ch = String.fromCodePoint(s.codePointAt(i)!);
    i += ch.length - 1;
    if (ch === '"') { break; }
    if (ch !== '\\') { put(ch); continue; }
    const n = s[i + 1];
    if (n !== undefined && n in ESC) { bytes.push(ESC[n]); i++; continue; }
    if (/^[0-3][0-7]{2}$/.test(s.slice(i + 1, i + 4))) { bytes.push(parseInt(s.slice(i + 1, i + 4), 8)); i += 3; continue; }
    put(ch);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The secret in a finding's text: a known format inside it, else the text without quotes. */
function secretOf(s: string): string {
  const m = matchSecrets(s);
  if (m.length) { return s.slice(m[0].start, m[0].end); }
  return s.trim().replace(/^(['"`])([\s\S]*)\1$/, '$2');
}

/** Which of the fixed strings occur in HEAD's tree (`git grep -F -o -f -`: patterns on stdin). */
function grepHead(top: string, probes: readonly string[], timeoutMs: number): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['grep', '-F', '-I', '-o', '-h', '--no-color', '-f', '-', 'HEAD', '--'], { cwd: top, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
    // One pass over HEAD's tree: twice the silence limit of git log is generous for the largest repositories.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new GitError(`git grep timed out after ${(2 * timeoutMs) / 1000} s: could not tell which secrets are still in HEAD`));
    }, 2 * timeoutMs);
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
