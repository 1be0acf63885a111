import * as assert from 'assert';
import { formatText } from '../../src/core/report/text';
import { toJsonReport } from '../../src/core/report/json';
import { toSarif } from '../../src/core/report/sarif';
import type { ReportInput } from '../../src/core/report/model';
import { toHtml, toMarkdown } from '../../src/extension/reportFormats';
import { main } from '../../src/cli/main';
import { recordingIO, removeProject, tempProject } from './helpers/project';

/*
 * Defence in depth: a rule (or a future one) that forgets `redact`, a note quoting a file's text, a
 * justification written by a user: every report channel masks secrets on its own, and the text report
 * shows no terminal control sequence from file names or contents.
 */
const GITHUB = 'ghp_Q7x9Lm2Np4Rt6Vw8Yz1Ab3Cd5Ef7Gh9Jk2Mn4';
const SLACK_TOKEN = 'x9Qz7LmN2pR4tV6wY8aC1eG3';
const SLACK = `https://hooks.slack.com/services/T04ABCDEF12/B05GHIJKL34/${SLACK_TOKEN}`;
const BEARER = 'q9Lz7Yx5Wv3Ut1Sr9Qp7On5Ml3Kj1Ih9';
const ESC = '\u001b]0;owned\u0007\u001b[2J\u009b31m\u202e';
const ROOT = '/p';

function leaks(text: string, secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) { if (text.includes(secret.slice(i, i + 8))) { out.push(secret.slice(i, i + 8)); } }
  return out;
}

function input(): ReportInput {
  const path = `${ROOT}/force-app/main/default/classes/Evil${ESC}.cls`;
  const range = { start: { line: 1, character: 2 }, end: { line: 1, character: 9 } };
  return {
    root: ROOT, filesScanned: 1, durationMs: 5,
    reports: [{
      path,
      findings: [
        { ruleId: 'hardcoded-secret', severity: 'error', message: `Token ${GITHUB} in code ${ESC}`, path, range,
          related: [{ path, range, message: `Used with 'Bearer ${BEARER}' ${ESC}` }], hints: { url: SLACK, note: `header Bearer ${BEARER}` } },
        { ruleId: 'callout-without-named-credential', severity: 'warning', message: `Callout to ${SLACK}`, path, range,
          suppressed: { kind: 'inline', justification: `ok, token ${GITHUB} is rotated ${ESC}` } },
      ],
      notes: [{ path, code: 'parse-error', message: `Apex syntax error near 'String t = "${GITHUB}";' ${ESC}` }],
    }],
  };
}

const SECRETS = [GITHUB, SLACK_TOKEN, BEARER];

describe('every report channel masks secrets (text, JSON, SARIF, Markdown, HTML)', () => {
  const outputs: Array<[string, () => string]> = [
    ['text', () => formatText(input())],
    ['text (colour)', () => formatText(input(), { color: true })],
    ['json', () => JSON.stringify(toJsonReport(input(), '1.0.0'))],
    ['sarif', () => JSON.stringify(toSarif(input(), { rules: [], toolVersion: '1.0.0' }))],
    ['markdown', () => toMarkdown(input(), [], '1.0.0')],
    ['html', () => toHtml(input(), [], '1.0.0')],
  ];
  for (const [name, make] of outputs) {
    it(`${name}: no 8-character piece of any planted secret`, () => {
      const out = make();
      for (const s of SECRETS) { assert.deepStrictEqual(leaks(out, s), [], `${name}: ${out}`); }
    });
  }

  it('text: no control sequence from file names, messages, notes or justifications', () => {
    for (const color of [false, true]) {
      // eslint-disable-next-line no-control-regex
      const out = formatText(input(), { color }).replace(/\u001b\[\d+m/g, '');
      // eslint-disable-next-line no-control-regex
      assert.strictEqual(out.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/g), null, JSON.stringify(out));
      assert.ok(out.includes('Evil\\x1b]0;owned\\x07'), out);
    }
  });

  it('json and sarif keep their shape: paths, line numbers and fingerprints untouched', () => {
    const j = toJsonReport(input(), '1.0.0');
    assert.strictEqual(j.findings[0].path, `force-app/main/default/classes/Evil${ESC}.cls`);
    assert.strictEqual(j.findings[0].line, 2);
    const s = toSarif(input(), { rules: [], toolVersion: '1.0.0' });
    assert.strictEqual(s.runs[0].results.length, 2);
    assert.ok(Object.values(s.runs[0].results[0].partialFingerprints)[0].length > 0);
  });

  it('CLI error texts: a configuration error quoting a token or an escape sequence shows neither', async () => {
    const root = tempProject({ '.apiguard.json': JSON.stringify({ rules: { [GITHUB]: 'error', [`x${ESC}`]: 'warn' } }) });
    try {
      const io = recordingIO(root);
      assert.strictEqual(await main(['scan'], io), 2);
      assert.match(io.stderr, /configuration error/);
      assert.deepStrictEqual(leaks(io.stderr, GITHUB), [], io.stderr);
      // eslint-disable-next-line no-control-regex
      assert.strictEqual(io.stderr.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g), null, JSON.stringify(io.stderr));
    } finally { removeProject(root); }
  });

  it('apiguard scan / fix on a file whose name holds escape sequences: text output shows them as text', async () => {
    const evil = `Evil\u001b]0;owned\u0007\u001b[2J`;
    const root = tempProject({
      'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' }),
      [`force-app/main/default/classes/${evil}.cls`]: `public class Evil {\n    public static void go() {\n        HttpRequest req = new HttpRequest();\n        req.setEndpoint('https://api.example.com/v1/x');\n        new Http().send(req);\n    }\n}\n`,
    });
    try {
      for (const argv of [['scan', '--fail-on', 'never'], ['fix', '--dry-run'], ['fix']]) {
        const io = recordingIO(root);
        await main(argv, io);
        assert.ok(io.stdout.includes('Evil\\x1b]0;owned\\x07\\x1b[2J'), `${argv.join(' ')}: ${io.stdout}`);
        // eslint-disable-next-line no-control-regex
        assert.strictEqual((io.stdout + io.stderr).match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g), null, `${argv.join(' ')}: ${JSON.stringify(io.stdout + io.stderr)}`);
      }
    } finally { removeProject(root); }
  });
});

