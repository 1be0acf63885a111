/** Imported first by extension.ts: marks when the bundle started evaluating (activation time). */
export const loadStart = performance.now();
