import { Query, type Language, type Node, type QueryCapture, type Tree } from 'web-tree-sitter';
import { besidePlus, literalEnd } from './literals';
import type { LineIndex } from '../position';
import type { ProjectIndex } from '../project';
import { findRecord, recordsOfType, recordValue, resolveName, type SymbolPart } from '../symbols';
import type { Range } from '../types';

/**
 * The Apex front end's view of one file, built once from the tree-sitter tree and shared by every
 * Apex rule: string literals, method calls, declarations, assignments, test ranges and a resolver
 * that says what an expression holds within the file (see /work/notes/apex-model.md).
 *
 * Apex is case-insensitive: every `*Lower` field is the lower-cased identifier and is what rules compare.
 */
export interface ApexFile {
  readonly tree: Tree;
  readonly lines: LineIndex;
  /** Ranges of `@IsTest` classes and methods (and `testMethod` methods): findings inside are dropped unless tests are included. */
  readonly testRanges: Range[];
  /** Where the first ERROR or MISSING node is, when the text does not parse cleanly. */
  readonly syntaxError?: Range;
  /** Every string literal, in document order. */
  readonly strings: StringLit[];
  /** Every method invocation, in document order (outer calls before the calls nested in them). */
  readonly calls: MethodCall[];
  /** Fields, properties, constants, locals, parameters (catch and for-each variables included). */
  readonly variables: VarDecl[];
  /** `x = …`, `x += …`, `this.x = …`, `obj.x = …` (other compound operators are recorded with op '=' and the whole assignment as value). */
  readonly assignments: Assign[];
  /** Method, constructor and getter declarations. */
  readonly methods: MethodDecl[];
  /**
   * What an expression holds, within this file. Never throws; unknown parts are dynamic. Cached per node.
   * With `{ project: true }` (callout sinks) it also follows what the project index defines elsewhere:
   * `Other.CONST`, `Outer.Inner.CONST`, `Label.X`, custom metadata reads (`T__mdt.getInstance('R').F__c`,
   * `getAll().get('R')`, `getAll().values()`). Parts that come from another file have `lives` set and
   * the range of the use in this file. Sinks also follow a variable that extends itself
   * (`url = url + '&a=…'`) back through up to MAX_SELF_READS of its assignments.
   */
  resolve(expr: Node, opts?: { project?: boolean }): Resolved;
  /** The declaration an identifier (or `this.x`) refers to at its position, if it is declared in this file. */
  declarationOf(ref: Node): VarDecl | undefined;
  /** 0-based range of a node. */
  nodeRange(n: Node): Range;
  /** Whether a node lies inside a test class or method. */
  isInTest(n: Node): boolean;
  /** Calls whose name (lower-cased) is one of `namesLower`, e.g. `callsNamed('setheader')`. */
  callsNamed(...namesLower: string[]): MethodCall[];
  /** Calls inside one method, constructor, getter or initializer (undefined: outside any, e.g. a trigger body), in document order. */
  callsInMethod(method: Node | undefined): MethodCall[];
  /** The outermost `+` chains (through parentheses) with a string literal operand, each once, in document order. */
  concatenations(): Node[];
  /** Where resolve() stopped early because a value had more than MAX_RESOLVED_PARTS parts (the rest is dynamic). */
  readonly capped: Range[];
  /**
   * The character ranges the model covers ([start, end), sorted), when it was built for part of the file
   * (the member-level pre-check, `members.ts`): literals, calls, declarations… elsewhere are not in it.
   * Undefined: the whole file.
   */
  readonly modelled?: ReadonlyArray<readonly [number, number]>;
}

export interface StringLit {
  node: Node;
  /** The literal's value, quotes removed and escapes (`\'`, `\n`, `\\`, `\uXXXX`) decoded. */
  value: string;
  range: Range;
}

export interface MethodCall {
  node: Node;
  /** The method name as written. */
  name: string;
  nameLower: string;
  /** The receiver's source text with whitespace removed ('req', 'System', 'this.req', 'new Http()'); absent for unqualified calls. */
  receiverText?: string;
  receiver?: Node;
  /** `receiver.name` lower-cased ('req.setheader', 'system.debug'), or just the name for unqualified calls. */
  qualifiedLower: string;
  /** Argument expressions (comments excluded). */
  args: Node[];
  range: Range;
  enclosingMethod?: Node;
  enclosingClass?: Node;
}

export interface VarDecl {
  name: string;
  nameLower: string;
  /** The declarator (`variable_declarator`, `formal_parameter` or for-each statement name). */
  node: Node;
  /** The declared type as written ('String', 'HttpRequest', 'Map<String,String>'). */
  typeText: string;
  typeLower: string;
  kind: 'field' | 'local' | 'param';
  isStatic: boolean;
  isFinal: boolean;
  init?: Node;
  /** Range of the declarator (name and initializer). */
  range: Range;
  /** Where the declaration is visible: the class body for fields, the method for parameters, the enclosing block for locals. */
  scopeNode: Node;
  enclosingClass?: Node;
  enclosingMethod?: Node;
  /** For properties with a `get { … }` body: that accessor. */
  getter?: Node;
  /** Offsets of scopeNode (start inclusive, end exclusive), cached to avoid tree queries. */
  scopeSpan: readonly [number, number];
  /** Offset where the declaration starts. */
  start: number;
}

export interface Assign {
  /** Lower-cased name of the assigned variable or field (the last segment for `a.b.c = …`). */
  nameLower: string;
  op: '=' | '+=';
  value: Node;
  node: Node;
  range: Range;
  /** The left-hand side as written ('token', 'this.token', 'stub.endpoint_x'). */
  targetText: string;
  /** The left-hand side is a plain identifier or `this.x` (so it assigns a variable of this class). */
  isSimple: boolean;
  enclosingMethod?: Node;
  enclosingClass?: Node;
  /** Offsets of the assignment expression. */
  start: number;
  end: number;
}

export interface MethodDecl {
  name: string;
  nameLower: string;
  node: Node;
  /** `method`, `constructor` or `getter` (a property's get accessor). */
  kind: 'method' | 'constructor' | 'getter';
  params: VarDecl[];
  /** The expressions of its return statements. */
  returns: Node[];
  enclosingClass?: Node;
  isStatic: boolean;
}

export type ResolvedPart =
  | { kind: 'literal'; value: string; range: Range; path?: string;
      /** Set when the value is written in another file (a constant of another class, a label, a custom metadata record): where. */
      lives?: { path: string; range: Range };
      /** The innermost variable/constant whose declaration or assignment held this literal, and where. */
      declaredAs?: string; declRange?: Range;
      /** Set for `EncodingUtil.base64Encode(Blob.valueOf(<literal>))`: value is the base64, source the literal before
       *  encoding, inner the literal parts it was built from (with their own ranges and declarations). */
      encoding?: 'base64'; source?: string; inner?: ResolvedPart[] }
  | { kind: 'dynamic'; text: string; range: Range; sessionId?: boolean;
      /** For `c ? a : b`: what each branch holds (rules that care about "any branch" look here). */
      alternatives?: Resolved[] };

export interface Resolved {
  parts: ResolvedPart[];
  /** Every part is a literal (a constant string). */
  isLiteral: boolean;
  /** Literal parts joined, dynamic parts as `{expr}`. */
  text: string;
  /** The literal text before the first dynamic part. */
  literalPrefix: string;
  /** Declarations and assignments consulted (for related information), in the order they were used. */
  via: Range[];
}

// ---------------------------------------------------------------------------------------------

const QUERY_SOURCE = `
(string_literal) @str
(multi_line_string_literal) @str
(method_invocation name: (identifier) @callname) @call
(field_declaration) @decl
(local_variable_declaration) @decl
(constant_declaration) @decl
(field_declaration declarator: (variable_declarator name: (identifier) @declname))
(local_variable_declaration declarator: (variable_declarator name: (identifier) @declname))
(constant_declaration declarator: (variable_declarator name: (identifier) @declname))
(formal_parameter) @param
(enhanced_for_statement) @foreach
(assignment_expression) @assign
(return_statement) @ret
(annotation) @ann
(testMethod) @testmethod
(method_declaration) @scope
(constructor_declaration) @scope
(accessor_declaration) @scope
(static_initializer) @scope
(class_declaration) @scope
(interface_declaration) @scope
(enum_declaration) @scope
(trigger_declaration) @scope
(block) @scope
(for_statement) @scope
(catch_clause) @scope
`;

const queries = new WeakMap<Language, Query>();
const STRING_TYPES = new Set(['string_literal', 'multi_line_string_literal']);
/** Nodes a `+` chain runs through: `a + (b + c)` is one value. */
const CHAIN_TYPES = new Set(['binary_expression', 'parenthesized_expression']);

/** Whether the literal starting at `start` is an operand of `+` (text-level pre-check; the tree decides). */
function besidePlusText(text: string, start: number): boolean {
  return besidePlus(text, start, literalEnd(text, start));
}
function queryFor(lang: Language): Query {
  let q = queries.get(lang);
  if (!q) { q = new Query(lang, QUERY_SOURCE); queries.set(lang, q); }
  return q;
}

const CLASS_TYPES = new Set(['class_declaration', 'interface_declaration', 'enum_declaration', 'trigger_declaration']);
const METHOD_TYPES = new Set(['method_declaration', 'constructor_declaration', 'accessor_declaration', 'static_initializer']);
const COMMENT_TYPES = new Set(['line_comment', 'block_comment']);

/** Decodes an Apex string literal's source text (with its quotes) to its value. */
export function unescapeApexString(raw: string): string {
  let s = raw;
  if (s.startsWith("'''") && s.endsWith("'''") && s.length >= 6) { s = s.slice(3, -3); }
  else if (s.length >= 2 && s.startsWith("'") && s.endsWith("'")) { s = s.slice(1, -1); }
  else if (s.startsWith("'")) { s = s.slice(1); }
  if (s.indexOf('\\') < 0) { return s; }
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'b': return '\b';
      case 'f': return '\f';
      case 'u': return e.length === 5 ? String.fromCharCode(parseInt(e.slice(1), 16)) : e;
      default: return e;
    }
  });
}

function rangeOfNode(n: Node): Range {
  const s = n.startPosition, e = n.endPosition;
  return { start: { line: s.row, character: s.column }, end: { line: e.row, character: e.column } };
}

function argsOf(list: Node | null): Node[] {
  if (!list) { return []; }
  const out: Node[] = [];
  for (const c of list.namedChildren) { if (c && !COMMENT_TYPES.has(c.type)) { out.push(c); } }
  return out;
}

function firstExpr(n: Node): Node | undefined {
  for (const c of n.namedChildren) { if (c && !COMMENT_TYPES.has(c.type)) { return c; } }
  return undefined;
}

interface Modifiers { isStatic: boolean; isFinal: boolean; annotations: string[]; testMethod: boolean }

function modifiersOf(decl: Node): Modifiers {
  const out: Modifiers = { isStatic: false, isFinal: false, annotations: [], testMethod: false };
  for (const c of decl.namedChildren) {
    if (c?.type === 'modifiers') { addModifiers(c, out); }
  }
  return out;
}

/** Reads one `modifiers` node into `out`. */
function addModifiers(c: Node, out: Modifiers): void {
  {
    for (const m of c.namedChildren) {
      if (!m) { continue; }
      if (m.type === 'annotation') { out.annotations.push((m.childForFieldName('name')?.text ?? '').toLowerCase()); continue; }
      // A well-formed `modifier` is one keyword token, so its text names it (no child Node to allocate);
      // with_sharing etc. read 'with sharing' this way, which is none of the three keywords compared below.
      const k = (m.type === 'modifier' && !m.hasError ? m.text : (m.firstNamedChild?.type ?? m.text)).toLowerCase();
      if (k === 'static') { out.isStatic = true; }
      if (k === 'final') { out.isFinal = true; }
      if (k === 'testmethod') { out.testMethod = true; }
    }
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 of the UTF-8 bytes of `value`, as EncodingUtil.base64Encode(Blob.valueOf(value)) gives (no Node Buffer: core runs anywhere). */
export function base64(value: string): string {
  const bytes = new TextEncoder().encode(value);
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] + (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
  }
  return out;
}

/** Document order: by start, then outer (longer) before inner; the sort is stable. */
function byPosition(a: QueryCapture, b: QueryCapture): number { return a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex; }
/**
 * Whether the captures are already in document order (then a stable sort would return them unchanged).
 * The query yields them by start; `endIndex` crosses into WebAssembly, so it is read only for captures
 * that start at the same offset.
 */
function inOrder(caps: QueryCapture[]): boolean {
  for (let i = 1; i < caps.length; i++) {
    const a = caps[i - 1].node, b = caps[i].node;
    if (a.startIndex > b.startIndex || (a.startIndex === b.startIndex && a.endIndex < b.endIndex)) { return false; }
  }
  return true;
}

interface Scope { node: Node; type: string; start: number; end: number; span?: number; call?: Call }
/** The declaration whose declarator names are being captured (see ApexModel.addDeclarator). */
interface OpenDecl { info: DeclInfo; kind: 'field' | 'local'; scope: Scope; span: readonly [number, number]; cls?: Node; method?: Node }
const CALL_TYPE = new Set(['call']);

/** A string literal; its range is computed on first use. */
class Str implements StringLit {
  readonly value: string;
  private r?: Range;
  constructor(readonly node: Node) { this.value = unescapeApexString(node.text); }
  get range(): Range { return (this.r ??= rangeOfNode(this.node)); }
}

/** What the declarators of one field/local/constant declaration share, read from the tree on first use. */
class DeclInfo {
  private read = false;
  private typeTextV = '';
  private isStaticV = false;
  private isFinalV = false;
  private getterV?: Node;
  constructor(private readonly decl: Node) {}
  private load(): void {
    if (this.read) { return; }
    this.read = true;
    const decl = this.decl;
    let typeNode: Node | undefined;
    let isStatic = decl.type === 'constant_declaration', isFinal = isStatic;
    let mods: Modifiers | undefined;
    for (const c of decl.namedChildren) {
      if (!c) { continue; }
      switch (c.type) {
        case 'variable_declarator': break;
        case 'modifiers': mods ??= { isStatic: false, isFinal: false, annotations: [], testMethod: false }; addModifiers(c, mods); break;
        case 'accessor_list':
          for (const a of c.namedChildren) {
            if (a?.type === 'accessor_declaration' && a.childForFieldName('accessor')?.text.toLowerCase() === 'get' && a.childForFieldName('body')) { this.getterV = a; }
          }
          break;
        case 'line_comment': case 'block_comment': break;
        default: typeNode ??= c;
      }
    }
    if (mods) { isStatic ||= mods.isStatic; isFinal ||= mods.isFinal; }
    this.isStaticV = isStatic;
    this.isFinalV = isFinal;
    this.typeTextV = typeNode ? typeNode.text.replace(/\s+/g, '') : '';
  }
  get typeText(): string { this.load(); return this.typeTextV; }
  get isStatic(): boolean { this.load(); return this.isStaticV; }
  get isFinal(): boolean { this.load(); return this.isFinalV; }
  get getter(): Node | undefined { this.load(); return this.getterV; }
}

/** A variable declarator of a field/local/constant declaration; see DeclInfo for what is read lazily. */
class DeclaredVar implements VarDecl {
  readonly name: string;
  readonly nameLower: string;
  readonly start: number;
  private nodeV?: Node;
  private initV?: Node | null;
  private rangeV?: Range;
  private typeLowerV?: string;
  /** `nameNode`: the declarator's name, as the query captured it (the declarator starts with it). */
  constructor(private readonly info: DeclInfo, private readonly nameNode: Node, readonly kind: 'field' | 'local',
    readonly scopeNode: Node, readonly scopeSpan: readonly [number, number], readonly enclosingClass: Node | undefined,
    readonly enclosingMethod: Node | undefined) {
    this.name = nameNode.text;
    this.nameLower = this.name.toLowerCase();
    this.start = nameNode.startIndex;
  }
  /** The declarator, read from the tree when a rule or a resolution first needs it (most fields are never resolved). */
  get node(): Node { return (this.nodeV ??= this.nameNode.parent ?? this.nameNode); }
  get typeText(): string { return this.info.typeText; }
  get typeLower(): string { return (this.typeLowerV ??= this.info.typeText.toLowerCase()); }
  get isStatic(): boolean { return this.info.isStatic; }
  get isFinal(): boolean { return this.info.isFinal; }
  get getter(): Node | undefined { return this.info.getter; }
  get init(): Node | undefined {
    if (this.initV === undefined) { this.initV = this.node.childForFieldName('value'); }
    return this.initV ?? undefined;
  }
  get range(): Range { return (this.rangeV ??= rangeOfNode(this.node)); }
}

/** A method call; receiver, arguments and range are read from the tree on first use. */
class Call implements MethodCall {
  name = '';
  nameLower = '';
  private recv?: Node | null;
  private recvText?: string | null;
  private argList?: Node[];
  private r?: Range;
  constructor(readonly node: Node, readonly enclosingMethod: Node | undefined, readonly enclosingClass: Node | undefined) {}
  get receiver(): Node | undefined {
    if (this.recv === undefined) { this.recv = this.node.childForFieldName('object'); }
    return this.recv ?? undefined;
  }
  get receiverText(): string | undefined {
    if (this.recvText === undefined) { const r = this.receiver; this.recvText = r ? compact(r.text) : null; }
    return this.recvText ?? undefined;
  }
  private q?: string;
  get qualifiedLower(): string {
    const t = this.receiverText;
    return (this.q ??= t ? `${t.toLowerCase()}.${this.nameLower}` : this.nameLower);
  }
  get args(): Node[] { return (this.argList ??= argsOf(this.node.childForFieldName('arguments'))); }
  get range(): Range { return (this.r ??= rangeOfNode(this.node)); }
}
interface Span { node: Node; start: number; end: number; parent: number }

/** Index of the innermost span containing `pos` (spans in document order, properly nested), or -1. */
function innermostSpan(spans: Span[], pos: number): number {
  let lo = 0, hi = spans.length - 1, at = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].start <= pos) { at = mid; lo = mid + 1; } else { hi = mid - 1; }
  }
  while (at >= 0 && spans[at].end <= pos) { at = spans[at].parent; }
  return at;
}
interface Env { bindings: Map<VarDecl, Node>; parent?: Env; hops: number }

const MAX_DEPTH = 48;
/** A resolved value with more parts than this is cut (a dynamic `…` part ends it) and the place listed in `capped`. */
export const MAX_RESOLVED_PARTS = 20000;
const MAX_METHOD_HOPS = 2;
/**
 * How far back a variable that extends itself is followed (`url = url + '&a=…'`, one line per part):
 * URLs are built in a few such lines; a long chain (an XML body, line by line) keeps its last lines.
 */
const MAX_SELF_READS = 8;
const MAX_CALL_SITES = 8;
const DYN_TEXT_MAX = 80;

/**
 * Builds the model with one pass over the tree (a tree-sitter query, iterative, no recursion).
 * `only`: model just these character ranges (sorted, disjoint; see `members.ts`), not the whole file.
 */
export function buildApexFile(tree: Tree, lines: LineIndex, project?: ProjectIndex, only?: ReadonlyArray<readonly [number, number]>): ApexFile {
  return new ApexModel(tree, lines, project, only);
}

class ApexModel implements ApexFile {
  readonly testRanges: Range[] = [];
  readonly syntaxError?: Range;
  readonly strings: StringLit[] = [];
  readonly calls: MethodCall[] = [];
  readonly variables: VarDecl[] = [];
  readonly assignments: Assign[] = [];
  readonly methods: MethodDecl[] = [];

  /** Locals and parameters by enclosing method id (or -1) and name; fields by class id (or -1) and name. */
  private readonly localIndex = new ScopedNames<VarDecl>();
  private readonly fieldIndex = new ScopedNames<VarDecl>();
  /** Assignments by method id and name, by class id and name (simple targets), and by name (`Type.x = …`). */
  private readonly assignsInMethod = new ScopedNames<Assign>();
  private readonly assignsInClass = new ScopedNames<Assign>();
  private readonly assignsQualified = new Map<string, Assign[]>();
  private readonly assignsOf = new Map<VarDecl, Assign[]>();
  /** Methods by class id and name. */
  private readonly methodIndex = new ScopedNames<MethodDecl>();
  private readonly methodByNodeId = new Map<number, MethodDecl>();
  private readonly classesByName = new Map<string, Node[]>();
  /** Class-like and method-like scopes in document order, with the index of the enclosing one of the same kind. */
  private readonly classSpans: Span[] = [];
  private readonly methodSpans: Span[] = [];
  private readonly callsByName = new Map<string, MethodCall[]>();
  private readonly callsByMethod = new Map<number, MethodCall[]>();
  /** Calls by outermost class id and name: the call sites a class's own methods can have. */
  private readonly callsByOuterClass = new ScopedNames<MethodCall>();
  private readonly cache = new Map<number, Resolved>();
  private readonly testSpans: Array<[number, number]> = [];
  readonly capped: Range[] = [];
  private concatCache?: Node[];
  /**
   * resDecl results that depended on nothing but the declaration, the use's method and the depth: no
   * parameter binding and no cycle cut (so any other use with the same key gets the same parts).
   */
  private readonly declMemo = new Map<string, { parts: ResolvedPart[]; via: Range[] }>();
  /** Cycle cuts so far, read around a resDecl to know whether its result may be memoised. */
  private cuts = 0;
  private partsCut = false;
  /** `x = <value>` assignments whose value is being resolved, innermost last; `read`: `x` was read inside it (`url = url + '/x'`). */
  private readonly expanding: Array<{ d: VarDecl; value: Node; read: boolean }> = [];

  private readonly projectCache = new Map<number, Resolved>();
  /** Set while a `{ project: true }` resolution runs. */
  private followProject = false;
  /** Set while a sink's resolution runs: a variable read inside its own assignment is followed back (selfRead); `usedSelf`: it was. */
  private selfReads = false;
  private usedSelf = false;
  /** Whether the running resolution used a project value. */
  private usedProject = false;

  constructor(readonly tree: Tree, readonly lines: LineIndex, private readonly project?: ProjectIndex,
    readonly modelled?: ReadonlyArray<readonly [number, number]>) {
    this.syntaxError = findSyntaxError(tree);
    this.build();
  }

  nodeRange(n: Node): Range { return rangeOfNode(n); }

  isInTest(n: Node): boolean {
    const s = n.startIndex;
    return this.testSpans.some(([a, b]) => s >= a && s < b);
  }

  callsInMethod(method: Node | undefined): MethodCall[] { return this.callsByMethod.get(method?.id ?? -1) ?? []; }

  callsNamed(...namesLower: string[]): MethodCall[] {
    if (namesLower.length === 1) { return this.callsByName.get(namesLower[0]) ?? []; }
    const out: MethodCall[] = [];
    for (const n of namesLower) { out.push(...(this.callsByName.get(n) ?? [])); }
    return out.sort((a, b) => a.node.startIndex - b.node.startIndex);
  }

  // ----- building -----------------------------------------------------------------------------

  private get rootScope(): Scope {
    const root = this.tree.rootNode;
    return { node: root, type: root.type, start: 0, end: root.endIndex };
  }

  private build(): void {
    const root = this.tree.rootNode;
    let caps: QueryCapture[];
    try { caps = this.capturesOf(root); } catch { return; }
    // Node.endIndex crosses into WebAssembly: read only for scopes and calls (the stack) and to order captures
    // that start at the same offset (the query yields them by start already, so the sort mostly confirms).
    // The captures are used as they come (no wrapper object per capture: a WSDL2Apex class has 36,000).
    if (!inOrder(caps)) { caps.sort(byPosition); }
    const stack: Scope[] = [];
    const returns: Array<{ node: Node; method?: Node }> = [];
    let openDecl: OpenDecl | undefined;
    for (const it of caps) {
      const n = it.node;
      const start = n.startIndex;
      while (stack.length && stack[stack.length - 1].end <= start) { stack.pop(); }
      switch (it.name) {
        case 'scope': {
          const type = n.type;
          const end = n.endIndex;
          const scope: Scope = { node: n, type, start, end };
          if (CLASS_TYPES.has(type)) {
            scope.span = this.classSpans.push({ node: n, start, end, parent: innermost(stack, CLASS_TYPES)?.span ?? -1 }) - 1;
          } else if (METHOD_TYPES.has(type)) {
            scope.span = this.methodSpans.push({ node: n, start, end, parent: innermost(stack, METHOD_TYPES)?.span ?? -1 }) - 1;
          }
          stack.push(scope);
          if (CLASS_TYPES.has(type)) { this.addClass(n); }
          else if (type === 'method_declaration' || type === 'constructor_declaration') { this.addMethod(n, stack); }
          else if (type === 'accessor_declaration') { this.addAccessor(n, stack); }
          break;
        }
        case 'str': this.strings.push(new Str(n)); break;
        case 'call': {
          const call = new Call(n, innermost(stack, METHOD_TYPES)?.node, innermost(stack, CLASS_TYPES)?.node);
          this.calls.push(call);
          push(this.callsByMethod, call.enclosingMethod?.id ?? -1, call);
          stack.push({ node: n, type: 'call', start, end: n.endIndex, call });
          break;
        }
        case 'callname': {
          const call = innermost(stack, CALL_TYPE)?.call;
          if (call && !call.name) {
            call.name = n.text;
            call.nameLower = call.name.toLowerCase();
            push(this.callsByName, call.nameLower, call);
            const outer = stack.find(x => CLASS_TYPES.has(x.type));
            this.callsByOuterClass.add(outer?.node.id ?? -1, call.nameLower, call);
          }
          break;
        }
        case 'decl': openDecl = this.openDeclaration(n, stack); break;
        case 'declname': this.addDeclarator(n, openDecl); break;
        case 'param': this.addParam(n, stack); break;
        case 'foreach': this.addForEach(n, stack); break;
        case 'assign': this.addAssign(n, stack); break;
        case 'ret': returns.push({ node: n, method: innermost(stack, METHOD_TYPES)?.node }); break;
        case 'ann': {
          const name = (n.childForFieldName('name')?.text ?? '').toLowerCase();
          if (name === 'istest') { this.addTestRange(n.parent?.parent); }
          break;
        }
        case 'testmethod': this.addTestRange(n.parent?.parent?.parent); break;
      }
    }
    for (const r of returns) {
      const e = firstExpr(r.node);
      const m = r.method ? this.methodByNodeId.get(r.method.id) : undefined;
      if (e && m) { m.returns.push(e); }
    }
  }

  /**
   * The query's captures, of the whole tree or of the nodes that start in the modelled ranges. A ranged
   * query walks only the nodes that overlap its range (so the members left out cost nothing) but also
   * yields the enclosing nodes (the class, its body), which the range where they start yields already.
   * web-tree-sitter reads the text as UTF-16: its query ranges are in bytes, two per character.
   */
  private capturesOf(root: Node): QueryCapture[] {
    const q = queryFor(this.tree.language);
    if (!this.modelled) { return q.captures(root); }
    const out: QueryCapture[] = [];
    for (const [a, b] of this.modelled) {
      for (const c of q.captures(root, { startIndex: 2 * a, endIndex: 2 * b })) {
        const s = c.node.startIndex;
        if (s >= a && s < b) { out.push(c); }
      }
    }
    return out;
  }

  private addTestRange(decl: Node | null | undefined): void {
    if (!decl || !(decl.type === 'class_declaration' || decl.type === 'method_declaration' || decl.type === 'constructor_declaration')) { return; }
    if (this.testSpans.some(([a, b]) => decl.startIndex >= a && decl.endIndex <= b)) { return; }
    this.testSpans.push([decl.startIndex, decl.endIndex]);
    this.testRanges.push(rangeOfNode(decl));
  }

  private addClass(n: Node): void {
    const name = n.childForFieldName('name')?.text;
    if (!name) { return; }
    push(this.classesByName, name.toLowerCase(), n);
  }

  private addMethod(n: Node, stack: Scope[]): void {
    const name = n.childForFieldName('name')?.text ?? '';
    // Modifiers are read on first use (reading a method's children allocates a Node for each, body included).
    let isStatic: boolean | undefined;
    const m: MethodDecl = { name, nameLower: name.toLowerCase(), node: n,
      kind: n.type === 'constructor_declaration' ? 'constructor' : 'method', params: [], returns: [],
      enclosingClass: innermost(stack, CLASS_TYPES)?.node, get isStatic() { return (isStatic ??= modifiersOf(n).isStatic); } };
    this.methods.push(m);
    this.methodByNodeId.set(n.id, m);
    this.methodIndex.add(m.enclosingClass?.id ?? -1, m.nameLower, m);
  }

  private addAccessor(n: Node, stack: Scope[]): void {
    // Setters and bodiless accessors are still scopes (enclosingMethod) but hold no returns to resolve.
    if (n.childForFieldName('accessor')?.text.toLowerCase() !== 'get' || !n.childForFieldName('body')) { return; }
    // accessor_declaration → accessor_list → field_declaration → declarator
    const field = n.parent?.parent;
    const decl = field?.childForFieldName('declarator');
    const name = decl?.childForFieldName('name')?.text ?? '';
    let isStatic: boolean | undefined;
    const m: MethodDecl = { name, nameLower: name.toLowerCase(), node: n, kind: 'getter', params: [], returns: [],
      enclosingClass: innermost(stack, CLASS_TYPES)?.node, get isStatic() { return (isStatic ??= field ? modifiersOf(field).isStatic : false); } };
    this.methods.push(m);
    this.methodByNodeId.set(n.id, m);
  }

  /**
   * A declaration: what its declarators share. The declarators' names are captures of their own
   * (`@declname`), which come right after it in document order and go to `addDeclarator`.
   */
  private openDeclaration(decl: Node, stack: Scope[]): OpenDecl {
    const isField = decl.type === 'field_declaration' || decl.type === 'constant_declaration';
    // Type, modifiers, getter, initializer and range are read on first use (each read crosses into
    // WebAssembly, and WSDL2Apex stubs declare thousands of fields no rule asks about).
    const cls = innermost(stack, CLASS_TYPES);
    // Broken code (an ERROR node instead of a class or block): the whole file is the scope.
    const scope = (isField ? cls : innermost(stack, SCOPE_FOR_LOCALS)) ?? this.rootScope;
    return { info: new DeclInfo(decl), kind: isField ? 'field' : 'local', scope, span: [scope.start, scope.end], cls: cls?.node,
      method: isField ? undefined : innermost(stack, METHOD_TYPES)?.node };
  }

  /**
   * One declarator's name. The query matches it only as the name of a declarator of a field, local or
   * constant declaration, and no declaration nests inside another one's declarators (a property's accessor
   * bodies come after them), so it belongs to the declaration captured last.
   */
  private addDeclarator(name: Node, d: OpenDecl | undefined): void {
    if (!d) { return; }
    this.addVar(new DeclaredVar(d.info, name, d.kind, d.scope.node, d.span, d.cls, d.method));
  }

  private addParam(n: Node, stack: Scope[]): void {
    const nameNode = n.childForFieldName('name');
    if (!nameNode) { return; }
    const scope = innermost(stack, PARAM_SCOPES) ?? this.rootScope;
    const typeText = (n.childForFieldName('type')?.text ?? '').replace(/\s+/g, '');
    const v: VarDecl = {
      name: nameNode.text, nameLower: nameNode.text.toLowerCase(), node: n, typeText, typeLower: typeText.toLowerCase(),
      kind: 'param', isStatic: false, isFinal: false, range: rangeOfNode(n), scopeNode: scope.node,
      scopeSpan: [scope.start, scope.end], start: n.startIndex,
      enclosingClass: innermost(stack, CLASS_TYPES)?.node, enclosingMethod: innermost(stack, METHOD_TYPES)?.node,
    };
    this.addVar(v);
    if (scope.type !== 'catch_clause') { this.methodByNodeId.get(scope.node.id)?.params.push(v); }
  }

  private addForEach(n: Node, stack: Scope[]): void {
    const nameNode = n.childForFieldName('name');
    if (!nameNode) { return; }
    const typeText = (n.childForFieldName('type')?.text ?? '').replace(/\s+/g, '');
    this.addVar({
      name: nameNode.text, nameLower: nameNode.text.toLowerCase(), node: n, typeText, typeLower: typeText.toLowerCase(),
      kind: 'local', isStatic: false, isFinal: false, range: rangeOfNode(nameNode), scopeNode: n,
      scopeSpan: [n.startIndex, n.endIndex], start: n.startIndex,
      enclosingClass: innermost(stack, CLASS_TYPES)?.node, enclosingMethod: innermost(stack, METHOD_TYPES)?.node,
    });
  }

  private addVar(v: VarDecl): void {
    this.variables.push(v);
    if (v.kind === 'field') { this.fieldIndex.add(v.enclosingClass?.id ?? -1, v.nameLower, v); }
    else { this.localIndex.add(v.enclosingMethod?.id ?? -1, v.nameLower, v); }
  }

  private addAssign(n: Node, stack: Scope[]): void {
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    const opText = n.childForFieldName('operator')?.text ?? '=';
    if (!left || !right) { return; }
    let nameLower: string | undefined;
    let isSimple = false;
    if (left.type === 'identifier') { nameLower = left.text.toLowerCase(); isSimple = true; }
    else if (left.type === 'field_access') {
      const f = left.childForFieldName('field');
      nameLower = f?.text.toLowerCase();
      isSimple = left.childForFieldName('object')?.type === 'this';
    } else if (left.type === 'array_access') {
      return;
    }
    if (!nameLower) { return; }
    const op: '=' | '+=' = opText === '+=' ? '+=' : '=';
    const a: Assign = {
      nameLower, op, value: opText === '=' || opText === '+=' ? right : n, node: n, range: rangeOfNode(n),
      targetText: left.text.replace(/\s+/g, ''), isSimple, start: n.startIndex, end: n.endIndex,
      enclosingMethod: innermost(stack, METHOD_TYPES)?.node, enclosingClass: innermost(stack, CLASS_TYPES)?.node,
    };
    this.assignments.push(a);
    this.assignsInMethod.add(a.enclosingMethod?.id ?? -1, nameLower, a);
    if (isSimple) { this.assignsInClass.add(a.enclosingClass?.id ?? -1, nameLower, a); } else { push(this.assignsQualified, nameLower, a); }
  }

  // ----- lookup -------------------------------------------------------------------------------

  declarationOf(ref: Node): VarDecl | undefined {
    if (ref.type === 'identifier') { return this.lookupName(ref.text.toLowerCase(), ref.startIndex); }
    if (ref.type === 'field_access') {
      const obj = ref.childForFieldName('object');
      const f = ref.childForFieldName('field');
      if (!obj || !f) { return undefined; }
      if (obj.type === 'this') { return this.lookupField(f.text.toLowerCase(), ref.startIndex); }
      if (obj.type === 'identifier' && !this.lookupName(obj.text.toLowerCase(), ref.startIndex)) {
        const cls = this.classesByName.get(obj.text.toLowerCase());
        if (cls?.length === 1) { return this.fieldOfClass(cls[0], f.text.toLowerCase()); }
      }
    }
    return undefined;
  }

  /** Nearest local or parameter in scope at `pos`, else a field of an enclosing class. */
  private lookupName(nameLower: string, pos: number): VarDecl | undefined {
    const list = this.localIndex.get(this.methodAt(pos)?.id ?? -1, nameLower);
    let best: VarDecl | undefined;
    for (const v of list ?? []) {
      if (pos < v.scopeSpan[0] || pos >= v.scopeSpan[1]) { continue; }
      if (v.kind === 'local' && v.start > pos) { continue; }
      if (!best || v.start > best.start) { best = v; }
    }
    return best ?? this.lookupField(nameLower, pos);
  }

  /** A field of the innermost class around `pos` that declares it (inner classes see their outer classes' fields). */
  private lookupField(nameLower: string, pos: number): VarDecl | undefined {
    for (let ci = innermostSpan(this.classSpans, pos); ci >= 0; ci = this.classSpans[ci].parent) {
      const l = this.fieldIndex.get(this.classSpans[ci].node.id, nameLower);
      if (l) { return l[0]; }
    }
    return this.fieldIndex.get(-1, nameLower)?.[0];
  }

  private fieldOfClass(cls: Node, nameLower: string): VarDecl | undefined {
    return this.fieldIndex.get(cls.id, nameLower)?.[0];
  }

  private methodOf(cls: Node, nameLower: string, argc: number): MethodDecl | undefined {
    const cands = (this.methodIndex.get(cls.id, nameLower) ?? []).filter(m => m.kind === 'method' && m.params.length === argc);
    return cands.length === 1 ? cands[0] : undefined;
  }

  private classAt(pos: number): Node | undefined {
    const i = innermostSpan(this.classSpans, pos);
    return i >= 0 ? this.classSpans[i].node : undefined;
  }

  private methodAt(pos: number): Node | undefined {
    const i = innermostSpan(this.methodSpans, pos);
    return i >= 0 ? this.methodSpans[i].node : undefined;
  }

  // ----- resolution ---------------------------------------------------------------------------

  resolve(expr: Node, opts?: { project?: boolean }): Resolved {
    // A sink (opts.project) is followed further: into other files' values, and back through a variable
    // that extends itself (selfRead). Its answers are kept apart from the file-level ones.
    const sink = !!opts?.project;
    const follow = sink && !!this.project?.symbols?.size;
    const cache = sink ? this.projectCache : this.cache;
    const hit = cache.get(expr.id);
    if (hit) { return hit; }
    // Already resolved within the file to literals only: the project cannot add anything.
    const local = sink ? this.cache.get(expr.id) : undefined;
    if (local && local.isLiteral) { return local; }
    const via: Range[] = [];
    let parts: ResolvedPart[];
    this.followProject = follow;
    this.selfReads = sink;
    this.usedProject = false;
    this.usedSelf = false;
    this.partsCut = false;
    try {
      parts = this.res(expr, { bindings: new Map(), hops: 0 }, 0, new Set(), via);
    } catch {
      parts = [dynamic(expr)];
    } finally {
      this.followProject = false;
      this.selfReads = false;
    }
    if (parts.length > MAX_RESOLVED_PARTS || this.partsCut) {
      this.partsCut = false;
      parts = capParts(parts, expr);
      const range = rangeOfNode(expr);
      if (!this.capped.some(c => c.start.line === range.start.line && c.start.character === range.start.character)) { this.capped.push(range); }
    }
    const r = summarize(parts, via);
    cache.set(expr.id, r);
    // Nothing came from another file nor from a self-extending variable: the same answer holds within the file (rules share one resolution).
    if (sink && !this.usedProject && !this.usedSelf && !this.cache.has(expr.id)) { this.cache.set(expr.id, r); }
    return r;
  }

  concatenations(): Node[] {
    if (this.concatCache) { return this.concatCache; }
    const out: Node[] = [];
    const text = this.lines.text;
    // One tree cursor moves from literal to literal in document order (right along siblings, up with
    // gotoParent, down with gotoFirstChild), keeping the path: amortised linear in the nodes passed.
    // Node.parent walks down from the root on every call, a query over a 5,000-deep `+` chain is
    // quadratic, and web-tree-sitter's gotoFirstChildForIndex does not move (0.25).
    const cursor = this.tree.walk();
    try {
      type Step = { type: string; start: number; end: number; top: number; node?: Node };
      /** The path from the root; `top` is the index of the outermost `+` of the chain a node belongs to (-1: none). */
      const path: Step[] = [{ type: cursor.nodeType, start: cursor.startIndex, end: cursor.endIndex, top: -1 }];
      const here = (): Step => {
        const type = cursor.nodeType;
        const step: Step = { type, start: cursor.startIndex, end: cursor.endIndex, top: -1 };
        const parent = path[path.length - 1];
        const parentTop = CHAIN_TYPES.has(parent.type) ? parent.top : -1;
        if (type === 'binary_expression') {
          const node = cursor.currentNode;
          if (node.childForFieldName('operator')?.type === '+') { step.node = node; step.top = parentTop >= 0 ? parentTop : path.length; }
        } else if (type === 'parenthesized_expression') { step.top = parentTop; }
        return step;
      };
      const seen = new Set<number>();
      for (const s of this.strings) {
        const o = s.node.startIndex;
        if (!besidePlusText(text, o)) { continue; }
        // Right along the siblings, or up, until the current node holds the literal.
        for (;;) {
          const cur = path[path.length - 1];
          if (path.length === 1 || (cur.start <= o && o < cur.end)) { break; }
          if (cur.end <= o && cursor.gotoNextSibling()) { path.pop(); path.push(here()); continue; }
          cursor.gotoParent();
          path.pop();
        }
        // Down to the literal.
        let last = path[path.length - 1];
        while (!(last.start === o && STRING_TYPES.has(last.type)) && cursor.gotoFirstChild()) {
          path.push(last = here());
          while (last.end <= o && cursor.gotoNextSibling()) { path.pop(); path.push(last = here()); }
          if (!(last.start <= o && o < last.end)) { break; }
        }
        if (last.start !== o || !STRING_TYPES.has(last.type) || path.length < 2) { continue; }
        const parent = path[path.length - 2];
        const top = CHAIN_TYPES.has(parent.type) ? parent.top : -1;
        const topNode = top >= 0 ? path[top].node : undefined;
        if (topNode && !seen.has(topNode.id)) { seen.add(topNode.id); out.push(topNode); }
      }
    } finally {
      cursor.delete();
    }
    return (this.concatCache = out);
  }

  // ----- project-wide values ------------------------------------------------------------------

  /** Parts from the project index, placed at `use` in this file, with `lives` saying where they are written. */
  private fromProject(parts: SymbolPart[], use: Node): ResolvedPart[] {
    this.usedProject = true;
    const range = rangeOfNode(use);
    return parts.map((p): ResolvedPart => (p.kind === 'literal'
      ? { kind: 'literal', value: p.value, range, declaredAs: p.declaredAs, lives: { path: p.path, range: p.range } }
      : { kind: 'dynamic', text: p.text, range }));
  }

  /** Class path ('Outer.Inner') of the code at `pos`. */
  private classPathAt(pos: number): string | undefined {
    const names: string[] = [];
    for (let ci = innermostSpan(this.classSpans, pos); ci >= 0; ci = this.classSpans[ci].parent) {
      const n = this.classSpans[ci].node.childForFieldName('name')?.text;
      if (n) { names.unshift(n); }
    }
    return names.length ? names.join('.') : undefined;
  }

  /** `Other.CONST`, `Outer.Inner.CONST`, `Label.X`, `System.Label.X` defined elsewhere in the project. */
  private resProjectName(n: Node): ResolvedPart[] | undefined {
    if (!this.followProject || !this.project) { return undefined; }
    const text = compact(n.text);
    if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(text)) { return undefined; }
    // A local variable or parameter named like the first segment is an object, not a class.
    const head = text.slice(0, text.indexOf('.')).toLowerCase();
    const local = this.lookupName(head, n.startIndex);
    if (local) { return undefined; }
    const parts = resolveName(this.project, text, this.classPathAt(n.startIndex));
    return parts ? this.fromProject(parts, n) : undefined;
  }

  /**
   * The custom metadata record(s) an expression reads: `T__mdt.getInstance('R')`, `T__mdt.getAll().get('R')`,
   * or a variable of type `T__mdt` set from one of those, or the loop variable over `T__mdt.getAll().values()`.
   */
  private recordRead(obj: Node, env: Env, depth: number, visiting: Set<number>, via: Range[]): { type: string; record?: string; all?: boolean } | undefined {
    if (obj.type === 'method_invocation') {
      const name = obj.childForFieldName('name')?.text.toLowerCase();
      const recv = obj.childForFieldName('object');
      const args = argsOf(obj.childForFieldName('arguments'));
      if (!recv) { return undefined; }
      if (recv.type === 'identifier' && /__mdt$/i.test(recv.text) && (name === 'getinstance' || name === 'getrecord') && args.length === 1) {
        const r = this.res(args[0], env, depth + 1, visiting, via);
        return r.length === 1 && r[0].kind === 'literal' ? { type: recv.text, record: r[0].value } : undefined;
      }
      // T__mdt.getAll().get('R')
      if (name === 'get' && args.length === 1 && recv.type === 'method_invocation' && recv.childForFieldName('name')?.text.toLowerCase() === 'getall') {
        const t = recv.childForFieldName('object');
        if (t?.type === 'identifier' && /__mdt$/i.test(t.text)) {
          const r = this.res(args[0], env, depth + 1, visiting, via);
          return r.length === 1 && r[0].kind === 'literal' ? { type: t.text, record: r[0].value } : undefined;
        }
      }
      return undefined;
    }
    if (obj.type === 'identifier') {
      const d = this.lookupName(obj.text.toLowerCase(), obj.startIndex);
      if (!d || !/__mdt$/i.test(d.typeText)) { return undefined; }
      if (d.node.type === 'enhanced_for_statement') {
        const it = d.node.childForFieldName('value');
        // for (T__mdt r : T__mdt.getAll().values())
        if (it?.type === 'method_invocation' && it.childForFieldName('name')?.text.toLowerCase() === 'values') {
          const ga = it.childForFieldName('object');
          if (ga?.type === 'method_invocation' && ga.childForFieldName('name')?.text.toLowerCase() === 'getall') { return { type: d.typeText, all: true }; }
        }
        // for (T__mdt r : [SELECT … FROM T__mdt …])
        return it ? soqlRecordRead(it, true) : undefined;
      }
      const sets = d.kind === 'param' ? [] : this.assignsTo(d).filter(a => a.op === '=' && a.end <= obj.startIndex);
      const value = sets.length ? sets[sets.length - 1].value : d.init;
      if (!value || sets.length > 1) { return undefined; }
      via.push(d.range);
      return soqlRecordRead(value, false) ?? this.recordRead(value, env, depth + 1, visiting, via);
    }
    return undefined;
  }

  /** `<record read>.Field__c` from the project's custom metadata records. */
  private resRecordField(n: Node, env: Env, depth: number, visiting: Set<number>, via: Range[]): ResolvedPart[] | undefined {
    if (!this.followProject || !this.project) { return undefined; }
    const obj = n.childForFieldName('object');
    const field = n.childForFieldName('field')?.text;
    if (!obj || !field) { return undefined; }
    const readVia: Range[] = [];
    const read = this.recordRead(obj, env, depth, visiting, readVia);
    if (!read) { return undefined; }
    if (read.record !== undefined) {
      const rec = findRecord(this.project, read.type, read.record);
      const v = rec ? recordValue(rec, field) : undefined;
      if (v) { via.push(...readVia); }
      return v ? this.fromProject(v, n) : undefined;
    }
    const alternatives = recordsOfType(this.project, read.type).map(r => recordValue(r, field))
      .filter((v): v is SymbolPart[] => !!v).map(v => summarize(this.fromProject(v, n), []));
    if (alternatives.length) { via.push(...readVia); }
    return alternatives.length ? [{ kind: 'dynamic', text: shortText(n), range: rangeOfNode(n), alternatives }] : undefined;
  }

  private res(n: Node, env: Env, depth: number, visiting: Set<number>, via: Range[]): ResolvedPart[] {
    if (depth > MAX_DEPTH) { return [dynamic(n)]; }
    switch (n.type) {
      case 'string_literal':
      case 'multi_line_string_literal':
        return [{ kind: 'literal', value: unescapeApexString(n.text), range: rangeOfNode(n) }];
      case 'int': case 'decimal': case 'boolean': case 'decimal_floating_point_literal':
        return [{ kind: 'literal', value: n.text, range: rangeOfNode(n) }];
      case 'parenthesized_expression': {
        const e = firstExpr(n);
        return e ? this.res(e, env, depth + 1, visiting, via) : [dynamic(n)];
      }
      case 'cast_expression': {
        const v = n.childForFieldName('value');
        return v ? this.res(v, env, depth + 1, visiting, via) : [dynamic(n)];
      }
      case 'binary_expression': return this.resConcat(n, env, depth, visiting, via);
      case 'identifier': return this.resName(n, env, depth, visiting, via);
      case 'field_access': {
        const d = this.declarationOf(n);
        if (d) { return this.resDecl(d, n, env, depth, visiting, via); }
        return (this.followProject && (this.resProjectName(n) ?? this.resRecordField(n, env, depth, visiting, via))) || [dynamic(n)];
      }
      case 'method_invocation': return this.resCall(n, env, depth, visiting, via);
      case 'ternary_expression': {
        const alts: Resolved[] = [];
        for (const f of ['consequence', 'alternative']) {
          const b = n.childForFieldName(f);
          if (!b) { continue; }
          const bVia: Range[] = [];
          alts.push(summarize(this.res(b, env, depth + 1, visiting, bVia), bVia));
        }
        const sid = alts.some(a => a.parts.some(p => p.kind === 'dynamic' && p.sessionId));
        return [{ kind: 'dynamic', text: shortText(n), range: rangeOfNode(n), alternatives: alts, ...(sid ? { sessionId: true } : {}) }];
      }
      default: return [dynamic(n)];
    }
  }

  /** Flattens a left-deep `a + b + c …` chain without recursion, then resolves each operand. */
  private resConcat(n: Node, env: Env, depth: number, visiting: Set<number>, via: Range[]): ResolvedPart[] {
    if (n.childForFieldName('operator')?.type !== '+') { return [dynamic(n)]; }
    const operands: Node[] = [];
    const todo: Node[] = [n];
    while (todo.length) {
      const x = todo.pop()!;
      if (x.type === 'binary_expression' && x.childForFieldName('operator')?.type === '+') {
        const l = x.childForFieldName('left'), r = x.childForFieldName('right');
        if (r) { todo.push(r); }
        if (l) { todo.push(l); }
      } else { operands.push(x); }
    }
    const out: ResolvedPart[] = [];
    for (const o of operands) {
      if (!this.append(out, this.res(o, env, depth + 1, visiting, via))) { break; }
    }
    return out;
  }

  /** Appends `parts` to `out` unless `out` would exceed MAX_RESOLVED_PARTS (then marks the value cut and returns false). */
  private append(out: ResolvedPart[], parts: ResolvedPart[]): boolean {
    if (out.length + parts.length > MAX_RESOLVED_PARTS) {
      this.partsCut = true;
      for (let i = 0; out.length < MAX_RESOLVED_PARTS && i < parts.length; i++) { out.push(parts[i]); }
      return false;
    }
    for (const p of parts) { out.push(p); }
    return true;
  }

  private resName(n: Node, env: Env, depth: number, visiting: Set<number>, via: Range[]): ResolvedPart[] {
    const d = this.lookupName(n.text.toLowerCase(), n.startIndex);
    if (!d) { return [dynamic(n)]; }
    return this.resDecl(d, n, env, depth, visiting, via);
  }

  /** The value `d` holds where `use` reads it; literal parts are tagged with the declaration they came through. */
  private resDecl(d: VarDecl, use: Node, env: Env, depth: number, visiting: Set<number>, via: Range[]): ResolvedPart[] {
    let self = false;
    if (visiting.has(d.node.id)) {
      // `url = url + '/x'`: inside the value being assigned, the variable holds what it held before (its
      // earlier assignments only, so a chain of them ends), up to MAX_SELF_READS lines back. Once per
      // assignment: a value read twice (`s = s + s`) doubles at each line, so the second read stays a
      // cycle, as does `s += s`.
      const x = this.selfReads ? this.selfRead(d, use) : undefined;
      if (!x || x.read || this.expanding.filter(e => e.d === d && e.read).length >= MAX_SELF_READS) { this.cuts++; return [dynamic(use)]; }
      x.read = self = this.usedSelf = true;
    }
    // A value used many times (or built from itself: h2 = h1 + h1) is resolved once per method it is read in.
    // A sink's answers (which may follow self-reads, as far as the assignments being resolved allow) are memoised apart.
    const key = !this.followProject && d.kind !== 'param' && !d.getter && !hasBindings(env)
      ? this.memoKey(d, use, env, depth) + (this.selfReads ? `:s${this.expanding.length}` : '') : undefined;
    const hit = key !== undefined ? this.declMemo.get(key) : undefined;
    if (hit) {
      if (this.selfReads) { this.usedSelf = true; } // it may have used a self-read: not an answer for the file-level cache
      for (const r of hit.via) { via.push(r); }
      return hit.parts.slice();
    }
    const cuts = this.cuts, viaFrom = via.length;
    const parts = self ? this.resDeclValue(d, use, env, depth, visiting, via) : this.resDeclInner(d, use, env, depth, visiting, via);
    if (d.kind !== 'param') {
      for (const p of parts) { if (p.kind === 'literal' && !p.declaredAs) { p.declaredAs = d.name; p.declRange = d.range; } }
    }
    if (key !== undefined && this.cuts === cuts && !this.partsCut) { this.declMemo.set(key, { parts: parts.slice(), via: uniqueRanges(via.slice(viaFrom)) }); }
    return parts;
  }

  /** Which assignments a use of `d` sees: the declaration, the use's method and how many assignments precede the use. */
  private memoKey(d: VarDecl, use: Node, env: Env, depth: number): string {
    const pos = use.startIndex;
    const useMethod = d.kind === 'local' ? d.enclosingMethod : this.methodAt(pos);
    let before = 0;
    for (const a of this.assignsTo(d)) { if (a.end <= pos && sameNode(a.enclosingMethod, useMethod)) { before++; } }
    return `${d.node.id}:${useMethod?.id ?? -1}:${before}:${env.hops}:${depth}`;
  }

  private resDeclInner(d: VarDecl, use: Node, env: Env, depth: number, visiting: Set<number>, via: Range[]): ResolvedPart[] {
    if (visiting.has(d.node.id)) { this.cuts++; return [dynamic(use)]; }
    visiting.add(d.node.id);
    try {
      return this.resDeclValue(d, use, env, depth, visiting, via);
    } finally {
      visiting.delete(d.node.id);
    }
  }

  /** The innermost assignment to `d` being resolved, when `use` is inside its value. */
  private selfRead(d: VarDecl, use: Node): (typeof this.expanding)[number] | undefined {
    for (let i = this.expanding.length - 1; i >= 0; i--) {
      const x = this.expanding[i];
      if (x.d !== d) { continue; }
      return use.startIndex >= x.value.startIndex && use.endIndex <= x.value.endIndex ? x : undefined;
    }
    return undefined;
  }

  /** `this.res(a.value)` for an `=` assignment to `d`, recorded in `expanding` for a read of `d` inside it. */
  private resAssigned(d: VarDecl, value: Node, env: Env, depth: number, visiting: Set<number>, via: Range[]): ResolvedPart[] {
    this.expanding.push({ d, value, read: false });
    try {
      return this.res(value, env, depth, visiting, via);
    } finally {
      this.expanding.pop();
    }
  }

  /** What `d` holds at `use` (the body of resDeclInner, inside its cycle guard). */
  private resDeclValue(d: VarDecl, use: Node, env: Env, depth: number, visiting: Set<number>, via: Range[]): ResolvedPart[] {
    {
      via.push(d.range);
      if (d.kind === 'param') {
        for (let e: Env | undefined = env; e; e = e.parent) {
          const arg = e.bindings.get(d);
          if (arg) { return this.res(arg, e.parent ?? { bindings: new Map(), hops: e.hops }, depth + 1, visiting, via); }
        }
        // Not entered through a call: what the method's callers in this file pass, as alternatives.
        const sites = env.hops < MAX_METHOD_HOPS ? this.callSiteArgs(d) : undefined;
        if (sites?.length) {
          const alternatives = sites.map(arg => {
            const v: Range[] = [];
            return summarize(this.res(arg, { bindings: new Map(), hops: env.hops + 1 }, depth + 1, visiting, v), v);
          });
          return [{ kind: 'dynamic', text: shortText(use), range: rangeOfNode(use), alternatives }];
        }
        return [dynamic(use)];
      }
      if (d.getter) {
        const g = this.methodByNodeId.get(d.getter.id);
        if (g && env.hops < MAX_METHOD_HOPS) { return this.resReturns(g, new Map(), use, env, depth, visiting, via); }
        return [dynamic(use)];
      }
      const pos = use.startIndex;
      const useMethod = d.kind === 'local' ? d.enclosingMethod : this.methodAt(pos);
      // Assignments to this declaration before the use, in the use's method.
      const before = this.assignsTo(d).filter(a => a.end <= pos && sameNode(a.enclosingMethod, useMethod));
      let start: { value?: Node; from: number } = { value: d.init, from: -1 };
      if (before.length === 0 && d.kind === 'field' && !d.init) {
        // A field set elsewhere in the class (constructor, initializer, setup method): use it when unambiguous.
        const elsewhere = this.assignsTo(d).filter(a => a.op === '=');
        if (elsewhere.length === 0) { return [dynamic(use)]; }
        const vals = elsewhere.map(a => ({ a, r: this.res(a.value, { bindings: new Map(), hops: env.hops }, depth + 1, visiting, via) }));
        const texts = new Set(vals.map(v => joinText(v.r)));
        if (texts.size !== 1 || !vals.every(v => v.r.every(p => p.kind === 'literal'))) { return [dynamic(use)]; }
        const first = vals[0];
        via.push(first.a.range);
        const tail = this.assignsTo(d).filter(a => a.op === '+=' && sameNode(a.enclosingMethod, first.a.enclosingMethod) && a.start > first.a.start);
        const out = [...first.r];
        for (const t of tail) { via.push(t.range); out.push(...this.res(t.value, env, depth + 1, visiting, via)); }
        return out;
      }
      let lastSet = -1;
      for (let i = 0; i < before.length; i++) { if (before[i].op === '=') { lastSet = i; } }
      if (lastSet >= 0) { start = { value: before[lastSet].value, from: lastSet }; via.push(before[lastSet].range); }
      const out: ResolvedPart[] = !start.value ? [dynamic(use)]
        : start.from >= 0 && this.selfReads ? this.resAssigned(d, start.value, env, depth + 1, visiting, via) : this.res(start.value, env, depth + 1, visiting, via);
      for (let i = start.from + 1; i < before.length; i++) {
        via.push(before[i].range);
        if (!this.append(out, this.res(before[i].value, env, depth + 1, visiting, via))) { break; }
      }
      return out;
    }
  }

  /**
   * The argument passed for parameter `d` at each call of its method in this file (unqualified, `this.`
   * or `ClassName.` calls with the same arity), at most MAX_CALL_SITES; undefined when there are more.
   */
  private callSiteArgs(d: VarDecl): Node[] | undefined {
    const m = this.methodByNodeId.get(d.scopeNode.id);
    const i = m ? m.params.indexOf(d) : -1;
    if (!m || i < 0 || m.kind !== 'method') { return undefined; }
    const clsName = m.enclosingClass?.childForFieldName('name')?.text.toLowerCase();
    const out: Node[] = [];
    let outer = m.enclosingClass ? innermostSpan(this.classSpans, m.enclosingClass.startIndex) : -1;
    while (outer >= 0 && this.classSpans[outer].parent >= 0) { outer = this.classSpans[outer].parent; }
    const outerId = outer >= 0 ? this.classSpans[outer].node.id : -1;
    for (const c of this.callsByOuterClass.get(outerId, m.nameLower) ?? []) {
      if (c.args.length !== m.params.length) { continue; }
      const r = c.receiver;
      const local = !r ? sameNode(this.classAt(c.node.startIndex), m.enclosingClass)
        : r.type === 'this' ? sameNode(this.classAt(c.node.startIndex), m.enclosingClass)
        : r.type === 'identifier' && r.text.toLowerCase() === clsName && !this.lookupName(r.text.toLowerCase(), c.node.startIndex);
      if (!local) { continue; }
      if (out.length >= MAX_CALL_SITES) { return undefined; }
      out.push(c.args[i]);
    }
    return out;
  }

  /** Assignments that write `d` (plain name or `this.x`, not shadowed by a local at that point), in document order. */
  private assignsTo(d: VarDecl): Assign[] {
    const hit = this.assignsOf.get(d);
    if (hit) { return hit; }
    let out: Assign[];
    if (d.kind !== 'field') {
      out = (this.assignsInMethod.get(d.enclosingMethod?.id ?? -1, d.nameLower) ?? [])
        .filter(a => a.isSimple && this.lookupName(d.nameLower, a.start) === d);
    } else {
      const simple = (this.assignsInClass.get(d.enclosingClass?.id ?? -1, d.nameLower) ?? []).filter(a => {
        const left = a.node.childForFieldName('left');
        return left?.type === 'field_access' ? this.lookupField(d.nameLower, a.start) === d : this.lookupName(d.nameLower, a.start) === d;
      });
      // `ClassName.FIELD = …`
      const clsName = d.enclosingClass?.childForFieldName('name')?.text.toLowerCase();
      const qualified = clsName ? (this.assignsQualified.get(d.nameLower) ?? []).filter(a => {
        const obj = a.node.childForFieldName('left')?.childForFieldName('object');
        return obj?.type === 'identifier' && obj.text.toLowerCase() === clsName;
      }) : [];
      out = qualified.length ? [...simple, ...qualified].sort((a, b) => a.start - b.start) : simple;
    }
    this.assignsOf.set(d, out);
    return out;
  }

  private resCall(n: Node, env: Env, depth: number, visiting: Set<number>, via: Range[]): ResolvedPart[] {
    const nameNode = n.childForFieldName('name');
    if (!nameNode) { return [dynamic(n)]; }
    const name = nameNode.text.toLowerCase();
    const recv = n.childForFieldName('object');
    const recvLower = recv ? compact(recv.text).toLowerCase() : '';
    const args = argsOf(n.childForFieldName('arguments'));
    const q = recvLower ? `${recvLower.replace(/^system\./, '')}.${name}` : name;
    switch (q) {
      case 'userinfo.getsessionid':
        return [{ kind: 'dynamic', text: n.text, range: rangeOfNode(n), sessionId: true }];
      case 'string.format':
        return this.resFormat(n, args, env, depth, visiting, via);
      case 'string.join': {
        const items = args.length === 2 ? this.listItems(args[0], via) : undefined;
        if (!items) { return [dynamic(n)]; }
        const out: ResolvedPart[] = [];
        items.forEach((item, i) => {
          if (i > 0) { out.push(...this.res(args[1], env, depth + 1, visiting, via)); }
          out.push(...this.res(item, env, depth + 1, visiting, via));
        });
        return out;
      }
      case 'encodingutil.base64encode': {
        if (args.length !== 1) { return [dynamic(n)]; }
        const inner = this.res(args[0], env, depth + 1, visiting, via);
        if (inner.every(p => p.kind === 'literal')) {
          const src = joinText(inner);
          return [{ kind: 'literal', value: base64(src), range: rangeOfNode(n), encoding: 'base64', source: src, inner }];
        }
        return [{ kind: 'dynamic', text: shortText(n), range: rangeOfNode(n), ...(inner.some(p => p.kind === 'dynamic' && p.sessionId) ? { sessionId: true } : {}) }];
      }
      case 'blob.valueof': case 'string.valueof': case 'encodingutil.urlencode':
        return args.length >= 1 ? this.res(args[0], env, depth + 1, visiting, via) : [dynamic(n)];
    }
    if (recv && args.length === 0 && (name === 'trim' || name === 'tostring')) {
      return this.res(recv, env, depth + 1, visiting, via);
    }
    // A method of this file: unqualified, `this.m()` or `ClassName.m()`.
    if (env.hops < MAX_METHOD_HOPS) {
      let cls: Node | undefined;
      if (!recv || recv.type === 'this') { cls = this.classAt(n.startIndex); }
      else if (recv.type === 'identifier' && !this.lookupName(recvLower, n.startIndex)) {
        const c = this.classesByName.get(recvLower);
        if (c?.length === 1) { cls = c[0]; }
      }
      const m = cls ? this.methodOf(cls, name, args.length) : undefined;
      if (m && visiting.has(m.node.id)) { this.cuts++; }
      if (m && !visiting.has(m.node.id)) {
        const bindings = new Map<VarDecl, Node>();
        m.params.forEach((p, i) => bindings.set(p, args[i]));
        return this.resReturns(m, bindings, n, env, depth, visiting, via);
      }
    }
    return [dynamic(n)];
  }

  private resReturns(m: MethodDecl, bindings: Map<VarDecl, Node>, use: Node, env: Env, depth: number, visiting: Set<number>, via: Range[]): ResolvedPart[] {
    if (m.returns.length === 0 || visiting.has(m.node.id)) { if (m.returns.length) { this.cuts++; } return [dynamic(use)]; }
    visiting.add(m.node.id);
    try {
      const inner: Env = { bindings, parent: env, hops: env.hops + 1 };
      const localVia: Range[] = [];
      const results = m.returns.map(r => this.res(r, inner, depth + 1, visiting, localVia));
      if (results.length > 1) {
        const texts = new Set(results.map(joinText));
        if (texts.size !== 1) { return [dynamic(use)]; }
      }
      via.push(rangeOfNode(m.returns[0]), ...localVia);
      return results[0];
    } finally {
      visiting.delete(m.node.id);
    }
  }

  /** The elements of `new List<T>{a, b}` / `new T[]{a, b}`, directly or through a local initialised with one. */
  private listItems(listNode: Node, via: Range[]): Node[] | undefined {
    if (listNode.type === 'array_creation_expression') {
      const init = listNode.childForFieldName('value');
      return init ? argsOf(init) : undefined;
    }
    if (listNode.type === 'identifier') {
      const d = this.lookupName(listNode.text.toLowerCase(), listNode.startIndex);
      if (d?.init?.type === 'array_creation_expression' && this.assignsTo(d).length === 0) {
        const v = d.init.childForFieldName('value');
        if (v) { via.push(d.range); return argsOf(v); }
      }
    }
    return undefined;
  }

  /** `String.format('{0}/x', new List<Object>{a})`: the pattern's literal text with the arguments spliced in. */
  private resFormat(n: Node, args: Node[], env: Env, depth: number, visiting: Set<number>, via: Range[]): ResolvedPart[] {
    if (args.length !== 2) { return [dynamic(n)]; }
    const pattern = this.res(args[0], env, depth + 1, visiting, via);
    if (!pattern.every(p => p.kind === 'literal')) { return [dynamic(n)]; }
    const items = this.listItems(args[1], via);
    const range = pattern.length ? pattern[0].range : rangeOfNode(n);
    const fmt = joinText(pattern);
    const out: ResolvedPart[] = [];
    let last = 0;
    const re = /\{(\d+)\}/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(fmt))) {
      if (m.index > last) { out.push({ kind: 'literal', value: unquoteFormat(fmt.slice(last, m.index)), range }); }
      const i = Number(m[1]);
      const item = items?.[i];
      out.push(...(item ? this.res(item, env, depth + 1, visiting, via) : [{ kind: 'dynamic' as const, text: `${args[1].text.slice(0, 40)}[${i}]`, range: rangeOfNode(args[1]) }]));
      last = m.index + m[0].length;
    }
    if (last < fmt.length) { out.push({ kind: 'literal', value: unquoteFormat(fmt.slice(last)), range }); }
    return out;
  }
}

/**
 * `[SELECT … FROM T__mdt WHERE DeveloperName = 'R' …]`: that record; in a loop (`all`) without such a
 * filter: every record of the type. A query with other filters is not guessed.
 */
function soqlRecordRead(n: Node, all: boolean): { type: string; record?: string; all?: boolean } | undefined {
  const t = n.text;
  if (!t.startsWith('[') || t.length > 2000) { return undefined; }
  const from = /\bFROM\s+([A-Za-z]\w*__mdt)\b/i.exec(t);
  if (!from) { return undefined; }
  const rec = /\bWHERE\s+(?:DeveloperName|QualifiedApiName)\s*=\s*'([^'\\]+)'\s*(?:LIMIT\s+1\s*)?\]$/i.exec(t);
  if (rec) { return { type: from[1], record: rec[1] }; }
  return all && !/\bWHERE\b/i.test(t) ? { type: from[1], all: true } : undefined;
}

const SCOPE_FOR_LOCALS = new Set(['block', 'for_statement', 'catch_clause', 'method_declaration', 'constructor_declaration', 'accessor_declaration', 'static_initializer', 'trigger_declaration']);
const PARAM_SCOPES = new Set(['method_declaration', 'constructor_declaration', 'catch_clause']);

function innermost(stack: Scope[], types: Set<string>): Scope | undefined {
  for (let i = stack.length - 1; i >= 0; i--) { if (types.has(stack[i].type)) { return stack[i]; } }
  return undefined;
}

/** Lists by (scope node id, lower-cased name), in nested maps: no key string is built per entry or lookup. */
class ScopedNames<V> {
  private readonly byScope = new Map<number, Map<string, V[]>>();
  add(scope: number, name: string, v: V): void {
    let names = this.byScope.get(scope);
    if (!names) { this.byScope.set(scope, names = new Map<string, V[]>()); }
    push(names, name, v);
  }
  get(scope: number, name: string): V[] | undefined { return this.byScope.get(scope)?.get(name); }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) { l.push(v); } else { m.set(k, [v]); }
}

function sameNode(a: Node | undefined, b: Node | undefined): boolean {
  return a === b || (!!a && !!b && a.id === b.id);
}

/** Source text with whitespace collapsed and none around dots: 'this.req', 'new Http()'. */
export function compact(t: string): string { return t.replace(/\s+/g, ' ').replace(/\s*(\??\.)\s*/g, '$1').trim(); }

function shortText(n: Node): string {
  const t = n.text.replace(/\s+/g, ' ');
  return t.length > DYN_TEXT_MAX ? `${t.slice(0, DYN_TEXT_MAX - 1)}…` : t;
}

function dynamic(n: Node): ResolvedPart {
  return { kind: 'dynamic', text: shortText(n), range: rangeOfNode(n) };
}

/** Whether any frame of `env` binds a parameter (then a value may depend on the call it came through). */
function hasBindings(env: Env | undefined): boolean {
  for (let e = env; e; e = e.parent) { if (e.bindings.size) { return true; } }
  return false;
}

/** The first MAX_RESOLVED_PARTS parts of a value, then one dynamic part saying the rest was not followed. */
function capParts(parts: ResolvedPart[], expr: Node): ResolvedPart[] {
  const out = parts.slice(0, MAX_RESOLVED_PARTS);
  out.push({ kind: 'dynamic', text: '…', range: rangeOfNode(expr) });
  return out;
}

function joinText(parts: ResolvedPart[]): string {
  return parts.map(p => (p.kind === 'literal' ? p.value : `{${p.text}}`)).join('');
}

/** Apex String.format uses MessageFormat: `''` is a quote and quoted text is literal. Only the common `''` case is decoded. */
function unquoteFormat(s: string): string { return s.replace(/''/g, "'"); }

/** Builds a Resolved from parts (text, literalPrefix, isLiteral computed; via deduplicated). */
export function summarize(parts: ResolvedPart[], via: Range[]): Resolved {
  let literalPrefix = '';
  let seenDynamic = false;
  for (const p of parts) {
    if (p.kind === 'dynamic') { seenDynamic = true; break; }
    literalPrefix += p.value;
  }
  return { parts, isLiteral: !seenDynamic && parts.length > 0, text: joinText(parts), literalPrefix, via: uniqueRanges(via) };
}

/** Ranges without repeats, first occurrence kept. */
function uniqueRanges(via: Range[]): Range[] {
  const seen = new Set<string>();
  return via.filter(r => {
    const k = `${r.start.line}:${r.start.character}:${r.end.line}:${r.end.character}`;
    if (seen.has(k)) { return false; }
    seen.add(k);
    return true;
  });
}

function findSyntaxError(tree: Tree): Range | undefined {
  const root = tree.rootNode;
  if (!root.hasError) { return undefined; }
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.isError || n.isMissing) { return rangeOfNode(n); }
    if (n.hasError) { for (let i = n.childCount - 1; i >= 0; i--) { const c = n.child(i); if (c) { stack.push(c); } } }
  }
  return undefined;
}
