import type { Range as TsRange, Tree } from 'web-tree-sitter';
import type { FileKind } from './types';
import { LineIndex } from './position';
import { metadataTypeOf, type MetadataType } from './metadata/types';
import { buildApexFile, type ApexFile } from './apex/model';
import { parseApexWithin } from './apex/parser';
import { MEMBER_PRECHECK_MIN_CHARS, PARSE_TRIM_MIN_CHARS, modelledRanges, outlineOfTree, parseTrim, type MemberMemo, type OutlineUnit } from './apex/members';
import type { XmlDocument } from './xml/document';
import { parseXml } from './xml/parse';
import type { ProjectIndex } from './project';

/** One file as the rules see it. Parses lazily and at most once, whichever rules ask. */
export class SourceFile {
  private linesCache: LineIndex | undefined;
  readonly metadataType: MetadataType | undefined;
  private apexCache: ApexFile | undefined;
  private xmlCache: XmlDocument | undefined;
  /** Why the Apex parse was abandoned (time or node budget), if it was; apex() is undefined then. */
  budgetExceeded?: string;
  /** performance.now() value after which the parse gives up; the engine sets it from its time budget. */
  deadline = Infinity;
  /** Trees with more syntax nodes than this are dropped (memory budget). */
  maxNodes = Infinity;
  /** A tree of exactly this text that the caller keeps (see LintOptions.tree): apex() models a copy of it instead of parsing. */
  givenTree?: Tree;
  /**
   * The rules about to run (the engine sets it when the pre-check is on): apex() then models only the
   * members of the class where one of them can fire and what those members are linked to (`apex/members.ts`).
   */
  modelRules?: readonly string[];
  /** With `modelRules`: trim by members at any size (the engine's `memberPrecheck: true`), not only large classes. */
  trimAnySize = false;
  /** With `modelRules`: no parse-level trim, the model-level one only (at any size). */
  parseWhole = false;
  /** The member facts of the last lint of this document (see LintOptions.memberMemo). */
  memberMemo?: MemberMemo;
  /** How many members the parse left out, for the bench and tests. */
  parseLeftOut = 0;

  /** `parse` false (file too large): apex() and xml() return undefined and parser-based checks skip it. */
  /** `project`: what resolve() may follow into other files (constants, labels, custom metadata). */
  /** `lines`: the line index of `text` when the caller has it (LintOptions.lines). */
  constructor(readonly path: string, readonly text: string, readonly kind: FileKind, readonly parse = true, private readonly project?: ProjectIndex, lines?: LineIndex) {
    this.metadataType = kind === 'xml' ? metadataTypeOf(path) : undefined;
    if (lines?.text === text) { this.linesCache = lines; }
  }

  /** Where the text's lines start: built on first use (most files of a scan report nothing and never need it). */
  get lines(): LineIndex { return (this.linesCache ??= new LineIndex(this.text)); }

  /** The Apex model, for `apex` files only. */
  apex(): ApexFile | undefined {
    if (this.kind !== 'apex' || !this.parse || this.budgetExceeded) { return undefined; }
    if (!this.apexCache) {
      let tree: Tree | undefined;
      let only: Array<[number, number]> | undefined;
      if (this.givenTree) {
        tree = this.givenTree.copy();
        only = this.modelledOf(tree);
      } else if (this.modelRules && !this.parseWhole && (this.trimAnySize || this.text.length >= PARSE_TRIM_MIN_CHARS)) {
        // The parse-level pre-check: tree-sitter reads only the text outside the members no rule needs (apex/members.ts).
        const trim = parseTrim(this.text, this.modelRules);
        if (trim?.leftOut.length) {
          tree = parseApexWithin(this.text, this.deadline, undefined, trim.ranges.map(([a, b]) => this.tsRange(a, b)));
          if (!tree) { this.budgetExceeded = 'time'; return undefined; }
          if (fitsOutline(tree, this.text, trim.kept)) { only = trim.ranges; this.parseLeftOut = trim.leftOut.length; }
          else { tree.delete(); tree = undefined; }
        }
      }
      if (!tree) {
        tree = parseApexWithin(this.text, this.deadline);
        if (!tree) { this.budgetExceeded = 'time'; return undefined; }
        only = this.modelledOf(tree);
      }
      if (tree.rootNode.descendantCount > this.maxNodes) { tree.delete(); this.budgetExceeded = 'nodes'; return undefined; }
      this.apexCache = buildApexFile(tree, this.lines, this.project, only);
    }
    return this.apexCache;
  }

  /** The model-level pre-check on a tree of the whole text (parsed here or the caller's): the ranges to model, or undefined for all. */
  private modelledOf(tree: Tree): Array<[number, number]> | undefined {
    if (!this.modelRules || !(this.trimAnySize || this.parseWhole || this.text.length >= MEMBER_PRECHECK_MIN_CHARS)) { return undefined; }
    return modelledRanges(tree, this.text, this.modelRules, this.memberMemo);
  }

  /** A range of the text as tree-sitter's included ranges take it (rows and columns from the line index). */
  private tsRange(start: number, end: number): TsRange {
    const a = this.lines.positionAt(start), b = this.lines.positionAt(end);
    return { startIndex: start, endIndex: end, startPosition: { row: a.line, column: a.character }, endPosition: { row: b.line, column: b.character } };
  }

  /** The XML document, for `xml` files only. */
  xml(): XmlDocument | undefined {
    if (this.kind !== 'xml' || !this.parse) { return undefined; }
    this.xmlCache ??= parseXml(this.text, this.lines);
    return this.xmlCache;
  }

  /** The Apex model if a rule already built it (never parses). */
  parsedApex(): ApexFile | undefined { return this.apexCache; }

  /** The XML document if a rule already parsed it (never parses). */
  parsedXml(): XmlDocument | undefined { return this.xmlCache; }

  /** Frees the tree-sitter tree (WASM memory is not garbage-collected). */
  dispose(): void { this.apexCache?.tree.delete(); this.apexCache = undefined; }
}

/**
 * Whether the tree of the text without the members left out is what the text outline said: one class without a
 * syntax error (`outlineOfTree`) whose members are exactly the members kept. Otherwise the outline misread the class
 * (or the text does not parse), and the file is parsed whole.
 */
function fitsOutline(tree: Tree, text: string, kept: readonly OutlineUnit[]): boolean {
  const units = outlineOfTree(tree, text)?.units;
  return !!units && units.length === kept.length && units.every((u, k) => u.start === kept[k].start && u.end === kept[k].end);
}
