import type { Node } from 'web-tree-sitter';
import type { ApexFile, Resolved } from '../../core/apex/model';
import { besidePlus, joinParts, literalEnd } from '../../core/apex/literals';
import { rangeContains, rangeKey } from '../../core/position';
import { redact } from '../../core/redact';
import type { RuleContext } from '../../core/rule';
import { isCredentialName, isPlaceholder, matchSecrets, nameWords } from '../../core/secrets';
import type { Range, RelatedInformation } from '../../core/types';
import type { ValueOrigin } from '../../core/rule';
import { inTestOnlyBranch, valueOrigins } from '../../core/apex/origins';

/** Apex side: credential-named variables, fields, map keys, URL-encoded and JSON bodies. */
export const apexMessages: Record<string, string> = {
  apexCredential: 'The credential \'{{name}}\' is hardcoded ({{secret}}): remove it, rotate it, and read it from a Named Credential or protected custom metadata instead.',
  apexCredentialInBody: 'The credential \'{{name}}\' is hardcoded in a request body ({{secret}}): remove it, rotate it, and let a Named Credential supply it (e.g. {!$Credential.Password}).',
};

/** Headers the authorization-header rules own; other credential-named headers are reported here. */
const AUTH_HEADERS = /^(proxy-)?authorization$|^x-api-key$|^api-key$|^x-auth-token$|^ocp-apim-subscription-key$/i;
/** Platform methods taking a password literally: qualified name → argument indexes. */
const PASSWORD_ARGS: Record<string, number[]> = {
  'system.setpassword': [1],
  'site.login': [1],
  'site.changepassword': [0, 1, 2],
  'site.createexternaluser': [2],
  'site.createportaluser': [2],
  'site.validatepassword': [1, 2],
};
/** Values of `auth`/`token`-named settings that name a scheme or mode, not a secret ('auth' => 'oauth2'). */
const NOT_A_SECRET_VALUE = /^(o?auth(2|_?2\.0)?|oauth1(\.0a?)?|bearer|basic|digest|ntlm|negotiate|kerberos|jwt|jwt[_-]?bearer|saml2?|hmac(-?sha\d+)?|anonymous|api[_-]?key|named[_-]?credential|per[_-]?user|named[_-]?principal|session|cookie|header|query|body|client[_-]?credentials|authorization[_-]?code|refresh[_-]?token|required|optional|enabled|disabled)$/i;
/** Declared types that can hold a credential string. */
const STRINGISH = /^(string|blob|object)$/i;

interface Hit { name: string; value: string; range: Range; body: boolean; via?: Range[]; origins: ValueOrigin[] }

/**
 * A non-empty literal assigned or passed under a credential-like name: declarations, assignments,
 * map keys (`put`, map initializers, `JSON.serialize` of them), setters and `Site`/`System` password
 * arguments, credential-named headers, and `key=value` / `"key":"value"` pairs inside literal bodies.
 */
export function checkApex(ctx: RuleContext): void {
  const apex = ctx.file.apex();
  if (!apex) { return; }
  const hits = new Map<string, Hit>();
  const add = (h: Hit | undefined) => {
    if (!h) { return; }
    const k = `${rangeKey(h.range)}`;
    if (!hits.has(k)) { hits.set(k, h); }
  };

  const nameMemo = new Map<string, boolean>();
  const credentialName = (n: string): boolean => {
    let r = nameMemo.get(n);
    if (r === undefined) { nameMemo.set(n, r = isCredentialName(n)); }
    return r;
  };
  // Declarations: String PASSWORD = '…'; private String clientSecret = 'a' + 'b';
  for (const v of apex.variables) {
    // The name first (memoised: WSDL2Apex stubs repeat apex_schema_type_info etc. in every class): a declarator's
    // initializer and type are read from the tree on first use.
    if (v.kind === 'param' || !credentialName(v.name) || !v.init || (v.typeText && !STRINGISH.test(v.typeText))) { continue; }
    add(named(apex, v.name, v.init));
  }
  // Getters: public String apiKey { get { return '…'; } }, private static String getPassword() { return '…'; }
  for (const m of apex.methods) {
    const name = m.kind === 'getter' ? m.name : m.kind === 'method' && /^get./i.test(m.name) && m.params.length === 0 ? m.name.slice(3) : '';
    if (!name || !isCredentialName(name)) { continue; }
    const type = m.kind === 'method' ? m.node.childForFieldName('type')?.text ?? '' : '';
    if (type && !STRINGISH.test(type)) { continue; }
    for (const ret of m.returns) { add(named(apex, m.name, ret)); }
  }
  // Assignments: password = '…'; this.token = '…'; cfg.Password__c = '…'; stub.password = '…'.
  for (const a of apex.assignments) {
    if (a.op !== '=') { continue; }
    const name = a.targetText.split('.').pop() ?? '';
    if (!isCredentialName(name)) { continue; }
    const decl = a.isSimple ? apex.declarationOf(a.node.childForFieldName('left')!) : undefined;
    if (decl?.typeText && !STRINGISH.test(decl.typeText)) { continue; }
    add(named(apex, name, a.value));
  }
  const text = apex.lines.text;
  // Comparisons with a literal: password == 'letmein42', pwd.equals('pwd123!'), token != 'abc…'.
  const ends = apex.strings.map(s => literalEnd(text, s.node.startIndex));
  apex.strings.forEach((s, i) => {
    if (!comparisonBefore(text, s.node.startIndex) && !comparisonAfter(text, ends[i])) { return; }
    const cmp = s.node.parent;
    if (cmp?.type !== 'binary_expression') { return; }
    const other = cmp.childForFieldName('left')?.id === s.node.id ? cmp.childForFieldName('right') : cmp.childForFieldName('left');
    const name = other ? operandName(other) : undefined;
    if (name && isCredentialName(name)) { add(named(apex, name, s.node)); }
  });
  // Map initializers: new Map<String, String>{ 'password' => '…' }.
  for (let i = 0; i < apex.strings.length; i++) {
    const s = apex.strings[i];
    if (!arrowAfter(text, ends[i])) { continue; }
    const p = s.node.parent;
    if (p?.type !== 'map_key_initializer' || p.namedChildren[0]?.id !== s.node.id) { continue; }
    const valueNode = p.namedChildren[1];
    if (valueNode && isCredentialName(s.value)) { add(named(apex, s.value, valueNode)); }
  }
  for (const call of apex.calls) {
    const q = call.qualifiedLower.replace(/^system\.(?=\w+\.)/, '');
    // pwd.equals('pwd123!'), token.equalsIgnoreCase('…')
    if ((call.nameLower === 'equals' || call.nameLower === 'equalsignorecase') && call.args.length === 1 && call.receiver) {
      const name = operandName(call.receiver);
      if (name && isCredentialName(name) && call.args[0].type === 'string_literal') { add(named(apex, name, call.args[0])); }
      continue;
    }
    // m.put('client_secret', '…'), params.put('password', PASSWORD)
    if (call.nameLower === 'put' && call.args.length === 2) {
      const k = apex.resolve(call.args[0]);
      if (k.isLiteral && isCredentialName(k.text)) { add(named(apex, k.text, call.args[1])); }
      continue;
    }
    // req.setHeader('client_secret', '…') for headers the authorization-header rules do not own.
    if (call.nameLower === 'setheader' && call.args.length === 2) {
      const h = apex.resolve(call.args[0]);
      if (h.isLiteral && !AUTH_HEADERS.test(h.text.trim()) && isCredentialName(h.text.trim())) { add(named(apex, h.text.trim(), call.args[1])); }
    }
    // System.setPassword(userId, '…'), Site.login(username, '…', startUrl)
    const idx = PASSWORD_ARGS[q];
    if (idx) {
      for (const i of idx) { if (call.args[i]) { add(named(apex, 'password', call.args[i])); } }
      continue;
    }
    // conn.setPassword('…'), creds.setClientSecret('…')
    if (call.args.length === 1 && /^set./i.test(call.name) && call.nameLower !== 'setheader' && isCredentialName(call.name.slice(3))) {
      add(named(apex, call.name.slice(3), call.args[0]));
    }
  }
  // key=value and "key":"value" pairs inside literals and values built from literals.
  for (const expr of bodyValues(apex)) {
    for (const h of bodyPairs(apex, expr)) { add(h); }
  }

  const fixtures = hits.size ? fixtureScopes(apex) : [];
  // One secret, one finding per file: the same value written again (copy-pasted into three methods) is a related location.
  const byValue = new Map<string, { first: Hit; again: Hit[] }>();
  for (const h of hits.values()) {
    if (fixtures.length && fixtures.some(r => rangeContains(r, h.range))) { continue; }
    if (inTestOnlyBranch(apex, h.range)) { continue; }
    const g = byValue.get(h.value);
    if (g) { g.again.push(h); } else { byValue.set(h.value, { first: h, again: [] }); }
  }
  for (const { first: h, again } of byValue.values()) {
    const related: RelatedInformation[] = (h.via ?? []).map(range => ({ path: ctx.file.path, range, message: 'The value is set here.' }));
    for (const a of again) { related.push({ path: ctx.file.path, range: a.range, message: `The same value is written again here, in '${a.name}'.` }); }
    ctx.report({ messageId: h.body ? 'apexCredentialInBody' : 'apexCredential', data: { name: h.name, secret: redact(h.value) },
      range: h.range, ...(related.length ? { related } : {}), origins: [...h.origins, ...again.flatMap(a => a.origins.map(o => ({ ...o, sameValue: true })))] });
  }
}

/** Whole values that name a state, a level or a kind of thing: what a credential-named slot holds when it is a status. */
const STATUS_WORDS = new Set(['active', 'inactive', 'pending', 'approved', 'rejected', 'success', 'succeeded', 'failed', 'failure',
  'error', 'completed', 'complete', 'open', 'closed', 'new', 'draft', 'valid', 'invalid', 'expired', 'revoked', 'granted', 'denied',
  'read', 'write', 'edit', 'view', 'readonly', 'readwrite', 'full', 'none', 'all', 'admin', 'owner', 'internal', 'external',
  'public', 'private', 'standard', 'custom', 'manual', 'automatic', 'issued', 'refreshed', 'missing', 'unknown', 'ok', 'yes', 'no',
  'create', 'update', 'delete', 'insert', 'upsert', 'get', 'post', 'put', 'patch', 'login', 'logout', 'reset']);
/** File names of assets (images, scripts, static resources): a logo called apiKeyIcon.png is not a key. */
const ASSET = /\.(png|jpe?g|gif|svg|ico|css|js|html?|pdf|zip|resource|json|xml|txt|csv|woff2?|ttf)$/i;
/** Credential-named slots whose name says the value is a stand-in: TEST_TOKEN, dummyPassword, mockSecret. */
const STAND_IN_WORDS = new Set(['test', 'dummy', 'mock', 'fake', 'sample', 'example', 'stub', 'demo']);

/**
 * Values that a credential-named slot holds without being a credential (found on real code): the
 * slot's own key name (`JWT_TOKEN = 'jwttoken'`, `PARAM_SECRET = 'secret='`), a key prefix ending in
 * `=` or `:`, a sentinel marker used as a map or merge key (`MASTER_KEY = '$MASTER$'`), a status or
 * permission word (`'Approved'`, `'CP_Edit'`), an asset name, or any value under a name that says it
 * is a stand-in (`WC_TEST_TOKEN`).
 */
export function notAValueFor(name: string, value: string): boolean {
  const v = value.trim();
  const squash = (x: string) => x.toLowerCase().replace(/[^a-z0-9]/g, '');
  const sv = squash(v), sn = squash(name);
  if (sv.length >= 3 && /[a-z]/.test(sv) && sn.includes(sv)) { return true; }
  if (/^[\w.-]{1,40}[=:]$/.test(v)) { return true; }
  if (/^([$#%@~^|*_])\1{0,2}[A-Za-z][A-Za-z_]*([$#%@~^|*_])\2{0,2}$/.test(v)) { return true; }
  const segments = v.split(/[_.\s-]+/).filter(Boolean);
  if (/^[A-Za-z]+([_.\s-][A-Za-z]+)*$/.test(v) && segments.some(x => STATUS_WORDS.has(x.toLowerCase()))) { return true; }
  if (ASSET.test(v) && !/[=?&]/.test(v)) { return true; }
  return nameWords(name).some(w => STAND_IN_WORDS.has(w));
}

/** Classes and methods that fabricate data (mocks, stubs, example and dummy factories) outside test classes. */
const FIXTURE_CLASS = /mock|fake|stub|test_?data|test_?factory|test_?util|test_?helper|examples?$/i;
const FIXTURE_INTERFACE = /\b(HttpCalloutMock|WebServiceMock|StubProvider)\b/i;
const FIXTURE_METHOD = /^(create|get|build|make|generate)?_?(dummy|example|sample|mock|fake|stub)|(dummy|mock|fake|stub|sample)_?(request|response|data|record|body)?$/i;

function fixtureScopes(apex: ApexFile): Range[] {
  const out: Range[] = [];
  for (const c of apex.tree.rootNode.descendantsOfType('class_declaration')) {
    if (!c) { continue; }
    const name = c.childForFieldName('name')?.text ?? '';
    const head = apex.lines.text.slice(c.startIndex, c.childForFieldName('body')?.startIndex ?? c.startIndex);
    if (FIXTURE_CLASS.test(name) || FIXTURE_INTERFACE.test(head)) { out.push(apex.nodeRange(c)); }
  }
  for (const m of apex.methods) {
    if (m.kind === 'method' && FIXTURE_METHOD.test(m.name)) { out.push(apex.nodeRange(m.node)); }
  }
  return out;
}

// Text tests around a literal, read in place: a WSDL2Apex class has 23,000 literals, and a slice per
// literal and side was a third of this rule's time there.
/** `==` or `!=` ends the 4 characters before `start`, after the whitespace before the literal (as in `x == 'lit'`). */
function comparisonBefore(text: string, start: number): boolean {
  const lo = Math.max(0, start - 4);
  let i = start;
  while (i > lo && WS.test(text[i - 1])) { i--; }
  return i - 2 >= lo && text[i - 1] === '=' && (text[i - 2] === '=' || text[i - 2] === '!');
}
/** `==` or `!=` starts the 4 characters from `end`, after the whitespace behind the literal (as in `'lit' != x`). */
function comparisonAfter(text: string, end: number): boolean {
  const hi = Math.min(text.length, end + 4);
  let j = end;
  while (j < hi && WS.test(text[j])) { j++; }
  return j + 2 <= hi && text[j + 1] === '=' && (text[j] === '=' || text[j] === '!');
}
/** `=>` within the 20 characters from `end`, after whitespace only (a map initializer's key). */
function arrowAfter(text: string, end: number): boolean {
  const hi = Math.min(text.length, end + 20);
  let j = end;
  while (j < hi && WS.test(text[j])) { j++; }
  return j + 2 <= hi && text[j] === '=' && text[j + 1] === '>';
}
/** The characters String.prototype.trim removes (JavaScript's `\s`). */
const WS = /^\s$/;

/** The name an operand reads: `password`, `this.password`, `cfg.Password__c`, `getPassword()`. */
function operandName(n: Node): string | undefined {
  if (n.type === 'identifier') { return n.text; }
  if (n.type === 'field_access') { return n.childForFieldName('field')?.text; }
  if (n.type === 'method_invocation' && (n.childForFieldName('arguments')?.namedChildCount ?? 1) === 0) {
    const m = /^get(.+)$/i.exec(n.childForFieldName('name')?.text ?? '');
    return m?.[1];
  }
  return undefined;
}

/** The literal a credential-named slot receives, if it is a real-looking credential. */
function named(apex: ApexFile, name: string, valueNode: Node): Hit | undefined {
  const r = apex.resolve(valueNode);
  if (!r.isLiteral) { return undefined; }
  const value = r.text;
  if (!isCredentialValue(value) || namesACredentialRecord(name, value) || notAValueFor(name, value)) { return undefined; }
  const range = r.parts.length === 1 ? r.parts[0].range : apex.nodeRange(valueNode);
  const here = apex.nodeRange(valueNode);
  const via = rangeKey(range) !== rangeKey(here) && !rangeContains(range, here) && !rangeContains(here, range) ? [here] : undefined;
  const origins = valueOrigins(r.parts);
  return { name, value, range, body: false, via, origins: origins.length ? origins : [{ range }] };
}

/**
 * `NAMED_CREDENTIAL = 'Stripe_API'`, `credential = 'ERP_Principal'`: the developer name of a Named or
 * External Credential (what good code stores), not a secret.
 */
function namesACredentialRecord(name: string, value: string): boolean {
  const words = nameWords(name);
  const head = words[words.length - 1] ?? '';
  if (words.includes('named') || words.includes('external')) { return true; }
  return (head === 'credential' || head === 'credentials' || head === 'cred' || head === 'creds') && /^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*(__[A-Za-z0-9]+)?$/.test(value) && !/\d/.test(value);
}

/**
 * Whether a literal under a credential name is a credential: not a placeholder or merge field, not
 * a name (`'password'`, `'Password__c'`, `'Authorization'`), URL or sentence, and not a known secret
 * format (hardcoded-secret reports those).
 */
function isCredentialValue(value: string): boolean {
  const v = value.trim();
  if (v.length < 4 || isPlaceholder(v)) { return false; }
  if (/\s/.test(v)) { return false; }
  if (/^(https?:|callout:|\/)/i.test(v) || /__(c|mdt|r|e|x)$/i.test(v)) { return false; }
  if (/^(true|false|null)$/i.test(v) || NOT_A_SECRET_VALUE.test(v) || /\{\d+\}/.test(v)) { return false; }
  if (isCredentialName(v)) { return false; }
  return matchSecrets(v).length === 0;
}

/** Literals and concatenations that may be a URL-encoded or JSON body. */
function bodyValues(apex: ApexFile): Node[] {
  const out: Node[] = [];
  const seen = new Set<number>();
  const text = apex.lines.text;
  for (const s of apex.strings) {
    // A form pair (`name=`) or a JSON key (`"name":`), or the start of one split over a concatenation.
    if (!/[\w\]]=|"\s*:|"$|<\/|>$/.test(s.value)) { continue; }
    let top: Node = s.node;
    if (besidePlus(text, s.node.startIndex, literalEnd(text, s.node.startIndex))) {
      for (let p = s.node.parent, i = 0; p && i < 64; p = p.parent, i++) {
        if (p.type === 'binary_expression' && p.childForFieldName('operator')?.type === '+') { top = p; }
        else if (p.type !== 'parenthesized_expression') { break; }
      }
    }
    if (!seen.has(top.id)) { seen.add(top.id); out.push(top); }
  }
  for (const c of apex.calls) {
    if (c.nameLower !== 'setbody' || !c.args[0]) { continue; }
    const a = c.args[0];
    if ((a.type === 'identifier' || a.type === 'field_access') && !seen.has(a.id)) { seen.add(a.id); out.push(a); }
  }
  return out;
}

/** `password=…` in form bodies, `"apiKey":"…"` in JSON and `<password>…</password>` in XML text, with literal values only. */
function bodyPairs(apex: ApexFile, expr: Node): Hit[] {
  const r: Resolved = apex.resolve(expr);
  if (!r.parts.some(p => p.kind === 'literal')) { return []; }
  // A dynamic part becomes a marker no pair value can contain.
  const { text, spans } = joinParts(r.parts, '\uE000');
  // URLs and their query strings belong to credential-in-url.
  if (text.length > 20000 || /^\s*(https?|callout):/i.test(text)) { return []; }
  const out: Hit[] = [];
  const consider = (name: string, value: string, start: number, end: number, form = false) => {
    if (!isCredentialName(name) || value.includes('\uE000') || notAValueFor(name, value)) { return; }
    let decoded = value;
    if (form) { try { decoded = decodeURIComponent(value.replace(/\+/g, ' ')); } catch { /* keep raw */ } }
    if (!isCredentialValue(decoded)) { return; }
    const inside = spans.filter(sp => sp.part.kind === 'literal' && sp.start < end && start < sp.end);
    if (inside.length === 0) { return; }
    const range = inside[0].part.range;
    const here = apex.nodeRange(expr);
    const origins = valueOrigins(inside.map(sp => sp.part));
    out.push({ name, value: decoded, range, body: true, via: rangeContains(range, here) || rangeContains(here, range) ? undefined : [here],
      origins: origins.length ? origins : [{ range }] });
  };
  // URL-encoded: grant_type=password&username=…&password=… (not a query string: no '?' or '://' before the pairs).
  const firstEq = text.indexOf('=');
  const queryLike = firstEq > 0 && (/\?|:\/\//.test(text.slice(0, firstEq)));
  if (!queryLike && (/^[\w.[\]-]+=/.test(text.trimStart()) || /&[\w.[\]-]+=/.test(text))) {
    const re = /(?:^|&)([\w.[\]-]{1,60})=([^&\s\uE000]*)(?=&|$|\s)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      const start = m.index + m[0].length - m[2].length;
      consider(m[1], m[2], start, start + m[2].length, true);
      if (m[0].length === 0) { re.lastIndex++; }
    }
  }
  // JSON: {"apiKey":"…"} (also with escaped quotes inside the value).
  if (text.includes('"')) {
    const re = /"([\w.-]{1,60})"\s*:\s*"((?:[^"\\\uE000]|\\.){0,500})"/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      const start = m.index + m[0].length - 1 - m[2].length;
      consider(m[1], m[2], start, start + m[2].length);
    }
  }
  // XML (SOAP login envelopes): <urn:password>…</urn:password>
  if (text.includes('</')) {
    const re = /<(?:[\w-]{1,30}:)?([\w-]{1,60})>([^<\uE000]{1,500})<\/(?:[\w-]{1,30}:)?\1>/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      const start = m.index + m[0].indexOf('>') + 1;
      consider(m[1], m[2], start, start + m[2].length);
    }
  }
  return out;
}

