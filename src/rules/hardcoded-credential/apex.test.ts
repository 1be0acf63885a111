import * as assert from 'assert';
import { Engine, type LintOptions } from '../../core/engine';
import { initApexParser, setReadyParser } from '../../core/apex/parser';
import { locateApexAssets } from '../../node/assets';
import { fakeToken, ALNUM } from '../../core/secrets/entropy';
import type { Finding } from '../../core/types';
import rule from './index';
import { underlined } from '../../core/testkit';

const STRIPE = `sk_live_${fakeToken('hc-stripe', 24, ALNUM)}`;

function lint(engine: Engine, src: string, opts: LintOptions = {}): Finding[] {
  return engine.lint('/p/force-app/main/default/classes/Sample.cls', src, opts).findings.filter(f => f.ruleId === 'hardcoded-credential');
}

/** Each finding as `line:source text of its range` (1-based line), in order. */
function found(engine: Engine, src: string, opts: LintOptions = {}): string[] {
  return underlined(src, lint(engine, src, opts));
}

const cases: Array<{ name: string; src: string; expect: string[] }> = [
  {
    name: 'username-password OAuth flow: constants, a URL-encoded body built by concatenation and a map body',
    src: `public with sharing class ErpTokenService {
    private static final String TOKEN_URL = 'https://login.erp-cloud.com/oauth2/token';
    private static final String CLIENT_ID = 'erp-sync-integration';
    private static final String CLIENT_SECRET = 'dG9wLXNlY3JldC1lcnA5OA';
    private static final String USERNAME = 'integration@acme.com';
    private static final String PASSWORD = 'Spring2024!Sync';
    private static final String GRANT_TYPE = 'password';
    private static final String TOKEN_TYPE = 'Bearer';
    private static final String PASSWORD_FIELD = 'Password__c';

    public static String fetchToken() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(TOKEN_URL);
        req.setMethod('POST');
        req.setHeader('Content-Type', 'application/x-www-form-urlencoded');
        req.setBody('grant_type=' + GRANT_TYPE + '&client_id=' + CLIENT_ID + '&client_secret=' + CLIENT_SECRET
            + '&username=' + USERNAME + '&password=' + PASSWORD);
        HttpResponse res = new Http().send(req);
        Map<String, Object> parsed = (Map<String, Object>) JSON.deserializeUntyped(res.getBody());
        return (String) parsed.get('access_token');
    }

    public static String fetchTokenJson() {
        Map<String, String> body = new Map<String, String>();
        body.put('grant_type', 'client_credentials');
        body.put('client_id', CLIENT_ID);
        body.put('client_secret', 'c2VjcmV0LWZvci1qc29uLWZsb3c');
        HttpRequest req = new HttpRequest();
        req.setEndpoint(TOKEN_URL);
        req.setBody(JSON.serialize(body));
        return new Http().send(req).getBody();
    }
}`,
    expect: ["4:'dG9wLXNlY3JldC1lcnA5OA'", "6:'Spring2024!Sync'", "27:'c2VjcmV0LWZvci1qc29uLWZsb3c'"],
  },
  {
    name: 'literal bodies: form-encoded, JSON with an apiKey, a map initializer, a credential-named header and setters',
    src: `public class ShippingClient {
    public HttpResponse legacyLogin() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://legacy.shipco.com/session');
        req.setBody('grant_type=password&username=shipper%40acme.com&password=Tr0ub4dor%263');
        return new Http().send(req);
    }

    public HttpResponse quote(String zip) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.shipco.com/v2/quotes');
        req.setBody('{"apiKey":"4f9c2e71b8d34a6e","zip":"' + zip + '","service":"ground","client_secret":"q+8ZrT/x1vW2"}');
        req.setHeader('X-Client-Secret', 'b7e1c9d2f0a84e3b');
        return new Http().send(req);
    }

    public String track(String trackingNumber) {
        String payload = JSON.serialize(new Map<String, Object>{
            'tracking' => trackingNumber,
            'api_key' => 'e3b0c44298fc1c14'
        });
        ShipcoAuth auth = new ShipcoAuth();
        auth.setApiKey('9a8b7c6d5e4f3a2b');
        auth.setTimeout(30000);
        System.setPassword(UserInfo.getUserId(), 'Welcome2Shipco!');
        return payload;
    }

    public String accountPassword { get { return 'Sh1pC0-acct'; } }
    private static String getApiToken() { return 'f81d4fae7dec11d0'; }
    private static Integer getTokenTtl() { return 3600; }
    private static String getPasswordPolicyName() { return 'Strict'; }

    public Boolean isAdmin(String password, String token) {
        return password == 'Sh1pp3rAdm1n' || token.equals('7c4a8d09ca3762af') || password != null || token == '';
    }
}`,
    expect: ["5:'grant_type=password&username=shipper%40acme.com&password=Tr0ub4dor%263'", `12:'{"apiKey":"4f9c2e71b8d34a6e","zip":"'`, `12:'","service":"ground","client_secret":"q+8ZrT/x1vW2"}'`, "13:'b7e1c9d2f0a84e3b'", "20:'e3b0c44298fc1c14'", "23:'9a8b7c6d5e4f3a2b'", "25:'Welcome2Shipco!'",
      "29:'Sh1pC0-acct'", "30:'f81d4fae7dec11d0'", "35:'Sh1pp3rAdm1n'", "35:'7c4a8d09ca3762af'"],
  },
  {
    name: 'SOAP login envelopes with the password inline or from a constant',
    src: `public class PartnerLogin {
    private static final String USERNAME = 'integration@acme.com.uat';
    private static final String SECURITY_TOKEN = 'Qw3rtY7uIoP9aSdF';

    public static String login(String orgUrl) {
        String env = '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">'
            + '<soapenv:Body><urn:login><urn:username>' + USERNAME + '</urn:username>'
            + '<urn:password>Autumn2024!' + SECURITY_TOKEN + '</urn:password>'
            + '</urn:login></soapenv:Body></soapenv:Envelope>';
        HttpRequest req = new HttpRequest();
        req.setEndpoint(orgUrl + '/services/Soap/u/62.0');
        req.setHeader('SOAPAction', 'login');
        req.setBody(env);
        return new Http().send(req).getBody();
    }

    public static String loginAs(String orgUrl, String user, String pwd) {
        String env = '<urn:login><urn:username>' + user + '</urn:username><urn:password>' + pwd + '</urn:password></urn:login>';
        String sample = '<urn:password>{!$Credential.Password}</urn:password><urn:tokenType>Bearer</urn:tokenType>';
        return env + sample;
    }
}`,
    expect: ["3:'Qw3rtY7uIoP9aSdF'", "8:'<urn:password>Autumn2024!'"],
  },
  {
    name: 'placeholders, merge fields, names of things and runtime values are not credentials',
    src: `public with sharing class CredentialAwareClient {
    private static final String PASSWORD_PARAM = 'password';
    private static final String TOKEN_ENDPOINT = 'https://login.salesforce.com/services/oauth2/token';
    private static final String API_KEY = 'YOUR_API_KEY';
    private static final String SECRET = '';
    private static final String AUTH_SCHEME = 'Bearer';
    private String tokenType = 'Bearer';
    private Boolean isSecret = true;
    private Integer tokenCount = 0;
    private String passwordField = 'Password__c';
    private String apiToken;
    private static final String NAMED_CREDENTIAL = 'Partner_API';
    private static final String CREDENTIAL = 'Partner_Principal';

    public CredentialAwareClient() {
        apiToken = Partner_Settings__c.getOrgDefaults().Api_Token__c;
    }

    public HttpResponse send(String username, String password) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Partner_API/login');
        req.setHeader('Authorization', '{!$Credential.AuthorizationHeaderValue}');
        req.setBody('grant_type=password&username=' + EncodingUtil.urlEncode(username, 'UTF-8') + '&password=' + EncodingUtil.urlEncode(password, 'UTF-8'));
        Map<String, String> form = new Map<String, String>{ 'password' => '{!$Credential.Password}', 'username' => '{!$Credential.Username}' };
        form.put('client_secret', '<client secret>');
        form.put('token', apiToken);
        String json = '{"password":"' + password + '","token":"****"}';
        String help = 'Enter your password: it must contain 8 characters';
        Map<String, Object> settings = new Map<String, Object>{ 'auth' => 'oauth2', 'tokenPlacement' => 'header', 'apiKey' => '{0}' };
        String template = String.format('{"username":"{0}","password":"{1}"}', new List<Object>{ username, password });
        return new Http().send(req);
    }
}`,
    expect: [],
  },
  {
    // Validation on whole public repositories: each of these was an error on real code.
    name: 'key names, key prefixes, sentinel markers, status words, asset names and stand-in names are not credentials',
    src: `public with sharing class ContactMergeController {
    private static final String MASTER_KEY = '$MASTER$';
    public static final String JWT_TOKEN = 'jwttoken';
    private final String PARAM_SECRET = 'secret=';
    public static final String WC_TEST_TOKEN = '1821929182';
    private static final String TOKEN_STATUS = 'Approved';
    private static final String API_KEY_ICON = 'apiKeyIcon.png';
    private String GetEditLevelProjectAuthorization() {
        if (isPortalUser) { return 'CP_Edit'; }
        return 'Read_Only';
    }
    private static final String ERP_PASSWORD = 'Kx81-qWm2!zR';
}`,
    expect: ["12:'Kx81-qWm2!zR'"],
  },
  {
    name: 'mocked token responses outside test classes: HttpCalloutMock, *Mock classes, example/dummy factories, Test.isRunningTest branches',
    src: `global class TokenServiceMock implements HttpCalloutMock {
    global HttpResponse respond(HttpRequest req) {
        HttpResponse res = new HttpResponse();
        res.setBody('{"access_token":"Zt7Qm2LpW9xR4vKc","token_type":"Bearer"}');
        return res;
    }
}
public class JitterbitAuthResponse {
    public String token { get; set; }
    public static JitterbitAuthResponse getExample() {
        JitterbitAuthResponse example = new JitterbitAuthResponse();
        example.token = '1821929182';
        return example;
    }
    public static Lead_Req createDummyRequest() {
        Lead_Req r = new Lead_Req();
        r.Password = 'FredSmith1';
        return r;
    }
    public static String header(JitterbitAuthResponse resp) {
        String authToken;
        if (!Test.isRunningTest()) {
            authToken = resp.token;
        } else {
            authToken = 'q82js0Wk2mZ';
        }
        return authToken;
    }
    public static void login(Lead_Req r) {
        r.Password = 'Qw8!rT5zLp';
    }
}`,
    expect: ["30:'Qw8!rT5zLp'"],
  },
  {
    name: 'form-encoded request bodies: a client secret in a grant body and an api_key after a dynamic value',
    src: `public with sharing class Geo {
    public static HttpResponse token() {
        HttpRequest req = new HttpRequest();
        req.setBody('grant_type=client_credentials&client_id=sf-sync&client_secret=q8Zt3LmW2pRx7Vk');
        return new Http().send(req);
    }
    public static HttpResponse lookup(String addr) {
        HttpRequest req = new HttpRequest();
        req.setBody('address=' + EncodingUtil.urlEncode(addr, 'UTF-8') + '&api_key=7f3k9Qz2Lm8Wx4Rt&format=json');
        return new Http().send(req);
    }
}`,
    expect: ["4:'grant_type=client_credentials&client_id=sf-sync&client_secret=q8Zt3LmW2pRx7Vk'", "9:'&api_key=7f3k9Qz2Lm8Wx4Rt&format=json'"],
  },
  {
    name: 'the same password pasted into three methods is one finding (the others related); example classes are fixtures',
    src: `public with sharing class InstantLifeController {
    public static Quote quote(Req requestBean) {
        requestBean.Password = 'FredSmith1';
        return send(requestBean);
    }
    public static Quote requote(Req requestBean) {
        requestBean.Password = 'FredSmith1';
        return send(requestBean);
    }
}
public class MetadataServiceExamples {
    public static void install(Pkg installedPackageA) {
        installedPackageA.password = 'fred1234';
    }
}`,
    expect: ["3:'FredSmith1'"],
  },
];

describe('hardcoded-credential (Apex)', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine([rule]); });

  for (const c of cases) {
    it(c.name, () => { assert.deepStrictEqual(found(engine, c.src), c.expect); });
  }

  it('names the slot, redacts the value and points to where a constant is used', () => {
    const f = lint(engine, cases[0].src);
    const pwd = f.find(x => x.range.start.line === 5)!;
    assert.match(pwd.message, /'PASSWORD'|'password'/);
    assert.ok(!pwd.message.includes('Spring2024'), pwd.message);
    assert.match(pwd.message, /\(15 chars\)/);
    assert.strictEqual(pwd.severity, 'error');
  });

  it('does not report a value hardcoded-secret already reports (a known token format)', () => {
    const src = `public class Payments {
    private static final String API_KEY = '${STRIPE}';
    public void m(HttpRequest req) { req.setBody('amount=100&api_key=${STRIPE}'); }
}`;
    assert.deepStrictEqual(found(engine, src), []);
  });

  it('is silent inside @IsTest classes unless tests are included', () => {
    const src = `@IsTest
private class ErpTokenServiceTest {
    @IsTest
    static void parsesToken() {
        String password = 'N0tARealOne!';
        System.assertNotEquals(null, password);
    }
}`;
    assert.deepStrictEqual(found(engine, src), []);
    assert.deepStrictEqual(found(engine, src, { includeTests: true }), ["5:'N0tARealOne!'"]);
  });

  it('a run of counting digits (1234567890123…) is a dummy, also in tests; digits in another order are not', () => {
    // twilio/twilio-salesforce: 20 test classes hold authToken = '12345678901234567890123456789012'.
    const src = `@IsTest
private class SmsClientTest {
    final static String authToken = '12345678901234567890123456789012';
    final static String apiSecret = '0123456789012345';
    final static String otherToken = '73019428561739204856';
    @IsTest
    static void sends() { System.assertNotEquals(null, authToken + apiSecret + otherToken); }
}`;
    assert.deepStrictEqual(found(engine, src, { includeTests: true }), ["5:'73019428561739204856'"]);
  });

  it('sample passwords of the self-registration test classes Salesforce generates (abcd1234, testuser123) are dummies', () => {
    // Seen in MRajesh07/Salesforce-Integration with --include-tests (CommunitiesSelfRegControllerTest and kin).
    const src = `@IsTest
private class SelfRegTest {
    @IsTest
    static void registers() {
        SelfRegController controller = new SelfRegController();
        controller.password = 'abcd1234';
        controller.confirmPassword = 'abcd123';
        String password = 'testuser123';
        String adminPassword = 'Zebra1984';
        System.assertNotEquals(null, password + adminPassword);
    }
}`;
    assert.deepStrictEqual(found(engine, src, { includeTests: true }), ["9:'Zebra1984'"]);
  });

  it('honours apiguard-disable-next-line', () => {
    const src = `public class Legacy {
    // apiguard-disable-next-line hardcoded-credential -- sandbox-only integration user, rotated weekly
    private static final String PASSWORD = 'Sandbox#Only42';
}`;
    const f = lint(engine, src);
    assert.strictEqual(f.length, 1);
    assert.ok(f[0].suppressed);
    assert.strictEqual(f[0].suppressed?.justification, 'sandbox-only integration user, rotated weekly');
  });
});
