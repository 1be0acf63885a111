import * as assert from 'assert';
import { createEngine } from '../../node/createEngine';
import { SourceFile } from '../sourceFile';
import type { ApexFile, MethodCall, Resolved } from './model';
import { base64, unescapeApexString } from './model';

function model(text: string): ApexFile {
  const a = new SourceFile('/p/force-app/main/default/classes/X.cls', text, 'apex').apex();
  assert.ok(a);
  return a;
}

/** The resolution of argument `i` of the n-th call named `qualifiedLower`. */
function argOf(a: ApexFile, qualifiedLower: string, i = 0, nth = 0): Resolved {
  const calls: MethodCall[] = a.calls.filter(c => c.qualifiedLower === qualifiedLower);
  assert.ok(calls[nth], `no call ${qualifiedLower} #${nth}; calls: ${a.calls.map(c => c.qualifiedLower).join(', ')}`);
  return a.resolve(calls[nth].args[i]);
}

describe('Apex model', () => {
  before(async () => { await createEngine(); });

  const service = `public with sharing class StripeChargeService {
    private static final String API_VERSION = '2023-10-16';
    private static final String BASE_URL = 'https://api.stripe.com';
    private static final String SECRET_KEY = 'sk_live_' + '51HxYzAbCdEfGhIjKlMnOp';
    @TestVisible private static String lastError;

    public class ChargeException extends Exception {}

    public static HttpResponse createCharge(Integer amountCents, String currencyCode) {
        HttpRequest req = new HttpRequest();
        String path = '/v1/charges';
        String endpoint = BASE_URL;
        endpoint += path;
        endpoint += '?expand[]=balance_transaction';
        req.setEndpoint(endpoint);
        req.setMethod('POST');
        req.setHeader('Authorization', authHeader());
        req.setHeader('Stripe-Version', API_VERSION);
        req.setBody('amount=' + amountCents + '&currency=' + EncodingUtil.urlEncode(currencyCode, 'UTF-8'));
        return new Http().send(req);
    }

    private static String authHeader() {
        return 'Bearer ' + SECRET_KEY;
    }
}`;

  it('collects strings with unescaped values and exact ranges', () => {
    const a = model(`public class A {\n    String s = 'it\\'s\\n\\u0041';\n}`);
    assert.strictEqual(a.strings.length, 1);
    assert.strictEqual(a.strings[0].value, "it's\nA");
    assert.deepStrictEqual(a.strings[0].range, { start: { line: 1, character: 15 }, end: { line: 1, character: 30 } });
    assert.strictEqual(unescapeApexString("'a\\\\b'"), 'a\\b');
    for (const v of ['', 'a', 'ab', 'abc', 'user:pässwörd€', 'AC3f9d2c1b0a8e7f6d5c4b3a291807f6e5:9f8e7d6c5b4a']) {
      assert.strictEqual(base64(v), Buffer.from(v, 'utf8').toString('base64'));
    }
  });

  it('collects calls with receivers, lower-cased qualified names and arguments', () => {
    const a = model(service);
    const setHeader = a.calls.filter(c => c.nameLower === 'setheader');
    assert.strictEqual(setHeader.length, 2);
    assert.strictEqual(setHeader[0].receiverText, 'req');
    assert.strictEqual(setHeader[0].qualifiedLower, 'req.setheader');
    assert.strictEqual(setHeader[0].args.length, 2);
    assert.strictEqual(setHeader[0].enclosingMethod?.childForFieldName('name')?.text, 'createCharge');
    assert.strictEqual(setHeader[0].enclosingClass?.childForFieldName('name')?.text, 'StripeChargeService');
    assert.ok(a.calls.some(c => c.qualifiedLower === 'new http().send'));
    assert.strictEqual(a.callsNamed('setheader', 'setendpoint').length, 3);
  });

  it('collects fields, constants, locals and parameters with their kinds', () => {
    const a = model(service);
    const byName = new Map(a.variables.map(v => [v.name, v]));
    assert.strictEqual(byName.get('SECRET_KEY')?.kind, 'field');
    assert.ok(byName.get('SECRET_KEY')?.isStatic && byName.get('SECRET_KEY')?.isFinal);
    assert.strictEqual(byName.get('lastError')?.isFinal, false);
    assert.strictEqual(byName.get('req')?.typeText, 'HttpRequest');
    assert.strictEqual(byName.get('req')?.kind, 'local');
    assert.strictEqual(byName.get('amountCents')?.kind, 'param');
    assert.deepStrictEqual(a.assignments.map(x => `${x.targetText}${x.op}`), ['endpoint+=', 'endpoint+=']);
  });

  it('resolves += chains on a local that starts from a constant', () => {
    const r = argOf(model(service), 'req.setendpoint');
    assert.strictEqual(r.isLiteral, true);
    assert.strictEqual(r.text, 'https://api.stripe.com/v1/charges?expand[]=balance_transaction');
    assert.ok(r.via.some(v => v.start.line === 2), 'BASE_URL declaration is in via');
  });

  it('resolves a header built one method away from a constant built from literals', () => {
    const a = model(service);
    const r = argOf(a, 'req.setheader', 1);
    assert.strictEqual(r.isLiteral, true);
    assert.strictEqual(r.text, 'Bearer sk_live_51HxYzAbCdEfGhIjKlMnOp');
    assert.strictEqual(r.literalPrefix, r.text);
    assert.ok(r.via.some(v => v.start.line === 3), 'SECRET_KEY declaration is in via');
    assert.strictEqual(argOf(a, 'req.setheader', 1, 1).text, '2023-10-16');
  });

  it('marks parameters and other unknowns as dynamic and keeps the literal prefix', () => {
    const r = argOf(model(service), 'req.setbody');
    assert.strictEqual(r.isLiteral, false);
    assert.strictEqual(r.literalPrefix, 'amount=');
    assert.strictEqual(r.text, 'amount={amountCents}&currency={currencyCode}');
  });

  it('resolves a constant declared three lines away, String.format and base64Encode(Blob.valueOf(...))', () => {
    const a = model(`public class ErpClient {
    private static final String USER = 'integration';
    private static final String PASS = 'S3cr3t!';
    private static final String HOST_FMT = 'https://{0}.erp.example.com/api/{1}';

    public void send(String body) {
        String creds = USER + ':' + PASS;
        HttpRequest req = new HttpRequest();
        req.setEndpoint(String.format(HOST_FMT, new List<Object>{ 'acme', 'v2' }));
        req.setHeader('Authorization', 'Basic ' + EncodingUtil.base64Encode(Blob.valueOf(creds)));
        req.setBody(body);
    }
}`);
    const endpoint = argOf(a, 'req.setendpoint');
    assert.strictEqual(endpoint.text, 'https://acme.erp.example.com/api/v2');
    assert.ok(endpoint.isLiteral);
    const header = argOf(a, 'req.setheader', 1);
    assert.ok(header.isLiteral);
    assert.strictEqual(header.text, 'Basic ' + Buffer.from('integration:S3cr3t!').toString('base64'));
    const b64 = header.parts[1];
    assert.ok(b64.kind === 'literal' && b64.encoding === 'base64' && b64.source === 'integration:S3cr3t!');
  });

  it('String.format with a dynamic argument keeps the pattern text around it', () => {
    const a = model(`public class C {
    public void go(Twilio_Settings__c cfg) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(String.format('https://api.twilio.com/2010-04-01/Accounts/{0}/Messages.json', new String[]{ cfg.Account_Sid__c }));
    }
}`);
    const r = argOf(a, 'req.setendpoint');
    assert.strictEqual(r.isLiteral, false);
    assert.strictEqual(r.literalPrefix, 'https://api.twilio.com/2010-04-01/Accounts/');
    assert.strictEqual(r.text, 'https://api.twilio.com/2010-04-01/Accounts/{cfg.Account_Sid__c}/Messages.json');
  });

  it('uses the latest assignment before the use and the nearest declaration (shadowing)', () => {
    const a = model(`public class Shadow {
    private String token = 'field-token-value';
    public void a() {
        String token = 'local-one';
        token = 'local-two';
        System.debug(token);
        token = 'local-three';
    }
    public void b() {
        System.debug(token);
        System.debug(this.token);
    }
}`);
    assert.strictEqual(argOf(a, 'system.debug', 0, 0).text, 'local-two');
    assert.strictEqual(argOf(a, 'system.debug', 0, 1).text, 'field-token-value');
    assert.strictEqual(argOf(a, 'system.debug', 0, 2).text, 'field-token-value');
  });

  it('follows a field assigned in the constructor, a property getter and ClassName.CONSTANT', () => {
    const a = model(`public class Cfg {
    public static String endpoint { get { return Urls.PROD + '/v1'; } }
    private String apiKey;
    public Cfg() { this.apiKey = 'abcd1234efgh5678'; }
    public void go() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(endpoint);
        req.setHeader('X-API-Key', apiKey);
    }
    public class Urls { public static final String PROD = 'https://erp.example.com'; }
}`);
    assert.strictEqual(argOf(a, 'req.setendpoint').text, 'https://erp.example.com/v1');
    assert.strictEqual(argOf(a, 'req.setheader', 1).text, 'abcd1234efgh5678');
  });

  it('resolves a parameter through the call site one method away', () => {
    const a = model(`public class T {
    static final String KEY = 'tok_abcdef123456';
    static String bearer(String t) { return 'Bearer ' + t; }
    void go(HttpRequest req) { req.setHeader('Authorization', bearer(KEY)); }
}`);
    const r = argOf(a, 'req.setheader', 1);
    assert.strictEqual(r.text, 'Bearer tok_abcdef123456');
    assert.ok(r.isLiteral);
  });

  it('custom settings, custom metadata and labels are dynamic; getSessionId is flagged', () => {
    const a = model(`public class D {
    void go() {
        Api_Config__mdt cfg = Api_Config__mdt.getInstance('Default');
        HttpRequest req = new HttpRequest();
        req.setEndpoint(cfg.Endpoint__c + '/orders');
        req.setHeader('Authorization', 'Bearer ' + Integration__c.getOrgDefaults().Token__c);
        req.setHeader('X-SFDC-Session', UserInfo.getSessionId());
        req.setBody(Label.Api_Body);
    }
}`);
    const ep = argOf(a, 'req.setendpoint');
    assert.strictEqual(ep.isLiteral, false);
    assert.strictEqual(ep.literalPrefix, '');
    const sid = argOf(a, 'req.setheader', 1, 1);
    assert.ok(sid.parts[0].kind === 'dynamic' && sid.parts[0].sessionId === true);
    assert.strictEqual(argOf(a, 'req.setbody').isLiteral, false);
  });

  it('cuts cycles and never throws on self-referencing code', () => {
    const a = model(`public class Cyc {
    static String a = b + 'x';
    static String b = a + 'y';
    static String loop() { return loop(); }
    void go() {
        String s = s + 'z';
        System.debug(a);
        System.debug(loop());
        System.debug(s);
    }
}`);
    assert.strictEqual(argOf(a, 'system.debug', 0, 0).isLiteral, false);
    assert.strictEqual(argOf(a, 'system.debug', 0, 1).isLiteral, false);
    assert.strictEqual(argOf(a, 'system.debug', 0, 2).isLiteral, false);
  });

  it('handles a 3,000-term concatenation without recursion errors', () => {
    const terms = Array.from({ length: 3000 }, (_, i) => `'p${i}'`).join(' + ');
    const a = model(`public class Big {\n  void go() { System.debug(${terms}); }\n}`);
    const r = argOf(a, 'system.debug');
    assert.ok(r.isLiteral);
    assert.ok(r.text.startsWith('p0p1p2'));
  });

  it('finds @IsTest classes and methods and testMethod methods', () => {
    const a = model(`@isTest(SeeAllData=true)
private class MockTest {
    static testMethod void t() { String k = 'x'; }
}`);
    assert.strictEqual(a.testRanges.length, 1);
    assert.deepStrictEqual(a.testRanges[0].start, { line: 0, character: 0 });
    const b = model(`public class Mixed {
    public void real() {}
    @IsTest static void viaAnnotation() {}
    static testMethod void viaModifier() {}
}`);
    assert.deepStrictEqual(b.testRanges.map(r => r.start.line), [2, 3]);
    assert.ok(b.isInTest(b.calls[0]?.node ?? b.tree.rootNode) === false);
  });

  it('half-typed code yields a syntax error range and still a usable model', () => {
    const a = model(`public class Half {
    private static final String KEY = 'abc123';
    public void go() {
        HttpRequest req = new HttpRequest();
        req.setHeader('Authorization', 'Bearer ' + KEY);
        req.setEndpoint('https://x.example.com/
    }
`);
    assert.ok(a.syntaxError);
    const h = a.calls.find(c => c.nameLower === 'setheader');
    assert.ok(h);
    assert.strictEqual(a.resolve(h.args[1]).text, 'Bearer abc123');
  });

  it('triggers: locals at the top level resolve', () => {
    const a = model(`trigger OrderSync on Order (after insert) {
    String url = 'https://erp.example.com';
    url += '/orders';
    OrderSyncQueueable.enqueue(url, Trigger.newMap.keySet());
}`);
    assert.strictEqual(argOf(a, 'ordersyncqueueable.enqueue').text, 'https://erp.example.com/orders');
  });

  it('inner classes see outer constants; ClassName.FIELD assignments and same-named locals in other methods stay apart', () => {
    const a = model(`public class Outer {
    static final String HOST = 'https://outer.example.com';
    static String override;
    public class Inner {
        String host = 'https://inner.example.com';
        void call() { System.debug(host); System.debug(HOST); System.debug(Outer.HOST); }
    }
    static void configure() { Outer.override = 'https://configured.example.com'; }
    static void one() { String url = 'https://one.example.com'; System.debug(url); }
    static void two() { String url = 'https://two.example.com'; System.debug(url); System.debug(override); }
}`);
    // Apex identifiers are case-insensitive: inside Inner, HOST is Inner's own host field.
    assert.deepStrictEqual([0, 1, 2, 3, 4, 5].map(i => argOf(a, 'system.debug', 0, i).text), [
      'https://inner.example.com', 'https://inner.example.com', 'https://outer.example.com', 'https://one.example.com',
      'https://two.example.com', 'https://configured.example.com']);
  });

  it('a ternary is dynamic but keeps what each branch holds', () => {
    const a = model(`public class Env {
    static final String PROD = 'https://login.salesforce.com';
    void go(HttpRequest req) { req.setEndpoint((Test.isRunningTest() ? 'https://test.salesforce.com' : PROD) + '/services/oauth2/token'); }
}`);
    const r = argOf(a, 'req.setendpoint');
    assert.strictEqual(r.isLiteral, false);
    const head = r.parts[0];
    assert.ok(head.kind === 'dynamic' && head.alternatives);
    assert.deepStrictEqual(head.alternatives.map(x => x.text), ['https://test.salesforce.com', 'https://login.salesforce.com']);
    assert.strictEqual(r.parts[1].kind === 'literal' && r.parts[1].value, '/services/oauth2/token');
  });

  it('callsInMethod lists the calls of one method; declarationOf finds the declaration of a reference', () => {
    const a = model(service);
    const setEndpoint = a.calls.find(c => c.nameLower === 'setendpoint')!;
    const inCreate = a.callsInMethod(setEndpoint.enclosingMethod);
    assert.ok(inCreate.every(c => c.enclosingMethod?.id === setEndpoint.enclosingMethod?.id));
    assert.deepStrictEqual(inCreate.map(c => c.nameLower).slice(0, 4), ['setendpoint', 'setmethod', 'setheader', 'authheader']);
    const d = a.declarationOf(setEndpoint.args[0]);
    assert.strictEqual(d?.name, 'endpoint');
    assert.strictEqual(d?.kind, 'local');
  });

  it('deeply nested parentheses and long call chains never throw', () => {
    const deep = `${'('.repeat(2000)}'x'${')'.repeat(2000)}`;
    const chain = `sb${'.append(\'a\')'.repeat(2000)}`;
    const a = model(`public class Deep {
  void go(StringBuilder sb) { System.debug(${deep}); ${chain}; }
}`);
    const r = argOf(a, 'system.debug');
    assert.ok(r.text === 'x' || r.isLiteral === false);
    assert.ok(a.calls.length >= 2000);
  });

  it('String.join of a list initializer (Blockfrost-style base URL builders)', () => {
    const a = model(`public with sharing class ChainEndpoint {
    public static final String MAINNET = 'https://cardano-mainnet.example.io/api';
    public static final String VERSION = 'v0';
    public HttpRequest request = new HttpRequest();
    public ChainEndpoint path(String value) {
        request.setEndpoint(String.join(new List<String>{ MAINNET, VERSION }, '/') + value);
        return this;
    }
}`);
    const r = argOf(a, 'request.setendpoint');
    assert.strictEqual(r.text, 'https://cardano-mainnet.example.io/api/v0{value}');
    assert.strictEqual(r.literalPrefix, 'https://cardano-mainnet.example.io/api/v0');
  });

  it('a parameter read outside any call carries what this file\'s callers pass, as alternatives', () => {
    const a = model(`public with sharing class CalloutHelper {
    static final String TOKEN = 'tok_9f8e7d6c5b4a3928';
    public static HttpResponse get(String url, String auth) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(url);
        req.setHeader('Authorization', auth);
        return new Http().send(req);
    }
    public static HttpResponse orders() { return get('https://erp.example.com/orders', 'Bearer ' + TOKEN); }
    public static HttpResponse items(Cfg__c c) { return CalloutHelper.get(c.Url__c + '/items', c.Token__c); }
    public static HttpResponse other(Other o) { return o.get('https://elsewhere.example.com', 'x'); }
}`);
    const ep = argOf(a, 'req.setendpoint');
    assert.strictEqual(ep.isLiteral, false);
    assert.strictEqual(ep.text, '{url}');
    const head = ep.parts[0];
    assert.ok(head.kind === 'dynamic' && head.alternatives);
    assert.deepStrictEqual(head.alternatives.map(x => x.text), ['https://erp.example.com/orders', '{c.Url__c}/items']);
    const auth = argOf(a, 'req.setheader', 1).parts[0];
    assert.ok(auth.kind === 'dynamic' && auth.alternatives);
    assert.deepStrictEqual(auth.alternatives.map(x => x.isLiteral), [true, false]);
  });
});
