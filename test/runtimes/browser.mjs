// Browser entry point (Chromium, Firefox, WebKit). The driver serves the repository over HTTP,
// hands the input at /__input and waits for the answer at /__result; the browser only navigates.
import { runRuntimePhase } from './phase.mjs'

const post = (body) => fetch('/__result', { method: 'POST', body: JSON.stringify(body) })
try {
  const input = await (await fetch('/__input')).json()
  const ks = await import(input.module)
  const a2 = input.argon2idModule ? await import(input.argon2idModule) : undefined
  const v2 = input.v2Module ? await import(input.v2Module) : undefined
  const out = await runRuntimePhase(ks, input, a2, v2)
  out.version = navigator.userAgent
  await post(out)
} catch (error) {
  await post({ crash: String((error && error.stack) || error) })
}
