import { fileKindOf } from '../fileKind';
import type { LineIndex } from '../position';
import { sha256 } from '../sha256';
import type { FileKind, Finding } from '../types';

/**
 * Fingerprints that survive unrelated edits (lines inserted above, re-indentation) and hold no
 * secret: SHA-256 of the rule id, the file's path relative to the scan root and the *shape* of the
 * flagged line(s): whitespace collapsed, and every character that could be a secret masked (the
 * finding's own range, string literal contents, comments, config values, XML text, long
 * alphanumeric tokens). Changing only the secret's value keeps the fingerprint, so a SARIF file or a
 * baseline cannot be used to confirm a guessed password offline. The line number is not part of
 * it. `:n` at the end is the occurrence index among findings with the same hash in the file.
 */
export function fingerprintFindings(findings: readonly Finding[], lines: LineIndex, relPath: string,
  /** SHA-256 hex of a string's UTF-8; Node callers pass the native one (same result, several times faster). */
  hash: (s: string) => string = sha256): string[] {
  const seen = new Map<string, number>();
  const kind = fileKindOf(relPath) ?? 'text';
  const text = lines.text;
  // A line's mask does not depend on the finding, except for the finding's own range, which is
  // applied on top; so long lines are lexed once.
  const masked = new Map<number, Uint8Array>();
  const maskOf = (l: number, s: number, e: number): Uint8Array => {
    let m = masked.get(l);
    if (!m) { masked.set(l, m = maskLine(text, s, e, kind)); }
    return m;
  };
  return findings.map(f => {
    const first = f.range.start.line;
    const last = Math.min(f.range.end.line, first + 4, lines.lineCount - 1);
    const parts: string[] = [];
    for (let l = first; l <= last; l++) {
      const s = lines.lineStart(l);
      let e = l + 1 < lines.lineCount ? lines.lineStart(l + 1) : text.length;
      if (e > s && text.charCodeAt(e - 1) === 10) { e--; }
      if (e > s && text.charCodeAt(e - 1) === 13) { e--; }
      const m = maskOf(l, s, e);
      const from = l === first ? Math.min(f.range.start.character, e - s) : 0;
      const to = l === f.range.end.line ? Math.min(f.range.end.character, e - s) : e - s;
      let a = 0, b = e - s;
      if (e - s > LONG_LINE) {
        // A very long line (minified code, one-line JSON): only a window around the finding, so the
        // work stays linear and an edit elsewhere on the line does not change the fingerprint.
        a = Math.max(0, from - WINDOW);
        b = Math.min(e - s, Math.min(to, from + LONG_LINE) + WINDOW);
      }
      parts.push(render(text, s, m, a, b, from, to));
    }
    const key = `apiguard-fingerprint/v2\u0000${f.ruleId}\u0000${relPath}\u0000${parts.join('\n')}`;
    const h = hash(key);
    const n = seen.get(h) ?? 0;
    seen.set(h, n + 1);
    return `${h}:${n}`;
  });
}

/** The fingerprint without its occurrence index (what a baseline counts). */
export function fingerprintHash(fp: string): string {
  const i = fp.lastIndexOf(':');
  return i >= 0 ? fp.slice(0, i) : fp;
}

/** Lines longer than this are fingerprinted by a window of WINDOW characters around the finding. */
const LONG_LINE = 1000;
const WINDOW = 200;
/** What a masked run becomes in the hashed text. */
const MASK = '\u2026';

/**
 * The line `text[s, e)` with the characters in `[mask... ]` replaced by one MASK per run and the
 * finding's range `[from, to)` masked too; whitespace collapsed and trimmed.
 */
function render(text: string, s: number, m: Uint8Array, a: number, b: number, from: number, to: number): string {
  let out = '';
  let inMask = false, inSpace = false;
  for (let i = a; i < b; i++) {
    if (m[i] || (i >= from && i < to)) {
      if (!inMask) { out += MASK; inMask = true; }
      inSpace = false;
      continue;
    }
    inMask = false;
    const c = text[s + i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v') {
      if (!inSpace) { out += ' '; inSpace = true; }
      continue;
    }
    inSpace = false;
    out += c;
  }
  return out.trim();
}

const QUOTES = new Set(['\'', '"', '`']);

/** Which characters of the line `text[s, e)` may hold a secret, by file kind (1 = masked). */
export function maskLine(text: string, s: number, e: number, kind: FileKind): Uint8Array {
  const n = e - s;
  const m = new Uint8Array(n);
  const code = kind === 'apex' || kind === 'js';
  const config = kind === 'env' || kind === 'properties' || kind === 'yaml' || kind === 'text' || kind === 'pem';
  let inTag = false;
  for (let i = 0; i < n; i++) {
    const c = text[s + i];
    if (kind === 'xml') {
      if (c === '<') { inTag = true; continue; }
      if (c === '>') { inTag = false; continue; }
      if (!inTag) { m[i] = 1; continue; }
    }
    if (QUOTES.has(c)) {
      let j = i + 1;
      while (j < n && text[s + j] !== c) { j += text[s + j] === '\\' ? 2 : 1; }
      m.fill(1, i + 1, Math.min(j, n));
      i = j;
      continue;
    }
    if (code && c === '/' && text[s + i + 1] === '/') { m.fill(1, i + 2, n); break; }
    if (config && (c === '=' || c === ':' || c === '#')) { m.fill(1, i + 1, n); break; }
  }
  // Long tokens with letters and digits (keys, hashes) among what is still visible; a masked
  // character ends a token, so how far a token reaches never depends on a masked value.
  let start = -1, digit = false, letter = false;
  for (let i = 0; i <= n; i++) {
    const c = i < n && !m[i] ? text.charCodeAt(s + i) : 0;
    const isDigit = c >= 48 && c <= 57;
    const isLetter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (isDigit || isLetter || c === 43 || c === 47 || c === 95 || c === 46 || c === 45) {
      if (start < 0) { start = i; digit = false; letter = false; }
      digit ||= isDigit; letter ||= isLetter;
      continue;
    }
    if (start >= 0 && i - start >= 20 && digit && letter) { m.fill(1, start, i); }
    start = -1;
  }
  return m;
}
