// Keeps the registry, the rule folders, their docs and their tests in step (typescript-eslint's docs.test.ts idea).
import * as assert from 'assert';
import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { allRules } from '../../src/rules';

const repo = path.resolve(__dirname, '..', '..', '..');
const rulesDir = path.join(repo, 'src', 'rules');

function frontMatter(md: string): Record<string, string> {
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(md);
  const out: Record<string, string> = {};
  if (!m) { return out; }
  for (const line of m[1].split(/\r?\n/)) {
    const kv = /^(\w+):\s*(.*)$/.exec(line);
    if (kv) { out[kv[1]] = kv[2].replace(/^['"]|['"]$/g, ''); }
  }
  return out;
}

describe('rules meta', () => {
  it('registry lists every rule folder exactly once, sorted', () => {
    const folders = readdirSync(rulesDir, { withFileTypes: true })
      .filter(d => d.isDirectory() && existsSync(path.join(rulesDir, d.name, 'index.ts'))).map(d => d.name).sort();
    assert.deepStrictEqual(allRules.map(r => r.meta.id), folders);
  });

  for (const rule of allRules) {
    const id = rule.meta.id;
    describe(id, () => {
      const dir = path.join(rulesDir, id);
      it('has a kebab-case id, a description and a default severity', () => {
        assert.match(id, /^[a-z]+(-[a-z]+)*$/);
        assert.ok(rule.meta.description.length > 10, 'description too short');
        assert.ok(['error', 'warning', 'info'].includes(rule.meta.defaultSeverity));
        assert.ok(rule.meta.kinds.length > 0);
      });
      it('has docs.md with front matter matching meta and the required sections', () => {
        const file = path.join(dir, 'docs.md');
        assert.ok(existsSync(file), `${id}/docs.md missing`);
        const md = readFileSync(file, 'utf8');
        const fm = frontMatter(md);
        assert.strictEqual(fm.title, id, 'front matter title');
        assert.strictEqual(fm.description, rule.meta.description, 'front matter description must equal meta.description');
        assert.match(md, /^## Rule Details/m);
        assert.match(md, /❌ Incorrect/);
        assert.match(md, /✅ Correct/);
        assert.match(md, /^## When Not To Use It|<!-- Intentionally Omitted/m);
      });
      it('has tests beside it', () => {
        assert.ok(readdirSync(dir).some(f => f.endsWith('.test.ts')), `${id} has no *.test.ts`);
      });
      it('has at least one message and non-empty message texts', () => {
        const msgs = Object.entries(rule.meta.messages);
        assert.ok(msgs.length > 0, 'no messages');
        for (const [k, v] of msgs) { assert.ok(/^[a-z][A-Za-z0-9]*$/.test(k), `message id ${k} is not camelCase`); assert.ok(v.trim().length > 10, `message ${k} empty`); }
      });
    });
  }
});
