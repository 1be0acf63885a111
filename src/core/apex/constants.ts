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
import type { Range } from '../types';
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

/** Tokens of Apex source: identifiers, strings, numbers and punctuation; comments and white space dropped. */
function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c <= 32) { i++; continue; }
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) { const e = text.indexOf('\n', i); i = e < 0 ? n : e + 1; continue; }
    if (c === 47 && text.charCodeAt(i + 1) === 42) { const e = text.indexOf('*/', i + 2); i = e < 0 ? n : e + 2; continue; }
    if (c === 39 /* ' */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92) { j += 2; continue; }
        if (d === 39 || d === 10) { break; }
        j++;
      }
      const end = Math.min(j + 1, n);
      out.push({ t: 'str', text: text.slice(i, end), start: i, end });
      i = end;
      continue;
    }
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if ((d >= 65 && d <= 90) || (d >= 97 && d <= 122) || (d >= 48 && d <= 57) || d === 95) { j++; } else { break; }
      }
      out.push({ t: 'id', text: text.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    if (c >= 48 && c <= 57) {
      let j = i + 1;
      while (j < n && /[0-9.a-zA-Z]/.test(text[j])) { j++; }
      out.push({ t: 'num', text: text.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    // Two-character operators that must not read as `=`.
    const two = text.slice(i, i + 2);
    if (two === '==' || two === '!=' || two === '<=' || two === '>=' || two === '+=' || two === '-=' || two === '*=' || two === '/=' || two === '=>' || two === '&&' || two === '||' || two === '++') {
      out.push({ t: 'p', text: two, start: i, end: i + 2 });
      i += 2;
      continue;
    }
    out.push({ t: 'p', text: text[i], start: i, end: i + 1 });
    i++;
  }
  return out;
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

function scan(path: string, text: string): ApexConstantFact[] {
  const toks = tokenize(text);
  let li: LineIndex | undefined;
  const lines = () => (li ??= new LineIndex(text));
  const stack: Frame[] = [];
  const found: Pending[] = [];
  /** Assignments `NAME = …` anywhere, by `${class}|${name}`, to drop statics assigned again. */
  const assigned = new Map<string, number>();
  let stmtStart = 0;
  const classPath = () => { for (let k = stack.length - 1; k >= 0; k--) { if (stack[k].kind === 'class') { return stack[k].path!; } } return undefined; };
  const top = () => stack[stack.length - 1];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.text === '{') {
      const stmt = toks.slice(stmtStart, i);
      const ci = stmt.findIndex(x => isId(x, 'class') || isId(x, 'interface') || isId(x, 'enum'));
      if (ci >= 0 && isId(stmt[ci + 1]) && top()?.kind !== 'block' && top()?.kind !== 'static') {
        const outer = classPath();
        const name = stmt[ci + 1].text;
        stack.push({ kind: 'class', name, path: outer ? `${outer}.${name}` : name });
      } else if (top()?.kind === 'class' && stmt.length === 1 && isId(stmt[0], 'static')) {
        stack.push({ kind: 'static' });
      } else {
        stack.push({ kind: 'block' });
      }
      stmtStart = i + 1;
      continue;
    }
    if (t.text === '}') { stack.pop(); stmtStart = i + 1; continue; }
    if ((t.text === '=' || t.text === '+=') && isId(toks[i - 1])) {
      const cls = classPath();
      if (cls) { const k = `${cls}|${toks[i - 1].text.toLowerCase()}`; assigned.set(k, (assigned.get(k) ?? 0) + 1); }
    }
    if (t.text !== ';') { continue; }
    const stmt = toks.slice(stmtStart, i);
    stmtStart = i + 1;
    const f = top();
    const cls = classPath();
    if (!f || !cls || stmt.length < 3) { continue; }
    const eq = stmt.findIndex(x => x.text === '=');
    if (f.kind === 'class' && eq >= 2 && stmt.slice(0, eq).some(x => isId(x, 'static')) && isId(stmt[eq - 1])) {
      const value = stmt.slice(eq + 1);
      if (!value.length || (value.some(x => x.text === ',') && !value.some(x => x.text === '(' || x.text === '{'))) { continue; }
      found.push({ className: cls, name: stmt[eq - 1].text, nameLower: stmt[eq - 1].text.toLowerCase(), parts: partsOf(value, text, lines),
        start: stmt[eq - 1].start, end: value[value.length - 1].end, final: stmt.slice(0, eq).some(x => isId(x, 'final')), fromBlock: false });
    } else if (f.kind === 'class' && eq < 0 && stmt.some(x => isId(x, 'static')) && isId(stmt[stmt.length - 1]) && stmt.length >= 3) {
      // `static String X;`: a candidate for a static-block assignment.
      const nm = stmt[stmt.length - 1];
      found.push({ className: cls, name: nm.text, nameLower: nm.text.toLowerCase(), parts: [], start: nm.start, end: nm.end, final: false, fromBlock: true });
    } else if (f.kind === 'static' && eq === 1 && isId(stmt[0])) {
      const d = found.find(x => x.fromBlock && x.className === cls && x.nameLower === stmt[0].text.toLowerCase() && !x.parts.length);
      const value = stmt.slice(2);
      if (d && value.length) { d.parts = partsOf(value, text, lines); d.start = stmt[0].start; d.end = value[value.length - 1].end; }
    }
  }
  const out: ApexConstantFact[] = [];
  for (const d of found) {
    if (!d.parts.length) { continue; }
    const n = assigned.get(`${d.className}|${d.nameLower}`) ?? 0;
    // The declaration's own `=` (or the static block's) counts once; any other assignment makes it a variable.
    if (!d.final && n !== 1) { continue; }
    out.push({ className: d.className, name: d.name, path, parts: d.parts, range: lines().rangeOf(d.start, d.end) });
  }
  return out;
}
