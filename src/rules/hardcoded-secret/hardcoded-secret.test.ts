import * as assert from 'assert';
import { Engine } from '../../core/engine';
import type { Finding } from '../../core/types';
import { fakeToken, ALNUM, BASE64, HEX } from '../../core/secrets/entropy';
import rule from './index';

const engine = new Engine([rule]);

/** Each finding as `line:exact text of its range` (1-based line; multi-line ranges shown by their first line + `…`). */
function found(path: string, src: string): string[] {
  return findings(path, src).map(f => {
    const { start, end } = f.range;
    const lines = src.split(/\r?\n/);
    const text = start.line === end.line ? lines[start.line].slice(start.character, end.character) : lines[start.line].slice(start.character) + '…';
    return `${start.line + 1}:${text}`;
  });
}
function findings(path: string, src: string): Finding[] {
  const r = engine.lint(path, src);
  assert.deepStrictEqual(r.notes.filter(n => n.code === 'internal-error'), []);
  return r.findings;
}

// Realistic fakes (generated, never real).
const STRIPE_LIVE = 'sk_live_' + fakeToken('t-stripe', 24, ALNUM);
const STRIPE_TEST = 'sk_test_' + fakeToken('t-stripe-test', 24, ALNUM);
const GOOGLE = 'AIzaSy' + fakeToken('t-google', 33, ALNUM + '-_');
const REFRESH = '5Aep861' + fakeToken('t-refresh', 80, ALNUM + '._');
const SESSION = '00D5g000004XyzA!AQ8AQ' + fakeToken('t-session', 100, ALNUM + '._');
const GH = 'ghp_' + fakeToken('t-gh', 36, ALNUM);
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${fakeToken('t-pem', 64 * 20, BASE64).replace(/(.{64})/g, '$1\n')}-----END RSA PRIVATE KEY-----\n`;

describe('hardcoded-secret (text files)', () => {
  it('.env: reports the Stripe live key at its exact range, not the harmless variables', () => {
    const src = `# Local settings for the payment sync scripts
SF_LOGIN_URL=https://test.salesforce.com
SF_USERNAME=integration@acme.com.uat
STRIPE_PUBLISHABLE_KEY=pk_live_${fakeToken('pk', 24, ALNUM)}
STRIPE_SECRET_KEY=${STRIPE_LIVE}
LOG_LEVEL=debug
`;
    assert.deepStrictEqual(found('/p/.env', src), [`5:${STRIPE_LIVE}`]);
    const [f] = findings('/p/.env', src);
    assert.match(f.message, /^Stripe live secret key 'sk_l…' \(32 chars\) is in an environment file/);
    assert.ok(!f.message.includes(STRIPE_LIVE));
    assert.deepStrictEqual(f.hints, { secretType: 'stripe-secret-key' });
  });

  it('.env.example with placeholders stays quiet', () => {
    const src = `# Copy to .env and fill in. Never commit .env.
SF_LOGIN_URL=https://login.salesforce.com
SF_CLIENT_ID=
SF_CLIENT_SECRET=your-client-secret
SFDX_AUTH_URL=force://<clientId>:<clientSecret>:<refreshToken>@<instanceUrl>
STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx
SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX
GITHUB_TOKEN=ghp_<your-token>
API_AUTH_HEADER="Bearer YOUR_ACCESS_TOKEN_HERE"
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
`;
    assert.deepStrictEqual(found('/p/.env.example', src), []);
    // A real key pasted into the committed example is still a leak, with advice that fits a committed file.
    const [f] = findings('/p/.env.example', src + `STRIPE_RESTRICTED_KEY=${STRIPE_LIVE.replace('sk_', 'rk_')}\n`);
    assert.match(f.message, /is hardcoded in this file: rotate it/);
  });

  it('a committed JWT bearer-flow server.key is one finding covering the whole PEM block', () => {
    const fs = findings('/p/config/server.key', PEM);
    assert.strictEqual(fs.length, 1);
    assert.deepStrictEqual(fs[0].range.start, { line: 0, character: 0 });
    assert.strictEqual(fs[0].range.end.line, PEM.split('\n').length - 2);
    assert.match(fs[0].message, /^Private key .* is committed in server\.key: revoke it/);
    // A public certificate next to it is fine.
    assert.deepStrictEqual(found('/p/config/server.crt.pem', PEM.replace(/RSA PRIVATE KEY/g, 'CERTIFICATE')), []);
  });

  it('sfdx-project.json, package.json, jsconfig.json and package-lock.json (integrity hashes) stay quiet', () => {
    const sfdx = JSON.stringify({
      packageDirectories: [{ path: 'force-app', default: true, package: 'Payments', versionNumber: '1.2.0.NEXT' }],
      name: 'payments', namespace: '', sfdcLoginUrl: 'https://login.salesforce.com', sourceApiVersion: '62.0',
      packageAliases: { Payments: '0Ho5g000000XyzACAS', 'Payments@1.1.0-1': '04t5g000000AbCdAAK' },
    }, null, 2);
    const pkg = JSON.stringify({
      name: 'payments', private: true, version: '1.0.0',
      scripts: { lint: 'eslint **/{aura,lwc}/**/*.js', test: 'sfdx-lwc-jest', 'test:unit:coverage': 'sfdx-lwc-jest --coverage', prettier: 'prettier --write "**/*.{cls,cmp,component,css,html,js,json,md,page,trigger,xml,yaml,yml}"' },
      devDependencies: { '@lwc/eslint-plugin-lwc': '^1.8.2', '@salesforce/sfdx-lwc-jest': '^5.1.0', husky: '^9.1.5' },
    }, null, 2);
    const jsconfig = JSON.stringify({ compilerOptions: { experimentalDecorators: true, baseUrl: '.', paths: { 'c/*': ['*'] } }, include: ['**/*', '../../../../.sfdx/typings/lwc/**/*.d.ts'] }, null, 4);
    const lock = JSON.stringify({
      name: 'payments', lockfileVersion: 3, requires: true,
      packages: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`node_modules/@scope/pkg-${i}`, {
        version: `2.${i}.1`, resolved: `https://registry.npmjs.org/@scope/pkg-${i}/-/pkg-${i}-2.${i}.1.tgz`,
        integrity: `sha512-${fakeToken('lock' + i, 86, BASE64)}==`, dev: true, license: 'MIT',
      }])),
    }, null, 2);
    assert.deepStrictEqual(found('/p/sfdx-project.json', sfdx), []);
    assert.deepStrictEqual(found('/p/package.json', pkg), []);
    assert.deepStrictEqual(found('/p/force-app/main/default/lwc/jsconfig.json', jsconfig), []);
    assert.deepStrictEqual(found('/p/package-lock.json', lock), []);
  });

  it('GitHub Actions: ${{ secrets.X }} stays quiet, a pasted auth URL and GitHub token are reported', () => {
    const good = `name: Validate
on: [pull_request]
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm install -g @salesforce/cli
      - name: Authenticate
        run: |
          echo "\${{ secrets.SFDX_AUTH_URL }}" > ./auth.txt
          sf org login sfdx-url --sfdx-url-file ./auth.txt --alias ci
        env:
          GITHUB_TOKEN: \${{ secrets.GITHUB_TOKEN }}
`;
    assert.deepStrictEqual(found('/p/.github/workflows/validate.yml', good), []);
    const bad = good.replace('${{ secrets.SFDX_AUTH_URL }}', `force://PlatformCLI::${REFRESH}@acme.my.salesforce.com`)
      .replace('${{ secrets.GITHUB_TOKEN }}', GH);
    assert.deepStrictEqual(found('/p/.github/workflows/validate.yml', bad), [
      `11:force://PlatformCLI::${REFRESH}@acme.my.salesforce.com`,
      `14:${GH}`,
    ]);
  });

  it('LWC JavaScript: a Google Maps key in a component is reported', () => {
    const src = `import { LightningElement, api } from 'lwc';
import { loadScript } from 'lightning/platformResourceLoader';

const MAPS_URL = 'https://maps.googleapis.com/maps/api/js?key=${GOOGLE}&libraries=places';

export default class StoreLocator extends LightningElement {
    @api recordId;
    connectedCallback() {
        loadScript(this, MAPS_URL).then(() => this.initMap());
    }
}
`;
    assert.deepStrictEqual(found('/p/force-app/main/default/lwc/storeLocator/storeLocator.js', src), [`4:${GOOGLE}`]);
  });

  it('metadata XML: a Salesforce session token in a custom label and a refresh token in custom metadata', () => {
    const labels = `<?xml version="1.0" encoding="UTF-8"?>
<CustomLabels xmlns="http://soap.sforce.com/2006/04/metadata">
    <labels>
        <fullName>Integration_Session</fullName>
        <language>en_US</language>
        <protected>true</protected>
        <shortDescription>Integration Session</shortDescription>
        <value>${SESSION}</value>
    </labels>
</CustomLabels>
`;
    assert.deepStrictEqual(found('/p/force-app/main/default/labels/CustomLabels.labels-meta.xml', labels), [`8:${SESSION}`]);
    const md = `<?xml version="1.0" encoding="UTF-8"?>
<CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
    <label>ERP</label>
    <protected>false</protected>
    <values>
        <field>Refresh__c</field>
        <value xsi:type="xsd:string">${REFRESH}</value>
    </values>
</CustomMetadata>
`;
    assert.deepStrictEqual(found('/p/force-app/main/default/customMetadata/Integration.ERP.md-meta.xml', md), [`7:${REFRESH}`]);
  });

  it('connected app: the consumer secret field is left to metadata-secret, a token elsewhere in the file is not', () => {
    const key = '3MVG9' + fakeToken('t-ck', 80, ALNUM + '._');
    const secret = fakeToken('t-cs', 64, '0123456789ABCDEF');
    const app = `<?xml version="1.0" encoding="UTF-8"?>
<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">
    <contactEmail>integration@acme.com</contactEmail>
    <description>ERP sync. Old session for debugging: ${SESSION}</description>
    <label>ERP Sync</label>
    <oauthConfig>
        <callbackUrl>https://erp.acme.com/oauth/callback</callbackUrl>
        <consumerKey>${key}</consumerKey>
        <consumerSecret>${secret}</consumerSecret>
        <isAdminApproved>true</isAdminApproved>
        <scopes>Api</scopes>
    </oauthConfig>
</ConnectedApp>
`;
    assert.deepStrictEqual(found('/p/force-app/main/default/connectedApps/ERP_Sync.connectedApp-meta.xml', app), [`4:${SESSION}`]);
    // The same pair in a plain config file is this rule's.
    assert.deepStrictEqual(found('/p/config/erp.yaml', `clientId: ${key}\nclientSecret: ${secret}\n`), [`2:${secret}`]);
  });

  it('a Stripe test key gets the test-mode message; a properties file with an AWS key pair reports both', () => {
    const [t] = findings('/p/config/dev.yaml', `stripe:\n  secretKey: ${STRIPE_TEST}\n`);
    assert.match(t.message, /^Stripe test-mode secret key 'sk_t…' \(32 chars\) is hardcoded in this file: even test-mode keys/);
    assert.strictEqual(t.severity, 'warning');
    assert.strictEqual(engine.lint('/p/config/dev.yaml', `key: ${STRIPE_TEST}\n`, { rules: { 'hardcoded-secret': 'error' } }).findings[0].severity, 'error');
    const id = 'AKIA' + fakeToken('t-akia', 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');
    const secret = fakeToken('t-aws', 40, BASE64);
    const props = `# S3 export\naws.region=eu-west-1\naws.accessKeyId=${id}\naws.secretAccessKey=${secret}\nexport.bucket=acme-exports\n`;
    assert.deepStrictEqual(found('/p/config/export.properties', props), [`3:${id}`, `4:${secret}`]);
  });

  it('an Apex file too large to parse is still scanned as text, with a too-large note', () => {
    const body = `    public static String f(String s) { return s + '${fakeToken('pad', 40, HEX)}'; }\n`;
    const src = `public class Generated {\n    static final String TOKEN = '${GH}';\n${body.repeat(Math.ceil(2.1 * 1024 * 1024 / body.length))}}\n`;
    const r = engine.lint('/p/force-app/main/default/classes/Generated.cls', src);
    assert.ok(r.notes.some(n => n.code === 'too-large'));
    assert.deepStrictEqual(r.findings.map(f => f.range.start.line), [1]);
  });

  it('never puts a secret in a message', () => {
    const src = [STRIPE_LIVE, GOOGLE, REFRESH, SESSION, GH, PEM].join('\n');
    const fs = findings('/p/notes.txt', src);
    assert.strictEqual(fs.length, 6);
    for (const f of fs) {
      // At most the first four characters of a secret may appear.
      for (const secret of [STRIPE_LIVE, GOOGLE, REFRESH, SESSION, GH, PEM.slice(32)]) { assert.ok(!f.message.includes(secret.slice(3, 10)), f.message); }
    }
  });

  it('5 MB of one line (minified bundle) finishes well under a second with no finding', function () {
    this.timeout(20000);
    const chunk = `function a(){return "Bearer "+t.token}var k="eyJhbGciOi",o={basic:"Basic "+btoa(u)};/*${fakeToken('min', 300, BASE64)}*/`;
    const src = chunk.repeat(Math.ceil(5 * 1024 * 1024 / chunk.length));
    const t0 = Date.now();
    assert.deepStrictEqual(found('/p/static/bundle.min.js', src), []);
    assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`);
  });

  it('a signed URL (Azure SAS sig=) in a Custom Label and a session cookie in a custom metadata record', () => {
    const sig = fakeToken('label-sas', 43, ALNUM);
    const label = `<?xml version="1.0" encoding="UTF-8"?>
<CustomLabels xmlns="http://soap.sforce.com/2006/04/metadata">
    <labels>
        <fullName>Blob_Upload_URL</fullName>
        <value>https://acmedocs.blob.core.windows.net/uploads?sv=2021-06-08&amp;ss=b&amp;sp=rwdlac&amp;se=2030-01-01T00:00:00Z&amp;sig=${sig}%3D</value>
    </labels>
    <labels>
        <fullName>Verify_URL</fullName>
        <value>https://api.example.com/verify?sig=</value>
    </labels>
</CustomLabels>`;
    assert.deepStrictEqual(found('/p/force-app/main/default/labels/CustomLabels.labels-meta.xml', label), [`5:${sig}%3D`]);
    const cookie = fakeToken('cmdt-cookie', 32, HEX);
    const cmdt = `<?xml version="1.0" encoding="UTF-8"?>
<CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <label>Default</label>
    <values>
        <field>Portal_Cookie__c</field>
        <value xsi:type="xsd:string">JSESSIONID=${cookie}</value>
    </values>
</CustomMetadata>`;
    assert.deepStrictEqual(found('/p/force-app/main/default/customMetadata/Portal_Config.Default.md-meta.xml', cmdt), [`6:${cookie}`]);
  });
});

