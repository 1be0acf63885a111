import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliIO } from '../io';
import { parseArgs, UsageError } from '../args';
import { ConfigError } from '../../core/config';
import { formatSurface, orgComplete, type SurfaceFormat } from '../../core/surface/report';
import { entryRows, withOrgAccess } from '../../core/surface/inventory';
import { outerClassOf } from '../../core/surface/orgAccess';
import type { OrgSurfaceAccess, SurfaceInventory } from '../../core/surface/types';
import { DEFAULT_REQUEST_TIMEOUT_S, DEFAULT_TOTAL_TIMEOUT_S } from '../../org/defaults';
import { connectOrg, loadOrgModule, seconds } from '../orgConnect';
import { findProjectRoot, loadConfig } from '../../node/config';
import { loadSurface } from '../../node/surface';

export const HELP = `Usage: apiguard surface [path] [options]

Lists the APIs the project exposes: Apex REST resources, SOAP webservice methods, @AuraEnabled,
@InvocableMethod and @RemoteAction methods. For each: who may call it (profiles, permission sets,
groups, guest users), the sharing and mode its queries and DML run in, the data it reaches, and its
risks (the same decisions as the surface rules of "apiguard scan").

Options:
  -f, --format text|json|markdown|html   output format (default: text)
  -o, --output FILE                      write the report to FILE instead of stdout
      --fail-on-risk                     exit 1 when an entry point has a risk
      --org                              add who the org grants each class to (SetupEntityAccess) and
                                         which classes a site's guest user can run there: the Salesforce
                                         CLI's target-org of the project
      --target-org ALIAS                 the same, for another org the Salesforce CLI knows
      --instance-url URL                 the same, for any org (access token in SF_ACCESS_TOKEN)
      --request-timeout S, --timeout S   org requests: per request (default 30) and in all (default 120)
  -c, --config FILE                      configuration file (default: .apiguard.json; its exclude applies)
  -h, --help                             show this help

Exit status: 0 listed (and, with --fail-on-risk, no risk), 1 a risk with --fail-on-risk,
2 usage, configuration or file error, or (with an org) a class whose org grants could not be read:
the report is printed, those classes say "org grants unknown".`;

const SPEC = {
  format: { value: true, choices: ['text', 'json', 'markdown', 'html'], alias: 'f' },
  output: { value: true, alias: 'o' },
  'fail-on-risk': {},
  config: { value: true, alias: 'c' },
  org: {},
  'target-org': { value: true },
  'instance-url': { value: true },
  'request-timeout': { value: true },
  timeout: { value: true },
  help: { alias: 'h' },
} as const;

export async function run(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try { parsed = parseArgs(argv, SPEC); } catch (e) {
    if (e instanceof UsageError) { io.err(`apiguard surface: ${e.message}\n\n${HELP}\n`); return 2; }
    throw e;
  }
  const o = parsed.options;
  if (o.help) { io.out(HELP + '\n'); return 0; }
  let net: { requestTimeoutMs: number; totalTimeoutMs: number };
  try {
    net = { requestTimeoutMs: seconds(o['request-timeout'], 'request-timeout', DEFAULT_REQUEST_TIMEOUT_S, 3600) * 1000,
      totalTimeoutMs: seconds(o.timeout, 'timeout', DEFAULT_TOTAL_TIMEOUT_S, 86_400) * 1000 };
  } catch (e) {
    if (e instanceof UsageError) { io.err(`apiguard surface: ${e.message}\n\n${HELP}\n`); return 2; }
    throw e;
  }
  if (o['target-org'] && o['instance-url']) { io.err('apiguard surface: use either --target-org or --instance-url\n'); return 2; }
  const withOrg = !!(o.org || o['target-org'] || o['instance-url']);
  if (parsed.positional.length > 1) { io.err(`apiguard surface: one project folder at most\n\n${HELP}\n`); return 2; }
  const target = path.resolve(io.cwd, parsed.positional[0] ?? '.');
  if (!existsSync(target)) { io.err(`apiguard surface: no such folder: ${parsed.positional[0]}\n`); return 2; }
  const root = findProjectRoot(target, io.cwd);
  let config;
  try { config = await loadConfig(root, o.config ? path.resolve(io.cwd, o.config as string) : undefined); } catch (e) {
    if (e instanceof ConfigError) { io.err(`apiguard surface: configuration error: ${e.message}\n`); return 2; }
    throw e;
  }
  const outFile = typeof o.output === 'string' ? path.resolve(io.cwd, o.output) : undefined;
  if (outFile && !existsSync(path.dirname(outFile))) { io.err(`apiguard surface: cannot write ${outFile}: no such folder\n`); return 2; }
  let inv = await loadSurface(root, { exclude: config.exclude });
  if (withOrg) {
    inv = withOrgAccess(inv, await orgAccess(inv, { targetOrg: o['target-org'] as string | undefined, instanceUrl: o['instance-url'] as string | undefined, projectDir: root, net }, io));
  }
  const text = formatSurface(inv, root, ((o.format as string | undefined) ?? 'text') as SurfaceFormat);
  if (outFile) {
    try { writeFileSync(outFile, text); } catch (e) {
      io.err(`apiguard surface: cannot write ${outFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      return 2;
    }
  } else {
    io.out(text);
  }
  if (withOrg && !orgComplete(inv)) {
    const n = entryRows(inv).filter(r => r.org?.state === 'unknown').length;
    io.err(`apiguard surface: org grants unknown for ${n} entry point${n === 1 ? '' : 's'}${inv.org?.notes[0] ? ` (${inv.org.notes[0]})` : ''}\n`);
    return 2;
  }
  return o['fail-on-risk'] && entryRows(inv).some(r => r.risks.some(k => k.id !== 'endpoint-not-granted')) ? 1 : 0;
}

/** The org's grants of the project's exposed classes; a connection that fails leaves them all unknown. */
async function orgAccess(inv: SurfaceInventory, opts: { targetOrg?: string; instanceUrl?: string; projectDir: string; net: { requestTimeoutMs: number; totalTimeoutMs: number } }, io: CliIO): Promise<OrgSurfaceAccess> {
  const names = [...new Set(inv.classes.map(c => outerClassOf(c.path)))];
  const org = loadOrgModule();
  const c = await connectOrg(org, opts, io.env);
  if ('error' in c) {
    return { org: opts.targetOrg ?? opts.instanceUrl ?? 'target-org', requests: 0, notes: [`No connection to the org: ${c.error}`],
      classes: Object.fromEntries(names.map(n => [n.toLowerCase(), { state: 'unknown' as const, grants: [], why: 'no connection to the org' }])) };
  }
  return org.surfaceAccess(c.conn, names, { org: c.label, net: opts.net });
}
