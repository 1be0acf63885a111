import * as assert from 'assert';
import { LineIndex } from './position';

describe('LineIndex.afterEdit', () => {
  it('equals a fresh index after random edits (\\n, \\r\\n and lone \\r line breaks, edits that split or join a \\r\\n)', () => {
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const pieces = ['a', 'bc', ' ', '\n', '\r\n', '\r', 'xyz\n', '\r\n\r\n', ''];
    for (let round = 0; round < 2000; round++) {
      let text = '';
      for (let n = Math.floor(rnd() * 12); n > 0; n--) { text += pieces[Math.floor(rnd() * pieces.length)]; }
      const before = new LineIndex(text);
      const s = Math.floor(rnd() * (text.length + 1));
      const e = s + Math.floor(rnd() * (text.length - s + 1));
      let ins = '';
      for (let n = Math.floor(rnd() * 3); n > 0; n--) { ins += pieces[Math.floor(rnd() * pieces.length)]; }
      const after = text.slice(0, s) + ins + text.slice(e);
      const got = LineIndex.afterEdit(before, after, s, e, s + ins.length);
      const want = new LineIndex(after);
      assert.strictEqual(got.lineCount, want.lineCount, JSON.stringify({ text, s, e, ins }));
      for (let o = 0; o <= after.length; o++) {
        assert.deepStrictEqual(got.positionAt(o), want.positionAt(o), JSON.stringify({ text, s, e, ins, o }));
      }
    }
  });
});
