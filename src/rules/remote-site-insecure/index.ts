import { defineRule } from '../../core/rule';
import { childrenNamed, valueOf } from '../../core/xml/document';
import { componentName } from '../../core/metadata/facts';
import { metadataRoot } from '../../core/metadata/xmlRule';

/** A remote site with `disableProtocolSecurity` true lets Apex send data between HTTPS and HTTP. */
export default defineRule({
  meta: {
    id: 'remote-site-insecure',
    type: 'problem',
    defaultSeverity: 'error',
    description: 'Remote site setting with protocol security disabled (disableProtocolSecurity true)',
    kinds: ['xml'],
    metadataTypes: ['RemoteSiteSetting'],
    messages: {
      protocolSecurityDisabled: 'Remote site \'{{name}}\' disables protocol security, so code can send data from HTTPS to HTTP: set <disableProtocolSecurity> to false.',
    },
  },
  check(ctx) {
    const root = metadataRoot(ctx.file, 'RemoteSiteSetting');
    if (!root) { return; }
    for (const el of childrenNamed(root, 'disableProtocolSecurity')) {
      if (valueOf(el)?.toLowerCase() === 'true') {
        ctx.report({ messageId: 'protocolSecurityDisabled', data: { name: componentName(ctx.file.path, 'RemoteSiteSetting') }, range: el.valueRange });
      }
    }
  },
});
