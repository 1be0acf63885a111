/**
 * Tree-sitter helpers the fixes use to find what to rewrite in an Apex file: the literal an endpoint
 * comes from (directly, through `+` or through a constant / local), the `setHeader` statements of the
 * same request, and declarations that only held a removed secret.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { parseApex } from '../apex/parser';
import { LineIndex } from '../position';
import type { Range } from '../types';

export class ApexDoc {
  readonly lines: LineIndex;
  readonly tree: Tree;
  private idents?: Node[];
  constructor(readonly path: string, readonly text: string) {
    this.lines = new LineIndex(text);
    this.tree = parseApex(text);
  }
  dispose(): void { this.tree.delete(); }
  range(n: Node): Range { return this.lines.rangeOf(n.startIndex, n.endIndex); }
  /** Smallest named node covering the range. */
  nodeAt(r: Range): Node | undefined {
    const s = this.lines.offsetAt(r.start), e = this.lines.offsetAt(r.end);
    return this.tree.rootNode.namedDescendantForIndex(s, Math.max(s, e - 1)) ?? undefined;
  }
  private calls?: Node[];
  private byName?: Map<string, Node[]>;
  /** Every identifier node (cached), for reference counting. */
  identifiers(): Node[] {
    this.idents ??= descendants(this.tree.rootNode, 'identifier');
    return this.idents;
  }
  /** Identifiers by lower-cased name (cached). */
  identifiersNamed(lower: string): Node[] {
    if (!this.byName) {
      this.byName = new Map();
      for (const i of this.identifiers()) {
        const k = i.text.toLowerCase();
        const l = this.byName.get(k);
        if (l) { l.push(i); } else { this.byName.set(k, [i]); }
      }
    }
    return this.byName.get(lower) ?? [];
  }
  /** Every method invocation (cached). */
  invocations(): Node[] {
    this.calls ??= descendants(this.tree.rootNode, 'method_invocation');
    return this.calls;
  }
}

/** Descendants of a type, found natively (much cheaper than walking node by node from JS). */
export function descendants(n: Node, type: string): Node[] {
  return n.descendantsOfType(type).filter((x): x is Node => !!x);
}

export function ancestor(n: Node | null | undefined, types: readonly string[]): Node | undefined {
  for (let p = n?.parent; p; p = p.parent) { if (types.includes(p.type)) { return p; } }
  return undefined;
}

export const METHOD_TYPES = ['method_declaration', 'constructor_declaration'] as const;

export function walk(n: Node, visit: (n: Node) => boolean | void): void {
  const stack: Node[] = [n];
  while (stack.length) {
    const c = stack.pop()!;
    if (visit(c) === false) { continue; }
    for (let i = c.namedChildCount - 1; i >= 0; i--) { const k = c.namedChild(i); if (k) { stack.push(k); } }
  }
}

/** Unescapes the content of an Apex string literal node. */
export function literalValue(n: Node): string {
  const raw = n.text.slice(1, -1);
  return raw.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => c.length > 1 ? String.fromCharCode(parseInt(c.slice(1), 16))
    : c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === 'b' ? '\b' : c === 'f' ? '\f' : c);
}

const fieldCache = new WeakMap<Tree, Map<number, Map<string, Node>>>();

/** Field declarators of a class body by lower-cased name (cached per tree). */
function classFields(body: Node): Map<string, Node> {
  let perTree = fieldCache.get(body.tree);
  if (!perTree) { fieldCache.set(body.tree, perTree = new Map<number, Map<string, Node>>()); }
  let m = perTree.get(body.id);
  if (!m) {
    m = new Map();
    for (const st of body.namedChildren) {
      if (st?.type !== 'field_declaration') { continue; }
      for (const d of st.childrenForFieldName('declarator')) {
        const n = d?.childForFieldName('name')?.text.toLowerCase();
        if (d && n && !m.has(n)) { m.set(n, d); }
      }
    }
    perTree.set(body.id, m);
  }
  return m;
}

/** The `variable_declarator` a name refers to at `from`: locals and parameters in scope, then fields of the enclosing classes. */
export function findDeclaration(name: string, from: Node): Node | undefined {
  const lower = name.toLowerCase();
  const matches = (decl: Node) => decl.childForFieldName('name')?.text.toLowerCase() === lower;
  for (let scope = from.parent; scope; scope = scope.parent) {
    if (scope.type === 'class_body') {
      const hit = classFields(scope).get(lower);
      if (hit) { return hit; }
      continue;
    }
    if (scope.type === 'block' || scope.type === 'switch_block') {
      for (const st of scope.namedChildren) {
        if (!st) { continue; }
        if (st.startIndex > from.startIndex) { break; }
        if (st.type === 'local_variable_declaration') {
          for (const d of st.childrenForFieldName('declarator')) { if (d && matches(d)) { return d; } }
        }
      }
    }
    if (scope.type === 'method_declaration' || scope.type === 'constructor_declaration') {
      const params = scope.childForFieldName('parameters');
      for (const p of params?.namedChildren ?? []) {
        if (p?.type === 'formal_parameter' && p.childForFieldName('name')?.text.toLowerCase() === lower) { return undefined; }
      }
    }
    if (scope.type === 'for_statement' || scope.type === 'enhanced_for_statement' || scope.type === 'catch_clause') {
      let hit: Node | undefined;
      walk(scope, n => {
        if (hit || n.type === 'block') { return false; }
        if (n.type === 'variable_declarator' && matches(n)) { hit = n; }
        if (n.type === 'identifier' && n.parent === scope && n.text.toLowerCase() === lower) { hit = n; }
      });
      if (hit) { return hit.type === 'variable_declarator' ? hit : undefined; }
    }
  }
  return undefined;
}

/** The content of a literal in some file (an Apex string without its quotes, or an XML value as written). */
export interface TextSpan { path: string; lines: LineIndex; start: number; end: number; raw: string }

export interface Resolved {
  /** Literal text of the expression's start (up to the first part that is not a constant string). */
  text: string;
  /** Every part was literal: `text` is the whole value. */
  complete: boolean;
  /** The literal the value starts with (the one holding the origin of a URL), in the tree resolved. */
  first?: Node;
  /** When that literal is in another file (a constant of another class, a Custom Label): where. */
  firstSpan?: TextSpan;
  /** Declarators followed to get there. */
  via: Node[];
}

/** Resolves `Other.CONST` / `Label.X` through the project (the fix planner supplies it). */
export type ExternalResolver = (n: Node) => Resolved | undefined;

/** The content span of an Apex string literal node of `doc`. */
export function spanOf(doc: ApexDoc, lit: Node): TextSpan {
  return { path: doc.path, lines: doc.lines, start: lit.startIndex + 1, end: lit.endIndex - 1, raw: lit.text.slice(1, -1) };
}

/**
 * What an endpoint expression starts with: follows `+`, parentheses, identifiers and `this.x`, and
 * with `ext` the constants and labels other files define. Never throws.
 */
export function resolvePrefix(n: Node | null | undefined, depth = 0, ext?: ExternalResolver): Resolved {
  const none: Resolved = { text: '', complete: false, via: [] };
  if (!n || depth > 12) { return none; }
  switch (n.type) {
    case 'string_literal': return { text: literalValue(n), complete: true, first: n, via: [] };
    case 'parenthesized_expression': return resolvePrefix(n.namedChild(0), depth + 1, ext);
    case 'binary_expression': {
      if (n.childForFieldName('operator')?.text !== '+') { return none; }
      const l = resolvePrefix(n.childForFieldName('left'), depth + 1, ext);
      if (!l.complete) { return l; }
      const r = resolvePrefix(n.childForFieldName('right'), depth + 1, ext);
      const from = l.text ? l : r;
      return { text: l.text + r.text, complete: r.complete, first: from.first, firstSpan: from.firstSpan, via: [...l.via, ...r.via] };
    }
    case 'identifier': case 'field_access': {
      let name = n.text;
      if (n.type === 'field_access') {
        if (n.childForFieldName('object')?.text.toLowerCase() !== 'this') { return (ext && safe(() => ext(n))) ?? none; }
        name = n.childForFieldName('field')?.text ?? '';
      }
      const d = findDeclaration(name, n);
      let v = d?.childForFieldName('value') ?? undefined;
      if (d && !v) { v = singleAssignment(name, n); }
      if (!d || !v) { return none; }
      const r = resolvePrefix(v, depth + 1, ext);
      return { ...r, via: [d, ...r.via] };
    }
    case 'method_invocation': {
      // One hop into a same-class method without arguments that returns an expression: `authorization()`.
      const m = localMethod(n);
      const ret = m ? singleReturn(m) : undefined;
      if (!ret) { return none; }
      const r = resolvePrefix(ret, depth + 1, ext);
      return { ...r, via: [m!, ...r.via] };
    }
    default: return none;
  }
}

function safe<T>(f: () => T): T | undefined { try { return f(); } catch { return undefined; } }

/** `String url; … url = '…';` — the value of the only plain assignment to a name earlier in the method. */
function singleAssignment(name: string, use: Node): Node | undefined {
  const method = ancestor(use, METHOD_TYPES);
  if (!method) { return undefined; }
  const lower = name.toLowerCase();
  const hits = descendants(method, 'assignment_expression').filter(a => a.startIndex < use.startIndex
    && a.childForFieldName('left')?.text.toLowerCase() === lower);
  if (hits.length !== 1 || hits[0].childForFieldName('operator')?.text !== '=') { return undefined; }
  return hits[0].childForFieldName('right') ?? undefined;
}

/** The same-class method a call without receiver (or on `this`) and without arguments invokes. */
export function localMethod(call: Node): Node | undefined {
  const obj = call.childForFieldName('object');
  if ((obj && obj.text.toLowerCase() !== 'this') || callArgs(call).length) { return undefined; }
  const name = call.childForFieldName('name')?.text.toLowerCase();
  const body = ancestor(call, ['class_body']);
  for (const m of body?.namedChildren ?? []) {
    if (m?.type === 'method_declaration' && m.childForFieldName('name')?.text.toLowerCase() === name
      && !(m.childForFieldName('parameters')?.namedChildCount)) { return m; }
  }
  return undefined;
}

/** The expression of a method whose body is exactly `return <expr>;`. */
export function singleReturn(method: Node): Node | undefined {
  const body = method.childForFieldName('body');
  const stmts = (body?.namedChildren ?? []).filter((x): x is Node => !!x && !x.type.endsWith('comment'));
  return stmts.length === 1 && stmts[0].type === 'return_statement' ? stmts[0].namedChild(0) ?? undefined : undefined;
}

/** The `x.setEndpoint(...)` invocation an argument belongs to, if any. */
export function enclosingCall(n: Node, names: readonly string[]): Node | undefined {
  for (let p: Node | null = n; p; p = p.parent) {
    if (p.type === 'method_invocation' && names.includes(p.childForFieldName('name')?.text.toLowerCase() ?? '')) { return p; }
    if (p.type.endsWith('statement') || p.type === 'block') { return undefined; }
  }
  return undefined;
}

export function callArgs(call: Node): Node[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((x): x is Node => !!x);
}

/** `x.setHeader(...)` invocations on the same receiver inside a method. */
export function headerCalls(method: Node, receiver: string): Node[] {
  const r = receiver.toLowerCase().replace(/\s+/g, '');
  return descendants(method, 'method_invocation').filter(n => n.childForFieldName('name')?.text.toLowerCase() === 'setheader'
    && n.childForFieldName('object')?.text.toLowerCase().replace(/\s+/g, '') === r);
}

/**
 * The text span removing a statement: the whole line(s) when the statement is alone on its line(s),
 * else just the statement. Offsets [start, end).
 */
export function statementSpan(doc: ApexDoc, st: Node): [number, number] {
  const t = doc.text;
  let s = st.startIndex, e = st.endIndex;
  let ls = s;
  while (ls > 0 && (t[ls - 1] === ' ' || t[ls - 1] === '\t')) { ls--; }
  let le = e;
  while (le < t.length && (t[le] === ' ' || t[le] === '\t')) { le++; }
  const atLineStart = ls === 0 || t[ls - 1] === '\n' || t[ls - 1] === '\r';
  const atLineEnd = le === t.length || t[le] === '\n' || t[le] === '\r';
  if (atLineStart && atLineEnd) {
    s = ls;
    e = le + (t.startsWith('\r\n', le) ? 2 : le < t.length ? 1 : 0);
  } else if (atLineEnd) {
    s = ls; // keep code before it, drop the trailing blanks with it
  } else {
    e = le; // something follows on the line (a comment or more code): drop the blanks between
  }
  return [s, e];
}

/** Whether an initializer is only data (literals, names, +, EncodingUtil/Blob/String helpers): removing it loses no side effect. */
export function isPureValue(n: Node): boolean {
  let pure = true;
  walk(n, c => {
    if (!pure) { return false; }
    if (c.type === 'method_invocation') {
      const obj = c.childForFieldName('object')?.text.toLowerCase() ?? '';
      const name = c.childForFieldName('name')?.text.toLowerCase() ?? '';
      const ok = (['encodingutil', 'blob', 'string'].includes(obj)) || ['trim', 'tostring', 'touppercase', 'tolowercase'].includes(name);
      if (!ok) { pure = false; }
    } else if (['object_creation_expression', 'assignment_expression', 'update_expression', 'lambda_expression'].includes(c.type)) {
      pure = false;
    }
  });
  return pure;
}
