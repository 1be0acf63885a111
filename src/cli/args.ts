/** A usage error: the CLI prints the message and exits 2. */
export class UsageError extends Error {}

export interface OptionSpec {
  /** Takes a value (`--format sarif` or `--format=sarif`). */
  value?: boolean;
  /** Allowed values. */
  choices?: readonly string[];
  alias?: string;
  /**
   * The value is optional (`--changed`, `--changed=REF`, `--changed REF`): the next argument is
   * taken as the value only when this says so. Absent: the option is `true`.
   */
  optionalValue?: (next: string) => boolean;
}

export interface Parsed { positional: string[]; options: Record<string, string | boolean> }

/** Small, strict argv parser: unknown options and bad values are usage errors naming the option. */
export function parseArgs(argv: readonly string[], spec: Record<string, OptionSpec>): Parsed {
  const byAlias = new Map(Object.entries(spec).filter(([, s]) => s.alias).map(([n, s]) => [s.alias!, n]));
  const positional: string[] = [];
  const options: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('-') || a === '-') { positional.push(a); continue; }
    let name: string, inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq >= 0 ? a.slice(eq + 1) : undefined;
    } else {
      const n = byAlias.get(a.slice(1));
      if (!n) { throw new UsageError(`unknown option ${a}`); }
      name = n;
    }
    const s = spec[name];
    if (!s) { throw new UsageError(`unknown option --${name}`); }
    if (s.optionalValue) {
      if (inline !== undefined) { if (!inline) { throw new UsageError(`option --${name} needs a value after =`); } options[name] = inline; continue; }
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('-') && s.optionalValue(next)) { options[name] = next; i++; } else { options[name] = true; }
      continue;
    }
    if (!s.value) {
      if (inline !== undefined) { throw new UsageError(`option --${name} takes no value`); }
      options[name] = true;
      continue;
    }
    const v = inline ?? argv[++i];
    if (v === undefined || (inline === undefined && v.startsWith('-') && v !== '-')) { throw new UsageError(`option --${name} needs a value`); }
    if (s.choices && !s.choices.includes(v)) { throw new UsageError(`option --${name} must be one of ${s.choices.join(', ')} (got "${v}")`); }
    options[name] = v;
  }
  return { positional, options };
}
