// The result list a Node-side runtime check (argon2id-worker, argon2id-responsiveness) builds:
// `test(name, fn)` runs one assertion function; a returned string becomes the result's note, a
// throw its failure. The results have the shape run.mjs reads from every runtime.
export function checkRecorder() {
  const results = []
  const test = (name, fn) => {
    try {
      const note = fn()
      results.push({ name, status: 'pass', ...(note ? { note } : {}) })
    } catch (error) {
      results.push({ name, status: 'fail', error: String(error.message ?? error) })
    }
  }
  return { results, test }
}
