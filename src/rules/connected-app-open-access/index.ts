import { defineRule } from '../../core/rule';
import { childNamed, childrenNamed, valueOf } from '../../core/xml/document';
import { metadataRoot, startTagRange } from '../../core/metadata/xmlRule';

/**
 * An OAuth connected app that is not admin-approved: any user may authorise it ("All users may
 * self-authorize"), instead of only the profiles and permission sets an admin assigns.
 */
export default defineRule({
  meta: {
    id: 'connected-app-open-access',
    type: 'problem',
    defaultSeverity: 'warning',
    description: 'OAuth connected app that any user may authorise (isAdminApproved is not true)',
    kinds: ['xml'],
    metadataTypes: ['ConnectedApp'],
    messages: {
      notApproved: 'Any user may authorise this connected app (isAdminApproved is {{value}}): set <isAdminApproved> to true ("Admin approved users are pre-authorized") and grant it through profiles or permission sets.',
    },
  },
  check(ctx) {
    const root = metadataRoot(ctx.file, 'ConnectedApp');
    for (const oc of childrenNamed(root, 'oauthConfig')) {
      const el = childNamed(oc, 'isAdminApproved');
      const v = el ? valueOf(el)?.toLowerCase() : undefined;
      if (v === 'true' || v === '1') { continue; }
      ctx.report({
        messageId: 'notApproved', data: { value: el ? (v ?? 'empty') : 'not set' },
        range: el ? el.valueRange : startTagRange(ctx.file, oc),
      });
    }
  },
});
