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

/**
 * ESLint-style result cache, one JSON file: a file's report is reused when its text (SHA-256), the
 * tool (version and build), the rule set, the configuration and the project index it was linted
 * with are all unchanged. Any of the last four changing empties the cache. Reports hold no secret
 * value (messages are redacted), so the cache file holds none either. A missing or unreadable
 * cache file is an empty cache, never an error; failing to write it is reported by `save`.
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
  static async open(location: string, settings: unknown): Promise<FileLintCache> {
    const c = new FileLintCache(location, hash(stableJson(settings)));
    try {
      const data = JSON.parse(await fsp.readFile(location, 'utf8')) as Partial<CacheFileData>;
      if (data.format === FORMAT && typeof data.key === 'string' && data.files && typeof data.files === 'object') {
        c.files = data.files;
        c.loadedKey = data.key;
      }
    } catch { /* no cache yet, or not one we can read: start empty */ }
    return c;
  }

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
