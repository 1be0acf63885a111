import { maskDeep, maskSecrets, safeTerminal } from '../core/redact';

/**
 * Tokens must never reach a message, a log or a report. `scrub` is `maskSecrets` (src/core/redact.ts,
 * the one masking function) with the secrets of the org connections as known secrets: the access and
 * refresh tokens registered with `registerSecret` are removed in full and wherever 8 or more of their
 * characters show up (a server echoing the part after `!`, a refresh token without its head), and so is
 * anything shaped like a credential, a session id, a bearer header, an OAuth form field or a URL password.
 */
const known = new Set<string>();

export function registerSecret(secret: string | undefined | null): void {
  if (secret && secret.length >= 8) { known.add(secret); }
}

export function forgetSecrets(): void { known.clear(); }

export function scrub(text: string): string {
  return maskSecrets(text, { known, partial: true });
}

/**
 * `scrub` over every string of a JSON-able value, before it is escaped for a format (Markdown or HTML
 * escapes would otherwise split a token so that no pattern sees it) or serialised (JSON stays valid).
 * `terminal`: also `safeTerminal` (text reports).
 */
export function scrubDeep<T>(value: T, terminal = false): T {
  const masked = maskDeep(value, { known, partial: true });
  return terminal ? mapStrings(masked, safeTerminal) : masked;
}

function mapStrings<T>(value: T, f: (s: string) => string): T {
  const walk = (v: unknown): unknown => typeof v === 'string' ? f(v) : Array.isArray(v) ? v.map(walk)
    : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v;
  return walk(value) as T;
}

/** `scrub` for a terminal: also no escape sequences from org data (record names, error bodies). */
export function scrubTerminal(text: string): string {
  return safeTerminal(scrub(text));
}

/** The message of any thrown value, scrubbed. */
export function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
  return scrub(msg ?? String(e));
}
