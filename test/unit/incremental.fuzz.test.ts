/**
 * Property test of the editor's incremental lint (src/core/incremental.ts): random edits (characters,
 * lines, whole members; inserted, deleted, duplicated, secrets typed in) applied to real Apex files, and
 * after every edit the incremental report must equal a fresh full `engine.lint` of the same text (also
 * when the edit leaves a syntax error in a member, which is then linted alone).
 * Files: the example project and the host-test workspace, plus real classes of the shared corpus
 * (/work/corpus, or APIGUARD_CORPUS) when it is there. Seeded (INCR_SEED=<n> replays a failure).
 */
import * as assert from 'assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Engine, LintOptions } from '../../src/core/engine';
import type { Finding } from '../../src/core/types';
import { IncrementalApexDoc, type TextChange } from '../../src/core/incremental';
import { createEngine } from '../../src/node/createEngine';

const SEED = Number(process.env.INCR_SEED ?? 20261203);
const EDITS_PER_FILE = Number(process.env.INCR_EDITS ?? 40);
const FILE_MS = Number(process.env.INCR_FILE_MS ?? 15000);
const ROOT = path.resolve(__dirname, '..', '..', '..');
const CORPUS = process.env.APIGUARD_CORPUS ?? '/work/corpus';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

function walk(dir: string, out: string[]): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) { if (e.name !== 'node_modules' && !e.name.startsWith('.')) { walk(p, out); } }
    else if (e.name.endsWith('.cls')) { out.push(p); }
  }
  return out;
}

/** Fixture classes, and up to 14 corpus classes (2-25 KB) that call out or name credentials: where findings are. */
function files(): string[] {
  const own = [...walk(path.join(ROOT, 'examples'), []), ...walk(path.join(ROOT, 'test', 'host', 'workspace'), [])].sort();
  if (!existsSync(CORPUS)) { return own; }
  const candidates = walk(CORPUS, []).sort().filter(f => {
    const size = statSync(f).size;
    if (size < 2000 || size > 25000) { return false; }
    return /setEndpoint|setHeader|password|secret|apikey|token/i.test(readFileSync(f, 'utf8'));
  });
  const step = Math.max(1, Math.floor(candidates.length / 14));
  return [...own, ...candidates.filter((_, i) => i % step === 0).slice(0, 14)];
}

const SNIPPETS = [
  "String apiKey = 'sk_live_51HxYzAbCdEfGhIjKlMnOpQr';",
  "req.setHeader('Authorization', 'Bearer ' + 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.abc123def456');",
  "req.setEndpoint('http://api.example.com/v1/orders');",
  "System.debug('password=' + password);",
  "private static final String TOKEN = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';",
  'return endpoint;',
  "String u = 'https://user:hunter2@example.com/x';",
  '// apiguard-disable-next-line hardcoded-secret -- test value',
];
/** Mostly what typing an identifier or a value gives; punctuation (which breaks the parse for a while) less often. */
const ALPHABET = "abcdefxyzABC_0123456789 abcdexyz_ ;.,(){}'=+\n";

/** Offsets of `{ … }` members at depth 1 (methods and inner types of the top-level class), by brace counting. */
function members(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let depth = 0, lineStart = 0, start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') { lineStart = i + 1; }
    else if (c === '{') { if (depth === 1) { start = lineStart; } depth++; }
    else if (c === '}') { depth--; if (depth === 1 && start >= 0) { out.push([start, i + 1]); start = -1; } }
  }
  return out;
}

function position(text: string, offset: number): { line: number; character: number } {
  let line = 0, ls = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) { line++; ls = i + 1; }
  return { line, character: offset - ls };
}

function offsetOf(text: string, p: { line: number; character: number }): number {
  let at = 0;
  for (let l = 0; l < p.line; l++) { at = text.indexOf('\n', at) + 1; }
  return at + p.character;
}

function change(text: string, s: number, e: number, insert: string): { change: TextChange; text: string } {
  return { change: { range: { start: position(text, s), end: position(text, e) }, text: insert }, text: text.slice(0, s) + insert + text.slice(e) };
}

/**
 * Typing or deleting inside the string literal of a class-level field (outside the members: a top-level
 * `ENDPOINT = '…'` or `SOAP_M_URI = '…'`); undefined when the class has none.
 */
function fieldLiteralEdit(text: string, ms: Array<[number, number]>, rnd: () => number): { change: TextChange; text: string } | undefined {
  const literals = [...text.matchAll(/=\s*'([^'\n\\]*)'/g)]
    .map(m => ({ at: m.index + m[0].indexOf("'") + 1, length: m[1].length }))
    .filter(l => !ms.some(([a, b]) => l.at >= a && l.at < b));
  if (!literals.length) { return undefined; }
  const l = literals[Math.floor(rnd() * literals.length)];
  const at = l.at + Math.floor(rnd() * (l.length + 1));
  if (rnd() < 0.6 || at === l.at + l.length) {
    const chars = 'abcxyz0123456789:/._-@?=& ';
    let s = '';
    for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) { s += chars[Math.floor(rnd() * chars.length)]; }
    return change(text, at, at, s);
  }
  return change(text, at, Math.min(l.at + l.length, at + 1 + Math.floor(rnd() * 2)), '');
}

/** One random edit, as VS Code would report it. */
function randomEdit(text: string, rnd: () => number): { change: TextChange; text: string } {
  const ms = members(text);
  // A field's value typed in (the one edit a member-wise lint cannot take: a full lint with the kept tree).
  const field = rnd() < 0.1 ? fieldLiteralEdit(text, ms, rnd) : undefined;
  if (field) { return field; }
  // Most typing happens inside methods: 70% of the places are inside a member, the rest anywhere.
  const inside = ms.length && rnd() < 0.7 ? ms[Math.floor(rnd() * ms.length)] : undefined;
  const at = inside ? inside[0] + Math.floor(rnd() * (inside[1] - inside[0])) : Math.floor(rnd() * (text.length + 1));
  const kind = rnd();
  if (kind < 0.3) {                                                 // type a few characters
    let s = '';
    for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) { s += ALPHABET[Math.floor(rnd() * ALPHABET.length)]; }
    return change(text, at, at, s);
  }
  if (kind < 0.5) { return change(text, at, Math.min(text.length, at + 1 + Math.floor(rnd() * 6)), ''); }  // delete characters
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const nl = text.indexOf('\n', at);
  const lineEnd = nl < 0 ? text.length : nl + 1;
  if (kind < 0.6) { return change(text, lineStart, lineEnd, ''); }   // delete a line
  if (kind < 0.75) {                                                // a realistic line (secrets, callouts) typed in
    return change(text, lineStart, lineStart, '        ' + SNIPPETS[Math.floor(rnd() * SNIPPETS.length)] + '\n');
  }
  if (kind < 0.85) {                                                // a line copied from elsewhere
    const from = Math.floor(rnd() * text.length);
    const a = text.lastIndexOf('\n', from - 1) + 1;
    const b = text.indexOf('\n', from);
    return change(text, lineStart, lineStart, text.slice(a, b < 0 ? text.length : b + 1));
  }
  if (!ms.length) { return change(text, at, at, ' '); }
  const [a, b] = ms[Math.floor(rnd() * ms.length)];
  if (kind < 0.93) { return change(text, a, b, ''); }               // delete a whole member
  const [c] = ms[Math.floor(rnd() * ms.length)];
  return change(text, c, c, text.slice(a, b) + '\n');                // duplicate a member before another
}

describe('incremental lint equals a full lint after every random edit (property)', function () {
  this.timeout(600000);
  let engine: Engine;
  before(async () => { engine = await createEngine(); });

  const modes: Record<string, number> = {};
  /** Edits that left a syntax error in a member and were linted member-wise (the broken member alone). */
  let brokenByMembers = 0;
  /** Of those, the ones where the parse stretched the broken member and it was linted within its old bounds. */
  let confinedLints = 0;
  const whys: Record<string, number> = {};
  after(() => { if (process.env.INCR_WHY) { console.log(whys, { brokenByMembers, confinedLints }); } });
  const list = files();
  for (const [fi, file] of list.entries()) {
    it(`${path.relative(ROOT, file).startsWith('..') ? path.relative(CORPUS, file) : path.relative(ROOT, file)}`, () => {
      const rnd = prng(SEED + fi);
      let text = readFileSync(file, 'utf8');
      // A third with the member-level pre-check at any size (as a class of 100 KB or more gets it), whose facts the
      // document keeps between lints (LintOptions.memberMemo).
      const options: LintOptions = fi % 3 === 2 ? { includeTests: true } : fi % 3 === 1 ? { memberPrecheck: true } : {};
      // Small files: re-lint members up to 90% of the text here (the editor's 30% only decides when a full lint is cheaper).
      const doc = new IncrementalApexDoc(file, text, { maxSliceShare: 0.9 });
      try {
        let last = { text, report: doc.lint(engine, options, 'k').report };
        const check = (step: string) => {
          assert.strictEqual(doc.current, text, 'the document copy follows the edits');
          const r = doc.lint(engine, options, 'k');
          modes[r.mode] = (modes[r.mode] ?? 0) + 1;
          if (process.env.INCR_WHY) { whys[r.why ?? r.mode] = (whys[r.why ?? r.mode] ?? 0) + 1; }
          const full = engine.lint(file, text, options);
          const broken = full.notes.some(n => n.code === 'parse-error');
          const where = `seed ${SEED + fi}, step ${step}, mode ${r.mode}${r.why ? ` (${r.why})` : ''}`;
          if (r.confined) {
            // Broken text, the edits inside one member: that member is linted alone (a fresh parse of the whole
            // text may recover differently and lose findings past the break) and every other finding stays as it was,
            // moved by the lines the edits added: the diagnostics do not flicker while a statement is half typed.
            assert.ok(broken && r.report.notes.some(n => n.code === 'parse-error'), `${where}: a parse-error note`);
            const c = r.confined;
            const lineDelta = text.split('\n').length - last.text.split('\n').length;
            const moved = (f: Finding) => ({ ...f, range: { start: { ...f.range.start, line: f.range.start.line + lineDelta }, end: { ...f.range.end, line: f.range.end.line + lineDelta } } });
            const before = last.report.findings.filter(f => f.range.end.line < c.start.line).concat(
              last.report.findings.filter(f => f.range.start.line > c.end.line - lineDelta).map(moved));
            const now = r.report.findings.filter(f => f.range.end.line < c.start.line || f.range.start.line > c.end.line);
            assert.deepStrictEqual(now.map(f => JSON.stringify(f.range) + f.ruleId + f.message), before.map(f => JSON.stringify(f.range) + f.ruleId + f.message), `${where}: findings outside the broken member moved or changed`);
            confinedLints++;
          } else {
            assert.deepStrictEqual(r.report, full, `${where}: incremental != full`);
          }
          if (broken && r.mode === 'members') { brokenByMembers++; }
          last = { text, report: r.report };
          return broken;
        };
        // Each file gets FILE_MS of edits (fewer on a loaded machine), so the suite's time stays bounded.
        const until = Date.now() + FILE_MS;
        for (let step = 0; step < EDITS_PER_FILE && Date.now() < until; step++) {
          // Sometimes two changes in one event (ranges on the text before each), as multi-cursor edits give.
          const batch: TextChange[] = [];
          const undo: TextChange[] = [];
          for (let n = rnd() < 0.15 ? 2 : 1; n > 0; n--) {
            const before = text;
            const e = randomEdit(text, rnd);
            batch.push(e.change);
            text = e.text;
            // Its inverse: the inserted text replaced by what the range held.
            const s = offsetOf(before, e.change.range.start), end = offsetOf(before, e.change.range.end);
            undo.unshift({ range: { start: e.change.range.start, end: position(text, s + e.change.text.length) }, text: before.slice(s, end) });
          }
          doc.applyChanges(batch);
          const broken = check(`${step}`);
          // Undone (typed then deleted again, or ctrl+z); an edit that broke the parse mostly is, as typing
          // mends it: else the file stays broken and every later lint is a full one.
          if (rnd() < (broken ? 0.9 : 0.5)) {
            doc.applyChanges(undo);
            for (const u of undo) { const s = offsetOf(text, u.range.start), e = offsetOf(text, u.range.end); text = text.slice(0, s) + u.text + text.slice(e); }
            check(`${step} (undo)`);
          }
        }
      } finally {
        doc.dispose();
      }
    });
  }

  it('took the member path for a good share of the edits (else this test proves little)', () => {
    const total = Object.values(modes).reduce((a, b) => a + b, 0);
    assert.ok(total > 0);
    assert.ok((modes.members ?? 0) >= total * 0.1, `modes: ${JSON.stringify(modes)}`);
    assert.ok(brokenByMembers >= 5, `member-wise lints of text with a syntax error: ${brokenByMembers}`);
  });
});
