import type { LineIndex } from '../position';
import type { XmlComment, XmlDocument, XmlElement } from './document';

/**
 * A small, tolerant, non-validating XML parser with exact positions, written for metadata files:
 * prolog, DOCTYPE (skipped), namespaces (default and prefixed), attributes, the five predefined
 * entities and character references, CDATA and comments. One pass with `indexOf`; no regex per char.
 *
 * Never throws. The first well-formedness error stops the parse: `error` holds the message and its
 * range, `root` holds the elements read so far (unclosed ones end where the error is).
 */
export function parseXml(text: string, lines: LineIndex): XmlDocument {
  try {
    return new Parser(text, lines).run();
  } catch (e) {
    // Defensive: the parser is written not to throw; if it ever does, report it as malformed XML.
    return { comments: [], error: { message: `XML parser failure: ${(e as Error).message}`, range: lines.rangeOf(0, 0) } };
  }
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes entity and character references; unknown entities are kept as written. */
export function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) { return s; }
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);/g, (m, e: string) => {
    if (e.charCodeAt(0) === 35 /* # */) {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return PREDEFINED[e] ?? m;
  });
}

function isWs(c: number): boolean { return c === 32 || c === 10 || c === 13 || c === 9; }
/** Characters that end a name: white space, `/`, `>`, `=`, `<`, quotes. */
function endsName(c: number): boolean {
  return isWs(c) || c === 47 || c === 62 || c === 61 || c === 60 || c === 34 || c === 39 || Number.isNaN(c);
}

interface Open {
  el: XmlElement;
  /** Offset just after the start tag's `>`. */
  contentStart: number;
  /** Namespace bindings in scope (prefix → uri; '' = default). */
  ns: Record<string, string>;
  textParts: string[] | undefined;
}

class Parser {
  private i = 0;
  private readonly stack: Open[] = [];
  private readonly comments: XmlComment[] = [];
  private root: XmlElement | undefined;
  private error: XmlDocument['error'];

  constructor(private readonly s: string, private readonly lines: LineIndex) {}

  run(): XmlDocument {
    const s = this.s;
    const n = s.length;
    if (s.charCodeAt(0) === 0xfeff) { this.i = 1; }
    while (this.i < n && !this.error) {
      const lt = s.indexOf('<', this.i);
      if (lt < 0) { this.text(this.i, n); this.i = n; break; }
      if (lt > this.i) { this.text(this.i, lt); if (this.error) { break; } }
      this.i = lt;
      const c1 = s.charCodeAt(lt + 1);
      if (c1 === 47 /* / */) { this.endTag(); }
      else if (c1 === 63 /* ? */) { this.skipTo('?>', 'processing instruction'); }
      else if (c1 === 33 /* ! */) {
        if (s.startsWith('<!--', lt)) { this.comment(); }
        else if (s.startsWith('<![CDATA[', lt)) { this.cdata(); }
        else if (s.startsWith('<!DOCTYPE', lt)) { this.doctype(); }
        else { this.fail(lt, lt + 2, 'unexpected "<!"'); }
      } else { this.startTag(); }
    }
    if (!this.error && this.stack.length) {
      const top = this.stack[this.stack.length - 1].el;
      this.fail(n, n, `unexpected end of file: <${top.name}> (line ${top.range.start.line + 1}) is not closed`);
    }
    if (!this.error && !this.root) { this.fail(n, n, 'no root element'); }
    return { root: this.root, comments: this.comments, ...(this.error ? { error: this.error } : {}) };
  }

  private fail(start: number, end: number, message: string): void {
    if (this.error) { return; }
    this.error = { message, range: this.lines.rangeOf(start, end) };
    // Close what is open so callers get consistent ranges for the partial tree.
    const at = Math.min(Math.max(start, 0), this.s.length);
    while (this.stack.length) { this.close(this.stack.pop()!, at, at); }
  }

  private text(from: number, to: number): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      for (let k = from; k < to; k++) {
        if (!isWs(this.s.charCodeAt(k))) { this.fail(k, k + 1, 'text outside the root element'); return; }
      }
      return;
    }
    const raw = this.s.slice(from, to);
    (top.textParts ??= []).push(decodeEntities(raw));
  }

  private skipTo(end: string, what: string): number {
    const j = this.s.indexOf(end, this.i + 2);
    if (j < 0) { this.fail(this.i, this.s.length, `unterminated ${what}`); this.i = this.s.length; return -1; }
    this.i = j + end.length;
    return j;
  }

  private comment(): void {
    const start = this.i;
    const j = this.skipTo('-->', 'comment');
    if (j >= 0) { this.comments.push({ text: this.s.slice(start + 4, j), range: this.lines.rangeOf(start, j + 3) }); }
  }

  private cdata(): void {
    const start = this.i;
    const j = this.skipTo(']]>', 'CDATA section');
    if (j < 0) { return; }
    const top = this.stack[this.stack.length - 1];
    if (!top) { this.fail(start, j + 3, 'CDATA outside the root element'); return; }
    (top.textParts ??= []).push(this.s.slice(start + 9, j));
  }

  private doctype(): void {
    // Skip to the closing `>`, stepping over an internal subset `[...]`.
    const s = this.s;
    let k = this.i + 9, depth = 0;
    for (; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c === 91) { depth++; } else if (c === 93) { depth--; } else if (c === 62 && depth <= 0) { break; }
    }
    if (k >= s.length) { this.fail(this.i, s.length, 'unterminated DOCTYPE'); this.i = s.length; return; }
    this.i = k + 1;
  }

  private readName(): string {
    const s = this.s;
    const from = this.i;
    while (this.i < s.length && !endsName(s.charCodeAt(this.i))) { this.i++; }
    return s.slice(from, this.i);
  }

  private skipWs(): void {
    const s = this.s;
    while (this.i < s.length && isWs(s.charCodeAt(this.i))) { this.i++; }
  }

  private startTag(): void {
    const s = this.s;
    const start = this.i;
    this.i++;
    const name = this.readName();
    if (!name) { this.fail(start, start + 1, 'expected an element name after "<"'); return; }
    if (this.stack.length === 0 && this.root) { this.fail(start, this.i, `second root element <${name}>: a document has one root`); return; }
    const attributes: Record<string, string> = {};
    let nsDecl: Record<string, string> | undefined;
    for (;;) {
      const before = this.i;
      this.skipWs();
      const c = s.charCodeAt(this.i);
      if (c === 62 /* > */) { this.i++; break; }
      if (c === 47 /* / */) {
        if (s.charCodeAt(this.i + 1) !== 62) { this.fail(this.i, this.i + 1, `expected "/>" in <${name}>`); return; }
        this.i += 2;
        this.open(name, attributes, nsDecl, start, true);
        return;
      }
      if (Number.isNaN(c)) { this.fail(start, s.length, `unexpected end of file in the start tag <${name}>`); return; }
      if (this.i === before) { this.fail(this.i, this.i + 1, `expected white space before an attribute in <${name}>`); return; }
      const attrStart = this.i;
      const attr = this.readName();
      if (!attr) { this.fail(this.i, this.i + 1, `unexpected "${s[this.i]}" in the start tag <${name}>`); return; }
      this.skipWs();
      if (s.charCodeAt(this.i) !== 61 /* = */) { this.fail(attrStart, this.i, `attribute "${attr}" has no value`); return; }
      this.i++;
      this.skipWs();
      const q = s.charCodeAt(this.i);
      if (q !== 34 && q !== 39) { this.fail(this.i, this.i + 1, `the value of attribute "${attr}" must be quoted`); return; }
      const close = s.indexOf(q === 34 ? '"' : "'", this.i + 1);
      if (close < 0) { this.fail(attrStart, s.length, `unterminated value of attribute "${attr}"`); return; }
      const raw = s.slice(this.i + 1, close);
      if (raw.indexOf('<') >= 0) { this.fail(this.i, close + 1, `"<" in the value of attribute "${attr}"`); return; }
      const value = decodeEntities(raw);
      this.i = close + 1;
      if (!(attr in attributes)) { attributes[attr] = value; }
      if (attr === 'xmlns') { (nsDecl ??= {})[''] = value; }
      else if (attr.startsWith('xmlns:')) { (nsDecl ??= {})[attr.slice(6)] = value; }
    }
    this.open(name, attributes, nsDecl, start, false);
  }

  private open(name: string, attributes: Record<string, string>, nsDecl: Record<string, string> | undefined,
    start: number, selfClosing: boolean): void {
    const parentOpen = this.stack[this.stack.length - 1];
    let ns = parentOpen?.ns ?? ROOT_NS;
    if (nsDecl) { ns = Object.assign(Object.create(ns) as Record<string, string>, nsDecl); }
    const colon = name.indexOf(':');
    const prefix = colon >= 0 ? name.slice(0, colon) : '';
    const local = colon >= 0 ? name.slice(colon + 1) : name;
    const el: XmlElement = {
      name, local, ns: ns[prefix] ?? '', attributes, children: [], text: '',
      range: ZERO, valueRange: ZERO, start, end: start,
      ...(parentOpen ? { parent: parentOpen.el } : {}),
    };
    if (parentOpen) { parentOpen.el.children.push(el); } else { this.root = el; }
    const o: Open = { el, contentStart: this.i, ns, textParts: undefined };
    if (selfClosing) { this.close(o, this.i, this.i); } else { this.stack.push(o); }
  }

  private endTag(): void {
    const s = this.s;
    const start = this.i;
    this.i += 2;
    const name = this.readName();
    this.skipWs();
    if (s.charCodeAt(this.i) !== 62) { this.fail(start, this.i, `expected ">" to end </${name}>`); return; }
    this.i++;
    const top = this.stack[this.stack.length - 1];
    if (!top) { this.fail(start, this.i, `closing tag </${name}> without an opening tag`); return; }
    if (top.el.name !== name) {
      // The open element's range is set when it closes: its line comes from where it starts.
      this.fail(start, this.i, `closing tag </${name}> does not match <${top.el.name}> (line ${this.lines.positionAt(top.el.start).line + 1})`);
      return;
    }
    this.stack.pop();
    this.close(top, start, this.i);
  }

  /** Finishes an element: `contentEnd` is where its content stops (`</`), `end` after its last `>`. */
  private close(o: Open, contentEnd: number, end: number): void {
    const el = o.el;
    el.end = end;
    el.text = o.textParts ? (o.textParts.length === 1 ? o.textParts[0] : o.textParts.join('')) : '';
    el.range = this.lines.rangeOf(el.start, end);
    // Value span: trimmed content for a leaf; the whole inner content when there are children.
    let a = o.contentStart, b = Math.max(contentEnd, a);
    const s = this.s;
    while (a < b && isWs(s.charCodeAt(a))) { a++; }
    while (b > a && isWs(s.charCodeAt(b - 1))) { b--; }
    el.valueRange = a < b ? this.lines.rangeOf(a, b) : el.range;
  }
}

const ROOT_NS: Record<string, string> = { xml: 'http://www.w3.org/XML/1998/namespace' };
const ZERO = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
