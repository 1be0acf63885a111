import * as assert from 'assert';
import type { Engine, LintOptions } from '../../core/engine';
import type { Finding } from '../../core/types';
import { createEngine } from '../../node/createEngine';
import { fromStart } from '../../core/testkit';

const RULE = 'manual-authorization-header';
const PATH = '/p/force-app/main/default/classes/Sample.cls';
let engine: Engine;

function findings(src: string, opts: LintOptions = {}, rule = RULE): Finding[] {
  return engine.lint(PATH, src, opts).findings.filter(f => f.ruleId === rule);
}

function found(src: string, opts: LintOptions = {}, rule = RULE): string[] {
  return fromStart(src, findings(src, opts, rule));
}

const ERP_OAUTH = `public with sharing class ErpOrderClient {
    private static String cachedToken;

    public static HttpResponse postOrder(String payload) {
        ERP_Settings__c cfg = ERP_Settings__c.getOrgDefaults();
        HttpRequest req = new HttpRequest();
        req.setEndpoint(cfg.Base_Url__c + '/api/orders');
        req.setMethod('POST');
        req.setHeader('Authorization', 'Bearer ' + fetchToken(cfg));
        req.setHeader('Content-Type', 'application/json');
        req.setBody(payload);
        return new Http().send(req);
    }

    private static String fetchToken(ERP_Settings__c cfg) {
        if (cachedToken != null) { return cachedToken; }
        HttpRequest tokenReq = new HttpRequest();
        tokenReq.setEndpoint(cfg.Token_Url__c);
        tokenReq.setMethod('POST');
        tokenReq.setBody('grant_type=client_credentials&client_id=' + cfg.Client_Id__c + '&client_secret=' + cfg.Client_Secret__c);
        HttpResponse res = new Http().send(tokenReq);
        Map<String, Object> body = (Map<String, Object>) JSON.deserializeUntyped(res.getBody());
        cachedToken = (String) body.get('access_token');
        return cachedToken;
    }
}`;

const MIXED = `public with sharing class ShippingRates {
    public static HttpResponse quote(String apiKey, String zip) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.shipper.example.com/v3/rates?zip=' + zip);
        req.setHeader('X-API-Key', apiKey);
        return new Http().send(req);
    }
    public static HttpResponse track(String trackingNo) {
        Carrier_Config__mdt cfg = Carrier_Config__mdt.getInstance('UPS');
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:UPS/track/v1/details/' + trackingNo);
        req.setHeader('Ocp-Apim-Subscription-Key', cfg.Subscription_Key__c);
        req.setHeader('x-auth-token', cfg.Auth_Token__c);
        return new Http().send(req);
    }
    public static HttpResponse viaProxy(HttpRequest req, String proxyUser, String proxyPass) {
        req.setHeader('Proxy-Authorization', 'Basic ' + EncodingUtil.base64Encode(Blob.valueOf(proxyUser + ':' + proxyPass)));
        return new Http().send(req);
    }
}`;

const QUIET = `public with sharing class QuietHeaders {
    public static HttpResponse mergeFields() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Legacy_ERP/api/orders');
        req.setHeader('Authorization', '{!$Credential.Password}');
        req.setHeader('Authorization', 'Bearer {!$Credential.OAuthToken}');
        req.setHeader('api-key', '{!$Credential.Azure_EC.Key}');
        return new Http().send(req);
    }
    public static HttpResponse ownOrg() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(URL.getOrgDomainUrl().toExternalForm() + '/services/data/v60.0/limits');
        req.setHeader('Authorization', 'Bearer ' + UserInfo.getSessionId());
        return new Http().send(req);
    }
    public static HttpResponse notAuth(String requestId, String locale) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Billing/v1/invoices');
        req.setHeader('X-Request-Id', requestId);
        req.setHeader('Accept-Language', locale);
        return new Http().send(req);
    }
    public static void response(String token) {
        RestContext.response.addHeader('Authorization', token);
        HttpResponse res = new HttpResponse();
        res.setHeader('Authorization', token);
    }
}`;

describe(RULE, () => {
  before(async () => { engine = await createEngine(); });

  it('ERP client: bearer token from a token call made in code', () => {
    assert.deepStrictEqual(found(ERP_OAUTH), ['9:req.setHeader(\'Authorization\', \'Bearer \'']);
  });

  it('parameters, custom metadata and proxy credentials built at run time', () => {
    assert.deepStrictEqual(found(MIXED), [
      '5:req.setHeader(\'X-API-Key\', apiKey);',
      '12:req.setHeader(\'Ocp-Apim-Subscription-Key',
      '13:req.setHeader(\'x-auth-token\', cfg.Auth_T',
      '17:req.setHeader(\'Proxy-Authorization\', \'Ba',
    ]);
    assert.deepStrictEqual(found(MIXED, {}, 'hardcoded-authorization-header'), []);
  });

  it('signed headers (AWS SigV4, OAuth 1.0a) are run-time values, not hardcoded credentials', () => {
    const src = `public with sharing class S3Uploader {
    public static HttpResponse put(AWS_Settings__c cfg, String key, Blob body, String amzDate, String scope, String signature) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:S3/' + key);
        req.setHeader('Authorization', 'AWS4-HMAC-SHA256 Credential=' + cfg.Access_Key__c + '/' + scope
            + '/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=' + signature);
        req.setBodyAsBlob(body);
        return new Http().send(req);
    }
}`;
    assert.deepStrictEqual(found(src), ['5:req.setHeader(\'Authorization\', \'AWS4-HMA']);
    assert.deepStrictEqual(found(src, {}, 'hardcoded-authorization-header'), []);
  });

  it('merge fields, session ids (session-id-in-callout), other headers and responses are not reported', () => {
    assert.deepStrictEqual(found(QUIET), []);
    assert.deepStrictEqual(found(QUIET, {}, 'hardcoded-authorization-header'), []);
  });

  it('message names the header and the run-time source; hints carry scheme, receiver and origin', () => {
    const [f] = findings(ERP_OAUTH);
    assert.strictEqual(f.severity, 'warning');
    assert.strictEqual(f.message, 'The \'Authorization\' header is built in code from \'fetchToken(cfg)\': let a Named Credential (External Credential) own this authentication instead of setting the header by hand.');
    assert.deepStrictEqual(f.hints, { header: 'Authorization', scheme: 'bearer', receiver: 'req' });
    const [apiKey, sub] = findings(MIXED);
    assert.deepStrictEqual(apiKey.hints, { header: 'X-API-Key', scheme: 'apikey', receiver: 'req', origin: 'https://api.shipper.example.com' });
    assert.deepStrictEqual(sub.hints, { header: 'Ocp-Apim-Subscription-Key', scheme: 'apikey', receiver: 'req', origin: 'callout:UPS', namedCredential: 'UPS' });
  });

  it('custom Auth Providers (the code a Named Credential calls for tokens) are not reported', () => {
    const src = `global class AcmeAuthProvider extends Auth.AuthProviderPluginClass {
    global String getCustomMetadataType() { return 'Acme_Auth__mdt'; }
    global PageReference initiate(Map<String, String> config, String stateToPropagate) {
        return new PageReference(config.get('Authorize_Url__c') + '?state=' + stateToPropagate);
    }
    global Auth.AuthProviderTokenResponse handleCallback(Map<String, String> config, Auth.AuthProviderCallbackState state) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(config.get('Token_Url__c'));
        req.setHeader('Authorization', 'Basic ' + EncodingUtil.base64Encode(Blob.valueOf(config.get('Client_Id__c') + ':' + config.get('Client_Secret__c'))));
        HttpResponse res = new Http().send(req);
        Map<String, Object> m = (Map<String, Object>) JSON.deserializeUntyped(res.getBody());
        return new Auth.AuthProviderTokenResponse('Acme', (String) m.get('access_token'), null, state.queryParameters.get('state'));
    }
    global Auth.UserData getUserInfo(Map<String, String> config, Auth.AuthProviderTokenResponse response) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(config.get('User_Info_Url__c'));
        req.setHeader('Authorization', 'Bearer ' + response.oauthToken);
        HttpResponse res = new Http().send(req);
        return new Auth.UserData(null, null, null, null, null, null, null, null, 'Acme', null, new Map<String, String>());
    }
}`;
    assert.deepStrictEqual(found(src), []);
  });

  it('@IsTest methods inside a regular class are skipped by default', () => {
    const src = `public with sharing class Client {
    public static void call(String token) {
        HttpRequest req = new HttpRequest();
        req.setHeader('Authorization', token);
    }
    @IsTest
    static void t() {
        HttpRequest req = new HttpRequest();
        req.setHeader('Authorization', 'Bearer ' + String.valueOf(Crypto.getRandomInteger()));
    }
}`;
    assert.deepStrictEqual(found(src), ['4:req.setHeader(\'Authorization\', token);']);
    assert.strictEqual(found(src, { includeTests: true }).length, 2);
  });
});
