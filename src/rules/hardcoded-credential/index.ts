import { defineRule } from '../../core/rule';
import { apexMessages, checkApex } from './apex';
import { checkText, textMessages } from './text';
import { checkXml, xmlMessages } from './xml';

/**
 * Dispatches by file kind: Apex (apex.ts), metadata XML values such as credential-named custom
 * metadata fields (xml.ts, plus the generic text heuristics), other text formats (text.ts).
 */
export default defineRule({
  meta: {
    id: 'hardcoded-credential',
    type: 'problem',
    defaultSeverity: 'error',
    description: 'Non-empty literal assigned or passed under a credential-like name (password, secret, api_key, token...)',
    kinds: ['apex', 'xml', 'env', 'json', 'yaml', 'properties', 'js', 'text'],
    messages: { ...apexMessages, ...textMessages, ...xmlMessages },
  },
  check(ctx) {
    if (ctx.file.kind === 'apex') { if (ctx.file.apex()) { checkApex(ctx); } return; }
    if (ctx.file.kind === 'xml') { checkXml(ctx); }
    checkText(ctx);
  },
});
