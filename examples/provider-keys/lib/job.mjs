// The scheduled job: open every stored key with the server's private key and call the provider
// with it. It logs only row ids, providers, server key ids and outcomes; the API key exists in
// this process only between openKeyBytes and the request, as bytes zeroed right after.
import { isKeysealError, openKeyBytes } from '@org/keyseal/v2'
import { contextFor } from '../public/shared.js'

const PAGE = 100

/**
 * One run over every row. Returns { ok, failed } counts.
 * @param {{ store: any, keys: any, providerUrl: string, log: Function }} deps
 */
export async function runJob({ store, keys, providerUrl, log }) {
  let after = 0
  let ok = 0
  let failed = 0
  log('job.start', {})
  for (;;) {
    const rows = store.keysPage(after, PAGE)
    if (rows.length === 0) break
    for (const row of rows) {
      after = row.id
      let bytes
      try {
        const privateKey = await keys.privateKey(row.server_key_id)
        bytes = await openKeyBytes(row.envelope, privateKey, { context: contextFor(row.user_id, row.provider) })
      } catch (error) {
        failed++
        // A rotation may have moved this row since it was read; the next run picks it up.
        log('job.open', { row: row.id, provider: row.provider, serverKey: row.server_key_id, outcome: 'failed', code: isKeysealError(error) ? error.code : 'NO_PRIVATE_KEY' })
        continue
      }
      try {
        const status = await callProvider(providerUrl, row.provider, bytes)
        if (status === 200) ok++
        else failed++
        log('job.call', { row: row.id, provider: row.provider, serverKey: row.server_key_id, status })
      } catch {
        failed++
        log('job.call', { row: row.id, provider: row.provider, serverKey: row.server_key_id, outcome: 'unreachable' })
      } finally {
        bytes.fill(0)
      }
    }
  }
  log('job.done', { ok, failed })
  return { ok, failed }
}

async function callProvider(providerUrl, provider, keyBytes) {
  // The header value is the only string copy of the key; it is not kept after the request.
  const res = await fetch(`${providerUrl}/v1/${provider}/models`, {
    headers: { authorization: `Bearer ${new TextDecoder().decode(keyBytes)}` },
    signal: AbortSignal.timeout(10_000),
  })
  await res.arrayBuffer()
  return res.status
}

/** The server's interval: one run at a time; a run that overlaps the next tick is skipped. */
export function scheduleJob(deps, intervalMs) {
  let running = false
  const timer = setInterval(async () => {
    if (running) return
    running = true
    try {
      await runJob(deps)
    } catch (error) {
      deps.log('job.error', { name: error?.name ?? 'Error' })
    } finally {
      running = false
    }
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
