// The Provider Keys page. It never imports keyseal and never derives a key itself: the crypto
// worker (worker.js) does all of that. The page sends the server only user names, sign-in
// verifiers and envelopes, and shows labels and (on "Reveal") a key the worker opened.
import { PROVIDERS } from '/shared.js'

const $ = (id) => document.getElementById(id)
const state = { user: null, serverKey: null, keys: [] }

// ---- the worker ----------------------------------------------------------------------------
const worker = new Worker('/worker.js', { type: 'module' })
const waiting = new Map()
let nextId = 1
const workerReady = new Promise((resolve) => {
  worker.addEventListener('message', function first(e) {
    if (e.data?.ready) {
      worker.removeEventListener('message', first)
      resolve()
    }
  })
})
worker.addEventListener('message', (e) => {
  const w = waiting.get(e.data?.id)
  if (!w) return
  waiting.delete(e.data.id)
  if (e.data.ok) w.resolve(e.data.result)
  else w.reject(Object.assign(new Error(e.data.code), { code: e.data.code }))
})
async function call(op, args) {
  await workerReady
  const id = nextId++
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject })
    worker.postMessage({ id, op, args })
  })
}

// ---- the server ----------------------------------------------------------------------------
async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json', 'x-keyseal-app': '1' },
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  })
  const json = await res.json().catch(() => ({}))
  if (!res.ok) throw Object.assign(new Error(json.error ?? `HTTP_${res.status}`), { code: json.error ?? `HTTP_${res.status}`, status: res.status })
  return json
}

// ---- UI helpers ----------------------------------------------------------------------------
function status(text, error = false) {
  $('status').textContent = text
  $('status').className = error ? 'error' : ''
  document.body.dataset.status = error ? 'error' : 'ok'
}
async function busy(button, text, fn) {
  const buttons = [...document.querySelectorAll('button')]
  buttons.forEach((b) => (b.disabled = true))
  status(text)
  document.body.dataset.busy = '1'
  try {
    await fn()
  } catch (error) {
    status(`Refused: ${error.code ?? 'ERROR'}`, true)
  } finally {
    buttons.forEach((b) => (b.disabled = false))
    delete document.body.dataset.busy
    // A counter of finished actions: what a test (or a screen reader's observer) can wait on.
    document.body.dataset.actions = String(Number(document.body.dataset.actions ?? 0) + 1)
  }
}

function render() {
  const signedIn = state.user !== null
  $('auth').hidden = signedIn
  $('keys').hidden = !signedIn
  $('who').hidden = !signedIn
  $('who-name').textContent = signedIn ? state.user.name : ''
  if (!signedIn) return
  $('server-key').textContent = `New keys are sealed for you and for the server key ${state.serverKey.keyId}.`
  const rows = $('key-rows')
  rows.replaceChildren()
  for (const k of state.keys) {
    const tr = document.createElement('tr')
    tr.dataset.provider = k.provider
    const provider = document.createElement('td')
    provider.textContent = PROVIDERS[k.provider]?.name ?? k.provider
    const label = document.createElement('td')
    label.className = 'key'
    // The label is the envelope's public label as the server stored it: a claim, not opened.
    label.textContent = k.label
    const updated = document.createElement('td')
    updated.className = 'updated'
    updated.textContent = new Date(k.updatedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
    const actions = document.createElement('td')
    actions.className = 'actions'
    const reveal = document.createElement('button')
    reveal.className = 'secondary reveal'
    reveal.textContent = 'Reveal'
    reveal.onclick = () =>
      busy(reveal, 'Opening in your browser…', async () => {
        const { apiKey } = await call('open', { envelope: k.envelope, provider: k.provider, userId: state.user.id })
        label.textContent = apiKey
        label.classList.add('revealed')
        status(`Opened ${PROVIDERS[k.provider]?.name ?? k.provider} key in your browser.`)
        setTimeout(() => {
          label.textContent = k.label
          label.classList.remove('revealed')
        }, 30_000)
      })
    const del = document.createElement('button')
    del.className = 'secondary delete'
    del.textContent = 'Delete'
    del.onclick = () =>
      busy(del, 'Deleting…', async () => {
        await api('DELETE', `/api/keys/${k.id}`)
        await refresh()
        status('Deleted.')
      })
    actions.append(reveal, del)
    tr.append(provider, label, updated, actions)
    rows.append(tr)
  }
  $('empty').hidden = state.keys.length > 0
}

async function refresh() {
  const { keys } = await api('GET', '/api/keys')
  state.keys = keys
  render()
}

function signedIn({ user, serverKey }) {
  state.user = user
  state.serverKey = serverKey
  $('password').value = ''
}

// ---- actions -------------------------------------------------------------------------------
async function authenticate(kind) {
  const name = $('name').value.trim()
  const password = $('password').value
  if (!$('auth-form').reportValidity()) return
  await busy($(kind), 'Deriving your keys in a worker…', async () => {
    const { verifier } = await call('signIn', { name, password })
    try {
      signedIn(await api('POST', kind === 'signup' ? '/api/signup' : '/api/signin', { name, verifier }))
    } catch (error) {
      await call('signOut')
      throw error
    }
    await refresh()
    status(`Signed in as ${name}.`)
  })
}

$('auth-form').addEventListener('submit', (e) => {
  e.preventDefault()
  authenticate('signin')
})
$('signup').addEventListener('click', () => authenticate('signup'))

$('signout').addEventListener('click', () =>
  busy($('signout'), 'Signing out…', async () => {
    await call('signOut') // the worker forgets the password and derived key first
    state.user = null
    state.keys = []
    render()
    await api('POST', '/api/signout', {})
    status('Signed out.')
  }),
)

for (const [id, p] of Object.entries(PROVIDERS)) {
  const o = document.createElement('option')
  o.value = id
  o.textContent = `${p.name} (${p.example})`
  $('provider').append(o)
}

$('add-form').addEventListener('submit', (e) => {
  e.preventDefault()
  const provider = $('provider').value
  const apiKey = $('api-key').value.trim()
  busy($('add'), 'Sealing in your browser…', async () => {
    const { envelope } = await call('seal', { apiKey, provider, userId: state.user.id, serverKey: state.serverKey })
    $('api-key').value = ''
    const existing = state.keys.find((k) => k.provider === provider)
    await api('POST', '/api/keys', { provider, envelope, ...(existing && { version: existing.version }) })
    await refresh()
    status(`Saved your ${PROVIDERS[provider].name} key (sealed in this browser).`)
  })
})

$('password-form').addEventListener('submit', (e) => {
  e.preventDefault()
  const current = $('pw-current').value
  const next = $('pw-next').value
  busy($('change-password'), 'Re-wrapping your keys in your browser…', async () => {
    await refresh() // start from the server's current versions
    const change = await call('changePassword', { current, next, keys: state.keys, userId: state.user.id })
    const { keys } = await api('POST', '/api/password', change)
    await call('commitPassword')
    $('pw-current').value = ''
    $('pw-next').value = ''
    state.keys = keys
    render()
    status(`Password changed; ${keys.length} key(s) re-wrapped in your browser.`)
  })
})

// Resume a session (the cookie) — the worker has no password then, so ask for it again.
api('GET', '/api/me')
  .then(() => api('POST', '/api/signout', {}))
  .catch(() => {})
  .finally(() => {
    render()
    document.body.dataset.ready = '1'
  })
