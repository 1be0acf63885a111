import * as assert from 'assert';
import { applySuppressions, parseDirectives } from '../../src/core/suppressions';
import { LineIndex } from '../../src/core/position';
import type { FileKind, Finding } from '../../src/core/types';

/** A finding of `ruleId` on the first occurrence of `needle` in `text`. */
function at(text: string, needle: string, ruleId = 'hardcoded-secret'): Finding {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `fixture lacks ${needle}`);
  const lines = new LineIndex(text);
  return { ruleId, severity: 'error', message: 'm', path: '/p/f', range: lines.rangeOf(i, i + needle.length) };
}
function run(text: string, kind: FileKind, findings: Finding[]): Finding[] {
  return applySuppressions(findings, new LineIndex(text), kind);
}

const APEX = `public with sharing class StripeClient {
    // apiguard-disable-next-line hardcoded-secret, hardcoded-credential -- test-mode key, rotated weekly
    private static final String KEY = 'sk_test_51H8xQ2abcdefghijklmnopqrstu';
    private static final String OTHER = 'sk_live_51H8xQ2abcdefghijklmnopqrstu'; // apiguard-disable-line hardcoded-secret
    private static final String THIRD = 'sk_live_99H8xQ2abcdefghijklmnopqrstu';

    public HttpResponse charge(String body) {
        HttpRequest req = new HttpRequest();
        // apiguard-disable-next-line callout-without-named-credential
        req.setEndpoint('https://api.stripe.com/v1/charges');
        req.setHeader('Authorization', 'Bearer ' + KEY);
        return new Http().send(req);
    }
}
`;

describe('suppressions', () => {
  it('disable-next-line covers the next line for the listed rules, with the reason after --', () => {
    const [f] = run(APEX, 'apex', [at(APEX, "'sk_test_51H8xQ2abcdefghijklmnopqrstu'")]);
    assert.deepStrictEqual(f.suppressed?.kind, 'inline');
    assert.strictEqual(f.suppressed?.justification, 'test-mode key, rotated weekly');
    assert.strictEqual(f.suppressed?.location?.start.line, 1);
    assert.strictEqual(f.suppressed?.location?.start.character, 4);
  });

  it('a second rule in the list is covered too; a rule not in the list is not', () => {
    const [cred, other] = run(APEX, 'apex', [at(APEX, 'KEY =', 'hardcoded-credential'), at(APEX, 'KEY =', 'insecure-endpoint')]);
    assert.ok(cred.suppressed);
    assert.strictEqual(other.suppressed, undefined);
  });

  it('disable-line (trailing comment) covers its own line only', () => {
    const out = run(APEX, 'apex', [at(APEX, "'sk_live_51H8"), at(APEX, "'sk_live_99H8")]);
    assert.ok(out[0].suppressed);
    assert.strictEqual(out[0].suppressed.justification, undefined);
    assert.strictEqual(out[1].suppressed, undefined, 'the line below the trailing comment is not covered');
  });

  it('a wrong rule id does not suppress', () => {
    const [f] = run(APEX, 'apex', [at(APEX, "'https://api.stripe.com/v1/charges'", 'insecure-endpoint')]);
    assert.strictEqual(f.suppressed, undefined);
    const [g] = run(APEX, 'apex', [at(APEX, "'https://api.stripe.com/v1/charges'", 'callout-without-named-credential')]);
    assert.ok(g.suppressed);
    // The Authorization header two lines below the directive is not covered.
    const [h] = run(APEX, 'apex', [at(APEX, "'Bearer '", 'callout-without-named-credential')]);
    assert.strictEqual(h.suppressed, undefined);
  });

  it('a directive without rules covers every rule; rule ids are case-insensitive', () => {
    const text = `Integer a = 1;\n// apiguard-disable-next-line\nString t = 'AKIAIOSFODNN7EXAMPLE';\n// apiguard-disable-next-line Hardcoded-Secret -- fixture\nString u = 'AKIAIOSFODNN7EXAMPLF';\n`;
    const out = run(text, 'apex', [at(text, "'AKIAIOSFODNN7EXAMPLE'", 'weak-crypto'), at(text, "'AKIAIOSFODNN7EXAMPLF'")]);
    assert.ok(out[0].suppressed);
    assert.strictEqual(out[1].suppressed?.justification, 'fixture');
  });

  it('a block-comment file directive anywhere covers the rule in the whole file', () => {
    const text = `public class Legacy {\n  String a = 'AKIAIOSFODNN7EXAMPLE';\n  String b = 'x';\n}\n/* apiguard-disable-file hardcoded-secret -- vendored sample */\n`;
    const out = run(text, 'apex', [at(text, "'AKIAIOSFODNN7EXAMPLE'"), at(text, "'x'", 'hardcoded-credential')]);
    assert.strictEqual(out[0].suppressed?.kind, 'file');
    assert.strictEqual(out[0].suppressed?.justification, 'vendored sample');
    assert.strictEqual(out[1].suppressed, undefined);
  });

  it('a file directive inside a multi-line doc comment works', () => {
    const text = `/**\n * Sample client.\n * apiguard-disable-file hardcoded-credential\n */\npublic class C { String password = 'hunter22'; }\n`;
    const [f] = run(text, 'apex', [at(text, "'hunter22'", 'hardcoded-credential')]);
    assert.strictEqual(f.suppressed?.kind, 'file');
  });

  it('the token outside a comment does nothing', () => {
    const text = `String s = 'x';\nString apiguard_disable_next_line = 'AKIAIOSFODNN7EXAMPLE';\nString v = 'AKIAIOSFODNN7EXAMPLE'; String apiguard-disable-line;\n`;
    const out = run(text, 'apex', [at(text, "'AKIAIOSFODNN7EXAMPLE'")]);
    assert.strictEqual(out[0].suppressed, undefined);
    assert.deepStrictEqual(parseDirectives(new LineIndex(text), 'apex'), []);
  });

  it('XML: <!-- apiguard-disable-next-line … --> and <!-- apiguard-disable-file … -->', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">
    <!-- apiguard-disable-next-line insecure-endpoint -- internal test stub, no data -->
    <endpoint>http://stub.internal.example.com</endpoint>
    <label>Stub</label>
    <password>Winter2024!</password>
</NamedCredential>
`;
    const out = run(xml, 'xml', [at(xml, 'http://stub.internal.example.com', 'insecure-endpoint'), at(xml, 'Winter2024!', 'hardcoded-credential')]);
    assert.strictEqual(out[0].suppressed?.justification, 'internal test stub, no data');
    assert.strictEqual(out[1].suppressed, undefined);
    const xml2 = xml.replace('<label>Stub</label>', '<label>Stub</label><!-- apiguard-disable-file hardcoded-credential -->');
    const out2 = run(xml2, 'xml', [at(xml2, 'Winter2024!', 'hardcoded-credential')]);
    assert.strictEqual(out2[0].suppressed?.kind, 'file');
    // `//` is not a comment in XML.
    const xml3 = xml.replace('<!-- apiguard-disable-next-line insecure-endpoint -- internal test stub, no data -->', '// apiguard-disable-next-line insecure-endpoint');
    assert.strictEqual(run(xml3, 'xml', [at(xml3, 'http://stub.internal.example.com', 'insecure-endpoint')])[0].suppressed, undefined);
  });

  it('# comments in .env, YAML and properties', () => {
    const env = `# apiguard-disable-next-line hardcoded-secret -- sandbox only\nSF_ACCESS_TOKEN=00D5g000004VbPq!AQ0AQ.fake\nSTRIPE_KEY=sk_live_abc # apiguard-disable-line\nNEXT=sk_live_def\n`;
    const out = run(env, 'env', [at(env, '00D5g'), at(env, 'sk_live_abc'), at(env, 'sk_live_def')]);
    assert.strictEqual(out[0].suppressed?.justification, 'sandbox only');
    assert.ok(out[1].suppressed);
    assert.strictEqual(out[2].suppressed, undefined);
    const yaml = `jobs:\n  deploy:\n    env:\n      # apiguard-disable-next-line hardcoded-credential\n      SF_PASSWORD: "Winter2024!"\n`;
    assert.ok(run(yaml, 'yaml', [at(yaml, '"Winter2024!"', 'hardcoded-credential')])[0].suppressed);
    const props = `! apiguard-disable-file\nsf.password=Winter2024!\n`;
    assert.strictEqual(run(props, 'properties', [at(props, 'Winter2024!', 'hardcoded-credential')])[0].suppressed?.kind, 'file');
    // `#` glued to a value is not a comment.
    const glued = `URL=https://x.example.com/a#apiguard-disable-line\n`;
    assert.strictEqual(run(glued, 'env', [at(glued, 'https://x', 'insecure-endpoint')])[0].suppressed, undefined);
  });

  it('keeps findings and order, and returns the same array when there is no directive', () => {
    const text = `String a = 'x';\nString b = 'y';\n`;
    const findings = [at(text, "'x'"), at(text, "'y'")];
    assert.strictEqual(run(text, 'apex', findings), findings);
  });

  // Guards against quadratic matching (20,000 lines x 2,000 findings would take seconds), not a speed
  // target: the bounds leave room for a loaded CI machine.
  it('is fast on a large file without directives and with many', () => {
    const line = `        req.setHeader('X-Trace', 'abc' + String.valueOf(i)); // ordinary comment\n`;
    const big = line.repeat(20000);
    const findings = Array.from({ length: 2000 }, (_, i) => ({ ruleId: 'r', severity: 'error' as const, message: 'm', path: '/p',
      range: { start: { line: i * 10, character: 8 }, end: { line: i * 10, character: 20 } } }));
    let t = performance.now();
    run(big, 'apex', findings);
    assert.ok(performance.now() - t < 500, `no-directive path: ${performance.now() - t} ms`);
    const withDirectives = (`// apiguard-disable-next-line r -- ok\n` + line).repeat(5000);
    t = performance.now();
    const out = run(withDirectives, 'apex', findings.map(f => ({ ...f, range: { start: { line: 1, character: 8 }, end: { line: 1, character: 9 } } })));
    assert.ok(out.every(f => f.suppressed));
    assert.ok(performance.now() - t < 500, `with directives: ${performance.now() - t} ms`);
  });
});
