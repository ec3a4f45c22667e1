// Public exports only (STYLE.md). Importing this module has no side effects and reads no globals.
export { sealKey, openKey, openKeyBytes } from './seal.js'
export type { KeyInput, SealOptions, OpenOptions } from './seal.js'
export { deriveKey, generateKey, importKey, KeysealKey } from './keys.js'
export { DERIVED_KEY_SEAL_LIMIT, SECRET_MAX } from './constants.js'
export type { DeriveKeyOptions, ImportKeyOptions, KeysealKeyKind } from './keys.js'
export { inspect, envelopeToJSON, envelopeFromJSON, envelopeToBytes, envelopeFromBytes } from './forms.js'
export type { EnvelopeInfo, EnvelopeJSON } from './forms.js'
export type { KdfParams } from './envelope.js'

export { createPolicy, defaultPolicy } from './policy.js'
export type { KeysealPolicy, KeysealPolicyOptions, Pbkdf2Policy, Argon2idPolicy, Argon2idImplementation } from './policy.js'
export { KeysealError, isKeysealError } from './errors.js'
export type { KeysealErrorCode } from './errors.js'
export { createKeyring, Keyring } from './keyring.js'
export { setKdfLimits } from './kdf/limit.js'
export type { KdfLimits } from './kdf/limit.js'
export type { KeyringEntry } from './keyring.js'
export { needsRotation, rotateKey, rotateMany } from './rotate.js'
export type {
  RotationReason,
  RotationCheck,
  RotateOptions,
  RotateResult,
  RotateResultRotated,
  RotateResultUnchanged,
  RotateItem,
  RotateItemId,
  RotateItemIdField,
  RotateItemResult,
  RotateItemOk,
  RotateItemSkipped,
  RotateItemFailed,
  RotateProgress,
  RotateManyOptions,
} from './rotate.js'
export { rotateStream, checkEnvelope } from './stream.js'
export type { RotateStreamOptions, RotateStreamResult, StreamResultBase, RotationKdf, CheckEnvelopeOptions } from './stream.js'
