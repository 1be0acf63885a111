import { createHash } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ProjectIndex } from '../core/project';
import type { ReportFile } from '../core/report/model';
import type { InputKind, LintCache } from './scan';

/** Where `--cache` keeps results when `--cache-location` is not given (relative to the project root). */
export const DEFAULT_CACHE_FILE = '.apiguardcache';
const FORMAT = 'apiguard-cache/v2';

/** `h` content hash; `s`/`m` size and mtime when the file was linted (absent when they cannot vouch for it). */
interface Entry { h: string; r: Omit<ReportFile, 'path'>; s?: number; m?: number }
/** A project index input (`openProjectIndex`): `k` kind, `d` digest of what the index took from the file (null: nothing), `s`/`m` size and mtime. */
interface InputEntry { k: InputKind; d: string | null; s: number; m: number }
/** `settings`: the digest of everything but the index (tool, rules, config); inputs are kept while it holds. */
interface CacheFileData { format: string; key: string; settings?: string; files: Record<string, Entry>; inputs?: Record<string, InputEntry> }

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

/** JSON of a value with Maps and Sets as sorted arrays, so an index with either hashes the same every time. */
function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof Map) { return [...x.entries()].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)); }
    if (x instanceof Set) { return [...x].map(String).sort(); }
    return x;
  });
}

/** An entry as `set` writes it: anything else (a hand edit, another tool) is not trusted as a result. */
function isEntry(e: unknown): e is Entry {
  const x = e as Partial<Entry> | null;
  if (!x || typeof x !== 'object' || typeof x.h !== 'string' || !x.r || typeof x.r !== 'object') { return false; }
  const r = x.r as Partial<Entry['r']>;
  return Array.isArray(r.findings) && Array.isArray(r.notes) && (r.fingerprints === undefined || Array.isArray(r.fingerprints))
    && (x.s === undefined || typeof x.s === 'number') && (x.m === undefined || typeof x.m === 'number');
}
function isInput(e: unknown): e is InputEntry {
  const x = e as Partial<InputEntry> | null;
  return !!x && typeof x === 'object' && (x.k === 'facts' || x.k === 'symbols' || x.k === 'access')
    && (x.d === null || (typeof x.d === 'string' && /^[0-9a-f]{64}$/.test(x.d))) && typeof x.s === 'number' && typeof x.m === 'number';
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
  private files: Record<string, Entry> = {};
  /** Index inputs of the last run (trusted only under the same settings) and of this one. */
  private inputs: Record<string, InputEntry> = {};
  private nextInputs: Record<string, InputEntry> = {};
  private inputsSeen = false;
  /** One stat per file and run, shared by the index inputs and the results. */
  private readonly stats = new Map<string, fs.Stats | undefined>();
  inputHits = 0;
  private key = '';
  private loadedKey = '';
  hits = 0;
  misses = 0;
  private dirty = false;
  private readonly started = Date.now();

  private constructor(readonly location: string, private readonly settingsKey: string) {}

  /** `settings` is everything besides the project index the results depend on (tool, rules, config). */
  static async open(location: string, settings: unknown, name = location): Promise<FileLintCache> {
    const c = new FileLintCache(location, hash(stableJson(settings)));
    let text: string;
    try { text = await fsp.readFile(location, 'utf8'); } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // No cache yet is the normal first run; anything else is said (the scan is complete either way).
      if (code !== 'ENOENT') { c.problem = `cannot read the cache ${name} (${code ?? (e as Error).message}): every file is linted again`; }
      return c;
    }
    const unreadable = (why: string) => { c.problem = `the cache ${name} is not a cache file API Guard can read (${why}): every file is linted again and the cache rewritten`; return c; };
    let data: Partial<CacheFileData>;
    try { data = JSON.parse(text) as Partial<CacheFileData>; } catch { return unreadable('not JSON'); }
    if (!data || typeof data !== 'object') { return unreadable('not JSON'); }
    // Another version's cache is simply replaced; something that is not one at all is said.
    if (typeof data.format !== 'string' || !data.format.startsWith('apiguard-cache/')) { return unreadable('no apiguard-cache format'); }
    if (data.format !== FORMAT) { return c; }
    if (typeof data.key !== 'string' || !data.files || typeof data.files !== 'object') { return unreadable('no key or no files'); }
    let dropped = 0;
    for (const [file, e] of Object.entries(data.files)) {
      if (isEntry(e)) { c.files[file] = e; } else { dropped++; }
    }
    c.loadedKey = data.key;
    if (data.settings === c.settingsKey && data.inputs && typeof data.inputs === 'object') {
      for (const [file, e] of Object.entries(data.inputs)) { if (isInput(e)) { c.inputs[file] = e; } }
    }
    if (dropped) { c.problem = `the cache ${name} had ${dropped} entr${dropped === 1 ? 'y' : 'ies'} that are not results: those files are linted again`; }
    return c;
  }

  /** Set by `open` when the cache file existed but could not be used (fully or in part); the scan is complete regardless. */
  problem?: string;

  useProject(project: ProjectIndex): void {
    this.useKey(hash(this.settingsKey + '\0' + stableJson(project)));
  }

  /** The key of `openProjectIndex` (a digest of the whole index), instead of `useProject`. */
  useProjectKey(key: string): void {
    this.useKey(hash(this.settingsKey + '\0index\0' + key));
  }

  private useKey(key: string): void {
    this.key = key;
    if (this.key !== this.loadedKey) { this.files = {}; this.dirty = true; }
  }

  /**
   * Synchronous: for thousands of files of a re-scan about a third of the CPU of the callback API
   * (11,750 files of the 2,000-class bench corpus: 55 vs 140 ms), and nothing else waits on this thread meanwhile.
   */
  private statOf(file: string): fs.Stats | undefined {
    if (this.stats.has(file)) { return this.stats.get(file); }
    let st: fs.Stats | undefined;
    try { st = fs.statSync(file, { throwIfNoEntry: false }); } catch { st = undefined; }
    this.stats.set(file, st);
    return st;
  }

  /** The stored digest when size and mtime (taken before any read of this run) still match. */
  recallInput(file: string, kind: InputKind): Promise<string | null | undefined> {
    this.inputsSeen = true;
    const st = this.statOf(file);
    const e = this.inputs[file];
    if (!st || !e || e.k !== kind || !st.isFile() || st.size !== e.s || st.mtimeMs !== e.m) { return Promise.resolve(undefined); }
    this.inputHits++;
    this.nextInputs[file] = e;
    return Promise.resolve(e.d);
  }

  /**
   * Stores a digest with the size and mtime seen before the file was read (so an edit during the run
   * can only cause a re-read), and only when that mtime is older than the run (see `lookup`).
   */
  rememberInput(file: string, kind: InputKind, digest: string | null): void {
    this.dirty = true;
    const st = this.stats.get(file);
    if (st && st.isFile() && st.mtimeMs < this.started - 2000) { this.nextInputs[file] = { k: kind, d: digest, s: st.size, m: st.mtimeMs }; }
  }

  /**
   * Like ESLint's metadata strategy, plus a guard: size and mtime vouch for the content only when
   * the mtime is older than the run that stored them (a file written in the same second as it was
   * linted is re-hashed next time, as git does for "racily clean" entries).
   */
  lookup(file: string): Promise<ReportFile | undefined> {
    const e = this.files[file];
    if (!e || e.s === undefined || e.m === undefined) { return Promise.resolve(undefined); }
    const st = this.statOf(file);
    if (!st || !st.isFile() || st.size !== e.s || st.mtimeMs !== e.m) { return Promise.resolve(undefined); }
    this.hits++;
    return Promise.resolve({ path: file, ...e.r });
  }

  get(file: string, text: string): ReportFile | undefined {
    const e = this.files[file];
    if (e && e.h === hash(text)) {
      this.hits++;
      if (e.s === undefined) { this.stamp(file, e); }
      return { path: file, ...e.r };
    }
    this.misses++;
    return undefined;
  }

  set(file: string, text: string, report: ReportFile): void {
    const { path: _p, ...r } = report;
    const e: Entry = { h: hash(text), r };
    this.stamp(file, e);
    this.files[file] = e;
  }

  /** Records size and mtime when they can vouch for the text just hashed (mtime at least 2 s before this run). */
  private stamp(file: string, e: Entry): void {
    this.dirty = true;
    try {
      const st = fs.statSync(file);
      if (st.mtimeMs < this.started - 2000) { e.s = st.size; e.m = st.mtimeMs; } else { delete e.s; delete e.m; }
    } catch { delete e.s; delete e.m; }
  }

  /** Writes the cache (temp file + rename, so a crash never leaves half a cache). */
  async save(): Promise<void> {
    // A file that no longer feeds the index (deleted, renamed) leaves the cache.
    if (this.inputsSeen && Object.keys(this.nextInputs).length !== Object.keys(this.inputs).length) { this.dirty = true; }
    if (!this.dirty) { return; }
    const data: CacheFileData = { format: FORMAT, key: this.key, settings: this.settingsKey, files: this.files, inputs: this.inputsSeen ? this.nextInputs : this.inputs };
    await fsp.mkdir(path.dirname(this.location), { recursive: true });
    const tmp = `${this.location}.${process.pid}.tmp`;
    await fsp.writeFile(tmp, JSON.stringify(data));
    await fsp.rename(tmp, this.location);
  }
}
