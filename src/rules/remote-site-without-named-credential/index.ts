import { defineRule } from '../../core/rule';
import { originOf } from '../../core/project';
import { componentName, remoteSiteFact } from '../../core/metadata/facts';
import { childNamed } from '../../core/xml/document';
import { metadataRoot } from '../../core/metadata/xmlRule';

/**
 * An active remote site whose origin no Named Credential in the project covers: Apex calls to it
 * carry their own authentication (hand-built headers, secrets in code or settings). Cross-file: reads
 * `ctx.project.namedCredentials`. Hints for the Named Credential fix: `{ origin, name }`.
 */
export default defineRule({
  meta: {
    id: 'remote-site-without-named-credential',
    type: 'suggestion',
    defaultSeverity: 'info',
    description: 'Active remote site setting whose endpoint no Named Credential in the project covers',
    kinds: ['xml'],
    metadataTypes: ['RemoteSiteSetting'],
    fixable: true,
    messages: {
      noNamedCredential: 'Remote site \'{{name}}\' allows callouts to {{origin}} but no Named Credential covers it, so each callout handles its own authentication: add a Named Credential for {{origin}} and call \'callout:<Name>\'.',
    },
  },
  check(ctx) {
    const root = metadataRoot(ctx.file, 'RemoteSiteSetting');
    if (!root) { return; }
    const name = componentName(ctx.file.path, 'RemoteSiteSetting');
    const site = remoteSiteFact(root, name, ctx.file.path);
    const urlEl = childNamed(root, 'url');
    if (!site.active || !site.url || !urlEl) { return; }
    const origin = originOf(site.url);
    if (!origin) { return; }
    const covered = ctx.project.namedCredentials.some(nc => nc.url !== undefined && originOf(nc.url) === origin);
    if (covered) { return; }
    ctx.report({ messageId: 'noNamedCredential', data: { name, origin }, range: urlEl.valueRange, hints: { origin, name } });
  },
});
