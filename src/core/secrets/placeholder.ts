/**
 * Values that stand for a secret without being one: empty, template variables, environment
 * references, merge fields, masks and the words people type in samples.
 */

/** Whole values (case-insensitive, after trimming and stripping `_`/`-`/spaces) that are samples. */
const PLACEHOLDER_WORDS = new Set([
  'changeme', 'changeit', 'change', 'dummy', 'test', 'testing', 'tests', 'null', 'none', 'nil', 'undefined', 'nan',
  'example', 'sample', 'placeholder', 'secret', 'secrets', 'password', 'passwd', 'pass', 'pwd', 'token', 'apikey', 'key',
  'redacted', 'replaceme', 'todo', 'tbd', 'fixme', 'foo', 'bar', 'baz', 'foobar', 'value', 'string', 'empty', 'default',
  'notset', 'unset', 'na', 'n/a', 'mypassword', 'mysecret', 'mytoken', 'myapikey', 'mykey', 'yourpassword',
  'yoursecret', 'yourtoken', 'yourapikey', 'yourkey', 'hidden', 'masked', 'private', 'secretvalue', 'tokenvalue',
  'clientsecret', 'consumersecret', 'accesstoken', 'refreshtoken', 'privatekey', 'secretkey', 'authtoken',
  'xxx', 'abc', 'abcd', 'abc123', 'qwerty', 'letmein', 'admin', 'user', 'username', 'fake', 'mock', 'stub', 'invalid',
  'sessionid', 'bearer', 'basic', 'required', 'optional', 'generated', 'random', 'auto',
  // Scrubbing markers left where a value was taken out (org dumps, custom metadata records).
  'removed', 'scrubbed', 'obfuscated', 'censored', 'withheld', 'sanitized', 'sanitised', 'deleted', 'omitted', 'stripped',
  'valueremoved', 'secretremoved', 'removedforsecurity',
]);

/** Markers that make any value containing them a sample (checked case-insensitively). */
const PLACEHOLDER_MARKERS = [
  'your_', 'your-', 'your.', 'yourkey', 'yoursecret', 'yourtoken', 'yourpassword', 'yourapi', 'your api', 'your key',
  'your secret', 'your token', 'your password', 'example', 'placeholder', 'replace_me', 'replace-me', 'replaceme',
  'replace with', 'insert_', 'insert-', 'insert your', 'changeme', 'change_me', 'change-me', 'redacted', 'dummy',
  'xxxx', '****', '••••', '...', '…', '<your', '<insert', '<token', '<secret', '<password', '<api', 'todo:', 'not-a-real', 'not_a_real', 'notareal', 'fake_', 'fake-',
  '_here', '-here', 'goes-here', 'goes_here',
];

/** Template and reference syntaxes: `${X}`, `{{x}}`, `{!$Credential.X}`, `%s`, `process.env.X`… */
const REFERENCE_RES: readonly RegExp[] = [
  /\$\{[^}]*\}?/,                         // ${VAR}, ${{ secrets.X }}, `${a}`
  /\{\{[^}]*\}\}?/,                       // {{var}}, mustache, Helm
  /\{![^}]*\}?/,                          // Visualforce / Apex merge fields {!$Credential.Password}
  /^\{(?:[A-Z][A-Z_]*[A-Z]|[a-z]+(?:[A-Z][a-z]+)*)\}$/, // {HMACKEY}, {CLIENT_SECRET}, {apiToken}: a slot a script fills in ({9f3Kq…} is not)
  /^\$[A-Za-z_][A-Za-z0-9_]*$/,           // $VAR
  /^\$\([^)]*\)$/,                        // $(command) / $(VAR) (Azure Pipelines)
  /^%[sdv]$|%\([a-z_]+\)s|^%[A-Z_][A-Z0-9_]*%$/i, // %s, %(x)s, %VAR%
  /^(%{2,}|_{2,})[A-Z][A-Z0-9_]*?\1$/i,    // %%%NAMESPACE%%%, ___NAMESPACE___ (CumulusCI substitution tokens)
  /\b(?:process\.env|import\.meta\.env|os\.environ|System\.getenv|Environment\.GetEnvironmentVariable)\b/,
  /^env(?:\.|\(|:)/i,                     // env.X, env('X'), env:X
  /^(?:ENC|ENCRYPTED)\(.*\)$/,            // jasypt-style encrypted values
  /^(?:vault|op|sm|gcpsm|awssm|azkv|secret|secrets|ref|keychain):/i, // secret-store references
  /^arn:aws[a-z-]*:(?:secretsmanager|ssm|kms):/,
  /^@Microsoft\.KeyVault\(/,
  /^!(?:vault|secret|env|ref)\b/i,        // YAML tags (Ansible !vault, CloudFormation !Ref)
];

/** Words of a sentence written where a value belongs, saying where the real one lives or who fills it in. */
const INSTRUCTION_WORDS = new Set(['should', 'must', 'goes', 'go', 'comes', 'come', 'from', 'replace', 'replaced', 'enter',
  'entered', 'stored', 'store', 'configure', 'configured', 'provided', 'supplied', 'fill', 'filled', 'vault', 'setup',
  'credential', 'here', 'lives', 'kept']);

/** Nouns that name a credential, and the small words that make a phrase of them ('secret of the app'). */
const CREDENTIAL_NOUNS = new Set(['secret', 'password', 'passwd', 'token', 'key', 'apikey', 'credential', 'credentials']);
const FUNCTION_WORDS = new Set(['of', 'the', 'for', 'in', 'from', 'your', 'my', 'to', 'a', 'an', 'our', 'this']);

/**
 * A sentence written where a value belongs, in one case, of four or more letters-only words: one saying where
 * the real value lives ('password-should-come-from-secure-vault', 'SECRET_MUST_BE_ENTERED_IN_SETUP': two
 * instruction words), or one naming it ('consumer_secret_of_the_app_in_target_org': a credential noun and a
 * function word). A passphrase ('correct-horse-battery-staple') is neither.
 */
function isInstruction(v: string): boolean {
  if (v !== v.toLowerCase() && v !== v.toUpperCase()) { return false; }
  const words = v.toLowerCase().split(/[\s_-]+/);
  if (words.length < 4 || !words.every(w => /^[a-z]+$/.test(w))) { return false; }
  if (words.filter(w => INSTRUCTION_WORDS.has(w)).length >= 2) { return true; }
  return words.some(w => CREDENTIAL_NOUNS.has(w)) && words.some(w => FUNCTION_WORDS.has(w));
}

/** A sample word, also with a test/demo affix (`passwordTest`, `testUser`, `demo_secret`) or a kind (`wrongPassword`). */
function isSampleWord(squashed: string): boolean {
  if (PLACEHOLDER_WORDS.has(squashed)) { return true; }
  const bare = squashed.replace(/^(?:test|demo)/, '').replace(/(?:test|demo)$/, '');
  if (bare !== squashed && bare.length > 0 && PLACEHOLDER_WORDS.has(bare)) { return true; }
  // A sample word with a word saying which sample it is: 'hashedpassword', 'wrongPassword', 'invalid_token'.
  const kind = squashed.replace(/^(?:hashed|encrypted|wrong|invalid|valid|incorrect|correct|new|old|bad|good|expired|another|other)/, '');
  return kind !== squashed && kind.length > 0 && PLACEHOLDER_WORDS.has(kind);
}

/** True when `value` is not a real credential: empty, a placeholder, a mask, a template or an env reference. */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) { return true; }
  const lower = v.toLowerCase();
  const squashed = lower.replace(/[\s_.-]+/g, '');
  if (squashed.length === 0 || isSampleWord(squashed) || PLACEHOLDER_WORDS.has(lower)) { return true; }
  if (/^(.)\1*$/.test(squashed)) { return true; }                   // xxxx, ****, 0000, ....
  if (/^[x*•#?]+$/i.test(squashed)) { return true; }                // xx**xx, ####
  if (/^<[^<>]*>$|^\[[^\]]*\]$|^\([^()]*\)$/.test(v)) { return true; } // <token>, [REDACTED], (optional)
  for (const m of PLACEHOLDER_MARKERS) { if (lower.includes(m)) { return true; } }
  if (isInstruction(v)) { return true; }
  const colon = v.indexOf(':');                                     // 'admin:secret', 'user:password'
  if (colon > 0 && colon === v.lastIndexOf(':') && !/\s/.test(v)) {
    const user = v.slice(0, colon).toLowerCase().replace(/[\s_.-]+/g, ''), pass = v.slice(colon + 1).toLowerCase().replace(/[\s_.-]+/g, '');
    if (isSampleWord(user) && isSampleWord(pass)) { return true; }
  }
  for (const re of REFERENCE_RES) { if (re.test(v)) { return true; } }
  // 'password123', 'p@ssword1', 'admin1': a lower-case sample word with a counter, what tutorials and test records
  // use ('Password123' and 'P@ssw0rd2024' are what people really pick, so they stay credentials).
  if (v === lower && /^(?:password|passw0rd|p@ssw[o0]rd|pass|secret|test|admin|changeme|welcome|letmein|qwerty)\d{1,4}!?$/.test(v)) { return true; }
  // The same with any sample word ('abcd1234', 'testuser123': Salesforce's generated self-registration tests).
  const counted = /^([a-z]+)\d{1,4}$/.exec(v);
  if (counted && isSampleWord(counted[1])) { return true; }
  if (/^(?:0123456789?|123456789?0?|1234|12345|123456|1234567|12345678|abcdef|abcdefg(?:hijk)?)$/i.test(squashed)) { return true; }
  if (isCountingDigits(squashed)) { return true; }
  return false;
}

/** '12345678901234567890123456789012', '0123456789012345': digits counting up, wrapping after 9 (a dummy of any length). */
function isCountingDigits(v: string): boolean {
  if (v.length < 8 || !/^\d+$/.test(v)) { return false; }
  for (let i = 1; i < v.length; i++) {
    if (v.charCodeAt(i) - 48 !== (v.charCodeAt(i - 1) - 48 + 1) % 10) { return false; }
  }
  return true;
}

/**
 * Stricter test for the pattern matcher: does a string that *has* a credential shape look like a
 * sample (`AKIAIOSFODNN7EXAMPLE`, `sk_live_xxxxxxxx`, `ghp_<your token>`)? Only distinctive markers,
 * so a random token never trips it by chance.
 */
export function looksLikeSample(secret: string): boolean {
  const lower = secret.toLowerCase();
  if (/x{5,}|\*{3,}|0{8,}|\.{3}|…|<|>|\$\{|\{\{/.test(lower)) { return true; }
  if (/example|placeholder|redacted|dummy|changeme|your_?(?:api|key|token|secret|access|pass)|insert|replace|notareal|not_a_real|fake/.test(lower)) { return true; }
  if (/0123456789|1234567890|abcdefghij/.test(lower)) { return true; }
  return false;
}

/** `.env.example`, `.env.sample`, `.env.template`, `config.dist`…: files meant to be committed with placeholders. */
export function isExampleFile(path: string): boolean {
  const base = path.replace(/\\/g, '/').replace(/^.*\//, '');
  return /\.(?:example|sample|template|tmpl|dist|defaults?)$/i.test(base) || /^(?:example|sample)\./i.test(base);
}
