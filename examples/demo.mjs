// `npm start`: seal a sample API key with a passphrase, show what `inspect` sees, open it again,
// and show that the wrong context is refused. Runs against the built package (dist/).
import { sealKey, openKey, inspect, envelopeToJSON, isKeysealError } from '@org/keyseal'

const apiKey = 'sk-proj-DEMO-0000000000000000000000000000' // a sample, not a real key
const passphrase = 'correct horse battery staple'
const context = 'user:42/openai'

console.log('Sealing a sample API key with PBKDF2-SHA256 (600,000 iterations) and AES-256-GCM...')
let t = performance.now()
const envelope = await sealKey(apiKey, passphrase, { context })
console.log(`  sealed in ${(performance.now() - t).toFixed(0)} ms`)
console.log(`\nEnvelope (store this string; ${envelope.length} characters):\n  ${envelope}`)

console.log('\ninspect(envelope): no key needed')
console.log(inspect(envelope))

console.log('\nThe same envelope as a JSON document:')
console.log(envelopeToJSON(envelope))

t = performance.now()
const opened = await openKey(envelope, passphrase, { context })
console.log(`\nOpened with the passphrase and context in ${(performance.now() - t).toFixed(0)} ms: ${opened === apiKey ? 'the same API key' : 'MISMATCH'}`)

try {
  await openKey(envelope, passphrase, { context: 'user:43/openai' })
  console.log('Opened under another user\'s context: this must never happen')
  process.exitCode = 1
} catch (error) {
  if (!isKeysealError(error)) throw error
  console.log(`Copied to another user's row (context user:43/openai): refused with ${error.code}: "${error.message}"`)
}
if (opened !== apiKey) process.exitCode = 1
