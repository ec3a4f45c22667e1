// A tiny, dependency-free test runner and assertion set for the conformance suite.
// Plain ESM that uses nothing but the language and `TextEncoder`, so the same file runs unchanged
// in Node, Deno, Bun, workerd, edge-runtime and browsers. Results are plain JSON-able objects;
// each runtime's thin entry point ships them back to the driver (scripts/runtimes/run.mjs).

export class AssertionError extends Error {
  constructor(message) {
    super(message)
    this.name = 'AssertionError'
  }
}

export function assert(condition, message = 'assertion failed') {
  if (!condition) throw new AssertionError(message)
}

export function equal(actual, expected, what = 'value') {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`)
  }
}

export function bytesEqual(actual, expected, what = 'bytes') {
  assert(actual instanceof Uint8Array, `${what}: expected a Uint8Array, got ${typeName(actual)}`)
  if (actual.length !== expected.length || actual.some((b, i) => b !== expected[i])) {
    throw new AssertionError(`${what}: expected ${toHex(expected)}, got ${toHex(actual)}`)
  }
}

/**
 * `fn` must reject (or throw) with a KeysealError whose `code` is `code` (a string) or one of
 * `code` (an array). Returns the error. A resolved value is reported by type only: the suite must
 * never print a plaintext that a tampered envelope should not have produced.
 */
export async function rejectsWithCode(ks, fn, code, what = 'call') {
  let value
  try {
    value = await fn()
  } catch (error) {
    const codes = Array.isArray(code) ? code : [code]
    assert(error instanceof ks.KeysealError, `${what}: expected KeysealError ${codes.join('|')}, got ${describeError(error)}`)
    assert(typeof ks.isKeysealError !== 'function' || ks.isKeysealError(error), `${what}: isKeysealError() is false for a KeysealError`)
    assert(codes.includes(error.code), `${what}: expected code ${codes.join('|')}, got ${error.code}`)
    return error
  }
  throw new AssertionError(`${what}: expected a rejection with ${[].concat(code).join('|')}, but it resolved (${typeName(value)})`)
}

export function describeError(error) {
  if (error && typeof error === 'object') {
    const code = 'code' in error ? ` [${String(error.code)}]` : ''
    return `${error.name || 'Error'}${code}: ${error.message}`
  }
  return String(error)
}

function typeName(v) {
  if (v === null) return 'null'
  if (v instanceof Uint8Array) return `Uint8Array(${v.length})`
  return typeof v
}

function show(v) {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? v.slice(0, 77) + '...' : v)
  if (v instanceof Uint8Array) return toHex(v)
  return String(v)
}

export function toHex(bytes) {
  let s = ''
  for (const b of bytes) s += b.toString(16).padStart(2, '0')
  return s
}

export function fromHex(hex) {
  if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) throw new AssertionError('bad hex in test data')
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now())

/** Collects named tests; `run()` executes them in order and returns a JSON-able report. */
export function createRunner() {
  const tests = []
  return {
    test(name, fn) {
      tests.push({ name, fn, skip: null })
    },
    skip(name, reason) {
      tests.push({ name, fn: null, skip: reason })
    },
    async run() {
      const results = []
      const started = now()
      for (const t of tests) {
        if (t.skip !== null) {
          results.push({ name: t.name, status: 'skip', reason: t.skip })
          continue
        }
        const t0 = now()
        try {
          // A test may return a short note (for example a platform limitation it tolerated).
          const note = await t.fn()
          results.push({ name: t.name, status: 'pass', ms: Math.round(now() - t0), ...(typeof note === 'string' ? { note } : {}) })
        } catch (error) {
          results.push({ name: t.name, status: 'fail', ms: Math.round(now() - t0), error: describeError(error) })
        }
      }
      const count = (s) => results.filter((r) => r.status === s).length
      return {
        passed: count('pass'),
        failed: count('fail'),
        skipped: count('skip'),
        ms: Math.round(now() - started),
        results,
      }
    },
  }
}
