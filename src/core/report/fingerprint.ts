import type { LineIndex } from '../position';
import type { Finding } from '../types';

/**
 * Fingerprints that survive unrelated edits (lines inserted above, re-indentation): a hash of the rule
 * id, the file's path relative to the scan root, the whitespace-normalised text of the flagged
 * line(s) and the occurrence index among findings with the same three (so two identical lines
 * in one file still differ). The line number is not part of it. The hash is one-way: the text it
 * reads may hold a secret, the fingerprint never shows it.
 */
export function fingerprintFindings(findings: readonly Finding[], lines: LineIndex, relPath: string): string[] {
  const seen = new Map<string, number>();
  const normalisedLines = new Map<number, string>();
  const text = lines.text;
  const lineText = (f: Finding, l: number): string => {
    const s = lines.lineStart(l);
    const e = l + 1 < lines.lineCount ? lines.lineStart(l + 1) : text.length;
    if (e - s <= LONG_LINE) {
      let n = normalisedLines.get(l);
      if (n === undefined) { normalisedLines.set(l, n = normalise(text.slice(s, e))); }
      return n;
    }
    // A very long line (minified code, one-line JSON): only a window around the finding, so the
    // work stays linear and an edit elsewhere on the line does not change the fingerprint.
    const from = l === f.range.start.line ? f.range.start.character : 0;
    const to = Math.min(l === f.range.end.line ? f.range.end.character : e - s, from + LONG_LINE);
    return normalise(text.slice(s + Math.max(0, from - WINDOW), s + Math.min(e - s, to + WINDOW)));
  };
  return findings.map(f => {
    const first = f.range.start.line;
    const last = Math.min(f.range.end.line, first + 4, lines.lineCount - 1);
    const parts: string[] = [];
    for (let l = first; l <= last; l++) { parts.push(lineText(f, l)); }
    const key = `${f.ruleId}\u0000${relPath}\u0000${parts.join('\n')}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    return `${hash64(key)}:${n}`;
  });
}

/** Lines longer than this are fingerprinted by a window of WINDOW characters around the finding. */
const LONG_LINE = 1000;
const WINDOW = 200;

/** Collapses runs of whitespace and trims, so re-indentation and trailing spaces do not matter. */
export function normalise(s: string): string { return s.replace(/\s+/g, ' ').trim(); }

/**
 * 64-bit (two independent 32-bit lanes) non-cryptographic string hash, hex. Pure JS so the core
 * needs no `crypto`. Collisions only merge two alerts' history; they never hide one.
 */
export function hash64(s: string): string {
  let h1 = 0xdeadbeef ^ s.length, h2 = 0x41c6ce57 ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
}
