// Type-level tests (issue 12), type-checked by test/docs.test.ts against the PACKED package under
// strict + exactOptionalPropertyTypes, moduleResolution bundler and node16. Never run: each
// `@ts-expect-error` must be an error and every other line must compile, so a type that loosens
// (or tightens) fails the docs test.
import {
  createKeyring,
  createPolicy,
  deriveKey,
  importKey,
  needsRotation,
  openKey,
  openKeyBytes,
  rotateKey,
  rotateMany,
  sealKey,
  type KeysealErrorCode,
  type RotateItemResult,
  type RotateResult,
} from '@org/keyseal'
import { importPublicKey, rotateStream as rotateStreamV2, type RotateStreamOptionsV2 } from '@org/keyseal/v2'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const assertType = <T extends true>(_: T): void => {}

declare const passphrase: string
declare const maybeContext: string | undefined
declare const maybeKeyId: string | undefined
declare const maybeSignal: AbortSignal | undefined

export async function rotationResultsNarrowByStatus(): Promise<void> {
  const rows = [
    { id: 'openai', context: 'user:42/openai', envelope: 'ks1.x' },
    { id: 'anthropic', context: 'user:42/anthropic', envelope: 'ks1.y' },
  ]
  const results = await rotateMany(rows, { from: passphrase, to: 'new passphrase' })
  const r = results[0]!
  // The row type flows through: `id` is the rows' `string`, required because every row has one.
  assertType<Equal<typeof r.id, string>>(true)
  // @ts-expect-error before narrowing, envelope may be absent (a failed item has none)
  const early: string = r.envelope
  void early
  if (r.status === 'ok' || r.status === 'skipped') {
    const envelope: string = r.envelope
    assertType<Equal<typeof r.reasons, readonly import('@org/keyseal').RotationReason[]>>(true)
    await openKey(envelope, 'new passphrase', { context: rows[0]!.context })
  } else {
    assertType<Equal<typeof r.status, 'failed'>>(true)
    const code: KeysealErrorCode = r.code
    void code
    // @ts-expect-error a failed item has no envelope
    const none: string = r.envelope
    void none
  }
  switch (r.status) {
    case 'ok':
    case 'skipped':
    case 'failed':
      break
    default: {
      // Exhaustive: no other status exists.
      const never: never = r
      void never
    }
  }
}

export async function itemsWithoutIdsHaveNone(): Promise<void> {
  const results = await rotateMany(['ks1.a', 'ks1.b'], { from: passphrase, to: 'new passphrase', context: 'user:1/x' })
  const r = results[0]!
  // @ts-expect-error plain-string items have no id
  const id: string = r.id
  void id
  // Mixed rows: the id is optional and has the union of the ids' types.
  const mixed = await rotateMany<string | { envelope: string; id: number }>(['ks1.a', { envelope: 'ks1.b', id: 7 }], { from: passphrase, to: passphrase })
  const m = mixed[1]!
  assertType<Equal<typeof m.id, number | undefined>>(true)
  // The default (no type argument) keeps the old `unknown` id.
  const loose: RotateItemResult[] = mixed
  void loose
}

export async function progressIsTypedToo(): Promise<void> {
  await rotateMany([{ id: 1n, envelope: 'ks1.z' }], {
    from: passphrase,
    to: passphrase,
    onProgress: ({ item }) => {
      assertType<Equal<typeof item.id, bigint>>(true)
      if (item.status === 'failed') {
        const code: KeysealErrorCode = item.code
        void code
      }
    },
  })
}

export async function rotateKeyNarrowsOnRotated(): Promise<void> {
  const res: RotateResult = await rotateKey('ks1.x', { from: passphrase, to: 'new' })
  const envelope: string = res.envelope // always present
  void envelope
  if (res.rotated) {
    assertType<Equal<typeof res.rotated, true>>(true)
  } else {
    assertType<Equal<typeof res.rotated, false>>(true)
  }
}

export async function optionsTakeAnExplicitUndefined(): Promise<void> {
  // exactOptionalPropertyTypes: `{ context: undefined }` is accepted wherever the runtime treats it
  // as "not given" (test/api.test.ts checks the runtime side).
  const policy = createPolicy({ kdf: undefined, pbkdf2: { iterations: undefined, minIterations: undefined }, argon2id: undefined })
  const e = await sealKey('sk-x', passphrase, { context: maybeContext, policy: undefined, keyId: maybeKeyId })
  await openKey(e, passphrase, { context: maybeContext, policy: undefined })
  await openKeyBytes(e, passphrase, { context: undefined, policy })
  await deriveKey(passphrase, { policy: undefined, keyId: undefined, envelope: undefined })
  await importKey('ksk1.x', { keyId: maybeKeyId })
  createKeyring([{ id: 'a', key: passphrase, primary: undefined, disabled: undefined }])
  needsRotation(e, { policy: undefined, keyring: undefined, sealedAt: undefined, maxAgeMs: undefined, now: undefined })
  await rotateKey(e, { from: passphrase, to: passphrase, context: maybeContext, policy: undefined })
  await rotateMany([e], { from: passphrase, to: passphrase, context: undefined, policy: undefined, concurrency: undefined, onProgress: undefined, signal: maybeSignal })
  // @ts-expect-error a required option is still required
  await rotateKey(e, { from: passphrase, to: undefined })
}

export async function v2StreamTakesRecipientsAndNarrows(): Promise<void> {
  const server = await importPublicKey('kspk1.x')
  const options: RotateStreamOptionsV2 = { from: passphrase, to: [passphrase, server], concurrency: 2, signal: new AbortController().signal }
  for await (const r of rotateStreamV2(['ks2.a', { envelope: 'ks1.b', context: 'c', id: 1 }], options)) {
    if (r.status === 'failed') assertType<Equal<typeof r.code, KeysealErrorCode>>(true)
    else assertType<Equal<typeof r.envelope | typeof r.previous, string>>(true)
  }
  rotateStreamV2([], { from: passphrase, to: server, add: [server] })
  // @ts-expect-error `kdf` is v1's rotateStream only (from '@org/keyseal')
  rotateStreamV2([], { from: passphrase, to: passphrase, kdf: 'keep' })
  // @ts-expect-error `onProgress` is rotateMany's
  rotateStreamV2([], { from: passphrase, to: passphrase, onProgress: () => {} })
}
