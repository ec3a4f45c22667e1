// Cloudflare workerd entry point, loaded by Miniflare with an explicit module list (Miniflare's
// module walker refuses dynamic import(x), so the built package, dist/index.js and
// dist/argon2id.js, is imported statically).
// The driver POSTs the input and reads the JSON answer.
import * as a2 from '../../dist/argon2id.js'
import * as ks from '../../dist/index.js'
import * as v2 from '../../dist/v2.js'
import { runRuntimePhase } from './phase.mjs'

export default {
  async fetch(request) {
    try {
      return Response.json(await runRuntimePhase(ks, await request.json(), a2, v2))
    } catch (error) {
      return Response.json({ crash: String((error && error.stack) || error) }, { status: 500 })
    }
  },
}
