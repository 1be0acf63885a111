import { createHash } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ProjectIndex } from '../core/project';
import type { ReportFile } from '../core/report/model';
import type { LintCache } from './scan';

/** Where `--cache` keeps results when `--cache-location` is not given (relative to the project root). */
export const DEFAULT_CACHE_FILE = '.apiguardcache';
const FORMAT = 'apiguard-cache/v1';

/** `h` content hash; `s`/`m` size and mtime when the file was linted (absent when they cannot vouch for it). */
interface Entry { h: string; r: Omit<ReportFile, 'path'>; s?: number; m?: number }
interface CacheFileData { format: string; key: string; files: Record<string, Entry> }

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
    if (dropped) { c.problem = `the cache ${name} had ${dropped} entr${dropped === 1 ? 'y' : 'ies'} that are not results: those files are linted again`; }
    return c;
  }

  /** Set by `open` when the cache file existed but could not be used (fully or in part); the scan is complete regardless. */
  problem?: string;

  useProject(project: ProjectIndex): void {
    this.key = hash(this.settingsKey + '\0' + stableJson(project));
    if (this.key !== this.loadedKey) { this.files = {}; this.dirty = true; }
  }

  /**
   * Like ESLint's metadata strategy, plus a guard: size and mtime vouch for the content only when
   * the mtime is older than the run that stored them (a file written in the same second as it was
   * linted is re-hashed next time, as git does for "racily clean" entries).
   */
  lookup(file: string): Promise<ReportFile | undefined> {
    const e = this.files[file];
    if (!e || e.s === undefined || e.m === undefined) { return Promise.resolve(undefined); }
    return new Promise(resolve => {
      fs.stat(file, (err, st) => {
        if (err || !st.isFile() || st.size !== e.s || st.mtimeMs !== e.m) { resolve(undefined); return; }
        this.hits++;
        resolve({ path: file, ...e.r });
      });
    });
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
    if (!this.dirty) { return; }
    const data: CacheFileData = { format: FORMAT, key: this.key, files: this.files };
    await fsp.mkdir(path.dirname(this.location), { recursive: true });
    const tmp = `${this.location}.${process.pid}.tmp`;
    await fsp.writeFile(tmp, JSON.stringify(data));
    await fsp.rename(tmp, this.location);
  }
}
