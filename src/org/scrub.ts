import { redact } from '../core/redact';

/**
 * Tokens must never reach a message, a log or a report. `scrub` removes known secrets (the
 * connection's access and refresh tokens, registered with `registerSecret`) and anything shaped like
 * a Salesforce session id, a bearer header or an OAuth form field from a text.
 */
const known = new Set<string>();

export function registerSecret(secret: string | undefined | null): void {
  if (secret && secret.length >= 8) { known.add(secret); }
}

export function forgetSecrets(): void { known.clear(); }

const PATTERNS: RegExp[] = [
  // Salesforce session ids / access tokens: 00D<org id>!<opaque>
  /\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]{20,}/g,
  // Authorization headers
  /\b(Bearer|OAuth)\s+(?=[A-Za-z0-9._\-!~+/=]*\d)[A-Za-z0-9._\-!~+/=]{20,}/gi,
  // form fields and JSON members carrying tokens, codes and secrets
  /\b(access_token|refresh_token|client_secret|code_verifier|sessionId|code(?==))(["']?\s*[=:]\s*["']?)[A-Za-z0-9._\-!~+/%]{8,}/g,
  // <sessionId>…</sessionId> in SOAP bodies
  /(<(?:\w+:)?sessionId>)[^<]+(<\/(?:\w+:)?sessionId>)/g,
];

export function scrub(text: string): string {
  let out = text;
  for (const s of known) {
    if (out.includes(s)) { out = out.split(s).join(redact(s)); }
  }
  out = out.replace(PATTERNS[0], m => redact(m));
  out = out.replace(PATTERNS[1], (_m, kind: string) => `${kind} [redacted]`);
  out = out.replace(PATTERNS[2], (_m, key: string, sep: string) => `${key}${sep}[redacted]`);
  out = out.replace(PATTERNS[3], (_m, a: string, b: string) => `${a}[redacted]${b}`);
  return out;
}

/** The message of any thrown value, scrubbed. */
export function errorText(e: unknown): string {
  const msg = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
  return scrub(msg ?? String(e));
}
