import * as assert from 'assert';
import { Engine } from '../../core/engine';
import type { Finding } from '../../core/types';
import { fakeToken, ALNUM, BASE64, HEX } from '../../core/secrets/entropy';
import rule from './index';
import hardcodedSecret from '../hardcoded-secret';

// With hardcoded-secret beside it, as in a real scan: where both would report one value, the engine
// keeps only hardcoded-secret's finding (meta.yieldsTo).
const engine = new Engine([rule, hardcodedSecret]);

function findings(path: string, src: string): Finding[] {
  const r = engine.lint(path, src);
  assert.deepStrictEqual(r.notes.filter(n => n.code === 'internal-error'), []);
  return r.findings.filter(f => f.ruleId === 'hardcoded-credential');
}
/** Each finding as `line:exact text of its range` (1-based line). */
function found(path: string, src: string): string[] {
  const lines = src.split(/\r?\n/);
  return findings(path, src).map(f => `${f.range.start.line + 1}:${lines[f.range.start.line].slice(f.range.start.character, f.range.end.character)}`);
}

describe('hardcoded-credential (text files)', () => {
  it('.env: credential-named variables with values; not empty, placeholders, URLs, flags or ids', () => {
    const src = `# Salesforce integration user (UAT)
SF_LOGIN_URL=https://test.salesforce.com
SF_USERNAME=integration@acme.com.uat
SF_PASSWORD=Winter2025!uat
SF_SECURITY_TOKEN="Hq3b9TzL0pWc7rXe2Kd"   # reset monthly
SF_CLIENT_ID=3MVG9${fakeToken('cid', 60, ALNUM)}
SF_CLIENT_SECRET=
export ERP_API_KEY='${fakeToken('erp', 32, HEX)}'
TOKEN_URL=https://login.salesforce.com/services/oauth2/token
PASSWORD_RESET_DAYS=90
USE_TOKEN_AUTH=true
SENTRY_AUTH_TOKEN=\${SENTRY_AUTH_TOKEN}
`;
    assert.deepStrictEqual(found('/p/.env', src), [
      '4:Winter2025!uat',
      '5:Hq3b9TzL0pWc7rXe2Kd',
      `8:${fakeToken('erp', 32, HEX)}`,
    ]);
    const f = findings('/p/.env', src)[0];
    assert.strictEqual(f.message, "'SF_PASSWORD' holds a value 'Wint…' (14 chars) in an environment file: keep this file out of version control (.gitignore and .forceignore) and commit only an example with placeholders.");
    assert.deepStrictEqual(f.hints, { name: 'SF_PASSWORD' });
  });

  it('a real-looking .env.example stays quiet', () => {
    const src = `# Copy this file to .env and fill in the values. Do not commit .env.
SF_LOGIN_URL=https://login.salesforce.com
SF_USERNAME=you@example.com
SF_PASSWORD=
SF_SECURITY_TOKEN=<security token from Settings > Reset My Security Token>
SF_CLIENT_SECRET=your-consumer-secret
STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx
SLACK_BOT_TOKEN=xoxb-your-bot-token
JWT_PRIVATE_KEY_PATH=./config/server.key
DB_PASSWORD=changeme
API_TOKEN=****
AUTH_SECRET="\${AUTH_SECRET}"
`;
    assert.deepStrictEqual(found('/p/.env.example', src), []);
  });

  it('JSON at any depth, value range without quotes; project files and lockfiles stay quiet', () => {
    const config = `{
  "integrations": {
    "erp": {
      "baseUrl": "https://erp.acme.com/api",
      "username": "svc_salesforce",
      "password": "Erp#Sync2024",
      "tokenUrl": "https://erp.acme.com/oauth/token",
      "tokenType": "Bearer",
      "credentials": { "client_id": "sf-connector", "client_secret": "${fakeToken('cs', 40, ALNUM)}" }
    },
    "maps": { "apiKey": "", "passwordField": "pwd", "isSecret": "true" }
  }
}
`;
    assert.deepStrictEqual(found('/p/config/integrations.json', config), ['6:Erp#Sync2024', `9:${fakeToken('cs', 40, ALNUM)}`]);
    const sfdx = `{
  "packageDirectories": [{ "path": "force-app", "default": true }],
  "name": "acme-crm",
  "namespace": "",
  "sfdcLoginUrl": "https://login.salesforce.com",
  "sourceApiVersion": "62.0",
  "plugins": { "authProvider": "JWT", "tokenEndpoint": "https://login.salesforce.com/services/oauth2/token" }
}
`;
    assert.deepStrictEqual(found('/p/sfdx-project.json', sfdx), []);
    const pkg = JSON.stringify({
      name: 'acme-crm', scripts: { 'token:refresh': 'node scripts/refresh-token.mjs', prettier: 'prettier --write "**/*.{cls,js,json,xml}"' },
      devDependencies: { '@salesforce/sfdx-lwc-jest': '^5.1.0', 'secret-scanner': '1.0.0' },
    }, null, 2);
    assert.deepStrictEqual(found('/p/package.json', pkg), []);
    const lock = JSON.stringify({
      name: 'acme-crm', lockfileVersion: 3,
      packages: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`node_modules/token-${i}`, {
        version: `1.0.${i}`, resolved: `https://registry.npmjs.org/token-${i}/-/token-${i}-1.0.${i}.tgz`,
        integrity: `sha512-${fakeToken('li' + i, 86, BASE64)}==`,
      }])),
    }, null, 2);
    assert.deepStrictEqual(found('/p/package-lock.json', lock), []);
  });

  it('YAML: a pasted password is reported; ${{ secrets.X }}, block scalars and policies are not', () => {
    const workflow = `name: Deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    env:
      SF_USERNAME: ci@acme.com
      SF_PASSWORD: \${{ secrets.SF_PASSWORD }}
      SFDX_AUTH_URL: \${{ secrets.SFDX_AUTH_URL }}
    steps:
      - uses: actions/checkout@v4
      - name: Deploy
        run: sf project deploy start --target-org ci
`;
    assert.deepStrictEqual(found('/p/.github/workflows/deploy.yml', workflow), []);
    const pasted = workflow.replace('${{ secrets.SF_PASSWORD }}', "'Summer2025!ci'");
    assert.deepStrictEqual(found('/p/.github/workflows/deploy.yml', pasted), ['10:Summer2025!ci']);
    const app = `datasource:
  url: jdbc:postgresql://db.acme.internal:5432/crm
  username: crm
  password: s3cr3t-Pa55   # TODO move to vault
passwordPolicy:
  minLength: 12
salesforce:
  - name: prod
    "client_secret": "${fakeToken('yaml', 30, ALNUM)}"
  privateKey: |
    -----BEGIN PRIVATE KEY-----
  token_type: bearer
`;
    assert.deepStrictEqual(found('/p/config/application.yaml', app), ['4:s3cr3t-Pa55', `9:${fakeToken('yaml', 30, ALNUM)}`]);
  });

  it('message bundles, i18n labels, design tokens and auth scheme names are not credentials', () => {
    const messages = `login.username=User name
login.password=Password
error.password=Invalid password
error.token=Session expired: please log in again
`;
    assert.deepStrictEqual(found('/p/config/messages_en.properties', messages), []);
    const de = `{ "login": { "password": "Passwort", "token": "Sicherheitstoken", "secret": "Geheimnis" } }`;
    assert.deepStrictEqual(found('/p/force-app/main/default/lwc/i18n/de.json', de), []);
    const tokens = `{ "tokens": [{ "name": "brandPrimary", "token": "color-brand-primary" }], "auth": "oauth2", "authorization": "basic" }`;
    assert.deepStrictEqual(found('/p/design/tokens.json', tokens), []);
    const real = `{ "auth": "svc_export:Xp0rt!2024", "authorization": "Token ${fakeToken('authz', 32, ALNUM)}" }`;
    assert.deepStrictEqual(found('/p/config/export.json', real), ['1:svc_export:Xp0rt!2024', `1:Token ${fakeToken('authz', 32, ALNUM)}`]);
  });

  it('values in a known secret format are left to hardcoded-secret (one problem, one report)', () => {
    const src = `STRIPE_SECRET_KEY=sk_live_${fakeToken('one', 24, ALNUM)}\nAPI_AUTH=Bearer ${fakeToken('one-b', 40, HEX)}\nSF_PASSWORD=Winter2025!uat\n`;
    assert.deepStrictEqual(found('/p/.env', src), ['3:Winter2025!uat']);
  });

  it('with hardcoded-secret turned off, those values are still reported here', () => {
    const src = `STRIPE_SECRET_KEY=sk_live_${fakeToken('one', 24, ALNUM)}\nSF_PASSWORD=Winter2025!uat\n`;
    const lines = engine.lint('/p/.env', src, { rules: { 'hardcoded-secret': 'off' } }).findings
      .filter(f => f.ruleId === 'hardcoded-credential').map(f => f.range.start.line + 1);
    assert.deepStrictEqual(lines, [1, 2]);
  });

  it('Node tooling: jsforce login with a literal password (and security token)', () => {
    const src = `const jsforce = require('jsforce');
const conn = new jsforce.Connection({ loginUrl: 'https://test.salesforce.com' });
await conn.login('integration@acme.com.uat', 'Winter2025!uat' + 'Hq3b9TzL0pWc7rXe2Kd');
await conn.login(process.env.SF_USERNAME, process.env.SF_PASSWORD);
`;
    assert.deepStrictEqual(found('/p/scripts/sync.js', src), ['3:Winter2025!uat']);
  });

  it('quiet on shapes found in real JavaScript and CI files', () => {
    const js = `export async function load(url, token) {
    const res = await fetch(url, { credentials: 'include', mode: 'cors' });
    const next = url + '?oauth_token=' + encodeURIComponent(token) + '&format=json';
    const legacy = "&oauth_token=".concat(encodeURIComponent(token));
    const badge = h(Badge, { token: 'passed', count: 3 });
    throw new Error('Invalid http credentials format: use "username:password", for example --http-credentials="admin:secret"');
}
export const ID_TOKEN = 'id_token token';
export const RefreshTokenAcquire = 'refreshTokenAcquireTokenWithCachedRefreshToken';
type RequestCredentials = 'include' | 'omit' | 'same-origin';
`;
    assert.deepStrictEqual(found('/p/force-app/main/default/lwc/api/api.js', js), []);
    const perms = `permissions:\n  contents: read\n  id-token: write\n`;
    assert.deepStrictEqual(found('/p/.github/workflows/release.yml', perms), []);
    const deps = `{ "devDependencies": { "@secretlint/secretlint-rule-privatekey": "^10.2.2", "token-types": "6.0.0" } }`;
    assert.deepStrictEqual(found('/p/package.json', deps), []);
    const dts = `export interface ConnectedApp { readonly consumerSecret: "?string"; password: 'abc123xyz' }`;
    assert.deepStrictEqual(found('/p/types/schema.d.ts', dts), []);
    const jest = `const MOCK = { apiKey: 'test-key-123', password: 'Sup3r!' };`;
    assert.deepStrictEqual(found('/p/force-app/main/default/lwc/weatherCard/__tests__/weatherCard.test.js', jest), []);
    assert.deepStrictEqual(found('/p/force-app/main/default/lwc/weatherCard/weatherCard.js', jest), ['1:test-key-123', '1:Sup3r!']);
  });

  it('a password in a connection URL is reported at the password, whatever the key is called', () => {
    const src = `DATABASE_URL=postgres://crm_app:Pg%21Sync2024@db.acme.internal:5432/crm
REDIS_URL=redis://default:\${REDIS_PASSWORD}@cache.acme.internal:6379
AMQP_URL=amqp://guest:guest@localhost:5672
SFTP_URL=sftp://exporter@files.acme.com/outbound
SFDX_AUTH_URL=force://PlatformCLI::\${REFRESH}@acme.my.salesforce.com
`;
    assert.deepStrictEqual(found('/p/.env', src), ['1:Pg%21Sync2024']);
    assert.match(findings('/p/.env', src)[0].message, /^The URL in 'DATABASE_URL' embeds a password 'Pg%2…' \(13 chars\)/);
    const yaml = `spring:\n  datasource:\n    url: "jdbc:mysql://report:R3p0rt!ng@reporting.acme.internal/crm"\n`;
    assert.deepStrictEqual(found('/p/config/application.yml', yaml), []); // jdbc:mysql:// is not scheme://user:pass at the start
    const yaml2 = `mongo:\n  uri: mongodb+srv://etl:Etl2024xyz@cluster0.abcde.mongodb.net/crm\n`;
    assert.deepStrictEqual(found('/p/config/application.yml', yaml2), ['2:Etl2024xyz']);
  });

  it('a credential-named value in a known secret format is left to hardcoded-secret, even when the format needs context', () => {
    const id = 'AKIA' + fakeToken('c-akia', 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');
    const props = `aws.accessKeyId=${id}\naws.secretAccessKey=${fakeToken('c-aws', 40, BASE64)}\naws.sessionPassword=Sess!0n2024\n`;
    assert.deepStrictEqual(found('/p/config/s3.properties', props), ['3:Sess!0n2024']);
  });

  it('a # disable comment in .env suppresses (but keeps) the finding on the next line only', () => {
    const r = engine.lint('/p/.env', '# apiguard-disable-next-line hardcoded-credential -- local sandbox only\nSF_PASSWORD=Winter2025!uat\nDB_PASSWORD=Other!2024\n');
    assert.deepStrictEqual(r.findings.map(f => [f.range.start.line, f.suppressed?.justification ?? null]), [[1, 'local sandbox only'], [2, null]]);
  });

  it('CRLF files get the same exact ranges', () => {
    const r = engine.lint('/p/.env', 'A=1\r\nSF_PASSWORD=Winter2025!uat\r\n\r\n');
    assert.deepStrictEqual(r.findings.map(f => f.range), [{ start: { line: 1, character: 12 }, end: { line: 1, character: 26 } }]);
    const y = engine.lint('/p/config/db.yaml', 'db:\r\n  password: s3cr3t-Pa55\r\n');
    assert.deepStrictEqual(y.findings.map(f => f.range), [{ start: { line: 1, character: 12 }, end: { line: 1, character: 23 } }]);
  });

  it('properties / ini: key=value and key: value', () => {
    const src = `# Integration settings
spring.datasource.url=jdbc:mysql://localhost/crm
spring.datasource.password=Db$ecret2024
sftp.password: ${'${SFTP_PASSWORD}'}
mail.smtp.auth=true
erp.api_key = ${fakeToken('props', 24, ALNUM)}
`;
    assert.deepStrictEqual(found('/p/config/app.properties', src), ['3:Db$ecret2024', `6:${fakeToken('props', 24, ALNUM)}`]);
  });

  it('LWC / Node JavaScript: declarations, object properties, header objects and header calls', () => {
    const key = fakeToken('lwc', 32, HEX);
    const src = `import { LightningElement } from 'lwc';

const apiKey = '${key}';
const API_BASE = 'https://api.weather.example/v2';
const labels = { password: 'Password', token: 'Token' };

export default class WeatherCard extends LightningElement {
    tokenType = 'Bearer';
    password = '';
    async connectedCallback() {
        const response = await fetch(API_BASE + '/current', {
            headers: { 'X-API-Key': '${key}', Accept: 'application/json', Authorization: 'Bearer ' + this.token }
        });
        const h = new Headers();
        h.set('Authorization', 'Basic c3ZjOkwwbmdQYXNzIQ=='); // a known format: hardcoded-secret reports it
        h.append('x-auth-token', 'tk-2024-Qz81mPw');
        this.client = createClient({ clientSecret: process.env.CLIENT_SECRET, passphrase: \`\${this.pass}\` });
        const mode = this.secret ? this.secret : 'anonymous';
    }
}
`;
    assert.deepStrictEqual(found('/p/force-app/main/default/lwc/weatherCard/weatherCard.js', src), [
      `3:${key}`,
      `12:${key}`,
      '16:tk-2024-Qz81mPw',
    ]);
    const f = findings('/p/force-app/main/default/lwc/weatherCard/weatherCard.js', src)[0];
    assert.match(f.message, /^'apiKey' is set to a hardcoded value '[0-9a-f]{4}…' \(32 chars\): rotate it/);
  });

  it('XML without a credential name is read for passwords in URLs only, and metadata XML of neither reports nothing', () => {
    // No tag or attribute here names a credential: only the URL's user info can report.
    const job = `<?xml version="1.0" encoding="UTF-8"?>
<job>
  <source>amqp://etl:Rabbit-Prod-77@mq.acme.com:5672/vhost</source>
  <target name="warehouse" value="ordinary"/>
</job>
`;
    assert.deepStrictEqual(found('/p/config/job.xml', job), ['3:Rabbit-Prod-77']);
    const layout = `<?xml version="1.0" encoding="UTF-8"?>
<Layout xmlns="http://soap.sforce.com/2006/04/metadata">
    <layoutSections><label>Information</label><style>TwoColumnsTopToBottom</style></layoutSections>
</Layout>
`;
    assert.deepStrictEqual(found('/p/force-app/main/default/layouts/Account-Account Layout.layout-meta.xml', layout), []);
  });

  it('generic XML elements and attributes; metadata types owned by metadata-secret are skipped', () => {
    const cfg = `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <sftp host="files.acme.com" user="sfexport" password="Xfer!2024"/>
  <erp>
    <tokenUrl>https://erp.acme.com/token</tokenUrl>
    <clientSecret>  ${fakeToken('xml', 36, ALNUM)}  </clientSecret>
    <password><![CDATA[P<ss&word9]]></password>
    <apiKey xsi:nil="true"/>
  </erp>
  <appSettings><add key="ApiKey" value="${fakeToken('netcfg', 24, ALNUM)}"/></appSettings>
</configuration>
`;
    assert.deepStrictEqual(found('/p/config/integration.xml', cfg), [
      '3:Xfer!2024',
      `6:${fakeToken('xml', 36, ALNUM)}`,
      '7:P<ss&word9',
      `10:${fakeToken('netcfg', 24, ALNUM)}`,
    ]);
    const legacyNc = `<?xml version="1.0" encoding="UTF-8"?>
<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">
    <endpoint>https://erp.acme.com</endpoint>
    <label>ERP</label>
    <password>Erp#Sync2024</password>
    <principalType>NamedUser</principalType>
    <protocol>Password</protocol>
    <username>svc_salesforce</username>
</NamedCredential>
`;
    assert.deepStrictEqual(found('/p/force-app/main/default/namedCredentials/ERP.namedCredential-meta.xml', legacyNc), []);
    const security = `<?xml version="1.0" encoding="UTF-8"?>
<SecuritySettings xmlns="http://soap.sforce.com/2006/04/metadata">
    <passwordPolicies>
        <complexity>AlphaNumeric</complexity>
        <expiration>ThreeMonths</expiration>
        <minimumPasswordLength>8</minimumPasswordLength>
        <obscureSecretAnswer>false</obscureSecretAnswer>
        <passwordAssistanceMessage>Contact the help desk to reset your password</passwordAssistanceMessage>
        <questionRestriction>DoesNotContainPassword</questionRestriction>
    </passwordPolicies>
</SecuritySettings>
`;
    assert.deepStrictEqual(found('/p/force-app/main/default/settings/Security.settings-meta.xml', security), []);
    const cmp = `<aura:component>
    <aura:attribute name="apiKey" type="String" default="${fakeToken('aura', 24, ALNUM)}"/>
    <aura:attribute name="passwordLabel" type="String" default="Password"/>
    <lightning:input type="password" label="Password" name="password" value="{!v.password}"/>
</aura:component>
`;
    assert.deepStrictEqual(found('/p/force-app/main/default/aura/Weather/Weather.cmp', cmp), [`2:${fakeToken('aura', 24, ALNUM)}`]);
  });

  it('an Apex file too large to parse still gets the name heuristic', () => {
    const body = `    public static String f${'x'}(String s) { return s + '${fakeToken('pad', 40, HEX)}'; }\n`;
    const src = `public class Generated {\n    private static final String PASSWORD = 'Gen3rated!Pass';\n${body.repeat(Math.ceil(2.1 * 1024 * 1024 / body.length))}}\n`;
    const t0 = Date.now();
    assert.deepStrictEqual(found('/p/force-app/main/default/classes/Generated.cls', src), ['2:Gen3rated!Pass']);
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  });

  it('a 5 MB one-line JSON file is handled quickly', function () {
    this.timeout(20000);
    const item = `{"id":"a0B5g00000${fakeToken('i', 8, ALNUM)}","name":"Item","token_count":3,"data":"${fakeToken('d', 200, BASE64)}"},`;
    const src = '[' + item.repeat(Math.ceil(5 * 1024 * 1024 / item.length)) + '{}]';
    const t0 = Date.now();
    assert.deepStrictEqual(found('/p/data/export.json', src), []);
    assert.ok(Date.now() - t0 < 1500, `took ${Date.now() - t0} ms`);
  });

  it('deploy scripts: Windows .cmd/.bat (set, set "…"), shell and PowerShell variables and credential options', () => {
    const cmd = '@echo off\r\nset SF_USERNAME=deploy@acme.com\r\nset "SF_PASSWORD=Winter2023!dq"\r\nset SF_TOKEN=%1\r\n'
      + 'sf project deploy start --target-org uat --password %SF_PASSWORD%\r\n';
    assert.deepStrictEqual(found('/p/scripts/deploy.cmd', cmd), ['3:Winter2023!dq']);
    assert.deepStrictEqual(found('/p/scripts/deploy.bat', cmd), ['3:Winter2023!dq']);
    const sh = '#!/bin/bash\nexport SF_CLIENT_SECRET="9F3A7C1E5B2D4F6A8C0E"\nsf org login jwt --client-id abc --password "Zq7!mPw92x"\nTOKEN=$(cat token)\nsf x --token "$TOKEN"\n';
    assert.deepStrictEqual(found('/p/scripts/deploy.sh', sh), ['2:9F3A7C1E5B2D4F6A8C0E', '3:Zq7!mPw92x']);
    const ps1 = '$env:API_KEY = "k7Rz2Qp9Lm4Xw8Vt"\n$password = "Autumn#2022x"\n$token = Get-Secret -Name Api\nConnect-Org -Password "Pw4!zzQ8rt"\n';
    assert.deepStrictEqual(found('/p/scripts/build.ps1', ps1), ['1:k7Rz2Qp9Lm4Xw8Vt', '2:Autumn#2022x', '4:Pw4!zzQ8rt']);
  });

  it('an org auth URL in a Windows deploy script is reported (hardcoded-secret)', () => {
    const url = `force://PlatformCLI::5Aep861${fakeToken('sfdxurl', 80, ALNUM)}@acme.my.salesforce.com`;
    const r = engine.lint('/p/scripts/deploy.cmd', `@echo off\r\necho ${url}> auth.txt\r\nsf org login sfdx-url --sfdx-url-file auth.txt\r\n`);
    assert.deepStrictEqual(r.findings.map(f => `${f.ruleId}:${f.range.start.line + 1}`), ['hardcoded-secret:2']);
  });

  it('vendor and minified files: no name heuristics (a library\'s password field), format-based secrets still reported', () => {
    const lib = `!function(e){var t={password:"hunter2xyz",apiKey:"Qm9vbGVhbnM5"};e.secret="r4nd0mV4lue"}(window);\n`;
    assert.deepStrictEqual(found('/p/force-app/main/default/staticresources/markdownIt.js', lib), []);
    assert.deepStrictEqual(found('/p/force-app/main/default/lwc/chart/chart.min.js', lib), []);
    assert.deepStrictEqual(found('/p/force-app/main/default/lwc/chart/chart.js', lib), ['1:hunter2xyz', '1:Qm9vbGVhbnM5', '1:r4nd0mV4lue']);
    const long = `var cfg = {${'a:1,'.repeat(300)}password:"hunter2xyz"};\n`;
    assert.deepStrictEqual(found('/p/force-app/main/default/lwc/bundle/bundle.js', long), []);
    const stripe = `sk_live_${fakeToken('vendor-stripe', 24, ALNUM)}`;
    const r = engine.lint('/p/force-app/main/default/staticresources/payments.js', `!function(){var k="${stripe}"}();\n`);
    assert.deepStrictEqual(r.findings.map(f => f.ruleId), ['hardcoded-secret']);
  });
});
