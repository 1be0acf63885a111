import { createHash } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { ApiGuardConfig } from '../core/config';
import type { Engine } from '../core/engine';
import { fileKindOf } from '../core/fileKind';
import { LineIndex } from '../core/position';
import { emptyProject, readSfdxProject, type FileSymbols, type ProjectIndex } from '../core/project';
import { buildProjectIndex, extractProjectFacts, PROJECT_FACT_TYPES } from '../core/metadata/facts';
import { holdsSymbols, setFileSymbols, symbolsOf } from '../core/symbols';
import { accessKindOf, buildAccess } from '../core/surface/access';
import { metadataTypeOf } from '../core/metadata/types';
import { objectNameOf } from '../core/metadata/facts';
import { fingerprintFindings } from '../core/report/fingerprint';
import { relativePath, type ReportFile, type ReportInput } from '../core/report/model';
import type { FileNote } from '../core/types';
import { createEngine } from './createEngine';
import { discoverFiles, type DiscoverOptions, type DiscoveryMemo } from './discover';
import { decodeText } from './decode';

/** Native SHA-256 (hex) for fingerprints: the same values as core's pure-JS `sha256`, faster. */
export const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
import { defaultJobs, lintOnPool, lintWorkerScript, StartedWorkers, type PoolRun, type SymbolsRequest } from './pool';

/** Files larger than this are not read at all (a note says so). */
export const MAX_READ_BYTES = 8 * 1024 * 1024;
/** How many files are read ahead of the one being linted. */
const READ_AHEAD = 16;

export interface ScanProgress {
  phase: 'discover' | 'lint';
  /** Files linted so far. */
  done: number;
  /** Files to lint (0 while discovering). */
  total: number;
}

export interface ScanOptions {
  /** Absolute path of the project root: ignore files, `.apiguard.json`, report paths are relative to it. */
  root: string;
  /** Files or folders (absolute or relative to `root`) to scan instead of the whole root. Named files are scanned even if ignored. */
  paths?: readonly string[];
  config: ApiGuardConfig;
  /** Called when discovery ends and then at most every 100 ms while linting, and once at the end. */
  onProgress?: (p: ScanProgress) => void;
  /** Aborting stops the scan between files; the result has `cancelled: true` and what was done so far. */
  signal?: AbortSignal;
  /** Defaults to `createEngine()` (every rule, Apex parser loaded). A given engine lints on this thread (its rules cannot cross threads). */
  engine?: Engine;
  /** Tests only: discovery overrides (e.g. an injected readdir failure). */
  discover?: Pick<DiscoverOptions, 'readdir'>;
  /** Exactly these files (absolute), instead of `paths`: no discovery, no ignore files (`--changed`, `--staged`). The project index still comes from the whole root. */
  files?: readonly string[];
  /** The root's files for the project index, when the caller has them (`git ls-files`) and `files` is given: no walk of the root. */
  projectFiles?: readonly string[];
  /** With `files`: their paths and texts, so that the project index reads only what they can use (see `ProjectReaders`). */
  readers?: ProjectReaders;
  /** With `projectFiles`: which of them the index may read (ignore rules), asked only for the files it would read. */
  projectFilter?: (file: string) => boolean;
  /** Reads a file to lint (default: from disk). `--staged` reads the git index instead. */
  read?: (file: string) => Promise<ReadResult>;
  /** Reuses a file's results when its text and everything else they depend on are unchanged (`--cache`). */
  cache?: LintCache;
  /**
   * Threads that lint (default: the cores available). 1 lints on this thread; more use a pool of
   * worker threads (`pool.ts`). The reports are the same either way. A given engine, `read` or
   * `cache` keeps linting on this thread.
   */
  jobs?: number;
  /**
   * Lint only shard `index` (1-based) of `count`: the files whose root-relative path hashes to it
   * (`shardOf`). The project index still comes from the whole tree.
   */
  shard?: { index: number; count: number };
  /** The pool starts only for at least this many files per worker (starting a worker costs a grammar load). */
  minFilesPerWorker?: number;
}

/**
 * A layer around linting one file: `scanProject` asks it first and tells it what it linted.
 * `useProject` is called once, with the index, before any `get`.
 */
export interface LintCache extends Partial<IndexInputCache> {
  useProject(project: ProjectIndex): void;
  /**
   * Instead of `useProject` when the cache also keeps the index's inputs (`recallInput`): the key of
   * `openProjectIndex`. The index is then read only when a file has to be linted.
   */
  useProjectKey?(key: string): void;
  /** A cached report without reading the file (its size and modification time vouch for it), if the cache can tell. */
  lookup?(file: string): Promise<ReportFile | undefined>;
  get(file: string, text: string): ReportFile | undefined;
  set(file: string, text: string, report: ReportFile): void;
  /** Whether `get` can answer for the file (a result for some text of it is kept); with `setKey`, the pool lints the misses. */
  knows?(file: string): boolean;
  /** `set` with the key of the text (`textKey` of cache.ts) computed where it was read. */
  setKey?(file: string, key: string, report: ReportFile, seen?: FileSeen): void;
  /** Folder listings of the last walk, for a scan of the whole root (see `DiscoveryMemo`). */
  discovery?: DiscoveryMemo;
  /** Nothing to give yet (a first run): with `setKey` and the index inputs, the scan runs on the pool as without a cache and stores every result. */
  readonly empty?: boolean;
}

/** Stores what the pool linted (it was asked for the keys of the texts its workers read) in the cache. */
function storeKeys(cache: LintCache, run: PoolRun): void {
  const withFindings = new Map(run.reports.map(r => [r.path, r]));
  for (const [f, key, seen] of run.keys) { cache.setKey!(f, key, withFindings.get(f) ?? { path: f, findings: [], notes: [] }, seen); }
}

/** Below this many files per worker, linting on this thread is faster than starting workers. */
export const MIN_FILES_PER_WORKER = 24;

export interface ScanResult extends ReportInput {
  root: string;
  /** Files with findings or notes, in path order. `fingerprints[i]` belongs to `findings[i]`. */
  reports: ReportFile[];
  /** Every file note of every report, flattened (unreadable, too large, parse errors, …). */
  notes: FileNote[];
  /** Files considered (read, or skipped with a note). */
  filesScanned: number;
  durationMs: number;
  cancelled: boolean;
  /**
   * The project index the files were linted against (fixes plan with it). With a `cache` that vouched
   * for every file the index is not read: this is then empty, and `loadProject` reads it.
   */
  project: ProjectIndex;
  loadProject: () => Promise<ProjectIndex>;
  /** Threads that linted: 1 is this thread, more is the worker pool. */
  threads: number;
}

/** `seen`: size and mtime as fstat gave them before the text was read, to vouch for that text in a cache (the pool's `--cache` keys). */
export type ReadResult = { path: string; text?: string; note?: FileNote; cached?: ReportFile; seen?: FileSeen };
export interface FileSeen { size: number; mtimeMs: number }

const unreadable = (file: string, e: NodeJS.ErrnoException): ReadResult =>
  ({ path: file, note: { path: file, code: 'unreadable', message: `Cannot read the file (${e.code ?? e.message}): not checked.` } });
/** Non-blocking open, so a FIFO or device named like a source file cannot hang a thread-pool thread. */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** What fstat says before reading: a note (not a regular file, too large), or undefined to read on. */
function statNote(file: string, st: fs.Stats): ReadResult | undefined {
  if (!st.isFile()) { return { path: file, note: { path: file, code: 'unreadable', message: 'Not a regular file: not checked.' } }; }
  if (st.size > MAX_READ_BYTES) {
    return { path: file, note: { path: file, code: 'too-large', message:
      `File is ${(st.size / 1048576).toFixed(1)} MB: larger than ${MAX_READ_BYTES / 1048576} MB, so it was not read.` } };
  }
  return undefined;
}

/**
 * Reads one file with open + fstat + read + close (callback API: about half the CPU of
 * fs.promises.stat + readFile). Not a regular file, over MAX_READ_BYTES or unreadable: a note instead.
 */
export function readOne(file: string): Promise<ReadResult> {
  return new Promise(resolve => {
    fs.open(file, OPEN_FLAGS, (openErr, fd) => {
      if (openErr) { resolve(unreadable(file, openErr)); return; }
      const finish = (r: ReadResult) => { fs.close(fd, () => resolve(r)); };
      fs.fstat(fd, (statErr, st) => {
        if (statErr) { finish(unreadable(file, statErr)); return; }
        const note = statNote(file, st);
        if (note) { finish(note); return; }
        const buf = Buffer.allocUnsafe(st.size);
        let off = 0;
        const step = (): void => {
          if (off >= buf.length) { finish({ path: file, text: decode(buf, off), seen: { size: st.size, mtimeMs: st.mtimeMs } }); return; }
          fs.read(fd, buf, off, buf.length - off, off, (readErr, n) => {
            if (readErr) { finish(unreadable(file, readErr)); return; }
            if (n === 0) { finish({ path: file, text: decode(buf, off), seen: { size: st.size, mtimeMs: st.mtimeMs } }); return; }
            off += n;
            step();
          });
        };
        step();
      });
    });
  });
}

/**
 * `readOne` with synchronous calls, for a thread that does nothing else (the pool's lint workers).
 * Each callback of `readOne` is a hop through libuv's thread pool and back; on a 2-core machine the
 * four calls per file cost about 6x the CPU of these (11,754 files: 700 ms vs 100-230 ms). The same
 * non-blocking open, so a FIFO still gets its note instead of a hang.
 */
export function readOneSync(file: string): ReadResult {
  let fd: number;
  try { fd = fs.openSync(file, OPEN_FLAGS); } catch (e) { return unreadable(file, e as NodeJS.ErrnoException); }
  try {
    const st = fs.fstatSync(fd);
    const note = statNote(file, st);
    if (note) { return note; }
    const buf = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = fs.readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) { break; }
      off += n;
    }
    return { path: file, text: decode(buf, off), seen: { size: st.size, mtimeMs: st.mtimeMs } };
  } catch (e) {
    return unreadable(file, e as NodeJS.ErrnoException);
  } finally {
    try { fs.closeSync(fd); } catch { /* already closed: nothing to release */ }
  }
}

/** The file's text: UTF-8 (BOM dropped), UTF-16 (BOM or detected), else Latin-1 (see decode.ts). */
function decode(buf: Buffer, length: number): string {
  return decodeText(buf, length).text;
}

/** The files a scan of `paths` (or the whole root) covers, and notes for named paths that do not exist. */
async function collectFiles(root: string, paths: readonly string[] | undefined, config: ApiGuardConfig, signal?: AbortSignal, discover: DiscoverOptions = {}): Promise<{ files: string[]; notes: FileNote[] }> {
  const notes: FileNote[] = [];
  const options: DiscoverOptions = { ...discover, exclude: config.exclude, onUnlistable: (dir, e) => {
    notes.push({ path: dir, code: 'unreadable', message: `Cannot list the folder (${e.code ?? e.message}): the files in it were not checked.` });
  } };
  if (!paths?.length) { return { files: await discoverFiles(root, options, signal), notes }; }
  const dirs: string[] = [];
  const files: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(root, p);
    try {
      const st = await fsp.stat(abs);
      if (st.isDirectory()) { dirs.push(abs); }
      else if (fileKindOf(abs)) { files.push(abs); }
      else { notes.push({ path: abs, code: 'skipped', message: 'Not a file type API Guard checks (Apex, metadata XML, JSON, YAML, .env, properties, JS/TS, keys, text).' }); }
    } catch {
      notes.push({ path: abs, code: 'unreadable', message: 'No such file or folder.' });
    }
  }
  if (dirs.length) { files.push(...await discoverFiles(root, options, signal, dirs)); }
  return { files: [...new Set(files)].sort(), notes };
}

/**
 * The project index: sfdx-project.json plus the Named Credential, External Credential and Remote Site
 * facts of every such file under the root. `files` is the root's discovered file list when the caller
 * has it already (a whole-root scan); otherwise the root is walked. An unreadable root gives an index
 * with no facts. Used by scanProject, `apiguard fix` and the extension's worker.
 */
export async function loadProjectIndex(root: string, options: ProjectIndexOptions = {}): Promise<ProjectIndex> {
  if (options.readers) { return loadForReaders(root, options, options.readers); }
  return (await openProjectIndex(root, options)).load();
}

export interface ProjectIndexOptions {
  exclude?: readonly string[]; files?: readonly string[]; signal?: AbortSignal; readers?: ProjectReaders; filter?: (file: string) => boolean; inputs?: IndexInputCache;
  /**
   * The values (`symbolsOf`) of some files, extracted elsewhere (the lint pool's workers); files missing from the answer are
   * read here. With `inputs`, each is remembered with the size and mtime it had before it was read (`seen`), and not
   * recalled: for a cache that has nothing yet (`LintCache.empty`).
   */
  symbols?: Promise<ExtractedSymbols>;
}

/**
 * What the project index took from each file it reads, as a digest (SHA-256 of the extracted facts;
 * `null`: the file gives the index nothing), remembered by `--cache` with the file's size and mtime so
 * that an unchanged file is neither read nor kept: no value of the index (constants, labels, URLs) is
 * written anywhere, only digests.
 */
export interface IndexInputCache {
  /** The digest stored for `file` as `kind`, if its size and mtime still vouch for it; undefined: read it. */
  recallInput(file: string, kind: InputKind): Promise<string | null | undefined>;
  /** The digest of `file` as just read (after `recallInput` returned undefined for it, or read elsewhere: then `seen` is given). */
  rememberInput(file: string, kind: InputKind, digest: string | null, seen?: FileSeen): void;
}
export type InputKind = 'facts' | 'symbols' | 'access';
/** Symbols extracted by the pool's workers (`SymbolsRequest`), with each read file's size and mtime before the read. */
export interface ExtractedSymbols { values: ReadonlyMap<string, FileSymbols | undefined>; seen: ReadonlyMap<string, FileSeen> }
interface InputRecord {
  path: string; kind: InputKind; digest: string | null;
  /** What the index needs of the file (facts and access: the text; symbols: the extracted values); absent when the cache vouched for it unread, or it is unreadable. */
  value?: { text: string } | { symbols: FileSymbols | undefined };
}

/**
 * The project index in two steps: `key` (a digest of everything the index holds, built from the
 * digests of each file's facts: with `inputs`, files whose size and mtime vouch for their digest are
 * not read) and `load()`, which reads the files `key` did not and builds the index. Two file sets give
 * the same key exactly when they give the same index (a change no file can read, such as a comment in a
 * class, keeps it). `loadProjectIndex` is `open(...).load()` without a cache.
 */
export async function openProjectIndex(root: string, options: Omit<ProjectIndexOptions, 'readers'>): Promise<{ key: string; load: () => Promise<ProjectIndex> }> {
  const all = await indexFiles(root, options);
  const keep = options.filter ?? (() => true);
  const wanted: Array<{ path: string; kind: InputKind }> = [];
  for (const f of all) {
    if (!keep(f)) { continue; }
    if (isFactFile(f)) { wanted.push({ path: f, kind: 'facts' }); }
    if (holdsSymbols(f)) { wanted.push({ path: f, kind: 'symbols' }); }
    if (isAccessFile(f)) { wanted.push({ path: f, kind: 'access' }); }
  }
  const sfdx = await readSfdx(root);
  const records: InputRecord[] = wanted.map(w => ({ ...w, digest: null }));
  const elsewhere = options.symbols;
  const remote = (r: InputRecord) => !!elsewhere && r.kind === 'symbols' && isApexPath(r.path);
  await readInputs(records.filter(r => !remote(r)), options.inputs, options.signal);
  if (elsewhere) {
    // The classes' constants, from the workers: this thread read the rest meanwhile.
    const given = await elsewhere;
    const missing: InputRecord[] = [];
    for (const r of records.filter(remote)) {
      if (!given.values.has(r.path)) { missing.push(r); continue; }
      const symbols = given.values.get(r.path);
      r.value = { symbols };
      r.digest = symbols ? digestOf(symbols) : null;
      const seen = given.seen.get(r.path);
      if (seen) { options.inputs?.rememberInput(r.path, r.kind, r.digest, seen); }
    }
    await readInputs(missing, options.inputs, options.signal);
  }
  const key = sha256Hex(JSON.stringify({ root, sfdx: sfdx === undefined ? null : readSfdxProject(sfdx),
    inputs: records.filter(r => r.digest !== null).map(r => [r.path, r.kind, r.digest]) }));
  return { key, load: async () => {
    await readInputs(records.filter(r => !r.value && r.digest !== null), undefined, options.signal);
    const index = buildProjectIndex(root, records.flatMap(r => (r.kind === 'facts' && r.value && 'text' in r.value ? [{ path: r.path, text: r.value.text }] : [])), sfdx);
    for (const r of records) {
      if (r.kind === 'symbols' && r.value && 'symbols' in r.value && r.value.symbols) { setFileSymbols(index, r.path, r.value.symbols); }
    }
    index.access = buildAccess(records.flatMap(r => (r.kind === 'access' && r.value && 'text' in r.value ? [{ path: r.path, text: r.value.text }] : [])));
    return index;
  } };
}

/** The files the project index may read: the caller's list, else the root's (none when it cannot be walked). */
async function indexFiles(root: string, options: Pick<ProjectIndexOptions, 'files' | 'exclude' | 'signal'>): Promise<readonly string[]> {
  if (options.files) { return options.files; }
  try { return await discoverFiles(root, { exclude: options.exclude ?? [] }, options.signal); } catch { return []; }
}

/** sfdx-project.json's text, if the root has one. */
async function readSfdx(root: string): Promise<string | undefined> {
  try { return await fsp.readFile(path.join(root, 'sfdx-project.json'), 'utf8'); } catch { return undefined; /* not an sfdx project */ }
}

/** JSON with Maps as sorted entries (object facts), for digests. */
const digestOf = (v: unknown): string => sha256Hex(JSON.stringify(v, (_k, x: unknown) =>
  (x instanceof Map ? [...x.entries()].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)) : x)));

/** One file's contribution to the index and its digest (null: it contributes nothing). */
function extractInput(kind: InputKind, file: string, text: string): Pick<InputRecord, 'digest' | 'value'> {
  if (kind === 'symbols') { const symbols = symbolsOf(file, text); return { digest: symbols ? digestOf(symbols) : null, value: { symbols } }; }
  if (kind === 'facts') { const facts = extractProjectFacts(file, text); return { digest: Object.keys(facts).length ? digestOf(facts) : null, value: { text } }; }
  return { digest: sha256Hex(text), value: { text } };
}

/**
 * Fills `records` in place, READ_AHEAD files at a time: a file the cache vouches for keeps its stored
 * digest unread; an unreadable one contributes nothing.
 */
async function readInputs(records: readonly InputRecord[], cache: IndexInputCache | undefined, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < records.length && !signal?.aborted) {
      const r = records[next++];
      if (cache) {
        const d = await cache.recallInput(r.path, r.kind);
        if (d !== undefined) { r.digest = d; continue; }
      }
      const read = await readOne(r.path);
      if (read.text === undefined) { r.digest = null; delete r.value; continue; }
      const x = extractInput(r.kind, r.path, read.text);
      r.value = x.value;
      r.digest = x.digest;
      cache?.rememberInput(r.path, r.kind, x.digest);
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_AHEAD, records.length) }, worker));
}

/** `loadProjectIndex` with readers (`--changed`, `--staged` without a cache): only what they can use. */
async function loadForReaders(root: string, options: ProjectIndexOptions, readers: ProjectReaders): Promise<ProjectIndex> {
  const all = await indexFiles(root, options);
  const names = dottedNames([...readers.texts, ...readers.paths]);
  const pathsLower = readers.paths.map(p => p.toLowerCase());
  // An object definition only when a reader names the object (a field's folder, an Apex reference).
  const objectWanted = (f: string) => {
    if (metadataTypeOf(f) !== 'CustomObject') { return true; }
    const name = objectNameOf(f).toLowerCase();
    return names.has(name) || pathsLower.some(p => p.includes(`/${name}/`) || p.includes(`/${name}.`));
  };
  const keep = options.filter ?? (() => true);
  const texts = await readAll(all.filter(f => isFactFile(f) && objectWanted(f) && keep(f)));
  const sfdx = await readSfdx(root);
  const index = buildProjectIndex(root, texts, sfdx);
  const symbolFiles = all.filter(holdsSymbols);
  await loadSymbols(index, symbolFiles.filter(f => !isApexPath(f) && keep(f)), options.signal);
  await loadReferencedClasses(index, symbolFiles.filter(isApexPath), names, keep, options.signal);
  index.access = buildAccess(await readAll(all.filter(f => accessKindOf(f) !== undefined && keep(f))));
  return index;
}

/**
 * The files a scan of only some files lints (`--changed`, `--staged`): their paths and texts. The
 * project index then reads only what these can use: the Apex classes they name (`Config.` in the
 * text), and the classes those classes' constants name, transitively; object definitions they name.
 * Labels, records, credentials, remote sites and class access are read in full.
 */
export interface ProjectReaders { paths: readonly string[]; texts: readonly string[] }

const isApexPath = (f: string) => /\.(cls|trigger)$/i.test(f);

/** Every identifier written before a dot (`Config.BASE`, `ns.Outer.Inner.X`), lower-cased: the class names a text can read a constant of. */
export function dottedNames(texts: readonly string[], into = new Set<string>()): Set<string> {
  const re = /([A-Za-z_][A-Za-z0-9_]*)\s*\./g;
  for (const t of texts) { for (let m = re.exec(t); m; m = re.exec(t)) { into.add(m[1].toLowerCase()); } }
  return into;
}

/**
 * Constants of the Apex files whose class (file name: Salesforce names the file after its top-level
 * class) is in `names`, then of the classes their constants name, until nothing new is named.
 */
async function loadReferencedClasses(index: ProjectIndex, apex: readonly string[], names: Set<string>, keep: (file: string) => boolean, signal?: AbortSignal): Promise<void> {
  const byName = new Map<string, string[]>();
  for (const f of apex) {
    const base = f.slice(Math.max(f.lastIndexOf('/'), f.lastIndexOf('\\')) + 1).replace(/\.(cls|trigger)$/i, '').toLowerCase();
    const list = byName.get(base);
    if (list) { list.push(f); } else { byName.set(base, [f]); }
  }
  const done = new Set<string>();
  let wave = [...names];
  while (wave.length && !signal?.aborted) {
    const files = wave.filter(n => !done.has(n)).flatMap(n => { done.add(n); return (byName.get(n) ?? []).filter(keep); });
    if (!files.length) { break; }
    await loadSymbols(index, files, signal);
    const next = new Set<string>();
    for (const f of files) {
      for (const c of index.symbols?.get(f)?.constants ?? []) { dottedNames(c.parts.map(p => ('text' in p ? p.text + '.' : '')), next); }
    }
    wave = [...next];
  }
}

/**
 * The suffixes `metadataTypeOf` gives a fact type for (with or without `-meta.xml`): a path without one
 * is not a fact file, and the full check is left for the few that have one (it was a third of an
 * unchanged --cache re-scan's index time on 11,752 files).
 */
const FACT_SUFFIX = /^\.(?:namedCredential|externalCredential|remoteSite|object)(?:-meta\.xml)?$/;
/** Likewise for `accessKindOf` (profiles, permission sets and groups, connected apps). */
const ACCESS_SUFFIX = /^\.(?:profile|permissionset|permissionsetgroup|connectedApp)(?:-meta\.xml)?$/;
const isAccessFile = (f: string) => ACCESS_SUFFIX.test(suffixOf(f)) && accessKindOf(f) !== undefined;
/** The last extension, with the one before it for `-meta.xml` ("Foo.object-meta.xml": ".object-meta.xml"): what the prefilters test, a few characters instead of the whole path. */
function suffixOf(f: string): string {
  const dot = f.lastIndexOf('.');
  if (dot < 0) { return ''; }
  if (!f.endsWith('-meta.xml')) { return f.slice(dot); }
  const before = f.lastIndexOf('.', dot - 1);
  return before < 0 ? '' : f.slice(before);
}
function isFactFile(f: string): boolean {
  if (!FACT_SUFFIX.test(suffixOf(f))) { return false; }
  const t = metadataTypeOf(f);
  return t !== undefined && PROJECT_FACT_TYPES.includes(t);
}

/**
 * Whether `loadProjectIndex` reads this file (metadata facts, values other files read, class
 * access): callers that list the project's files themselves (`--changed`, `--staged`) pass it these.
 */
export function feedsProjectIndex(f: string): boolean { return isFactFile(f) || holdsSymbols(f) || isAccessFile(f); }

/** The texts of `files` that could be read (unreadable ones are left out). */
export async function readAll(files: readonly string[]): Promise<Array<{ path: string; text: string }>> {
  const out: Array<{ path: string; text: string }> = [];
  for (const f of files) {
    const r = await readOne(f);
    if (r.text !== undefined) { out.push({ path: f, text: r.text }); }
  }
  return out;
}

/**
 * Project-wide values (Apex constants, labels, custom metadata records) of `files`, read READ_AHEAD at a
 * time with the scan's own reader (parallel in the thread pool: synchronous reads of thousands of files
 * cost seconds of wall time on a busy disk) and reduced to their facts at once (no text is kept). Apex
 * files get a text scan, not a parse.
 */
async function loadSymbols(index: ProjectIndex, files: readonly string[], signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length && !signal?.aborted) {
      const f = files[next++];
      const r = await readOne(f);
      const syms = r.text !== undefined ? symbolsOf(f, r.text) : undefined;
      if (syms) { setFileSymbols(index, f, syms); }
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_AHEAD, files.length) }, worker));
}

/**
 * The shard (1..count) a file belongs to: a hash of its root-relative path with forward slashes, so
 * the split is the same on every runner and OS and does not move when other files come and go.
 */
export function shardOf(relPath: string, count: number): number {
  return createHash('sha1').update(relPath).digest().readUInt32BE(0) % count + 1;
}

/**
 * One file's report as a scan gives it: the engine's report plus fingerprints, or the read note.
 * The same function lints on this thread and in the pool's workers.
 */
export function lintRead(engine: Engine, read: ReadResult, o: { root: string; rules: ApiGuardConfig['rules']; includeTests: boolean; project: ProjectIndex; limits?: ApiGuardConfig['limits'] }): ReportFile {
  if (read.text === undefined) { return { path: read.path, findings: [], notes: read.note ? [read.note] : [] }; }
  const report: ReportFile = engine.lint(read.path, read.text, { rules: o.rules, includeTests: o.includeTests, project: o.project, ...(o.limits ? { limits: o.limits } : {}) });
  if (report.findings.length) {
    report.fingerprints = fingerprintFindings(report.findings, new LineIndex(read.text), relativePath(o.root, read.path), sha256Hex);
  }
  return report;
}

/**
 * Scans a project: discovers the files (ignore files and `exclude` honoured), builds the project
 * index, then reads and lints each file. Never throws for a file: unreadable or too large files
 * get a note and the scan goes on. Holds no file text beyond the few being read ahead.
 */
export async function scanProject(options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const root = path.resolve(options.root);
  const { config, signal, onProgress } = options;
  onProgress?.({ phase: 'discover', done: 0, total: 0 });
  const { cache } = options;
  const shard = options.shard;
  const jobs = Math.max(1, Math.floor(options.jobs ?? defaultJobs()));
  const minFilesPerWorker = options.minFilesPerWorker ?? MIN_FILES_PER_WORKER;
  // A cache with nothing to give (a first run, a fresh CI runner) only records: the scan is the one without a cache
  // (workers started during the walk, the classes' constants extracted by them), and it stores what they linted.
  // (Not for a scan of some files whose index only reads what they name, `readers`: it has no key of inputs.)
  const recording = cache?.empty && cache.setKey && cache.useProjectKey && cache.recallInput && cache.rememberInput && !(options.files && options.readers) ? cache : undefined;
  // A whole-root scan that will lint on the pool starts its workers as soon as the walk has found files
  // enough for all of them, so that their start-up overlaps the rest of the walk.
  const earlyScript = !options.files && !options.paths?.length && !options.engine && !options.read && (!cache || recording) && jobs > 1 ? lintWorkerScript() : undefined;
  const early: { workers?: StartedWorkers; found: number } = { found: 0 };
  const onFiles = earlyScript ? (n: number) => {
    early.found += n;
    if (!early.workers && early.found >= jobs * minFilesPerWorker * (shard?.count ?? 1) && !signal?.aborted) { early.workers = new StartedWorkers(earlyScript, jobs); }
  } : undefined;
  const discover = { ...options.discover, ...(options.cache?.discovery ? { memo: options.cache.discovery } : {}), ...(onFiles ? { onFiles } : {}) };
  let collected: { files: string[]; notes: FileNote[] };
  try {
    collected = options.files ? { files: [...options.files], notes: [] } : await collectFiles(root, options.paths, config, signal, discover);
  } catch (e) {
    early.workers?.close();
    throw e;
  }
  const indexOptions: ProjectIndexOptions = { exclude: config.exclude, signal, ...(options.files && options.readers ? { readers: options.readers } : {}), ...(options.projectFiles && options.projectFilter ? { filter: options.projectFilter } : {}),
    ...(options.projectFiles ? { files: options.projectFiles } : options.paths?.length || options.files ? {} : { files: collected.files }) };
  const mine = (f: string) => !shard || shardOf(relativePath(root, f), shard.count) === shard.index;
  const files = shard ? collected.files.filter(mine) : collected.files;
  const total = files.length;
  const workers = Math.min(jobs, Math.floor(total / minFilesPerWorker));
  const script = !options.engine && !options.read && (!cache || recording) && workers > 1 ? earlyScript ?? lintWorkerScript() : undefined;
  if (!script) { early.workers?.close(); }
  // With a cache that keeps the index's inputs, files it vouches for are not read for the index, and
  // the index itself (and the grammar) is loaded only when a file has to be linted. With the pool, the
  // workers start (and compile the grammar) while this thread builds the index.
  let project: ProjectIndex | undefined;
  let loadProject: () => Promise<ProjectIndex>;
  /** With the pool on the whole tree, the workers extract the classes' constants for the index while they start. */
  let symbolsRequest: SymbolsRequest | undefined;
  if (script) {
    const apex = indexOptions.files && !indexOptions.readers ? indexOptions.files.filter(isApexPath) : [];
    const symbols = apex.length ? new Promise<ExtractedSymbols>(done => { symbolsRequest = { files: apex, done: (values, seen) => done({ values, seen }) }; }) : undefined;
    const withSymbols = { ...indexOptions, ...(symbols ? { symbols } : {}) };
    // Recording: the index's inputs are remembered (those the workers read with the size and mtime they saw) and its key taken.
    const index = recording
      ? openProjectIndex(root, { ...withSymbols, inputs: recording as IndexInputCache }).then(opened => { recording.useProjectKey!(opened.key); return opened.load(); })
      : loadProjectIndex(root, withSymbols);
    const load = index.then(p => (project = p));
    load.catch(() => { /* the pool fails with it */ });
    loadProject = () => load;
  } else if (cache?.recallInput && cache.rememberInput && cache.useProjectKey && !indexOptions.readers) {
    const opened = await openProjectIndex(root, { ...indexOptions, inputs: cache as IndexInputCache });
    cache.useProjectKey(opened.key);
    let loading: Promise<ProjectIndex> | undefined;
    loadProject = () => (loading ??= opened.load().then(p => (project = p)));
  } else {
    const p = project = await loadProjectIndex(root, indexOptions);
    cache?.useProject(p);
    loadProject = () => Promise.resolve(p);
  }
  let engineLoad: Promise<Engine> | undefined;
  const getEngine = () => (engineLoad ??= options.engine ? Promise.resolve(options.engine) : createEngine());
  /** Called on a cache miss: the index and the grammar start loading while the read-ahead goes on. */
  const prefetch = () => { loadProject().catch(() => { /* awaited when linting */ }); getEngine().catch(() => { /* awaited when linting */ }); };
  const lookup = options.read ? undefined : cache?.lookup?.bind(cache);
  // A file that size and mtime cannot vouch for is read and looked up by its text (a touched file), and
  // only a real miss starts loading the index and the grammar.
  const readFile = lookup ? async (f: string): Promise<ReadResult> => {
    const c = await lookup(f);
    if (c) { return { path: f, cached: c }; }
    const r = await readOne(f);
    const byText = r.text === undefined ? undefined : cache!.get(f, r.text);
    if (byText) { return { path: f, cached: byText }; }
    prefetch();
    return r;
  } : options.read ?? readOne;
  const pathNotes = shard ? collected.notes.filter(n => mine(n.path)) : collected.notes;
  const reports: ReportFile[] = pathNotes.map(n => ({ path: n.path, findings: [], notes: [n] }));
  onProgress?.({ phase: 'lint', done: 0, total });
  let lastProgress = performance.now();
  let done = 0;
  const setup = { root, rules: config.rules, includeTests: config.includeTests, project: project ?? emptyProject(root), ...(config.limits ? { limits: config.limits } : {}) };
  if (script) {
    const run = await lintOnPool(files, workers, loadProject().then(p => ({ ...setup, project: p, ...(recording ? { keys: true } : {}) })), { script, signal, symbols: symbolsRequest, started: early.workers, onDone: n => {
      done = n;
      const now = performance.now();
      if (onProgress && now - lastProgress >= 100) { lastProgress = now; onProgress({ phase: 'lint', done, total }); }
    } });
    reports.push(...run.reports);
    done = run.done;
    if (recording) { storeKeys(recording, run); }
  }
  // Without a cache the grammar loads while the first files are read; with one, on the first miss.
  if (!script && !cache) { getEngine().catch(() => { /* awaited when linting */ }); }
  // With a cache, the files it vouches for are taken from it first. When enough are left to lint (a first run, a
  // branch switch), they are linted on the pool, as without a cache, and every result is stored under the key of the
  // text the worker read; the rest are linted on this thread below.
  let rest = files;
  let threads = script ? workers : 1;
  const cachePool = !options.engine && !options.read && workers > 1 ? lintWorkerScript() : undefined;
  const knows = cache?.knows?.bind(cache), setKey = cache?.setKey?.bind(cache);
  if (!script && cachePool && lookup && knows && setKey && cache) {
    const misses: string[] = [];
    const triage = async (f: string): Promise<ReportFile | undefined> => {
      const hit = await lookup(f);
      if (hit || !knows(f)) { return hit; }
      // Touched, maybe not changed: its text decides.
      const r = await readOne(f);
      if (r.text === undefined) { return { path: f, findings: [], notes: r.note ? [r.note] : [] }; }
      return cache.get(f, r.text);
    };
    const ahead: Array<Promise<ReportFile | undefined>> = [];
    for (let i = 0; i < files.length && !signal?.aborted; i++) {
      while (ahead.length < READ_AHEAD && i + ahead.length < files.length) { ahead.push(triage(files[i + ahead.length])); }
      const report = await ahead.shift()!;
      if (!report) {
        // The index loads while the triage goes on (the pool, or this thread, needs it).
        if (!misses.length) { loadProject().catch(() => { /* awaited when linting */ }); }
        misses.push(files[i]);
        continue;
      }
      if (report.findings.length || report.notes.length) { reports.push(report); }
      done++;
    }
    await Promise.allSettled(ahead);
    const poolWorkers = Math.min(jobs, Math.floor(misses.length / minFilesPerWorker));
    rest = misses;
    if (poolWorkers > 1 && !signal?.aborted) {
      const before = done;
      const run = await lintOnPool(misses, poolWorkers, loadProject().then(p => ({ ...setup, project: p, keys: true })), { script: cachePool, signal, onDone: n => {
        done = before + n;
        const now = performance.now();
        if (onProgress && now - lastProgress >= 100) { lastProgress = now; onProgress({ phase: 'lint', done, total }); }
      } });
      reports.push(...run.reports);
      storeKeys(cache, run);
      done = before + run.done;
      rest = [];
      threads = poolWorkers;
    }
  }
  // The files left after the cache's triage are read plainly (it was asked about them already).
  const readRest = rest === files ? readFile : readOne;
  const queue: Array<Promise<ReadResult>> = [];
  let next = 0;
  const fill = () => { while (queue.length < READ_AHEAD && next < rest.length) { queue.push(readRest(rest[next++])); } };
  while (!script && (queue.length > 0 || next < rest.length) && !signal?.aborted) {
    fill();
    const read = await queue.shift()!;
    fill();
    let report: ReportFile;
    if (read.cached) {
      report = read.cached;
    } else if (read.text === undefined) {
      report = { path: read.path, findings: [], notes: read.note ? [read.note] : [] };
    } else {
      const cached = lookup ? undefined : cache?.get(read.path, read.text);
      if (cached) { report = cached; } else {
        setup.project = project ?? await loadProject();
        report = lintRead(await getEngine(), read, setup);
        cache?.set(read.path, read.text, report);
      }
    }
    if (report.findings.length || report.notes.length) { reports.push(report); }
    done++;
    const now = performance.now();
    if (onProgress && now - lastProgress >= 100) { lastProgress = now; onProgress({ phase: 'lint', done, total }); }
  }
  await Promise.allSettled(queue);
  onProgress?.({ phase: 'lint', done, total });
  reports.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    root, project: project ?? emptyProject(root), loadProject, reports, notes: reports.flatMap(r => r.notes), threads,
    filesScanned: done, durationMs: performance.now() - started, cancelled: !!signal?.aborted && done < total,
  };
}
