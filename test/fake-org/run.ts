/**
 * Runs a fake org until stdin closes or SIGTERM: `node out/test/fake-org/run.js careless`.
 * Prints one JSON line {url, accessToken, refreshToken, clientId} (fake credentials) for scripts
 * and the host tests, then request lines as they arrive when --log is given.
 */
import { startFakeOrg } from './server';

async function main(): Promise<void> {
  const name = process.argv[2] ?? 'careless';
  const org = await startFakeOrg(name);
  process.stdout.write(JSON.stringify({ url: org.url, accessToken: org.accessToken, refreshToken: org.refreshToken, clientId: org.clientId }) + '\n');
  const stop = () => { void org.close().then(() => process.exit(0)); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (process.argv.includes('--until-stdin-closes')) { process.stdin.on('end', stop); process.stdin.resume(); }
}
void main();
