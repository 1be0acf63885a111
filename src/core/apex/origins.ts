import type { ValueOrigin } from '../rule';
import type { Node } from 'web-tree-sitter';
import type { Range } from '../types';
import type { ApexFile, ResolvedPart } from './model';

/** Literals that carry no secret of their own: auth schemes, separators, prefixes ('Basic ', ':', 'Bearer '). */
const NOT_SECRET_PART = /^\s*(basic|bearer|token|digest|negotiate|ntlm|oauth|apikey|api-key|sharedkey|hmac|sso)?\s*[:=;,&?/\s-]*\s*$/i;
/** A URL without user info: a base an endpoint is built on, not where a credential is written. */
const PLAIN_URL = /^\s*([a-z][a-z0-9+.-]*:\/\/[^@\s]*|callout:\S*)$/i;

/**
 * Where a resolved value's secret material is written, for `ReportDescriptor.origins`: its literal
 * parts (through base64 to the literals it was encoded from), without scheme words, separators and
 * plain URLs, which many unrelated values share.
 */
export function valueOrigins(parts: readonly ResolvedPart[]): ValueOrigin[] {
  const out: ValueOrigin[] = [];
  const walk = (ps: readonly ResolvedPart[], depth: number) => {
    for (const p of ps) {
      if (p.kind !== 'literal') { continue; }
      if (p.encoding === 'base64' && p.inner && depth < 4) { walk(p.inner, depth + 1); continue; }
      if (p.value.trim().length < 4 || NOT_SECRET_PART.test(p.value) || PLAIN_URL.test(p.value)) { continue; }
      out.push(p.path ? { range: p.range, path: p.path } : { range: p.range });
    }
  };
  walk(parts, 0);
  return out;
}

/** A value set only when tests run: `if (Test.isRunningTest()) { … }` or the `else` of `!Test.isRunningTest()`. */
export function inTestOnlyBranch(apex: ApexFile, range: Range): boolean {
  const start = apex.lines.offsetAt(range.start);
  let n: Node | null = apex.tree.rootNode.descendantForIndex(start, start + 1);
  for (let i = 0; n && i < 40; i++, n = n.parent) {
    const p: Node | null = n.parent;
    if (p?.type !== 'if_statement') { continue; }
    const cond = (p.childForFieldName('condition')?.text ?? '').replace(/[\s()]/g, '').toLowerCase().replace(/^system\./, '');
    const inThen = p.childForFieldName('consequence')?.id === n.id;
    const inElse = p.childForFieldName('alternative')?.id === n.id;
    if ((cond === 'test.isrunningtest' && inThen) || ((cond === '!test.isrunningtest' || cond === '!system.test.isrunningtest') && inElse)) { return true; }
  }
  return false;
}

