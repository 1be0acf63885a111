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
