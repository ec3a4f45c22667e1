// The unrolled permutation code in src/kdf/argon2id.ts is generated; it must stay exactly what the
// generator prints, so a hand edit cannot drift from the formulas the generator encodes.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const source = readFileSync(`${root}src/kdf/argon2id.ts`, 'utf8')

describe('generated Argon2id permutation code', () => {
  it.each(['permute'])('%s matches scripts/gen-argon2id-permute.mjs', (kind) => {
    const generated = execFileSync(process.execPath, [`${root}scripts/gen-argon2id-permute.mjs`, kind], { encoding: 'utf8' }).trimEnd()
    expect(generated.split('\n').length).toBeGreaterThan(100)
    expect(source.includes(generated)).toBe(true)
  })
})
