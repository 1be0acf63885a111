/**
 * Test classes, found on the text. Findings inside `@IsTest` code are dropped unless tests are included
 * (engine.ts, `testRanges` of the model), and on real projects test classes are about half of the Apex
 * (55% of the bytes of the seven repositories of bench/.corpus/real). When a file is one `@IsTest` class,
 * parsing and modelling it only to drop every finding inside is wasted: the engine blanks the class
 * (`blankTestClass`) and lints what is left, the comments around it, exactly where they were.
 *
 * The test is strict, and anything it does not recognise is linted in full: after comments, annotations
 * (one of them `@IsTest`) and modifiers, `class Name`, a header without `;` `(` `=`, a body whose braces
 * balance (strings and comments skipped), and nothing but comments after it. That span is the
 * `class_declaration` node whose range the model would drop.
 */
import { skipTrivia } from './literals';

const MODIFIERS = new Set(['public', 'private', 'protected', 'global', 'virtual', 'abstract', 'with', 'without', 'inherited', 'sharing', 'static', 'final', 'transient']);

const isIdChar = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

function identifierAt(text: string, i: number): string {
  let e = i;
  while (e < text.length && isIdChar(text.charCodeAt(e))) { e++; }
  return text.slice(i, e);
}

/** What `closing` acts on, by bracket: quotes, slashes and the two brackets (the rest is skipped a run at a time). */
const BRACE_STOP = /['/{}]/g;
const PAREN_STOP = /['/()]/g;

/** The index just after the bracket that closes the one at `open` (strings and comments skipped), or -1. */
function closing(text: string, open: number, left: string, right: string): number {
  let depth = 0;
  const stop = left === '{' ? BRACE_STOP : PAREN_STOP;
  for (let i = open; i < text.length; i++) {
    stop.lastIndex = i;
    const hit = stop.exec(text);
    if (!hit) { return -1; }
    i = hit.index;
    const ch = text[i];
    if (ch === "'") {
      // An Apex string: backslash escapes, no line breaks.
      for (i++; i < text.length && text[i] !== "'"; i++) {
        if (text[i] === '\\') { i++; } else if (text[i] === '\n') { return -1; }
      }
      if (i >= text.length) { return -1; }
    } else if (ch === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      const e = text[i + 1] === '/' ? text.indexOf('\n', i) : text.indexOf('*/', i + 2);
      if (e < 0) { return -1; }
      i = text[i + 1] === '/' ? e : e + 1;
    } else if (ch === left) {
      depth++;
    } else if (ch === right) {
      depth--;
      if (depth === 0) { return i + 1; }
    }
  }
  return -1;
}

/** Where the file's one top-level class starts and ends, if the text is exactly one `@IsTest` class (see above). */
export function testClassSpan(text: string): { start: number; end: number } | undefined {
  const start = skipTrivia(text, 0);
  if (start < 0) { return undefined; }
  let i = start;
  let isTest = false;
  for (;;) {
    if (text[i] === '@') {
      const name = identifierAt(text, i + 1);
      if (!name) { return undefined; }
      if (name.toLowerCase() === 'istest') { isTest = true; }
      i = skipTrivia(text, i + 1 + name.length);
      if (i < 0) { return undefined; }
      if (text[i] === '(') {
        const e = closing(text, i, '(', ')');
        if (e < 0) { return undefined; }
        i = skipTrivia(text, e);
        if (i < 0) { return undefined; }
      }
      continue;
    }
    const word = identifierAt(text, i).toLowerCase();
    if (MODIFIERS.has(word)) {
      i = skipTrivia(text, i + word.length);
      if (i < 0) { return undefined; }
      continue;
    }
    if (word !== 'class' || !isTest) { return undefined; }
    i = skipTrivia(text, i + word.length);
    break;
  }
  if (i < 0 || !identifierAt(text, i)) { return undefined; }
  // The header (extends, implements, generics) up to the body: names, dots, commas and angle brackets only.
  while (i < text.length && text[i] !== '{') {
    const c = text.charCodeAt(i);
    if (!(isIdChar(c) || c <= 32 || text[i] === '.' || text[i] === ',' || text[i] === '<' || text[i] === '>')) {
      if (text.startsWith('//', i) || text.startsWith('/*', i)) {
        i = skipTrivia(text, i);
        if (i < 0) { return undefined; }
        continue;
      }
      return undefined;
    }
    i++;
  }
  if (i >= text.length) { return undefined; }
  const end = closing(text, i, '{', '}');
  if (end < 0 || skipTrivia(text, end) !== text.length) { return undefined; }
  return { start, end };
}

/** The text with `span` blanked: every character but line breaks becomes a space, so offsets and lines stay. */
export function blankSpan(text: string, span: { start: number; end: number }): string {
  return text.slice(0, span.start) + text.slice(span.start, span.end).replace(/[^\r\n]+/g, run => ' '.repeat(run.length)) + text.slice(span.end);
}
