// Where the NIST vector files live. They are not in the repository (vectors/README.md); in order:
//   1. $KEYSEAL_VECTORS_DIR, when set (no fallback then: a wrong override must not be papered over)
//   2. <repo>/../shared/vectors
//   3. <repo>/.vectors-cache/, filled by `node scripts/fetch-vectors.mjs`
// The first of these that exists is used; when none exists, or it lacks a file, this throws, so the
// test FAILS with instructions instead of skipping.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))

export function vectorsDirCandidates(env: Record<string, string | undefined> = process.env): string[] {
  if (env.KEYSEAL_VECTORS_DIR) return [resolve(env.KEYSEAL_VECTORS_DIR)]
  return [resolve(REPO_ROOT, '..', 'shared', 'vectors'), join(REPO_ROOT, '.vectors-cache')]
}

/** The first vectors directory that exists, or an error naming where to get one. */
export function vectorsDir(): string {
  const candidates = vectorsDirCandidates()
  const found = candidates.find((d) => existsSync(d))
  if (found !== undefined) return found
  throw new Error(
    `No NIST vectors directory. Looked at:\n  ${candidates.join('\n  ')}\n` +
      'Run `node scripts/fetch-vectors.mjs` to download and verify the files into .vectors-cache/, ' +
      'or point KEYSEAL_VECTORS_DIR at a vectors directory.',
  )
}

/**
 * Absolute path of `relPath` (a manifest path such as `nist-cavp/gcmDecrypt256.rsp`) inside
 * vectorsDir(). Files are never mixed from two directories: the one manifest.test.ts verifies is the
 * one the tests read.
 */
export function vectorFile(relPath: string): string {
  const dir = vectorsDir()
  const file = join(dir, ...relPath.split('/'))
  if (existsSync(file)) return file
  throw new Error(
    `NIST test vector ${relPath} not found in ${dir}.\n` +
      'Run `node scripts/fetch-vectors.mjs` (or `--verify`) to download or check the files, ' +
      'or point KEYSEAL_VECTORS_DIR at a complete vectors directory.',
  )
}

export function readVectorText(relPath: string): string {
  return readFileSync(vectorFile(relPath), 'utf8')
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
