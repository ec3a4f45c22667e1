// Sign-in without the server ever seeing the password.
//
// The browser's worker derives a VERIFIER from the password (PBKDF2-SHA256, 600,000 iterations,
// salt = SHA-256 of a fixed label and the user name; public/worker.js) and sends only that. It is
// domain-separated from the keyseal passphrase stanza (different salt), so knowing the verifier
// does not open any envelope. The server stores scrypt(verifier) with a random salt, so a stolen
// database does not give a value that signs in. Either way the password itself stays in the page.
import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

const scrypt = promisify(scryptCb)
// RFC 7914 parameters N=2^14, r=8, p=1 (about 16 MiB, tens of ms): the verifier already costs an
// attacker 600,000 PBKDF2 iterations per guess; this layer only keeps the stored value from
// being a usable credential.
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }

/** A verifier is exactly 32 bytes, sent as 43 base64url characters. */
export function parseVerifier(v) {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(v)) return null
  const b = Buffer.from(v, 'base64url')
  return b.length === 32 && b.toString('base64url') === v ? b : null
}

export async function hashVerifier(verifier, salt = randomBytes(16)) {
  return { salt, hash: await scrypt(verifier, salt, 32, SCRYPT) }
}

export async function checkVerifier(verifier, salt, hash) {
  const h = await scrypt(verifier, salt, 32, SCRYPT)
  return h.length === hash.length && timingSafeEqual(h, hash)
}

// A fixed dummy for unknown user names, so that "no such user" and "wrong password" take the
// same work and give the same answer.
const DUMMY = { salt: randomBytes(16), hash: randomBytes(32) }
export const dummyUser = () => DUMMY

export const newSessionToken = () => randomBytes(32).toString('base64url')
export const tokenHash = (token) => createHash('sha256').update(token).digest()
