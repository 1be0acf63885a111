/**
 * Property/fuzz tests: random and adversarial inputs for the XML parser, the Apex model and
 * resolve(), the config-file pair extractors and the whole engine. Seeded PRNG, so a failure names
 * the seed and case that reproduce it (FUZZ_SEED=<n> to replay); every case is bounded in time.
 * Property: nothing throws, ranges stay inside the text, and each case ends within its budget.
 */
import * as assert from 'assert';
import type { Engine } from '../../src/core/engine';
import { LineIndex } from '../../src/core/position';
import { parseXml } from '../../src/core/xml/parse';
import { SourceFile } from '../../src/core/sourceFile';
import { extractPairs } from '../../src/rules/hardcoded-credential/text';
import { createEngine } from '../../src/node/createEngine';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
/** Per generated file: a hang or blow-up fails here, not at mocha's timeout. */
const CASE_MS = 10000;

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

const APEX_SEED = `public with sharing class Svc {
  private static final String KEY = 'sk_live_' + '51HxYzAbCdEfGhIjKl';
  @TestVisible private String token;
  public HttpResponse call(String p) {
    HttpRequest req = new HttpRequest();
    String h = 'Bearer ' + (p == null ? KEY : p);
    h += String.format('{0}/x', new List<Object>{ p });
    req.setEndpoint('https://api.example.com/' + p);
    req.setHeader('Authorization', EncodingUtil.base64Encode(Blob.valueOf('u:' + h)));
    return new Http().send(req);
  }
}
`;
const XML_SEED = `<?xml version="1.0" encoding="UTF-8"?>
<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>Api</label><endpoint>https://api.example.com</endpoint>
    <password><![CDATA[p&ss<word>]]></password><!-- note -->
    <principalType>NamedUser</principalType>
</NamedCredential>
`;
const CONFIG_SEED = `API_KEY="abc123def456"\nexport DB_PASSWORD='s3cr3t!'\npassword: "hunter22"\n{"client_secret": "x\\"y", "n": [1, {"token": "t0k3n"}]}\nkey = value \\\n  continued\n`;

/** Adversarial mutations: cut, duplicate, splice tokens that open/close structures, insert NULs, surrogates, long runs. */
function mutate(src: string, rnd: () => number, tokens: readonly string[]): string {
  let s = src;
  const n = 1 + Math.floor(rnd() * 8);
  for (let k = 0; k < n; k++) {
    const at = Math.floor(rnd() * (s.length + 1));
    switch (Math.floor(rnd() * 8)) {
      case 0: s = s.slice(0, at); break;
      case 1: s = s.slice(0, at) + s.slice(at, at + Math.floor(rnd() * 200)).repeat(1 + Math.floor(rnd() * 20)) + s.slice(at); break;
      case 2: s = s.slice(0, at) + tokens[Math.floor(rnd() * tokens.length)].repeat(1 + Math.floor(rnd() * 300)) + s.slice(at); break;
      case 3: s = s.slice(0, at) + '\0' + s.slice(at); break;
      case 4: s = s.slice(0, at) + '\ud800\udfff\ud83d\ufffd' + s.slice(at + 1); break;
      case 5: s = s.slice(0, at) + s.slice(at + Math.floor(rnd() * 50)); break;
      case 6: s = s.slice(0, at) + '\r'.repeat(1 + Math.floor(rnd() * 5)) + s.slice(at); break;
      default: { let r = ''; const len = Math.floor(rnd() * 400); for (let i = 0; i < len; i++) { r += String.fromCharCode(Math.floor(rnd() * 0x3000)); } s = s.slice(0, at) + r + s.slice(at); }
    }
  }
  return s;
}

function timed<T>(label: string, fn: () => T): T {
  const t0 = performance.now();
  const r = fn();
  const ms = performance.now() - t0;
  assert.ok(ms < CASE_MS, `${label}: ${ms.toFixed(0)} ms (seed ${SEED})`);
  return r;
}

function inside(text: string, r: { start: { line: number; character: number }; end: { line: number; character: number } }, label: string): void {
  const lines = new LineIndex(text);
  assert.ok(r.start.line >= 0 && r.end.line < lines.lineCount && (r.start.line < r.end.line || r.start.character <= r.end.character), `${label}: range ${JSON.stringify(r)}`);
}

describe(`fuzz (seed ${SEED})`, function () {
  this.timeout(120000);
  let engine: Engine;
  before(async () => { engine = await createEngine(); });

  it('XML parser: 300 mutated and random documents, no throw, ranges inside the text', () => {
    const rnd = prng(SEED);
    for (let i = 0; i < 300; i++) {
      const text = i % 5 === 4 ? mutate('', rnd, ['<', '>', '<!--', '<![CDATA[', ']]>', '</a>', '<a b="', '&', '&#x', '<?', '<!DOCTYPE x [<!ENTITY e "x">]>'])
        : mutate(XML_SEED, rnd, ['<a>', '</a>', '<!--', '-->', '<![CDATA[', ']]>', '"', '&amp;', '&#999999999;', '<x y="z"', '/>', '<!ENTITY']);
      const doc = timed(`xml case ${i}`, () => parseXml(text, new LineIndex(text)));
      if (doc.error) { inside(text, doc.error.range, `xml case ${i}`); }
    }
  });

  it('Apex model and resolve(): 150 mutated classes, every call argument resolves without throwing', () => {
    const rnd = prng(SEED + 1);
    for (let i = 0; i < 150; i++) {
      const text = mutate(APEX_SEED, rnd, ["'", "' + '", '(', ')', '{', '}', ';', '+ h + h', 'h = h + h;\n', 'String.format(', '? a : b', '\\\'', "'''", '/*', '//']);
      timed(`apex case ${i}`, () => {
        const f = new SourceFile('/p/classes/F.cls', text, 'apex');
        try {
          const a = f.apex();
          if (!a) { return; }
          for (const c of a.calls) { for (const arg of c.args) { const r = a.resolve(arg); assert.strictEqual(typeof r.text, 'string'); } }
          for (const v of a.variables) { if (v.init) { a.resolve(v.init); } }
          a.concatenations();
        } finally { f.dispose(); }
      });
    }
  });

  it('config extractors (env, properties, yaml, json, js, xml, text): 400 mutated files, pairs inside the text', () => {
    const rnd = prng(SEED + 2);
    const kinds: Array<[string, string]> = [['env', '/p/.env'], ['properties', '/p/a.properties'], ['yaml', '/p/a.yml'], ['json', '/p/a.json'], ['js', '/p/a.js'], ['xml', '/p/a.xml'], ['text', '/p/a.sh'], ['apex', '/p/a.cls']];
    for (let i = 0; i < 400; i++) {
      const [kind, p] = kinds[i % kinds.length];
      const text = mutate(CONFIG_SEED, rnd, ['"', "'", '`', '\\', '=', ': ', '{', '[', '#', 'password=', '"token": "', '\n  - ', '<password>', '${', 'export ']);
      const pairs = timed(`${kind} case ${i}`, () => extractPairs(kind, p, text));
      for (const pr of pairs) { assert.ok(pr.start >= 0 && pr.end <= text.length && pr.start <= pr.end, `${kind} case ${i}: ${pr.start}-${pr.end} of ${text.length}`); }
    }
  });

  it('engine.lint on random bytes-as-text of every kind: never throws, notes instead', () => {
    const rnd = prng(SEED + 3);
    const paths = ['/p/force-app/main/default/classes/R.cls', '/p/force-app/main/default/namedCredentials/R.namedCredential-meta.xml', '/p/.env', '/p/a.json', '/p/a.yaml', '/p/a.properties', '/p/a.js', '/p/k.pem', '/p/a.txt'];
    for (let i = 0; i < 90; i++) {
      let text = '';
      const len = Math.floor(rnd() * 6000);
      for (let j = 0; j < len; j++) { text += String.fromCharCode(rnd() < 0.7 ? 32 + Math.floor(rnd() * 95) : Math.floor(rnd() * 0xffff)); }
      const p = paths[i % paths.length];
      const r = timed(`lint case ${i} ${p}`, () => engine.lint(p, text, { limits: { fileTimeoutMs: 2000 } }));
      for (const f of r.findings) { inside(text, f.range, `lint case ${i}`); }
    }
  });
});
