import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CliIO } from '../io';
import { parseArgs, UsageError } from '../args';
import { ConfigError } from '../../core/config';
import { formatSurface, type SurfaceFormat } from '../../core/surface/report';
import { entryRows } from '../../core/surface/inventory';
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
  -c, --config FILE                      configuration file (default: .apiguard.json; its exclude applies)
  -h, --help                             show this help

Exit status: 0 listed (and, with --fail-on-risk, no risk), 1 a risk with --fail-on-risk,
2 usage, configuration or file error.`;

const SPEC = {
  format: { value: true, choices: ['text', 'json', 'markdown', 'html'], alias: 'f' },
  output: { value: true, alias: 'o' },
  'fail-on-risk': {},
  config: { value: true, alias: 'c' },
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
  const inv = await loadSurface(root, { exclude: config.exclude });
  const text = formatSurface(inv, root, ((o.format as string | undefined) ?? 'text') as SurfaceFormat);
  if (outFile) {
    try { writeFileSync(outFile, text); } catch (e) {
      io.err(`apiguard surface: cannot write ${outFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
      return 2;
    }
  } else {
    io.out(text);
  }
  return o['fail-on-risk'] && entryRows(inv).some(r => r.risks.some(k => k.id !== 'endpoint-not-granted')) ? 1 : 0;
}
