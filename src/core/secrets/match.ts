import type { SecretMatch, SecretPattern } from './types';
import { SECRET_PATTERNS, isDocumentedSample } from './patterns';
import { shannonEntropy } from './entropy';
import { looksLikeSample } from './placeholder';

interface Compiled { re: RegExp }
const compiledCache = new WeakMap<SecretPattern, Compiled>();

function compile(p: SecretPattern): Compiled {
  let c = compiledCache.get(p);
  if (!c) {
    const flags = p.regex.flags.replace(/[gyd]/g, '') + 'gd';
    c = { re: new RegExp(p.regex.source, flags) };
    compiledCache.set(p, c);
  }
  return c;
}


const keywordReCache = new Map<string, RegExp>();

function keywordRe(kws: readonly string[]): RegExp {
  const key = kws.join('\u0000');
  let re = keywordReCache.get(key);
  if (!re) {
    if (keywordReCache.size > 256) { keywordReCache.clear(); }
    re = new RegExp(kws.map(k => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'gi');
    keywordReCache.set(key, re);
  }
  return re;
}

/** The keyword lists of a pattern set, computed once per set (matchSecrets runs once per literal: thousands per large file). */
const keywordSets = new WeakMap<readonly SecretPattern[], { windowed: Set<string>; all: string[]; allRe: RegExp }>();
function keywordSetsOf(patterns: readonly SecretPattern[]): { windowed: Set<string>; all: string[]; allRe: RegExp } {
  let k = keywordSets.get(patterns);
  if (!k) {
    const all = [...new Set(patterns.flatMap(p => p.keywords))].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
    k = { windowed: new Set(patterns.filter(p => p.window !== undefined).flatMap(p => p.keywords)), all, allRe: keywordRe(all) };
    keywordSets.set(patterns, k);
  }
  return k;
}

/**
 * Where each keyword occurs (case-insensitive), in one pass over the text: cheaper than lower-casing
 * a large file and searching it once per keyword. A keyword that only gates a pattern is dropped from
 * the search once seen; keywords that anchor windows keep all their positions.
 */
function keywordHits(text: string, patterns: readonly SecretPattern[]): Map<string, number[]> {
  const { windowed, all, allRe } = keywordSetsOf(patterns);
  let remaining = all;
  const out = new Map<string, number[]>();
  let re = allRe;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const k = m[0].toLowerCase();
    let at = out.get(k);
    if (!at) { out.set(k, at = []); }
    at.push(m.index);
    // Keywords that anchor windows keep every position (a cap here silently hid every secret after it).
    if (!windowed.has(k)) {
      remaining = remaining.filter(x => x !== k);
      if (remaining.length === 0) { break; }
      const from = re.lastIndex;
      re = keywordRe(remaining);
      re.lastIndex = from;
    }
  }
  return out;
}

/**
 * Every known secret format in `text`, as offsets of the secret itself, sorted by position.
 * Overlapping candidates are resolved in favour of the more specific pattern (earlier in
 * `SECRET_PATTERNS`), so `Bearer <Salesforce token>` is one Salesforce token, not two findings.
 * Linear in the text size: keyword pre-filter, bounded regexes, windows for context patterns.
 */
export function matchSecrets(text: string, patterns: readonly SecretPattern[] = SECRET_PATTERNS): SecretMatch[] {
  if (text.length < 8) { return []; }
  // Several rules scan the same file one after the other: remember the last large text.
  if (last && last.text === text && last.patterns === patterns) { return last.result.map(m => ({ ...m })); }
  const result = matchUncached(text, patterns);
  if (text.length >= 4096) { last = { text, patterns, result: result.map(m => ({ ...m })) }; }
  return result;
}

let last: { text: string; patterns: readonly SecretPattern[]; result: SecretMatch[] } | undefined;

function matchUncached(text: string, patterns: readonly SecretPattern[]): SecretMatch[] {
  const hits = keywordHits(text, patterns);
  if (hits.size === 0) { return []; }
  const candidates: Array<SecretMatch & { rank: number }> = [];
  patterns.forEach((p, rank) => {
    if (!p.keywords.some(k => hits.has(k))) { return; }
    const found = p.window === undefined ? scan(p, text, 0, text.length) : scanWindows(p, text, hits);
    for (const m of found) { candidates.push({ ...m, rank }); }
  });
  if (candidates.length === 0) { return []; }
  candidates.sort((a, b) => a.rank - b.rank || a.start - b.start);
  // Accepted matches never overlap, so kept sorted by start their ends are sorted too: one binary search
  // per candidate instead of a scan of every accepted match (a file of 100,000 tokens stays linear-ish).
  let accepted: SecretMatch[] = [];
  for (let i = 0; i < candidates.length;) {
    const rank = candidates[i].rank;
    const add: SecretMatch[] = [];
    for (; i < candidates.length && candidates[i].rank === rank; i++) {
      const c = candidates[i];
      if (add.length && c.start < add[add.length - 1].end) { continue; }
      if (overlapsSorted(accepted, c.start, c.end)) { continue; }
      add.push({ patternId: c.patternId, description: c.description, start: c.start, end: c.end, confidence: c.confidence });
    }
    accepted = mergeByStart(accepted, add);
  }
  return accepted;
}

/** Whether [start, end) overlaps one of `sorted` (non-overlapping, by start). */
function overlapsSorted(sorted: readonly SecretMatch[], start: number, end: number): boolean {
  let lo = 0, hi = sorted.length - 1, at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].start < end) { at = mid; lo = mid + 1; } else { hi = mid - 1; }
  }
  return at >= 0 && sorted[at].end > start;
}

function mergeByStart(a: SecretMatch[], b: SecretMatch[]): SecretMatch[] {
  if (!b.length) { return a; }
  if (!a.length) { return b; }
  const out: SecretMatch[] = [];
  let i = 0, j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i].start <= b[j].start)) { out.push(a[i++]); } else { out.push(b[j++]); }
  }
  return out;
}

/** Runs the pattern over `text.slice(from, to)`; matches touching a cut edge are dropped (they may be partial). */
function scan(p: SecretPattern, text: string, from: number, to: number): SecretMatch[] {
  const re = compile(p).re;
  const part = from === 0 && to === text.length ? text : text.slice(from, to);
  const out: SecretMatch[] = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(part)) !== null) {
    if (m[0].length === 0) { re.lastIndex++; continue; }
    const idx = m.indices?.[p.secretGroup ?? 0];
    if (!idx) { continue; }
    const [s, e] = idx;
    if ((m.index === 0 && from > 0) || (m.index + m[0].length === part.length && to < text.length)) { continue; }
    const secret = part.slice(s, e);
    const start = from + s, end = from + e;
    if (!accept(p, secret, text, start, end)) { continue; }
    // No cap: a secret format is always reported, however many there are (the scan stays linear).
    out.push({ patternId: p.id, description: p.description, start, end, confidence: p.confidence ?? 'high' });
  }
  return out;
}

function accept(p: SecretPattern, secret: string, text: string, start: number, end: number): boolean {
  if (p.minEntropy !== undefined && shannonEntropy(secret) < p.minEntropy) { return false; }
  if (p.id !== 'private-key' && looksLikeSample(secret)) { return false; }
  if (isDocumentedSample(secret)) { return false; }
  return !p.validate || p.validate(secret, { text, start, end });
}

/** Scans merged windows of `p.window` characters around each keyword occurrence. */
function scanWindows(p: SecretPattern, text: string, keywordAt: Map<string, number[]>): SecretMatch[] {
  const w = p.window ?? 0;
  const hits = p.keywords.flatMap(k => keywordAt.get(k) ?? []);
  hits.sort((a, b) => a - b);
  const out: SecretMatch[] = [];
  const starts = new Set<number>();
  let ws = -1, we = -1;
  const flush = () => {
    if (ws < 0) { return; }
    // Extend by a margin so a token crossing the window edge is seen whole (or dropped as cut).
    for (const m of scan(p, text, Math.max(0, ws - 120), Math.min(text.length, we + 120))) {
      if (!starts.has(m.start)) { starts.add(m.start); out.push(m); }
    }
  };
  for (const h of hits) {
    const s = Math.max(0, h - w), e = Math.min(text.length, h + w);
    if (s <= we) { we = Math.max(we, e); } else { flush(); ws = s; we = e; }
  }
  flush();
  return out;
}
