/**
 * The engine's thread (`dist/worker.js`). The extension host's main thread never parses or lints:
 * it posts the text here and gets plain findings back, so typing never waits on the engine, even on
 * a 1 MB Apex file. Lint requests for the same file supersede each other (only the newest runs);
 * workspace scans yield between files so lint requests and cancellations get through.
 */
import { parentPort } from 'node:worker_threads';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Ignore } from 'ignore';
import { mergeConfig, defaultConfig, type ApiGuardConfig } from '../core/config';
import type { Engine } from '../core/engine';
import { emptyProject, readSfdxProject, type ProjectIndex } from '../core/project';
import type { FileReport } from '../core/types';
import { createEngine } from '../node/createEngine';
import { loadConfig } from '../node/config';
import { discoverFiles, rootIgnore } from '../node/discover';
import type { LintResult, LintSettings, Request, Response, ScanResult } from './protocol';

interface RootState { config: ApiGuardConfig; configError?: string; project: ProjectIndex; ignoreFor: Map<string, Ignore> }

const port = parentPort;
const roots = new Map<string, Promise<RootState>>();
const aborts = new Map<number, AbortController>();
/** Pending lint requests by path: a newer request for the same file replaces the older one. */
const pendingLints = new Map<string, Extract<Request, { type: 'lint' }>>();
let draining = false;

function post(m: Response): void { port?.postMessage(m); }

async function rootState(root: string): Promise<RootState> {
  let s = roots.get(root);
  if (!s) {
    s = (async () => {
      let config = defaultConfig();
      let configError: string | undefined;
      if (root) {
        try { config = await loadConfig(root); } catch (e) { configError = (e as Error).message; }
      }
      const project = emptyProject(root);
      if (root) {
        try { Object.assign(project, readSfdxProject(await fsp.readFile(path.join(root, 'sfdx-project.json'), 'utf8'))); } catch { /* no sfdx project */ }
      }
      return { config, configError, project, ignoreFor: new Map() };
    })();
    roots.set(root, s);
  }
  return s;
}

function effective(state: RootState, settings: LintSettings): ApiGuardConfig {
  return mergeConfig(state.config, { rules: settings.rules, exclude: settings.exclude, includeTests: settings.includeTests });
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

async function lint(engine: Engine, req: Extract<Request, { type: 'lint' }>): Promise<LintResult> {
  const t0 = performance.now();
  const state = await rootState(req.root);
  const cfg = effective(state, req.settings);
  if (await isExcluded(state, req.root, req.path, cfg)) {
    return { report: { path: req.path, findings: [], notes: [] }, excluded: true, configError: state.configError, ms: performance.now() - t0 };
  }
  const report = engine.lint(req.path, req.text, { rules: cfg.rules, includeTests: cfg.includeTests, project: state.project, kind: req.kind });
  return { report, excluded: false, configError: state.configError, ms: performance.now() - t0 };
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

async function scan(req: Extract<Request, { type: 'scan' }>, signal: AbortSignal): Promise<ScanResult> {
  const t0 = performance.now();
  roots.delete(req.root);                        // a scan rereads the configuration
  const state = await rootState(req.root);
  const cfg = effective(state, req.settings);
  const engine = await createEngine();
  const files = await discoverFiles(req.root, { exclude: cfg.exclude }, signal);
  const reports: FileReport[] = [];
  let lastYield = performance.now();
  let lastProgress = 0;
  for (let i = 0; i < files.length && !signal.aborted; i++) {
    const file = files[i];
    let text = req.overlays[file];
    if (text === undefined) {
      try {
        const st = await fsp.stat(file);
        if (st.size > 20 * 1024 * 1024) {
          reports.push({ path: file, findings: [], notes: [{ path: file, code: 'too-large', message: `File is ${(st.size / 1048576).toFixed(0)} MB: not read.` }] });
          continue;
        }
        text = await fsp.readFile(file, 'utf8');
      } catch (e) {
        reports.push({ path: file, findings: [], notes: [{ path: file, code: 'unreadable', message: `Cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }] });
        continue;
      }
    }
    reports.push(engine.lint(file, text, { rules: cfg.rules, includeTests: cfg.includeTests, project: state.project }));
    const now = performance.now();
    if (now - lastProgress > 100 || i === files.length - 1) { post({ type: 'progress', id: req.id, done: i + 1, total: files.length }); lastProgress = now; }
    if (now - lastYield > 20) {                  // lint requests from the editor go first
      await new Promise(r => setImmediate(r));
      if (pendingLints.size) { await drainLints(); }
      lastYield = performance.now();
    }
  }
  return { reports, files: files.length, cancelled: signal.aborted, configError: state.configError, ms: performance.now() - t0 };
}

port?.on('message', (req: Request) => {
  switch (req.type) {
    case 'lint': {
      const old = pendingLints.get(req.path);
      if (old) { post({ type: 'result', id: old.id, ok: false, error: 'superseded', cancelled: true }); }
      pendingLints.set(req.path, req);
      setImmediate(() => void drainLints());
      return;
    }
    case 'scan': {
      const ac = new AbortController();
      aborts.set(req.id, ac);
      scan(req, ac.signal).then(
        value => post({ type: 'result', id: req.id, ok: true, value }),
        (e: Error) => post({ type: 'result', id: req.id, ok: false, error: e.message, cancelled: ac.signal.aborted }),
      ).finally(() => aborts.delete(req.id));
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
      return;
    }
    default:
      post({ type: 'result', id: (req as { id: number }).id, ok: false, error: `unknown request ${(req as { type: string }).type}` });
  }
});
