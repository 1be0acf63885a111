import type { CliIO } from '../io';
import { allRules } from '../../rules';

export async function run(argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('--json')) {
    io.out(JSON.stringify(allRules.map(r => ({ id: r.meta.id, severity: r.meta.defaultSeverity, description: r.meta.description, kinds: r.meta.kinds })), null, 2) + '\n');
    return 0;
  }
  const w = Math.max(...allRules.map(r => r.meta.id.length), 4);
  io.out(`${'rule'.padEnd(w)}  ${'default'.padEnd(7)}  description\n`);
  for (const r of allRules) { io.out(`${r.meta.id.padEnd(w)}  ${r.meta.defaultSeverity.padEnd(7)}  ${r.meta.description}\n`); }
  return 0;
}
