/**
 * Text edits for "Disable <rule> for this line / file": which comment syntax a file takes and where
 * the comment goes. Pure (no `vscode`), so the rules are easy to read and test.
 */
import type { FileKind } from '../core/types';

export interface CommentStyle { open: string; close: string }

const SLASH: CommentStyle = { open: '//', close: '' };
const BLOCK: CommentStyle = { open: '/*', close: ' */' };
const HTML: CommentStyle = { open: '<!--', close: ' -->' };
const HASH: CommentStyle = { open: '#', close: '' };

/** The comment a disable directive uses in this file, or undefined when the format has no comments (JSON, CSV, plain text). */
export function commentStyle(path: string, kind: FileKind, scope: 'line' | 'file'): CommentStyle | undefined {
  const ext = path.slice(path.lastIndexOf('.')).toLowerCase();
  switch (kind) {
    case 'apex': case 'js': return scope === 'file' ? BLOCK : SLASH;
    case 'xml': return HTML;
    case 'env': case 'yaml': case 'properties': case 'pem': return HASH;
    case 'json': return undefined;
    case 'text':
      if (['.md', '.html', '.page', '.component', '.cmp', '.app'].includes(ext)) { return HTML; }
      if (['.sh', '.bash', '.zsh', '.ps1', '.toml'].includes(ext)) { return HASH; }
      if (ext === '.soql' || ext === '.apexp') { return scope === 'file' ? BLOCK : SLASH; }
      return undefined;
  }
}

const NEXT_LINE = /apiguard-disable-next-line\b([ \t]+[\w-]+(?:[ \t]*,[ \t]*[\w-]+)*)?/;
const FILE = /apiguard-disable-file\b([ \t]+[\w-]+(?:[ \t]*,[ \t]*[\w-]+)*)?/;

export interface LineEdit {
  /** 0-based line; `insert` puts `text` before that line, otherwise `text` goes at `character`. */
  line: number;
  character: number;
  text: string;
  insert: boolean;
  /** Line and text to select afterwards (the `reason` placeholder), if any. */
  select?: { line: number; text: string };
}

/**
 * "Disable <rule> for this line": a `disable-next-line` comment above the finding's line with the
 * line's indentation and a `-- reason` placeholder; when the line above already holds such a
 * comment, the rule is appended to its list instead.
 */
export function disableLineEdit(lines: readonly string[], line: number, rule: string, style: CommentStyle): LineEdit | undefined {
  const above = line > 0 ? lines[line - 1] : undefined;
  const m = above !== undefined ? NEXT_LINE.exec(above) : null;
  if (above !== undefined && m) {
    if (!m[1]) { return undefined; }                                   // already covers every rule
    const ids = m[1].split(',').map(s => s.trim().toLowerCase());
    if (ids.includes(rule.toLowerCase())) { return undefined; }
    return { line: line - 1, character: m.index + m[0].length, text: `, ${rule}`, insert: false };
  }
  const indent = /^[ \t]*/.exec(lines[line] ?? '')?.[0] ?? '';
  return {
    line, character: 0, insert: true,
    text: `${indent}${style.open} apiguard-disable-next-line ${rule} -- reason${style.close}\n`,
    select: { line, text: 'reason' },
  };
}

/** How many lines at the top of a file `disableFileEdit` looks at for an existing `disable-file` comment. */
const FILE_HEAD = 20;

/** "Disable <rule> for this file": a `disable-file` comment at the top (after an XML declaration or shebang). */
export function disableFileEdit(lines: readonly string[], rule: string, style: CommentStyle): LineEdit | undefined {
  const head = Math.min(lines.length, FILE_HEAD);
  for (let i = 0; i < head; i++) {
    const m = FILE.exec(lines[i]);
    if (!m) { continue; }
    if (!m[1]) { return undefined; }
    const ids = m[1].split(',').map(s => s.trim().toLowerCase());
    if (ids.includes(rule.toLowerCase())) { return undefined; }
    return { line: i, character: m.index + m[0].length, text: `, ${rule}`, insert: false };
  }
  const first = lines[0] ?? '';
  const at = /^\uFEFF?<\?xml\b/.test(first) || first.startsWith('#!') ? 1 : 0;
  return { line: at, character: 0, insert: true, text: `${style.open} apiguard-disable-file ${rule} -- reason${style.close}\n`, select: { line: at, text: 'reason' } };
}

/**
 * The lines the two edits above read, for a document of `lineCount` lines with findings on `findingLines`:
 * the head of the file, each finding's line and the one above it. A sparse array (the other lines are
 * holes), so that offering the quick fixes on a 1 MB class reads a few dozen lines, not 16,000 of them,
 * on the extension host's thread.
 */
export function linesForDisable(lineCount: number, findingLines: readonly number[], read: (line: number) => string): string[] {
  const lines = new Array<string>(lineCount);
  const want = (i: number) => { if (i >= 0 && i < lineCount && !(i in lines)) { lines[i] = read(i); } };
  for (let i = 0; i < FILE_HEAD; i++) { want(i); }
  for (const l of findingLines) { want(l - 1); want(l); }
  return lines;
}
