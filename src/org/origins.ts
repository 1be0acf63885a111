/**
 * Callout origins in Apex source: string literals that are http(s) URLs (endpoints built with
 * `setEndpoint('https://…')`, constants, concatenation prefixes). `callout:` URLs go through a
 * Named Credential already and are skipped. Comments are ignored. Pure: text in, origins out.
 */
import { originOf } from './checks';

export function calloutOrigins(apexText: string): string[] {
  const out = new Set<string>();
  // Strip comments first (block and line), keeping string literals intact.
  const code = apexText.replace(/'(?:\\.|[^'\\\n])*'|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, m => (m.startsWith("'") ? m : ' '));
  for (const m of code.matchAll(/'((?:https?):\/\/(?:\\.|[^'\\\n])+)'/gi)) {
    const o = originOf(m[1].replace(/\\(.)/g, '$1'));
    if (o && !/^https?:\/\/(localhost|127\.0\.0\.1)(:|$)/.test(o)) { out.add(o); }
  }
  return [...out].sort();
}
