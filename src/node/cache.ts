import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ProjectIndex } from '../core/project';
import type { ReportFile } from '../core/report/model';
import type { LintCache } from './scan';

/** Where `--cache` keeps results when `--cache-location` is not given (relative to the project root). */
export const DEFAULT_CACHE_FILE = '.apiguardcache';
const FORMAT = 'apiguard-cache/v1';

interface Entry { h: string; r: Omit<ReportFile, 'path'> }
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
    if (this.key !== this.loadedKey) { this.files = {}; }
  }

  get(file: string, text: string): ReportFile | undefined {
    const e = this.files[file];
    if (e && e.h === hash(text)) { this.hits++; return { path: file, ...e.r }; }
    this.misses++;
    return undefined;
  }

  set(file: string, text: string, report: ReportFile): void {
    const { path: _p, ...r } = report;
    this.files[file] = { h: hash(text), r };
  }

  /** Writes the cache (temp file + rename, so a crash never leaves half a cache). */
  async save(): Promise<void> {
    const data: CacheFileData = { format: FORMAT, key: this.key, files: this.files };
    await fsp.mkdir(path.dirname(this.location), { recursive: true });
    const tmp = `${this.location}.${process.pid}.tmp`;
    await fsp.writeFile(tmp, JSON.stringify(data));
    await fsp.rename(tmp, this.location);
  }
}
