// Entry bundled by bench/profile-file.mjs: the engine plus the pieces it is made of, to time each phase.
export { createEngine } from '../src/node/createEngine';
export { fileKindOf } from '../src/core/fileKind';
export { SourceFile } from '../src/core/sourceFile';
export { LineIndex } from '../src/core/position';
export { parseApex } from '../src/core/apex/parser';
export { buildApexFile } from '../src/core/apex/model';
export { emptyProject } from '../src/core/project';
export { allRules } from '../src/rules';
export { Query } from 'web-tree-sitter';
export { modelledRanges } from '../src/core/apex/members';
