// HPKE (RFC 9180) for one suite: DHKEM(P-256, HKDF-SHA256) 0x0010, HKDF-SHA256 0x0001,
// AES-256-GCM 0x0002, single-shot (sequence number 0). WebCrypto only: ECDH P-256, HKDF, HMAC,
// AES-GCM. Base mode is what format v2 uses (docs/format-v2.md §5.2); the key schedule also takes a
// PSK and a sender key so that all four modes of the CFRG vectors check it (test/v2-hpke.test.ts).
import { concat, utf8, wipe } from '../bytes.js'
import { fail } from '../errors.js'
import { deriveBytes, dict, guard, importRaw, subtle } from '../webcrypto.js'
import { aesGcmOpen, aesGcmSeal } from '../aead.js'

/** @internal The bytes of a fixed ASCII label (also envelope.ts's: one helper in the bundles). */
export const ascii = (s: string): Uint8Array<ArrayBuffer> => utf8(s, 'CRYPTO_FAILURE')
// concat takes (a, b) and ignores reduce's index and array arguments.
const cat = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => parts.reduce<Uint8Array<ArrayBuffer>>(concat, new Uint8Array(0))
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

/** @internal "HPKE-v1" || suite_id || label || ikm: the input keying material of LabeledExtract (RFC 9180 §4). */
const labeledIkm = (suite: Uint8Array, label: string, ikm: Uint8Array): Uint8Array<ArrayBuffer> => cat(V1, suite, ascii(label), ikm)

/**
 * @internal LabeledExtract(salt, label, ikm) = HKDF-Extract(salt, labeledIkm) = HMAC-SHA256(salt,
 * labeledIkm) (RFC 9180 §4, RFC 5869 §2.2). A zero-length salt is HMAC-equivalent to HashLen zero
 * bytes (RFC 2104 §2 pads keys with zeros; RFC 5869 §2.2 uses HashLen zeros for an absent salt), and
 * WebCrypto refuses zero-length HMAC keys, so an empty salt is passed as 32 zeros.
 */
export async function labeledExtract(suite: Uint8Array, salt: Uint8Array<ArrayBuffer>, label: string, ikm: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const k = await importRaw(salt.length === 0 ? new Uint8Array(NH) : salt, { name: 'HMAC', hash: 'SHA-256' } as AlgorithmIdentifier, ['sign'])
  return new Uint8Array(await guard(() => subtle().sign('HMAC', k, labeledIkm(suite, label, ikm))))
}

/** @internal The `info` of LabeledExpand: I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info (RFC 9180 §4). */
function labeledInfo(suite: Uint8Array, label: string, info: Uint8Array, length: number): Uint8Array<ArrayBuffer> {
  return cat(i2osp2(length), V1, suite, ascii(label), info)
}

/** @internal EcKeyImportParams / EcKeyGenParams of P-256 ECDH (also keys.ts's). */
export const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const

/** @internal Import a checked uncompressed point as an ECDH public key (non-extractable: nothing exports it). */
export function importPoint(point: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return guard(() => subtle().importKey('raw', point, ECDH, false, []))
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

/**
 * @internal DHKEM ExtractAndExpand (RFC 9180 §4.1): shared_secret = LabeledExpand(LabeledExtract("",
 * "eae_prk", dh), "shared_secret", kem_context, 32), in one WebCrypto HKDF call: HKDF is Extract
 * then Expand (RFC 5869 §2), so HKDF(IKM = labeledIkm, salt = "", info = labeledInfo) is exactly
 * that, and the PRK never leaves WebCrypto.
 */
async function kemSharedSecret(dhBytes: Uint8Array, kemContext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const base = await importRaw(labeledIkm(KEM_SUITE, 'eae_prk', dhBytes), 'HKDF', ['deriveBits'])
  return deriveBytes({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: labeledInfo(KEM_SUITE, 'shared_secret', kemContext, NH) }, base, NH)
}

/**
 * @internal Encap / AuthEncap (RFC 9180 §4.1): returns (shared_secret, enc). `ephemeral` is fresh
 * unless a test supplies the vectors' skE; `sender` makes it AuthEncap.
 */
export async function encap(
  pkR: Uint8Array<ArrayBuffer>, ephemeral: KeyPair, sender?: KeyPair, imported?: CryptoKey,
): Promise<{ sharedSecret: Uint8Array<ArrayBuffer>; enc: Uint8Array<ArrayBuffer> }> {
  // `imported`: pkR as the public key object imported it once (keys.ts), else imported here.
  const pk = imported ?? (await importPoint(pkR))
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

/**
 * @internal An HPKE context after KeySchedule (RFC 9180 §5.1), single-shot: sequence number 0 only.
 * The AEAD key and exporter_secret stay inside WebCrypto: the key as an AES-256-GCM key, the
 * exporter secret as the HMAC-SHA256 key of Export (§5.3), both derived by HKDF's deriveKey, which
 * is deriveBits of the key's length followed by a raw import (WebCrypto §deriveKey), so the bytes
 * are those of the RFC's LabeledExpand.
 */
export interface HpkeContext {
  readonly key: CryptoKey
  readonly baseNonce: Uint8Array<ArrayBuffer>
  /** exporter_secret, as an HMAC-SHA256 key. */
  readonly exporterSecret: CryptoKey
}

/**
 * @internal The last key_schedule_context (mode || psk_id_hash || info_hash) and the text of the
 * (mode, psk_id, info) it was made of. The hashes are LabeledExtract of public inputs only (RFC 9180
 * §5.1: psk_id and info are known to both sides and secret to neither; the PSK itself is not part of
 * it), so keeping them holds nothing secret; keyseal's info is the same for every stanza
 * (docs/format-v2.md §5.2), so each seal and open skips two HMACs (four WebCrypto calls). Compared
 * by content, so another mode, psk_id or info is always hashed afresh.
 */
let hashed: readonly [string, Uint8Array<ArrayBuffer>] | undefined

/**
 * @internal KeySchedule (RFC 9180 §5.1). VerifyPSKInputs: a PSK and its id are both given or both
 * empty, as the mode requires. `extractable` only for the vector tests, which export key and
 * exporter secret to compare them with the vectors.
 */
export async function keySchedule(
  mode: number, sharedSecret: Uint8Array<ArrayBuffer>, info: Uint8Array, psk: Uint8Array = new Uint8Array(0), pskId: Uint8Array = new Uint8Array(0), extractable = false,
): Promise<HpkeContext> {
  const hasPsk = psk.length > 0
  // The PSK modes are 1 and 3 (mode_psk, mode_auth_psk), the others 0 and 2: bit 0 of the mode.
  if (hasPsk !== (pskId.length > 0) || hasPsk !== ((mode & MODE_PSK) > 0)) fail('CRYPTO_FAILURE')
  const empty = new Uint8Array(0)
  // The inputs as text, "0|1,2|3" (a typed array's toString joins its bytes with commas): exactly
  // two '|', so two different (mode, psk_id, info) never give the same text.
  const id = `${mode}|${pskId}|${info}`
  // key_schedule_context = mode || psk_id_hash || info_hash.
  const ksc = (hashed?.[0] === id ? hashed : (hashed = [id, cat(new Uint8Array([mode]), await labeledExtract(HPKE_SUITE, empty, 'psk_id_hash', pskId), await labeledExtract(HPKE_SUITE, empty, 'info_hash', info))]))[1]
  // secret = LabeledExtract(shared_secret, "secret", psk); each output is one HKDF call on it.
  const base = await importRaw(labeledIkm(HPKE_SUITE, 'secret', psk), 'HKDF', ['deriveBits', 'deriveKey'])
  // HkdfParams and the derived key types as null-prototype dictionaries with every member given.
  const params = (label: string, length: number): HkdfParams =>
    dict({ name: 'HKDF', hash: 'SHA-256', salt: sharedSecret, info: labeledInfo(HPKE_SUITE, label, ksc, length) })
  const derive = (label: string, type: object, usages: KeyUsage[]): Promise<CryptoKey> =>
    guard(() => subtle().deriveKey(params(label, NK), base, dict(type) as AlgorithmIdentifier, extractable, usages))
  return {
    key: await derive('key', { name: 'AES-GCM', length: 256 }, ['encrypt', 'decrypt']),
    baseNonce: await deriveBytes(params('base_nonce', NN), base, NN),
    // Nk = Nh = 32 bytes: a 256-bit AES key and a 256-bit HMAC key.
    exporterSecret: await derive('exp', { name: 'HMAC', hash: 'SHA-256', length: 256 }, ['sign']),
  }
}

/**
 * @internal Context.Export(exporter_context, L) (RFC 9180 §5.3) for L <= 32: LabeledExpand is then
 * one HMAC block, T(1) = HMAC(exporter_secret, info || 0x01) (RFC 5869 §2.3).
 */
export async function exportSecret(ctx: HpkeContext, exporterContext: Uint8Array, length: number): Promise<Uint8Array<ArrayBuffer>> {
  if (length > NH) fail('CRYPTO_FAILURE')
  const data = cat(labeledInfo(HPKE_SUITE, 'sec', exporterContext, length), new Uint8Array([1]))
  return new Uint8Array(await guard(() => subtle().sign('HMAC', ctx.exporterSecret, data))).slice(0, length)
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
