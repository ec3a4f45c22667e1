// `@org/keyseal/argon2id`: the Argon2id KDF (format v1 KDF id 0x03), kept in its own entry so that
// apps using only PBKDF2 or raw keys never bundle it. Pass it to createPolicy:
//
//   import { createPolicy } from '@org/keyseal'
//   import { argon2id } from '@org/keyseal/argon2id'
//   const policy = createPolicy({ argon2id: { implementation: argon2id } })
//
// Native WebCrypto Argon2id is used where the runtime has it (Node 24+, Deno), detected by trying
// the import, never by sniffing the runtime; elsewhere the memory fill runs in WebAssembly
// (src/kdf/argon2id.wat, issue 17) where the runtime compiles it, and the pure TypeScript RFC 9106
// implementation where it does not (workerd, pages whose CSP lacks 'wasm-unsafe-eval'). Both
// non-native paths yield to the event loop so a page stays responsive. All give identical output
// (test/argon2id.test.ts and test/argon2id-wasm.test.ts check them against Node 24's native one).
// This module never reads globalThis.crypto: keyseal hands it its SubtleCrypto.
import { argon2idTs, check } from './kdf/argon2id.js'
import { argon2idWasm, argon2idWasmAvailable } from './kdf/argon2id-wasm.js'

/**
 * The shape `createPolicy` expects for `argon2id.implementation` (the same as `Argon2idImplementation`
 * in the main entry; declared here too, so that this entry's types stand alone).
 */
export interface Argon2idImplementation {
  readonly name: 'argon2id'
  derive(password: Uint8Array, salt: Uint8Array, params: { memoryKiB: number; passes: number; lanes: number }, subtle: unknown): Promise<Uint8Array>
}

type Params = { memoryKiB: number; passes: number; lanes: number }

/** A null-prototype copy of `o`: nothing a dictionary or a check reads can come from a prototype. */
const nul = <T extends object>(o: T): T => Object.assign(Object.create(null) as T, o)

/** @internal Native WebCrypto Argon2id, or undefined when this runtime's WebCrypto has none. */
async function native(subtle: SubtleCrypto, password: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>, p: Params): Promise<Uint8Array | undefined> {
  let key: CryptoKey | undefined
  // Node 24 accepts only the 'raw-secret' format for Argon2id; Deno accepts 'raw' too.
  // An index loop: leaving a for-of early (`break`) would call a polluted Object.prototype.return.
  const formats = ['raw-secret', 'raw']
  for (let i = 0; i < formats.length; i++) {
    const format = formats[i]!
    try {
      key = await subtle.importKey(format as 'raw', password, nul({ name: 'Argon2id' }) as unknown as AlgorithmIdentifier, false, ['deriveBits'])
      break
    } catch {
      // Not supported in this format (or at all): try the next, then fall back.
    }
  }
  if (key === undefined) return undefined
  // From here on a failure is a real error (out of memory, say), not a missing feature: it
  // propagates rather than silently running the fallback.
  // Argon2Params (WICG "Modern Algorithms in the Web Cryptography API" §Argon2) with every member
  // given, on a null-prototype object: Node 24 reads `version`, `secretValue` and `associatedData`
  // with [[Get]], so left out they came from a polluted Object.prototype. An empty secret and
  // associated data are what RFC 9106 §3.2 hashes when they are absent (LE32(0), no bytes).
  const none = new Uint8Array(0)
  const alg = nul({ name: 'Argon2id', nonce: salt, memory: p.memoryKiB, passes: p.passes, parallelism: p.lanes, version: 0x13, secretValue: none, associatedData: none })
  return new Uint8Array(await subtle.deriveBits(alg as unknown as AlgorithmIdentifier, key, 256))
}

/**
 * Argon2id (RFC 9106, version 0x13, 32-byte output) for keyseal policies: native WebCrypto where
 * the runtime has it, the pure TypeScript implementation elsewhere.
 *
 * @example
 * ```ts
 * import { createPolicy, sealKey, openKey, inspect } from '@org/keyseal'
 * import { argon2id } from '@org/keyseal/argon2id'
 * const policy = createPolicy({ argon2id: { implementation: argon2id } }) // m = 19 MiB, t = 2, p = 1
 * const envelope = await sealKey('sk-proj-example', 'correct horse battery staple', { policy })
 * console.log(inspect(envelope).kdf) // { kdf: 'argon2id', memoryKiB: 19456, passes: 2, lanes: 1 }
 * console.log(await openKey(envelope, 'correct horse battery staple', { policy })) // sk-proj-example
 * ```
 */
export const argon2id: Argon2idImplementation = Object.freeze({
  name: 'argon2id' as const,
  async derive(password: Uint8Array, salt: Uint8Array, params: Params, subtle: unknown): Promise<Uint8Array> {
    // Every input is read once and checked as the TypeScript path checks it, before either path:
    // WebCrypto would silently truncate 64.5 KiB, and a string password would be read as a length.
    const p = nul({ memoryKiB: params.memoryKiB, passes: params.passes, lanes: params.lanes, tagLength: 32 })
    check(password, salt, p)
    const pw = new Uint8Array(password)
    const s = new Uint8Array(salt)
    try {
      const viaPlatform = await native(subtle as SubtleCrypto, pw, s, p)
      if (viaPlatform !== undefined) return viaPlatform
      // Then the WebAssembly fill where this runtime compiles WebAssembly (tried once, with a
      // known answer), else the TypeScript one: identical output (issue 17).
      const viaWasm = await argon2idWasm(pw, s, p)
      if (viaWasm !== undefined) return viaWasm
      return await argon2idTs(pw, s, p)
    } finally {
      pw.fill(0)
    }
  },
})


/**
 * Which implementation {@link argon2id}'s `derive` runs in this runtime, found the way `derive`
 * finds it, by trying: `'webcrypto'` where the given SubtleCrypto has Argon2id (Node 24+, Deno),
 * else `'webassembly'` where WebAssembly compiles and passes a known-answer check, else
 * `'typescript'` (workerd, pages whose Content-Security-Policy lacks `'wasm-unsafe-eval'`). All three
 * give the same output; the answer only says how fast. WebAssembly is tried once per process.
 *
 * @example
 * ```ts
 * import { createPolicy } from '@org/keyseal'
 * import { argon2id, argon2idBackend } from '@org/keyseal/argon2id'
 * const policy = createPolicy({ argon2id: { implementation: argon2id } })
 * const backend = await argon2idBackend(globalThis.crypto.subtle)
 * console.log(policy.kdf, ['webcrypto', 'webassembly', 'typescript'].includes(backend)) // argon2id true
 * ```
 * @throws never: a failed try means the next implementation.
 */
export async function argon2idBackend(subtle: unknown): Promise<'webcrypto' | 'webassembly' | 'typescript'> {
  const probe = new Uint8Array(8)
  const hasNative = await native(subtle as SubtleCrypto, probe, new Uint8Array(16), { memoryKiB: 8, passes: 1, lanes: 1 }).catch(() => undefined)
  if (hasNative !== undefined) return 'webcrypto'
  return (await argon2idWasmAvailable()) ? 'webassembly' : 'typescript'
}
