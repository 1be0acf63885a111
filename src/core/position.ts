import type { Position, Range } from './types';

/** Maps offsets in a text to 0-based line/character positions (binary search over line starts). */
export class LineIndex {
  private readonly starts: number[];
  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) { starts.push(i + 1); }
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) { i++; }
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }
  get lineCount(): number { return this.starts.length; }
  lineStart(line: number): number { return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))]; }
  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) { lo = mid; } else { hi = mid - 1; }
    }
    return { line: lo, character: o - this.starts[lo] };
  }
  offsetAt(p: Position): number {
    return Math.min(this.lineStart(p.line) + p.character, this.text.length);
  }
  rangeOf(start: number, end: number): Range { return { start: this.positionAt(start), end: this.positionAt(end) }; }
  /** The text of a line without its line break. */
  lineText(line: number): string {
    const s = this.lineStart(line);
    const e = line + 1 < this.starts.length ? this.starts[line + 1] : this.text.length;
    return this.text.slice(s, e).replace(/\r?\n$|\r$/, '');
  }
}

/** A string key for a range (maps and sets of ranges). */
export function rangeKey(r: Range): string { return `${r.start.line}:${r.start.character}:${r.end.line}:${r.end.character}`; }

export function rangeContains(outer: Range, inner: Range): boolean {
  const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

export function compareRanges(a: Range, b: Range): number {
  return a.start.line - b.start.line || a.start.character - b.start.character
    || a.end.line - b.end.line || a.end.character - b.end.character;
}
