import * as assert from 'assert';
import { chmodSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { run as fix } from '../../src/cli/commands/fix';
import { applyPlan, encodeFile } from '../../src/node/applyPlan';
import { decodeText } from '../../src/node/decode';
import type { FixPlan } from '../../src/core/fix/types';
import { recordingIO, removeProject, tempProject } from './helpers/project';

const SFDX = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], name: 'acme', sourceApiVersion: '62.0' });
const CLASSES = 'force-app/main/default/classes';

const klass = (name: string, comment: string) => `public with sharing class ${name} {
    // ${comment}
    public static String ping() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.partner-erp.com/v2/ping');
        req.setMethod('GET');
        return new Http().send(req).getBody();
    }
}
`;

/** Every file under root → its bytes. */
function snapshot(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) { out.set(path.relative(root, p) + '/', Buffer.alloc(0)); walk(p); } else { out.set(path.relative(root, p), readFileSync(p)); }
    }
  };
  walk(root);
  return out;
}

describe('apiguard fix: all-or-nothing, encoding and line endings kept', () => {
  const roots: string[] = [];
  afterEach(() => { while (roots.length) { removeProject(roots.pop()!); } });
  const project = (files: Record<string, string | Buffer>) => { const r = tempProject({ 'sfdx-project.json': SFDX, ...files }); roots.push(r); return r; };

  it('a Latin-1 (windows-1252) class stays Latin-1: accents and 0x80-0x9F bytes round-trip, no replacement characters', async () => {
    const latin = Buffer.from(klass('Facture', 'Créé par l\'équipe Ü – «façade»'), 'latin1');
    latin[latin.indexOf(0x96)] = 0x96;   // windows-1252 en dash (0x96) survives as a byte
    const root = project({ [`${CLASSES}/Facture.cls`]: latin });
    const io = recordingIO(root);
    assert.strictEqual(await fix([], io), 0, io.stdout + io.stderr);
    const after = readFileSync(path.join(root, CLASSES, 'Facture.cls'));
    assert.ok(!after.includes(Buffer.from([0xef, 0xbf, 0xbd])), 'no U+FFFD written');
    assert.ok(after.includes(Buffer.from('// Créé par l\'équipe Ü ', 'latin1')), after.toString('latin1'));
    assert.ok(after.includes(Buffer.from("req.setEndpoint('callout:", 'latin1')));
    assert.strictEqual(decodeText(after).encoding, 'latin1');
  });

  it('scan and fix read bytes with one decoder: a UTF-8 BOM before invalid UTF-8 is Latin-1 after the BOM, so the fix lands where the scan found and every byte survives', async () => {
    // "é" as UTF-8 (2 bytes) before the endpoint on its line, and a lone windows-1252 byte (0xE9) elsewhere:
    // the file is not valid UTF-8. The scan read it as UTF-8 with U+FFFD (é one character), fix as Latin-1
    // (é two characters): the edit landed one column early and cut the quote.
    const text = klass('Mixed', 'caf\u00e9 (windows-1252)').replace("        req.setEndpoint(", "        /* \u00c3\u00a9 */ req.setEndpoint(");
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'latin1')]);
    assert.deepStrictEqual(decodeText(bytes), { text, encoding: 'latin1-bom' });
    assert.deepStrictEqual(encodeFile(text, 'latin1-bom'), bytes);
    const root = project({ [`${CLASSES}/Mixed.cls`]: bytes });
    const io = recordingIO(root);
    assert.strictEqual(await fix([], io), 0, io.stdout + io.stderr);
    const after = readFileSync(path.join(root, CLASSES, 'Mixed.cls'));
    assert.deepStrictEqual(after.subarray(0, 3), Buffer.from([0xef, 0xbb, 0xbf]), 'BOM kept');
    assert.ok(after.includes(Buffer.from("        /* \u00c3\u00a9 */ req.setEndpoint('callout:", 'latin1')), after.toString('latin1'));
    assert.ok(after.includes(Buffer.from('// caf\u00e9 (windows-1252)', 'latin1')), 'the Latin-1 byte is untouched');
    assert.strictEqual(decodeText(after).encoding, 'latin1-bom');
  });

  it('a UTF-8 file with a BOM keeps its BOM; a CRLF file stays CRLF', async () => {
    const root = project({
      [`${CLASSES}/Bom.cls`]: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(klass('Bom', 'naïve ✓'), 'utf8')]),
      [`${CLASSES}/Crlf.cls`]: klass('Crlf', 'windows').replace(/\n/g, '\r\n').replace('api.partner-erp.com', 'api.other-erp.com'),
    });
    const io = recordingIO(root);
    assert.strictEqual(await fix([], io), 0, io.stdout + io.stderr);
    const bom = readFileSync(path.join(root, CLASSES, 'Bom.cls'));
    assert.deepStrictEqual([...bom.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.ok(bom.toString('utf8').includes('naïve ✓') && bom.toString('utf8').includes('callout:'));
    const crlf = readFileSync(path.join(root, CLASSES, 'Crlf.cls'), 'utf8');
    assert.ok(crlf.includes('callout:') && !/[^\r]\n/.test(crlf), JSON.stringify(crlf));
  });

  it('a folder that cannot be created (a file stands in its place): nothing is written, every planned change is listed, exit 2', async () => {
    const root = project({
      [`${CLASSES}/A.cls`]: klass('A', 'a'), [`${CLASSES}/B.cls`]: klass('B', 'b').replace('partner-erp', 'billing-erp'),
      'force-app/main/default/externalCredentials': 'not a folder',
    });
    const before = snapshot(root);
    const io = recordingIO(root);
    assert.strictEqual(await fix([], io), 2, io.stdout + io.stderr);
    assert.deepStrictEqual(snapshot(root), before, 'the project is unchanged');
    assert.match(io.stderr, /externalCredentials.*cannot create/);
    assert.match(io.stderr, /nothing was changed/i);
    for (const f of ['classes/A.cls', 'classes/B.cls', 'namedCredentials/']) { assert.ok(io.stderr.includes(f), `${f} listed\n${io.stderr}`); }
  });

  it('a read-only class (not as root, who may write anyway): nothing is written, exit 2', async function () {
    if (process.getuid?.() === 0) { this.skip(); }
    const root = project({ [`${CLASSES}/A.cls`]: klass('A', 'a'), [`${CLASSES}/B.cls`]: klass('B', 'b').replace('partner-erp', 'billing-erp') });
    chmodSync(path.join(root, CLASSES, 'B.cls'), 0o444);
    const before = snapshot(root);
    const io = recordingIO(root);
    assert.strictEqual(await fix([], io), 2, io.stdout + io.stderr);
    assert.deepStrictEqual(snapshot(root), before);
    assert.match(io.stderr, /B\.cls: cannot write/);
  });

  it('a write that fails half-way is rolled back: edited files restored byte for byte, created files and folders removed, deletions undone', async () => {
    const root = project({ 'x/a.txt': 'alpha\r\n', 'x/b.txt': Buffer.from('b\xe9ta\n', 'latin1'), 'x/gone.txt': 'delete me\n' });
    const before = snapshot(root);
    const at = (p: string) => path.join(root, p);
    const plan: FixPlan = {
      title: 't', notes: [],
      edits: [{ path: at('x/a.txt'), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } }, newText: 'ALPHA' },
        { path: at('x/b.txt'), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, newText: 'B' }],
      creates: [{ path: at('new/deep/c.xml'), content: '<c/>\n' }, { path: at('x/d.txt'), content: 'd\n' }],
      deletes: [{ path: at('x/gone.txt'), reason: 'unused' }],
    };
    for (let failAt = 0; failAt <= 4; failAt++) {
      const res = await applyPlan(plan, { beforeCommit: (_p, i) => { if (i === failAt) { throw Object.assign(new Error('disk full'), { code: 'ENOSPC' }); } } });
      assert.strictEqual(res.ok, false);
      assert.deepStrictEqual(res.rollbackFailed, []);
      assert.deepStrictEqual(snapshot(root), before, `failure at commit ${failAt}: project restored`);
    }
    const ok = await applyPlan(plan);
    assert.ok(ok.ok, JSON.stringify(ok.problems));
    assert.strictEqual(readFileSync(at('x/a.txt'), 'utf8'), 'ALPHA\r\n');
    assert.deepStrictEqual(readFileSync(at('x/b.txt')), Buffer.from('B\xe9ta\n', 'latin1'));
    assert.ok(existsSync(at('new/deep/c.xml')) && !existsSync(at('x/gone.txt')));
    assert.deepStrictEqual(readdirSync(at('x')).filter(f => f.endsWith('.tmp')), [], 'no temp file left');
  });

  it('decodeText/encodeFile round-trip every byte of a non-UTF-8 file; a Latin-1 file refuses a character it cannot hold', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_v, i) => i));
    const d = decodeText(all);
    assert.strictEqual(d.encoding, 'latin1');
    assert.deepStrictEqual(encodeFile(d.text, d.encoding), all);
    assert.throws(() => encodeFile('✓', 'latin1'), /U\+2713/);
  });
});
