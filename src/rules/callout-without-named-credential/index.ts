import { displayUrl, endpointSinks, firstBranch, maskUrl, originOf, pathAfterOrigin } from '../../core/apex/callouts';
import { rangeContains } from '../../core/position';
import { defineRule } from '../../core/rule';
import type { RelatedInformation } from '../../core/types';

/**
 * `HttpRequest.setEndpoint(x)` where x is (or starts with) a literal absolute URL, and WSDL2Apex
 * `endpoint_x = 'https://…'`. Never for `callout:` endpoints, nor for endpoints that come entirely
 * from settings, metadata or parameters (nothing to move: the URL is already configuration).
 */
export default defineRule({
  meta: {
    id: 'callout-without-named-credential',
    type: 'suggestion',
    defaultSeverity: 'warning',
    description: 'HTTP callout or WSDL2Apex stub whose endpoint is a hardcoded URL instead of a Named Credential (callout:)',
    kinds: ['apex'],
    fixable: true,
    messages: {
      hardcodedEndpoint: 'Callout to {{origin}} uses a hardcoded endpoint: create a Named Credential for {{origin}} and set the endpoint to \'callout:<NamedCredential>{{path}}\'.',
      stubEndpoint: 'SOAP stub calls {{origin}} through a hardcoded endpoint_x: create a Named Credential for {{origin}} and set endpoint_x to \'callout:<NamedCredential>{{path}}\'.',
    },
  },
  check(ctx) {
    const apex = ctx.file.apex();
    if (!apex) { return; }
    for (const sink of endpointSinks(apex)) {
      // `cond ? 'https://test…' : 'https://prod…'`: the first branch that is a literal URL stands for the endpoint.
      const r = firstBranch(sink.resolved, b => !!originOf(b.literalPrefix));
      const origin = originOf(r.literalPrefix);
      if (!origin) { continue; }
      const first = r.parts[0];
      const kind = sink.expr.type === 'string_literal' ? 'literal'
        : (sink.expr.type === 'identifier' || sink.expr.type === 'field_access') && apex.declarationOf(sink.expr)?.kind === 'field' ? 'constant' : 'concat';
      const constantName = first?.kind === 'literal' && first.declaredAs && apex.variables.some(v => v.kind === 'field' && v.name === first.declaredAs)
        ? first.declaredAs : undefined;
      const related: RelatedInformation[] = [];
      if (first?.kind === 'literal' && first.lives) {
        // Written in another file: a constant of another class, a Custom Label, a custom metadata record.
        related.push({ path: first.lives.path, range: first.lives.range, message: `The URL comes from '${first.declaredAs ?? 'a project value'}', defined here.` });
      } else if (first?.kind === 'literal' && !rangeContains(apex.nodeRange(sink.expr), first.range)) {
        related.push({ path: ctx.file.path, range: first.range,
          message: first.declaredAs ? `The URL comes from '${first.declaredAs}', declared here.` : 'The URL is written here.' });
      }
      const path = pathAfterOrigin(r.literalPrefix);
      ctx.report({
        messageId: sink.via === 'endpoint_x' ? 'stubEndpoint' : 'hardcodedEndpoint',
        data: { origin, path: shorten(displayUrl(pathAfterOrigin(r.text))) },
        range: apex.nodeRange(sink.expr),
        related,
        hints: {
          origin, url: maskUrl(r.text), path: maskUrl(path), receiver: sink.receiver, endpointFrom: kind,
          ...(constantName ? { constantName } : {}),
          ...(sink.via === 'endpoint_x' ? { stub: true } : {}),
        },
      });
    }
  },
});

function shorten(s: string): string { return s.length > 60 ? `${s.slice(0, 59)}…` : s; }
