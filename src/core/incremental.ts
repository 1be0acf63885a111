/**
 * Incremental linting of one open Apex document (the editor worker keeps one per open class).
 *
 * The document's tree-sitter tree is kept and re-parsed with the edit API after each change. Its
 * top-level type's members (methods, constructors, inner types: the "units") are compared with the
 * previous lint: units the edits did not touch keep their findings (positions shifted). The changed
 * units, and every unit linked to them by a name (a method or inner type name one of them declares and
 * the other mentions, or a mutable field of the class both mention), are linted again on a *slice*:
 * the text with all other units blanked out, line breaks kept (and columns where text follows), so that the slice's
 * positions are the document's positions. Everything else (the class header, fields, comments
 * between members) stays in the slice, so cross-member facts the model follows (constants, fields,
 * one method hop, call-site arguments) are there.
 *
 * An edit that breaks the parse inside one member is linted as that member alone, within its bounds of
 * the last lint (see `lint` and `confinedStructure`): its findings and parse-error note come from the
 * slice, the other members keep theirs until it parses again (`IncrementalResult.confined`).
 *
 * Anything this cannot vouch for falls back to a full lint (with the kept tree, so no full parse; the line index
 * updated from the last one; the member pre-check's facts of the members as they were, `MemberMemo`):
 * no previous result, other settings or project values, a syntax error in a member not linted again
 * (a full lint of broken text parses it fresh), an edit outside the members
 * or of a field/header, a member others' context depends on, more than 30% of the text to re-lint,
 * notes, a disable comment in a blanked member, findings whose related places cross members, or
 * class-level findings that differ between the slice and the previous lint.
 * `test/unit/incremental.fuzz.test.ts` checks, after every random edit, that the result equals a
 * fresh full lint.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { Engine, LintOptions } from './engine';
import { MAX_PARSE_BYTES } from './engine';
import type { FileReport, Finding, Position, Range } from './types';
import { LineIndex, compareRanges } from './position';
import { parseApexWithin } from './apex/parser';
import { apexRulesMayReport } from './apex/precheck';
import { MemberMemo } from './apex/members';
import { mayExpose } from './surface/risks';
import { testClassSpan } from './apex/testClass';

/** One edit as VS Code reports it: a range of the text before the edit (lines split at \n) and its replacement. */
export interface TextChange { range: Range; text: string }

export type LintMode = 'full' | 'members' | 'unchanged';

export interface IncrementalResult {
  report: FileReport;
  /** `full`: whole file linted; `members`: only `relinted` of `units` members; `unchanged`: same text and settings as the last lint. */
  mode: LintMode;
  /** Why a full lint ran (for the bench and logs). */
  why?: string;
  relinted?: number;
  units?: number;
  /**
   * Set when the text has a syntax error the edits made inside one member: that member's range, linted alone
   * (the members around it as they were). A fresh parse of the whole broken text may recover differently.
   */
  confined?: Range;
  /** Internal: the current text's line index, kept for the next lint. */
  lines?: LineIndex;
}

/** What linking needs to know about a unit's text (cached by text: unchanged members are not re-read). */
interface UnitFacts {
  /** Lower-cased names others can reach it by: a method's name, an inner type's name (and its nested types'), a constructor's class name. */
  exported: string[];
  /** The types it extends or implements (lower-cased tokens). */
  supers: string[];
  /** Every identifier-like token in it, lower-cased (comments and strings included: more links, never fewer). */
  idents: Set<string>;
  /** Tokens it may write: followed by an assignment, `++`/`--`, `.` (a call that may change it) or `[i]`. */
  writes: Set<string>;
  /**
   * It holds code (a method or constructor body, an initializer, an accessor): others that name it may call into it.
   * A type of fields only (WSDL2Apex data classes, enums) is reached by `Name.x` only.
   */
  hasCode: boolean;
  /** Its text blanked (computed once, when first needed). */
  blanked?: string;
  /** It mentions `apiguard` (a disable comment): never blanked. */
  guard: boolean;
}
interface Unit { start: number; end: number; text: string; facts: UnitFacts }
interface Structure {
  units: Unit[];
  /** Fields and properties of the class (outside units) that a unit can change: not `final` immutable values. */
  mutable: Set<string>;
  /** Tokens of the code outside the units (class header, fields, properties; not comments). */
  contextIdents: Set<string>;
  /** Units with a syntax error (ERROR or MISSING node) in them; an error anywhere else gives no structure. */
  errorUnits: Set<Unit>;
}

const UNIT_TYPES = new Set(['method_declaration', 'constructor_declaration', 'class_declaration', 'interface_declaration', 'enum_declaration']);
const IMMUTABLE_TYPES = /^(string|integer|long|decimal|double|boolean|id|date|datetime|time)$/i;
const MAX_SLICE_SHARE = 0.3;
/** Rounds of links followed before a full lint is cheaper: each round is a pass over every member, and a chain of calls adds one member per round. */
const MAX_LINK_ROUNDS = 16;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/g;
// A match starts only where a word starts (the look-behind), else every character of a long name starts an attempt.
const WRITE = /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)\s*(?:[-+*/]?=(?!=)|\+\+|--|\.|\[(?!\s*\]))|(?:\+\+|--)\s*([A-Za-z_][A-Za-z0-9_]*)/g;
const STRING_LITERAL = /'(?:[^'\\\n]|\\.)*'/g;

/** Tokens `text` may write (see `UnitFacts.writes`), lower-cased. */
function written(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(WRITE)) { out.add((m[1] ?? m[2]).toLowerCase()); }
  return out;
}

function tokens(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(IDENT)) { out.add(m[0].toLowerCase()); }
  return out;
}

/**
 * Whether one of `names` is in `set` (a loop, not `some` with a closure: it runs for every member, per linked member).
 * Two sets: the smaller one is walked (a round's names can be thousands, a data class's tokens a few: walking the round's
 * for every member was quadratic on a method that calls thousands of others).
 */
function anyIn(names: readonly string[] | ReadonlySet<string>, set: ReadonlySet<string>): boolean {
  if (!Array.isArray(names) && (names as ReadonlySet<string>).size > set.size) {
    for (const n of set) { if ((names as ReadonlySet<string>).has(n)) { return true; } }
    return false;
  }
  for (const n of names) { if (set.has(n)) { return true; } }
  return false;
}

/** The names in both sets, walking the smaller one. */
function* common(a: ReadonlySet<string>, b: ReadonlySet<string>): Generator<string> {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) { if (large.has(x)) { yield x; } }
}

/** Offset of a 0-based line/character (lines end at \n), clamped to the text. */
export function offsetAtLine(text: string, line: number, character: number): number {
  let start = 0;
  for (let i = 0; i < line; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) { return text.length; }
    start = nl + 1;
  }
  return Math.min(start + character, text.length);
}

/**
 * The text of a unit that is not linted, up to its last line: only its line breaks (so the lines after it keep
 * their numbers). Its characters on its first line are dropped (nothing of the unit follows them on that line);
 * those on its last line are added by `lastLine` when the document has more on that line after the unit.
 */
function blank(s: string): string {
  const first = s.search(/[\r\n]/);
  if (first < 0) { return ''; }
  const last = Math.max(s.lastIndexOf('\n'), s.lastIndexOf('\r'));
  return s.slice(first, last + 1).replace(/[^\r\n]+/g, '');
}

/** Spaces for a blanked unit's characters on its last line when something follows it on that line (its column is kept), else nothing. */
function lastLine(text: string, u: { start: number; end: number }): string {
  let i = u.end;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) { i++; }
  if (i >= text.length || text[i] === '\n' || text[i] === '\r') { return ''; }
  const from = Math.max(text.lastIndexOf('\n', u.end - 1), text.lastIndexOf('\r', u.end - 1), u.start - 1) + 1;
  return ' '.repeat(u.end - from);
}

export class IncrementalApexDoc {
  private text: string;
  /** The tree of `text` when `treeFresh`; between edits and the next lint, the old tree with `tree.edit` applied. */
  private tree: Tree | undefined;
  private treeFresh = false;
  /** The span of the current text the edits since the last lint rewrote, and how much longer the text got. */
  private dirty: [number, number] | undefined;
  private delta = 0;
  private last: { text: string; lines: LineIndex; report: FileReport; structure?: Structure; key: string } | undefined;
  private factsCache = new Map<string, UnitFacts>();
  /** The engine's member pre-check facts of the last full lint (a field edit gives a full lint: most members are as they were). */
  private readonly memberMemo = new MemberMemo();
  private engine!: Engine;

  /** `maxSliceShare`: above this share of the text to lint again, a full lint (with the kept tree) is cheaper. */
  constructor(readonly path: string, text: string, private readonly tuning: { maxSliceShare?: number } = {}) { this.text = text; }

  get current(): string { return this.text; }

  /** Applies edits in order (each range on the text before it) to the text and, with `tree.edit`, to the kept tree. */
  applyChanges(changes: ReadonlyArray<TextChange>): void {
    for (const c of changes) {
      const s = offsetAtLine(this.text, c.range.start.line, c.range.start.character);
      const e = Math.max(s, offsetAtLine(this.text, c.range.end.line, c.range.end.character));
      const nls = c.text.split('\n');
      const endPoint = nls.length === 1
        ? { row: c.range.start.line, column: c.range.start.character + c.text.length }
        : { row: c.range.start.line + nls.length - 1, column: nls[nls.length - 1].length };
      if (this.tree) {
        this.tree.edit({
          startIndex: s, oldEndIndex: e, newEndIndex: s + c.text.length,
          startPosition: { row: c.range.start.line, column: c.range.start.character },
          oldEndPosition: { row: c.range.end.line, column: c.range.end.character },
          newEndPosition: endPoint,
        });
        this.treeFresh = false;
      }
      this.text = this.text.slice(0, s) + c.text + this.text.slice(e);
      const d = c.text.length - (e - s);
      const to = (x: number, inside: number) => x <= s ? x : x >= e ? x + d : inside;
      this.dirty = this.dirty
        ? [Math.min(to(this.dirty[0], s), s), Math.max(to(this.dirty[1], s + c.text.length), s + c.text.length)]
        : [s, s + c.text.length];
      this.delta += d;
    }
  }

  /** Replaces the whole text (the editor sent it again): a full lint follows unless it is the same text. */
  reset(text: string): void {
    if (text === this.text && !this.dirty) { return; }
    this.text = text;
    this.dropTree();
    this.last = undefined;
    this.dirty = undefined;
    this.delta = 0;
  }

  /** Frees the tree (web-tree-sitter trees live in WASM memory). */
  dispose(): void { this.dropTree(); this.last = undefined; this.factsCache.clear(); this.memberMemo.clear(); }

  private dropTree(): void { this.tree?.delete(); this.tree = undefined; this.treeFresh = false; }

  /**
   * Lints the current text: the same report `engine.lint(path, text, options)` gives. `key` names
   * everything besides the text that findings depend on (settings, the project's values): when it
   * differs from the last lint's, the whole file is linted.
   */
  lint(engine: Engine, options: LintOptions, key: string): IncrementalResult {
    this.engine = engine;
    const text = this.text;
    const prev = this.last;
    if (prev && prev.key === key && prev.text === text) { this.dirty = undefined; this.delta = 0; return { report: prev.report, mode: 'unchanged' }; }
    const dirty = this.dirty;
    const delta = this.delta;
    this.dirty = undefined;
    this.delta = 0;
    const tree = this.freshTree(options);
    let result: IncrementalResult | string | undefined;
    let structure: Structure | undefined;
    let kept: Structure | undefined;
    if (tree?.rootNode.hasError && prev?.structure && prev.key === key && dirty) {
      // Broken text (an open string literal, a missing brace): tree-sitter's recovery may stretch the edited
      // member over its neighbours or the rest of the class (reading that tree's members costs more than the
      // lint), and a full lint would parse 1 MB afresh on every keystroke. An edit inside one member is linted
      // as that member alone, within its last bounds; the other members keep their findings, the ones linked
      // to it too (the slice's broken parse could swallow them), until it parses again. The slice must show
      // the break (else the error was the kept tree's only: the lint below decides).
      const confined = this.confinedStructure(prev.structure, dirty, delta);
      const r = confined && this.byMembers(options, prev, confined, prev.structure, dirty, delta, true);
      if (r && typeof r !== 'string' && r.report.notes.some(n => n.code === 'parse-error')) {
        const broken = [...confined.errorUnits][0];
        const lines = r.lines ?? new LineIndex(text);
        result = { ...r, confined: lines.rangeOf(broken.start, broken.end) };
        kept = confined;
      }
    }
    let why: string | undefined;
    if (!result) {
      structure = tree ? this.structureOf(tree, prev?.structure, dirty, delta) : undefined;
      kept = structure;
      why = !prev ? 'first lint' : prev.key !== key ? 'settings or project values changed' : !tree ? 'no tree'
        : !structure ? 'not one class (or a syntax error outside its members)' : !prev.structure ? 'previous text had no member structure' : !dirty ? 'no edit recorded' : undefined;
      if (!why && prev && structure && prev.structure && dirty) {
        result = this.byMembers(options, prev, structure, prev.structure, dirty, delta);
      }
    }
    // The line index of the text, from the last one and the edited span (a new one of 1 MB costs ~3 ms).
    const lines = (typeof result === 'object' ? result.lines : undefined) ?? (prev && dirty ? LineIndex.afterEdit(prev.lines, text, dirty[0], dirty[1] - delta, dirty[1]) : new LineIndex(text));
    if (!result || typeof result === 'string') {
      const report = this.engine.lint(this.path, text, { ...options, memberMemo: this.memberMemo, lines, ...(tree && !tree.rootNode.hasError ? { tree } : {}) });
      result = { report, mode: 'full', why: why ?? result ?? 'unknown', units: structure?.units.length };
    }
    this.last = { text, lines, report: result.report, structure: kept, key };
    return result;
  }

  /**
   * The previous members, when the edits since lie strictly inside one of them: that member stretched or
   * shrunk by the edits and marked broken, the others shifted. Undefined when the edits touch a member's
   * first or last character or anything outside the members.
   */
  private confinedStructure(before: Structure, dirty: [number, number], delta: number): Structure | undefined {
    const [ds, de] = dirty;
    const oldDe = de - delta;
    const i = before.units.findIndex(u => u.start < ds && oldDe < u.end - 1);
    if (i < 0) { return undefined; }
    const old = before.units[i];
    const end = old.end + delta;
    const unitText = this.text.slice(old.start, end);
    // Its names and types as before the edits (linking also follows the member's old facts).
    const facts: UnitFacts = { ...old.facts, idents: tokens(unitText), writes: written(unitText), guard: /apiguard/i.test(unitText), blanked: undefined };
    const broken: Unit = { start: old.start, end, text: unitText, facts };
    const units = before.units.map((u, j) => (j < i ? { ...u } : j === i ? broken : { ...u, start: u.start + delta, end: u.end + delta }));
    return { units, mutable: before.mutable, contextIdents: before.contextIdents, errorUnits: new Set([broken]) };
  }

  /** Re-parses (incrementally when a tree is kept); undefined for text the worker does not keep a tree for. */
  private freshTree(options: LintOptions): Tree | undefined {
    if (this.treeFresh && this.tree) { return this.tree; }
    if (this.text.length > (options.limits?.maxParseBytes ?? MAX_PARSE_BYTES) || this.text.indexOf('\0') >= 0) { this.dropTree(); return undefined; }
    const old = this.tree;
    let tree: Tree | undefined;
    try { tree = parseApexWithin(this.text, performance.now() + (options.limits?.fileTimeoutMs ?? 10_000), old); } catch { tree = undefined; }
    old?.delete();
    this.tree = tree;
    this.treeFresh = !!tree;
    return tree;
  }

  private factsOf(node: Node, text: string): UnitFacts {
    const exported: string[] = [];
    let hasCode = true;
    const supers: string[] = [];
    const name = node.childForFieldName('name')?.text.toLowerCase();
    if (name) { exported.push(name); }
    if (node.type !== 'method_declaration' && node.type !== 'constructor_declaration') {
      // An inner type's methods and fields are reached from outside through its name only (`Inner.m()`,
      // `Inner x; x.m()`, `new Inner().m()`), by the model and by the surface walk alike.
      for (const m of node.descendantsOfType(['class_declaration', 'interface_declaration', 'enum_declaration'])) {
        const n = m?.childForFieldName('name')?.text.toLowerCase();
        if (n) { exported.push(n); }
      }
      for (const field of ['superclass', 'interfaces']) {
        for (const t of tokens(node.childForFieldName(field)?.text ?? '')) { supers.push(t); }
      }
      hasCode = node.descendantsOfType(['block', 'constructor_body', 'static_initializer', 'accessor_declaration']).length > 0;
    }
    return { exported: [...new Set(exported)], supers, idents: tokens(text), writes: written(text), hasCode, guard: /apiguard/i.test(text) };
  }

    /**
   * The members of the file's one top-level class, or undefined (trigger, several types, anything else).
   * `before`, `dirty`, `delta`: the previous structure and the span the edits since rewrote. A member
   * wholly before or after that span has the text it had (shifted by `delta` after it): it keeps its facts,
   * found by its old offsets, so no member's text is hashed or compared (1 MB of text per lint).
   */
  private structureOf(tree: Tree, before?: Structure, dirty?: [number, number], delta = 0): Structure | undefined {
    const tops = tree.rootNode.namedChildren.filter(n => n && n.type !== 'line_comment' && n.type !== 'block_comment');
    if (tops.length !== 1 || tops[0]?.type !== 'class_declaration') { return undefined; }
    const body = tops[0].childForFieldName('body');
    if (!body) { return undefined; }
    const text = this.text;
    const units: Unit[] = [];
    const mutable = new Set<string>();
    const errorUnits = new Set<Unit>();
    const top = tops[0];
    const context: string[] = [text.slice(top.startIndex, body.startIndex)];
    if (top.hasError && top.namedChildren.some(c => c && c.id !== body.id && c.hasError)) { return undefined; }
    const seen = new Map<string, UnitFacts>();
    const byOldStart = new Map<number, Unit>();
    if (before && dirty) { for (const u of before.units) { byOldStart.set(u.start, u); } }
    const kept = (start: number, end: number): UnitFacts | undefined => {
      if (!dirty) { return undefined; }
      const shift = end < dirty[0] ? 0 : start > dirty[1] ? delta : undefined;
      if (shift === undefined) { return undefined; }
      const old = byOldStart.get(start - shift);
      return old && old.end === end - shift ? old.facts : undefined;
    };
    const anyError = tree.rootNode.hasError;
    // A cursor over the body's children: no node object per member (a 1 MB WSDL2Apex class has ~1,500),
    // only for members whose facts are not cached, the class-level declarations, and errors.
    const cursor = body.walk();
    try {
      for (let more = cursor.gotoFirstChild(); more; more = cursor.gotoNextSibling()) {
        if (!cursor.nodeIsNamed) { continue; }
        if (UNIT_TYPES.has(cursor.nodeType)) {
          const start = cursor.startIndex, end = cursor.endIndex;
          const unitText = text.slice(start, end);
          let node: Node | undefined;
          let facts = kept(start, end);
          if (!facts) {
            // An edited member: its facts by text (typing a character and deleting it gives the old text back).
            facts = this.factsCache.get(unitText);
            if (!facts) { node = cursor.currentNode; facts = this.factsOf(node, unitText); }
            seen.set(unitText, facts);
          }
          const unit = { start, end, text: unitText, facts };
          units.push(unit);
          if (anyError && (node ?? cursor.currentNode).hasError) { errorUnits.add(unit); }
          continue;
        }
        const n = cursor.currentNode;
        if (n.hasError) { return undefined; }
        if (n.type === 'line_comment' || n.type === 'block_comment') { continue; }
        context.push(n.text);
        if (n.type === 'field_declaration') {
          const typeText = n.childForFieldName('type')?.text ?? '';
          const final = /\bfinal\b/i.test(n.namedChildren.find(c => c?.type === 'modifiers')?.text ?? '');
          if (final && IMMUTABLE_TYPES.test(typeText.trim())) { continue; }
          for (const d of n.descendantsOfType('variable_declarator')) {
            const nm = d?.childForFieldName('name')?.text.toLowerCase();
            if (nm) { mutable.add(nm); }
          }
          continue;
        }
        // Properties and anything else that declares a name: a unit may assign it.
        const nm = n.childForFieldName('name')?.text.toLowerCase();
        if (nm) { mutable.add(nm); }
      }
    } finally {
      cursor.delete();
    }
    // An error outside the members (a field, the header, a missing brace of the class body) gives no structure.
    if (tree.rootNode.hasError && !errorUnits.size) { return undefined; }
    // Keep the facts of the members edited last (and the ones before, while the user types in the same member).
    if (seen.size) { this.factsCache = dirty ? new Map([...[...this.factsCache].slice(-8), ...seen]) : seen; }
    return { units, mutable, contextIdents: tokens(context.join(' ').replace(STRING_LITERAL, "''")), errorUnits };
  }

  /**
   * The member-wise lint, or why it cannot be trusted (then a full lint runs). `alone`: lint the changed
   * members only, not the members linked to them (a broken member, see `lint`).
   */
  private byMembers(options: LintOptions, prev: NonNullable<IncrementalApexDoc['last']>, now: Structure, before: Structure, dirty: [number, number], delta: number, alone = false): IncrementalResult | string {
    const text = this.text;
    const [ds, de] = dirty;
    const oldDe = de - delta;
    const touches = (u: Unit, a: number, b: number) => u.end >= a && u.start <= b;
    const oldChanged = before.units.filter(u => touches(u, ds, oldDe));
    const newChanged = now.units.filter(u => touches(u, ds, de));
    // Members outside the edited span must be the same members, shifted.
    const oldKept = before.units.filter(u => !touches(u, ds, oldDe));
    const newKept = now.units.filter(u => !touches(u, ds, de));
    if (oldKept.length !== newKept.length) { return 'member boundaries moved'; }
    const oldToNew = new Map<Unit, Unit>();
    for (let i = 0; i < oldKept.length; i++) {
      const o = oldKept[i], n = newKept[i];
      const shift = o.start > oldDe ? delta : 0;
      // Same place, shifted: then the same text (it lies wholly outside the edited span).
      if (n.start !== o.start + shift || n.end !== o.end + shift) { return 'member boundaries moved'; }
      oldToNew.set(o, n);
    }
    // The edited span may cover text between members only as whitespace.
    const outside = (units: Unit[], a: number, b: number, src: string) => {
      let s = '', at = a;
      for (const u of units) { s += src.slice(at, Math.max(at, Math.min(u.start, b))); at = Math.max(at, u.end); }
      return s + src.slice(Math.min(at, b), b);
    };
    const oldGap = outside(oldChanged, ds, oldDe, prev.text), newGap = outside(newChanged, ds, de, text);
    if (oldGap.replace(/\s+/g, '') !== newGap.replace(/\s+/g, '')) { return 'edit outside the members (header, field, comment)'; }
    // Disable comments act on other lines: near the edit, only a full lint places them right.
    // (Members are sorted and disjoint: the kept member ending last before the edit, the first starting after it.)
    const keptBefore = (units: Unit[], changed: Unit[]) => {
      let at = 0;
      for (const u of units) { if (u.end > ds) { break; } if (!changed.includes(u)) { at = u.end; } }
      return at;
    };
    const keptAfter = (units: Unit[], changed: Unit[], end: number, len: number) => {
      let at = len;
      for (let i = units.length - 1; i >= 0 && units[i].start >= end; i--) { if (!changed.includes(units[i])) { at = units[i].start; } }
      return at;
    };
    if (/apiguard/i.test(text.slice(keptBefore(now.units, newChanged), keptAfter(now.units, newChanged, de, text.length)))
      || /apiguard/i.test(prev.text.slice(keptBefore(before.units, oldChanged), keptAfter(before.units, oldChanged, oldDe, prev.text.length)))) {
      return 'a disable comment near the edit';
    }

    // The members to lint again: the changed ones and everything linked to them by a name, transitively.
    const relint = new Set<Unit>(newChanged);
    let round: UnitFacts[] = [...newChanged.map(u => u.facts), ...oldChanged.map(u => u.facts)];
    for (const f of round) {
      if (f.exported.some(x => now.contextIdents.has(x))) { return 'a member the class-level declarations name changed'; }
    }
    // The surface walk (entry points of an exposed class) follows calls through an interface or a superclass
    // to the implementing / overriding methods: then the types a member extends or implements name it too.
    const dispatch = !alone && mayExpose(text);
    // Breadth first, a round at a time: a member is linked to the round when it is linked to one of its
    // members, and each test below asks whether some name of one side is in a set of the other, so the
    // round's sets are unions (one pass over the class's members per round, not per linked member).
    for (let rounds = 1; round.length && !alone; rounds++) {
      if (rounds > MAX_LINK_ROUNDS) { return `links run more than ${MAX_LINK_ROUNDS} rounds`; }
      // Names others reach the round's members by, and class fields they may change (`hot`); names of data-only
      // members, reached by `Name.x` (`qualified`); class fields they read, which others may change (`read`).
      const hot = new Set<string>(), qualified = new Set<string>(), read = new Set<string>();
      const idents = new Set<string>(), writes = new Set<string>();
      for (const f of round) {
        for (const x of f.exported) { (f.hasCode ? hot : qualified).add(x); }
        if (f.hasCode && dispatch) { for (const x of f.supers) { hot.add(x); } }
        for (const m of common(now.mutable, f.writes)) { hot.add(m); }
        for (const m of common(now.mutable, f.idents)) { read.add(m); }
        for (const x of f.idents) { idents.add(x); }
        for (const x of f.writes) { writes.add(x); }
      }
      const next: UnitFacts[] = [];
      for (const v of now.units) {
        if (relint.has(v)) { continue; }
        const g = v.facts;
        if (anyIn(hot, g.idents) || anyIn(qualified, g.writes) || anyIn(read, g.writes)
          || anyIn(g.exported, g.hasCode ? idents : writes) || (dispatch && g.hasCode && anyIn(g.supers, idents))) {
          if (g.exported.some(x => now.contextIdents.has(x))) { return 'a member the class-level declarations name is linked'; }
          relint.add(v);
          next.push(g);
        }
      }
      round = next;
    }
    let size = 0;
    for (const u of relint) { size += u.end - u.start; }
    if (size > (this.tuning.maxSliceShare ?? MAX_SLICE_SHARE) * text.length) { return `linked members are ${Math.round(100 * size / text.length)}% of the text`; }

    const relintOld = new Set<Unit>(oldChanged);
    for (const [o, n] of oldToNew) { if (relint.has(n)) { relintOld.add(o); } }

    // The slice: blanked members keep their line breaks (and their columns where text follows on the same line),
    // so positions in the slice are the document's. Empty lines cost the parser little.
    let slice = '', at = 0;
    for (const u of now.units) {
      if (relint.has(u)) { continue; }
      if (u.facts.guard) { return 'a disable comment in a member not linted again'; }
      slice += text.slice(at, u.start) + (u.facts.blanked ??= blank(u.text)) + lastLine(text, u);
      at = u.end;
    }
    slice += text.slice(at);
    const { tree: _unused, ...sliceOptions } = options;
    void _unused;
    // A syntax error in a member being linted again is parsed fresh in the slice, so the error and what
    // tree-sitter's recovery makes of it are the member's own. A broken member that is not linted again
    // (now or in the last lint) has no fresh findings: a full lint.
    if ([...now.errorUnits].some(u => !relint.has(u)) || [...before.errorUnits].some(u => !relintOld.has(u))) {
      return 'a syntax error in a member not linted again';
    }
    if (prev.report.notes.some(n => n.code !== 'parse-error')) { return 'notes (cap, budget) are file-wide'; }
    // A file that is one @IsTest class is not parsed by the engine (no findings, no parse-error note): that lint is cheap.
    if (!options.includeTests && options.precheck !== false && testClassSpan(text)) { return 'one @IsTest class'; }
    // The engine's text pre-check decides on the whole text (a word in a blanked member may let the file
    // through): decide it here as the engine does, and have the slice always parsed.
    if (options.precheck !== false) {
      const overrides = options.rules ?? {};
      const running = this.engine.rules.filter(r => r.meta.kinds.includes('apex') && (overrides[r.meta.id] ?? r.meta.defaultSeverity) !== 'off').map(r => r.meta.id);
      if (!apexRulesMayReport(text, running)) { return { report: { path: this.path, findings: [], notes: [] }, mode: 'members', relinted: 0, units: now.units.length }; }
    }
    const sr = this.engine.lint(this.path, slice, { ...sliceOptions, precheck: false });
    if (sr.notes.some(n => n.code !== 'parse-error')) { return 'notes (cap, budget) are file-wide'; }

    const lines = LineIndex.afterEdit(prev.lines, text, ds, oldDe, de);
    const unitAt = (units: Unit[], o: number): Unit | undefined => {
      let lo = 0, hi = units.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (units[mid].end <= o) { lo = mid + 1; } else if (units[mid].start > o) { hi = mid - 1; } else { return units[mid]; }
      }
      return undefined;
    };

    // Findings of members not linted again (and of the class level), moved to their new place.
    const kept: Finding[] = [];
    const keptContext: Finding[] = [];
    const mapRange = (r: Range, home: Unit | undefined): Range | undefined => {
      const a = prev.lines.offsetAt(r.start), b = prev.lines.offsetAt(r.end);
      const ua = unitAt(before.units, a);
      if (ua !== home && ua && relintOld.has(ua)) { return undefined; }
      if (b > ds && a < oldDe) { return undefined; }
      if (home && (a < home.start || b > home.end)) { return undefined; }
      const start = a >= oldDe ? a + delta : a;
      const end = b > oldDe || (b === oldDe && a >= oldDe) ? b + delta : b;
      return { start: lines.positionAt(start), end: lines.positionAt(end) };
    };
    for (const f of prev.report.findings) {
      const o = prev.lines.offsetAt(f.range.start);
      const home = unitAt(before.units, o);
      if (home && relintOld.has(home)) {
        // Merged with findings elsewhere (one problem, one finding): the slice cannot rebuild that.
        if (f.related?.some(r => r.path === f.path && unitAt(before.units, prev.lines.offsetAt(r.range.start)) !== home && unitAt(before.units, prev.lines.offsetAt(r.range.start)))) {
          return 'a finding of a changed member names another member';
        }
        continue;
      }
      const range = mapRange(f.range, home);
      if (!range) { return 'a finding spans the edit or members'; }
      const moved: Finding = { ...f, range };
      if (f.related) {
        const rel = [];
        for (const r of f.related) {
          const rr = r.path === f.path ? mapRange(r.range, undefined) : r.range;
          if (!rr) { return 'a finding names a place in a member linted again'; }
          rel.push({ ...r, range: rr });
        }
        moved.related = rel;
      }
      if (f.suppressed?.location) {
        const loc = mapRange(f.suppressed.location, undefined);
        if (!loc) { return 'a disable comment moved'; }
        moved.suppressed = { ...f.suppressed, location: loc };
      }
      (home ? kept : keptContext).push(moved);
    }
    // The slice's findings in the members linted again; its class-level findings must be the ones kept.
    const fresh: Finding[] = [];
    const sliceContext: Finding[] = [];
    for (const f of sr.findings) {
      const o = lines.offsetAt(f.range.start);
      const home = unitAt(now.units, o);
      if (home && !relint.has(home)) { return 'slice reported in a blanked member'; }
      if (home && lines.offsetAt(f.range.end) > home.end) { return 'a finding spans members'; }
      for (const r of f.related ?? []) {
        if (r.path !== f.path) { continue; }
        const u = unitAt(now.units, lines.offsetAt(r.range.start));
        if (u && u !== home) { return 'a finding names a place in another member'; }
      }
      (home ? fresh : sliceContext).push(f);
    }
    if (JSON.stringify(sliceContext) !== JSON.stringify(keptContext)) { return 'class-level findings changed'; }
    // Rules report a value written twice in a file once, the copy as a related place ("written again"):
    // a fresh finding's value that a blanked member also holds, or a kept finding's value that a member
    // linted again holds, is merged differently in the whole file.
    const valueAt = (f: Finding) => text.slice(lines.offsetAt(f.range.start), lines.offsetAt(f.range.end));
    const holds = (units: Iterable<Unit>, value: string) => { for (const u of units) { if (u.text.includes(value)) { return true; } } return false; };
    const blanked = fresh.length ? now.units.filter(u => !relint.has(u)) : [];
    if (fresh.some(f => holds(blanked, valueAt(f))) || kept.some(f => holds(relint, valueAt(f)))) {
      return 'a finding\'s value is written in another member too';
    }
    const findings = [...kept, ...keptContext, ...fresh].sort((a, b) => compareRanges(a.range, b.range));
    return { report: { path: this.path, findings, notes: sr.notes }, mode: 'members', relinted: relint.size, units: now.units.length, lines };
  }
}

export type { Position };
