import type { FileKind, Finding } from './types';
import type { LineIndex } from './position';

/**
 * Disable comments. Findings they cover stay in the output with `suppressed` set.
 *   // apiguard-disable-next-line <rule>[, <rule>] -- <reason>
 *   // apiguard-disable-line <rule>[, <rule>] -- <reason>
 *   /* apiguard-disable-file <rule> *\/
 *   <!-- apiguard-disable-next-line <rule> -- <reason> -->
 *   # apiguard-disable-next-line <rule>        (.env, YAML, properties)
 * A directive without rule ids covers every rule.
 */
export function applySuppressions(findings: Finding[], _lines: LineIndex, _kind: FileKind): Finding[] {
  return findings; // implemented by the engine work (issue 3)
}
