import { setFlagsFromString } from 'node:v8';

/**
 * V8 moves a WebAssembly function from its baseline compiler (Liftoff) to its optimizing compiler
 * (TurboFan) once the function has "executed" a budget of code bytes, counted in proportion to its
 * size. The Apex grammar's lexer functions are huge (133 KB and 50 KB of WebAssembly), so a single
 * parse of a five-line class spends the default budget and V8 optimizes both: 1.1 s of CPU (733 +
 * 357 ms, `node --trace-wasm-compilation-times`) in every process that parses, which a short run
 * (a one-class scan, `--staged` with two files) pays in full and never gets back. Ten times the
 * default budget leaves them on the baseline compiler for short runs; a long scan or a 1 MB class
 * still spends it within its first second and runs optimized code from then on (steady-state parse
 * speed unchanged, measured on MetadataService.cls).
 *
 * Process-wide, and must run before the grammar is compiled; the CLI calls it at start (its lint
 * workers are threads of the same process). Not for the VS Code extension host, a process shared
 * with other extensions.
 */
export const WASM_TIERING_BUDGET = 18_000_000;

export function raiseWasmTieringBudget(): void {
  try { setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`); } catch { /* an engine without the flag: the default tiering */ }
}

/**
 * Runs that parse only a few kilobytes of Apex (`scan --staged`, `scan --changed`: a commit's or a
 * pull request's files; `history`: the lines around each candidate secret) still got the two lexer
 * functions optimized with the raised budget (the grammar's queries and a few classes spend it:
 * 230 + 340 ms of TurboFan in a one-class `--staged`, and the process waits for those compile jobs
 * before it exits). For them the grammar stays on the baseline compiler: on the 1 MB
 * MetadataService.cls its parse is about 11% slower (216 vs 194 ms), which a run would need some
 * 20 MB of Apex to pay back. Measured: `--staged` with 3 files in the 10,000-class corpus 0.74-0.81 s
 * -> 0.50-0.59 s wall; `history` on 5,000 generated commits 1.84-2.19 s -> 1.09-1.49 s (load 3).
 */
export function parsesLittle(argv: readonly string[]): boolean {
  return argv[0] === 'history' || (argv[0] === 'scan' && argv.some(a => a === '--staged' || a === '--changed' || a.startsWith('--changed=')));
}

/** Keeps WebAssembly on the baseline compiler for this process (see parsesLittle). Process-wide, before the grammar is compiled. */
export function keepWasmOnBaseline(): void {
  try { setFlagsFromString('--liftoff-only'); } catch { /* an engine without the flag: the default tiering */ }
}
