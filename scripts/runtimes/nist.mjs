// NIST CAVP AES-256-GCM vectors for the conformance suite. Browsers and workerd cannot read files,
// so the driver reads the .rsp originals here, checks their SHA-256 against vectors/manifest.json,
// and passes a deterministic sample into every runtime as data:
//   every 96-bit-IV case with a 128-bit tag (the only tag length keyseal uses), plus the first
//   case (Count = 0) of every other 96-bit-IV parameter block (tags of 32..120 bits).
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const FILES = { encrypt: 'nist-cavp/gcmEncryptExtIV256.rsp', decrypt: 'nist-cavp/gcmDecrypt256.rsp' }

/** Where the shared vectors live: $KEYSEAL_VECTORS_DIR, ../shared/vectors, or .vectors-cache/. */
export function vectorsDir(root) {
  const candidates = [process.env.KEYSEAL_VECTORS_DIR, resolve(root, '../shared/vectors'), resolve(root, '.vectors-cache')]
  for (const dir of candidates) if (dir && existsSync(join(dir, FILES.encrypt))) return dir
  return null
}

function expectedSha256(root, path) {
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'vectors/manifest.json'), 'utf8'))
    return manifest.files.find((f) => f.path === path)?.sha256 ?? null
  } catch {
    return null
  }
}

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

/** The sample, or null (with the reason) when the files are not available. */
export function loadNistSample(root) {
  const dir = vectorsDir(root)
  if (!dir) return { nist: null, reason: 'NIST .rsp files not found (../shared/vectors, $KEYSEAL_VECTORS_DIR, .vectors-cache)' }
  const out = {}
  for (const [kind, path] of Object.entries(FILES)) {
    const bytes = readFileSync(join(dir, path))
    const want = expectedSha256(root, path)
    const got = createHash('sha256').update(bytes).digest('hex')
    if (want && want !== got) throw new Error(`${path}: sha256 ${got} does not match vectors/manifest.json (${want})`)
    out[kind] = sample(parseRsp(bytes.toString('latin1')), kind)
  }
  return { nist: out, source: dir }
}
