import type { ClassOutline, OutlineUnit } from './members';
import { literalEnd, skipTrivia } from './literals';

/**
 * The outline of an Apex class read from its text, before any parse: where its members (methods,
 * constructors, inner types) start and end, and what lies between them. The parse-level pre-check
 * (`members.ts`, `parseTrim`) uses it to leave the members no rule needs out of tree-sitter's included
 * ranges, so a WSDL2Apex class of a thousand data classes parses only its port class.
 *
 * It reads the text as a sequence of members of the one top-level class: a member ends at a `;` or at
 * the `}` closing its body (a `{` after an `=` opens an initializer, not a body), with strings and
 * comments skipped and parentheses balanced. Anything it does not understand, or that is not one class
 * with balanced brackets and terminated strings and comments, gives undefined: the file is parsed whole.
 * It may take a field for a member or the reverse only on code that does not parse, and the tree of
 * the kept text is checked against it (`SourceFile.apex`): where they disagree, the file is parsed whole.
 */
export function outlineOfText(text: string): ClassOutline | undefined {
  const n = text.length;
  const skip = (i: number) => skipTrivia(text, i, isSpace);
  // The header: up to the first `{` outside parentheses. It must declare a class.
  const h = skip(0);
  if (h < 0) { return undefined; }
  const header = scanMember(text, h, true);
  if (!header) { return undefined; }
  const headWords = dropAnnotations(codeOnly(text.slice(h, header.headEnd)));
  const keyword = /\b(class|interface|enum|trigger)\b/i.exec(headWords);
  if (keyword?.[1].toLowerCase() !== 'class') { return undefined; }
  const units: OutlineUnit[] = [];
  const context: string[] = [text.slice(0, header.headEnd)];
  const contextNames = new Set<string>();
  let i = header.headEnd + 1;
  for (;;) {
    i = skip(i);
    if (i < 0 || i >= n) { return undefined; }
    if (text[i] === '}') { break; }
    const m = scanMember(text, i);
    if (!m) { return undefined; }
    const own = text.slice(i, m.end);
    const head = dropAnnotations(codeOnly(text.slice(i, m.headEnd >= 0 ? m.headEnd : m.end - 1))).trim();
    const unit = classify(head, own, m.headEnd - i, m);
    if (unit === undefined) { return undefined; }
    if (unit) {
      units.push({ start: i, end: m.end, ...unit });
    } else {
      context.push(own);
      for (const name of declaredNames(head, m)) { contextNames.add(name); }
    }
    i = m.end;
  }
  // The class's closing brace: only white space and comments may follow (one top-level type).
  const after = skip(i + 1);
  if (after !== n) { return undefined; }
  context.push(text.slice(i));
  return { units, context, contextNames };
}

interface Scanned {
  /** `semi`: ends at a `;` (a field, an abstract method); `body`: at the `}` closing the body opened at `headEnd`. */
  kind: 'semi' | 'body';
  /** The index just after the member. */
  end: number;
  /** The index of the `{` opening its body (`body`), else -1. */
  headEnd: number;
  /** An `=` outside brackets before any body: a field with an initializer. */
  assigned: boolean;
}

/** Reads one member from `i` (`header`: the class header, up to its body's `{`): undefined where the text does not close it. */
function scanMember(text: string, i: number, header = false): Scanned | undefined {
  let parens = 0, braces = 0, headEnd = -1, assigned = false;
  const special = SPECIAL;
  for (special.lastIndex = i; ; special.lastIndex = i + 1) {
    const hit = special.exec(text);
    if (!hit) { return undefined; }
    i = hit.index;
    const c = text[i];
    switch (c) {
      case '\'': {
        const e = stringEnd(text, i);
        if (e < 0) { return undefined; }
        i = e - 1;
        break;
      }
      case '/':
        if (text[i + 1] === '/') { const e = text.indexOf('\n', i); if (e < 0) { return undefined; } i = e; }
        else if (text[i + 1] === '*') { const e = text.indexOf('*/', i + 2); if (e < 0) { return undefined; } i = e + 1; }
        break;
      case '(': case '[': parens++; break;
      case ')': case ']': if (--parens < 0) { return undefined; } break;
      case '=':
        if (parens === 0 && braces === 0 && headEnd < 0 && text[i + 1] !== '=' && !'=!<>'.includes(text[i - 1])) { assigned = true; }
        break;
      case '{':
        if (parens === 0 && braces === 0 && headEnd < 0 && !assigned) {
          headEnd = i;
          if (header) { return { kind: 'body', end: i, headEnd, assigned }; }
        }
        braces++;
        break;
      case '}':
        if (braces === 0) { return undefined; }
        braces--;
        if (braces === 0 && parens === 0 && headEnd >= 0) { return { kind: 'body', end: i + 1, headEnd, assigned }; }
        break;
      case ';':
        if (parens === 0 && braces === 0) {
          // A `;` ends the header only in broken code.
          return headEnd < 0 ? { kind: 'semi', end: i + 1, headEnd, assigned } : undefined;
        }
        break;
    }
  }
}

/** The characters `scanMember` acts on (the rest it skips in one step). */
const SPECIAL = /['/()[\]{};=]/g;

/**
 * The index after the string literal opening at `i` (`'…'`, or `'''…'''`), or -1 when it does not end: at a line
 * break or at the end of the text.
 */
function stringEnd(text: string, i: number): number {
  const e = literalEnd(text, i);
  const closed = text.startsWith("'''", i) ? e >= i + 6 && text.startsWith("'''", e - 3) : e > i + 1 && text[e - 1] === "'";
  return closed && !text.slice(i, e).includes('\r') ? e : -1;
}

/** `s` with its comments and string literals replaced by spaces. */
function codeOnly(s: string): string {
  return s.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^'\\\n]|\\.)*'/g, m => ' '.repeat(m.length));
}

/** `s` (code only) without its annotations (`@Name` and its parenthesized arguments). */
function dropAnnotations(s: string): string {
  let out = '';
  let i = 0;
  for (let at = s.indexOf('@'); at >= 0; at = s.indexOf('@', i)) {
    out += s.slice(i, at);
    let j = at + 1;
    while (j < s.length && isSpace(s.charCodeAt(j))) { j++; }
    while (j < s.length && /[\w.]/.test(s[j])) { j++; }
    let k = j;
    while (k < s.length && isSpace(s.charCodeAt(k))) { k++; }
    if (s[k] === '(') {
      let depth = 0;
      for (; k < s.length; k++) {
        if (s[k] === '(') { depth++; } else if (s[k] === ')' && --depth === 0) { break; }
      }
      j = k + 1;
    }
    out += ' '.repeat(Math.min(j, s.length) - at);
    i = Math.min(j, s.length);
  }
  return out + s.slice(i);
}

const TYPE_DECL = /\b(?:class|interface|enum)\s+([A-Za-z_]\w*)/gi;
const FIRST_TYPE_DECL = new RegExp(TYPE_DECL.source, 'i');
const NESTED_TYPE = /\b(?:class|interface|enum)\b/i;
/** The identifier `s` ends with (white space after it allowed), read backwards: a regex anchored at the end would try every start. */
function lastWord(s: string): string | undefined {
  let e = s.length;
  while (e > 0 && /\s/.test(s[e - 1])) { e--; }
  let b = e;
  while (b > 0 && /\w/.test(s[b - 1])) { b--; }
  return b < e && /[A-Za-z_]/.test(s[b]) ? s.slice(b, e) : undefined;
}

/**
 * A unit's names and whether it holds code; null for context (a field, property or initializer);
 * undefined when the head is not understood. `head`: the code before the body's `{` (or the `;`), without annotations;
 * `bodyAt`: where that `{` is in `own`.
 */
function classify(head: string, own: string, bodyAt: number, m: Scanned): Omit<OutlineUnit, 'start' | 'end'> | null | undefined {
  if (m.assigned) { return null; }                                  // a field with an initializer
  const type = FIRST_TYPE_DECL.exec(head);
  if (type) {
    if (m.kind !== 'body') { return undefined; }
    const exported = [type[1].toLowerCase()];
    const body = own.slice(bodyAt + 1);
    // More names than there are only link more: strings and comments that read `class X` add X.
    if (NESTED_TYPE.test(body)) {
      for (const d of body.matchAll(TYPE_DECL)) { const dn = d[1].toLowerCase(); if (!exported.includes(dn)) { exported.push(dn); } }
    }
    return { exported, code: holdsCode(own) };
  }
  if (head.endsWith(')')) {
    // A method or constructor: the name before its parameter list.
    let depth = 0, k = head.length - 1;
    for (; k >= 0; k--) {
      if (head[k] === ')') { depth++; } else if (head[k] === '(' && --depth === 0) { break; }
    }
    const name = k > 0 ? lastWord(head.slice(0, k)) : undefined;
    return name ? { exported: [name.toLowerCase()], code: true } : undefined;
  }
  if (m.kind === 'semi' && head.includes('(')) { return undefined; }
  return null;
}

const NOT_NAMES = new Set(['static', 'final', 'public', 'private', 'protected', 'global', 'transient', 'get', 'set', 'virtual', 'override', 'with', 'without', 'inherited', 'sharing']);

/**
 * The names a field or property declares, as more names than there are rather than fewer: every
 * identifier followed by `=`, `,` or the end of the declaration (a property: the last word before its
 * `{`). `head`: its code without annotations.
 */
function declaredNames(head: string, m: Scanned): string[] {
  const out: string[] = [];
  if (m.kind === 'body') {
    const last = lastWord(head)?.toLowerCase();
    if (last && !NOT_NAMES.has(last)) { out.push(last); }
    return out;
  }
  // The look-behind starts a match only where a word starts: otherwise each character of a long word starts one.
  for (const d of head.matchAll(/(?<!\w)([A-Za-z_]\w*)\s*(?==(?!=)|,|;|$)/g)) {
    const name = d[1].toLowerCase();
    if (!NOT_NAMES.has(name)) { out.push(name); }
  }
  return out;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 0xa0 || c === 0xfeff;
}

/**
 * Whether a class-like member may hold code: a `{` in its body that does not open an array or
 * collection initializer (`new String[]{…}`, `new Map<K, V>{…}`), so a method body, accessor, block or
 * initializer. Braces in strings and comments count (true when unsure).
 */
export function holdsCode(text: string): boolean {
  const open = text.indexOf('{');
  for (let i = text.indexOf('{', open + 1); i >= 0; i = text.indexOf('{', i + 1)) {
    let j = i - 1;
    while (j > open && /\s/.test(text[j])) { j--; }
    if (text[j] !== ']' && text[j] !== '>') { return true; }
  }
  return false;
}
