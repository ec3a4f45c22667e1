#!/usr/bin/env node
// Timing of openKey's failure classes (issue 11 item 9): does the time an open takes to fail tell
// an observer WHY it failed? A wrong key is caught by the key commitment; a wrong context or a
// tampered body only by AES-GCM. The analysis and the decision are in docs/format.md §15.1.
//
// One process, one raw key (no KDF: a passphrase open spends 0.1 s or more in PBKDF2/Argon2id, which
// hides microseconds). Five cases, interleaved one operation each, round by round in shuffled order:
//   ok             openKey succeeds (the baseline every ratio is over)
//   wrong-key      openKey with another raw key: AUTH_FAILED
//   wrong-context  openKey with the right key and another context: AUTH_FAILED
//   tampered       openKey with the right key, one ciphertext character changed: AUTH_FAILED
//   aes-gcm-fail   raw WebCrypto: one failing AES-256-GCM decrypt of a body of the same length
// Each operation is timed on its own (performance.now around one await), as a client would time one
// request. Reported: median and distribution per case, ratios of medians over `ok`, and how often a
// threshold classifier tells wrong-key from wrong-context (and from tampered) from 1, 5 or 25
// requests (threshold fitted on half of the rounds, accuracy measured on the other half), and how
// often an observer who sends a known wrong-key request next to each probe gets it right.
// Then the same with a passphrase at the default policy (PBKDF2-SHA256, 600,000 iterations), fewer
// rounds: the wrong passphrase against the wrong context, to show what the KDF's own spread does to
// the same difference.
//
//   node bench/timing.mjs              (or: node bench/run.mjs timing)
//   BENCH_TIMING_ROUNDS=1000 node bench/timing.mjs   (quicker)
import { performance } from 'node:perf_hooks'
import { environment, loadKeyseal, SECRET_64, writeScenario } from './lib/common.mjs'
import { check, quantile } from './lib/harness.mjs'

const ROUNDS = Number(process.env.BENCH_TIMING_ROUNDS || 6000)
const WARMUP = Math.min(1000, Math.ceil(ROUNDS / 5))
const log = (...a) => console.log(...a)
const started = performance.now()
const env0 = environment()

const ks = await loadKeyseal()
const subtle = globalThis.crypto.subtle
const context = 'user:42/openai'
const key = await ks.importKey(await ks.generateKey())
const wrongKey = await ks.importKey(await ks.generateKey())
const envelope = await ks.sealKey(SECRET_64, key, { context })

// One ciphertext character changed, keeping the string canonical base64url (a middle character
// carries six full bits, so any other alphabet character is canonical there).
const dot = envelope.lastIndexOf('.')
const at = dot + 1 + Math.floor((envelope.length - dot - 1) / 2)
const tampered = envelope.slice(0, at) + (envelope[at] === 'A' ? 'B' : 'A') + envelope.slice(at + 1)
const bodyLength = Math.floor(((envelope.length - dot - 1) * 3) / 4)

// The raw WebCrypto reference: one failing AES-256-GCM decrypt of a body as long as the envelope's.
const aesKey = await subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-GCM', false, ['decrypt'])
const iv = crypto.getRandomValues(new Uint8Array(12))
const junk = crypto.getRandomValues(new Uint8Array(bodyLength))
const aad = new TextEncoder().encode('x'.repeat(64))

const code = (p) => p.then(() => 'resolved', (e) => (e && e.code) || String(e))
const CASES = [
  { id: 'ok', label: 'open succeeds (baseline)', fn: () => ks.openKey(envelope, key, { context }) },
  { id: 'wrong-key', label: 'wrong key (fails at the key commitment)', fn: () => ks.openKey(envelope, wrongKey, { context }).catch(() => {}) },
  { id: 'wrong-context', label: 'wrong context (fails at AES-GCM)', fn: () => ks.openKey(envelope, key, { context: 'user:43/openai' }).catch(() => {}) },
  { id: 'tampered', label: 'tampered body (fails at AES-GCM)', fn: () => ks.openKey(tampered, key, { context }).catch(() => {}) },
  { id: 'aes-gcm-fail', label: 'raw WebCrypto: one failing AES-256-GCM decrypt', fn: () => subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, aesKey, junk).catch(() => {}) },
]

// Cross-checks before timing: every failure is the same code and the same message, so time is the
// only thing that could tell them apart.
const checks = []
checks.push(check((await ks.openKey(envelope, key, { context })) === SECRET_64, 'ok: opens to the sealed secret'))
const failures = await Promise.all([
  ks.openKey(envelope, wrongKey, { context }),
  ks.openKey(envelope, key, { context: 'user:43/openai' }),
  ks.openKey(tampered, key, { context }),
].map((p) => p.then(() => undefined, (e) => e)))
checks.push(check(failures.every((e) => ks.isKeysealError(e) && e.code === 'AUTH_FAILED'), 'wrong key, wrong context and tampered body all reject with AUTH_FAILED'))
checks.push(check(new Set(failures.map((e) => `${e.name}|${e.message}`)).size === 1, 'the three failures carry the same name and message'))
checks.push(check((await code(subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, aesKey, junk))) !== 'resolved', 'aes-gcm-fail: the raw decrypt rejects'))

// Seeded shuffle (xorshift), so a run is reproducible in its order.
let seed = 0x2545f491
const rnd = () => {
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return (seed >>> 0) / 2 ** 32
}
const shuffled = (a) => {
  const b = [...a]
  for (let i = b.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[b[i], b[j]] = [b[j], b[i]]
  }
  return b
}

/** Time every case once per round, in a shuffled order each round; returns { id: Float64Array }. */
async function measure(cases, rounds, warmup) {
  log(`timing: ${warmup} warm-up rounds, then ${rounds} rounds of ${cases.length} cases, interleaved...`)
  const samples = Object.fromEntries(cases.map((c) => [c.id, new Float64Array(rounds)]))
  for (let r = -warmup; r < rounds; r++) {
    // A collection between rounds, outside the timed operations, every 500 rounds.
    if (r % 500 === 0 && typeof gc === 'function') gc()
    for (const c of shuffled(cases)) {
      const t0 = performance.now()
      await c.fn()
      const dt = performance.now() - t0
      if (r >= 0) samples[c.id][r] = dt
    }
  }
  return samples
}

const sortedOf = (a) => Float64Array.from(a).sort()
const summary = (a) => {
  const s = sortedOf(a)
  return { median: quantile(s, 0.5), p10: quantile(s, 0.1), p25: quantile(s, 0.25), p75: quantile(s, 0.75), p90: quantile(s, 0.9), p99: quantile(s, 0.99), min: s[0], max: s[s.length - 1] }
}
/** Per case: its distribution, and the ratio of its median over the baseline case's median. */
function rowsOf(cases, samples, baseId) {
  const base = summary(samples[baseId])
  return cases.map((c) => {
    const s = summary(samples[c.id])
    // Paired per round: this case's sample over the baseline's sample of the same round.
    const paired = sortedOf(Array.from(samples[c.id], (v, i) => v / samples[baseId][i]))
    return { id: c.id, label: c.label, n: samples[c.id].length, ...s, ratio: s.median / base.median, pairedP25: quantile(paired, 0.25), pairedP75: quantile(paired, 0.75) }
  })
}

/**
 * Accuracy of the best threshold rule telling class `a` from class `b` when the observer sees the
 * median of `k` requests of one class: fitted on half of the rounds, measured on the other half
 * (balanced: the mean of the two per-class hit rates; 0.5 is a coin toss).
 */
function classifier(a, b, k) {
  // Blocks of k consecutive rounds, alternately for fitting and for testing, so that a slow drift
  // of the machine's load over the run lands in both halves alike.
  const groups = (x, parity) => {
    const out = []
    for (let i = 0, n = 0; i + k <= x.length; i += k, n++) if (n % 2 === parity) out.push(quantile(sortedOf(x.subarray(i, i + k)), 0.5))
    return out
  }
  const [trainA, trainB, testA, testB] = [groups(a, 0), groups(b, 0), groups(a, 1), groups(b, 1)]
  const acc = (xa, xb, t, below) => {
    const hitA = xa.filter((v) => (v < t) === below).length / xa.length
    const hitB = xb.filter((v) => (v < t) !== below).length / xb.length
    return (hitA + hitB) / 2
  }
  let best = { acc: 0, t: 0, below: true }
  for (const t of [...trainA, ...trainB]) {
    for (const below of [true, false]) {
      const v = acc(trainA, trainB, t, below)
      if (v > best.acc) best = { acc: v, t, below }
    }
  }
  return { k, accuracy: acc(testA, testB, best.t, best.below), trainAccuracy: best.acc, thresholdMs: best.t, testGroups: Math.min(testA.length, testB.length) }
}
const samples = await measure(CASES, ROUNDS, WARMUP)
const rows = rowsOf(CASES, samples, 'ok')
/**
 * A stronger observer: one who can send a request of known class next to each probe (an envelope
 * they forged from scratch always fails at the commitment) and compares the two. Fraction of
 * groups of `k` rounds where the median of (b - a), paired round by round, is positive, i.e. where
 * "the slower one failed after AES-GCM" is right. 0.5 is a coin toss.
 */
function pairedAccuracy(a, b, k) {
  let right = 0
  let n = 0
  for (let i = 0; i + k <= a.length; i += k, n++) {
    const d = sortedOf(Array.from(b.subarray(i, i + k), (v, j) => v - a[i + j]))
    if (quantile(d, 0.5) > 0) right++
  }
  return { k, paired: true, accuracy: right / n, testGroups: n }
}

const classifiers = []
for (const k of [1, 5, 25]) classifiers.push({ a: 'wrong-key', b: 'wrong-context', ...pairedAccuracy(samples['wrong-key'], samples['wrong-context'], k) })
for (const other of ['wrong-context', 'tampered']) {
  for (const k of [1, 5, 25]) classifiers.push({ a: 'wrong-key', b: other, ...classifier(samples['wrong-key'], samples[other], k) })
}
classifiers.push({ a: 'wrong-context', b: 'tampered', ...classifier(samples['wrong-context'], samples.tampered, 1) })

// The same question with a passphrase at the default policy: the KDF runs before the commitment,
// so both failures carry its cost and its spread.
const KDF_ROUNDS = Number(process.env.BENCH_TIMING_KDF_ROUNDS || 60)
const PW = 'correct horse battery staple, timing'
const pwEnvelope = await ks.sealKey(SECRET_64, PW, { context })
checks.push(check((await ks.openKey(pwEnvelope, PW, { context })) === SECRET_64, 'passphrase: opens to the sealed secret'))
checks.push(check((await code(ks.openKey(pwEnvelope, PW + '!', { context }))) === 'AUTH_FAILED' && (await code(ks.openKey(pwEnvelope, PW, { context: 'user:43/openai' }))) === 'AUTH_FAILED', 'passphrase: wrong passphrase and wrong context are both AUTH_FAILED'))
const PW_CASES = [
  { id: 'pw-ok', label: 'passphrase (PBKDF2 600,000): open succeeds (baseline)', fn: () => ks.openKey(pwEnvelope, PW, { context }) },
  { id: 'pw-wrong-key', label: 'passphrase: wrong passphrase (fails at the key commitment)', fn: () => ks.openKey(pwEnvelope, PW + '!', { context }).catch(() => {}) },
  { id: 'pw-wrong-context', label: 'passphrase: wrong context (fails at AES-GCM)', fn: () => ks.openKey(pwEnvelope, PW, { context: 'user:43/openai' }).catch(() => {}) },
]
const pwSamples = await measure(PW_CASES, KDF_ROUNDS, 3)
const pwRows = rowsOf(PW_CASES, pwSamples, 'pw-ok')
for (const k of [1, 5]) classifiers.push({ a: 'pw-wrong-key', b: 'pw-wrong-context', ...classifier(pwSamples['pw-wrong-key'], pwSamples['pw-wrong-context'], k) })
for (const k of [1, 5]) classifiers.push({ a: 'pw-wrong-key', b: 'pw-wrong-context', ...pairedAccuracy(pwSamples['pw-wrong-key'], pwSamples['pw-wrong-context'], k) })

const us = (ms) => (ms < 10 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(1)} ms`)
log('')
log('case                                                          median     p10–p90                 p99        ratio (medians)')
for (const r of [...rows, ...pwRows]) log(`${r.label.padEnd(62)}${us(r.median).padEnd(11)}${`${us(r.p10)} – ${us(r.p90)}`.padEnd(24)}${us(r.p99).padEnd(11)}${r.ratio.toFixed(3)}x`)
const med = (id) => [...rows, ...pwRows].find((r) => r.id === id).median
const gap = med('wrong-context') - med('wrong-key')
log(`\nmedian gap, wrong context minus wrong key: ${us(gap)} raw key, ${us(med('pw-wrong-context') - med('pw-wrong-key'))} passphrase (one raw failing AES-GCM decrypt: ${us(med('aes-gcm-fail'))})`)
for (const c of classifiers) {
  const how = c.paired ? `paired with a known wrong-key request, median of ${c.k} pair(s)` : `threshold, median of ${c.k} request(s), held-out rounds`
  log(`classifier ${c.a} vs ${c.b}, ${how}: ${c.testGroups ? `${(100 * c.accuracy).toFixed(1)}%` : 'n/a'} (${c.testGroups} ${c.paired ? 'groups' : 'per class'})`)
}

writeScenario({
  scenario: 'timing',
  title: 'Timing of failed opens by cause: wrong key, wrong context, tampered body',
  description: 'openKey of one 64-byte-secret envelope under a raw key (five cases) and under a passphrase at the default policy (three cases), interleaved one operation at a time in shuffled order; each operation timed on its own. Ratios are medians over the successful open of the same key kind in the same process. Analysis: docs/format.md §15.1.',
  env: { ...env0, loadavgEnd: environment().loadavg },
  rounds: ROUNDS,
  warmup: WARMUP,
  kdfRounds: KDF_ROUNDS,
  timing: [...rows, ...pwRows],
  classifiers,
  gapMs: gap,
  passphraseGapMs: med('pw-wrong-context') - med('pw-wrong-key'),
  checks,
  seconds: (performance.now() - started) / 1000,
})
