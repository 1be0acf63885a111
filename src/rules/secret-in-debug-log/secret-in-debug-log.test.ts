import * as assert from 'assert';
import { Engine, type LintOptions } from '../../core/engine';
import { initApexParser, setReadyParser } from '../../core/apex/parser';
import { locateApexAssets } from '../../node/assets';
import rule from './index';
import { underlined } from '../../core/testkit';

/** Each finding as `line:source text of its range` (1-based line), in order. */
function found(engine: Engine, src: string, opts: LintOptions = {}): string[] {
  const r = engine.lint('/p/force-app/main/default/classes/Sample.cls', src, opts);
  return underlined(src, r.findings.filter(f => f.ruleId === 'secret-in-debug-log'));
}

const cases: Array<{ name: string; src: string; expect: string[] }> = [
  {
    name: 'OAuth client that logs its token request, response and header',
    src: `public with sharing class ErpAuthService {
    private static final String TOKEN_URL = 'https://login.erp.example.com/oauth2/token';
    private String accessToken;
    private Integer tokenCount = 0;
    private Boolean isTokenValid = false;
    private Id passwordResetId;

    public String login(String username, String password) {
        Erp_Settings__c cfg = Erp_Settings__c.getOrgDefaults();
        HttpRequest req = new HttpRequest();
        req.setEndpoint(TOKEN_URL);
        req.setMethod('POST');
        req.setBody('grant_type=password&username=' + EncodingUtil.urlEncode(username, 'UTF-8'));
        System.debug('Logging in as ' + username + ' with ' + password);
        System.debug(LoggingLevel.DEBUG, 'client secret: ' + cfg.Client_Secret__c);
        HttpResponse res = new Http().send(req);
        System.debug('token response: ' + res.getBody());
        Map<String, Object> parsed = (Map<String, Object>) JSON.deserializeUntyped(res.getBody());
        accessToken = (String) parsed.get('access_token');
        System.debug(LoggingLevel.INFO, parsed.get('access_token'));
        System.debug('cached token ' + this.accessToken);
        System.debug('status ' + res.getStatusCode() + ' tokens issued ' + tokenCount + ' valid ' + isTokenValid);
        System.debug('reset ' + passwordResetId);
        System.debug('token set: ' + String.isNotBlank(accessToken) + ', length ' + accessToken.length());
        return accessToken;
    }

    public HttpResponse get(String path) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Erp' + path);
        req.setHeader('Authorization', 'Bearer ' + accessToken);
        System.debug('auth header: ' + req.getHeader('Authorization'));
        System.debug('content type: ' + req.getHeader('Content-Type'));
        HttpResponse res = new Http().send(req);
        System.debug(res.getBody());
        return res;
    }
}`,
    expect: ['14:password', '15:cfg.Client_Secret__c', '17:res.getBody()', "20:parsed.get('access_token')", '21:this.accessToken', "32:req.getHeader('Authorization')"],
  },
  {
    name: 'session id directly, through a variable and through String.format; getters of credentials',
    src: `public class DiagnosticsController {
    public String getApiKey() { return Diagnostics__c.getOrgDefaults().Api_Key__c; }

    public void dump(PartnerCredentials creds) {
        String sid = UserInfo.getSessionId();
        System.debug(UserInfo.getSessionId());
        System.debug('sid=' + sid);
        System.debug(String.format('user {0} session {1}', new List<Object>{ UserInfo.getUserId(), sid }));
        System.debug('key ' + getApiKey());
        System.debug('secret ' + creds.getClientSecret().trim());
        System.debug('user ' + UserInfo.getUserName() + ' org ' + UserInfo.getOrganizationId());
        System.debug('has key ' + (getApiKey() != null));
        System.debug(UserInfo.getOrganizationId() + '!' + UserInfo.getSessionId().substringAfter('!'));
        System.debug('Password: ' + (creds.Password__c != null ? '***SET***' : 'NOT SET'));
        System.debug('key prefix ' + getApiKey().left(4));
    }
}`,
    expect: ['6:UserInfo.getSessionId()', '7:sid', '8:sid', '9:getApiKey()', '10:creds.getClientSecret()', '13:UserInfo.getSessionId()'],
  },
  {
    name: 'client credentials merged into a Basic header and logged on the way (seen in a public repository)',
    src: `public class CognitoClient {
    public static String getToken() {
        String endpoint = 'https://clients.auth.us-east-1.amazoncognito.com/oauth2/token';
        String clientId = '7bofblo9lp844du49a5srpn0ts';
        String clientSecret = '1759rjoacj884jeqtoicstqtr4ngdeqm878j1vkbqmm6r8ivka4f';
        String mergedString = clientId + ':' + clientSecret;
        System.debug('mergedString::' + mergedString);
        Blob data = Blob.valueOf(mergedString);
        System.debug('data::' + data);
        System.debug('client ' + clientId + ' endpoint ' + endpoint);
        String encoded = EncodingUtil.base64Encode(data);
        System.debug('Encrypted String::' + encoded);
        HttpRequest request = new HttpRequest();
        request.setEndpoint(endpoint);
        request.setHeader('Authorization', 'Basic ' + EncodingUtil.base64Encode(data));
        System.debug('Authorization key::' + request.getHeader('Authorization'));
        HttpResponse response = new Http().send(request);
        if (response.getStatusCode() == 200) {
            System.debug('ACCESS TOKEN::' + response.getBody());
        }
        return response.getBody();
    }
}`,
    expect: ['7:mergedString', '9:data', '12:encoded', "16:request.getHeader('Authorization')", '19:response.getBody()'],
  },
  {
    name: 'token responses of calls whose token URL comes from settings',
    src: `public class CanvasClient {
    public static String refresh(Canvas_Settings__c cfg, String refresh) {
        HttpRequest r = new HttpRequest();
        r.setEndpoint(cfg.Token_URL__c + '?grant_type=refresh_token&refresh_token=' + refresh);
        r.setMethod('POST');
        HttpResponse res = new Http().send(r);
        System.debug(res.getBody());
        return res.getBody();
    }
    public static String token(Canvas_Settings__c cfg) {
        HttpRequest r = new HttpRequest();
        r.setEndpoint(getAccessTokenUrl(cfg));
        HttpResponse res = new Http().send(r);
        System.debug('token json ' + res.getBody());
        return res.getBody();
    }
    public static String courses(Canvas_Settings__c cfg) {
        HttpRequest r = new HttpRequest();
        r.setEndpoint(cfg.Base_URL__c + '/api/v1/courses?per_page=50');
        HttpResponse res = new Http().send(r);
        System.debug(res.getBody());
        return res.getBody();
    }
    private static String getAccessTokenUrl(Canvas_Settings__c cfg) { return cfg.Base_URL__c + '/login/oauth2/token'; }
}`,
    expect: ['7:res.getBody()', '14:res.getBody()'],
  },
  {
    // bdrhoa/k360pf logs the request of a client-credentials token call: the client authenticates in the
    // Authorization header and the body is only the grant, so the request body holds no credential.
    name: 'the request body of a token call is reported only when it carries a credential',
    src: `public class ErpTokenClient {
    public static String clientCredentials(String basic) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Erp_Auth/oauth2/v1/token');
        req.setHeader('Authorization', 'Basic ' + basic);
        req.setBody('grant_type=client_credentials&scope=erp_api');
        System.debug('request body: ' + req.getBody());
        HttpResponse res = new Http().send(req);
        System.debug('response body: ' + res.getBody());
        return res.getBody();
    }
    public static String password(Erp_Settings__c cfg, String user, String pwd) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(cfg.Token_URL__c);
        req.setBody('grant_type=password&client_id=' + cfg.Client_Id__c + '&username=' + user + '&password=' + pwd);
        System.debug(req.getBody());
        return new Http().send(req).getBody();
    }
    public static String secretInBody(String clientId, String clientSecret) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://login.erp.example.com/oauth2/token');
        String body = 'grant_type=client_credentials&client_id=' + clientId + '&client_secret=' + clientSecret;
        req.setBody(body);
        System.debug(req.getBody());
        return new Http().send(req).getBody();
    }
}`,
    expect: ['9:res.getBody()', '16:req.getBody()', '24:req.getBody()'],
  },
  {
    name: 'JWT bearer flow logging the signed assertion',
    src: `public class JwtBearerFlow {
    public static String assertion(String clientId, String username) {
        Auth.JWT jwt = new Auth.JWT();
        jwt.setIss(clientId);
        jwt.setSub(username);
        jwt.setAud('https://login.salesforce.com');
        Auth.JWS jws = new Auth.JWS(jwt, 'jwt_signing_cert');
        String signed = jws.getCompactSerialization();
        System.debug('assertion: ' + signed);
        System.debug(LoggingLevel.FINE, 'claims for ' + username + ' via ' + clientId);
        return signed;
    }
}`,
    expect: ['9:signed'],
  },
  {
    name: 'ordinary debug statements are not reported',
    src: `public with sharing class AccountSync {
    private static final String PASSWORD_FIELD = 'Password__c';
    private Boolean isSecret = false;

    public void run(List<Account> accounts, Integer tokenCount) {
        System.debug('Syncing ' + accounts.size() + ' accounts');
        System.debug(LoggingLevel.WARN, 'token count ' + tokenCount);
        System.debug('field ' + PASSWORD_FIELD + ' secret? ' + isSecret);
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Erp/accounts');
        req.setBody(JSON.serialize(accounts));
        HttpResponse res = new Http().send(req);
        System.debug(res.getBody());
        System.debug(res.getStatus());
        System.debug(accounts);
    }
}`,
    expect: [],
  },
  {
    // twilio/twilio-salesforce logs its JSON parser's position: a JSONToken is a parse event, not a credential.
    name: 'JSONParser tokens (parse events) are not credentials; a token getter on another object still is',
    src: `public with sharing class InvoiceParser {
    public static Map<String, Object> read(JSONParser parser, System.JSONParser other) {
        System.debug('at ' + parser.getCurrentToken() + ' name ' + parser.getCurrentName());
        System.debug('next ' + parser.nextToken() + ' cleared ' + other.getLastClearedToken());
        JSONToken token = parser.getCurrentToken();
        System.debug('token ' + token);
        System.debug(JSON.createParser('{}').nextToken());
        System.debug('session ' + TokenCache.getCurrentToken());
        return null;
    }
}`,
    expect: ['8:TokenCache.getCurrentToken()'],
  },
];

describe('secret-in-debug-log', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine([rule]); });

  for (const c of cases) {
    it(c.name, () => { assert.deepStrictEqual(found(engine, c.src), c.expect); });
  }

  it('messages say what leaks and what to do, without the value', () => {
    const r = engine.lint('/p/classes/A.cls', `public class A {
    private static final String API_KEY = 'sk_live_51HqLyjWDarjtT1zdp7dc';
    public void m() { System.debug('key ' + API_KEY); }
}`);
    assert.strictEqual(r.findings.length, 1);
    assert.match(r.findings[0].message, /API_KEY/);
    assert.match(r.findings[0].message, /debug log/);
    assert.doesNotMatch(r.findings[0].message, /sk_live/);
  });

  it('is silent inside @IsTest classes unless tests are included', () => {
    const src = `@IsTest
private class AuthServiceTest {
    @IsTest
    static void logsIn() {
        String password = 'hunter2';
        System.debug(password);
    }
}`;
    assert.deepStrictEqual(found(engine, src), []);
    assert.deepStrictEqual(found(engine, src, { includeTests: true }), ['6:password']);
  });
});
