import { createHash } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { fileKindOf } from '../core/fileKind';

/** Folders a workspace scan never enters, whatever the ignore files say. */
export const ALWAYS_EXCLUDED = new Set(['node_modules', '.git', '.sfdx', '.sf', '.vscode-host', '.vscode-test']);

export interface DiscoverOptions {
  /** Globs relative to the root, gitignore syntax (the config's `exclude`). */
  exclude?: readonly string[];
  /** Called for each folder that cannot be listed (EACCES, ENOTDIR, ELOOP, …); the walk goes on without it. */
  onUnlistable?: (dir: string, error: NodeJS.ErrnoException) => void;
  /** Called with the number of files kept in each folder as the walk lists (or recalls) it: a running count before the walk ends. */
  onFiles?: (count: number) => void;
  /** Tests inject failures here; defaults to fs.promises.readdir. */
  readdir?: (dir: string) => Promise<import('node:fs').Dirent[]>;
  /** Folder listings of the last walk of this root (`--cache`); used only for a walk of the whole root. */
  memo?: DiscoveryMemo;
}

/** A folder's times, taken before it is listed. */
export interface FolderStat { mtimeMs: number; ctimeMs: number }
/** What a walk kept of one folder: its subfolders and files (names), and a digest of its own .gitignore (null: none). */
export interface FolderListing { gitignore: string | null; dirs: readonly string[]; files: readonly string[] }

/**
 * Folder listings remembered between walks, like git's untracked cache: adding, removing or renaming
 * an entry changes a folder's mtime, and a chmod or a restored mtime (`touch -r`, rsync) changes its
 * ctime, so a folder whose mtime and ctime are those taken before its last listing has the same
 * entries, and the walk reuses what it kept of them without listing the folder. A folder's own
 * .gitignore is read again every time (editing it changes no folder's times); the root's ignore
 * rules are the key passed to `begin`.
 */
export interface DiscoveryMemo {
  /** Once per walk, with a digest of the root's ignore rules: listings made under other rules are forgotten. */
  begin(rules: string): void;
  /** The last listing of `dir` and the folder's times taken before it. */
  recall(dir: string): (FolderListing & FolderStat) | undefined;
  /** `dir`'s recalled listing was used: keep it. */
  keep(dir: string): void;
  /** `dir` as just listed, after `st` was taken (the memo decides whether those times can vouch for it later). */
  remember(dir: string, st: FolderStat, listing: FolderListing): void;
}

interface Matcher { base: string; ig: Ignore; rules: RuleSet }

const matcher = (base: string, ig: Ignore): Matcher => ({ base, ig, rules: compileRules(ig) });

/**
 * The rules of one `ignore` instance, tested the way the walk needs them: for a path whose parent
 * folders are already known not to be ignored (the walk enters no ignored folder), so the answer is
 * the sign of the last rule that matches the path itself. `ignore`'s own `ignores()` tests (and caches,
 * in an object that ends up holding every path of the tree) each parent again first: half of the
 * discovery of a 24,000-file tree. This uses the rules `ignore` compiled (their regular expressions,
 * in order, with their negation), so the matching is its own; a rule that can only match the last
 * segment of a path (no slash but a leading `**\/` or a trailing one, no character class, no escape:
 * `*.log`, `.sfdx/`, `**\/.vscode/`) is tested against the name alone. If the installed `ignore` keeps
 * its rules differently, `fast` is false and every test goes through `ignores()`.
 */
export interface RuleSet {
  /** No rule at all (no ignore file, only comments): nothing to test. */
  readonly empty: boolean;
  /** Whether the compiled rules were found (tests check that the fast path is the one in use). */
  readonly fast: boolean;
  /**
   * Whether `relPath` (forward slashes, relative to the rules' folder; `name` its last segment; a folder
   * without its trailing slash) is ignored, given that no folder above it is.
   */
  ignores(relPath: string, name: string, isDir: boolean): boolean;
}

/** What `ignore` 7 keeps of each rule (`_rules._rules`); checked at run time, never trusted blindly. */
interface CompiledRule { negative: boolean; regex: RegExp; body: string }
/** A rule whose regular expression can match only the last segment of a path (see `compileRules`). */
const NAME_RULE_BODY = /^(?:\*\*\/)?[^/\\[]*\/?$/;
/** How `ignore` starts such a rule's expression: `(?:^|\/)` (`*.log`) or `^(?:.*\/)?` (`**\/.sf/`). */
const NAME_RULE_REGEX = /^(?:\(\?:\^\|\\\/\)|\^\(\?:\.\*\\\/\)\?)/;

export function compileRules(ig: Ignore): RuleSet {
  const found = (ig as unknown as { _rules?: { _rules?: unknown } })._rules?._rules;
  const usable = Array.isArray(found) && found.every((r: Partial<CompiledRule>) =>
    typeof r?.negative === 'boolean' && typeof r.body === 'string' && r.regex instanceof RegExp && !r.regex.global && !r.regex.sticky);
  if (!usable) {
    return { empty: false, fast: false, ignores: (relPath, _name, isDir) => ig.ignores(isDir ? relPath + '/' : relPath) };
  }
  // `(?:^|\/)` or `^(?:.*\/)?`, then only literal characters and `[^/]` classes: the match is the last segment, whatever precedes it.
  const rules = (found as CompiledRule[]).map(r => ({ negative: r.negative, regex: r.regex, byName: NAME_RULE_BODY.test(r.body) && NAME_RULE_REGEX.test(r.regex.source) }));
  const byPath = rules.some(r => !r.byName);
  return {
    empty: rules.length === 0,
    fast: true,
    ignores(relPath, name, isDir) {
      const p = byPath ? (isDir ? relPath + '/' : relPath) : '';
      const n = isDir ? name + '/' : name;
      // The last rule that matches decides (ignore's own loop gives the same answer: see its `test`).
      for (let i = rules.length - 1; i >= 0; i--) {
        const r = rules[i];
        if (r.regex.test(r.byName ? n : p)) { return !r.negative; }
      }
      return false;
    },
  };
}

/** Relative path with forward slashes, the form `ignore` expects. */
function rel(from: string, to: string): string {
  // The walk joins every path under its matchers' bases, so the common case is a prefix cut (path.relative
  // resolves both paths: a third of an unchanged --cache re-scan's discovery time on 11,752 files).
  if (to.length > from.length && to.startsWith(from) && to[from.length] === path.sep) {
    const r = to.slice(from.length + 1);
    return path.sep === '/' ? r : r.split(path.sep).join('/');
  }
  return path.relative(from, to).split(path.sep).join('/');
}

async function readIfExists(file: string): Promise<string | undefined> {
  try { return await fsp.readFile(file, 'utf8'); } catch { return undefined; }
}

/**
 * The ignore rules of a project root: `.forceignore` (Salesforce CLI, gitignore syntax, root only),
 * the root `.gitignore` and the config's `exclude` globs. Nested `.gitignore` files are added
 * by the walk as it meets them.
 */
export async function rootIgnore(root: string, exclude: readonly string[] = []): Promise<Ignore> {
  return (await rootRules(root, exclude)).ig;
}

/** `rootIgnore` and a digest of what it was built from. */
async function rootRules(root: string, exclude: readonly string[]): Promise<{ ig: Ignore; key: string }> {
  const ig = ignore({ allowRelativePaths: true });
  const parts: Array<string | null> = [];
  for (const name of ['.forceignore', '.gitignore']) {
    const text = await readIfExists(path.join(root, name));
    parts.push(text ?? null);
    if (text !== undefined) { ig.add(text); }
  }
  ig.add(exclude as string[]);
  return { ig, key: digest(JSON.stringify([parts, exclude])) };
}

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);

/** A folder's times (following a symbolic link, as listing it does), or undefined. */
function folderStat(dir: string): FolderStat | undefined {
  try {
    const st = fs.statSync(dir, { throwIfNoEntry: false });
    return st?.isDirectory() ? { mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs } : undefined;
  } catch { return undefined; }
}

/** `ignore`'s full test, parent folders included: for a start folder of `under`, whose parents the walk did not see. */
function ignored(matchers: readonly Matcher[], abs: string, isDir: boolean): boolean {
  for (const m of matchers) {
    const r = rel(m.base, abs);
    if (!r || r.startsWith('..')) { continue; }
    if (m.ig.ignores(isDir ? r + '/' : r)) { return true; }
  }
  return false;
}

/**
 * Every file under `root` the scan reads (a known `fileKindOf`), sorted, as absolute paths.
 * Skips `node_modules`, `.git`, `.sfdx`, `.sf`, `.vscode-host`; honours `.forceignore`,
 * `.gitignore` (root and nested) and the `exclude` globs. Symbolic links are not followed.
 * `under` restricts the walk to folders inside the root (the ignore rules still apply from the root).
 */
export async function discoverFiles(root: string, options: DiscoverOptions = {}, signal?: AbortSignal, under?: readonly string[]): Promise<string[]> {
  const absRoot = path.resolve(root);
  const rules = await rootRules(absRoot, options.exclude ?? []);
  const matchers: Matcher[] = [matcher(absRoot, rules.ig)];
  const memo = under?.length ? undefined : options.memo;
  memo?.begin(rules.key);
  /**
   * The kept files under `dir`, in the order of a sort of their full paths: each folder's files and
   * subfolders are sorted by name (a subfolder as "name/", which is where its files fall in that order)
   * and merged, so the whole list needs no sort. `trusted`: the ignore rules above `dir` are those its
   * remembered listing (and those below it) were made under.
   */
  const walk = async (dir: string, inherited: Matcher[], trusted: boolean): Promise<string[]> => {
    if (signal?.aborted) { return []; }
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    // The times are taken before the listing, so a change during the walk shows next time.
    const st = memo ? folderStat(dir) : undefined;
    const last = memo?.recall(dir);
    let local = inherited;
    let files: readonly string[] | undefined;
    let subdirs: readonly string[] = [];
    let below = false;
    if (last && trusted && st && st.mtimeMs === last.mtimeMs && st.ctimeMs === last.ctimeMs) {
      // The same entries as last time; only the folder's own .gitignore may have changed.
      const text = last.gitignore === null ? undefined : await readIfExists(prefix + '.gitignore');
      if (last.gitignore === null || (text !== undefined && digest(text) === last.gitignore)) {
        memo!.keep(dir);
        if (text) { local = [...inherited, matcher(dir, ignore({ allowRelativePaths: true }).add(text))]; }
        files = sortedNames(last.files);
        subdirs = sortedDirs(last.dirs);
        below = true;
      }
    }
    if (!files) {
      let entries;
      try { entries = options.readdir ? await options.readdir(dir) : await fsp.readdir(dir, { withFileTypes: true }); } catch (e) {
        options.onUnlistable?.(dir, e as NodeJS.ErrnoException);
        return [];
      }
      let gitignore: string | null = null;
      if (dir !== absRoot && entries.some(e => e.name === '.gitignore' && e.isFile())) {
        const text = await readIfExists(prefix + '.gitignore');
        if (text !== undefined) { gitignore = digest(text); }
        if (text) { local = [...inherited, matcher(dir, ignore({ allowRelativePaths: true }).add(text))]; }
      }
      const dirs: string[] = [];
      const kept: string[] = [];
      // The rule sets that apply here, each with this folder's path relative to its own folder.
      const scope = local.filter(m => !m.rules.empty).map(m => ({ rules: m.rules, at: rel(m.base, dir) }));
      const isIgnored = (name: string, isDir: boolean) => scope.some(s => s.rules.ignores(s.at ? s.at + '/' + name : name, name, isDir));
      for (const e of entries) {
        if (e.isDirectory()) {
          if (ALWAYS_EXCLUDED.has(e.name) || isIgnored(e.name, true)) { continue; }
          dirs.push(e.name);
        } else if (e.isFile()) {
          if (fileKindOf(prefix + e.name) === undefined || isIgnored(e.name, false)) { continue; }
          kept.push(e.name);
        }
      }
      files = sortedNames(kept);
      subdirs = sortedDirs(dirs);
      if (memo && st) { memo.remember(dir, st, { gitignore, dirs: subdirs, files }); }
      // What was remembered below this folder was made under the same rules only if its .gitignore is unchanged.
      below = trusted && !!last && last.gitignore === gitignore;
    }
    if (files.length) { options.onFiles?.(files.length); }
    // Sibling folders are listed concurrently: one after another, an unchanged --cache re-scan spent
    // most of its discovery waiting on readdir.
    const inner = await Promise.all(subdirs.map(d => walk(prefix + d, local, below)));
    const out: string[] = [];
    let i = 0;
    let j = 0;
    while (i < files.length || j < subdirs.length) {
      if (j >= subdirs.length || (i < files.length && files[i] < subdirs[j] + path.sep)) { out.push(prefix + files[i++]); } else {
        for (const f of inner[j++]) { out.push(f); }
      }
    }
    return out;
  };
  if (!under?.length) { return walk(absRoot, matchers, true); }
  const out: string[] = [];
  for (const start of under.map(u => path.resolve(absRoot, u))) {
    // Nested .gitignore files between the root and a start folder apply too.
    let inherited = matchers;
    const chain: string[] = [];
    for (let d = path.dirname(start); d.startsWith(absRoot) && d !== absRoot; d = path.dirname(d)) { chain.unshift(d); }
    for (const d of chain) {
      const text = await readIfExists(path.join(d, '.gitignore'));
      if (text) { inherited = [...inherited, matcher(d, ignore({ allowRelativePaths: true }).add(text))]; }
    }
    if (start !== absRoot && (ALWAYS_EXCLUDED.has(path.basename(start)) || ignored(inherited, start, true))) { continue; }
    for (const f of await walk(start, inherited, true)) { out.push(f); }
  }
  return [...new Set(out)].sort();
}

/** File names in sort order (as stored: sorted already, checked in one pass). */
function sortedNames(names: readonly string[]): readonly string[] {
  for (let i = 1; i < names.length; i++) { if (names[i - 1] >= names[i]) { return [...names].sort(); } }
  return names;
}

/** Folder names in the order of "name/" (where the paths under them sort). */
function sortedDirs(names: readonly string[]): readonly string[] {
  const key = (n: string) => n + path.sep;
  for (let i = 1; i < names.length; i++) {
    if (key(names[i - 1]) >= key(names[i])) { return [...names].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)); }
  }
  return names;
}
