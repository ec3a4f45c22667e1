// Generates the unrolled BlaMka permutation of src/kdf/argon2id.ts (the body of `permute`):
// `node scripts/gen-argon2id-permute.mjs permute`. test/argon2id-generated.test.ts checks that the
// source still holds exactly what this script prints.
// One function serves rows and columns: register k (64-bit word v_k, lo then hi) is at
// r[o + (k >> 1) * a + 2 * (k & 1)], with a = 4 for a row (16 consecutive words) and a = 32 for a
// column (RFC 9106 §3.5: registers Q_i, Q_{i+8}, ..., Q_{i+56}); the result goes back to the same place.
//
// P is two half-rounds: GB on the four columns of the 4x4 matrix v0..v15, then on its four
// diagonals (RFC 9106 §3.6). Only the column half-round is written out, in a loop of two: between
// the two, rows 1, 2 and 3 of the matrix are rotated left by 1, 2 and 3 words (by renaming
// locals), which turns the diagonals into columns. That halves the code (~200 bytes gzip of the
// Argon2id entry) for ~10% more time per derivation than the fully unrolled eight GBs, measured
// with V8 in Node 20 (V8 peels the first iteration; the second one pays register moves).
const kind = process.argv[2]
if (kind !== 'permute') throw new Error('usage: node scripts/gen-argon2id-permute.mjs permute')
const I = '  '
const out = []
// Index expressions wrapped in | 0: V8 then adds without an overflow check (all offsets < 2^31).
// b0..b7: the offset of register pair j (words v(2j), v(2j+1)).
out.push(`${I}const b0 = o, b1 = (o + a) | 0, b2 = (b1 + a) | 0, b3 = (b2 + a) | 0, b4 = (b3 + a) | 0, b5 = (b4 + a) | 0, b6 = (b5 + a) | 0, b7 = (b6 + a) | 0`)
const at = (k, hi) => {
  const n = 2 * (k & 1) + hi
  return n ? `(b${k >> 1} + ${n}) | 0` : `b${k >> 1}`
}
for (let k = 0; k < 16; k++) out.push(`${I}let v${k}l = r[${at(k, 0)}]!, v${k}h = r[${at(k, 1)}]!`)
out.push(`${I}let p = 0, q = 0, ua = 0, ub = 0, t = 0, lo = 0`)
const J = I + I
// a = a + b + 2 * lo32(a) * lo32(b) (mod 2^64) on (lo, hi) pairs; the carry formula is explained
// above `permute` in src/kdf/argon2id.ts.
const fb = (a, b) => [
  `${J}ua = ${a}l >>> 0; ub = ${b}l >>> 0; lo = (${a}l + ${b}l + (imul(${a}l, ${b}l) << 1)) | 0`,
  `${J}t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32`,
  `${J}${a}h = (${a}h + ${b}h + (t | 0)) | 0; ${a}l = lo`,
]
const gb = (a, b, c, d) => {
  a = 'v' + a; b = 'v' + b; c = 'v' + c; d = 'v' + d
  return [
    `${J}// GB(${a}, ${b}, ${c}, ${d})`,
    ...fb(a, b),
    `${J}p = ${d}l ^ ${a}l; ${d}l = ${d}h ^ ${a}h; ${d}h = p`,
    ...fb(c, d),
    `${J}p = ${b}l ^ ${c}l; q = ${b}h ^ ${c}h; ${b}l = (p >>> 24) | (q << 8); ${b}h = (q >>> 24) | (p << 8)`,
    ...fb(a, b),
    `${J}p = ${d}l ^ ${a}l; q = ${d}h ^ ${a}h; ${d}l = (p >>> 16) | (q << 16); ${d}h = (q >>> 16) | (p << 16)`,
    ...fb(c, d),
    `${J}p = ${b}l ^ ${c}l; q = ${b}h ^ ${c}h; ${b}l = (p << 1) | (q >>> 31); ${b}h = (q << 1) | (p >>> 31)`,
  ]
}
out.push(`${I}for (let k = 0; k < 2; k++) {`)
for (const g of [[0, 4, 8, 12], [1, 5, 9, 13], [2, 6, 10, 14], [3, 7, 11, 15]]) out.push(...gb(...g))
// Row 1 left by one word, row 2 by two, row 3 by three: the columns now hold what were the
// diagonals (v0, v5, v10, v15), (v1, v6, v11, v12), (v2, v7, v8, v13), (v3, v4, v9, v14).
out.push(`${J}// rows 1, 2, 3 rotated left by 1, 2, 3 words: the diagonals become the columns`)
for (const h of ['l', 'h']) {
  out.push(`${J}p = v4${h}; v4${h} = v5${h}; v5${h} = v6${h}; v6${h} = v7${h}; v7${h} = p`)
  out.push(`${J}p = v8${h}; v8${h} = v10${h}; v10${h} = p; p = v9${h}; v9${h} = v11${h}; v11${h} = p`)
  out.push(`${J}p = v15${h}; v15${h} = v14${h}; v14${h} = v13${h}; v13${h} = v12${h}; v12${h} = p`)
}
out.push(`${I}}`)
// Two rotations leave row 1 and row 3 rotated left by two words (row 2 by four, that is not at
// all): local v_k now holds word PLACE[k], and is stored there.
const PLACE = [0, 1, 2, 3, 6, 7, 4, 5, 8, 9, 10, 11, 14, 15, 12, 13]
for (let k = 0; k < 16; k++) out.push(`${I}r[${at(PLACE[k], 0)}] = v${k}l; r[${at(PLACE[k], 1)}] = v${k}h`)
console.log(out.join('\n'))
