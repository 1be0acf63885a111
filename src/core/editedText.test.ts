import { strict as assert } from 'assert';
import { EditedRegexTest, changedSpan } from './editedText';

describe('changedSpan', () => {
  it('gives the span two texts differ in, from both ends', () => {
    assert.deepStrictEqual(changedSpan('abcdef', 'abXdef'), { start: 2, beforeEnd: 3, afterEnd: 3 });
    assert.deepStrictEqual(changedSpan('abcdef', 'abcXdef'), { start: 3, beforeEnd: 3, afterEnd: 4 });
    assert.deepStrictEqual(changedSpan('abcdef', 'abdef'), { start: 2, beforeEnd: 3, afterEnd: 2 });
    assert.deepStrictEqual(changedSpan('same', 'same'), { start: 4, beforeEnd: 4, afterEnd: 4 });
    assert.deepStrictEqual(changedSpan('', 'new'), { start: 0, beforeEnd: 0, afterEnd: 3 });
    // Repeated text: the prefix and suffix never overlap.
    assert.deepStrictEqual(changedSpan('aaaa', 'aaaaa'), { start: 4, beforeEnd: 4, afterEnd: 5 });
  });

  it('agrees with a character-by-character comparison on long texts (block compares)', () => {
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor(seed / 2147483648 * n); };
    const base = Array.from({ length: 30_000 }, () => 'ab c\n'[rnd(5)]).join('');
    for (let i = 0; i < 200; i++) {
      const s = rnd(base.length), e = s + rnd(20);
      const after = base.slice(0, s) + 'xyz'.slice(0, rnd(4)) + base.slice(e);
      let p = 0;
      while (p < base.length && p < after.length && base[p] === after[p]) { p++; }
      let q = 0;
      while (q < base.length - p && q < after.length - p && base[base.length - 1 - q] === after[after.length - 1 - q]) { q++; }
      assert.deepStrictEqual(changedSpan(base, after), { start: p, beforeEnd: base.length - q, afterEnd: after.length - q }, `edit ${i}`);
    }
  });
});

describe('EditedRegexTest', () => {
  const keywords = ['bearer', 'sk_live_', 'eyj', 'sig=', 'private key'];
  const re = new RegExp(keywords.map(k => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');

  it('answers as the regex does after every random edit, typing keywords in and out', () => {
    let seed = 11;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor(seed / 2147483648 * n); };
    const memo = new EditedRegexTest(re, Math.max(...keywords.map(k => k.length)), { minChars: 0 });
    let text = Array.from({ length: 20_000 }, () => 'abcdefgh ijklmnop\n'[rnd(18)]).join('');
    let regional = 0;
    for (let i = 0; i < 3000; i++) {
      const at = rnd(text.length + 1);
      const kind = rnd(4);
      if (kind === 0 && text.length) { text = text.slice(0, at) + text.slice(at + 1 + rnd(12)); }
      else if (kind === 1) { text = text.slice(0, at) + 'BEARER sk_live_ eyJ sig= private key'.slice(rnd(30)).slice(0, 1 + rnd(8)) + text.slice(at); }
      else if (kind === 2) {
        // A keyword typed one character per edit, from its first character or from its last one backwards.
        const k = keywords[rnd(keywords.length)];
        const backwards = rnd(2) === 1;
        for (let c = 0; c < k.length; c++) {
          text = backwards ? text.slice(0, at) + k[k.length - 1 - c] + text.slice(at) : text.slice(0, at + c) + k[c] + text.slice(at + c);
          assert.strictEqual(memo.test(text), re.test(text), `edit ${i}, typing ${k}`);
        }
      } else { text = text.slice(0, at) + 'xy'.slice(rnd(2)) + text.slice(at); }
      // Now and then drop every keyword again, so that the memo has a text with no match to start from.
      if (i % 6 === 5) { text = text.replace(new RegExp(re.source, 'gi'), ''); }
      const before = memo.regionalTests;
      assert.strictEqual(memo.test(text), re.test(text), `edit ${i}`);
      if (memo.regionalTests > before) { regional++; }
    }
    assert.ok(regional > 500, `the regional path ran ${regional} times`);
  });

  it('answers as the regex does when a match may hold a run of white space of any length (`@ RestResource`)', () => {
    const exposed = /@\s*(restresource|auraenabled)\b|\bwebservice\b/i;
    let seed = 5;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor(seed / 2147483648 * n); };
    const memo = new EditedRegexTest(exposed, 20, { run: /\s/, minChars: 0 });
    const pieces = ['@', 'RestResource', 'AuraEnabled', 'webservice', 'WebServiceCallout', ' ', '\n', ' '.repeat(1 + rnd(300)), 'x', '@x'];
    let text = Array.from({ length: 4000 }, () => 'ab cd\n'[rnd(6)]).join('');
    let regional = 0, yes = 0;
    for (let i = 0; i < 4000; i++) {
      const at = rnd(text.length + 1);
      if (rnd(3) === 0) { text = text.slice(0, at) + text.slice(at + 1 + rnd(40)); } else { text = text.slice(0, at) + pieces[rnd(pieces.length)] + text.slice(at); }
      // A piece typed at the end of a long run of white space after an `@`, or before one, now and then.
      if (i % 7 === 3) { const w = text.indexOf('@'); if (w >= 0) { text = text.slice(0, w + 1) + ' '.repeat(50 + rnd(200)) + text.slice(w + 1); } }
      if (i % 9 === 8) { text = text.replace(/@|webservice/gi, ''); }
      const before = memo.regionalTests;
      const want = exposed.test(text);
      assert.strictEqual(memo.test(text), want, `edit ${i}`);
      if (memo.regionalTests > before) { regional++; }
      if (want) { yes++; }
    }
    assert.ok(regional > 1000 && yes > 500 && yes < 3500, `regional ${regional}, matches ${yes}`);
  });

  it('reads the whole text when the texts are unrelated, and below its minimum size', () => {
    const memo = new EditedRegexTest(/needle/, 6, { minChars: 100 });
    const small = 'x'.repeat(50);
    assert.strictEqual(memo.test(small), false);
    assert.strictEqual(memo.test(small + 'needle'), true);
    const big = 'y'.repeat(1000);
    assert.strictEqual(memo.test(big), false);
    assert.strictEqual(memo.test('needle' + 'z'.repeat(1000)), true);
    assert.strictEqual(memo.regionalTests, 0);
    assert.strictEqual(memo.test(big), false);
    assert.strictEqual(memo.test(big.slice(0, 500) + 'needle' + big.slice(500)), true, 'typed into a text with no match');
    assert.strictEqual(memo.regionalTests, 0, 'a match in the window is confirmed on the whole text');
    assert.strictEqual(memo.test(big.slice(0, 500) + 'needle' + big.slice(500, 900) + 'q' + big.slice(900)), true, 'an edit far from the match');
    assert.strictEqual(memo.regionalTests, 1);
  });

  it('does not let the regex flags carry state between calls (a global regex keeps lastIndex)', () => {
    const memo = new EditedRegexTest(/ab/g, 2, { minChars: 0 });
    assert.strictEqual(memo.test('xxab'), true);
    assert.strictEqual(memo.test('xxab'), true);
  });
});
