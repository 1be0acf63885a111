import { maskSecrets } from '../redact';
import type { Finding, FixHints } from '../types';
import type { ReportFile, ReportInput } from './model';

/** Joins the texts of a report for one masking pass: no pattern, URL or token run crosses a NUL. */
const SEP = '\u0000';

/**
 * A scan result with every text that may quote a file masked (`maskSecrets`): findings' messages,
 * related messages, hints, suppression justifications and notes. Paths, ranges and fingerprints are
 * left as they are. Every formatter starts from this, so a rule that forgets `redact` leaks nothing.
 * One pass over all texts joined (10,000 findings: see bench/mask.mjs), not one per text.
 */
export function maskedInput(input: ReportInput): ReportInput {
  const texts: string[] = [];
  const take = (s: string) => { texts.push(s.includes(SEP) ? s.split(SEP).join(' ') : s); return texts.length - 1; };
  const hintSlots = (h: FixHints): FixHints => JSON.parse(JSON.stringify(h), (_k, v: unknown) => (typeof v === 'string' ? { $s: take(v) } : v)) as FixHints;
  const plan = input.reports.map(r => ({
    findings: r.findings.map(f => ({
      message: take(f.message),
      related: f.related?.map(x => take(x.message)),
      justification: f.suppressed?.justification !== undefined ? take(f.suppressed.justification) : undefined,
      hints: f.hints ? hintSlots(f.hints) : undefined,
    })),
    notes: r.notes.map(n => take(n.message)),
  }));
  let masked = maskSecrets(texts.join(SEP)).split(SEP);
  if (masked.length !== texts.length) { masked = texts.map(t => maskSecrets(t)); }   // cannot happen; never trade safety for speed
  const get = (i: number) => masked[i];
  const unslot = (h: unknown): unknown => Array.isArray(h) ? h.map(unslot)
    : h && typeof h === 'object' ? ('$s' in h && Object.keys(h).length === 1 ? get((h as { $s: number }).$s) : Object.fromEntries(Object.entries(h).map(([k, v]) => [k, unslot(v)]))) : h;
  return {
    ...input,
    reports: input.reports.map((r, ri): ReportFile => ({
      ...r,
      findings: r.findings.map((f, fi): Finding => {
        const p = plan[ri].findings[fi];
        const out: Finding = { ...f, message: get(p.message) };
        if (f.related && p.related) { out.related = f.related.map((x, i) => ({ ...x, message: get(p.related![i]) })); }
        if (f.suppressed && p.justification !== undefined) { out.suppressed = { ...f.suppressed, justification: get(p.justification) }; }
        if (p.hints) { out.hints = unslot(p.hints) as FixHints; }
        return out;
      }),
      notes: r.notes.map((n, i) => ({ ...n, message: get(plan[ri].notes[i]) })),
    })),
  };
}
