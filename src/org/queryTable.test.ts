import * as assert from 'assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { queryTable } from './queryTable';
import { QUERIES } from './plan';
import { CHECKS } from './checks';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('docs/org-queries.md: the queries per check with their request cost', () => {
  it('the committed table is the generator output (regenerate: node scripts/org-queries.mjs > docs/org-queries.md)', () => {
    assert.strictEqual(readFileSync(path.join(ROOT, 'docs', 'org-queries.md'), 'utf8'), queryTable());
  });

  it('names every query and every check, and the query batches fit the budget', () => {
    const t = queryTable();
    for (const q of QUERIES) { assert.ok(t.includes(`| \`${q.key}\` |`), q.key); }
    for (const c of CHECKS) { assert.ok(t.includes(`| \`${c.id}\` |`), c.id); }
    const composites = new Set(t.match(/Composite (data|tooling) #\d+/g)).size;
    assert.strictEqual(composites, Math.ceil(QUERIES.filter(q => q.api === 'data').length / 5) + Math.ceil(QUERIES.filter(q => q.api === 'tooling').length / 5));
    assert.ok(composites + 5 <= 15, 'Composite requests plus the five other base reads fit in 15');
  });
});
