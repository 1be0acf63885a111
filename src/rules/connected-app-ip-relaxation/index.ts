import { defineRule } from '../../core/rule';
import { childrenNamed, valueOf } from '../../core/xml/document';
import { descend, metadataRoot } from '../../core/metadata/xmlRule';

const LABEL: Record<string, string> = {
  BYPASS: 'Relax IP restrictions',
  BYPASS_2FACTOR: 'Relax IP restrictions with second factor',
};

/**
 * `oauthPolicy.ipRelaxation` BYPASS / BYPASS_2FACTOR: tokens work from any IP address. An External Client
 * App says the same with `ipRelaxationPolicyType` Bypass / Bypass_2factor in its OAuth policies file.
 */
export default defineRule({
  meta: {
    id: 'connected-app-ip-relaxation',
    type: 'problem',
    defaultSeverity: 'warning',
    description: 'Connected app that relaxes IP restrictions (ipRelaxation BYPASS or BYPASS_2FACTOR)',
    kinds: ['xml'],
    metadataTypes: ['ConnectedApp', 'ExtlClntAppOauthConfigurablePolicies'],
    messages: {
      ecaRelaxed: 'This external client app is set to \'{{label}}\' ({{value}}), so its tokens work from any IP address: set <ipRelaxationPolicyType> to Enforce so trusted and profile login IP ranges apply.',
      relaxed: 'This connected app is set to \'{{label}}\' ({{value}}), so its tokens work from any IP address: set <ipRelaxation> to ENFORCE so trusted and profile login IP ranges apply.',
    },
  },
  check(ctx) {
    const root = metadataRoot(ctx.file, 'ConnectedApp');
    for (const el of descend(root, 'oauthPolicy', 'ipRelaxation')) {
      const v = valueOf(el);
      if (v && LABEL[v.toUpperCase()]) {
        ctx.report({ messageId: 'relaxed', data: { value: v, label: LABEL[v.toUpperCase()] }, range: el.valueRange });
      }
    }
    const eca = metadataRoot(ctx.file, 'ExtlClntAppOauthConfigurablePolicies');
    for (const el of eca ? childrenNamed(eca, 'ipRelaxationPolicyType') : []) {
      const v = valueOf(el);
      if (v && LABEL[v.toUpperCase()]) {
        ctx.report({ messageId: 'ecaRelaxed', data: { value: v, label: LABEL[v.toUpperCase()] }, range: el.valueRange });
      }
    }
  },
});
