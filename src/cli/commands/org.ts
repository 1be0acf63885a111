/**
 * `apiguard org`: inspects an org's API-security posture headless (for scheduled audits).
 * The org module (jsforce, @salesforce/core) is loaded only here, from dist/org.js in the bundle.
 */
import { existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { CliIO } from '../io';
import { parseArgs, UsageError } from '../args';
import { discoverFiles } from '../../node/discover';
import type * as OrgModule from '../../org/index';

const HELP = `Usage: apiguard org [--target-org ALIAS] [--instance-url URL] [--format text|json|markdown|html]
                    [--output FILE] [--fail-on fail|warn|never] [--project DIR] [--no-workspace]

Inspects the API security of a Salesforce org: OAuth and connected apps, MFA, IP restrictions,
encryption, password policy, credential rotation, API usage, Event Monitoring, Named Credentials
and audits (at most 15 API requests).

The org:
  default             the Salesforce CLI's target-org for the project (--project, default: cwd)
  --target-org ALIAS  another org the Salesforce CLI knows (alias or username)
  --instance-url URL  any org; the access token is read from the environment variable
                      SF_ACCESS_TOKEN (never from a flag). Optional refresh: SF_REFRESH_TOKEN,
                      SF_CLIENT_ID and SF_LOGIN_URL.

Options:
  --format     text (default), json, markdown or html
  --output     write the report to FILE instead of stdout
  --fail-on    exit 1 when a check has this status or worse: fail (default), warn, never
  --project    project folder: its CLI config and the Apex callouts compared with the org
  --no-workspace  do not scan the project's Apex for callout origins

Exit status: 0 no check at or above --fail-on, 1 some, 2 usage, connection or session error.`;

/** dist/org.js beside dist/cli.js; out/src/org/index.js when run from the compiled tree. */
export function loadOrgModule(): typeof OrgModule {
  // In the compiled tree this very file is out/src/cli/commands/org.js: never load it as the org module.
  const bundled = path.join(__dirname, 'org.js');
  const target = path.basename(__filename) !== 'org.js' && existsSync(bundled) ? bundled : path.join(__dirname, '..', '..', 'org', 'index.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(target) as typeof OrgModule;
}

export async function workspaceOrigins(projectDir: string, calloutOrigins: (text: string) => string[]): Promise<string[] | undefined> {
  if (!existsSync(path.join(projectDir, 'sfdx-project.json'))) { return undefined; }
  const files = (await discoverFiles(projectDir)).filter(f => /\.(cls|trigger)$/i.test(f)).slice(0, 20_000);
  const out = new Set<string>();
  for (const f of files) {
    const abs = path.isAbsolute(f) ? f : path.join(projectDir, f);
    try {
      const st = await fsp.stat(abs);
      if (st.size > 2_000_000) { continue; }
      for (const o of calloutOrigins(await fsp.readFile(abs, 'utf8'))) { out.add(o); }
    } catch { /* unreadable file: skip */ }
  }
  return [...out].sort();
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  let opts: Record<string, string | boolean>;
  try {
    const p = parseArgs(argv, {
      'target-org': { value: true, alias: 'o' }, 'instance-url': { value: true },
      format: { value: true, choices: ['text', 'json', 'markdown', 'html'], alias: 'f' }, output: { value: true },
      'fail-on': { value: true, choices: ['fail', 'warn', 'never'] }, project: { value: true }, 'no-workspace': {},
      help: { alias: 'h' }, 'access-token': { value: true },
    });
    if (p.positional.length) { throw new UsageError(`unexpected argument "${p.positional[0]}"`); }
    opts = p.options;
  } catch (e) {
    if (e instanceof UsageError) { io.err(`apiguard org: ${e.message}\n\n${HELP}\n`); return 2; }
    throw e;
  }
  if (opts.help) { io.out(HELP + '\n'); return 0; }
  if (opts['access-token'] !== undefined) {
    io.err('apiguard org: tokens are never accepted as flags (they show in process lists); set SF_ACCESS_TOKEN instead.\n');
    return 2;
  }
  if (opts['target-org'] && opts['instance-url']) { io.err('apiguard org: use either --target-org or --instance-url\n'); return 2; }
  const format = (opts.format as OrgModule.ReportFormat | undefined) ?? 'text';
  const failOn = (opts['fail-on'] as string | undefined) ?? 'fail';
  const projectDir = path.resolve(io.cwd, typeof opts.project === 'string' ? opts.project : '.');

  const org = loadOrgModule();
  let conn: Parameters<typeof org.inspectOrg>[0];
  let alias: string | undefined, username: string | undefined;
  try {
    if (typeof opts['instance-url'] === 'string') {
      const accessToken = io.env.SF_ACCESS_TOKEN;
      if (!accessToken) { io.err('apiguard org: --instance-url needs the access token in the environment variable SF_ACCESS_TOKEN\n'); return 2; }
      conn = org.connectWithToken({
        instanceUrl: opts['instance-url'], accessToken,
        refreshToken: io.env.SF_REFRESH_TOKEN, clientId: io.env.SF_CLIENT_ID, loginUrl: io.env.SF_LOGIN_URL,
      });
    } else {
      const c = await org.connectCliOrg({ targetOrg: opts['target-org'] as string | undefined, projectDir });
      conn = c.conn; alias = c.alias; username = c.username;
    }
  } catch (e) {
    io.err(`apiguard org: ${org.errorText(e)}\n`);
    return 2;
  }

  const origins = opts['no-workspace'] ? undefined : await workspaceOrigins(projectDir, org.calloutOrigins).catch(() => undefined);
  let report: OrgModule.InspectionReport;
  try {
    report = await org.inspectOrg(conn, { alias, username, workspaceOrigins: origins });
  } catch (e) {
    const err = org.toOrgError(e);
    const hint = err.kind === 'session' ? ' (the session expired or was revoked: log in again, e.g. "sf org login web", or set a fresh SF_ACCESS_TOKEN)'
      : err.kind === 'network' ? ' (network failure: check the instance URL and your connection, then retry)' : '';
    io.err(`apiguard org: ${err.message}${hint}\n`);
    return 2;
  }
  const text = org.render(report, format, { color: io.isTTY && !opts.output && !io.env.NO_COLOR });
  if (typeof opts.output === 'string') {
    await fsp.writeFile(path.resolve(io.cwd, opts.output), text, 'utf8');
    io.err(`apiguard org: report written to ${opts.output} (${report.requests} API requests, ${report.durationMs} ms)\n`);
  } else {
    io.out(text);
  }
  const bad = report.checks.some(c => c.status === 'fail' || (failOn === 'warn' && c.status === 'warn'));
  return failOn !== 'never' && bad ? 1 : 0;
}
