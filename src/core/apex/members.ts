import type { Node, Tree } from 'web-tree-sitter';
import { apexGate, apexGateWithin, GATED_RULES } from './precheck';
import { mayExpose } from '../surface/risks';
import { holdsCode, outlineOfText } from './outline';
import { changedSpan } from '../editedText';

/**
 * The member-level pre-check: which parts of a parsed Apex class the model must cover.
 *
 * `precheck.ts` skips the model for whole files in which no rule can fire. A generated class
 * (WSDL2Apex: a thousand inner data classes around one port class) passes that test because a few of
 * its members mention a credential name or an endpoint, and then the model (a tree-sitter query over
 * every node) cost more than the parse. Here the same text gates are asked per *member* of the file's
 * one top-level class (method, constructor, inner class, interface, enum): a member whose own text
 * passes no gate is left out of the model, unless a member that is modelled is linked to it by a
 * name, because then what the model says about the modelled member may depend on it:
 *
 * - a member with code (a method, a class with methods, accessors or initializers) that a modelled
 *   member names: a call into it (its returns, one method hop), or it is a type whose fields are read;
 * - a member of data only (fields, WSDL2Apex element classes) that a modelled member names followed by
 *   `.`, `[`, an assignment or `++`/`--` (`Other.CONST`, `Other.x = …`); named as a type only it gives
 *   the model nothing;
 * - a member that names a modelled member with code (it calls into it: call-site arguments of its
 *   parameters; or it uses a value the modelled member reports, the "used here" related places), or
 *   names a modelled data member followed by `.` etc. as above;
 * - a member that names a field or property of the top-level class (it may assign it, or use the value
 *   a finding is about).
 *
 * The links are followed transitively. Names are compared as words, case-insensitively, in the whole
 * text of a member (comments and strings included: more links, never fewer). The top-level class's
 * header, fields and properties and everything between members are always modelled.
 *
 * Nothing is left out (the whole file is modelled) when: a rule without a text gate runs, an inbound
 * surface rule runs on a class that may expose entry points (the surface walk follows calls across
 * members), the file has a syntax error, or is not one top-level class, or has a Unicode escape.
 * A member left out reports nothing by construction (no gate passes on its text); the engine still
 * re-lints with the whole model if any finding or related place lands in one (a safety net, never
 * expected). `bench/precheck-equivalence.mjs` compares the findings with and without it.
 *
 * `parseTrim` asks the same before the parse, of the members found on the text (`outline.ts`), in classes that are
 * mostly inner data classes: the parse then reads only the members kept (`SourceFile.apex`). It has no such safety
 * net (a member it leaves out has no tree), as the file-level pre-check has none for a file it does not parse.
 */

/** Below this size a file is modelled whole: the query over a small tree costs less than the member pre-check. */
export const MEMBER_PRECHECK_MIN_CHARS = 100_000;
/** Below this size a class is parsed whole: its text outline would cost about what leaving members out saves. */
export const PARSE_TRIM_MIN_CHARS = 16_384;
/** The parse-level pre-check runs on classes with at least this share of their text in inner classes of data only. */
const MIN_DATA_SHARE = 0.5;
/** Above this share of the text kept by the gates (or the links), the whole file is modelled. */
const MAX_KEPT_SHARE = 0.5;
/**
 * Rounds of links followed before the whole file is modelled instead: each round reads the members (or the text) once,
 * and a chain of calls adds one member per round (quadratic on a hostile class). Whole public repositories need at most 7.
 */
const MAX_LINK_ROUNDS = 16;
const UNIT_TYPES: ReadonlySet<string> = new Set(['method_declaration', 'constructor_declaration', 'class_declaration', 'interface_declaration', 'enum_declaration']);
const CLASS_LIKE = new Set(['class_declaration', 'interface_declaration', 'enum_declaration']);
/** The surface rules' shared gate is `mayExpose` (see precheck.ts): they need the whole class when it passes. */
const SURFACE_RULES = new Set(['aura-returns-sobject', 'endpoint-not-granted', 'endpoint-without-sharing', 'guest-accessible-endpoint', 'rest-unchecked-record-id', 'soql-injection']);
const NESTED_TYPE = /\b(?:class|interface|enum)\b/i;
const NOT_WORD = /[^a-z0-9_]+/;
/** A character other than printable ASCII, tab and line breaks. */
const NOT_ASCII = /[^\t\n\r -~]/;
/** A lower-cased name the word sets can answer for (see `keptRanges`). */
const IDENT = /^[a-z_][a-z0-9_]*$/;
/** A name followed by what reads or writes through it (`X.`, `X[i]` (not an array type `X[]`), `X =`, `X +=`, `X++`). */
const WRITE_SUFFIX = String.raw`\s*(?:\.|\[(?!\s*\])|[-+*/]?=(?!=)|\+\+|--)`;
// A match starts only where a word starts (the look-behind): otherwise every character of a long run
// (a 22,000-character token in a mock's JSON) starts a match attempt that reads the rest of the run.
const WRITE = new RegExp(`(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)${WRITE_SUFFIX}`, 'g');

interface Unit extends OutlineUnit { modelled: boolean }

/** What the pre-checks read of one member's text, as they need it: functions of that text (and of the rules, for `gate`). */
interface MemberFacts {
  exported: string[];
  code: boolean;
  /** A gate of the rules passes on its text. */
  gate?: boolean;
  /** Its words and written words (`words`, `written`), and whether it is plain ASCII. */
  words?: Set<string>;
  written?: Set<string>;
  ascii?: boolean;
}

/**
 * The member facts of the last model-level pre-check of one document, kept by a caller that lints the same
 * document again and again (the editor worker, through `LintOptions.memberMemo`): a re-lint reads again only
 * the members an edit changed. A member wholly outside the span where the text differs from the last lint's
 * (`changedSpan`: two block compares) has the same text, shifted: its facts are found by its old offset, so
 * no member's text is hashed (1 MB per lint of a WSDL2Apex class). The members the edits touched are kept by
 * text too (typing a character and deleting it gives the old text back). Other rules empty it.
 */
export class MemberMemo {
  rules = '';
  /** The text of the last lint, and its members' facts by start offset. */
  text: string | undefined;
  byStart = new Map<number, { end: number; facts: MemberFacts }>();
  /** Facts of the members recent edits touched, by their text (a few). */
  byText = new Map<string, MemberFacts>();

  clear(): void { this.rules = ''; this.text = undefined; this.byStart.clear(); this.byText.clear(); }
}

/** Words of `text` (identifier-like runs), lower-cased; a few non-words (digit runs) do no harm. */
function words(text: string): Set<string> {
  return new Set(text.toLowerCase().split(NOT_WORD));
}

/** Words of `text` followed by `.`, `[`, an assignment or `++`/`--`, lower-cased. */
function written(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(WRITE)) { out.add(m[1].toLowerCase()); }
  return out;
}

/** Whether the two sets share a name (the smaller one is walked: hot names may be hundreds, a data class's words a few dozen). */
function someIn(names: ReadonlySet<string>, set: ReadonlySet<string> | undefined): boolean {
  if (!set) { return false; }
  const small = names.size <= set.size ? names : set, large = small === names ? set : names;
  for (const n of small) { if (large.has(n)) { return true; } }
  return false;
}

function escapeRe(s: string): string { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

/** The top-level class seen as its members (units) and the rest, whether read from a tree or from the text (`outline.ts`). */
export interface ClassOutline {
  /** Methods, constructors and inner types, in text order. */
  units: OutlineUnit[];
  /** The text outside the members: the header up to the body's `{`, the fields, properties and initializers, the closing `}` and after. */
  context: string[];
  /** Lower-cased names of the class's fields and properties (more names than there are only model more). */
  contextNames: Set<string>;
}
export interface OutlineUnit {
  start: number;
  end: number;
  /** Lower-cased names others reach it by: its name, and the names of types declared inside it. */
  exported: string[];
  /** It holds code (see `holdsCode`). */
  code: boolean;
  /** Its facts kept between lints of one document (`MemberMemo`), when the caller keeps them. */
  facts?: MemberFacts;
}

/** The members kept and left out, and the ranges of the text to read (the complement of those left out, sorted). */
export interface MemberTrim { leftOut: OutlineUnit[]; kept: OutlineUnit[]; ranges: Array<[number, number]> }

/** The guards both pre-checks share: when one holds, the whole file is modelled. */
function wholeFileNeeded(text: string, ruleIds: readonly string[]): boolean {
  return text.includes('\\u') || ruleIds.some(id => !GATED_RULES.has(id)) || (ruleIds.some(id => SURFACE_RULES.has(id)) && mayExpose(text));
}

/**
 * The character ranges (sorted, disjoint, [start, end)) of `text` the model must cover for the rules
 * `ruleIds`, or undefined for the whole file. `tree` is the tree of `text`.
 */
export function modelledRanges(tree: Tree, text: string, ruleIds: readonly string[], memo?: MemberMemo): Array<[number, number]> | undefined {
  if (wholeFileNeeded(text, ruleIds)) { return undefined; }
  const outline = outlineOfTree(tree, text, memo && memoFor(memo, ruleIds, text));
  return outline && keptRanges(outline, text, ruleIds)?.ranges;
}

/** A member's facts: found in the memo, else read from its text (`read`). */
type FactsOf = (start: number, end: number, read: (own: string) => MemberFacts) => MemberFacts;

/** How many members' facts the memo keeps by text (the members recent edits touched). */
const MEMO_BY_TEXT = 64;

/** The memo's facts for these rules and `text` (emptied when the rules changed); what the outline reads replaces them. */
function memoFor(memo: MemberMemo, ruleIds: readonly string[], text: string): FactsOf {
  const key = ruleIds.join(',');
  const last = memo.rules === key ? memo.text : undefined;
  const before = memo.byStart;
  const span = last === undefined ? undefined : changedSpan(last, text);
  const byText = new Map(last === undefined || memo.byText.size > MEMO_BY_TEXT ? [] : memo.byText);
  if (last !== undefined && span) {
    // The members the edits touched, as they were.
    for (const [s, b] of before) {
      if (b.end > span.start && s < span.beforeEnd) { byText.set(last.slice(s, b.end), b.facts); }
    }
  }
  const byStart = new Map<number, { end: number; facts: MemberFacts }>();
  memo.rules = key;
  memo.text = text;
  memo.byStart = byStart;
  memo.byText = byText;
  const shift = span ? span.afterEnd - span.beforeEnd : 0;
  return (start, end, read) => {
    let facts: MemberFacts | undefined;
    if (span) {
      // Wholly in the common prefix, or wholly in the common suffix: the same text, at its old offset.
      const old = end <= span.start ? start : start >= span.afterEnd ? start - shift : undefined;
      const b = old === undefined ? undefined : before.get(old);
      if (b && b.end === end - start + old!) { facts = b.facts; }
    }
    if (!facts) {
      const own = text.slice(start, end);
      facts = byText.get(own) ?? read(own);
      byText.set(own, facts);
    }
    byStart.set(start, { end, facts });
    return facts;
  };
}

/**
 * The parse-level pre-check: the members of `text` (read from the text, before any parse) that neither a rule can fire in
 * nor a member that can is linked to, so the parse may skip them; undefined when nothing can be left out, or the text
 * is not one plainly laid out class (`outline.ts`). `kept`: the members that stay, for checking the tree of the rest.
 */
export function parseTrim(text: string, ruleIds: readonly string[]): MemberTrim | undefined {
  if (wholeFileNeeded(text, ruleIds)) { return undefined; }
  const outline = outlineOfText(text);
  if (!outline) { return undefined; }
  // A class whose members are mostly code (most hand-written ones) links most of them to the few the gates keep:
  // the parse would skip little (3% of the 16-64 KB classes of the real-code corpus) for what the gates cost. Inner
  // data classes (WSDL2Apex stubs) are left out whole.
  let data = 0;
  for (const u of outline.units) { if (!u.code) { data += u.end - u.start; } }
  return data >= MIN_DATA_SHARE * text.length ? keptRanges(outline, text, ruleIds) : undefined;
}

/** The outline of a parsed class: undefined unless the tree is one top-level class without a syntax error. */
export function outlineOfTree(tree: Tree, text: string, memo?: FactsOf): ClassOutline | undefined {
  const root = tree.rootNode;
  if (root.hasError) { return undefined; }
  let top: Node | undefined;
  for (const n of root.namedChildren) {
    if (!n || n.type === 'line_comment' || n.type === 'block_comment') { continue; }
    if (top || n.type !== 'class_declaration') { return undefined; }
    top = n;
  }
  const body = top?.childForFieldName('body');
  if (!top || !body) { return undefined; }
  const units: OutlineUnit[] = [];
  const contextNames = new Set<string>();
  const context: string[] = [text.slice(0, body.startIndex)];
  // A cursor over the body's children: a node object only for the rest of the body and the members not in the memo.
  const cursor = body.walk();
  try {
    for (let more = cursor.gotoFirstChild(); more; more = cursor.gotoNextSibling()) {
      if (!cursor.nodeIsNamed) { continue; }
      if (!UNIT_TYPES.has(cursor.nodeType)) {
        const n = cursor.currentNode;
        if (n.type === 'line_comment' || n.type === 'block_comment') { continue; }
        context.push(n.text);
        // A field's or property's names (its declarators), or the name of anything else that declares one.
        for (const d of n.type === 'field_declaration' || n.type === 'constant_declaration' ? n.descendantsOfType('variable_declarator') : [n]) {
          const dn = d?.childForFieldName('name')?.text.toLowerCase();
          if (dn) { contextNames.add(dn); }
        }
        continue;
      }
      const start = cursor.startIndex, end = cursor.endIndex;
      const read = (own: string) => unitFacts(cursor.currentNode, own);
      const facts = memo ? memo(start, end, read) : read(text.slice(start, end));
      units.push({ start, end, exported: facts.exported, code: facts.code, ...(memo ? { facts } : {}) });
    }
  } finally {
    cursor.delete();
  }
  context.push(text.slice(body.endIndex - 1));
  return { units, context, contextNames };
}

/** The names and code flag of one member (`node`, whose text is `own`). */
function unitFacts(node: Node, own: string): MemberFacts {
  const exported: string[] = [];
  const name = node.childForFieldName('name')?.text.toLowerCase();
  if (name) { exported.push(name); }
  let code = true;
  if (CLASS_LIKE.has(node.type)) {
    // Apex inner types cannot nest types, but unusual code might: look when the keyword appears in the body.
    if (NESTED_TYPE.test(own.slice(own.indexOf('{') + 1))) {
      for (const d of node.descendantsOfType(['class_declaration', 'interface_declaration', 'enum_declaration'])) {
        const dn = d?.childForFieldName('name')?.text.toLowerCase();
        if (dn && !exported.includes(dn)) { exported.push(dn); }
      }
    }
    code = holdsCode(own);
  }
  return { exported, code };
}

/**
 * The members the model must cover (the gates, then the links), the others, and the ranges to model (the complement of
 * the others); undefined when the gates, or the links after them, keep more than half of the text.
 */
function keptRanges(outline: ClassOutline, text: string, ruleIds: readonly string[]): MemberTrim | undefined {
  const units: Unit[] = outline.units.map(u => ({ ...u, modelled: false }));
  // Following the links reads the text of every member modelled: when the gates already keep most of the class,
  // the ranged model would save less than that costs. The largest members are asked first, so that such a class
  // (most hand-written ones) stops the gates early.
  // Built on first use (it tests the whole text): a re-lint with every member's gate kept does not need it.
  let within: ((t: string) => boolean) | undefined;
  const gate = (u: Unit) => (within ??= apexGateWithin(ruleIds, text))(text.slice(u.start, u.end));
  let kept = 0;
  // (Whether the gates keep more than that does not depend on the order: with every gate known, no sort.)
  const known = units.every(u => u.facts?.gate !== undefined);
  for (const u of known ? units : [...units].sort((a, b) => (b.end - b.start) - (a.end - a.start))) {
    // A member's gate is its text's (the `within` gate answers as `apexGate` would): kept with its facts.
    u.modelled = u.facts ? (u.facts.gate ??= gate(u)) : gate(u);
    if (u.modelled && (kept += u.end - u.start) > MAX_KEPT_SHARE * text.length) { return undefined; }
  }
  const { contextNames } = outline;
  const mayReport = apexGate(ruleIds);
  /** The unit holding offset `o`. */
  const unitHolding = (o: number): Unit | undefined => {
    let lo = 0, hi = units.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (units[mid].end <= o) { lo = mid + 1; } else if (units[mid].start > o) { hi = mid - 1; } else { return units[mid]; }
    }
    return undefined;
  };

  // Follow the links from the modelled members (and the context) to the others, round by round.
  // A field of the class is "hot" when its value may be what a finding is about: the context (where it
  // is declared) passes a gate, or a modelled member writes it (its declaration in the context is no write). Then every member that names it is
  // modelled (it may use that value: related places). Otherwise only members that write it (they may
  // set what a modelled member reads), once a modelled member names it.
  const contextText = outline.context.join('\n');
  const contextHot = mayReport(contextText);
  const fieldsRead = new Set<string>(), fieldsHot = new Set<string>();
  // The words of the context and of the members (a member's kept with its facts, when the caller keeps them).
  const contextFacts: MemberFacts = { exported: [], code: true, words: words(contextText), written: written(contextText) };
  const read = (u: Unit): MemberFacts => {
    const f = u.facts ?? { exported: u.exported, code: u.code };
    if (!f.words) { const own = text.slice(u.start, u.end); f.words = words(own); f.written = written(own); f.ascii = !NOT_ASCII.test(own); }
    return f;
  };
  let fresh: MemberFacts[] = [contextFacts, ...units.filter(u => u.modelled).map(read)];
  const memoized = units.some(u => u.facts);
  for (let round = 1; fresh.length; round++) {
    if (round > MAX_LINK_ROUNDS) { return undefined; }
    const next: Unit[] = [];
    const add = (u: Unit | undefined) => { if (u && !u.modelled) { u.modelled = true; kept += u.end - u.start; next.push(u); } };
    // Members the fresh ones name.
    const said = new Set<string>(), wrote = new Set<string>(), unitWrote = new Set<string>();
    for (const f of fresh) {
      for (const w of f.words!) { said.add(w); }
      for (const w of f.written!) { wrote.add(w); if (f !== contextFacts) { unitWrote.add(w); } }
    }
    for (const u of units) {
      if (!u.modelled && u.exported.some(x => (u.code ? said : wrote).has(x))) { add(u); }
    }
    // Members that name the fresh ones, or a field of the class as above.
    const any = new Set<string>(), dotted = new Set<string>();
    for (const f of fresh) { for (const x of f.exported) { (f.code ? any : dotted).add(x); } }
    for (const x of contextNames) {
      const hot = contextHot || unitWrote.has(x);
      if (hot && !fieldsHot.has(x)) { fieldsHot.add(x); any.add(x); }
      else if (!hot && said.has(x) && !fieldsRead.has(x)) { fieldsRead.add(x); dotted.add(x); }
    }
    const alts: string[] = [];
    if (any.size) { alts.push(`\\b(?:${[...any].map(escapeRe).join('|')})\\b`); }
    if (dotted.size) { alts.push(`\\b(?:${[...dotted].map(escapeRe).join('|')})${WRITE_SUFFIX}`); }
    if (alts.length && memoized && [...any, ...dotted].every(x => IDENT.test(x))) {
      // The caller keeps each member's words: the regex's test as set lookups (`\bx\b`: x among the words of a
      // plain ASCII text; x followed by WRITE_SUFFIX: among its written words), not two regexes over the whole text
      // per lint. A member with other characters (whose lower case may merge or split words) gets the regex.
      const one = new RegExp(alts.join('|'), 'i');
      for (const u of units) {
        if (u.modelled) { continue; }
        const f = read(u);
        if (f.ascii ? someIn(any, f.words) || someIn(dotted, f.written) : one.test(text.slice(u.start, u.end))) { add(u); }
      }
    } else if (alts.length) {
      const re = new RegExp(alts.join('|'), 'gi');
      for (const m of text.matchAll(re)) { add(unitHolding(m.index)); }
    }
    if (kept > MAX_KEPT_SHARE * text.length) { return undefined; }
    fresh = next.map(read);
  }

  // The complement of the members left out, without the stretches of whitespace between two of them.
  const ranges: Array<[number, number]> = [];
  let from = 0;
  for (const u of units) {
    if (u.modelled) { continue; }
    if (u.start > from && /\S/.test(text.slice(from, u.start))) { ranges.push([from, u.start]); }
    from = u.end;
  }
  if (from < text.length) { ranges.push([from, text.length]); }
  return { ranges, kept: units.filter(u => u.modelled), leftOut: units.filter(u => !u.modelled) };
}
