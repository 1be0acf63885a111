/**
 * Helpers for a text that is edited a little between two reads (the editor worker lints a 1 MB class after
 * each keystroke): where two texts differ, and a whole-text regex test that reads again only around the edit.
 */

/** Characters compared at once (`===` of two slices compares memory, not characters one by one in JavaScript). */
const BLOCK = 4096;

/**
 * Where `after` differs from `before`: `before.slice(0, start)` is their common prefix, and `before.slice(beforeEnd)`
 * equals `after.slice(afterEnd)` (their common suffix, not overlapping the prefix). Same texts: start = both ends.
 */
export function changedSpan(before: string, after: string): { start: number; beforeEnd: number; afterEnd: number } {
  const n = Math.min(before.length, after.length);
  let p = 0;
  while (p + BLOCK <= n && before.slice(p, p + BLOCK) === after.slice(p, p + BLOCK)) { p += BLOCK; }
  while (p < n && before.charCodeAt(p) === after.charCodeAt(p)) { p++; }
  // The suffix, within what the prefix left of the shorter text.
  const room = n - p;
  let q = 0;
  while (q + BLOCK <= room && before.slice(before.length - q - BLOCK, before.length - q) === after.slice(after.length - q - BLOCK, after.length - q)) { q += BLOCK; }
  while (q < room && before.charCodeAt(before.length - 1 - q) === after.charCodeAt(after.length - 1 - q)) { q++; }
  return { start: p, beforeEnd: before.length - q, afterEnd: after.length - q };
}

/**
 * `re.test(text)` for the texts of one document as it is edited, reading only around the edit when the last text it
 * was asked about had no match. Exact for a regex without `^`/`$` whose every match, with what its look-arounds and
 * `\b` read, lies within `reach` characters: a match in the new text must then come within `reach` of the edited
 * span (anything farther is the old text, which had none), so the span widened by twice `reach` is tested; a match
 * there (maybe a look-behind cut at the window's edge) is confirmed on the whole text. Texts under `minChars` are
 * tested whole, and not kept.
 */
export class RegionalNoMatch {
  private readonly re: RegExp;
  /** The last text tested (at least `minChars` long) that had no match. */
  private lastNo: string | undefined;
  /** How many tests read only the window around an edit (for tests and benches). */
  regionalTests = 0;

  constructor(re: RegExp, private readonly reach: number, private readonly minChars = 64 * 1024) {
    // A global or sticky regex keeps `lastIndex` between calls: a copy without those flags.
    this.re = new RegExp(re.source, re.flags.replace(/[gy]/g, ''));
  }

  test(text: string): boolean {
    if (text.length < this.minChars) { return this.re.test(text); }
    const prev = this.lastNo;
    let found: boolean | undefined;
    if (prev !== undefined) {
      const span = changedSpan(prev, text);
      const from = Math.max(0, span.start - 2 * this.reach), to = Math.min(text.length, span.afterEnd + 2 * this.reach);
      if (to - from < text.length / 2) {
        this.regionalTests++;
        found = this.re.test(text.slice(from, to)) ? this.re.test(text) : false;
      }
    }
    found ??= this.re.test(text);
    this.lastNo = found ? undefined : text;
    return found;
  }
}
