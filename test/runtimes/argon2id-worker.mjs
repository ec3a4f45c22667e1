// The `argon2id-worker` check (issue 12 §4), driven by scripts/runtimes/worker.mjs in Chromium. The
// driver bundled the recipe of docs/argon2id-worker.md, as written there, into /worker/:
// keyseal-worker.js (the worker, with the built package), keyseal-client.js (the page's side) and
// page.js (the usage example, importing ./keyseal-client.js). This page:
//   - runs page.js and records what it logs (the example's `// AUTH_FAILED` line);
//   - seals and opens through keyseal-client.js while a setTimeout chain and a requestAnimationFrame
//     loop count their turns, and records how many turns each of them got during each call;
//   - records the envelope's header (through the main entry's inspect, which needs no Argon2id).
// It POSTs the observations to /__result; the driver decides pass/fail. Nothing here is timed
// against a bound: the check is that the page's loops turned at all while the worker derived.
const post = (body) => fetch('/__result', { method: 'POST', body: JSON.stringify(body) })
const now = () => performance.now()

const ticks = { timer: 0, raf: 0, timerMaxGapMs: 0, lastTimer: 0 }
let running = true
function timer() {
  const t = now()
  if (ticks.lastTimer) ticks.timerMaxGapMs = Math.max(ticks.timerMaxGapMs, t - ticks.lastTimer)
  ticks.lastTimer = t
  ticks.timer++
  if (running) setTimeout(timer, 0)
}
function frame() {
  ticks.raf++
  if (running) requestAnimationFrame(frame)
}

/** Runs `fn` and returns its value (or error code) with the loops' turns while it ran. */
async function during(fn) {
  const t0 = { timer: ticks.timer, raf: ticks.raf }
  ticks.timerMaxGapMs = 0
  const start = now()
  let value
  let code
  try {
    value = await fn()
  } catch (error) {
    code = error?.code ?? String(error)
  }
  return { value, code, ms: Math.round(now() - start), timerTicks: ticks.timer - t0.timer, frames: ticks.raf - t0.raf, timerMaxGapMs: Math.round(ticks.timerMaxGapMs) }
}

try {
  const input = await (await fetch('/__input')).json()
  const ks = await import(input.module)
  setTimeout(timer, 0)
  requestAnimationFrame(frame)

  // The usage example exactly as documented (it imports ./keyseal-client.js, the same module).
  const logs = []
  const log = console.log
  console.log = (...args) => {
    logs.push(args.map(String).join(' '))
    log(...args)
  }
  const example = await during(() => import('/worker/page.js'))
  console.log = log

  const { sealInWorker, openInWorker } = await import('/worker/keyseal-client.js')
  const context = 'user:42/openai'
  const passphrase = 'a passphrase typed on a phone'
  const seal = await during(() => sealInWorker('sk-worker-example', passphrase, { context }))
  const sealAgain = await during(() => sealInWorker('sk-worker-example-2', passphrase, { context }))
  const open = await during(() => openInWorker(seal.value, passphrase, { context }))
  const wrongPassphrase = await during(() => openInWorker(seal.value, 'not the passphrase', { context }))
  const wrongContext = await during(() => openInWorker(seal.value, passphrase, { context: 'user:43/openai' }))
  // Four seals at once: the worker runs them in turn, so the call lasts several derivations. The
  // timer's turns are recorded with their times, so the driver can check that the page turned in
  // each half of it (a page frozen for half of the time fails; no fixed time bound).
  const turnsAt = []
  const record = () => {
    turnsAt.push(now())
    if (recording) setTimeout(record, 0)
  }
  let recording = true
  const batchStart = now()
  setTimeout(record, 0)
  const batch = await during(() => Promise.all([1, 2, 3, 4].map((i) => sealInWorker(`sk-worker-batch-${i}`, passphrase, { context }))))
  const batchEnd = now()
  recording = false
  const header = seal.value ? ks.inspect(seal.value).kdf : null
  running = false
  document.getElementById('status').textContent = 'done'
  await post({ example: { ...example, value: undefined, logs }, seal, sealAgain, open, wrongPassphrase, wrongContext, header, batch: { ...batch, value: batch.value?.length, start: batchStart, end: batchEnd, turnsAt }, userAgent: navigator.userAgent })
} catch (error) {
  await post({ crash: String(error?.stack ?? error) })
}
