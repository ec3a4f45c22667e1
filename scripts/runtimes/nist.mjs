// NIST CAVP AES-256-GCM vectors for the conformance suite. Browsers and workerd cannot read files,
// so the driver reads the repository's copies here (vectors/nist-cavp/*.rsp.gz, decompressed and
// checked against vectors/manifest.json by readVector), and passes a deterministic sample into
// every runtime as data:
//   every 96-bit-IV case with a 128-bit tag (the only tag length keyseal uses), plus the first
//   case (Count = 0) of every other 96-bit-IV parameter block (tags of 32..120 bits).
import { readVector } from '../fetch-vectors.mjs'

const FILES = { encrypt: 'nist-cavp/gcmEncryptExtIV256.rsp', decrypt: 'nist-cavp/gcmDecrypt256.rsp' }

/** Parse a GCMVS .rsp file into cases carrying their block parameters. */
export function parseRsp(text) {
  const cases = []
  let params = {}
  let current = null
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trim()
    if (line === '' || line.startsWith('#')) {
      if (current) cases.push(current)
      current = null
      continue
    }
    const block = /^\[(\w+) = (\d+)\]$/.exec(line)
    if (block) {
      params = { ...params, [block[1]]: Number(block[2]) }
      continue
    }
    if (line === 'FAIL') {
      current.fail = true
      continue
    }
    const kv = /^(\w+) = ?(.*)$/.exec(line)
    if (!kv) throw new Error(`unparsed .rsp line: ${line}`)
    if (kv[1] === 'Count') {
      if (current) cases.push(current)
      current = { ...params, Count: Number(kv[2]) }
    } else {
      current[kv[1]] = kv[2]
    }
  }
  if (current) cases.push(current)
  return cases
}

function sample(cases, kind) {
  return cases
    .filter((c) => c.IVlen === 96 && (c.Taglen === 128 || c.Count === 0))
    .map((c) => ({
      id: `${kind} PT${c.PTlen}/AAD${c.AADlen}/Tag${c.Taglen}#${c.Count}`,
      key: c.Key,
      iv: c.IV,
      pt: c.PT ?? '',
      aad: c.AAD,
      ct: c.CT,
      tag: c.Tag,
      ...(c.fail ? { fail: true } : {}),
    }))
}

/** The sample, or null (with the reason) when the repository's copies cannot be read or verified. */
export function loadNistSample(_root) {
  const out = {}
  try {
    for (const [kind, path] of Object.entries(FILES)) out[kind] = sample(parseRsp(Buffer.from(readVector(path)).toString('latin1')), kind)
  } catch (error) {
    return { nist: null, reason: String(error?.message ?? error) }
  }
  return { nist: out, source: 'vectors/nist-cavp' }
}
