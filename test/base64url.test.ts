// The strict base64url codec (src/bytes.ts) against an independent model built on Node's Buffer:
// every string the decoder accepts is exactly the canonical unpadded base64url of some bytes, and
// every such string is accepted (docs/format.md §2; SECURITY-NOTES: lax parsing).
import { Buffer } from 'node:buffer'
import { fc, test as fcTest } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { fromBase64url, toBase64url } from '../src/bytes.js'
import { isKeysealError } from '../src/index.js'
import { runs } from './helpers.js'

/** The model: canonical iff only alphabet characters and Buffer re-encodes it to itself. */
function model(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return undefined
  const b = Buffer.from(s, 'base64url')
  return b.toString('base64url') === s ? new Uint8Array(b) : undefined
}

function decode(s: string): Uint8Array | undefined {
  try {
    return fromBase64url(s, 'MALFORMED_ENVELOPE')
  } catch (e) {
    if (!isKeysealError(e, 'MALFORMED_ENVELOPE')) throw e
    return undefined
  }
}

// Characters near the alphabet's edges and its look-alikes: padding, the standard alphabet's + and
// /, whitespace, NUL, DEL, Latin-1 letters, and code units whose low byte is an alphabet character
// (U+0141 'Ł' has low byte 0x41 'A'; U+FF21 is a full-width 'A').
const CHARS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', '=', '+', '/', ' ', '\n', '\0', '\x7f', 'é', 'ÿ', '\u0141', '\uff21', '\ud800']

describe('base64url codec', () => {
  it('encodes like Buffer for every length around the short/long switch and the 3-byte groups', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 63, 64, 65, 766, 767, 768, 769, 770, 771, 1024, 3000]) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 151 + n) & 255)
      expect(toBase64url(b)).toBe(Buffer.from(b).toString('base64url'))
    }
  })

  fcTest.prop([fc.uint8Array({ maxLength: 2000 })], { numRuns: runs(300) })('decode(encode(b)) = b for any bytes', (b) => {
    const s = toBase64url(b)
    expect(s).toBe(Buffer.from(b).toString('base64url'))
    expect(decode(s)).toEqual(b)
  })

  fcTest.prop([fc.array(fc.constantFrom(...CHARS), { maxLength: 14 })], { numRuns: runs(3000) })(
    'accepts exactly the canonical strings, and decodes them as Buffer does',
    (chars) => {
      const s = chars.join('')
      const want = model(s)
      const got = decode(s)
      if (want === undefined) expect(got).toBeUndefined()
      else expect(got).toEqual(want)
    },
  )

  it('refuses each non-canonical form by name', () => {
    for (const s of ['A', 'AB', 'AAB', 'AAA=', 'AA==', 'A+AA', 'A/AA', 'AA AA', 'AAAA\n', '\u0141AAA', 'AAAA\uff21', 'QR', 'QUF']) {
      expect(decode(s), JSON.stringify(s)).toBeUndefined()
    }
    expect(decode('QQ')).toEqual(new Uint8Array([0x41]))
    expect(decode('QUE')).toEqual(new Uint8Array([0x41, 0x41]))
    expect(decode('')).toEqual(new Uint8Array(0))
  })
})
