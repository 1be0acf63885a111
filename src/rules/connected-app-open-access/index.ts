import { defineRule } from '../../core/rule';
import { childNamed, childrenNamed, valueOf } from '../../core/xml/document';
import { metadataRoot, startTagRange } from '../../core/metadata/xmlRule';

/**
 * An OAuth connected app that is not admin-approved: any user may authorise it ("All users may
 * self-authorize"), instead of only the profiles and permission sets an admin assigns. For an External
 * Client App: `permittedUsersPolicyType` AllSelfAuthorized in its OAuth policies.
 */
export default defineRule({
  meta: {
    id: 'connected-app-open-access',
    type: 'problem',
    defaultSeverity: 'warning',
    description: 'OAuth connected app that any user may authorise (isAdminApproved is not true)',
    kinds: ['xml'],
    metadataTypes: ['ConnectedApp', 'ExtlClntAppOauthConfigurablePolicies'],
    messages: {
      ecaSelfAuthorized: 'Any user may authorise this external client app (permittedUsersPolicyType is {{value}}): set <permittedUsersPolicyType> to AdminApprovedPreAuthorized and list the profiles or permission sets it is granted to.',
      notApproved: 'Any user may authorise this connected app (isAdminApproved is {{value}}): set <isAdminApproved> to true ("Admin approved users are pre-authorized") and grant it through profiles or permission sets.',
    },
  },
  check(ctx) {
    // An External Client App keeps this policy in its OAuth policies file (`.ecaOauthPlcy`).
    const eca = metadataRoot(ctx.file, 'ExtlClntAppOauthConfigurablePolicies');
    for (const el of eca ? childrenNamed(eca, 'permittedUsersPolicyType') : []) {
      const v = valueOf(el);
      if (v?.toLowerCase() === 'allselfauthorized') { ctx.report({ messageId: 'ecaSelfAuthorized', data: { value: v }, range: el.valueRange }); }
    }
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
