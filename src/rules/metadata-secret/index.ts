import { defineRule } from '../../core/rule';
import { redact } from '../../core/redact';
import { isCredentialName } from '../../core/secrets/names';
import { isPlaceholder } from '../../core/secrets/placeholder';
import { childNamed, childrenNamed, childValue, isNil, type XmlElement } from '../../core/xml/document';
import { metadataRoot } from '../../core/metadata/xmlRule';

/** Secret-bearing fields per root element (children of the root unless noted). */
const FIELDS: Record<string, readonly string[]> = {
  AuthProvider: ['consumerSecret'],
  NamedCredential: ['password', 'awsAccessSecret', 'oauthToken', 'oauthRefreshToken'],
  ExtlClntAppGlobalOauthSettings: ['consumerSecret'],
};

/**
 * Secrets written into metadata that is meant to hold none: a connected app's or auth provider's
 * consumer secret, a legacy named credential's password/tokens/AWS secret, an external client app's
 * global OAuth consumer secret, a literal secret in an external credential parameter, and a literal
 * credential in a named credential's custom header parameter.
 */
export default defineRule({
  meta: {
    id: 'metadata-secret',
    type: 'problem',
    defaultSeverity: 'error',
    description: 'Secret (consumer secret, password, token, AWS secret) stored in a metadata file',
    kinds: ['xml'],
    metadataTypes: ['ConnectedApp', 'AuthProvider', 'NamedCredential', 'ExtlClntAppGlobalOauthSettings', 'ExternalCredential'],
    messages: {
      secretField: '<{{field}}> holds a secret in source ({{value}}): delete it from the file, rotate it, and enter it in Setup after deploy (secrets are not deployable metadata).',
      secretParameter: 'External credential parameter \'{{name}}\' holds a literal secret ({{value}}): delete it, rotate it, and set it on the principal in Setup (Authentication Parameters) or through the Connect API.',
      secretHeaderParameter: 'Named credential header \'{{name}}\' is set to a literal secret ({{value}}): delete it, rotate it, store it as an authentication parameter of the external credential, and send it with a {!$Credential…} formula.',
    },
  },
  check(ctx) {
    const root = metadataRoot(ctx.file, 'ConnectedApp', 'AuthProvider', 'NamedCredential', 'ExtlClntAppGlobalOauthSettings', 'ExternalCredential');
    if (!root) { return; }
    const reportField = (el: XmlElement | undefined) => {
      const v = el && !isNil(el) ? el.text.trim() : '';
      if (!el || !v || isPlaceholder(v) || isTemplateToken(v)) { return; }
      ctx.report({ messageId: 'secretField', data: { field: el.local, value: redact(v) }, range: el.valueRange });
    };
    if (root.local === 'ConnectedApp') {
      for (const oc of childrenNamed(root, 'oauthConfig')) { reportField(childNamed(oc, 'consumerSecret')); }
      return;
    }
    if (root.local === 'ExternalCredential') {
      for (const p of childrenNamed(root, 'externalCredentialParameters')) {
        const name = childValue(p, 'parameterName');
        const valueEl = childNamed(p, 'parameterValue');
        const value = childValue(p, 'parameterValue');
        if (!name || !valueEl || !value) { continue; }
        if (literalSecret(childValue(p, 'parameterType'), name, value)) {
          ctx.report({ messageId: 'secretParameter', data: { name, value: redact(value) }, range: valueEl.valueRange });
        }
      }
      return;
    }
    for (const f of FIELDS[root.local] ?? []) {
      for (const el of childrenNamed(root, f)) { reportField(el); }
    }
    if (root.local === 'NamedCredential') {
      // A custom header (parameterType HttpHeader) whose value is a literal credential, not a formula.
      for (const p of childrenNamed(root, 'namedCredentialParameters')) {
        if (childValue(p, 'parameterType') !== 'HttpHeader') { continue; }
        const name = childValue(p, 'parameterName');
        const valueEl = childNamed(p, 'parameterValue');
        const value = childValue(p, 'parameterValue');
        if (!name || !valueEl || !value) { continue; }
        if (literalSecret('AuthHeader', name, value)) {
          ctx.report({ messageId: 'secretHeaderParameter', data: { name, value: redact(value) }, range: valueEl.valueRange });
        }
      }
    }
  },
});

/**
 * A parameter value that is a literal secret: a credential-named AuthParameter (or principal
 * parameter) with a value, or an AuthHeader for a credential header whose formula is only a literal
 * (no `$Credential` reference), e.g. `"Bearer sk_live_…"`.
 */
function literalSecret(type: string | undefined, name: string, value: string): boolean {
  if (isPlaceholder(value) || isTemplateToken(value)) { return false; }
  if (type === 'AuthHeader') {
    if (/\$Credential\b|\{!/i.test(value)) { return false; }
    const literal = /^\s*(["'])(.*)\1\s*$/.exec(value)?.[2] ?? value;
    const token = literal.replace(/^(?:Bearer|Basic|Token|ApiKey)\s+/i, '').trim();
    return /^(?:authorization|proxy-authorization)$/i.test(name) || isCredentialName(name)
      ? token.length >= 8 && !/\s/.test(token) && !isPlaceholder(token)
      : false;
  }
  if (type === 'AuthParameter' || type === 'NamedPrincipal' || type === 'PerUserPrincipal' || type === undefined) {
    return isCredentialName(name) && !/\s/.test(value);
  }
  return false;
}

/**
 * Tokens that deployment scripts replace before deploy (`{client_secret}`, `__CONSUMER_SECRET__`,
 * `@@SECRET@@`, `#{secret}`): the file holds a slot for the secret, not the secret.
 */
export function isTemplateToken(v: string): boolean {
  return /^(?:\{[\w.-]+\}|__[A-Za-z0-9_]+__|@@[\w.-]+@@|#\{[\w.-]+\}|\[\[[\w.-]+\]\])$/.test(v.trim());
}
