import type { Node } from 'web-tree-sitter';
import type { ApexFile, StringLit } from '../../core/apex/model';
import { joinParts } from '../../core/apex/literals';
import { compareRanges, rangeContains, rangeKey } from '../../core/position';
import { redact } from '../../core/redact';
import type { RuleContext } from '../../core/rule';
import { matchSecrets, SECRET_PATTERNS } from '../../core/secrets';
import type { Range, RelatedInformation } from '../../core/types';
import type { ValueOrigin } from '../../core/rule';
import { valueOrigins } from '../../core/apex/origins';
import { EditedRegexTest } from '../../core/editedText';

/** Apex side: string literals (resolved through the Apex model) that match a secret pattern. */
export const apexMessages: Record<string, string> = {
  apexSecret: 'Hardcoded {{description}} {{secret}} in Apex: remove it, rotate it, and let a Named Credential (or protected custom metadata) hold it.',
  apexSecretInComment: 'Hardcoded {{description}} {{secret}} in an Apex comment (often commented-out code): remove it and rotate it, it is in every copy of the source.',
  apexSecretBuilt: 'Hardcoded {{description}} {{secret}} assembled from literals in Apex: remove it, rotate it, and let a Named Credential (or protected custom metadata) hold it.',
};

/** Any pattern keyword, case-insensitive: a literal without one cannot hold a known secret (matchSecrets' own pre-filter, done once). */
const KEYWORDS = new RegExp([...new Set(SECRET_PATTERNS.flatMap(p => p.keywords))]
  .map(k => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
/**
 * KEYWORDS over a whole class, for the comment scan: an edited 1 MB class with none (a WSDL2Apex stub) is read
 * again only around the edit (6 ms a keystroke in the editor worker otherwise). Keywords have no look-arounds.
 */
const classKeywords = new EditedRegexTest(KEYWORDS, Math.max(...SECRET_PATTERNS.flatMap(p => p.keywords.map(k => k.length))));

interface Pending {
  range: Range;
  messageId: 'apexSecret' | 'apexSecretBuilt' | 'apexSecretInComment';
  description: string;
  secret: string;
  related: RelatedInformation[];
  /** The literals the secret is written in (for the engine's one-problem-one-finding merge). */
  origins: ValueOrigin[];
}

/**
 * One finding per secret, at the literal that holds it (or, for a secret split over several
 * literals or base64-encoded from one, at the literal where it starts), with related
 * information where the value is used.
 */
export function checkApex(ctx: RuleContext): void {
  const apex = ctx.file.apex();
  if (!apex) { return; }
  const path = ctx.file.path;
  const pending = new Map<string, Pending>();

  // 1. Each literal on its own (and whether any literal carries a keyword: pass 2 needs one).
  let keyword = false;
  for (const s of apex.strings) {
    if (!KEYWORDS.test(s.value)) { continue; }
    keyword = true;
    if (s.value.length < 8) { continue; }
    const matches = matchSecrets(s.value);
    for (const m of matches) {
      const range = matches.length === 1 ? s.range : subRange(apex, s, m.start, m.end) ?? s.range;
      const k = rangeKey(range);
      if (!pending.has(k)) {
        pending.set(k, { range, messageId: 'apexSecret', description: m.description, secret: s.value.slice(m.start, m.end), related: [], origins: [{ range }] });
      }
    }
  }

  // 2. Values built from several literals: concatenations, += chains, String.format, base64Encode(Blob.valueOf(…)).
  // Only when some literal of the file carries a pattern keyword (or Basic credentials may be encoded).
  inComments(apex, pending);
  if (!keyword) { finish(ctx, pending); return; }
  const seenUse = new Set<string>();
  for (const expr of builtValues(apex)) {
    const r = apex.resolve(expr);
    if (!r.parts.some(p => p.kind === 'literal')) { continue; }
    if (r.parts.length === 1 && r.parts[0].kind === 'literal' && !r.parts[0].encoding) {
      // A variable or constant holding one literal: already checked in pass 1; record the use.
      const part = r.parts[0];
      const existing = pending.get(rangeKey(part.range)) ?? findWithin(pending, part.range);
      const useRange = apex.nodeRange(expr);
      const useKey = `${rangeKey(useRange)}>${rangeKey(part.range)}`;
      if (existing && !rangeContains(part.range, useRange) && !seenUse.has(useKey)) {
        existing.related.push({ path, range: useRange, message: 'The secret is used here.' });
        seenUse.add(useKey);
      }
      continue;
    }
    if (r.parts.length < 2 && !r.parts.some(p => p.kind === 'literal' && p.encoding === 'base64')) { continue; }
    const { text, spans } = joinParts(r.parts, ' ');
    if (text.length < 8) { continue; }
    const useRange = apex.nodeRange(expr);
    for (const m of matchSecrets(text)) {
      const overlapping = spans.filter(sp => sp.part.kind === 'literal' && sp.start < m.end && m.start < sp.end);
      if (overlapping.length === 0) { continue; }
      const main = overlapping[0];
      const single = overlapping.length === 1 && main.part.kind === 'literal' && !main.part.encoding;
      const existing = pending.get(rangeKey(main.part.range)) ?? findWithin(pending, main.part.range);
      const useKey = `${rangeKey(useRange)}>${rangeKey(main.part.range)}`;
      if (existing) {
        const secret = text.slice(m.start, m.end);
        if (overlapping.length > 1 && secret.length > existing.secret.length && secret.includes(existing.secret)) {
          // The literal alone already looked like a token, but the real one continues in the next literals.
          existing.secret = secret;
          existing.messageId = 'apexSecretBuilt';
          existing.origins.push(...valueOrigins(overlapping.slice(1).map(sp => sp.part)));
          for (const sp of overlapping.slice(1)) {
            if (!existing.related.some(r => rangeKey(r.range) === rangeKey(sp.part.range))) {
              existing.related.push({ path, range: sp.part.range, message: 'Another part of the secret is here.' });
            }
          }
        }
        if (!rangeContains(main.part.range, useRange) && !seenUse.has(useKey)) {
          existing.related.push({ path, range: useRange, message: 'The secret is used here.' });
        }
        seenUse.add(useKey);
        continue;
      }
      // Not reported on its own: a literal that is a secret only in context ('Bearer ' + TOKEN), or parts of one.
      const related: RelatedInformation[] = overlapping.slice(1)
        .map(sp => ({ path, range: sp.part.range, message: 'Another part of the secret is here.' }));
      if (!rangeContains(main.part.range, useRange)) { related.push({ path, range: useRange, message: 'The secret is used here.' }); }
      seenUse.add(useKey);
      const origins = valueOrigins(overlapping.map(sp => sp.part));
      pending.set(rangeKey(main.part.range), {
        range: main.part.range, messageId: single ? 'apexSecret' : 'apexSecretBuilt', description: m.description,
        secret: text.slice(m.start, m.end), related, origins: origins.length ? origins : [{ range: main.part.range }],
      });
    }
  }

  finish(ctx, pending);
}

/** Secrets inside comments (commented-out callouts, pasted notes): one text scan, kept when the match lies in a comment. */
function inComments(apex: ApexFile, pending: Map<string, Pending>): void {
  const text = apex.lines.text;
  if (!/\/\/|\/\*/.test(text) || !classKeywords.test(text)) { return; }
  for (const m of matchSecrets(text)) {
    const n = apex.tree.rootNode.descendantForIndex(m.start, m.end);
    if (n?.type !== 'line_comment' && n?.type !== 'block_comment') { continue; }
    const range = apex.lines.rangeOf(m.start, m.end);
    pending.set(rangeKey(range), { range, messageId: 'apexSecretInComment', description: m.description, secret: text.slice(m.start, m.end), related: [], origins: [{ range }] });
  }
}

function finish(ctx: RuleContext, pending: Map<string, Pending>): void {
  // One secret, one finding per file: the same secret written again (a second commented-out copy) is a related location.
  const first = new Map<string, Pending>();
  for (const p of [...pending.values()].sort((a, b) => compareRanges(a.range, b.range))) {
    const f = first.get(p.secret);
    if (!f) { first.set(p.secret, p); continue; }
    f.related.push({ path: ctx.file.path, range: p.range, message: 'The same secret is written again here.' });
    f.origins.push(...p.origins.map(o => ({ ...o, sameValue: true })));
    pending.delete(rangeKey(p.range));
  }
  for (const p of pending.values()) {
    ctx.report({ messageId: p.messageId, data: { description: p.description, secret: redact(p.secret) }, range: p.range,
      ...(p.related.length ? { related: p.related.slice(0, 10) } : {}), origins: p.origins });
  }
}

/** Expressions whose value may be a secret assembled from parts: the outermost `+` chains, format and base64 calls, and call arguments that are variables. */
function builtValues(apex: ApexFile): Node[] {
  const out: Node[] = [];
  const seen = new Set<number>();
  const add = (n: Node) => { if (!seen.has(n.id)) { seen.add(n.id); out.push(n); } };
  // The outermost concatenation each literal belongs to (found top-down: walking up with Node.parent costs O(depth) per step).
  for (const top of apex.concatenations()) { add(top); }
  for (const c of apex.calls) {
    const q = c.qualifiedLower.replace(/^system\./, '');
    if (q === 'encodingutil.base64encode' || q === 'string.format') { add(c.node); continue; }
    for (const a of c.args) {
      if (a.type === 'identifier' || a.type === 'field_access') { add(a); }
    }
  }
  return out;
}

/** The exact range of `value[start, end)` inside a single-line literal without escapes. */
function subRange(apex: ApexFile, s: StringLit, start: number, end: number): Range | undefined {
  const raw = s.node.text;
  if (s.range.start.line !== s.range.end.line || !raw.startsWith("'") || raw.length !== s.value.length + 2) { return undefined; }
  const base = apex.lines.offsetAt(s.range.start) + 1;
  return apex.lines.rangeOf(base + start, base + end);
}

/** A finding whose range lies inside `r` (a literal reported by sub-range in pass 1). */
function findWithin(pending: Map<string, Pending>, r: Range): Pending | undefined {
  for (const p of pending.values()) { if (rangeContains(r, p.range)) { return p; } }
  return undefined;
}
