/**
 * Bytes of a source file to text. UTF-8 (BOM dropped) is the norm; UTF-16 with a BOM, or without
 * one when the zero bytes say so, is decoded as UTF-16 (Windows tools write it); bytes that are not
 * valid UTF-8 are read as Latin-1 (one byte, one character), with or without a BOM before them, so
 * accents stay accents and no run of U+FFFD hides a secret's characters. The one decoder of files
 * (scan, --staged, fix): `fix` edits the text `scan` found in and
 * writes it back with `encodeFile` in the same encoding. Never throws.
 */
export type TextEncoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be' | 'latin1' | 'latin1-bom';

/** Whether `decodeText` reads these bytes as UTF-16 (`apiguard fix` does not rewrite such files). */
export function isUtf16(buf: Uint8Array): boolean {
  return (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) || utf16Guess(buf) !== undefined;
}

export function decodeText(buf: Uint8Array, length = buf.length): { text: string; encoding: TextEncoding } {
  const b = length === buf.length ? buf : buf.subarray(0, length);
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
    // A BOM does not make invalid bytes UTF-8: after it, the same rule as without one.
    const body = b.subarray(3);
    try { return { text: strictUtf8.decode(body), encoding: 'utf8-bom' }; } catch { return { text: latin1(body), encoding: 'latin1-bom' }; }
  }
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) { return { text: utf16(b.subarray(2), 'le'), encoding: 'utf16le' }; }
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) { return { text: utf16(b.subarray(2), 'be'), encoding: 'utf16be' }; }
  const guess = utf16Guess(b);
  if (guess) { return { text: utf16(b, guess), encoding: guess === 'le' ? 'utf16le' : 'utf16be' }; }
  try { return { text: strictUtf8.decode(b), encoding: 'utf8' }; } catch { return { text: latin1(b), encoding: 'latin1' }; }
}

/** Fatal on invalid bytes; a BOM is text here (decodeText drops a leading one itself). */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** One byte, one character (U+0000-U+00FF), so that the bytes come back unchanged: not windows-1252's mapping. */
function latin1(b: Uint8Array): string { return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1'); }

function utf16(b: Uint8Array, order: 'le' | 'be'): string {
  const even = b.length - (b.length % 2);
  if (order === 'le') { return new TextDecoder('utf-16le').decode(b.subarray(0, even)); }
  const swapped = new Uint8Array(even);
  for (let i = 0; i < even; i += 2) { swapped[i] = b[i + 1]; swapped[i + 1] = b[i]; }
  return new TextDecoder('utf-16le').decode(swapped);
}

/**
 * BOM-less UTF-16: text in Latin script has a zero byte in (nearly) every other position and almost
 * none in the others. Judged on the first 4 KB; at least 8 characters.
 */
function utf16Guess(b: Uint8Array): 'le' | 'be' | undefined {
  const n = Math.min(b.length, 4096) & ~1;
  if (n < 16) { return undefined; }
  let zeroOdd = 0, zeroEven = 0, textEven = 0, textOdd = 0;
  const isText = (c: number) => (c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) { zeroEven++; } else if (isText(b[i])) { textEven++; }
    if (b[i + 1] === 0) { zeroOdd++; } else if (isText(b[i + 1])) { textOdd++; }
  }
  const pairs = n / 2;
  // The other byte of each pair must be mostly printable ASCII, or binary with a zero pattern would pass.
  if (zeroOdd >= pairs * 0.4 && zeroEven <= pairs * 0.02 && textEven >= pairs * 0.9) { return 'le'; }
  if (zeroEven >= pairs * 0.4 && zeroOdd <= pairs * 0.02 && textOdd >= pairs * 0.9) { return 'be'; }
  return undefined;
}
