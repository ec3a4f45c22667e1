#!/usr/bin/env node
// The NIST test-vector files keyseal's tests read are kept in the repository (vectors/nist-cavp/,
// gzip-compressed, and vectors/nist-acvp/; issue 12), each pinned by size and SHA-256 of the
// original bytes in vectors/manifest.json. The tests read them only through readVector(), which
// decompresses and verifies. This script also proves the copies are NIST's own bytes: it downloads
// the official files and checks them against the same manifest.
//
//   node scripts/fetch-vectors.mjs            download from NIST into .vectors-cache/, verify, and
//                                             compare with the repository's copies (needs a network)
//   node scripts/fetch-vectors.mjs --verify   verify the repository's copies, no network
//   node scripts/fetch-vectors.mjs --verify DIR
//                                             verify a directory of originals (e.g. ../shared/vectors)
//
// Dev tooling only: it uses node: modules, which the library itself never does (STYLE.md habit 1).
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gunzipSync, inflateRawSync } from 'node:zlib'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const MANIFEST_PATH = join(REPO_ROOT, 'vectors', 'manifest.json')
export const REPO_VECTORS_DIR = join(REPO_ROOT, 'vectors')
export const CACHE_DIR = join(REPO_ROOT, '.vectors-cache')

/** The manifest as parsed JSON: `{ description, files: [{ name, path, bytes, sha256, kind, url, ... }] }`. */
export function loadManifest(path = MANIFEST_PATH) {
  const manifest = JSON.parse(readFileSync(path, 'utf8'))
  if (!manifest || !Array.isArray(manifest.files) || manifest.files.length === 0) {
    throw new Error(`manifest ${path} has no files`)
  }
  for (const f of manifest.files) {
    if (typeof f.path !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256) || !Number.isSafeInteger(f.bytes)) {
      throw new Error(`manifest entry ${JSON.stringify(f.name)} lacks path, sha256 or bytes`)
    }
    // Paths are joined onto a directory: refuse anything that could climb out of it.
    for (const p of [f.path, f.repoCopy]) {
      if (typeof p !== 'string' || p.startsWith('/') || p.split('/').includes('..')) throw new Error(`unsafe or missing manifest path ${p} (${f.name})`)
    }
    if (f.repoCompression !== undefined && f.repoCompression !== 'gzip') throw new Error(`${f.name}: unknown repoCompression ${f.repoCompression}`)
  }
  return manifest
}

/**
 * The original bytes of one manifest entry from the repository's copy (gunzipped when stored
 * compressed). Not verified here: see readVector() and verifyRepo().
 */
export function readRepoCopy(entry, repoVectorsDir = REPO_VECTORS_DIR) {
  const stored = readFileSync(join(repoVectorsDir, ...entry.repoCopy.split('/')))
  if (entry.repoCompression !== 'gzip') return new Uint8Array(stored)
  // maxOutputLength: a damaged or hostile archive cannot inflate past one byte more than the manifest
  // size (checkBytes then reports the size).
  return new Uint8Array(gunzipSync(stored, { maxOutputLength: entry.bytes + 1 }))
}

/**
 * The verified original bytes of the vector file at manifest `path` (for example
 * `nist-cavp/gcmDecrypt256.rsp`), read from the repository. Throws when the path is not in the
 * manifest or the bytes do not match its size and SHA-256: a test never runs on unverified data.
 */
export function readVector(path, { manifest = loadManifest(), repoVectorsDir = REPO_VECTORS_DIR } = {}) {
  const entry = manifest.files.find((f) => f.path === path)
  if (entry === undefined) throw new Error(`${path} is not in vectors/manifest.json`)
  let bytes
  try {
    bytes = readRepoCopy(entry, repoVectorsDir)
  } catch (error) {
    throw new Error(`vectors/${entry.repoCopy}: ${error instanceof Error ? error.message : String(error)}`)
  }
  const reason = checkBytes(entry, bytes)
  if (reason !== null) throw new Error(`vectors/${entry.repoCopy} does not match vectors/manifest.json: ${reason}`)
  return bytes
}

/** Verify every repository copy against the manifest: one `{ path, ok, reason }` per entry. */
export function verifyRepo(manifest = loadManifest(), repoVectorsDir = REPO_VECTORS_DIR) {
  return manifest.files.map((entry) => {
    const label = `(repo) vectors/${entry.repoCopy}`
    const file = join(repoVectorsDir, ...entry.repoCopy.split('/'))
    if (!existsSync(file)) return { path: label, ok: false, reason: 'missing' }
    const stored = readFileSync(file)
    if (typeof entry.repoSha256 === 'string' && (stored.length !== entry.repoBytes || sha256Hex(stored) !== entry.repoSha256)) {
      return { path: label, ok: false, reason: `stored file: size ${stored.length}, sha256 ${sha256Hex(stored)}; manifest says ${entry.repoBytes}, ${entry.repoSha256}` }
    }
    let reason
    try {
      reason = checkBytes(entry, readRepoCopy(entry, repoVectorsDir))
    } catch (error) {
      reason = `unreadable: ${error instanceof Error ? error.message : String(error)}`
    }
    return reason === null ? { path: label, ok: true } : { path: label, ok: false, reason }
  })
}

/** Lower-case hex SHA-256 of `bytes`. */
export function sha256Hex(bytes) {
  return createHash('sha256').update(bytes).digest('hex')
}

/** Check `bytes` against one manifest entry: `null` when they match, else the reason. */
export function checkBytes(entry, bytes) {
  if (bytes.length !== entry.bytes) return `size ${bytes.length}, manifest says ${entry.bytes}`
  const got = sha256Hex(bytes)
  if (got !== entry.sha256) return `sha256 ${got}, manifest says ${entry.sha256}`
  return null
}

/**
 * Verify a directory of original (uncompressed) files laid out by manifest `path`, such as
 * .vectors-cache/ or ../shared/vectors. Returns one result per entry: `{ path, ok, reason }`.
 */
export function verifyDir(dir, manifest = loadManifest()) {
  const results = []
  const check = (label, file, entry) => {
    if (!existsSync(file)) return results.push({ path: label, ok: false, reason: 'missing' })
    const reason = checkBytes(entry, readFileSync(file))
    results.push(reason === null ? { path: label, ok: true } : { path: label, ok: false, reason })
  }
  for (const entry of manifest.files) {
    check(entry.path, join(dir, ...entry.path.split('/')), entry)
  }
  return results
}

// ---------------------------------------------------------------------------------------------
// CRC-32 (ISO 3309 / ITU-T V.42, the ZIP one: reflected polynomial 0xEDB88320). Node 20 has no
// zlib.crc32. Check value: crc32("123456789") = 0xCBF43926.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t[n] = c >>> 0
  }
  return t
})()

/** CRC-32 of `bytes` as an unsigned 32-bit integer. */
export function crc32(bytes) {
  let c = 0xffffffff
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

// ---------------------------------------------------------------------------------------------
// A minimal ZIP reader (PKWARE APPNOTE.TXT 6.3): the central directory is authoritative (local
// headers may carry zero sizes when bit 3 of the flags is set), members are stored (method 0) or
// deflated (method 8). No ZIP64, no encryption, no multi-disk archives: all are refused rather than
// guessed at. Sizes and the CRC-32 from the central directory are checked after extraction.
const EOCD_SIG = 0x06054b50
const CDH_SIG = 0x02014b50
const LFH_SIG = 0x04034b50

function zipError(msg) {
  return new Error(`zip: ${msg}`)
}

/** List the members of a ZIP archive: `[{ name, method, flags, crc32, compressedSize, size, localOffset }]`. */
export function listZip(zip) {
  const buf = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength)
  // The end-of-central-directory record is 22 bytes plus a comment of at most 65535 bytes.
  let eocd = -1
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD_SIG && i + 22 + buf.readUInt16LE(i + 20) === buf.length) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw zipError('no end-of-central-directory record')
  const disk = buf.readUInt16LE(eocd + 4)
  const cdDisk = buf.readUInt16LE(eocd + 6)
  const countOnDisk = buf.readUInt16LE(eocd + 8)
  const count = buf.readUInt16LE(eocd + 10)
  const cdSize = buf.readUInt32LE(eocd + 12)
  const cdOffset = buf.readUInt32LE(eocd + 16)
  if (disk !== 0 || cdDisk !== 0 || countOnDisk !== count) throw zipError('multi-disk archives are not supported')
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw zipError('ZIP64 is not supported')
  if (cdOffset + cdSize > eocd) throw zipError('central directory out of bounds')

  const entries = []
  let p = cdOffset
  for (let n = 0; n < count; n++) {
    if (p + 46 > cdOffset + cdSize || buf.readUInt32LE(p) !== CDH_SIG) throw zipError('bad central directory header')
    const flags = buf.readUInt16LE(p + 8)
    const method = buf.readUInt16LE(p + 10)
    const crc = buf.readUInt32LE(p + 16)
    const compressedSize = buf.readUInt32LE(p + 20)
    const size = buf.readUInt32LE(p + 24)
    const nameLen = buf.readUInt16LE(p + 28)
    const extraLen = buf.readUInt16LE(p + 30)
    const commentLen = buf.readUInt16LE(p + 32)
    const localOffset = buf.readUInt32LE(p + 42)
    if (p + 46 + nameLen + extraLen + commentLen > cdOffset + cdSize) throw zipError('central directory entry out of bounds')
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen)
    if (compressedSize === 0xffffffff || size === 0xffffffff || localOffset === 0xffffffff) {
      throw zipError('ZIP64 is not supported')
    }
    entries.push({ name, method, flags, crc32: crc, compressedSize, size, localOffset })
    p += 46 + nameLen + extraLen + commentLen
  }
  return entries
}

/**
 * Extract one member by name. `name` matches the full member name, or else the last path component
 * of exactly one member (archives sometimes wrap their files in a folder).
 */
export function extractZipMember(zip, name) {
  const entries = listZip(zip)
  let entry = entries.find((e) => e.name === name)
  if (entry === undefined) {
    const byBase = entries.filter((e) => e.name.split('/').pop() === name)
    if (byBase.length > 1) throw zipError(`member ${name} is ambiguous`)
    entry = byBase[0]
  }
  if (entry === undefined) throw zipError(`member ${name} not found`)
  return extractEntry(zip, entry)
}

function extractEntry(zip, entry) {
  const buf = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength)
  if (entry.flags & 1) throw zipError(`member ${entry.name} is encrypted`)
  const p = entry.localOffset
  if (p + 30 > buf.length || buf.readUInt32LE(p) !== LFH_SIG) throw zipError(`bad local header for ${entry.name}`)
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28)
  const end = start + entry.compressedSize
  if (end > buf.length) throw zipError(`member ${entry.name} out of bounds`)
  const raw = buf.subarray(start, end)
  let data
  if (entry.method === 0) {
    data = Buffer.from(raw)
  } else if (entry.method === 8) {
    // maxOutputLength caps a lying size field: inflation stops instead of filling memory.
    try {
      data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) })
    } catch {
      throw zipError(`member ${entry.name}: deflate data is invalid or larger than its recorded size`)
    }
  } else {
    throw zipError(`member ${entry.name}: compression method ${entry.method} is not supported`)
  }
  if (data.length !== entry.size) throw zipError(`member ${entry.name}: size ${data.length}, header says ${entry.size}`)
  if (crc32(data) !== entry.crc32) throw zipError(`member ${entry.name}: CRC-32 mismatch`)
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

// ---------------------------------------------------------------------------------------------

function writeAtomic(file, bytes) {
  mkdirSync(dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, bytes)
  renameSync(tmp, file)
}

async function download(fetchImpl, url) {
  const res = await fetchImpl(url, { redirect: 'follow' })
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`)
  return new Uint8Array(await res.arrayBuffer())
}

/**
 * Download every fetchable manifest file into `cacheDir`, verifying each before it is written.
 * Transcriptions (not downloadable) are copied from the repository's own copy, so the cache is a
 * complete vectors directory. A file already present and matching is kept. Throws (after writing the files that did verify)
 * when any file is missing upstream or does not match the manifest. `fetchImpl` is injectable so the
 * whole path can be tested offline.
 */
export async function fetchVectors({
  cacheDir = CACHE_DIR,
  manifest = loadManifest(),
  fetchImpl = globalThis.fetch,
  repoVectorsDir = REPO_VECTORS_DIR,
  log = () => {},
} = {}) {
  const zips = new Map() // url -> Promise<bytes>: each archive is downloaded once
  const failures = []
  const written = []
  for (const entry of manifest.files) {
    const target = join(cacheDir, ...entry.path.split('/'))
    if (!target.startsWith(resolve(cacheDir) + sep)) throw new Error(`unsafe manifest path ${entry.path}`)
    if (existsSync(target) && checkBytes(entry, readFileSync(target)) === null) {
      log(`ok     ${entry.path} (cached)`)
      continue
    }
    let bytes
    try {
      if (entry.kind === 'transcription') {
        // Not downloadable (its url is the source document): the repository keeps the only copy.
        bytes = readRepoCopy(entry, repoVectorsDir)
      } else if (entry.kind === 'cavp-zip-member') {
        if (!zips.has(entry.url)) zips.set(entry.url, download(fetchImpl, entry.url))
        bytes = extractZipMember(await zips.get(entry.url), entry.member)
      } else if (entry.kind === 'acvp-raw') {
        bytes = await download(fetchImpl, entry.url)
      } else {
        throw new Error(`unknown kind ${entry.kind}`)
      }
    } catch (error) {
      failures.push(`${entry.path}: ${error instanceof Error ? error.message : String(error)}`)
      continue
    }
    const reason = checkBytes(entry, bytes)
    if (reason !== null) {
      failures.push(`${entry.path}: REFUSED, ${reason}`)
      continue
    }
    writeAtomic(target, bytes)
    written.push(entry.path)
    log(`${entry.kind === 'transcription' ? 'copied ' : 'fetched'} ${entry.path}`)
  }
  if (failures.length > 0) throw new Error(`fetch-vectors failed:\n  ${failures.join('\n  ')}`)
  return written
}

async function main(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('usage: node scripts/fetch-vectors.mjs | --verify [dir]')
    return 0
  }
  if (argv[0] === '--verify') {
    const dir = argv[1] ? resolve(argv[1]) : null
    const results = dir === null ? verifyRepo() : verifyDir(dir)
    for (const r of results) console.log(`${r.ok ? 'ok      ' : 'MISMATCH'} ${r.path}${r.ok ? '' : `: ${r.reason}`}`)
    const bad = results.filter((r) => !r.ok).length
    console.log(`${dir ?? 'repository vectors/'}: ${results.length - bad} verified, ${bad} failed`)
    return bad === 0 ? 0 : 1
  }
  try {
    await fetchVectors({ log: (line) => console.log(line) })
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    return 1
  }
  // The downloads and the repository's copies both match the manifest, so they are the same bytes.
  const cache = await main(['--verify', CACHE_DIR])
  const repo = await main(['--verify'])
  return cache === 0 && repo === 0 ? 0 : 1
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2))
}
