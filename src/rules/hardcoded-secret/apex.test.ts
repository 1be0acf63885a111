import * as assert from 'assert';
import { Engine, type LintOptions } from '../../core/engine';
import { initApexParser, setReadyParser } from '../../core/apex/parser';
import { locateApexAssets } from '../../node/assets';
import { fakeToken, ALNUM } from '../../core/secrets/entropy';
import type { Finding } from '../../core/types';
import rule from './index';
import { allRules } from '..';
import { underlined } from '../../core/testkit';

// Realistic fakes (deterministic, not real credentials) in the shapes Salesforce and SaaS APIs issue.
const SF = ALNUM + '._';
const ORG = '00D5g000004XyzA';
const SESSION = `${ORG}!AQ4AQ${fakeToken('hs-session', 90, SF)}`;
const SESSION_A = SESSION.slice(0, 40), SESSION_B = SESSION.slice(40, 80), SESSION_C = SESSION.slice(80);
const REFRESH = `5Aep861${fakeToken('hs-refresh', 80, SF)}`;
const STRIPE = `sk_live_${fakeToken('hs-stripe', 24, ALNUM)}`;
const AWS = `AKIA${fakeToken('hs-aws', 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const JWT = `${b64url('{"alg":"RS256","typ":"JWT"}')}.${b64url('{"iss":"3MVG9acme","sub":"integration@acme.com","aud":"https://login.salesforce.com","exp":1767225600}')}.${fakeToken('hs-jwt', 43, ALNUM + '-_')}`;

function lint(engine: Engine, src: string, opts: LintOptions = {}): Finding[] {
  return engine.lint('/p/force-app/main/default/classes/Sample.cls', src, opts).findings.filter(f => f.ruleId === 'hardcoded-secret');
}

/** Each finding as `line:source text of its range` (1-based line), in order. */
function found(engine: Engine, src: string, opts: LintOptions = {}): string[] {
  return underlined(src, lint(engine, src, opts));
}

const cases: Array<{ name: string; src: string; expect: string[] }> = [
  {
    name: 'payment service: live key in a constant, used in a Bearer header one method away',
    src: `public with sharing class StripeGateway {
    private static final String API_BASE = 'https://api.stripe.com/v1';
    private static final String SECRET_KEY = '${STRIPE}';

    private static String authHeader() {
        return 'Bearer ' + SECRET_KEY;
    }

    public static HttpResponse charge(Integer amountCents, String currencyCode, String source) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(API_BASE + '/charges');
        req.setMethod('POST');
        req.setHeader('Authorization', authHeader());
        req.setBody('amount=' + amountCents + '&currency=' + currencyCode + '&source=' + source);
        return new Http().send(req);
    }
}`,
    expect: [`3:'${STRIPE}'`],
  },
  {
    name: 'session token split over concatenations and a += chain is one finding at the literal where it starts',
    src: `public class LegacyOrgSync {
    public static HttpResponse pull(String path) {
        String sid = '${SESSION_A}'
            + '${SESSION_B}'
            + '${SESSION_C}';
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://acme.my.salesforce.com/services/data/v60.0' + path);
        req.setHeader('Authorization', 'OAuth ' + sid);
        return new Http().send(req);
    }

    public static String refreshHeader() {
        String body = 'grant_type=refresh_token';
        body += '&refresh_token=';
        body += '${REFRESH.slice(0, 40)}';
        body += '${REFRESH.slice(40)}';
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://login.salesforce.com/services/oauth2/token');
        req.setBody(body);
        return new Http().send(req).getBody();
    }
}`,
    expect: [`3:'${SESSION_A}'`, `15:'${REFRESH.slice(0, 40)}'`],
  },
  {
    name: 'Basic credentials base64-encoded from literals, a JWT constant, an AWS key in a map and a refresh token in JSON',
    src: `public class IntegrationCredentials {
    private static final String ASSERTION = '${JWT}';

    public static HttpRequest basic() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://erp.acme.com/api/orders');
        req.setHeader('Authorization', 'Basic ' + EncodingUtil.base64Encode(Blob.valueOf('integration@acme.com:Tr0ub4dor&3')));
        return req;
    }

    public static Map<String, String> awsConfig() {
        Map<String, String> cfg = new Map<String, String>();
        cfg.put('region', 'eu-west-1');
        cfg.put('accessKeyId', '${AWS}');
        return cfg;
    }

    public static String tokenBody() {
        return '{"grant_type":"refresh_token","refresh_token":"${REFRESH}","assertion":"' + ASSERTION + '"}';
    }
}`,
    expect: [`2:'${JWT}'`, "7:EncodingUtil.base64Encode(Blob.valueOf('integration@acme.com:Tr0ub4dor&3'))", `14:'${AWS}'`, `19:'{"grant_type":"refresh_token","refresh_token":"${REFRESH}","assertion":"'`],
  },
  {
    name: 'merge fields, runtime tokens, org ids, samples and hashes are not secrets',
    src: `public with sharing class SafeCallouts {
    private static final String ORG_ID = '${ORG}';
    private static final String SAMPLE = 'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx';
    private static final String CHECKSUM = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

    public static HttpResponse call(String username, String password, String accessToken) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Erp/api/orders');
        req.setHeader('Authorization', 'Bearer {!$Credential.OAuthToken}');
        req.setHeader('X-Token', 'Bearer ' + accessToken);
        req.setHeader('X-Basic', 'Basic ' + EncodingUtil.base64Encode(Blob.valueOf(username + ':' + password)));
        req.setHeader('X-Session', 'OAuth ' + UserInfo.getSessionId());
        req.setBody('{"orgId":"' + ORG_ID + '","note":"Bearer token required"}');
        return new Http().send(req);
    }
}`,
    expect: [],
  },
];

describe('hardcoded-secret (Apex)', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine([rule]); });

  for (const c of cases) {
    it(c.name, () => { assert.deepStrictEqual(found(engine, c.src), c.expect); });
  }

  it('names the format, redacts the value and points to where it is used', () => {
    const f = lint(engine, cases[0].src);
    assert.strictEqual(f.length, 1);
    assert.strictEqual(f[0].severity, 'error');
    assert.match(f[0].message, /Stripe live secret key/);
    assert.match(f[0].message, /'sk_l…' \(32 chars\)/);
    assert.ok(!f[0].message.includes(STRIPE.slice(4, 12)), 'secret in message');
    assert.ok(f[0].related?.some(r => r.range.start.line === 5), JSON.stringify(f[0].related));
  });

  it('a split token carries related information for its other parts', () => {
    const f = lint(engine, cases[1].src)[0];
    assert.match(f.message, /assembled from literals/);
    const lines = new Set(f.related?.map(r => r.range.start.line));
    assert.ok(lines.has(3) && lines.has(4), JSON.stringify(f.related));
  });

  it('points to every place a secret constant is passed', () => {
    const src = `public class Maps {
    private static final String GOOGLE_KEY = '${STRIPE}';
    public static HttpRequest geocode(String address) {
        HttpRequest req = new HttpRequest();
        req.setHeader('X-Api-Key', GOOGLE_KEY);
        req.setEndpoint('callout:Maps/geocode?address=' + EncodingUtil.urlEncode(address, 'UTF-8'));
        return req;
    }
    public static Map<String, String> config() {
        return new Map<String, String>{ 'key' => GOOGLE_KEY };
    }
}`;
    const f = lint(engine, src);
    assert.strictEqual(f.length, 1);
    assert.deepStrictEqual(f[0].related?.map(r => r.range.start.line), [4]);
  });

  it('finds secrets in comments (commented-out code), not only in literals', () => {
    const src = `public class Legacy {
    // req.setHeader('Authorization', 'Bearer ${STRIPE}');
    /* old refresh token:
       ${REFRESH}
    */
    // Use the key from Payment_Settings__c, e.g. sk_live_xxxxxxxxxxxxxxxxxxxxxxxx
    public static void m() {}
}`;
    assert.deepStrictEqual(found(engine, src), [`2:${STRIPE}`, `4:${REFRESH}`]);
    assert.match(lint(engine, src)[0].message, /comment/);
  });

  it('finds a secret typed key by key into a comment of a large class with no keyword before (the edited text is read around the edit)', () => {
    const fields = Array.from({ length: 2500 }, (_, i) => `    public String field${i};\n`).join('');
    const head = `public class Stub {\n${fields}    // old key: `;
    // A callout (through a Named Credential) gives the callout rules something to read: with every rule, the file is
    // linted (with this rule alone, the engine's text pre-check would skip it until a keyword is typed).
    const tail = `\n    public void m() { HttpRequest req = new HttpRequest(); req.setEndpoint('callout:Billing/v1'); }\n}`;
    const all = new Engine(allRules);
    const found = (src: string) => underlined(src, all.lint('/p/force-app/main/default/classes/Stub.cls', src).findings.filter(f => f.ruleId === 'hardcoded-secret'));
    assert.ok(head.length > 64 * 1024);
    assert.deepStrictEqual(found(head + tail), []);
    // Typed one character per lint, as in the editor: the keyword first, then the key (20 characters or more after it).
    const typed = Array.from({ length: STRIPE.length }, (_, n) => found(head + STRIPE.slice(0, n + 1) + tail));
    assert.deepStrictEqual(typed.findIndex(f => f.length > 0), 'sk_live_'.length + 20 - 1);
    assert.deepStrictEqual(typed[typed.length - 1], [`2502:${STRIPE}`]);
  });

  it('two secrets in one literal are two findings', () => {
    const src = `public class Pair {
    static final String CREDS = 'stripe=${STRIPE};aws=${AWS}';
}`;
    assert.deepStrictEqual(found(engine, src), [`2:${STRIPE}`, `2:${AWS}`]);
  });

  it('is silent inside @IsTest classes unless tests are included', () => {
    const src = `@IsTest
private class StripeGatewayTest {
    @IsTest
    static void charges() {
        Test.setMock(HttpCalloutMock.class, new StripeMock('${STRIPE}'));
    }
}`;
    assert.deepStrictEqual(found(engine, src), []);
    assert.deepStrictEqual(found(engine, src, { includeTests: true }), [`5:'${STRIPE}'`]);
  });
});

describe('hardcoded-secret (Apex): a token whose first literal already looks complete', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine([rule]); });

  it('reports the whole token once, with its real length', () => {
    const head = SESSION.slice(0, 70), tail = SESSION.slice(70);
    const src = `public class Sandbox {
    private static final String SESSION = '${head}'
        + '${tail}';
    public static void call(HttpRequest req) { req.setHeader('Authorization', 'Bearer ' + SESSION); }
}`;
    const f = lint(engine, src);
    assert.strictEqual(f.length, 1);
    assert.match(f[0].message, new RegExp(`\\(${SESSION.length} chars\\)`));
    assert.ok(f[0].related?.some(r => r.range.start.line === 2), JSON.stringify(f[0].related));
  });
});
