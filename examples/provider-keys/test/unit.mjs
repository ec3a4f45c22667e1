// Server-side checks without a browser, on a real SQLite file: key-file permissions, every
// save-time refusal, server key rotation racing a user's edit (compare-and-swap), a rotation
// killed midway and re-run, a save racing the rotation's promotion, the job, and the logger.
// Run directly (`node test/unit.mjs`) or from test/run.mjs, which also runs it on a Node with
// node:sqlite when one is available.
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createPolicy, deriveKey, generateKeyPair, importPublicKey, openKey, sealKey } from '@org/keyseal/v2'
import { openData } from '../lib/config.mjs'
import { startFakeProvider, sha256 } from '../lib/fake-provider.mjs'
import { runJob, scheduleJob } from '../lib/job.mjs'
import { createLogger } from '../lib/log.mjs'
import { rotateServerKey } from '../lib/rotate.mjs'
import { loadPrivateKey } from '../lib/server-keys.mjs'
import { Refusal, validateForSave } from '../lib/validate.mjs'
import { contextFor, maskKey } from '../public/shared.js'
import { assert, equal } from './harness.mjs'
import { stanzas } from './v2-header.mjs'

export async function runUnit(step) {
  const root = mkdtempSync(join(tmpdir(), 'app-unit-'))
  const lines = []
  const log = createLogger((l) => lines.push(l))
  const userKey = await deriveKey('correct horse battery staple') // one KDF run, reused below
  let n = 0
  const fresh = async () => openData(join(root, `d${++n}`), log)
  const apiKey = (i) => `sk-proj-${String(i).padStart(4, '0')}abcdefghijklmnopqrstuvwxyz0123456789`
  const sealFor = async (data, userId, provider, secret, { to, recipients } = {}) => {
    const k = to ?? data.keys.snapshot().sealTo
    const server = await importPublicKey(k.public_key, { keyId: k.key_id })
    return sealKey(secret, recipients ?? [userKey, server], { context: contextFor(userId, provider), label: maskKey(secret) })
  }
  const addRow = async (data, userId, provider, secret) => {
    const envelope = await sealFor(data, userId, provider, secret)
    const v = await validateForSave(envelope, { userId, provider, keys: data.keys })
    return data.store.insertKey(userId, provider, v.label, envelope, v.serverKeyId)
  }
  const refusal = (p) => p.then(() => 'stored', (e) => (e instanceof Refusal ? e.code : `threw ${e}`))

  try {
    await step(`driver in use`, async () => {
      const d = await fresh()
      console.log(`       (SQLite through ${d.store.driver}, Node ${process.versions.node})`)
      if (process.env.APP_SQLITE_DRIVER) equal(d.store.driver, process.env.APP_SQLITE_DRIVER, 'driver')
      d.store.close()
    })

    await step('server key files: 0600 in a 0700 folder; a group-readable key file is refused', async () => {
      const d = await fresh()
      const id = d.keys.snapshot().current.key_id
      const file = join(d.dir, 'server-keys', `${id}.key`)
      equal(statSync(file).mode & 0o777, 0o600, 'key file mode')
      equal(statSync(join(d.dir, 'server-keys')).mode & 0o777, 0o700, 'folder mode')
      chmodSync(file, 0o640)
      const r = await loadPrivateKey(d.dir, id).then(() => 'loaded', (e) => e.message)
      assert(/readable by group or others/.test(r), `loading a 0640 key: ${r}`)
      chmodSync(file, 0o600)
      await loadPrivateKey(d.dir, id)
      d.store.close()
    })

    await step('save-time validation: a good envelope passes; each bad one gets its code', async () => {
      const d = await fresh()
      const uid = d.store.createUser('carol', Buffer.alloc(16), Buffer.alloc(32))
      const cur = d.keys.snapshot().current
      const server = await importPublicKey(cur.public_key, { keyId: cur.key_id })
      const secret = apiKey(1)
      const ctx = contextFor(uid, 'openai')
      const label = maskKey(secret)
      const check = (envelope) => refusal(validateForSave(envelope, { userId: uid, provider: 'openai', keys: d.keys }))
      equal(await check(await sealKey(secret, [userKey, server], { context: ctx, label })), 'stored', 'good envelope')
      const stranger = await generateKeyPair()
      const strangerKey = await importPublicKey(stranger.publicKey, { keyId: 'srv-20260101-00000000' })
      const weak = createPolicy({ pbkdf2: { iterations: 100_000, minIterations: 100_000 } })
      const cases = {
        'a v1 envelope (no server recipient possible)': [await sealKey(secret, userKey, { context: ctx }), 'NOT_RECIPIENT_ENVELOPE'],
        'another server key': [await sealKey(secret, [userKey, strangerKey], { context: ctx, label }), 'UNKNOWN_SERVER_KEY'],
        'a third recipient': [await sealKey(secret, [userKey, server, strangerKey], { context: ctx, label }), 'UNEXPECTED_RECIPIENT'],
        'no user recipient': [await sealKey(secret, [server], { context: ctx, label }), 'MISSING_USER_RECIPIENT'],
        'no server recipient': [await sealKey(secret, [userKey], { context: ctx, label }), 'MISSING_SERVER_RECIPIENT'],
        'a weak user stanza (100,000 iterations)': [await sealKey(secret, ['weak passphrase here', server], { context: ctx, label, policy: weak }), 'PARAMS_OUT_OF_POLICY'],
        'a malformed label': [await sealKey(secret, [userKey, server], { context: ctx, label: 'openai key' }), 'BAD_LABEL'],
        'a label that does not match the key': [await sealKey(secret, [userKey, server], { context: ctx, label: 'sk-…0000' }), 'LABEL_MISMATCH'],
        'not an API key inside (too short)': [await sealKey('short', [userKey, server], { context: ctx, label: maskKey('short') }), 'BAD_API_KEY'],
        'another user': [await sealKey(secret, [userKey, server], { context: contextFor(uid + 1, 'openai'), label }), 'AUTH_FAILED'],
        'too large': ['ks2.' + 'A'.repeat(5000), 'ENVELOPE_TOO_LARGE'],
        'garbage': ['ks2.garbage', 'MALFORMED_ENVELOPE'],
        'not a string': [42, 'MALFORMED_ENVELOPE'],
      }
      for (const [name, [envelope, code]] of Object.entries(cases)) equal(await check(envelope), code, name)
      d.store.close()
    })

    await step('rotation vs a user edit sealed to the OLD key meanwhile: not overwritten, moved in a later pass', async () => {
      const d = await fresh()
      const uid = d.store.createUser('dave', Buffer.alloc(16), Buffer.alloc(32))
      const id = await addRow(d, uid, 'openai', apiKey(2))
      const oldKey = d.keys.snapshot().current
      const edited = apiKey(3)
      let raced = false
      const r = await rotateServerKey({
        ...d,
        dataDir: d.dir,
        beforeWrite: async (row) => {
          if (raced || row.id !== id) return
          raced = true
          // The user's page still had the old public key: it saves a new envelope for it.
          const envelope = await sealFor(d, uid, 'openai', edited, { to: oldKey })
          assert(d.store.casKey(id, uid, row.version, maskKey(edited), envelope, oldKey.key_id), 'the user edit wrote')
        },
      })
      assert(raced, 'the race happened')
      equal(r.conflicts, 1, 'compare-and-swap misses')
      equal(r.moved, 1, 'rows moved (the edited row, on the second pass)')
      assert(r.promoted, 'promoted')
      const row = d.store.keyById(id)
      equal(row.server_key_id, r.keyId, 'on the new key')
      const priv = await d.keys.privateKey(r.keyId)
      equal(await openKey(row.envelope, priv, { context: contextFor(uid, 'openai') }), edited, "the user's edit survived")
      equal(row.version, 3, 'versions: insert 1, user edit 2, rotation 3')
      equal(readdirSync(join(d.dir, 'server-keys')).join(','), `${r.keyId}.key`, 'old private key deleted')
      d.store.close()
    })

    await step('rotation vs a user edit sealed to the NEW key meanwhile: not overwritten, nothing left to move', async () => {
      const d = await fresh()
      const uid = d.store.createUser('erin', Buffer.alloc(16), Buffer.alloc(32))
      const id = await addRow(d, uid, 'anthropic', apiKey(4))
      const edited = `sk-ant-${'x'.repeat(30)}`
      const r = await rotateServerKey({
        ...d,
        dataDir: d.dir,
        beforeWrite: async (row) => {
          const next = d.keys.snapshot().next // what the page seals to during a rotation
          const envelope = await sealFor(d, uid, 'anthropic', edited, { to: next })
          const v = await validateForSave(envelope, { userId: uid, provider: 'anthropic', keys: d.keys })
          assert(d.store.casKey(row.id, uid, row.version, v.label, envelope, v.serverKeyId), 'the user edit wrote')
        },
      })
      equal(r.conflicts, 1, 'compare-and-swap misses')
      equal(r.moved, 0, 'rows moved by the rotation')
      assert(r.promoted, 'promoted')
      const row = d.store.keyById(id)
      const priv = await d.keys.privateKey(r.keyId)
      equal(await openKey(row.envelope, priv, { context: contextFor(uid, 'anthropic') }), edited, "the user's edit survived")
      d.store.close()
    })

    await step('rotation killed midway, then re-run: every row moved exactly once, none lost', async () => {
      const d = await fresh()
      const uid = d.store.createUser('frank', Buffer.alloc(16), Buffer.alloc(32))
      const providers = ['openai', 'anthropic', 'mistral']
      const users = [uid, d.store.createUser('grace', Buffer.alloc(16), Buffer.alloc(32))]
      const expected = new Map()
      let i = 10
      for (const u of users) for (const p of providers) {
        const secret = p === 'mistral' ? `${'M'.repeat(28)}${i++}`.slice(-32).padStart(32, 'M') : apiKey(i++)
        expected.set(await addRow(d, u, p, secret), secret)
      }
      const userStanzas = new Map([...expected.keys()].map((id) => [id, stanzas(d.store.keyById(id).envelope).stanzas[0].body]))
      const crashed = await rotateServerKey({ ...d, dataDir: d.dir, stopAfter: 2 }).then(() => 'finished', (e) => e.message)
      equal(crashed, 'stopped (test hook)', 'the first run was killed')
      const next = d.store.serverKeyByState('next')
      assert(next, 'a rotation is in progress')
      equal(d.store.countNotOn(next.key_id), 4, 'rows left after the crash')
      // A fresh process: a new key set (no cached private keys), as after a real crash.
      d.store.close()
      const again = await openData(d.dir, log)
      const r = await rotateServerKey({ ...again, dataDir: again.dir })
      equal(r.keyId, next.key_id, 'the re-run resumed the same rotation')
      equal(r.moved, 4, 'rows moved by the re-run')
      assert(r.promoted, 'promoted')
      const priv = await again.keys.privateKey(r.keyId)
      for (const [id, secret] of expected) {
        const row = again.store.keyById(id)
        equal(row.version, 2, `row ${id}: moved exactly once`)
        equal(row.server_key_id, r.keyId, `row ${id}: on the new key`)
        equal(stanzas(row.envelope).stanzas[0].body, userStanzas.get(id), `row ${id}: user stanza untouched`)
        equal(await openKey(row.envelope, priv, { context: contextFor(row.user_id, row.provider) }), secret, `row ${id}: secret intact`)
      }
      const third = await rotateServerKey({ ...again, dataDir: again.dir })
      assert(third.keyId !== r.keyId && third.moved === 6, 'a further run is a new rotation of all rows')
      again.store.close()
    })

    await step('a save naming a key that was retired meanwhile is refused', async () => {
      const d = await fresh()
      const uid = d.store.createUser('heidi', Buffer.alloc(16), Buffer.alloc(32))
      const old = d.keys.snapshot().current
      const envelope = await sealFor(d, uid, 'openai', apiKey(30), { to: old })
      await rotateServerKey({ ...d, dataDir: d.dir })
      equal(await refusal(validateForSave(envelope, { userId: uid, provider: 'openai', keys: d.keys })), 'UNKNOWN_SERVER_KEY', 'old-key save after promotion')
      d.store.close()
    })

    await step('the job opens every row and calls the provider with it; its log holds no key', async () => {
      const d = await fresh()
      const uid = d.store.createUser('ivan', Buffer.alloc(16), Buffer.alloc(32))
      const secrets = { openai: apiKey(40), anthropic: `sk-ant-${'q'.repeat(30)}`, mistral: 'Q'.repeat(32) }
      for (const [p, s] of Object.entries(secrets)) await addRow(d, uid, p, s)
      const fake = await startFakeProvider()
      lines.length = 0
      const r = await runJob({ ...d, providerUrl: fake.url })
      await fake.close()
      equal(r.ok, 3, 'calls that got 200')
      for (const [p, s] of Object.entries(secrets)) equal(fake.calls.find((c) => c.provider === p)?.keySha256, sha256(s), `${p} got its key`)
      const text = lines.join('\n')
      for (const s of Object.values(secrets)) assert(!text.includes(s), 'no key in the job log')
      assert(/job\.call row=\d+ provider=openai serverKey=srv-\S+ status=200/.test(text), `the log says what happened: ${text}`)
      d.store.close()
    })

    await step("the server's interval runs the job, one run at a time", async () => {
      const d = await fresh()
      const uid = d.store.createUser('judy', Buffer.alloc(16), Buffer.alloc(32))
      await addRow(d, uid, 'openai', apiKey(50))
      const fake = await startFakeProvider()
      lines.length = 0
      const stop = scheduleJob({ ...d, providerUrl: fake.url }, 20)
      // Wait (without a time bound on the work) for two completed runs.
      for (let i = 0; i < 500 && lines.filter((l) => / job\.done /.test(l)).length < 2; i++) await new Promise((r) => setTimeout(r, 20))
      stop()
      await new Promise((r) => setTimeout(r, 100))
      await fake.close()
      const starts = lines.filter((l) => / job\.start/.test(l)).length
      const dones = lines.filter((l) => / job\.done /.test(l)).length
      assert(dones >= 2, `two runs finished (${dones})`)
      assert(starts - dones <= 1, 'runs do not overlap')
      assert(fake.calls.length >= 2 && fake.calls.every((c) => c.keySha256 === sha256(apiKey(50)) && c.status === 200), 'each run called the provider with the key')
      d.store.close()
    })

    await step('the logger prints ids and codes, never a secret-shaped or free-text value', async () => {
      const out = []
      const l = createLogger((x) => out.push(x))
      l('x', { row: 3, code: 'AUTH_FAILED', key: 'sk-proj-abcdefgh', text: 'has spaces', long: 'a'.repeat(100) })
      assert(/ x row=3 code=AUTH_FAILED key=\? text=\? long=\?$/.test(out[0]), out[0])
    })
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { createRunner } = await import('./harness.mjs')
  const runner = createRunner(join(tmpdir(), 'app-unit-results.json'))
  await runUnit(runner.group('server', { independent: true }))
  const failed = runner.results.filter((r) => !r.ok).length
  console.log(`unit: ${runner.results.length - failed} passed, ${failed} failed`)
  process.exitCode = failed ? 1 : 0
}
