// Internal property names that the library build shortens in dist/ (tsup.config.ts: esbuild
// `mangleProps`, with `mangleQuoted` so that `'single' in k` is renamed with `{ single }`). A
// consumer's minifier renames variables but never properties, so these names would otherwise ship
// in every bundle. Only names that no public type declares and no platform object carries:
// test/mangle-props.test.ts walks every type the entry points export and fails when one of these
// names is a member of any of them. Adding a name here: check that no WebCrypto, WebAssembly or
// other built-in object's property of that name is read or written anywhere in src/.
export const MANGLED_PROPS = Object.freeze([
  // The parsed envelope (envelope.ts) and the resolved key argument (seal.ts).
  'header',
  'headerBytes',
  'body',
  'single',
  'ring',
  // Key-object and policy hooks (keys.ts, policy.ts) and the key schedule's AES key (derive.ts).
  'material',
  'fits',
  'sealing',
  'sealer',
  'outside',
  'aes',
  // The TypeScript Argon2id's working state (kdf/argon2id.ts).
  'blocks',
  'laneLength',
  'segmentLength',
  'mem',
  // Format v2's internal records (src/v2/): parsed envelopes and stanzas (format.ts), resolved
  // recipients and open keys, the file key (envelope.ts), the HPKE context (hpke.ts). Names that
  // only v2 code spells, so the v1 chunk and bundles do not change (bench/size.mjs).
  'stanzas',
  'payload',
  'core',
  'mac',
  'enc',
  'ct',
  'unsupported',
  'point',
  'sym',
  'sk',
  'fk',
  'sharedSecret',
  'baseNonce',
  'exporterSecret',
  'keyBytes',
])

export const MANGLE_PROPS_RE = new RegExp(`^(${MANGLED_PROPS.join('|')})$`)

// The name each of them gets in dist/ (tsup.config.ts `mangleCache`), fixed so that code added to
// one entry cannot rename properties in the chunk the others share (v1 bundle sizes must not move
// with v2 changes). These are the names esbuild chose for the build of 2026-12-07 (main at
// 7ddfd74). A name added to MANGLED_PROPS without an entry here gets one from esbuild.
export const MANGLE_CACHE = Object.freeze({
  aes: 'i', blocks: 'n', body: 'g', fits: 'o', header: 'c', headerBytes: 'h', laneLength: 'k', material: 'u',
  mem: 'l', outside: 'w', ring: 'f', sealer: 'z', sealing: 'q', segmentLength: 'j', single: 'e',
  // v2's names, as esbuild chose them on 2026-12-07 (v2parse).
  sym: 'A', point: 'B', stanzas: 'C', fk: 'D', sk: 'E', unsupported: 'F', core: 'G', mac: 'H', payload: 'I',
  enc: 'J', exporterSecret: 'K', keyBytes: 'L', sharedSecret: 'M', baseNonce: 'N', ct: 'O',
})
