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

describe('one problem, one finding: uses of a hardcoded value are related locations (engine)', () => {
  const at = (f: { range: { start: { line: number; character: number } } }) => `${f.range.start.line + 1}:${f.range.start.character + 1}`;

  it('the Basic-auth helper: one error where the password is written, one header (sink) finding naming that line', async () => {
    const engine = await createEngine();
    // Before: the literal, the Blob.valueOf(user + ':' + password) variable, the assembled base64 value and
    // the header were four errors, and the debug line a warning.
    const text = `public with sharing class ErpClient {
    private static final String USERNAME = 'integration.user';
    private static final String PASSWORD = 'Spring2019!xq';
    public HttpResponse send(String body) {
        Blob credentials = Blob.valueOf(USERNAME + ':' + PASSWORD);
        String authValue = 'Basic ' + EncodingUtil.base64Encode(credentials);
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:ERP/api/orders');
        req.setMethod('POST');
        req.setHeader('Authorization', authValue);
        System.debug('auth ' + authValue);
        req.setBody(body);
        return new Http().send(req);
    }
}
`;
    const findings = engine.lint(CLS, text).findings;
    assert.deepStrictEqual(findings.map(f => `${f.ruleId}@${at(f)}`), ['hardcoded-credential@3:44', 'hardcoded-authorization-header@10:9'],
      findings.map(f => `${f.ruleId}@${at(f)} ${f.message}`).join('\n'));
    const [value, sink] = findings;
    const related = (value.related ?? []).map(r => r.range.start.line + 1);
    for (const line of [5, 6, 11]) { assert.ok(related.includes(line), `line ${line} in ${related.join(',')}`); }
    assert.ok((sink.related ?? []).some(r => r.range.start.line === 2), 'the header finding names the password line');
    assert.ok(!JSON.stringify(findings).includes('Spring2019'), 'no secret in clear');
  });

  it('an HMAC key used twice: one finding at its definition with both calls as related locations', async () => {
    const engine = await createEngine();
    const text = `public with sharing class Signer {
    private static final Blob HMAC_KEY = Blob.valueOf('partner-hook-2019-k3y');
    public static String sign(String payload) {
        Blob mac = Crypto.generateMac('hmacSHA256', Blob.valueOf(payload), HMAC_KEY);
        return EncodingUtil.base64Encode(mac);
    }
    public static Boolean verify(String payload, String sig) {
        return Crypto.verifyHMac('hmacSHA256', Blob.valueOf(payload), HMAC_KEY, EncodingUtil.base64Decode(sig));
    }
}
`;
    const findings = engine.lint(CLS, text).findings;
    assert.deepStrictEqual(findings.map(f => `${f.ruleId}@${at(f)}`), ['hardcoded-credential@2:55'], findings.map(f => f.message).join('\n'));
    assert.deepStrictEqual((findings[0].related ?? []).map(r => `${r.range.start.line + 1}:${r.message}`),
      ['4:Used as the secret key of Crypto.generateMac here.', '8:Used as the secret key of Crypto.verifyHMac here.']);
  });

  it('two different secrets concatenated stay two findings; a use names the first', async () => {
    const engine = await createEngine();
    const text = `public class PartnerLogin {
    private static final String SECURITY_TOKEN = 'Qw3rtY7uIoP9aSdF';
    public static String body() {
        return '<urn:login><urn:password>Autumn2024!' + SECURITY_TOKEN + '</urn:password></urn:login>';
    }
}
`;
    const ids = engine.lint(CLS, text).findings.map(f => `${f.ruleId}@${at(f)}`);
    assert.deepStrictEqual(ids, ['hardcoded-credential@2:50', 'hardcoded-credential@4:16'], ids.join(', '));
  });

  it('with hardcoded-credential off, the debug lines and the header still say it', async () => {
    const engine = await createEngine();
    const text = `public class C {
    static final String API_PASSWORD = 'Zx81-kq2LmW';
    void m() { HttpRequest r = new HttpRequest(); r.setHeader('Authorization', 'Basic ' + EncodingUtil.base64Encode(Blob.valueOf('svc:' + API_PASSWORD))); System.debug(API_PASSWORD); }
}
`;
    const ids = engine.lint(CLS, text, { rules: { 'hardcoded-credential': 'off', 'hardcoded-secret': 'off' } }).findings.map(f => f.ruleId);
    assert.ok(ids.includes('hardcoded-authorization-header'), ids.join(', '));
    assert.ok(ids.includes('secret-in-debug-log'), ids.join(', '));
  });
});

describe('mergeByOrigin (engine, rules as data)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Engine } = require('../../src/core/engine') as typeof import('../../src/core/engine');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { defineRule } = require('../../src/core/rule') as typeof import('../../src/core/rule');
  // Text: line 1 is where the value is written (columns 4-10); other lines use it.
  const text = 'K = s3cr3t\nuse1\nheader1\nheader2\nlog\n';
  const R = (line: number, a: number, b: number) => ({ start: { line, character: a }, end: { line, character: b } });
  const origin = [{ range: R(0, 4, 10) }];
  const rule = (id: string, sink: boolean, reports: Array<{ range: ReturnType<typeof R>; origins?: typeof origin }>, severity: 'error' | 'warning' = 'error') =>
    defineRule({ meta: { id, type: 'problem', defaultSeverity: severity, description: id, kinds: ['text'], sink, relatedAs: `seen by ${id}`, messages: { m: `${id} finding` } },
      check(ctx) { for (const r of reports) { ctx.report({ messageId: 'm', range: r.range, ...(r.origins ? { origins: r.origins } : {}) }); } } });
  const value = rule('value', false, [{ range: R(0, 4, 10), origins: origin }, { range: R(1, 0, 4), origins: origin }]);
  const sink = rule('sink', true, [{ range: R(2, 0, 7), origins: origin }, { range: R(3, 0, 7), origins: origin }]);
  const log = rule('log', false, [{ range: R(4, 0, 3), origins: origin }], 'warning');
  const lint = (rules: ReturnType<typeof rule>[], o = {}) => new Engine(rules).lint('/p/notes.txt', text, o).findings;

  it('keeps the finding where the value is written and one sink; the rest become related locations', () => {
    const f = lint([value, sink, log]);
    assert.deepStrictEqual(f.map(x => `${x.ruleId}@${x.range.start.line}`), ['value@0', 'sink@2']);
    assert.deepStrictEqual(f[0].related?.map(r => `${r.range.start.line}:${r.message}`), ['1:seen by value (value).', '4:seen by log (log).']);
    assert.deepStrictEqual(f[1].related?.map(r => `${r.range.start.line}:${r.message}`), ['0:The credential is written here.', '3:seen by sink (sink).']);
  });
  it('without an anchor (the value rule off) uses are left as they are', () => {
    assert.deepStrictEqual(lint([value, sink, log], { rules: { value: 'off' } }).map(x => `${x.ruleId}@${x.range.start.line}`), ['sink@2', 'sink@3', 'log@4']);
  });
  it('does not depend on rule order', () => {
    assert.deepStrictEqual(lint([log, sink, value]), lint([value, sink, log]));
  });
});

describe('one problem, one finding: real-code shapes from the whole-repo validation', () => {
  it('a token set only when tests run is neither a credential nor a hardcoded header', async () => {
    const engine = await createEngine();
    const text = `public class Sys_Utilities_Integration {
    public static HttpRequest build(JitterbitAuthResponse resp) {
        HttpRequest httpRequest = new HttpRequest();
        String auth_token;
        if (!Test.isRunningTest())
            auth_token = resp.token;
        else
            auth_token = '1821929182x';
        String authorizationHeader = 'Bearer ' + auth_token;
        httpRequest.setHeader('Authorization', authorizationHeader);
        return httpRequest;
    }
}
`;
    const ids = engine.lint(CLS, text).findings.map(f => f.ruleId);
    assert.deepStrictEqual(ids.filter(i => i.startsWith('hardcoded')), [], ids.join(', '));
  });

  it('one JWT constant sent from five methods: one error at the constant and one header finding', async () => {
    const engine = await createEngine();
    const jwt = ['eyJhbGciOiJIUzUxMiJ9', 'eyJzdWIiOiJBQk1TQVA1Iiwicm9sZSI6ImFkbWluIn0', 'bGNrrMFzvIrCSHztMXr2JDHr9YhtQx81kq'].join('.');
    const calls = [1, 2, 3, 4, 5].map(i => `    public static HttpResponse call${i}() { HttpRequest r = new HttpRequest(); r.setEndpoint('callout:Dash/${i}'); r.setHeader('Authorization', 'Bearer ' + devToken); return new Http().send(r); }`).join('\n');
    const text = `public class DashboardController {\n    private static final String devTokenValue = '${jwt}';\n    private static String devToken = devTokenValue;\n${calls}\n}\n`;
    const f = engine.lint(CLS, text).findings.filter(x => x.severity === 'error');
    assert.deepStrictEqual(f.map(x => `${x.ruleId}@${x.range.start.line + 1}`), ['hardcoded-secret@2', 'hardcoded-authorization-header@4'], f.map(x => x.message).join('\n'));
    assert.strictEqual(f[1].related?.filter(r => /header/.test(r.message)).length, 4, JSON.stringify(f[1].related));
  });

  it('the same token in two commented-out lines is one finding', async () => {
    const engine = await createEngine();
    const tok = 'sl.B13MftuX7qZipSxgiH-HpkpstxPbRYo9Kq2LmW8v';
    const text = `public class DropboxService {\n    void a() {\n        //req.setHeader('Authorization', 'Bearer ${tok}');\n    }\n    void b() {\n        //req.setHeader('Authorization', 'Bearer ${tok}');\n    }\n}\n`;
    const f = engine.lint(CLS, text).findings;
    assert.strictEqual(f.length, 1, f.map(x => `${x.ruleId}@${x.range.start.line + 1}`).join(', '));
    assert.strictEqual(f[0].related?.[0].range.start.line, 5);
  });
});

describe('one problem, one finding: a secret written twice in one file', () => {
  it('the second copy and its header join the first: one error, one header finding', async () => {
    const engine = await createEngine();
    const jwt = ['eyJhbGciOiJIUzUxMiJ9', 'eyJzdWIiOiJBQk1TQVA1Iiwicm9sZSI6ImFkbWluIn0', '10vklHu-sOes-xaHLbrYjZnOJlY65eVJd5kA'].join('.');
    const text = `public class DashboardPost {
    public static HttpResponse post() {
        String token = '${jwt}';
        HttpRequest r = new HttpRequest(); r.setEndpoint('callout:Dash/post');
        r.setHeader('Authorization', 'Bearer ' + token);
        return new Http().send(r);
    }
    public static HttpResponse get() {
        HttpRequest r = new HttpRequest(); r.setEndpoint('callout:Dash/get');
        r.setHeader('Authorization', 'Bearer ' + '${jwt}');
        return new Http().send(r);
    }
}
`;
    const f = engine.lint(CLS, text).findings.filter(x => x.severity === 'error');
    assert.deepStrictEqual(f.map(x => `${x.ruleId}@${x.range.start.line + 1}`), ['hardcoded-secret@3', 'hardcoded-authorization-header@5'], f.map(x => x.message).join('\n'));
  });
});
