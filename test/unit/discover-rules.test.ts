import * as assert from 'assert';
import path from 'node:path';
import ignore from 'ignore';
import { compileRules, discoverFiles } from '../../src/node/discover';
import { removeProject, tempProject } from './helpers/project';

/**
 * The walk tests ignore rules with `compileRules` (the last matching rule decides, parents known not
 * ignored) instead of `ignore`'s `ignores()`. These tests hold it to `ignores()` itself: same answers
 * for every path whose parent folders `ignores()` does not ignore (the only paths the walk asks about).
 */

/** gitignore patterns covering git's semantics: negation, dir-only `/`, `**`, anchored, classes, escapes, case. */
const PATTERNS = [
  '*.log', '!keep.log', 'build/', '!build/', '/build', 'build', 'docs/**', '!docs/**/*.md', '**/lwc/jsconfig.json',
  '**/tmp', '**/.sf/', '**/*.md', '!**/keep.log', '**/a?c/', '**/', '**/**', '**/*', '***/x', '**/.*', '**/*/', 'tmp/', '!tmp/', 'a/*', '/a/b/', 'a/**/c', 'a/b', '*', '!*.cls', '!*/', '.*', '.sfdx/', 'src',
  '[Dd]esktop.ini', 'x[!y]z', 'x[^y]z', 'x[.-0]z', 'x[a-c]/', 'f\\*o', '\\!bang', '\\#hash', 'trailing  ', 'esc\\ ', '?.txt', '**foo',
  'foo**', '*.CLS', '!A.cls', 'deep/**/', '/root.json', 'nested/x.json', '$RECYCLE.BIN/', 'a?c/', '# comment', '',
];

/** Paths (folders end with `/`) of a small tree; every parent folder is listed before its children. */
const PATHS = [
  'build/', 'build/out.log', 'build/keep.log', 'build/A.cls', 'keep.log', 'x.log', 'A.cls', 'B.cls', 'a.cls', 'root.json',
  'docs/', 'docs/readme.md', 'docs/api/', 'docs/api/x.md', 'docs/api/x.txt', 'a/', 'a/b/', 'a/b/c/', 'a/b/c/d.cls', 'a/c/',
  'a/c/e.cls', 'a/b.json', 'a/xyz/', 'a/xyz/Desktop.ini', 'a/xaz/', 'a/xaz/f*o', 'a/xaz/fxo', 'tmp/', 'tmp/t.cls',
  'src/', 'src/tmp/', 'src/tmp/x.cls', 'src/lwc/', 'src/lwc/jsconfig.json', 'src/lwc/other.json', 'src/desktop.ini',
  '.sfdx/', '.sfdx/c.json', '.hidden', '!bang', '#hash', 'trailing', 'esc ', 'b.txt', 'bb.txt', 'xfoo', 'foobar/',
  'foobar/z.cls', 'deep/', 'deep/q/', 'deep/q/r.cls', 'nested/', 'nested/x.json', 'other/', 'other/nested/',
  'other/nested/x.json', '$RECYCLE.BIN/', '$RECYCLE.BIN/z.cls', 'abc/', 'abc/z.cls', 'x/', 'x/y/', 'x/y/z',
  'xyz', 'xzz', 'x/yz', 'x/z', 'a/x/z', 'xaz/', 'xaz/1.cls',
];

/** A small deterministic generator, so a failure names a seed that reproduces it. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function answers(ig: ReturnType<typeof ignore>): Array<[string, boolean, boolean]> {
  const rules = compileRules(ig);
  const out: Array<[string, boolean, boolean]> = [];
  for (const p of PATHS) {
    const isDir = p.endsWith('/');
    const relPath = isDir ? p.slice(0, -1) : p;
    const parents = relPath.split('/').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('/') + '/');
    if (parents.some(q => ig.ignores(q))) { continue; }
    out.push([p, ig.ignores(p), rules.ignores(relPath, relPath.slice(relPath.lastIndexOf('/') + 1), isDir)]);
  }
  return out;
}

describe('discover: ignore rules tested without re-testing parent folders', () => {
  it('uses the rules `ignore` compiled (the fast path), not a fallback', () => {
    const rules = compileRules(ignore({ allowRelativePaths: true }).add('*.log\n!keep.log\n/build/\n'));
    assert.strictEqual(rules.fast, true, 'the installed `ignore` keeps its rules differently: update compileRules');
    assert.strictEqual(rules.empty, false);
    assert.strictEqual(compileRules(ignore().add('# only a comment\n\n')).empty, true);
    assert.strictEqual(compileRules(ignore().add([])).empty, true);
  });

  it('falls back to ignores() (folders with their trailing slash) when the rules are kept differently', () => {
    const asked: string[] = [];
    const other = { ignores: (p: string) => { asked.push(p); return p === 'x/' || p === 'a/b.cls'; } } as unknown as ReturnType<typeof ignore>;
    const rules = compileRules(other);
    assert.strictEqual(rules.fast, false);
    assert.deepStrictEqual([rules.ignores('x', 'x', true), rules.ignores('x', 'x', false), rules.ignores('a/b.cls', 'b.cls', false)], [true, false, true]);
    assert.deepStrictEqual(asked, ['x/', 'x', 'a/b.cls']);
  });

  it('each pattern alone answers as ignore().ignores() does', () => {
    for (const pattern of PATTERNS) {
      for (const [p, expected, actual] of answers(ignore({ allowRelativePaths: true }).add(pattern))) {
        assert.strictEqual(actual, expected, `pattern ${JSON.stringify(pattern)}, path ${p}`);
      }
    }
  });

  it('1,500 random rule files (negations after matches, dir-only, anchored, **) answer as ignore().ignores() does', () => {
    let compared = 0;
    let ignoredSeen = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const rand = prng(seed);
      const lines = Array.from({ length: 1 + Math.floor(rand() * 7) }, () => PATTERNS[Math.floor(rand() * PATTERNS.length)]);
      for (const [p, expected, actual] of answers(ignore({ allowRelativePaths: true }).add(lines.join('\n')))) {
        assert.strictEqual(actual, expected, `seed ${seed}, rules ${JSON.stringify(lines)}, path ${p}`);
        compared++;
        if (expected) { ignoredSeen++; }
      }
    }
    // The comparison covered both answers, many times.
    assert.ok(compared > 50000 && ignoredSeen > 10000 && compared - ignoredSeen > 10000, `${compared} compared, ${ignoredSeen} ignored`);
  });

  describe('on disk: nested .gitignore files with negations keep the same files', () => {
    let root: string;
    before(() => {
      root = tempProject({
        '.gitignore': '*.txt\n!keep.txt\nbuild/\n/out/\n**/lwc/jsconfig.json\n',
        '.forceignore': 'force-app/**/Ignored*.cls\n!force-app/**/IgnoredButKept.cls\n',
        'keep.txt': 'x\n', 'drop.txt': 'x\n',
        'build/x.json': '{}\n', 'out/x.json': '{}\n', 'src/out/y.json': '{}\n',
        'force-app/main/default/classes/IgnoredA.cls': 'public class IgnoredA {}\n',
        'force-app/main/default/classes/IgnoredButKept.cls': 'public class IgnoredButKept {}\n',
        'force-app/main/default/classes/A.cls': 'public class A {}\n',
        'force-app/main/default/lwc/jsconfig.json': '{}\n',
        'force-app/main/default/lwc/c/c.js': 'x\n',
        'sub/.gitignore': '# nested rules apply below sub/ only\n*.json\n!important.json\nlib/\n!/lib2/\n/anchored.cls\n',
        'sub/a.json': '{}\n', 'sub/important.json': '{}\n', 'sub/deeper/b.json': '{}\n', 'sub/deeper/important.json': '{}\n',
        'sub/lib/z.cls': 'x\n', 'sub/lib2/z.cls': 'x\n', 'sub/anchored.cls': 'x\n', 'sub/deeper/anchored.cls': 'x\n',
        'sub/empty/.gitignore': '# nothing but a comment\n',
        'sub/empty/e.cls': 'x\n',
        'a.json': '{}\n',
      });
    });
    after(() => removeProject(root));

    it('finds exactly the files git\'s rules keep', async () => {
      const files = (await discoverFiles(root, { exclude: ['!never-matches', 'src/out/'] })).map(f => path.relative(root, f).split(path.sep).join('/'));
      assert.deepStrictEqual(files, [
        'a.json',
        'force-app/main/default/classes/A.cls',
        'force-app/main/default/classes/IgnoredButKept.cls',
        'force-app/main/default/lwc/c/c.js',
        'keep.txt',
        'sub/deeper/anchored.cls',
        'sub/deeper/important.json',
        'sub/empty/e.cls',
        'sub/important.json',
        'sub/lib2/z.cls',
      ]);
    });
  });
});
