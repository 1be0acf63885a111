import * as assert from 'assert';
import { createEngine } from '../node/createEngine';
import type { Engine } from './engine';
import { IncrementalApexDoc, type TextChange } from './incremental';

const CLASS = `public with sharing class OrderSync {
    private static final String BASE = 'callout:Erp_API';

    public String baseUrl() {
        return 'https://erp.example.com/api';
    }

    public HttpResponse send(String body) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(baseUrl() + '/orders');
        req.setBody(body);
        return new Http().send(req);
    }

    public Integer count(List<String> xs) {
        Integer n = 0;
        for (String x : xs) { n++; }
        return n;
    }

    public class Row {
        public String name;
        public Integer qty;
    }
}
`;

function at(text: string, needle: string, delta = 0): { line: number; character: number } {
  const o = text.indexOf(needle) + delta;
  assert.ok(o >= delta, needle);
  const before = text.slice(0, o).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}
function insert(text: string, needle: string, s: string, delta = 0): { change: TextChange; text: string } {
  const p = at(text, needle, delta);
  const o = text.indexOf(needle) + delta;
  return { change: { range: { start: p, end: p }, text: s }, text: text.slice(0, o) + s + text.slice(o) };
}

describe('IncrementalApexDoc', () => {
  let engine: Engine;
  before(async () => { engine = await createEngine(); });
  const path = '/p/force-app/main/default/classes/OrderSync.cls';

  function step(doc: IncrementalApexDoc, e: { change: TextChange; text: string }) {
    doc.applyChanges([e.change]);
    assert.strictEqual(doc.current, e.text);
    const r = doc.lint(engine, {}, 'k');
    assert.deepStrictEqual(r.report, engine.lint(path, e.text, {}), `mode ${r.mode} ${r.why ?? ''}`);
    return r;
  }

  it('a secret typed into one method: only that member is linted again, and the finding appears; removed, it goes', () => {
    const doc = new IncrementalApexDoc(path, CLASS);
    try {
      assert.strictEqual(doc.lint(engine, {}, 'k').mode, 'full');
      const typed = insert(CLASS, 'return n;', "String apiKey = 'sk_live_51HxYzAbCdEfGhIjKlMnOpQr';\n        ");
      const r = step(doc, typed);
      assert.strictEqual(r.mode, 'members');
      assert.strictEqual(r.relinted, 1);
      const line = at(CLASS, 'return n;').line;
      assert.ok(r.report.findings.some(f => f.range.start.line === line), JSON.stringify(r.report.findings.map(f => [f.ruleId, f.range.start.line])));
      // And deleted again.
      const p = at(typed.text, "String apiKey");
      const q = at(typed.text, 'return n;');
      doc.applyChanges([{ range: { start: p, end: q }, text: '' }]);
      const back = doc.lint(engine, {}, 'k');
      assert.strictEqual(back.mode, 'members');
      assert.deepStrictEqual(back.report, engine.lint(path, CLASS, {}));
      assert.ok(!back.report.findings.some(f => f.range.start.line === line));
    } finally { doc.dispose(); }
  });

  it('an edit of a method others call re-lints the callers too (one method hop): http:// in baseUrl() reaches send()', () => {
    const doc = new IncrementalApexDoc(path, CLASS);
    try {
      doc.lint(engine, {}, 'k');
      const p = at(CLASS, "https://erp", 4);                 // the s of https
      doc.applyChanges([{ range: { start: p, end: { line: p.line, character: p.character + 1 } }, text: '' }]);
      const text = CLASS.replace("'https://erp", "'http://erp");
      assert.strictEqual(doc.current, text);
      const r = doc.lint(engine, {}, 'k');
      assert.deepStrictEqual(r.report, engine.lint(path, text, {}));
      assert.ok(r.report.findings.some(f => f.ruleId === 'insecure-endpoint'));
      assert.ok(r.mode === 'full' || (r.relinted ?? 0) >= 2, JSON.stringify(r));
    } finally { doc.dispose(); }
  });

  it('an edit of a class constant, or of the class header, lints the whole file', () => {
    const doc = new IncrementalApexDoc(path, CLASS);
    try {
      doc.lint(engine, {}, 'k');
      const r = step(doc, insert(CLASS, 'Erp_API', '2'));
      assert.strictEqual(r.mode, 'full');
      assert.match(r.why ?? '', /outside the members/);
    } finally { doc.dispose(); }
  });

  it('other settings or project values (the key) or a reset text: a full lint', () => {
    const doc = new IncrementalApexDoc(path, CLASS);
    try {
      doc.lint(engine, {}, 'k');
      assert.strictEqual(doc.lint(engine, {}, 'k').mode, 'unchanged');
      assert.strictEqual(doc.lint(engine, { includeTests: true }, 'k2').mode, 'full');
      doc.reset(CLASS.replace('qty', 'quantity'));
      const r = doc.lint(engine, {}, 'k2');
      assert.strictEqual(r.mode, 'full');
      assert.strictEqual(r.why, 'first lint');
    } finally { doc.dispose(); }
  });

  it('links are followed a bounded number of rounds: an edit at the end of a long call chain is a full lint', () => {
    // Each round of links adds one method of a chain; on a hostile chain of thousands that was a pass over every member
    // per method (seconds per keystroke in a 310 KB class). A short chain stays member-wise.
    const chain = (n: number) => 'public class Chain {\n    public void m0() { Integer a = 0; m1(); }\n' +
      Array.from({ length: n }, (_, i) => `    public void m${i + 1}() { Integer a = ${i}; m${i + 2}(); }\n`).join('') +
      Array.from({ length: 300 }, (_, i) => `    public class Data${i} { public String name; public Integer count; }\n`).join('') + '}\n';
    for (const [n, mode] of [[4, 'members'], [40, 'full']] as const) {
      const text = chain(n);
      const doc = new IncrementalApexDoc(path, text);
      try {
        doc.lint(engine, {}, 'k');
        const r = step(doc, insert(text, `m${n}() { Integer a = `, '7', `m${n}() { Integer a = `.length));
        assert.strictEqual(r.mode, mode, `a chain of ${n + 1} methods: ${r.why ?? ''}`);
        if (mode === 'full') { assert.match(r.why ?? '', /rounds/); }
      } finally { doc.dispose(); }
    }
  });

  it('an edit in a method that calls hundreds of others, in a class of hundreds of fields: member-wise, as a full lint reports', () => {
    // Each round's names and the class's fields are tested against every member's tokens by walking the smaller set
    // (walking a round of thousands of names per member was quadratic: 1.3 s a keystroke in a 900 KB class).
    const n = 200;
    const text = 'public class Hub {\n' + Array.from({ length: n }, (_, i) => `    private String f${i};\n`).join('') +
      `    public void dispatch() { ${Array.from({ length: n }, (_, i) => `a${i}();`).join(' ')} }\n` +
      Array.from({ length: n }, (_, i) => `    public void a${i}() { f${i} = 'v${i}'; }\n`).join('') +
      "    public void send() { HttpRequest req = new HttpRequest(); req.setEndpoint('http://x.example.com'); req.setHeader('Authorization', f7); }\n" +
      Array.from({ length: 4 * n }, (_, i) => `    public class Data${i} { public String name; }\n`).join('') + '}\n';
    const doc = new IncrementalApexDoc(path, text);
    try {
      doc.lint(engine, {}, 'k');
      const e = insert(text, 'a0();', ' ');
      const r = step(doc, e);
      assert.strictEqual(r.mode, 'members', r.why);
      assert.ok(r.report.findings.length > 0, 'the callout is reported');
      step(doc, insert(e.text, "f7 = 'v7'", 'Bearer abcdefghijklmnop', 6));
    } finally { doc.dispose(); }
  });

  it('typing inside an inner data class re-lints that class alone', () => {
    const doc = new IncrementalApexDoc(path, CLASS);
    try {
      doc.lint(engine, {}, 'k');
      const r = step(doc, insert(CLASS, 'public Integer qty;', '        public String password = \'Tr0ub4dor&3x!\';\n'));
      assert.strictEqual(r.mode, 'members');
      assert.strictEqual(r.relinted, 1);
    } finally { doc.dispose(); }
  });
  it('a syntax error typed into one method re-lints that member alone (its findings and the parse-error note from it), and so does the edit that mends it', () => {
    const doc = new IncrementalApexDoc(path, CLASS);
    try {
      doc.lint(engine, {}, 'k');
      // A statement typed without its ';' yet: the method is broken while the user types.
      const typed = insert(CLASS, 'return n;', "String apiKey = 'sk_live_51HxYzAbCdEfGhIjKlMnOpQr'\n        ");
      const r = step(doc, typed);
      assert.strictEqual(r.mode, 'members', r.why);
      assert.strictEqual(r.relinted, 1);
      const line = at(CLASS, 'return n;').line;
      assert.ok(r.report.notes.some(n => n.code === 'parse-error' && n.message.includes(`line ${line + 1}`)), JSON.stringify(r.report.notes));
      assert.ok(r.report.findings.some(f => f.range.start.line === line), JSON.stringify(r.report.findings.map(f => [f.ruleId, f.range.start.line])));
      // Still broken after the next keystroke, then mended by the ';'.
      const p = at(typed.text, "Qr'", 2);
      doc.applyChanges([{ range: { start: p, end: p }, text: 'Z' }]);
      const still = typed.text.replace("Qr'", "QrZ'");
      const r2 = doc.lint(engine, {}, 'k');
      assert.strictEqual(r2.mode, 'members', r2.why);
      assert.deepStrictEqual(r2.report, engine.lint(path, still, {}));
      const q = at(still, "QrZ'", 4);
      doc.applyChanges([{ range: { start: q, end: q }, text: ';' }]);
      const mended = still.replace("QrZ'", "QrZ';");
      const r3 = doc.lint(engine, {}, 'k');
      assert.strictEqual(r3.mode, 'members', r3.why);
      assert.deepStrictEqual(r3.report, engine.lint(path, mended, {}));
      assert.ok(!r3.report.notes.length);
    } finally { doc.dispose(); }
  });
  it('the same secret typed into a second member: one finding with the copy as a related place, as a full lint gives', () => {
    const token = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';
    const withSecret = CLASS.replace('public String name;', `public String name = '${token}';`);
    const doc = new IncrementalApexDoc(path, withSecret, { maxSliceShare: 0.9 });
    try {
      doc.lint(engine, {}, 'k');
      const r = step(doc, insert(withSecret, 'return n;', `String u = '${token}';\n        `));
      const secrets = r.report.findings.filter(f => f.ruleId === 'hardcoded-secret');
      assert.strictEqual(secrets.length, 1, JSON.stringify(r.report.findings));
      assert.strictEqual(secrets[0].related?.length, 1);
      assert.notStrictEqual(r.why, undefined, 'a full lint: the slice cannot see the other copy');
    } finally { doc.dispose(); }
  });
  it('a string literal being typed (its quote not closed yet): the member is linted alone and the other members keep their findings', () => {
    const doc = new IncrementalApexDoc(path, CLASS);
    try {
      const first = doc.lint(engine, {}, 'k');
      const callout = first.report.findings.filter(f => f.ruleId === 'callout-without-named-credential');
      assert.strictEqual(callout.length, 1);
      // A fresh parse of this text loses send()'s finding (tree-sitter's recovery swallows the rest of the class).
      const line = at(CLASS, 'return n;').line;
      const typedAt = at(CLASS, 'return n;');
      const typed = "String apiKey = 'sk_live_51HxYzAbCdEfGhIjKlMnOpQr";
      const prefix = "String apiKey = '";
      doc.applyChanges([{ range: { start: typedAt, end: typedAt }, text: prefix }]);
      assert.strictEqual(doc.current, CLASS.replace('return n;', prefix + 'return n;'));
      let r = doc.lint(engine, {}, 'k');
      assert.strictEqual(r.mode, 'members', r.why);
      assert.strictEqual(r.relinted, 1);
      assert.ok(r.report.notes.some(n => n.code === 'parse-error' && n.message.includes(`line ${line + 1}`)), JSON.stringify(r.report.notes));
      assert.deepStrictEqual(r.report.findings.filter(f => f.ruleId === 'callout-without-named-credential'), callout);
      // Typing on inside the open literal stays member-wise.
      let col = typedAt.character + prefix.length;
      for (const c of typed.slice(prefix.length)) {
        doc.applyChanges([{ range: { start: { line, character: col }, end: { line, character: col } }, text: c }]);
        col++;
        r = doc.lint(engine, {}, 'k');
        assert.strictEqual(r.mode, 'members', r.why);
      }
      assert.deepStrictEqual(r.report.findings.filter(f => f.ruleId === 'callout-without-named-credential'), callout);
      // The quote and the ';' close it: exactly a full lint again, with the secret.
      doc.applyChanges([{ range: { start: { line, character: col }, end: { line, character: col } }, text: "';\n        " }]);
      const done = CLASS.replace('return n;', typed + "';\n        return n;");
      assert.strictEqual(doc.current, done);
      r = doc.lint(engine, {}, 'k');
      assert.strictEqual(r.mode, 'members', r.why);
      assert.deepStrictEqual(r.report, engine.lint(path, done, {}));
      assert.ok(r.report.findings.some(f => f.range.start.line === line), JSON.stringify(r.report.findings.map(f => [f.ruleId, f.range.start.line])));
    } finally { doc.dispose(); }
  });
  it('typing a string literal in a WSDL2Apex-shaped class, where the open quote makes the parse stretch the member: member-wise throughout', () => {
    const parts = ['public class PartnerService {\n', "    public static String SOAP_M_URI = 'http://soap.sforce.com/2006/04/metadata';\n"];
    for (let i = 0; i < 60; i++) {
      parts.push(i % 20 === 7
        ? `    public class Helper${i} {\n        public String describe(String name) {\n            String label = name + '!';\n            return label.trim();\n        }\n    }\n`
        : `    public class Result${i} {\n        public String fullName;\n        private String[] fullName_type_info = new String[]{'fullName',SOAP_M_URI,null,'0','1','false'};\n        private String[] apex_schema_type_info = new String[]{SOAP_M_URI,'true','false'};\n    }\n`);
    }
    parts.push('}\n');
    const cls = parts.join('');
    const doc = new IncrementalApexDoc(path, cls);
    try {
      doc.lint(engine, {}, 'k');
      const o = cls.indexOf('return label.trim();', cls.indexOf('Helper27'));
      const pre = cls.slice(0, o).split('\n');
      const line = pre.length - 1;
      let col = pre[pre.length - 1].length;
      const typed = "String apiKey = 'sk_live_51HxYzAbCdEfGhIjKlMnOpQr';";
      const modes: string[] = [];
      for (const c of typed) {
        doc.applyChanges([{ range: { start: { line, character: col }, end: { line, character: col } }, text: c }]);
        col++;
        const r = doc.lint(engine, {}, 'k');
        modes.push(r.mode === 'members' ? 'm' : `${r.mode} (${r.why})`);
      }
      assert.deepStrictEqual(modes.filter(m => m !== 'm'), [], modes.join(' '));
      const done = cls.slice(0, o) + typed + cls.slice(o);
      assert.strictEqual(doc.current, done);
      const r = doc.lint(engine, {}, 'k');
      assert.strictEqual(r.mode, 'unchanged');
      assert.deepStrictEqual(r.report, engine.lint(path, done, {}));
      assert.ok(r.report.findings.some(f => f.range.start.line === line));
    } finally { doc.dispose(); }
  });
});
