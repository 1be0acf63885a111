import * as assert from 'assert';
import { Engine } from '../engine';
import { initApexParser, parseApex, setReadyParser } from './parser';
import { MemberMemo, modelledRanges } from './members';
import { allRules } from '../../rules';
import { defineRule } from '../rule';
import { locateApexAssets } from '../../node/assets';
import { SourceFile } from '../sourceFile';

const APEX_RULES = allRules.filter(r => r.meta.kinds.includes('apex')).map(r => r.meta.id);

/** A WSDL2Apex-shaped data class: fields and type-info arrays, nothing any rule looks for. */
function dataClass(name: string): string {
  return `    public class ${name} {
        public String fullName;
        public Integer count_x;
        private String[] fullName_type_info = new String[]{'fullName',SOAP_M_URI,null,'0','1','false'};
        private String[] apex_schema_type_info = new String[]{SOAP_M_URI,'true','false'};
        private String[] field_order_type_info = new String[]{'fullName','count_x'};
    }
`;
}

/** The members of `text` the model covers: which of `names` (written `class <name>` or `<name>(`) lie in a modelled range. */
function modelledNames(text: string, names: string[]): string[] {
  const tree = parseApex(text);
  try {
    const only = modelledRanges(tree, text, APEX_RULES);
    assert.ok(only, 'the member pre-check trims this class');
    return names.filter(n => {
      const at = text.search(new RegExp(`(class ${n}\\b|\\b${n}\\()`));
      return only.some(([a, b]) => at >= a && at < b);
    });
  } finally {
    tree.delete();
  }
}

describe('member-level pre-check (apex/members.ts)', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine(allRules); });

  /** Lints with and without the member pre-check: same report, and at least `min` findings. */
  function same(text: string, min = 1): void {
    const a = engine.lint('/p/Svc.cls', text, { memberPrecheck: true });
    const b = engine.lint('/p/Svc.cls', text, { memberPrecheck: false });
    assert.deepStrictEqual(a, b);
    assert.ok(a.findings.length >= min, JSON.stringify(a.findings.map(f => f.ruleId)));
  }

  it('a WSDL2Apex-shaped class: the port class is modelled, data classes no rule can fire in are not', () => {
    const text = `public class Svc {
    public static String SOAP_M_URI = 'http://soap.sforce.com/2006/04/metadata';
${dataClass('Alpha')}${dataClass('Beta')}    public class Port {
        public String endpoint_x = 'http://example.com/services/Soap/m/42.0';
        public Svc.Alpha[] read(String type_x) {
            Svc.Alpha request_x = new Svc.Alpha();
            return new Svc.Alpha[]{ request_x };
        }
    }
${dataClass('Gamma')}}
`;
    assert.deepStrictEqual(modelledNames(text, ['Alpha', 'Beta', 'Port', 'Gamma']), ['Port']);
    same(text);
  });

  it('a data class read as `Other.X` by a modelled member is modelled (its constant is the endpoint)', () => {
    const text = `public class Svc {
${dataClass('Alpha')}    public class Config {
        public final String BASE = 'http://api.example.com/v1';
    }
    public void send(HttpRequest req) {
        req.setEndpoint(Config.BASE);
    }
${dataClass('Beta')}}
`;
    assert.deepStrictEqual(modelledNames(text, ['Alpha', 'Config', 'send', 'Beta']), ['Config', 'send']);
    same(text);
  });

  it('a method that calls a modelled method is modelled (call-site arguments), and so is a helper it calls', () => {
    const text = `public class Svc {
${dataClass('Alpha')}    public void go() {
        send(baseUrl() + '/v1/orders');
    }
    private String baseUrl() {
        return 'http://api.example.com';
    }
    private void send(String url) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(url);
    }
${dataClass('Beta')}}
`;
    assert.deepStrictEqual(modelledNames(text, ['Alpha', 'go', 'baseUrl', 'send', 'Beta']), ['go', 'baseUrl', 'send']);
    same(text);
  });

  it('a method that assigns a field of the class a modelled member reads is modelled', () => {
    const text = `public class Svc {
    private String base;
${dataClass('Alpha')}    public void init() {
        base = 'http://api.example.com';
    }
    public void send(HttpRequest req) {
        req.setEndpoint(base + '/v1');
    }
${dataClass('Beta')}}
`;
    assert.deepStrictEqual(modelledNames(text, ['Alpha', 'init', 'send', 'Beta']), ['init', 'send']);
    same(text);
  });

  it('a member that uses a secret another member holds is modelled (the "used here" related place)', () => {
    const text = `public class Svc {
${dataClass('Alpha')}    public class Keys {
        public final String STRIPE = 'sk_live_51Hx9K2eZvKYlo2Cq8Rt3Wm7aQ';
    }
    public void charge() {
        Billing.call(Keys.STRIPE);
    }
${dataClass('Beta')}}
`;
    assert.deepStrictEqual(modelledNames(text, ['Alpha', 'Keys', 'charge', 'Beta']), ['Keys', 'charge']);
    const a = engine.lint('/p/Svc.cls', text, { memberPrecheck: true });
    assert.ok(a.findings.some(f => f.ruleId === 'hardcoded-secret' && f.related?.some(r => r.message === 'The secret is used here.')), JSON.stringify(a.findings));
    same(text);
  });

  it('a tree the caller keeps (the editor worker) is modelled by members too, as a parse of the text is', () => {
    const text = `public class Svc {
    public static String SOAP_M_URI = 'http://soap.sforce.com/2006/04/metadata';
${dataClass('Alpha')}${dataClass('Beta')}    public class Port {
        public String endpoint_x = 'http://example.com/services/Soap/m/42.0';
    }
}
`;
    const tree = parseApex(text);
    try {
      const modelled = (given?: typeof tree) => {
        const file = new SourceFile('/p/Svc.cls', text, 'apex');
        file.modelRules = APEX_RULES;
        file.trimAnySize = true;
        file.givenTree = given;
        try { return file.apex()?.modelled; } finally { file.dispose(); }
      };
      assert.ok(modelled(), 'parsed here: members left out');
      assert.deepStrictEqual(modelled(tree), modelledRanges(tree, text, APEX_RULES));
      assert.ok(modelled(tree));
    } finally {
      tree.delete();
    }
  });

  it('a memo kept across edits (the editor worker\'s) gives the ranges a fresh pre-check gives, also when the rules change', () => {
    // Typing that changes which members pass a gate or are linked (an endpoint into a data class, a write of the
    // top-level field, a credential-named value into its literal), then undoing it; edits land in members and in the field.
    // Iota names note() as `\bnote\b` reads it, before a dotted capital I (whose lower case is two characters).
    const text = `public class Svc {
    public static String SOAP_M_URI = 'http://soap.sforce.com/2006/04/metadata';
${dataClass('Alpha')}${dataClass('Beta')}    public class Port {
        public String endpoint_x = 'http://example.com/services/Soap/m/42.0';
        public Svc.Alpha[] read(String type_x) { return new Svc.Alpha[]{ new Svc.Alpha() }; }
    }
${['Gamma', 'Delta', 'Eps', 'Zeta', 'Eta', 'Theta', 'Alpha'].map(dataClass).join('')}    public class Iota { public String s = 'NOTE\u0130'; }
    public void note() { Integer n = 1; }
}
`;
    // Into a string literal (any member's, or the field's), or a statement into a method body: the text still parses.
    const inString = ['x', ' ', 'password', 'user:pw@', 'setEndpoint', 'class Omega'];
    const statements = ["req.setEndpoint('x'); ", 'SOAP_M_URI = null; ', 'Alpha.count_x = 1; ', 'Gamma g; '];
    const memo = new MemberMemo();
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    let compared = 0, trimmed = 0;
    for (let i = 0; i < 200; i++) {
      const rules = i % 50 < 40 ? APEX_RULES : ['weak-crypto', 'hardcoded-secret'];
      const kind = rnd();
      const literals = [...text.matchAll(/'[a-z:/.]{4,}/gi)].map(m => m.index + 2);
      const anchor = kind < 0.3 ? text.indexOf("'http://soap") + 1 + Math.floor(rnd() * 10)
        : kind < 0.8 ? literals[Math.floor(rnd() * literals.length)] : text.indexOf('Integer n = 1;');
      const ins = kind < 0.8 ? inString[Math.floor(rnd() * inString.length)] : statements[Math.floor(rnd() * statements.length)];
      const next = text.slice(0, anchor) + ins + text.slice(anchor);
      for (const t of [next, text]) {                       // typed, then undone (edits that stay make most of it hot)
        const tree = parseApex(t);
        try {
          const fresh = modelledRanges(tree, t, rules);
          assert.deepStrictEqual(modelledRanges(tree, t, rules, memo), fresh, `edit ${i}: ${JSON.stringify(ins)} at ${anchor}`);
          compared++;
          if (fresh) { trimmed++; }
        } finally {
          tree.delete();
        }
      }
    }
    assert.ok(compared === 400 && trimmed > compared / 2, `compared ${compared}, trimmed ${trimmed}`);
  });

  it('a memo finds unchanged members by offset: a same-length edit at a member\'s edge is read again', () => {
    // `endpoint_y` -> `endpoint_x` in the last characters of one member (the gate passes then), and in the first
    // characters of the member after it: the members keep their offsets and lengths, so only the edited span tells.
    const text = (a: string, b: string) => `public class Svc {\n    public static String SOAP_M_URI = 'urn:x';\n${dataClass('Alpha')}` +
      `    public class Gamma { public String endpoint_${a};}\n    public class Delta { public String endpoint_${b};}\n${dataClass('Beta')}` +
      '    public class Port {\n        public String endpoint_x = \'http://example.com/services/Soap/m/42.0\';\n        public void call() { Gamma g; Delta d; }\n    }\n}\n';
    const memo = new MemberMemo();
    for (const [a, b] of [['y', 'y'], ['x', 'y'], ['y', 'y'], ['y', 'x'], ['x', 'x'], ['y', 'y']]) {
      const t = text(a, b);
      const tree = parseApex(t);
      try {
        assert.deepStrictEqual(modelledRanges(tree, t, APEX_RULES, memo), modelledRanges(tree, t, APEX_RULES), `endpoint_${a}, endpoint_${b}`);
      } finally {
        tree.delete();
      }
    }
  });

  it('links are followed a bounded number of rounds: a long call chain is modelled whole, a short one by members', () => {
    // Each round of links finds one more method of a chain: a hostile chain of thousands would read the class once per
    // method (quadratic). Real classes need at most 7 rounds (10,000 classes of whole public repositories).
    const chain = (n: number) => `public class Chain {\n    public void m0() { HttpRequest r = new HttpRequest(); r.setEndpoint('http://x.example.com'); m1(); }\n` +
      Array.from({ length: n }, (_, i) => `    public void m${i + 1}() { Integer a = ${i}; m${i + 2}(); }\n`).join('') +
      ['Alpha', 'Beta', 'Gamma', 'Delta', 'Eps', 'Zeta', 'Eta', 'Theta', 'Iota', 'Kappa', 'Lambda', 'Mu'].map(dataClass).join('') + '}\n';
    const ranges = (text: string) => { const tree = parseApex(text); try { return modelledRanges(tree, text, APEX_RULES); } finally { tree.delete(); } };
    const short = chain(4), long = chain(40);
    assert.ok(ranges(short), 'a chain of 5 methods: the data classes are left out');
    assert.strictEqual(ranges(long), undefined, 'a chain of 41 methods: the whole class');
    same(long);
  });

  it('the whole class is modelled when it may expose entry points, has a syntax error or a unicode escape', () => {
    const base = `public class Svc {\n${dataClass('Alpha')}    public void send(HttpRequest req) { req.setEndpoint('http://x.example.com'); }\n}\n`;
    const whole = (t: string) => { const tree = parseApex(t); try { return modelledRanges(tree, t, APEX_RULES); } finally { tree.delete(); } };
    assert.ok(whole(base), 'trimmed as written');
    assert.strictEqual(whole(base.replace('public void send', '@AuraEnabled public static void send')), undefined);
    assert.strictEqual(whole(base.replace('public Integer count_x;', 'public Integer count_x')), undefined);
    assert.strictEqual(whole(base.replace("'fullName'", "'\\u0066ullName'")), undefined);
    assert.strictEqual(whole(`public class A {}\npublic class B {\n${dataClass('Alpha')}}\n`), undefined, 'not one top-level class');
    assert.strictEqual(modelledRanges(parseApex(base), base, [...APEX_RULES, 'some-new-rule']), undefined, 'a rule without a text gate');
  });

  it('a finding in a member left out (a rule whose gate is wrong) makes the engine lint with the whole model', () => {
    // A rule registered under a gated id whose check ignores the gate: it reports every string literal
    // of the tree (not of the model, which would not have those of the members left out).
    const everyLiteral = defineRule({
      meta: { id: 'weak-crypto', type: 'problem', defaultSeverity: 'warning', description: 'test', kinds: ['apex'], messages: { lit: 'literal' } },
      check(ctx) {
        const apex = ctx.file.apex();
        for (const s of apex?.tree.rootNode.descendantsOfType('string_literal') ?? []) { if (s) { ctx.report({ messageId: 'lit', range: apex!.nodeRange(s) }); } }
      },
    });
    const e = new Engine([everyLiteral]);
    const text = `public class Svc {\n${dataClass('Alpha')}    public void h() { Blob b = Crypto.generateAesKey(128); String s = 'x'; }\n}\n`;
    const tree = parseApex(text);
    assert.ok(modelledRanges(tree, text, ['weak-crypto']), 'Alpha is left out by the gate');
    tree.delete();
    const a = e.lint('/p/Svc.cls', text, { memberPrecheck: 'model' });
    assert.deepStrictEqual(a, e.lint('/p/Svc.cls', text, { memberPrecheck: false }));
    assert.strictEqual(a.findings.length, 9, 'the 8 literals of Alpha too');
    // The parse-level pre-check blanks Alpha before the parse, as the file-level one skips a whole file: no tree, no
    // net. Only right gates keep it exact, which bench/precheck-equivalence.mjs checks on whole repositories.
    assert.strictEqual(e.lint('/p/Svc.cls', text, { memberPrecheck: true }).findings.length, 1);
  });
});
