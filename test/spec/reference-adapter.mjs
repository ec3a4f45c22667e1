// The case-vector adapter (test/spec/runner.mjs) for the independent reference, test/reference/api.mjs.
// `adapter(api)` takes the module namespace, so the mutation harness can pass a broken copy.
import { caseSources } from './case-sources.mjs'

export function adapter(api) {
  const withRandom = caseSources(api, false)
  return {
    name: 'reference',
    createPolicy: (s) => api.createPolicy(s),
    importKey: (m, o) => api.importKey(m, o),
    deriveKey: (p, o, random) => withRandom(random, undefined, () => api.deriveKey(p, o)),
    createKeyring: (e) => api.createKeyring(e),
    seal: (s, k, o, random) => withRandom(random, undefined, () => api.seal(s, k, o)),
    openBytes: (e, k, o) => api.openBytes(e, k, o),
    openString: (e, k, o) => api.openString(e, k, o),
    inspect: (e) => api.inspect(e),
    toJSON: (e) => api.toJSON(e),
    fromJSON: (j) => api.fromJSON(j),
    toBytes: (e) => api.toBytes(e),
    fromBytes: (b) => api.fromBytes(b),
  }
}
