/**
 * One problem, one finding, across rules: findings of one file that are about the same hardcoded
 * value (they share a value origin, the literal where the value is written) become one finding, at
 * the place the value is written, by the rule that says what it is. The others (derived variables,
 * Basic-auth assembly, base64 of it, debug lines, crypto calls) become its related locations. A sink
 * rule (`meta.sink`: the value goes into a header or URL, and the finding carries the Named
 * Credential fix) keeps one finding of its own, which then names where the credential is written.
 */
import type { RuleMeta, ValueOrigin } from './rule';
import type { Finding, Position, Range, RelatedInformation, Severity } from './types';
import { compareRanges, rangeContains, rangeKey } from './position';

/** Which rule names a value best when several report it at the same place (earlier wins). */
const PRECISION = ['hardcoded-secret', 'metadata-secret', 'hardcoded-credential', 'credential-in-url',
  'hardcoded-authorization-header', 'weak-crypto', 'secret-in-debug-log'];
const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
/** Related locations one finding carries at most after merging. */
const MAX_RELATED = 25;

function overlapping(a: Range, b: Range): boolean {
  const before = (p: Position, q: Position) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return before(a.start, b.end) && before(b.start, a.end);
}

/**
 * Groups `findings` (of one file) by value origin and merges each group. A finding reported AT one
 * of its origins (inside the literal) is an anchor: the value is written there. Anchors at overlapping
 * literals are one group; a finding elsewhere (a use: derived variable, header, debug line, crypto
 * call) joins the first group whose literal it names. Uses that name no anchor, and findings
 * without origins, pass through unchanged. Deterministic: the result does not depend on rule order.
 */
export function mergeByOrigin(findings: Finding[], origins: ReadonlyMap<Finding, readonly ValueOrigin[]>,
  metaOf: (ruleId: string) => RuleMeta | undefined): Finding[] {
  if (origins.size < 2 || findings.length < 2) { return findings; }
  const localOrigins = (f: Finding) => (origins.get(f) ?? []).filter(o => !o.path || o.path === f.path);
  const local = (f: Finding): Range[] => localOrigins(f).map(o => o.range);
  // Anchors: where each is written (the origin containing it), grouped when those literals overlap.
  const groups: Array<{ at: Range[]; members: number[] }> = [];
  const uses: number[] = [];
  findings.forEach((f, i) => {
    const own = local(f);
    if (!own.length) { return; }
    const at = own.find(o => rangeContains(o, f.range));
    if (!at) { uses.push(i); return; }
    // Where it is written: this literal, and copies of the same value the rule folded into this finding.
    const written = [at, ...localOrigins(f).filter(o => o.sameValue).map(o => o.range)];
    const g = groups.find(x => x.at.some(r => written.some(w => overlapping(r, w))));
    if (g) { g.members.push(i); g.at.push(...written); } else { groups.push({ at: written, members: [i] }); }
  });
  if (!groups.length) { return findings; }
  for (const i of uses) {
    const own = local(findings[i]);
    const g = groups.find(x => x.at.some(r => own.some(o => overlapping(r, o))));
    if (g) { g.members.push(i); }
  }
  const drop = new Set<number>();
  const replace = new Map<number, Finding>();
  for (const { at, members } of groups) {
    if (members.length < 2) { continue; }
    const atOrigin = (f: Finding) => at.some(r => rangeContains(r, f.range));
    const rank = (f: Finding) => { const i = PRECISION.indexOf(f.ruleId); return i < 0 ? PRECISION.length : i; };
    const better = (a: number, b: number) => {
      const fa = findings[a], fb = findings[b];
      return (Number(atOrigin(fb)) - Number(atOrigin(fa))) || (SEVERITY_RANK[fa.severity] - SEVERITY_RANK[fb.severity])
        || (rank(fa) - rank(fb)) || compareRanges(fa.range, fb.range) || fa.ruleId.localeCompare(fb.ruleId);
    };
    const isSink = (i: number) => metaOf(findings[i].ruleId)?.sink === true;
    const values = members.filter(i => !isSink(i)).sort(better);
    const sinks = members.filter(isSink).sort((a, b) => compareRanges(findings[a].range, findings[b].range) || better(a, b));
    const primary = values[0] ?? sinks[0];
    const keptSink = values.length ? sinks[0] : undefined;
    const merged = new Map<number, number[]>([[primary, []]]);
    if (keptSink !== undefined) { merged.set(keptSink, []); }
    for (const i of members) {
      if (merged.has(i)) { continue; }
      // A second sink finding (another header, another URL) joins the kept sink; everything else the primary.
      (isSink(i) && keptSink !== undefined ? merged.get(keptSink)! : merged.get(primary)!).push(i);
      drop.add(i);
    }
    for (const [keep, others] of merged) {
      const f = findings[keep];
      const related: RelatedInformation[] = [...(f.related ?? [])];
      const seen = new Set([`${f.path}#${rangeKey(f.range)}`, ...related.map(r => `${r.path}#${rangeKey(r.range)}`)]);
      const push = (r: RelatedInformation) => {
        const k = `${r.path}#${rangeKey(r.range)}`;
        if (!seen.has(k)) { seen.add(k); related.push(r); }
      };
      if (keep === keptSink) {
        const p = findings[primary];
        push({ path: p.path, range: p.range, message: 'The credential is written here.' });
      }
      for (const i of others.sort((a, b) => compareRanges(findings[a].range, findings[b].range))) {
        const g = findings[i];
        push({ path: g.path, range: g.range, message: `${metaOf(g.ruleId)?.relatedAs ?? 'The same value is reported here'} (${g.ruleId}).` });
        for (const r of g.related ?? []) { push(r); }
      }
      if (related.length !== (f.related?.length ?? 0)) { replace.set(keep, { ...f, related: related.slice(0, MAX_RELATED) }); }
    }
  }
  if (!drop.size && !replace.size) { return findings; }
  const out: Finding[] = [];
  findings.forEach((f, i) => { if (!drop.has(i)) { out.push(replace.get(i) ?? f); } });
  return out;
}
