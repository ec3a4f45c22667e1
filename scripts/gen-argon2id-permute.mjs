// Generates the unrolled BlaMka permutation functions of src/kdf/argon2id.ts (permuteRow, permuteCol,
// permuteColXor bodies): `node scripts/gen-argon2id-permute.mjs row|col|colxor`. test/argon2id-generated.test.ts
// checks that the source still holds exactly what this script prints.
// kind 'row':    v_k = mem[x+o+2k] ^ mem[y+o+2k] (lo; +1 hi); after P, r[o+2k] = v_k
// kind 'col':    v_k = r[o + 32*(k>>1) + 2*(k&1)]; after P, mem[cur+i] = v ^ mem[x+i] ^ mem[y+i]
// kind 'colxor': same, also ^ mem[cur+i] (the old block, version 0x13 from the second pass on)
const kind = process.argv[2]
const I = '  '
const idx = (k) => kind === 'row' ? 2 * k : 32 * (k >> 1) + 2 * (k & 1)
const plus = (n) => (n ? ` + ${n}` : '')
const out = []
// Index expressions wrapped in | 0: V8 then adds without an overflow check (all offsets < 2^31).
const ix = (base, n) => (n ? `(${base} + ${n}) | 0` : base)
if (kind === 'row') out.push(`${I}const xo = (x + o) | 0, yo = (y + o) | 0`)
else out.push(`${I}const xo = (x + o) | 0, yo = (y + o) | 0, zo = (z + o) | 0`)
for (let k = 0; k < 16; k++) {
  const i = idx(k)
  if (kind === "row") out.push(`${I}let v${k}l = mem[${ix('xo', i)}]! ^ mem[${ix('yo', i)}]!, v${k}h = mem[${ix('xo', i + 1)}]! ^ mem[${ix('yo', i + 1)}]!`)
  else out.push(`${I}let v${k}l = r[${ix('o', i)}]!, v${k}h = r[${ix('o', i + 1)}]!`)
}
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
for (let k = 0; k < 16; k++) {
  const i = idx(k)
  for (const [j, v] of [[i, `v${k}l`], [i + 1, `v${k}h`]]) {
    if (kind === 'row') out.push(`${I}r[${ix('o', j)}] = ${v}`)
    else {
      const ex = `mem[${ix('xo', j)}]! ^ mem[${ix('yo', j)}]!` + (kind === 'colxor' ? ` ^ mem[${ix('zo', j)}]!` : '')
      out.push(`${I}mem[${ix('zo', j)}] = ${v} ^ ${ex}`)
    }
  }
}
console.log(out.join('\n'))
