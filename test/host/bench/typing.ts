// The typing benchmark's in-host suite: loaded by the VS Code extension host as `extensionTestsPath`,
// only by bench/host-typing.mjs (never by `npm test`; test/host/suite/index.ts does not load it).
// It opens a 1 MB class, types a line key by key (~25 characters per second), pauses, deletes it key by
// key, and measures the extension host thread meanwhile: event-loop delay (perf_hooks), a 5 ms lag probe
// (each gap, when it ended) and a CPU profile of this thread (node:inspector), so that every gap of
// 50 ms or more can be attributed: how much of it ran API Guard's code (frames from its dist/ bundle),
// garbage collection, or VS Code. It runs the same way whether API Guard is active (config A) or the
// extension under development is a copy of its manifest without code (config B, see the bench).
// Environment: APIGUARD_BENCH_CONFIG (A | B), APIGUARD_BENCH_OUT (JSON file written at the end),
// APIGUARD_BENCH_REAL (a real 1 MB class, optional), APIGUARD_BENCH_PROFILE=0 (no CPU profile).
import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { wsdl2apexClass } from '../suite/wsdl2apex';

const EXTENSION_ID = 'apiguard.apiguard';
const TYPED = "String apiKey = 'sk_live_51HxYzAbCdEfGhIjKlMnOpQr';\n            ";   // as test/host/suite/incremental.test.ts
const KEY_MS = 40;          // between keystrokes: about 25 characters per second
const PAUSE_MS = 1000;      // after the line is typed: the debounced lint runs and its result is shown
const TAIL_MS = 1500;       // after the last key
const SETTLE_MS = 2000;     // after opening (and, with API Guard, the first lint) before measuring
const BLOCK_MS = 50;

interface GuardApi {
  lintedVersion(uri: vscode.Uri): number | undefined;
  maxMainThreadMs(reset?: boolean): number;
  maxMainThreadCpuMs?(reset?: boolean): number;
  lastLintMs(): number;
  lastLintIncremental(): { mode: string; why?: string; relinted?: number; units?: number } | undefined;
}

interface Scenario { name: string; file: string; text: () => string; at: (text: string) => number }

/** Where to type: the start of the middle occurrence of `re` (its first group when it has one). */
function middleOf(re: RegExp): (text: string) => number {
  return text => {
    const all = [...text.matchAll(re)];
    if (!all.length) { throw new Error(`no ${String(re)} in the class`); }
    const m = all[Math.floor(all.length / 2)];
    return m.index + (m[1] !== undefined ? m[0].indexOf(m[1]) : 0);
  };
}

function scenarios(): Scenario[] {
  const list: Scenario[] = [{
    // The class and the position of test/host/suite/incremental.test.ts: the middle helper's method body.
    name: 'generated WSDL2Apex 1 MB, method body', file: 'PartnerMetadataService.cls',
    text: () => wsdl2apexClass(1024 * 1024), at: middleOf(/return label\.trim\(\);/g),
  }];
  const real = process.env.APIGUARD_BENCH_REAL;
  if (real && fs.existsSync(real)) {
    const text = () => fs.readFileSync(real, 'utf8');
    list.push(
      { name: `${path.basename(real)}, port method body`, file: path.basename(real), text, at: middleOf(/return response_x\.result;/g) },
      // A field of an inner data class in the middle of the file (the worker lints this whole class again).
      { name: `${path.basename(real)}, inner class field`, file: path.basename(real), text, at: t => { const h = Math.floor(t.length / 2); return h + middleOf(/^\s+(public String \w+;)/gm)(t.slice(h, h + 20000)); } },
    );
  }
  return list;
}

/** CPU time of this thread (ms), where Node has `process.threadCpuUsage` (23.9+; the host runs 24). */
function threadCpu(): number | undefined {
  const f = (process as unknown as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
  if (!f) { return undefined; }
  const u = f.call(process);
  return (u.user + u.system) / 1000;
}

const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms));
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }>;
  startTime: number; endTime: number; samples: number[]; timeDeltas: number[];
}

/** A CPU profile of this thread (the extension host's), through the inspector protocol. */
class Profiler {
  private readonly session = new Session();
  private post<T>(method: string, params?: object): Promise<T> {
    return new Promise((resolve, reject) => {
      (this.session.post as (m: string, p: object | undefined, cb: (e: Error | null, r: unknown) => void) => void)(
        method, params, (e, r) => { if (e) { reject(e); } else { resolve(r as T); } });
    });
  }
  async start(): Promise<void> {
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: 500 });   // µs
    await this.post('Profiler.start');
  }
  async stop(): Promise<CpuProfile> {
    const { profile } = await this.post<{ profile: CpuProfile }>('Profiler.stop');
    await this.post('Profiler.disable');
    this.session.disconnect();
    return profile;
  }
}

interface Block { atMs: number; ms: number; ranMs: number; heldByCode: boolean; apiGuardMs: number; gcMs: number; top: string[]; stack: string[] }

function frameName(n: CpuProfile['nodes'][number]): string {
  const f = n.callFrame;
  return `${f.functionName || '(anonymous)'}${f.url ? ` ${path.basename(f.url)}:${f.lineNumber + 1}` : ''}`;
}

/** For each gap: what the profile sampled during it (API Guard = a frame of our bundle anywhere on the stack). */
function attribute(profile: CpuProfile, gaps: Array<{ endUs: number; ms: number }>, t0Us: number, ourPrefix: string | undefined) {
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) { for (const c of n.children ?? []) { parent.set(c, n.id); } }
  const oursMemo = new Map<number, boolean>();
  const ours = (id: number): boolean => {
    if (!ourPrefix) { return false; }
    let v = oursMemo.get(id);
    if (v === undefined) {
      const n = byId.get(id)!;
      const p = parent.get(id);
      v = n.callFrame.url.includes(ourPrefix) || (p !== undefined && ours(p));
      oursMemo.set(id, v);
    }
    return v;
  };
  // Sample i covers (time[i-1], time[i]]: V8 stamps a sample when it is taken.
  const times: number[] = [];
  let t = profile.startTime;
  for (const d of profile.timeDeltas) { t += d; times.push(t); }
  // Where our code spent the time, per phase: the innermost frame of our bundle on each sample's stack
  // (bench/host-typing.mjs maps its position through the bundle's source map).
  const innermost = (id: number): CpuProfile['nodes'][number] | undefined => {
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const node = byId.get(n)!;
      if (ourPrefix && node.callFrame.url.includes(ourPrefix)) { return node; }
    }
    return undefined;
  };
  const frames = { open: new Map<string, number>(), typing: new Map<string, number>() };
  const selfTyping = new Map<string, number>();      // everything the thread ran while typing, by leaf frame
  // Longest run of consecutive samples with our code on the stack (an upper bound of one synchronous slice), per phase.
  const longest = { open: 0, typing: 0 };
  let run = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const d = (times[i] - (i ? times[i - 1] : profile.startTime)) / 1000;
    const phase = times[i] > t0Us ? 'typing' : 'open';
    if (phase === 'typing') { const k = frameName(byId.get(profile.samples[i])!); selfTyping.set(k, (selfTyping.get(k) ?? 0) + d); }
    if (ours(profile.samples[i])) {
      run += d;
      if (run > longest[phase]) { longest[phase] = run; }
      const f = innermost(profile.samples[i])!.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url}:${f.lineNumber}:${f.columnNumber}`;
      frames[phase].set(key, (frames[phase].get(key) ?? 0) + d);
    } else { run = 0; }
  }
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([frame, ms]) => ({ frame, ms: round(ms) }));
  const blocks: Block[] = [];
  for (const g of gaps) {
    if (g.ms < BLOCK_MS) { continue; }
    const from = g.endUs - (g.ms + 5) * 1000;
    let sampledMs = 0, apiGuardMs = 0, gcMs = 0, idleMs = 0;
    const self = new Map<string, number>();
    const heaviest = new Map<string, { d: number; id: number }>();
    for (let i = 0; i < profile.samples.length; i++) {
      if (times[i] <= from || times[i] > g.endUs) { continue; }
      const d = (times[i] - (i ? times[i - 1] : profile.startTime)) / 1000;
      const n = byId.get(profile.samples[i])!;
      sampledMs += d;
      if (ours(n.id)) { apiGuardMs += d; }
      if (n.callFrame.functionName === '(garbage collector)') { gcMs += d; }
      if (n.callFrame.functionName === '(idle)') { idleMs += d; }
      const name = frameName(n);
      self.set(name, (self.get(name) ?? 0) + d);
      if (d > (heaviest.get(name)?.d ?? 0)) { heaviest.set(name, { d, id: n.id }); }
    }
    const ranked = [...self].sort((a, b) => b[1] - a[1]);
    const top = ranked.slice(0, 3).map(([k, v]) => `${k} ${v.toFixed(0)} ms`);
    // Who called the heaviest leaf: its stack, innermost first (12 frames).
    const stack: string[] = [];
    for (let id = ranked.length ? heaviest.get(ranked[0][0])?.id : undefined; id !== undefined && stack.length < 12; id = parent.get(id)) {
      const n = byId.get(id)!;
      if (n.callFrame.functionName !== '(root)') { stack.push(`${frameName(n)}${ours(id) ? ':' + String(n.callFrame.columnNumber) : ''}`); }
    }
    // Ran: sampled and not idle. A gap in which the thread mostly did not run (no samples: the process was not
    // scheduled; or idle: its timer was due but the thread did not get a core) is CPU contention, not work on it.
    const ranMs = sampledMs - idleMs;
    blocks.push({ atMs: Math.round((from - t0Us) / 1000), ms: round(g.ms), ranMs: round(ranMs), heldByCode: ranMs >= g.ms / 2, apiGuardMs: round(apiGuardMs), gcMs: round(gcMs), top, stack });
  }
  return { blocks, longestApiGuardStretchMs: { open: round(longest.open), typing: round(longest.typing) }, apiGuardFrames: { open: top(frames.open), typing: top(frames.typing) }, threadTop: top(selfTyping) };
}

const round = (x: number) => Math.round(x * 10) / 10;

async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
}

async function until(what: string, fn: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) { throw new Error(`timed out waiting for ${what}`); }
    await sleep(20);
  }
}

async function measure(s: Scenario, guard: GuardApi | undefined, ourPrefix: string | undefined) {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) { throw new Error('no workspace folder'); }
  const uri = vscode.Uri.joinPath(folder.uri, 'force-app', 'main', 'default', 'classes', s.file);
  const text = s.text();
  if (!fs.existsSync(uri.fsPath)) { fs.writeFileSync(uri.fsPath, text); }
  const profiler = process.env.APIGUARD_BENCH_PROFILE === '0' ? undefined : new Profiler();
  const beforeProfileUs = nowUs();
  await profiler?.start();
  // The lag probe runs from the open on; gaps that end before the first key belong to the open phase.
  const gaps: Array<{ endUs: number; ms: number }> = [];
  const openUs = nowUs();
  let last = openUs;
  const probe = setInterval(() => { const n = nowUs(); gaps.push({ endUs: n, ms: (n - last) / 1000 - 5 }); last = n; }, 5);
  const openDelay = monitorEventLoopDelay({ resolution: 2 });
  const delay = monitorEventLoopDelay({ resolution: 2 });
  let keys = 0, lintedAfterLastKeyMs: number | undefined, t0Us = 0, windowEndUs = 0, apiGuardMaxSyncOpenMs: number | undefined;
  let updates = 0, shownOnLine = false, ourDiagnostics = 0, load: number[] = [];
  let editor: vscode.TextEditor | undefined;
  let memory: { rssMB: number; hostHeapMB: number } | undefined;
  let cpu0: { process: NodeJS.CpuUsage; thread: number | undefined } | undefined, cpu: { processMs: number; hostThreadMs: number | undefined } | undefined;
  try {
    openDelay.enable();
    editor = await open(uri);
    const doc = editor.document;
    if (guard) { await until(`the first lint of ${s.file}`, () => guard.lintedVersion(uri) === doc.version, 120000); }
    await sleep(SETTLE_MS);
    openDelay.disable();
    const at = doc.positionAt(s.at(doc.getText()));
    load = loadavg();
    const listener = vscode.languages.onDidChangeDiagnostics(e => {
      if (!e.uris.some(u => u.toString() === uri.toString())) { return; }
      const ds = vscode.languages.getDiagnostics(uri).filter(d => d.source === 'API Guard');
      updates++;
      ourDiagnostics = ds.length;
      if (ds.some(d => d.range.start.line === at.line)) { shownOnLine = true; }
    });
    apiGuardMaxSyncOpenMs = guard?.maxMainThreadMs(true);
    guard?.maxMainThreadCpuMs?.(true);
    cpu0 = { process: process.cpuUsage(), thread: threadCpu() };
    memory = { rssMB: round(process.memoryUsage().rss / 1048576), hostHeapMB: round(process.memoryUsage().heapUsed / 1048576) };
    t0Us = nowUs();
    delay.enable();
    const ed = editor;
    const edit = (f: (b: vscode.TextEditorEdit) => void) => ed.edit(f, { undoStopBefore: false, undoStopAfter: false });
    try {
      const spans: vscode.Range[] = [];
      let pos = at;
      for (const ch of TYPED) {
        await edit(b => b.insert(pos, ch));
        const next = ch === '\n' ? new vscode.Position(pos.line + 1, 0) : pos.translate(0, 1);
        spans.push(new vscode.Range(pos, next));
        pos = next;
        keys++;
        await sleep(KEY_MS);
      }
      await sleep(PAUSE_MS);
      for (const r of spans.reverse()) {                 // backspace, key by key
        await edit(b => b.delete(r));
        keys++;
        await sleep(KEY_MS);
      }
      const lastKey = performance.now();
      while (performance.now() - lastKey < TAIL_MS) {
        if (guard && lintedAfterLastKeyMs === undefined && guard.lintedVersion(uri) === doc.version) { lintedAfterLastKeyMs = round(performance.now() - lastKey); }
        await sleep(10);
      }
    } finally {
      listener.dispose();
    }
  } finally {
    delay.disable();
    openDelay.disable();
    clearInterval(probe);
    windowEndUs = nowUs();
    if (cpu0) { const p = process.cpuUsage(cpu0.process), t = threadCpu(); cpu = { processMs: (p.user + p.system) / 1000, hostThreadMs: t === undefined || cpu0.thread === undefined ? undefined : t - cpu0.thread }; }
  }
  const doc = editor.document;
  const windowMs = (windowEndUs - t0Us) / 1000;
  const profile = await profiler?.stop();
  const afterProfileUs = nowUs();
  const apiGuardMaxSyncMs = guard ? round(guard.maxMainThreadMs()) : undefined;
  const apiGuardMaxSyncCpuMs = guard?.maxMainThreadCpuMs ? round(guard.maxMainThreadCpuMs()) : undefined;
  const typing = gaps.filter(g => g.endUs > t0Us);
  const sorted = typing.map(g => g.ms).sort((a, b) => a - b);
  const attributed = profile ? attribute(profile, gaps, t0Us, ourPrefix) : undefined;
  const allBlocks = attributed?.blocks ?? gaps.filter(g => g.ms >= BLOCK_MS).map(g => ({ atMs: Math.round((g.endUs - t0Us) / 1000 - g.ms), ms: round(g.ms) }));
  const blocks = allBlocks.filter(b => b.atMs + b.ms > 0);
  const openBlocks = allBlocks.filter(b => b.atMs + b.ms <= 0);
  if (guard && lintedAfterLastKeyMs === undefined) {        // not within the tail: wait for it (outside the window)
    await until(`the lint of ${s.file} v${doc.version}`, () => guard.lintedVersion(uri) === doc.version, 60000);
  }
  const result = {
    scenario: s.name, bytes: Buffer.byteLength(doc.getText()), lines: doc.lineCount, keys, windowMs: round(windowMs),
    loadAverage: load.map(round), cores: cpus().length, memoryAtFirstKey: memory,
    // CPU time in the window: the whole extension host process, its main thread, and the rest (API Guard's
    // worker in A; V8's and libuv's helper threads in both): what competes with the host thread for the cores.
    cpuMs: cpu ? { process: round(cpu.processMs), hostThread: cpu.hostThreadMs === undefined ? null : round(cpu.hostThreadMs), otherThreads: cpu.hostThreadMs === undefined ? null : round(cpu.processMs - cpu.hostThreadMs) } : null,
    eventLoopDelay: { maxMs: round(delay.max / 1e6), p99Ms: round(delay.percentile(99) / 1e6), meanMs: round(delay.mean / 1e6) },
    probe: { samples: gaps.length, worstMs: round(sorted[sorted.length - 1] ?? 0), p99Ms: round(sorted[Math.floor(sorted.length * 0.99)] ?? 0), gapsOver50: blocks.length },
    blocks,
    open: { eventLoopDelayMaxMs: round(openDelay.max / 1e6), blocks: openBlocks, ...(guard ? { apiGuardMaxSyncMs: round(apiGuardMaxSyncOpenMs ?? 0) } : {}) },
    ...(attributed && profile ? {
      longestApiGuardStretchMs: attributed.longestApiGuardStretchMs,
      ...(ourPrefix ? { apiGuardFrames: attributed.apiGuardFrames } : {}),
      threadTop: attributed.threadTop,
      // The profile's clock against the probe's (both monotonic): start after "before", end before "after".
      profileClock: { startAfterMs: round((profile.startTime - beforeProfileUs) / 1000), endBeforeMs: round((afterProfileUs - profile.endTime) / 1000) },
    } : {}),
    ...(guard ? {
      apiGuardMaxSyncMs, apiGuardMaxSyncCpuMs,
      lint: { diagnosticUpdates: updates, findingShownOnTypedLine: shownOnLine, lintedAfterLastKeyMs: lintedAfterLastKeyMs ?? null, lastLintMsInWorker: round(guard.lastLintMs()), incremental: guard.lastLintIncremental(), findings: ourDiagnostics },
    } : { apiGuardDiagnosticUpdates: updates }),
  };
  await vscode.commands.executeCommand('workbench.action.files.revert');
  return result;
}

export async function run(): Promise<void> {
  const config = process.env.APIGUARD_BENCH_CONFIG === 'B' ? 'B' : 'A';
  const ext = vscode.extensions.getExtension<GuardApi>(EXTENSION_ID);
  const manifest = ext?.packageJSON as { main?: string } | undefined;
  let guard: GuardApi | undefined;
  let ourPrefix: string | undefined;
  if (config === 'A') {
    if (!ext || !manifest?.main) { throw new Error('config A: API Guard (with its code) is not the extension under development'); }
    guard = ext.isActive ? ext.exports : await ext.activate();
    ourPrefix = path.join(ext.extensionPath, 'dist') + path.sep;
  } else if (manifest?.main) {
    throw new Error('config B: the extension under development has code (`main`): API Guard would run');
  }
  await sleep(3000);        // the host's own start-up (built-in extensions activating) is over before the first open
  const results = [];
  for (const s of scenarios()) {
    const r = await measure(s, guard, ourPrefix);
    console.log(`host-typing ${config}: ${JSON.stringify(r)}`);
    results.push(r);
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const out = process.env.APIGUARD_BENCH_OUT;
  if (out) { fs.writeFileSync(out, JSON.stringify({ config, extensionActive: ext?.isActive ?? false, results }, null, 1)); }
  if (process.env.APIGUARD_HOST_RESULTS) { fs.writeFileSync(process.env.APIGUARD_HOST_RESULTS, JSON.stringify({ passed: 1, failed: 0 })); }
  console.log('host-tests: 1 passed, 0 failed');
}
