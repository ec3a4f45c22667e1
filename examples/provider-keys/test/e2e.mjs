// The end-to-end scenario, run once per browser against a fresh server, database and fake
// provider: sign up, add three keys, list, reveal, the scheduled job reaching the provider with
// the right keys, password change, server key rotation, refusals at save time; then the plaintext
// API keys and passwords are searched for in every HTTP request and response, the database files
// (main, WAL, shared memory), the server's log and the commands' output.
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openKey } from '@org/keyseal/v2'
import { startFakeProvider, sha256 } from '../lib/fake-provider.mjs'
import { openStore } from '../lib/store.mjs'
import { maskKey } from '../public/shared.js'
import { BROWSERS } from './browsers.mjs'
import { assert, databaseFiles, equal, findSecret, runCommand, startProxy, startServer } from './harness.mjs'
import { stanzas } from './v2-header.mjs'

const alnum = (n) => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  return [...randomBytes(n)].map((x) => abc[x % abc.length]).join('')
}

/** Fresh, random test keys per run (shaped like the providers' keys; the fake provider checks the shape). */
function makeKeys() {
  return {
    openai: `sk-proj-${alnum(40)}`,
    anthropic: `sk-ant-api03-${alnum(40)}`,
    mistral: alnum(32),
  }
}

export async function runScenario(browserName, step, { shotsDir, workDir }) {
  const dataDir = mkdtempSync(join(workDir, `${browserName}-data-`))
  const logFile = join(workDir, `${browserName}-server.log`)
  writeFileSync(logFile, '')
  mkdirSync(shotsDir, { recursive: true })
  const keys = makeKeys()
  const password1 = `first ${alnum(12)} pass`
  const password2 = `second ${alnum(12)} pass`
  const secrets = [...Object.values(keys), password1, password2]
  const user = `alice-${alnum(6).toLowerCase()}`
  const other = `bob-${alnum(6).toLowerCase()}`
  let provider, server, proxy, browser, page
  let shot = 0
  const screenshot = (name) => page.screenshot(join(shotsDir, `${String(++shot).padStart(2, '0')}-${name}.png`))
  const commandOutput = []
  const command = async (script, args) => {
    const r = await runCommand(script, ['--data', dataDir, ...args], { logFile })
    commandOutput.push({ name: `${script} output`, text: r.out })
    return r
  }
  const actions = () => page.evaluate(() => Number(document.body.dataset.actions ?? 0))
  /** Click and wait until the page's action finished; returns the status text. */
  const act = async (selector) => {
    const before = await actions()
    await page.click(selector)
    await page.waitFor((n) => Number(document.body.dataset.actions ?? 0) > n, before, 120_000)
    return page.evaluate(() => ({ text: document.getElementById('status').textContent, error: document.body.dataset.status === 'error' }))
  }
  const rows = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('#key-rows tr')].map((tr) => ({ provider: tr.dataset.provider, key: tr.querySelector('td.key').textContent })),
    )
  const signIn = async (name, password, which = '#signin') => {
    await page.fill('#name', name)
    await page.fill('#password', password)
    return act(which)
  }
  const db = async (fn) => {
    const store = await openStore(join(dataDir, 'app.db'))
    try {
      return fn(store)
    } finally {
      store.close()
    }
  }
  const storedRows = () => db((s) => s.db.all('SELECT id, user_id, provider, label, envelope, server_key_id, version FROM provider_keys ORDER BY provider'))
  let userId, before

  try {
    await step('start the fake provider, the server and a recording proxy', async () => {
      provider = await startFakeProvider()
      server = await startServer({ dataDir, providerUrl: provider.url, logFile })
      proxy = await startProxy(server.url)
    })

    await step(`launch ${browserName}`, async () => {
      browser = await BROWSERS[browserName].launch()
      page = browser.page
      console.log(`       (${browser.version})`)
      // Count key derivations on the page's main thread: there must be none (the worker does them).
      await page.initScript(() => {
        const subtle = globalThis.crypto?.subtle
        if (!subtle) return
        const proto = Object.getPrototypeOf(subtle)
        for (const name of ['deriveBits', 'deriveKey']) {
          const original = proto[name]
          proto[name] = function (...args) {
            globalThis.__mainThreadDerivations = (globalThis.__mainThreadDerivations ?? 0) + 1
            return original.apply(this, args)
          }
        }
      })
      await page.goto(proxy.url)
      await page.waitFor(() => document.body.dataset.ready === '1')
      await screenshot('sign-in')
    })

    await step('sign up: the key is derived in the worker, the page thread derives nothing', async () => {
      const s = await signIn(user, password1, '#signup')
      assert(!s.error, `sign-up refused: ${s.text}`)
      equal(await page.evaluate(() => globalThis.__mainThreadDerivations ?? 0), 0, 'key derivations on the main thread')
      const signup = proxy.exchanges.find((x) => x.url === '/api/signup')
      const body = JSON.parse(signup.body.toString())
      equal(Object.keys(body).sort().join(','), 'name,verifier', 'what sign-up sends')
      assert(/^[A-Za-z0-9_-]{43}$/.test(body.verifier), 'a 32-byte verifier, not the password')
      userId = JSON.parse(signup.response.toString()).user.id
    })

    await step('add three keys, sealed in the browser', async () => {
      for (const [p, k] of Object.entries(keys)) {
        await page.evaluate((v) => (document.getElementById('provider').value = v), p)
        await page.fill('#api-key', k)
        const s = await act('#add')
        assert(!s.error, `saving ${p} refused: ${s.text}`)
      }
      const posts = proxy.exchanges.filter((x) => x.method === 'POST' && x.url === '/api/keys')
      equal(posts.length, 3, 'POST /api/keys requests')
      for (const x of posts) {
        const body = JSON.parse(x.body.toString())
        equal(Object.keys(body).sort().join(','), 'envelope,provider', 'what saving a key sends')
        assert(body.envelope.startsWith('ks2.'), 'a v2 envelope')
        equal(x.status, 200, `save of ${body.provider}`)
      }
    })

    await step('list: provider and masked label, without decrypting', async () => {
      const list = await rows()
      equal(list.map((r) => r.provider).join(','), 'anthropic,mistral,openai', 'providers listed')
      for (const r of list) equal(r.key, maskKey(keys[r.provider]), `label of ${r.provider}`)
      const stored = await storedRows()
      equal(stored.length, 3, 'rows in the database')
      for (const r of stored) {
        equal(r.label, maskKey(keys[r.provider]), 'stored label')
        const h = stanzas(r.envelope)
        equal(h.label, r.label, 'the envelope carries the label')
        equal(h.stanzas.map((s) => s.kind).join(','), 'symmetric,p256', 'recipients: the user, then the server')
        equal(h.stanzas[1].keyId, r.server_key_id, 'the server stanza names the server key')
      }
      await screenshot('list')
    })

    await step('reveal: each key opens in the browser with the password', async () => {
      for (const [i, p] of Object.keys(keys).entries()) {
        const s = await act(`#key-rows tr[data-provider="${p}"] button.reveal`)
        assert(!s.error, `reveal ${p}: ${s.text}`)
        const list = await rows()
        equal(list.find((r) => r.provider === p).key, keys[p], `revealed ${p}`)
        for (const other of list.filter((r) => r.provider !== p && !Object.keys(keys).slice(0, i).includes(r.provider))) equal(other.key, maskKey(keys[other.provider]), `${other.provider} still masked`)
        if (i === 0) await screenshot('revealed')
      }
      equal(await page.evaluate(() => globalThis.__mainThreadDerivations ?? 0), 0, 'key derivations on the main thread')
    })

    await step('the scheduled job opens every key with the server key and reaches the provider with it', async () => {
      const r = await command('bin/job.mjs', ['--provider-url', provider.url])
      equal(r.code, 0, `job exit code (output: ${r.out.slice(-500)})`)
      for (const [p, k] of Object.entries(keys)) {
        const calls = provider.calls.filter((c) => c.provider === p)
        equal(calls.length, 1, `calls to ${p}`)
        equal(calls[0].keySha256, sha256(k), `${p} was called with the user's ${p} key`)
        equal(calls[0].status, 200, `${p} answered`)
      }
    })

    await step('change password: only the user stanzas are re-wrapped, in the browser', async () => {
      before = await storedRows()
      await page.fill('#pw-current', password1)
      await page.fill('#pw-next', password2)
      const s = await act('#change-password')
      assert(!s.error, `password change: ${s.text}`)
      const change = proxy.exchanges.find((x) => x.url === '/api/password')
      equal(Object.keys(JSON.parse(change.body.toString())).sort().join(','), 'keys,newVerifier,verifier', 'what a password change sends')
      const after = await storedRows()
      for (const [i, r] of after.entries()) {
        const a = stanzas(before[i].envelope)
        const b = stanzas(r.envelope)
        equal(b.stanzas[1].body, a.stanzas[1].body, `${r.provider}: server stanza byte for byte`)
        assert(b.stanzas[0].body !== a.stanzas[0].body, `${r.provider}: user stanza re-wrapped`)
        equal(b.payload, a.payload, `${r.provider}: payload unchanged`)
        equal(r.version, before[i].version + 1, `${r.provider}: version bumped once`)
        const context = `user:${userId}/${r.provider}`
        equal(await openKey(r.envelope, password2, { context }), keys[r.provider], `${r.provider} opens with the new password`)
        const old = await openKey(r.envelope, password1, { context }).then(() => 'opened', (e) => e.code)
        equal(old, 'AUTH_FAILED', `${r.provider} with the old password`)
      }
    })

    await step('sign out; the old password is refused, the new one signs in and reveals', async () => {
      await act('#signout')
      const refused = await signIn(user, password1)
      assert(refused.error && /BAD_CREDENTIALS/.test(refused.text), `old password: ${refused.text}`)
      const ok = await signIn(user, password2)
      assert(!ok.error, `new password: ${ok.text}`)
      const s = await act('#key-rows tr[data-provider="openai"] button.reveal')
      assert(!s.error, `reveal after password change: ${s.text}`)
      equal((await rows()).find((r) => r.provider === 'openai').key, keys.openai, 'revealed after password change')
    })

    await step('server key rotation: every server stanza moves, no password needed, user stanzas untouched', async () => {
      before = await storedRows()
      const oldKey = before[0].server_key_id
      const r = await command('bin/rotate-server-key.mjs', [])
      equal(r.code, 0, `rotation exit code (output: ${r.out.slice(-800)})`)
      const after = await storedRows()
      const newKey = after[0].server_key_id
      assert(newKey !== oldKey, 'a new server key id')
      for (const [i, row] of after.entries()) {
        equal(row.server_key_id, newKey, `${row.provider} on the new key`)
        const a = stanzas(before[i].envelope)
        const b = stanzas(row.envelope)
        equal(b.stanzas[0].body, a.stanzas[0].body, `${row.provider}: user stanza byte for byte`)
        equal(b.stanzas[1].keyId, newKey, `${row.provider}: server stanza for the new key`)
        equal(row.version, before[i].version + 1, `${row.provider}: rotated exactly once`)
      }
      const files = readdirSync(join(dataDir, 'server-keys'))
      equal(files.join(','), `${newKey}.key`, 'only the new private key is left on disk')
      equal(statSync(join(dataDir, 'server-keys', `${newKey}.key`)).mode & 0o777, 0o600, 'private key file mode')
      equal(statSync(join(dataDir, 'server-keys')).mode & 0o777, 0o700, 'key folder mode')
      const again = await command('bin/rotate-server-key.mjs', [])
      equal(again.code, 0, 're-run exit code')
      const job = await command('bin/job.mjs', ['--provider-url', provider.url])
      equal(job.code, 0, 'job after rotation')
      for (const [p, k] of Object.entries(keys)) {
        const last = provider.calls.filter((c) => c.provider === p).at(-1)
        equal(last.keySha256, sha256(k), `${p} after rotation`)
        equal(last.status, 200, `${p} answered after rotation`)
      }
    })

    await step('after rotation: reveal still works, and a replaced key is sealed to the new server key', async () => {
      // Sign in again: the page loads the rotated envelopes and the new public key.
      await act('#signout')
      assert(!(await signIn(user, password2)).error, 'sign in')
      const s = await act('#key-rows tr[data-provider="anthropic"] button.reveal')
      assert(!s.error, `reveal after rotation: ${s.text}`)
      equal((await rows()).find((r) => r.provider === 'anthropic').key, keys.anthropic, 'revealed after rotation')
      keys.mistral = alnum(32)
      secrets.push(keys.mistral)
      await page.evaluate(() => (document.getElementById('provider').value = 'mistral'))
      await page.fill('#api-key', keys.mistral)
      const saved = await act('#add')
      assert(!saved.error, `replace refused: ${saved.text}`)
      const stored = (await storedRows()).find((r) => r.provider === 'mistral')
      const current = await db((st) => st.serverKeyByState('current').key_id)
      equal(stored.server_key_id, current, 'sealed for the current server key')
      equal(stored.label, maskKey(keys.mistral), 'new label')
      await screenshot('after-rotation')
    })

    await step('save-time refusals: another user\'s context, tampered, no server recipient (nothing stored)', async () => {
      const otherId = await db((st) => st.createUser(other, Buffer.alloc(16), Buffer.alloc(32)))
      const countBefore = (await storedRows()).length
      const versionsBefore = (await storedRows()).map((r) => r.version).join(',')
      // A hostile client: keyseal loaded straight into the page, requests made with the user's session.
      const results = await page.evaluate(
        async ({ userId, otherId, password, apiKey }) => {
          const ks = await import('/vendor/v2.js')
          const { serverKey } = await (await fetch('/api/config')).json()
          const server = await ks.importPublicKey(serverKey.publicKey, { keyId: serverKey.keyId })
          const label = `sk-…${apiKey.slice(-4)}`
          const post = async (envelope, provider = 'openai') => {
            const res = await fetch('/api/keys', { method: 'POST', headers: { 'content-type': 'application/json', 'x-keyseal-app': '1' }, body: JSON.stringify({ provider, envelope }) })
            return { status: res.status, error: (await res.json()).error }
          }
          const key = await ks.deriveKey(password)
          const good = await ks.sealKey(apiKey, [key, server], { context: `user:${userId}/openai`, label })
          const other = await ks.sealKey(apiKey, [key, server], { context: `user:${otherId}/openai`, label })
          const parts = good.split('.')
          const flip = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
          const tamperedPayload = [parts[0], parts[1], flip(parts[2], 5)].join('.')
          const tamperedHeader = [parts[0], flip(parts[1], 30), parts[2]].join('.')
          const userOnly = await ks.sealKey(apiKey, [key], { context: `user:${userId}/openai`, label })
          const serverOnly = await ks.sealKey(apiKey, [server], { context: `user:${userId}/openai`, label })
          const lyingLabel = await ks.sealKey(apiKey, [key, server], { context: `user:${userId}/openai`, label: 'sk-…zzzz' })
          const otherProvider = await ks.sealKey(apiKey, [key, server], { context: `user:${userId}/anthropic`, label })
          return {
            otherContext: await post(other),
            otherProvider: await post(otherProvider),
            tamperedPayload: await post(tamperedPayload),
            tamperedHeader: await post(tamperedHeader),
            noServerRecipient: await post(userOnly),
            noUserRecipient: await post(serverOnly),
            lyingLabel: await post(lyingLabel),
            notAnEnvelope: await post('sk-proj-not-an-envelope'),
          }
        },
        { userId, otherId, password: password2, apiKey: `sk-proj-${alnum(40)}` },
      )
      const expect = {
        otherContext: [422, 'AUTH_FAILED'],
        otherProvider: [422, 'AUTH_FAILED'],
        tamperedPayload: [422, 'AUTH_FAILED'],
        noServerRecipient: [422, 'MISSING_SERVER_RECIPIENT'],
        noUserRecipient: [422, 'MISSING_USER_RECIPIENT'],
        lyingLabel: [422, 'LABEL_MISMATCH'],
        notAnEnvelope: [400, 'MALFORMED_ENVELOPE'],
      }
      for (const [name, [status, code]] of Object.entries(expect)) {
        equal(results[name].status, status, `${name}: status`)
        equal(results[name].error, code, `${name}: code`)
      }
      // A header byte flipped: refused before storing; which code depends on the byte (MAC or parse).
      assert(results.tamperedHeader.status >= 400 && results.tamperedHeader.status < 500, `tamperedHeader: ${JSON.stringify(results.tamperedHeader)}`)
      assert(['AUTH_FAILED', 'MALFORMED_ENVELOPE', 'UNEXPECTED_RECIPIENT', 'UNKNOWN_SERVER_KEY', 'BAD_LABEL', 'PARAMS_OUT_OF_POLICY'].includes(results.tamperedHeader.error), `tamperedHeader code ${results.tamperedHeader.error}`)
      // The hostile client derived a key on the page's main thread: the counter used by the
      // sign-up and reveal steps does see main-thread derivations.
      assert((await page.evaluate(() => globalThis.__mainThreadDerivations ?? 0)) > 0, 'the main-thread derivation counter works')
      equal((await storedRows()).length, countBefore, 'rows after the refusals')
      equal((await storedRows()).map((r) => r.version).join(','), versionsBefore, 'no row was changed')
      const logged = server.log()
      assert(/status=422/.test(logged), 'refusals are in the log')
    })
  } finally {
    await browser?.close().catch(() => {})
    await proxy?.close().catch(() => {})
    await server?.stop().catch(() => {})
    await provider?.close().catch(() => {})
  }

  await step('no plaintext API key or password in any request, response, database file or log', async () => {
    assert(proxy && server, 'the scenario ran')
    const haystacks = [
      ...proxy.exchanges.flatMap((x, i) => [
        { name: `request ${i} ${x.method} ${x.url} (url, headers, body)`, bytes: Buffer.concat([Buffer.from(x.url + x.headers), x.body]) },
        { name: `response ${i} ${x.method} ${x.url}`, bytes: Buffer.concat([Buffer.from(x.responseHeaders ?? ''), x.response]) },
      ]),
      ...databaseFiles(dataDir),
      { name: 'server log', text: server.log() },
      ...commandOutput,
    ]
    assert(databaseFiles(dataDir).some((f) => f.name === 'app.db-wal') || databaseFiles(dataDir).length >= 1, 'database files found')
    assert(proxy.exchanges.length > 20, 'requests were recorded')
    for (const s of secrets) {
      const where = findSecret(s, haystacks)
      equal(where.join('; '), '', 'places where a plaintext secret appears')
    }
    // The check can fail: the same search finds a label, which is stored on purpose.
    assert(findSecret(maskKey(keys.openai), databaseFiles(dataDir)).length > 0, 'the search finds what is there (a label)')
  })
  rmSync(dataDir, { recursive: true, force: true })
}
