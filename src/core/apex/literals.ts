/**
 * Text-level helpers for string literals (and the comments around code) in an Apex file. They read the file text instead of the
 * tree because `Node.parent`, `Node.endIndex` and `range` each cost a WebAssembly call, and most
 * literals of a large class need none of them.
 */
import type { ResolvedPart } from './model';

/** Whether the literal at [start, end) is an operand of `+` (not `++` or `+=`). */
export function besidePlus(text: string, start: number, end: number): boolean {
  let i = start - 1;
  while (i >= 0 && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r' || text[i] === '(')) { i--; }
  if (i >= 0 && text[i] === '+' && text[i - 1] !== '+') { return true; }
  let j = end;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\n' || text[j] === '\r' || text[j] === ')')) { j++; }
  return text[j] === '+' && text[j + 1] !== '+' && text[j + 1] !== '=';
}

/** End offset of the string literal starting at `start` (`'…'` with escapes, or `'''…'''`). */
export function literalEnd(text: string, start: number): number {
  if (text.startsWith("'''", start)) {
    const e = text.indexOf("'''", start + 3);
    return e < 0 ? text.length : e + 3;
  }
  let i = start + 1;
  for (let c = text.charCodeAt(i); i < text.length && c !== 39 /* ' */ && c !== 10; c = text.charCodeAt(i)) { i += c === 92 /* \\ */ ? 2 : 1; }
  return Math.min(i + 1, text.length);
}

/**
 * The index after white space and comments from `i`; -1 inside an unterminated block comment. `space`: which
 * characters are white space (by default the C0 controls and the space).
 */
export function skipTrivia(text: string, i: number, space: (c: number) => boolean = c => c <= 32): number {
  for (;;) {
    while (i < text.length && space(text.charCodeAt(i))) { i++; }
    if (text.startsWith('//', i)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (text.startsWith('/*', i)) {
      const e = text.indexOf('*/', i + 2);
      if (e < 0) { return -1; }
      i = e + 2;
    } else {
      return i;
    }
  }
}

/** Where one resolved part sits in the joined text. */
export interface PartSpan { part: ResolvedPart; start: number; end: number }

/**
 * Joins resolved parts into one text; each dynamic part becomes `filler` (a character no value the
 * caller looks for can contain), and `spans` maps offsets back to the parts.
 */
export function joinParts(parts: readonly ResolvedPart[], filler: string): { text: string; spans: PartSpan[] } {
  let text = '';
  const spans: PartSpan[] = [];
  for (const part of parts) {
    const v = part.kind === 'literal' ? part.value : filler;
    spans.push({ part, start: text.length, end: text.length + v.length });
    text += v;
  }
  return { text, spans };
}
