// vectors/manifest.json and scripts/fetch-vectors.mjs: the repository's copies of the NIST files
// (the ones the tests read) verify against the manifest, so it can never drift; readVector refuses
// a changed copy; the repository's transcriptions match the hashes vectors/README.md records; and
// the download path (ZIP reader, hash check, refusal) works offline against a fake fetch that serves
// archives built here by hand.
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { deflateRawSync, gzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import {
  checkBytes,
  crc32 as scriptCrc32,
  extractZipMember,
  fetchVectors,
  listZip,
  loadManifest,
  type Manifest,
  type ManifestEntry,
  readRepoCopy,
  readVector,
  verifyDir,
  verifyRepo,
} from '../../scripts/fetch-vectors.mjs'
import { REPO_ROOT } from './vectors-dir'

const manifest = loadManifest()
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
const temps: string[] = []
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'keyseal-vectors-'))
  temps.push(d)
  return d
}
afterAll(() => {
  for (const d of temps) rmSync(d, { recursive: true, force: true })
})

// ---------------------------------------------------------------------------------------------
// A tiny CRC-32 and ZIP writer of the test's own, independent of the script's reader.

function crc32(b: Uint8Array): number {
  let c = ~0
  for (const x of b) {
    c ^= x
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
  }
  return ~c >>> 0
}

interface Member {
  name: string
  data: Uint8Array
  method: 0 | 8
  /** Bit 3: sizes and CRC only in a data descriptor after the data (local header has zeros). */
  descriptor?: boolean
  flags?: number
  crcOverride?: number
  sizeOverride?: number
}

function buildZip(members: readonly Member[]): Uint8Array {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8')
    const body = m.method === 8 ? deflateRawSync(m.data) : Buffer.from(m.data)
    const crc = m.crcOverride ?? crc32(m.data)
    const size = m.sizeOverride ?? m.data.length
    const flags = (m.flags ?? 0) | (m.descriptor ? 8 : 0)
    const lfh = Buffer.alloc(30)
    lfh.writeUInt32LE(0x04034b50, 0)
    lfh.writeUInt16LE(20, 4)
    lfh.writeUInt16LE(flags, 6)
    lfh.writeUInt16LE(m.method, 8)
    lfh.writeUInt32LE(m.descriptor ? 0 : crc, 14)
    lfh.writeUInt32LE(m.descriptor ? 0 : body.length, 18)
    lfh.writeUInt32LE(m.descriptor ? 0 : size, 22)
    lfh.writeUInt16LE(name.length, 26)
    const parts = [lfh, name, body]
    if (m.descriptor) {
      const dd = Buffer.alloc(16)
      dd.writeUInt32LE(0x08074b50, 0)
      dd.writeUInt32LE(crc, 4)
      dd.writeUInt32LE(body.length, 8)
      dd.writeUInt32LE(size, 12)
      parts.push(dd)
    }
    const local = Buffer.concat(parts)
    const cdh = Buffer.alloc(46)
    cdh.writeUInt32LE(0x02014b50, 0)
    cdh.writeUInt16LE(20, 4)
    cdh.writeUInt16LE(20, 6)
    cdh.writeUInt16LE(flags, 8)
    cdh.writeUInt16LE(m.method, 10)
    cdh.writeUInt32LE(crc, 16)
    cdh.writeUInt32LE(body.length, 20)
    cdh.writeUInt32LE(size, 24)
    cdh.writeUInt16LE(name.length, 28)
    cdh.writeUInt32LE(offset, 42)
    centrals.push(Buffer.concat([cdh, name]))
    locals.push(local)
    offset += local.length
  }
  const cd = Buffer.concat(centrals)
  const eocd = Buffer.alloc(22)
  eocd.writeUInt32LE(0x06054b50, 0)
  eocd.writeUInt16LE(members.length, 8)
  eocd.writeUInt16LE(members.length, 10)
  eocd.writeUInt32LE(cd.length, 12)
  eocd.writeUInt32LE(offset, 16)
  return new Uint8Array(Buffer.concat([...locals, cd, eocd]))
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s)

// ---------------------------------------------------------------------------------------------

describe('vectors/manifest.json', () => {
  it('names the four NIST files the tests read, with their official download addresses', () => {
    const byPath = Object.fromEntries(manifest.files.map((f) => [f.path, f]))
    expect(Object.keys(byPath).sort()).toEqual([
      'nist-acvp/ACVP-AES-GCM-1.0/internalProjection.json',
      'nist-cavp/gcm-spec-aes256-test-cases.json',
      'nist-cavp/gcmDecrypt256.rsp',
      'nist-cavp/gcmEncryptExtIV256.rsp',
    ])
    const zip = 'https://csrc.nist.gov/CSRC/media/Projects/Cryptographic-Algorithm-Validation-Program/documents/mac/gcmtestvectors.zip'
    for (const p of ['nist-cavp/gcmDecrypt256.rsp', 'nist-cavp/gcmEncryptExtIV256.rsp']) {
      expect([byPath[p].kind, byPath[p].url, byPath[p].member]).toEqual(['cavp-zip-member', zip, p.split('/')[1]])
    }
    expect(byPath['nist-acvp/ACVP-AES-GCM-1.0/internalProjection.json'].url).toBe(
      'https://raw.githubusercontent.com/usnistgov/ACVP-Server/v1.1.0.43/gen-val/json-files/ACVP-AES-GCM-1.0/internalProjection.json',
    )
    expect(byPath['nist-cavp/gcm-spec-aes256-test-cases.json'].kind).toBe('transcription')
    for (const f of manifest.files) {
      expect(f.sha256).toMatch(/^[0-9a-f]{64}$/)
      expect(f.license.length).toBeGreaterThan(0)
    }
  })

  it('every file is kept in the repository, and each copy verifies (stored file and original bytes)', () => {
    for (const f of manifest.files) expect(f.repoCopy, f.path).toMatch(/^[\w./-]+$/)
    const byPath = Object.fromEntries(manifest.files.map((f) => [f.path, f]))
    expect(byPath['nist-cavp/gcmEncryptExtIV256.rsp'].repoCopy).toBe('nist-cavp/gcmEncryptExtIV256.rsp.gz')
    expect(byPath['nist-cavp/gcmDecrypt256.rsp'].repoCopy).toBe('nist-cavp/gcmDecrypt256.rsp.gz')
    const results = verifyRepo()
    expect(results.filter((r) => !r.ok)).toEqual([])
    expect(results.length).toBe(manifest.files.length)
    for (const f of manifest.files) expect(sha256(readVector(f.path)), f.path).toBe(f.sha256)
  })

  it('readVector and verifyRepo refuse a changed byte, a truncated archive, a wrong size and a missing file', () => {
    const dir = tempDir()
    cpSync(join(REPO_ROOT, 'vectors'), dir, { recursive: true })
    expect(verifyRepo(manifest, dir).every((r) => r.ok)).toBe(true)
    const [enc, dec, spec, acvp] = ['nist-cavp/gcmEncryptExtIV256.rsp', 'nist-cavp/gcmDecrypt256.rsp', 'nist-cavp/gcm-spec-aes256-test-cases.json', 'nist-acvp/ACVP-AES-GCM-1.0/internalProjection.json'].map(
      (p) => manifest.files.find((f) => f.path === p)!,
    )
    const at = (e: ManifestEntry): string => join(dir, ...e.repoCopy.split('/'))
    // A re-compressed copy with one changed byte inside: the stored-file hash and the original's differ.
    const original = readRepoCopy(enc)
    original[original.length >> 1] ^= 1
    writeFileSync(at(enc), gzipSync(original))
    // A truncated archive.
    writeFileSync(at(dec), readFileSync(at(dec)).subarray(0, 1000))
    // One byte appended to an uncompressed copy.
    writeFileSync(at(acvp), Buffer.concat([readFileSync(at(acvp)), Buffer.from('\n')]))
    rmSync(at(spec))
    const bad = Object.fromEntries(verifyRepo(manifest, dir).filter((r) => !r.ok).map((r) => [r.path, r.reason]))
    expect(Object.keys(bad).sort()).toEqual([enc, dec, spec, acvp].map((e) => `(repo) vectors/${e.repoCopy}`).sort())
    expect(bad[`(repo) vectors/${spec.repoCopy}`]).toBe('missing')
    // Without the stored-file hashes, the original bytes are still checked.
    const loose: Manifest = { ...manifest, files: manifest.files.map(({ repoBytes: _b, repoSha256: _s, ...f }) => f) }
    const looseBad = Object.fromEntries(verifyRepo(loose, dir).filter((r) => !r.ok).map((r) => [r.path, r.reason]))
    expect(looseBad[`(repo) vectors/${enc.repoCopy}`]).toMatch(/^sha256 /)
    expect(looseBad[`(repo) vectors/${dec.repoCopy}`]).toMatch(/^unreadable: /)
    expect(looseBad[`(repo) vectors/${acvp.repoCopy}`]).toMatch(/^size /)
    expect(() => readVector(enc.path, { manifest, repoVectorsDir: dir })).toThrow(/does not match vectors\/manifest\.json: sha256/)
    expect(() => readVector(dec.path, { manifest, repoVectorsDir: dir })).toThrow(/gcmDecrypt256\.rsp\.gz: /)
    expect(() => readVector(spec.path, { manifest, repoVectorsDir: dir })).toThrow(/ENOENT/)
    expect(() => readVector('nist-cavp/other.rsp')).toThrow(/not in vectors\/manifest\.json/)
  })

  it('verifyDir checks a directory of originals: a changed byte, a wrong size and a missing file', () => {
    const dir = tempDir()
    for (const f of manifest.files) {
      const to = join(dir, ...f.path.split('/'))
      mkdirSync(dirname(to), { recursive: true })
      writeFileSync(to, readVector(f.path))
    }
    expect(verifyDir(dir).every((r) => r.ok)).toBe(true)
    const [a, b, c] = manifest.files
    const fa = join(dir, ...a.path.split('/'))
    const bytes = readFileSync(fa)
    bytes[bytes.length >> 1] ^= 1
    writeFileSync(fa, bytes)
    writeFileSync(join(dir, ...b.path.split('/')), Buffer.concat([readFileSync(join(dir, ...b.path.split('/'))), Buffer.from('\n')]))
    rmSync(join(dir, ...c.path.split('/')))
    const bad = Object.fromEntries(verifyDir(dir).filter((r) => !r.ok).map((r) => [r.path, r.reason]))
    expect(Object.keys(bad).sort()).toEqual([a.path, b.path, c.path].sort())
    expect(bad[a.path]).toMatch(/^sha256 /)
    expect(bad[b.path]).toMatch(/^size /)
    expect(bad[c.path]).toBe('missing')
  })

  it("the NIST notice travels with the ACVP copy (vectors/nist-acvp/NIST-LICENSE.txt, ACVP-Server's own)", () => {
    const notice = readFileSync(join(REPO_ROOT, 'vectors', 'nist-acvp', 'NIST-LICENSE.txt'))
    expect(sha256(notice)).toBe('9032eb0dc8f4fce61e0c655d3375748b17f8da33bd8beb5f4f0d3613b8f45d4e')
    expect(notice.toString('utf8')).toMatch(/acknowledge the National Institute of Standards and Technology as the source/)
  })
})

describe('vectors/ in the repository', () => {
  const readme = readFileSync(join(REPO_ROOT, 'vectors', 'README.md'), 'utf8')
  // README rows look like: | `rfc/rfc5869-hkdf-sha256.json` | ... | `<sha256>` |
  const documented = new Map<string, string>()
  for (const m of readme.matchAll(/^\| `([\w./-]+\.json)` \|.*`([0-9a-f]{64})` \|$/gm)) documented.set(m[1], m[2])
  const files = [
    ...readdirSync(join(REPO_ROOT, 'vectors', 'rfc')).map((f) => `rfc/${f}`),
    ...readdirSync(join(REPO_ROOT, 'vectors', 'gcm-spec')).map((f) => `gcm-spec/${f}`),
  ].sort()

  it('every transcription file is documented in vectors/README.md with its SHA-256, and matches it', () => {
    expect(files).toEqual([
      'gcm-spec/gcm-spec-aes256-test-cases.json',
      'rfc/rfc4231-hmac-sha256.json',
      'rfc/rfc5869-hkdf-sha256.json',
      'rfc/rfc7914-pbkdf2-hmac-sha256.json',
      'rfc/rfc9106-argon2id.json',
    ])
    for (const f of files) {
      expect(documented.get(f), f).toBe(sha256(readFileSync(join(REPO_ROOT, 'vectors', ...f.split('/')))))
    }
  })
})

describe('scripts/fetch-vectors.mjs ZIP reader', () => {
  it('crc32: the standard check value, and agreement with the test’s own implementation', () => {
    expect(scriptCrc32(text('123456789'))).toBe(0xcbf43926)
    expect(crc32(text('123456789'))).toBe(0xcbf43926)
    const sample = new Uint8Array(4097).map((_, i) => (i * 31 + 7) & 255)
    expect(scriptCrc32(sample)).toBe(crc32(sample))
    expect(scriptCrc32(new Uint8Array(0))).toBe(0)
  })

  const deflated = text('Count = 0\r\nKey = 00\r\n'.repeat(500))
  const stored = text('stored member')
  const zip = buildZip([
    { name: 'gcmtestvectors/a.rsp', data: deflated, method: 8 },
    { name: 'b.txt', data: stored, method: 0 },
    { name: 'c.rsp', data: deflated, method: 8, descriptor: true },
  ])

  it('lists members from the central directory', () => {
    expect(listZip(zip).map((e) => [e.name, e.method, e.size])).toEqual([
      ['gcmtestvectors/a.rsp', 8, deflated.length],
      ['b.txt', 0, stored.length],
      ['c.rsp', 8, deflated.length],
    ])
    expect(listZip(zip)[0].compressedSize).toBeLessThan(deflated.length / 10)
  })

  it('extracts deflated and stored members, by full name or unique base name, with a data descriptor', () => {
    expect(Buffer.from(extractZipMember(zip, 'gcmtestvectors/a.rsp')).equals(Buffer.from(deflated))).toBe(true)
    expect(Buffer.from(extractZipMember(zip, 'a.rsp')).equals(Buffer.from(deflated))).toBe(true)
    expect(Buffer.from(extractZipMember(zip, 'b.txt')).equals(Buffer.from(stored))).toBe(true)
    expect(Buffer.from(extractZipMember(zip, 'c.rsp')).equals(Buffer.from(deflated))).toBe(true)
  })

  it('works when the archive sits at an offset inside a larger buffer', () => {
    const padded = new Uint8Array(zip.length + 7)
    padded.set(zip, 7)
    expect(Buffer.from(extractZipMember(padded.subarray(7), 'b.txt')).equals(Buffer.from(stored))).toBe(true)
  })

  it('refuses damaged, lying or unsupported archives', () => {
    const one = (m: Partial<Member>): Uint8Array => buildZip([{ name: 'x', data: deflated, method: 8, ...m }])
    expect(() => extractZipMember(zip, 'missing.rsp')).toThrow(/not found/)
    expect(() => extractZipMember(buildZip([{ name: 'd/x', data: stored, method: 0 }, { name: 'e/x', data: stored, method: 0 }]), 'x')).toThrow(/ambiguous/)
    expect(() => extractZipMember(one({ crcOverride: (crc32(deflated) ^ 1) >>> 0 }), 'x')).toThrow(/CRC-32/)
    expect(() => extractZipMember(one({ sizeOverride: deflated.length - 1 }), 'x')).toThrow(/larger than its recorded size|size/)
    expect(() => extractZipMember(one({ sizeOverride: deflated.length + 1 }), 'x')).toThrow(/size/)
    expect(() => extractZipMember(one({ flags: 1 }), 'x')).toThrow(/encrypted/)
    const unsupported = one({ method: 0 })
    // Patch the method to 12 (bzip2) in both headers.
    const b = Buffer.from(unsupported)
    b.writeUInt16LE(12, 8)
    b.writeUInt16LE(12, b.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10)
    expect(() => extractZipMember(new Uint8Array(b), 'x')).toThrow(/method 12/)
    expect(() => listZip(zip.subarray(0, zip.length - 5))).toThrow(/end-of-central-directory/)
    expect(() => listZip(new Uint8Array(100))).toThrow(/end-of-central-directory/)
    const corrupt = new Uint8Array(zip)
    corrupt[0] ^= 0xff // local header signature
    expect(() => extractZipMember(corrupt, 'gcmtestvectors/a.rsp')).toThrow(/local header/)
    const garbled = new Uint8Array(zip)
    garbled[30 + 'gcmtestvectors/a.rsp'.length + 3] ^= 0xff // inside the first member's deflate stream
    expect(() => extractZipMember(garbled, 'gcmtestvectors/a.rsp')).toThrow(/deflate|CRC-32|size/)
  })
})

describe('scripts/fetch-vectors.mjs download path, offline', () => {
  const entries = manifest.files
  const read = (e: ManifestEntry): Uint8Array => readVector(e.path)
  const cavp = entries.filter((e) => e.kind === 'cavp-zip-member')
  const acvp = entries.filter((e) => e.kind === 'acvp-raw')

  /** A fake `fetch` serving an archive like NIST's (the two members plus others) and the ACVP raw files. */
  function fakeFetch(overrides: Record<string, Uint8Array> = {}): { fetchImpl: (url: string) => Promise<Response>; calls: string[] } {
    const zipBytes = buildZip([
      { name: 'gcmDecrypt128.rsp', data: text('# not this one\r\n'), method: 8 },
      ...cavp.map((e) => ({ name: e.member!, data: read(e), method: 8 as const })),
      { name: 'gcmEncryptExtIV128.rsp', data: text('# nor this one\r\n'), method: 0 },
    ])
    const served = new Map<string, Uint8Array>([[cavp[0].url, zipBytes], ...acvp.map((e) => [e.url, read(e)] as [string, Uint8Array])])
    for (const [url, bytes] of Object.entries(overrides)) served.set(url, bytes)
    const calls: string[] = []
    const fetchImpl = async (url: string): Promise<Response> => {
      calls.push(url)
      const body = served.get(url)
      return body === undefined ? new Response('not found', { status: 404 }) : new Response(new Uint8Array(body))
    }
    return { fetchImpl, calls }
  }

  it('fills an empty cache with verified files, downloading the NIST archive once', async () => {
    const cacheDir = tempDir()
    const { fetchImpl, calls } = fakeFetch()
    const written = await fetchVectors({ cacheDir, manifest, fetchImpl })
    expect([...written].sort()).toEqual(entries.map((e) => e.path).sort())
    expect(calls.sort()).toEqual([cavp[0].url, ...acvp.map((e) => e.url)].sort())
    expect(verifyDir(cacheDir).filter((r) => !r.ok)).toEqual([])
    // A second run finds everything cached and touches no network.
    const second = fakeFetch()
    expect(await fetchVectors({ cacheDir, manifest, fetchImpl: second.fetchImpl })).toEqual([])
    expect(second.calls).toEqual([])
  })

  it('refuses a file whose SHA-256 does not match, and writes nothing for it', async () => {
    const cacheDir = tempDir()
    const target = acvp[0]
    const tampered = read(target).slice()
    tampered[100] ^= 1
    const { fetchImpl } = fakeFetch({ [target.url]: tampered })
    await expect(fetchVectors({ cacheDir, manifest, fetchImpl })).rejects.toThrow(/REFUSED, sha256/)
    expect(existsSync(join(cacheDir, ...target.path.split('/')))).toBe(false)
    // The files that did verify were kept.
    for (const e of cavp) expect(checkBytes(e, readFileSync(join(cacheDir, ...e.path.split('/'))))).toBeNull()
    expect(readdirSync(join(cacheDir, 'nist-cavp')).some((f) => f.endsWith('.tmp'))).toBe(false)
  })

  it('reports a missing upstream file and an archive without the member', async () => {
    const cacheDir = tempDir()
    const { fetchImpl } = fakeFetch({ [cavp[0].url]: buildZip([{ name: 'other.rsp', data: text('x'), method: 0 }]) })
    const only404: Manifest = { ...manifest, files: [...manifest.files, { ...acvp[0], path: 'nist-acvp/X/y.json', url: 'https://example.invalid/y.json' }] }
    const error = await fetchVectors({ cacheDir, manifest: only404, fetchImpl }).then(
      () => null,
      (e: unknown) => String(e),
    )
    expect(error).toMatch(/gcmEncryptExtIV256\.rsp: zip: member gcmEncryptExtIV256\.rsp not found/)
    expect(error).toMatch(/y\.json: GET https:\/\/example\.invalid\/y\.json: HTTP 404/)
  })
})
