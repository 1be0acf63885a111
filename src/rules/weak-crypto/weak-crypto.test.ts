import * as assert from 'assert';
import { Engine, type LintOptions } from '../../core/engine';
import { initApexParser, setReadyParser } from '../../core/apex/parser';
import { locateApexAssets } from '../../node/assets';
import rule from './index';
import { underlined } from '../../core/testkit';

/** Each finding as `line:source text of its range` (1-based line), in order. */
function found(engine: Engine, src: string, opts: LintOptions = {}): string[] {
  const r = engine.lint('/p/force-app/main/default/classes/Sample.cls', src, opts);
  return underlined(src, r.findings.filter(f => f.ruleId === 'weak-crypto'));
}

const cases: Array<{ name: string; src: string; expect: string[] }> = [
  {
    name: 'webhook signature checker: MD5 and SHA1 digests and an HMAC-SHA1, any case, also through a constant',
    src: `public with sharing class WebhookSignature {
    private static final String LEGACY_ALGORITHM = 'sha1';
    private static final String ALGO = 'hmacSHA256';

    public static String checksum(String payload) {
        Blob digest = Crypto.generateDigest('MD5', Blob.valueOf(payload));
        return EncodingUtil.convertToHex(digest);
    }

    public static String legacyChecksum(String payload) {
        return EncodingUtil.convertToHex(Crypto.generateDigest(LEGACY_ALGORITHM, Blob.valueOf(payload)));
    }

    public static Boolean verify(String payload, String signature, Blob secret) {
        Blob mac = Crypto.generateMac('hmacSHA1', Blob.valueOf(payload), secret);
        Blob good = System.Crypto.generateMac(ALGO, Blob.valueOf(payload), secret);
        Blob sha = Crypto.generateDigest('SHA-256', Blob.valueOf(payload));
        Blob sha512 = Crypto.generateDigest('SHA512', Blob.valueOf(payload));
        return EncodingUtil.base64Encode(mac) == signature;
    }
}`,
    expect: ["6:'MD5'", '11:LEGACY_ALGORITHM', "15:'hmacSHA1'"],
  },
  {
    name: 'encryption helper with a literal key, a base64 key constant and a fixed IV',
    src: `public class FieldCipher {
    private static final Blob KEY = EncodingUtil.base64Decode('q83vEjRWeJC6ze8SNFZ4kLrN7xI0VniQ');
    private static final String KEY_TEXT = '0123456789abcdef';
    private static final Blob IV = Blob.valueOf('0000000000000000');

    public static String encrypt(String clear) {
        Blob data = Crypto.encryptWithManagedIV('AES256', KEY, Blob.valueOf(clear));
        return EncodingUtil.base64Encode(data);
    }

    public static String decrypt(String cipherText) {
        Blob data = Crypto.decryptWithManagedIV('AES128', Blob.valueOf('0123456789abcdef'), EncodingUtil.base64Decode(cipherText));
        return data.toString();
    }

    public static Blob encryptFixed(Blob clear) {
        return Crypto.encrypt('AES128', Blob.valueOf(KEY_TEXT), IV, clear);
    }
}`,
    // Reported where each key or IV is written (one problem, one finding), the calls as related locations.
    expect: ["2:'q83vEjRWeJC6ze8SNFZ4kLrN7xI0VniQ'", "3:'0123456789abcdef'", "4:'0000000000000000'", "12:'0123456789abcdef'"],
  },
  {
    name: 'keys generated or read from protected settings are not reported',
    src: `public with sharing class TokenVault {
    private static Blob cachedKey;

    private static Blob key() {
        if (cachedKey == null) {
            Crypto_Setting__mdt cfg = Crypto_Setting__mdt.getInstance('Default');
            cachedKey = EncodingUtil.base64Decode(cfg.Key__c);
        }
        return cachedKey;
    }

    public static String seal(String value) {
        Blob aesKey = Crypto.generateAesKey(256);
        Blob sealed = Crypto.encryptWithManagedIV('AES256', key(), Blob.valueOf(value));
        Blob iv = Crypto.generateAesKey(128);
        Blob other = Crypto.encrypt('AES128', aesKey, iv, Blob.valueOf(value));
        return EncodingUtil.base64Encode(sealed);
    }

    public static Blob open(Blob sealed, String keyParam) {
        return Crypto.decryptWithManagedIV('AES256', EncodingUtil.base64Decode(keyParam), sealed);
    }

    public static Blob digest(String s) {
        return Crypto.generateDigest('SHA-512', Blob.valueOf(s));
    }
}`,
    expect: [],
  },
  {
    name: 'RSA-SHA1 signatures; RSA-SHA256 is fine',
    src: `public class JwtSigner {
    public static Blob signLegacy(String input, Blob privateKey) {
        return Crypto.sign('RSA-SHA1', Blob.valueOf(input), privateKey);
    }
    public static Blob signModern(String input, Blob privateKey) {
        return Crypto.sign('RSA-SHA256', Blob.valueOf(input), privateKey);
    }
    public static Blob signCert(String input) {
        return Crypto.signWithCertificate('RSA-SHA256', Blob.valueOf(input), 'My_Cert');
    }
}`,
    expect: ["3:'RSA-SHA1'"],
  },
  {
    // Found validating on public code: an HMAC key in a static final Blob and a PKCS#8 private key
    // decoded from a base64 literal went unreported because only encrypt/decrypt keys were checked.
    name: 'HMAC and signing keys written in the code (inline, local, constant); keys from settings or parameters are fine',
    src: `public with sharing class PartnerWebhook {
    private static final Blob SHARED_KEY = Blob.valueOf('partner-hook-2019');
    private static final Blob SIGNER = EncodingUtil.base64Decode('MIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEAq7x');

    public static Blob mac(String body) {
        return Crypto.generateMac('hmacSHA256', Blob.valueOf(body), SHARED_KEY);
    }
    public static Boolean check(String body, Blob given) {
        Blob k = Blob.valueOf('partner-hook-2019');
        return Crypto.verifyHMac('hmacSHA256', Blob.valueOf(body), k, given);
    }
    public static Blob macInline(String body) {
        return Crypto.generateMac('hmacSHA512', Blob.valueOf(body), Blob.valueOf('partner-hook-2019'));
    }
    public static Blob signBody(String body) {
        return Crypto.sign('RSA-SHA256', Blob.valueOf(body), SIGNER);
    }
    public static Blob macFromSetting(String body) {
        Blob key = EncodingUtil.base64Decode(Webhook_Setting__mdt.getInstance('Partner').Key__c);
        return Crypto.generateMac('hmacSHA256', Blob.valueOf(body), key);
    }
    public static Boolean verifyWith(Blob data, Blob signature, Blob publicKey) {
        return Crypto.verify('RSA-SHA256', data, signature, publicKey);
    }
}`,
    expect: ["2:'partner-hook-2019'", "3:'MIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEAq7x'", "9:'partner-hook-2019'", "13:'partner-hook-2019'"],
  },
  {
    name: 'another class called Crypto-like helper and other generateDigest methods are not Salesforce Crypto',
    src: `public class Hashing {
    public static String hash(String s) {
        return MyCrypto.generateDigest('MD5', s);
    }
    public static String note() {
        String algo = 'MD5';
        return 'We no longer use ' + algo;
    }
}`,
    expect: [],
  },
];

describe('weak-crypto', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine([rule]); });

  for (const c of cases) {
    it(c.name, () => { assert.deepStrictEqual(found(engine, c.src), c.expect); });
  }

  it('is silent inside @IsTest classes unless tests are included', () => {
    const src = `@IsTest
private class CipherTest {
    @IsTest
    static void roundTrip() {
        Blob key = Blob.valueOf('0123456789abcdef');
        Blob data = Crypto.encryptWithManagedIV('AES128', key, Blob.valueOf('x'));
        Blob d = Crypto.generateDigest('MD5', data);
        System.assertNotEquals(null, d);
    }
}`;
    assert.deepStrictEqual(found(engine, src), []);
    assert.deepStrictEqual(found(engine, src, { includeTests: true }), ["5:'0123456789abcdef'", "7:'MD5'"]);
  });

  it('a key used by several calls is one finding where it is written, each call a related location', () => {
    const src = `public with sharing class Signer {
    private static final Blob HMAC_SALT = Blob.valueOf('partner-hook-2019-k3y');
    public static Blob sign(String payload) {
        return Crypto.generateMac('hmacSHA256', Blob.valueOf(payload), HMAC_SALT);
    }
    public static Boolean verify(String payload, Blob sig) {
        return Crypto.verifyHMac('hmacSHA256', Blob.valueOf(payload), HMAC_SALT, sig);
    }
}`;
    const r = engine.lint('/p/classes/Signer.cls', src).findings;
    assert.deepStrictEqual(underlined(src, r), ["2:'partner-hook-2019-k3y'"]);
    assert.deepStrictEqual((r[0].related ?? []).map(x => `${x.range.start.line + 1}:${x.message}`),
      ['4:Used as the secret key of Crypto.generateMac here.', '7:Used as the secret key of Crypto.verifyHMac here.']);
  });

  it('honours a disable comment (reported as suppressed)', () => {
    const src = `public class Gravatar {
    public static String url(String email) {
        // apiguard-disable-next-line weak-crypto -- Gravatar requires MD5 of the e-mail address
        Blob h = Crypto.generateDigest('MD5', Blob.valueOf(email.trim().toLowerCase()));
        return 'https://www.gravatar.com/avatar/' + EncodingUtil.convertToHex(h);
    }
}`;
    const r = engine.lint('/p/classes/Gravatar.cls', src);
    assert.strictEqual(r.findings.length, 1);
    assert.ok(r.findings[0].suppressed, 'suppressed');
  });

  it('a half-typed class does not throw', () => {
    const r = engine.lint('/p/classes/Half.cls', `public class Half {\n  void m() { Blob d = Crypto.generateDigest('MD5', \n`);
    assert.ok(Array.isArray(r.findings));
    assert.ok(!r.notes.some(n => n.code === 'internal-error'), JSON.stringify(r.notes));
  });
});
