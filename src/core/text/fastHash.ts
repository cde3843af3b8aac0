/**
 * MurmurHash3 x86 128-bit (seed 0) of a string's UTF-16LE code units, written into
 * out[offset .. offset+4) as four 32-bit words. Not cryptographic: it is the embedding cache's key
 * because it is several times faster than SHA-256 on short texts (hashing is most of the cost of
 * re-opening a cached corpus), and 128 bits make an accidental collision negligible
 * (about 1e-27 for a million texts).
 */
export function hash128(text: string, out: Uint32Array | Int32Array, offset = 0): void {
  const n = text.length;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  const c1 = 0x239b961b;
  const c2 = 0xab0e9789;
  const c3 = 0x38b34ae5;
  const c4 = 0xa1e38b93;
  const blocks = n - (n & 7);
  let i = 0;
  for (; i < blocks; i += 8) {
    let k1 = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    let k2 = text.charCodeAt(i + 2) | (text.charCodeAt(i + 3) << 16);
    let k3 = text.charCodeAt(i + 4) | (text.charCodeAt(i + 5) << 16);
    let k4 = text.charCodeAt(i + 6) | (text.charCodeAt(i + 7) << 16);

    k1 = Math.imul(k1, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, c2);
    h1 ^= k1;
    h1 = (h1 << 19) | (h1 >>> 13);
    h1 = (h1 + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;

    k2 = Math.imul(k2, c2);
    k2 = (k2 << 16) | (k2 >>> 16);
    k2 = Math.imul(k2, c3);
    h2 ^= k2;
    h2 = (h2 << 17) | (h2 >>> 15);
    h2 = (h2 + h3) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;

    k3 = Math.imul(k3, c3);
    k3 = (k3 << 17) | (k3 >>> 15);
    k3 = Math.imul(k3, c4);
    h3 ^= k3;
    h3 = (h3 << 15) | (h3 >>> 17);
    h3 = (h3 + h4) | 0;
    h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;

    k4 = Math.imul(k4, c4);
    k4 = (k4 << 18) | (k4 >>> 14);
    k4 = Math.imul(k4, c1);
    h4 ^= k4;
    h4 = (h4 << 13) | (h4 >>> 19);
    h4 = (h4 + h1) | 0;
    h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
  }
  // Tail: up to 7 code units, i.e. 14 bytes, in words k1..k4 as the reference fall-through does.
  const rest = n - i;
  if (rest > 0) {
    let k1 = 0;
    let k2 = 0;
    let k3 = 0;
    let k4 = 0;
    for (let u = 0; u < rest; u++) {
      const v = text.charCodeAt(i + u) << ((u & 1) * 16);
      if (u < 2) k1 |= v;
      else if (u < 4) k2 |= v;
      else if (u < 6) k3 |= v;
      else k4 |= v;
    }
    if (rest > 6) {
      k4 = Math.imul(k4, c4);
      k4 = (k4 << 18) | (k4 >>> 14);
      h4 ^= Math.imul(k4, c1);
    }
    if (rest > 4) {
      k3 = Math.imul(k3, c3);
      k3 = (k3 << 17) | (k3 >>> 15);
      h3 ^= Math.imul(k3, c4);
    }
    if (rest > 2) {
      k2 = Math.imul(k2, c2);
      k2 = (k2 << 16) | (k2 >>> 16);
      h2 ^= Math.imul(k2, c3);
    }
    k1 = Math.imul(k1, c1);
    k1 = (k1 << 15) | (k1 >>> 17);
    h1 ^= Math.imul(k1, c2);
  }
  const bytes = n * 2;
  h1 ^= bytes;
  h2 ^= bytes;
  h3 ^= bytes;
  h4 ^= bytes;
  h1 = (h1 + h2) | 0;
  h1 = (h1 + h3) | 0;
  h1 = (h1 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix32(h1);
  h2 = fmix32(h2);
  h3 = fmix32(h3);
  h4 = fmix32(h4);
  h1 = (h1 + h2) | 0;
  h1 = (h1 + h3) | 0;
  h1 = (h1 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  out[offset] = h1;
  out[offset + 1] = h2;
  out[offset + 2] = h3;
  out[offset + 3] = h4;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** hash128 as 32 hex digits (the reference implementation's byte order: h1..h4 big-endian). */
export function hash128Hex(text: string): string {
  const out = new Uint32Array(4);
  hash128(text, out);
  let s = '';
  for (let w = 0; w < 4; w++) s += out[w].toString(16).padStart(8, '0');
  return s;
}
