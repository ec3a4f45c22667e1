// NIST CAVP AES-GCM-256 (GCMVS, gcmtestvectors.zip) and the McGrew–Viega GCM spec cases, run through
// keyseal's own AES-GCM module (src/aead.ts). The .rsp files are not in the repository: see
// test/vectors/vectors-dir.ts for where they are looked up, and vectors/manifest.json for their hashes.
//
// keyseal's suite is fixed: 96-bit nonce, 128-bit tag. So:
// - encrypt, every 96-bit-IV case at all seven tag lengths: GCM truncates the tag to its leftmost
//   Taglen bits (SP 800-38D §5.2.1.2), so the expected Tag is a prefix of our 128-bit tag;
// - decrypt, 128-bit tags: PASS cases give exactly PT, FAIL cases reject with AUTH_FAILED;
// - decrypt, shorter tags: aesGcmOpen has no tag-length input and must refuse CT || short tag with a
//   typed error (SECURITY-NOTES: Node's WebCrypto would accept a 4-byte tag if asked). The verdict the
//   file expects is still checked, through encryption only: GCM-CTR is its own inverse, so
//   seal(CT) gives PT, and seal(PT) gives back CT with the full tag over (IV, AAD, CT);
// - IVs other than 96 bits: the module must refuse the nonce.
import { describe, expect, it } from 'vitest'
import { aesGcmOpen, aesGcmSeal, importAesGcmKey } from '../../src/aead'
import { KeysealError, type KeysealErrorCode } from '../../src/errors'
import { hex, readRepoVector, readVectorText, toHex } from './vectors-dir'

// ---------------------------------------------------------------------------------------------
// .rsp parser (format: ../shared/vectors/SOURCES.md, "The .rsp format")

interface RspCase {
  /** Parameters of the enclosing [..] block, lengths in bits. */
  params: Readonly<Record<string, number>>
  count: number
  fields: Record<string, string>
  fail: boolean
  line: number
}

const BLOCK_KEYS = ['Keylen', 'IVlen', 'PTlen', 'AADlen', 'Taglen'] as const

function parseRsp(text: string): RspCase[] {
  const cases: RspCase[] = []
  let params: Record<string, number> = {}
  let blockOpen = false // true once a case has been read under the current [..] lines
  let current: RspCase | undefined
  let expectedCount = 0
  const lines = text.split('\n')
  const close = (): void => {
    if (current !== undefined) cases.push(current)
    current = undefined
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '')
    const where = `line ${i + 1}`
    if (line.startsWith('#')) continue
    if (line.trim() === '') {
      close()
      continue
    }
    const bracket = /^\[(\w+) = (\d+)\]$/.exec(line)
    if (bracket !== null) {
      close()
      if (blockOpen) {
        params = {}
        blockOpen = false
        expectedCount = 0
      }
      params[bracket[1]] = Number(bracket[2])
      continue
    }
    const count = /^Count = (\d+)$/.exec(line)
    if (count !== null) {
      close()
      for (const k of BLOCK_KEYS) if (!(k in params)) throw new Error(`${where}: case outside a complete [..] block`)
      // Count restarts at 0 in every block; a skipped or repeated number means the parser lost its place.
      if (Number(count[1]) !== expectedCount) throw new Error(`${where}: Count ${count[1]}, expected ${expectedCount}`)
      expectedCount++
      blockOpen = true
      current = { params: { ...params }, count: Number(count[1]), fields: {}, fail: false, line: i + 1 }
      continue
    }
    if (current === undefined) throw new Error(`${where}: unexpected outside a case: ${line.slice(0, 40)}`)
    if (line === 'FAIL') {
      current.fail = true
      continue
    }
    const field = /^(\w+) = ([0-9a-f]*)$/.exec(line)
    if (field === null) throw new Error(`${where}: unrecognised line: ${line.slice(0, 40)}`)
    if (field[1] in current.fields) throw new Error(`${where}: duplicate field ${field[1]}`)
    current.fields[field[1]] = field[2]
  }
  close()
  return cases
}

/** Check a case's fields against its block's lengths, so a misread field cannot pass unnoticed. */
function checkShape(c: RspCase, names: readonly string[]): void {
  const bytes = (bits: number | undefined): number => (bits ?? NaN) / 8
  const want: Record<string, number> = {
    Key: bytes(c.params.Keylen),
    IV: bytes(c.params.IVlen),
    PT: bytes(c.params.PTlen),
    CT: bytes(c.params.PTlen),
    AAD: bytes(c.params.AADlen),
    Tag: bytes(c.params.Taglen),
  }
  for (const n of names) {
    const v = c.fields[n]
    if (v === undefined) throw new Error(`line ${c.line}: missing ${n}`)
    if (v.length !== want[n] * 2) throw new Error(`line ${c.line}: ${n} has ${v.length / 2} bytes, block says ${want[n]}`)
  }
  const extra = Object.keys(c.fields).filter((k) => !names.includes(k))
  if (extra.length > 0) throw new Error(`line ${c.line}: unexpected fields ${extra.join(', ')}`)
}

// ---------------------------------------------------------------------------------------------
// helpers

type Outcome = { ok: true; value: Uint8Array } | { ok: false; error: unknown }

async function settle(p: Promise<Uint8Array>): Promise<Outcome> {
  try {
    return { ok: true, value: await p }
  } catch (error) {
    return { ok: false, error }
  }
}

/** `null` when `o` is a rejection with a KeysealError of `code`, else a description of what happened. */
function notRejectedWith(o: Outcome, code: KeysealErrorCode): string | null {
  if (o.ok) return `resolved with ${o.value.length} bytes instead of rejecting with ${code}`
  if (!(o.error instanceof KeysealError)) return `rejected with a non-KeysealError: ${String(o.error)}`
  if (o.error.code !== code) return `rejected with ${o.error.code}, expected ${code}`
  return null
}

/** Run `fn` over `items` in parallel chunks (WebCrypto calls are async; one at a time is needlessly slow). */
async function inChunks<T>(items: readonly T[], size: number, fn: (item: T) => Promise<string | null>): Promise<string[]> {
  const problems: string[] = []
  for (let i = 0; i < items.length; i += size) {
    const results = await Promise.all(items.slice(i, i + size).map(fn))
    for (const r of results) if (r !== null) problems.push(r)
  }
  return problems
}

const id = (c: RspCase): string =>
  `[IVlen=${c.params.IVlen} PTlen=${c.params.PTlen} AADlen=${c.params.AADlen} Taglen=${c.params.Taglen}] Count=${c.count} (line ${c.line})`

function tally(cases: readonly RspCase[], key: (c: RspCase) => number): Record<number, number> {
  const out: Record<number, number> = {}
  for (const c of cases) out[key(c)] = (out[key(c)] ?? 0) + 1
  return out
}

const TAG_LENGTHS = [32, 64, 96, 104, 112, 120, 128]
const PER_TAGLEN_96 = Object.fromEntries(TAG_LENGTHS.map((t) => [t, 375]))
const CHUNK = 256

// ---------------------------------------------------------------------------------------------

describe('.rsp parser', () => {
  const sample = [
    '# CAVS 14.0',
    '',
    '[Keylen = 256]',
    '[IVlen = 96]',
    '[PTlen = 0]',
    '[AADlen = 0]',
    '[Taglen = 128]',
    '',
    'Count = 0',
    'Key = 00',
    'IV = 01',
    'CT = ',
    'AAD = ',
    'Tag = 02',
    'PT = ',
    '',
    'Count = 1',
    'Key = 03',
    'FAIL',
    '',
    '[Keylen = 256]',
    '[IVlen = 96]',
    '[PTlen = 8]',
    '[AADlen = 0]',
    '[Taglen = 32]',
    '',
    'Count = 0',
    'PT = ab',
    '',
  ].join('\r\n')

  it('reads CRLF lines, [..] blocks, Count restarting per block, empty values and FAIL', () => {
    const cases = parseRsp(sample)
    expect(cases.map((c) => [c.params.PTlen, c.params.Taglen, c.count, c.fail])).toEqual([
      [0, 128, 0, false],
      [0, 128, 1, true],
      [8, 32, 0, false],
    ])
    expect(cases[0].fields).toEqual({ Key: '00', IV: '01', CT: '', AAD: '', Tag: '02', PT: '' })
    expect(cases[1].fields).toEqual({ Key: '03' })
    expect(cases[2].fields).toEqual({ PT: 'ab' })
  })

  it('refuses what it does not understand instead of dropping it', () => {
    expect(() => parseRsp(sample.replace('Count = 1', 'Count = 2'))).toThrow(/Count 2, expected 1/)
    expect(() => parseRsp(sample.replace('Tag = 02', 'Tag = 0G'))).toThrow(/unrecognised/)
    expect(() => parseRsp(sample.replace('IV = 01', 'Key = 01'))).toThrow(/duplicate/)
    expect(() => parseRsp('Key = 00\r\n')).toThrow(/outside a case/)
  })
})

describe('NIST CAVP gcmEncryptExtIV256.rsp through aesGcmSeal', () => {
  const cases = parseRsp(readVectorText('nist-cavp/gcmEncryptExtIV256.rsp'))
  const iv96 = cases.filter((c) => c.params.IVlen === 96)

  it('has the case counts SOURCES.md records', () => {
    expect(cases.length).toBe(7875)
    expect(tally(cases, (c) => c.params.IVlen)).toEqual({ 8: 2625, 96: 2625, 1024: 2625 })
    expect(tally(cases, (c) => c.params.Taglen)).toEqual(Object.fromEntries(TAG_LENGTHS.map((t) => [t, 1125])))
    expect(iv96.length).toBe(2625)
    expect(tally(iv96, (c) => c.params.Taglen)).toEqual(PER_TAGLEN_96)
    expect(cases.every((c) => c.params.Keylen === 256 && !c.fail)).toBe(true)
    for (const c of cases) checkShape(c, ['Key', 'IV', 'PT', 'AAD', 'CT', 'Tag'])
  })

  it('every 96-bit-IV case, all seven tag lengths: CT and the leftmost Taglen bits of the tag', async () => {
    let ran = 0
    const problems = await inChunks(iv96, CHUNK, async (c) => {
      const { Key, IV, PT, AAD, CT, Tag } = c.fields
      const key = await importAesGcmKey(hex(Key))
      const out = await aesGcmSeal(key, hex(IV), hex(PT), hex(AAD))
      ran++
      const n = PT.length / 2
      if (out.length !== n + 16) return `${id(c)}: output ${out.length} bytes, expected ${n + 16}`
      const ct = toHex(out.subarray(0, n))
      const tag = toHex(out.subarray(n, n + c.params.Taglen / 8))
      if (ct !== CT) return `${id(c)}: CT ${ct}, expected ${CT}`
      if (tag !== Tag) return `${id(c)}: tag prefix ${tag}, expected ${Tag}`
      return null
    })
    expect(problems).toEqual([])
    expect(ran).toBe(2625)
  })

  it('refuses every case whose IV is not 96 bits (5250 cases)', async () => {
    const others = cases.filter((c) => c.params.IVlen !== 96)
    expect(others.length).toBe(5250)
    const problems = await inChunks(others, CHUNK, async (c) => {
      const key = await importAesGcmKey(hex(c.fields.Key))
      const r = notRejectedWith(await settle(aesGcmSeal(key, hex(c.fields.IV), hex(c.fields.PT), hex(c.fields.AAD))), 'CRYPTO_FAILURE')
      return r === null ? null : `${id(c)}: ${r}`
    })
    expect(problems).toEqual([])
  })
})

describe('NIST CAVP gcmDecrypt256.rsp through aesGcmOpen', () => {
  const cases = parseRsp(readVectorText('nist-cavp/gcmDecrypt256.rsp'))
  const iv96 = cases.filter((c) => c.params.IVlen === 96)
  const full = iv96.filter((c) => c.params.Taglen === 128)
  const short = iv96.filter((c) => c.params.Taglen !== 128)

  it('has the case counts SOURCES.md records', () => {
    expect(cases.length).toBe(7875)
    expect(cases.filter((c) => c.fail).length).toBe(3919)
    expect(tally(cases, (c) => c.params.IVlen)).toEqual({ 8: 2625, 96: 2625, 1024: 2625 })
    expect(tally(cases.filter((c) => c.fail), (c) => c.params.IVlen)).toEqual({ 8: 1318, 96: 1317, 1024: 1284 })
    expect(iv96.length).toBe(2625)
    expect(tally(iv96, (c) => c.params.Taglen)).toEqual(PER_TAGLEN_96)
    expect(iv96.filter((c) => c.fail).length).toBe(1317)
    expect(cases.every((c) => c.params.Keylen === 256)).toBe(true)
    // A FAIL case carries no PT; a PASS case does.
    for (const c of cases) checkShape(c, c.fail ? ['Key', 'IV', 'CT', 'AAD', 'Tag'] : ['Key', 'IV', 'CT', 'AAD', 'Tag', 'PT'])
  })

  it('128-bit tags (375 cases): PASS cases give exactly PT, FAIL cases reject with AUTH_FAILED', async () => {
    let pass = 0
    let fail = 0
    const problems = await inChunks(full, CHUNK, async (c) => {
      const { Key, IV, CT, AAD, Tag, PT } = c.fields
      const key = await importAesGcmKey(hex(Key))
      const o = await settle(aesGcmOpen(key, hex(IV), hex(CT + Tag), hex(AAD)))
      if (c.fail) {
        fail++
        const r = notRejectedWith(o, 'AUTH_FAILED')
        return r === null ? null : `${id(c)} FAIL case: ${r}`
      }
      pass++
      if (!o.ok) return `${id(c)} PASS case rejected: ${String(o.error)}`
      return toHex(o.value) === PT ? null : `${id(c)}: PT ${toHex(o.value)}, expected ${PT}`
    })
    expect(problems).toEqual([])
    expect(pass + fail).toBe(375)
    expect(fail).toBe(full.filter((c) => c.fail).length)
    expect(fail).toBeGreaterThan(0)
    expect(pass).toBeGreaterThan(0)
  })

  it('shorter tags (2250 cases): CT || truncated tag is refused with a typed error, never opened', async () => {
    expect(short.length).toBe(2250)
    const problems = await inChunks(short, CHUNK, async (c) => {
      const { Key, IV, CT, AAD, Tag } = c.fields
      const key = await importAesGcmKey(hex(Key))
      const sealed = hex(CT + Tag)
      // The module reads the last 16 bytes as the tag: a body shorter than that is malformed, anything
      // else fails authentication. Either way nothing is returned, PASS case or not.
      const code: KeysealErrorCode = sealed.length < 16 ? 'MALFORMED_ENVELOPE' : 'AUTH_FAILED'
      const r = notRejectedWith(await settle(aesGcmOpen(key, hex(IV), sealed, hex(AAD))), code)
      return r === null ? null : `${id(c)}: ${r}`
    })
    expect(problems).toEqual([])
  })

  it('every 96-bit-IV case, all tag lengths: the expected verdict and PT, recomputed by encryption', async () => {
    let failVerdicts = 0
    const problems = await inChunks(iv96, CHUNK, async (c) => {
      const { Key, IV, CT, AAD, Tag, PT } = c.fields
      const key = await importAesGcmKey(hex(Key))
      const n = CT.length / 2
      // GCM-CTR is an involution: the keystream XOR of CT is the candidate plaintext...
      const candidate = (await aesGcmSeal(key, hex(IV), hex(CT), hex(AAD))).slice(0, n)
      // ...and sealing it gives back CT with the full tag over (IV, AAD, CT).
      const again = await aesGcmSeal(key, hex(IV), candidate, hex(AAD))
      if (toHex(again.subarray(0, n)) !== CT) return `${id(c)}: re-encryption did not give back CT`
      const authentic = toHex(again.subarray(n, n + c.params.Taglen / 8)) === Tag
      if (!authentic) failVerdicts++
      if (c.fail) return authentic ? `${id(c)}: FAIL case, but the tag verifies` : null
      if (!authentic) return `${id(c)}: PASS case, but the tag does not verify`
      return toHex(candidate) === PT ? null : `${id(c)}: PT ${toHex(candidate)}, expected ${PT}`
    })
    expect(problems).toEqual([])
    expect(failVerdicts).toBe(1317)
  })

  it('refuses every case whose IV is not 96 bits (5250 cases) as malformed, before any decryption', async () => {
    const others = cases.filter((c) => c.params.IVlen !== 96)
    expect(others.length).toBe(5250)
    const problems = await inChunks(others, CHUNK, async (c) => {
      const key = await importAesGcmKey(hex(c.fields.Key))
      const r = notRejectedWith(
        await settle(aesGcmOpen(key, hex(c.fields.IV), hex(c.fields.CT + c.fields.Tag), hex(c.fields.AAD))),
        'MALFORMED_ENVELOPE',
      )
      return r === null ? null : `${id(c)}: ${r}`
    })
    expect(problems).toEqual([])
  })
})

describe('McGrew–Viega GCM spec, Appendix B, Test Cases 13–18 (AES-256)', () => {
  interface SpecCase {
    id: number
    K: string
    P: string
    A: string
    IV: string
    C: string
    T: string
  }
  // The repository's byte-identical copy (vectors/gcm-spec/; manifest.test.ts checks both copies).
  const spec = JSON.parse(readRepoVector('gcm-spec/gcm-spec-aes256-test-cases.json')) as { tests: SpecCase[] }
  const iv96 = spec.tests.filter((t) => t.IV.length === 24)
  const otherIv = spec.tests.filter((t) => t.IV.length !== 24)

  it('has cases 13–16 with 96-bit IVs and 17–18 with other IV lengths', () => {
    expect(iv96.map((t) => t.id)).toEqual([13, 14, 15, 16])
    expect(otherIv.map((t) => [t.id, t.IV.length * 4])).toEqual([
      [17, 64],
      [18, 480],
    ])
  })

  it.each(iv96.map((t) => [t.id, t] as const))('case %i: seal gives C || T, open gives P, a changed tag is AUTH_FAILED', async (_, t) => {
    const key = await importAesGcmKey(hex(t.K))
    const sealed = await aesGcmSeal(key, hex(t.IV), hex(t.P), hex(t.A))
    expect(toHex(sealed)).toBe(t.C + t.T)
    expect(toHex(await aesGcmOpen(key, hex(t.IV), hex(t.C + t.T), hex(t.A)))).toBe(t.P)
    const tampered = hex(t.C + t.T)
    tampered[tampered.length - 1] ^= 1
    expect(notRejectedWith(await settle(aesGcmOpen(key, hex(t.IV), tampered, hex(t.A))), 'AUTH_FAILED')).toBeNull()
  })

  it.each(otherIv.map((t) => [t.id, t] as const))('case %i: a non-96-bit nonce is refused by seal and open', async (_, t) => {
    const key = await importAesGcmKey(hex(t.K))
    expect(notRejectedWith(await settle(aesGcmSeal(key, hex(t.IV), hex(t.P), hex(t.A))), 'CRYPTO_FAILURE')).toBeNull()
    expect(notRejectedWith(await settle(aesGcmOpen(key, hex(t.IV), hex(t.C + t.T), hex(t.A))), 'MALFORMED_ENVELOPE')).toBeNull()
  })
})
