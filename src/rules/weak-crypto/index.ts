import type { Node } from 'web-tree-sitter';
import type { ApexFile, MethodCall, Resolved } from '../../core/apex/model';
import { rangeContains, rangeKey } from '../../core/position';
import { defineRule, type ValueOrigin } from '../../core/rule';
import type { Range, RelatedInformation } from '../../core/types';

/** `Crypto` methods whose first argument names a hash, MAC or signature algorithm. */
const ALGORITHM_CALLS: Record<string, RegExp> = {
  generatedigest: /^(md5|sha-?1)$/i,
  generatemac: /^(hmac)?(md5|sha-?1)$/i,
  sign: /^rsa(-sha-?1)?$/i,
  signwithcertificate: /^rsa(-sha-?1)?$/i,
  verify: /^rsa(-sha-?1)?$/i,
};
/** `Crypto` methods taking (algorithm, key, iv, data) or (algorithm, key, data). */
const CIPHER_CALLS: Record<string, { key: number; iv?: number }> = {
  encrypt: { key: 1, iv: 2 },
  decrypt: { key: 1, iv: 2 },
  encryptwithmanagediv: { key: 1 },
  decryptwithmanagediv: { key: 1 },
};
/** `Crypto` MAC and signing methods and the position of their secret key (`verify` takes a public key). */
const SECRET_KEY_ARG: Record<string, number> = {
  generatemac: 2,
  verifyhmac: 2,
  sign: 2,
};
/** Blob factories that turn a string into a Blob: a literal argument makes a constant key. */
const BLOB_FROM_STRING = new Set(['blob.valueof', 'encodingutil.base64decode', 'encodingutil.convertfromhex']);

/**
 * `Crypto.generateDigest`/`generateMac` (and `sign`) with MD5 or SHA-1, `Crypto.encrypt`/`decrypt`
 * (and the managed-IV variants) whose key or IV is a literal, and `generateMac`/`verifyHMac`/`sign`
 * whose secret key is a literal, directly or through a constant.
 */
export default defineRule({
  meta: {
    id: 'weak-crypto',
    type: 'problem',
    defaultSeverity: 'warning',
    description: 'Crypto call with a broken algorithm (MD5, SHA-1) or a key or IV written in the code',
    kinds: ['apex'],
    relatedAs: 'The value is used as a crypto key here',
    messages: {
      weakDigest: 'Crypto.{{method}} uses {{algorithm}}, which is broken for security use: use SHA-256 or SHA-512 instead.',
      weakMac: 'Crypto.{{method}} uses {{algorithm}}, which is deprecated: use hmacSHA256 or hmacSHA512 unless the remote API requires it.',
      weakSignature: 'Crypto.{{method}} uses {{algorithm}} (SHA-1 based): use RSA-SHA256 or stronger.',
      literalKey: 'Crypto.{{method}} uses a key written in the code: generate it with Crypto.generateAesKey and keep it in protected custom metadata or a protected custom setting.',
      literalIv: 'Crypto.{{method}} uses a fixed IV written in the code: use {{managed}} so each encryption gets a random IV.',
      literalMacKey: 'Crypto.{{method}} uses a secret key written in the code, so anyone who can read the code can forge the value: keep the key in protected custom metadata or a protected custom setting.',
      literalSigningKey: 'Crypto.{{method}} uses a private key written in the code: store it as a certificate and sign with Crypto.signWithCertificate.',
    },
  },
  check(ctx) {
    const apex = ctx.file.apex();
    if (!apex) { return; }
    // Keys and IVs written in the code: one finding per value, where it is written, with every crypto call using it.
    const written = new Map<string, WrittenKey>();
    const keyUse = (messageId: string, data: Record<string, string>, call: MethodCall, arg: Node, what: string) => {
      const src = literalBlob(apex, arg, 0);
      if (!src) { return; }
      // Written in this file: the literal; in another file (a constant elsewhere): reported at the use.
      const argRange = apex.nodeRange(arg);
      const local = src.origins.find(o => !o.path || o.path === ctx.file.path);
      const at = local?.range ?? argRange;
      const k = rangeKey(at);
      let w = written.get(k);
      if (!w) { written.set(k, w = { messageId, data, range: at, origins: src.origins, uses: [] }); }
      if (!rangeContains(argRange, at)) {
        w.uses.push({ path: ctx.file.path, range: argRange, message: `Used as the ${what} of Crypto.${call.name} here.` });
      }
    };
    for (const call of apex.calls) {
      const q = stripSystem(call.qualifiedLower);
      if (!q.startsWith('crypto.')) { continue; }
      const method = q.slice('crypto.'.length);
      const secretKeyAt = SECRET_KEY_ARG[method];
      const secretKey = secretKeyAt !== undefined ? call.args[secretKeyAt] : undefined;
      if (secretKey) {
        keyUse(method === 'sign' ? 'literalSigningKey' : 'literalMacKey', { method: call.name }, call, secretKey, method === 'sign' ? 'private key' : 'secret key');
      }
      const algoRe = ALGORITHM_CALLS[method];
      if (algoRe && call.args.length > 0) {
        const algo = apex.resolve(call.args[0]);
        if (algo.isLiteral && algoRe.test(algo.text.trim())) {
          const messageId = method === 'generatedigest' ? 'weakDigest' : method === 'generatemac' ? 'weakMac' : 'weakSignature';
          ctx.report({ messageId, data: { method: call.name, algorithm: algo.text.trim() },
            range: apex.nodeRange(call.args[0]), related: via(ctx.file.path, algo.via, call.args[0], apex, 'The algorithm name is set here.') });
        }
        continue;
      }
      const cipher = CIPHER_CALLS[method];
      if (!cipher) { continue; }
      const key = call.args[cipher.key];
      if (key) { keyUse('literalKey', { method: call.name }, call, key, 'key'); }
      const iv = cipher.iv !== undefined ? call.args[cipher.iv] : undefined;
      if (iv) {
        keyUse('literalIv', { method: call.name, managed: method === 'encrypt' ? 'Crypto.encryptWithManagedIV' : 'Crypto.encryptWithManagedIV and decryptWithManagedIV' },
          call, iv, 'IV');
      }
    }
    for (const w of written.values()) {
      ctx.report({ messageId: w.messageId, data: w.data, range: w.range, origins: w.origins, ...(w.uses.length ? { related: w.uses } : {}) });
    }
  },
});

interface WrittenKey { messageId: string; data: Record<string, string>; range: Range; origins: ValueOrigin[]; uses: RelatedInformation[] }

function stripSystem(q: string): string { return q.startsWith('system.') ? q.slice(7) : q; }

function via(path: string, ranges: Range[], at: Node, apex: ApexFile, message: string): RelatedInformation[] | undefined {
  const here = apex.nodeRange(at);
  const out = ranges.filter(r => !sameRange(r, here)).map(range => ({ path, range, message }));
  return out.length ? out : undefined;
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function unwrap(n: Node): Node {
  let cur = n;
  for (let i = 0; i < 8; i++) {
    if (cur.type === 'parenthesized_expression' || cur.type === 'cast_expression') {
      const inner = cur.type === 'cast_expression' ? cur.childForFieldName('value') : cur.namedChildren[0];
      if (!inner) { break; }
      cur = inner;
    } else { break; }
  }
  return cur;
}

/** `Blob.valueOf`, `EncodingUtil.base64Decode` or `convertFromHex` called on a node, as 'blob.valueof'. */
function blobFactory(n: Node): Node | undefined {
  if (n.type !== 'method_invocation') { return undefined; }
  const obj = n.childForFieldName('object')?.text.replace(/\s+/g, '').toLowerCase();
  const name = n.childForFieldName('name')?.text.toLowerCase();
  if (!obj || !name || !BLOB_FROM_STRING.has(stripSystem(`${obj}.${name}`))) { return undefined; }
  return n.childForFieldName('arguments')?.namedChildren[0] ?? undefined;
}

/** The literals a key is written in (all of them: a key's parts are all key material). */
function literalOrigins(r: Resolved): ValueOrigin[] {
  return r.parts.flatMap(p => (p.kind === 'literal' ? [p.path ? { range: p.range, path: p.path } : { range: p.range }] : []));
}

/**
 * Where a Blob argument comes from a string literal: the range of the literal-built expression
 * (the argument itself or the declaration it resolves to), or undefined when it is computed.
 */
function literalBlob(apex: ApexFile, expr: Node, depth: number): { def: Range; origins: ValueOrigin[] } | undefined {
  if (depth > 4) { return undefined; }
  const n = unwrap(expr);
  const inner = blobFactory(n);
  if (inner) {
    const r = apex.resolve(inner);
    return r.isLiteral && r.text.length > 0 ? { def: apex.nodeRange(n), origins: literalOrigins(r) } : undefined;
  }
  if (n.type !== 'identifier' && n.type !== 'field_access') { return undefined; }
  const r = apex.resolve(n);
  if (r.parts.length === 0) { return undefined; }
  if (r.isLiteral) {
    // resolve() looks through Blob.valueOf(...): a literal here is a Blob made from a constant string.
    return r.text.length > 0 ? { def: r.via[r.via.length - 1] ?? r.parts[0].range, origins: literalOrigins(r) } : undefined;
  }
  if (r.parts.length !== 1) { return undefined; }
  const part = r.parts[0];
  const at = nodeAt(apex, part.range);
  if (!at || at.id === n.id) { return undefined; }
  return literalBlob(apex, at, depth + 1);
}

function nodeAt(apex: ApexFile, range: Range): Node | undefined {
  const start = apex.lines.offsetAt(range.start);
  const end = apex.lines.offsetAt(range.end);
  let n: Node | null = apex.tree.rootNode.descendantForIndex(start, end);
  while (n && n.parent && n.parent.startIndex === start && n.parent.endIndex === end
    && (n.parent.type === 'parenthesized_expression' || n.parent.type === 'method_invocation' || n.parent.type === 'field_access')) { n = n.parent; }
  return n ?? undefined;
}
