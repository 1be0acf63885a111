import * as assert from 'assert';
import type { Engine, LintOptions } from '../../core/engine';
import type { Finding } from '../../core/types';
import { createEngine } from '../../node/createEngine';
import { fromStart } from '../../core/testkit';

const RULE = 'hardcoded-authorization-header';
const PATH = '/p/force-app/main/default/classes/Sample.cls';
let engine: Engine;

function findings(src: string, opts: LintOptions = {}, rule = RULE): Finding[] {
  return engine.lint(PATH, src, opts).findings.filter(f => f.ruleId === rule);
}

/** Each finding as `line:first 40 characters of its range` (1-based line). */
function found(src: string, opts: LintOptions = {}, rule = RULE): string[] {
  return fromStart(src, findings(src, opts, rule));
}

const TWILIO = `public with sharing class TwilioSmsService {
    private static final String ACCOUNT_SID = 'AC3f9d2c1b0a8e7f6d5c4b3a291807f6e5';
    private static final String AUTH_TOKEN = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
    private static final String API = 'https://api.twilio.com/2010-04-01';

    public static HttpResponse send(String toNumber, String body) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(API + '/Accounts/' + ACCOUNT_SID + '/Messages.json');
        req.setMethod('POST');
        req.setHeader('Content-Type', 'application/x-www-form-urlencoded');
        req.setHeader('Authorization', 'Basic ' + EncodingUtil.base64Encode(Blob.valueOf(ACCOUNT_SID + ':' + AUTH_TOKEN)));
        req.setBody('To=' + EncodingUtil.urlEncode(toNumber, 'UTF-8') + '&Body=' + EncodingUtil.urlEncode(body, 'UTF-8'));
        return new Http().send(req);
    }
}`;

const ERP = `public with sharing class ErpInventoryClient {
    private static final String ERP_USER = 'sf_integration';
    private static final String ERP_PASSWORD = 'Winter2024!Erp';
    private static final String ERP_HOST = 'https://erp.acme-corp.com';

    private final HttpRequest request;

    public ErpInventoryClient() {
        request = new HttpRequest();
        request.setEndpoint(ERP_HOST + '/api/inventory');
    }

    public HttpResponse fetch(String sku) {
        request.setMethod('GET');
        request.setHeader('Accept', 'application/json');
        request.setHeader('Author' + 'ization', authHeader());
        return new Http().send(request);
    }

    public HttpResponse fetchWithKey(String sku) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(ERP_HOST + '/api/v2/inventory/' + sku);
        req.setHeader('X-API-Key', 'b7e4c2a9f1d84e6a9c3b5d7f0e2a4c6b');
        req.setHeader('ocp-apim-subscription-key', APIM_KEY);
        return new Http().send(req);
    }

    private static final String APIM_KEY = '3c9e1f7a2b8d4e6f9a0b1c2d3e4f5a6b';

    private String authHeader() {
        Blob creds = Blob.valueOf(ERP_USER + ':' + ERP_PASSWORD);
        return 'Basic ' + EncodingUtil.base64Encode(creds);
    }
}`;

const STUB_CALLER = `public with sharing class ErpOrderSync {
    public static String push(String orderXml) {
        ErpOrderService.OrderPort port = new ErpOrderService.OrderPort();
        port.endpoint_x = 'callout:ERP_Orders/ws/OrderService';
        port.inputHttpHeaders_x = new Map<String, String>();
        port.inputHttpHeaders_x.put('Authorization', 'Bearer eyJhbGciOiJIUzI1NiJ9.c3ViIjoib3Jkz.x9k2');
        return port.submit(orderXml);
    }
}`;

const QUIET = `public with sharing class NamedCredentialCallouts {
    public static HttpResponse legacyMergeField() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Legacy_ERP/api/orders');
        req.setHeader('Authorization', '{!$Credential.Password}');
        req.setHeader('X-Username', '{!$Credential.UserName}');
        return new Http().send(req);
    }
    public static HttpResponse basicFromMergeFields() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Legacy_ERP/api/items');
        req.setHeader('Authorization', 'Basic ' + EncodingUtil.base64Encode(Blob.valueOf('{!$Credential.UserName}:{!$Credential.Password}')));
        return new Http().send(req);
    }
    public static HttpResponse headerFormula() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Billing/v1/invoices');
        req.setHeader('X-API-Key', '{!$Credential.Billing_EC.ApiKey}');
        req.setHeader('Content-Type', 'application/json');
        return new Http().send(req);
    }
    public static HttpResponse placeholders(HttpRequest req) {
        req.setHeader('Authorization', 'Bearer ');
        req.setHeader('X-API-Key', 'YOUR_API_KEY');
        req.setHeader('Authorization', '');
        return new Http().send(req);
    }
    public static HttpResponse fromSettings() {
        Billing_Settings__c s = Billing_Settings__c.getOrgDefaults();
        HttpRequest req = new HttpRequest();
        req.setEndpoint(s.Endpoint__c);
        req.setHeader('Authorization', 'Bearer ' + s.Token__c);
        return new Http().send(req);
    }
}`;

const TEST_CLASS = `@IsTest
private class TwilioSmsServiceTest {
    private class Mock implements HttpCalloutMock {
        public HttpResponse respond(HttpRequest req) {
            HttpResponse res = new HttpResponse();
            res.setStatusCode(201);
            return res;
        }
    }
    @IsTest
    static void sendsWithBasicAuth() {
        HttpRequest req = new HttpRequest();
        req.setHeader('Authorization', 'Bearer test_token_1234567890abcdef');
        Test.setMock(HttpCalloutMock.class, new Mock());
    }
}`;

describe(RULE, () => {
  before(async () => { engine = await createEngine(); });

  it('Twilio: Basic auth from constants through base64Encode(Blob.valueOf(SID + \':\' + TOKEN))', () => {
    assert.deepStrictEqual(found(TWILIO), ['11:req.setHeader(\'Authorization\', \'Basic \' ']);
  });

  it('ERP client: header name split as \'Author\' + \'ization\', value one method away, X-API-Key literal, APIM key constant', () => {
    assert.deepStrictEqual(found(ERP), [
      '16:request.setHeader(\'Author\' + \'ization\', ',
      '23:req.setHeader(\'X-API-Key\', \'b7e4c2a9f1d8',
      '24:req.setHeader(\'ocp-apim-subscription-key',
    ]);
  });

  it('WSDL2Apex inputHttpHeaders_x.put(\'Authorization\', literal) is a header too', () => {
    assert.deepStrictEqual(found(STUB_CALLER), ['6:port.inputHttpHeaders_x.put(\'Authorizati']);
  });

  it('merge fields (PMD\'s false positive), placeholders and run-time values are not hardcoded', () => {
    assert.deepStrictEqual(found(QUIET), []);
    // Neither rule reports the {!$Credential…} merge fields; only the settings-based token is manual.
    assert.deepStrictEqual(found(QUIET, {}, 'manual-authorization-header'), ['32:req.setHeader(\'Authorization\', \'Bearer \'']);
  });

  it('test classes are skipped unless includeTests', () => {
    assert.deepStrictEqual(found(TEST_CLASS), []);
    assert.deepStrictEqual(found(TEST_CLASS, { includeTests: true }), ['13:req.setHeader(\'Authorization\', \'Bearer t']);
  });

  it('range is the whole setHeader call; message redacts; related points at the constants', () => {
    const [f] = findings(TWILIO);
    assert.deepStrictEqual(f.range, { start: { line: 10, character: 8 }, end: { line: 10, character: 122 } });
    assert.strictEqual(f.severity, 'error');
    assert.ok(!f.message.includes('9f8e7d6c5b4a'), f.message);
    assert.ok(!f.message.includes(Buffer.from('AC3f9d2c1b0a8e7f6d5c4b3a291807f6e5:9f8e7d6c5b4a39281706f5e4d3c2b1a0').toString('base64').slice(4)), f.message);
    assert.match(f.message, /^The 'Authorization' header carries a hardcoded credential '....…' \(\d+ chars\): move it to a Named Credential/);
    assert.deepStrictEqual(f.hints, { header: 'Authorization', scheme: 'basic', receiver: 'req', origin: 'https://api.twilio.com', constantName: 'ACCOUNT_SID' });
  });

  it('hints: scheme per header kind, origin of the receiver\'s endpoint, related declarations', () => {
    const [split, xApiKey, apim] = findings(ERP);
    assert.strictEqual(split.hints?.header, 'Authorization');
    assert.strictEqual(split.hints?.scheme, 'basic');
    assert.strictEqual(split.hints?.receiver, 'request');
    assert.strictEqual(xApiKey.hints?.scheme, 'apikey');
    assert.strictEqual(xApiKey.hints?.origin, 'https://erp.acme-corp.com');
    assert.deepStrictEqual(split.related?.map(r => r.range.start.line + 1), [2, 3]);
    assert.deepStrictEqual(apim.related?.map(r => r.range.start.line + 1), [28]);
    assert.strictEqual(apim.hints?.header, 'ocp-apim-subscription-key');
  });

  it('Basic auth built in locals (the Apex guide\'s pattern), fields from settings, and placeholder credentials', () => {
    const src = `public with sharing class RepoCommitService {
    private String username;
    private String password;
    public RepoCommitService(Integration_Config__c cfg) {
        username = cfg.Username__c;
        password = cfg.Password__c;
    }
    public void createTree(String repo, String body) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.github.com/repos/acme-dev/' + repo + '/git/trees');
        String username = 'acme-dev-bot';
        String password = 'Gh!tB0t#2023';
        Blob headerValue = Blob.valueOf(username + ':' + password);
        String authorizationHeader = 'BASIC ' +
        EncodingUtil.base64Encode(headerValue);
        req.setHeader('Authorization', authorizationHeader);
        new Http().send(req);
    }
    public HttpResponse fetch(String url) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(url);
        req.setHeader('Authorization', authenticationHeader());
        return new Http().send(req);
    }
    private String authenticationHeader() {
        Blob headerValue = Blob.valueOf(username + ':' + password);
        return 'Basic ' + EncodingUtil.base64Encode(headerValue);
    }
    public static HttpResponse fromTheDocs(String url) {
        String username = 'your_username';
        String password = 'your_password';
        HttpRequest req = new HttpRequest();
        req.setEndpoint(url);
        req.setHeader('Authorization', 'Basic ' + EncodingUtil.base64Encode(Blob.valueOf(username + ':' + password)));
        return new Http().send(req);
    }
}`;
    assert.deepStrictEqual(found(src), ['16:req.setHeader(\'Authorization\', authoriza']);
    const [f] = findings(src);
    assert.deepStrictEqual(f.related?.map(r => r.range.start.line + 1), [11, 12]);
    assert.strictEqual(f.hints?.scheme, 'basic');
    assert.strictEqual(f.hints?.origin, 'https://api.github.com');
    assert.deepStrictEqual(found(src, {}, 'manual-authorization-header'), ['22:req.setHeader(\'Authorization\', authentic']);
  });

  it('a helper that sets the header from a parameter is hardcoded when a caller in the file passes a literal', () => {
    const src = `public with sharing class PartnerApi {
    private static final String PARTNER_KEY = '5f1e9c3a7b2d4e6f8a0b1c2d';
    public static HttpResponse call(String path, String apiKey) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Partner' + path);
        req.setHeader('X-API-Key', apiKey);
        return new Http().send(req);
    }
    public static HttpResponse catalog() { return call('/catalog', PARTNER_KEY); }
    public static HttpResponse stock(Partner_Settings__c s) { return call('/stock', s.Key__c); }
}`;
    assert.deepStrictEqual(found(src), ['6:req.setHeader(\'X-API-Key\', apiKey);']);
    const [f] = findings(src);
    assert.deepStrictEqual(f.related?.map(r => r.range.start.line + 1), [2]);
    assert.strictEqual(f.hints?.origin, 'callout:Partner');
    assert.deepStrictEqual(found(src, {}, 'manual-authorization-header'), []);
  });

  it('a bearer token literal inside a longer run-time value is still hardcoded', () => {
    const src = `public class Partial {
    public static void go(HttpRequest req, String tenant) {
        req.setHeader('Authorization', 'Bearer ' + 'pk_live_4eC39HqLyjWDarjtT1zdp7dc' + ';tenant=' + tenant);
    }
}`;
    assert.deepStrictEqual(found(src), ['3:req.setHeader(\'Authorization\', \'Bearer \'']);
    assert.deepStrictEqual(found(src, {}, 'manual-authorization-header'), []);
  });
  // SalesforceFoundation/apex-volunteermatch: WSSE sends 'Authorization: WSSE profile="UsernameToken"' (the scheme and
  // its profile, the same for every client) and the digest in X-WSSE; the header literal holds no credential.
  it('a literal scheme with only non-credential auth-params (WSSE profile, realm) is not a credential', () => {
    const src = `public class WsseClient {
    public static void go(HttpRequest req, String digestHeader) {
        req.setHeader('Authorization', 'WSSE profile="UsernameToken"');
        req.setHeader('Authorization', 'Custom realm="partner-api", charset="UTF-8"');
        req.setHeader('Authorization', 'OAuth oauth_consumer_key="k3y9Fq2Lx8Vb", oauth_signature="Zm9vYmFyYmF6cXV4MTIzNDU2"');
        req.setHeader('Authorization', 'WSSE profile="UsernameToken", token="9f8e7d6c5b4a39281706f5e4d3c2b1a0"');
        req.setHeader('X-WSSE', digestHeader);
    }
}`;
    assert.deepStrictEqual(found(src), ['5:req.setHeader(\'Authorization\', \'OAuth oa', '6:req.setHeader(\'Authorization\', \'WSSE pro']);
  });
});
