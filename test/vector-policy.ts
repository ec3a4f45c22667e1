// Shared by the envelope-vector tests: the independent reference has no policy, so a vector whose
// expected code is PARAMS_OUT_OF_POLICY is checked by reading its parameters with the reference
// and comparing them with the vector file's policy table.
import { expect } from 'vitest'
import * as ref from './reference/reference.mjs'

type Pbkdf2Table = { openMinIterations: number; maxIterations: number }

/** The envelope's PBKDF2 iterations lie outside the opening bounds of `table` (a vector file's policy). */
export function expectOutsideOpeningPolicy(envelope: string, table: Pbkdf2Table): void {
  const { params } = ref.parseString(envelope)
  if (params.kdf !== 'pbkdf2-sha256') return expect.fail(`expected a PBKDF2 envelope, got ${params.kdf}`)
  expect(params.iterations < table.openMinIterations || params.iterations > table.maxIterations).toBe(true)
}
