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

describe('Engine: per-finding severity', () => {
  const graded = defineRule({
    meta: { id: 'graded', type: 'problem', defaultSeverity: 'warning', description: 'graded findings', kinds: ['env'],
      messages: { big: 'Big one found here.', small: 'Small one found here.' } },
    check(ctx) {
      ctx.report({ messageId: 'big', range: ctx.file.lines.rangeOf(0, 1), severity: 'error' });
      ctx.report({ messageId: 'small', range: ctx.file.lines.rangeOf(2, 3) });
    },
  });
  const engine = new Engine([graded]);

  it('a rule may raise one finding above its default', () => {
    assert.deepStrictEqual(engine.lint('/p/.env', 'a=b').findings.map(f => f.severity), ['error', 'warning']);
  });
  it('the user-set level wins over the rule\'s per-finding severity', () => {
    assert.deepStrictEqual(engine.lint('/p/.env', 'a=b', { rules: { graded: 'info' } }).findings.map(f => f.severity), ['info', 'info']);
  });
});

describe('fileKindOf', () => {
  it('reads Metadata API format custom metadata (.md in customMetadata/) as XML, Markdown as text', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { fileKindOf } = require('../../src/core/fileKind') as typeof import('../../src/core/fileKind');
    assert.strictEqual(fileKindOf('/p/src/customMetadata/Api_Setting.Default.md'), 'xml');
    assert.strictEqual(fileKindOf('/p/docs/README.md'), 'text');
  });
});

describe('Engine: a rule that yields to a more precise one', () => {
  const precise = defineRule({
    meta: { id: 'precise', type: 'problem', defaultSeverity: 'error', description: 'precise finding', kinds: ['env'],
      messages: { hit: 'Precise finding here.' } },
    check(ctx) { const i = ctx.file.text.indexOf('sk_'); if (i >= 0) { ctx.report({ messageId: 'hit', range: ctx.file.lines.rangeOf(i, i + 10) }); } },
  });
  const general = defineRule({
    meta: { id: 'general', type: 'problem', defaultSeverity: 'error', description: 'general finding', kinds: ['env'],
      yieldsTo: ['precise'], messages: { hit: 'General finding here.' } },
    check(ctx) {
      for (const m of ctx.file.text.matchAll(/=(\S+)/g)) { ctx.report({ messageId: 'hit', range: ctx.file.lines.rangeOf(m.index + 1, m.index + m[0].length) }); }
    },
  });
  const engine = new Engine([precise, general]);
  const text = 'KEY=sk_1234567\nPASSWORD=hunter22\n';

  it('drops the general finding where the precise rule reported, keeps it elsewhere', () => {
    assert.deepStrictEqual(engine.lint('/p/.env', text).findings.map(f => [f.ruleId, f.range.start.line]), [['precise', 0], ['general', 1]]);
  });
  it('keeps both general findings when the precise rule is off', () => {
    assert.deepStrictEqual(engine.lint('/p/.env', text, { rules: { precise: 'off' } }).findings.map(f => [f.ruleId, f.range.start.line]), [['general', 0], ['general', 1]]);
  });
  it('reads credential files such as .npmrc and id_rsa', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { fileKindOf } = require('../../src/core/fileKind') as typeof import('../../src/core/fileKind');
    assert.strictEqual(fileKindOf('/home/u/project/.npmrc'), 'properties');
    assert.strictEqual(fileKindOf('/p/keys/id_ed25519'), 'pem');
    assert.strictEqual(fileKindOf('/p/keys/id_ed25519.pub'), undefined);
  });
});
