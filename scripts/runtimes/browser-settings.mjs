// Launch settings for the Debian browsers, shared by the runtime matrix's launchers
// (scripts/runtimes/browsers.mjs) and the Provider Keys example's end-to-end driver
// (examples/provider-keys/test/browsers.mjs, which imports this file by its path in the repository).
// Settings only: no imports, so that each caller keeps loading playwright-core and puppeteer-core
// from its own dependencies (test/runtimes/ for the matrix, the example's own lock file for the app).
// Recipes and flags: ../shared/RUNTIMES.md (pitfalls 8, 9, 10).

export const CHROMIUM = '/usr/bin/chromium'
export const FIREFOX = '/usr/bin/firefox-esr'

// Pitfall 9: root needs --no-sandbox; keep Chromium from calling out on this closed network.
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
])

// Pitfall 8: keep Firefox off the network (updates, telemetry, safe browsing, captive portal).
export const FIREFOX_PREFS = Object.freeze({
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
})
