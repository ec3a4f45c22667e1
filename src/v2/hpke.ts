// HPKE (RFC 9180) for one suite: DHKEM(P-256, HKDF-SHA256) 0x0010, HKDF-SHA256 0x0001,
// AES-256-GCM 0x0002, single-shot (sequence number 0). WebCrypto only: ECDH P-256, HKDF, HMAC,
// AES-GCM. Base mode is what format v2 uses (docs/format-v2.md §5.2); the key schedule also takes a
// PSK and a sender key so that all four modes of the CFRG vectors check it (test/v2-hpke.test.ts).
import { concat, wipe } from '../bytes.js'
import { fail } from '../errors.js'
import { deriveBytes, guard, importRaw, subtle } from '../webcrypto.js'
import { aesGcmOpen, aesGcmSeal, importAesGcmKey } from '../aead.js'

const ascii = (s: string): Uint8Array<ArrayBuffer> => {
  const b = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i)
  return b
}
const cat = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => parts.reduce<Uint8Array<ArrayBuffer>>((a, b) => concat(a, b), new Uint8Array(0))
/** I2OSP(n, 2) (RFC 9180 §3). */
const i2osp2 = (n: number): Uint8Array<ArrayBuffer> => new Uint8Array([n >> 8, n & 255])

const V1 = ascii('HPKE-v1')
/** RFC 9180 §4.1: suite_id for the KEM = "KEM" || I2OSP(kem_id, 2). */
const KEM_SUITE = cat(ascii('KEM'), i2osp2(0x0010))
/** RFC 9180 §5.1: suite_id = "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2). */
const HPKE_SUITE = cat(ascii('HPKE'), i2osp2(0x0010), i2osp2(0x0001), i2osp2(0x0002))
/** Nsecret = Nh = 32 (SHA-256), Nk = 32 (AES-256), Nn = 12. */
const NH = 32
const NK = 32
const NN = 12

/** @internal HPKE modes (RFC 9180 §5). */
export const MODE_BASE = 0
export const MODE_PSK = 1
export const MODE_AUTH = 2
export const MODE_AUTH_PSK = 3

/** @internal HMAC-SHA256(key, data). A zero-length key is HMAC-equivalent to HashLen zero bytes
 * (RFC 2104 §2 pads keys with zeros; RFC 5869 §2.2 uses HashLen zeros for an absent salt), and
 * WebCrypto refuses zero-length HMAC keys, so an empty key is passed as 32 zeros. */
export async function hmac(key: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const k = await importRaw(key.length === 0 ? new Uint8Array(NH) : key, { name: 'HMAC', hash: 'SHA-256' } as AlgorithmIdentifier, ['sign'])
  return new Uint8Array(await guard(() => subtle().sign('HMAC', k, data)))
}

/** @internal LabeledExtract(salt, label, ikm) = HKDF-Extract(salt, "HPKE-v1" || suite_id || label || ikm) (RFC 9180 §4). */
export function labeledExtract(suite: Uint8Array, salt: Uint8Array<ArrayBuffer>, label: string, ikm: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return hmac(salt, cat(V1, suite, ascii(label), ikm))
}

/** @internal The `info` of LabeledExpand: I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info (RFC 9180 §4). */
function labeledInfo(suite: Uint8Array, label: string, info: Uint8Array, length: number): Uint8Array<ArrayBuffer> {
  return cat(i2osp2(length), V1, suite, ascii(label), info)
}

/** @internal LabeledExpand(prk, label, info, L) for L <= 32: HKDF-Expand is then one HMAC block, T(1) = HMAC(PRK, info || 0x01) (RFC 5869 §2.3). */
export async function labeledExpand(suite: Uint8Array, prk: Uint8Array<ArrayBuffer>, label: string, info: Uint8Array, length: number): Promise<Uint8Array<ArrayBuffer>> {
  if (length > NH) fail('CRYPTO_FAILURE')
  const t = await hmac(prk, cat(labeledInfo(suite, label, info, length), new Uint8Array([1])))
  return t.slice(0, length)
}

/**
 * @internal LabeledExtract followed by one LabeledExpand, in one WebCrypto HKDF call: HKDF is
 * Extract then Expand (RFC 5869 §2), so HKDF(IKM = "HPKE-v1" || suite || label1 || ikm, salt,
 * info = labeledInfo(label2, info)) is exactly LabeledExpand(LabeledExtract(salt, label1, ikm),
 * label2, info, L), and the PRK never leaves WebCrypto.
 */
async function extractAndExpand(
  suite: Uint8Array, salt: Uint8Array<ArrayBuffer>, label1: string, ikm: Uint8Array, label2: string, info: Uint8Array, length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const base = await importRaw(cat(V1, suite, ascii(label1), ikm), 'HKDF', ['deriveBits'])
  return deriveBytes({ name: 'HKDF', hash: 'SHA-256', salt, info: labeledInfo(suite, label2, info, length) }, base, length)
}

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const

/** @internal Import a checked uncompressed point as an ECDH public key. */
export function importPoint(point: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return guard(() => subtle().importKey('raw', point, ECDH, true, []))
}

/** @internal DH(sk, pk): the X-coordinate of sk * pk, 32 bytes (RFC 9180 §7.1.3 for the NIST curves). */
export async function dh(sk: CryptoKey, pk: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await guard(() => subtle().deriveBits({ name: 'ECDH', public: pk } as EcdhKeyDeriveParams, sk, 256)))
}

/** @internal A sender's or ephemeral key pair: the private CryptoKey and the public point's bytes. */
export interface KeyPair {
  readonly privateKey: CryptoKey
  readonly publicKey: Uint8Array<ArrayBuffer>
}

/** @internal A fresh ephemeral key pair (RFC 9180 §4: GenerateKeyPair), private half non-extractable. */
export async function generateEphemeral(): Promise<KeyPair> {
  const pair = (await guard(() => subtle().generateKey(ECDH, false, ['deriveBits']))) as CryptoKeyPair
  const pub = new Uint8Array(await guard(() => subtle().exportKey('raw', pair.publicKey)))
  return { privateKey: pair.privateKey, publicKey: pub }
}

/** @internal DHKEM ExtractAndExpand (RFC 9180 §4.1): shared_secret from dh and kem_context. */
function kemSharedSecret(dhBytes: Uint8Array, kemContext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return extractAndExpand(KEM_SUITE, new Uint8Array(0), 'eae_prk', dhBytes, 'shared_secret', kemContext, NH)
}

/**
 * @internal Encap / AuthEncap (RFC 9180 §4.1): returns (shared_secret, enc). `ephemeral` is fresh
 * unless a test supplies the vectors' skE; `sender` makes it AuthEncap.
 */
export async function encap(pkR: Uint8Array<ArrayBuffer>, ephemeral: KeyPair, sender?: KeyPair): Promise<{ sharedSecret: Uint8Array<ArrayBuffer>; enc: Uint8Array<ArrayBuffer> }> {
  const pk = await importPoint(pkR)
  const dhE = await dh(ephemeral.privateKey, pk)
  const dhAll = sender ? cat(dhE, await dh(sender.privateKey, pk)) : dhE
  const enc = ephemeral.publicKey
  try {
    const sharedSecret = await kemSharedSecret(dhAll, sender ? cat(enc, pkR, sender.publicKey) : cat(enc, pkR))
    return { sharedSecret, enc }
  } finally {
    wipe(dhE)
    wipe(dhAll)
  }
}

/** @internal Decap / AuthDecap (RFC 9180 §4.1). `pkRm` is the recipient's own public point; `pkS` the sender's for auth modes. */
export async function decap(enc: Uint8Array<ArrayBuffer>, skR: CryptoKey, pkRm: Uint8Array, pkS?: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const dhE = await dh(skR, await importPoint(enc))
  const dhAll = pkS ? cat(dhE, await dh(skR, await importPoint(pkS))) : dhE
  try {
    return await kemSharedSecret(dhAll, pkS ? cat(enc, pkRm, pkS) : cat(enc, pkRm))
  } finally {
    wipe(dhE)
    wipe(dhAll)
  }
}

/** @internal An HPKE context after KeySchedule (RFC 9180 §5.1), single-shot: sequence number 0 only. */
export interface HpkeContext {
  readonly key: CryptoKey
  readonly baseNonce: Uint8Array<ArrayBuffer>
  readonly exporterSecret: Uint8Array<ArrayBuffer>
}

/**
 * @internal KeySchedule (RFC 9180 §5.1). VerifyPSKInputs: a PSK and its id are both given or both
 * empty, as the mode requires. `raw` returns the AEAD key bytes too (tests only; then wiped by them).
 */
export async function keySchedule(
  mode: number, sharedSecret: Uint8Array<ArrayBuffer>, info: Uint8Array, psk: Uint8Array = new Uint8Array(0), pskId: Uint8Array = new Uint8Array(0),
): Promise<HpkeContext & { keyBytes: Uint8Array<ArrayBuffer> }> {
  const hasPsk = psk.length > 0
  if (hasPsk !== (pskId.length > 0) || hasPsk !== (mode === MODE_PSK || mode === MODE_AUTH_PSK)) fail('CRYPTO_FAILURE')
  const empty = new Uint8Array(0)
  const pskIdHash = await labeledExtract(HPKE_SUITE, empty, 'psk_id_hash', pskId)
  const infoHash = await labeledExtract(HPKE_SUITE, empty, 'info_hash', info)
  const ksc = cat(new Uint8Array([mode]), pskIdHash, infoHash)
  // secret = LabeledExtract(shared_secret, "secret", psk); each output is one HKDF call on it.
  const base = await importRaw(cat(V1, HPKE_SUITE, ascii('secret'), psk), 'HKDF', ['deriveBits'])
  const expand = (label: string, length: number): Promise<Uint8Array<ArrayBuffer>> =>
    deriveBytes({ name: 'HKDF', hash: 'SHA-256', salt: sharedSecret, info: labeledInfo(HPKE_SUITE, label, ksc, length) }, base, length)
  const keyBytes = await expand('key', NK)
  const baseNonce = await expand('base_nonce', NN)
  const exporterSecret = await expand('exp', NH)
  const key = await importAesGcmKey(keyBytes)
  return { key, baseNonce, exporterSecret, keyBytes }
}

/** @internal Context.Export(exporter_context, L) (RFC 9180 §5.3). */
export function exportSecret(ctx: HpkeContext, exporterContext: Uint8Array, length: number): Promise<Uint8Array<ArrayBuffer>> {
  return labeledExpand(HPKE_SUITE, ctx.exporterSecret, 'sec', exporterContext, length)
}

/** @internal The nonce for sequence number `seq`: base_nonce XOR I2OSP(seq, Nn) (RFC 9180 §5.2). */
export function nonceFor(ctx: HpkeContext, seq: number): Uint8Array<ArrayBuffer> {
  const n = ctx.baseNonce.slice()
  for (let i = NN - 1, s = seq; i >= 0 && s > 0; i--, s = Math.floor(s / 256)) n[i]! ^= s & 255
  return n
}

/** @internal Context.Seal with sequence number `seq` (0 in keyseal; the vectors use 0..256). */
export function sealAt(ctx: HpkeContext, aad: Uint8Array<ArrayBuffer>, pt: Uint8Array<ArrayBuffer>, seq = 0): Promise<Uint8Array<ArrayBuffer>> {
  return aesGcmSeal(ctx.key, nonceFor(ctx, seq), pt, aad)
}

/** @internal Context.Open with sequence number `seq`: AUTH_FAILED on any tag failure. */
export function openAt(ctx: HpkeContext, aad: Uint8Array<ArrayBuffer>, ct: Uint8Array<ArrayBuffer>, seq = 0): Promise<Uint8Array<ArrayBuffer>> {
  return aesGcmOpen(ctx.key, nonceFor(ctx, seq), ct, aad)
}
