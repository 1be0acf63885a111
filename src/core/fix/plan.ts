/**
 * Plans the fixes of issue 5: Named Credential generation and callout rewriting, http→https, legacy
 * Named Credential migration. Pure: reads files only through `FixContext`, returns a `FixPlan`.
 */
import type { Node } from 'web-tree-sitter';
import type { Finding } from '../types';
import { originOf, type NamedCredentialFact } from '../project';
import { LineIndex } from '../position';
import { ApexDoc, METHOD_TYPES, ancestor, callArgs, descendants, enclosingCall, findDeclaration, headerCalls, isPureValue, localMethod,
  resolvePrefix, singleReturn, spanOf, statementSpan, walk, type ExternalResolver, type Resolved, type TextSpan } from './apex';
import { findConstant, findLabel } from '../symbols';
import { decodeEntities } from '../xml/parse';
import { labelFor, nameForOrigin, toDeveloperName, uniqueName, isValidDeveloperName } from './naming';
import { escapeXml, externalCredentialXml, namedCredentialXml, permissionSetXml, principalAccessXml, type ParamFields } from './xml';
import { emptyPlan, isEmptyPlan, type FixContext, type FixPlan } from './types';
import { matchSecrets } from '../secrets/match';
import { shannonEntropy } from '../secrets/entropy';
import { hasKnownPathSecret, maskUrlParts } from '../redact';

export const CALLOUT_RULE = 'callout-without-named-credential';
export const HEADER_RULES = ['hardcoded-authorization-header', 'manual-authorization-header'];
export const CREDENTIAL_URL_RULE = 'credential-in-url';
export const REMOTE_SITE_RULE = 'remote-site-without-named-credential';
export const INSECURE_RULE = 'insecure-endpoint';
export const LEGACY_RULE = 'legacy-named-credential';
/** Rules whose findings `planFix` / `planMigration` know how to fix. */
export const FIXABLE_RULES = [CALLOUT_RULE, ...HEADER_RULES, CREDENTIAL_URL_RULE, REMOTE_SITE_RULE, INSECURE_RULE, LEGACY_RULE];

const URL_HEAD = /^(https?):\/\/([^/?#@'"\s]*@)?([^/?#:'"\s]+)(?::(\d+))?/i;
const AUTH_HEADER = /^(proxy-)?authorization$/i;
const KEY_HEADER = /api[-_]?key|apikey|token|secret|auth|subscription-key|access[-_]?key|password/i;
const DEFAULT_API = 62;

interface Callout {
  finding: Finding;
  doc: ApexDoc;
  call?: Node;
  method?: Node;
  receiver?: string;
  resolved: Resolved;
  /** The literal that starts with the origin (the one to rewrite), when found: in this class, another class or a Custom Label. */
  literal?: TextSpan;
  /** Set when that literal is in another file: what the code reads ('Config.BASE_URL', 'Label.Api_Url'). */
  literalFrom?: string;
  /** Text after the origin in `literal` (raw source text) and in the resolved value. */
  literalRest?: string;
  resolvedRest?: string;
  userinfo: boolean;
}

interface HeaderUse { call: Node; statement?: Node; doc: ApexDoc; name: string; kind: 'bearer' | 'basic' | 'other' | 'apikey' | 'raw'; word?: string; literal: boolean }

function pathJoin(...parts: string[]): string {
  const sep = parts.some(p => p.includes('\\')) && !parts.some(p => p.includes('/')) ? '\\' : '/';
  return parts.filter(p => p !== '').map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, '') : p.replace(/^[\\/]+|[\\/]+$/g, ''))).join(sep);
}

function apiVersionOf(ctx: FixContext): { v: number; known: boolean } {
  const v = parseFloat(ctx.project.sourceApiVersion ?? '');
  return Number.isFinite(v) ? { v, known: true } : { v: DEFAULT_API, known: false };
}

function lineOf(c: { finding: Finding }): string { return `${c.finding.path}:${c.finding.range.start.line + 1}`; }

/** Keeps one plan's bookkeeping: parsed files, taken names, edits without overlaps. */
class Planner {
  readonly plan: FixPlan;
  private readonly docs = new Map<string, ApexDoc | null>();
  private readonly spans = new Map<string, Array<[number, number]>>();
  private readonly used = new Set<string>();
  readonly rewritten = new Set<string>();
  /** Token endpoints whose requests an Oauth External Credential now makes. */
  readonly adoptedTokenOrigins = new Set<string>();
  /** Origins with callouts left alone because their URL path holds a secret (see `pathSecret`). */
  readonly pathSecretOrigins = new Set<string>();
  /** credential-in-url findings with a query parameter, by origin (noted when the origin is planned). */
  readonly paramFindings = new Map<string, Finding[]>();
  readonly api: { v: number; known: boolean };
  readonly baseDir: string;
  private notedApi = false;

  private extDepth = 0;
  /**
   * `Other.CONST`, `Outer.Inner.CONST` and `Label.X` / `System.Label.X` through the project index: the
   * literal is found in the file that defines it (re-read, so an edited file is followed as it is now).
   */
  readonly external: ExternalResolver = (n: Node): Resolved | undefined => {
    const text = n.text.replace(/\s+/g, '');
    if (!/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(text) || this.extDepth > 8) { return undefined; }
    const segs = text.split('.');
    const lower = segs.map(x => x.toLowerCase());
    if ((lower.length === 2 && lower[0] === 'label') || (lower.length === 3 && lower[0] === 'system' && lower[1] === 'label')) {
      const l = findLabel(this.ctx.project, segs[segs.length - 1]);
      const t = l ? this.ctx.readFile(l.path) : undefined;
      if (!l || t === undefined) { return undefined; }
      const lines = new LineIndex(t);
      const start = lines.offsetAt(l.range.start), end = lines.offsetAt(l.range.end);
      const raw = t.slice(start, end);
      if (decodeEntities(raw).trim() !== l.value) { return undefined; }   // the file changed since it was indexed
      return { text: l.value, complete: true, firstSpan: { path: l.path, lines, start, end, raw }, via: [] };
    }
    // The class path of the reading code, so `CONST` of an outer class and `Inner.CONST` resolve too.
    const outer: string[] = [];
    for (let p = n.parent; p; p = p.parent) { if (p.type === 'class_declaration') { const nm = p.childForFieldName('name')?.text; if (nm) { outer.unshift(nm); } } }
    const cls = segs.slice(0, -1).join('.');
    let fact = findConstant(this.ctx.project, cls, segs[segs.length - 1]);
    for (let k = outer.length; !fact && k >= 1; k--) { fact = findConstant(this.ctx.project, `${outer.slice(0, k).join('.')}.${cls}`, segs[segs.length - 1]); }
    const doc = fact ? this.doc(fact.path) : undefined;
    const at = fact && doc?.nodeAt(fact.range);
    let decl: Node | undefined = at ?? undefined;
    while (decl && decl.type !== 'variable_declarator' && decl.type !== 'assignment_expression') { decl = decl.parent ?? undefined; }
    const value = decl?.childForFieldName(decl.type === 'variable_declarator' ? 'value' : 'right');
    if (!doc || !decl || !value) { return undefined; }
    this.extDepth++;
    try {
      const r = resolvePrefix(value, 0, this.external);
      return { ...r, first: undefined, firstSpan: r.firstSpan ?? (r.first ? spanOf(doc, r.first) : undefined), via: [] };
    } finally { this.extDepth--; }
  };

  /** The first `Other.CONST` / `Label.X` an endpoint expression reads, as written (for notes). */
  private readerOf(expr: Node): string {
    let hit: string | undefined;
    walk(expr, n => {
      if (hit) { return false; }
      if (n.type === 'field_access' && n.childForFieldName('object')?.type !== 'this') { hit = n.text.replace(/\s+/g, ''); return false; }
    });
    return hit ?? expr.text.replace(/\s+/g, ' ').slice(0, 60);
  }

  constructor(readonly ctx: FixContext, title: string) {
    this.plan = emptyPlan(title);
    this.api = apiVersionOf(ctx);
    const p = ctx.project;
    const dir = p.packageDirectories.find(d => d.default) ?? p.packageDirectories[0];
    this.baseDir = pathJoin(p.root, dir?.path ?? 'force-app', 'main', 'default');
  }

  note(s: string): void { if (!this.plan.notes.includes(s)) { this.plan.notes.push(s); } }

  doc(path: string): ApexDoc | undefined {
    if (!this.docs.has(path)) {
      const text = this.ctx.readFile(path);
      let d: ApexDoc | null = null;
      if (text !== undefined) { try { d = new ApexDoc(path, text); } catch { d = null; } }
      this.docs.set(path, d);
    }
    return this.docs.get(path) ?? undefined;
  }

  dispose(): void { for (const d of this.docs.values()) { d?.dispose(); } this.docs.clear(); }

  /** Adds an edit unless it overlaps one already planned in the same file. */
  edit(path: string, lines: LineIndex, s: number, e: number, newText: string): boolean {
    const l = this.spans.get(path) ?? [];
    if (l.some(([a, b]) => (s < b && a < e) || (s === e && a === s) || (a === b && s === a))) { return false; }
    l.push([s, e]);
    this.spans.set(path, l);
    // Line breaks of inserted text follow the file's (a CRLF file stays CRLF).
    if (newText.includes('\n') && this.crlf(path)) { newText = newText.replace(/\r?\n/g, '\r\n'); }
    this.plan.edits.push({ path, range: lines.rangeOf(s, e), newText });
    return true;
  }

  /** Whether a file's line breaks are mostly CRLF. */
  crlf(path: string): boolean {
    const t = this.ctx.readFile(path) ?? '';
    const crlf = t.split('\r\n').length - 1, lf = t.split('\n').length - 1;
    return crlf > 0 && crlf * 2 >= lf;
  }

  removed(path: string): Array<[number, number]> { return this.spans.get(path) ?? []; }

  nameTaken(name: string): boolean {
    const n = name.toLowerCase();
    const p = this.ctx.project;
    return this.used.has(n) || p.namedCredentials.some(c => c.name.toLowerCase() === n)
      || p.externalCredentials.some(c => c.name.toLowerCase() === n)
      || this.ctx.exists(this.ncPath(name)) || this.ctx.exists(this.ecPath(name)) || this.ctx.exists(this.psPath(psName(name)))
      || this.plan.creates.some(c => c.path.toLowerCase() === this.ncPath(name).toLowerCase());
  }
  claim(name: string): void { this.used.add(name.toLowerCase()); }

  ncPath(n: string): string { return pathJoin(this.baseDir, 'namedCredentials', `${n}.namedCredential-meta.xml`); }
  ecPath(n: string): string { return pathJoin(this.baseDir, 'externalCredentials', `${n}.externalCredential-meta.xml`); }
  psPath(n: string): string { return pathJoin(this.baseDir, 'permissionsets', `${n}.permissionset-meta.xml`); }

  /** Once per plan: what the project's API version leaves out. */
  apiNotes(): void {
    if (this.notedApi) { return; }
    this.notedApi = true;
    const { v, known } = this.api;
    if (!known) { this.note(`sfdx-project.json has no sourceApiVersion: generated metadata for API ${DEFAULT_API}.0.`); }
    else if (v < 59) {
      this.note(`sourceApiVersion ${v.toFixed(1)} is below 59.0: the Named Credential has no calloutStatus and no permission set grants the principal (externalCredentialPrincipalAccesses needs 59.0). After deploying, grant access in Setup → Permission Sets → <your permission set> → External Credential Principal Access, or raise sourceApiVersion to 59.0 or later and fix again.`);
    }
  }

  // ---- callouts ---------------------------------------------------------------------------------

  /** The callout a finding points at (endpoint argument, endpoint literal, or a header of the request). */
  callout(f: Finding): Callout | undefined {
    const doc = this.doc(f.path);
    const node = doc?.nodeAt(f.range);
    if (!doc || !node) { return undefined; }
    if (HEADER_RULES.includes(f.ruleId)) {
      // A header finding: the request's setEndpoint in the same method.
      const hcall = node.type === 'method_invocation' ? node : enclosingCall(node, ['setheader']);
      const method = ancestor(node, METHOD_TYPES);
      const recv = hcall?.childForFieldName('object')?.text;
      if (!method || !recv) { return undefined; }
      const ep = descendants(method, 'method_invocation').find(n => n.childForFieldName('name')?.text.toLowerCase() === 'setendpoint'
        && n.childForFieldName('object')?.text.toLowerCase() === recv.toLowerCase());
      const arg = ep ? callArgs(ep)[0] : undefined;
      return arg ? this.calloutAt(f, doc, arg) : undefined;
    }
    return this.calloutAt(f, doc, node);
  }

  private calloutAt(f: Finding, doc: ApexDoc, node: Node): Callout {
    const call = enclosingCall(node, ['setendpoint']);
    const expr = call ? callArgs(call)[0] ?? node : node;
    const resolved = resolvePrefix(expr, 0, this.external);
    const c: Callout = { finding: f, doc, call, method: ancestor(node, METHOD_TYPES), receiver: call?.childForFieldName('object')?.text,
      resolved, userinfo: false };
    const lit = resolved.firstSpan ?? (resolved.first?.type === 'string_literal' ? spanOf(doc, resolved.first) : undefined);
    if (lit) {
      const raw = lit.raw;
      const m = URL_HEAD.exec(raw);
      if (m && resolved.text.trimStart().toLowerCase().startsWith('http')) {
        c.literal = lit;
        if (lit.path !== doc.path) { c.literalFrom = this.readerOf(expr); }
        c.literalRest = raw.slice(m[0].length);
        c.userinfo = !!m[2];
        const vm = URL_HEAD.exec(resolved.text);
        c.resolvedRest = vm ? resolved.text.slice(vm[0].length) : undefined;
      }
    }
    return c;
  }

  originOfCallout(c: Callout): string | undefined {
    if (c.literal) { return originOf(c.literal.raw); }
    const h = c.finding.hints?.origin;
    return typeof h === 'string' ? originOf(h) ?? h : undefined;
  }

  /** Auth headers set on the callout's request in the same method. */
  headers(c: Callout): HeaderUse[] {
    if (!c.method || !c.receiver) { return []; }
    const out: HeaderUse[] = [];
    for (const call of headerCalls(c.method, c.receiver)) {
      const [nameArg, valueArg] = callArgs(call);
      const name = resolvePrefix(nameArg, 0, this.external);
      if (!name.complete || !(AUTH_HEADER.test(name.text) || KEY_HEADER.test(name.text))) { continue; }
      const v = resolvePrefix(valueArg, 0, this.external);
      const st = call.parent?.type === 'expression_statement' ? call.parent : undefined;
      let kind: HeaderUse['kind'] = 'apikey', word: string | undefined;
      if (AUTH_HEADER.test(name.text)) {
        const w = /^\s*([A-Za-z][\w.-]*)\s+/.exec(v.text);
        kind = !w ? 'raw' : /^bearer$/i.test(w[1]) ? 'bearer' : /^basic$/i.test(w[1]) ? 'basic' : 'other';
        word = w?.[1];
      }
      out.push({ call, statement: st, doc: c.doc, name: name.text, kind, word, literal: v.complete });
    }
    return out;
  }
}

function psName(name: string): string { return `${name}_Callout`.slice(0, 80).replace(/_+$/, ''); }

/** Longest directory path (segments followed by '/') shared by every callout and strippable from every literal. */
function commonBasePath(callouts: Callout[], candidate?: string, origin = 'https://host'): string {
  const ok = (bp: string) => callouts.every(c => c.literalRest !== undefined && c.resolvedRest !== undefined
    && c.literalRest.startsWith(bp) && c.resolvedRest.startsWith(bp)
    && (bp === '' || c.resolvedRest[bp.length] === '/'));
  if (candidate !== undefined) { return ok(candidate) ? candidate : '\0'; }
  const first = callouts.find(c => c.resolvedRest !== undefined);
  if (!first?.resolvedRest) { return ''; }
  const segs = first.resolvedRest.split(/[?#]/)[0].split('/');
  // segs[0] is '' (the rest starts with '/'); the last segment is never a directory.
  // A base path is used when several call sites share it, or when a literal ends exactly there
  // (a BASE_URL constant): the developer already treats it as the API's base.
  const sites = new Set(callouts.map(c => `${c.doc.path}:${c.call?.startIndex ?? c.finding.range.start.line}`)).size;
  // Never put into the Named Credential URL a segment that may be a token (a webhook secret in the path).
  const pathPart = first.resolvedRest.split(/[?#]/)[0];
  const hits = matchSecrets(`${origin}${pathPart}`);
  let firstSecret = segs.findIndex((x, i) => i > 0 && x.length >= 16 && /\d/.test(x) && /[a-z]/i.test(x) && shannonEntropy(x) > 3.5);
  if (hits.length) {
    // A pattern match anywhere in the path (a Slack webhook matches from its start): no base path at all.
    firstSecret = 1;
  }
  const maxK = firstSecret > 0 ? Math.min(segs.length - 1, firstSecret) : segs.length - 1;
  for (let k = maxK; k >= 2; k--) {
    const bp = segs.slice(0, k).join('/');
    if (!bp.includes('{') && ok(bp) && (sites > 1 || callouts.some(c => c.literalRest === bp))) { return bp; }
  }
  return '';
}

function ncBasePath(nc: NamedCredentialFact): string {
  const m = URL_HEAD.exec(nc.url ?? '');
  return m ? (nc.url ?? '').slice(m[0].length).split(/[?#]/)[0].replace(/\/+$/, '') : '';
}

interface OauthInfo { grant: 'client_credentials' | 'password'; tokenUrl?: string; tokenOrigin?: string; basicClientAuth: boolean; tokenCalls: Node[] }

/** An OAuth token request in the file: a callout whose method posts `grant_type=client_credentials|password`. */
function oauthIn(doc: ApexDoc): OauthInfo | undefined {
  const g = /grant_type['"]?\s*(?:=|,|:|=>)\s*['"]?(client_credentials|password)\b/i.exec(doc.text);
  if (!g) { return undefined; }
  const info: OauthInfo = { grant: g[1].toLowerCase() as OauthInfo['grant'], basicClientAuth: false, tokenCalls: [] };
  doc.invocations().forEach(n => {
    if (n.childForFieldName('name')?.text.toLowerCase() !== 'setendpoint') { return; }
    const m = ancestor(n, METHOD_TYPES);
    if (!m || !/grant_type/i.test(m.text)) { return; }
    info.tokenCalls.push(n);
    const r = resolvePrefix(callArgs(n)[0]);
    if (r.complete && !info.tokenUrl) { info.tokenUrl = r.text.split(/[?#]/)[0]; info.tokenOrigin = originOf(r.text); }
    const recv = n.childForFieldName('object')?.text ?? '';
    for (const h of headerCalls(m, recv)) {
      const [a, b] = callArgs(h);
      if (AUTH_HEADER.test(resolvePrefix(a).text) && /^\s*basic\s/i.test(resolvePrefix(b).text)) { info.basicClientAuth = true; }
    }
  });
  return info;
}

interface OriginOptions { nameOverride?: string; allFindings?: Finding[]; noBasePath?: boolean; tokenEndpoint?: boolean }

/** Plans one origin: reuse or generate the credential, rewrite the literals, drop the headers and secrets. */
function planOrigin(pl: Planner, origin: string, callouts: Callout[], opts: OriginOptions): void {
  const ctx = pl.ctx;
  const api = pl.api.v;
  const secureOrigin = origin.replace(/^http:\/\//, 'https://').replace(/:80$/, '');
  const withLiteral = callouts.filter(c => c.literal && !c.literal.raw.startsWith('callout:'));
  for (const c of callouts.filter(x => !x.literal)) {
    // Read from a custom metadata record (or a value the fix cannot rewrite) in another file: say where it lives.
    const elsewhere = c.finding.related?.find(r => r.path !== c.finding.path);
    const what = elsewhere ? /'([^']+)'/.exec(elsewhere.message)?.[1] : undefined;
    pl.note(elsewhere
      ? `${lineOf(c)}: the endpoint is read from ${what ? `${what} in ` : ''}${elsewhere.path}:${elsewhere.range.start.line + 1}; set that value to start with callout:<Named Credential> by hand.`
      : `${lineOf(c)}: the endpoint is not built from a literal in this class; change it to start with callout:<Named Credential> by hand.`);
  }
  // Reuse before create: a Named Credential whose URL has the same origin and whose path prefixes every callout.
  let name: string | undefined, basePath = '', reused: NamedCredentialFact | undefined;
  const candidates = ctx.project.namedCredentials.filter(nc => nc.url && [origin, secureOrigin].includes(originOf(nc.url) ?? ''))
    .map(nc => ({ nc, bp: ncBasePath(nc) })).sort((a, b) => b.bp.length - a.bp.length || a.nc.name.localeCompare(b.nc.name));
  for (const { nc, bp } of candidates) {
    if (withLiteral.length && commonBasePath(withLiteral, bp) === '\0') { continue; }
    reused = nc; name = nc.name; basePath = bp;
    break;
  }
  const generate = !reused;
  if (generate) {
    if (api < 56) {
      pl.note(`sourceApiVersion ${api.toFixed(1)} is below 56.0: Named Credentials of type SecuredEndpoint and External Credentials are not available, so nothing was generated for ${origin}. Raise sourceApiVersion to 56.0 or later (59.0+ recommended) and fix again, or create a Named Credential for ${origin} in Setup and call it with callout:<Name>.`);
      return;
    }
    if (!withLiteral.length && callouts.length) { return; }
    basePath = opts.noBasePath ? '' : commonBasePath(withLiteral, undefined, origin);
    const wanted = opts.nameOverride ? toDeveloperName(opts.nameOverride) : undefined;
    if (opts.nameOverride && (!wanted || wanted !== opts.nameOverride || !isValidDeveloperName(opts.nameOverride))) {
      pl.note(`"${opts.nameOverride}" is not a valid developer name (letters, digits, single underscores, starting with a letter, at most 80 characters)${wanted ? `; used ${wanted}` : ''}.`);
    }
    name = uniqueName(wanted ?? nameForOrigin(secureOrigin), n => pl.nameTaken(n));
    if (wanted && name !== wanted) { pl.note(`${wanted} is already used in the project: the new Named Credential is ${name}.`); }
    pl.claim(name);
  }
  const ncName = name!;
  pl.plan.namedCredential ??= ncName;

  // Rewrite every literal the callouts start with (a shared constant once).
  const rewritten: Callout[] = [];
  for (const c of withLiteral) {
    const lit = c.literal!;
    const rest = c.literalRest!.slice(basePath.length);
    const key = `${lit.path}:${lit.start}`;
    const fresh = !pl.rewritten.has(key);
    if (!fresh || pl.edit(lit.path, lit.lines, lit.start, lit.end, `callout:${ncName}${rest}`)) {
      pl.rewritten.add(key);
      rewritten.push(c);
      if (fresh && c.literalFrom) {
        pl.note(`${lit.path}:${lit.lines.positionAt(lit.start).line + 1}: the URL lives in ${c.literalFrom}, which now starts with callout:${ncName}; every other use of ${c.literalFrom} gets that value too.`);
      }
    } else {
      pl.note(`${lineOf(c)}: could not rewrite the endpoint (overlapping change); use callout:${ncName} there by hand.`);
    }
  }
  const queryCredentials = pl.paramFindings.get(origin) ?? [];
  for (const f of queryCredentials) {
    pl.note(`${f.path}:${f.range.start.line + 1}: the URL still passes a credential in the query parameter "${String(f.hints?.param)}": if the API accepts it as a header, add an AuthHeader parameter to the External Credential and remove it from the URL; otherwise keep the value out of the code (protected custom metadata or custom setting).`);
  }

  // What authenticates the request: from the headers the code set and user:password@ in the URL.
  const headers: HeaderUse[] = [];
  const seenHeader = new Set<string>();
  for (const c of rewritten) {
    for (const h of pl.headers(c)) {
      const k = `${h.doc.path}:${h.call.startIndex}`;
      if (!seenHeader.has(k)) { seenHeader.add(k); headers.push(h); }
    }
  }
  // Headers copied from a map in a loop (setHeader(k, m.get(k))): the fix cannot split the map; say so.
  const loopHeaders = new Set<string>();
  for (const c of rewritten) {
    if (!c.method || !c.receiver) { continue; }
    for (const call of headerCalls(c.method, c.receiver)) {
      const [nameArg] = callArgs(call);
      if (!nameArg || resolvePrefix(nameArg, 0, pl.external).complete || ancestor(call, ['enhanced_for_statement']) === undefined) { continue; }
      const k = `${c.doc.path}:${call.startIndex}`;
      if (loopHeaders.has(k)) { continue; }
      loopHeaders.add(k);
      pl.note(`${c.doc.path}:${c.doc.range(call).start.line + 1}: headers are copied from a map in a loop: take the credential entries out of that map and let ${ncName}'s External Credential send them (AuthHeader parameters), by hand.`);
    }
  }
  const docs = [...new Set(rewritten.map(c => c.doc))];
  // The token may come from another class of the same folder: 'Bearer ' + TokenService.getAccessToken().
  for (const h of headers) {
    const v = callArgs(h.call)[1];
    if (!v) { continue; }
    for (const inv of descendants(v, 'method_invocation').concat(v.type === 'method_invocation' ? [v] : [])) {
      const cls = inv.childForFieldName('object')?.text;
      if (!cls || !/^[A-Za-z]\w*$/.test(cls) || cls.toLowerCase() === 'this') { continue; }
      const m = /^(.*[\\/])[^\\/]+$/.exec(h.doc.path);
      const other = m ? pl.doc(`${m[1]}${cls}.cls`) : undefined;
      if (other && !docs.includes(other)) { docs.push(other); }
    }
  }
  const oauth = docs.map(oauthIn).find(o => o && o.tokenOrigin !== origin);
  const bearerDynamic = headers.some(h => h.kind === 'bearer' && !h.literal);
  let protocol: 'Custom' | 'Basic' | 'Oauth' = 'Custom';
  const authHeaders: Array<{ header: string; formula: string; param: string }> = [];
  const removable: HeaderUse[] = [];
  if (generate) {
    if (oauth && oauth.grant === 'client_credentials' && bearerDynamic) {
      protocol = 'Oauth';
      if (oauth.tokenOrigin) { pl.adoptedTokenOrigins.add(oauth.tokenOrigin); }
      removable.push(...headers.filter(h => AUTH_HEADER.test(h.name)));
    } else if (headers.some(h => h.kind === 'basic') || (!headers.length && rewritten.some(c => c.userinfo))) {
      protocol = 'Basic';
      removable.push(...headers.filter(h => h.kind === 'basic'));
      for (const h of headers.filter(x => x.kind !== 'basic')) {
        pl.note(`${h.doc.path}:${h.doc.range(h.call).start.line + 1}: header ${h.name} is kept: the Basic External Credential only produces the Authorization header.`);
      }
    } else {
      const byName = new Map<string, HeaderUse>();
      for (const h of headers) { if (!byName.has(h.name.toLowerCase())) { byName.set(h.name.toLowerCase(), h); } }
      [...byName.values()].forEach((h, i) => {
        const param = i === 0 ? 'ApiKey' : `ApiKey${i + 1}`;
        const ref = `$Credential.${ncName}.${param}`;
        const formula = h.kind === 'bearer' ? `{!'Bearer ' & ${ref}}` : h.kind === 'other' && h.word ? `{!'${h.word} ' & ${ref}}` : `{!${ref}}`;
        authHeaders.push({ header: h.name, formula, param });
      });
      removable.push(...headers);
      if (oauth?.grant === 'password' && bearerDynamic) {
        pl.note(`${oauth.tokenUrl ?? 'The token request'} uses the OAuth password grant, which External Credentials have no documented variant for: ${ncName} uses a Custom header {!'Bearer ' & $Credential.${ncName}.ApiKey} instead. Prefer the client-credentials flow (authenticationProtocol Oauth, variant ClientCredentialsClientSecret) if the API offers it.`);
      }
    }
  } else if (reused) {
    // Existing credential: drop a header only when its External Credential is known to produce it.
    const ec = ctx.project.externalCredentials.find(e => e.name.toLowerCase() === (reused.externalCredential ?? '').toLowerCase());
    const ecText = ec ? ctx.readFile(ec.path) ?? '' : '';
    for (const h of headers) {
      const produced = ec && ((AUTH_HEADER.test(h.name) && /^(basic|oauth|awssv4)$/i.test(ec.protocol ?? ''))
        || new RegExp(`<parameterName>${h.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</parameterName>\\s*<parameterType>AuthHeader<`, 'i').test(ecText)
        || new RegExp(`<parameterName>${h.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}</parameterName>[\\s\\S]{0,200}?AuthHeader`, 'i').test(ecText));
      if (produced) { removable.push(h); }
      else { pl.note(`${h.doc.path}:${h.doc.range(h.call).start.line + 1}: header ${h.name} is kept: check that Named Credential ${ncName} produces it, then remove it from the code.`); }
    }
  }

  // Remove the header statements, then declarations that only held the removed value.
  const removedDocs = new Set<ApexDoc>();
  const candidates2: Array<{ doc: ApexDoc; node: Node }> = [];
  for (const h of removable) {
    if (!h.statement) { pl.note(`${h.doc.path}:${h.doc.range(h.call).start.line + 1}: remove the ${h.name} header by hand (not a statement of its own).`); continue; }
    const [s, e] = statementSpan(h.doc, h.statement);
    if (pl.edit(h.doc.path, h.doc.lines, s, e, '')) {
      removedDocs.add(h.doc);
      const v = callArgs(h.call)[1];
      if (v) { walk(v, n => { if (n.type === 'identifier' || (n.type === 'method_invocation' && localMethod(n))) { candidates2.push({ doc: h.doc, node: n }); } }); }
      // A credential kept in another class or a Custom Label stays there: say where, it must go too.
      if (v) {
        walk(v, n => {
          if (n.type !== 'field_access' || n.childForFieldName('object')?.type === 'this') { return; }
          const r = pl.external(n);
          if (r?.complete && r.firstSpan) {
            pl.note(`${r.firstSpan.path}:${r.firstSpan.lines.positionAt(r.firstSpan.start).line + 1}: ${n.text.replace(/\s+/g, '')} still holds the credential the removed ${h.name} header sent: delete it there once nothing else reads it, and rotate it.`);
          }
          return false;
        });
      }
    }
  }
  const removedDecls = removeUnusedDeclarations(pl, candidates2);

  // Generated metadata.
  if (generate) {
    pl.apiNotes();
    const label = labelFor(ncName);
    const principal = `${ncName}_Principal`.length <= 80 ? `${ncName}_Principal` : 'Principal';
    const ncUrl = secureOrigin + basePath;
    pl.plan.creates.push({ path: pl.ncPath(ncName), content: namedCredentialXml({ label, url: ncUrl, externalCredential: ncName, apiVersion: api }) });
    const params: ParamFields[] = [];
    if (protocol === 'Oauth') {
      params.push({ parameterName: 'Oauth', parameterType: 'AuthProtocolVariant',
        parameterValue: oauth!.basicClientAuth ? 'ClientCredentialsClientSecretBasic' : 'ClientCredentialsClientSecret' });
      if (oauth!.tokenUrl) { params.push({ parameterName: 'TokenEndpoint', parameterType: 'AuthProviderUrl', parameterValue: oauth!.tokenUrl }); }
      else { pl.note(`${ncName}: enter the token endpoint URL on the External Credential (it could not be read from the code).`); }
    }
    params.push({ parameterName: principal, parameterType: 'NamedPrincipal', sequenceNumber: 1 });
    authHeaders.forEach((h, i) => params.push({ parameterName: h.header, parameterType: 'AuthHeader', parameterValue: h.formula, sequenceNumber: i + 1 }));
    pl.plan.creates.push({ path: pl.ecPath(ncName), content: externalCredentialXml({ label, protocol, params }) });
    // Permission set granting the principal (API 59+).
    if (api >= 59) { grantPrincipal(pl, ncName, principal, label); }
    const where = `Setup → Named Credentials → External Credentials → ${ncName} → Principals → ${principal}`;
    if (protocol === 'Oauth') {
      pl.note(`${ncName} (OAuth client credentials): enter the client ID and client secret in ${where}. The token request in the code is no longer needed once the credential works; remove it then.`);
    } else if (protocol === 'Basic') {
      pl.note(`${ncName} (Basic): enter the username and password in ${where}.`);
    } else if (authHeaders.length) {
      pl.note(`${ncName} (Custom header ${authHeaders.map(h => h.header).join(', ')}): in ${where}, add the authentication parameter${authHeaders.length > 1 ? 's' : ''} ${authHeaders.map(h => h.param).join(', ')} holding the secret. No secret is written to any file.`);
    } else if (!rewritten.length) {
      pl.note(`${ncName}: no callout to ${origin} was found in the code, so the External Credential is Custom with only the principal ${principal}; add the authentication the endpoint needs in Setup.`);
    } else if (opts.tokenEndpoint) {
      pl.note(`${ncName}: the callouts to it request OAuth tokens and send the client credentials in the body, which stay in code. Better: give the API that uses the token a Named Credential whose External Credential uses authenticationProtocol Oauth (variant ClientCredentialsClientSecret, token URL ${origin}…), then delete the token request.`);
    } else if (queryCredentials.length) {
      pl.note(`${ncName}: the code authenticates with a query parameter, not a header, so the External Credential is Custom with only the principal ${principal}; see the note on the parameter.`);
    } else if (!loopHeaders.size) {
      pl.note(`${ncName}: no authentication was found in the code, so the External Credential is Custom with only the principal ${principal} (the documented way to call an endpoint without credentials); nothing to enter.`);
    }
    if (secureOrigin !== origin) { pl.note(`${ncName} points to ${secureOrigin} instead of ${origin}: check that the server accepts HTTPS.`); }
    if (headers.some(h => h.literal) || removedDecls > 0 || rewritten.some(c => c.userinfo)) {
      pl.note(`A credential for ${origin} was committed in source: revoke it and issue a new one; removing it from the code does not remove it from version control history.`);
    }
  } else if (reused) {
    pl.note(`Reused the existing Named Credential ${ncName} (${reused.url}) for ${origin}.`);
    if (api < 56) { pl.note(`sourceApiVersion ${api.toFixed(1)}: only existing Named Credentials can be used (SecuredEndpoint needs 56.0).`); }
  }
  removeRemoteSites(pl, origin, secureOrigin, ncName, rewritten.length ? opts.allFindings : undefined, !rewritten.length);
}

/** Removes declarations whose only use was in a removed statement (transitively); keeps anything with side effects. */
function removeUnusedDeclarations(pl: Planner, idents: Array<{ doc: ApexDoc; node: Node }>): number {
  const queue = [...idents];
  let count = 0;
  const done = new Set<string>();
  while (queue.length) {
    const { doc, node } = queue.shift()!;
    if (node.type === 'method_invocation') { count += removeUnusedHelper(pl, doc, node, queue, done); continue; }
    const decl = findDeclaration(node.text, node);
    if (!decl) { continue; }
    const key = `${doc.path}:${decl.startIndex}`;
    if (done.has(key)) { continue; }
    const st = decl.parent;
    const value = decl.childForFieldName('value');
    if (!st || !value || !['local_variable_declaration', 'field_declaration'].includes(st.type)
      || st.childrenForFieldName('declarator').length !== 1 || !isPureValue(value)) { continue; }
    const removed = pl.removed(doc.path);
    const inRemoved = (n: Node) => removed.some(([s, e]) => n.startIndex >= s && n.endIndex <= e);
    const nameNode = decl.childForFieldName('name');
    const lower = node.text.toLowerCase();
    const stillUsed = doc.identifiersNamed(lower).some(i => i.startIndex !== nameNode?.startIndex
      && !inRemoved(i) && findDeclaration(i.text, i)?.startIndex === decl.startIndex);
    if (stillUsed) { continue; }
    const [s, e] = statementSpan(doc, st);
    done.add(key);
    if (pl.edit(doc.path, doc.lines, s, e, '')) {
      count++;
      walk(value, n => { if (n.type === 'identifier') { queue.push({ doc, node: n }); } });
    }
  }
  return count;
}

/** A private helper such as `authorization()` returning only data, called nowhere else any more: removed with its comment. */
function removeUnusedHelper(pl: Planner, doc: ApexDoc, call: Node, queue: Array<{ doc: ApexDoc; node: Node }>, done: Set<string>): number {
  const m = localMethod(call);
  const ret = m && singleReturn(m);
  if (!m || !ret || !isPureValue(ret) || !/\bprivate\b/i.test(m.namedChildren.find(c => c?.type === 'modifiers')?.text ?? '')) { return 0; }
  const key = `${doc.path}:${m.startIndex}`;
  if (done.has(key)) { return 0; }
  const removed = pl.removed(doc.path);
  const lower = m.childForFieldName('name')?.text.toLowerCase();
  const used = doc.invocations().some(n => n.childForFieldName('name')?.text.toLowerCase() === lower
    && !removed.some(([s, e]) => n.startIndex >= s && n.endIndex <= e));
  if (used) { return 0; }
  done.add(key);
  let start: Node = m;
  const prev = m.previousNamedSibling;
  if (prev && prev.type.endsWith('comment') && prev.endPosition.row === m.startPosition.row - 1) { start = prev; }
  const [s] = statementSpan(doc, start);
  let [, e] = statementSpan(doc, m);
  const blankAfter = /^[ \t]*\r?\n/.exec(doc.text.slice(e));
  if (blankAfter && /\n[ \t]*\r?\n$/.test(doc.text.slice(0, s))) { e += blankAfter[0].length; }
  if (!pl.edit(doc.path, doc.lines, s, e, '')) { return 0; }
  walk(ret, n => { if (n.type === 'identifier') { queue.push({ doc, node: n }); } });
  return 1;
}

function grantPrincipal(pl: Planner, ec: string, principal: string, label: string): void {
  const ctx = pl.ctx;
  if (ctx.permissionSet) {
    const p = pl.psPath(ctx.permissionSet);
    const text = ctx.readFile(p);
    if (text !== undefined) {
      if (text.includes(`<externalCredentialPrincipal>${escapeXml(`${ec}-${principal}`)}</externalCredentialPrincipal>`)) { return; }
      const lines = new LineIndex(text);
      // Insert before the first top-level element that sorts after externalCredentialPrincipalAccesses.
      const re = /^([ \t]+)<([A-Za-z]+)[\s>/]/gm;
      let m: RegExpExecArray | null, indent: string | undefined, at = -1;
      while ((m = re.exec(text))) {
        indent ??= m[1];
        if (m[1] !== indent) { continue; }
        if (m[2] > 'externalCredentialPrincipalAccesses') { at = m.index; break; }
      }
      if (at < 0) { at = text.lastIndexOf('</PermissionSet>'); }
      if (at >= 0) {
        pl.edit(p, lines, at, at, principalAccessXml(ec, principal, indent ?? '    '));
        pl.note(`Permission set ${ctx.permissionSet} now grants ${ec}-${principal}; assign it to the users who run the callout.`);
        return;
      }
    }
    pl.note(`Permission set ${ctx.permissionSet} was not found at ${p}: created ${psName(ec)} instead.`);
  }
  const ps = psName(ec);
  pl.plan.creates.push({ path: pl.psPath(ps), content: permissionSetXml(`${label} Callout`.slice(0, 80), ec, principal,
    `Lets users call ${label} through the Named Credential ${ec}.`) });
  pl.note(`Assign the permission set ${ps} to the users (or integration user) who run the callout.`);
}

/** Deletes the Remote Site Settings of an origin when every known callout to it now goes through the Named Credential. */
function removeRemoteSites(pl: Planner, origin: string, secureOrigin: string, nc: string, all: Finding[] | undefined, noCallouts = false): void {
  const sites = pl.ctx.project.remoteSites.filter(r => r.url && [origin, secureOrigin].includes(originOf(r.url) ?? ''));
  if (!sites.length) { return; }
  let needed = all === undefined;
  for (const f of all ?? []) {
    if (f.ruleId !== CALLOUT_RULE && f.ruleId !== CREDENTIAL_URL_RULE) { continue; }
    const c = pl.callout(f);
    const o = c ? pl.originOfCallout(c) : (typeof f.hints?.origin === 'string' ? originOf(f.hints.origin) : undefined);
    if (o !== origin && o !== secureOrigin) { continue; }
    if (!c?.literal || !pl.rewritten.has(`${c.literal.path}:${c.literal.start}`)) { needed = true; }
  }
  for (const r of sites) {
    if (needed) {
      const why = noCallouts ? 'no callout to it was found in this project (it may serve a managed package, JavaScript or Visualforce)'
        : all === undefined ? 'other code may still call it directly' : 'some callouts to it still use the URL directly';
      pl.note(`Remote Site Setting ${r.name} (${r.url}) is kept: ${why}. Delete it once every callout uses callout:${nc}.`);
    } else {
      pl.plan.deletes.push({ path: r.path, reason: `Remote Site Setting ${r.name} (${r.url}) is no longer needed: every callout to ${origin} now goes through the Named Credential ${nc}, which does not need a Remote Site Setting. Delete it from the org too (a deploy does not remove it).` });
    }
  }
}

// ---- public entry points ---------------------------------------------------------------------------

function collectCallouts(pl: Planner, findings: Finding[], notes = true): Map<string, Callout[]> {
  const groups = new Map<string, Callout[]>();
  const seen = new Set<string>();
  const order = [...findings].sort((a, b) => rank(a.ruleId) - rank(b.ruleId));
  for (const f of order) {
    if (f.ruleId !== CALLOUT_RULE && f.ruleId !== CREDENTIAL_URL_RULE && !HEADER_RULES.includes(f.ruleId)) { continue; }
    let c: Callout | undefined;
    try { c = pl.callout(f); } catch { c = undefined; }
    const where = `${f.path}:${f.range.start.line + 1}`;
    if (f.ruleId === CREDENTIAL_URL_RULE && typeof f.hints?.param === 'string') {
      const o = typeof f.hints.origin === 'string' ? originOf(f.hints.origin) : undefined;
      if (o) { const l = pl.paramFindings.get(o) ?? []; l.push(f); pl.paramFindings.set(o, l); }
      if (!c?.literal) { continue; }
    }
    if (!c || (HEADER_RULES.includes(f.ruleId) && !c.literal)) {
      if (HEADER_RULES.includes(f.ruleId) && notes) {
        pl.note(`${where}: the ${String(f.hints?.header ?? 'authorization')} header is kept: the request's endpoint is not a literal URL in this method, so no Named Credential could be chosen. Create one for that endpoint, use callout:<Name>, then remove the header.`);
      }
      continue;
    }
    // One entry per call site; a literal reported without its call (credential-in-url on a constant) joins its call sites.
    const lit = c.literal ? `${c.literal.path}:L${c.literal.start}` : undefined;
    const key = `${lit ?? c.doc.path}:C${c.call?.startIndex ?? `f${f.range.start.line}`}`;
    if (seen.has(key) || (lit && !c.call && seen.has(lit)) || (c.literal && c.literal.raw.startsWith('callout:'))) { continue; }
    seen.add(key);
    if (lit) { seen.add(lit); }
    const o = pl.originOfCallout(c);
    if (!o) { continue; }
    if (pathSecret(o, c.resolvedRest ?? c.literalRest)) {
      // callout:<Name>/services/T…/B…/<token> would keep the secret in code and hide it from the secret
      // rules; a Named Credential URL would put it into metadata. Not fixable here: left, and still reported.
      pl.pathSecretOrigins.add(o);
      pl.note(`${lineOf(c)}: not migrated: the URL ${maskUrlParts(o + (c.resolvedRest ?? c.literalRest ?? ''))} carries a secret in its path (a webhook or bot token), which neither callout: nor a Named Credential URL can hide. Rotate the token, then keep the whole URL out of the code (e.g. a protected custom setting or custom metadata field filled in each org, or the service's OAuth app instead of a webhook).`);
      continue;
    }
    let g = groups.get(o);
    if (!g) { groups.set(o, g = []); }
    g.push(c);
  }
  return groups;
}
/** Whether the path of a callout URL holds a secret (a Slack webhook token, a Telegram bot token, an opaque token segment). */
function pathSecret(origin: string, rest: string | undefined): boolean {
  const p = (rest ?? '').split(/[?#]/)[0];
  return !!p && (hasKnownPathSecret(p) || matchSecrets(origin + p).length > 0);
}
function rank(id: string): number { return id === CALLOUT_RULE ? 0 : id === CREDENTIAL_URL_RULE ? 1 : 2; }

/** Origins whose every callout is an OAuth token request (its method posts grant_type=…). */
function tokenOrigins(groups: Map<string, Callout[]>): Set<string> {
  const out = new Set<string>();
  for (const [origin, cs] of groups) {
    if (cs.length && cs.every(c => c.method && /grant_type/i.test(c.method.text))) { out.add(origin); }
  }
  return out;
}

/**
 * Every fixable finding of the workspace in one plan: one Named Credential per origin, the callouts
 * rewritten, headers and secrets removed, Remote Sites deleted when unused, http→https and legacy
 * migrations. `ctx.findings` (all workspace findings) defaults to `findings`.
 */
export function planMigration(allSelected: Finding[], ctx: FixContext): FixPlan {
  const findings = allSelected.filter(f => !f.suppressed);
  const pl = new Planner(ctx, 'Migrate callouts to Named Credentials');
  try {
    const groups = collectCallouts(pl, findings);
    for (const f of findings.filter(x => x.ruleId === REMOTE_SITE_RULE)) {
      const o = typeof f.hints?.origin === 'string' ? originOf(f.hints.origin) : undefined;
      if (o && !groups.has(o)) {
        // Callouts to that origin the selected findings did not include.
        const more = collectCallouts(pl, (ctx.findings ?? []).filter(x => x.ruleId === CALLOUT_RULE), false);
        groups.set(o, more.get(o) ?? []);
      }
    }
    const tokens = tokenOrigins(groups);
    const multi = groups.size > 1;
    if (ctx.nameOverride && multi) { pl.note(`--name ${ctx.nameOverride} was ignored: the plan covers several origins (one Named Credential each).`); }
    const all = ctx.findings ?? findings;
    // API origins first: an Oauth External Credential takes over its token requests, which are then left alone.
    const ordered = [...groups].sort((a, b) => Number(tokens.has(a[0])) - Number(tokens.has(b[0])) || a[0].localeCompare(b[0]));
    for (const [origin, cs] of ordered) {
      if (!cs.length && pl.pathSecretOrigins.has(origin)) { continue; }   // every callout left alone (see the note)
      if (pl.adoptedTokenOrigins.has(origin)) {
        pl.note(`Callouts to ${origin} request OAuth tokens: left as they are, because the External Credential of the API now obtains the token. Remove them once the new credential works.`);
        continue;
      }
      try {
        planOrigin(pl, origin, cs, { nameOverride: multi ? undefined : ctx.nameOverride, allFindings: all, tokenEndpoint: tokens.has(origin) });
      } catch (e) {
        pl.note(`Callouts to ${origin} were not migrated: ${(e as Error).message}.`);
      }
    }
    for (const f of findings.filter(x => x.ruleId === INSECURE_RULE)) { const p = planInsecureEndpointFix(f, ctx); if (p) { mergeInto(pl, p); } }
    for (const f of findings.filter(x => x.ruleId === LEGACY_RULE)) { const p = planLegacyMigration(f, ctx); if (p) { mergeInto(pl, p); } }
    const n = pl.plan.creates.filter(c => c.path.endsWith('.namedCredential-meta.xml')).length;
    pl.plan.title = `Migrate callouts to Named Credentials (${groups.size} origin${groups.size === 1 ? '' : 's'}, ${n} new Named Credential${n === 1 ? '' : 's'})`;
    return pl.plan;
  } finally { pl.dispose(); }
}

function mergeInto(pl: Planner, p: FixPlan): void {
  let accepted = 0;
  for (const e of p.edits) {
    const text = pl.ctx.readFile(e.path);
    if (text === undefined) { continue; }
    const lines = new LineIndex(text);
    if (pl.edit(e.path, lines, lines.offsetAt(e.range.start), lines.offsetAt(e.range.end), e.newText)) { accepted++; }
  }
  if (p.edits.length && !accepted && !p.creates.length) { return; } // already covered by the callout rewrite
  for (const c of p.creates) { if (!pl.plan.creates.some(x => x.path === c.path)) { pl.plan.creates.push(c); } }
  for (const d of p.deletes) { if (!pl.plan.deletes.some(x => x.path === d.path)) { pl.plan.deletes.push(d); } }
  for (const n of p.notes) { pl.note(n); }
  pl.plan.namedCredential ??= p.namedCredential;
}

/** The fix for one finding (quick fix). Undefined when the finding has nothing this module can fix. */
export function planFix(finding: Finding, ctx: FixContext): FixPlan | undefined {
  if (finding.ruleId === INSECURE_RULE) { return planInsecureEndpointFix(finding, ctx); }
  if (finding.ruleId === LEGACY_RULE) { return planLegacyMigration(finding, ctx); }
  if (![CALLOUT_RULE, CREDENTIAL_URL_RULE, REMOTE_SITE_RULE, ...HEADER_RULES].includes(finding.ruleId)) { return undefined; }
  const pl = new Planner(ctx, '');
  try {
    let origin: string | undefined, callouts: Callout[] = [];
    if (finding.ruleId === REMOTE_SITE_RULE) {
      origin = typeof finding.hints?.origin === 'string' ? originOf(finding.hints.origin) : undefined;
      if (!origin) { return undefined; }
      callouts = collectCallouts(pl, (ctx.findings ?? []).filter(x => x.ruleId === CALLOUT_RULE), false).get(origin) ?? [];
      if (!callouts.length && pl.pathSecretOrigins.has(origin)) { return undefined; }
    } else {
      const c = pl.callout(finding);
      origin = c && pl.originOfCallout(c);
      if (!c || !origin || (c.literal && c.literal.raw.startsWith('callout:'))) { return undefined; }
      if (pathSecret(origin, c.resolvedRest ?? c.literalRest)) { return undefined; }
      callouts = [c];
      // Other callouts to the same origin through the same literal (a shared constant) keep working: the
      // base path is only used when every known callout to the origin shares it.
      const others = collectCallouts(pl, (ctx.findings ?? []).filter(x => x.ruleId === CALLOUT_RULE), false).get(origin) ?? [];
      for (const o of others) { if (o.call?.startIndex !== c.call?.startIndex || o.doc.path !== c.doc.path) { callouts.push(o); } }
      if (!ctx.findings) { callouts = [c]; }
    }
    // Without the workspace's other callouts, a base path could break calls this fix does not see.
    planOrigin(pl, origin, callouts, { nameOverride: ctx.nameOverride, allFindings: ctx.findings, noBasePath: !ctx.findings });
    // A quick fix that would change nothing (dynamic endpoint, API below 56.0) is not offered.
    if (isEmptyPlan(pl.plan)) { return undefined; }
    pl.plan.title = pl.plan.namedCredential ? `Use Named Credential ${pl.plan.namedCredential} for ${origin}` : `Named Credential for ${origin}`;
    return pl.plan;
  } finally { pl.dispose(); }
}

/** `http://` → `https://` in the literal or `<url>` value the finding points at (and the Remote Site of that origin). */
export function planInsecureEndpointFix(finding: Finding, ctx: FixContext): FixPlan | undefined {
  const text = ctx.readFile(finding.path);
  if (text === undefined) { return undefined; }
  const lines = new LineIndex(text);
  const s = lines.offsetAt(finding.range.start), e = lines.offsetAt(finding.range.end);
  const i = text.slice(s, e).search(/http:\/\//i);
  if (i < 0) { return undefined; }
  const plan = emptyPlan('Use https://');
  plan.edits.push({ path: finding.path, range: lines.rangeOf(s + i, s + i + 7), newText: 'https://' });
  const url = text.slice(s + i, e).replace(/['"<].*$/s, '');
  const origin = originOf(url);
  plan.notes.push(`Check that ${origin ?? 'the server'} accepts HTTPS before deploying.`);
  for (const r of ctx.project.remoteSites) {
    if (!origin || r.path === finding.path || !r.url || originOf(r.url) !== origin) { continue; }
    const rt = ctx.readFile(r.path);
    const m = rt ? /<url>\s*(http):\/\//i.exec(rt) : null;
    if (rt && m) {
      const li = new LineIndex(rt);
      const at = m.index + m[0].indexOf(m[1]);
      plan.edits.push({ path: r.path, range: li.rangeOf(at, at + 4), newText: 'https' });
      plan.notes.push(`Remote Site Setting ${r.name} switched to https too.`);
    }
  }
  return plan;
}

function xmlField(text: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(text);
  return m ? m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&').trim() : undefined;
}

/**
 * A legacy Named Credential → SecuredEndpoint + External Credential (+ permission set), keeping the
 * Named Credential's name so `callout:<Name>` references stay valid. No secret is carried over.
 */
export function planLegacyMigration(finding: Finding, ctx: FixContext): FixPlan | undefined {
  const hinted = typeof finding.hints?.name === 'string' ? finding.hints.name : undefined;
  const fact = ctx.project.namedCredentials.find(n => (hinted && n.name === hinted) || n.path === finding.path);
  const path = fact?.path ?? finding.path;
  const text = ctx.readFile(path);
  if (text === undefined || !/<NamedCredential[\s>]/.test(text)) { return undefined; }
  const ncName = fact?.name ?? hinted ?? /([^/\\]+)\.namedCredential-meta\.xml$/.exec(path)?.[1];
  if (!ncName) { return undefined; }
  const type = xmlField(text, 'namedCredentialType');
  if (type && type !== 'Legacy') { return undefined; }
  const pl = new Planner(ctx, `Migrate legacy Named Credential ${ncName} to an External Credential`);
  pl.plan.namedCredential = ncName;
  const api = pl.api.v;
  if (api < 56) {
    pl.note(`sourceApiVersion ${api.toFixed(1)} is below 56.0: External Credentials are not available; raise it to migrate ${ncName}.`);
    return pl.plan;
  }
  const endpoint = xmlField(text, 'endpoint');
  const protocol = xmlField(text, 'protocol') ?? 'NoAuthentication';
  const principalType = xmlField(text, 'principalType') ?? 'Anonymous';
  const label = xmlField(text, 'label') ?? labelFor(ncName);
  if (!endpoint) { pl.note(`${ncName} has no endpoint: set its URL in Setup, then migrate.`); return pl.plan; }
  const ecName = uniqueName(ncName, n => ctx.project.externalCredentials.some(e => e.name.toLowerCase() === n.toLowerCase()) || ctx.exists(pl.ecPath(n)));
  const perUser = principalType === 'PerUser';
  const principal = `${ecName}_Principal`.length <= 80 ? `${ecName}_Principal` : 'Principal';
  const params: ParamFields[] = [];
  let ecProtocol: string;
  const where = `Setup → Named Credentials → External Credentials → ${ecName} → Principals → ${principal}`;
  switch (protocol) {
    case 'NoAuthentication': ecProtocol = 'Custom'; pl.note(`${ncName} had no authentication: ${ecName} is Custom with only a principal; nothing to enter.`); break;
    case 'Password': ecProtocol = 'Basic'; pl.note(`Re-enter the username and password of ${ncName} in ${where}: legacy passwords are not carried over.`); break;
    case 'Oauth': {
      ecProtocol = 'Oauth';
      const ap = xmlField(text, 'authProvider');
      if (ap) { params.push({ authProvider: ap, parameterName: 'AuthProvider', parameterType: 'AuthProvider' }); }
      const scope = xmlField(text, 'oauthScope');
      if (scope) { params.push({ parameterName: 'Scope', parameterType: 'AuthParameter', parameterValue: scope }); }
      pl.note(`Authenticate ${principal} again in ${where} (OAuth browser flow${ap ? ` through ${ap}` : ''}): tokens are not carried over.`);
      break;
    }
    case 'AwsSv4': {
      ecProtocol = 'AwsSv4';
      const region = xmlField(text, 'awsRegion'), service = xmlField(text, 'awsService');
      if (region) { params.push({ parameterName: 'AwsRegion', parameterType: 'AuthParameter', parameterValue: region }); }
      if (service) { params.push({ parameterName: 'AwsService', parameterType: 'AuthParameter', parameterValue: service }); }
      pl.note(`Enter the AWS access key and secret of ${ncName} in ${where}.`);
      break;
    }
    default:
      pl.note(`${ncName} uses protocol ${protocol}, which has no documented External Credential equivalent here: migrate it in Setup.`);
      return pl.plan;
  }
  params.push({ parameterName: principal, parameterType: perUser ? 'PerUserPrincipal' : 'NamedPrincipal', sequenceNumber: perUser ? undefined : 1 });
  const lines = new LineIndex(text);
  const merge = (f: string) => xmlField(text, f) === 'true';
  pl.edit(path, lines, 0, text.length, namedCredentialXml({ label, url: endpoint, externalCredential: ecName, apiVersion: api,
    allowMergeFieldsInBody: merge('allowMergeFieldsInBody'), allowMergeFieldsInHeader: merge('allowMergeFieldsInHeader'),
    generateAuthorizationHeader: xmlField(text, 'generateAuthorizationHeader') !== 'false', certificate: xmlField(text, 'certificate') }));
  pl.plan.creates.push({ path: pl.ecPath(ecName), content: externalCredentialXml({ label, protocol: ecProtocol, params }) });
  if (merge('allowMergeFieldsInBody') || merge('allowMergeFieldsInHeader')) {
    pl.note(`${ncName} allows merge fields: legacy ones such as {!$Credential.Password} must become {!$Credential.${ecName}.<Parameter>} in the Apex that uses them.`);
  }
  pl.apiNotes();
  if (api >= 59) { grantPrincipal(pl, ecName, principal, labelFor(ncName)); }
  pl.note(`The name ${ncName} is kept: callout:${ncName} references keep working. Deploy the External Credential and the Named Credential together.`);
  return pl.plan;
}

