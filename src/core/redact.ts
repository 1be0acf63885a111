/**
 * The one masking module: every text that leaves API Guard (findings' messages and hints, fix diffs and
 * notes, file notes, logs, error texts, text/JSON/SARIF/Markdown/HTML reports, org reports through
 * `src/org/scrub.ts`) goes through `maskSecrets`; terminal output also through `safeTerminal`.
 * Pure: no IO.
 */
import { matchSecrets } from './secrets/match';
import { shannonEntropy } from './secrets/entropy';

/**
 * The only way a secret may appear in a message, a log or a report: at most its first four
 * characters and its length. Short values show no characters at all.
 */
export function redact(secret: string): string {
  const shown = secret.length >= 12 ? secret.slice(0, 4) : '';
  return `'${shown}…' (${secret.length} chars)`;
}

/** What replaces a secret inside a URL (the URL stays readable: origin and the non-secret path). */
export const URL_MASK = '***';

/**
 * Random-looking: letters and digits, high entropy, and the character class (lower, upper, digit,
 * other) changes often, as in random base62/base64 (about every other character), unlike camelCase
 * words with a number (`customerOrders2024Summary`: 5 changes in 25).
 */
function TOKENISH(s: string, min = 20): boolean {
  if (s.length < min || !/\d/.test(s) || !/[A-Za-z]/.test(s) || shannonEntropy(s) <= 3.3) { return false; }
  const cls = (c: string) => (c >= 'a' && c <= 'z' ? 0 : c >= 'A' && c <= 'Z' ? 1 : c >= '0' && c <= '9' ? 2 : 3);
  let changes = 0;
  for (let i = 1; i < s.length; i++) { if (cls(s[i]) !== cls(s[i - 1])) { changes++; } }
  return changes / (s.length - 1) > 0.3;
}

/**
 * Secrets that live in URL paths of well-known services, each as [regex, index of the group that is
 * the secret]. The regexes need no scheme, so `callout:Slack/services/T…/B…/<token>` is covered too.
 */
const PATH_SECRETS: ReadonlyArray<RegExp> = [
  // Slack incoming webhooks and workflow triggers: /services/T…/B…/<token>, /workflows/T…/A…/<id>/<token>
  /(\/services\/T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/)([A-Za-z0-9]{8,64})/g,
  /(\/workflows\/T[A-Z0-9]{6,12}\/A[A-Z0-9]{6,12}\/[0-9]{6,20}\/)([A-Za-z0-9]{8,64})/g,
  // Telegram bot API: /bot<id>:<token>
  /(\/bot[0-9]{5,12}:)([A-Za-z0-9_-]{20,64})/g,
  // Discord (and discordapp) webhooks: /api/webhooks/<id>/<token>
  /(\/api\/webhooks\/[0-9]{10,22}\/)([A-Za-z0-9_-]{20,100})/g,
  // Microsoft Teams incoming webhooks: …/IncomingWebhook/<hex>/<guid>
  /(\/IncomingWebhook\/)([A-Za-z0-9]{16,64}\/[A-Za-z0-9-]{16,64})/g,
  // Zapier / Make / IFTTT / Mattermost style hooks: /hooks/catch/<n>/<token>, /trigger/<event>/with/key/<key>, /hooks/<token>
  /(\/hooks\/catch\/[0-9]{3,12}\/)([A-Za-z0-9]{5,40})/g,
  /(\/with\/key\/)([A-Za-z0-9_-]{12,64})/g,
  /(hook\.[a-z0-9.]*make\.com\/)([a-z0-9]{20,64})/gi,
];

/** Characters of a URL (no quotes, no whitespace, no angle brackets): where a URL ends in running text. */
// eslint-disable-next-line no-control-regex -- NUL separates the texts maskedInput joins
const URL_RE = /\b(?:https?|wss?|ftp|callout):[^\s'"<>`\\)\u0000]{1,4000}/gi;

/**
 * The secret parts of every URL in a text: a userinfo password (`https://user:***@host`), tokens in
 * the paths of known webhook and bot URLs (Slack, Telegram, Discord, Teams, Zapier…), random-looking
 * path segments and token-like query values. Origins and ordinary paths stay readable.
 */
export function maskUrlSecrets(text: string): string {
  if (!text.includes(':')) { return text; }
  return text.replace(URL_RE, maskUrlParts);
}

/** `maskUrlSecrets` for one URL, or one path (`/services/T…/B…/<token>`), as it stands. */
export function maskUrlParts(url: string): string {
  return maskUrl1(url, true);
}

/**
 * Whether a URL or path holds a token of a known webhook/bot shape in its path (Slack, Telegram,
 * Discord, Teams, Zapier…): such a URL cannot move to a Named Credential without carrying its secret.
 */
export function hasKnownPathSecret(url: string): boolean {
  return maskUrl1(url, false) !== url;
}

function maskUrl1(url: string, generic: boolean): string {
  let u = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*):([^\s/?#@]*)@/i, (_m, scheme: string, user: string) => `${scheme}${user}:${URL_MASK}@`);
  for (const re of PATH_SECRETS) { u = u.replace(re, (_m, head: string) => `${head}${URL_MASK}`); }
  // Any other random-looking path segment (20+ letters and digits, high entropy): an opaque token.
  const q = u.search(/[?#]/);
  const pathPart = q < 0 ? u : u.slice(0, q), rest = q < 0 ? '' : u.slice(q);
  const slashes = pathPart.indexOf('//');
  const pathStart = slashes >= 0 ? pathPart.indexOf('/', slashes + 2) : pathPart.indexOf('/');
  const head = pathStart < 0 ? pathPart : pathPart.slice(0, pathStart);
  const tail = pathStart < 0 ? '' : pathPart.slice(pathStart);
  if (!generic) { return head + tail + rest; }
  const maskedTail = tail.replace(/(\/(?:[A-Za-z0-9_-]{1,40}:)?)([A-Za-z0-9_.~-]{20,})(?![A-Za-z0-9_.~-])/g, (m, pre: string, seg: string) =>
    TOKENISH(seg) ? `${pre}${URL_MASK}` : m);
  const maskedRest = rest.replace(/([?&;#][^=&#\s?;]*=)([^&#\s;]*)/g, (m, key: string, v: string) =>
    v && v !== URL_MASK && (/key|token|secret|password|passwd|pwd|pass|sig|auth|credential/i.test(key) || TOKENISH(v)) ? `${key}${URL_MASK}` : m);
  return head + maskedTail + maskedRest;
}

/** Token shapes that are secrets whatever they are called (session ids, bearer headers, OAuth form fields). */
const TOKEN_RES: ReadonlyArray<[RegExp, (m: string, ...g: string[]) => string]> = [
  // Salesforce session ids / access tokens: 00D<org id>!<opaque>
  [/\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]{20,}/g, m => redact(m)],
  // Authorization headers
  [/\b(Bearer|OAuth)\s+(?=[A-Za-z0-9._\-!~+/=]*\d)[A-Za-z0-9._\-!~+/=]{20,}/gi, (_m, kind) => `${kind} [redacted]`],
  // form fields, query parameters and JSON members carrying tokens, codes and secrets
  [/\b(access_token|refresh_token|id_token|client_secret|code_verifier|sessionId|session_id|password|passwd|code(?==))(["']?\s*[=:]\s*["']?)[A-Za-z0-9._\-!~+/%]{8,}/g,
    (_m, key, sep) => `${key}${sep}[redacted]`],
  // <sessionId>…</sessionId> in SOAP bodies
  [/(<(?:\w+:)?sessionId>)[^<]+(<\/(?:\w+:)?sessionId>)/g, (_m, a, b) => `${a}[redacted]${b}`],
];

/** Shortest piece of a known secret that counts as that secret when it shows up on its own. */
const PARTIAL = 8;

export interface MaskOptions {
  /**
   * Secrets known to the caller (an org's access and refresh tokens, the values the rules found):
   * masked in full; with `partial`, also wherever 8 or more of their characters appear together (a
   * server that echoes the part after `!` of a session id, or a refresh token without its head).
   */
  known?: Iterable<string>;
  /** Also mask runs that share 8 characters with a known token (for tokens a server may echo in part). */
  partial?: boolean;
}

/** The 8-character windows of each known secret (the session part only for `00D…!…` tokens). */
function windowsOf(known: readonly string[]): Set<string> {
  const w = new Set<string>();
  for (const s of known) {
    const bang = /^00D[A-Za-z0-9]{12,15}!/.exec(s);
    const part = bang ? s.slice(bang[0].length) : s;
    for (let i = 0; i + PARTIAL <= part.length; i++) { w.add(part.slice(i, i + PARTIAL)); }
  }
  return w;
}

/**
 * Masks every secret in a text that is about to leave API Guard: known secrets (also partial echoes),
 * every credential format `src/core/secrets` knows (`redact`: at most 4 characters and the length),
 * session ids, bearer headers and OAuth fields, URL passwords and URL-path tokens (`maskUrlSecrets`).
 * Idempotent; ordinary text is returned unchanged.
 */
export function maskSecrets(text: string, opts: MaskOptions = {}): string {
  if (!text) { return text; }
  let out = text;
  const known = [...(opts.known ?? [])].filter(s => s && s.length >= PARTIAL).sort((a, b) => b.length - a.length);
  for (const s of known) { if (out.includes(s)) { out = out.split(s).join(redact(s)); } }
  if (known.length && opts.partial) {
    const windows = windowsOf(known);
    out = out.replace(/[A-Za-z0-9._~+=!%-]{8,}/g, run => {
      for (let i = 0; i + PARTIAL <= run.length; i++) { if (windows.has(run.slice(i, i + PARTIAL))) { return redact(run); } }
      return run;
    });
  }
  const hits = matchSecrets(out).sort((a, b) => b.start - a.start);
  let prev = Infinity;
  for (const m of hits) {
    if (m.end > prev) { continue; }   // overlapping matches: the later one is already masked
    out = out.slice(0, m.start) + redact(out.slice(m.start, m.end)) + out.slice(m.end);
    prev = m.start;
  }
  for (const [re, f] of TOKEN_RES) { out = out.replace(re, f as (m: string, ...g: string[]) => string); }
  return maskUrlSecrets(out);
}

/** `maskSecrets` over every string of a JSON-able value (keys kept): for JSON and SARIF reports. */
export function maskDeep<T>(value: T, opts: MaskOptions = {}): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') { return maskSecrets(v, opts); }
    if (Array.isArray(v)) { return v.map(walk); }
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) { o[k] = walk(x); }
      return o;
    }
    return v;
  };
  return walk(value) as T;
}

/**
 * Text for a terminal: no escape sequence from a file name, a file's content or org data can move the
 * cursor, recolour, retitle or hide text. C0 controls (but tab and newline), DEL, C1 controls and the
 * bidirectional overrides are shown as `\xHH` / `\u{…}`; an ESC sequence is shown as text after it.
 */
export function safeTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, c => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
}
