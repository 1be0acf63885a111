import type { FileKind, Finding, Range, Suppression } from './types';
import type { LineIndex } from './position';

/**
 * Disable comments. Findings they cover stay in the output with `suppressed` set.
 *   // apiguard-disable-next-line <rule>[, <rule>] -- <reason>
 *   // apiguard-disable-line <rule>[, <rule>] -- <reason>      (trailing comment on the finding's line)
 *   /* apiguard-disable-file <rule> *\/                         (anywhere in the file)
 *   <!-- apiguard-disable-next-line <rule> -- <reason> -->    (XML; also -line and -file)
 *   # apiguard-disable-next-line <rule>                        (.env, YAML, properties; also -line and -file)
 * A directive without rule ids covers every rule. A finding is covered by a line directive when it
 * starts on the directive's target line. Unknown rule ids cover nothing.
 */
export interface Directive {
  type: 'next-line' | 'line' | 'file';
  /** Lower-cased rule ids; empty = every rule. */
  rules: string[];
  justification?: string;
  /** 0-based line the directive applies to (unused for `file`). */
  targetLine: number;
  /** Where the comment is. */
  location: Range;
}

const TOKEN = 'apiguard-disable';
const DIRECTIVE = /apiguard-disable-(next-line|line|file)(?![\w-])/g;

/** Comment openers that may introduce a directive, by file kind. */
function openersFor(kind: FileKind): string[] {
  switch (kind) {
    case 'apex': case 'js': case 'json': return ['//', '/*', '*'];
    case 'xml': return ['<!--'];
    case 'env': case 'yaml': case 'properties': return ['#', '!'];
    case 'pem': return ['#'];
    case 'text': return ['//', '/*', '*', '<!--', '#', '--', 'REM', '::'];
  }
}

/** Finds the disable directives in a file. Cheap when there are none (one indexOf). */
export function parseDirectives(lines: LineIndex, kind: FileKind): Directive[] {
  const text = lines.text;
  if (text.indexOf(TOKEN) < 0) { return []; }
  const openers = openersFor(kind);
  const out: Directive[] = [];
  DIRECTIVE.lastIndex = 0;
  for (let m = DIRECTIVE.exec(text); m; m = DIRECTIVE.exec(text)) {
    const at = lines.positionAt(m.index);
    const lineStart = m.index - at.character;
    const before = text.slice(lineStart, m.index);
    const opener = commentOpener(before, openers);
    if (opener === undefined) { continue; }
    // The directive's arguments run to the comment's closer or the end of the line.
    const afterStart = m.index + m[0].length;
    let argsEnd = at.line + 1 < lines.lineCount ? lines.lineStart(at.line + 1) : text.length;
    let commentEnd = argsEnd;
    let closerLine = at.line;
    const closer = opener === '<!--' ? '-->' : opener === '/*' || opener === '*' ? '*/' : undefined;
    if (closer) {
      const c = text.indexOf(closer, afterStart);
      if (c >= 0 && c < argsEnd) { argsEnd = c; commentEnd = c + closer.length; }
      else if (c >= 0 && c - afterStart < 4000) {
        // A block comment closed on a later line: `next-line` then means the line after the closer.
        commentEnd = c + closer.length;
        closerLine = lines.positionAt(c).line;
      }
    }
    const args = text.slice(afterStart, argsEnd).replace(/[\r\n]+$/, '');
    const { rules, justification } = parseArgs(args);
    const type = m[1] as Directive['type'];
    const openerOffset = lineStart + before.lastIndexOf(opener === '*' ? '*' : opener);
    out.push({
      type, rules, justification,
      targetLine: type === 'next-line' ? closerLine + 1 : at.line,
      location: lines.rangeOf(openerOffset, Math.min(commentEnd, text.length)),
    });
  }
  return out;
}

/** The comment opener that the directive on this line follows (only whitespace between), if any. */
function commentOpener(before: string, openers: string[]): string | undefined {
  const trimmed = before.replace(/\s+$/, '');
  for (const o of openers) {
    if (!trimmed.endsWith(o)) { continue; }
    const head = trimmed.slice(0, trimmed.length - o.length);
    // '*' alone only as a block comment's continuation line (` * apiguard-disable-file …`).
    if (o === '*' && head.trim() !== '') { continue; }
    // '!' (properties comment) and '--'/'REM'/'::' only at the start of a line.
    if ((o === '!' || o === '--' || o === 'REM' || o === '::') && head.trim() !== '') { continue; }
    // `#` must start the line or follow whitespace (not `a#b` inside a value).
    if (o === '#' && head !== '' && !/\s$/.test(head)) { continue; }
    return o;
  }
  return undefined;
}

function parseArgs(args: string): { rules: string[]; justification?: string } {
  const sep = /(^|\s)--(\s|$)/.exec(args);
  const rulePart = sep ? args.slice(0, sep.index) : args;
  const reason = sep ? args.slice(sep.index + sep[0].length).trim() : '';
  const rules = rulePart.split(/[\s,]+/).filter(Boolean).map(r => r.toLowerCase());
  return reason ? { rules, justification: reason } : { rules };
}

function covers(d: Directive, f: Finding): boolean {
  if (d.rules.length && !d.rules.includes(f.ruleId.toLowerCase())) { return false; }
  return d.type === 'file' || f.range.start.line === d.targetLine;
}

export function applySuppressions(findings: Finding[], lines: LineIndex, kind: FileKind): Finding[] {
  if (!findings.length) { return findings; }
  const directives = parseDirectives(lines, kind);
  if (!directives.length) { return findings; }
  // Line directives win over file directives: they are more specific and carry their own reason.
  const ordered = [...directives.filter(d => d.type !== 'file'), ...directives.filter(d => d.type === 'file')];
  return findings.map(f => {
    if (f.suppressed) { return f; }
    const d = ordered.find(x => covers(x, f));
    if (!d) { return f; }
    const suppressed: Suppression = { kind: d.type === 'file' ? 'file' : 'inline', location: d.location };
    if (d.justification) { suppressed.justification = d.justification; }
    return { ...f, suppressed };
  });
}
