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
 * `re.test(text)` for the texts of one document as it is edited, reading only around the edit. Exact for a regex
 * without `^`/`$` whose every match, with what its look-arounds and `\b` read, spans at most `reach` characters,
 * besides at most one run of characters of the class `run` (`\s` for `@\s*RestResource`), of any length:
 * - the last text had a match: when it lies in the unchanged prefix or suffix, with `reach` characters around it,
 *   it is still there;
 * - the last text had none: a match must overlap the edited span or come within its reach, so only that window
 *   (the span widened by `reach`, across a run, and `reach` again) is read; a match in the window (maybe a
 *   look-behind cut at its edge) is confirmed on the whole text.
 * Texts under `minChars` are tested whole, and not kept.
 */
export class EditedRegexTest {
  private readonly re: RegExp;
  /** The last text tested (at least `minChars` long), and where its first match was. */
  private last: { text: string; match?: [number, number] } | undefined;
  /** How many tests did not read the whole text (for tests and benches). */
  regionalTests = 0;

  constructor(re: RegExp, private readonly reach: number, private readonly options: { run?: RegExp; minChars?: number } = {}) {
    // A global or sticky regex keeps `lastIndex` between calls: a copy without those flags.
    this.re = new RegExp(re.source, re.flags.replace(/[gy]/g, ''));
  }

  test(text: string): boolean {
    if (text.length < (this.options.minChars ?? 64 * 1024)) { return this.re.test(text); }
    const last = this.last;
    let found: boolean | undefined;
    if (last) {
      const span = changedSpan(last.text, text);
      const shift = span.afterEnd - span.beforeEnd;
      if (last.match) {
        const [s, e] = last.match;
        if (e + this.reach <= span.start) { found = true; this.last = { text, match: [s, e] }; }
        else if (s - this.reach >= span.beforeEnd) { found = true; this.last = { text, match: [s + shift, e + shift] }; }
      } else {
        const from = Math.max(0, this.widen(text, span.start, -1)), to = Math.min(text.length, this.widen(text, span.afterEnd, 1));
        if (to - from < text.length / 2 && !this.re.test(text.slice(from, to))) { found = false; this.last = { text }; }
      }
      if (found !== undefined) { this.regionalTests++; return found; }
    }
    const m = this.re.exec(text);
    this.last = { text, ...(m ? { match: [m.index, m.index + m[0].length] as [number, number] } : {}) };
    return !!m;
  }

  /** `at` moved by `reach` in direction `dir`, then across a run of `run` characters there, then by `reach` again. */
  private widen(text: string, at: number, dir: 1 | -1): number {
    let p = at + dir * this.reach;
    const run = this.options.run;
    if (run) {
      while (p > 0 && p < text.length && run.test(text[dir < 0 ? p - 1 : p])) { p += dir; }
    }
    return p + dir * this.reach;
  }
}
