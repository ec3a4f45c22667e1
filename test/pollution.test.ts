// Issue 11, items 1-2: nothing from a polluted Object.prototype changes what keyseal does. The
// sweep (test/conformance/pollution.mjs) also runs in every runtime of the matrix against the
// built package; here it runs against src/ with both Argon2id paths this Node has.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as ks from '../src/index.js'
import * as a2 from '../src/argon2id.js'
import { pollutionNames, renderModule, WEBIDL_MEMBERS } from '../scripts/pollution-names.mjs'
import { POLLUTION_NAMES } from './conformance/pollution-names.mjs'
import { pollutionSweep } from './conformance/pollution.mjs'

describe('prototype pollution (issue 11)', () => {
  it('the committed name list is what the source gives today (scripts/pollution-names.mjs --write)', () => {
    expect(readFileSync(new URL('./conformance/pollution-names.mjs', import.meta.url), 'utf8')).toBe(renderModule(pollutionNames()))
  })

  it('the list holds the names the review found and every WebIDL member keyseal passes', () => {
    const names = new Set(POLLUTION_NAMES)
    for (const n of ['tagLength', 'version', 'secretValue', 'associatedData', 'keyId', 'ring', 'single', 'sealer', 'keyring', 'sealedAt', 'maxAgeMs', 'primary', 'disabled', 'canSeal', 'secret']) {
      expect(names.has(n), n).toBe(true)
    }
    for (const m of Object.values(WEBIDL_MEMBERS).flat()) expect(names.has(m), m).toBe(true)
  })

  it('seal, open, derive, keyrings, forms and rotation behave exactly as unpolluted, for every name', async () => {
    const r = await pollutionSweep(ks, a2, POLLUTION_NAMES)
    expect(r.runs).toBe(3 * (POLLUTION_NAMES.length + 1))
    // The baseline itself did what it should (a sweep against a broken scenario proves nothing).
    expect(r.baseline).toContain('open passphrase: "sk-fixed-pass"')
    expect(r.baseline).toContain('open wrong context: KeysealError AUTH_FAILED')
    expect(r.baseline).toContain('open argon2id: "sk-fixed-a2"')
    expect(r.baseline.filter((l) => l.includes('reopened: [')).length).toBeGreaterThanOrEqual(8)
    expect(r.failures).toEqual([])
    // Plants under which this Node's own WebCrypto fails (see platformWorks): reported, never hidden.
    console.log(`pollution sweep: ${r.runs} plants; platform WebCrypto itself broken under: ${r.platformBroken.join(", ") || "none"}`)
  }, 900_000)
})
