import * as assert from 'assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeProject, SFDX_PROJECT, tempProject } from './helpers/project';
import { commitAll, gitIn, initRepo, writeFiles } from './helpers/git';

/*
 * The pre-commit hook entry and the GitHub Action's script, run as they are shipped, offline, on
 * throwaway git repositories; `apiguard` is the compiled CLI (out/src/cli/main.js) behind a PATH shim.
 */
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const mainJs = path.join(repoRoot, 'out', 'src', 'cli', 'main.js');
const CLS = 'force-app/main/default/classes/Payments.cls';
const SECRET_CLASS = `public with sharing class Payments {\n    private static final String API_PASSWORD = 'hunter2!x';\n}\n`;
const CLEAN_CLASS = `public with sharing class Payments {\n    private static final String API_PASSWORD_SETTING = 'Payments_Password__c';\n}\n`;
const GIT_ENV = { GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

describe('where teams run it: pre-commit hook and GitHub Action (offline)', function () {
  this.timeout(60000);
  let root: string;
  let bin: string;
  beforeEach(() => {
    root = tempProject({});
    bin = path.join(root, '.bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'apiguard'), `#!/bin/sh\nexec "${process.execPath}" "${mainJs}" "$@"\n`);
    chmodSync(path.join(bin, 'apiguard'), 0o755);
    initRepo(root);
    writeFiles(root, { 'sfdx-project.json': SFDX_PROJECT, '.gitignore': '.bin/\n', [CLS]: CLEAN_CLASS });
    commitAll(root, 'base');
  });
  afterEach(() => removeProject(root));
  const env = (extra: Record<string, string> = {}) => ({ ...process.env, ...GIT_ENV, PATH: `${bin}:${process.env.PATH ?? ''}`, ...extra });

  it('.pre-commit-hooks.yaml: each entry scans the staged content and blocks the commit of a secret', () => {
    const yaml = readFileSync(path.join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8');
    const hooks = [...yaml.matchAll(/^- id: (\S+)[\s\S]*?^ {2}entry: (.+)$[\s\S]*?^ {2}pass_filenames: (\w+)/gm)].map(m => ({ id: m[1], entry: m[2], pass: m[3] }));
    assert.deepStrictEqual(hooks.map(h => h.id), ['apiguard', 'apiguard-system']);
    for (const h of hooks) {
      assert.strictEqual(h.pass, 'false', 'pre-commit must not append file names: the hook reads the index itself');
      writeFiles(root, { [CLS]: SECRET_CLASS });
      gitIn(root, 'add', CLS);
      // The work tree no longer has the secret, the index does: the hook must still refuse.
      writeFiles(root, { [CLS]: CLEAN_CLASS });
      const blocked = spawnSync('sh', ['-c', h.entry], { cwd: root, env: env(), encoding: 'utf8' });
      assert.strictEqual(blocked.status, 1, `${h.id}: ${blocked.stdout}${blocked.stderr}`);
      assert.match(blocked.stdout, /Payments\.cls:2:\d+ error hardcoded-credential/);
      assert.ok(!blocked.stdout.includes('hunter2'), 'the secret is not printed');
      gitIn(root, 'add', CLS);
      const ok = spawnSync('sh', ['-c', h.entry], { cwd: root, env: env(), encoding: 'utf8' });
      assert.strictEqual(ok.status, 0, `${h.id}: ${ok.stdout}${ok.stderr}`);
    }
    // Installed as a plain git hook (husky / simple-git-hooks do the same): git commit is refused.
    writeFileSync(path.join(root, '.git', 'hooks', 'pre-commit'), `#!/bin/sh\n${hooks[0].entry}\n`);
    chmodSync(path.join(root, '.git', 'hooks', 'pre-commit'), 0o755);
    writeFiles(root, { [CLS]: SECRET_CLASS });
    gitIn(root, 'add', CLS);
    const commit = spawnSync('git', ['commit', '-q', '-m', 'add password'], { cwd: root, env: env(), encoding: 'utf8' });
    assert.notStrictEqual(commit.status, 0, 'the commit is refused');
    assert.strictEqual(gitIn(root, 'log', '--oneline').trim().split('\n').length, 1);
  });

  const action = (inputs: Record<string, string>) => {
    const out = path.join(root, 'github_output.txt');
    writeFileSync(out, '');
    const r = spawnSync('bash', [path.join(repoRoot, 'scripts', 'action.sh')], {
      cwd: root, encoding: 'utf8',
      env: env({ APIGUARD_CLI: `${process.execPath} ${mainJs}`, GITHUB_OUTPUT: out, GITHUB_ACTION_PATH: repoRoot, ...inputs }),
    });
    return { code: r.status, stdout: r.stdout, outputs: readFileSync(out, 'utf8') };
  };
  const sarifPaths = (file: string) => (JSON.parse(readFileSync(path.join(root, file), 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string; baselineState?: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> })
    .runs[0].results.map(r => `${r.locations[0].physicalLocation.artifactLocation.uri}${r.baselineState ? `:${r.baselineState}` : ''}`);

  it('action.yml passes every input to scripts/action.sh, which writes SARIF, sets outputs and fails on findings', () => {
    const yml = readFileSync(path.join(repoRoot, 'action.yml'), 'utf8');
    const inputs = [...yml.slice(yml.indexOf('inputs:'), yml.indexOf('outputs:')).matchAll(/^ {2}([a-z-]+):$/gm)].map(m => m[1]);
    assert.deepStrictEqual(inputs, ['paths', 'fail-on', 'baseline', 'changed', 'sarif-file']);
    for (const i of inputs) { assert.ok(yml.includes(`INPUT_${i.toUpperCase().replace(/-/g, '_')}: \${{ inputs.${i} }}`), `input ${i} reaches the script`); }
    assert.match(yml, /using: composite/);

    writeFiles(root, { [CLS]: SECRET_CLASS });
    const r = action({ INPUT_PATHS: '.', INPUT_FAIL_ON: 'error', INPUT_SARIF_FILE: 'out.sarif' });
    assert.strictEqual(r.code, 1, r.stdout);
    assert.deepStrictEqual(sarifPaths('out.sarif'), [CLS]);
    assert.match(r.outputs, /^sarif-file=out\.sarif\nexit-code=1\n$/);
    assert.match(r.stdout, /::error::API Guard found problems at or above error/);
    assert.strictEqual(action({ INPUT_FAIL_ON: 'never', INPUT_SARIF_FILE: 'out.sarif' }).code, 0);
  });

  it('the action with a baseline fails only on new findings, and with changed scans only what the branch touched', () => {
    writeFiles(root, { [CLS]: SECRET_CLASS });
    const up = spawnSync('apiguard', ['scan', '--update-baseline'], { cwd: root, env: env(), encoding: 'utf8' });
    assert.strictEqual(up.status, 0, up.stderr);
    commitAll(root, 'legacy password, baselined');
    let r = action({ INPUT_BASELINE: '.apiguard-baseline.json', INPUT_SARIF_FILE: 'b.sarif' });
    assert.strictEqual(r.code, 0, r.stdout);
    assert.deepStrictEqual(sarifPaths('b.sarif'), [`${CLS}:unchanged`]);

    gitIn(root, 'checkout', '-q', '-b', 'feature');
    writeFiles(root, { '.env': 'DB_PASSWORD=Tr0ub4dor&3x\n' });
    commitAll(root, 'env');
    r = action({ INPUT_CHANGED: 'main', INPUT_SARIF_FILE: 'c.sarif' });
    assert.strictEqual(r.code, 1);
    assert.deepStrictEqual(sarifPaths('c.sarif'), ['.env'], 'Payments.cls did not change on the branch');
    // changed: true in a pull request compares with origin/<base>.
    gitIn(root, 'update-ref', 'refs/remotes/origin/main', 'main');
    r = action({ INPUT_CHANGED: 'true', GITHUB_BASE_REF: 'main', INPUT_SARIF_FILE: 'd.sarif' });
    assert.deepStrictEqual(sarifPaths('d.sarif'), ['.env']);
    r = action({ INPUT_CHANGED: 'no-such-ref', INPUT_SARIF_FILE: 'e.sarif' });
    assert.strictEqual(r.code, 2);
    assert.match(r.stdout, /::error::API Guard could not check the project \(exit 2\)/);
  });
});
