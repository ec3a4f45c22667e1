// Real browsers, without downloading any: Debian's `chromium` through playwright-core and Debian's
// `firefox-esr` through puppeteer-core over WebDriver BiDi (the recipes of the repository's runtime
// matrix, scripts/runtimes/browsers.mjs; Firefox has no Playwright route without Playwright's own
// patched build). Both are wrapped in one small page API so one scenario drives either.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const CHROMIUM = process.env.APP_CHROMIUM ?? '/usr/bin/chromium'
export const FIREFOX = process.env.APP_FIREFOX ?? '/usr/bin/firefox-esr'

// Root needs --no-sandbox; keep Chromium off the network (it would call home otherwise).
const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']

// Keep Firefox off the network: updates, telemetry, safe browsing, captive-portal checks.
const FIREFOX_PREFS = {
  'app.update.enabled': false,
  'app.update.auto': false,
  'app.normandy.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'browser.safebrowsing.blockedURIs.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.newtabpage.enabled': false,
  'browser.startup.page': 0,
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.unified': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'services.settings.server': 'http://127.0.0.1:9/',
  'signon.rememberSignons': false,
}

export const BROWSERS = {
  chromium: { executable: CHROMIUM, launch: launchChromium },
  firefox: { executable: FIREFOX, launch: launchFirefox },
}

export function browserAvailable(name) {
  return existsSync(BROWSERS[name].executable)
}

async function launchChromium() {
  const { chromium } = await import('playwright-core')
  const profile = mkdtempSync(join(tmpdir(), 'app-chromium-'))
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1100, height: 760 } })
  const page = context.pages()[0] ?? (await context.newPage())
  return {
    version: `Chromium ${context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1]))}`,
    page: wrap(page, {
      fill: (sel, text) => page.fill(sel, text),
      waitFor: (fn, arg, timeout) => page.waitForFunction(fn, arg, { timeout, polling: 100 }),
      initScript: (fn) => page.addInitScript(fn),
    }),
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core')
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, extraPrefsFirefox: FIREFOX_PREFS, defaultViewport: { width: 1100, height: 760 } })
  const page = await browser.newPage()
  return {
    version: (await browser.version()).replace(/^firefox\//i, 'Firefox '),
    page: wrap(page, {
      fill: async (sel, text) => {
        await page.$eval(sel, (el) => (el.value = ''))
        await page.type(sel, text)
      },
      waitFor: (fn, arg, timeout) => page.waitForFunction(fn, { timeout, polling: 100 }, arg),
      initScript: (fn) => page.evaluateOnNewDocument(fn),
    }),
    close: () => browser.close(),
  }
}

function wrap(page, own) {
  const errors = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e?.message ?? e}`))
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`))
  return {
    errors,
    goto: (url) => page.goto(url),
    reload: () => page.reload(),
    click: (sel) => page.click(sel),
    fill: own.fill,
    initScript: own.initScript,
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitFor: (fn, arg, timeout = 60_000) => own.waitFor(fn, arg, timeout),
    screenshot: (path) => page.screenshot({ path, fullPage: true }),
  }
}
