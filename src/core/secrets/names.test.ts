import * as assert from 'assert';
import { mayHoldCredentialName, nameWords } from './names';

/** The definition `mayHoldCredentialName` must keep: split the whole text into words, then look for a head word or a qualified key. */
function byWholeSplit(text: string): boolean {
  const heads = ['password', 'passwd', 'pwd', 'passphrase', 'passcode', 'secret', 'token', 'credential', 'credentials', 'creds', 'cred',
    'apikey', 'auth', 'authorization', 'pass', 'privatekey', 'secretkey', 'accesstoken', 'refreshtoken', 'authtoken',
    'clientsecret', 'consumersecret', 'sessiontoken', 'bearertoken', 'sastoken', 'oauthtoken'];
  const qualifiers = ['api', 'private', 'secret', 'signing', 'encryption', 'master', 'subscription', 'auth', 'session', 'shared',
    'account', 'access', 'app', 'application', 'license', 'hmac', 'jwt', 'ssh', 'client', 'service', 'storage', 'admin',
    'developer', 'partner', 'merchant', 'webhook', 'crypto', 'aes', 'decryption'];
  const words = nameWords(text);
  const unget = (w: string) => (w.startsWith('get') ? w.slice(3) : w);
  return words.some((w, i) => heads.includes(w) || (w.startsWith('get') && heads.includes(w.slice(3)))
    || ((w === 'key' || w === 'keys') && i > 0 && qualifiers.includes(unget(words[i - 1]))));
}

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  return () => { seed |= 0; seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

describe('mayHoldCredentialName', () => {
  it('finds head words and qualified keys however the name is written', () => {
    for (const t of ['String clientSecret = x;', 'api_key', 'x.getPassword()', "'Api-Key'", 'PRIVATE_KEY', 'privateKey', 'SF_PASSWORD_PROD', 'app key', 'authToken', 'getApiKeys']) {
      assert.strictEqual(mayHoldCredentialName(t), true, t);
    }
    for (const t of ['@author Jane', 'Tokens', 'passport', 'monkey', 'primaryKey', 'consumerKey', 'tokenizer', '']) {
      assert.strictEqual(mayHoldCredentialName(t), false, t);
    }
  });

  it('says what a split of the whole text into words says, on 20,000 generated texts', () => {
    const vocab = ['api', 'Api', 'API', 'key', 'Key', 'KEY', 'keys', 'token', 'Token', 'TOKEN', 'tokens', 'pass', 'Pass', 'password', 'secret',
      'Secret', 'auth', 'Auth', 'author', 'get', 'Get', 'private', 'Private', 'client', 'app', 'application', 'Application', 'x', 'X', 'foo', 'Bar',
      'monkey', 'passport', 'pwd', 'creds', 'access', 'Access', 'subscription', 'record', '1', '42', 'a1', 'ns', 'c', 'mdt', 'oauth', 'bearer'];
    const seps = ['', '', '', '_', '__', '-', '.', ' ', '\n', "'", '(', '@', '$', '0', 'é'];
    const next = rng(13);
    const pick = <T>(a: readonly T[]) => a[Math.floor(next() * a.length)];
    for (let i = 0; i < 20000; i++) {
      let t = ' ';
      const n = 1 + Math.floor(next() * 8);
      for (let j = 0; j < n; j++) { t += pick(vocab) + pick(seps); }
      assert.strictEqual(mayHoldCredentialName(t), byWholeSplit(t), JSON.stringify(t));
    }
  });
});
