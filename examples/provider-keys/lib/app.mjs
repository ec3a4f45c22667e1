// The HTTP server: the page's static files and a JSON API. Node's `http` only.
//
// What the server receives from the browser, ever: a user name, a sign-in verifier (never the
// password), provider names and keyseal envelopes. It answers with envelopes and labels.
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkVerifier, dummyUser, hashVerifier, newSessionToken, parseVerifier, tokenHash } from './auth.mjs'
import { Refusal, validateForSave } from './validate.mjs'
import { PROVIDERS, USER_NAME, contextFor } from '../public/shared.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const PUBLIC = join(HERE, '..', 'public')
const require = createRequire(import.meta.url)
// The browser gets the same built package the server runs (the repository's dist/, through the
// example's `file:../..` dependency): /vendor/v2.js and the chunks it imports, nothing else.
const KEYSEAL_DIST = join(dirname(require.resolve('@org/keyseal/package.json')), 'dist')
const VENDOR = /^\/vendor\/([A-Za-z0-9_-]+\.js)$/

const STATIC = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/worker.js': ['worker.js', 'text/javascript; charset=utf-8'],
  '/shared.js': ['shared.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
}

// A strict Content-Security-Policy: only this origin's scripts run and only this origin is
// contacted, so an injected <script> or a compromised third-party include cannot run or exfiltrate
// (README "threat model": a malicious script on the page).
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; worker-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
}

const BODY_MAX = 64 * 1024
const SESSION_MS = 12 * 60 * 60 * 1000
const COOKIE = 'ks_session'

class HttpError extends Error {
  constructor(status, code) {
    super(code)
    this.status = status
    this.code = code
  }
}

async function readJson(req) {
  // CSRF: the API takes JSON only, with a header a cross-site form cannot send; the session
  // cookie is SameSite=Strict as well.
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '') || req.headers['x-keyseal-app'] !== '1') throw new HttpError(415, 'BAD_REQUEST_TYPE')
  const chunks = []
  let size = 0
  for await (const c of req) {
    size += c.length
    if (size > BODY_MAX) throw new HttpError(413, 'BODY_TOO_LARGE')
    chunks.push(c)
  }
  let body
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new HttpError(400, 'BAD_JSON') // never the parser's message: it quotes the input
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'BAD_JSON')
  // Own properties only: nothing is read from a prototype.
  return (name) => (Object.hasOwn(body, name) ? body[name] : undefined)
}

function cookieToken(req) {
  const m = /(?:^|;\s*)ks_session=([A-Za-z0-9_-]{43})(?:;|$)/.exec(req.headers.cookie ?? '')
  return m ? m[1] : null
}

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body)
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(text)
}

/**
 * @param {{ store: any, keys: any, log: Function, dataDir: string, secureCookie?: boolean }} deps
 */
export function createApp({ store, keys, log }) {
  function session(req) {
    const token = cookieToken(req)
    if (!token) return null
    const hash = tokenHash(token)
    const userId = store.sessionUser(hash)
    return userId ? { userId, hash } : null
  }
  function requireUser(req) {
    const s = session(req)
    if (!s) throw new HttpError(401, 'NOT_SIGNED_IN')
    return s
  }
  function startSession(userId) {
    const token = newSessionToken()
    store.createSession(tokenHash(token), userId, Date.now() + SESSION_MS)
    return `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MS / 1000}`
  }
  const userName = (v) => (typeof v === 'string' && USER_NAME.test(v) ? v : null)
  const provider = (v) => (typeof v === 'string' && Object.hasOwn(PROVIDERS, v) ? v : null)
  const keyView = (r) => ({ id: r.id, provider: r.provider, label: r.label, envelope: r.envelope, version: r.version, updatedAt: r.updated_at })
  const config = () => {
    const { sealTo } = keys.snapshot()
    return { serverKey: { keyId: sealTo.key_id, publicKey: sealTo.public_key }, providers: PROVIDERS }
  }

  const api = {
    'GET /api/config': () => [200, config()],

    'POST /api/signup': async (req) => {
      const body = await readJson(req)
      const name = userName(body('name'))
      const verifier = parseVerifier(body('verifier'))
      if (!name || !verifier) throw new HttpError(400, 'BAD_SIGNUP')
      const { salt, hash } = await hashVerifier(verifier)
      let userId
      try {
        userId = store.createUser(name, salt, hash)
      } catch {
        throw new HttpError(409, 'NAME_TAKEN')
      }
      log('user.signup', { user: userId })
      return [201, { user: { id: userId, name, context: contextFor(userId, '<provider>') }, ...config() }, { 'set-cookie': startSession(userId) }]
    },

    'POST /api/signin': async (req) => {
      const body = await readJson(req)
      const name = userName(body('name'))
      const verifier = parseVerifier(body('verifier'))
      const u = name ? store.userByName(name) : undefined
      const ref = u ? { salt: u.auth_salt, hash: u.auth_hash } : dummyUser()
      const ok = (await checkVerifier(verifier ?? Buffer.alloc(32), Buffer.from(ref.salt), Buffer.from(ref.hash))) && u && verifier
      if (!ok) {
        log('user.signin', { outcome: 'refused' })
        throw new HttpError(401, 'BAD_CREDENTIALS')
      }
      log('user.signin', { user: u.id, outcome: 'ok' })
      return [200, { user: { id: u.id, name: u.name }, ...config() }, { 'set-cookie': startSession(u.id) }]
    },

    'POST /api/signout': async (req) => {
      const s = session(req)
      if (s) store.deleteSession(s.hash)
      return [200, {}, { 'set-cookie': `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0` }]
    },

    'GET /api/me': (req) => {
      const s = requireUser(req)
      const u = store.userById(s.userId)
      return [200, { user: { id: u.id, name: u.name }, ...config() }]
    },

    'GET /api/keys': (req) => {
      const s = requireUser(req)
      return [200, { keys: store.listKeys(s.userId).map(keyView) }]
    },

    // Add a key, or replace the user's key for that provider (compare-and-swap on `version`).
    'POST /api/keys': async (req) => {
      const s = requireUser(req)
      const body = await readJson(req)
      const p = provider(body('provider'))
      if (!p) throw new HttpError(400, 'UNKNOWN_PROVIDER')
      const envelope = body('envelope')
      const expected = body('version')
      const { serverKeyId, label } = await validateForSave(envelope, { userId: s.userId, provider: p, keys })
      // The accepted server keys may have changed while the envelope was being opened (a
      // rotation promoted its next key): check again inside the write transaction, where the
      // rotation's promotion cannot interleave (BEGIN IMMEDIATE, lib/sqlite.mjs).
      const row = store.transaction(() => {
        if (!keys.snapshot().accepted.includes(serverKeyId)) throw new Refusal('UNKNOWN_SERVER_KEY')
        const existing = store.keyFor(s.userId, p)
        if (!existing) {
          if (expected !== undefined) throw new HttpError(409, 'VERSION_CONFLICT')
          return store.keyById(store.insertKey(s.userId, p, label, envelope, serverKeyId))
        }
        if (expected !== existing.version) throw new HttpError(409, 'VERSION_CONFLICT')
        if (!store.casKey(existing.id, s.userId, expected, label, envelope, serverKeyId)) throw new HttpError(409, 'VERSION_CONFLICT')
        return store.keyById(existing.id)
      })
      log('key.saved', { user: s.userId, row: row.id, provider: p, serverKey: serverKeyId, version: row.version })
      return [200, { key: keyView(row) }]
    },

    // Change password: the new sign-in verifier and every key re-wrapped for the new password, in
    // one transaction. Each row is compare-and-swapped on the version the browser re-wrapped, so
    // a key changed meanwhile (another tab, a server key rotation) fails the whole change with
    // VERSION_CONFLICT and the browser starts again from a fresh list; nothing is half-changed.
    'POST /api/password': async (req) => {
      const s = requireUser(req)
      const body = await readJson(req)
      const current = parseVerifier(body('verifier'))
      const next = parseVerifier(body('newVerifier'))
      const items = body('keys')
      if (!current || !next || !Array.isArray(items) || items.length > 64) throw new HttpError(400, 'BAD_PASSWORD_CHANGE')
      const u = store.userById(s.userId)
      if (!(await checkVerifier(current, Buffer.from(u.auth_salt), Buffer.from(u.auth_hash)))) throw new HttpError(401, 'BAD_CREDENTIALS')
      const rows = new Map(store.listKeys(s.userId).map((r) => [r.id, r]))
      if (items.length !== rows.size) throw new HttpError(409, 'VERSION_CONFLICT')
      const checked = []
      for (const item of items) {
        if (item === null || typeof item !== 'object') throw new HttpError(400, 'BAD_PASSWORD_CHANGE')
        const id = Object.hasOwn(item, 'id') ? item.id : undefined
        const version = Object.hasOwn(item, 'version') ? item.version : undefined
        const envelope = Object.hasOwn(item, 'envelope') ? item.envelope : undefined
        const row = rows.get(id)
        if (!row || row.version !== version) throw new HttpError(409, 'VERSION_CONFLICT')
        const v = await validateForSave(envelope, { userId: s.userId, provider: row.provider, keys })
        checked.push({ id, version, envelope, ...v })
      }
      const { salt, hash } = await hashVerifier(next)
      store.transaction(() => {
        const accepted = keys.snapshot().accepted
        for (const c of checked) {
          if (!accepted.includes(c.serverKeyId)) throw new Refusal('UNKNOWN_SERVER_KEY')
          if (!store.casKey(c.id, s.userId, c.version, c.label, c.envelope, c.serverKeyId)) throw new HttpError(409, 'VERSION_CONFLICT')
        }
        store.setAuth(s.userId, salt, hash)
        store.deleteOtherSessions(s.userId, s.hash)
      })
      log('user.password', { user: s.userId, rows: checked.length })
      return [200, { keys: store.listKeys(s.userId).map(keyView) }]
    },
  }

  async function route(req, res) {
    const url = new URL(req.url, 'http://127.0.0.1')
    const path = url.pathname
    const del = /^\/api\/keys\/([0-9]{1,12})$/.exec(path)
    if (req.method === 'DELETE' && del) {
      const s = requireUser(req)
      if (!store.deleteKey(Number(del[1]), s.userId)) throw new HttpError(404, 'NOT_FOUND')
      log('key.deleted', { user: s.userId, row: Number(del[1]) })
      return send(res, 200, {})
    }
    const handler = api[`${req.method} ${path}`]
    if (handler) {
      const [status, body, headers] = await handler(req)
      return send(res, status, body, headers)
    }
    const vendor = VENDOR.exec(path)
    if (req.method === 'GET' && (Object.hasOwn(STATIC, path) || vendor)) {
      const [file, type] = vendor ? [join(KEYSEAL_DIST, vendor[1]), 'text/javascript; charset=utf-8'] : [join(PUBLIC, STATIC[path][0]), STATIC[path][1]]
      const data = await readFile(file).catch(() => {
        throw new HttpError(404, 'NOT_FOUND')
      })
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': type })
      return res.end(data)
    }
    throw new HttpError(404, 'NOT_FOUND')
  }

  return createServer(async (req, res) => {
    const started = Date.now()
    let status = 500
    try {
      await route(req, res)
      status = res.statusCode
    } catch (error) {
      if (error instanceof HttpError || error instanceof Refusal) {
        status = error.status
        send(res, error.status, { error: error.code })
      } else {
        log('http.error', { name: error?.name ?? 'Error' })
        send(res, 500, { error: 'INTERNAL' })
      }
    } finally {
      // Method, path (ids only; the API never puts data in URLs), status, and a refusal's code.
      log('http', { method: req.method, path: new URL(req.url, 'http://127.0.0.1').pathname.slice(0, 60), status, ms: Date.now() - started })
    }
  })
}
