// Time and peak RSS of the worst inputs of issue #14, each linted in its own process.
//   npm run compile && node bench/hostile.mjs [case ...]
// Cases: header-5000 (one Authorization header from 5,000 literals, 25 KB), doubling-40 (h = h + h, 40 times),
// uses-4000 (a 200-literal header read at 4,000 call sites), garbage-400k (400 KB of invalid UTF-8 as .cls),
// creds-100k (100,000 credential lines in a .properties file), tokens-20k (20,000 GitHub tokens in a .env),
// chain-6000 (6,000 methods calling each other in a chain, 310 KB).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(here, '..', 'out', 'src');

if (process.argv[2] === '--child') {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const { createEngine } = require(path.join(out, 'node/createEngine.js'));
  const { fakeToken, ALNUM } = require(path.join(out, 'core/secrets/entropy.js'));
  const name = process.argv[3];
  let file = '/p/force-app/main/default/classes/Big.cls', text = '';
  const header = (lits, uses) => {
    let s = "public class Big {\n  public static void go() {\n    HttpRequest req = new HttpRequest();\n    String h = 'Basic '";
    for (let i = 0; i < lits; i++) { s += ` + 'x${i}'`; }
    s += ';\n';
    for (let i = 0; i < uses; i++) { s += "    req.setHeader('Authorization', h);\n"; }
    return s + '  }\n}\n';
  };
  if (name === 'header-5000') { text = header(5000, 1); }
  else if (name === 'uses-4000') { text = header(200, 4000); }
  else if (name === 'doubling-40') {
    text = "public class D {\n  public static void go() {\n    HttpRequest req = new HttpRequest();\n    String h0 = 'Bearer x';\n";
    for (let i = 1; i <= 40; i++) { text += `    String h${i} = h${i - 1} + h${i - 1};\n`; }
    text += "    req.setHeader('Authorization', h40);\n  }\n}\n";
  } else if (name === 'garbage-400k') {
    let seed = 42; const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const buf = Buffer.alloc(400 * 1024);
    for (let i = 0; i < buf.length; i++) { buf[i] = rnd() < 0.3 ? 0xff : 0x20 + Math.floor(rnd() * 90); }
    const { decodeText } = require(path.join(out, 'node/decode.js'));
    text = decodeText(buf).text;
  } else if (name === 'creds-100k') {
    file = '/p/config/app.properties';
    const l = []; for (let i = 0; i < 100000; i++) { l.push(`user${i}.password=Zk${fakeToken(`p${i}`, 10, ALNUM)}!`); }
    text = l.join('\n') + '\n';
  } else if (name === 'tokens-20k') {
    file = '/p/config/tokens.env';
    const l = []; for (let i = 0; i < 20000; i++) { l.push(`TOKEN_${i}=ghp_${fakeToken(`t${i}`, 36, ALNUM)}`); }
    text = l.join('\n') + '\n';
  } else if (name === 'chain-6000') {
    // 6,000 methods, each calling the next, from one with a callout: the member pre-check's links, one member per round.
    text = "public class Chain {\n    public void m0() { HttpRequest r = new HttpRequest(); r.setEndpoint('http://x.example.com'); m1(); }\n";
    for (let i = 1; i < 6000; i++) { text += `    public void m${i}() { Integer a = ${i}; m${i + 1}(); }\n`; }
    text += '}\n';
  } else { console.error(`unknown case ${name}`); process.exit(2); }
  const engine = await createEngine();
  const t0 = performance.now();
  const r = engine.lint(file, text);
  const ms = performance.now() - t0;
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ case: name, kb: Math.round(text.length / 1024), ms: Math.round(ms), peakRssMb: Math.round(rss), findings: r.findings.length, notes: r.notes.map(n => n.code) }));
  process.exit(0);
}

const cases = process.argv.slice(2).length ? process.argv.slice(2) : ['header-5000', 'doubling-40', 'uses-4000', 'garbage-400k', 'creds-100k', 'tokens-20k', 'chain-6000'];
console.log('case           KB   lint ms   peak RSS MB   findings  notes');
for (const c of cases) {
  try {
    const line = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', c], { encoding: 'utf8', timeout: 600_000 }).trim().split('\n').pop();
    const r = JSON.parse(line);
    console.log(`${r.case.padEnd(14)} ${String(r.kb).padStart(4)} ${String(r.ms).padStart(9)} ${String(r.peakRssMb).padStart(13)} ${String(r.findings).padStart(10)}  ${r.notes.join(',')}`);
  } catch (e) { console.log(`${c.padEnd(14)} failed or timed out: ${e.message.split('\n')[0]}`); }
}
