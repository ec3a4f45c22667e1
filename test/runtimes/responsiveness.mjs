// Page responsiveness while keyseal's TypeScript Argon2id runs (issue 5), driven by
// scripts/runtimes/responsiveness.mjs in Chromium. The page loads the BUILT package
// (dist/index.js + dist/argon2id.js), seals with Argon2id at the OWASP default (m = 19456 KiB,
// t = 2, p = 1) twice, cold (the first Argon2id call on this fresh page, JIT not warmed up) and
// warm (the second), and measures the longest blocking task during each seal with:
//   - a PerformanceObserver for 'longtask' entries (Chromium reports main-thread tasks >= 50 ms);
//   - a MessageChannel gap monitor: a message ping-pong whose largest gap between two pings is the
//     longest time the event loop was not available to other tasks (catches tasks under 50 ms too);
//   - a requestAnimationFrame gap monitor: the largest gap between two frames.
// It POSTs { metrics, argon2idNative } to /__result; the driver decides pass/fail.
const post = (body) => fetch('/__result', { method: 'POST', body: JSON.stringify(body) })
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const now = () => performance.now()

/** Does this browser's WebCrypto have Argon2id? Tried, as keyseal does (RUNTIMES.md pitfall 13). */
async function nativeArgon2id() {
  for (const format of ['raw-secret', 'raw']) {
    try {
      await crypto.subtle.importKey(format, new Uint8Array([1, 2, 3, 4]), 'Argon2id', false, ['deriveBits'])
      return format
    } catch {
      // not supported in this format
    }
  }
  return null
}

// ---- monitors ------------------------------------------------------------------------------
const longtasks = []
const longtaskSupported = typeof PerformanceObserver === 'function' && (PerformanceObserver.supportedEntryTypes ?? []).includes('longtask')
if (longtaskSupported) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longtasks.push({ start: e.startTime, end: e.startTime + e.duration, duration: e.duration })
  }).observe({ type: 'longtask', buffered: true })
}

const gaps = { mc: { last: 0, max: 0, count: 0 }, raf: { last: 0, max: 0, count: 0 } }
let monitoring = false
const channel = new MessageChannel()
channel.port1.onmessage = () => {
  const t = now()
  const g = gaps.mc
  if (g.last) g.max = Math.max(g.max, t - g.last)
  g.last = t
  g.count++
  if (monitoring) channel.port2.postMessage(0)
}
function frame(t) {
  const g = gaps.raf
  if (g.last) g.max = Math.max(g.max, t - g.last)
  g.last = t
  g.count++
  if (monitoring) requestAnimationFrame(frame)
}
function startMonitors() {
  monitoring = true
  for (const g of Object.values(gaps)) Object.assign(g, { last: 0, max: 0, count: 0 })
  channel.port2.postMessage(0)
  requestAnimationFrame(frame)
}
/** Forget the maxima so far but keep each monitor's last timestamp (a gap spanning the start counts). */
function resetMaxima() {
  for (const g of Object.values(gaps)) Object.assign(g, { max: 0, count: 0 })
}

/**
 * The control: a task that blocks for `ms` on purpose, measured the same way. It proves the
 * monitors see a blocking task at all (a broken monitor reporting 0 would otherwise pass).
 */
async function control(ms) {
  startMonitors()
  await sleep(100)
  resetMaxima()
  const t0 = now()
  await new Promise((resolve) =>
    setTimeout(() => {
      while (now() - t0 < ms) {
        // busy: nothing else can run
      }
      resolve()
    }, 0),
  )
  const t1 = now()
  await sleep(50)
  const during = { ...gaps.mc }
  monitoring = false
  await sleep(100)
  const inWindow = longtasks.filter((e) => e.end > t0 && e.start < t1 + 50)
  return {
    blockedMs: ms,
    messageChannelMaxGapMs: Math.round(during.max),
    longtaskMaxMs: Math.round(inWindow.reduce((m, e) => Math.max(m, e.duration), 0)),
  }
}

async function measure(label, ks, policy) {
  startMonitors()
  await sleep(150) // let both monitors settle (and show the idle baseline)
  const idle = { mcMaxGapMs: gaps.mc.max, rafMaxGapMs: gaps.raf.max }
  resetMaxima()
  const t0 = now()
  const envelope = await ks.sealKey(`sk-responsiveness-${label}`, 'a passphrase typed on a phone', { policy })
  const t1 = now()
  const during = { mc: { ...gaps.mc }, raf: { ...gaps.raf } }
  monitoring = false
  await sleep(100) // longtask entries are delivered asynchronously
  const inWindow = longtasks.filter((e) => e.end > t0 && e.start < t1)
  const info = ks.inspect(envelope).kdf
  const longtaskMaxMs = inWindow.reduce((m, e) => Math.max(m, e.duration), 0)
  return {
    label,
    sealMs: Math.round(t1 - t0),
    longestTaskMs: Math.round(Math.max(longtaskMaxMs, during.mc.max)),
    longtaskMaxMs: Math.round(longtaskMaxMs),
    longtaskCount: inWindow.length,
    messageChannelMaxGapMs: Math.round(during.mc.max),
    messageChannelPings: during.mc.count,
    rafMaxGapMs: during.raf.count > 0 ? Math.round(during.raf.max) : null,
    rafFrames: during.raf.count,
    idleMessageChannelMaxGapMs: Math.round(idle.mcMaxGapMs * 10) / 10,
    idleRafMaxGapMs: Math.round(idle.rafMaxGapMs * 10) / 10,
    params: `${info.kdf} m=${info.memoryKiB} t=${info.passes} p=${info.lanes}`,
  }
}

try {
  const input = await (await fetch('/__input')).json()
  const ks = await import(input.module)
  const a2 = await import(input.argon2idModule)
  const native = await nativeArgon2id()
  // createPolicy's Argon2id defaults are the OWASP parameters (m = 19456 KiB, t = 2, p = 1).
  const policy = ks.createPolicy({ argon2id: { implementation: a2.argon2id } })
  const ctl = await control(150)
  const cold = await measure('cold', ks, policy)
  const warm = await measure('warm', ks, policy)
  // Asked after the measurements, so that the cold one includes compiling the WebAssembly module.
  const backend = typeof a2.argon2idBackend === 'function' ? await a2.argon2idBackend(crypto.subtle) : 'unknown'
  document.getElementById('status').textContent = 'done'
  await post({ argon2idNative: native, backend, longtaskSupported, control: ctl, cold, warm, userAgent: navigator.userAgent })
} catch (error) {
  await post({ crash: String((error && error.stack) || error) })
}
