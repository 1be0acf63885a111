import type { RuleContext } from '../../core/rule';
import type { MetadataType } from '../../core/metadata/types';
import { childrenNamed, childValue, isNil, type XmlElement } from '../../core/xml/document';
import { decodeEntities } from '../../core/xml/parse';
import { descend, metadataRoot, rangeInValue, rawValue } from '../../core/metadata/xmlRule';

/** RemoteSiteSetting url, NamedCredential endpoint / Url parameter, ConnectedApp callbackUrl, CspTrustedSite. */
export const metadataMessages: Record<string, string> = {
  httpMetadataUrl: '{{where}} uses plain http:// ({{url}}): traffic and credentials travel unencrypted; use https://.',
};

/** The metadata types the metadata half reads (the rule's `metadataTypes` must not be set: it also reads Apex). */
export const METADATA_TYPES: readonly MetadataType[] = [
  'RemoteSiteSetting', 'NamedCredential', 'ConnectedApp', 'CspTrustedSite', 'ExtlClntAppGlobalOauthSettings', 'AuthProvider',
];

/** Loopback redirect URIs are the standard for native and CLI OAuth clients (RFC 8252 §7.3). */
const LOOPBACK = /^http:\/\/(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?(?:[/?#]|$)/i;

export function checkMetadata(ctx: RuleContext): void {
  const type = ctx.file.metadataType;
  if (!type || !METADATA_TYPES.includes(type)) { return; } // cheap exit before parsing anything
  const root = metadataRoot(ctx.file, type === 'CspTrustedSite' ? 'CspTrustedSite' : type);
  if (!root) { return; }
  const check = (el: XmlElement, where: string, allowLoopback = false) => {
    if (isNil(el) || el.children.length) { return; }
    const raw = rawValue(ctx.file, el);
    // A value may hold several URLs (callbackUrl is one per line); report each http:// one.
    const re = /http:\/\/[^\s,<"']+/gi;
    for (let m = re.exec(raw); m; m = re.exec(raw)) {
      const url = decodeEntities(m[0]);
      if (allowLoopback && LOOPBACK.test(url)) { continue; }
      ctx.report({
        messageId: 'httpMetadataUrl', data: { where, url },
        range: rangeInValue(ctx.file, el, m.index, m.index + m[0].length), hints: { url },
      });
    }
  };
  switch (root.local) {
    case 'RemoteSiteSetting':
      for (const el of childrenNamed(root, 'url')) { check(el, 'Remote site URL'); }
      break;
    case 'NamedCredential':
      for (const el of childrenNamed(root, 'endpoint')) { check(el, 'Named credential endpoint'); }
      for (const p of childrenNamed(root, 'namedCredentialParameters')) {
        if (childValue(p, 'parameterType') === 'Url') {
          for (const el of childrenNamed(p, 'parameterValue')) { check(el, 'Named credential URL'); }
        }
      }
      break;
    case 'ConnectedApp':
      for (const el of descend(root, 'oauthConfig', 'callbackUrl')) { check(el, 'Connected app callback URL', true); }
      for (const el of descend(root, 'oauthPolicy', 'singleLogoutUrl')) { check(el, 'Connected app single logout URL'); }
      break;
    case 'ExtlClntAppGlobalOauthSettings':
      for (const el of childrenNamed(root, 'callbackUrl')) { check(el, 'External client app callback URL', true); }
      break;
    case 'CspTrustedSite':
      for (const el of childrenNamed(root, 'endpointUrl')) { check(el, 'CSP trusted site'); }
      break;
    case 'AuthProvider':
      for (const f of ['authorizeUrl', 'tokenUrl', 'userInfoUrl']) {
        for (const el of childrenNamed(root, f)) { check(el, `Auth provider ${f}`); }
      }
      break;
  }
}
