import { authHeaderUses } from '../../core/apex/authHeaders';
import { rangeContains } from '../../core/position';
import { redact } from '../../core/redact';
import { defineRule } from '../../core/rule';
import type { RelatedInformation } from '../../core/types';
import type { ResolvedPart } from '../../core/apex/model';
import { inTestOnlyBranch, valueOrigins } from '../../core/apex/origins';

type LiteralPart = Extract<ResolvedPart, { kind: 'literal' }>;

/**
 * `setHeader('Authorization' | 'Proxy-Authorization' | 'X-API-Key' | 'api-key' | 'x-auth-token' |
 * 'Ocp-Apim-Subscription-Key', v)` where v resolves (through constants, concatenation, base64Encode,
 * one method hop) to something holding a literal credential. Merge fields and placeholders are not.
 */
export default defineRule({
  meta: {
    id: 'hardcoded-authorization-header',
    type: 'problem',
    defaultSeverity: 'error',
    description: 'Authorization or API-key header set from a credential written in the code',
    kinds: ['apex'],
    fixable: true,
    sink: true,
    relatedAs: 'The value is sent in a header here',
    messages: {
      hardcodedHeader: 'The \'{{header}}\' header carries a hardcoded credential {{secret}}: move it to a Named Credential (External Credential) and let Salesforce add the header.',
    },
  },
  check(ctx) {
    const apex = ctx.file.apex();
    if (!apex) { return; }
    for (const use of authHeaderUses(apex)) {
      if (use.kind !== 'hardcoded') { continue; }
      // A token mocked for test runs (`if (Test.isRunningTest()) token = '…'`) is not what production sends.
      if (use.secretParts.length && use.secretParts.every(p => !p.path && inTestOnlyBranch(apex, p.range))) { continue; }
      const callRange = use.sink.call.range;
      const related: RelatedInformation[] = [];
      // Where the credential is written: the literals themselves, or those a base64 value was encoded from.
      const locations = use.secretParts.flatMap(p => (p.encoding === 'base64' && p.inner
        ? p.inner.filter((x): x is LiteralPart => x.kind === 'literal' && x.value.trim().length > 1)
        : [p]));
      for (const p of locations) {
        if (p.lives) {
          related.push({ path: p.lives.path, range: p.lives.range, message: `The credential is written here, in '${p.declaredAs ?? 'a project value'}'.` });
        } else if (!rangeContains(callRange, p.range)) {
          related.push({ path: ctx.file.path, range: p.range,
            message: p.declaredAs ? `The credential is written here, in '${p.declaredAs}'.` : 'The credential is written here.' });
        }
      }
      ctx.report({
        origins: valueOrigins(use.secretParts),
        messageId: 'hardcodedHeader',
        data: { header: use.sink.header, secret: redact(use.secret ?? '') },
        range: callRange,
        related,
        hints: {
          header: use.sink.header, scheme: use.scheme, receiver: use.sink.receiver,
          ...(use.origin ? { origin: use.origin } : {}),
          ...(use.namedCredential ? { namedCredential: use.namedCredential } : {}),
          ...(locations[0]?.declaredAs ? { constantName: locations[0].declaredAs } : {}),
        },
      });
    }
  },
});
