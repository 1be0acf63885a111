import { displayUrl, endpointSinks, firstBranch, maskUrl } from '../../core/apex/callouts';
import type { RuleContext } from '../../core/rule';
import type { RelatedInformation } from '../../core/types';

/**
 * Apex side: a callout endpoint (setEndpoint argument, WSDL2Apex endpoint_x) that resolves to a
 * plain `http://` URL, also through concatenation (`'http://' + host`). Only endpoints are looked
 * at, so XML namespaces and other `http://` strings are never reported.
 */
export const apexMessages: Record<string, string> = {
  httpCallout: 'Callout endpoint uses plain http:// ({{url}}): use https:// (through a Named Credential) so credentials and data are encrypted in transit.',
  httpStub: 'SOAP stub endpoint_x uses plain http:// ({{url}}): use https:// (through a Named Credential) so credentials and data are encrypted in transit.',
};

export function checkApex(ctx: RuleContext): void {
  const apex = ctx.file.apex();
  if (!apex) { return; }
  for (const sink of endpointSinks(apex)) {
    // `cond ? 'http://…' : 'https://…'`: any branch over http:// is reported.
    const r = firstBranch(sink.resolved, b => /^\s*http:\/\//i.test(b.literalPrefix));
    if (!/^\s*http:\/\//i.test(r.literalPrefix)) { continue; }
    // The literal that holds "http://": the first literal part (the URL's start).
    const lit = r.parts.find(p => p.kind === 'literal' && p.value.trim() !== '');
    if (!lit || lit.kind !== 'literal') { continue; }
    const related: RelatedInformation[] = [];
    const exprRange = apex.nodeRange(sink.expr);
    if (lit.range.start.line !== exprRange.start.line || lit.range.start.character < exprRange.start.character) {
      related.push({ path: ctx.file.path, range: exprRange, message: 'Used here as the callout endpoint.' });
    }
    ctx.report({
      messageId: sink.via === 'endpoint_x' ? 'httpStub' : 'httpCallout',
      data: { url: displayUrl(r.text) },
      range: lit.range,
      related,
      hints: { url: maskUrl(r.text) },
    });
  }
}
