/**
 * `apiguard org`: inspects an org's API-security posture headless (for scheduled audits).
 * The org module (jsforce, @salesforce/core) is loaded only here, from dist/org.js in the bundle.
 */
import { constants as fsConstants, existsSync, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { CliIO } from '../io';
import { parseArgs, UsageError } from '../args';
import { discoverFiles } from '../../node/discover';
import type * as OrgModule from '../../org/index';
import { connectOrg, loadOrgModule, seconds } from '../orgConnect';
import { DEFAULT_MIN_PERCENT, DEFAULT_REQUEST_TIMEOUT_S, DEFAULT_TOTAL_TIMEOUT_S } from '../../org/defaults';

const HELP = `Usage: apiguard org [--target-org ALIAS] [--instance-url URL] [--format text|json|markdown|html]
                    [--output FILE] [--fail-on fail|warn|never] [--project DIR] [--no-workspace]
                    [--request-timeout S] [--timeout S] [--min-checked PERCENT] [--usage-days N]

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
  --request-timeout S  give up on one request after S seconds, body included (default 30)
  --timeout S     give up on the whole inspection after S seconds (default 120)
  --min-checked PERCENT  exit 2 unless at least PERCENT of the checks (default 50) and half
                  the groups could be evaluated
  --usage-days N  API usage monitoring window: 1-14 days (default 7); 0 turns monitoring off
                  (its two checks are reported as skipped, not as a fault). Reads the
                  ApiTotalUsageEventLog object in the base requests, or downloads one
                  ApiTotalUsage log file per day (one request each).

Exit status: 0 every check read and none at or above --fail-on; 1 some at or above --fail-on;
2 usage, connection or session error, or an incomplete inspection: below the --min-checked
threshold, or any check lost to a fault (network, TLS, timeout, rate limit, server error,
malformed answer). Exit 2 wins over 1: the report is printed either way.`;

/** The --output target must be writable before the org is asked anything. */
async function checkOutput(file: string): Promise<string | undefined> {
  const dir = path.dirname(file);
  try {
    const st = await fsp.stat(file).catch(() => undefined);
    if (st?.isDirectory()) { return `${file} is a folder`; }
    const d = await fsp.stat(dir).catch(() => undefined);
    if (!d) { return `the folder ${dir} does not exist`; }
    if (!d.isDirectory()) { return `${dir} is not a folder`; }
    await fsp.access(st ? file : dir, fsConstants.W_OK);
    return undefined;
  } catch {
    return `${file} is not writable`;
  }
}

/** What to do about an inspection that could not run, by failure class. */
const HINTS: Partial<Record<OrgModule.OrgErrorKind, string>> = {
  session: ' (log in again, e.g. "sf org login web", or set a fresh SF_ACCESS_TOKEN; with SF_REFRESH_TOKEN check SF_CLIENT_ID and SF_LOGIN_URL)',
  network: ' (network failure: check the instance URL and your connection, then retry)',
  tls: ' (TLS failure: check the instance URL; behind a TLS-inspecting proxy set NODE_EXTRA_CA_CERTS to its CA certificate)',
  timeout: ' (timeout: retry, or raise --request-timeout / --timeout)',
  'rate-limit': ' (the org\'s API request limit is reached: retry later)',
  server: ' (Salesforce server error: retry later)',
  malformed: ' (the answer was not what the Salesforce API sends: check the instance URL and any proxy)',
};

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
  let requestTimeout = DEFAULT_REQUEST_TIMEOUT_S, totalTimeout = DEFAULT_TOTAL_TIMEOUT_S, minPercent = DEFAULT_MIN_PERCENT;
  try {
    const p = parseArgs(argv, {
      'target-org': { value: true, alias: 'o' }, 'instance-url': { value: true },
      format: { value: true, choices: ['text', 'json', 'markdown', 'html'], alias: 'f' }, output: { value: true },
      'fail-on': { value: true, choices: ['fail', 'warn', 'never'] }, project: { value: true }, 'no-workspace': {},
      help: { alias: 'h' }, 'access-token': { value: true },
      'request-timeout': { value: true }, timeout: { value: true }, 'min-checked': { value: true }, 'usage-days': { value: true },
    });
    if (p.positional.length) { throw new UsageError(`unexpected argument "${p.positional[0]}"`); }
    opts = p.options;
    requestTimeout = seconds(opts['request-timeout'], 'request-timeout', DEFAULT_REQUEST_TIMEOUT_S, 3600);
    totalTimeout = seconds(opts.timeout, 'timeout', DEFAULT_TOTAL_TIMEOUT_S, 86_400);
    minPercent = opts['min-checked'] === undefined ? DEFAULT_MIN_PERCENT : Number(opts['min-checked']);
    if (typeof opts['min-checked'] === 'string' && !(/^\d+$/.test(opts['min-checked']) && minPercent <= 100)) {
      throw new UsageError(`option --min-checked must be a whole percentage from 0 to 100 (got "${opts['min-checked']}")`);
    }
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
  const usageDays = opts['usage-days'] === undefined ? undefined : Number(opts['usage-days']);
  if (usageDays !== undefined && !(Number.isInteger(usageDays) && usageDays >= 0 && usageDays <= 14)) {
    io.err(`apiguard org: --usage-days must be a whole number from 0 to 14 (got "${String(opts['usage-days'])}")\n`);
    return 2;
  }
  const projectDir = path.resolve(io.cwd, typeof opts.project === 'string' ? opts.project : '.');
  const output = typeof opts.output === 'string' ? path.resolve(io.cwd, opts.output) : undefined;
  if (output) {
    const bad = await checkOutput(output);
    if (bad) { io.err(`apiguard org: cannot write the report to --output ${opts.output}: ${bad}\n`); return 2; }
  }
  if (typeof opts['instance-url'] === 'string' && io.env.SF_REFRESH_TOKEN && !io.env.SF_CLIENT_ID) {
    io.err('apiguard org: SF_REFRESH_TOKEN is set but SF_CLIENT_ID is not: a refresh needs the connected app\'s consumer key. Set SF_CLIENT_ID (and SF_LOGIN_URL for a sandbox or My Domain), or unset SF_REFRESH_TOKEN.\n');
    return 2;
  }

  const org = loadOrgModule();
  const c = await connectOrg(org, { targetOrg: opts['target-org'] as string | undefined, instanceUrl: opts['instance-url'] as string | undefined, projectDir }, io.env);
  if ('error' in c) { io.err(`apiguard org: ${c.error}\n`); return 2; }
  const { conn, alias, username } = c;

  const origins = opts['no-workspace'] ? undefined : await workspaceOrigins(projectDir, org.calloutOrigins).catch(() => undefined);
  let report: OrgModule.InspectionReport;
  try {
    report = await org.inspectOrg(conn, { alias, username, workspaceOrigins: origins,
      net: { requestTimeoutMs: requestTimeout * 1000, totalTimeoutMs: totalTimeout * 1000 }, minPercent, usageDays });
  } catch (e) {
    const err = org.toOrgError(e);
    io.err(`apiguard org: ${err.message || `${err.kind} failure (${err.code ?? 'no details'})`}${HINTS[err.kind] ?? ''}\n`);
    return 2;
  }
  const text = org.render(report, format, { color: io.isTTY && !opts.output && !io.env.NO_COLOR });
  if (output) {
    try { await fsp.writeFile(output, text, 'utf8'); } catch (e) {
      io.err(`apiguard org: cannot write the report to --output ${String(opts.output)}: ${(e as Error).message}\n`);
      return 2;
    }
    io.err(`apiguard org: report written to ${String(opts.output)} (${report.requests} API requests, ${report.durationMs} ms)\n`);
  } else {
    io.out(text);
  }
  if (report.coverage && !report.coverage.complete) {
    io.err(`apiguard org: ${report.notes.find(n => n.startsWith('Inspection incomplete')) ?? 'inspection incomplete'}\n`);
    return 2;
  }
  // A check that read only part of the rows (`partial`) is never clean: it fails --fail-on warn.
  const bad = report.checks.some(c => c.status === 'fail' || (failOn === 'warn' && (c.status === 'warn' || c.status === 'partial')));
  return failOn !== 'never' && bad ? 1 : 0;
}
