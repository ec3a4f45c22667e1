// Paths, inputs shared by every scenario, environment facts, and the scenario output protocol.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import os from 'node:os'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'

export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..')
export const ROOT_DIR = join(BENCH_DIR, '..')
export const RESULTS_DIR = join(BENCH_DIR, 'results')
export const ROOT_DIST_DIR = join(ROOT_DIR, 'dist')
// run.mjs benchmarks a private snapshot of dist/ (KEYSEAL_DIST_DIR), so another build in the same
// checkout (tsup cleans dist/ first) cannot pull the library away in the middle of a run.
export const DIST_DIR = process.env.KEYSEAL_DIST_DIR || ROOT_DIST_DIR
export const DIST_ENTRY = join(DIST_DIR, 'index.js')

const requireFromBench = createRequire(join(BENCH_DIR, 'package.json'))

/**
 * Infrastructure-only runs (BENCH_DEV_NO_KEYSEAL=1) leave keyseal out entirely and never write
 * results: they exist to test the harness and the competitor adapters before dist/ exists.
 */
export const DEV_NO_KEYSEAL = process.env.BENCH_DEV_NO_KEYSEAL === '1'

/** keyseal as a consumer gets it: the built ESM entry. Never a stub: no dist, no numbers. */
export async function loadKeyseal() {
  if (DEV_NO_KEYSEAL) return null
  if (!existsSync(DIST_ENTRY)) {
    throw new Error(`${DIST_ENTRY} is missing: run \`npm run build\` in the repository root first`)
  }
  return import(pathToFileURL(DIST_ENTRY).href)
}

export function keysealVersion() {
  return JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')).version
}

/** Installed version of a bench dependency (read from its package.json, not from our pins). */
export function libVersion(name) {
  try {
    return JSON.parse(readFileSync(requireFromBench.resolve(`${name}/package.json`), 'utf8')).version
  } catch {
    // Packages whose exports map hides package.json: walk up from the resolved entry.
    try {
      let d = dirname(requireFromBench.resolve(name))
      for (let i = 0; i < 5; i++, d = dirname(d)) {
        const p = join(d, 'package.json')
        if (existsSync(p)) {
          const j = JSON.parse(readFileSync(p, 'utf8'))
          if (j.name === name) return j.version
        }
      }
    } catch {}
    return undefined
  }
}

/** Short HEAD commit, marked when src/ differs from it (the checkout may be shared). */
export function gitHead() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    // The checkout is shared: say so when src/ differs from the commit (the build may include it).
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'package.json', 'tsup.config.ts'], { cwd: ROOT_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    return dirty ? `${head}+uncommitted src` : head
  } catch {
    return undefined
  }
}

export function distSha256() {
  try {
    return createHash('sha256').update(readFileSync(DIST_ENTRY)).digest('hex').slice(0, 16)
  } catch {
    return undefined
  }
}

export function environment() {
  const cpus = os.cpus()
  return {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    keyseal: keysealVersion(),
    gitHead: gitHead(),
    distSha256: distSha256(),
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  }
}

// ---- Inputs, the same for every library ------------------------------------------------------

/** A 64-byte API-key-shaped secret (ASCII, so 64 characters = 64 UTF-8 bytes). */
export const SECRET_64 = 'sk-proj-' + 'Zq3vN8xR1tLw5yKb0pHc7dMf2sJg9aUe4iOo6nVk3XrT1QzW8mYb5LhC'.slice(0, 56)
if (new TextEncoder().encode(SECRET_64).length !== 64) throw new Error('SECRET_64 must be 64 bytes')

/** One passphrase for every library; 40 characters, since iron-webcrypto refuses fewer than 32. */
export const PASSPHRASE = 'correct horse battery staple, 2024 edit!'
if (PASSPHRASE.length < 32) throw new Error('iron-webcrypto needs a passphrase of at least 32 characters')

export const PBKDF2_ITERATIONS = 600_000

/** The contract's explicit test policy (cheap KDF), used only to derive the key for `cached`. */
export const TEST_POLICY_OVERRIDES = { pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } }

/** 1 MiB of deterministic pseudo-random bytes for `throughput`. */
export function payload(n) {
  const out = new Uint8Array(n)
  let x = 0x9e3779b9
  for (let i = 0; i < n; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

// ---- Scenario output protocol ----------------------------------------------------------------
// run.mjs starts every scenario (and the hook scripts bench/argon2id.mjs, bench/rotation.mjs) as
// `node --expose-gc <script>` with KEYSEAL_BENCH_OUT=<file>. A scenario writes one JSON object there:
// { scenario, title, description, env, result: <interleave() output>, budgets: [...], checks: [...],
//   notes: [...] }. Run on its own (no KEYSEAL_BENCH_OUT), it just prints.

const START_ENV = environment()

export function writeScenario(obj) {
  const out = process.env.KEYSEAL_BENCH_OUT
  // loadavg at the start and at the end of the scenario: the noise it ran under, stated.
  const full = { env: { ...START_ENV, loadavgEnd: os.loadavg().map((x) => Math.round(x * 100) / 100) }, ...obj }
  if (out && !DEV_NO_KEYSEAL) {
    mkdirSync(dirname(out), { recursive: true })
    writeFileSync(out, JSON.stringify(full, null, 2) + '\n')
  }
  return full
}

export function log(...a) {
  console.log(...a)
}

/** base64url decode, lenient, for cross-checks only (never in the library). */
export function b64uDecode(s) {
  return new Uint8Array(Buffer.from(s.replace(/=+$/, ''), 'base64url'))
}
