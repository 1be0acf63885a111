import * as assert from 'assert';
import { Engine } from '../engine';
import { allRules } from '../../rules';
import { locateApexAssets } from '../../node/assets';
import { initApexParser, setReadyParser } from './parser';
import { blankSpan, testClassSpan } from './testClass';

const SECRET = 'ghp_R7x2Kq9LmZ4vT8wYb3Nc6Hd1Jf5Gs0PqWeUa';
const TEST_CLASS = `/**
 * Tests for the uploader. Old token: ${SECRET}
 */
@IsTest(SeeAllData=false)
private with sharing class UploaderTest extends BaseTest implements Database.Batchable<SObject> {
    // '{' in a comment, and '}' in a string: '}'
    static String k = 'sk_live_51Hx9K2eZvKYlo2Cq8Rt3Wm7aQ';
    @IsTest static void go() { HttpRequest r = new HttpRequest(); r.setEndpoint('http://api.example.com/v1'); }
}
// trailing comment
`;

describe('test classes found on the text', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine(allRules); });

  it('finds the span of exactly one @IsTest class, from its first annotation to its closing brace', () => {
    const span = testClassSpan(TEST_CLASS)!;
    assert.ok(span);
    assert.strictEqual(TEST_CLASS.slice(span.start, span.start + 7), '@IsTest');
    assert.strictEqual(TEST_CLASS.slice(span.end - 1, span.end + 1), '}\n');
    const blank = blankSpan(TEST_CLASS, span);
    assert.strictEqual(blank.length, TEST_CLASS.length);
    assert.strictEqual(blank.split('\n').length, TEST_CLASS.split('\n').length);
    assert.ok(!blank.includes('sk_live_') && blank.includes(SECRET) && blank.includes('// trailing comment'));
    for (const t of ['@isTest\nprivate class T {}', 'private @IsTest class T {}', '@TestVisible @IsTest class T { }', '// c\n@IsTest\npublic class T<X> { }']) {
      assert.ok(testClassSpan(t), t);
    }
  });

  it('leaves anything it does not recognise to the full lint', () => {
    for (const t of [
      'public class NotTest { @IsTest static void t() {} }',        // a test method in a normal class
      '@IsTest private class T { void a() { }',                     // unbalanced
      '@IsTest private class T { } public class U { }',             // more after the class
      "@IsTest private class T { String s = 'no end; }",            // unterminated string
      '@IsTest private class T { /* unterminated }',
      '@IsTest private class T extends X(1) { }',                   // not a class header
      '@IsTest interface T { }',
      '@IsTest(SeeAllData=true private class T { }',
      '/* unterminated header',
      '',
    ]) {
      assert.strictEqual(testClassSpan(t), undefined, t);
    }
  });

  it('a test class gives the findings a full lint keeps: those in the comments around it, none inside', () => {
    const file = '/p/force-app/main/default/classes/UploaderTest.cls';
    const fast = engine.lint(file, TEST_CLASS);
    const full = engine.lint(file, TEST_CLASS, { precheck: false });
    assert.deepStrictEqual(fast.findings, full.findings);
    assert.deepStrictEqual(fast.findings.map(f => [f.ruleId, f.range.start.line]), [['hardcoded-secret', 1]]);
    const withTests = engine.lint(file, TEST_CLASS, { includeTests: true });
    assert.ok(withTests.findings.some(f => f.ruleId === 'insecure-endpoint'), 'includeTests still lints the class');
  });
});
