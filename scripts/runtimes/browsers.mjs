// Browser launchers. Each opens one URL served by server.mjs, waits for the page to POST its
// result, and closes the browser. Recipes and flags: ../shared/RUNTIMES.md (pitfalls 8, 9, 10); the
// binaries, Chromium flags and Firefox preferences are in browser-settings.mjs.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { loadPlaywright, loadPuppeteer } from '../../test/runtimes/deps.mjs'
import { CHROMIUM, CHROMIUM_ARGS, FIREFOX, FIREFOX_PREFS } from './browser-settings.mjs'

export { CHROMIUM, CHROMIUM_ARGS, FIREFOX } from './browser-settings.mjs'
export const WEBKIT_DRIVER = '/usr/bin/WebKitWebDriver'
export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'

const withTimeout = (promise, ms, what) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: no result after ${ms / 1000} s`)), ms).unref())])

/** Chromium through playwright-core. `hostRules` maps a non-localhost name to loopback. */
export async function runChromium(url, result, { timeoutMs = 180_000, hostRules } = {}) {
  const { chromium } = await loadPlaywright()
  const args = [...CHROMIUM_ARGS]
  if (hostRules) args.push(`--host-resolver-rules=${hostRules}`)
  const browser = await chromium.launch({ executablePath: CHROMIUM, args })
  const log = []
  try {
    const page = await browser.newPage()
    page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`))
    page.on('console', (m) => m.type() === 'error' && log.push(`console: ${m.text()}`))
    await page.goto(url)
    const out = await withTimeout(result, timeoutMs, 'chromium').catch((e) => ({ crash: `${e.message} ${log.join(' | ')}` }))
    return { ...out, browserVersion: `Chromium ${browser.version()}` }
  } finally {
    await browser.close()
  }
}

/** Debian's Firefox ESR through puppeteer-core over WebDriver BiDi. */
export async function runFirefox(url, result, { timeoutMs = 180_000 } = {}) {
  const { default: puppeteer } = await loadPuppeteer()
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: FIREFOX_PREFS,
  })
  try {
    const page = await browser.newPage()
    const log = []
    page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`))
    page.on('console', (m) => m.type() === 'error' && log.push(`console: ${m.text()}`))
    await page.goto(url)
    const out = await withTimeout(result, timeoutMs, 'firefox').catch((e) => ({ crash: `${e.message} ${log.join(' | ')}` }))
    return { ...out, browserVersion: (await browser.version()).replace(/^firefox\//i, 'Firefox ') }
  } finally {
    await browser.close()
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

/** Start Xvfb on a display it picks itself (-displayfd); resolves to { display, stop }. */
async function startXvfb() {
  const proc = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'ignore'] })
  const display = await withTimeout(
    new Promise((resolve, reject) => {
      let buf = ''
      proc.stdout.on('data', (d) => {
        buf += d
        if (buf.includes('\n')) resolve(`:${buf.trim()}`)
      })
      proc.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)))
    }),
    15_000,
    'Xvfb',
  )
  return { display, stop: () => proc.kill() }
}

async function wd(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = await res.json().catch(() => ({}))
  if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${res.status} ${JSON.stringify(json.value ?? json).slice(0, 300)}`)
  return json.value
}

/** WebKitGTK's MiniBrowser under Xvfb, driven over W3C WebDriver (raw HTTP) by WebKitWebDriver. */
export async function runWebKit(url, result, { timeoutMs = 180_000 } = {}) {
  const xvfb = await startXvfb()
  const port = await freePort()
  const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`], { stdio: 'ignore', env: { ...process.env, DISPLAY: xvfb.display } })
  const base = `http://127.0.0.1:${port}`
  let session = null
  try {
    for (let i = 0; ; i++) {
      try {
        await wd(base, 'GET', '/status')
        break
      } catch (error) {
        if (i > 100) throw error
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    const created = await wd(base, 'POST', '/session', {
      capabilities: {
        alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } },
      },
    })
    session = created.sessionId
    const version = `WebKitGTK ${created.capabilities?.browserVersion ?? '?'}`
    await wd(base, 'POST', `/session/${session}/url`, { url })
    const out = await withTimeout(result, timeoutMs, 'webkit').catch((e) => ({ crash: e.message }))
    return { ...out, browserVersion: version }
  } finally {
    if (session) await wd(base, 'DELETE', `/session/${session}`).catch(() => {})
    driver.kill()
    xvfb.stop()
  }
}
