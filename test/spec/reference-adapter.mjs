// The case-vector adapter (test/spec/runner.mjs) for the independent reference, test/reference/api.mjs.
// `adapter(api)` takes the module namespace, so the mutation harness can pass a broken copy.

/** Draw random bytes from `random`, in order; running out is a crash, not a code. */
function queue(random) {
  let o = 0
  return (n) => {
    if (random === undefined || o + n > random.length) throw new Error('the case supplies too few random bytes')
    const b = Buffer.from(random.subarray(o, o + n))
    o += n
    return b
  }
}

export function adapter(api) {
  const withRandom = (random, f) => {
    api.setRandom(queue(random))
    try {
      return f()
    } finally {
      api.setRandom(undefined)
    }
  }
  return {
    name: 'reference',
    createPolicy: (s) => api.createPolicy(s),
    importKey: (m, o) => api.importKey(m, o),
    deriveKey: (p, o, random) => withRandom(random, () => api.deriveKey(p, o)),
    createKeyring: (e) => api.createKeyring(e),
    seal: (s, k, o, random) => withRandom(random, () => api.seal(s, k, o)),
    openBytes: (e, k, o) => api.openBytes(e, k, o),
    openString: (e, k, o) => api.openString(e, k, o),
    inspect: (e) => api.inspect(e),
    toJSON: (e) => api.toJSON(e),
    fromJSON: (j) => api.fromJSON(j),
    toBytes: (e) => api.toBytes(e),
    fromBytes: (b) => api.fromBytes(b),
  }
}
