#!/usr/bin/env node
// CLI start-up, from the production bundle (npm run build first): a bare `node` as the floor,
// `apiguard --version` (module load), `apiguard scan` of a one-class project on one thread (module
// load + WASM runtime + grammar + one lint), a scan of 60 small classes on a two-worker pool (wall and
// CPU of the whole process tree: in pool mode only the workers load the grammar), and in-process the
// grammar load itself, twice (the second call must cost nothing: the grammar is compiled once per
// process). Medians of --reps runs. Prints JSON.
//   node bench/startup.mjs [--reps 7] [--cli other/dist/cli.js]   (--cli: another build, for before/after)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cliAt = process.argv.indexOf('--cli');
const cli = cliAt > 0 ? path.resolve(process.argv[cliAt + 1]) : path.join(path.dirname(here), 'dist', 'cli.js');
const repsAt = process.argv.indexOf('--reps');
const reps = repsAt > 0 ? Number(process.argv[repsAt + 1]) : 7;
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const wall = args => { const t0 = performance.now(); const r = spawnSync(process.execPath, args, { encoding: 'utf8' }); if (r.status !== 0 && r.status !== 1) { throw new Error(r.stderr); } return performance.now() - t0; };

const proj = mkdtempSync(path.join(os.tmpdir(), 'apiguard-startup-'));
mkdirSync(path.join(proj, 'force-app/main/default/classes'), { recursive: true });
writeFileSync(path.join(proj, 'sfdx-project.json'), '{"packageDirectories":[{"path":"force-app","default":true}]}');
writeFileSync(path.join(proj, 'force-app/main/default/classes/Probe.cls'),
  "public class Probe {\n    public static void go(HttpRequest req) {\n        req.setEndpoint('https://api.example.com/v1');\n    }\n}\n");
// 60 classes: enough for two pool workers (scan.ts MIN_FILES_PER_WORKER), each class with one callout.
const pooled = mkdtempSync(path.join(os.tmpdir(), 'apiguard-startup-pool-'));
mkdirSync(path.join(pooled, 'force-app/main/default/classes'), { recursive: true });
writeFileSync(path.join(pooled, 'sfdx-project.json'), '{"packageDirectories":[{"path":"force-app","default":true}]}');
for (let i = 0; i < 60; i++) {
  writeFileSync(path.join(pooled, `force-app/main/default/classes/Probe${i}.cls`),
    `public class Probe${i} {\n    public static void go(HttpRequest req) {\n        req.setEndpoint('https://api${i}.example.com/v1');\n    }\n}\n`);
}
/** Wall and CPU (user + system of the process and its threads) in ms, by GNU time. */
const timedCpu = args => {
  const r = spawnSync('/usr/bin/time', ['-f', '__TIME__ %e %U %S', process.execPath, ...args], { encoding: 'utf8' });
  const m = /__TIME__ ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  if (!m) { throw new Error(r.stderr); }
  return { wall: Number(m[1]) * 1000, cpu: (Number(m[2]) + Number(m[3])) * 1000 };
};
const grammarProbe = `const { initApexParser } = require(${JSON.stringify(path.join(path.dirname(here), 'out/src/core/apex/parser.js'))});
const { locateApexAssets } = require(${JSON.stringify(path.join(path.dirname(here), 'out/src/node/assets.js'))});
(async () => { const a = locateApexAssets(${JSON.stringify(path.dirname(cli))}); let t = performance.now(); await initApexParser(a); const first = performance.now() - t;
  t = performance.now(); await initApexParser(a); console.log(JSON.stringify({ first, second: performance.now() - t })); })();`;

const samples = { nodeBare: [], cliVersion: [], cliScanOneFile: [], cliScanPool60Files: [], cliScanPool60FilesCpu: [], grammarFirst: [], grammarSecond: [] };
for (let i = 0; i < reps; i++) {                                  // interleaved, so load changes hit all alike
  samples.nodeBare.push(wall(['-e', '']));
  samples.cliVersion.push(wall([cli, '--version']));
  samples.cliScanOneFile.push(wall([cli, 'scan', proj, '--jobs', '1', '--fail-on', 'never', '--format', 'json']));
  const p = timedCpu([cli, 'scan', pooled, '--jobs', '2', '--fail-on', 'never', '--format', 'json']);
  samples.cliScanPool60Files.push(p.wall); samples.cliScanPool60FilesCpu.push(p.cpu);
  const g = JSON.parse(spawnSync(process.execPath, ['-e', grammarProbe], { encoding: 'utf8' }).stdout);
  samples.grammarFirst.push(g.first); samples.grammarSecond.push(g.second);
}
rmSync(proj, { recursive: true, force: true });
rmSync(pooled, { recursive: true, force: true });
const out = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k + 'Ms', +median(v).toFixed(1)]));
out.cliModuleLoadMs = +(out.cliVersionMs - out.nodeBareMs).toFixed(1);
out.loadavg = os.loadavg().map(x => +x.toFixed(2));
out.cores = os.availableParallelism?.() ?? os.cpus().length;
console.log(JSON.stringify(out));
