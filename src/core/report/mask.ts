import { maskDeep, maskSecrets } from '../redact';
import type { Finding } from '../types';
import type { ReportFile, ReportInput } from './model';

/**
 * A scan result with every text that may quote a file masked (`maskSecrets`): findings' messages,
 * related messages, hints, suppression justifications and notes. Paths, ranges and fingerprints are
 * left as they are. Every formatter starts from this, so a rule that forgets `redact` leaks nothing.
 */
export function maskedInput(input: ReportInput): ReportInput {
  return { ...input, reports: input.reports.map(maskedFile) };
}

function maskedFile(r: ReportFile): ReportFile {
  return { ...r, findings: r.findings.map(maskedFinding), notes: r.notes.map(n => ({ ...n, message: maskSecrets(n.message) })) };
}

export function maskedFinding(f: Finding): Finding {
  const out: Finding = { ...f, message: maskSecrets(f.message) };
  if (f.related) { out.related = f.related.map(x => ({ ...x, message: maskSecrets(x.message) })); }
  if (f.hints) { out.hints = maskDeep(f.hints); }
  if (f.suppressed?.justification) { out.suppressed = { ...f.suppressed, justification: maskSecrets(f.suppressed.justification) }; }
  return out;
}
