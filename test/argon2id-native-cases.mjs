// The Argon2id differential cases against Node's native argon2 (node:crypto argon2Sync, OpenSSL),
// shared by four places:
//   - scripts/gen-argon2id-native.mjs, run under Node 24, recorded Node 24's tags for them in
//     vectors/argon2id-native-node24.json;
//   - test/argon2id.test.ts (`npm test`, any Node >= 20, nothing downloaded) checks that the file
//     holds exactly these cases and that the TypeScript Argon2id gives the recorded tags;
//   - the runtime matrix's `argon2id-native` check (`npm run test:runtimes`, CI) recomputes the tags
//     with the real Node 24 and 26 binaries and compares them with the file, so the recorded answers
//     are the native ones (a live differential, split across two commands);
//   - test/argon2id-wasm.test.ts draws its own cases with the WASM shape and uses the same PRNG,
//     case type and REFERENCE_SCRIPT for its live Node 24 comparison.
// Plain JavaScript so that both vitest and a bare Node can load it. Dev tooling only.

/** A small seeded PRNG (mulberry32) so the random cases are the same on every run. */
export function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const toHex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')

export const SEED = 0x5eed_a2
export const COUNT = 30

/**
 * How the random cases are drawn. NATIVE is the shape of the recorded differential cases (never
 * change it: vectors/argon2id-native-node24.json holds its output for SEED and COUNT); WASM is the
 * WebAssembly fill's test (test/argon2id-wasm.test.ts), with larger memories.
 */
export const NATIVE = Object.freeze({
  emptyFirstPassword: true,
  memory: (int, rnd, parallelism) => int(8 * parallelism, 256),
  lastMemory: 1100,
})
export const WASM = Object.freeze({
  emptyFirstPassword: false,
  // Up to 3000 KiB: segments longer than one fill call (256 blocks) and several address blocks.
  memory: (int, rnd, parallelism) => (rnd() < 0.3 ? int(1100, 3000) : int(8 * parallelism, 300)),
  // A segment of 275 blocks: the second fill call of the first segment starts inside an address block.
  lastMemory: 2200,
})

/** `n` random cases plus three fixed shapes; hex strings, lengths in bytes, memory in KiB. */
export function randomCases(seed = SEED, n = COUNT, shape = NATIVE) {
  const rnd = prng(seed)
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1))
  const bytes = (len) => toHex(Uint8Array.from({ length: len }, () => int(0, 255)))
  const cases = []
  for (let i = 0; i < n; i++) {
    const parallelism = int(1, 4)
    // Memory that is not a multiple of 4p exercises the rounding down to m' (RFC 9106 §3.2 step 4).
    const c = {
      // With NATIVE the first case has an empty password (and draws no length for it).
      password: bytes(shape.emptyFirstPassword && i === 0 ? 0 : int(0, 40)),
      salt: bytes(int(8, 32)),
      memory: shape.memory(int, rnd, parallelism),
      passes: int(1, 3),
      parallelism,
      // Tags above 64 bytes take the chained branch of H' (§3.3).
      tagLength: rnd() < 0.25 ? int(65, 200) : int(4, 64),
    }
    if (rnd() < 0.5) c.secret = bytes(int(0, 32))
    if (rnd() < 0.5) c.associatedData = bytes(int(0, 32))
    cases.push(c)
  }
  // Fixed shapes worth always having: the smallest memory, uneven m, and a multi-segment
  // data-independent phase (segments of 128+ blocks need several address blocks).
  cases.push({ password: '', salt: bytes(8), memory: 8, passes: 1, parallelism: 1, tagLength: 4 })
  cases.push({ password: bytes(5), salt: bytes(16), memory: 37, passes: 2, parallelism: 3, tagLength: 32 })
  cases.push({ password: bytes(8), salt: bytes(16), memory: shape.lastMemory, passes: 2, parallelism: 2, tagLength: 32 })
  return cases
}

/** Runs in Node >= 24 (`node -e`): reads cases as JSON on stdin, prints the hex tags as a JSON array. */
export const REFERENCE_SCRIPT = `
const { argon2Sync } = require('node:crypto')
let input = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (d) => { input += d })
process.stdin.on('end', () => {
  const h = (s) => Buffer.from(s, 'hex')
  const out = JSON.parse(input).map((c) => {
    const p = { message: h(c.password), nonce: h(c.salt), parallelism: c.parallelism,
      tagLength: c.tagLength, memory: c.memory, passes: c.passes }
    if (c.secret !== undefined) p.secret = h(c.secret)
    if (c.associatedData !== undefined) p.associatedData = h(c.associatedData)
    return argon2Sync('argon2id', p).toString('hex')
  })
  process.stdout.write(JSON.stringify(out))
})
`
