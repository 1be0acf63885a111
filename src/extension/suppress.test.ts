import * as assert from 'assert';
import type { Engine } from '../core/engine';
import { fileKindOf } from '../core/fileKind';
import { createEngine } from '../node/createEngine';
import { commentStyle, disableFileEdit, disableLineEdit, linesForDisable, type LineEdit } from './suppress';

function apply(text: string, e: LineEdit): string {
  const lines = text.split('\n');
  if (e.insert) { lines.splice(e.line, 0, e.text.replace(/\n$/, '')); } else {
    lines[e.line] = lines[e.line].slice(0, e.character) + e.text + lines[e.line].slice(e.character);
  }
  return lines.join('\n');
}

const SHIPPING = `public without sharing class ShippingClient {
    private static final String BASE_URL = 'http://legacy-shipping.example.net/api';
    private static final String PASSWORD = 'Winter2024!Ship';

    public static HttpResponse quote(String postalCode) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(BASE_URL + '/quote?zip=' + EncodingUtil.urlEncode(postalCode, 'UTF-8'));
        req.setMethod('GET');
        return new Http().send(req);
    }
}
`;
const REMOTE_SITE = `<?xml version="1.0" encoding="UTF-8"?>
<RemoteSiteSetting xmlns="http://soap.sforce.com/2006/04/metadata">
    <description>Legacy shipping quotes</description>
    <disableProtocolSecurity>true</disableProtocolSecurity>
    <isActive>true</isActive>
    <url>https://legacy-shipping.example.net</url>
</RemoteSiteSetting>
`;

describe('suppression quick fixes (text edits)', () => {
  let engine: Engine;
  before(async () => { engine = await createEngine(); });

  const unsuppressed = (path: string, text: string, rule: string) =>
    engine.lint(path, text).findings.filter(f => f.ruleId === rule && !f.suppressed);

  it('"for this line" puts an indented disable-next-line comment above, with a reason placeholder, and the engine honours it', () => {
    const path = '/p/force-app/main/default/classes/ShippingClient.cls';
    const [f] = unsuppressed(path, SHIPPING, 'insecure-endpoint');
    assert.ok(f, 'precondition: the finding exists');
    const e = disableLineEdit(SHIPPING.split('\n'), f.range.start.line, 'insecure-endpoint', commentStyle(path, 'apex', 'line')!)!;
    assert.deepStrictEqual(e, { line: 1, character: 0, insert: true, text: '    // apiguard-disable-next-line insecure-endpoint -- reason\n', select: { line: 1, text: 'reason' } });
    const fixed = apply(SHIPPING, e);
    assert.strictEqual(unsuppressed(path, fixed, 'insecure-endpoint').length, 0);
    const suppressed = engine.lint(path, fixed).findings.find(x => x.ruleId === 'insecure-endpoint');
    assert.strictEqual(suppressed?.suppressed?.justification, 'reason');
    assert.ok(unsuppressed(path, fixed, 'hardcoded-credential').length > 0, 'other rules on other lines still report');
  });

  it('"for this line" appends the rule to an existing disable-next-line comment instead of stacking comments', () => {
    const lines = ['    // apiguard-disable-next-line hardcoded-credential -- rotated in Q3', "    private static final String PASSWORD = 'x';"];
    const e = disableLineEdit(lines, 1, 'hardcoded-secret', commentStyle('/a.cls', 'apex', 'line')!)!;
    assert.strictEqual(apply(lines.join('\n'), e).split('\n')[0], '    // apiguard-disable-next-line hardcoded-credential, hardcoded-secret -- rotated in Q3');
    assert.strictEqual(disableLineEdit(lines, 1, 'hardcoded-credential', commentStyle('/a.cls', 'apex', 'line')!), undefined, 'already covered');
    assert.strictEqual(disableLineEdit(['// apiguard-disable-next-line', 'x'], 1, 'hardcoded-secret', commentStyle('/a.cls', 'apex', 'line')!), undefined, 'a bare directive covers every rule');
  });

  it('uses XML comments in metadata and keeps the XML declaration first for file-level disables', () => {
    const path = '/p/force-app/main/default/remoteSiteSettings/Legacy.remoteSite-meta.xml';
    const kind = fileKindOf(path)!;
    const [f] = unsuppressed(path, REMOTE_SITE, 'remote-site-insecure');
    assert.ok(f, 'precondition: the finding exists');
    const line = disableLineEdit(REMOTE_SITE.split('\n'), f.range.start.line, 'remote-site-insecure', commentStyle(path, kind, 'line')!)!;
    assert.strictEqual(line.text, '    <!-- apiguard-disable-next-line remote-site-insecure -- reason -->\n');
    assert.strictEqual(unsuppressed(path, apply(REMOTE_SITE, line), 'remote-site-insecure').length, 0);
    const file = disableFileEdit(REMOTE_SITE.split('\n'), 'remote-site-insecure', commentStyle(path, kind, 'file')!)!;
    assert.strictEqual(file.line, 1, 'after <?xml ...?>');
    const fixed = apply(REMOTE_SITE, file);
    assert.ok(fixed.startsWith('<?xml'));
    assert.strictEqual(unsuppressed(path, fixed, 'remote-site-insecure').length, 0);
  });

  it('"for this file" adds a block comment at the top of Apex, or extends an existing one', () => {
    const path = '/p/force-app/main/default/classes/ShippingClient.cls';
    const e = disableFileEdit(SHIPPING.split('\n'), 'insecure-endpoint', commentStyle(path, 'apex', 'file')!)!;
    assert.strictEqual(e.text, '/* apiguard-disable-file insecure-endpoint -- reason */\n');
    const fixed = apply(SHIPPING, e);
    assert.strictEqual(unsuppressed(path, fixed, 'insecure-endpoint').length, 0);
    const again = disableFileEdit(fixed.split('\n'), 'hardcoded-credential', commentStyle(path, 'apex', 'file')!)!;
    assert.strictEqual(apply(fixed, again).split('\n')[0], '/* apiguard-disable-file insecure-endpoint, hardcoded-credential -- reason */');
  });

  it('offers no comment where the format has none (JSON, CSV) and # in .env, YAML and properties files', () => {
    assert.strictEqual(commentStyle('/p/config.json', 'json', 'line'), undefined);
    assert.strictEqual(commentStyle('/p/data.csv', 'text', 'line'), undefined);
    assert.deepStrictEqual(commentStyle('/p/.env', 'env', 'line'), { open: '#', close: '' });
    assert.deepStrictEqual(commentStyle('/p/ci.yml', 'yaml', 'file'), { open: '#', close: '' });
    const e = disableLineEdit(['export.batchSize=200', 'export.apiKey=AKIA4QWERTYUIOPASDFG'], 1, 'hardcoded-secret', commentStyle('/p/a.properties', 'properties', 'line')!)!;
    assert.strictEqual(e.text, '# apiguard-disable-next-line hardcoded-secret -- reason\n');
  });
});

describe('lines the "Disable …" quick fixes read (code actions run on the extension host thread)', () => {
  // A 16,000-line class with disable comments here and there (in the head, above some lines).
  const lineCount = 16000;
  const full = Array.from({ length: lineCount }, (_, i) =>
    i === 3 ? '/* apiguard-disable-file insecure-endpoint -- reason */'
      : i % 997 === 0 ? '        // apiguard-disable-next-line hardcoded-credential -- legacy'
        : `        String s${i} = 'value ${i}';`);

  it('reads the first 20 lines and each finding line with the one above it, not the whole document', () => {
    let reads = 0;
    const at = [8000, 8001, 12000, 0, lineCount - 1];
    const lines = linesForDisable(lineCount, at, i => { reads++; return full[i]; });
    assert.equal(lines.length, lineCount);
    assert.ok(reads <= 20 + 2 * at.length, `${reads} lines read`);
  });

  it('gives the same edits as the whole document', () => {
    const style = { open: '//', close: '' };
    const block = { open: '/*', close: ' */' };
    for (const line of [0, 1, 3, 4, 997, 998, 5000, 9970, 9971, lineCount - 1]) {
      for (const rule of ['hardcoded-credential', 'insecure-endpoint', 'credential-in-url']) {
        const sparse = linesForDisable(lineCount, [line], i => full[i]);
        assert.deepEqual(disableLineEdit(sparse, line, rule, style), disableLineEdit(full, line, rule, style), `line ${line} ${rule}`);
        assert.deepEqual(disableFileEdit(sparse, rule, block), disableFileEdit(full, rule, block), `file ${rule}`);
      }
    }
  });
});
