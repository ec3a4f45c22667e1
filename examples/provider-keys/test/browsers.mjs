// Real browsers, without downloading any: Debian's `chromium` through playwright-core and Debian's
// `firefox-esr` through puppeteer-core over WebDriver BiDi (the recipes of the repository's runtime
// matrix, scripts/runtimes/browsers.mjs and browser-settings.mjs; Firefox has no Playwright route
// without Playwright's own patched build). Both are wrapped in one small page API so one scenario drives either.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
// The Debian binaries, Chromium flags (root needs --no-sandbox; no network) and Firefox preferences
// are the runtime matrix's, imported from the repository this example lives in (its tests already
// run against the package built there, `@org/keyseal: file:../..`). Only the settings are shared:
// the drivers below differ (a persistent profile and a page API for a scenario, where the matrix
// opens one URL and waits for one result) and load playwright-core / puppeteer-core from this
// example's own lock file, not from test/runtimes/.
import {
  CHROMIUM_ARGS,
  CHROMIUM as DEBIAN_CHROMIUM,
  FIREFOX as DEBIAN_FIREFOX,
  FIREFOX_PREFS as MATRIX_FIREFOX_PREFS,
} from '../../../scripts/runtimes/browser-settings.mjs'

export const CHROMIUM = process.env.APP_CHROMIUM ?? DEBIAN_CHROMIUM
export const FIREFOX = process.env.APP_FIREFOX ?? DEBIAN_FIREFOX

// The matrix's Firefox preferences (off the network), and no password manager prompt on the forms.
const FIREFOX_PREFS = { ...MATRIX_FIREFOX_PREFS, 'signon.rememberSignons': false }

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
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], viewport: { width: 1100, height: 760 } })
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
