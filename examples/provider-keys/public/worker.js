// The page's crypto worker: every key derivation and every keyseal call runs here, off the page's
// main thread, so the page stays responsive while PBKDF2 (600,000 iterations) runs. The page sends
// the password once, at sign-in; from then on it lives only in this worker's memory (to open
// stanzas sealed in other sessions, which have their own salt) until sign-out.
//
// Messages: { id, op, args } in; { id, ok: true, result } or { id, ok: false, code } out. A code
// is a keyseal error code or one of this file's; messages never carry secrets back except the
// result the page asked for (an opened key for "Reveal").
import { deriveKey, importPublicKey, isKeysealError, openKey, rotateRecipient, sealKey } from '/vendor/v2.js'
import { API_KEY, contextFor, maskKey } from '/shared.js'

/** @type {{ name: string, password: string, key: any } | null} */
let session = null
/** @type {{ password: string, key: any } | null} a password change awaiting the server's yes */
let pending = null

const enc = new TextEncoder()
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

// The sign-in verifier (see lib/auth.mjs): PBKDF2-SHA256 of the password with a salt fixed by the
// user name and a label, so it is the same on every device and domain-separated from the
// passphrase stanzas (which use random salts). 600,000 iterations: OWASP's figure for PBKDF2-SHA256.
async function verifier(name, password) {
  const salt = new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(`keyseal example sign-in v1\0${name}`)))
  const base = await crypto.subtle.importKey('raw', enc.encode(password.normalize('NFC')), 'PBKDF2', false, ['deriveBits'])
  const bits = new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 600_000 }, base, 256))
  const out = b64url(bits)
  bits.fill(0)
  return out
}

/** Open (or rotate from) with the session's derived key; fall back to the password when the stanza has another salt. */
async function withUserKey(fn) {
  try {
    return await fn(session.key)
  } catch (error) {
    if (isKeysealError(error) && error.code === 'KEY_MISMATCH') return fn(session.password)
    throw error
  }
}

const need = () => {
  if (!session) throw Object.assign(new Error('NOT_SIGNED_IN'), { code: 'NOT_SIGNED_IN' })
}

const ops = {
  /** Derive the sign-in verifier and the sealing key; keep both, hand back only the verifier. */
  async signIn({ name, password }) {
    const [v, key] = await Promise.all([verifier(name, password), deriveKey(password)])
    session = { name, password, key }
    pending = null
    return { verifier: v }
  },

  signOut() {
    session = null
    pending = null
    return {}
  },

  /** Seal an API key for [this user's password, the server's public key]. */
  async seal({ apiKey, provider, userId, serverKey }) {
    need()
    if (typeof apiKey !== 'string' || !API_KEY.test(apiKey)) throw Object.assign(new Error('BAD_API_KEY'), { code: 'BAD_API_KEY' })
    const server = await importPublicKey(serverKey.publicKey, { keyId: serverKey.keyId })
    const envelope = await sealKey(apiKey, [session.key, server], { context: contextFor(userId, provider), label: maskKey(apiKey) })
    return { envelope }
  },

  /** "Reveal": open with the user's password (the derived key when the salt fits). */
  async open({ envelope, provider, userId }) {
    need()
    const context = contextFor(userId, provider)
    return { apiKey: await withUserKey((key) => openKey(envelope, key, { context })) }
  },

  /**
   * "Change password": re-wrap only the user's stanza of every key for the new password (the
   * server's stanza is kept byte for byte), and derive the new and current sign-in verifiers.
   * Nothing changes here until the server has stored it all (commitPassword).
   */
  async changePassword({ current, next, keys, userId }) {
    need()
    if (current !== session.password) throw Object.assign(new Error('BAD_CREDENTIALS'), { code: 'BAD_CREDENTIALS' })
    const newKey = await deriveKey(next)
    const rewrapped = []
    for (const k of keys) {
      const context = contextFor(userId, k.provider)
      const envelope = await withUserKey((from) => rotateRecipient(k.envelope, { from, to: newKey, context }))
      rewrapped.push({ id: k.id, version: k.version, envelope })
    }
    const [verifierNow, verifierNext] = await Promise.all([verifier(session.name, current), verifier(session.name, next)])
    pending = { password: next, key: newKey }
    return { verifier: verifierNow, newVerifier: verifierNext, keys: rewrapped }
  },

  commitPassword() {
    need()
    if (pending) session = { name: session.name, ...pending }
    pending = null
    return {}
  },
}

self.onmessage = async (event) => {
  const { id, op, args } = event.data ?? {}
  try {
    if (!Object.hasOwn(ops, op)) throw Object.assign(new Error('UNKNOWN_OP'), { code: 'UNKNOWN_OP' })
    self.postMessage({ id, ok: true, result: await ops[op](args ?? {}) })
  } catch (error) {
    self.postMessage({ id, ok: false, code: typeof error?.code === 'string' ? error.code : 'WORKER_ERROR' })
  }
}
self.postMessage({ ready: true })
