// A minimal static server for the browser runs: serves a few folders of the repository (the built
// package, the suite, the entry points, a temp folder for the packed bundle), hands out the run's
// input at /__input and resolves a promise with what the page POSTs to /__result.
// It listens on loopback only (127.0.0.1 and, where available, ::1 on the same port, so that
// http://localhost works whichever address a browser tries first).
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
}

/**
 * @param {{ mounts: Record<string, string>, input: unknown, headers?: Record<string, string> }} options
 *   mounts: URL prefix -> folder; headers: added to every file served (e.g. a Content-Security-Policy)
 * @returns {Promise<{ port: number, result: Promise<any>, close(): Promise<void> }>}
 */
export async function startServer({ mounts, input, headers = {} }) {
  let settle
  const result = new Promise((resolve) => (settle = resolve))
  const body = JSON.stringify(input)
  const handler = async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost')
      if (url.pathname === '/__input') {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        return res.end(body)
      }
      if (url.pathname === '/__result' && req.method === 'POST') {
        const chunks = []
        for await (const c of req) chunks.push(c)
        res.writeHead(204).end()
        try {
          return settle(JSON.parse(Buffer.concat(chunks).toString('utf8')))
        } catch (error) {
          return settle({ crash: `unreadable result: ${error}` })
        }
      }
      if (url.pathname === '/favicon.ico') return res.writeHead(204).end()
      for (const [prefix, dir] of Object.entries(mounts)) {
        if (!url.pathname.startsWith(prefix)) continue
        const rel = normalize(decodeURIComponent(url.pathname.slice(prefix.length)))
        if (rel.startsWith('..') || rel.includes(`${sep}..`)) break
        const data = await readFile(join(dir, rel))
        res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream', 'cache-control': 'no-store', ...headers })
        return res.end(data)
      }
      res.writeHead(404).end('not found')
    } catch {
      res.writeHead(404).end('not found')
    }
  }
  const servers = [createServer(handler)]
  await new Promise((resolve, reject) => servers[0].once('error', reject).listen(0, '127.0.0.1', resolve))
  const port = servers[0].address().port
  const v6 = createServer(handler)
  await new Promise((resolve) => v6.once('error', () => resolve()).listen(port, '::1', () => (servers.push(v6), resolve())))
  return {
    port,
    result,
    async close() {
      await Promise.all(servers.map((s) => new Promise((r) => (s.closeAllConnections?.(), s.close(() => r())))))
    },
  }
}
