import type { Tree } from 'web-tree-sitter';
import type { LineIndex } from '../position';
import type { Range } from '../types';

/**
 * The Apex front end's view of one file, built once from the tree-sitter tree and shared by every
 * Apex rule. Extended by the Apex front-end work (literals, calls, declarations, value resolution).
 */
export interface ApexFile {
  readonly tree: Tree;
  readonly lines: LineIndex;
  /** Ranges of `@IsTest` classes and methods: findings inside are dropped unless tests are included. */
  readonly testRanges: Range[];
  /** Whether the tree has ERROR or MISSING nodes, and where the first one is. */
  readonly syntaxError?: Range;
}

export function buildApexFile(tree: Tree, lines: LineIndex): ApexFile {
  const root = tree.rootNode;
  let syntaxError: Range | undefined;
  if (root.hasError) {
    const stack = [root];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.isError || n.isMissing) {
        syntaxError = { start: { line: n.startPosition.row, character: n.startPosition.column },
          end: { line: n.endPosition.row, character: n.endPosition.column } };
        break;
      }
      if (n.hasError) { for (let i = n.childCount - 1; i >= 0; i--) { const c = n.child(i); if (c) { stack.push(c); } } }
    }
  }
  return { tree, lines, testRanges: [], syntaxError };
}
