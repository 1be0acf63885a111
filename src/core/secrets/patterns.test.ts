import * as assert from 'assert';
import { SECRET_PATTERNS, matchSecrets, isCredentialName, isPlaceholder, shannonEntropy } from '.';
import { fakeToken, ALNUM, BASE64 } from './entropy';

describe('secret patterns (data-driven: every pattern proves itself)', () => {
  it('pattern ids are unique kebab-case and every pattern carries evidence and keywords', () => {
    const ids = SECRET_PATTERNS.map(p => p.id);
    assert.deepStrictEqual(ids.filter((id, i) => ids.indexOf(id) !== i), []);
    for (const p of SECRET_PATTERNS) {
      assert.match(p.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(p.truePositives.length > 0 && p.falsePositives.length > 0, `${p.id} lacks evidence`);
      assert.ok(p.keywords.length > 0 && p.keywords.every(k => k === k.toLowerCase()), `${p.id} keywords must be lower-case`);
      for (const tp of p.truePositives) {
        assert.ok(p.keywords.some(k => tp.toLowerCase().includes(k)), `${p.id}: no keyword in true positive ${tp.slice(0, 40)}`);
      }
    }
  });

  for (const p of SECRET_PATTERNS) {
    describe(p.id, () => {
      p.truePositives.forEach((tp, i) => {
        it(`matches true positive #${i + 1}`, () => {
          const alone = matchSecrets(tp, [p]);
          assert.ok(alone.length > 0, `${p.id} missed: ${tp.slice(0, 60)}`);
          // With every pattern active the same text is still reported as this kind (no more generic pattern wins).
          assert.ok(matchSecrets(tp).some(m => m.patternId === p.id), `${p.id} lost to another pattern on: ${tp.slice(0, 60)}`);
        });
      });
      p.falsePositives.forEach((fp, i) => {
        it(`ignores false positive #${i + 1}`, () => {
          assert.deepStrictEqual(matchSecrets(fp, [p]).map(m => fp.slice(m.start, m.end)), []);
        });
      });
    });
  }

  it('reports the exact range of the secret (not the surrounding syntax)', () => {
    const token = 'sk_live_' + fakeToken('range', 24, ALNUM);
    const text = `# payments\nSTRIPE_SECRET_KEY="${token}"\n`;
    const [m] = matchSecrets(text);
    assert.strictEqual(text.slice(m.start, m.end), token);
    assert.strictEqual(m.patternId, 'stripe-secret-key');
    const bearer = fakeToken('b', 48, ALNUM) + '9';
    const t2 = `req.setHeader('Authorization', 'Bearer ${bearer}');`;
    const [b] = matchSecrets(t2);
    assert.strictEqual(t2.slice(b.start, b.end), bearer);
  });

  it('stays quiet on a real package-lock.json excerpt (integrity hashes, resolved URLs)', () => {
    const lock = JSON.stringify({
      name: 'lwc-app', lockfileVersion: 3, requires: true,
      packages: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`node_modules/pkg-${i}`, {
        version: `1.${i}.0`, resolved: `https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.${i}.0.tgz`,
        integrity: `sha512-${fakeToken('integrity' + i, 86, BASE64)}==`, dev: true,
      }])),
    }, null, 2);
    assert.deepStrictEqual(matchSecrets(lock), []);
  });

  it('stays quiet on UUIDs, Salesforce ids and base64 images', () => {
    const text = [
      'id: 8f14e45f-ceea-467f-a0e6-3f4f1c2b9d10',
      "Id accId = '0015g00000AbCdEAAV'; Id orgId = '00D5g000004XyzAEAS';",
      `background: url(data:image/png;base64,${fakeToken('png', 20000, BASE64)});`,
    ].join('\n');
    assert.deepStrictEqual(matchSecrets(text), []);
  });

  it('scans 5 MB of one line in well under a second', function () {
    this.timeout(10000);
    // Worst realistic input: a minified bundle / base64 blob full of keyword hits but no secret.
    const chunk = `var a="eyJhbGciOi",b="Bearer ",c="00D5g000004XyzA",d="AKIA",e="Basic ";${fakeToken('blob', 400, BASE64)};`;
    const big = chunk.repeat(Math.ceil(5 * 1024 * 1024 / chunk.length));
    const t0 = process.hrtime.bigint();
    const found = matchSecrets(big);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.deepStrictEqual(found, []);
    assert.ok(ms < 1000, `5 MB took ${ms.toFixed(0)} ms`);
  });
});

describe('isCredentialName', () => {
  const yes = ['password', 'passwd', 'pwd', 'secret', 'client_secret', 'consumer_secret', 'api_key', 'apikey', 'apiKey',
    'access_token', 'refresh_token', 'private_key', 'token', 'auth', 'passphrase', 'credentials', 'API_Key__c',
    'Client_Secret__c', 'clientSecret', 'SF_PASSWORD', 'SALESFORCE_PASSWORD_PROD', 'X-API-Key', 'x-api-key',
    'Ocp-Apim-Subscription-Key', 'authToken', 'basicAuth', 'db.password', 'spring.datasource.password',
    'aws_secret_access_key', 'AWS_SECRET_ACCESS_KEY', 'secretKey', 'privateKey', 'Authorization', 'password2',
    'acme__Api_Key__c', 'STRIPE_SECRET_KEY', 'SLACK_BOT_TOKEN', 'GITHUB_TOKEN', 'oauth_token_secret', 'smtpPass',
    'signingKey', 'encryptionKey', 'AccountKey', 'sasToken', 'bearerToken', 'sessionToken', 'Consumer_Secret__c',
    // upper-case runs (Custom Label names in a public repository): Zendesk_APITOKEN, chatGPTAPIKey
    'Zendesk_APITOKEN', 'APITOKEN', 'chatGPTAPIKey', 'ACCESSTOKEN'];
  const no = ['tokenType', 'tokenUrl', 'tokenEndpoint', 'passwordField', 'isSecret', 'tokenCount', 'passwordResetId',
    'authUrl', 'authProvider', 'secretName', 'hasToken', 'auth_type', 'consumerKey', 'client_id', 'clientId',
    'publicKey', 'primaryKey', 'cacheKey', 'nextPageToken', 'csrfToken', 'passwordPolicy', 'minimumPasswordLength',
    'AWS_ACCESS_KEY_ID', 'private_key_id', 'secretArn', 'enablePasswordReset', 'showPassword', 'token_expires_at',
    'username', 'key', 'apiVersion', 'firstPass', 'bypass', 'passwordComplexity', 'authorizationUrl', 'maxTokens',
    'tokenizer', 'passthrough', 'accessKey', 'designToken', 'secretKeyRef', 'apiKeyHeader', 'authenticationProtocol',
    '@secretlint/secretlint-rule-privatekey', 'src/token', 'namedCredential', 'externalCredential', 'Named_Credential__c', ' Access*^&(*()^* Token '];
  for (const n of yes) { it(`${n} is a credential name`, () => assert.strictEqual(isCredentialName(n), true)); }
  for (const n of no) { it(`${n} is not`, () => assert.strictEqual(isCredentialName(n), false)); }
});

describe('isPlaceholder', () => {
  const yes = ['', '   ', 'YOUR_API_KEY', '<token>', '${VAR}', '${{ secrets.SF_AUTH_URL }}', '{{api_key}}', '%s', '****',
    'xxx', 'XXXXXXXX', 'changeme', 'dummy', 'test', 'null', 'None', '{!$Credential.Password}',
    '{!$Credential.Stripe.ApiKey}', 'process.env.API_KEY', '$API_KEY', 'your-secret-here', '[REDACTED]',
    'ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)', 'vault:secret/data/sf#password', 'password', 'secret', 'insert_token_here',
    '%API_KEY%', '$(SF_PASSWORD)', 'env:SF_PASSWORD', 'os.environ["X"]', '•••••', 'sk_live_...', 'admin:secret', 'user:password',
    // dummy values with a test/demo affix (validation P1: public Apex tests 'userTest:passwordTest')
    'userTest:passwordTest', 'passwordTest', 'testSecret', 'demo_token',
    // whole-repo validation: scrubbing markers in org dumps and lower-case sample words with a counter
    'REMOVED', 'Removed', 'SCRUBBED', 'password123', 'p@ssword1', 'admin1',
    // history of SalesforceFoundation/EDA (docs/validation.md): CumulusCI's namespace substitution tokens
    '%%%NAMESPACE%%%', '___NAMESPACE___', '%%%NAMESPACED_ORG%%%',
    // trailheadapps/ready-to-fly: a template record's value that a deploy script replaces
    '{HMACKEY}', '{CLIENT_SECRET}', '{apiToken}',
    // twilio/twilio-salesforce test classes: counting digits as a dummy token
    '12345678901234567890123456789012', '0123456789012345',
    // Salesforce's generated self-registration test classes
    'abcd1234', 'abcd123', 'testuser123',
    // jfwberg/lightweight-soap-util tests: a sentence standing where the value would be, saying where it lives
    'password-should-come-from-secure-vault', 'SECRET_MUST_BE_ENTERED_IN_SETUP', 'token goes in the named credential',
    // shunkosa/apex-mock-web-service: an Auth. Provider's secret left as a phrase naming it, filled in after deploy
    'consumer_secret_of_the_app_in_target_org', 'the-api-key-for-sandbox',
    // bdrhoa/k360pf tests: a sample word with a word saying what kind of sample it is
    'hashedpassword', 'wrongPassword', 'invalid_token', 'newPassword', 'encrypted-secret'];
  const no = ['correct-horse-battery-staple', 'purple-monkey-dishwasher-secret', 'hashedPassw0rd!', 'Wrongpassword2024', 'should-Xq81-come-vR9z', 'Tr0ub4dor&3', 's3cr3t-Pa55!', 'sk_live_' + fakeToken('p', 24, ALNUM), 'hunter2', 'P@ssw0rd2024',
    'a8f5f167f44f4964e6c998dee827110c', 'Summer2024!', 'Password123', 'testing-Xq81!vR', 'Tester2024', '{9f3Kq2LmZ8xW}', '73019428561739204856'];
  for (const v of yes) { it(`'${v}' is a placeholder`, () => assert.strictEqual(isPlaceholder(v), true)); }
  for (const v of no) { it(`'${v.slice(0, 12)}…' is not`, () => assert.strictEqual(isPlaceholder(v), false)); }
});

describe('shannonEntropy', () => {
  it('is 0 for empty and uniform strings, log2(n) for n distinct characters', () => {
    assert.strictEqual(shannonEntropy(''), 0);
    assert.strictEqual(shannonEntropy('aaaa'), 0);
    assert.strictEqual(shannonEntropy('abcd'), 2);
    assert.ok(shannonEntropy(fakeToken('e', 64, ALNUM)) > 4.5);
  });
});
