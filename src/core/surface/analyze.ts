import type { Node } from 'web-tree-sitter';
import type { Range } from '../types';
import {
  effectiveSharing, type Channel, type ClassSurface, type DataOp, type EntryPoint, type Loc, type SharingDecl, type TaintPath,
} from './types';

/**
 * Finds the entry points of Apex classes and follows each one through the methods it calls (same
 * class, other classes of the project) to the queries, DML and callouts it reaches: in which
 * sharing and mode they run, and which request inputs reach a dynamic query or an endpoint
 * unbound and unescaped. Works on tree-sitter trees only (no fs), so the surface rules, the CLI and
 * the extension share it.
 */

/** One parsed Apex file. */
export interface ApexUnit { path: string; root: Node }

interface ClassInfo {
  name: string;
  lower: string;
  path: string;
  node: Node;
  sharing: SharingDecl;
  isTest: boolean;
  urlMapping?: string;
  /** lower-cased method name → declarations (overloads). */
  methods: Map<string, Node[]>;
  /** Its constructors. */
  ctors: Node[];
  /** lower-cased field name → declared type as written. */
  fields: Map<string, string>;
  /** The superclass and interfaces it names (lower-cased, last segment). */
  supers: string[];
  isInterface: boolean;
  /** Objects its file reads as custom settings (`X__c.getOrgDefaults()`, `getInstance`, `getValues`, `getAll`), lower-cased. */
  settings: Set<string>;
}

const HTTP_ANNOTATIONS: Record<string, string> = { httpget: 'GET', httppost: 'POST', httpput: 'PUT', httppatch: 'PATCH', httpdelete: 'DELETE' };
const DYNAMIC_SOQL = new Set(['query', 'countquery', 'getquerylocator', 'querywithbinds', 'countquerywithbinds', 'getquerylocatorwithbinds']);
const DATABASE_DML = new Set(['insert', 'update', 'upsert', 'delete', 'undelete', 'merge', 'insertimmediate', 'updateimmediate', 'deleteimmediate', 'insertasync', 'updateasync', 'deleteasync']);
/** Parameter and variable types whose values cannot carry a quote into a query string. */
const SAFE_TYPES = new Set(['id', 'integer', 'long', 'decimal', 'double', 'boolean', 'date', 'datetime', 'time']);
const MAX_DEPTH = 6;
const NON_TEXT_OPERATORS = new Set(['==', '!=', '===', '!==', '<', '>', '<=', '>=', '&&', '||', 'instanceof']);
const NON_TEXT_METHODS = new Set(['isblank', 'isnotblank', 'isempty', 'isnotempty', 'contains', 'containskey', 'containsignorecase',
  'equals', 'equalsignorecase', 'startswith', 'endswith', 'length', 'size', 'indexof', 'lastindexof', 'matches', 'isnumeric',
  'isalpha', 'isalphanumeric', 'compareto', 'hashcode', 'getsobjecttype', 'isvalid']);
/** Method walks per entry point: beyond this the rest of the call graph is not followed (noted). */
const MAX_WALKS = 300;

function rangeOf(n: Node): Range {
  const s = n.startPosition, e = n.endPosition;
  return { start: { line: s.row, character: s.column }, end: { line: e.row, character: e.column } };
}

function childrenOfType(n: Node | null, type: string): Node[] {
  const out: Node[] = [];
  if (!n) { return out; }
  for (const c of n.namedChildren) { if (c && c.type === type) { out.push(c); } }
  return out;
}

function modifiersOf(decl: Node): Node | undefined {
  return childrenOfType(decl, 'modifiers')[0];
}

/** Annotations of a declaration: lower-cased name → the annotation node. */
function annotationsOf(decl: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  const mods = modifiersOf(decl);
  for (const a of childrenOfType(mods ?? null, 'annotation')) {
    const name = a.childForFieldName('name')?.text.toLowerCase();
    if (name) { out.set(name, a); }
  }
  return out;
}

function modifierWords(decl: Node): Set<string> {
  const out = new Set<string>();
  for (const m of childrenOfType(modifiersOf(decl) ?? null, 'modifier')) {
    const k = m.namedChildren[0]?.type ?? m.text.toLowerCase();
    out.add(k);
  }
  return out;
}

function annotationArg(a: Node, keyLower: string): string | undefined {
  const args = a.childForFieldName('arguments');
  if (!args) { return undefined; }
  for (const kv of childrenOfType(args, 'annotation_key_value')) {
    if (kv.childForFieldName('key')?.text.toLowerCase() === keyLower) {
      const v = kv.childForFieldName('value');
      return v ? v.text.replace(/^'|'$/g, '') : undefined;
    }
  }
  return undefined;
}

function sharingOf(decl: Node): SharingDecl {
  const w = modifierWords(decl);
  if (w.has('without_sharing')) { return 'without'; }
  if (w.has('with_sharing')) { return 'with'; }
  if (w.has('inherited_sharing')) { return 'inherited'; }
  return 'none';
}

/**
 * Only custom settings have the static methods getOrgDefaults, getInstance, getValues and getAll on
 * an `__c` type (custom metadata types' are on `__mdt`; an Apex class name cannot hold `__`).
 */
const SETTING_CALL = /\b(\w+__c)\s*\.\s*(?:getorgdefaults|getinstance|getvalues|getall)\s*\(/gi;
function settingsIn(text: string): Set<string> {
  const out = new Set<string>();
  if (!/__c\s*\.\s*get/i.test(text)) { return out; }
  for (const m of text.matchAll(SETTING_CALL)) { out.add(m[1].toLowerCase()); }
  return out;
}

function collectClasses(unit: ApexUnit): ClassInfo[] {
  const out: ClassInfo[] = [];
  const settings = settingsIn(unit.root.text);
  const visit = (n: Node, outerTest: boolean) => {
    for (const c of n.namedChildren) {
      if (!c) { continue; }
      if (c.type === 'class_declaration' || c.type === 'interface_declaration') {
        const ann = annotationsOf(c);
        const name = c.childForFieldName('name')?.text ?? '?';
        const info: ClassInfo = {
          name, lower: name.toLowerCase(), path: unit.path, node: c, sharing: sharingOf(c),
          isTest: outerTest || ann.has('istest'), methods: new Map(), fields: new Map(), ctors: [],
          supers: supersOf(c), isInterface: c.type === 'interface_declaration', settings,
        };
        const rest = ann.get('restresource');
        if (rest) { info.urlMapping = annotationArg(rest, 'urlmapping'); }
        const body = c.childForFieldName('body');
        for (const f of childrenOfType(body, 'field_declaration')) {
          const type = f.childForFieldName('type')?.text ?? '';
          for (const d of childrenOfType(f, 'variable_declarator')) {
            const n = d.childForFieldName('name')?.text.toLowerCase();
            if (n) { info.fields.set(n, type); }
          }
        }
        info.ctors = childrenOfType(body, 'constructor_declaration');
        for (const m of [...childrenOfType(body, 'method_declaration'), ...childrenOfType(body, 'interface_method_declaration')]) {
          const ml = m.childForFieldName('name')?.text.toLowerCase();
          if (!ml) { continue; }
          const list = info.methods.get(ml) ?? [];
          list.push(m);
          info.methods.set(ml, list);
        }
        out.push(info);
        if (body) { visit(body, info.isTest); }
      } else if (c.type === 'class_body' || c.type === 'parser_output') {
        visit(c, outerTest);
      }
    }
  };
  visit(unit.root, false);
  return out;
}

function outerOf(path: string): string {
  return (path.replace(/\\/g, '/').split('/').pop() ?? path).replace(/\.cls$/i, '').toLowerCase();
}

/** The superclass and interfaces a class declaration names (interfaces an interface extends too). */
function supersOf(decl: Node): string[] {
  const out: string[] = [];
  const last = (t: string) => t.replace(/<[\s\S]*$/, '').split('.').pop()!.trim().toLowerCase();
  const sup = decl.childForFieldName('superclass');
  for (const t of sup?.namedChildren ?? []) { if (t) { out.push(last(t.text)); } }
  for (const f of ['interfaces', 'extends']) {
    const list = decl.childForFieldName(f) ?? childrenOfType(decl, f === 'interfaces' ? 'interfaces' : 'extends_interfaces')[0];
    for (const tl of list?.namedChildren ?? []) {
      for (const t of tl?.type === 'type_list' ? tl.namedChildren : [tl]) { if (t) { out.push(last(t.text)); } }
    }
  }
  return [...new Set(out)];
}

/** The project's classes by lower-cased name (inner classes under both `Outer.Inner` and `Inner`). */
export class ClassTable {
  private readonly byName = new Map<string, ClassInfo>();
  private readonly tried = new Set<string>();
  /** Walks of methods called with no tainted argument: the same whichever entry point gets there. */
  readonly summaries = new Map<string, Walk | 'busy'>();
  readonly all: ClassInfo[] = [];
  /**
   * `load` parses a class's file on first use (by class name, lower-cased), so only reachable classes
   * are parsed; `subtypes` names the (top-level) classes whose text says they extend or implement a
   * type, so calls through an interface or a virtual method can reach the project's implementations.
   */
  constructor(private readonly load?: (lower: string) => ApexUnit | undefined, private readonly subtypes?: (superLower: string) => string[]) {}
  /** Per type: its subtypes as [top-level class of the file, class] (names: classes may be evicted and parsed again). */
  private readonly subtypeCache = new Map<string, Array<[string, string]>>();
  /** Classes extending or implementing `t`, directly or not (test classes left out). */
  subtypesOf(t: ClassInfo): ClassInfo[] {
    const hit = this.subtypeCache.get(t.lower);
    if (hit) {
      return hit.map(([outer, lower]) => { this.get(outer); return this.byName.get(lower); }).filter((c): c is ClassInfo => !!c);
    }
    const out: ClassInfo[] = [];
    const seen = new Set<string>([t.lower]);
    const queue = [t.lower];
    while (queue.length) {
      const sup = queue.shift()!;
      // With the project's index, only the files it names: whatever else happens to be parsed must not change the answer.
      const files = this.subtypes ? new Set(this.subtypes(sup)) : undefined;
      for (const n of files ?? []) { this.get(n); }
      for (const c of this.all) {
        if (!c.isTest && !seen.has(c.lower) && c.supers.includes(sup) && (!files || files.has(outerOf(c.path)))) { seen.add(c.lower); out.push(c); queue.push(c.lower); }
      }
    }
    // In name order, whatever order the classes were parsed in: which implementations are followed
    // (at most MAX_IMPLEMENTATIONS) must not depend on it.
    out.sort((a, b) => a.lower.localeCompare(b.lower) || a.path.localeCompare(b.path));
    this.subtypeCache.set(t.lower, out.map(c => [outerOf(c.path), c.lower]));
    return out;
  }
  /** Whether the classes of this file are in the table. */
  has(path: string): boolean { return this.all.some(c => c.path === path); }
  /**
   * Forgets the classes of a file whose tree is about to be deleted: a later call into them parses
   * the file again (through `load`). Method summaries are plain data and stay.
   */
  evict(path: string): void {
    const gone = this.all.filter(c => c.path === path);
    if (!gone.length) { return; }
    for (const c of gone) {
      if (this.byName.get(c.lower) === c) { this.byName.delete(c.lower); }
      this.tried.delete(c.lower);
    }
    this.tried.delete(outerOf(path));
    this.byFile.delete(path);
    const keep = this.all.filter(c => c.path !== path);
    this.all.length = 0;
    this.all.push(...keep);
  }
  /** Class name → the file that first declared it (kept through evictions: the same name resolves to the same class). */
  private readonly owner = new Map<string, string>();
  add(unit: ApexUnit): void {
    for (const c of collectClasses(unit)) {
      this.all.push(c);
      const inFile = this.byFile.get(c.path) ?? this.byFile.set(c.path, new Map()).get(c.path)!;
      if (!inFile.has(c.lower)) { inFile.set(c.lower, c); }
      // A name outside its file means the top-level class of that name; else the first class seen.
      const top = outerOf(c.path) === c.lower;
      const first = this.owner.get(c.lower);
      const firstTop = first !== undefined && outerOf(first) === c.lower;
      if (first === undefined || (top && !firstTop)) { this.owner.set(c.lower, c.path); }
      const owner = this.owner.get(c.lower);
      const cur = this.byName.get(c.lower);
      if (owner === c.path && (!cur || cur.path !== c.path)) { this.byName.set(c.lower, c); }
    }
  }
  /**
   * A type name as written inside `from`: the class itself or an inner class of its file (Apex
   * resolves a name to an inner class of the current class, or of its outer class, before any
   * top-level class), else the project's class of that name (`get`). `Outer.Inner` names Outer's.
   */
  resolve(from: ClassInfo, name: string): ClassInfo | undefined {
    const parts = name.split('.');
    if (parts.length === 2) {
      const outer = this.get(parts[0]);
      if (outer) {
        const inner = this.inFile(outer.path, parts[1]);
        if (inner) { return inner; }
      }
    }
    const lower = parts[parts.length - 1];
    const own = this.inFile(from.path, lower);
    return own ?? this.get(lower);
  }
  /** Classes by file, then by lower-cased name. */
  private readonly byFile = new Map<string, Map<string, ClassInfo>>();
  private inFile(path: string, lower: string): ClassInfo | undefined { return this.byFile.get(path)?.get(lower); }
  get(lower: string): ClassInfo | undefined {
    const hit = this.byName.get(lower);
    // An inner class of that name is the answer only when no file declares it at the top level.
    if (hit && (outerOf(hit.path) === lower || !this.load || this.tried.has(lower))) { return hit; }
    if (hit) {
      this.tried.add(lower);
      const unit = this.load!(lower);
      if (unit) { this.add(unit); }
      return this.byName.get(lower) ?? hit;
    }
    // A class seen before whose file was evicted: parse that file again (inner classes through their outer class).
    const file = this.owner.get(lower);
    const outer = file !== undefined ? outerOf(file) : undefined;
    if (outer !== undefined && outer !== lower) { this.get(outer); return this.byName.get(lower); }
    if (!this.load || this.tried.has(lower)) { return hit; }
    this.tried.add(lower);
    const unit = this.load(lower);
    if (unit) { this.add(unit); }
    return this.byName.get(lower);
  }
}

export interface Walk {
  ops: DataOp[];
  taint: TaintPath[];
  strips: boolean;
  idFromUri: boolean;
  reaches: Set<string>;
  visited: Set<string>;
  truncated?: boolean;
  /** Summaries still being walked that this walk met (their effects are missing from it until they finish). */
  open?: Set<string>;
}

/** A tainted value: the input's name, the way it came, and (in a method summary) which parameter it is. */
interface TaintSource { name: string; steps: Loc[]; param?: number }

/**
 * Entry points of the classes of `units`, followed through `table` (which may hold more classes:
 * the whole project). Test classes are left out.
 */
export function analyzeSurface(units: ReadonlyArray<{ path: string }>, table: ClassTable): ClassSurface[] {
  const out: ClassSurface[] = [];
  const paths = new Set(units.map(u => u.path));
  for (const cls of table.all) {
    if (!paths.has(cls.path) || cls.isTest) { continue; }
    const entryPoints: EntryPoint[] = [];
    for (const decls of cls.methods.values()) {
      for (const m of decls) {
        const e = entryOf(cls, m, table);
        if (e) { entryPoints.push(e); }
      }
    }
    if (entryPoints.length) {
      entryPoints.sort((a, b) => a.range.start.line - b.range.start.line);
      out.push({ name: cls.name, path: cls.path, range: rangeOf(cls.node.childForFieldName('name') ?? cls.node), sharingDecl: cls.sharing, entryPoints });
    }
  }
  return out;
}

function channelOf(cls: ClassInfo, m: Node): { channel: Channel; httpMethod?: string; cacheable?: boolean } | undefined {
  const ann = annotationsOf(m);
  if (ann.has('istest')) { return undefined; }
  if (cls.urlMapping !== undefined) {
    for (const [k, verb] of Object.entries(HTTP_ANNOTATIONS)) { if (ann.has(k)) { return { channel: 'rest', httpMethod: verb }; } }
  }
  if (modifierWords(m).has('webservice')) { return { channel: 'soap' }; }
  const aura = ann.get('auraenabled');
  if (aura) { return { channel: 'aura', cacheable: annotationArg(aura, 'cacheable')?.toLowerCase() === 'true' }; }
  if (ann.has('invocablemethod')) { return { channel: 'invocable' }; }
  if (ann.has('remoteaction')) { return { channel: 'remote' }; }
  return undefined;
}

function paramsOf(m: Node): Array<{ name: string; lower: string; type: string; node: Node }> {
  const ps = m.childForFieldName('parameters');
  return childrenOfType(ps, 'formal_parameter').map(p => {
    const name = p.childForFieldName('name')?.text ?? '?';
    return { name, lower: name.toLowerCase(), type: p.childForFieldName('type')?.text ?? '', node: p };
  });
}

function entryOf(cls: ClassInfo, m: Node, table: ClassTable): EntryPoint | undefined {
  const ch = channelOf(cls, m);
  if (!ch) { return undefined; }
  const nameNode = m.childForFieldName('name') ?? m;
  const sharing = effectiveSharing(cls.sharing, ch.channel);
  const walk = newWalk();
  // Every parameter of an entry point is request input; REST methods also read RestContext.request.
  const params = paramsOf(m);
  const sources = params.map((p, i) => ({ i, p })).filter(x => !SAFE_TYPES.has(baseType(x.p.type)))
    .map(x => ({ index: x.i, src: { name: x.p.name, steps: [{ path: cls.path, range: rangeOf(x.p.node), message: `Request input '${x.p.name}'.` }] } }));
  walkMethod(cls, m, new Map(sources.map(s => [s.index, s.src])), sharing, 0, walk, table);
  return {
    channel: ch.channel, className: cls.name, methodName: nameNode.text, path: cls.path,
    range: rangeOf(nameNode), declRange: rangeOf(m),
    ...(ch.httpMethod ? { httpMethod: ch.httpMethod, urlMapping: cls.urlMapping } : {}),
    ...(ch.cacheable !== undefined ? { cacheable: ch.cacheable } : {}),
    sharingDecl: cls.sharing, sharing,
    returnType: m.childForFieldName('type')?.text ?? 'void',
    ops: dedupeOps(walk.ops), taint: walk.taint, stripsInaccessible: walk.strips, idFromUri: walk.idFromUri,
    reaches: [...walk.reaches].sort(),
    ...(walk.truncated ? { truncated: true } : {}),
  };
}

/**
 * Records and lists of records: a value of such a type read from a selector or a query is data from
 * the database, not the request's text (deserialising the request into one is still followed).
 */
const STANDARD_OBJECTS = new Set(['sobject', 'account', 'contact', 'opportunity', 'case', 'lead', 'user', 'task', 'event', 'campaign',
  'order', 'product2', 'pricebook2', 'pricebookentry', 'quote', 'contract', 'asset', 'opportunitylineitem', 'contentversion', 'contentdocument']);
function isRecordType(t: string): boolean {
  const inner = t.replace(/^(list|set|map)<(id,|string,)?/, '').replace(/>$/, '');
  return /__(c|mdt|x|r)$/.test(inner) || STANDARD_OBJECTS.has(inner);
}

function baseType(t: string): string { return t.replace(/\s+/g, '').toLowerCase().replace(/^system\./, ''); }

function dedupeOps(ops: DataOp[]): DataOp[] {
  const seen = new Set<string>();
  return ops.filter(o => {
    const k = `${o.loc.path}:${o.loc.range.start.line}:${o.loc.range.start.character}:${o.sharing}`;
    if (seen.has(k)) { return false; }
    seen.add(k);
    return true;
  });
}

/**
 * Named descendants of `n` (itself included) in document order. Method bodies are walked once per
 * analysis whatever the number of entry points that reach them (reading nodes crosses into WASM).
 */
const bodyNodes = new WeakMap<Node['tree'], Map<number, Node[]>>();
function bodyDescendants(body: Node): Node[] {
  let perTree = bodyNodes.get(body.tree);
  if (!perTree) { bodyNodes.set(body.tree, perTree = new Map<number, Node[]>()); }
  let list = perTree.get(body.id);
  if (!list) { perTree.set(body.id, list = descendants(body)); }
  return list;
}

function descendants(n: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [n];
  while (stack.length) {
    const x = stack.pop()!;
    out.push(x);
    const kids = x.namedChildren;
    for (let i = kids.length - 1; i >= 0; i--) { const k = kids[i]; if (k) { stack.push(k); } }
  }
  return out;
}

/** A read of the request itself: `RestContext.request…`, `ApexPages.currentPage().getParameters()…`. */
function isSourceExpr(text: string): boolean {
  const t = text.replace(/\s+/g, '').toLowerCase();
  return t.startsWith('restcontext.request') || t.startsWith('system.restcontext.request') || t.startsWith('apexpages.currentpage().getparameters()');
}

function isEscapeCall(n: Node): boolean {
  if (n.type !== 'method_invocation') { return false; }
  const name = n.childForFieldName('name')?.text.toLowerCase();
  return name === 'escapesinglequotes';
}

/**
 * The tainted name an expression carries, if any: an identifier of `tainted` used as a value (not
 * bound with `:x`, not inside String.escapeSingleQuotes), or a read of RestContext.request. A call on
 * an untainted local (`isLocal`: declared in this method) takes its value from the receiver, whatever
 * its arguments: `allowed.get(input)` is one of the map's values.
 */
function taintIn(expr: Node, tainted: Map<string, TaintSource>, isLocal?: (lower: string) => boolean): TaintSource | undefined {
  if (!tainted.size && !/restcontext|apexpages/i.test(expr.text)) { return undefined; }
  // [node, is it the member name of a.b / a.m()] (parent lookups cross into WASM: carry it instead).
  const stack: Array<[Node, boolean]> = [[expr, false]];
  while (stack.length) {
    const [n, isMember] = stack.pop()!;
    if (n.type === 'bound_apex_expression' || isEscapeCall(n) || n.type === 'string_literal') { continue; }
    if (n.type === 'identifier') {
      const hit = !isMember ? tainted.get(n.text.toLowerCase()) : undefined;
      if (hit) { return hit; }
      continue;
    }
    // Values that cannot carry the input's text: comparisons, conditions, !x, and calls that answer a
    // Boolean or a number (isBlank, contains, size…). Of a ternary only the two results count.
    if (n.type === 'binary_expression' && NON_TEXT_OPERATORS.has(n.childForFieldName('operator')?.type ?? '')) { continue; }
    if (n.type === 'unary_expression' || n.type === 'instanceof_expression') { continue; }
    if (n.type === 'ternary_expression') {
      for (const f of ['consequence', 'alternative']) { const c = n.childForFieldName(f); if (c) { stack.push([c, false]); } }
      continue;
    }
    if (n.type === 'method_invocation' && NON_TEXT_METHODS.has(n.childForFieldName('name')?.text.toLowerCase() ?? '')) { continue; }
    if ((n.type === 'field_access' || n.type === 'method_invocation') && isSourceExpr(n.text)) {
      return { name: 'RestContext.request', steps: [] };
    }
    if (n.type === 'method_invocation' && isLocal) {
      // m.get(input) on a map or list of this method: the value comes from the receiver, not the key.
      const obj = n.childForFieldName('object');
      if (obj?.type === 'identifier' && isLocal(obj.text.toLowerCase()) && !tainted.has(obj.text.toLowerCase())) { continue; }
    }
    const member = n.type === 'field_access' ? n.childForFieldName('field')?.id : n.type === 'method_invocation' ? n.childForFieldName('name')?.id : undefined;
    for (const c of n.namedChildren) { if (c) { stack.push([c, c.id === member]); } }
  }
  return undefined;
}

/** A describe map: the global describe, or an object's field map (compact, lower-cased source text). */
const DESCRIBE_MAP = /(^|\.)getglobaldescribe\(\)$|\.fields\.getmap\(\)$/;

/**
 * Names (lower-cased) of the method's variables checked as keys of a describe map (written in place or
 * held in a local: `Map<…> m = Schema.getGlobalDescribe()`), where a failed lookup stops the method:
 * `m.get(x)` whose result is dereferenced (`m.get(x).getDescribe()`, or through the local it is stored in),
 * or `if (!m.containsKey(x)) { return …; }` / `throw`.
 */
function describeKeys(nodes: Node[], flows: Array<{ name: string; value: Node }>): Set<string> {
  const maps = new Set(flows.filter(f => DESCRIBE_MAP.test(f.value.text.replace(/\s+/g, '').toLowerCase())).map(f => f.name));
  const out = new Set<string>();
  const dereferenced = (local: string) => nodes.some(d => (d.type === 'method_invocation' || d.type === 'field_access')
    && d.childForFieldName('object')?.type === 'identifier' && d.childForFieldName('object')?.text.toLowerCase() === local);
  for (const n of nodes) {
    if (n.type !== 'method_invocation') { continue; }
    const name = n.childForFieldName('name')?.text.toLowerCase();
    if (name !== 'get' && name !== 'containskey') { continue; }
    const obj = n.childForFieldName('object');
    const objText = obj?.text.replace(/\s+/g, '').toLowerCase() ?? '';
    if (!(DESCRIBE_MAP.test(objText) || (obj?.type === 'identifier' && maps.has(objText)))) { continue; }
    const key = argsOf(n)[0];
    if (key?.type !== 'identifier') { continue; }
    const parent = n.parent;
    let checked = false;
    if (name === 'get') {
      if ((parent?.type === 'method_invocation' || parent?.type === 'field_access') && parent.childForFieldName('object')?.id === n.id) { checked = true; }
      const holder = parent?.type === 'variable_declarator' ? parent.childForFieldName('name')
        : parent?.type === 'assignment_expression' && parent.childForFieldName('right')?.id === n.id ? parent.childForFieldName('left') : null;
      if (holder?.type === 'identifier' && dereferenced(holder.text.toLowerCase())) { checked = true; }
    } else {
      // if (!m.containsKey(x)) { return …; } or throw: the rest of the method only runs for a known name.
      const not = parent?.type === 'unary_expression' ? parent : undefined;
      const cond = not?.parent?.type === 'parenthesized_expression' ? not.parent : undefined;
      const stmt = cond?.parent?.type === 'if_statement' ? cond.parent : undefined;
      const then = stmt?.childForFieldName('consequence');
      if (not && /^!/.test(not.text) && then && /\b(return|throw)\b/.test(then.text)) { checked = true; }
    }
    if (checked) { out.add(key.text.toLowerCase()); }
  }
  return out;
}

function hasUserModeArg(args: Node[]): boolean {
  return args.some(a => a.text.replace(/\s+/g, '').toLowerCase().endsWith('accesslevel.user_mode'));
}

function argsOf(call: Node): Node[] {
  const list = call.childForFieldName('arguments');
  return list ? list.namedChildren.filter((c): c is Node => !!c && c.type !== 'line_comment' && c.type !== 'block_comment') : [];
}

function loc(cls: ClassInfo, n: Node, message: string): Loc { return { path: cls.path, range: rangeOf(n), message }; }

function walkMethod(cls: ClassInfo, m: Node, taintedParams: Map<number, TaintSource>, sharing: 'with' | 'without', depth: number, w: Walk, table: ClassTable): void {
  const where = `${cls.name}.${m.childForFieldName('name')?.text ?? '?'}`;
  const mask = [...taintedParams.keys()].sort().join(',');
  const key = `${cls.path}#${cls.lower}.${m.startIndex}:${mask}:${sharing}`;
  if (w.visited.has(key) || depth > MAX_DEPTH) { return; }
  if (w.visited.size >= MAX_WALKS) { w.truncated = true; return; }
  w.visited.add(key);
  const body = m.childForFieldName('body');
  if (!body) { return; }
  if (depth === 0 && /requesturi/i.test(body.text)) { w.idFromUri = true; }
  const params = paramsOf(m);
  const tainted = new Map<string, TaintSource>();
  for (const [i, src] of taintedParams) { if (params[i]) { tainted.set(params[i].lower, src); } }
  const localTypes = new Map<string, string>();
  /** Declared types as written (for the DML target's object name). */
  const typeText = new Map<string, string>();
  /** Locals holding `Type.forName('X').newInstance()`: lower-cased local → x. */
  const instanceOf = new Map<string, string>();
  for (const p of params) { localTypes.set(p.lower, baseType(p.type)); typeText.set(p.lower, p.type); }
  const isLocal = (lower: string) => localTypes.has(lower);

  // Propagate taint through locals and assignments, in document order, twice (loops assign later).
  const flows: Array<{ name: string; value: Node; at: Node }> = [];
  const nodes = bodyDescendants(body);
  for (const n of nodes) {
    if (n.type === 'local_variable_declaration') {
      const written = n.childForFieldName('type')?.text ?? '';
      const type = baseType(written);
      for (const d of childrenOfType(n, 'variable_declarator')) {
        const name = d.childForFieldName('name')?.text.toLowerCase();
        if (!name) { continue; }
        localTypes.set(name, type);
        typeText.set(name, written);
        const v = d.childForFieldName('value');
        const made = v && /forname/i.test(v.text) ? forNameOf(v.text) : undefined;
        if (made) { instanceOf.set(name, made); }
        if (v && !SAFE_TYPES.has(type) && !(isRecordType(type) && !/json\.deserialize/i.test(v.text))) { flows.push({ name, value: v, at: d }); }
      }
    } else if (n.type === 'assignment_expression') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      const made = left?.type === 'identifier' && right && /forname/i.test(right.text) ? forNameOf(right.text) : undefined;
      if (made) { instanceOf.set(left!.text.toLowerCase(), made); }
      if (left?.type === 'identifier' && right && !SAFE_TYPES.has(localTypes.get(left.text.toLowerCase()) ?? '')) {
        flows.push({ name: left.text.toLowerCase(), value: right, at: n });
      }
    }
  }
  // The string literals an expression is built from (through the locals it names), to find FROM in a dynamic query.
  const literalsOf = (expr: Node, seen = new Set<string>()): string => {
    const parts: string[] = [];
    for (const d of descendants(expr)) {
      if (d.type === 'string_literal') { parts.push(d.text); }
      else if (d.type === 'identifier' && !seen.has(d.text.toLowerCase())) {
        seen.add(d.text.toLowerCase());
        for (const f of flows) { if (f.name === d.text.toLowerCase()) { parts.push(literalsOf(f.value, seen)); } }
      }
    }
    return parts.join(' ');
  };
  // An input looked up in a describe map (`Schema.getGlobalDescribe().get(x)`, `fields.getMap().containsKey(x)`)
  // is the API name of an existing sObject or field (the lookup fails otherwise): it can name, not inject.
  const apiNames = describeKeys(nodes, flows);
  for (const name of apiNames) { tainted.delete(name); }
  for (let pass = 0; pass < 2; pass++) {
    for (const f of flows) {
      if (tainted.has(f.name) || apiNames.has(f.name)) { continue; }
      const t = taintIn(f.value, tainted, isLocal);
      if (t) { tainted.set(f.name, { ...t, steps: [...t.steps, loc(cls, f.at, `'${f.name}' carries ${t.name}.`)] }); }
    }
  }

  for (const n of nodes) {
    switch (n.type) {
      case 'query_expression': {
        const soql = childrenOfType(n, 'soql_query_body')[0];
        const sosl = childrenOfType(n, 'sosl_query_body')[0];
        const q = soql ?? sosl;
        if (!q) { break; }
        const withClause = childrenOfType(q, 'with_clause')[0]?.text.replace(/\s+/g, '').toLowerCase() ?? '';
        const user = withClause.includes('user_mode') || withClause.includes('security_enforced');
        const what = soql
          ? fromObjects(soql)
          : childrenOfType(childrenOfType(sosl, 'returning_clause')[0] ?? null, 'sobject_return').map(s => s.namedChildren[0]?.text ?? '?');
        const whereText = childrenOfType(q, 'where_clause')[0]?.text.replace(/\s+/g, '').toLowerCase() ?? '';
        w.ops.push({
          kind: soql ? 'soql' : 'sosl', mode: user ? 'user' : 'system', sharing, what, where, ...settingOf(cls, what),
          loc: loc(cls, n, `${soql ? 'SOQL' : 'SOSL'} on ${what.join(', ') || '?'}${user ? ' in user mode' : ' in system mode'}`),
          ...(whereText.includes('ownerid=:userinfo.getuserid()') ? { ownerFiltered: true } : {}),
        });
        break;
      }
      case 'dml_expression': {
        const op = childrenOfType(n, 'dml_type')[0]?.text.toLowerCase() ?? 'dml';
        const user = childrenOfType(n, 'dml_security_mode')[0]?.text.toLowerCase() === 'user';
        const what = dmlTarget(n.childForFieldName('target'), typeText, cls);
        w.ops.push({ kind: 'dml', mode: user ? 'user' : 'system', sharing, what, op, where, ...settingOf(cls, what), loc: loc(cls, n, `${op}${what.length ? ` ${what[0]}` : ''}${user ? ' as user' : ' in system mode'}`) });
        break;
      }
      case 'method_invocation':
        visitCall(cls, where, n, tainted, localTypes, isLocal, literalsOf, sharing, depth, w, table, typeText, instanceOf);
        break;
      case 'object_creation_expression': {
        // new X(…) runs X's constructor (the one of that arity), in X's sharing.
        const target = table.resolve(cls, baseType(n.childForFieldName('type')?.text ?? ''));
        if (!target || target.isTest || !target.ctors.length) { break; }
        const args = argsOf(n);
        const decl = target.ctors.find(d => paramsOf(d).length === args.length);
        if (decl?.childForFieldName('body')) { followInto(cls, target, decl, target.name, args, tainted, isLocal, sharing, w, table); }
        break;
      }
      default:
        break;
    }
  }
}

function visitCall(cls: ClassInfo, where: string, n: Node, tainted: Map<string, TaintSource>, localTypes: Map<string, string>,
  isLocal: (lower: string) => boolean, literalsOf: (expr: Node) => string, sharing: 'with' | 'without', depth: number, w: Walk, table: ClassTable,
  typeText: Map<string, string>, instanceOf: Map<string, string>): void {
  const name = n.childForFieldName('name')?.text ?? '';
  const lower = name.toLowerCase();
  const obj = n.childForFieldName('object');
  const objText = obj?.text.replace(/\s+/g, '').toLowerCase();
  const args = argsOf(n);
  if (objText === 'database' || objText === 'system.database' || objText === 'search' || objText === 'system.search') {
    const isSearch = objText.endsWith('search');
    if ((isSearch && lower === 'query') || (!isSearch && DYNAMIC_SOQL.has(lower))) {
      const kind = isSearch ? 'dynamic-sosl' : 'dynamic-soql';
      const q = args[0];
      const text = q ? literalsOf(q) : '';
      const from = /\b(?:from|returning)\s+([A-Za-z_][\w]*)/i.exec(text)?.[1];
      // WITH USER_MODE / WITH SECURITY_ENFORCED written in the query string count like AccessLevel.USER_MODE.
      const user = hasUserModeArg(args) || /\bwith\s+(user_mode|security_enforced)\b/i.test(text);
      w.ops.push({ kind, mode: user ? 'user' : 'system', sharing, what: from ? [from] : [], where, ...settingOf(cls, from ? [from] : []),
        loc: loc(cls, n, `${isSearch ? 'Search' : 'Database'}.${name}${from ? ` on ${from}` : ''} in ${user ? 'user' : 'system'} mode`) });
      const t = q && taintIn(q, tainted, isLocal);
      if (t) {
        w.taint.push({ sink: isSearch ? 'sosl' : 'soql', input: t.name, steps: [...t.steps, loc(cls, n, `${t.name} reaches ${isSearch ? 'Search' : 'Database'}.${name} unbound and unescaped.`)], ...(t.param !== undefined ? { param: t.param } : {}) });
      }
      return;
    }
    if (!isSearch && DATABASE_DML.has(lower)) {
      const user = hasUserModeArg(args);
      const what = dmlTarget(args[0], typeText, cls);
      w.ops.push({ kind: 'dml', mode: user ? 'user' : 'system', sharing, what, op: `Database.${name}`, where, ...settingOf(cls, what), loc: loc(cls, n, `Database.${name}${what.length ? ` ${what[0]}` : ''} in ${user ? 'user' : 'system'} mode`) });
      return;
    }
  }
  if ((objText === 'security' || objText === 'system.security') && lower === 'stripinaccessible') { w.strips = true; return; }
  if (lower === 'setendpoint' && args[0]) {
    const t = taintIn(args[0], tainted, isLocal);
    if (t) { w.taint.push({ sink: 'callout', input: t.name, steps: [...t.steps, loc(cls, n, `${t.name} sets the callout endpoint.`)], ...(t.param !== undefined ? { param: t.param } : {}) }); }
    return;
  }
  // Follow calls into methods of this class and of other project classes.
  let target: ClassInfo | undefined;
  const forName = obj ? forNameOf(obj.text) : undefined;
  if (!obj || objText === 'this') { target = cls; }
  else if (forName) { target = table.get(forName); }
  else if (obj.type === 'identifier') {
    const made = instanceOf.get(objText!);
    const local = localTypes.get(objText!);
    // A local, else a field of the class (its declared type), else a class name (a static call).
    const field = local === undefined ? cls.fields.get(objText!) : undefined;
    target = made !== undefined ? table.get(made) : local !== undefined ? table.resolve(cls, local)
      : field !== undefined ? table.resolve(cls, baseType(field)) : table.resolve(cls, objText!);
  } else if (obj.type === 'object_creation_expression') {
    target = table.resolve(cls, baseType(obj.childForFieldName('type')?.text ?? ''));
  } else if (obj.type === 'field_access' && obj.childForFieldName('object')?.type === 'this') {
    const field = cls.fields.get(obj.childForFieldName('field')?.text.toLowerCase() ?? '');
    target = field !== undefined ? table.resolve(cls, baseType(field)) : undefined;
  } else if (obj.type === 'field_access') {
    const segs = objText!.split('.');
    target = table.resolve(cls, segs.slice(-2).join('.'));
  }
  if (!target || target.isTest) { return; }
  // The method itself and, when it can be overridden (an interface's, abstract, virtual or an
  // override), every implementation in the project's subtypes: the call may run any of them.
  // Type.forName('X') with a literal name is exact: X's method only.
  const pick = (c: ClassInfo) => { const ds = c.methods.get(lower); return ds?.find(d => paramsOf(d).length === args.length) ?? ds?.[0]; };
  const decl = pick(target);
  const callees: Array<{ target: ClassInfo; decl: Node }> = [];
  if (decl?.childForFieldName('body')) { callees.push({ target, decl }); }
  if (!forName && (target.isInterface || (decl && overridable(decl)))) {
    for (const sub of table.subtypesOf(target)) {
      const d = pick(sub);
      if (d?.childForFieldName('body') && callees.length < MAX_IMPLEMENTATIONS) { callees.push({ target: sub, decl: d }); }
      else if (d && callees.length >= MAX_IMPLEMENTATIONS) { w.truncated = true; }
    }
  }
  for (const c of callees) { followInto(cls, c.target, c.decl, name, args, tainted, isLocal, sharing, w, table); }
}

/** Implementations of one overridable method followed per call (the rest is noted as not followed). */
const MAX_IMPLEMENTATIONS = 25;

/** A method others may replace: abstract, virtual, override, or declared in an interface (no body). */
function overridable(decl: Node): boolean {
  const w = modifierWords(decl);
  return w.has('virtual') || w.has('abstract') || w.has('override') || !decl.childForFieldName('body');
}

/** `Type.forName('Impl').newInstance()` (or `Type.forName('ns', 'Impl')`), possibly cast: the class, lower-cased. */
function forNameOf(text: string): string | undefined {
  const m = /\btype\s*\.\s*forname\s*\(\s*'([\w.]*)'\s*(?:,\s*'([\w.]+)'\s*)?\)\s*\.\s*newinstance\s*\(\s*\)/i.exec(text);
  if (!m) { return undefined; }
  return (m[2] ?? m[1]).split('.').pop()!.toLowerCase() || undefined;
}

function followInto(cls: ClassInfo, target: ClassInfo, decl: Node, name: string, args: Node[], tainted: Map<string, TaintSource>,
  isLocal: (lower: string) => boolean, sharing: 'with' | 'without', w: Walk, table: ClassTable): void {
  if (target !== cls) { w.reaches.add(`${target.name}.${decl.childForFieldName('name')?.text ?? name}`); }
  const next = new Map<number, TaintSource>();
  const params = paramsOf(decl);
  args.forEach((a, i) => {
    const t = taintIn(a, tainted, isLocal);
    if (t && params[i] && !SAFE_TYPES.has(baseType(params[i].type))) {
      next.set(i, { ...t, steps: [...t.steps, loc(cls, a, `passed to ${target.name}.${name}(${params[i].name})`)] });
    }
  });
  const calleeSharing = target.sharing === 'with' ? 'with' : target.sharing === 'without' ? 'without' : sharing;
  // What a method reaches depends only on which parameters are tainted and the sharing it runs in:
  // walk it once per such key, with the tainted parameters as placeholders, and rebind them here.
  const mask = [...next.keys()].sort((a, b) => a - b);
  const key = `${target.path}#${target.lower}.${decl.startIndex}:${mask.join(',')}:${calleeSharing}`;
  let sum = table.summaries.get(key);
  if (sum === 'busy') { (w.open ??= new Set()).add(key); return; }   // recursion: the outer walk is collecting it
  if (!sum) {
    table.summaries.set(key, 'busy');
    sum = newWalk();
    const placeholders = new Map(mask.map(i => [i, { name: params[i].name, steps: [], param: i }]));
    walkMethod(target, decl, placeholders, calleeSharing, 1, sum, table);
    sum.open?.delete(key);
    if (sum.open?.size) {
      // It met a method still being walked (a cycle through a caller): what it holds lacks that
      // method's effects, so it is not kept for other callers (the caller's own summary is complete).
      table.summaries.delete(key);
      for (const k of sum.open) { (w.open ??= new Set()).add(k); }
    } else {
      table.summaries.set(key, sum);
    }
  }
  w.ops.push(...sum.ops);
  for (const t of sum.taint) {
    const src = t.param !== undefined ? next.get(t.param) : undefined;
    w.taint.push(src ? { sink: t.sink, input: src.name, steps: [...src.steps, ...t.steps], ...(src.param !== undefined ? { param: src.param } : {}) } : t);
  }
  w.strips ||= sum.strips;
  w.idFromUri ||= sum.idFromUri;
  w.truncated ||= sum.truncated;
  for (const r of sum.reaches) { w.reaches.add(r); }
}

/** The record type a type names: Account, List<Account>, Account[], Map<Id, Account> → Account; SObject and generic types → none. */
function recordTypeOf(written: string): string | undefined {
  let t = written.replace(/\s+/g, '');
  for (;;) {
    const m = /^(?:System\.)?(?:List|Set|Iterable)<(.+)>$/i.exec(t) ?? /^(?:System\.)?Map<[^,<>]+,(.+)>$/i.exec(t);
    if (!m) { break; }
    t = m[1];
  }
  t = t.replace(/\[\]$/, '');
  if (!/^[A-Za-z][\w.]*$/.test(t) || /^(sobject|object|string|id)$/i.test(t)) { return undefined; }
  return t;
}

/** The object type a DML statement or Database method writes, from its target expression (empty when unknown). */
function dmlTarget(target: Node | null | undefined, typeText: Map<string, string>, cls: ClassInfo): string[] {
  if (!target) { return []; }
  let t: string | undefined;
  switch (target.type) {
    case 'identifier': {
      const l = target.text.toLowerCase();
      t = typeText.get(l) ?? cls.fields.get(l);
      break;
    }
    case 'field_access': {
      const obj = target.childForFieldName('object');
      if (obj?.type === 'this') { t = cls.fields.get(target.childForFieldName('field')?.text.toLowerCase() ?? ''); }
      break;
    }
    case 'object_creation_expression': case 'array_creation_expression': case 'cast_expression':
      t = target.childForFieldName('type')?.text;
      break;
    case 'method_invocation': {
      // m.values() of a Map<K, V>: V.
      const obj = target.childForFieldName('object');
      if (target.childForFieldName('name')?.text.toLowerCase() === 'values' && obj?.type === 'identifier') {
        const l = obj.text.toLowerCase();
        t = typeText.get(l) ?? cls.fields.get(l);
      }
      break;
    }
    case 'parenthesized_expression':
      return dmlTarget(target.namedChildren[0], typeText, cls);
    case 'query_expression': {
      // delete [SELECT Id FROM X …]: the records of the query's object.
      return fromObjects(childrenOfType(target, 'soql_query_body')[0]).slice(0, 1);
    }
    default:
      break;
  }
  const r = t ? recordTypeOf(t) : undefined;
  return r ? [r] : [];
}

/** `{ customSetting: true }` when every object of the operation is one its class's file reads as a custom setting. */
/** The objects a SOQL query body names in its FROM clause. */
function fromObjects(soql: Node | undefined): string[] {
  return childrenOfType(childrenOfType(soql ?? null, 'from_clause')[0] ?? null, 'storage_identifier').map(s => s.text);
}

function settingOf(cls: ClassInfo, what: readonly string[]): { customSetting?: true } {
  return what.length && what.every(x => cls.settings.has(x.toLowerCase())) ? { customSetting: true } : {};
}

function newWalk(): Walk { return { ops: [], taint: [], strips: false, idFromUri: false, reaches: new Set(), visited: new Set() }; }
