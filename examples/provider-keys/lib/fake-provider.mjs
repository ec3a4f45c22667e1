// A stand-in for the AI providers' APIs, on 127.0.0.1 only: GET /v1/<provider>/models with
// `Authorization: Bearer <key>` answers 200 when the key has that provider's shape, 401 otherwise.
// It never logs or keeps a key: each call is recorded as (provider, SHA-256 of the key, status),
// which is what the end-to-end test compares against the keys it typed into the page.
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'

const SHAPES = {
  openai: /^sk-[A-Za-z0-9_-]{20,}$/,
  anthropic: /^sk-ant-[A-Za-z0-9_-]{20,}$/,
  mistral: /^[A-Za-z0-9]{32}$/,
}

export const sha256 = (s) => createHash('sha256').update(s).digest('hex')

export async function startFakeProvider({ port = 0 } = {}) {
  const calls = []
  const server = createServer((req, res) => {
    const m = /^\/v1\/([a-z]+)\/models$/.exec(new URL(req.url, 'http://127.0.0.1').pathname)
    const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')
    let status = 404
    if (m && Object.hasOwn(SHAPES, m[1])) status = auth && SHAPES[m[1]].test(auth[1]) ? 200 : 401
    calls.push({ provider: m?.[1] ?? null, keySha256: auth ? sha256(auth[1]) : null, status })
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(status === 200 ? { object: 'list', data: [{ id: 'fake-model' }] } : { error: 'invalid_api_key' }))
  })
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    calls,
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}
