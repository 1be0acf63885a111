import * as assert from 'assert';
import type { Engine, LintOptions } from '../../core/engine';
import type { Finding } from '../../core/types';
import { createEngine } from '../../node/createEngine';
import { underlined } from '../../core/testkit';
import { ALNUM, fakeToken } from '../../core/secrets/entropy';

const RULE = 'credential-in-url';
const PATH = '/p/force-app/main/default/classes/Sample.cls';
let engine: Engine;

function findings(src: string, opts: LintOptions = {}): Finding[] {
  return engine.lint(PATH, src, opts).findings.filter(f => f.ruleId === RULE);
}

/** Each finding as `line:source text of its range` (1-based line). */
function found(src: string, opts: LintOptions = {}): string[] {
  return underlined(src, findings(src, opts));
}

const GEO = `public with sharing class GeocodingService {
    private static final String MAPS_KEY = 'AIzaSyD3x4mPl3K3yV4lu3F0rD0cs12345';
    private static final String BASE = 'https://maps.googleapis.com/maps/api/geocode/json';

    public static HttpResponse geocode(String address) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(BASE + '?key=' + MAPS_KEY + '&address=' + EncodingUtil.urlEncode(address, 'UTF-8'));
        req.setMethod('GET');
        return new Http().send(req);
    }

    public static HttpResponse weather(Decimal lat, Decimal lon) {
        String url = 'https://api.openweathermap.org/data/2.5/weather?lat=' + lat + '&lon=' + lon;
        url += '&appid=' + 'x' + '&api_key=' + '7d2c9b1e5f3a8c4d6e0f1a2b3c4d5e6f';
        HttpRequest req = new HttpRequest();
        req.setEndpoint(url);
        return new Http().send(req);
    }
}`;

const FTP_AND_TOKEN = `public with sharing class PartnerFeed {
    private static final String FEED = 'https://feed_user:Spr1ngF33d!2024@partner.example.com/export/products.csv';

    public static String download() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(FEED);
        req.setMethod('GET');
        return new Http().send(req).getBody();
    }

    public static HttpResponse oauthToken() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://login.partner.example.com/oauth/token?grant_type=client_credentials&client_id=3MVG9partnerApp'
            + '&client_secret=' + '8F2D4A6C1E3B5D7F9A0C2E4B6D8F1A3C');
        req.setMethod('POST');
        return new Http().send(req);
    }

    public static HttpResponse hubspot(String email) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(String.format('https://api.hubapi.com/contacts/v1/contact/email/{0}/profile?hapikey={1}',
            new List<Object>{ email, 'c7a1e9f2-4b3d-4e8a-9f1c-2d3e4f5a6b7c' }));
        return new Http().send(req);
    }
}`;

const QUIET = `public with sharing class UrlsWithoutLiteralCredentials {
    public static HttpResponse fromSettings(String q) {
        Maps_Settings__c s = Maps_Settings__c.getOrgDefaults();
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://maps.googleapis.com/maps/api/geocode/json?key=' + s.Api_Key__c + '&address=' + q);
        return new Http().send(req);
    }
    public static HttpResponse mergeFields() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Partner/oauth/token?client_id={!$Credential.Partner_EC.ClientId}&client_secret={!$Credential.Partner_EC.ClientSecret}');
        req.setEndpoint('https://{!$Credential.UserName}:{!$Credential.Password}@files.example.com/upload');
        return new Http().send(req);
    }
    public static HttpResponse placeholders(HttpRequest req, String token) {
        req.setEndpoint('https://api.example.com/v1/items?api_key=YOUR_API_KEY');
        req.setEndpoint('https://api.example.com/v1/items?access_token=' + token);
        req.setEndpoint(String.format('https://api.example.com/v1/items?api_key={0}', new List<Object>{ token }));
        String docs = 'See https://developer.example.com/docs?section=auth&token=true for details';
        return new Http().send(req);
    }
    public static String body(String user, String pwd) {
        // Form bodies are hardcoded-credential's business, not URLs.
        return 'grant_type=password&username=' + user + '&password=' + pwd;
    }
    public static String mail() {
        return 'mailto:support@example.com?subject=Help';
    }
}`;

describe(RULE, () => {
  before(async () => { engine = await createEngine(); });

  it('query parameters: key from a constant, api_key appended with +=, client_secret concatenated, hapikey through String.format', () => {
    assert.deepStrictEqual(found(GEO), [
      '2:\'AIzaSyD3x4mPl3K3yV4lu3F0rD0cs12345\'',
      '14:\'7d2c9b1e5f3a8c4d6e0f1a2b3c4d5e6f\'',
    ]);
    assert.deepStrictEqual(found(FTP_AND_TOKEN), [
      '2:\'https://feed_user:Spr1ngF33d!2024@partner.example.com/export/products.csv\'',
      '14:\'8F2D4A6C1E3B5D7F9A0C2E4B6D8F1A3C\'',
      '22:\'c7a1e9f2-4b3d-4e8a-9f1c-2d3e4f5a6b7c\'',
    ]);
  });

  it('dynamic values, merge fields, placeholders, format slots, bodies and mailto: are not reported', () => {
    assert.deepStrictEqual(found(QUIET), []);
  });

  it('messages redact the value; hints give origin, param or userinfo; related points at the URL when the literal is elsewhere', () => {
    const [key] = findings(GEO);
    assert.strictEqual(key.message, 'URL passes a hardcoded credential in its \'key\' query parameter (\'AIza…\' (34 chars)): move it to a Named Credential (External Credential) instead of the URL, where it is logged and cached.');
    assert.deepStrictEqual(key.hints, { origin: 'https://maps.googleapis.com', param: 'key' });
    assert.deepStrictEqual(key.related?.map(r => r.range.start.line + 1), [7]);
    const [userinfo, secret] = findings(FTP_AND_TOKEN);
    assert.deepStrictEqual(userinfo.hints, { origin: 'https://partner.example.com', userinfo: true });
    assert.ok(!userinfo.message.includes('Spr1ng'), userinfo.message);
    assert.strictEqual(secret.hints?.param, 'client_secret');
    assert.strictEqual(secret.related, undefined);
    assert.strictEqual(secret.severity, 'error');
  });

  it('a literal URL in a test class is skipped unless includeTests', () => {
    const src = `@IsTest
private class FeedTest {
    static final String URL = 'https://api.example.com/v1/items?api_key=9d8c7b6a5f4e3d2c1b0a';
    @IsTest static void t() { System.assert(URL.contains('api_key')); }
}`;
    assert.deepStrictEqual(found(src), []);
    assert.deepStrictEqual(found(src, { includeTests: true }), ['3:\'https://api.example.com/v1/items?api_key=9d8c7b6a5f4e3d2c1b0a\'']);
  });

  it('a URL with a credential in commented-out code is reported at the value; placeholders and doc links in comments are not', () => {
    // iamSoham01/Salesforce-Integration keeps the previous endpoint, API key included, in a // comment.
    const STRIPE = 'sk_live_' + fakeToken('ciu-comment', 24, ALNUM);
    const src = `public with sharing class GeoLookup {
    public static HttpResponse find(String q) {
        //String endPoint = 'https://api.geo.example.com/v1/json?key=5d2f8a1c9e7b4063a1f2d3c4b5a69788&q=' + q;
        /* old: https://svc_user:Wint3r-Sync-24@files.example.com/upload */
        // See https://api.geo.example.com/docs?api_key=YOUR_API_KEY for the format
        // https://api.geo.example.com/v1/json?key=abc&q=1 (key too short to be a token)
        // previous: https://api.geo.example.com/v0/json?key=5d2f8a1c9e7b4063a1f2d3c4b5a69788&q=1
        // https://api.geo.example.com/v2/json?token=${STRIPE} (a known format: hardcoded-secret's finding)
        String endPoint = 'callout:Geo/v1/json?q=' + EncodingUtil.urlEncode(q, 'UTF-8');
        HttpRequest req = new HttpRequest();
        req.setEndpoint(endPoint);
        return new Http().send(req);
    }
}`;
    assert.deepStrictEqual(found(src), ['3:5d2f8a1c9e7b4063a1f2d3c4b5a69788', '4:Wint3r-Sync-24']);
    assert.deepStrictEqual(engine.lint(PATH, src).findings.filter(x => x.range.start.line === 7).map(x => x.ruleId), ['hardcoded-secret']);
    const f = findings(src);
    assert.ok(f.every(x => !x.message.includes('5d2f8a1c9e') && !x.message.includes('Wint3r')), f.map(x => x.message).join('\n'));
    assert.ok(f[0].message.includes('comment'), f[0].message);
    // The second copy of the same key is a related location, not a second finding.
    assert.deepStrictEqual(f[0].related?.map(r => r.range.start.line + 1), [7]);
  });
});
