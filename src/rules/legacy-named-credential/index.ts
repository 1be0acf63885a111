import { defineRule } from '../../core/rule';
import { componentName, namedCredentialFact } from '../../core/metadata/facts';
import { childNamed } from '../../core/xml/document';
import { metadataRoot, startTagRange } from '../../core/metadata/xmlRule';

/** Legacy named credentials (deprecated since API 56): suggest SecuredEndpoint + External Credential. Hints `{ name }`. */
export default defineRule({
  meta: {
    id: 'legacy-named-credential',
    type: 'suggestion',
    defaultSeverity: 'info',
    description: 'Named Credential in the legacy model (deprecated since API 56.0)',
    kinds: ['xml'],
    metadataTypes: ['NamedCredential'],
    fixable: true,
    messages: {
      legacy: 'Named credential \'{{name}}\' uses the legacy model, deprecated since API 56.0 and unsupported in future releases: recreate it as a SecuredEndpoint named credential backed by an External Credential.',
    },
  },
  check(ctx) {
    const root = metadataRoot(ctx.file, 'NamedCredential');
    if (!root) { return; }
    const name = componentName(ctx.file.path, 'NamedCredential');
    if (namedCredentialFact(root, name, ctx.file.path).model !== 'legacy') { return; }
    const at = childNamed(root, 'endpoint') ?? childNamed(root, 'label');
    ctx.report({ messageId: 'legacy', data: { name }, range: at ? at.valueRange : startTagRange(ctx.file, root), hints: { name } });
  },
});
