// An independent implementation of evaluator-core/BUCKETING.md (XXH64 in
// BigInt over TextEncoder's UTF-8), the oracle for what the engine's context
// writer feeds the core's bucketing. Checked against the document's worked
// example by engine.test.mjs.
const MASK = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

const rotl = (x, r) => ((x << BigInt(r)) | (x >> BigInt(64 - r))) & MASK;
const round = (acc, lane) => (rotl((acc + lane * P2) & MASK, 31) * P1) & MASK;
const merge = (acc, value) => (((acc ^ round(0n, value)) * P1) + P4) & MASK;

/** XXH64 with seed 0. */
export function xxh64(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = bytes.length;
  let i = 0;
  let h;
  if (len >= 32) {
    const v = [(P1 + P2) & MASK, P2, 0n, (MASK + 1n - P1) & MASK];
    for (; i + 32 <= len; i += 32) {
      for (let lane = 0; lane < 4; lane++) v[lane] = round(v[lane], view.getBigUint64(i + 8 * lane, true));
    }
    h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & MASK;
    for (const lane of v) h = merge(h, lane);
  } else {
    h = P5;
  }
  h = (h + BigInt(len)) & MASK;
  for (; i + 8 <= len; i += 8) h = ((rotl(h ^ round(0n, view.getBigUint64(i, true)), 27) * P1) + P4) & MASK;
  if (i + 4 <= len) {
    h = ((rotl(h ^ ((BigInt(view.getUint32(i, true)) * P1) & MASK), 23) * P2) + P3) & MASK;
    i += 4;
  }
  for (; i < len; i++) h = (rotl(h ^ ((BigInt(bytes[i]) * P5) & MASK), 11) * P1) & MASK;
  h = ((h ^ (h >> 33n)) * P2) & MASK;
  h = ((h ^ (h >> 29n)) * P3) & MASK;
  return h ^ (h >> 32n);
}

const utf8 = (text) => new TextEncoder().encode(text);

/** The bucket (0..99999) of `value` for a rule's purpose (`traffic` or `variation`). */
export function bucket(flagKey, ruleId, purpose, value) {
  const pair = new DataView(new ArrayBuffer(16));
  pair.setBigUint64(0, xxh64(utf8(`${flagKey}/${ruleId}/${purpose}`)), true);
  pair.setBigUint64(8, xxh64(utf8(String(value))), true);
  return Number((xxh64(new Uint8Array(pair.buffer)) * 100000n) >> 64n);
}
