import * as assert from 'assert';
import { Engine } from '../../src/core/engine';
import { defineRule } from '../../src/core/rule';

const literalRule = defineRule({
  meta: { id: 'no-foo', type: 'problem', defaultSeverity: 'warning', description: 'no foo', kinds: ['env', 'text'],
    messages: { found: 'Found {{what}}.' } },
  check(ctx) {
    const i = ctx.file.text.indexOf('foo');
    if (i >= 0) { ctx.report({ messageId: 'found', data: { what: 'foo' }, range: ctx.file.lines.rangeOf(i, i + 3) }); }
  },
});
const throwingRule = defineRule({
  meta: { id: 'boom', type: 'problem', defaultSeverity: 'error', description: 'fails', kinds: ['env'], messages: {} },
  check() { throw new Error('kaput'); },
});

describe('Engine', () => {
  const engine = new Engine([literalRule, throwingRule]);

  it('reports with the message template filled and a 0-based range', () => {
    const r = engine.lint('/p/.env', 'A=1\nB=foo\n');
    assert.strictEqual(r.findings.length, 1);
    assert.deepStrictEqual(r.findings[0].range, { start: { line: 1, character: 2 }, end: { line: 1, character: 5 } });
    assert.strictEqual(r.findings[0].message, 'Found foo.');
    assert.strictEqual(r.findings[0].severity, 'warning');
  });

  it('a failing rule leaves a note and the other rules still run', () => {
    const r = engine.lint('/p/.env', 'foo');
    assert.strictEqual(r.findings.length, 1);
    assert.ok(r.notes.some(n => n.code === 'internal-error' && /boom/.test(n.message)));
  });

  it('applies severity overrides and off', () => {
    assert.strictEqual(engine.lint('/p/.env', 'foo', { rules: { 'no-foo': 'error' } }).findings[0].severity, 'error');
    assert.strictEqual(engine.lint('/p/.env', 'foo', { rules: { 'no-foo': 'off' } }).findings.length, 0);
  });

  it('notes empty and binary files instead of failing', () => {
    assert.strictEqual(engine.lint('/p/.env', '').notes[0].code, 'empty');
    assert.strictEqual(engine.lint('/p/.env', 'foo\0\0bar').notes[0].code, 'binary');
  });

  it('ignores files of kinds it does not read', () => {
    assert.deepStrictEqual(engine.lint('/p/logo.png', 'foo').findings, []);
  });
});
