// A reader of the keyseal v2 header, written from docs/format-v2.md §4-§5 alone (not from the
// library), so the tests can check byte for byte which stanza a password change or a server key
// rotation touched: envelope = "ks2." base64url(header) "." base64url(payload);
// header = version(1) salt(16) label_len(1) label count(1) { kind(1) body_len(2, BE) body }* mac(32).
export function stanzas(envelope) {
  const [prefix, h] = envelope.split('.')
  if (prefix !== 'ks2') throw new Error('not a ks2 envelope')
  const b = Buffer.from(h, 'base64url')
  if (b[0] !== 2) throw new Error('not version 2')
  let i = 17
  const labelLen = b[i++]
  const label = b.subarray(i, i + labelLen).toString('utf8')
  i += labelLen
  const count = b[i++]
  const out = []
  for (let n = 0; n < count; n++) {
    const kind = b[i]
    const len = b.readUInt16BE(i + 1)
    const body = b.subarray(i + 3, i + 3 + len)
    out.push({ kind: kind === 1 ? 'symmetric' : kind === 2 ? 'p256' : `kind-${kind}`, body: body.toString('hex'), keyId: kind === 2 ? body.subarray(1, 1 + body[0]).toString('latin1') : undefined })
    i += 3 + len
  }
  return { label, stanzas: out, payload: envelope.split('.')[2] }
}
