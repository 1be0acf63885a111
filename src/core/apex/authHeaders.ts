import { authScheme, endpointForReceiver, endpointSinks, expandAlternatives, headerSinks, isAuthHeader, isPlaceholderValue, namedCredentialOf, originOf,
  type AuthScheme, type HeaderSink } from './callouts';
import type { Node } from 'web-tree-sitter';
import { isCredentialName } from '../secrets/names';
import type { ApexFile, Resolved, ResolvedPart } from './model';

/**
 * Classifies every credential-carrying header set in a file (shared by hardcoded-authorization-header
 * and manual-authorization-header, so the two rules never disagree):
 * - `hardcoded`: the value contains a literal credential (all-literal, or a token-like literal piece);
 * - `manual`: the value is built at run time (settings, metadata, parameters, a token call);
 * - nothing for `{!$Credential…}` merge fields (the Named Credential owns the value), placeholders,
 *   and `UserInfo.getSessionId()` values (session-id-in-callout reports those).
 */
export interface AuthHeaderUse {
  sink: HeaderSink;
  kind: 'hardcoded' | 'manual';
  scheme: AuthScheme;
  /** hardcoded: the credential text (to be redacted, never printed). */
  secret?: string;
  /** hardcoded: the literals that hold it. */
  secretParts: Array<Extract<ResolvedPart, { kind: 'literal' }>>;
  /** manual: the run-time source as written (code, not a secret), e.g. `settings.Api_Token__c`. */
  source?: string;
  /** Origin of the endpoint set on the same request in the same method, or 'callout:Name'. */
  origin?: string;
  namedCredential?: string;
}

const SCHEME_RE = /^\s*(bearer|basic|token|apikey|api-key|oauth|sharedaccesssignature|sso-key|digest|hmac|key|ssws|klaviyo-api-key|zoho-oauthtoken|splunk|genieKey)\s*/i;
/** A literal piece of a run-time header value that looks like a credential: 16+ token characters with letters and digits. */
function tokenish(v: string): boolean {
  return /^[A-Za-z0-9._~+=:\-!$]{16,}$/.test(v) && /\d/.test(v) && /[A-Za-z]/.test(v);
}

/**
 * `Scheme name="value"[, name=value…]` whose every parameter is public: a name that is not a credential's
 * and a value that is not token-like, such as WSSE's fixed `WSSE profile="UsernameToken"` (the digest goes
 * in X-WSSE) or a `realm`. The whole literal is then the scheme's fixed text, not a credential.
 */
function onlyPublicAuthParams(text: string): boolean {
  const m = /^\s*[A-Za-z][\w.-]*\s+(\S.*)$/.exec(text);
  if (!m) { return false; }
  return m[1].split(',').every(param => {
    const kv = /^\s*([A-Za-z][\w.-]*)\s*=\s*("([^"]*)"|[^\s",]*)\s*$/.exec(param);
    if (!kv) { return false; }
    const value = kv[3] ?? kv[2];
    // A base64 credential's padding (`Basic QWxhZGRpbjpvcGVu=`) is not a parameter: names are words, values not empty.
    return value !== '' && !value.includes('=') && !tokenish(kv[1]) && !isCredentialName(kv[1]) && !tokenish(value);
  });
}

const cache = new WeakMap<ApexFile, AuthHeaderUse[]>();

type LiteralPart = Extract<ResolvedPart, { kind: 'literal' }>;
type Verdict =
  | { kind: 'hardcoded'; secret: string; secretParts: LiteralPart[]; value: Resolved }
  | { kind: 'manual'; source: string; value: Resolved }
  | { kind: 'none' };

/** One concrete header value: a literal credential, a run-time value, or nothing to report. */
function classify(r: Resolved): Verdict {
  if (r.parts.some(p => p.kind === 'literal' && (/\{!\s*\$/.test(p.value) || /\{!\s*\$/.test(p.source ?? '')))) { return { kind: 'none' }; }
  if (r.parts.some(p => p.kind === 'dynamic' && p.sessionId)) { return { kind: 'none' }; }
  if (r.isLiteral) {
    const secret = r.text.replace(SCHEME_RE, '').trim();
    const b64 = sourceOfBase64(r.parts);
    if (isPlaceholderValue(secret) || secret.length < 6 || onlyPublicAuthParams(r.text) || (b64 !== undefined && isPlaceholderValue(b64.replace(/^[^:]*:/, '')))) {
      // A placeholder kept in a label or custom metadata record is filled in the org: the header is built at run time.
      const from = r.parts.find(p => p.kind === 'literal' && p.lives);
      return from?.kind === 'literal' ? { kind: 'manual', source: from.declaredAs ?? r.text, value: r } : { kind: 'none' };
    }
    return { kind: 'hardcoded', secret, value: r,
      secretParts: r.parts.filter((p): p is LiteralPart => p.kind === 'literal' && p.value.replace(SCHEME_RE, '').trim() !== '') };
  }
  const pieces = r.parts.filter((p): p is LiteralPart => p.kind === 'literal')
    .filter(p => {
      const v = (p === r.parts[0] ? p.value.replace(SCHEME_RE, '') : p.value).trim();
      return p.encoding === 'base64' ? !isPlaceholderValue(p.source ?? '') : tokenish(v) && !isPlaceholderValue(v) && !/^https?:/i.test(v);
    });
  if (pieces.length) { return { kind: 'hardcoded', secret: pieces.map(p => p.value).join(''), secretParts: pieces, value: r }; }
  const dyn = r.parts.find(p => p.kind === 'dynamic');
  return { kind: 'manual', source: dyn?.kind === 'dynamic' ? dyn.text : r.text, value: r };
}

export function authHeaderUses(apex: ApexFile): AuthHeaderUse[] {
  const hit = cache.get(apex);
  if (hit) { return hit; }
  const out: AuthHeaderUse[] = [];
  let endpoints: ReturnType<typeof endpointSinks> | undefined;
  for (const sink of headerSinks(apex)) {
    if (!isAuthHeader(sink.headerLower)) { continue; }
    // Values with alternatives (ternaries, what callers pass for a parameter): any hardcoded variant makes the
    // header hardcoded; otherwise it is manual if any variant is built at run time.
    const verdicts = expandAlternatives(sink.resolved).map(classify);
    const v = verdicts.find(x => x.kind === 'hardcoded') ?? verdicts.find(x => x.kind === 'manual');
    if (!v) { continue; }
    // A custom Auth Provider (Auth.AuthProviderPluginClass) is the code a Named Credential calls to get tokens.
    if (v.kind === 'manual' && isAuthProvider(sink.call.enclosingClass)) { continue; }
    const use: AuthHeaderUse = { sink, kind: v.kind, scheme: authScheme(sink.headerLower, v.value), secretParts: [] };
    if (v.kind === 'hardcoded') { use.secret = v.secret; use.secretParts = v.secretParts; }
    else {
      // Name the run-time source as written at the header (the parameter, not a caller's expression).
      const dyn = sink.resolved.parts.find(p => p.kind === 'dynamic');
      use.source = dyn?.kind === 'dynamic' ? dyn.text : v.source;
    }
    endpoints ??= endpointSinks(apex);
    const ep = endpointForReceiver(endpoints, sink.receiver, sink.call.enclosingMethod);
    if (ep) {
      const nc = namedCredentialOf(ep.resolved.literalPrefix);
      if (nc) { use.namedCredential = nc; use.origin = `callout:${nc}`; } else { use.origin = originOf(ep.resolved.literalPrefix); }
    }
    out.push(use);
  }
  cache.set(apex, out);
  return out;
}

function isAuthProvider(cls: Node | undefined): boolean {
  if (!cls) { return false; }
  const ext = cls.childForFieldName('superclass')?.text.replace(/\s+/g, '').toLowerCase() ?? '';
  const impl = cls.childForFieldName('interfaces')?.text.replace(/\s+/g, '').toLowerCase() ?? '';
  return ext.includes('auth.authproviderpluginclass') || /\bauth\.authproviderplugin\b/.test(impl);
}

function sourceOfBase64(parts: ResolvedPart[]): string | undefined {
  const p = parts.find(x => x.kind === 'literal' && x.encoding === 'base64');
  return p?.kind === 'literal' ? p.source : undefined;
}

