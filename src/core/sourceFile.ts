import type { Tree } from 'web-tree-sitter';
import type { FileKind } from './types';
import { LineIndex } from './position';
import { metadataTypeOf, type MetadataType } from './metadata/types';
import { buildApexFile, type ApexFile } from './apex/model';
import { parseApexWithin } from './apex/parser';
import { modelledRanges } from './apex/members';
import type { XmlDocument } from './xml/document';
import { parseXml } from './xml/parse';
import type { ProjectIndex } from './project';

/** One file as the rules see it. Parses lazily and at most once, whichever rules ask. */
export class SourceFile {
  readonly lines: LineIndex;
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

  /** `parse` false (file too large): apex() and xml() return undefined and parser-based checks skip it. */
  /** `project`: what resolve() may follow into other files (constants, labels, custom metadata). */
  constructor(readonly path: string, readonly text: string, readonly kind: FileKind, readonly parse = true, private readonly project?: ProjectIndex) {
    this.lines = new LineIndex(text);
    this.metadataType = kind === 'xml' ? metadataTypeOf(path) : undefined;
  }

  /** The Apex model, for `apex` files only. */
  apex(): ApexFile | undefined {
    if (this.kind !== 'apex' || !this.parse || this.budgetExceeded) { return undefined; }
    if (!this.apexCache) {
      const tree = this.givenTree ? this.givenTree.copy() : parseApexWithin(this.text, this.deadline);
      if (!tree) { this.budgetExceeded = 'time'; return undefined; }
      if (tree.rootNode.descendantCount > this.maxNodes) { tree.delete(); this.budgetExceeded = 'nodes'; return undefined; }
      const only = this.modelRules ? modelledRanges(tree, this.text, this.modelRules) : undefined;
      this.apexCache = buildApexFile(tree, this.lines, this.project, only);
    }
    return this.apexCache;
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
