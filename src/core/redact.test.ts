import * as assert from 'assert';
import { maskDeep, maskSecrets, maskUrlParts, maskUrlSecrets, redact, safeTerminal } from './redact';
import { SECRET_PATTERNS } from './secrets/patterns';
import { matchSecrets } from './secrets/match';

/** Every 8-character piece of `secret` that shows up in `text` (none may). */
function leaks(text: string, secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) { if (text.includes(secret.slice(i, i + 8))) { out.push(secret.slice(i, i + 8)); } }
  return out;
}

const SLACK_TOKEN = 'x9Qz7LmN2pR4tV6wY8aC1eG3';
const SLACK = `https://hooks.slack.com/services/T04ABCDEF12/B05GHIJKL34/${SLACK_TOKEN}`;
const TELEGRAM_TOKEN = 'AAHk3f9Qz7LmN2pR4tV6wY8aC1eG3Jb5Xc';
const TELEGRAM = `https://api.telegram.org/bot123456789:${TELEGRAM_TOKEN}/sendMessage?chat_id=42`;
const DISCORD_TOKEN = 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9fG1hJ3kL5mN7pQ9rS1tU3v';
const DISCORD = `https://discord.com/api/webhooks/112233445566778899/${DISCORD_TOKEN}`;
const TEAMS_KEY = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const TEAMS = `https://acme.webhook.office.com/webhookb2/1c2d3e4f-0000-1111-2222-333344445555@aaaa/IncomingWebhook/${TEAMS_KEY}/5a6b7c8d-1234-5678-9abc-def012345678`;

describe('redact / maskSecrets: the one masking function', () => {
  it('redact shows at most four characters and the length', () => {
    assert.strictEqual(redact('abcdefghijkl'), "'abcd…' (12 chars)");
    assert.strictEqual(redact('short'), "'…' (5 chars)");
  });

  it('masks every secret format src/core/secrets knows (each pattern\'s true positives)', () => {
    for (const p of SECRET_PATTERNS) {
      for (const tp of p.truePositives) {
        const before = matchSecrets(tp).filter(m => m.patternId === p.id);
        const masked = maskSecrets(`message: ${tp} (end)`);
        for (const m of before) {
          const secret = tp.slice(m.start, m.end);
          assert.deepStrictEqual(leaks(masked, secret.replace(/\s+/g, '')).filter(l => !/^-+|-+$/.test(l) && !/PRIVATE|BEGIN|END /.test(l)), [], `${p.id}: ${masked.slice(0, 200)}`);
        }
      }
    }
  });

  it('masks tokens in URL paths: Slack, Telegram, Discord, Teams webhooks', () => {
    for (const [url, token] of [[SLACK, SLACK_TOKEN], [TELEGRAM, TELEGRAM_TOKEN], [DISCORD, DISCORD_TOKEN], [TEAMS, TEAMS_KEY]]) {
      const m = maskSecrets(`Callout to ${url} uses a hardcoded endpoint.`);
      assert.deepStrictEqual(leaks(m, token), [], m);
    }
    assert.strictEqual(maskUrlSecrets(`see ${SLACK}.`), 'see https://hooks.slack.com/services/T04ABCDEF12/B05GHIJKL34/***.');
    assert.strictEqual(maskUrlParts('/services/T04ABCDEF12/B05GHIJKL34/' + SLACK_TOKEN), '/services/T04ABCDEF12/B05GHIJKL34/***');
    assert.strictEqual(maskUrlParts(`callout:Slack_Hooks/services/T04ABCDEF12/B05GHIJKL34/${SLACK_TOKEN}`), 'callout:Slack_Hooks/services/T04ABCDEF12/B05GHIJKL34/***');
    assert.strictEqual(maskUrlSecrets(TELEGRAM), 'https://api.telegram.org/bot123456789:***/sendMessage?chat_id=42');
  });

  it('keeps ordinary URLs, paths and record ids readable', () => {
    for (const s of [
      'https://api.stripe.com/v1/refunds', 'https://acme.my.salesforce.com/services/data/v62.0/sobjects/Account/001xx000003DGb2AAG',
      'https://api.example.com/customers/getAccountDetailsByExternalId?limit=20', 'force-app/main/default/classes/PaymentsGateway.cls:12:5',
      'callout:Stripe_Api/v1/charges', 'Use a Named Credential for https://status.partner-erp.com/health?verbose=false',
    ]) { assert.strictEqual(maskSecrets(s), s); }
  });

  it('never prints the password of https://user:pass@host', () => {
    const m = maskSecrets('cannot reach https://admin:S3cr3t-Pa55word@acme.my.salesforce.com/services (ECONNREFUSED)');
    assert.ok(!m.includes('S3cr3t-Pa55word'), m);
    assert.ok(m.includes('https://admin:***@acme.my.salesforce.com'), m);
  });

  it('masks partial echoes of known secrets: the part after ! of a session id, a refresh token without its head', () => {
    const access = '00D5g000004XyzA!AQ8AQKq3Lz9Yx7Wv5Ut3Sr1Qp9On7Ml5Kj3Ih1Gf9Ed7Cb5Az3Yx1Wv9Ut7Sr5Qp3On1Ml9Kj7Ih5Gf3Ed1';
    const refresh = '5Aep861Tq3Lz9Yx7Wv5Ut3Sr1Qp9On7Ml5Kj3Ih1Gf9Ed7Cb5Az3Yx1Wv9Ut7Sr5Qp3On1Ml9';
    const echoed = `INVALID_SESSION_ID: token ${access.slice(16)} expired; refresh ${refresh.slice(9)} was revoked; piece=${refresh.slice(30, 42)}`;
    const m = maskSecrets(echoed, { known: [access, refresh], partial: true });
    assert.deepStrictEqual(leaks(m, access.slice(16)), [], m);
    assert.deepStrictEqual(leaks(m, refresh), [], m);
    assert.ok(m.startsWith('INVALID_SESSION_ID: token '), m);
    // the org id on its own is not the secret
    assert.strictEqual(maskSecrets('org 00D5g000004XyzA', { known: [access], partial: true }), 'org 00D5g000004XyzA');
  });

  it('masks bearer headers, OAuth form fields and SOAP session ids without a known list', () => {
    const t = 'q9Lz7Yx5Wv3Ut1Sr9Qp7On5Ml3Kj1';
    for (const s of [`Authorization: Bearer ${t}`, `grant_type=refresh_token&refresh_token=${t}`, `<sessionId>${t}</sessionId>`, `{"access_token":"${t}"}`, `password=${t}`]) {
      assert.deepStrictEqual(leaks(maskSecrets(s), t), [], s);
    }
  });

  it('is idempotent', () => {
    const s = `Bearer q9Lz7Yx5Wv3Ut1Sr9Qp7On5Ml3Kj1 and ${SLACK} and ${SECRET_PATTERNS[1].truePositives[0]}`;
    const once = maskSecrets(s);
    assert.strictEqual(maskSecrets(once), once);
  });

  it('maskDeep masks every string of a JSON value and keeps its shape', () => {
    const v = { a: [SLACK, 1, null, { b: `token ${TELEGRAM}` }], c: true };
    const m = maskDeep(v);
    assert.deepStrictEqual(Object.keys(m), ['a', 'c']);
    assert.strictEqual(m.a[1], 1);
    assert.ok(!JSON.stringify(m).includes(SLACK_TOKEN) && !JSON.stringify(m).includes(TELEGRAM_TOKEN));
  });
});

describe('safeTerminal', () => {
  it('shows control sequences as text: CSI, OSC, C0, C1, DEL, bidi overrides', () => {
    const hostile = [
      '\u001b[2J\u001b[H', '\u001b]0;pwned\u0007', '\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\', '\u009b31m', 'a\rb', 'x\u0008\u0008y',
      '\u007f', 'abc\u202egnp.exe', '\u2066iso\u2069', '\u0000nul',
    ];
    for (const h of hostile) {
      const s = safeTerminal(h);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(s), JSON.stringify(s));
    }
    assert.strictEqual(safeTerminal('\u001b[31mred'), '\\x1b[31mred');
    assert.strictEqual(safeTerminal('tab\there\nnext'), 'tab\there\nnext');
    assert.strictEqual(safeTerminal('Ünïcödé ✔ 日本'), 'Ünïcödé ✔ 日本');
  });
});
