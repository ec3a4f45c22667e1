// Issue 11 item 9: the key commitment comparison (src/bytes.ts equalConstantTime, docs/format.md §6)
// must not exit early: an early exit would tell an attacker how many leading bytes of C' (the
// commitment the server computes from its key and the attacker's salt) they have guessed, byte by
// byte, and C' is an offline verifier for the passphrase. Time is not asserted (no timed assertions
// in tests); what the function READS is: it must read every byte of both operands whatever the
// position of the first difference. An implementation with an early return fails the second test.
import { describe, expect, it } from 'vitest'
import { equalConstantTime } from '../src/bytes.js'

/** `bytes` behind a Proxy that records every index read. */
function recording(bytes: Uint8Array): { view: Uint8Array; read: Set<number> } {
  const read = new Set<number>()
  const view = new Proxy(bytes, {
    get(target, key) {
      if (typeof key === 'string' && /^\d+$/.test(key)) read.add(Number(key))
      const v = Reflect.get(target, key, target) as unknown
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
  return { view, read }
}

const commitment = (): Uint8Array => crypto.getRandomValues(new Uint8Array(32))

describe('equalConstantTime (the key commitment comparison)', () => {
  it('is true for equal bytes and false for a difference in any one bit of any byte, or in length', () => {
    const a = commitment()
    expect(equalConstantTime(a, a.slice())).toBe(true)
    for (let i = 0; i < 32; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const b = a.slice()
        b[i]! ^= 1 << bit
        expect(equalConstantTime(a, b), `byte ${i} bit ${bit}`).toBe(false)
      }
    }
    expect(equalConstantTime(a, a.slice(0, 31))).toBe(false)
    expect(equalConstantTime(a.slice(0, 31), a)).toBe(false)
    expect(equalConstantTime(new Uint8Array(0), new Uint8Array(0))).toBe(true)
  })

  it('reads all 32 bytes of both operands wherever the first difference is (no early exit)', () => {
    const a = commitment()
    for (const first of [0, 1, 7, 16, 31, -1]) {
      const b = a.slice()
      if (first >= 0) b[first]! ^= 0x80
      const ra = recording(a)
      const rb = recording(b)
      expect(equalConstantTime(ra.view, rb.view)).toBe(first < 0)
      expect([...ra.read].sort((x, y) => x - y), `first difference at ${first}`).toEqual([...Array(32).keys()])
      expect([...rb.read].sort((x, y) => x - y), `first difference at ${first}`).toEqual([...Array(32).keys()])
    }
  })
})
