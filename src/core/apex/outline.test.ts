import * as assert from 'assert';
import { initApexParser, parseApex, setReadyParser } from './parser';
import { outlineOfTree, parseTrim } from './members';
import { outlineOfText } from './outline';
import { allRules } from '../../rules';
import { Engine } from '../engine';
import { SourceFile } from '../sourceFile';
import { locateApexAssets } from '../../node/assets';

const APEX_RULES = allRules.filter(r => r.meta.kinds.includes('apex')).map(r => r.meta.id);

/** The units of the text outline and of the tree outline, as comparable rows. */
function bothOutlines(text: string) {
  const rows = (o: ReturnType<typeof outlineOfText>) => o?.units.map(u => `${u.start}-${u.end} ${u.exported.join('/')} ${u.code ? 'code' : 'data'}`);
  const tree = parseApex(text);
  try { return { fromText: rows(outlineOfText(text)), fromTree: rows(outlineOfTree(tree, text)), hasError: tree.rootNode.hasError }; } finally { tree.delete(); }
}

describe('class outline from the text (apex/outline.ts)', () => {
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); });

  it('finds the members the tree finds, around annotations, comments, strings, initializers and properties', () => {
    const text = `/* header { comment */
@JsonAccess(serializable='always')
public with sharing abstract class Svc extends Base implements Api.Port {
    // a brace in a comment: {
    public static final String URL = 'https://x.example.com/{id};';
    private Map<String, String> headers = new Map<String, String>{ 'a' => 'b;}', 'c' => 'd' }, other = null;
    public String name { get; private set; }
    public Integer count { get { return headers.size(); } }
    static { Integer x = 1; }
    { Integer y = 2; }
    @AuraEnabled(cacheable=true)
    public static List<String> list(Integer n, Map<String, Object> opts) { if (n > 0) { return new List<String>{ 'x' }; } return null; }
    public Svc() { super(); }
    public abstract void later(String s);
    /** doc: class Fake { */
    public class Inner { public String a; private String[] a_type_info = new String[]{'a','}','0'}; }
    public enum Colour { RED, GREEN }
    public interface Hook { void run(); }
    private class Worker implements Queueable { public void execute(QueueableContext c) { } }
}
// trailing comment
`;
    const { fromText, fromTree, hasError } = bothOutlines(text);
    assert.strictEqual(hasError, false);
    assert.ok(fromText);
    assert.deepStrictEqual(fromText, fromTree);
    assert.deepStrictEqual(fromText.map(r => r.split(' ')[1]), ['list', 'svc', 'later', 'inner', 'colour', 'hook', 'worker']);
    assert.deepStrictEqual(fromText.map(r => r.split(' ')[2]), ['code', 'code', 'code', 'data', 'data', 'data', 'code']);
    const names = outlineOfText(text)!.contextNames;
    for (const n of ['url', 'headers', 'other', 'name', 'count']) { assert.ok(names.has(n), n); }
  });

  it('declines what is not one plainly laid out class: the file is then parsed whole', () => {
    const declined = {
      'two top-level classes': 'public class A { }\npublic class B { }\n',
      'an interface': 'public interface A { void run(); }\n',
      'an enum': 'public enum A { X, Y }\n',
      'a trigger': 'trigger T on Account (before insert) { }\n',
      'a string that does not end on its line': "public class A { String s = 'abc\n'; }\n",
      'an unterminated block comment': 'public class A { /* open\n',
      'a missing closing brace': 'public class A { public void m() { }\n',
      'an extra closing brace': 'public class A { public void m() { } } }\n',
    };
    for (const [what, text] of Object.entries(declined)) { assert.strictEqual(outlineOfText(text), undefined, what); }
  });

  it('reads a member with a 300,000-character word in linear time (a generated or broken file)', () => {
    const word = 'a'.repeat(300_000);
    for (const member of [`public String x = ${word} + b;`, `public String ${word};`, `public void ${word}() { }`, `public String ${word} { get; set; }`]) {
      const text = `public class A {\n    ${member}\n    public void m() { }\n}\n`;
      const started = performance.now();
      assert.ok(outlineOfText(text), member.slice(0, 30));
      // Quadratic matching of the word would take minutes; linear takes a few milliseconds.
      assert.ok(performance.now() - started < 1000, `${member.slice(0, 30)}: ${performance.now() - started} ms`);
    }
  });

  it('the parse-level pre-check leaves out the data classes of a WSDL2Apex-shaped class and keeps the port', () => {
    const data = (n: string) => `    public class ${n} {\n        public String fullName;\n        private String[] fullName_type_info = new String[]{'fullName',SOAP_M_URI,null,'0','1','false'};\n    }\n`;
    const text = `public class Svc {\n    public static String SOAP_M_URI = 'http://soap.sforce.com/2006/04/metadata';\n${data('Alpha')}${data('Beta')}` +
      `    public class Port {\n        public String endpoint_x = 'http://example.com/services/Soap/m/42.0';\n        public Svc.Alpha read() { return null; }\n    }\n${data('Gamma')}}\n`;
    const trim = parseTrim(text, APEX_RULES);
    assert.ok(trim);
    const name = (u: { start: number }) => /class (\w+)/.exec(text.slice(u.start))![1];
    assert.deepStrictEqual(trim.kept.map(name), ['Port']);
    assert.deepStrictEqual(trim.leftOut.map(name), ['Alpha', 'Beta', 'Gamma']);
    // A class of methods is not trimmed at the parse level (its members link to each other).
    const methods = `public class Svc {\n${['a', 'b', 'c', 'd'].map(m => `    public void ${m}() { Integer i = 0; }\n`).join('')}    public void send(HttpRequest r) { r.setEndpoint('callout:X'); }\n}\n`;
    assert.strictEqual(parseTrim(methods, APEX_RULES), undefined);
  });

  it('through the engine: the same report as a whole parse, and a syntax error outside the members left out is still noted', () => {
    const engine = new Engine(allRules);
    const data = (n: string) => `    public class ${n} {\n        public String f;\n        private String[] f_type_info = new String[]{'f','urn:x','0','1','false'};\n    }\n`;
    const port = `    public class Port {\n        public String endpoint_x = 'http://example.com/soap';\n    }\n`;
    const ok = `public class Svc {\n${data('A')}${port}${data('B')}}\n`;
    // The parse read the port class only: no string of A or B is in the model, and positions are the text's.
    const file = new SourceFile('/p/Svc.cls', ok, 'apex');
    file.modelRules = APEX_RULES;
    file.trimAnySize = true;
    const model = file.apex()!;
    assert.strictEqual(file.parseLeftOut, 2);
    assert.deepStrictEqual(model.strings.map(x => x.value), ['http://example.com/soap']);
    const at = ok.indexOf("'http://example.com/soap'");
    assert.deepStrictEqual(model.strings[0].range.start, file.lines.positionAt(at));
    file.dispose();
    const a = engine.lint('/p/Svc.cls', ok, { memberPrecheck: true });
    assert.deepStrictEqual(a, engine.lint('/p/Svc.cls', ok, { memberPrecheck: false }));
    assert.ok(a.findings.some(f => f.ruleId === 'insecure-endpoint'));
    // Broken where the parse reads (the port class): the tree check sends the file to a whole parse.
    const broken = ok.replace("'http://example.com/soap';", "'http://example.com/soap'");
    const b = engine.lint('/p/Svc.cls', broken, { memberPrecheck: true });
    assert.deepStrictEqual(b, engine.lint('/p/Svc.cls', broken, { memberPrecheck: false }));
    assert.ok(b.notes.some(n => n.code === 'parse-error'));
  });
});
