import type { Node } from 'web-tree-sitter';
import { maskUrlParts } from '../redact';
import { compact, summarize, type ApexFile, type MethodCall, type Resolved, type ResolvedPart } from './model';

/**
 * Callout sinks shared by the Apex callout rules: where an HTTP request gets its endpoint and its
 * headers, and small URL helpers. Built on the Apex model; pure, never throws.
 */

/** Header names (lower-cased) that carry credentials. */
export const AUTH_HEADERS: ReadonlySet<string> = new Set([
  'authorization', 'proxy-authorization', 'x-api-key', 'api-key', 'apikey', 'x-apikey', 'x-auth-token',
  'ocp-apim-subscription-key', 'x-access-token', 'x-functions-key',
]);
const API_KEY_HEADERS: ReadonlySet<string> = new Set(['x-api-key', 'api-key', 'apikey', 'x-apikey', 'ocp-apim-subscription-key', 'x-functions-key']);

export interface EndpointSink {
  /** The expression that becomes the endpoint (setEndpoint argument, endpoint_x value). */
  expr: Node;
  resolved: Resolved;
  /** 'setEndpoint' or 'endpoint_x'. */
  via: 'setEndpoint' | 'endpoint_x';
  /** The request (or stub) the endpoint is set on, as written: 'req', 'this.request', 'stub'. */
  receiver?: string;
  call?: MethodCall;
  enclosingMethod?: Node;
}

export interface HeaderSink {
  call: MethodCall;
  /** The header name as resolved (as written when literal). */
  header: string;
  headerLower: string;
  value: Node;
  resolved: Resolved;
  receiver?: string;
}

const RESPONSE_TYPES = new Set(['httpresponse', 'restresponse']);

function isResponseReceiver(apex: ApexFile, call: MethodCall): boolean {
  const r = call.receiver;
  if (!r) { return false; }
  const t = (call.receiverText ?? '').toLowerCase();
  if (t.startsWith('restcontext.response')) { return true; }
  const d = apex.declarationOf(r);
  return !!d && RESPONSE_TYPES.has(d.typeLower.replace(/^system\./, ''));
}

/** Sinks resolve through the project (constants of other classes, labels, custom metadata): where a value goes matters wherever it is written. */
const PROJECT = { project: true } as const;

const endpointCache = new WeakMap<ApexFile, EndpointSink[]>();

/** `x.setEndpoint(e)` on any receiver except responses, plus WSDL2Apex `endpoint_x` fields and assignments. Computed once per file. */
export function endpointSinks(apex: ApexFile): EndpointSink[] {
  const hit = endpointCache.get(apex);
  if (hit) { return hit; }
  const out: EndpointSink[] = [];
  for (const call of apex.callsNamed('setendpoint')) {
    if (call.args.length !== 1 || !call.receiver || isResponseReceiver(apex, call)) { continue; }
    out.push({ expr: call.args[0], resolved: apex.resolve(call.args[0], PROJECT), via: 'setEndpoint', receiver: call.receiverText, call,
      enclosingMethod: call.enclosingMethod });
  }
  for (const v of apex.variables) {
    if (v.kind === 'field' && v.nameLower === 'endpoint_x' && v.init) {
      out.push({ expr: v.init, resolved: apex.resolve(v.init, PROJECT), via: 'endpoint_x', receiver: 'this' });
    }
  }
  for (const a of apex.assignments) {
    if (a.nameLower === 'endpoint_x' && a.op === '=') {
      const dot = a.targetText.lastIndexOf('.');
      out.push({ expr: a.value, resolved: apex.resolve(a.value, PROJECT), via: 'endpoint_x', receiver: dot > 0 ? a.targetText.slice(0, dot) : 'this',
        enclosingMethod: a.enclosingMethod });
    }
  }
  endpointCache.set(apex, out);
  return out;
}

/** `x.setHeader(name, value)` (any receiver except responses) and WSDL2Apex `stub.inputHttpHeaders_x.put(name, value)`. */
export function headerSinks(apex: ApexFile): HeaderSink[] {
  const out: HeaderSink[] = [];
  for (const call of apex.callsNamed('setheader', 'put')) {
    if (call.args.length !== 2 || !call.receiver) { continue; }
    if (call.nameLower === 'put' && !(call.receiverText ?? '').toLowerCase().endsWith('inputhttpheaders_x')) { continue; }
    if (call.nameLower === 'setheader' && isResponseReceiver(apex, call)) { continue; }
    const name = apex.resolve(call.args[0]);
    const receiver = call.nameLower === 'put' ? call.receiverText?.replace(/\.inputHttpHeaders_x$/i, '') : call.receiverText;
    if (!name.isLiteral) {
      // for (String k : headers.keySet()) req.setHeader(k, headers.get(k)): one sink per entry of the map.
      for (const e of call.nameLower === 'setheader' ? mapEntries(apex, call) : []) {
        out.push({ call, header: e.header, headerLower: e.header.toLowerCase(), value: e.value, resolved: apex.resolve(e.value, PROJECT), receiver });
      }
      continue;
    }
    const header = name.text.trim();
    out.push({ call, header, headerLower: header.toLowerCase(), value: call.args[1], resolved: apex.resolve(call.args[1], PROJECT), receiver });
  }
  return out;
}

function unwrap(n: Node | undefined): Node | undefined {
  while (n && (n.type === 'cast_expression' || n.type === 'parenthesized_expression')) {
    n = (n.type === 'cast_expression' ? n.childForFieldName('value') : n.namedChildren.find(c => c && !c.type.endsWith('comment'))) ?? undefined;
  }
  return n;
}

/**
 * The entries of the map a header loop copies (`for (String k : m.keySet()) req.setHeader(k, m.get(k))`),
 * when the map is declared in this file and filled from its initializer (`new Map<String, String>{ 'a' => v }`)
 * and `m.put('a', v)` calls: each literal key with its value expression. Empty when unknown.
 */
function mapEntries(apex: ApexFile, call: MethodCall): Array<{ header: string; value: Node }> {
  const [k, v] = call.args;
  if (k?.type !== 'identifier') { return []; }
  const loop = apex.declarationOf(k)?.node;
  const iter = loop?.type === 'enhanced_for_statement' ? loop.childForFieldName('value') : undefined;
  if (iter?.type !== 'method_invocation' || iter.childForFieldName('name')?.text.toLowerCase() !== 'keyset') { return []; }
  const mapRef = iter.childForFieldName('object');
  const get = unwrap(v);
  const getArgs = get?.type === 'method_invocation' && get.childForFieldName('name')?.text.toLowerCase() === 'get'
    ? get.childForFieldName('arguments')?.namedChildren.filter(c => c && !c.type.endsWith('comment')) ?? [] : [];
  const getObj = get?.childForFieldName('object');
  if (!mapRef || !getObj || getArgs.length !== 1 || getArgs[0]?.text.toLowerCase() !== k.text.toLowerCase()
    || compact(getObj.text).toLowerCase() !== compact(mapRef.text).toLowerCase()) { return []; }
  const map = apex.declarationOf(mapRef);
  if (!map || map.kind === 'param') { return []; }
  const out: Array<{ header: string; value: Node }> = [];
  const add = (key: Node | null | undefined, value: Node | null | undefined) => {
    if (!key || !value) { return; }
    const r = apex.resolve(key);
    if (r.isLiteral) { out.push({ header: r.text.trim(), value }); }
  };
  const init = unwrap(map.init);
  if (init?.type === 'map_creation_expression') {
    for (const e of init.childForFieldName('value')?.namedChildren ?? []) {
      if (e?.type !== 'map_key_initializer') { continue; }
      const [key, value] = e.namedChildren.filter(c => c && !c.type.endsWith('comment'));
      add(key, value);
    }
  }
  for (const put of apex.callsNamed('put')) {
    if (put.args.length === 2 && put.receiver && apex.declarationOf(put.receiver) === map) { add(put.args[0], put.args[1]); }
  }
  return out;
}

export function isAuthHeader(headerLower: string): boolean { return AUTH_HEADERS.has(headerLower); }

export type AuthScheme = 'bearer' | 'basic' | 'apikey' | 'other';
export function authScheme(headerLower: string, value: Resolved): AuthScheme {
  const p = value.literalPrefix.trimStart();
  if (/^bearer\b/i.test(p)) { return 'bearer'; }
  if (/^basic\b/i.test(p)) { return 'basic'; }
  if (API_KEY_HEADERS.has(headerLower) || /^(api-?key|apikey|sharedaccesskey)\b/i.test(p)) { return 'apikey'; }
  return 'other';
}

/** The origin ('https://api.stripe.com') of an absolute http(s) URL at the start of `text`, without user info. */
export function originOf(text: string): string | undefined {
  const m = /^\s*(https?):\/\/(?:[^\s/?#@]*@)?([^\s/?#@{}'"]+)/i.exec(text);
  if (!m || !/[a-z0-9]/i.test(m[2])) { return undefined; }
  return `${m[1].toLowerCase()}://${m[2].toLowerCase()}`;
}

/** Path and query after the origin in `text` ('/v1/charges?x=1'), '' when none. */
export function pathAfterOrigin(text: string): string {
  const m = /^\s*https?:\/\/[^/?#{]*/i.exec(text);
  return m ? text.slice(m[0].length) : '';
}

/** `callout:Name/...` → 'Name'. */
export function namedCredentialOf(text: string): string | undefined {
  const m = /^\s*callout:([A-Za-z0-9_]+(?:__[A-Za-z0-9_]+)?)/i.exec(text);
  return m ? m[1] : undefined;
}

const byReceiverCache = new WeakMap<EndpointSink[], Map<string, EndpointSink>>();

/** The first endpoint set on the same receiver in the same method, if any (for header hints). */
export function endpointForReceiver(sinks: EndpointSink[], receiver: string | undefined, method: Node | undefined): EndpointSink | undefined {
  if (!receiver) { return undefined; }
  let index = byReceiverCache.get(sinks);
  if (!index) {
    index = new Map();
    for (const s of sinks) {
      const k = `${s.enclosingMethod?.id ?? -1}:${s.receiver?.toLowerCase() ?? ''}`;
      if (s.via === 'setEndpoint' && !index.has(k)) { index.set(k, s); }
    }
    byReceiverCache.set(sinks, index);
  }
  return index.get(`${method?.id ?? -1}:${receiver.toLowerCase()}`);
}

/** Literal parts that sit in [start, end) of `resolved.text`, and whether a dynamic part overlaps it. */
export function partsIn(resolved: Resolved, start: number, end: number): { literals: Array<Extract<ResolvedPart, { kind: 'literal' }>>; dynamic: boolean } {
  const literals: Array<Extract<ResolvedPart, { kind: 'literal' }>> = [];
  let dynamic = false;
  let at = 0;
  for (const p of resolved.parts) {
    const len = p.kind === 'literal' ? p.value.length : p.text.length + 2;
    const s = at, e = at + len;
    at = e;
    if (e <= start || s >= end || (len === 0 && !(s >= start && s < end))) { continue; }
    if (p.kind === 'literal') { literals.push(p); } else { dynamic = true; }
  }
  return { literals, dynamic };
}

/** Placeholders, merge fields and format slots that are not credentials. */
export function isPlaceholderValue(v: string): boolean {
  const t = v.trim();
  if (t === '') { return true; }
  if (/\{!\$?[^}]*\}?/.test(t)) { return true; }
  if (/^\{\d+\}$/.test(t) || /^\{\{?[\w.$-]+\}?\}$/.test(t) || /^<[^>]*>$/.test(t) || /^\$\{[^}]*\}$/.test(t) || /^%[\w.]+%?$/.test(t)) { return true; }
  if (/^[*xX.•#-]+$/.test(t)) { return true; }
  if (/^(your|my|enter|insert|replace|put)[_\s-]?[\w\s-]*$/i.test(t) && /(key|token|secret|password|here|value)/i.test(t)) { return true; }
  if (/^(changeme|change_me|placeholder|dummy|example|sample|test|todo|tbd|none|null|undefined|xxx+|redacted|secret|password|token|api_?key)$/i.test(t)) { return true; }
  return false;
}

/** Source code for messages and hints: string literals that could hold a token (12+ characters, no spaces) become '…'. */
export function elideLiterals(code: string): string {
  return code.replace(/'((?:[^'\\\s]|\\.){12,})'/g, "'…'");
}

/**
 * A URL (or path) with user info and the values of credential-like query parameters replaced by `***`,
 * token-like literals inside dynamic parts elided, and any query value that looks like a token (20+
 * characters with letters and digits, e.g. an API key sent as `app_id`) masked whatever its name:
 * secrets never reach messages or hints in clear. Record ids (15/18), dates and `{slots}` stay.
 * Tokens in URL paths (Slack webhooks, Telegram bots, …) are masked by `maskUrlParts` (core/redact).
 */
export function maskUrl(url: string): string {
  return maskUrlParts(elideLiterals(url)).replace(/^(\s*[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/i, '$1***@')
    .replace(/((?:^|[?&;])[^=&#\s?;]*(?:key|token|secret|password|passwd|pwd|pass|sig|auth|credential)[^=&#\s?;]*=)[^&#\s;]*/gi, '$1***')
    .replace(/((?:^|[?&;])[^=&#\s?;]*=)(?=[^&#\s;]*[A-Za-z])(?=[^&#\s;]*\d)[A-Za-z0-9_.~+/=%-]{20,}(?=$|[&#;\s])/g, '$1***');
}

/** `maskUrl`, at most 120 characters: for messages. */
export function displayUrl(url: string): string {
  const u = maskUrl(url);
  return u.length > 120 ? `${u.slice(0, 119)}…` : u;
}

export { rangeKey } from '../position';

/**
 * When a value starts with a part that has alternatives (`cond ? a : b`, or a parameter and what this
 * file's callers pass for it), the first alternative (with the rest of the value appended) that
 * satisfies `test`; otherwise the value itself.
 */
export function firstBranch(r: Resolved, test: (branch: Resolved) => boolean): Resolved {
  const head = r.parts[0];
  if (head?.kind !== 'dynamic' || !head.alternatives) { return r; }
  for (const alt of head.alternatives) {
    for (const branch of expandAlternatives(alt)) {
      const joined = summarize([...branch.parts, ...r.parts.slice(1)], [...branch.via, ...r.via]);
      if (test(joined)) { return joined; }
    }
  }
  return r;
}

/**
 * The concrete values `r` can take when its dynamic parts have alternatives (ternary branches, what
 * callers pass for a parameter): each combination, at most `max`. Just [r] when there are none.
 */
export function expandAlternatives(r: Resolved, max = 8): Resolved[] {
  if (!r.parts.some(p => p.kind === 'dynamic' && p.alternatives?.length)) { return [r]; }
  let combos: ResolvedPart[][] = [[]];
  for (const p of r.parts) {
    if (p.kind === 'dynamic' && p.alternatives?.length) {
      const next: ResolvedPart[][] = [];
      for (const c of combos) {
        for (const alt of p.alternatives) {
          for (const inner of expandAlternatives(alt, max)) {
            if (next.length < max) { next.push([...c, ...inner.parts]); }
          }
        }
      }
      combos = next;
    } else {
      combos = combos.map(c => [...c, p]);
    }
  }
  return combos.map(parts => summarize(parts, r.via));
}
