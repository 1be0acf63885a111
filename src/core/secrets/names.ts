/**
 * Is an identifier (variable, field, map key, JSON/YAML key, env var, XML element, custom field)
 * the name of a credential? The decision is made on the name's *head noun* (its last meaningful
 * word): `clientSecret`, `API_Key__c`, `SF_PASSWORD_PROD` are credentials; `tokenType`, `passwordField`,
 * `isSecret`, `secretName` are not, because their head is `type`, `field`, a boolean prefix or `name`.
 */

/** Head words that name a credential on their own. */
const SECRET_HEADS = new Set([
  'password', 'passwd', 'pwd', 'passphrase', 'passcode', 'secret', 'token', 'credential', 'credentials', 'creds', 'cred',
  'apikey', 'auth', 'authorization', 'pass', 'privatekey', 'secretkey', 'accesstoken', 'refreshtoken', 'authtoken',
  'clientsecret', 'consumersecret', 'sessiontoken', 'bearertoken', 'sastoken', 'oauthtoken',
]);

/** `<qualifier> key` pairs that are secrets (a bare `key` is not: primaryKey, cacheKey, consumerKey). */
const SECRET_KEY_QUALIFIERS = new Set([
  'api', 'private', 'secret', 'signing', 'encryption', 'master', 'subscription', 'auth', 'session', 'shared',
  'account', 'access', 'app', 'application', 'license', 'hmac', 'jwt', 'ssh', 'client', 'service', 'storage', 'admin',
  'developer', 'partner', 'merchant', 'webhook', 'crypto', 'aes', 'decryption',
]);

/** `<qualifier> token` pairs that are not credentials (pagination, CSRF, design and parser tokens). */
const NON_SECRET_TOKEN_QUALIFIERS = new Set([
  'page', 'next', 'prev', 'previous', 'continuation', 'sync', 'cancel', 'cancellation', 'csrf', 'xsrf', 'design',
  'lexer', 'parser', 'syntax', 'color', 'colour', 'style', 'theme', 'resume', 'change', 'delta', 'cursor', 'marker',
  'idempotency', 'request', 'correlation', 'trace', 'nonce', 'state', 'max', 'min', 'num', 'total', 'input',
  'output', 'completion', 'prompt', 'stop',
]);

/** `<qualifier> pass` pairs where `pass` is not a password. */
const NON_SECRET_PASS_QUALIFIERS = new Set(['first', 'second', 'third', 'last', 'next', 'multi', 'single', 'one', 'two', 'by', 'render', 'build', 'boarding']);

/** Leading words of booleans, actions and settings about a credential rather than the credential itself. */
const NON_SECRET_PREFIXES = new Set([
  'is', 'has', 'have', 'should', 'use', 'uses', 'using', 'enable', 'enabled', 'disable', 'disabled', 'show', 'hide',
  'can', 'allow', 'allows', 'require', 'requires', 'required', 'validate', 'verify', 'reset', 'forgot', 'forgotten',
  'min', 'max', 'num', 'get', 'set', 'on', 'handle', 'toggle', 'needs', 'need', 'must', 'check', 'generate', 'fetch',
  'rotate', 'revoke', 'expire', 'expired', 'obscure', 'mask', 'masked', 'send', 'include', 'no', 'skip',
]);

/** Trailing words that only qualify the head (environment, encoding, custom-object suffixes). */
const STRIPPABLE_SUFFIXES = new Set([
  'c', 'mdt', 'r', 'b', 'value', 'val', 'str', 'string', 'b64', 'base64', 'encoded', 'raw', 'plain', 'plaintext', 'text',
  'hex', 'prod', 'production', 'dev', 'development', 'test', 'qa', 'uat', 'staging', 'stage', 'sandbox', 'sb', 'sit',
  'int', 'live', 'old', 'new', 'backup', 'default', 'main', 'primary', 'secondary', 'local', 'remote', 'env',
]);

/** Any head word or qualified key as a substring: the cheap first test of `mayHoldCredentialName`. */
const CREDENTIAL_NAME_HINT = new RegExp(`${[...SECRET_HEADS].join('|')}|(?:${[...SECRET_KEY_QUALIFIERS].join('|')})[^a-z0-9]*keys?`, 'i');

/** The hint, to find every place it matches (overlapping: `lastIndex` moves one character at a time). */
const CREDENTIAL_NAME_HINT_ALL = new RegExp(CREDENTIAL_NAME_HINT.source, 'gi');
const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/**
 * False when no name in `text` can pass `isCredentialName`: no word of the text (split as `nameWords`
 * splits a name, so `@author` is not `auth`) is a head word, alone or after `get` (getters), and no
 * `key` follows a qualifier. The Apex pre-check (`core/apex/precheck.ts`) uses it to skip the parse;
 * built from the sets above, so it follows them.
 *
 * Words never cross a non-alphanumeric character, so only the runs of letters and digits around a
 * place the hint matches need splitting (the run it starts in, the run before, for a qualifier, and
 * the run it ends in), not the whole file: a 1 MB class has thousands of hint matches but millions of
 * characters. `names.test.ts` checks it against a split of the whole text.
 */
export function mayHoldCredentialName(text: string): boolean {
  if (!CREDENTIAL_NAME_HINT.test(text)) { return false; }
  const re = CREDENTIAL_NAME_HINT_ALL;
  re.lastIndex = 0;
  let checkedTo = -1;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const at = m.index;
    re.lastIndex = at + 1;
    // Inside the runs already split (a qualifier's `key` can reach further: then split again).
    if (at + m[0].length <= checkedTo) { continue; }
    let from = at;
    while (from > 0 && isAlnum(text.charCodeAt(from - 1))) { from--; }
    while (from > 0 && !isAlnum(text.charCodeAt(from - 1))) { from--; }
    while (from > 0 && isAlnum(text.charCodeAt(from - 1))) { from--; }
    let to = at + m[0].length;
    while (to < text.length && isAlnum(text.charCodeAt(to))) { to++; }
    checkedTo = to;
    // The leading space keeps nameWords' namespace rule (`ns__Field`, anchored at the start) from dropping a word.
    const words = nameWords(' ' + text.slice(from, to));
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      if (SECRET_HEADS.has(w) || (w.startsWith('get') && SECRET_HEADS.has(w.slice(3)))) { return true; }
      if ((w === 'key' || w === 'keys') && i > 0 && SECRET_KEY_QUALIFIERS.has(words[i - 1].startsWith('get') ? words[i - 1].slice(3) : words[i - 1])) { return true; }
    }
  }
  return false;
}

/** Splits camelCase, PascalCase, snake_case, kebab-case, dotted and `__c` names into lower-case words. */
export function nameWords(name: string): string[] {
  return name
    .replace(/^[a-z][a-z0-9]{0,14}__(?=[A-Za-z])/i, m => (/__c$|__mdt$/i.test(m) ? m : '')) // namespace prefix ns__Field__c
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d+)(?=$|[^A-Za-z0-9])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .map(w => w.toLowerCase())
    .filter(w => w.length > 0);
}

function before2(words: string[]): string { return words.length > 1 ? words[words.length - 2] : ''; }

/** True when `name` names a credential (password, client secret, API key, token…), not something about one. */
export function isCredentialName(name: string): boolean {
  if (name.length === 0 || name.length > 120) { return false; }
  // Every name that passes has its head word (or qualifier + key) as a substring, which the hint finds: one
  // regex test instead of splitting the name into words (10,800 field names in a WSDL2Apex class).
  if (!CREDENTIAL_NAME_HINT.test(name)) { return false; }
  // Package names (@scope/secret-utils), paths and expressions are not variable or key names.
  if (/[^A-Za-z0-9_.$:\- ]/.test(name.trim())) { return false; }
  let words = nameWords(name);
  // Digits and environment/encoding suffixes after the head: password1, SF_PASSWORD_PROD, Api_Key__c.
  while (words.length > 1 && (STRIPPABLE_SUFFIXES.has(words[words.length - 1]) || /^\d+$/.test(words[words.length - 1]))) {
    words = words.slice(0, -1);
  }
  if (words.length === 0) { return false; }
  if (words.length > 1 && NON_SECRET_PREFIXES.has(words[0])) { return false; }
  // Upper-case runs glue words together: Zendesk_APITOKEN, chatGPTAPIKey ('gptapi' + 'key').
  const glued = /^(.*?)(api|access|auth|secret|client|private)(token|key|secret)$/.exec(words[words.length - 1]);
  if (glued && words[words.length - 1] !== 'apikey') { words = [...words.slice(0, -1), ...(glued[1] ? [glued[1]] : []), glued[2], glued[3]]; }
  else if (words[words.length - 1] === 'key' && /api$/.test(before2(words))) { words = [...words.slice(0, -2), 'api', 'key']; }
  const head = words[words.length - 1];
  const before = words.length > 1 ? words[words.length - 2] : '';
  if (head === 'key' || head === 'keys') {
    if (SECRET_KEY_QUALIFIERS.has(before)) {
      // accessKey / appKey / clientKey alone are usually identifiers; only with a secret-ish lead word.
      if (before === 'access' || before === 'app' || before === 'client' || before === 'application') {
        return words.some(w => w === 'secret' || w === 'private');
      }
      return true;
    }
    return false;
  }
  if (!SECRET_HEADS.has(head)) { return false; }
  if (head === 'token' && NON_SECRET_TOKEN_QUALIFIERS.has(before)) { return false; }
  // namedCredential / externalCredential hold the *name* of a Salesforce credential, not a secret.
  if ((head === 'credential' || head === 'credentials') && (before === 'named' || before === 'external' || before === 'principal')) { return false; }
  if (head === 'pass' && (NON_SECRET_PASS_QUALIFIERS.has(before) || words.length > 3)) { return false; }
  if (head === 'auth' && words.length > 3) { return false; }
  return true;
}
