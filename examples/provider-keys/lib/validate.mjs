// Save-time validation: the server refuses, before storing, every envelope it could not use or
// that would weaken the row. An envelope is stored only if
//   1. it is a well-formed keyseal v2 envelope (inspect: no key needed),
//   2. its label is a well-formed masked key (`sk-…abcd`),
//   3. it has exactly two recipients: one passphrase stanza (the user's) and one P-256 stanza for
//      a server key the server currently accepts (the current key, or the next during a rotation),
//   4. every stanza is within the server's policy: the user's KDF parameters are at or above the
//      sealing floors (a 1-iteration PBKDF2 stanza would make a stolen row cheap to brute-force)
//      and within the opening bounds,
//   5. it opens with the server's private key under THIS user's context `user:<id>/<provider>`
//      (an envelope copied from another user or provider, or tampered with, gives AUTH_FAILED),
//   6. what it holds looks like an API key and matches its label.
// Refusals carry a stable code: a keyseal error code where keyseal found the problem, otherwise
// one of the app's own (listed in README.md). Messages never contain the input.
import { inspect, isKeysealError, openKeyBytes, defaultPolicy } from '@org/keyseal/v2'
import { API_KEY, LABEL, contextFor, maskKey } from '../public/shared.js'

export const ENVELOPE_MAX = 4096 // an API key is at most 256 characters; its envelope about 700

export class Refusal extends Error {
  constructor(code, status = 422) {
    super(code)
    this.code = code
    this.status = status
  }
}


/** Steps 1-4: no key needed. Returns the parsed description and the server key id it names. */
export function checkShape(envelope, acceptedServerKeyIds, policy = defaultPolicy) {
  if (typeof envelope !== 'string') throw new Refusal('MALFORMED_ENVELOPE', 400)
  if (envelope.length > ENVELOPE_MAX) throw new Refusal('ENVELOPE_TOO_LARGE', 413)
  let info
  try {
    info = inspect(envelope)
  } catch (error) {
    if (isKeysealError(error)) throw new Refusal(error.code, 400)
    throw error
  }
  if (info.version !== 2) throw new Refusal('NOT_RECIPIENT_ENVELOPE', 422)
  if (typeof info.label !== 'string' || !LABEL.test(info.label)) throw new Refusal('BAD_LABEL', 422)
  const recipients = info.recipients ?? []
  const server = recipients.filter((r) => r.kind === 'p256')
  const user = recipients.filter((r) => r.kind === 'passphrase')
  if (server.length === 0) throw new Refusal('MISSING_SERVER_RECIPIENT', 422)
  if (user.length === 0) throw new Refusal('MISSING_USER_RECIPIENT', 422)
  if (recipients.length !== 2 || server.length !== 1 || user.length !== 1) throw new Refusal('UNEXPECTED_RECIPIENT', 422)
  const serverKeyId = server[0].keyId
  if (!acceptedServerKeyIds.includes(serverKeyId)) throw new Refusal('UNKNOWN_SERVER_KEY', 422)
  checkUserStanzaPolicy(user[0], policy)
  return { info, serverKeyId, label: info.label }
}

/** The sealing floor and opening bounds of the policy, applied to the user's stanza. */
function checkUserStanzaPolicy(stanza, policy) {
  const p = stanza.kdf
  if (p.kdf === 'pbkdf2-sha256') {
    const it = p.iterations
    if (!Number.isSafeInteger(it) || it < policy.pbkdf2.minIterations || it > policy.pbkdf2.maxIterations) throw new Refusal('PARAMS_OUT_OF_POLICY', 422)
  } else {
    const a = policy.argon2id
    if (!a || !(p.memoryKiB >= a.minMemoryKiB && p.memoryKiB <= a.maxMemoryKiB && p.passes >= a.minPasses && p.passes <= a.maxPasses)) throw new Refusal('PARAMS_OUT_OF_POLICY', 422)
  }
}

/**
 * Steps 5-6: open with the server's private key under this user's context, check the label.
 * The plaintext is held as bytes and zeroed before returning; it is never logged or stored.
 */
export async function checkOpens(envelope, { userId, provider, label, privateKey }) {
  let bytes
  try {
    bytes = await openKeyBytes(envelope, privateKey, { context: contextFor(userId, provider) })
  } catch (error) {
    if (isKeysealError(error)) throw new Refusal(error.code, 422)
    throw error
  }
  try {
    const apiKey = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
    if (!API_KEY.test(apiKey)) throw new Refusal('BAD_API_KEY', 422)
    if (maskKey(apiKey) !== label) throw new Refusal('LABEL_MISMATCH', 422)
  } catch (error) {
    if (error instanceof Refusal) throw error
    throw new Refusal('BAD_API_KEY', 422)
  } finally {
    bytes.fill(0)
  }
}

/** The whole check, 1-6. `keys` is the server's key set (server-keys.mjs). */
export async function validateForSave(envelope, { userId, provider, keys }) {
  const snap = keys.snapshot()
  const { serverKeyId, label } = checkShape(envelope, snap.accepted)
  const privateKey = await keys.privateKey(serverKeyId)
  await checkOpens(envelope, { userId, provider, label, privateKey })
  return { serverKeyId, label }
}
