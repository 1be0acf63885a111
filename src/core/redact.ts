/**
 * The only way a secret may appear in a message, a log or a report: at most its first four
 * characters and its length. Short values show no characters at all.
 */
export function redact(secret: string): string {
  const shown = secret.length >= 12 ? secret.slice(0, 4) : '';
  return `'${shown}…' (${secret.length} chars)`;
}
