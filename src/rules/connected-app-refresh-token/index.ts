import { defineRule } from '../../core/rule';
import { childrenNamed, valueOf } from '../../core/xml/document';
import { descend, metadataRoot } from '../../core/metadata/xmlRule';

/**
 * `oauthPolicy.refreshTokenPolicy` infinite: a stolen refresh token never expires. The same policy of an
 * External Client App lives in its OAuth policies file (`.ecaOauthPlcy`, `refreshTokenPolicyType` Infinite).
 */
export default defineRule({
  meta: {
    id: 'connected-app-refresh-token',
    type: 'suggestion',
    defaultSeverity: 'info',
    description: 'Connected app whose refresh tokens never expire (refreshTokenPolicy infinite)',
    kinds: ['xml'],
    metadataTypes: ['ConnectedApp', 'ExtlClntAppOauthConfigurablePolicies'],
    messages: {
      ecaInfinite: 'Refresh tokens for this external client app are valid until revoked, so a leaked token works forever: set <refreshTokenPolicyType> to an expiry such as SpecificLifetime.',
      infinite: 'Refresh tokens for this connected app are valid until revoked, so a leaked token works forever: set <refreshTokenPolicy> to an expiry such as specific_inactivity:30:DAYS or specific_lifetime:90:DAYS.',
    },
  },
  check(ctx) {
    const root = metadataRoot(ctx.file, 'ConnectedApp');
    for (const el of descend(root, 'oauthPolicy', 'refreshTokenPolicy')) {
      if (valueOf(el)?.toLowerCase() === 'infinite') { ctx.report({ messageId: 'infinite', range: el.valueRange }); }
    }
    const eca = metadataRoot(ctx.file, 'ExtlClntAppOauthConfigurablePolicies');
    for (const el of eca ? childrenNamed(eca, 'refreshTokenPolicyType') : []) {
      if (valueOf(el)?.toLowerCase() === 'infinite') { ctx.report({ messageId: 'ecaInfinite', range: el.valueRange }); }
    }
  },
});
