// The app's only logger. It takes an event name and a few fields, and writes one line:
//   2026-12-07T05:40:00.000Z job.call row=3 provider=openai status=200
// Field values must be numbers or short identifiers (ids, codes, paths without query strings);
// anything else is written as `?`, so a secret passed here by mistake is never printed. What the
// app logs on purpose: row ids, user ids, providers, server key ids, HTTP statuses, keyseal codes.
const SAFE = /^[A-Za-z0-9_.:/@-]{0,80}$/
const SECRETISH = /^(?:sk|key|rk|pk)[-_]/i

function value(v) {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (typeof v === 'string' && SAFE.test(v) && !SECRETISH.test(v)) return v
  return '?'
}

export function createLogger(write = (line) => process.stdout.write(`${line}\n`)) {
  return function log(event, fields = {}) {
    const parts = [new Date().toISOString(), value(event)]
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) parts.push(`${value(k)}=${value(v)}`)
    write(parts.join(' '))
  }
}
