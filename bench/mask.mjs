#!/usr/bin/env node
/**
 * Cost of the one masking pass (src/core/redact.ts) on every output channel: formats a synthetic scan
 * of N findings (messages like the rules write, a tenth quoting a URL with a path token, a tenth with
 * hints) as text, JSON and SARIF, with the masking on (as shipped) and measures maskSecrets alone.
 * Needs `npm run compile` first. Usage: node bench/mask.mjs [findings=10000]; OUT=<other out/src/> for a baseline.
 */
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const out = process.env.OUT ?? new URL('../out/src/', import.meta.url).pathname;
const { formatText } = require(out + 'core/report/text.js');
const { toJsonReport } = require(out + 'core/report/json.js');
const { toSarif } = require(out + 'core/report/sarif.js');
let maskedInput = x => x, maskSecrets = x => x;
try { ({ maskedInput } = require(out + 'core/report/mask.js')); ({ maskSecrets } = require(out + 'core/redact.js')); } catch { console.log('(no masking module: baseline)'); }

const n = Number(process.argv[2] ?? 10000);
const range = { start: { line: 3, character: 4 }, end: { line: 3, character: 40 } };
const reports = [];
for (let f = 0; f < n / 10; f++) {
  const path = `/p/force-app/main/default/classes/Class${f}.cls`;
  const findings = [];
  for (let i = 0; i < 10; i++) {
    findings.push({
      ruleId: i % 2 ? 'callout-without-named-credential' : 'hardcoded-secret', severity: i % 2 ? 'warning' : 'error', path, range,
      message: i === 0 ? `Callout to https://hooks.slack.com uses a hardcoded endpoint: set the endpoint to 'callout:<NamedCredential>/services/T04ABCDEF12/B05GHIJKL34/x9Qz7LmN2pR4tV6wY8aC${f % 10}eG3'.`
        : `Hardcoded GitHub token 'ghp_…' (40 chars) in a string literal: move it to a Named Credential (External Credential principal).`,
      ...(i === 1 ? { hints: { origin: 'https://api.example.com', url: `https://api.example.com/v1/items?limit=${i}`, receiver: 'req' } } : {}),
    });
  }
  reports.push({ path, findings, notes: [] });
}
const input = { root: '/p', reports, filesScanned: n / 10, durationMs: 1 };
const time = (label, fn, reps = 3) => {
  fn();
  const t = [];
  for (let r = 0; r < reps; r++) { const s = process.hrtime.bigint(); fn(); t.push(Number(process.hrtime.bigint() - s) / 1e6); }
  t.sort((a, b) => a - b);
  console.log(`${label.padEnd(34)} ${t[Math.floor(t.length / 2)].toFixed(1).padStart(8)} ms (median of ${reps})`);
};
console.log(`${n} findings in ${n / 10} files`);
time('maskedInput (all messages + hints)', () => maskedInput(input));
time('formatText (masked, terminal-safe)', () => formatText(input));
time('toJsonReport (masked)', () => toJsonReport(input, '1'));
time('toSarif (masked)', () => toSarif(input, { rules: [], toolVersion: '1' }));
const diff = reports.flatMap(r => r.findings.map(f => `-        req.setEndpoint('${f.message.slice(0, 80)}');`)).join('\n');
time(`maskSecrets on a ${(diff.length / 1e6).toFixed(1)} MB diff`, () => maskSecrets(diff));
