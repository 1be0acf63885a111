import { authHeaderUses } from '../../core/apex/authHeaders';
import { elideLiterals } from '../../core/apex/callouts';
import { defineRule } from '../../core/rule';

/**
 * The same credential headers as hardcoded-authorization-header, built at run time from a
 * non-literal (custom settings, custom metadata, parameters, a token call's response): the code
 * manages authentication that a Named Credential should own. `{!$Credential…}` merge fields are
 * exactly that Named Credential, so they are never reported (unlike PMD's ApexSuggestUsingNamedCred).
 */
export default defineRule({
  meta: {
    id: 'manual-authorization-header',
    type: 'suggestion',
    defaultSeverity: 'warning',
    description: 'Authorization or API-key header built in code from settings, parameters or a token call instead of a Named Credential',
    kinds: ['apex'],
    fixable: true,
    messages: {
      manualHeader: 'The \'{{header}}\' header is built in code from {{source}}: let a Named Credential (External Credential) own this authentication instead of setting the header by hand.',
    },
  },
  check(ctx) {
    const apex = ctx.file.apex();
    if (!apex) { return; }
    for (const use of authHeaderUses(apex)) {
      if (use.kind !== 'manual') { continue; }
      ctx.report({
        messageId: 'manualHeader',
        data: { header: use.sink.header, source: `'${elideLiterals(use.source ?? 'a run-time value')}'` },
        range: use.sink.call.range,
        hints: {
          header: use.sink.header, scheme: use.scheme, receiver: use.sink.receiver,
          ...(use.origin ? { origin: use.origin } : {}),
          ...(use.namedCredential ? { namedCredential: use.namedCredential } : {}),
        },
      });
    }
  },
});
