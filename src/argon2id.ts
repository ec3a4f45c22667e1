// `@org/keyseal/argon2id`: the Argon2id KDF (format v1 KDF id 0x03), kept in its own entry so that
// apps using only PBKDF2 or raw keys never bundle it. Pass it to createPolicy:
//
//   import { createPolicy } from '@org/keyseal'
//   import { argon2id } from '@org/keyseal/argon2id'
//   const policy = createPolicy({ argon2id: { implementation: argon2id } })
//
// Native WebCrypto Argon2id is used where the runtime has it (Node 24+, Deno), detected by trying
// the import, never by sniffing the runtime; everywhere else the pure TypeScript RFC 9106
// implementation runs, yielding to the event loop so a page stays responsive. Both give identical
// output (test/argon2id.test.ts checks the TypeScript one against Node 24's native one).
// This module never reads globalThis.crypto: keyseal hands it its SubtleCrypto.
import { argon2idTs, check } from './kdf/argon2id.js'

/**
 * The shape `createPolicy` expects for `argon2id.implementation` (the same as `Argon2idImplementation`
 * in the main entry; declared here too, so that this entry's types stand alone).
 */
export interface Argon2idImplementation {
  readonly name: 'argon2id'
  derive(password: Uint8Array, salt: Uint8Array, params: { memoryKiB: number; passes: number; lanes: number }, subtle: unknown): Promise<Uint8Array>
}

type Params = { memoryKiB: number; passes: number; lanes: number }

/** @internal Native WebCrypto Argon2id, or undefined when this runtime's WebCrypto has none. */
async function native(subtle: SubtleCrypto, password: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>, p: Params): Promise<Uint8Array | undefined> {
  let key: CryptoKey | undefined
  // Node 24 accepts only the 'raw-secret' format for Argon2id; Deno accepts 'raw' too.
  for (const format of ['raw-secret', 'raw']) {
    try {
      key = await subtle.importKey(format as 'raw', password, 'Argon2id' as unknown as AlgorithmIdentifier, false, ['deriveBits'])
      break
    } catch {
      // Not supported in this format (or at all): try the next, then fall back.
    }
  }
  if (key === undefined) return undefined
  // From here on a failure is a real error (out of memory, say), not a missing feature: it
  // propagates rather than silently running the fallback.
  const alg = { name: 'Argon2id', nonce: salt, memory: p.memoryKiB, passes: p.passes, parallelism: p.lanes }
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
    const p = { memoryKiB: params.memoryKiB, passes: params.passes, lanes: params.lanes, tagLength: 32 }
    check(password, salt, p)
    const pw = new Uint8Array(password)
    const s = new Uint8Array(salt)
    try {
      const viaPlatform = await native(subtle as SubtleCrypto, pw, s, p)
      if (viaPlatform !== undefined) return viaPlatform
      return await argon2idTs(pw, s, p)
    } finally {
      pw.fill(0)
    }
  },
})

