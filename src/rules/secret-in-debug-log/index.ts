import type { Node } from 'web-tree-sitter';
import type { ApexFile, MethodCall } from '../../core/apex/model';
import type { Range } from '../../core/types';
import { defineRule } from '../../core/rule';
import { valueOrigins } from '../../core/apex/origins';
import { isCredentialName, isPlaceholder } from '../../core/secrets';

/** Declared types whose values are never secrets: flags, counters, record ids, dates, JSON parse events. */
const HARMLESS_TYPE = /^(boolean|integer|long|decimal|double|id|date|datetime|time|(system\.)?jsontoken)$/i;
/** A JSON parser's type: its "tokens" (getCurrentToken, getLastClearedToken) are parse events, not credentials. */
const JSON_PARSER_TYPE = /^(system\.)?jsonparser$/i;
/** Headers whose value is a credential. */
const AUTH_HEADER = /^(proxy-)?authorization$|^x-api-key$|^api-key$|^apikey$|^x-auth-token$|^ocp-apim-subscription-key$|^cookie$/i;
/** Session ids under their usual names (not covered by the generic credential names). */
const SESSION_NAME = /^(session_?id|sid|sessionid__c)$/i;
/** Calls that pass their argument (or receiver) through to the log text unchanged or encoded. */
const PASS_THROUGH_STATIC = new Set(['string.valueof', 'json.serialize', 'json.serializepretty', 'encodingutil.urlencode',
  'encodingutil.base64encode', 'blob.valueof', 'string.format', 'string.join', 'string.escapesinglequotes']);
const PASS_THROUGH_METHOD = new Set(['trim', 'tostring', 'tolowercase', 'touppercase', 'normalizespace', 'escapejava',
  'escapeecmascript', 'escapehtml4', 'escapexml', 'escapecsv', 'replace', 'replaceall', 'remove', 'deletewhitespace',
  'substringafter', 'substringafterlast', 'substringbefore', 'substringbeforelast', 'removestart', 'removeend',
  'removestartignorecase', 'removeendignorecase', 'unescapehtml4', 'unescapexml']);
/** Token endpoints and grant bodies: the response body of such a call holds an access token. */
const TOKEN_ENDPOINT = /\/oauth2?\/(v\d+(\.\d+)?\/)?token\b|\/services\/oauth2\/token|\/token(\?|$)|\/oauth\/access_token/i;

/** Form parameters of a token request that carry a credential (password grant, client secret in the body, assertions). */
const CREDENTIAL_PARAM = /(^|[&?])(client_secret|password|assertion|client_assertion|refresh_token|code|code_verifier|secret|api_?key)=/i;
const HTTP_REQUEST_TYPE = /^(system\.)?httprequest$/i;

type LeakKind = 'name' | 'session' | 'header' | 'tokenResponse' | 'tokenRequest' | 'jwt';
interface Leak { node: Node; kind: LeakKind; label: string }

/**
 * `System.debug` (any overload) whose logged value contains a credential-named variable, field or
 * getter, the session id, an Authorization header value, a JWT, or the body of a token endpoint's
 * response. Booleans, counters and ids are not reported (their declared type or name says so).
 */
export default defineRule({
  meta: {
    id: 'secret-in-debug-log',
    type: 'problem',
    defaultSeverity: 'warning',
    description: 'System.debug of a credential, session id, Authorization header value or token response',
    kinds: ['apex'],
    relatedAs: 'The value is written to the debug log here',
    messages: {
      credential: 'System.debug writes the credential \'{{name}}\' to the debug log, where anyone with log access can read it: log that it is set, not its value.',
      session: 'System.debug writes the user\'s session id to the debug log, where anyone with log access can read it: remove it from the log statement.',
      header: 'System.debug writes the {{name}} header value to the debug log, where anyone with log access can read it: log the status or the header\'s presence instead.',
      tokenResponse: 'System.debug writes the body of a token endpoint response (an access token) to the debug log: log the status code instead.',
      tokenRequest: 'System.debug writes the body of a token request, which carries a credential (password, client secret or assertion), to the debug log: log the grant type instead.',
      jwt: 'System.debug writes a signed JWT (a bearer credential) to the debug log: log its claims without the signature instead.',
    },
  },
  check(ctx) {
    const apex = ctx.file.apex();
    if (!apex) { return; }
    for (const call of apex.calls) {
      if (call.qualifiedLower !== 'system.debug' || call.args.length === 0) { continue; }
      const value = call.args.length >= 2 ? call.args[1] : call.args[0];
      const leak = findLeak(apex, call, value, 0);
      if (!leak) { continue; }
      // A logged value written in the code is the hardcoded-value finding's problem: this line becomes its related location.
      const origins = valueOrigins(apex.resolve(leak.node).parts);
      ctx.report({ messageId: leak.kind === 'name' ? 'credential' : leak.kind, data: { name: leak.label },
        range: apex.nodeRange(leak.node), ...(origins.length ? { origins } : {}) });
    }
  },
});

function unwrap(n: Node): Node {
  let cur = n;
  for (let i = 0; i < 8; i++) {
    const inner = cur.type === 'parenthesized_expression' ? cur.namedChildren[0]
      : cur.type === 'cast_expression' ? cur.childForFieldName('value') : undefined;
    if (!inner) { break; }
    cur = inner;
  }
  return cur;
}

/** The first place in a logged expression that leaks a secret. Only value positions are followed. */
function findLeak(apex: ApexFile, call: MethodCall, expr: Node, depth: number): Leak | undefined {
  if (depth > 12) { return undefined; }
  const n = unwrap(expr);
  switch (n.type) {
    case 'binary_expression':
      if (n.childForFieldName('operator')?.type !== '+') { return undefined; }
      return firstLeak(apex, call, [n.childForFieldName('left'), n.childForFieldName('right')], depth);
    case 'ternary_expression':
      return firstLeak(apex, call, [n.childForFieldName('consequence'), n.childForFieldName('alternative')], depth);
    case 'array_creation_expression': case 'array_initializer':
      return firstLeak(apex, call, n.namedChildren.filter(c => c?.type !== 'generic_type' && c?.type !== 'type_identifier'), depth);
    case 'identifier':
      return identifierLeak(apex, call, n, n.text);
    case 'field_access': {
      const field = n.childForFieldName('field');
      if (!field) { return undefined; }
      const obj = n.childForFieldName('object');
      if (obj?.type === 'this') { return identifierLeak(apex, call, n, field.text); }
      return isCredentialName(field.text) || SESSION_NAME.test(field.text)
        ? { node: n, kind: SESSION_NAME.test(field.text) ? 'session' : 'name', label: field.text } : undefined;
    }
    case 'method_invocation':
      return methodLeak(apex, call, n, depth);
    default:
      return undefined;
  }
}

function firstLeak(apex: ApexFile, call: MethodCall, nodes: Array<Node | null>, depth: number): Leak | undefined {
  for (const c of nodes) {
    if (!c) { continue; }
    const l = findLeak(apex, call, c, depth + 1);
    if (l) { return l; }
  }
  return undefined;
}

function identifierLeak(apex: ApexFile, call: MethodCall, n: Node, name: string): Leak | undefined {
  const type = apex.declarationOf(n)?.typeText;
  if (type && HARMLESS_TYPE.test(type)) { return undefined; }
  if (SESSION_NAME.test(name)) { return { node: n, kind: 'session', label: name }; }
  if (isCredentialName(name)) { return { node: n, kind: 'name', label: name }; }
  // What the variable holds: the session id, an Authorization header, a token response body.
  const r = apex.resolve(n);
  for (const p of r.parts) {
    if (p.kind === 'literal') {
      // A value assembled from a credential constant: mergedString = clientId + ':' + clientSecret.
      if (p.declaredAs && p.declaredAs !== name && isCredentialName(p.declaredAs) && !isPlaceholder(p.value)) {
        return { node: n, kind: 'name', label: p.declaredAs };
      }
      // base64 of such a value: EncodingUtil.base64Encode(Blob.valueOf(clientId + ':' + clientSecret)).
      const inner = p.encoding === 'base64' ? encodedCredential(apex, p.range) : undefined;
      if (inner) { return { node: n, kind: 'name', label: inner }; }
      continue;
    }
    if (p.sessionId) { return { node: n, kind: 'session', label: name }; }
    const header = /\.getheader\(\s*'([^']+)'\s*\)$/i.exec(p.text);
    if (header && AUTH_HEADER.test(header[1])) { return { node: n, kind: 'header', label: header[1] }; }
    if (/\.getbody\(\s*\)$/i.test(p.text) && isTokenCall(apex, call)) {
      const kind = bodyLeakKind(apex, call, p.text.replace(/\.getbody\(\s*\)$/i, ''));
      if (kind) { return { node: n, kind, label: name }; }
    }
    if (/\.getcompactserialization\(\s*\)$/i.test(p.text)) { return { node: n, kind: 'jwt', label: name }; }
    const get = /\.get\(\s*'([^']+)'\s*\)$/.exec(p.text);
    if (get && isCredentialName(get[1])) { return { node: n, kind: 'name', label: get[1] }; }
  }
  return undefined;
}

/** The credential constant inside the `EncodingUtil.base64Encode(…)` call at `range`, if any. */
function encodedCredential(apex: ApexFile, range: Range): string | undefined {
  const call = apex.tree.rootNode.descendantForIndex(apex.lines.offsetAt(range.start), apex.lines.offsetAt(range.end));
  const arg = call?.type === 'method_invocation' ? call.childForFieldName('arguments')?.namedChildren[0] : undefined;
  if (!arg) { return undefined; }
  for (const p of apex.resolve(arg).parts) {
    if (p.kind === 'literal' && p.declaredAs && isCredentialName(p.declaredAs) && !isPlaceholder(p.value)) { return p.declaredAs; }
  }
  return undefined;
}

function methodLeak(apex: ApexFile, call: MethodCall, n: Node, depth: number): Leak | undefined {
  const name = n.childForFieldName('name')?.text ?? '';
  const lower = name.toLowerCase();
  const obj = n.childForFieldName('object');
  const objLower = obj?.text.replace(/\s+/g, '').toLowerCase().replace(/^system\./, '') ?? '';
  const args = n.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c) ?? [];
  if (lower === 'getsessionid' && (objLower === 'userinfo' || objLower === '')) { return { node: n, kind: 'session', label: name }; }
  if (lower === 'getheader' && args[0]) {
    const h = apex.resolve(args[0]);
    if (h.isLiteral && AUTH_HEADER.test(h.text.trim())) { return { node: n, kind: 'header', label: h.text.trim() }; }
    return undefined;
  }
  if (lower === 'get' && args.length === 1) {
    const k = apex.resolve(args[0]);
    if (k.isLiteral && (isCredentialName(k.text) || SESSION_NAME.test(k.text))) {
      return { node: n, kind: SESSION_NAME.test(k.text) ? 'session' : 'name', label: k.text };
    }
    return undefined;
  }
  if (lower === 'getbody' && args.length === 0 && isTokenCall(apex, call)) {
    const kind = bodyLeakKind(apex, call, obj?.text.replace(/\s+/g, '') ?? '', obj && unwrap(obj));
    return kind ? { node: n, kind, label: name } : undefined;
  }
  if (lower === 'getcompactserialization') { return { node: n, kind: 'jwt', label: name }; }
  if (PASS_THROUGH_STATIC.has(`${objLower}.${lower}`)) { return firstLeak(apex, call, args, depth); }
  if (PASS_THROUGH_METHOD.has(lower) && obj) { return findLeak(apex, call, obj, depth + 1); }
  if (/^get./i.test(name) && args.length === 0 && !(obj && isJsonParser(apex, obj))) {
    const prop = name.slice(3);
    if (SESSION_NAME.test(prop)) { return { node: n, kind: 'session', label: name }; }
    if (isCredentialName(prop)) { return { node: n, kind: 'name', label: name }; }
  }
  return undefined;
}

/** `parser` declared as a JSONParser, or `JSON.createParser(…)` itself. */
function isJsonParser(apex: ApexFile, obj: Node): boolean {
  const n = unwrap(obj);
  if (n.type === 'identifier') { return JSON_PARSER_TYPE.test(apex.declarationOf(n)?.typeText ?? ''); }
  return n.type === 'method_invocation' && n.childForFieldName('name')?.text.toLowerCase() === 'createparser'
    && /^(system\.)?json$/i.test(n.childForFieldName('object')?.text.replace(/\s+/g, '') ?? '');
}

/**
 * What logging `receiver.getBody()` in a token call leaks. A response body holds the access token. A
 * request body holds a credential only in some grants (password, client secret or assertion in the
 * form): a request whose every body set in this method is a literal grant without one (the client
 * authenticating in its Authorization header) leaks nothing. A body built at run time is assumed to.
 */
function bodyLeakKind(apex: ApexFile, debug: MethodCall, receiverText: string, receiver?: Node | null): LeakKind | undefined {
  const method = debug.enclosingMethod;
  const lower = receiverText.toLowerCase();
  const onReceiver = apex.callsInMethod(method).filter(c => c.receiverText?.toLowerCase() === lower);
  const ref = receiver ?? onReceiver.find(c => c.receiver)?.receiver;
  const decl = ref && ref.type === 'identifier' ? apex.declarationOf(ref) : undefined;
  if (!decl || !HTTP_REQUEST_TYPE.test(decl.typeText.replace(/\s+/g, ''))) { return 'tokenResponse'; }
  const bodies = onReceiver.filter(c => c.nameLower === 'setbody' && c.args[0]);
  if (bodies.length === 0) { return 'tokenRequest'; }
  for (const b of bodies) {
    const r = apex.resolve(b.args[0]);
    if (!r.isLiteral || CREDENTIAL_PARAM.test(r.text)) { return 'tokenRequest'; }
  }
  return undefined;
}

/** Whether the method holding this debug call talks to a token endpoint (URL or grant body). */
function isTokenCall(apex: ApexFile, debug: MethodCall): boolean {
  const method = debug.enclosingMethod;
  if (!method) { return false; }
  for (const c of apex.calls) {
    if (c.enclosingMethod?.id !== method.id || !c.args[0]) { continue; }
    if (c.nameLower === 'setendpoint') {
      // A literal token URL, a grant in the query, or a URL read from a token-named setting or helper.
      const url = apex.resolve(c.args[0]).text;
      if (TOKEN_ENDPOINT.test(url) || /[?&]grant_type=/i.test(url) || /token_?(ur[li]|endpoint)|access_?token_?(ur[li]|endpoint)/i.test(url)) { return true; }
    } else if (c.nameLower === 'setbody') {
      if (/(^|&)grant_type=/i.test(apex.resolve(c.args[0]).text)) { return true; }
    }
  }
  return false;
}
