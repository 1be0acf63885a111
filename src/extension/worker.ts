/**
 * The engine's thread (`dist/worker.js`). The extension host's main thread never parses or lints:
 * it posts the text here and gets plain findings back, so typing never waits on the engine, even on
 * a 1 MB Apex file. Lint requests for the same file supersede each other (only the newest runs);
 * workspace scans await between files, so lint requests and cancellations get through.
 */
import { parentPort } from 'node:worker_threads';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Ignore } from 'ignore';
import pkg from '../../package.json';
import { mergeConfig, defaultConfig, type ApiGuardConfig } from '../core/config';
import type { Engine } from '../core/engine';
import { planFix, planMigration } from '../core/fix';
import type { FixContext } from '../core/fix/types';
import { buildProjectIndex } from '../core/metadata/facts';
import type { ProjectIndex } from '../core/project';
import { toSarif } from '../core/report/sarif';
import { compareWithBaseline, DEFAULT_BASELINE_FILE, parseBaseline, type BaselineFile } from '../core/report/baseline';
import { fingerprintFindings } from '../core/report/fingerprint';
import { relativePath, type ReportFile } from '../core/report/model';
import { LineIndex } from '../core/position';
import { allRules } from '../rules';
import { ruleDocs } from '../rules/docs.generated';
import { createEngine } from '../node/createEngine';
import { loadConfig } from '../node/config';
import { rootIgnore } from '../node/discover';
import { loadProjectIndex, readOne, scanProject, sha256Hex } from '../node/scan';
import { holdsSymbols, readsAny, setFileSymbols, symbolsOf } from '../core/symbols';
import { loadSurface } from '../node/surface';
import { IncrementalApexDoc, offsetAtLine } from '../core/incremental';
import { ApexConstantsDoc } from '../core/apex/constants';
import { fileKindOf } from '../core/fileKind';
import { entryViews } from '../core/surface/inventory';
import { OUT_OF_SYNC, type ExportResult, type LintResult, type LintSettings, type Request, type Response, type RuleDoc, type RuleInfo, type ScanResult, type SurfaceResult } from './protocol';
import { toHtml, toMarkdown } from './reportFormats';

const VERSION = (pkg as { version: string }).version;

interface RootState { config: ApiGuardConfig; configError?: string; project: Promise<ProjectIndex>; ignoreFor: Map<string, Ignore> }

const port = parentPort;
const roots = new Map<string, Promise<RootState>>();
const aborts = new Map<number, AbortController>();
/**
 * The worker's copy of each open document, kept current by `change` messages (no full text per keystroke).
 * Apex classes also keep their syntax tree and last findings (`inc`): a lint after an edit re-parses with
 * tree-sitter's edit API and re-lints only the members the edit can change (src/core/incremental.ts),
 * and their static constants (`consts`), which a keystroke in a method body leaves as they were.
 */
interface DocCopy { version: number; text: string; inc?: IncrementalApexDoc; consts?: ApexConstantsDoc }
const docs = new Map<string, DocCopy>();
/** Bumped whenever project values (constants, labels, records) or a root's configuration change: incremental results keyed on it are stale. */
let projectEpoch = 0;

function dropDoc(p: string): void { docs.get(p)?.inc?.dispose(); docs.delete(p); }

function lineCountOf(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) { n++; }
  return n;
}

function applyChange(m: Extract<Request, { type: 'change' }>): void {
  const d = docs.get(m.path);
  if (!d || d.version !== m.fromVersion) { dropDoc(m.path); return; }     // missed or reordered edit: the next lint resends the text
  if (d.consts) {
    for (const c of m.changes) {
      const t = d.consts.current;
      const st = offsetAtLine(t, c.range.start.line, c.range.start.character);
      d.consts.edit(st, Math.max(st, offsetAtLine(t, c.range.end.line, c.range.end.character)), c.text);
    }
  }
  if (d.inc) {
    d.inc.applyChanges(m.changes);
    d.text = d.inc.current;
  } else {
    let text = d.text;
    for (const c of m.changes) {
      const s = offsetAtLine(text, c.range.start.line, c.range.start.character);
      const e = offsetAtLine(text, c.range.end.line, c.range.end.character);
      text = text.slice(0, s) + c.text + text.slice(e);
    }
    d.text = text;
  }
  d.version = m.version;
}

/** Pending lint requests by path: a newer request for the same file replaces the older one. */
const pendingLints = new Map<string, Extract<Request, { type: 'lint' }>>();
let draining = false;

function post(m: Response): void { port?.postMessage(m); }

/** sfdx-project.json plus the Named Credentials, External Credentials and Remote Sites of the root. */
function projectIndex(root: string, exclude: readonly string[]): Promise<ProjectIndex> {
  return root ? loadProjectIndex(root, { exclude }) : Promise.resolve(buildProjectIndex(root, []));
}

async function rootState(root: string): Promise<RootState> {
  let s = roots.get(root);
  if (!s) {
    s = (async () => {
      let config = defaultConfig();
      let configError: string | undefined;
      if (root) {
        try { config = await loadConfig(root); } catch (e) { configError = (e as Error).message; }
      }
      return { config, configError, project: projectIndex(root, config.exclude), ignoreFor: new Map<string, Ignore>() };
    })();
    roots.set(root, s);
  }
  return s;
}

function effective(state: RootState, settings: LintSettings): ApiGuardConfig {
  const known = new Set(allRules.map(r => r.meta.id));
  const rules = Object.fromEntries(Object.entries(settings.rules).filter(([id]) => known.has(id)));
  return mergeConfig(state.config, { rules, exclude: settings.exclude, includeTests: settings.includeTests });
}

async function isExcluded(state: RootState, root: string, file: string, cfg: ApiGuardConfig): Promise<boolean> {
  if (!root) { return false; }
  const rel = path.relative(root, file).split(path.sep).join('/');
  if (!rel || rel.startsWith('../') || path.isAbsolute(rel)) { return false; }
  if (rel.split('/').some(seg => ['node_modules', '.sfdx', '.sf', '.git'].includes(seg))) { return true; }
  const key = JSON.stringify(cfg.exclude);
  let ig = state.ignoreFor.get(key);
  if (!ig) { ig = await rootIgnore(root, cfg.exclude); state.ignoreFor.set(key, ig); }
  return ig.ignores(rel);
}

/** Parsed baseline files by path, re-read when their size or mtime changes. */
const baselines = new Map<string, { size: number; mtimeMs: number; baseline?: BaselineFile; error?: string }>();

/** The baseline of a workspace folder: the `apiguard.baseline.file` setting (relative to it), else `.apiguard-baseline.json` when present. */
function baselineFor(root: string, setting: string | undefined): { baseline?: BaselineFile; error?: string } {
  if (!root) { return {}; }
  const file = setting ? path.resolve(root, setting) : path.join(root, DEFAULT_BASELINE_FILE);
  let st;
  try { st = statSync(file); } catch { return setting ? { error: `baseline file ${setting} (apiguard.baseline.file) not found` } : {}; }
  const cached = baselines.get(file);
  if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) { return cached; }
  let entry: { size: number; mtimeMs: number; baseline?: BaselineFile; error?: string };
  try { entry = { size: st.size, mtimeMs: st.mtimeMs, baseline: parseBaseline(readFileSync(file, 'utf8')) }; } catch (e) {
    entry = { size: st.size, mtimeMs: st.mtimeMs, error: `baseline file ${path.relative(root, file)} is not usable: ${(e as Error).message}` };
  }
  baselines.set(file, entry);
  return entry;
}

/** Marks each finding new or unchanged against the folder's baseline (fingerprints relative to the folder, as the CLI's when it is the project root). */
function applyBaseline(root: string, reports: ReportFile[], b: BaselineFile | undefined): ReportFile[] {
  if (!b) { return reports; }
  return compareWithBaseline({ root, reports, filesScanned: reports.length, durationMs: 0 }, b).reports;
}

/** A lint with the document's text: the worker's copy starts (or restarts) from it, on arrival, so that edits sent after it apply. */
function takeText(req: Extract<Request, { type: 'lint' }>): void {
  if (req.text === undefined) { return; }
  const d = docs.get(req.path);
  if (d?.inc && d.inc.current === req.text) { d.version = req.version; return; }   // the same text again: keep tree and findings
  d?.inc?.dispose();
  const apex = (req.kind ?? fileKindOf(req.path)) === 'apex';
  docs.set(req.path, { version: req.version, text: req.text, ...(apex ? { inc: new IncrementalApexDoc(req.path, req.text) } : {}),
    ...(/\.(cls|trigger)$/i.test(req.path) ? { consts: new ApexConstantsDoc(req.path, req.text) } : {}) });
}

async function lint(engine: Engine, req: Extract<Request, { type: 'lint' }>): Promise<LintResult> {
  let text = req.text;
  const d = docs.get(req.path);
  if (text !== undefined) {
    // Taken on arrival (`takeText`); edits that came after it may have moved the copy on (this result is then
    // dropped as stale). No copy: the document closed meanwhile; lint the text without keeping a tree.
    if (d) { text = d.text; }
  } else {
    if (!d || d.version !== req.version || lineCountOf(d.text) !== req.lineCount) { dropDoc(req.path); throw new Error(OUT_OF_SYNC); }
    text = d.text;
  }
  const state = await rootState(req.root);
  const cfg = effective(state, req.settings);
  if (await isExcluded(state, req.root, req.path, cfg)) {
    return { report: { path: req.path, findings: [], notes: [] }, excluded: true, configError: state.configError, ms: 0 };
  }
  const project = await state.project;
  if (d?.inc) { text = d.inc.current; }           // edits that arrived while the project loaded are in it
  const t0 = performance.now();
  // This document's constants / labels / records as typed now: only its own entries change, and the open
  // documents that read a changed one are named so that the extension lints them again.
  const changed = holdsSymbols(req.path) ? setFileSymbols(project, req.path, symbolsOfDoc(req.path, text, d)) : [];
  if (changed.length) { projectEpoch++; }
  const options = { rules: cfg.rules, includeTests: cfg.includeTests, project, kind: req.kind };
  let incremental: LintResult['incremental'];
  let report: ReportFile;
  if (d?.inc) {
    const r = d.inc.lint(engine, options, `${req.root}\0${projectEpoch}\0${JSON.stringify([cfg.rules, cfg.includeTests, req.kind])}`);
    report = { ...r.report };                    // the document keeps r.report for the next lint: fingerprints go on a copy
    incremental = { mode: r.mode, ...(r.why ? { why: r.why } : {}), ...(r.relinted !== undefined ? { relinted: r.relinted } : {}), ...(r.units !== undefined ? { units: r.units } : {}) };
  } else {
    report = engine.lint(req.path, text, options);
  }
  const ms = performance.now() - t0;
  const relint = changed.length ? readers(req.root, req.path, changed) : [];
  const bl = baselineFor(req.root, req.settings.baselineFile);
  if (report.findings.length) {
    report.fingerprints = fingerprintFindings(report.findings, new LineIndex(text), relativePath(req.root || path.dirname(req.path), req.path), sha256Hex);
    [report] = applyBaseline(req.root, [report], bl.baseline);
  }
  return { report, excluded: false, configError: state.configError ?? bl.error, ms, ...(relint.length ? { relint } : {}), ...(incremental ? { incremental } : {}) };
}

/** `symbolsOf` for an open document: its class's constants kept between edits that cannot change them (ApexConstantsDoc). */
function symbolsOfDoc(p: string, text: string, d: DocCopy | undefined): ReturnType<typeof symbolsOf> {
  if (!d?.consts || d.consts.current !== text) { return symbolsOf(p, text); }
  const constants = d.consts.constants();
  return constants.length ? { constants, labels: [], records: [] } : undefined;
}

/** Open Apex documents under `root` (other than `except`) that read one of `names`. */
function readers(root: string, except: string, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const [p, d] of docs) {
    if (p === except || !/\.(cls|trigger|apex)$/i.test(p) || (root && !p.startsWith(root + path.sep) && !p.startsWith(root + '/'))) { continue; }
    if (readsAny(d.text, names)) { out.push(p); }
  }
  return out;
}

/** A value-defining file changed on disk (or was deleted): update its index entries unless the editor holds it. */
async function reindex(req: Extract<Request, { type: 'reindex' }>): Promise<string[]> {
  if (!holdsSymbols(req.path) || docs.has(req.path) || !roots.has(req.root)) { return []; }
  const project = await (await rootState(req.root)).project;
  const r = await readOne(req.path);
  const changed = setFileSymbols(project, req.path, r.text !== undefined ? symbolsOf(req.path, r.text) : undefined);
  if (changed.length) { projectEpoch++; }
  return changed.length ? readers(req.root, req.path, changed) : [];
}

async function drainLints(): Promise<void> {
  if (draining) { return; }
  draining = true;
  try {
    const engine = await createEngine();
    while (pendingLints.size) {
      const [key, req] = pendingLints.entries().next().value as [string, Extract<Request, { type: 'lint' }>];
      pendingLints.delete(key);
      try { post({ type: 'result', id: req.id, ok: true, value: await lint(engine, req) }); } catch (e) {
        post({ type: 'result', id: req.id, ok: false, error: (e as Error).message });
      }
      await new Promise(r => setImmediate(r));   // let newer requests and cancellations in
    }
  } catch (e) {
    for (const req of pendingLints.values()) { post({ type: 'result', id: req.id, ok: false, error: (e as Error).message }); }
    pendingLints.clear();
  } finally {
    draining = false;
  }
}

async function scan(req: { id: number; root: string; settings: LintSettings }, signal: AbortSignal): Promise<ScanResult & { root: string; reports: ScanResult['reports'] }> {
  roots.delete(req.root);                        // a scan rereads the configuration and the project facts
  projectEpoch++;
  const state = await rootState(req.root);
  const config = effective(state, req.settings);
  const r = await scanProject({
    root: req.root, config, signal,   // no engine given: the lint pool (worker threads of this worker) when the workspace is large enough
    onProgress: p => { if (p.phase === 'lint') { post({ type: 'progress', id: req.id, done: p.done, total: p.total }); } },
  });
  const bl = baselineFor(req.root, req.settings.baselineFile);
  return { root: r.root, reports: applyBaseline(r.root, r.reports, bl.baseline), filesScanned: r.filesScanned, cancelled: r.cancelled, configError: state.configError ?? bl.error, ms: r.durationMs };
}

async function exportReport(req: Extract<Request, { type: 'export' }>, signal: AbortSignal): Promise<ExportResult> {
  const r = await scan(req, signal);
  const input = { root: req.root, reports: r.reports, filesScanned: r.filesScanned, durationMs: r.ms, cancelled: r.cancelled };
  const rules = allRules.map(x => x.meta);
  const content = req.format === 'sarif' ? JSON.stringify(toSarif(input, { rules, docs: ruleDocs, toolVersion: VERSION }), null, 2) + '\n'
    : req.format === 'html' ? toHtml(input, rules, VERSION) : toMarkdown(input, rules, VERSION);
  return { content, findings: r.reports.reduce((n, x) => n + x.findings.filter(f => !f.suppressed).length, 0), filesScanned: r.filesScanned, cancelled: r.cancelled };
}

async function fixContext(root: string, overlays: Record<string, string>, findings: FixContext['findings'], nameOverride?: string): Promise<FixContext> {
  const state = await rootState(root);
  return {
    project: await state.project,
    readFile: p => { if (p in overlays) { return overlays[p]; } try { return readFileSync(p, 'utf8'); } catch { return undefined; } },
    exists: p => p in overlays || existsSync(p),
    findings, nameOverride,
  };
}

async function handle(req: Exclude<Request, { type: 'lint' } | { type: 'cancel' } | { type: 'invalidate' }>, signal: AbortSignal): Promise<unknown> {
  switch (req.type) {
    case 'scan': return scan(req, signal);
    case 'export': return exportReport(req, signal);
    case 'planFix': return planFix(req.finding, await fixContext(req.root, req.overlays, req.findings, req.nameOverride));
    case 'planMigration': return planMigration(req.findings, await fixContext(req.root, req.overlays, req.findings));
    case 'reindex': return reindex(req);
    case 'surface': {
      const t0 = performance.now();
      const config = effective(await rootState(req.root), req.settings);
      const inv = await loadSurface(req.root, { exclude: config.exclude, signal });
      return { entries: entryViews(inv), hasAccessMetadata: inv.hasAccessMetadata, notes: inv.notes, ms: performance.now() - t0 } satisfies SurfaceResult;
    }
    case 'rules': return allRules.map((r): RuleInfo => ({ id: r.meta.id, description: r.meta.description, defaultSeverity: r.meta.defaultSeverity, fixable: !!r.meta.fixable }));
    case 'ruleDoc': {
      const meta = allRules.find(r => r.meta.id === req.ruleId)?.meta;
      return { id: req.ruleId, markdown: ruleDocs[req.ruleId], description: meta?.description } satisfies RuleDoc;
    }
  }
}

port?.on('message', (req: Request) => {
  switch (req.type) {
    case 'lint': {
      takeText(req);
      const old = pendingLints.get(req.path);
      if (old) { post({ type: 'result', id: old.id, ok: false, error: 'superseded', cancelled: true }); }
      pendingLints.set(req.path, req);
      setImmediate(() => void drainLints());
      return;
    }
    case 'cancel': {
      aborts.get(req.id)?.abort();
      for (const [k, p] of pendingLints) {
        if (p.id === req.id) { pendingLints.delete(k); post({ type: 'result', id: p.id, ok: false, error: 'cancelled', cancelled: true }); }
      }
      return;
    }
    case 'invalidate': {
      roots.delete(req.root);
      projectEpoch++;
      return;
    }
    case 'change': applyChange(req); return;
    case 'forget': {
      dropDoc(req.path);                         // frees the document's tree (WASM memory)
      // Closed without saving: the index goes back to what the disk holds.
      if (holdsSymbols(req.path)) {
        for (const root of roots.keys()) {
          if (!root || req.path.startsWith(root + path.sep) || req.path.startsWith(root + '/')) { void reindex({ type: 'reindex', id: 0, root, path: req.path }).catch(() => undefined); }
        }
      }
      return;
    }
    default: {
      const ac = new AbortController();
      aborts.set(req.id, ac);
      handle(req, ac.signal).then(
        value => post({ type: 'result', id: req.id, ok: true, value }),
        (e: Error) => post({ type: 'result', id: req.id, ok: false, error: e.message, cancelled: ac.signal.aborted }),
      ).finally(() => aborts.delete(req.id));
    }
  }
});
