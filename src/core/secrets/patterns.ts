/**
 * The secret formats API Guard recognises, as data. Shapes follow the vendors' documented formats;
 * every true positive is a generated fake (see `fakeToken`) and every false positive is something
 * real projects contain (placeholders, record ids, hashes, sample keys from vendor docs).
 *
 * Regexes are bounded (every quantifier has an upper limit or runs over a disjoint class) so a
 * 5 MB single-line file scans in linear time; `(?<![…])` guards keep them from firing inside
 * longer base64 blobs (images, integrity hashes).
 */
import type { SecretPattern, ValidateContext } from './types';
import { ALNUM, BASE64, BASE64URL, HEX, UPPER_ALNUM, fakeToken } from './entropy';
import { isPlaceholder } from './placeholder';

const SF_TOKEN = ALNUM + '._';
const fake = fakeToken;

/** Salesforce org id (15 chars) of a fake org. */
const ORG_ID = '00D' + fake('org', 12, ALNUM);
const SESSION = `${ORG_ID}!AQ${fake('session', 110, SF_TOKEN)}`;
const REFRESH = `5Aep861${fake('refresh', 80, SF_TOKEN)}`;
const CONSUMER_KEY = `3MVG9${fake('ckey', 80, SF_TOKEN)}`;
const CONSUMER_SECRET_HEX = fake('csecret', 64, '0123456789ABCDEF');
const CONSUMER_SECRET_DIGITS = fake('csecret-digits', 19, '0123456789').replace(/^0/, '7');

function b64url(s: string): string { return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''); }
function b64decode(s: string): string | undefined {
  try {
    let t = s.replace(/-/g, '+').replace(/_/g, '/');
    while (t.length % 4) { t += '='; }
    return atob(t);
  } catch { return undefined; }
}
const JWT = [
  b64url('{"alg":"RS256","kid":"k1","typ":"JWT"}'),
  b64url(`{"iss":"${CONSUMER_KEY.slice(0, 30)}","sub":"integration@acme.example","aud":"https://login.salesforce.com","exp":1767225600}`),
  fake('jwt-sig', 342, BASE64URL),
].join('.');
const PEM_BODY = fake('pem', 64 * 25, BASE64).replace(/(.{64})/g, '$1\n');

/** Characters around a token that mean it is part of something longer. */

function hasMix(s: string, needUpper = true): boolean {
  return /[0-9]/.test(s) && /[a-z]/.test(s) && (!needUpper || /[A-Z]/.test(s));
}

function near(ctx: ValidateContext, re: RegExp, distance: number): boolean {
  const from = Math.max(0, ctx.start - distance);
  return re.test(ctx.text.slice(from, Math.min(ctx.text.length, ctx.end + distance)));
}

/** Public sample values from vendor documentation: real format, but nobody's secret. */
const DOCUMENTED_SAMPLES = new Set([
  'sk_test_4eC39HqLyjWDarjtT1zdp7dc', // Stripe API reference
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==', // Azurite storage emulator
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c', // jwt.io
]);
export function isDocumentedSample(secret: string): boolean { return DOCUMENTED_SAMPLES.has(secret); }

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    id: 'salesforce-cli-auth-url',
    description: 'Salesforce CLI auth URL (sfdxAuthUrl with a refresh token)',
    keywords: ['force://'],
    regex: /force:\/\/[A-Za-z0-9._=-]{1,200}:[A-Za-z0-9._=-]{0,200}:[A-Za-z0-9._=-]{20,300}(?::[^\s@:'"]{1,100})?@[A-Za-z0-9._-]{3,253}/,
    validate: s => { const rt = /:([A-Za-z0-9._=-]{20,300})(?::[^\s@:'"]{1,100})?@/.exec(s.slice(8)); return !!rt && !/x{5,}/i.test(rt[1]); },
    truePositives: [
      `force://PlatformCLI::${REFRESH}@acme--uat.sandbox.my.salesforce.com`,
      `SFDX_AUTH_URL="force://${CONSUMER_KEY}:${CONSUMER_SECRET_HEX}:${REFRESH}:ci@acme.com@acme.my.salesforce.com"`,
    ],
    falsePositives: [
      'force://<clientId>:<clientSecret>:<refreshToken>@<instanceUrl>',
      'echo ${{ secrets.SFDX_AUTH_URL }} > auth.txt && sf org login sfdx-url -f auth.txt',
    ],
  },
  {
    id: 'salesforce-access-token',
    description: 'Salesforce access/session token',
    keywords: ['00d'],
    regex: /(?<![A-Za-z0-9])00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{40,400}(?![A-Za-z0-9._])/,
    minEntropy: 3.5,
    truePositives: [
      SESSION,
      `req.setHeader('Authorization', 'Bearer ${SESSION}');`,
      `SF_ACCESS_TOKEN=${ORG_ID.slice(0, 15)}!AR8AQ${fake('s2', 96, SF_TOKEN)}`,
      `"accessToken": "00D5g000004Xyz1!${fake('s3', 100, SF_TOKEN)}"`,
    ],
    falsePositives: [
      '00D5g000004XyzAEAS', // org id alone
      `${ORG_ID}!AQxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx`,
      `${ORG_ID}!<access-token>`,
      'Id orgId = \'00D5g000004XyzA\'; // !important',
      'String sid = UserInfo.getSessionId();',
    ],
  },
  {
    id: 'salesforce-refresh-token',
    description: 'Salesforce OAuth refresh token',
    keywords: ['5aep861'],
    regex: /(?<![A-Za-z0-9._])5Aep861[A-Za-z0-9._]{40,150}(?![A-Za-z0-9._])/,
    minEntropy: 3.5,
    truePositives: [REFRESH, `refresh_token=${REFRESH}&grant_type=refresh_token`],
    falsePositives: ['5Aep861xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', '5Aep861...', 'refresh_token=5Aep861<refresh-token>'],
  },
  {
    id: 'salesforce-consumer-secret',
    description: 'Salesforce connected app consumer secret (next to its 3MVG9 consumer key)',
    keywords: ['3mvg9'],
    window: 600,
    regex: /(?<![A-Za-z0-9])(?:[0-9]{19}|[A-Fa-f0-9]{64})(?![A-Za-z0-9])/,
    validate: (s, ctx) => near(ctx, /3MVG9[A-Za-z0-9._]{20,}/, 600) && !/^(\d)\1+$/.test(s) && (s.length === 19 || /[A-Fa-f]/.test(s)),
    truePositives: [
      `SF_CLIENT_ID=${CONSUMER_KEY}\nSF_CLIENT_SECRET=${CONSUMER_SECRET_HEX}\n`,
      `{"consumerKey": "${CONSUMER_KEY}", "consumerSecret": "${CONSUMER_SECRET_DIGITS}"}`,
    ],
    falsePositives: [
      `SF_CLIENT_ID=${CONSUMER_KEY}\n`,                      // the key alone is a client id
      `SF_CLIENT_SECRET=${CONSUMER_SECRET_HEX}\n`,            // 64 hex with no consumer key around (a hash?)
      `clientId: ${CONSUMER_KEY}\nsha: ${fake('git', 40, HEX)}\n`,
    ],
  },
  {
    id: 'private-key',
    description: 'PEM private key',
    keywords: ['private key'],
    regex: /-----BEGIN (?:[A-Z0-9]{1,12} ){0,2}PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,.\\]|-(?!-)){0,40000}(?:-----END (?:[A-Z0-9]{1,12} ){0,2}PRIVATE KEY(?: BLOCK)?-----)?/,
    validate: s => {
      const body = s.replace(/-----[^-]{0,60}-----/g, '').replace(/\\[nr]/g, '\n').replace(/^[A-Za-z-]+:.*$/gm, '').replace(/[^A-Za-z0-9+/]/g, '');
      return body.length >= 64 && !/x{8,}|A{16,}/.test(body);
    },
    truePositives: [
      `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}-----END RSA PRIVATE KEY-----\n`,
      `-----BEGIN PRIVATE KEY-----\r\n${PEM_BODY.replace(/\n/g, '\r\n')}-----END PRIVATE KEY-----`,
      `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${PEM_BODY}-----END ENCRYPTED PRIVATE KEY-----`,
      `-----BEGIN OPENSSH PRIVATE KEY-----\n${PEM_BODY}-----END OPENSSH PRIVATE KEY-----`,
      `-----BEGIN EC PRIVATE KEY-----\n${PEM_BODY.slice(0, 200)}\n-----END EC PRIVATE KEY-----`,
      `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n${PEM_BODY.replace(/\n/g, '\\n')}-----END PRIVATE KEY-----\\n"}`,
      `-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,${fake('iv', 32, HEX).toUpperCase()}\n\n${PEM_BODY}-----END RSA PRIVATE KEY-----`,
    ],
    falsePositives: [
      '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----',
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA<your key here>\n-----END RSA PRIVATE KEY-----',
      `-----BEGIN PUBLIC KEY-----\n${PEM_BODY}-----END PUBLIC KEY-----`,
      `-----BEGIN CERTIFICATE-----\n${PEM_BODY}-----END CERTIFICATE-----`,
      'openssl genrsa -out server.key 2048  # writes -----BEGIN PRIVATE KEY----- to server.key',
    ],
  },
  {
    // The body of a PKCS#8 RSA private key without its PEM armour (found in a custom field's default value):
    // base64 of SEQUENCE { INTEGER 0, AlgorithmIdentifier rsaEncryption, OCTET STRING … } always starts like this.
    id: 'private-key-base64',
    description: 'base64 PKCS#8 private key',
    keywords: ['ibadanbgkqhkig9w0baqefaasc'],
    regex: /(?<![A-Za-z0-9+/])MII[A-Za-z0-9+/]{1,2}[A-Za-z0-9+/]IBADANBgkqhkiG9w0BAQEFAASC[A-Za-z0-9+/]{200,12000}={0,2}/,
    minEntropy: 4.5,
    truePositives: [`<defaultValue>&quot;MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQ${fake('pk8', 400, BASE64)}&quot;</defaultValue>`],
    falsePositives: [`MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkw<your key>`, `MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA${fake('pub', 300, BASE64)}`],
  },
  {
    id: 'aws-access-key-id',
    description: 'AWS access key id',
    keywords: ['akia', 'asia', 'abia', 'acca'],
    regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/,
    minEntropy: 3.0,
    truePositives: [`AWS_ACCESS_KEY_ID=AKIA${fake('akia', 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`, `"ASIA${fake('asia', 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}"`],
    falsePositives: ['AKIAIOSFODNN7EXAMPLE', 'AKIAXXXXXXXXXXXXXXXX', 'ASIAN_MARKETS_CONFIGURATION', 'region: ap-southeast-1 # Asia Pacific'],
  },
  {
    id: 'aws-secret-access-key',
    description: 'AWS secret access key',
    keywords: ['akia', 'asia', 'aws_secret', 'secret_access_key', 'secretaccesskey', 'aws-secret'],
    window: 400,
    regex: /(?<![A-Za-z0-9/+_.-])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=_-])/,
    minEntropy: 4.0,
    validate: (s, ctx) => hasMix(s) && near(ctx, /(?:AKIA|ASIA)[A-Z2-7]{16}|aws_?secret|secret_?access_?key/i, 400),
    truePositives: [
      `[default]\naws_access_key_id = AKIA${fake('akia2', 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}\naws_secret_access_key = ${fake('awssecret', 40, BASE64)}\n`,
      `AWS_SECRET_ACCESS_KEY: "${fake('awssecret2', 40, BASE64)}"`,
      `aws.accessKeyId=AKIA${fake('akia3', 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}\naws.secretAccessKey=${fake('awssecret3', 40, BASE64)}`,
    ],
    falsePositives: [
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      `aws_secret_access_key = \${AWS_SECRET_ACCESS_KEY}\ncommit: ${fake('sha', 40, HEX)}`,
      `${fake('unrelated', 40, BASE64)} with no AWS context`,
    ],
  },
  {
    id: 'github-token',
    description: 'GitHub token',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'],
    regex: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/,
    minEntropy: 3.5,
    truePositives: [
      `GITHUB_TOKEN=ghp_${fake('ghp', 36, ALNUM)}`,
      `token: gho_${fake('gho', 36, ALNUM)}`,
      `'ghs_${fake('ghs', 36, ALNUM)}'`,
      `github_pat_${fake('pat1', 22, ALNUM)}_${fake('pat2', 59, ALNUM)}`,
    ],
    falsePositives: ['ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}', 'ghp_<your-token>', 'github_pat_...'],
  },
  {
    id: 'slack-token',
    description: 'Slack token',
    keywords: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxo-', 'xoxr-', 'xoxs-', 'xapp-'],
    regex: /(?<![A-Za-z0-9])(?:xox[abposr]-[0-9]{1,15}-[0-9A-Za-z-]{10,250}|xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,15}-[a-f0-9]{40,80})(?![A-Za-z0-9-])/,
    minEntropy: 3.0,
    truePositives: [
      `SLACK_BOT_TOKEN=xoxb-${fake('slack1', 12, '0123456789')}-${fake('slack2', 13, '0123456789')}-${fake('slack3', 24, ALNUM)}`,
      `xoxp-${fake('slack4', 11, '0123456789')}-${fake('slack5', 11, '0123456789')}-${fake('slack6', 12, '0123456789')}-${fake('slack7', 32, HEX)}`,
      `xapp-1-A${fake('slack8', 10, UPPER_ALNUM)}-${fake('slack9', 13, '0123456789')}-${fake('slack10', 64, HEX)}`,
    ],
    falsePositives: ['xoxb-your-token-here', 'xoxb-xxxxxxxxxxxx-xxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx', 'SLACK_BOT_TOKEN=xoxb-...'],
  },
  {
    id: 'slack-webhook-url',
    description: 'Slack incoming webhook URL',
    keywords: ['hooks.slack.com'],
    regex: /https:\/\/hooks\.slack\.com\/(?:services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{20,40}|workflows\/T[A-Z0-9]{6,12}\/A[A-Z0-9]{6,12}\/[0-9]{10,20}\/[A-Za-z0-9]{20,40})/,
    minEntropy: 3.0,
    truePositives: [`https://hooks.slack.com/services/T${fake('t', 10, UPPER_ALNUM)}/B${fake('b', 10, UPPER_ALNUM)}/${fake('w', 24, ALNUM)}`],
    falsePositives: ['https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'https://hooks.slack.com/services/<workspace>/<channel>/<token>'],
  },
  {
    id: 'stripe-secret-key',
    description: 'Stripe live secret key',
    keywords: ['sk_live_', 'rk_live_'],
    regex: /(?<![A-Za-z0-9_])[sr]k_live_[A-Za-z0-9]{20,247}(?![A-Za-z0-9_])/,
    minEntropy: 3.5,
    truePositives: [`STRIPE_SECRET_KEY=sk_live_${fake('stripe', 24, ALNUM)}`, `'rk_live_${fake('stripe2', 99, ALNUM)}'`],
    falsePositives: ['sk_live_xxxxxxxxxxxxxxxxxxxxxxxx', 'sk_live_...', 'STRIPE_SECRET_KEY=sk_live_YOUR_KEY', 'pk_live_' + fake('pk', 24, ALNUM)],
  },
  {
    id: 'stripe-test-secret-key',
    description: 'Stripe test-mode secret key',
    keywords: ['sk_test_', 'rk_test_'],
    regex: /(?<![A-Za-z0-9_])[sr]k_test_[A-Za-z0-9]{20,247}(?![A-Za-z0-9_])/,
    minEntropy: 3.5,
    confidence: 'low',
    truePositives: [`sk_test_${fake('stripetest', 24, ALNUM)}`],
    falsePositives: ['sk_test_4eC39HqLyjWDarjtT1zdp7dc', 'sk_test_xxxxxxxxxxxxxxxxxxxxxxxx', 'pk_test_' + fake('pkt', 24, ALNUM)],
  },
  {
    id: 'google-api-key',
    description: 'Google API key',
    keywords: ['aiza'],
    regex: /(?<![A-Za-z0-9_+/-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    truePositives: [`GOOGLE_MAPS_KEY=AIza${fake('gkey', 35, BASE64URL)}`, `apiKey: "AIzaSy${fake('gkey2', 33, BASE64URL)}"`],
    falsePositives: ['AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', 'AIza...', `data:image/png;base64,${fake('img', 30, BASE64)}AIza${fake('img2', 60, BASE64)}`],
  },
  {
    id: 'openai-api-key',
    description: 'OpenAI API key',
    keywords: ['t3blbkfj'],
    regex: /(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,200}T3BlbkFJ[A-Za-z0-9_-]{16,200}(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    truePositives: [`OPENAI_API_KEY=sk-${fake('oai', 20, ALNUM)}T3BlbkFJ${fake('oai2', 20, ALNUM)}`, `'sk-proj-${fake('oai3', 74, BASE64URL)}T3BlbkFJ${fake('oai4', 74, BASE64URL)}'`],
    falsePositives: ['OPENAI_API_KEY=sk-...', 'sk-xxxxxxxxxxxxxxxxxxxxT3BlbkFJxxxxxxxxxxxxxxxxxxxx'],
  },
  {
    id: 'anthropic-api-key',
    description: 'Anthropic API key',
    keywords: ['sk-ant-'],
    regex: /(?<![A-Za-z0-9_-])sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,120}(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    truePositives: [`ANTHROPIC_API_KEY=sk-ant-api03-${fake('ant', 93, BASE64URL)}AA`],
    falsePositives: ['ANTHROPIC_API_KEY=sk-ant-api03-...', 'sk-ant-api03-<your-key>'],
  },
  {
    id: 'sendgrid-api-key',
    description: 'SendGrid API key',
    keywords: ['sg.'],
    regex: /(?<![A-Za-z0-9_-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/,
    minEntropy: 3.5,
    truePositives: [`SENDGRID_API_KEY=SG.${fake('sg1', 22, BASE64URL)}.${fake('sg2', 43, BASE64URL)}`],
    falsePositives: ['SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'msg.send(payload)'],
  },
  {
    id: 'npm-token',
    description: 'npm access token',
    keywords: ['npm_'],
    regex: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/,
    minEntropy: 3.5,
    truePositives: [`//registry.npmjs.org/:_authToken=npm_${fake('npm', 36, ALNUM)}`],
    falsePositives: ['//registry.npmjs.org/:_authToken=${NPM_TOKEN}', 'npm_config_registry=https://registry.npmjs.org/', 'npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
  },
  {
    id: 'shopify-token',
    description: 'Shopify access token',
    keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    regex: /(?<![A-Za-z0-9_])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}(?![A-Za-z0-9_])/,
    minEntropy: 3.0,
    truePositives: [`SHOPIFY_ADMIN_TOKEN=shpat_${fake('shp', 32, HEX)}`],
    falsePositives: ['shpat_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'shpat_00000000000000000000000000000000'],
  },
  {
    id: 'hubspot-private-app-token',
    description: 'HubSpot private app token',
    keywords: ['pat-na1-', 'pat-eu1-'],
    regex: /(?<![A-Za-z0-9_-])pat-(?:na|eu)1-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![A-Za-z0-9_-])/,
    minEntropy: 3.0,
    truePositives: [`hubspot.token=pat-na1-${fake('hs1', 8, HEX)}-${fake('hs2', 4, HEX)}-${fake('hs3', 4, HEX)}-${fake('hs4', 4, HEX)}-${fake('hs5', 12, HEX)}`],
    falsePositives: ['pat-na1-00000000-0000-0000-0000-000000000000', 'pat-na1-<token>'],
  },
  {
    id: 'azure-storage-account-key',
    description: 'Azure storage account key',
    keywords: ['accountkey='],
    regex: /AccountKey=([A-Za-z0-9+/]{86}==)/,
    secretGroup: 1,
    minEntropy: 4.0,
    truePositives: [`AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=acmeexports;AccountKey=${fake('az', 86, BASE64)}==;EndpointSuffix=core.windows.net"`],
    falsePositives: [
      'DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey=<key>;', 'UseDevelopmentStorage=true',
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;',
    ],
  },
  {
    // A signed URL is a bearer credential: whoever has it can read or write until it expires (found in a Custom Label).
    id: 'signed-url',
    description: 'signed URL signature (SAS token, pre-signed URL)',
    keywords: ['sig=', 'x-amz-signature=', 'x-goog-signature='],
    regex: /(?:[?&]|&amp;)(?:sig|X-Amz-Signature|X-Goog-Signature)=([A-Za-z0-9%+/_-]{20,600}={0,2})/i,
    secretGroup: 1,
    minEntropy: 3.0,
    validate: (secret, ctx) => {
      // An Azure SAS has its other fields (sv=, se=, sp=) around sig=; pre-signed URLs carry X-Amz-/X-Goog- fields.
      const around = ctx.text.slice(Math.max(0, ctx.start - 600), ctx.end + 200).toLowerCase();
      return /[?&;](sv|se|sp|sr|st|spr)=/.test(around) || /x-(amz|goog)-(credential|date|algorithm)=/.test(around);
    },
    truePositives: [
      `https://acmedocs.blob.core.windows.net/uploads?sv=2021-06-08&ss=b&srt=co&sp=rwdlac&se=2030-01-01T00:00:00Z&spr=https&sig=${fake('sas', 43, ALNUM)}%3D`,
      `<value>https://acme.blob.core.windows.net/c?sv=2020-08-04&amp;se=2031-01-01&amp;sr=c&amp;sp=rl&amp;sig=${fake('sas2', 44, ALNUM)}</value>`,
      `https://bucket.s3.amazonaws.com/k.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA/x&X-Amz-Date=20240101T000000Z&X-Amz-Signature=${fake('amzsig', 64, HEX)}`,
    ],
    falsePositives: [
      'https://acme.blob.core.windows.net/c?sv=2020-08-04&sig=<signature>', 'https://api.example.com/verify?sig=' + fake('nosas', 40, ALNUM),
      'https://acme.blob.core.windows.net/c?sv=2020-08-04&se=2031-01-01&sig=XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
    ],
  },
  {
    // A captured session cookie logs in as its user (found in a custom metadata record).
    id: 'session-cookie',
    description: 'web session cookie',
    keywords: ['jsessionid=', 'phpsessid=', 'asp.net_sessionid=', 'connect.sid=', 'laravel_session=', '_session_id='],
    regex: /(?<![A-Za-z0-9_])(?:JSESSIONID|PHPSESSID|ASP\.NET_SessionId|connect\.sid|laravel_session|_session_id)=([A-Za-z0-9%._+/-]{16,600}={0,2})/i,
    secretGroup: 1,
    minEntropy: 3.0,
    truePositives: [`Cookie: JSESSIONID=${fake('jsess', 32, HEX)}; Path=/`, `ASP.NET_SessionId=${fake('aspsess', 24, ALNUM).toLowerCase()}`],
    falsePositives: ['JSESSIONID=<session>', 'Set-Cookie: JSESSIONID=XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', 'JSESSIONID=${sessionId}'],
  },
  {
    id: 'jwt',
    description: 'JSON Web Token',
    keywords: ['eyj'],
    regex: /(?<![A-Za-z0-9_+/-])eyJ[A-Za-z0-9_-]{10,4000}\.eyJ[A-Za-z0-9_-]{10,8000}\.[A-Za-z0-9_-]{16,2000}(?![A-Za-z0-9_+/=-])/,
    validate: s => {
      if (DOCUMENTED_SAMPLES.has(s)) { return false; }
      const header = b64decode(s.slice(0, s.indexOf('.')));
      if (!header) { return false; }
      try { const h = JSON.parse(header) as unknown; return typeof h === 'object' && h !== null && typeof (h as { alg?: unknown }).alg === 'string'; } catch { return false; }
    },
    truePositives: [JWT, `Authorization: Bearer ${JWT}`],
    falsePositives: [
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      `${b64url('{"typ":"JWT","x":1}')}.${b64url('{"sub":"1234567890"}')}.${fake('nosig', 43, BASE64URL)}`, // no alg: not a JWT header
      'eyJhbGciOiJSUzI1NiJ9.eyJ...',
    ],
  },
  {
    id: 'bearer-token',
    description: 'literal Bearer token',
    keywords: ['bearer'],
    regex: /\b[Bb]earer[ \t]{1,4}([A-Za-z0-9._~+/-]{16,2000}=*)(?![A-Za-z0-9._~+/=-])/,
    secretGroup: 1,
    minEntropy: 3.2,
    validate: s => /[0-9]/.test(s) && /[A-Za-z]/.test(s) && !isPlaceholder(s),
    truePositives: [
      `req.setHeader('Authorization', 'Bearer ${fake('opaque', 40, ALNUM)}');`,
      `headers: { Authorization: "Bearer ${fake('opaque2', 64, HEX)}" }`,
    ],
    falsePositives: [
      "req.setHeader('Authorization', 'Bearer ' + accessToken);",
      "req.setHeader('Authorization', 'Bearer {!$Credential.OAuthToken}');",
      'Authorization: `Bearer ${token}`',
      'Authorization: Bearer YOUR_ACCESS_TOKEN_HERE',
      'Authorization: Bearer <token>',
      'Use a Bearer authenticationScheme for this API',
    ],
  },
  {
    id: 'basic-auth-credentials',
    description: 'literal Basic authorization credentials',
    keywords: ['basic'],
    regex: /\b[Bb]asic[ \t]{1,4}([A-Za-z0-9+/]{8,1000}={0,2})(?![A-Za-z0-9+/=])/,
    secretGroup: 1,
    validate: s => {
      const d = b64decode(s);
      if (!d || !/^[\x20-\x7e]+$/.test(d)) { return false; }
      const i = d.indexOf(':');
      if (i <= 0 || i === d.length - 1) { return false; }
      const password = d.slice(i + 1);
      return !isPlaceholder(password) && !isPlaceholder(d.slice(0, i));
    },
    truePositives: [
      `req.setHeader('Authorization', 'Basic ${btoa('integration@acme.com:Tr0ub4dor&3')}');`,
      `Authorization: Basic ${btoa('api:' + fake('basic', 24, ALNUM))}`,
    ],
    falsePositives: [
      "req.setHeader('Authorization', 'Basic ' + EncodingUtil.base64Encode(headerValue));",
      'Basic authentication is required',
      `Authorization: Basic ${btoa('username:password')}`,
      `Authorization: Basic ${btoa('user:<password>')}`,
      'Basic realm="Restricted"',
    ],
  },
];
