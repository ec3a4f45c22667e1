// Format v2's fixed sizes and limits (docs/format-v2.md §4, §13), in one leaf module of literals.

/** @internal Version byte and string prefix (docs/format-v2.md §4, §12). */
export const V2 = 2
export const V2_PREFIX = 'ks2.'
/** @internal Envelope salt length. */
export const V2_SALT_LEN = 16
/** @internal Longest label, in UTF-8 bytes (§8). */
export const LABEL_MAX = 128
/** @internal Stanzas per envelope (§4). */
export const STANZAS_MAX = 16
/** @internal Longest header (§13). */
export const V2_HEADER_MAX = 4096
/** @internal Longest body of a stanza of an unassigned kind (§5). */
export const UNKNOWN_STANZA_MAX = 1024
/** @internal Stanza kinds (§5). */
export const KIND_SYMMETRIC = 0x01
export const KIND_HPKE_P256 = 0x02
/** @internal The file key, the header MAC and the HPKE stanza commitment are 32 bytes. */
export const FILE_KEY_LEN = 32
export const MAC_LEN = 32
/** @internal HPKE ciphertext of the file key: 32 bytes || 16-byte tag. */
export const WRAPPED_LEN = 48
/**
 * @internal Longest string form (§13): 'ks2.'.length + ceil(4096 * 4 / 3) + 1 + ceil(1048592 * 4 / 3)
 * = 4 + 5462 + 1 + 1398123. A literal, so that it is inlined.
 */
export const V2_STRING_MAX = 1403590
/** @internal Public and private key string prefixes (§10). */
export const PUBLIC_KEY_PREFIX = 'kspk1.'
export const PRIVATE_KEY_PREFIX = 'kssk1.'

// v1's values, repeated here rather than imported from ../constants.js: a constant the v2 entry
// imports from the shared v1 chunk becomes an exported variable of that chunk, which esbuild can no
// longer inline there, and the v1 bundles would grow by a few bytes. The v2 tests check they agree.
/** @internal AES-GCM nonce and tag lengths (v1 §2). */
export const GCM_NONCE_LEN = 12
export const GCM_TAG_LEN = 16
/** @internal Longest payload: 1 MiB secret || tag (v1 §11). */
export const PAYLOAD_MAX = 1024 * 1024 + 16
