// One problem, one finding: rules that yield to a more precise rule at the same place (engine + real rules).
import * as assert from 'assert';
import { createEngine } from '../../src/node/createEngine';

const CLS = '/p/force-app/main/default/classes/FilesSync.cls';

describe('one problem, one finding (real rules)', () => {
  it('a literal credential in a callout URL is reported by credential-in-url, not again by hardcoded-credential', async () => {
    const engine = await createEngine();
    const text = `public with sharing class FilesSync {
    public static final String APP_SECRET = 'q7w8e9r0t1y2u3i';
    public static HttpResponse token() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.files.example/oauth2/token?grant_type=client_credentials&client_secret=' + APP_SECRET);
        req.setMethod('POST');
        return new Http().send(req);
    }
}
`;
    const found = engine.lint(CLS, text).findings.map(f => `${f.ruleId}@${f.range.start.line + 1}:${f.range.start.character}`);
    const secretLine = found.filter(f => f.endsWith('@2:44'));
    assert.deepStrictEqual(secretLine, ['credential-in-url@2:44'], found.join(', '));
    assert.ok(found.some(f => f.startsWith('callout-without-named-credential@5')), found.join(', '));
  });

  it('with credential-in-url off, hardcoded-credential still reports the constant', async () => {
    const engine = await createEngine();
    const text = `public class C {\n    static final String API_PASSWORD = 'Zx81-kq2LmW';\n    void m() { HttpRequest r = new HttpRequest(); r.setEndpoint('https://x.example/a?password=' + API_PASSWORD); }\n}\n`;
    const ids = engine.lint(CLS, text, { rules: { 'credential-in-url': 'off' } }).findings.map(f => f.ruleId);
    assert.ok(ids.includes('hardcoded-credential'), ids.join(', '));
  });
});
