import { LineIndex, compareRanges } from '../position';
import type { Range } from '../types';
import type { FixEdit, FixPlan } from './types';

/** Applies non-overlapping edits to a text (ranges refer to the original text). Overlaps: later one dropped. */
export function applyEdits(text: string, edits: ReadonlyArray<{ range: Range; newText: string }>): string {
  const lines = new LineIndex(text);
  const abs = edits.map(e => ({ s: lines.offsetAt(e.range.start), e: lines.offsetAt(e.range.end), t: e.newText }))
    .sort((a, b) => a.s - b.s || a.e - b.e);
  let out = '', pos = 0;
  for (const e of abs) {
    if (e.s < pos) { continue; }
    out += text.slice(pos, e.s) + e.t;
    pos = e.e;
  }
  return out + text.slice(pos);
}

/** Groups a plan's edits by file, in document order. */
export function editsByFile(plan: FixPlan): Map<string, FixEdit[]> {
  const m = new Map<string, FixEdit[]>();
  for (const e of plan.edits) {
    let l = m.get(e.path);
    if (!l) { m.set(e.path, l = []); }
    l.push(e);
  }
  for (const l of m.values()) { l.sort((a, b) => compareRanges(a.range, b.range)); }
  return m;
}

/**
 * Applies a plan to an in-memory file map (path → text): edits, creates, deletes. Returns the new map.
 * Used by dry runs and tests; the CLI writes the same result to disk.
 */
export function applyPlanToFiles(files: ReadonlyMap<string, string>, plan: FixPlan): Map<string, string> {
  const out = new Map(files);
  for (const [p, edits] of editsByFile(plan)) {
    const t = out.get(p);
    if (t !== undefined) { out.set(p, applyEdits(t, edits)); }
  }
  for (const c of plan.creates) { out.set(c.path, c.content); }
  for (const d of plan.deletes) { out.delete(d.path); }
  return out;
}

function splitLines(t: string): string[] {
  if (t === '') { return []; }
  const l = t.split(/\r?\n/);
  if (l[l.length - 1] === '') { l.pop(); }
  return l;
}

/**
 * A unified diff (`---`/`+++`/`@@` hunks, 3 lines of context) between two texts; '' when equal.
 * `undefined` on one side means the file does not exist (/dev/null).
 */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined, context = 3): string {
  if (before === after) { return ''; }
  const a = splitLines(before ?? ''), b = splitLines(after ?? '');
  // Trim the common head and tail, then an LCS table over the middle (small for fix edits).
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) { head++; }
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) { tail++; }
  const am = a.slice(head, a.length - tail), bm = b.slice(head, b.length - tail);
  type Op = { k: ' ' | '-' | '+'; t: string; ai: number; bi: number };
  const ops: Op[] = [];
  for (let i = 0; i < head; i++) { ops.push({ k: ' ', t: a[i], ai: i, bi: i }); }
  if (am.length * bm.length <= 4_000_000) {
    const n = am.length, m = bm.length;
    const L: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) { for (let j = m - 1; j >= 0; j--) { L[i][j] = am[i] === bm[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]); } }
    let i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) { ops.push({ k: ' ', t: am[i], ai: head + i, bi: head + j }); i++; j++; }
      else if (i < n && (j >= m || L[i + 1][j] >= L[i][j + 1])) { ops.push({ k: '-', t: am[i], ai: head + i, bi: head + j }); i++; }
      else { ops.push({ k: '+', t: bm[j], ai: head + i, bi: head + j }); j++; }
    }
  } else {
    am.forEach((t, i) => ops.push({ k: '-', t, ai: head + i, bi: head }));
    bm.forEach((t, j) => ops.push({ k: '+', t, ai: head + am.length, bi: head + j }));
  }
  for (let i = 0; i < tail; i++) { ops.push({ k: ' ', t: a[a.length - tail + i], ai: a.length - tail + i, bi: b.length - tail + i }); }
  // Hunks: changed ops with `context` lines around, merged when close.
  const changed = ops.map((o, i) => (o.k === ' ' ? -1 : i)).filter(i => i >= 0);
  let out = `--- ${before === undefined ? '/dev/null' : `a/${path}`}\n+++ ${after === undefined ? '/dev/null' : `b/${path}`}\n`;
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k] - context);
    let end = changed[k];
    while (k + 1 < changed.length && changed[k + 1] - end <= 2 * context) { end = changed[++k]; }
    end = Math.min(ops.length - 1, end + context);
    k++;
    const hunk = ops.slice(start, end + 1);
    const aCount = hunk.filter(o => o.k !== '+').length, bCount = hunk.filter(o => o.k !== '-').length;
    const aStart = aCount ? hunk.find(o => o.k !== '+')!.ai + 1 : hunk[0].ai;
    const bStart = bCount ? hunk.find(o => o.k !== '-')!.bi + 1 : hunk[0].bi;
    out += `@@ -${aStart},${aCount} +${bStart},${bCount} @@\n` + hunk.map(o => `${o.k}${o.t}\n`).join('');
  }
  return out;
}
