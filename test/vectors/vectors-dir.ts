// The NIST vector files the tests read are kept in the repository (vectors/nist-cavp/*.rsp.gz,
// vectors/nist-acvp/; issue 12): a fresh clone passes `npm test` with nothing beside it and no
// network. Every read goes through scripts/fetch-vectors.mjs readVector(), which decompresses and
// checks size and SHA-256 against vectors/manifest.json, and throws (the test FAILS) otherwise.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readVector } from '../../scripts/fetch-vectors.mjs'

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))

/** The verified text of the vector file at manifest path `relPath` (e.g. `nist-cavp/gcmDecrypt256.rsp`). */
export function readVectorText(relPath: string): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(readVector(relPath))
}

/** A file from the repository's own vectors/ folder (RFC transcriptions and the like). */
export function readRepoVector(relPath: string): string {
  return readFileSync(join(REPO_ROOT, 'vectors', ...relPath.split('/')), 'utf8')
}

export function hex(s: string): Uint8Array<ArrayBuffer> {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new Error(`bad hex: ${s.slice(0, 16)}`)
  const out = new Uint8Array(s.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16)
  return out
}

export function toHex(b: Uint8Array): string {
  let s = ''
  for (const x of b) s += x.toString(16).padStart(2, '0')
  return s
}
