import type { CliIO } from '../io';
import { parseArgs, UsageError } from '../args';
import { allRules } from '../../rules';
import { ruleDocsUrl } from '../../core/rule';

const HELP = `Usage: apiguard rules [--format text|json]

Lists the rules with their default severity and description.`;

export async function run(argv: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv, { format: { value: true, choices: ['text', 'json'], alias: 'f' }, json: {}, help: { alias: 'h' } });
  } catch (e) {
    if (e instanceof UsageError) { io.err(`apiguard rules: ${e.message}\n\n${HELP}\n`); return 2; }
    throw e;
  }
  if (parsed.options.help) { io.out(HELP + '\n'); return 0; }
  if (parsed.options.json || parsed.options.format === 'json') {
    io.out(JSON.stringify(allRules.map(r => ({
      id: r.meta.id, defaultSeverity: r.meta.defaultSeverity, type: r.meta.type, description: r.meta.description,
      kinds: r.meta.kinds, ...(r.meta.metadataTypes ? { metadataTypes: r.meta.metadataTypes } : {}),
      fixable: !!r.meta.fixable, docs: ruleDocsUrl(r.meta.id),
    })), null, 2) + '\n');
    return 0;
  }
  const w = Math.max(...allRules.map(r => r.meta.id.length), 4);
  io.out(`${'rule'.padEnd(w)}  ${'default'.padEnd(7)}  description\n`);
  for (const r of allRules) { io.out(`${r.meta.id.padEnd(w)}  ${r.meta.defaultSeverity.padEnd(7)}  ${r.meta.description}\n`); }
  return 0;
}
