import * as assert from 'assert';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run as history } from '../../src/cli/commands/history';
import { run as scan } from '../../src/cli/commands/scan';
import { GitError } from '../../src/node/git';
import { apexAround, APEX_WINDOW, headerPath, scanHistory } from '../../src/node/history';
import type { Engine } from '../../src/core/engine';
import { createEngine } from '../../src/node/createEngine';
import { recordingIO, removeProject, SFDX_PROJECT, tempProject } from './helpers/project';
import { commitAll, gitIn, initRepo, writeFiles } from './helpers/git';

const CLS = 'force-app/main/default/classes/Payments.cls';
const body = (extra: string) => `public with sharing class Payments {\n    public static void go() {\n        HttpRequest req = new HttpRequest();\n${extra}        req.setMethod('POST');\n    }\n}\n`;
const TOKEN = 'sk_live_51HdWEkJtq0xYbZ1mN7pQ3rS';
const PASSWORD = 'Tr0ub4dor&3x';

interface J { summary: { commits: number; secrets: number; inHead: number }; findings: Array<{ ruleId: string; path: string; line: number; commit: string; date: string; inHead: boolean }> }

describe('apiguard history', function () {
  this.timeout(60000);
  let engine: Engine;
  let root: string;
  const ids: string[] = [];
  before(async () => {
    engine = await createEngine();
    root = tempProject({});
    initRepo(root);
    writeFiles(root, { 'sfdx-project.json': SFDX_PROJECT, [CLS]: body('') });
    ids.push(commitAll(root, 'start', '2024-01-01T10:00:00+00:00'));
    writeFiles(root, { [CLS]: body(`        req.setHeader('Authorization', 'Bearer ${TOKEN}');\n`) });
    ids.push(commitAll(root, 'add token', '2024-02-01T10:00:00+00:00'));
    writeFiles(root, { [CLS]: body('        req.setHeader(\'Authorization\', \'Bearer \' + Vault.token());\n') });
    ids.push(commitAll(root, 'remove token', '2024-03-01T10:00:00+00:00'));
    writeFiles(root, { '.env': `DB_USER=app\nDB_PASSWORD=${PASSWORD}\n`, 'docs/notes.txt': 'nothing here\n' });
    ids.push(commitAll(root, 'env', '2024-04-01T10:00:00+00:00'));
    // Ignored from now on, but committed: history must still look at it.
    writeFiles(root, { '.gitignore': '.env\n', '.forceignore': '.env\n' });
    // The same token again, in another file: still one secret, introduced by the second commit.
    writeFiles(root, { 'scripts/old.js': `const headers = { Authorization: 'Bearer ${TOKEN}' };\n` });
    ids.push(commitAll(root, 'again', '2024-05-01T10:00:00+00:00'));
    gitIn(root, 'rm', '-q', 'scripts/old.js');
    ids.push(commitAll(root, 'drop again', '2024-06-01T10:00:00+00:00'));
  });
  after(() => removeProject(root));
  const cli = async (args: string[], cwd = root) => {
    const io = recordingIO(cwd);
    const code = await history(args, io, { engine });
    return { code, out: io.stdout, err: io.stderr };
  };

  it('reports each secret once, at the commit that added it, with date, line and whether HEAD still has it', async () => {
    const r = await cli(['--format', 'json']);
    assert.strictEqual(r.code, 1, r.err);
    const j = JSON.parse(r.out) as J;
    assert.strictEqual(j.summary.commits, 6);
    assert.deepStrictEqual(j.findings.map(f => [f.path, f.line, f.commit, f.date.slice(0, 10), f.inHead]), [
      [CLS, 4, ids[1], '2024-02-01', false],
      ['.env', 2, ids[3], '2024-04-01', true],
    ]);
    assert.ok(!r.out.includes(TOKEN.slice(4)) && !r.out.includes(PASSWORD), 'no secret in the output');
  });

  it('text: one line per secret, no secret value; exit 0 when nothing is found; --since and --max-commits', async () => {
    const r = await cli([]);
    const lines = r.out.trim().split('\n');
    assert.strictEqual(lines.length, 3, r.out);
    assert.match(lines[0], new RegExp(`^${ids[1].slice(0, 12)} 2024-02-01T10:00:00\\+00:00 ${CLS}:4:\\d+ error \\S+ .*\\[removed, but still in history\\]$`));
    assert.match(lines[1], /^\S+ 2024-04-01\S* \.env:2:\d+ error hardcoded-credential .*\[still in HEAD\]$/);
    assert.match(lines[2], /^✖ 2 secrets in the history of 6 commits \(1 still in HEAD\), .*Rotate each one/);
    assert.ok(!r.out.includes(PASSWORD) && !r.out.includes(TOKEN.slice(4)));
    const since = JSON.parse((await cli(['--since', ids[2], '--format', 'json'])).out) as J;
    assert.strictEqual(since.summary.commits, 3);
    // The token's reappearance in commit 5 is its first appearance in this range.
    assert.deepStrictEqual(since.findings.map(f => [f.path, f.commit]), [['.env', ids[3]], ['scripts/old.js', ids[4]]]);
    const last = await cli(['--max-commits', '1']);
    assert.strictEqual(last.code, 0);
    assert.match(last.out, /^✔ no secrets in the added lines of 1 commit, /);
  });

  it('SARIF carries commit, date and inHead, and is valid enough for upload', async () => {
    const r = await cli(['--format', 'sarif']);
    const log = JSON.parse(r.out) as { runs: Array<{ results: Array<{ ruleId: string; properties: { commit: string; inHead: boolean }; partialFingerprints: Record<string, string> }> }> };
    assert.deepStrictEqual(log.runs[0].results.map(x => [x.properties.commit, x.properties.inHead]), [[ids[1], false], [ids[3], true]]);
    assert.ok(log.runs[0].results.every(x => /^[0-9a-f]{64}:0$/.test(Object.values(x.partialFingerprints)[0])));
  });

  it('not a git repository, an unknown ref, bad options: exit 2 with a clear message', async () => {
    const plain = tempProject({ 'a.txt': 'x' });
    try {
      const r = await cli([], plain);
      assert.strictEqual(r.code, 2);
      assert.match(r.err, /^apiguard history: .* is not inside a git repository\n$/);
    } finally { removeProject(plain); }
    const ref = await cli(['--since', 'nope']);
    assert.deepStrictEqual([ref.code, ref.err], [2, 'apiguard history: unknown git ref "nope"\n']);
    const n = await cli(['--max-commits', '0']);
    assert.strictEqual(n.code, 2);
    assert.match(n.err, /--max-commits must be a positive whole number/);
  });

  it('sees a secret written in a merge resolution (in neither parent), at the merge commit and the right line', async () => {
    const repo = tempProject({});
    try {
      initRepo(repo);
      writeFiles(repo, { 'config/app.env': 'A=1\nMODE=plain\nC=3\n' });
      commitAll(repo, 'start', '2024-01-01T10:00:00+00:00');
      gitIn(repo, 'checkout', '-q', '-b', 'topic');
      writeFiles(repo, { 'config/app.env': 'A=1\nMODE=topic\nC=3\n' });
      commitAll(repo, 'topic', '2024-01-02T10:00:00+00:00');
      gitIn(repo, 'checkout', '-q', 'main');
      writeFiles(repo, { 'config/app.env': 'A=1\nMODE=main\nC=3\nD=4\n' });
      commitAll(repo, 'main', '2024-01-03T10:00:00+00:00');
      try { gitIn(repo, 'merge', '-q', 'topic'); } catch { /* the conflict is the point */ }
      // The resolution keeps neither side's line and adds a password: only the merge commit holds it.
      writeFiles(repo, { 'config/app.env': `A=1\nMODE=both\nC=3\nD=4\nDB_PASSWORD=${PASSWORD}\n` });
      const merge = commitAll(repo, 'merge topic', '2024-01-04T10:00:00+00:00');
      assert.strictEqual(gitIn(repo, 'rev-list', '--parents', '-n', '1', 'HEAD').trim().split(' ').length, 3, 'a real merge commit');
      const r = await cli(['--format', 'json'], repo);
      assert.strictEqual(r.code, 1, r.err + r.out);
      const j = JSON.parse(r.out) as J;
      assert.deepStrictEqual(j.findings.map(f => [f.path, f.line, f.commit, f.inHead]), [['config/app.env', 5, merge, true]]);
    } finally { removeProject(repo); }
  });

  it('reads C-quoted and space-padded file names (spaces, tabs, quotes, non-ASCII) instead of skipping them', async () => {
    const repo = tempProject({});
    try {
      initRepo(repo);
      const names = ['with space.env', 'tab\there.env', 'quote"d.env', 'été/naïve.env'];
      writeFiles(repo, Object.fromEntries(names.map((n, i) => [n, `USER=app\nDB_PASSWORD=${PASSWORD}${i}\n`])));
      commitAll(repo, 'odd names', '2024-01-01T10:00:00+00:00');
      for (const quotePath of ['true', 'false']) {
        gitIn(repo, 'config', 'core.quotePath', quotePath);
        const j = JSON.parse((await cli(['--format', 'json'], repo)).out) as J;
        assert.deepStrictEqual(j.findings.map(f => [f.path, f.line]).sort(), names.map(n => [n, 2]).sort(), `core.quotePath=${quotePath}`);
      }
    } finally { removeProject(repo); }
  });

  it('decodes each file\'s added lines as the scan decodes the file (Latin-1 bytes stay accents; UTF-8 stays UTF-8)', async () => {
    const repo = tempProject({});
    try {
      initRepo(repo);
      // Not valid UTF-8: the scan reads it as Latin-1, so the finding shows "\u00e9t\u00e9T…", not U+FFFD.
      writeFileSync(path.join(repo, 'latin1.env'), Buffer.concat([Buffer.from('USER=app\nDB_PASSWORD='), Buffer.from([0xe9, 0x74, 0xe9]), Buffer.from('Tr0ub4dor&3x\n')]));
      writeFileSync(path.join(repo, 'utf8.env'), 'USER=app\nDB_PASSWORD=\u00f1and\u00fa-Tr0ub4dor&3x\n');
      commitAll(repo, 'encodings', '2024-01-01T10:00:00+00:00');
      const h = JSON.parse((await cli(['--format', 'json'], repo)).out) as { findings: Array<{ path: string; message: string }> };
      const io = recordingIO(repo);
      await scan(['--format', 'json', '--fail-on', 'never'], io, { engine });
      const s = JSON.parse(io.stdout) as { findings: Array<{ path: string; message: string }> };
      const byPath = (fs: Array<{ path: string; message: string }>) => fs.map(f => [f.path, f.message]).sort();
      assert.deepStrictEqual(byPath(h.findings), byPath(s.findings));
      assert.ok(h.findings.some(f => f.message.includes('\u00e9t\u00e9T')), JSON.stringify(h.findings));
      assert.ok(h.findings.some(f => f.message.includes('\u00f1and')), JSON.stringify(h.findings));
    } finally { removeProject(repo); }
  });

  it('a large added class is linted around its candidate lines only, with the same findings at the same lines', async () => {
    const repo = tempProject({});
    try {
      initRepo(repo);
      const filler = (from: number, n: number) => Array.from({ length: n }, (_v, i) => `        Map<Id, Account> byKey${from + i} = new Map<Id, Account>(rows); for (Id key : byKey${from + i}.keySet()) { total += 1; }\n`).join('');
      const cls = 'force-app/main/default/classes/Big.cls';
      const text = 'public with sharing class Big {\n    public static void run(List<Account> rows) {\n        Integer total = 0;\n' + filler(0, 300) +
        `        String apiKey = '${TOKEN}';\n` + filler(300, 300) +
        '        /* old settings:\n' + filler(600, 40) + `        token = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'\n        */\n` + filler(640, 300) +
        `        // backup key AKIAIOSFODNN7EXAMPLQ\n` + filler(940, 300) + '    }\n}\n';
      writeFiles(repo, { [cls]: text });
      commitAll(repo, 'big', '2024-01-01T10:00:00+00:00');
      const lines = text.split('\n');
      const at = (needle: string) => lines.findIndex(l => l.includes(needle)) + 1;
      const j = JSON.parse((await cli(['--format', 'json'], repo)).out) as J;
      const got = j.findings.map(f => f.line).sort((a, b) => a - b);
      // Linting the whole text gives the same lines: the window changes the cost, not the answer.
      const whole = engine.lint(path.join(repo, cls), text, { includeTests: true }).findings.filter(f => ['hardcoded-secret', 'hardcoded-credential'].includes(f.ruleId));
      assert.deepStrictEqual(got, [...new Set(whole.map(f => f.range.start.line + 1))].sort((a, b) => a - b));
      assert.ok(got.includes(at('String apiKey')), JSON.stringify(j.findings));
      // The filler lines say "key" but hold no literal: blank, except near a line that counts, and the comment's ends.
      const kept = apexAround(lines)!.split('\n');
      assert.strictEqual(kept.length, lines.length, 'line numbers stay');
      assert.strictEqual(kept.filter(Boolean).length <= 4 * (2 * APEX_WINDOW + 1) + 2, true, `${kept.filter(Boolean).length} lines kept`);
      assert.ok(kept[at('/* old settings') - 1] && kept[at('        */') - 1], 'block comment ends kept');
      assert.strictEqual(apexAround(filler(0, 50).split('\n')), undefined, 'no literal near a credential word: nothing to lint');
    } finally { removeProject(repo); }
  });

  it('headerPath decodes every quoting git writes (octal bytes of core.quotePath, escapes, the TAB after a spaced name)', () => {
    assert.strictEqual(headerPath('"b/\\303\\251t\\303\\251.env"'), 'b/été.env');
    assert.strictEqual(headerPath('"b/a\\\\b\\"c\\td\\n.env"'), 'b/a\\b"c\td\n.env');
    assert.strictEqual(headerPath('b/with space.env\t'), 'b/with space.env');
    assert.strictEqual(headerPath('"b/😀 x.env"'), 'b/😀 x.env');
    assert.strictEqual(headerPath('/dev/null'), '/dev/null');
  });

  it('a git that hangs is killed after the timeout: a GitError saying so, exit 2', async () => {
    // A git on the PATH whose "log" never answers; every other command is the real git.
    const bin = mkdtempSync(path.join(os.tmpdir(), 'apiguard-git-'));
    const real = gitIn(root, '--exec-path').trim() + '/git';
    writeFileSync(path.join(bin, 'git'), `#!/bin/sh\nfor a in "$@"; do [ "$a" = "$APIGUARD_TEST_HANG" ] && exec sleep 30; done\nexec "${real}" "$@"\n`);
    chmodSync(path.join(bin, 'git'), 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
    process.env.APIGUARD_TEST_HANG = 'log';
    try {
      const t0 = Date.now();
      await assert.rejects(scanHistory({ top: root, engine, timeoutMs: 500 }), (e: unknown) => e instanceof GitError && /git log produced no output for 0\.5 s/.test(e.message));
      assert.ok(Date.now() - t0 < 5000, 'killed, not waited for');
      const io = recordingIO(root);
      const code = await history([], io, { engine, timeoutMs: 500 });
      assert.strictEqual(code, 2);
      assert.match(io.stderr, /^apiguard history: git log produced no output for 0\.5 s .*\n$/);
      // The HEAD check after the log (the repository has secrets, so it runs) has its limit too.
      process.env.APIGUARD_TEST_HANG = 'grep';
      await assert.rejects(scanHistory({ top: root, engine, timeoutMs: 500 }), (e: unknown) => e instanceof GitError && /git grep timed out after 1 s/.test(e.message));
    } finally { process.env.PATH = savedPath; delete process.env.APIGUARD_TEST_HANG; removeProject(bin); }
  });
});
