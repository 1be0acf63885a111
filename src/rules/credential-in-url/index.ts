import type { Node } from 'web-tree-sitter';
import { endpointSinks, isPlaceholderValue, namedCredentialOf, originOf, partsIn } from '../../core/apex/callouts';
import type { ApexFile, Resolved } from '../../core/apex/model';
import { rangeContains } from '../../core/position';
import { redact } from '../../core/redact';
import { matchSecrets } from '../../core/secrets';
import { defineRule, type RuleContext } from '../../core/rule';
import type { FixHints, Range, RelatedInformation } from '../../core/types';

/** Query parameter names (lower-cased, without '-' and '_') whose value is a credential. */
const CREDENTIAL_PARAMS = new Set([
  'password', 'passwd', 'pwd', 'pass', 'secret', 'clientsecret', 'consumersecret', 'appsecret', 'apisecret',
  'apikey', 'hapikey', 'xapikey', 'apitoken', 'accesstoken', 'authtoken', 'token', 'refreshtoken', 'privatekey',
  'subscriptionkey', 'sessionid', 'appkey', 'authkey', 'secretkey', 'accesskey', 'clientkey', 'oauthtoken', 'bearertoken',
]);
/** Names that are credentials only when the value looks like a token (`key=AIza…`, Azure SAS `sig=`). */
const TOKEN_ONLY_PARAMS = new Set(['key', 'sig', 'signature', 'auth', 'code', 'apikeyid']);
const TOKENISH = /^[A-Za-z0-9._~+/=%-]{16,}$/;
const URL_START = /^\s*(?:[a-z][a-z0-9+.-]*:\/\/|callout:)/i;

/**
 * A URL that carries a literal credential: user info (`https://user:pass@host`) or a credential-named
 * query parameter whose value is a literal (`?api_key=…`, `&client_secret=' + 'abc'`). Looks at every
 * string literal and concatenation that forms a URL and at every callout endpoint; dynamic values
 * and merge fields are not reported.
 */
export default defineRule({
  meta: {
    id: 'credential-in-url',
    type: 'problem',
    defaultSeverity: 'error',
    description: 'URL with a literal credential in its user info or in a credential-named query parameter',
    kinds: ['apex'],
    fixable: true,
    sink: true,
    relatedAs: 'The value is put in a URL here',
    messages: {
      queryCredential: 'URL passes a hardcoded credential in its \'{{param}}\' query parameter ({{secret}}): move it to a Named Credential (External Credential) instead of the URL, where it is logged and cached.',
      userInfo: 'URL embeds a user name and password for {{origin}} ({{secret}}): move them to a Named Credential and remove the user info from the URL.',
      queryCredentialInComment: 'A URL in an Apex comment (often commented-out code) passes a hardcoded credential in its \'{{param}}\' query parameter ({{secret}}): remove it and rotate it, it is in every copy of the source.',
      userInfoInComment: 'A URL in an Apex comment (often commented-out code) embeds a user name and password for {{origin}} ({{secret}}): remove it and rotate it, it is in every copy of the source.',
    },
  },
  check(ctx) {
    const apex = ctx.file.apex();
    if (!apex) { return; }
    const seen = new Set<number>();
    const sinkIds = new Set<number>();
    for (const s of endpointSinks(apex)) {
      if (seen.has(s.expr.id)) { continue; }
      seen.add(s.expr.id);
      sinkIds.add(s.expr.id);
      checkUrl(ctx, apex, s.expr, s.resolved, true);
    }
    for (const s of apex.strings) {
      if (!s.value.includes('=') && !s.value.includes('@') && !s.value.includes('://') && !s.value.startsWith('callout:')) { continue; }
      const top = urlExpression(s.node);
      if (seen.has(top.id)) { continue; }
      seen.add(top.id);
      // A literal on its own resolves to its value: without '@' or '?' it has neither user info nor a query
      // (WSDL2Apex stubs hold thousands of namespace URIs), so checkUrl would find nothing.
      if (top.id === s.node.id && !s.value.includes('@') && !s.value.includes('?')) { continue; }
      checkUrl(ctx, apex, top, apex.resolve(top), false);
    }
    inComments(ctx, apex);
  },
});

/** A query parameter that may be a credential (a superset of CREDENTIAL_PARAMS and TOKEN_ONLY_PARAMS): the cheap test before the tree is asked. */
const CREDENTIAL_QUERY_HINT = /[?&][^=&#]{0,40}(?:key|token|secret|pass|pwd|sig|auth|code|session)[^=&#]{0,40}=/i;
/** A URL written in text (a comment), read around one of its '://': scheme before, then no white space, quote or bracket; bounded. */
const URL_SCHEME_BEFORE = /[a-z][a-z0-9+.-]{1,15}$/i;
const URL_REST = /[^\s'"`<>()]{1,2000}/y;

/** The URLs of `text` with their offsets, found from each '://' (indexOf: a 1 MB class is read in well under a millisecond). */
function* textUrls(text: string): Generator<{ url: string; at: number }> {
  for (let i = text.indexOf('://'); i >= 0; i = text.indexOf('://', i + 3)) {
    const scheme = URL_SCHEME_BEFORE.exec(text.slice(Math.max(0, i - 16), i));
    if (!scheme) { continue; }
    URL_REST.lastIndex = i + 3;
    const rest = URL_REST.exec(text);
    if (!rest) { continue; }
    const at = i - scheme[0].length;
    yield { url: text.slice(at, URL_REST.lastIndex), at };
  }
}

/**
 * Commented-out code and pasted notes: a URL in a comment carrying a literal credential, with the same
 * tests as a URL in code (every part of it is literal). One text scan, kept when the URL lies in a comment.
 */
function inComments(ctx: RuleContext, apex: ApexFile): void {
  const text = apex.lines.text;
  if (!text.includes('://') || !/\/\/|\/\*/.test(text)) { return; }
  // One credential, one finding: a second commented-out copy of it is a related location.
  const byValue = new Map<string, { messageId: string; data: Record<string, string>; range: Range; hints: FixHints; related: RelatedInformation[] }>();
  for (const { url, at } of textUrls(text)) {
    if (!url.includes('@') && !CREDENTIAL_QUERY_HINT.test(url)) { continue; }
    const n = apex.tree.rootNode.descendantForIndex(at, at + url.length);
    if (n?.type !== 'line_comment' && n?.type !== 'block_comment') { continue; }
    const origin = originOf(url);
    // A value in a known secret format is hardcoded-secret's (it scans comments too): one finding, not two.
    const known = matchSecrets(url);
    for (const c of urlCredentials(url)) {
      if (known.some(k => k.start < c.end && c.start < k.end)) { continue; }
      const range = apex.lines.rangeOf(at + c.start, at + c.end);
      const seen = byValue.get(c.value);
      if (seen) { seen.related.push({ path: ctx.file.path, range, message: 'The same credential is written here too.' }); continue; }
      byValue.set(c.value, c.param === undefined
        ? { messageId: 'userInfoInComment', data: { origin: origin ?? 'this host', secret: redact(c.value) }, range, hints: { ...(origin ? { origin } : {}), userinfo: true }, related: [] }
        : { messageId: 'queryCredentialInComment', data: { param: c.param, secret: redact(c.value) }, range, hints: { ...(origin ? { origin } : {}), param: c.param }, related: [] });
    }
  }
  for (const r of byValue.values()) { ctx.report(r); }
}

/**
 * The credentials a URL's text carries: the user info's secret, credential-named query values (offsets in `url`;
 * no `param` for user info). `span`: the text that must be literal for it to count (the whole user info, or the value).
 */
interface UrlCredential { start: number; end: number; value: string; param?: string; span: [number, number] }
function urlCredentials(url: string): UrlCredential[] {
  const out: UrlCredential[] = [];
  const ui = /^(\s*([a-z][a-z0-9+.-]*):\/\/)([^\s/?#@]*)@/i.exec(url);
  if (ui && ui[2].toLowerCase() !== 'force') {
    const colon = ui[3].indexOf(':');
    const user = colon >= 0 ? ui[3].slice(0, colon) : ui[3];
    const pass = colon >= 0 ? ui[3].slice(colon + 1) : '';
    if (pass ? !isPlaceholderValue(pass) && !isPlaceholderValue(decode(pass)) : TOKENISH.test(user) && user.length >= 20) {
      const start = ui[1].length + (pass ? colon + 1 : 0);
      out.push({ start, end: start + (pass || user).length, value: pass || user, span: [ui[1].length, ui[1].length + ui[3].length] });
    }
  }
  const q = url.indexOf('?');
  if (q < 0) { return out; }
  const re = /([^=&#?;]+)=([^&#;]*)/g;
  const query = url.slice(q + 1);
  for (let m = re.exec(query); m; m = re.exec(query)) {
    const name = m[1].trim();
    const norm = name.toLowerCase().replace(/[-_.]/g, '').replace(/\[\]$/, '');
    const tokenOnly = TOKEN_ONLY_PARAMS.has(norm);
    if (!CREDENTIAL_PARAMS.has(norm) && !tokenOnly) { continue; }
    const value = m[2], v = decode(value);
    if (value.length === 0 || isPlaceholderValue(v) || v.length < 4 || /^(true|false|yes|no|on|off)$/i.test(v) || (tokenOnly && !TOKENISH.test(value))) { continue; }
    const start = q + 1 + m.index + m[1].length + 1;
    out.push({ start, end: start + value.length, value: v, param: name, span: [start, start + value.length] });
  }
  return out;
}

/** The whole expression a literal is part of: the outermost `+` concatenation (or String.format call) around it. */
function urlExpression(lit: Node): Node {
  let n = lit;
  for (let i = 0; i < 200; i++) {
    const p = n.parent;
    if (!p) { break; }
    if (p.type === 'parenthesized_expression' || (p.type === 'binary_expression' && p.childForFieldName('operator')?.type === '+')) { n = p; continue; }
    if (p.type === 'argument_list' && p.parent?.type === 'method_invocation') {
      const call = p.parent;
      const q = `${call.childForFieldName('object')?.text.toLowerCase() ?? ''}.${call.childForFieldName('name')?.text.toLowerCase() ?? ''}`;
      if (q === 'string.format' && p.namedChildren[0]?.id === n.id) { n = call; continue; }
    }
    break;
  }
  return n;
}

function checkUrl(ctx: RuleContext, apex: ApexFile, expr: Node, r: Resolved, isEndpoint: boolean): void {
  const text = r.text;
  if (!isEndpoint && !URL_START.test(text)) { return; }
  const exprRange = apex.nodeRange(expr);
  const origin = originOf(text) ?? (namedCredentialOf(text) ? `callout:${namedCredentialOf(text)}` : undefined);

  for (const c of urlCredentials(text)) {
    const inParts = partsIn(r, c.span[0], c.span[1]);
    if (inParts.dynamic || !inParts.literals.length) { continue; }
    if (c.param === undefined) {
      report(ctx, 'userInfo', { origin: origin ?? 'this host', secret: redact(c.value) }, inParts.literals[0].range, exprRange,
        { ...(origin ? { origin } : {}), userinfo: true }, inParts.literals);
    } else {
      report(ctx, 'queryCredential', { param: c.param, secret: redact(c.value) }, inParts.literals[0].range, exprRange,
        { ...(origin ? { origin } : {}), param: c.param }, inParts.literals);
    }
  }
}

function report(ctx: RuleContext, messageId: string, data: Record<string, string>, range: Range, exprRange: Range, hints: FixHints,
  literals: ReadonlyArray<{ range: Range }>): void {
  const related: RelatedInformation[] = [];
  if (!rangeContains(exprRange, range)) {
    related.push({ path: ctx.file.path, range: exprRange, message: 'The URL with this credential is built here.' });
  }
  // The literals holding the credential: where the value is written, for the engine's one-problem-one-finding merge.
  ctx.report({ messageId, data, range, related, hints, origins: literals.map(l => ({ range: l.range })) });
}

function decode(v: string): string {
  try { return decodeURIComponent(v); } catch { return v; }
}
