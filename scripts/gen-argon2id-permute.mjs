// Generates the unrolled BlaMka permutation of src/kdf/argon2id.ts (the body of `permute`):
// `node scripts/gen-argon2id-permute.mjs permute`. test/argon2id-generated.test.ts checks that the
// source still holds exactly what this script prints.
// One function serves rows and columns: register k (64-bit word v_k, lo then hi) is at
// r[o + (k >> 1) * a + 2 * (k & 1)], with a = 4 for a row (16 consecutive words) and a = 32 for a
// column (RFC 9106 §3.5: registers Q_i, Q_{i+8}, ..., Q_{i+56}); the result goes back to the same place.
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
const fb = (a, b) => [
  `${I}ua = ${a}l >>> 0; ub = ${b}l >>> 0; lo = (${a}l + ${b}l + (Math.imul(${a}l, ${b}l) << 1)) | 0`,
  `${I}t = ua * TWO_M31 * ub + ((ua + ub - (lo >>> 0)) * TWO_M32 + 0.5)`,
  `${I}${a}h = (${a}h + ${b}h + (t | 0)) | 0; ${a}l = lo`,
]
const gb = (a, b, c, d) => {
  a = 'v' + a; b = 'v' + b; c = 'v' + c; d = 'v' + d
  return [
    `${I}// GB(${a}, ${b}, ${c}, ${d})`,
    ...fb(a, b),
    `${I}p = ${d}l ^ ${a}l; ${d}l = ${d}h ^ ${a}h; ${d}h = p`,
    ...fb(c, d),
    `${I}p = ${b}l ^ ${c}l; q = ${b}h ^ ${c}h; ${b}l = (p >>> 24) | (q << 8); ${b}h = (q >>> 24) | (p << 8)`,
    ...fb(a, b),
    `${I}p = ${d}l ^ ${a}l; q = ${d}h ^ ${a}h; ${d}l = (p >>> 16) | (q << 16); ${d}h = (q >>> 16) | (p << 16)`,
    ...fb(c, d),
    `${I}p = ${b}l ^ ${c}l; q = ${b}h ^ ${c}h; ${b}l = (p << 1) | (q >>> 31); ${b}h = (q << 1) | (p >>> 31)`,
  ]
}
for (const g of [[0, 4, 8, 12], [1, 5, 9, 13], [2, 6, 10, 14], [3, 7, 11, 15], [0, 5, 10, 15], [1, 6, 11, 12], [2, 7, 8, 13], [3, 4, 9, 14]]) out.push(...gb(...g))
for (let k = 0; k < 16; k++) out.push(`${I}r[${at(k, 0)}] = v${k}l; r[${at(k, 1)}] = v${k}h`)
console.log(out.join('\n'))
