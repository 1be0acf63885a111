import { defineRule } from '../../core/rule';
import { apexMessages, checkApex } from './apex';
import { checkMetadata, metadataMessages } from './metadata';

/** `http://` endpoints: Apex callouts (apex.ts) and metadata URLs (metadata.ts). */
export default defineRule({
  meta: {
    id: 'insecure-endpoint',
    type: 'problem',
    defaultSeverity: 'error',
    description: 'Callout endpoint or configured URL over plain http://',
    kinds: ['apex', 'xml'],
    fixable: true,
    messages: { ...apexMessages, ...metadataMessages },
  },
  check(ctx) {
    if (ctx.file.kind === 'apex') { checkApex(ctx); } else { checkMetadata(ctx); }
  },
});
