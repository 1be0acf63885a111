import * as assert from 'assert';
import { createEngine } from '../../node/createEngine';
import type { Finding } from '../types';
import type { ProjectIndex } from '../project';
import type { Engine } from '../engine';
import { parseXml } from '../xml/parse';
import type { XmlElement } from '../xml/document';
import { LineIndex } from '../position';
import { FIXABLE_RULES } from './plan';
import { applyPlanToFiles, planFix, planInsecureEndpointFix, planLegacyMigration, planMigration, type FixContext, type FixPlan } from './index';

const ROOT = '/work/acme';
const CLS = `${ROOT}/force-app/main/default/classes`;
const MD = `${ROOT}/force-app/main/default`;

function project(over: Partial<ProjectIndex> = {}): ProjectIndex {
  return { root: ROOT, sourceApiVersion: '62.0', packageDirectories: [{ path: 'force-app', default: true }],
    namedCredentials: [], externalCredentials: [], remoteSites: [], ...over };
}

function ctxFor(files: Map<string, string>, p: ProjectIndex, extra: Partial<FixContext> = {}): FixContext {
  return { project: p, readFile: f => files.get(f), exists: f => files.has(f), ...extra };
}

let engine: Engine;

/** What the real rules report on the Apex files (the findings the fixes consume). */
function allFindings(files: Map<string, string>): Finding[] {
  return [...files].filter(([p]) => p.endsWith('.cls'))
    .flatMap(([p, t]) => engine.lint(p, t).findings.filter(f => FIXABLE_RULES.includes(f.ruleId)));
}

function created(plan: FixPlan, suffix: string): string {
  const c = plan.creates.find(x => x.path.endsWith(suffix));
  assert.ok(c, `expected a created file ending with ${suffix}; got ${plan.creates.map(x => x.path).join(', ')}`);
  return c.content;
}

/** Parses with the project's XML parser; returns the root name and every element name used. */
function checkXml(text: string): { root: string; elements: Set<string> } {
  assert.ok(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'), 'XML declaration first');
  const doc = parseXml(text, new LineIndex(text));
  assert.strictEqual(doc.error, undefined, doc.error?.message);
  assert.ok(doc.root);
  assert.strictEqual(doc.root.attributes.xmlns, 'http://soap.sforce.com/2006/04/metadata');
  const elements = new Set<string>();
  const visit = (e: XmlElement) => { elements.add(e.local); e.children.forEach(visit); };
  visit(doc.root);
  // Children of the root in alphabetical order, as sf project retrieve writes them.
  const top = doc.root.children.map(c => c.local);
  assert.deepStrictEqual(top, [...top].sort(), `${doc.root.local} children sorted`);
  return { root: doc.root.local, elements };
}

/** Element sets documented in salesforce-facts A.1–A.3 (API 67 field lists). */
const DOCUMENTED: Record<string, string[]> = {
  NamedCredential: ['NamedCredential', 'label', 'namedCredentialType', 'namedCredentialParameters', 'parameterName', 'parameterType',
    'parameterValue', 'externalCredential', 'certificate', 'description', 'sequenceNumber', 'allowMergeFieldsInBody',
    'allowMergeFieldsInHeader', 'generateAuthorizationHeader', 'calloutStatus'],
  ExternalCredential: ['ExternalCredential', 'authenticationProtocol', 'description', 'externalCredentialParameters', 'label',
    'parameterName', 'parameterType', 'parameterValue', 'parameterGroup', 'sequenceNumber', 'authProvider', 'externalAuthIdentityProvider',
    'certificate'],
  PermissionSet: ['PermissionSet', 'description', 'externalCredentialPrincipalAccesses', 'enabled', 'externalCredentialPrincipal',
    'hasActivationRequired', 'label'],
};

function assertDocumented(plan: FixPlan): void {
  for (const c of plan.creates) {
    const { root, elements } = checkXml(c.content);
    const allowed = DOCUMENTED[root];
    assert.ok(allowed, `unexpected root ${root}`);
    for (const e of elements) { assert.ok(allowed.includes(e), `${root} has undocumented element <${e}>`); }
  }
}

function assertNoSecret(plan: FixPlan, secrets: string[]): void {
  const all = JSON.stringify(plan);
  for (const s of secrets) { assert.ok(!all.includes(s), `secret ${s.slice(0, 4)}… leaked into the plan`); }
}

const STRIPE = `/**
 * Charges cards through Stripe.
 */
public with sharing class StripePaymentService {
    private static final String BASE_URL = 'https://api.stripe.com/v1';
    private static final String API_KEY = 'sk_live_51HxAbCdEfGhIjKlMnOpQrStUv';

    public HttpResponse createCharge(Integer amountCents, String currencyCode) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(BASE_URL + '/charges'); // create a charge
        req.setMethod('POST');
        req.setHeader('Authorization', 'Bearer ' + API_KEY);
        req.setHeader('Content-Type', 'application/x-www-form-urlencoded');
        req.setBody('amount=' + amountCents + '&currency=' + currencyCode);
        return new Http().send(req);
    }

    public HttpResponse getCustomer(String customerId) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(BASE_URL + '/customers/' + EncodingUtil.urlEncode(customerId, 'UTF-8') + '?expand[]=sources');
        req.setMethod('GET');
        req.setHeader('Authorization', 'Bearer ' + API_KEY);
        return new Http().send(req);
    }
}
`;

const RSS_PATH = `${MD}/remoteSiteSettings/Stripe.remoteSite-meta.xml`;
const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<RemoteSiteSetting xmlns="http://soap.sforce.com/2006/04/metadata">
    <disableProtocolSecurity>false</disableProtocolSecurity>
    <isActive>true</isActive>
    <url>https://api.stripe.com</url>
</RemoteSiteSetting>
`;
const stripeSite = { name: 'Stripe', path: RSS_PATH, url: 'https://api.stripe.com', active: true, disableProtocolSecurity: false };

describe('fix: planMigration', () => {
  before(async () => { engine = await createEngine(); });

  it('bearer token in a constant used by two callouts: one Custom credential, the constant rewritten once, headers and secret removed', () => {
    const path = `${CLS}/StripePaymentService.cls`;
    const files = new Map([[path, STRIPE], [RSS_PATH, RSS]]);
    const p = project({ remoteSites: [stripeSite] });
    const plan = planMigration(allFindings(files), ctxFor(files, p));
    const out = applyPlanToFiles(files, plan).get(path)!;
    assert.match(out, /private static final String BASE_URL = 'callout:Stripe_API';\n/);
    assert.ok(!out.includes('API_KEY'), 'the secret constant is gone');
    assert.ok(!/setHeader\('Authorization'/.test(out));
    assert.match(out, /req\.setEndpoint\(BASE_URL \+ '\/charges'\); \/\/ create a charge\n {8}req\.setMethod\('POST'\);\n {8}req\.setHeader\('Content-Type'/);
    assert.strictEqual(plan.edits.filter(e => e.newText.startsWith('callout:')).length, 1, 'constant rewritten once');
    assert.strictEqual(plan.namedCredential, 'Stripe_API');
    const nc = created(plan, 'namedCredentials/Stripe_API.namedCredential-meta.xml');
    assert.match(nc, /<parameterValue>https:\/\/api\.stripe\.com\/v1<\/parameterValue>/, 'base path shared by both callouts');
    assert.match(nc, /<calloutStatus>Enabled<\/calloutStatus>/);
    assert.match(nc, /<externalCredential>Stripe_API<\/externalCredential>/);
    assert.ok(!/allowMergeFields/.test(nc), 'merge-field flags only when needed');
    const ec = created(plan, 'externalCredentials/Stripe_API.externalCredential-meta.xml');
    assert.match(ec, /<authenticationProtocol>Custom<\/authenticationProtocol>/);
    assert.match(ec, /<parameterName>Authorization<\/parameterName>\s*<parameterType>AuthHeader<\/parameterType>\s*<parameterValue>\{!'Bearer ' &amp; \$Credential\.Stripe_API\.ApiKey\}<\/parameterValue>/);
    assert.match(ec, /<parameterName>Stripe_API_Principal<\/parameterName>\s*<parameterType>NamedPrincipal<\/parameterType>/);
    const ps = created(plan, 'permissionsets/Stripe_API_Callout.permissionset-meta.xml');
    assert.match(ps, /<externalCredentialPrincipal>Stripe_API-Stripe_API_Principal<\/externalCredentialPrincipal>/);
    assert.deepStrictEqual(plan.deletes.map(d => d.path), [RSS_PATH]);
    assert.match(plan.deletes[0].reason, /no longer needed/);
    assert.ok(plan.notes.some(n => n.includes('Setup → Named Credentials → External Credentials → Stripe_API → Principals')));
    assertDocumented(plan);
    assertNoSecret(plan, ['sk_live_51HxAbCdEfGhIjKlMnOpQrStUv']);
  });

  it('CRLF files: the edits keep CRLF (same result as the LF file, line endings aside); inserted line breaks are CRLF too', () => {
    const path = `${CLS}/StripePaymentService.cls`;
    const lf = applyPlanToFiles(new Map([[path, STRIPE]]), planMigration(allFindings(new Map([[path, STRIPE]])), ctxFor(new Map([[path, STRIPE]]), project()))).get(path)!;
    const crlfText = STRIPE.replace(/\n/g, '\r\n');
    const files = new Map([[path, crlfText]]);
    const plan = planMigration(allFindings(files), ctxFor(files, project()));
    const out = applyPlanToFiles(files, plan).get(path)!;
    assert.notStrictEqual(out, crlfText, 'something was fixed');
    assert.ok(!/[^\r]\n/.test(out), 'no bare LF');
    assert.strictEqual(out, lf.replace(/\n/g, '\r\n'));
    for (const e of plan.edits) { assert.ok(!/(^|[^\r])\n/.test(e.newText), JSON.stringify(e.newText)); }
  });

  it('is idempotent: after applying, the callouts use callout: and planning again changes nothing', () => {
    const path = `${CLS}/StripePaymentService.cls`;
    const files = new Map([[path, STRIPE], [RSS_PATH, RSS]]);
    const plan = planMigration(allFindings(files), ctxFor(files, project({ remoteSites: [stripeSite] })));
    const after = applyPlanToFiles(files, plan);
    assert.deepStrictEqual(allFindings(after), [], 'no callout or header left to report');
    const p2 = project({ namedCredentials: [{ name: 'Stripe_API', path: `${MD}/namedCredentials/Stripe_API.namedCredential-meta.xml`,
      url: 'https://api.stripe.com/v1', model: 'secured', externalCredential: 'Stripe_API' }] });
    const again = planMigration(allFindings(after), ctxFor(after, p2));
    assert.deepStrictEqual([again.edits, again.creates, again.deletes], [[], [], []]);
    // Stale findings (ranges from before the fix) do not produce a second rewrite either.
    const stale = planMigration(allFindings(files), ctxFor(after, p2));
    assert.deepStrictEqual(stale.creates, []);
    assert.ok(!stale.edits.some(e => e.newText.startsWith('callout:')));
  });

  it('Basic auth built from constants: Basic credential, the whole chain of secret declarations removed', () => {
    const path = `${CLS}/ErpClient.cls`;
    const text = `public class ErpClient {
    private static final String USERNAME = 'integration@acme.com';
    private static final String PASSWORD = 'S3cr3t!Passw0rd';
    private static final Integer TIMEOUT = 20000;

    public static String fetchOrder(String orderId) {
        Blob headerValue = Blob.valueOf(USERNAME + ':' + PASSWORD);
        String authorizationHeader = 'Basic ' + EncodingUtil.base64Encode(headerValue);
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://erp.acme-corp.com:8443/api/orders/' + orderId);
        req.setHeader('Authorization', authorizationHeader);
        req.setTimeout(TIMEOUT);
        req.setMethod('GET');
        HttpResponse res = new Http().send(req);
        return res.getBody();
    }
}
`;
    const files = new Map([[path, text]]);
    const plan = planMigration(allFindings(files), ctxFor(files, project()));
    const out = applyPlanToFiles(files, plan).get(path)!;
    assert.strictEqual(plan.namedCredential, 'Acme_Corp_ERP_8443');
    assert.match(out, /req\.setEndpoint\('callout:Acme_Corp_ERP_8443\/api\/orders\/' \+ orderId\);/);
    for (const gone of ['USERNAME', 'PASSWORD', 'headerValue', 'authorizationHeader', 'setHeader']) { assert.ok(!out.includes(gone), `${gone} removed`); }
    assert.match(out, /private static final Integer TIMEOUT = 20000;/, 'unrelated constant kept');
    assert.match(created(plan, 'Acme_Corp_ERP_8443.externalCredential-meta.xml'), /<authenticationProtocol>Basic<\/authenticationProtocol>/);
    assert.ok(!/AuthHeader/.test(created(plan, '.externalCredential-meta.xml')));
    assert.match(created(plan, '.namedCredential-meta.xml'), /<parameterValue>https:\/\/erp\.acme-corp\.com:8443<\/parameterValue>/);
    assert.ok(plan.notes.some(n => /username and password/.test(n)));
    assertDocumented(plan);
    assertNoSecret(plan, ['S3cr3t!Passw0rd']);
  });

  it('API-key header read from a custom setting: Custom AuthHeader with the header name; the setting read is kept', () => {
    const path = `${CLS}/WeatherService.cls`;
    const text = `public with sharing class WeatherService {
    public static HttpResponse forecast(Decimal lat, Decimal lon) {
        Weather_Settings__c settings = Weather_Settings__c.getOrgDefaults();
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.openweathermap.org/data/2.5/forecast?lat=' + lat + '&lon=' + lon);
        req.setHeader('x-api-key', settings.Api_Key__c);
        req.setMethod('GET');
        System.debug('units ' + settings.Units__c);
        return new Http().send(req);
    }
}
`;
    const files = new Map([[path, text]]);
    const plan = planMigration(allFindings(files), ctxFor(files, project()));
    const out = applyPlanToFiles(files, plan).get(path)!;
    assert.match(out, /req\.setEndpoint\('callout:Openweathermap_API\/data\/2\.5\/forecast\?lat=' \+ lat \+ '&lon=' \+ lon\);/);
    assert.ok(!out.includes("setHeader('x-api-key'"));
    assert.match(out, /Weather_Settings__c settings = Weather_Settings__c\.getOrgDefaults\(\);/);
    const ec = created(plan, '.externalCredential-meta.xml');
    assert.match(ec, /<parameterName>x-api-key<\/parameterName>\s*<parameterType>AuthHeader<\/parameterType>\s*<parameterValue>\{!\$Credential\.Openweathermap_API\.ApiKey\}<\/parameterValue>/);
    assertDocumented(plan);
  });

  it('OAuth client-credentials token call: Oauth credential with the variant and token URL; the token request is left alone', () => {
    const path = `${CLS}/GraphMailer.cls`;
    const text = `public class GraphMailer {
    private static final String TENANT = 'contoso.onmicrosoft.com';

    private static String getToken() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token');
        req.setMethod('POST');
        req.setBody('grant_type=client_credentials&client_id=' + Graph__c.getOrgDefaults().Client_Id__c
            + '&client_secret=' + Graph__c.getOrgDefaults().Client_Secret__c + '&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default');
        HttpResponse res = new Http().send(req);
        return (String) ((Map<String, Object>) JSON.deserializeUntyped(res.getBody())).get('access_token');
    }

    public static void send(String userId, String body) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://graph.microsoft.com/v1.0/users/' + userId + '/sendMail');
        req.setHeader('Authorization', 'Bearer ' + getToken());
        req.setHeader('Content-Type', 'application/json');
        req.setMethod('POST');
        req.setBody(body);
        new Http().send(req);
    }
}
`;
    const files = new Map([[path, text]]);
    const plan = planMigration(allFindings(files), ctxFor(files, project()));
    const out = applyPlanToFiles(files, plan).get(path)!;
    assert.match(out, /req\.setEndpoint\('callout:Microsoft_Graph\/v1\.0\/users\/' \+ userId \+ '\/sendMail'\);/);
    assert.match(out, /req\.setEndpoint\('https:\/\/login\.microsoftonline\.com\//, 'the token request is not rewritten');
    assert.ok(!out.includes("setHeader('Authorization'"));
    const ec = created(plan, 'Microsoft_Graph.externalCredential-meta.xml');
    assert.match(ec, /<authenticationProtocol>Oauth<\/authenticationProtocol>/);
    assert.match(ec, /<parameterName>Oauth<\/parameterName>\s*<parameterType>AuthProtocolVariant<\/parameterType>\s*<parameterValue>ClientCredentialsClientSecret<\/parameterValue>/);
    assert.match(ec, /<parameterType>AuthProviderUrl<\/parameterType>\s*<parameterValue>https:\/\/login\.microsoftonline\.com\/contoso\.onmicrosoft\.com\/oauth2\/v2\.0\/token<\/parameterValue>/);
    assert.strictEqual(plan.creates.filter(c => c.path.endsWith('.namedCredential-meta.xml')).length, 1);
    assert.ok(plan.notes.some(n => /client ID and client secret/.test(n)));
    assertDocumented(plan);
  });

  it('OAuth token fetched by another class of the folder: Oauth credential, Basic client authentication variant', () => {
    const svc = `${CLS}/ErpTokenService.cls`;
    const api = `${CLS}/ErpInvoices.cls`;
    const files = new Map([[svc, `public with sharing class ErpTokenService {
    private static final String TOKEN_URL = 'https://auth.acme-erp.com/oauth2/token';

    public static String getAccessToken() {
        ERP_Settings__c cfg = ERP_Settings__c.getOrgDefaults();
        HttpRequest req = new HttpRequest();
        req.setEndpoint(TOKEN_URL);
        req.setMethod('POST');
        req.setHeader('Authorization', 'Basic ' + EncodingUtil.base64Encode(Blob.valueOf(cfg.Client_Id__c + ':' + cfg.Client_Secret__c)));
        req.setBody('grant_type=client_credentials&scope=invoices');
        HttpResponse res = new Http().send(req);
        return (String) ((Map<String, Object>) JSON.deserializeUntyped(res.getBody())).get('access_token');
    }
}
`], [api, `public with sharing class ErpInvoices {
    public static String list(String customerId) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.acme-erp.com/v3/customers/' + customerId + '/invoices');
        req.setHeader('Authorization', 'Bearer ' + ErpTokenService.getAccessToken());
        req.setMethod('GET');
        return new Http().send(req).getBody();
    }
}
`]]);
    const plan = planMigration(allFindings(files), ctxFor(files, project()));
    const after = applyPlanToFiles(files, plan);
    assert.match(after.get(api)!, /req\.setEndpoint\('callout:Acme_Erp_API\/v3\/customers\/' \+ customerId \+ '\/invoices'\);/);
    assert.ok(!after.get(api)!.includes("setHeader('Authorization'"));
    assert.strictEqual(after.get(svc), files.get(svc), 'the token service is left as it is');
    const ec = created(plan, 'Acme_Erp_API.externalCredential-meta.xml');
    assert.match(ec, /<parameterValue>ClientCredentialsClientSecretBasic<\/parameterValue>/);
    assert.match(ec, /<parameterValue>https:\/\/auth\.acme-erp\.com\/oauth2\/token<\/parameterValue>/);
    assert.ok(plan.notes.some(n => /Callouts to https:\/\/auth\.acme-erp\.com request OAuth tokens: left as they are/.test(n)));
    assertDocumented(plan);
  });

  it('no authentication: Custom with only the principal, and says so', () => {
    const path = `${CLS}/NwsForecast.cls`;
    const text = `public class NwsForecast {
    public static String points(String lat, String lon) {
        Http http = new Http();
        HttpRequest request = new HttpRequest();
        request.setEndpoint('https://api.weather.gov/points/' + lat + ',' + lon);
        request.setMethod('GET');
        return http.send(request).getBody();
    }
}
`;
    const files = new Map([[path, text]]);
    const plan = planMigration(allFindings(files), ctxFor(files, project()));
    assert.match(applyPlanToFiles(files, plan).get(path)!, /request\.setEndpoint\('callout:Weather_API\/points\/' \+ lat/);
    const ec = created(plan, 'Weather_API.externalCredential-meta.xml');
    assert.match(ec, /<authenticationProtocol>Custom<\/authenticationProtocol>/);
    assert.strictEqual([...ec.matchAll(/<externalCredentialParameters>/g)].length, 1);
    assert.ok(plan.notes.some(n => /no authentication was found/.test(n)));
    assertDocumented(plan);
  });

  it('reuses a Named Credential of the project that covers the origin, stripping its base path', () => {
    const path = `${CLS}/StripePaymentService.cls`;
    const files = new Map([[path, STRIPE], [`${MD}/externalCredentials/Stripe.externalCredential-meta.xml`,
      `<?xml version="1.0" encoding="UTF-8"?>\n<ExternalCredential xmlns="http://soap.sforce.com/2006/04/metadata">\n    <authenticationProtocol>Custom</authenticationProtocol>\n    <externalCredentialParameters>\n        <parameterName>Authorization</parameterName>\n        <parameterType>AuthHeader</parameterType>\n        <parameterValue>{!'Bearer ' &amp; $Credential.Stripe.Key}</parameterValue>\n    </externalCredentialParameters>\n    <label>Stripe</label>\n</ExternalCredential>\n`]]);
    const p = project({
      namedCredentials: [{ name: 'Stripe', path: `${MD}/namedCredentials/Stripe.namedCredential-meta.xml`, url: 'https://api.stripe.com/v1/', model: 'secured', externalCredential: 'Stripe' }],
      externalCredentials: [{ name: 'Stripe', path: `${MD}/externalCredentials/Stripe.externalCredential-meta.xml`, protocol: 'Custom', principals: ['Main'] }],
    });
    const plan = planMigration(allFindings(files), ctxFor(files, p));
    assert.deepStrictEqual(plan.creates, []);
    assert.strictEqual(plan.namedCredential, 'Stripe');
    const out = applyPlanToFiles(files, plan).get(path)!;
    assert.match(out, /BASE_URL = 'callout:Stripe';/);
    assert.ok(!out.includes("setHeader('Authorization'"), 'the existing External Credential produces the header');
    assert.ok(plan.notes.some(n => /Reused the existing Named Credential Stripe/.test(n)));
  });

  it('does not reuse a Named Credential whose path does not cover the callouts; keeps headers it cannot vouch for', () => {
    const path = `${CLS}/StripePaymentService.cls`;
    const files = new Map([[path, STRIPE]]);
    const p = project({ namedCredentials: [{ name: 'Stripe_Files', path: `${MD}/namedCredentials/Stripe_Files.namedCredential-meta.xml`,
      url: 'https://api.stripe.com/files', model: 'legacy' }] });
    const plan = planMigration(allFindings(files), ctxFor(files, p));
    assert.strictEqual(plan.namedCredential, 'Stripe_API');
    const p2 = project({ namedCredentials: [{ name: 'StripeLegacy', path: `${MD}/namedCredentials/StripeLegacy.namedCredential-meta.xml`,
      url: 'https://api.stripe.com', model: 'legacy' }] });
    const plan2 = planMigration(allFindings(files), ctxFor(files, p2));
    const out = applyPlanToFiles(files, plan2).get(path)!;
    assert.match(out, /BASE_URL = 'callout:StripeLegacy\/v1';/);
    assert.strictEqual([...out.matchAll(/setHeader\('Authorization'/g)].length, 2, 'legacy credential of unknown protocol: headers kept');
    assert.ok(plan2.notes.some(n => /header Authorization is kept/.test(n)));
  });

  it('concatenated endpoint with dynamic path parts and a query keeps the whole tail', () => {
    const path = `${CLS}/GitHubIssues.cls`;
    const text = `public class GitHubIssues {
    public static List<Object> open(String owner, String repo) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.github.com/repos/' + owner + '/' + repo + '/issues?state=open&per_page=100');
        req.setHeader('Accept', 'application/vnd.github+json');
        req.setMethod('GET');
        return (List<Object>) JSON.deserializeUntyped(new Http().send(req).getBody());
    }
}
`;
    const files = new Map([[path, text]]);
    const plan = planMigration(allFindings(files), ctxFor(files, project()));
    const out = applyPlanToFiles(files, plan).get(path)!;
    assert.match(out, /req\.setEndpoint\('callout:Github_API\/repos\/' \+ owner \+ '\/' \+ repo \+ '\/issues\?state=open&per_page=100'\);/);
    assert.match(out, /req\.setHeader\('Accept', 'application\/vnd\.github\+json'\);/, 'non-auth headers stay');
    assert.match(created(plan, '.namedCredential-meta.xml'), /<parameterValue>https:\/\/api\.github\.com<\/parameterValue>/, 'one call site: no base path');
  });

  it('a secret in the URL path (Slack webhook used from two places) is not fixable: code, Remote Site and detection stay; the note is masked', () => {
    const path = `${CLS}/SlackNotifier.cls`;
    const token = 'x9Qz7LmN2pR4tV6wY8aC1eG3';
    const text = `public class SlackNotifier {
    private static final String WEBHOOK = 'https://hooks.slack.com/services/T04ABCDEF12/B05GHIJKL34/${token}';

    public static void post(String text) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(WEBHOOK);
        req.setMethod('POST');
        req.setBody(JSON.serialize(new Map<String, Object>{ 'text' => text }));
        new Http().send(req);
    }

    public static void alert(String text) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(WEBHOOK);
        req.setMethod('POST');
        req.setBody(JSON.serialize(new Map<String, Object>{ 'text' => ':rotating_light: ' + text }));
        new Http().send(req);
    }
}
`;
    const rss = `${MD}/remoteSiteSettings/Slack.remoteSite-meta.xml`;
    const files = new Map([[path, text], [rss, '<?xml version="1.0" encoding="UTF-8"?>\n<RemoteSiteSetting xmlns="http://soap.sforce.com/2006/04/metadata"><isActive>true</isActive><url>https://hooks.slack.com</url></RemoteSiteSetting>\n']]);
    const p = project({ remoteSites: [{ name: 'Slack', path: rss, url: 'https://hooks.slack.com', active: true, disableProtocolSecurity: false }] });
    const findings = allFindings(files);
    const plan = planMigration(findings, ctxFor(files, p));
    assert.strictEqual(applyPlanToFiles(files, plan).get(path), text, 'the class is left as it is');
    assert.deepStrictEqual(plan.creates.map(c => c.path), [], 'no Named Credential that would not be used');
    assert.deepStrictEqual(plan.deletes, [], 'the Remote Site is still needed');
    const note = plan.notes.find(n => /secret in its path/.test(n));
    assert.ok(note, plan.notes.join('\n'));
    assert.match(note, /hooks\.slack\.com\/services\/T04ABCDEF12\/B05GHIJKL34\/\*\*\*/);
    for (let i = 0; i + 8 <= token.length; i++) { assert.ok(!JSON.stringify(plan).includes(token.slice(i, i + 8)), JSON.stringify(plan)); }
    // The quick fix of one of those findings offers nothing either.
    assert.strictEqual(planFix(findings.find(f => f.ruleId === 'callout-without-named-credential')!, ctxFor(files, p)), undefined);
  });

  it('an endpoint assigned once after its declaration, and a token written inline in the header', () => {
    const path = `${CLS}/MailSender.cls`;
    const text = `public class MailSender {
    public static String send(String payload) {
        String endpoint;
        endpoint = 'https://api.sendgrid.com/v3/mail/send';
        HttpRequest req = new HttpRequest();
        req.setEndpoint(endpoint);
        req.setHeader('Authorization', 'Bearer SG.abcdefghijklmnop.qrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRS');
        req.setBody(payload);
        return new Http().send(req).getBody();
    }
}
`;
    const files = new Map([[path, text]]);
    const plan = planMigration(allFindings(files), ctxFor(files, project()));
    const out = applyPlanToFiles(files, plan).get(path)!;
    assert.match(out, /\n {8}String endpoint;\n {8}endpoint = 'callout:Sendgrid_API\/v3\/mail\/send';\n/);
    assert.ok(!out.includes('SG.'));
    assertNoSecret(plan, ['qrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRS']);
  });

  it('name collisions: an existing file or credential of that name makes the next free name; --name overrides', () => {
    const path = `${CLS}/StripePaymentService.cls`;
    const files = new Map([[path, STRIPE], [`${MD}/namedCredentials/Stripe_API.namedCredential-meta.xml`, '<NamedCredential/>']]);
    const p = project({ externalCredentials: [{ name: 'Stripe_API_2', path: `${MD}/externalCredentials/Stripe_API_2.externalCredential-meta.xml`, principals: [] }] });
    const plan = planMigration(allFindings(files), ctxFor(files, p));
    assert.strictEqual(plan.namedCredential, 'Stripe_API_3');
    assert.ok(plan.creates.some(c => c.path.endsWith('namedCredentials/Stripe_API_3.namedCredential-meta.xml')));
    const named = planMigration(allFindings(files), ctxFor(files, project(), { nameOverride: 'Payments' }));
    assert.strictEqual(named.namedCredential, 'Payments');
    assert.match(applyPlanToFiles(files, named).get(path)!, /'callout:Payments'/);
    const bad = planMigration(allFindings(files), ctxFor(files, project(), { nameOverride: 'my payments__api_' }));
    assert.strictEqual(bad.namedCredential, 'my_payments_api');
    assert.ok(bad.notes.some(n => /not a valid developer name/.test(n)));
  });

  it('keeps the Remote Site Setting while another callout to the origin cannot be rewritten', () => {
    const path = `${CLS}/StripePaymentService.cls`;
    const text = STRIPE.replace(/\n}\n$/, `
    public HttpResponse raw(String url) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(url);
        return new Http().send(req);
    }
}
`);
    const files = new Map([[path, text], [RSS_PATH, RSS]]);
    const dynamic: Finding = { ruleId: 'callout-without-named-credential', severity: 'warning', message: 'Callout to https://api.stripe.com.', path,
      range: { start: { line: 27, character: 24 }, end: { line: 27, character: 27 } }, hints: { origin: 'https://api.stripe.com', url: '{url}', endpointFrom: 'concat' } };
    const findings = [...allFindings(files), dynamic];
    const plan = planMigration(findings, ctxFor(files, project({ remoteSites: [stripeSite] })));
    assert.deepStrictEqual(plan.deletes, []);
    assert.ok(plan.notes.some(n => /Remote Site Setting Stripe .* is kept/.test(n)));
    assert.ok(plan.notes.some(n => /StripePaymentService\.cls:28: the endpoint is not built from a literal/.test(n)));
  });

  it('API 58.0: no calloutStatus and no permission set, and says what is missing', () => {
    const path = `${CLS}/StripePaymentService.cls`;
    const files = new Map([[path, STRIPE]]);
    const plan = planMigration(allFindings(files), ctxFor(files, project({ sourceApiVersion: '58.0' })));
    assert.ok(!created(plan, '.namedCredential-meta.xml').includes('calloutStatus'));
    assert.ok(!plan.creates.some(c => c.path.includes('permissionsets')));
    assert.ok(plan.notes.some(n => /58\.0 is below 59\.0/.test(n) && /External Credential Principal Access/.test(n)));
    assertDocumented(plan);
  });

  it('API 55.0: the new model is unavailable: nothing generated, the code is left as is, and a note says why', () => {
    const path = `${CLS}/StripePaymentService.cls`;
    const files = new Map([[path, STRIPE]]);
    const plan = planMigration(allFindings(files), ctxFor(files, project({ sourceApiVersion: '55.0' })));
    assert.deepStrictEqual([plan.creates, plan.edits, plan.deletes], [[], [], []]);
    assert.ok(plan.notes.some(n => /55\.0 is below 56\.0/.test(n)));
  });

  it('edits a named permission set in place instead of creating one', () => {
    const path = `${CLS}/StripePaymentService.cls`;
    const psPath = `${MD}/permissionsets/Integration_User.permissionset-meta.xml`;
    const ps = `<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <classAccesses>
        <apexClass>StripePaymentService</apexClass>
        <enabled>true</enabled>
    </classAccesses>
    <hasActivationRequired>false</hasActivationRequired>
    <label>Integration User</label>
</PermissionSet>
`;
    const files = new Map([[path, STRIPE], [psPath, ps]]);
    const plan = planMigration(allFindings(files), ctxFor(files, project(), { permissionSet: 'Integration_User' }));
    assert.ok(!plan.creates.some(c => c.path.includes('permissionsets')));
    const out = applyPlanToFiles(files, plan).get(psPath)!;
    assert.match(out, /<\/classAccesses>\n {4}<externalCredentialPrincipalAccesses>\n {8}<enabled>true<\/enabled>\n {8}<externalCredentialPrincipal>Stripe_API-Stripe_API_Principal<\/externalCredentialPrincipal>\n {4}<\/externalCredentialPrincipalAccesses>\n {4}<hasActivationRequired>/);
    checkXml(out);
  });

  it('a CRLF permission set edited in place stays CRLF (the inserted lines too)', () => {
    const path = `${CLS}/StripePaymentService.cls`;
    const psPath = `${MD}/permissionsets/Integration_User.permissionset-meta.xml`;
    const ps = '<?xml version="1.0" encoding="UTF-8"?>\r\n<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">\r\n    <hasActivationRequired>false</hasActivationRequired>\r\n    <label>Integration User</label>\r\n</PermissionSet>\r\n';
    const files = new Map([[path, STRIPE], [psPath, ps]]);
    const plan = planMigration(allFindings(files), ctxFor(files, project(), { permissionSet: 'Integration_User' }));
    const out = applyPlanToFiles(files, plan).get(psPath)!;
    assert.match(out, /<externalCredentialPrincipalAccesses>\r\n {8}<enabled>true<\/enabled>\r\n/);
    assert.ok(!/[^\r]\n/.test(out), JSON.stringify(out));
  });

  it('the quick fix on a header finding fixes its callout; without workspace findings it uses no base path and keeps the Remote Site', () => {
    const path = `${CLS}/StripePaymentService.cls`;
    const files = new Map([[path, STRIPE], [RSS_PATH, RSS]]);
    const header = allFindings(files).find(f => f.ruleId === 'hardcoded-authorization-header')!;
    const plan = planFix(header, ctxFor(files, project({ remoteSites: [stripeSite] })))!;
    assert.ok(plan);
    assert.strictEqual(plan.title, 'Use Named Credential Stripe_API for https://api.stripe.com');
    const out = applyPlanToFiles(files, plan).get(path)!;
    assert.match(out, /BASE_URL = 'callout:Stripe_API\/v1';/);
    assert.strictEqual([...out.matchAll(/setHeader\('Authorization'/g)].length, 1, 'only the header of this request');
    assert.match(out, /API_KEY/, 'still used by the other request');
    assert.deepStrictEqual(plan.deletes, []);
    assert.strictEqual(planFix({ ...header, ruleId: 'weak-crypto' }, ctxFor(files, project())), undefined);
    assert.strictEqual(planFix(header, ctxFor(files, project({ sourceApiVersion: '55.0' }))), undefined, 'nothing to offer below API 56');
    const applied = applyPlanToFiles(files, plan);
    const stale = allFindings(files).find(f => f.ruleId === 'callout-without-named-credential')!;
    assert.strictEqual(planFix(stale, ctxFor(applied, project())), undefined, 'already callout: after the fix');
  });
});

describe('fix: robustness and single findings', () => {
  before(async () => { engine = await createEngine(); });

  it('half-typed code, a missing file and suppressed findings neither throw nor produce edits they should not', () => {
    const path = `${CLS}/Broken.cls`;
    const text = `public class Broken {
    public static void go() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.example.com/v2/items');
        req.setHeader('Authorization', 'Bearer ' + TOKEN
        req.setMethod(
`;
    const files = new Map([[path, text]]);
    const found = allFindings(files);
    const plan = planMigration(found, ctxFor(files, project()));
    const out = applyPlanToFiles(files, plan).get(path)!;
    assert.match(out, /req\.setEndpoint\('callout:Example_API\/v2\/items'\);/);
    const gone = planMigration(found, ctxFor(new Map(), project()));
    assert.deepStrictEqual([gone.edits, gone.creates], [[], []]);
    const suppressed = planMigration(found.map(f => ({ ...f, suppressed: { kind: 'inline' as const } })), ctxFor(files, project()));
    assert.deepStrictEqual([suppressed.edits, suppressed.creates], [[], []]);
  });

  it('a Remote Site finding with no callout in the code: the credential is generated and the Remote Site kept', () => {
    const rss = `${MD}/remoteSiteSettings/Partner.remoteSite-meta.xml`;
    const files = new Map([[rss, RSS.replace('https://api.stripe.com', 'https://edi.partner.example.net')]]);
    const f: Finding = { ruleId: 'remote-site-without-named-credential', severity: 'info', message: 'Remote site without Named Credential.', path: rss,
      range: { start: { line: 4, character: 9 }, end: { line: 4, character: 39 } }, hints: { origin: 'https://edi.partner.example.net', name: 'Partner' } };
    const p = project({ remoteSites: [{ name: 'Partner', path: rss, url: 'https://edi.partner.example.net', active: true, disableProtocolSecurity: false }] });
    const plan = planFix(f, ctxFor(files, p, { findings: [f] }))!;
    assert.strictEqual(plan.namedCredential, 'Example_EDI_Partner');
    assert.deepStrictEqual(plan.deletes, []);
    assert.ok(plan.notes.some(n => /Remote Site Setting Partner .* is kept: no callout to it was found/.test(n)));
    assertDocumented(plan);
  });

  it('http:// in metadata (a legacy endpoint) switches to https://', () => {
    const path = `${MD}/namedCredentials/Old.namedCredential-meta.xml`;
    const text = `<?xml version="1.0" encoding="UTF-8"?>\n<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">\n    <endpoint>http://old.partner.example.net/api</endpoint>\n    <label>Old</label>\n    <principalType>Anonymous</principalType>\n    <protocol>NoAuthentication</protocol>\n</NamedCredential>\n`;
    const files = new Map([[path, text]]);
    const f: Finding = { ruleId: 'insecure-endpoint', severity: 'error', message: 'Plain HTTP.', path,
      range: { start: { line: 2, character: 14 }, end: { line: 2, character: 48 } }, hints: { url: 'http://old.partner.example.net/api' } };
    const plan = planFix(f, ctxFor(files, project()))!;
    assert.match(applyPlanToFiles(files, plan).get(path)!, /<endpoint>https:\/\/old\.partner\.example\.net\/api<\/endpoint>/);
    assert.ok(!/xmlns="https/.test(applyPlanToFiles(files, plan).get(path)!), 'only the value in the range');
  });
});

describe('fix: insecure endpoint and legacy migration', () => {
  before(async () => { engine = await createEngine(); });

  it('http:// → https:// in the literal, and in the Remote Site of that origin', () => {
    const path = `${CLS}/Legacy.cls`;
    const text = `public class Legacy {\n    static final String URL = 'http://partner.example.org/feed';\n}\n`;
    const rss = `${MD}/remoteSiteSettings/Partner.remoteSite-meta.xml`;
    const rssText = RSS.replace('https://api.stripe.com', 'http://partner.example.org');
    const files = new Map([[path, text], [rss, rssText]]);
    const f: Finding = { ruleId: 'insecure-endpoint', severity: 'warning', message: 'Plain HTTP endpoint.', path,
      range: { start: { line: 1, character: 30 }, end: { line: 1, character: 64 } }, hints: { url: 'http://partner.example.org/feed' } };
    const plan = planInsecureEndpointFix(f, ctxFor(files, project({ remoteSites: [{ name: 'Partner', path: rss, url: 'http://partner.example.org', active: true, disableProtocolSecurity: false }] })))!;
    const after = applyPlanToFiles(files, plan);
    assert.match(after.get(path)!, /'https:\/\/partner\.example\.org\/feed'/);
    assert.match(after.get(rss)!, /<url>https:\/\/partner\.example\.org<\/url>/);
    assert.strictEqual(planInsecureEndpointFix(f, ctxFor(after, project())), undefined, 'nothing left to fix');
  });

  it('legacy credentials without authentication (apex-recipes GoogleBooksAPI) and with OAuth keep their name', () => {
    const path = `${MD}/namedCredentials/GoogleBooksAPI.namedCredential-meta.xml`;
    const text = `<?xml version="1.0" encoding="UTF-8"?>
<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">
    <allowMergeFieldsInBody>false</allowMergeFieldsInBody>
    <allowMergeFieldsInHeader>false</allowMergeFieldsInHeader>
    <endpoint>https://www.googleapis.com/books/v1/</endpoint>
    <generateAuthorizationHeader>true</generateAuthorizationHeader>
    <label>GoogleBooksAPI</label>
    <principalType>Anonymous</principalType>
    <protocol>NoAuthentication</protocol>
</NamedCredential>
`;
    const oauthPath = `${MD}/namedCredentials/Okta_Users.namedCredential-meta.xml`;
    const oauth = `<?xml version="1.0" encoding="UTF-8"?>
<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">
    <authProvider>Acme_Okta</authProvider>
    <endpoint>https://acme.okta.com/api/v1</endpoint>
    <label>Okta Users</label>
    <oauthScope>okta.users.read</oauthScope>
    <principalType>PerUser</principalType>
    <protocol>Oauth</protocol>
</NamedCredential>
`;
    const files = new Map([[path, text], [oauthPath, oauth]]);
    const p = project({ sourceApiVersion: '60.0', namedCredentials: [
      { name: 'GoogleBooksAPI', path, url: 'https://www.googleapis.com/books/v1/', model: 'legacy' },
      { name: 'Okta_Users', path: oauthPath, url: 'https://acme.okta.com/api/v1', model: 'legacy' }] });
    const f: Finding = { ruleId: 'legacy-named-credential', severity: 'warning', message: 'Legacy.', path,
      range: { start: { line: 5, character: 14 }, end: { line: 5, character: 50 } }, hints: { name: 'GoogleBooksAPI' } };
    const plan = planLegacyMigration(f, ctxFor(files, p))!;
    const nc = applyPlanToFiles(files, plan).get(path)!;
    assert.match(nc, /<label>GoogleBooksAPI<\/label>/);
    assert.match(nc, /<parameterValue>https:\/\/www\.googleapis\.com\/books\/v1\/<\/parameterValue>/);
    const ec = created(plan, 'externalCredentials/GoogleBooksAPI.externalCredential-meta.xml');
    assert.match(ec, /<authenticationProtocol>Custom<\/authenticationProtocol>/);
    assertDocumented({ ...plan, creates: [...plan.creates, { path, content: nc }] });
    const o = planLegacyMigration({ ...f, path: oauthPath, hints: { name: 'Okta_Users' } }, ctxFor(files, p))!;
    const oec = created(o, 'Okta_Users.externalCredential-meta.xml');
    assert.match(oec, /<authenticationProtocol>Oauth<\/authenticationProtocol>/);
    assert.match(oec, /<authProvider>Acme_Okta<\/authProvider>\s*<parameterName>AuthProvider<\/parameterName>\s*<parameterType>AuthProvider<\/parameterType>/);
    assert.match(oec, /<parameterName>Scope<\/parameterName>\s*<parameterType>AuthParameter<\/parameterType>\s*<parameterValue>okta\.users\.read<\/parameterValue>/);
    assert.match(oec, /<parameterName>Okta_Users_Principal<\/parameterName>\s*<parameterType>PerUserPrincipal<\/parameterType>/);
    assert.match(created(o, 'Okta_Users_Callout.permissionset-meta.xml'), /Okta_Users-Okta_Users_Principal/);
    assertDocumented({ ...o, creates: [...o.creates, { path: oauthPath, content: applyPlanToFiles(files, o).get(oauthPath)! }] });
  });

  it('legacy password credential → SecuredEndpoint + Basic External Credential with the same name, no password carried', () => {
    const path = `${MD}/namedCredentials/ERP.namedCredential-meta.xml`;
    const text = `<?xml version="1.0" encoding="UTF-8"?>
<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">
    <allowMergeFieldsInBody>false</allowMergeFieldsInBody>
    <allowMergeFieldsInHeader>false</allowMergeFieldsInHeader>
    <endpoint>https://erp.acme-corp.com/api</endpoint>
    <generateAuthorizationHeader>true</generateAuthorizationHeader>
    <label>ERP</label>
    <password>hunter2-secret</password>
    <principalType>NamedUser</principalType>
    <protocol>Password</protocol>
    <username>integration</username>
</NamedCredential>
`;
    const files = new Map([[path, text]]);
    const p = project({ namedCredentials: [{ name: 'ERP', path, url: 'https://erp.acme-corp.com/api', model: 'legacy' }] });
    const f: Finding = { ruleId: 'legacy-named-credential', severity: 'warning', message: 'Legacy Named Credential ERP.', path,
      range: { start: { line: 4, character: 14 }, end: { line: 4, character: 43 } }, hints: { name: 'ERP' } };
    const plan = planLegacyMigration(f, ctxFor(files, p))!;
    const out = applyPlanToFiles(files, plan);
    const nc = out.get(path)!;
    assert.match(nc, /<namedCredentialType>SecuredEndpoint<\/namedCredentialType>/);
    assert.match(nc, /<parameterValue>https:\/\/erp\.acme-corp\.com\/api<\/parameterValue>/);
    assert.match(nc, /<externalCredential>ERP<\/externalCredential>/);
    assert.ok(!/<endpoint>|<password>|<protocol>/.test(nc));
    assert.match(created(plan, 'externalCredentials/ERP.externalCredential-meta.xml'), /<authenticationProtocol>Basic<\/authenticationProtocol>/);
    assert.ok(plan.notes.some(n => /callout:ERP references keep working/.test(n)));
    assertNoSecret(plan, ['hunter2-secret']);
    assertDocumented({ ...plan, creates: [...plan.creates, { path, content: nc }] });
    // Migrated file is no longer legacy: nothing more to do.
    assert.strictEqual(planLegacyMigration(f, ctxFor(out, p)), undefined);
  });
});
