import { createHash } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ProjectIndex } from '../core/project';
import type { ReportFile } from '../core/report/model';
import type { DiscoveryMemo, FolderListing, FolderStat } from './discover';
import type { FileSeen, InputKind, LintCache } from './scan';

/** Where `--cache` keeps results when `--cache-location` is not given (relative to the project root). */
export const DEFAULT_CACHE_FILE = '.apiguardcache';
const FORMAT = 'apiguard-cache/v3';

/*
 * Format v3 (one JSON object; v1/v2 files are replaced without a word). Paths are relative to the
 * project root and grouped by folder ("" is the root itself), so a file's path is written once:
 *   files:   { folder: [names, h, s, m, r] }   in columns (a parse of a few strings and number arrays,
 *            not of 11,752 small arrays): names joined by "/"; h: per file 22 characters, the short digest
 *            of its text (a cache key, never a secret: 132 bits of its SHA-256); s, m: size and mtime that
 *            vouch for it (null: they cannot); r: { name: report without its path }, only for files with
 *            findings or notes.
 *   inputs:  { folder: { name: [k, d, s, m] } }   project index inputs (see `recallInput`).
 *   folders: { folder: [m, c, g, subfolders, files] } + `rules`   discovery's listings (see `discovery`).
 */
type Report = Omit<ReportFile, 'path'>;
type Entry = [h: string, s: number | null, m: number | null] | [h: string, s: number | null, m: number | null, r: Report];
type StoredFolder = [names: string, h: string, s: Array<number | null>, m: Array<number | null>, r: Record<string, Report>];
const DIGEST_LENGTH = 22;
/** A project index input (`openProjectIndex`): kind, digest of what the index took from the file (null: nothing), size and mtime. */
type InputEntry = [k: InputKind, d: string | null, s: number, m: number];
/** A folder as discovery listed it: mtime and ctime before the listing, digest of its .gitignore (null: none), kept subfolders and files. */
type FolderRow = [m: number, c: number, g: string | null, dirs: string[], files: string[]];
type Grouped<T> = Record<string, Record<string, T>>;
/** `settings`: the digest of everything but the index (tool, rules, config); inputs and folders are kept while it holds. */
interface CacheFileData { format: string; key: string; settings?: string; files: Record<string, StoredFolder>; inputs?: Grouped<InputEntry>; rules?: string; folders?: Record<string, FolderRow> }

const hash = (s: string) => createHash('sha256').update(s).digest('hex');
/** The cache key of a file's text: 132 bits of its SHA-256 (22 base64url characters). The pool's workers compute it of what they lint. */
export const textKey = (s: string) => createHash('sha256').update(s).digest('base64url').slice(0, DIGEST_LENGTH);

/** JSON of a value with Maps and Sets as sorted arrays, so an index with either hashes the same every time. */
function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof Map) { return [...x.entries()].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)); }
    if (x instanceof Set) { return [...x].map(String).sort(); }
    return x;
  });
}

const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
const numOrNull = (x: unknown) => x === null || typeof x === 'number';
const isStrings = (x: unknown): x is string[] => Array.isArray(x) && x.every(s => typeof s === 'string');

function isReport(x: unknown): x is Report {
  const r = x as Partial<Report> | null;
  return isObject(r) && Array.isArray(r.findings) && Array.isArray(r.notes) && (r.fingerprints === undefined || Array.isArray(r.fingerprints));
}

/**
 * One folder's results: the stored columns (looked up by a cursor, as files come in name order, else
 * by a map built on the first lookup out of order) and the results set in this run, which replace them.
 */
class FolderResults {
  private cursor = 0;
  private pos = 0;
  private index?: Map<string, number>;
  private starts?: number[];
  readonly added = new Map<string, Entry>();
  private constructor(private readonly stored: StoredFolder | undefined, private readonly count: number) {}

  static empty(): FolderResults { return new FolderResults(undefined, 0); }

  /** The folder as `save` writes it, or the number of entries it claims (at least 1) when it is not: never trusted in part. */
  static parse(x: unknown): FolderResults | number {
    if (!Array.isArray(x) || x.length !== 5) { return 1; }
    const [names, h, s, m, r] = x as unknown[];
    const n = Array.isArray(s) ? s.length : 0;
    if (typeof names !== 'string' || typeof h !== 'string' || !Array.isArray(s) || !Array.isArray(m) || !isObject(r) || n === 0) { return Math.max(1, n); }
    let seps = 0;
    for (let i = names.indexOf('/'); i >= 0; i = names.indexOf('/', i + 1)) { seps++; }
    if (seps !== n - 1 || h.length !== n * DIGEST_LENGTH || m.length !== n || !s.every(numOrNull) || !m.every(numOrNull)) { return n; }
    for (const k in r) { if (!isReport(r[k])) { return n; } }
    return new FolderResults(x as StoredFolder, n);
  }

  get(name: string): Entry | undefined {
    const a = this.added.get(name);
    if (a) { return a; }
    const i = this.find(name);
    if (i < 0) { return undefined; }
    const [, h, s, m, r] = this.stored!;
    const digest = h.slice(i * DIGEST_LENGTH, (i + 1) * DIGEST_LENGTH);
    return Object.hasOwn(r, name) ? [digest, s[i], m[i], r[name]] : [digest, s[i], m[i]];
  }

  /** Size, mtime and report of `name` without building an entry (`lookup`, once per file of a re-scan); undefined when not vouched for. */
  stamped(name: string): { s: number; m: number; r: Report | undefined } | undefined {
    const a = this.added.get(name);
    if (a) { return a[1] === null || a[2] === null ? undefined : { s: a[1], m: a[2], r: a[3] }; }
    const i = this.find(name);
    if (i < 0) { return undefined; }
    const [, , s, m, r] = this.stored!;
    const size = s[i], mtime = m[i];
    return size === null || mtime === null ? undefined : { s: size, m: mtime, r: Object.hasOwn(r, name) ? r[name] : undefined };
  }

  private find(name: string): number {
    if (!this.stored) { return -1; }
    const names = this.stored[0];
    const end = this.pos + name.length;
    if (this.cursor < this.count && names.startsWith(name, this.pos) && (end === names.length || names.charCodeAt(end) === 47 /* / */)) {
      this.pos = end + 1;
      return this.cursor++;
    }
    if (!this.index) {
      this.index = new Map();
      this.starts = [];
      let at = 0;
      for (const n of names.split('/')) { this.index.set(n, this.starts.length); this.starts.push(at); at += n.length + 1; }
    }
    const i = this.index.get(name) ?? -1;
    // Back in step: the next lookup in name order is at the cursor again.
    if (i >= 0 && i + 1 < this.count) { this.cursor = i + 1; this.pos = this.starts![i + 1]; }
    return i;
  }

  /** The columns to write: the stored ones as they were when nothing was set in this run. */
  toStored(): StoredFolder | undefined {
    if (!this.added.size && this.stored) { return this.stored; }
    const all = new Map<string, Entry>();
    if (this.stored) {
      for (const n of this.stored[0].split('/')) { if (!this.added.has(n)) { const e = this.get(n); if (e) { all.set(n, e); } } }
    }
    for (const [n, e] of this.added) { all.set(n, e); }
    if (!all.size) { return undefined; }
    const names = [...all.keys()].sort();
    const out: StoredFolder = [names.join('/'), '', [], [], {}];
    const digests: string[] = [];
    for (const n of names) {
      const e = all.get(n)!;
      digests.push(e[0]);
      out[2].push(e[1]);
      out[3].push(e[2]);
      if (e.length === 4) { out[4][n] = e[3]; }
    }
    out[1] = digests.join('');
    return out;
  }
}

function isInput(e: unknown): e is InputEntry {
  return Array.isArray(e) && e.length === 4 && (e[0] === 'facts' || e[0] === 'symbols' || e[0] === 'access')
    && (e[1] === null || (typeof e[1] === 'string' && /^[0-9a-f]{64}$/.test(e[1]))) && typeof e[2] === 'number' && typeof e[3] === 'number';
}
function isFolder(e: unknown): e is FolderRow {
  return Array.isArray(e) && e.length === 5 && typeof e[0] === 'number' && typeof e[1] === 'number'
    && (e[2] === null || typeof e[2] === 'string') && isStrings(e[3]) && isStrings(e[4]);
}

export interface CacheOpenOptions {
  /** Paths in the cache file are relative to this folder (default: the cache file's folder). */
  root?: string;
  /** Tests only: the start of the run, for the "older than the run" guards (default: now). */
  now?: number;
}

/**
 * ESLint-style result cache, one JSON file: a file's report is reused when its text (SHA-256), the
 * tool (version and build), the rule set, the configuration and the project index it was linted
 * with are all unchanged. Any of the last four changing empties the cache. Reports hold no secret
 * value (messages are redacted), so the cache file holds none either. A missing, unreadable or
 * corrupt cache file is an empty cache, never an error (`problem` says why, for a warning); failing
 * to write it is reported by `save`.
 */
export class FileLintCache implements LintCache {
  private files = new Map<string, FolderResults>();
  /** Index inputs of the last run (trusted only under the same settings) and of this one. */
  private inputs: Grouped<InputEntry> = {};
  private nextInputs: Grouped<InputEntry> = {};
  private inputsSeen = false;
  /** Discovery's folder listings of the last run (same settings and ignore rules) and of this one. */
  private folders: Record<string, FolderRow> = {};
  private nextFolders: Record<string, FolderRow> = {};
  private foldersSeen = false;
  private foldersChanged = false;
  private loadedRules = '';
  private rules = '';
  /** Stats taken for index inputs, kept until `lookup` of the same file uses them (one stat per file and run). */
  private readonly stats = new Map<string, fs.Stats | undefined>();
  inputHits = 0;
  private key = '';
  private loadedKey = '';
  private loadedSettings?: string;
  hits = 0;
  misses = 0;
  private dirty = false;
  private readonly started: number;
  private readonly root: string;

  private constructor(readonly location: string, private readonly settingsKey: string, options: CacheOpenOptions) {
    this.root = path.resolve(options.root ?? path.dirname(location));
    this.started = options.now ?? Date.now();
  }

  /** `settings` is everything besides the project index the results depend on (tool, rules, config). */
  static async open(location: string, settings: unknown, name = location, options: CacheOpenOptions = {}): Promise<FileLintCache> {
    const c = new FileLintCache(location, hash(stableJson(settings)), options);
    let text: string;
    try { text = await fsp.readFile(location, 'utf8'); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // No cache yet is the normal first run; anything else is said (the scan is complete either way).
      if (code !== 'ENOENT') { c.problem = `cannot read the cache ${name} (${code ?? (e as Error).message}): every file is linted again`; }
      return c;
    }
    const unreadable = (why: string) => { c.problem = `the cache ${name} is not a cache file API Guard can read (${why}): every file is linted again and the cache rewritten`; return c; };
    // Untrusted until checked: every part is looked at before use.
    let data: { [K in keyof CacheFileData]?: unknown };
    try { data = JSON.parse(text) as typeof data; } catch { return unreadable('not JSON'); }
    if (!isObject(data)) { return unreadable('not JSON'); }
    // Another version's cache is simply replaced; something that is not one at all is said.
    if (typeof data.format !== 'string' || !data.format.startsWith('apiguard-cache/')) { return unreadable('no apiguard-cache format'); }
    if (data.format !== FORMAT) { return c; }
    if (typeof data.key !== 'string' || !isObject(data.files)) { return unreadable('no key or no files'); }
    let dropped = 0;
    for (const [dir, stored] of Object.entries(data.files)) {
      const folder = FolderResults.parse(stored);
      if (typeof folder === 'number') { dropped += folder; } else { c.files.set(dir, folder); }
    }
    c.loadedKey = data.key;
    if (typeof data.settings === 'string') { c.loadedSettings = data.settings; }
    if (data.settings === c.settingsKey) {
      if (isObject(data.inputs)) {
        for (const [dir, group] of Object.entries(data.inputs)) {
          if (!isObject(group)) { continue; }
          for (const name in group) { if (!isInput(group[name])) { delete group[name]; } }
          c.inputs[dir] = group as Record<string, InputEntry>;
        }
      }
      if (isObject(data.folders) && typeof data.rules === 'string') {
        c.loadedRules = data.rules;
        for (const [dir, row] of Object.entries(data.folders)) { if (isFolder(row)) { c.folders[dir] = row; } }
      }
    }
    if (dropped) { c.problem = `the cache ${name} had ${dropped} entr${dropped === 1 ? 'y' : 'ies'} that are not results: those files are linted again`; }
    return c;
  }

  /** Set by `open` when the cache file existed but could not be used (fully or in part); the scan is complete regardless. */
  problem?: string;

  /** No result of the cache file can be reused (there is none, or they are for other settings): every file is linted and stored. */
  get empty(): boolean {
    return this.files.size === 0 || this.loadedSettings !== this.settingsKey;
  }

  /** A folder's key: relative to the root ("" for the root), else absolute. */
  private dirKey(dir: string): string {
    const root = this.root;
    if (dir === root) { return ''; }
    if (dir.length > root.length && dir.startsWith(root) && dir[root.length] === path.sep) {
      const r = dir.slice(root.length + 1);
      return path.sep === '/' ? r : r.split(path.sep).join('/');
    }
    return dir;
  }

  private lastDir = '';
  private lastDirKey = '';
  /** Folder key and name of a file (files come folder by folder: the last folder's key is reused). */
  private split(file: string): [string, string] {
    const i = file.lastIndexOf(path.sep);
    const name = file.slice(i + 1);
    if (i === this.lastDir.length && file.startsWith(this.lastDir)) { return [this.lastDirKey, name]; }
    this.lastDir = file.slice(0, i);
    this.lastDirKey = this.dirKey(this.lastDir);
    return [this.lastDirKey, name];
  }

  useProject(project: ProjectIndex): void {
    this.useKey(hash(this.settingsKey + '\0' + stableJson(project)));
  }

  /** The key of `openProjectIndex` (a digest of the whole index), instead of `useProject`. */
  useProjectKey(key: string): void {
    this.useKey(hash(this.settingsKey + '\0index\0' + key));
  }

  private useKey(key: string): void {
    this.key = key;
    if (this.key !== this.loadedKey) { this.files = new Map(); this.dirty = true; }
  }

  /**
   * Synchronous: for thousands of files of a re-scan about a third of the CPU of the callback API
   * (11,750 files of the 2,000-class bench corpus: 55 vs 140 ms), and nothing else waits on this thread meanwhile.
   */
  private static stat(file: string): fs.Stats | undefined {
    try { return fs.statSync(file, { throwIfNoEntry: false }); } catch { return undefined; }
  }

  /** The stored digest when size and mtime (taken before any read of this run) still match. */
  recallInput(file: string, kind: InputKind): Promise<string | null | undefined> {
    this.inputsSeen = true;
    let st = this.stats.get(file);
    if (!this.stats.has(file)) { st = FileLintCache.stat(file); this.stats.set(file, st); }
    const [dir, name] = this.split(file);
    const e = this.inputs[dir]?.[name];
    if (!st || !e || e[0] !== kind || !st.isFile() || st.size !== e[2] || st.mtimeMs !== e[3]) { return Promise.resolve(undefined); }
    this.inputHits++;
    (this.nextInputs[dir] ??= {})[name] = e;
    return Promise.resolve(e[1]);
  }

  /**
   * Stores a digest with the size and mtime seen before the file was read (so an edit during the run
   * can only cause a re-read), and only when that mtime is older than the run (see `lookup`). `seen`:
   * as the pool's worker that read it saw them; else the stat `recallInput` took.
   */
  rememberInput(file: string, kind: InputKind, digest: string | null, seen?: FileSeen): void {
    this.dirty = true;
    this.inputsSeen = true;
    const stat = this.stats.get(file);
    const st = seen ?? (stat?.isFile() ? stat : undefined);
    if (st && st.mtimeMs < this.started - 2000) {
      const [dir, name] = this.split(file);
      (this.nextInputs[dir] ??= {})[name] = [kind, digest, st.size, st.mtimeMs];
    }
  }

  /**
   * Like ESLint's metadata strategy, plus a guard: size and mtime vouch for the content only when
   * the mtime is older than the run that stored them (a file written in the same second as it was
   * linted is re-hashed next time, as git does for "racily clean" entries).
   */
  lookup(file: string): Promise<ReportFile | undefined> {
    const [dir, name] = this.split(file);
    const e = this.files.get(dir)?.stamped(name);
    if (!e) { return Promise.resolve(undefined); }
    // The stat taken for the index, if any, is used once more and let go.
    let st: fs.Stats | undefined;
    if (this.stats.has(file)) { st = this.stats.get(file); this.stats.delete(file); } else { st = FileLintCache.stat(file); }
    if (!st || !st.isFile() || st.size !== e.s || st.mtimeMs !== e.m) { return Promise.resolve(undefined); }
    this.hits++;
    return Promise.resolve(e.r ? { path: file, ...e.r } : { path: file, findings: [], notes: [] });
  }

  private static report(file: string, e: Entry): ReportFile {
    return e.length === 4 ? { path: file, ...e[3] } : { path: file, findings: [], notes: [] };
  }

  get(file: string, text: string): ReportFile | undefined {
    const [dir, name] = this.split(file);
    const folder = this.files.get(dir);
    const e = folder?.get(name);
    if (e && e[0] === textKey(text)) {
      this.hits++;
      if (e[1] === null) { this.stamp(file, e); folder!.added.set(name, e); }
      return FileLintCache.report(file, e);
    }
    this.misses++;
    return undefined;
  }

  /** Whether a result is stored for `file` (maybe of other text): only then can `get` answer for it. */
  knows(file: string): boolean {
    const [dir, name] = this.split(file);
    return this.files.get(dir)?.get(name) !== undefined;
  }

  set(file: string, text: string, report: ReportFile): void { this.setKey(file, textKey(text), report); }

  /**
   * `set` with the text's key (`textKey`) computed where the text was read (a pool worker), and the size and mtime fstat
   * gave before that read (`seen`): stamped with those, not with a stat taken now, so that a file replaced since (by one
   * with an older mtime: `cp -p`, `tar x`) is not vouched for with the result of the text read before.
   */
  setKey(file: string, key: string, report: ReportFile, seen?: FileSeen): void {
    const { path: _p, ...r } = report;
    const e: Entry = r.findings.length || r.notes.length ? [key, null, null, r] : [key, null, null];
    this.stamp(file, e, seen);
    const [dir, name] = this.split(file);
    let folder = this.files.get(dir);
    if (!folder) { folder = FolderResults.empty(); this.files.set(dir, folder); }
    folder.added.set(name, e);
  }

  /** Records size and mtime when they can vouch for the text just hashed (mtime at least 2 s before this run); `seen`: as they were before it was read. */
  private stamp(file: string, e: Entry, seen?: FileSeen): void {
    this.dirty = true;
    try {
      const st = seen ?? fs.statSync(file);
      if (st.mtimeMs < this.started - 2000) { e[1] = st.size; e[2] = st.mtimeMs; } else { e[1] = null; e[2] = null; }
    } catch { e[1] = null; e[2] = null; }
  }

  /**
   * Discovery's memory of folder listings (see `DiscoveryMemo`): a folder whose mtime and ctime are
   * those seen before its last listing has the same entries. Like the file stamps, a listing is kept
   * only when the folder's times are older than the run (an entry added in the same tick as the listing
   * would not move them). Kept while the settings (tool, config) and the root's ignore rules hold.
   */
  readonly discovery: DiscoveryMemo = {
    begin: rules => {
      this.foldersSeen = true;
      this.rules = rules;
      if (rules !== this.loadedRules) { this.folders = {}; }
    },
    recall: dir => {
      const row = this.folders[this.dirKey(dir)];
      return row && { mtimeMs: row[0], ctimeMs: row[1], gitignore: row[2], dirs: row[3], files: row[4] };
    },
    keep: dir => {
      const k = this.dirKey(dir);
      const row = this.folders[k];
      if (row) { this.nextFolders[k] = row; }
    },
    remember: (dir: string, st: FolderStat, listing: FolderListing) => {
      const k = this.dirKey(dir);
      const old = this.folders[k];
      const same = !!old && old[2] === listing.gitignore && sameStrings(old[3], listing.dirs) && sameStrings(old[4], listing.files);
      if (Math.max(st.mtimeMs, st.ctimeMs) >= this.started - 2000) {
        // Too recent to vouch for this listing: the old row (if any) stays, and its times no longer match.
        if (old) { this.nextFolders[k] = old; }
        return;
      }
      // New times with the same entries (a folder that holds the cache file, an editor's temp file come
      // and gone) do not make the cache worth rewriting; they are saved with any other change.
      if (!same) { this.foldersChanged = true; }
      this.nextFolders[k] = [st.mtimeMs, st.ctimeMs, listing.gitignore, [...listing.dirs], [...listing.files]];
    },
  };

  /** Writes the cache (temp file + rename, so a crash never leaves half a cache). */
  async save(): Promise<void> {
    // A file that no longer feeds the index (deleted, renamed) leaves the cache; so does a folder no longer walked.
    if (this.inputsSeen && countGrouped(this.nextInputs) !== countGrouped(this.inputs)) { this.dirty = true; }
    if (this.foldersSeen && (this.foldersChanged || this.rules !== this.loadedRules || Object.keys(this.nextFolders).length !== Object.keys(this.folders).length)) { this.dirty = true; }
    if (!this.dirty) { return; }
    const data: CacheFileData = {
      format: FORMAT, key: this.key, settings: this.settingsKey, files: storedFiles(this.files), inputs: this.inputsSeen ? this.nextInputs : this.inputs,
      ...(this.foldersSeen ? { rules: this.rules, folders: this.nextFolders } : { rules: this.loadedRules, folders: this.folders }),
    };
    await fsp.mkdir(path.dirname(this.location), { recursive: true });
    const tmp = `${this.location}.${process.pid}.tmp`;
    await fsp.writeFile(tmp, JSON.stringify(data));
    await fsp.rename(tmp, this.location);
  }
}

function storedFiles(files: Map<string, FolderResults>): Record<string, StoredFolder> {
  const out: Record<string, StoredFolder> = {};
  for (const [dir, folder] of files) { const f = folder.toStored(); if (f) { out[dir] = f; } }
  return out;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) { return false; }
  for (let i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return false; } }
  return true;
}

function countGrouped(g: Grouped<unknown>): number {
  let n = 0;
  for (const dir in g) { n += Object.keys(g[dir]).length; }
  return n;
}
