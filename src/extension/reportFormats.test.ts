import * as assert from 'assert';
import type { RuleMeta } from '../core/rule';
import type { ReportInput } from '../core/report/model';
import { toHtml, toMarkdown } from './reportFormats';

const rules: RuleMeta[] = [
  { id: 'insecure-endpoint', type: 'problem', defaultSeverity: 'error', description: 'Callout endpoint over plain http://', kinds: ['apex'], messages: {} },
  { id: 'hardcoded-credential', type: 'problem', defaultSeverity: 'error', description: 'Credential | literal', kinds: ['apex'], messages: {} },
];
const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character: character + 5 } });
const input: ReportInput = {
  root: '/work/p', filesScanned: 12, durationMs: 40,
  reports: [
    { path: '/work/p/force-app/main/default/classes/ShippingClient.cls', notes: [], findings: [
      { ruleId: 'insecure-endpoint', severity: 'error', message: 'Callout endpoint uses plain http://', path: '/work/p/force-app/main/default/classes/ShippingClient.cls', range: at(1, 43) },
      { ruleId: 'hardcoded-credential', severity: 'warning', message: "The credential 'PASSWORD' is hardcoded ('Wint…' (15 chars)) | <b>", path: '/work/p/force-app/main/default/classes/ShippingClient.cls', range: at(2, 43) },
      { ruleId: 'hardcoded-credential', severity: 'error', message: 'suppressed one', path: '/work/p/force-app/main/default/classes/ShippingClient.cls', range: at(5, 1), suppressed: { kind: 'inline', justification: 'test double' } },
    ] },
  ],
};

describe('Markdown and HTML reports', () => {
  it('Markdown: summary, per-rule counts, findings by severity with 1-based lines; suppressed findings only counted', () => {
    const md = toMarkdown(input, rules, '0.1.0');
    assert.match(md, /^# API Guard report\n\n1 error, 1 warning, 0 info in 1 of 12 files \(1 suppressed\)\. API Guard 0\.1\.0\./);
    assert.match(md, /\| \[insecure-endpoint\]\(https:\/\/[^)]+\/insecure-endpoint\/docs\.md\) \| 1 \| Callout endpoint over plain http:\/\/ \|/);
    assert.ok(md.includes('| error | force-app/main/default/classes/ShippingClient.cls | 2 | insecure-endpoint |'));
    assert.ok(md.includes("| warning | force-app/main/default/classes/ShippingClient.cls | 3 | hardcoded-credential | The credential 'PASSWORD' is hardcoded ('Wint…' (15 chars)) \\| <b> |"), 'pipes escaped');
    assert.ok(md.indexOf('| error |') < md.indexOf('| warning |'), 'errors first');
    assert.ok(!md.includes('suppressed one'));
  });

  it('HTML: escaped, no script, a CSP that allows only inline styles', () => {
    const html = toHtml(input, rules, '0.1.0');
    assert.ok(html.includes(`content="default-src 'none'; style-src 'unsafe-inline'"`));
    assert.ok(!/<script/i.test(html));
    assert.ok(html.includes('&lt;b&gt;') && !html.includes('<b>'), 'messages are escaped');
    assert.ok(html.includes('<td>insecure-endpoint</td>'));
  });

  it('says so when there is nothing to report', () => {
    const empty: ReportInput = { root: '/w', filesScanned: 3, durationMs: 1, reports: [], cancelled: true };
    assert.match(toMarkdown(empty, rules, '1'), /0 errors, 0 warnings, 0 info in 0 of 3 files \(scan cancelled: partial results\)[\s\S]*No findings\./);
    assert.match(toHtml(empty, rules, '1'), /<p>No findings\.<\/p>/);
  });
});
