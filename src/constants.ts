// The format's fixed sizes and limits (docs/format.md), in one module that imports nothing: esbuild
// inlines constants across modules only from such a leaf module, so bundles carry the numbers,
// not a variable for each. Keep every value a literal or an arithmetic expression of literals.

/** @internal Format version byte (docs/format.md §3). */
export const VERSION = 1
/** @internal String-form prefix: scheme `ks`, version 1. */
export const PREFIX = 'ks1.'

/** @internal KDF identifiers (docs/format.md §4). 0x00 and 0x04–0xFF are unassigned. */
export const KDF_RAW = 0x01
export const KDF_PBKDF2_SHA256 = 0x02
export const KDF_ARGON2ID = 0x03

export const SALT_MIN = 16
export const SALT_MAX = 64
export const KEY_ID_MAX = 64
/** @internal GCM nonce length in bytes (NIST SP 800-38D §5.2.1.1: 96-bit IVs are the recommended length). */
export const NONCE_LEN = 12
export const COMMITMENT_LEN = 32
/**
 * @internal GCM tag length in bytes: always the full 128 bits (SP 800-38D §5.2.1.2). The AES-GCM
 * calls name `tagLength: 128` on a null-prototype dictionary (aead.ts): a member left out is read
 * from a polluted Object.prototype. Nothing ever lets input choose it.
 */
export const TAG_LEN = 16
/** @internal AES-256 key length in bytes. */
export const AES_KEY_LEN = 32
/**
 * Largest secret, in bytes, that an envelope may hold: 1 MiB (docs/format.md §11).
 *
 * @example
 * ```ts
 * import { SECRET_MAX } from '@org/keyseal'
 * console.log(SECRET_MAX) // 1048576
 * ```
 */
export const SECRET_MAX = 1024 * 1024
/** @internal Argon2id lanes: RFC 9106 §3.1 allows 1 to 2^24 - 1. */
export const ARGON2_LANES_MAX = 0xffffff
/**
 * @internal The most Argon2id memory a policy may allow, in KiB (just under 8 GiB): the limit of the
 * TypeScript implementation (src/kdf/argon2id.ts MAX_MEMORY_KIB), so that no policy accepts
 * envelopes that runtimes without native Argon2id could not open.
 */
export const ARGON2_MEMORY_MAX = 0x7fffff

/** @internal Longest header: version, KDF id, 12 parameter bytes, salt and key id with their lengths, nonce, commitment. */
export const HEADER_MAX = 1 + 1 + 12 + 1 + SALT_MAX + 1 + KEY_ID_MAX + NONCE_LEN + COMMITMENT_LEN
/** @internal Longest body: ciphertext || tag. */
export const BODY_MAX = SECRET_MAX + TAG_LEN
/**
 * @internal Longest string form; anything longer is refused before any decoding (size bombs):
 * 'ks1.'.length + ceil(HEADER_MAX * 4 / 3) + 1 + ceil(BODY_MAX * 4 / 3) = 4 + 251 + 1 + 1398123.
 * A literal, so that it is inlined (the bad-input test recomputes it from the layout).
 */
export const STRING_MAX = 1398379
/** @internal Longest binary form: HEADER_MAX + BODY_MAX. */
export const BINARY_MAX = HEADER_MAX + BODY_MAX

/** @internal Longest passphrase, in UTF-8 bytes after normalization (docs/format.md §7). */
export const PASSPHRASE_MAX = 1024
/** @internal Longest context, in bytes (docs/format.md §5). */
export const CONTEXT_MAX = 1024
/** @internal Prefix of the string form of a raw key (see generateKey). */
export const RAW_KEY_PREFIX = 'ksk1.'
/**
 * @internal The most PBKDF2 iterations a policy may allow: 2^31 - 1 (docs/format.md §17.2). The header
 * field holds up to 2^32 - 1, but platforms take the count as a signed 32-bit integer.
 */
export const PBKDF2_ITERATIONS_MAX = 0x7fffffff
/** @internal The largest value of a 32-bit header field, such as the PBKDF2 iteration count. */
export const U32_MAX = 0xffffffff

/**
 * How many envelopes one derived key may seal: 2^32. NIST SP 800-38D §8.3 allows at most 2^32
 * random-nonce encryptions under one AES-GCM key; a derived key seals every envelope under one AES
 * key (its salt is fixed), so it counts its seals and then refuses with `KEY_USAGE`.
 *
 * @example
 * ```ts
 * import { DERIVED_KEY_SEAL_LIMIT } from '@org/keyseal'
 * console.log(DERIVED_KEY_SEAL_LIMIT) // 4294967296
 * ```
 */
export const DERIVED_KEY_SEAL_LIMIT = 4294967296 // 2^32, a literal so that it is inlined
