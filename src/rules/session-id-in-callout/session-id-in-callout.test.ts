import * as assert from 'assert';
import { Engine, type LintOptions } from '../../core/engine';
import { initApexParser, setReadyParser } from '../../core/apex/parser';
import { locateApexAssets } from '../../node/assets';
import rule from './index';
import { underlined } from '../../core/testkit';

/** Each finding as `line:source text of its range` (1-based line), in order. */
function found(engine: Engine, src: string, opts: LintOptions = {}): string[] {
  const r = engine.lint('/p/force-app/main/default/classes/Sample.cls', src, opts);
  return underlined(src, r.findings.filter(f => f.ruleId === 'session-id-in-callout'));
}

const cases: Array<{ name: string; src: string; expect: string[] }> = [
  {
    name: 'REST callouts to the org itself and to a third party with the session id in header, endpoint and body',
    src: `public with sharing class ToolingApiClient {
    private static final String API = '/services/data/v60.0';

    public static String describeLayouts(String sobjectName) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(URL.getOrgDomainUrl().toExternalForm() + API + '/sobjects/' + sobjectName + '/describe/layouts');
        req.setMethod('GET');
        req.setHeader('Authorization', 'Bearer ' + UserInfo.getSessionId());
        req.setHeader('Content-Type', 'application/json');
        return new Http().send(req).getBody();
    }

    public static HttpResponse exportTo(String partnerUrl, String payload) {
        String sid = UserInfo.getSessionId();
        HttpRequest req = new HttpRequest();
        req.setEndpoint(partnerUrl + '?sid=' + sid);
        req.setMethod('POST');
        req.setBody(payload);
        return new Http().send(req);
    }

    public static HttpResponse handOff(String payload) {
        Map<String, Object> body = new Map<String, Object>();
        body.put('payload', payload);
        body.put('sessionId', UserInfo.getSessionId());
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Partner_API/handoff');
        req.setMethod('POST');
        req.setBody(JSON.serialize(body));
        return new Http().send(req);
    }

    public static HttpResponse inline() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Partner_API/sessions');
        req.setBody(JSON.serialize(new Map<String, String>{ 'sid' => UserInfo.getSessionId() }));
        return new Http().send(req);
    }
}`,
    expect: ["8:'Bearer ' + UserInfo.getSessionId()", "16:partnerUrl + '?sid=' + sid", '29:JSON.serialize(body)', "36:JSON.serialize(new Map<String, String>{ 'sid' => UserInfo.getSessionId() })"],
  },
  {
    name: 'session id held in a field and returned by a helper method',
    src: `public class MetadataDeployer {
    private String sessionId = UserInfo.getSessionId();

    private String token() {
        return UserInfo.getSessionId();
    }

    public void deploy(String zip) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Self/services/Soap/m/60.0');
        req.setHeader('Authorization', 'OAuth ' + this.sessionId);
        req.setHeader('X-SFDC-Session', token());
        req.setBody(zip);
        new Http().send(req);
    }
}`,
    expect: ["11:'OAuth ' + this.sessionId", '12:token()'],
  },
  {
    name: 'WSDL2Apex stubs: SessionHeader.sessionId and inputHttpHeaders_x',
    src: `public with sharing class MetadataServiceClient {
    public static MetadataService.MetadataPort createService() {
        MetadataService.MetadataPort service = new MetadataService.MetadataPort();
        service.SessionHeader = new MetadataService.SessionHeader_element();
        service.SessionHeader.sessionId = UserInfo.getSessionId();
        return service;
    }

    public static MetadataService.MetadataPort serviceFor(String sessionToken) {
        MetadataService.MetadataPort service = new MetadataService.MetadataPort();
        service.SessionHeader = new MetadataService.SessionHeader_element();
        service.SessionHeader.sessionId = sessionToken;
        return service;
    }

    public static void deployAll() {
        serviceFor(UserInfo.getSessionId()).checkStatus(new List<String>{ '0Af000000000001' });
    }

    public static partnerSoapSforceCom.Soap partner() {
        partnerSoapSforceCom.Soap stub = new partnerSoapSforceCom.Soap();
        partnerSoapSforceCom.SessionHeader_element header = new partnerSoapSforceCom.SessionHeader_element();
        header.sessionId = UserInfo.getSessionId();
        stub.SessionHeader = header;
        stub.inputHttpHeaders_x = new Map<String, String>();
        stub.inputHttpHeaders_x.put('Cookie', 'sid=' + UserInfo.getSessionId());
        return stub;
    }
}`,
    expect: ['5:UserInfo.getSessionId()', '12:sessionToken', '23:UserInfo.getSessionId()', "26:'sid=' + UserInfo.getSessionId()"],
  },
  {
    name: 'hand-built SOAP envelope with the session id in its SessionHeader',
    src: `public class PartnerSoapClient {
    private static final String NS = 'urn:partner.soap.sforce.com';
    private static final String SOAPENV = 'http://schemas.xmlsoap.org/soap/envelope/';

    public static String getServerTimestamp() {
        Dom.Document doc = new Dom.Document();
        Dom.XmlNode env = doc.createRootElement('Envelope', SOAPENV, 'soapenv');
        Dom.XmlNode header = env.addChildElement('Header', SOAPENV, null);
        header.addChildElement('SessionHeader', NS, null).addChildElement('sessionId', NS, null).addTextNode(UserInfo.getSessionId());
        env.addChildElement('Body', SOAPENV, null).addChildElement('getServerTimestamp', NS, null);
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Self/services/Soap/u/62.0');
        req.setMethod('POST');
        req.setHeader('SOAPAction', '""');
        req.setBody(doc.toXmlString());
        return new Http().send(req).getBody();
    }

    public static String echo(String text) {
        Dom.Document doc = new Dom.Document();
        doc.createRootElement('Envelope', SOAPENV, 'soapenv').addTextNode(text);
        HttpRequest req = new HttpRequest();
        req.setBody(doc.toXmlString());
        return new Http().send(req).getBody();
    }
}`,
    expect: ['15:doc.toXmlString()'],
  },
  {
    name: 'a session id replaced only in a branch is still sent on the other path; an unconditional replacement is not reported',
    src: `public class MetadataRestService {
    public static HttpResponse call(String path, String namedCredential) {
        String sid = UserInfo.getSessionId();
        if (String.isNotBlank(namedCredential)) {
            sid = '{!$Credential.OAuthToken}';
        }
        HttpRequest req = new HttpRequest();
        req.setHeader('Authorization', 'Bearer ' + sid);
        return new Http().send(req);
    }
    public static HttpResponse viaNamedCredential(String path) {
        String sid = UserInfo.getSessionId();
        sid = '{!$Credential.OAuthToken}';
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Self' + path);
        req.setHeader('Authorization', 'Bearer ' + sid);
        return new Http().send(req);
    }
}`,
    expect: ["8:'Bearer ' + sid"],
  },
  {
    name: 'session id used without a callout, or callouts through Named Credentials, are not reported',
    src: `public with sharing class SessionAware {
    public String sessionId { get; set; }
    private static final String AUTH = '{!$Credential.OAuthToken}';

    public SessionAware() {
        sessionId = UserInfo.getSessionId();
    }

    public Boolean hasSession() {
        return String.isNotBlank(UserInfo.getSessionId());
    }

    public HttpResponse callPartner(String body) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Partner_API/v2/orders');
        req.setHeader('Authorization', 'Bearer ' + AUTH);
        req.setHeader('X-Request-Id', String.valueOf(Crypto.getRandomLong()));
        req.setBody(body);
        return new Http().send(req);
    }

    public void remember() {
        Cache.Session.put('lastSession', UserInfo.getSessionId().length());
        Map<String, String> m = new Map<String, String>();
        m.put('sid', UserInfo.getSessionId());
        System.assert(m.size() == 1);
    }
}`,
    expect: [],
  },
];

describe('session-id-in-callout', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine([rule]); });

  for (const c of cases) {
    it(c.name, () => { assert.deepStrictEqual(found(engine, c.src), c.expect); });
  }

  it('messages name where the session id goes and say what to do', () => {
    const r = engine.lint('/p/classes/A.cls', `public class A {
    public void m() {
        HttpRequest req = new HttpRequest();
        req.setHeader('Authorization', 'Bearer ' + UserInfo.getSessionId());
    }
}`);
    assert.strictEqual(r.findings.length, 1);
    assert.match(r.findings[0].message, /'Authorization' header/);
    assert.match(r.findings[0].message, /Named Credential/);
    assert.strictEqual(r.findings[0].severity, 'warning');
  });

  it('is silent inside @IsTest methods unless tests are included', () => {
    const src = `public class CalloutTests {
    @IsTest
    static void sendsSession() {
        HttpRequest req = new HttpRequest();
        req.setHeader('Authorization', 'Bearer ' + UserInfo.getSessionId());
    }
}`;
    assert.deepStrictEqual(found(engine, src), []);
    assert.deepStrictEqual(found(engine, src, { includeTests: true }), ["5:'Bearer ' + UserInfo.getSessionId()"]);
  });
});
