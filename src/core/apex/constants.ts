/**
 * Apex static constants of a class, read with a cheap text scan (a tokenizer and a brace stack, no
 * tree-sitter parse): the project index needs the constants of every class before any file is
 * linted, and a second full parse of every Apex file would double the cost of a scan.
 *
 * Collected: `static final` fields with an initializer, `static` fields with an initializer that
 * nothing in the file assigns again, and `static` fields assigned exactly once in a static block.
 * Nested classes are named `Outer.Inner`. Pure, never throws; what it cannot read it leaves out.
 */
import { LineIndex } from '../position';
import type { Position, Range } from '../types';
import { unescapeApexString } from './model';

/** One operand of a constant's initializer (`'https://x' + Other.BASE + '/v1'`). */
export type ConstPart =
  | { kind: 'literal'; value: string; range: Range; start: number; end: number }
  /** A dotted name (`BASE`, `Other.BASE`, `Outer.Inner.X`, `Label.Api_Url`), as written. */
  | { kind: 'ref'; text: string }
  | { kind: 'other'; text: string };

export interface ApexConstantFact {
  /** Class path as written ('Config', 'Outer.Inner'). */
  className: string;
  name: string;
  path: string;
  /** The initializer (or the static-block assignment's value), split at top-level `+`. */
  parts: ConstPart[];
  /** Range of the declarator (name to end of initializer) or of the static-block assignment. */
  range: Range;
}

type Tok = { t: 'id' | 'str' | 'num' | 'p'; text: string; start: number; end: number };

const MAX_TEXT = 2 * 1024 * 1024;
/** Where a class-body statement may end, or the scan must read tokens (a string or a comment). */
const CLASS_STOP = /[;{}'/]/g;
/** Words that make a class-body statement one the tokens must read: a static, or a nested type. */
const MAY_DECLARE = /\b(?:static|class|interface|enum)\b/i;
/** The characters a block body (method, accessor, initializer) is skipped by: strings, comments, braces. */
const BLOCK_STOP = /['/{}]/g;

/** End offset of the string literal starting at `i` (a quote). */
function stringEnd(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  while (j < n) {
    const d = text.charCodeAt(j);
    if (d === 92) { j += 2; continue; }
    if (d === 39 || d === 10) { break; }
    j++;
  }
  return Math.min(j + 1, n);
}

/** Offset after the comment starting at `i`, or -1 when no comment starts there. */
function commentEnd(text: string, i: number): number {
  const c = text.charCodeAt(i + 1);
  if (c === 47) { const e = text.indexOf('\n', i); return e < 0 ? text.length : e + 1; }
  if (c === 42) { const e = text.indexOf('*/', i + 2); return e < 0 ? text.length : e + 2; }
  return -1;
}

const TWO = new Set(['==', '!=', '<=', '>=', '+=', '-=', '*=', '/=', '=>', '&&', '||', '++']);

/** The token at `i` (not white space or a comment), and where the next one may start. */
function tokenAt(text: string, i: number): Tok {
  const c = text.charCodeAt(i);
  if (c === 39) { const end = stringEnd(text, i); return { t: 'str', text: text.slice(i, end), start: i, end }; }
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) {
    let j = i + 1;
    while (j < text.length) {
      const d = text.charCodeAt(j);
      if ((d >= 65 && d <= 90) || (d >= 97 && d <= 122) || (d >= 48 && d <= 57) || d === 95) { j++; } else { break; }
    }
    return { t: 'id', text: text.slice(i, j), start: i, end: j };
  }
  if (c >= 48 && c <= 57) {
    let j = i + 1;
    while (j < text.length && /[0-9.a-zA-Z]/.test(text[j])) { j++; }
    return { t: 'num', text: text.slice(i, j), start: i, end: j };
  }
  const two = text.slice(i, i + 2);
  if (TWO.has(two)) { return { t: 'p', text: two, start: i, end: i + 2 }; }
  return { t: 'p', text: text[i], start: i, end: i + 1 };
}

const isId = (t: Tok | undefined, lower?: string) => !!t && t.t === 'id' && (lower === undefined || t.text.toLowerCase() === lower);

interface Frame { kind: 'class' | 'static' | 'block'; name?: string; path?: string }
interface Pending { className: string; name: string; nameLower: string; parts: ConstPart[]; start: number; end: number; final: boolean; fromBlock: boolean }

/** Splits initializer tokens at top-level `+` into parts. */
function partsOf(toks: Tok[], text: string, lines: () => LineIndex): ConstPart[] {
  const out: ConstPart[] = [];
  let cur: Tok[] = [];
  let depth = 0;
  const flush = () => {
    if (!cur.length) { return; }
    const s = cur[0].start, e = cur[cur.length - 1].end;
    if (cur.length === 1 && cur[0].t === 'str') {
      out.push({ kind: 'literal', value: unescapeApexString(cur[0].text), range: lines().rangeOf(s, e), start: s, end: e });
    } else if (cur.length === 3 && cur[0].text === '(' && cur[1].t === 'str' && cur[2].text === ')') {
      out.push({ kind: 'literal', value: unescapeApexString(cur[1].text), range: lines().rangeOf(cur[1].start, cur[1].end), start: cur[1].start, end: cur[1].end });
    } else if (cur.every((t, i) => (i % 2 === 0 ? t.t === 'id' : t.text === '.')) && cur.length % 2 === 1) {
      out.push({ kind: 'ref', text: cur.map(t => t.text).join('') });
    } else {
      out.push({ kind: 'other', text: text.slice(s, e).replace(/\s+/g, ' ').slice(0, 80) });
    }
    cur = [];
  };
  for (const t of toks) {
    if (t.text === '(' || t.text === '[' || t.text === '{') { depth++; }
    if (t.text === ')' || t.text === ']' || t.text === '}') { depth--; }
    if (t.text === '+' && depth === 0) { flush(); continue; }
    cur.push(t);
  }
  flush();
  return out;
}

/** Static constants declared in one Apex file (class or trigger). */
export function scanApexConstants(path: string, text: string): ApexConstantFact[] {
  if (text.length > MAX_TEXT || !/\bstatic\b/i.test(text)) { return []; }
  try { return scan(path, text); } catch { return []; }
}

/** What `ApexConstantsDoc` keeps of a scan besides the constants (offsets in the scanned text). */
interface ScanMap {
  /** Bodies the scan skipped: the outermost `{` and its `}`. */
  blocks: Array<[number, number]>;
  /** Where each constant found is. */
  spans: Array<[number, number]>;
  /** Statements of a class body or static block that gave no constant, first token to `;`, and whether it was a static block's. */
  inert: Array<[number, number, boolean]>;
  /** Lower-cased names of the non-final statics whose assignments the scan counted (`x =` anywhere in the text). */
  counted: Set<string>;
}

function scan(path: string, text: string, map?: ScanMap): ApexConstantFact[] {
  let li: LineIndex | undefined;
  let blockAt = -1;                                  // where the outermost open block (a body the scan skips) starts
  const lines = () => (li ??= new LineIndex(text));
  const stack: Frame[] = [];
  const found: Pending[] = [];
  let stmt: Tok[] = [];
  const classPath = () => { for (let k = stack.length - 1; k >= 0; k--) { if (stack[k].kind === 'class') { return stack[k].path!; } } return undefined; };
  const top = () => stack[stack.length - 1];
  const n = text.length;
  let i = 0;
  while (i < n) {
    // Inside a method, accessor or initializer body: only strings, comments and braces matter (no tokens).
    if (top()?.kind === 'block') {
      BLOCK_STOP.lastIndex = i;
      const m = BLOCK_STOP.exec(text);
      if (!m) { break; }
      i = m.index;
      const ch = text[i];
      if (ch === "'") { i = stringEnd(text, i); continue; }
      if (ch === '/') { const e = commentEnd(text, i); i = e < 0 ? i + 1 : e; continue; }
      if (ch === '{') { stack.push({ kind: 'block' }); i++; continue; }
      stack.pop(); i++;
      if (top()?.kind !== 'block' && blockAt >= 0) { map?.blocks.push([blockAt, i - 1]); blockAt = -1; }
      stmt = [];
      continue;
    }
    // A class-body statement without `static` or a type keyword gives no constant: when no string or comment
    // comes before its `;` (or the `{` of its body), it is skipped without tokens (WSDL2Apex's thousands of fields).
    if (stmt.length === 0 && top()?.kind === 'class') {
      CLASS_STOP.lastIndex = i;
      const m = CLASS_STOP.exec(text);
      if (m && (m[0] === ';' || m[0] === '{') && !MAY_DECLARE.test(text.slice(i, m.index))) {
        if (m[0] === '{') { stack.push({ kind: 'block' }); blockAt = m.index; }
        else {
          let first = i;
          while (first < m.index && text.charCodeAt(first) <= 32) { first++; }
          if (map && first < m.index) { map.inert.push([first, m.index, false]); }
        }
        i = m.index + 1;
        continue;
      }
    }
    const c = text.charCodeAt(i);
    if (c <= 32) { i++; continue; }
    if (c === 47) { const e = commentEnd(text, i); if (e >= 0) { i = e; continue; } }
    const t = tokenAt(text, i);
    i = t.end;
    if (t.text === '{') {
      const ci = stmt.findIndex(x => isId(x, 'class') || isId(x, 'interface') || isId(x, 'enum'));
      if (ci >= 0 && isId(stmt[ci + 1]) && top()?.kind !== 'static') {
        const outer = classPath();
        const name = stmt[ci + 1].text;
        stack.push({ kind: 'class', name, path: outer ? `${outer}.${name}` : name });
      } else if (top()?.kind === 'class' && stmt.length === 1 && isId(stmt[0], 'static')) {
        stack.push({ kind: 'static' });
      } else {
        stack.push({ kind: 'block' });
        blockAt = t.start;
      }
      stmt = [];
      continue;
    }
    if (t.text === '}') { stack.pop(); stmt = []; continue; }
    if (t.text !== ';') { stmt.push(t); continue; }
    const st = stmt;
    stmt = [];
    const f = top();
    const cls = classPath();
    const eq = st.findIndex(x => x.text === '=');
    // A statement that cannot give a constant: in a class body without `static`, in a static block without `=`.
    if (map && st.length && f && (f.kind === 'class' ? !st.some(x => isId(x, 'static')) : f.kind === 'static' && eq < 0)) {
      map.inert.push([st[0].start, t.start, f.kind === 'static']);
    }
    if (!f || !cls || st.length < 2) { continue; }
    if (f.kind === 'class' && eq >= 2 && st.slice(0, eq).some(x => isId(x, 'static')) && isId(st[eq - 1])) {
      const value = st.slice(eq + 1);
      if (!value.length || (value.some(x => x.text === ',') && !value.some(x => x.text === '(' || x.text === '{'))) { continue; }
      found.push({ className: cls, name: st[eq - 1].text, nameLower: st[eq - 1].text.toLowerCase(), parts: partsOf(value, text, lines),
        start: st[eq - 1].start, end: value[value.length - 1].end, final: st.slice(0, eq).some(x => isId(x, 'final')), fromBlock: false });
    } else if (f.kind === 'class' && eq < 0 && st.length >= 3 && st.some(x => isId(x, 'static')) && isId(st[st.length - 1])) {
      // `static String X;`: a candidate for a static-block assignment.
      const nm = st[st.length - 1];
      found.push({ className: cls, name: nm.text, nameLower: nm.text.toLowerCase(), parts: [], start: nm.start, end: nm.end, final: false, fromBlock: true });
    } else if (f.kind === 'static' && eq === 1 && isId(st[0])) {
      const d = found.find(x => x.fromBlock && x.className === cls && x.nameLower === st[0].text.toLowerCase() && !x.parts.length);
      const value = st.slice(2);
      if (d && value.length) { d.parts = partsOf(value, text, lines); d.start = st[0].start; d.end = value[value.length - 1].end; }
    }
  }
  const out: ApexConstantFact[] = [];
  for (const d of found) {
    if (!d.parts.length) { continue; }
    // A static that is not final is a constant only if nothing else assigns it: its declaration's (or static
    // block's) `=` is the one assignment in the text (a match in a comment or string only makes this stricter).
    if (!d.final) { map?.counted.add(d.nameLower); }
    if (!d.final && (text.match(new RegExp(`\\b${d.name}\\s*\\+?=(?!=)`, 'gi'))?.length ?? 0) !== 1) { continue; }
    out.push({ className: d.className, name: d.name, path, parts: d.parts, range: lines().rangeOf(d.start, d.end) });
    map?.spans.push([d.start, d.end]);
  }
  return out;
}

/** `map` after an edit that ended at `end` (in the old text) and changed the length by `d`: offsets from `end` on move. */
function shiftedMap(map: ScanMap, end: number, d: number): ScanMap {
  const shift = (x: number) => (x >= end ? x + d : x);
  return {
    blocks: map.blocks.map(([a, b]) => [shift(a), shift(b)]),
    spans: map.spans.map(([a, b]) => [shift(a), shift(b)]),
    inert: map.inert.map(([a, b, k]) => [shift(a), shift(b), k]),
    counted: map.counted,
  };
}

/** Characters an edit may consist of and still leave the constants as they were (see ApexConstantsDoc). */
const NEUTRAL = /^[A-Za-z0-9_ \t]*$/;
/**
 * Inside a body the scan skips (a method's), only strings, comments and braces matter (and assignments,
 * checked apart): anything else typed there (`(`, `;`, `.`, `=`, digits) cannot change the constants.
 * A line break can end a string literal, so it is not neutral either. A quote is, on a line without
 * `/`, `\`, `{` or `}` (before and after the edit): a string literal ends at its line's end (unless a
 * backslash escapes the line break), so the quote only moves strings over text the scan does not read.
 */
const NEUTRAL_IN_BODY = /^[^/*\\{}\r\n]*$/;
const STRINGS_MAY_HIDE = /[/\\{}]/;
/** What an edit inside a constant's literal may type or remove and keep the constants' scan as it was (see `inLiteral`). */
const IN_LITERAL = /^[^'\\\r\n=+]*$/;

/** The line of `text` around [s, e). */
function lineAround(text: string, s: number, e: number): string {
  const end = text.indexOf('\n', e);
  return text.slice(text.lastIndexOf('\n', s - 1) + 1, end < 0 ? text.length : end);
}
const isWordOrSpace = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 32 || c === 9 || c === 10 || c === 13;

/** Whether an assignment (`x =`, `x +=`, as the final check of `scan` counts them) may run through `[s, e)` of `text`. */
/**
 * The name an assignment (`x =`, `x +=`: what the final check of `scan` counts) that may run through
 * `[s, e)` of `text` assigns, lower-cased: the last word before the `=` of the run of words and spaces
 * the edit lies in; undefined when that run is not followed by an assignment.
 */
function assignedThrough(text: string, s: number, e: number): string | undefined {
  let b = e;
  while (b < text.length && isWordOrSpace(text.charCodeAt(b))) { b++; }
  const eq = text[b] === '+' ? b + 1 : b;
  if (text[eq] !== '=' || text[eq + 1] === '=') { return undefined; }
  let we = b;
  while (we > 0 && /\s/.test(text[we - 1])) { we--; }
  let ws = we;
  while (ws > 0 && isWordOrSpace(text.charCodeAt(ws - 1)) && !/\s/.test(text[ws - 1])) { ws--; }
  return text.slice(ws, we).toLowerCase();
}

/**
 * The static constants of one open class, kept between the edits the editor worker receives, so that
 * a keystroke in a method body does not re-read the whole class (42 ms on a 1 MB WSDL2Apex class).
 *
 * An edit leaves the constants exactly as they were when: it replaces and inserts only letters,
 * digits, `_`, spaces and tabs (no quote, comment, brace, `=`, `+` or line break: the scan's strings,
 * comments, blocks and assignments stay where they are), and not next to a backslash, `/` or `*`;
 * it lies inside a method, accessor or initializer body, which the scan skips (a static block's are
 * read, so they do not count), or inside a statement that gave no constant and still cannot (a class
 * body's without `static`, as WSDL2Apex fields; a static block's without `=`); no assignment of a
 * non-final static runs through it (the scan counts those `x =` in the whole text); and no constant is on its line
 * (constants' ranges keep their columns). Anything else, and any edit of a doubt, rescans.
 * `src/core/apex/constants.test.ts` compares it with a fresh scan after random edits.
 */
export class ApexConstantsDoc {
  private facts: ApexConstantFact[] | undefined;
  private map: ScanMap = { blocks: [], spans: [], inert: [], counted: new Set() };
  /** How many times the text was scanned (the rest of the calls reused the constants). */
  scans = 0;

  constructor(readonly path: string, private text: string) {}

  get current(): string { return this.text; }

  /** Applies one edit (`start`, `end`: offsets in the current text) and notes whether the constants may have changed. */
  edit(start: number, end: number, inserted: string): void {
    const before = this.text;
    const after = before.slice(0, start) + inserted + before.slice(end);
    this.text = after;
    if (!this.facts) { return; }
    if (after.length > MAX_TEXT) { this.facts = undefined; return; }
    if (this.inLiteral(before, after, start, end, inserted)) { return; }
    const d = inserted.length - (end - start);
    const inBody = () => this.map.blocks.some(([a, b]) => a < start && end <= b);
    const removed = before.slice(start, end);
    const quiet = !inBody() ? NEUTRAL.test(inserted) && NEUTRAL.test(removed)
      : NEUTRAL_IN_BODY.test(inserted) && NEUTRAL_IN_BODY.test(removed)
        && (!(inserted + removed).includes("'")
          || (!STRINGS_MAY_HIDE.test(lineAround(before, start, end)) && !STRINGS_MAY_HIDE.test(lineAround(after, start, start + inserted.length))));
    // Beside a backslash, `/` or `*` an edit can change what is escaped or start or end a comment (`/x*` → `/*`).
    const neutral = quiet
      && !'\\/*'.includes(before[start - 1] ?? '\\') && !'/*'.includes(before[end] ?? '/')
      && !this.counts(assignedThrough(before, start, end)) && !this.counts(assignedThrough(after, start, start + inserted.length));
    const lineStart = before.lastIndexOf('\n', start - 1) + 1;
    const lineEnd = before.indexOf('\n', end) < 0 ? before.length : before.indexOf('\n', end);
    // A statement that gave no constant still gives none: no `static` typed into a class body's, no `=` into a static block's.
    const inInert = () => this.map.inert.some(([a, b, inStatic]) => a < start && end <= b
      && (inStatic || !/\bstatic\b/i.test(after.slice(a, b + d))));
    if (!neutral || this.map.spans.some(([a, b]) => b >= lineStart && a <= lineEnd) || !(inBody() || inInert())) { this.facts = undefined; return; }
    if (d === 0) { return; }
    const shift = (x: number) => (x >= end ? x + d : x);
    this.map = shiftedMap(this.map, end, d);
    // Literal parts carry their offsets too (their line/column ranges are on other lines, unchanged).
    this.facts = this.facts.map(f => (f.parts.some(p => p.kind === 'literal' && p.end > start)
      ? { ...f, parts: f.parts.map(p => (p.kind === 'literal' ? { ...p, start: shift(p.start), end: shift(p.end) } : p)) } : f));
  }

  /**
   * An edit strictly inside the string literal of a constant (typing a URL, a top-level `SOAP_M_URI = '…'`): when it
   * types and removes no quote, backslash, line break, `=` or `+` and does not follow a backslash, the literal still
   * ends at the same quote and the scan reads the same tokens, so only that literal's value and the columns after the
   * edit on its line change (no assignment the scan counts appears or goes: `assignedThrough` and the characters
   * around the edit, as for a body). Applies it and returns true; false: not such an edit (nothing changed).
   */
  private inLiteral(before: string, after: string, start: number, end: number, inserted: string): boolean {
    const facts = this.facts!;
    let hit: Extract<ConstPart, { kind: 'literal' }> | undefined;
    for (const f of facts) {
      for (const p of f.parts) { if (p.kind === 'literal' && p.start < start && end <= p.end - 1) { hit = p; } }
    }
    if (!hit || !IN_LITERAL.test(inserted) || !IN_LITERAL.test(before.slice(start, end))
      || '\\=+'.includes(before[start - 1]) || '=+'.includes(before[end])
      || this.counts(assignedThrough(before, start, end)) || this.counts(assignedThrough(after, start, start + inserted.length))) {
      return false;
    }
    const d = inserted.length - (end - start);
    if (d === 0 && inserted === before.slice(start, end)) { return true; }
    // The literal has no line break before `end`: the edit's line and column follow from the literal's start.
    const line = hit.range.start.line;
    const col = hit.range.start.character + (end - hit.start);
    const pos = (p: Position): Position => (p.line === line && p.character >= col ? { line, character: p.character + d } : p);
    const range = (r: Range): Range => ({ start: pos(r.start), end: pos(r.end) });
    const edited = hit;
    this.facts = facts.map(f => ({
      ...f,
      range: range(f.range),
      parts: f.parts.map(p => {
        if (p.kind !== 'literal') { return p; }
        const moved = { ...p, range: range(p.range), end: p.end >= end ? p.end + d : p.end, start: p.start >= end ? p.start + d : p.start };
        if (p === edited) { moved.value = unescapeApexString(after.slice(moved.start, moved.end)); }
        return moved;
      }),
    }));
    this.map = shiftedMap(this.map, end, d);
    return true;
  }

  /** Whether an assignment of `name` (through an edit) can change which statics are constants: it is one whose assignments the scan counts. */
  private counts(name: string | undefined): boolean { return name !== undefined && this.map.counted.has(name); }

  /** The constants of the current text: the kept ones when no edit since the last scan could change them. */
  constants(): ApexConstantFact[] {
    if (this.facts) { return this.facts; }
    this.scans++;
    const map: ScanMap = { blocks: [], spans: [], inert: [], counted: new Set() };
    let facts: ApexConstantFact[];
    if (this.text.length > MAX_TEXT || !/\bstatic\b/i.test(this.text)) { facts = []; }
    else { try { facts = scan(this.path, this.text, map); } catch { facts = []; } }
    this.facts = facts;
    this.map = map;
    return facts;
  }
}
