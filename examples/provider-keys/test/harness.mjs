// Test plumbing: the server as a child process (its log captured), a recording proxy between the
// browser and the server (every byte of every request and response kept for the leak checks),
// the commands, and a small step runner that counts passes and failures.
import { spawn } from 'node:child_process'
import { appendFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer, request } from 'node:http'
import { join } from 'node:path'
import { EXAMPLE_ROOT } from '../lib/config.mjs'

/** The server, started as `npm run app` starts it, on a free port, with its own data folder. */
export async function startServer({ dataDir, providerUrl, logFile, env = {}, node = process.execPath, jobInterval = 0 }) {
  const child = spawn(node, [join(EXAMPLE_ROOT, 'server.mjs'), '--data', dataDir, '--port', '0', '--provider-url', providerUrl, '--job-interval', String(jobInterval)], {
    cwd: EXAMPLE_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  const onData = (d) => {
    log += d
    appendFileSync(logFile, d)
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${log.slice(-2000)}`)), 60_000)
    child.stdout.on('data', () => {
      const m = /Provider keys: (http:\/\/127\.0\.0\.1:\d+)/.exec(log)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}: ${log.slice(-2000)}`))
    })
  })
  return {
    url,
    log: () => log,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', resolve)
        child.kill('SIGTERM')
      }),
  }
}

/** A command of the example (bin/*.mjs), run to completion; its output goes to the log file too. */
export function runCommand(script, args, { logFile, node = process.execPath, env = {} }) {
  return new Promise((resolve) => {
    const child = spawn(node, [join(EXAMPLE_ROOT, script), ...args], { cwd: EXAMPLE_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const onData = (d) => {
      out += d
      appendFileSync(logFile, d)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => resolve({ code, out }))
  })
}

/**
 * A recording reverse proxy on 127.0.0.1: the browser talks to it, it forwards to the server.
 * Every request (method, URL, headers, body) and response body is kept as bytes.
 */
export async function startProxy(target) {
  const t = new URL(target)
  const exchanges = []
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const x = { method: req.method, url: req.url, headers: JSON.stringify(req.headers), body, response: Buffer.alloc(0), status: 0 }
      exchanges.push(x)
      const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (ur) => {
        const rc = []
        ur.on('data', (c) => rc.push(c))
        ur.on('end', () => {
          x.response = Buffer.concat(rc)
          x.status = ur.statusCode
          x.responseHeaders = JSON.stringify(ur.headers)
          res.writeHead(ur.statusCode, ur.headers)
          res.end(x.response)
        })
      })
      up.on('error', () => {
        res.writeHead(502)
        res.end()
      })
      up.end(body)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    exchanges,
    close: () => {
      server.closeAllConnections?.()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

/** Every file of the SQLite database (main file, -wal, -shm) as bytes. */
export function databaseFiles(dataDir) {
  return readdirSync(dataDir)
    .filter((f) => f.startsWith('app.db'))
    .map((f) => ({ name: f, bytes: readFileSync(join(dataDir, f)) }))
}

/** Where `needle` occurs in any of `haystacks` ({ name, bytes | text }), as UTF-8 and as UTF-16LE. */
export function findSecret(needle, haystacks) {
  const forms = [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')]
  const found = []
  for (const h of haystacks) {
    const b = Buffer.isBuffer(h.bytes) ? h.bytes : Buffer.from(h.text ?? '', 'utf8')
    if (forms.some((f) => b.includes(f))) found.push(h.name)
  }
  return found
}

/** Steps: each passes or fails; after a failure the rest of its group is counted as failed, not run. */
export function createRunner(reportFile) {
  const results = []
  return {
    results,
    group(name, { independent = false } = {}) {
      let broken = null
      return async function step(title, fn) {
        const full = `${name}: ${title}`
        if (broken) {
          results.push({ name: full, ok: false, error: `not run (after "${broken}" failed)` })
          console.log(`  FAIL ${full} (not run: an earlier step failed)`)
          return
        }
        const started = Date.now()
        try {
          await fn()
          results.push({ name: full, ok: true, ms: Date.now() - started })
          console.log(`  ok   ${full} (${Date.now() - started} ms)`)
        } catch (error) {
          if (!independent) broken = title
          results.push({ name: full, ok: false, error: String(error?.stack ?? error) })
          console.log(`  FAIL ${full}\n       ${String(error?.stack ?? error).split('\n').slice(0, 6).join('\n       ')}`)
        }
      }
    },
    write() {
      mkdirSync(join(reportFile, '..'), { recursive: true })
      writeFileSync(reportFile, JSON.stringify(results, null, 2))
    },
  }
}

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`)
}
export function equal(a, b, message) {
  if (a !== b) throw new Error(`${message}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`)
}
