// What the case-vector adapters of the independent references (reference-adapter.mjs,
// reference-adapter-v2.mjs) share: a case's random bytes (and v2's ephemeral keys) handed to the
// reference's injectable sources for one call, in order, and reset afterwards.

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

/** Hand out the case's ephemeral key pairs, in order; running out is a crash, not a code. */
function list(ephemeral) {
  let i = 0
  return () => {
    if (ephemeral === undefined || i >= ephemeral.length) throw new Error('the case supplies too few ephemeral keys')
    return ephemeral[i++]
  }
}

/**
 * `run(random, ephemeral, f)`: f() with the api's random source (`setRandom`), and with
 * `withEphemeral` its ephemeral-key source too (`setEphemeral`, v2), drawing from the case's
 * values; both are reset to undefined afterwards, also when f throws.
 */
export function caseSources(api, withEphemeral) {
  return (random, ephemeral, f) => {
    api.setRandom(queue(random))
    if (withEphemeral) api.setEphemeral(list(ephemeral))
    try {
      return f()
    } finally {
      api.setRandom(undefined)
      if (withEphemeral) api.setEphemeral(undefined)
    }
  }
}
