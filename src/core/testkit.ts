/**
 * Test support shared by the rule tests: findings rendered as the text they underline, so a table
 * test asserts "this exact value on this line" instead of bare coordinates.
 */
import type { Finding } from './types';

/** Each finding as `line:source text of its range` (1-based line; a multi-line range shows its first line and `…`). */
export function underlined(src: string, findings: readonly Finding[]): string[] {
  const lines = src.split('\n');
  return findings.map(f => {
    const { start, end } = f.range;
    const text = start.line === end.line ? lines[start.line].slice(start.character, end.character) : `${lines[start.line].slice(start.character)}…`;
    return `${start.line + 1}:${text}`;
  });
}

/** Each finding as `line:the first n characters from its start` (for ranges that span a whole call). */
export function fromStart(src: string, findings: readonly Finding[], n = 40): string[] {
  const lines = src.split('\n');
  return findings.map(f => `${f.range.start.line + 1}:${lines[f.range.start.line].slice(f.range.start.character).slice(0, n)}`);
}
