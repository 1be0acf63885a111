import * as assert from 'assert';
import { createHash } from 'node:crypto';
import { LineIndex } from '../position';
import { sha256 } from '../sha256';
import type { Finding } from '../types';
import { fingerprintFindings, fingerprintHash } from './fingerprint';

/** One finding per line that contains `marker`, its range on `marker` (or on `rangeOn` when given). */
function fingerprintsOf(text: string, relPath: string, marker: string, rangeOn = marker, ruleId = 'hardcoded-credential'): string[] {
  const lines = new LineIndex(text);
  const findings: Finding[] = [];
  text.split('\n').forEach((l, line) => {
    if (!l.includes(marker)) { return; }
    const c = l.indexOf(rangeOn);
    findings.push({ ruleId, severity: 'error', message: 'm', path: '/p/' + relPath, range: { start: { line, character: c }, end: { line, character: c + rangeOn.length } } });
  });
  return fingerprintFindings(findings, lines, relPath);
}

describe('fingerprints', () => {
  it('sha256 agrees with node:crypto (ASCII, multi-byte, block boundaries)', () => {
    const samples = ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'x'.repeat(1000), 'héllo wörld ✓ 𝄞', '\u0000\n\r'];
    for (let i = 0; i < 130; i++) { samples.push(Array.from({ length: i }, (_, k) => String.fromCharCode(32 + ((k * 7 + i) % 90))).join('')); }
    for (const s of samples) { assert.strictEqual(sha256(s), createHash('sha256').update(s, 'utf8').digest('hex'), JSON.stringify(s)); }
  });

  // The #14 finding: a short password could be confirmed offline by hashing guesses of the flagged line.
  const cases: Array<[string, (v: string) => string, string]> = [
    ['classes/Api.cls', v => `public class Api {\n    String password = '${v}';\n}\n`, 'password ='],
    ['classes/Api.cls', v => `public class Api {\n    Integer pin = 0; // old pin ${v}\n}\n`, 'pin ='],
    ['lwc/x/x.js', v => `const config = { password: "${v}" };\n`, 'password:'],
    ['.env', v => `DB_USER=admin\nDB_PASSWORD=${v}\n`, 'DB_PASSWORD'],
    ['config/app.properties', v => `db.password = ${v}\n`, 'db.password'],
    ['config/app.yaml', v => `db:\n  password: ${v}\n`, 'password'],
    ['config/app.json', v => `{ "password": "${v}" }\n`, 'password'],
    ['objects/Cfg__mdt/records/Cfg.Default.md-meta.xml', v => `<values>\n    <field>Password__c</field>\n    <value xsi:type="xsd:string">${v}</value>\n</values>\n`, '<value '],
    ['scripts/deploy.sh', v => `export SF_PASSWORD=${v}\n`, 'SF_PASSWORD'],
  ];
  it('hold no secret: changing only the value (short passwords, any file kind) keeps the fingerprint, even when the range misses the value', () => {
    for (const [file, make, marker] of cases) {
      const guesses = ['hunter2', 'letmein', '1234', 'Summer2024!', 'p@ss:w0rd=x', 'AKIAIOSFODNN7EXAMPLE'];
      // The range is on the name only, so the masking of the line itself is what hides the value.
      const fps = guesses.map(g => fingerprintsOf(make(g), file, marker)[0]);
      assert.ok(fps[0], `${file}: one finding`);
      assert.deepStrictEqual(new Set(fps).size, 1, `${file}: ${fps.join(' ')}`);
      assert.match(fps[0], /^[0-9a-f]{64}:0$/);
    }
  });

  it('are stable under lines added above and re-indentation, and differ by rule, path and code', () => {
    const text = `public class Api {\n    String password = 'hunter2';\n}\n`;
    const moved = `// header\n\npublic class Api {\n    private Integer n = 3;\n\t\tString   password = 'hunter2';   \n}\n`;
    const [a] = fingerprintsOf(text, 'classes/Api.cls', 'password');
    assert.strictEqual(fingerprintsOf(moved, 'classes/Api.cls', 'password')[0], a);
    assert.notStrictEqual(fingerprintsOf(text, 'classes/Other.cls', 'password')[0], a);
    assert.notStrictEqual(fingerprintsOf(text, 'classes/Api.cls', 'password', 'password', 'hardcoded-secret')[0], a);
    assert.notStrictEqual(fingerprintsOf(text.replace('String password', 'String apiPassword'), 'classes/Api.cls', 'password')[0], a);
  });

  it('count identical shapes: a second identical credential line gets occurrence 1, and the same hash', () => {
    const fps = fingerprintsOf(`public class Api {\n    String password = 'a';\n    String password = 'b';\n}\n`, 'classes/Api.cls', 'password');
    assert.deepStrictEqual(fps.map(f => f.slice(-2)), [':0', ':1']);
    assert.strictEqual(fingerprintHash(fps[0]), fingerprintHash(fps[1]));
  });
});
