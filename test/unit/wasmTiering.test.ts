import * as assert from 'assert';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { removeProject, S3_UPLOADER, SFDX_PROJECT, tempProject } from './helpers/project';
import { commitAll, gitIn, initRepo } from './helpers/git';

// Short runs (a pre-commit hook, a pull request's files, the added lines of history) parse a few
// kilobytes: V8 optimising the grammar's lexer (about 0.4-1.1 s of CPU, and the process waits for it
// before it exits) costs them more than it could ever save.
const repo = path.resolve(__dirname, '../../..');
const cli = path.join(repo, 'out/src/cli/main.js');

function turbofanLines(cwd: string, args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--trace-wasm-compilation-times', cli, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.ok(r.status === 0 || r.status === 1, `apiguard ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  assert.ok(/using Liftoff/.test(r.stdout), 'the grammar was compiled (the trace shows it)');
  return r.stdout.split('\n').filter(l => /using TurboFan/.test(l));
}

describe('WebAssembly tiering in the CLI', function () {
  this.timeout(60000);
  let root: string;
  before(() => {
    root = tempProject({ 'sfdx-project.json': SFDX_PROJECT, 'force-app/main/default/classes/S3Uploader.cls': S3_UPLOADER });
    initRepo(root);
    commitAll(root, 'first');
    gitIn(root, 'mv', 'force-app/main/default/classes/S3Uploader.cls', 'force-app/main/default/classes/S3Uploader2.cls');
  });
  after(() => removeProject(root));

  it('scan --staged and history keep the grammar on the baseline compiler (no TurboFan compile)', () => {
    assert.deepStrictEqual(turbofanLines(root, ['scan', '--staged', '--format', 'json', '--fail-on', 'never']), []);
    assert.deepStrictEqual(turbofanLines(root, ['history', '--format', 'json']), []);
  });
});
