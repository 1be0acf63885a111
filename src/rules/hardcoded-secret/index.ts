import { defineRule } from '../../core/rule';
import { apexMessages, checkApex } from './apex';
import { checkText, textMessages } from './text';

/**
 * Dispatches by file kind: Apex through the Apex model (apex.ts), every other text file, and Apex
 * files too large to parse, through text.ts (the patterns of `core/secrets` over the raw text).
 */
export default defineRule({
  meta: {
    id: 'hardcoded-secret',
    type: 'problem',
    defaultSeverity: 'error',
    description: 'Literal that matches a known credential format (Salesforce tokens, private keys, cloud and SaaS API keys)',
    kinds: ['apex', 'xml', 'env', 'json', 'yaml', 'properties', 'js', 'pem', 'text'],
    relatedAs: 'The same secret is used here',
    messages: { ...apexMessages, ...textMessages },
  },
  check(ctx) {
    if (ctx.file.kind === 'apex' && ctx.file.apex()) { checkApex(ctx); } else { checkText(ctx); }
  },
});
