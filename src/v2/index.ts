// `@org/keyseal/v2`: format v2 (`ks2.`, docs/format-v2.md) — several recipients per envelope,
// P-256 public keys through HPKE (RFC 9180), an authenticated public label, per-recipient
// rotation — beside the whole v1 API. A separate entry, so that apps and bundles that import only
// `@org/keyseal` never carry v2 code (the v1 bundles do not grow). Both entries share one copy of
// the v1 code (a shared chunk), so key objects, keyrings, policies and KeysealError are the same
// classes whichever entry they come from.
//
// The functions below take both formats and shadow v1's of the same name: sealKey seals v1 for a
// single symmetric key without a label, exactly as v1 does; openKey, openKeyBytes and inspect read
// both; importKey also loads private keys; checkEnvelope checks both; needsRotation, rotateKey, rotateMany
// and rotateStream rotate both.
export * from '../index.js'
export { sealKey, openKey, openKeyBytes, importKey, inspect } from './api.js'
export type { Recipient, OpenKeyInput, SealOptionsV2, RecipientInfo, EnvelopeInfoAny } from './api.js'
export { needsRotation, rotateKey, rotateMany, rotateRecipient, rotateStream } from './rotate.js'
export type { RotationReasons, RotateOptionsV2, RotateManyOptionsV2, RotateRecipientOptions, RotateStreamOptionsV2 } from './rotate.js'
export { checkEnvelope } from './check.js'
export { createKeyring } from './keyring.js'
export type { KeyringEntryV2 } from './keyring.js'
export type { CheckEnvelopeOptionsV2, ExpectedRecipient } from './check.js'
export { generateKeyPair, importPublicKey, KeysealPublicKey, KeysealPrivateKey } from './keys.js'
export type { KeyPairStrings, ImportPublicKeyOptions } from './keys.js'
