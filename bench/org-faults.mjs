// Exit code, time and request count of `apiguard org` under every fault class the fake org can inject.
// Usage: npm run compile && node bench/org-faults.mjs [--quick]   (--quick: skip the two runs that wait
// for the default 30 s request timeout). Prints a Markdown table.
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
const require = createRequire(import.meta.url);
const { startFakeOrg, ENDPOINT } = require('../out/test/fake-org/server.js');
const { run } = require('../out/src/cli/commands/org.js');
const quick = process.argv.includes('--quick');

const CASES = [
  ['healthy: careless (fails found)', 'careless', []],
  ['healthy: no-shield (clean)', 'no-shield', []],
  ['limited user: no-view-setup', 'no-view-setup', []],
  ['reset mid-body, REST composite', 'careless', [{ path: ENDPOINT.data, kind: 'reset-mid-body', times: 1 }]],
  ['reset, /limits', 'careless', [{ path: ENDPOINT.limits, kind: 'reset' }]],
  ['reset, SOAP readMetadata', 'careless', [{ path: ENDPOINT.soap, kind: 'reset' }]],
  ['reset, Tooling composite', 'careless', [{ path: ENDPOINT.tooling, kind: 'reset', times: 1 }]],
  ['truncated SOAP readMetadata', 'hardened', [{ path: ENDPOINT.soap, kind: 'truncate' }]],
  ['HTTP 500 everywhere', 'careless', [{ path: ENDPOINT.any, kind: 'status-500' }]],
  ['HTML 503 maintenance page everywhere', 'careless', [{ path: ENDPOINT.any, kind: 'html-503' }]],
  ['rate limit (REQUEST_LIMIT_EXCEEDED)', 'careless', [{ path: ENDPOINT.any, kind: 'rate-limit' }]],
  ['API disabled', 'careless', [{ path: ENDPOINT.any, kind: 'api-disabled' }]],
  ['garbage bodies', 'careless', [{ path: ENDPOINT.any, kind: 'garbage' }]],
  ['QUERY_TIMEOUT (400), /limits', 'no-shield', [{ path: ENDPOINT.limits, kind: 'query-timeout' }]],
  ['MALFORMED_QUERY (400), Tooling composite', 'no-shield', [{ path: ENDPOINT.tooling, kind: 'malformed-query', times: 1 }]],
  ['HTML login page, status 200', 'careless', [{ path: ENDPOINT.any, kind: 'html-200' }]],
  ['TLS: self-signed certificate', 'careless', [], { tls: true }],
  ['connection refused', 'careless', [], { closed: true }],
  ['/tooling/composite 404', 'careless', [{ path: ENDPOINT.tooling, kind: 'not-found' }]],
  ['no Composite at all (404)', 'careless', [{ path: ENDPOINT.tooling, kind: 'not-found' }, { path: ENDPOINT.data, kind: 'not-found' }]],
  ['older org (newest API 58.0)', 'careless', [], { maxApiVersion: '58.0' }],
  ['401 forever, refresh configured', 'hardened', [{ path: ENDPOINT.any, kind: 'always-401' }], { refresh: true }],
  ['HTML token response', 'hardened', [{ path: ENDPOINT.token, kind: 'html-200' }], { refresh: true }],
  ['token endpoint 500, empty body', 'hardened', [{ path: ENDPOINT.token, kind: 'empty-500' }], { refresh: true }],
  ['silent server (accepts, never answers), defaults', 'careless', [{ path: ENDPOINT.any, kind: 'hang' }], { slow: true }],
  ['silent token endpoint, defaults', 'hardened', [{ path: ENDPOINT.token, kind: 'hang' }], { refresh: true, slow: true }],
];

console.log('| Fault | Exit | Time | Requests seen by the org | Message (first line of stderr) |');
console.log('|---|---|---|---|---|');
for (const [name, fixture, faults, o = {}] of CASES) {
  if (quick && o.slow) { continue; }
  const fake = await startFakeOrg(fixture, { faults, tls: o.tls, maxApiVersion: o.maxApiVersion });
  const env = { SF_ACCESS_TOKEN: fake.accessToken };
  if (o.refresh) { fake.expireAccessTokens(); Object.assign(env, { SF_REFRESH_TOKEN: fake.refreshToken, SF_CLIENT_ID: fake.clientId, SF_LOGIN_URL: fake.url }); }
  const url = fake.url;
  if (o.closed) { await fake.close(); }
  let err = '';
  const io = { isTTY: false, cwd: tmpdir(), env, out() {}, err(s) { err += s; } };
  const t0 = Date.now();
  const code = await run(['--instance-url', url, '--no-workspace'], io);
  const ms = Date.now() - t0;
  const seen = o.closed ? 0 : fake.requests.length;
  if (!o.closed) { await fake.close(); }
  const msg = (err.split('\n')[0] ?? '').replace(/\|/g, '\\|').replace(/http:\/\/127\.0\.0\.1:\d+/g, '<org>').slice(0, 150);
  console.log(`| ${name} | ${code} | ${(ms / 1000).toFixed(1)} s | ${seen} | ${msg} |`);
}
