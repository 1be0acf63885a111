import type { RuleContext } from '../../core/rule';
import type { MetadataType } from '../../core/metadata/types';
import { redact } from '../../core/redact';
import { isCredentialName, isExampleFile, isPlaceholder, mayHoldCredentialName, nameWords } from '../../core/secrets';

/**
 * key = value, key: value, "key": "value" in .env, properties, YAML, JSON, JS/TS (and XML text):
 * the credential-name heuristic adapted to each syntax. The reported range is exactly the value
 * text (without quotes); the name is shown, the value only redacted.
 */
export const textMessages: Record<string, string> = {
  credentialInFile: "'{{name}}' is set to a hardcoded value {{redacted}}: rotate it and load it at run time instead (a Named Credential / External Credential for Salesforce callouts, an environment variable or secret store for tooling).",
  passwordInUrl: "The URL in '{{name}}' embeds a password {{redacted}}: rotate it and keep credentials out of connection URLs (a Named Credential for Salesforce callouts, an environment variable or secret store for tooling).",
  credentialInEnvFile: "'{{name}}' holds a value {{redacted}} in an environment file: keep this file out of version control (.gitignore and .forceignore) and commit only an example with placeholders.",
};

/** A credential-named key and its literal value, as offsets into the file text. */
export interface NameValue { name: string; value: string; start: number; end: number }

/** Metadata types whose secret fields the `metadata-secret` rule reports; the generic XML heuristic skips them. */
const METADATA_SECRET_TYPES: ReadonlySet<MetadataType> = new Set<MetadataType>([
  'ConnectedApp', 'AuthProvider', 'NamedCredential', 'ExternalCredential', 'ExtlClntAppGlobalOauthSettings', 'ExtlClntAppOauthSettings',
]);

/**
 * Per file, at most this many findings (a dump of credentials is data; the report stays readable).
 * Every value is still judged, so placeholders never use up the cap, and reaching it adds a note.
 */
export const MAX_CREDENTIAL_FINDINGS = 5000;

export function checkText(ctx: RuleContext): void {
  const { file } = ctx;
  // An XML pair reports only under a credential name, which its tag or attribute writes in the text as it is (so
  // mayHoldCredentialName holds), or with a password in a URL (`://` and `@` in the text: xmlUnescape makes neither).
  // Most metadata XML has neither: its pairs are not extracted at all.
  if (file.kind === 'xml' && !(file.text.includes('://') && file.text.includes('@')) && !mayHoldCredentialName(file.text)) { return; }
  const pairs = extractPairs(file.kind, file.path, file.text, file.metadataType);
  const label = (n: string) => (n.length > 60 ? n.slice(0, 57) + '...' : n);
  // Data files repeat the same keys thousands of times: judge each distinct name once.
  const nameVerdict = new Map<string, boolean>();
  let reported = 0, capped = false;
  for (const p of pairs) {
    // DATABASE_URL=postgres://app:S3cret@db…: a password in a URL's user info, whatever the key is called.
    const inUrl = p.value.includes('://') ? passwordInUrl(p.value) : undefined;
    if (inUrl) {
      const start = p.start + inUrl.start;
      ctx.report({ messageId: 'passwordInUrl', data: { name: label(p.name), redacted: redact(inUrl.password) }, range: file.lines.rangeOf(start, start + inUrl.password.length), hints: { name: p.name, userinfo: true } });
      continue;
    }
    let named = nameVerdict.get(p.name);
    if (named === undefined) { nameVerdict.set(p.name, named = isCredentialName(p.name)); }
    if (!named) { continue; }
    if (!isLiteralCredential(p.value) || !fitsName(p.name, p.value)) { continue; }
    if (reported >= MAX_CREDENTIAL_FINDINGS) { capped = true; continue; }
    reported++;
    ctx.report({
      messageId: file.kind === 'env' && !isExampleFile(file.path) ? 'credentialInEnvFile' : 'credentialInFile',
      data: { name: label(p.name), redacted: redact(p.value) },
      range: file.lines.rangeOf(p.start, p.end),
      hints: { name: p.name },
    });
  }
  if (capped) { ctx.note?.(`more than ${MAX_CREDENTIAL_FINDINGS} hardcoded values`); }
}

/**
 * The password of a `scheme://user:password@host` URL (offset within the value), unless it is a
 * placeholder or a reference. Salesforce CLI auth URLs (`force://`) are hardcoded-secret's.
 */
export function passwordInUrl(value: string): { password: string; start: number } | undefined {
  const m = /^[ \t]*([a-z][a-z0-9+.-]{1,20}):\/\/([^\s:@/?#]{1,100}):([^\s@/?#]{1,200})@([A-Za-z0-9.[\]:-]{1,253})/i.exec(value);
  if (!m || /^force$/i.test(m[1])) { return undefined; }
  // Local development defaults (amqp://guest:guest@localhost) open nothing outside the developer's machine.
  if (/^(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\]|host\.docker\.internal)(?::\d+)?$/i.test(m[4])) { return undefined; }
  const password = m[3];
  let decoded = password;
  try { decoded = decodeURIComponent(password); } catch { /* keep as written */ }
  if (decoded.length < 3 || isPlaceholder(decoded) || isPlaceholder(`${m[2]}:${decoded}`) || /[${}<>%]/.test(password.replace(/%[0-9A-Fa-f]{2}/g, ''))) { return undefined; }
  return { password, start: m[0].lastIndexOf('@') - password.length };
}

/** Key/value pairs of a file in its own syntax (exported for tests and other rules). */
export function extractPairs(kind: string, path: string, text: string, metadataType?: MetadataType): NameValue[] {
  const ext = path.toLowerCase().replace(/^.*(\.[^./\\]+)$/, '$1');
  switch (kind) {
    case 'env': return envPairs(text);
    case 'properties': return propertiesPairs(text, ext === '.properties');
    case 'yaml': return yamlPairs(text);
    case 'json': return jsonPairs(text);
    case 'js':
      // Declarations hold no values; unit tests (LWC Jest, Node) are full of deliberate fake credentials.
      if (/\.d\.[cm]?ts$/i.test(path) || /(?:^|[\\/])__(?:tests|mocks)__[\\/]|\.(?:test|spec)\.[cm]?[jt]sx?$/i.test(path)) { return []; }
      return codePairs(text);
    case 'apex': return codePairs(text);
    case 'xml': return metadataType && METADATA_SECRET_TYPES.has(metadataType) ? [] : xmlPairs(text);
    case 'text':
      if (['.sh', '.bash', '.zsh'].includes(ext)) { return [...envPairs(text), ...flagPairs(text)]; }
      // Windows batch: set NAME=value, set "NAME=value" (same length, so offsets stay exact).
      if (ext === '.cmd' || ext === '.bat') {
        return [...envPairs(text.replace(/^([ \t@]*)(set)([ \t]+)"([^"=\r\n]+=[^"\r\n]*)"/gim, '$1   $3 $4 ').replace(/^([ \t@]*)set(?=[ \t])/gim, '$1   ')), ...flagPairs(text)];
      }
      if (ext === '.toml') { return propertiesPairs(text, false); }
      if (ext === '.ps1') { return [...codePairs(text.replace(/\$(?:env:)?(?=[A-Za-z_])/gi, m => ' '.repeat(m.length))), ...flagPairs(text)]; }
      if (['.page', '.component', '.cmp', '.app', '.html'].includes(ext)) { return xmlPairs(text); }
      return [];
    default: return [];
  }
}

/** Command-line options of scripts that take a credential: `--password X`, `--client-secret=X`, `-Password 'X'` (PowerShell). */
const CREDENTIAL_FLAG = /(?:^|[ \t])(--?(?:password|passwd|client-?secret|secret|api-?key|token|access-?token|auth-?token))(?:=|[ \t]+)(?:"([^"\r\n]*)"|'([^'\r\n]*)'|([^\s"'`|;&]+))/gim;

function flagPairs(text: string): NameValue[] {
  const out: NameValue[] = [];
  for (const m of text.matchAll(CREDENTIAL_FLAG)) {
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    if (!value || value.startsWith('$') || value.startsWith('%') || value.startsWith('-')) { continue; }
    const start = m.index + m[0].length - value.length - (m[2] !== undefined || m[3] !== undefined ? 1 : 0);
    out.push({ name: m[1].replace(/^-+/, ''), value, start, end: start + value.length });
  }
  return out;
}

/**
 * Is a literal a credential value rather than a placeholder, reference, flag, number, path, URL,
 * another key's name or a UI sentence?
 */
export function isLiteralCredential(raw: string): boolean {
  const v = raw.trim();
  if (v.length < 3 || v.length > 5000) { return false; }
  if (isPlaceholder(v)) { return false; }
  if (/^(?:true|false|yes|no|on|off|enabled|disabled)$/i.test(v)) { return false; }
  if (/^[-+]?\d+(?:\.\d+)?$/.test(v)) { return false; }
  if (/^(?:[~^]|[<>]=?|=)?v?\d+\.\d+(?:\.\d+)?(?:-[\w.]+)?$/.test(v)) { return false; }         // versions, semver ranges
  if (/^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)\S*$/.test(v) || /^[\w./\\-]+\.(?:key|pem|p12|pfx|jks|crt|cer|json|txt|enc|keystore)$/i.test(v)) { return false; }
  if (/^[a-z][a-z0-9+.-]*:\/\/[^\s@/]+(?:\/\S*)?$/i.test(v)) { return false; }          // URL without user info
  if (/^(?:callout|https?):/i.test(v) && !/@/.test(v)) { return false; }
  if (/^[A-Za-z_][\w.-]*$/.test(v) && v.length <= 40 && isCredentialName(v)) { return false; } // 'client_secret' as a key name
  if (v.split(/\s+/).length >= 3) { return false; }                                        // sentences, labels, commands
  if (/^[A-Za-z]+(?: [A-Za-z]+)+[.!?:]?$/.test(v)) { return false; }                       // 'Invalid password' (message bundles)
  if (/^[A-Z][a-z\u00C0-\u024F]+$/.test(v)) { return false; }                                // 'Passwort', 'Contraseña' (UI labels)
  if (/^[a-z]+(?:[-_.][a-z]+)+$/.test(v)) { return false; }                                 // 'color-brand', 'access_token_cookie' (identifiers)
  if (/^(?:[a-z]+(?:[A-Z][a-z]+)+|[A-Z][a-z]+(?:[A-Z][a-z]+)+|[A-Z]+(?:_[A-Z]+)+)$/.test(v)) { return false; } // camelCase / PascalCase / CONSTANT_CASE names
  if (/^[A-Za-z_-]+(?: [A-Za-z_-]+)+$/.test(v)) { return false; }                            // 'id_token token' (space-separated names)
  if (/[^\t\n\r\x20-\x7E]/.test(v) && !/\d/.test(v)) { return false; }                              // translated labels ('Passwort', 'トークン')
  if (/^\??(?:string|number|boolean|object|any|unknown|null|undefined|date|datetime|int|integer|long|double|text|password|secret)(?:\[\])?$/i.test(v)) { return false; } // type names
  if (/^(?:include|omit|same-origin|read|write|none|read-all|write-all|allow|deny|public|private|inherit|hidden|visible)$/i.test(v)) { return false; } // fetch credentials modes, CI permissions
  return true;
}

const PASSWORD_HEADS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode']);

/**
 * Does the value fit what the name promises? Passwords can be any word; tokens, secrets and keys are
 * machine-made, so a bare short word under those names is an enum or a label (`token: 'passed'`);
 * `auth` / `authorization` keys often hold a scheme name (`oauth2`, `basic`).
 */
export function fitsName(name: string, value: string): boolean {
  const words = nameWords(name);
  const head = words.filter(w => !/^\d+$/.test(w) && w !== 'c' && w !== 'mdt').pop() ?? '';
  const v = value.trim();
  if (PASSWORD_HEADS.has(head)) { return true; }
  if (head === 'auth' || head === 'authorization') {
    const scheme = /^(?:Basic|Bearer|Token|Digest|OAuth)\s+(\S+)$/i.exec(v);
    if (scheme) { return scheme[1].length >= 8 && !isPlaceholder(scheme[1]); }
    return /:/.test(v) || (v.length >= 12 && /\d/.test(v) && /[A-Za-z]/.test(v) && !/\s/.test(v));
  }
  return !/^(?:[a-z]{1,11}|[A-Z]{1,11})$/.test(v);
}

// ---------------------------------------------------------------------------------------------
// Syntaxes. Every extractor is a single pass of bounded regexes over lines or the whole text.

const LINE_RE = /[^\r\n]*/g;

function* lines(text: string): Generator<{ line: string; at: number }> {
  LINE_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = LINE_RE.exec(text)) !== null) {
    yield { line: m[0], at: m.index };
    LINE_RE.lastIndex = m.index + m[0].length + 1;
    if (text.charCodeAt(m.index + m[0].length) === 13 && text.charCodeAt(m.index + m[0].length + 1) === 10) { LINE_RE.lastIndex++; }
    if (LINE_RE.lastIndex > text.length) { break; }
  }
}

/**
 * A value starting at `from` in `line`: quoted (content without quotes) or plain (up to an inline
 * `#` comment when `hashComments`). Returns offsets within the line.
 */
function readValue(line: string, from: number, hashComments: boolean): { start: number; end: number } | undefined {
  let i = from;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) { i++; }
  if (i >= line.length) { return undefined; }
  const q = line[i];
  if (q === '"' || q === "'" || q === '`') {
    for (let j = i + 1; j < line.length; j++) {
      if (line[j] === '\\' && q !== "'") { j++; continue; }
      if (line[j] === q) { return { start: i + 1, end: j }; }
    }
    return undefined; // unterminated or multi-line: not a literal we can judge
  }
  let end = line.length;
  if (hashComments) {
    const c = line.slice(i).search(/\s[#;]/);
    if (c >= 0) { end = i + c; }
  }
  while (end > i && (line[end - 1] === ' ' || line[end - 1] === '\t')) { end--; }
  return end > i ? { start: i, end } : undefined;
}

/** `.env` and shell: `[export] KEY=value`. */
function envPairs(text: string): NameValue[] {
  const out: NameValue[] = [];
  for (const { line, at } of lines(text)) {
    const m = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]{0,120})[ \t]*=/.exec(line);
    if (!m) { continue; }
    const v = readValue(line, m[0].length, true);
    if (v) { out.push({ name: m[1], value: line.slice(v.start, v.end), start: at + v.start, end: at + v.end }); }
  }
  return out;
}

/** `.properties`, `.ini`, `.cfg`, `.conf`, `.toml`: `key = value` / `key: value`. */
function propertiesPairs(text: string, javaProperties: boolean): NameValue[] {
  const out: NameValue[] = [];
  for (const { line, at } of lines(text)) {
    const m = /^[ \t]*([A-Za-z_$][\w.$-]{0,160}|"[^"\r\n]{1,160}")[ \t]*[=:][ \t]*/.exec(line);
    if (!m) { continue; }
    const v = readValue(line, m[0].length, !javaProperties);
    if (v) { out.push({ name: m[1].replace(/^"|"$/g, ''), value: line.slice(v.start, v.end), start: at + v.start, end: at + v.end }); }
  }
  return out;
}

/** YAML block mappings: `key: value`, `- key: value`, quoted keys; flow collections and block scalars are skipped. */
function yamlPairs(text: string): NameValue[] {
  const out: NameValue[] = [];
  for (const { line, at } of lines(text)) {
    const m = /^[ \t]*(?:-[ \t]+)?(?:"([^"\r\n]{1,160})"|'([^'\r\n]{1,160})'|([^\s#'"{}[\],&*!|>%@`-][^:#\r\n]{0,160}?|-[^\s:#\r\n][^:#\r\n]{0,160}?))[ \t]*:(?=[ \t]|$)/.exec(line);
    if (!m) { continue; }
    const name = (m[1] ?? m[2] ?? m[3] ?? '').trim();
    const rest = line.slice(m[0].length).trimStart();
    if (rest === '' || /^[|>{[&*!#]/.test(rest)) { continue; }
    const v = readValue(line, m[0].length, true);
    if (v) { out.push({ name, value: line.slice(v.start, v.end), start: at + v.start, end: at + v.end }); }
  }
  return out;
}

/** JSON (any depth): `"key": "value"`. */
function jsonPairs(text: string): NameValue[] {
  const out: NameValue[] = [];
  const re = /"((?:[^"\\\r\n]|\\.){1,200})"[ \t\r\n]*:[ \t\r\n]*"((?:[^"\\\r\n]|\\.){0,5000})"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const start = m.index + m[0].length - 1 - m[2].length;
    out.push({ name: jsonUnescape(m[1]), value: jsonUnescape(m[2]), start, end: start + m[2].length });
  }
  return out;
}

function jsonUnescape(s: string): string {
  if (!s.includes('\\')) { return s; }
  try { return JSON.parse(`"${s}"`) as string; } catch { return s; }
}

/** A one-line string literal whose opening quote is capture group `g` (its content is group g + 1). */
const str = (g: number) => `(['"\`])((?:(?!\\${g})[^\\\\\\r\\n]|\\\\.){0,5000})\\${g}`;
// assignment, optionally with a type annotation: name (: Type)? = 'v'
const ASSIGN_RE = new RegExp(String.raw`(?<![\w$])([A-Za-z_$][\w$]{0,100})[ \t]*(?::[ \t]*[A-Za-z_$][\w$<>[\]|. ]{0,60}?)?[ \t]*=(?![=>])[ \t]*` + str(2), 'g');
// object property: name: 'v'  or  'name': 'v'
const PROP_RE = new RegExp(String.raw`(?<![\w$])([A-Za-z_$][\w$]{0,100}|'[^'\r\n]{1,100}'|"[^"\r\n]{1,100}")[ \t]*:[ \t]*` + str(2), 'g');
// header/map calls: .set('name', 'v'), .append(…), .setRequestHeader(…), .put(…)
const CALL_RE = new RegExp(String.raw`\.(?:set|append|setRequestHeader|setHeader|put|add)\([ \t]*(['"])([^'"\r\n]{1,100})\1[ \t]*,[ \t]*` + str(3), 'g');
// jsforce / Salesforce SOAP tooling: conn.login('user@acme.com', 'password' + 'securityToken') — the second argument is the password.
const LOGIN_RE = new RegExp(String.raw`\.login\([ \t]*(['"])([^'"\r\n]{1,200})\1[ \t]*,[ \t]*` + str(3), 'g');

/**
 * JS/TS (LWC, Aura, Node tooling) and, for files too large to parse, Apex:
 * `const apiKey = '…'`, `this.password = '…'`, `{ password: '…' }`, `headers: { 'X-API-Key': '…' }`,
 * `headers.set('Authorization', '…')`.
 */
function codePairs(text: string): NameValue[] {
  const out: NameValue[] = [];
  for (const re of [ASSIGN_RE, PROP_RE, CALL_RE, LOGIN_RE]) { re.lastIndex = 0; }
  const [assign, prop, call] = [ASSIGN_RE, PROP_RE, CALL_RE];
  let m: RegExpExecArray | null;
  const unionAfter = (m: RegExpExecArray) => /^[ \t]*\|/.test(text.slice(m.index + m[0].length, m.index + m[0].length + 8));
  while ((m = assign.exec(text)) !== null) { if (!unionAfter(m)) { push(out, text, m, 1, 3); } }
  while ((m = prop.exec(text)) !== null) {
    if (/\?[ \t]*[\w$.]*$/.test(text.slice(Math.max(0, m.index - 80), m.index)) || unionAfter(m)) { continue; } // ternary, TS literal union
    push(out, text, m, 1, 3);
  }
  while ((m = call.exec(text)) !== null) { push(out, text, m, 2, 4); }
  while ((m = LOGIN_RE.exec(text)) !== null) {
    const before = out.length;
    push(out, text, m, 2, 4);
    if (out.length > before) { out[out.length - 1].name = 'password'; }
  }
  return out;
}

function push(out: NameValue[], text: string, m: RegExpExecArray, nameGroup: number, valueGroup: number): void {
  const value = m[valueGroup];
  if (value.includes('${')) { return; }
  // The "literal" is really code between two other literals ('…?token=' + t + '…', '&oauth_token=".concat(…)').
  if (/^[\s.,;)+]/.test(value) || /[A-Za-z_$][\w$]*\(/.test(value) || /\s[+|&]{1,2}\s/.test(value)) { return; }
  const start = m.index + m[0].length - 1 - value.length;
  if (text.slice(start, start + value.length) !== value) { return; }
  out.push({ name: m[nameGroup].replace(/^['"]|['"]$/g, ''), value, start, end: start + value.length });
}

/** Generic XML and markup: `<password>…</password>` leaf elements, `password="…"` and `name="apiKey" value|default="…"` attributes. */
function xmlPairs(text: string): NameValue[] {
  const out: NameValue[] = [];
  const leaf = /<((?:[\w.-]{1,60}:)?([A-Za-z_][\w.-]{0,100}))(?:[ \t\r\n][^<>]{0,2000})?>(?:([^<]{1,5000})|<!\[CDATA\[((?:[^\]]|\](?!\]>)){0,5000})\]\]>)<\/\1[ \t\r\n]*>/g;
  let m: RegExpExecArray | null;
  while ((m = leaf.exec(text)) !== null) {
    const raw = m[3] ?? m[4] ?? '';
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (!trimmed) { continue; }
    const contentStart = m.index + m[0].indexOf('>') + 1 + (m[4] !== undefined ? '<![CDATA['.length : 0);
    const start = contentStart + lead;
    out.push({ name: m[2], value: m[4] !== undefined ? trimmed : xmlUnescape(trimmed), start, end: start + trimmed.length });
  }
  const tag = /<[A-Za-z_][\w.:-]{0,100}([ \t\r\n][^<>]{1,4000})>/g;
  while ((m = tag.exec(text)) !== null) {
    const attrsAt = m.index + m[0].indexOf(m[1]);
    const attrs: Array<{ name: string; value: string; start: number }> = [];
    const attr = /([A-Za-z_][\w.:-]{0,100})[ \t\r\n]*=[ \t\r\n]*(["'])([^"'<>]{0,2000})\2/g;
    let a: RegExpExecArray | null;
    while ((a = attr.exec(m[1])) !== null) {
      attrs.push({ name: a[1], value: a[3], start: attrsAt + a.index + a[0].length - 1 - a[3].length });
    }
    const keyAttr = attrs.find(x => /^(?:name|key)$/i.test(x.name));
    const valueAttr = attrs.find(x => /^(?:value|default)$/i.test(x.name));
    if (keyAttr && valueAttr) { out.push({ name: keyAttr.value, value: xmlUnescape(valueAttr.value), start: valueAttr.start, end: valueAttr.start + valueAttr.value.length }); }
    for (const x of attrs) {
      if (x !== keyAttr && x !== valueAttr && !x.name.includes(':')) { out.push({ name: x.name, value: xmlUnescape(x.value), start: x.start, end: x.start + x.value.length }); }
    }
  }
  return out;
}

function xmlUnescape(s: string): string {
  return s.includes('&') ? s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e]) : s;
}
