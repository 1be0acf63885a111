import { defineRule } from '../../core/rule';
import { apexMessages, checkApex } from './apex';
import { checkText, textMessages } from './text';
import { checkXml, xmlMessages } from './xml';

/**
 * Dispatches by file kind: Apex (apex.ts; Apex files too large to parse get the text heuristics of
 * text.ts), metadata XML values such as credential-named custom metadata fields (xml.ts, plus the
 * generic element/attribute heuristics of text.ts), other text formats (text.ts).
 * Both halves may look at the same XML value; the engine drops identical rule+range duplicates.
 */
export default defineRule({
  meta: {
    id: 'hardcoded-credential',
    type: 'problem',
    defaultSeverity: 'error',
    description: 'Non-empty literal assigned or passed under a credential-like name (password, secret, api_key, token...)',
    kinds: ['apex', 'xml', 'env', 'json', 'yaml', 'properties', 'js', 'text'],
    // One problem, one finding: a known credential format (hardcoded-secret, metadata-secret) or a
    // credential in a URL (credential-in-url) is named more precisely by those rules.
    yieldsTo: ['hardcoded-secret', 'metadata-secret', 'credential-in-url'],
    relatedAs: 'The same credential is used here',
    messages: { ...apexMessages, ...textMessages, ...xmlMessages },
  },
  check(ctx) {
    if (ctx.file.kind === 'apex' && ctx.file.apex()) { checkApex(ctx); return; }
    if (ctx.file.kind === 'xml') { checkXml(ctx); } // metadata values keep their own, more specific message
    checkText(ctx); // also Apex files too large to parse
  },
});
