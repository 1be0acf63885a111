import * as assert from 'assert';
import { isValidDeveloperName, nameForOrigin, toDeveloperName, uniqueName } from './naming';
import { unifiedDiff, applyEdits } from './text';

describe('fix: Named Credential names', () => {
  it('derives a clear name from the host', () => {
    const cases: Array<[string, string]> = [
      ['https://api.stripe.com', 'Stripe_API'],
      ['https://login.microsoftonline.com', 'Microsoftonline_Login'],
      ['https://graph.microsoft.com', 'Microsoft_Graph'],
      ['https://www.googleapis.com', 'Googleapis'],
      ['https://hooks.slack.com', 'Slack_Hooks'],
      ['https://erp.acme-corp.com:8443', 'Acme_Corp_ERP_8443'],
      ['https://api.example.co.uk', 'Example_API'],
      ['https://10.0.0.5:8080', 'Host_10_0_0_5_8080'],
      ['https://eu.api.example.com', 'Example_EU_API'],
      ['https://3scale.net', 'N_3scale'],
      ['https://localhost', 'Localhost'],
    ];
    for (const [origin, name] of cases) {
      assert.strictEqual(nameForOrigin(origin), name, origin);
      assert.ok(isValidDeveloperName(name), name);
    }
  });

  it('stays a valid developer name for long and odd hosts', () => {
    const n = nameForOrigin('https://a-very-long-subdomain-label-for-testing.another-long-label.yet-another-one.execute-api.us-east-1.amazonaws.com');
    assert.ok(isValidDeveloperName(n) && n.length <= 60, n);
    assert.ok(!isValidDeveloperName('Bad__Name'));
    assert.ok(!isValidDeveloperName('_Bad'));
    assert.ok(!isValidDeveloperName('Bad_'));
    assert.ok(!isValidDeveloperName('9Bad'));
    assert.ok(!isValidDeveloperName('x'.repeat(81)));
    assert.strictEqual(toDeveloperName('  my payments -- api_ '), 'my_payments_api');
    assert.strictEqual(toDeveloperName('!!!'), undefined);
  });

  it('uniqueName appends _2, _3… and stays within 80 characters', () => {
    const taken = new Set(['stripe_api', 'stripe_api_2']);
    assert.strictEqual(uniqueName('Stripe_API', n => taken.has(n.toLowerCase())), 'Stripe_API_3');
    const long = 'A'.repeat(80);
    const u = uniqueName(long, n => n === long);
    assert.ok(u.length <= 80 && u.endsWith('_2'));
  });
});

describe('fix: text edits and unified diff', () => {
  it('applies edits by range and prints a unified diff with context', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const after = applyEdits(before, [
      { range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, newText: '' },
      { range: { start: { line: 6, character: 0 }, end: { line: 6, character: 1 } }, newText: 'G' },
    ]);
    assert.strictEqual(after, 'a\nc\nd\ne\nf\nG\nh\n');
    assert.strictEqual(unifiedDiff('x.cls', before, after),
      '--- a/x.cls\n+++ b/x.cls\n@@ -1,8 +1,7 @@\n a\n-b\n c\n d\n e\n f\n-g\n+G\n h\n');
    assert.strictEqual(unifiedDiff('x.cls', before, before), '');
    assert.strictEqual(unifiedDiff('n.xml', undefined, '<a/>\n'), '--- /dev/null\n+++ b/n.xml\n@@ -0,0 +1,1 @@\n+<a/>\n');
    assert.strictEqual(unifiedDiff('n.xml', '<a/>\n', undefined), '--- a/n.xml\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-<a/>\n');
  });

  it('splits distant changes into separate hunks', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const changed = [...lines];
    changed[2] = 'X'; changed[25] = 'Y';
    const d = unifiedDiff('f', lines.join('\n') + '\n', changed.join('\n') + '\n');
    assert.deepStrictEqual(d.split('\n').filter(l => l.startsWith('@@')), ['@@ -1,6 +1,6 @@', '@@ -23,7 +23,7 @@']);
  });
});
