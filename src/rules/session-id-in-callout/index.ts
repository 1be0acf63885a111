import type { Node } from 'web-tree-sitter';
import type { ApexFile, Assign, MethodCall, MethodDecl } from '../../core/apex/model';
import { defineRule } from '../../core/rule';
import type { Range, RelatedInformation } from '../../core/types';

/** HttpRequest setters that put a value on the wire, and the argument that carries it. */
const SINKS: Record<string, { arg: number; where: (call: MethodCall, apex: ApexFile) => string }> = {
  setheader: { arg: 1, where: (c, apex) => `'${headerName(c, apex)}' header` },
  setbody: { arg: 0, where: () => 'body' },
  setbodyasblob: { arg: 0, where: () => 'body' },
  setendpoint: { arg: 0, where: () => 'endpoint' },
};

/**
 * `UserInfo.getSessionId()`, or a variable, constant-built string or map holding it, sent in an
 * HttpRequest header, body or endpoint, in a WSDL2Apex stub's `inputHttpHeaders_x`, or assigned to
 * a SOAP stub's `SessionHeader.sessionId`.
 */
export default defineRule({
  meta: {
    id: 'session-id-in-callout',
    type: 'problem',
    defaultSeverity: 'warning',
    description: 'The running user\'s session id (UserInfo.getSessionId()) sent in a callout header, body or endpoint',
    kinds: ['apex'],
    messages: {
      sessionInCallout: 'The user\'s session id is sent in the callout {{where}}: call the API through a Named Credential with OAuth instead of passing UserInfo.getSessionId().',
      sessionInSoapHeader: 'The user\'s session id is put in a SOAP stub\'s SessionHeader: call the API through a Named Credential with OAuth instead of passing UserInfo.getSessionId().',
    },
  },
  check(ctx) {
    const apex = ctx.file.apex();
    if (!apex) { return; }
    const path = ctx.file.path;
    for (const call of apex.calls) {
      let sink = SINKS[call.nameLower];
      let where = '';
      if (sink) {
        where = sink.where(call, apex);
      } else if (call.nameLower === 'put' && /(^|\.)inputhttpheaders_x$/i.test(call.receiverText ?? '')) {
        sink = SINKS.setheader;
        where = `'${headerName(call, apex)}' header`;
      } else { continue; }
      const arg = call.args[sink.arg];
      if (!arg) { continue; }
      const hit = sessionIdIn(apex, arg, call);
      if (hit) {
        ctx.report({ messageId: 'sessionInCallout', data: { where }, range: hit.range, related: related(path, hit.via, hit.range) });
      }
    }
    for (const a of apex.assignments) {
      const left = a.node.childForFieldName('left');
      if (!left || left.type !== 'field_access' || left.childForFieldName('field')?.text.toLowerCase() !== 'sessionid') { continue; }
      const obj = left.childForFieldName('object');
      if (!obj || !isSessionHeader(apex, obj)) { continue; }
      const via = sessionVia(apex, a.value);
      if (via) {
        const range = apex.nodeRange(a.value);
        ctx.report({ messageId: 'sessionInSoapHeader', range, related: related(path, via, range) });
      }
    }
  },
});

function headerName(call: MethodCall, apex: ApexFile): string {
  const h = call.args[0] ? apex.resolve(call.args[0]) : undefined;
  return h?.isLiteral ? h.text.replace(/[^\w-]/g, '').slice(0, 40) : 'a';
}

function related(path: string, via: Range[], at: Range): RelatedInformation[] | undefined {
  const out = via.filter(r => !rangeEq(r, at)).map(range => ({ path, range, message: 'The session id is taken here.' }));
  return out.length ? out : undefined;
}

function rangeEq(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** `stub.SessionHeader.sessionId`, `header.sessionId` where header is a `…SessionHeader_element`. */
function isSessionHeader(apex: ApexFile, obj: Node): boolean {
  if (/header/i.test(obj.text)) { return true; }
  if (obj.type !== 'identifier') { return false; }
  const name = obj.text.toLowerCase();
  return apex.variables.some(v => v.nameLower === name && /header/i.test(v.typeText));
}

interface Hit { range: Range; via: Range[] }

/**
 * Whether a value sent by `call` holds the session id: through resolve() (literals, concatenation,
 * variables), else by looking inside serialisers and maps (`JSON.serialize(body)` where
 * `body.put('sid', UserInfo.getSessionId())` earlier in the same method).
 */
function sessionIdIn(apex: ApexFile, arg: Node, call: MethodCall): Hit | undefined {
  const direct = sessionVia(apex, arg);
  if (direct) { return { range: apex.nodeRange(arg), via: direct }; }
  // A SOAP envelope built with Dom.Document / XmlStreamWriter in the same method: addTextNode(UserInfo.getSessionId()).
  if (/\.(toxmlstring|getxmlstring)\(\s*\)/i.test(arg.text)) {
    for (const c of apex.callsNamed('addtextnode', 'writecharacters')) {
      if (c.args.length !== 1 || (call.enclosingMethod && c.enclosingMethod?.id !== call.enclosingMethod.id)) { continue; }
      if (sessionVia(apex, c.args[0])) { return { range: apex.nodeRange(arg), via: [c.range] }; }
    }
  }
  // Inside the expression: JSON.serialize(new Map<String, Object>{ 'sid' => UserInfo.getSessionId() }), maps built with put().
  const stack: Node[] = [arg];
  let seen = 0;
  while (stack.length && seen++ < 200) {
    const n = stack.pop()!;
    if (n.type === 'method_invocation' && isGetSessionId(n)) { return { range: apex.nodeRange(arg), via: [apex.nodeRange(n)] }; }
    if (n.type === 'identifier' && isValueIdentifier(n)) {
      const put = mapHoldingSession(apex, n, call);
      if (put) { return { range: apex.nodeRange(arg), via: [put] }; }
    }
    for (const c of n.namedChildren) { if (c) { stack.push(c); } }
  }
  return undefined;
}

function isGetSessionId(n: Node): boolean {
  const obj = n.childForFieldName('object')?.text.replace(/\s+/g, '').toLowerCase();
  return n.childForFieldName('name')?.text.toLowerCase() === 'getsessionid' && (obj === 'userinfo' || obj === 'system.userinfo');
}

/** An identifier used as a value or a receiver, not a method or field name. */
function isValueIdentifier(n: Node): boolean {
  const p = n.parent;
  if (!p) { return false; }
  if (p.type === 'method_invocation') { return p.childForFieldName('object')?.id === n.id; }
  if (p.type === 'field_access') { return p.childForFieldName('object')?.id === n.id; }
  return true;
}

/** `m.put(k, <session id>)` in the same method as the callout, for a variable `m` used in it: where the value is. */
function mapHoldingSession(apex: ApexFile, id: Node, call: MethodCall): Range | undefined {
  const name = id.text.toLowerCase();
  // The method's own calls (an index), not every call of the file for each identifier.
  const candidates = call.enclosingMethod ? apex.callsInMethod(call.enclosingMethod) : apex.callsNamed('put');
  for (const put of candidates) {
    if (put.nameLower !== 'put' || put.args.length < 2 || put.receiverText?.toLowerCase() !== name) { continue; }
    if (sessionVia(apex, put.args[1])) { return apex.nodeRange(put.args[1]); }
  }
  return undefined;
}

/**
 * Where a value gets the session id from, if it holds it: through resolve() (variables, fields,
 * concatenations, same-class helpers), or one hop back from a parameter to the calls in this file
 * that pass `UserInfo.getSessionId()` for it (`createService(UserInfo.getSessionId())`).
 */
function sessionVia(apex: ApexFile, expr: Node): Range[] | undefined {
  const r = apex.resolve(expr);
  if (r.parts.some(p => p.kind === 'dynamic' && p.sessionId)) { return r.via; }
  const branch = sessionOnSomePath(apex, expr);
  if (branch) { return [branch]; }
  for (const p of r.parts) {
    if (p.kind !== 'dynamic') { continue; }
    const at = apex.tree.rootNode.descendantForIndex(apex.lines.offsetAt(p.range.start), apex.lines.offsetAt(p.range.end));
    if (at?.type !== 'identifier') { continue; }
    const d = apex.declarationOf(at);
    const owner = d?.kind === 'param' ? d.enclosingMethod : undefined;
    const m = owner ? methodByNode(apex, owner) : undefined;
    const idx = m && d ? m.params.indexOf(d) : -1;
    if (!m || idx < 0) { continue; }
    for (const c of apex.callsNamed(m.nameLower)) {
      const a = c.args[idx];
      if (c.args.length !== m.params.length || !a) { continue; }
      if (apex.resolve(a).parts.some(q => q.kind === 'dynamic' && q.sessionId)) { return [...r.via, apex.nodeRange(a)]; }
    }
  }
  return undefined;
}

const BRANCHES = new Set(['if_statement', 'ternary_expression', 'for_statement', 'enhanced_for_statement', 'while_statement',
  'do_statement', 'catch_clause', 'switch_expression', 'switch_block', 'try_statement']);

/**
 * resolve() follows the last assignment before a use; a session id set first and replaced only in a
 * branch (`sid = UserInfo.getSessionId(); if (nc) { sid = '{!$Credential.OAuthToken}'; }`) is still
 * sent on the other path. Returns where the session id is set, for a local read directly in `expr`.
 */
function sessionOnSomePath(apex: ApexFile, expr: Node): Range | undefined {
  const ids: Node[] = [];
  const stack: Node[] = [expr];
  while (stack.length && ids.length < 20) {
    const n = stack.pop()!;
    if (n.type === 'identifier') { ids.push(n); continue; }
    if (n.type === 'binary_expression' || n.type === 'parenthesized_expression' || n.type === 'cast_expression') {
      for (const c of n.namedChildren) { if (c) { stack.push(c); } }
    }
  }
  for (const id of ids) {
    const d = apex.declarationOf(id);
    if (!d || d.kind !== 'local') { continue; }
    const defs: Array<{ value: Node; at: Node }> = [];
    if (d.init) { defs.push({ value: d.init, at: d.node }); }
    for (const a of assignmentsNamed(apex, d.nameLower)) {
      if (a.isSimple && a.op === '=' && a.start < id.startIndex && apex.declarationOf(a.node.childForFieldName('left')!) === d) {
        defs.push({ value: a.value, at: a.node });
      }
    }
    const i = defs.findIndex(x => apex.resolve(x.value).parts.some(p => p.kind === 'dynamic' && p.sessionId));
    if (i < 0) { continue; }
    const later = defs.slice(i + 1);
    if (later.length > 0 && later.every(x => isConditional(x.at, id))) { return apex.nodeRange(defs[i].value); }
  }
  return undefined;
}

const methodsById = new WeakMap<ApexFile, Map<number, MethodDecl>>();

/** The method declared by `node` (the first with that node, as `methods.find` gives), indexed once per file. */
function methodByNode(apex: ApexFile, node: Node): MethodDecl | undefined {
  let m = methodsById.get(apex);
  if (!m) {
    m = new Map();
    for (const x of apex.methods) { if (!m.has(x.node.id)) { m.set(x.node.id, x); } }
    methodsById.set(apex, m);
  }
  return m.get(node.id);
}

const assignsByName = new WeakMap<ApexFile, Map<string, Assign[]>>();

/** The file's assignments to `nameLower`, in document order (indexed once per file). */
function assignmentsNamed(apex: ApexFile, nameLower: string): Assign[] {
  let m = assignsByName.get(apex);
  if (!m) {
    m = new Map();
    for (const a of apex.assignments) {
      const l = m.get(a.nameLower);
      if (l) { l.push(a); } else { m.set(a.nameLower, [a]); }
    }
    assignsByName.set(apex, m);
  }
  return m.get(nameLower) ?? [];
}

/** Whether `def` sits in a branch or loop that does not also contain `use`. */
function isConditional(def: Node, use: Node): boolean {
  for (let p = def.parent, i = 0; p && i < 40; p = p.parent, i++) {
    if (p.startIndex <= use.startIndex && use.startIndex < p.endIndex) { return false; }
    if (BRANCHES.has(p.type)) { return true; }
  }
  return false;
}
