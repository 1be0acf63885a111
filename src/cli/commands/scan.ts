import type { CliIO } from '../io';
import { createEngine } from '../../node/createEngine';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Minimal scan of explicit files; the engine work (issue 3) replaces this with the full command. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const engine = await createEngine();
  let failed = 0;
  for (const p of argv) {
    const abs = path.resolve(io.cwd, p);
    const r = engine.lint(abs, readFileSync(abs, 'utf8'));
    for (const f of r.findings) {
      io.out(`${p}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.ruleId} ${f.message}\n`);
      if (f.severity === 'error' && !f.suppressed) { failed++; }
    }
  }
  return failed ? 1 : 0;
}
