import type * as ChildProcess from 'node:child_process';
import path from 'node:path';

/**
 * node:child_process (with net, dgram and streams) loads on the first git call: a scan that never
 * calls git (every plain or --cache scan) does not pay for it at start.
 */
let childProcess: typeof ChildProcess | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cp = (): typeof ChildProcess => (childProcess ??= require('node:child_process') as typeof ChildProcess);

/** Git could not answer (not a repository, unknown ref, git missing, timeout): the message says which. */
export class GitError extends Error {}

/** How long one git command may take before it is killed. */
export const GIT_TIMEOUT_MS = 60_000;

/** Runs git in `cwd` and returns its stdout; any failure is a GitError with git's own first line. */
export function git(cwd: string, args: readonly string[], timeoutMs = GIT_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    cp().execFile('git', args as string[], { cwd, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        if (!err) { resolve(stdout); return; }
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
        if (e.code === 'ENOENT') { reject(new GitError('git is not installed or not on the PATH')); return; }
        if (e.killed || e.signal === 'SIGTERM') { reject(new GitError(`git ${args[0]} timed out after ${timeoutMs / 1000} s`)); return; }
        const first = String(stderr).split('\n').map(l => l.trim()).find(Boolean) ?? e.message;
        reject(new GitError(first.replace(/^fatal:\s*/, '')));
      });
  });
}

/** The top folder of the work tree holding `dir`; a GitError saying so when it is not in one. */
export async function gitTopLevel(dir: string): Promise<string> {
  try { return path.resolve((await git(dir, ['rev-parse', '--show-toplevel'])).trim()); } catch (e) {
    if (e instanceof GitError && /not a git repository/i.test(e.message)) { throw new GitError(`${dir} is not inside a git repository`); }
    throw e;
  }
}

/** NUL-separated git output as paths relative to the top level. */
const zList = (s: string) => s.split('\0').filter(Boolean);

/** The ref `--changed` compares with when none is given: the upstream branch, else origin/HEAD. */
export async function defaultBaseRef(top: string): Promise<string> {
  try { return (await git(top, ['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}'])).trim(); } catch { /* no upstream */ }
  try { return (await git(top, ['symbolic-ref', '--short', 'refs/remotes/origin/HEAD'])).trim(); } catch { /* no origin/HEAD */ }
  throw new GitError('no REF given and the branch has no upstream and there is no origin/HEAD: pass one, e.g. --changed=origin/main');
}

/**
 * Files changed since the merge base of `ref` and HEAD: committed, uncommitted and untracked
 * (not ignored) ones, added, copied, modified or renamed (deleted files are gone). Absolute paths.
 */
export async function changedFiles(top: string, ref: string): Promise<{ ref: string; mergeBase: string; files: string[] }> {
  try { await git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]); } catch {
    throw new GitError(`unknown git ref "${ref}"`);
  }
  let mergeBase: string;
  try { mergeBase = (await git(top, ['merge-base', '--end-of-options', ref, 'HEAD'])).trim(); } catch (e) {
    throw new GitError(`no merge base between ${ref} and HEAD (${(e as Error).message})`);
  }
  const diff = zList(await git(top, ['diff', '--name-only', '-z', '--no-renames', '--diff-filter=ACMRT', mergeBase, '--']));
  const untracked = zList(await git(top, ['ls-files', '-z', '--others', '--exclude-standard']));
  const files = [...new Set([...diff, ...untracked])].map(f => path.join(top, f)).sort();
  return { ref, mergeBase, files };
}

/** Tracked files (in the index) matching the globs, absolute: part of the project's file list without walking the disk. */
export async function trackedFiles(top: string, globs: readonly string[] = [], keep?: (absolute: string) => boolean): Promise<string[]> {
  // `keep` sees `top/rel` joined by string (no normalising of tens of thousands of paths), then kept ones are joined properly.
  const prefix = top.endsWith('/') ? top : `${top}/`;
  const rels = zList(await git(top, ['ls-files', '-z', '--cached', '--', ...globs.map(g => `:(glob)${g}`)]));
  return (keep ? rels.filter(f => keep(prefix + f)) : rels).map(f => path.join(top, f));
}

/** Files with staged additions or changes (what `git commit` would record). Absolute paths. */
export async function stagedFiles(top: string): Promise<string[]> {
  return zList(await git(top, ['diff', '--cached', '--name-only', '-z', '--no-renames', '--diff-filter=ACMRT', '--']))
    .map(f => path.join(top, f)).sort();
}

/**
 * The staged content (the index, not the work tree) of each file, read with one
 * `git cat-file --batch`. Files not in the index are absent from the map.
 */
export function readStaged(top: string, files: readonly string[], timeoutMs = GIT_TIMEOUT_MS): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const child = cp().spawn('git', ['cat-file', '--batch'], { cwd: top, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
    const timer = setTimeout(() => { child.kill(); reject(new GitError(`git cat-file timed out after ${timeoutMs / 1000} s`)); }, timeoutMs);
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', e => { clearTimeout(timer); reject(new GitError((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed or not on the PATH' : e.message)); });
    child.on('close', code => {
      clearTimeout(timer);
      if (code !== 0) { reject(new GitError(`git cat-file failed: ${stderr.trim() || `exit ${code}`}`)); return; }
      const out = Buffer.concat(chunks);
      const map = new Map<string, Buffer>();
      let off = 0;
      for (const f of files) {
        const nl = out.indexOf(10, off);
        if (nl < 0) { break; }
        const header = out.toString('utf8', off, nl);
        off = nl + 1;
        const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
        if (!m) { continue; } // "<spec> missing"
        const size = Number(m[2]);
        if (m[1] === 'blob') { map.set(f, out.subarray(off, off + size)); }
        off += size + 1;
      }
      resolve(map);
    });
    // ":<path>" names the stage-0 entry of the index; paths relative to the top, forward slashes.
    child.stdin.end(files.map(f => `:${path.relative(top, f).split(path.sep).join('/')}\n`).join(''));
  });
}
