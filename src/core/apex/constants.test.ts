import * as assert from 'assert';
import { ApexConstantsDoc, scanApexConstants } from './constants';

/** Deterministic PRNG (mulberry32), so a failure names a reproducible seed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A class with every kind of constant the scan reads, and bodies with strings, comments, escapes and assignments. */
const CLASS = `public class Config {
    public static final String BASE = 'https://api.example.com'; public static String MODE = 'live';
    private static String HOST;
    public static String TOKEN_URL = BASE + '/oauth/token';
    static {
        HOST = 'login.example.com';
        init(HOST);
    }
    public class Inner {
        public String fullName; private Integer count_x;
        public static final String PATH = '/v1/' + 'items';
        private String[] field_order_type_info = new String[]{'fullName','count_x'};
        public String get() { return 'a\\'b' + PATH; /* x = 'y' */ }
    }
    public void send(HttpRequest req) {
        // a note
        String local = 'it\\'s'; Integer n = 1;
        Integer m = n + 1;
        if (n == 2) { local = local + 'x'; }
        req.setEndpoint(BASE + '/items?q=' + local);
    }
    public String name { get { return 'n'; } set; }
}
`;

// Typing and deleting: mostly word characters (the edits the cache keeps), sometimes the ones that change the scan.
const TYPED = ['a', 'b', 'Z', '_', '1', ' ', ' ', '\t', 'x', 'MODE', "'", '{', '}', '=', '+', '/', '*', '\\', '\n', '==', ';'];

describe('ApexConstantsDoc (the editor worker\'s constants between edits)', () => {
  it('after each of 4,000 random edits its constants equal a fresh scan of the text, and most keystrokes in bodies reuse them', () => {
    const next = rng(77);
    let reusedInBody = 0, edits = 0;
    for (let round = 0; round < 40; round++) {
      const doc = new ApexConstantsDoc('/p/Config.cls', CLASS);
      assert.deepStrictEqual(doc.constants(), scanApexConstants('/p/Config.cls', CLASS));
      for (let i = 0; i < 100; i++) {
        const text = doc.current;
        const start = Math.floor(next() * (text.length + 1));
        const del = next() < 0.4 ? Math.floor(next() * 3) : 0;
        const end = Math.min(text.length, start + del);
        const ins = next() < 0.8 ? TYPED[Math.floor(next() * TYPED.length)] : '';
        const scans = doc.scans;
        doc.edit(start, end, ins);
        const want = scanApexConstants('/p/Config.cls', doc.current);
        assert.deepStrictEqual(doc.constants(), want, `round ${round}, edit ${i}: ${JSON.stringify({ start, end, ins })}`);
        edits++;
        if (doc.scans === scans && /^\w$/.test(ins)) { reusedInBody++; }
      }
    }
    assert.ok(reusedInBody > 100, `reused ${reusedInBody} of ${edits}`);
  });

  it('typing and deleting inside a constant\'s string literal keeps the constants without a scan: only that value and the columns after it on its line change', () => {
    // Literals of constants (two on one line, one a non-final static whose assignments the scan counts), edited
    // at random inside: quotes, backslashes, line breaks, `=` and `+` (they can move strings or assignments) rescan.
    const typed = ['a', 'Z', '_', '1', ' ', '.', ':', '/', '?', '&', '{', '}', '*', '-', 'MODE', ' MODE', "'", '\\', '\n', '=', '+', ' ='];
    const next = rng(13);
    let kept = 0, edits = 0;
    for (let round = 0; round < 20; round++) {
      const doc = new ApexConstantsDoc('/p/Config.cls', CLASS);
      for (let i = 0; i < 100; i++) {
        const lits = doc.constants().flatMap(c => c.parts.flatMap(p => (p.kind === 'literal' ? [p] : [])));
        if (!lits.length) { break; }                 // a quote or an assignment typed left no constant with a literal
        const lit = lits[Math.floor(next() * lits.length)];
        const start = lit.start + 1 + Math.floor(next() * (lit.end - lit.start - 1));
        const end = Math.min(lit.end - 1, start + (next() < 0.4 ? Math.floor(next() * 3) : 0));
        const ins = next() < 0.8 ? typed[Math.floor(next() * typed.length)] : '';
        const scans = doc.scans;
        doc.edit(start, Math.max(start, end), ins);
        assert.deepStrictEqual(doc.constants(), scanApexConstants('/p/Config.cls', doc.current), `round ${round}, edit ${i}: ${JSON.stringify({ start, end, ins })}`);
        edits++;
        if (doc.scans === scans) { kept++; }
      }
    }
    assert.ok(kept > edits / 2, `kept ${kept} of ${edits}`);
  });

  it('an edit inside a constant\'s literal that adds `MODE =` to the text (the scan counts it as an assignment) drops MODE', () => {
    const doc = new ApexConstantsDoc('/p/Config.cls', CLASS);
    assert.ok(doc.constants().some(c => c.name === 'MODE'));
    const at = CLASS.indexOf("'/oauth/token'") + 1;
    doc.edit(at, at, 'MODE ');
    doc.edit(at + 5, at + 5, '=');
    assert.ok(!doc.constants().some(c => c.name === 'MODE'));
    assert.deepStrictEqual(doc.constants(), scanApexConstants('/p/Config.cls', doc.current));
  });

  it('a text that grows past 2 MB by neutral edits has no constants, as a fresh scan says', () => {
    const big = CLASS.replace('// a note', `// ${'x'.repeat(2 * 1024 * 1024 - CLASS.length - 10)}`);
    const doc = new ApexConstantsDoc('/p/Config.cls', big);
    assert.ok(doc.constants().length > 0);
    const at = big.indexOf('req.setEndpoint') + 1;
    doc.edit(at, at, 'abcdefghijklmnopqrstuvwxyz');
    assert.deepStrictEqual(doc.constants(), scanApexConstants('/p/Config.cls', doc.current));
    assert.strictEqual(doc.constants().length, 0);
  });

  it('an edit that adds an assignment of a static in a method body drops it from the constants', () => {
    const doc = new ApexConstantsDoc('/p/Config.cls', CLASS);
    assert.ok(doc.constants().some(c => c.name === 'MODE'));
    const at = CLASS.indexOf('Integer n');
    doc.edit(at, at, "MODE = 'test'; ");
    assert.ok(!doc.constants().some(c => c.name === 'MODE'));
    assert.strictEqual(doc.scans, 2);
  });

  it('typing in a field of a class without `static` keeps the constants without a scan; typing `static` there does not', () => {
    const doc = new ApexConstantsDoc('/p/Config.cls', CLASS);
    doc.constants();
    const at = CLASS.indexOf('fullName;') + 4;
    doc.edit(at, at, 'x');
    assert.deepStrictEqual(doc.constants(), scanApexConstants('/p/Config.cls', doc.current));
    assert.strictEqual(doc.scans, 1);
    const at2 = CLASS.indexOf('public String fullName') + 'public '.length;
    doc.edit(at2, at2, 'static ');
    doc.constants();
    assert.strictEqual(doc.scans, 2);
  });

  it('renaming the target of an assignment in a body: a local keeps the constants; into a static they count, it rescans', () => {
    const doc = new ApexConstantsDoc('/p/Config.cls', CLASS);
    assert.ok(doc.constants().some(c => c.name === 'MODE'));
    const at = CLASS.indexOf('local = local');
    doc.edit(at, at + 5, 'locals');                 // locals = local + 'x': a local, not a counted static
    doc.constants();
    assert.strictEqual(doc.scans, 1);
    doc.edit(at, at + 6, 'MODE');                   // MODE = local + 'x': MODE is assigned twice now
    assert.ok(!doc.constants().some(c => c.name === 'MODE'));
    assert.strictEqual(doc.scans, 2);
    assert.deepStrictEqual(doc.constants(), scanApexConstants('/p/Config.cls', doc.current));
  });

  it('typing a word in a method body keeps the constants without a scan', () => {
    const doc = new ApexConstantsDoc('/p/Config.cls', CLASS);
    const before = doc.constants();
    const at = CLASS.indexOf('req.setEndpoint') + 1;
    doc.edit(at, at, 'eq');                         // req → reqeq
    assert.deepStrictEqual(doc.constants(), before);
    assert.strictEqual(doc.scans, 1);
  });
  it('typing a statement\'s punctuation in a method body keeps the constants without a scan; a quote, a brace or a line break rescans', () => {
    const doc = new ApexConstantsDoc('/p/Config.cls', CLASS);
    const before = doc.constants();
    let at = CLASS.indexOf('req.setEndpoint');
    for (const typed of ['String x', ' ', '=', ' ', 'req', '.', 'getBody', '(', ')', ' + ', '1', ';', ' ']) {
      doc.edit(at, at, typed);
      at += typed.length;
      assert.deepStrictEqual(doc.constants(), before);
    }
    assert.strictEqual(doc.scans, 1, 'no scan for words, spaces and punctuation other than quotes, braces and comment marks');
    doc.edit(at, at, "'");
    assert.deepStrictEqual(doc.constants(), scanApexConstants('/p/Config.cls', doc.current));
    assert.strictEqual(doc.scans, 2, 'a quote on a line with a brace, a slash or a backslash can move where strings (and so braces) are');
    // On a line with none of those, a quote only moves where a string of that line ends (at the latest, its end).
    const plain = doc.current.indexOf('Integer m = n + 1;');
    doc.edit(plain, plain, "String k = '");
    assert.deepStrictEqual(doc.constants(), scanApexConstants('/p/Config.cls', doc.current));
    assert.strictEqual(doc.scans, 2);
  });
});
