import * as assert from 'assert';
import { errorText, forgetSecrets, registerSecret, scrub } from './scrub';
import { render } from './report';
import type { CheckResult, InspectionReport } from './types';

const ACCESS = '00D5e000000Hrd1!AQ4kZ3xY9wQpL2mN8vB7cD6fG5hJ4kL3zX2cV1bN0mQ8wE7rT6yU5iO4pA3sD2fG1hJ0kL';
const REFRESH = '5Aep861Tq3Lz9Yx7Wv5Ut3Sr1Qp9On7Ml5Kj3Ih1Gf9Ed7Cb5Az3Yx1Wv9Ut7Sr5Qp3On1Ml9';
const GITHUB = 'ghp_Q7x9Lm2Np4Rt6Vw8Yz1Ab3Cd5Ef7Gh9Jk2Mn4';
const ESC = '\u001b]0;owned\u0007\u001b[2J\u001b[31m';

function leaks(text: string, secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) { if (text.includes(secret.slice(i, i + 8))) { out.push(secret.slice(i, i + 8)); } }
  return out;
}

function report(): InspectionReport {
  const check: CheckResult = {
    id: 'oauth.apps', group: 'oauth', title: `Connected apps ${ESC}`, status: 'fail',
    summary: `App "Deploy ${GITHUB}" can be used by everyone ${ESC}`,
    items: [{ label: `Integration${ESC}\u009b2J`, detail: `echo: ${ACCESS.slice(16)} / ${REFRESH.slice(7)}`, status: 'fail' }],
    remediation: 'Restrict the app.', setupPath: '/lightning/setup/ConnectedApplication/home',
    reason: `server said: INVALID_SESSION_ID ${ACCESS.slice(20)}`,
  };
  return {
    tool: 'apiguard', org: { alias: `prod${ESC}`, instanceUrl: 'https://admin:Hunter2-Pa55word@acme.my.salesforce.com', apiVersion: '62.0' },
    startedAt: '2026-12-03T10:00:00Z', durationMs: 10, requests: 3,
    groups: [{ id: 'oauth', title: 'OAuth', status: 'fail', checks: [check] }], checks: [check],
    notes: [`refresh failed for token ${REFRESH.slice(12)}${ESC}`],
  };
}

describe('org scrub and reports: planted secrets and hostile org data', () => {
  afterEach(() => forgetSecrets());

  it('every format hides registered tokens (also partial echoes), credentials and URL passwords', () => {
    registerSecret(ACCESS); registerSecret(REFRESH);
    for (const format of ['text', 'json', 'markdown', 'html'] as const) {
      const out = render(report(), format, { color: format === 'text' });
      for (const s of [ACCESS.slice(16), REFRESH, GITHUB, 'Hunter2-Pa55word']) { assert.deepStrictEqual(leaks(out, s), [], `${format}: ${out}`); }
      if (format === 'json') { assert.doesNotThrow(() => JSON.parse(out)); }
    }
  });

  it('the text report carries no terminal escape sequence from org data (colours are its own)', () => {
    const out = render(report(), 'text', { color: true });
    // Only SGR colour sequences API Guard writes itself: ESC [ <digits> m
    // eslint-disable-next-line no-control-regex
    const stray = out.replace(/\u001b\[\d+m/g, '').match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g);
    assert.strictEqual(stray, null, JSON.stringify(out));
    assert.match(out, /Connected apps \\x1b\]0;owned\\x07/);
  });

  it('errorText scrubs a refresh token echoed without its first characters', () => {
    registerSecret(REFRESH);
    const e = errorText(new Error(`invalid_grant: expired authorization code ${REFRESH.slice(10)}`));
    assert.deepStrictEqual(leaks(e, REFRESH), [], e);
    assert.strictEqual(scrub('No username-password OAuth logins'), 'No username-password OAuth logins');
  });
});
