// Types for the independent node:crypto reference implementation (test/reference/reference.mjs).
type Params =
  | { kdf: 'raw' }
  | { kdf: 'pbkdf2-sha256'; iterations: number }
  | { kdf: 'argon2id'; memoryKiB: number; passes: number; lanes: number }
type Key = { raw: Uint8Array } | { passphrase: string | Uint8Array } | { bytes: Uint8Array } | Record<string, never>
export interface RefHeader {
  params: Params
  salt: Buffer
  keyId: string | undefined
  nonce: Buffer
  commitment: Buffer
  length: number
}
export declare const INFO: Buffer
export declare class RefError extends Error {
  code: string
}
export declare function b64d(s: string): Buffer
export declare function b64e(b: Uint8Array): string
export declare function parseHeader(buf: Buffer): RefHeader
export declare function encodeHeader(h: { params: Params; salt: Uint8Array; keyId?: string | undefined; nonce: Uint8Array; commitment: Uint8Array }): Buffer
export declare function parseString(s: string): RefHeader & { headerBytes: Buffer; body: Buffer }
export declare function passphraseBytes(p: string | Uint8Array): Buffer
export declare function masterKey(params: Params, key: Key, salt: Uint8Array): Buffer
export declare function schedule(M: Uint8Array, salt: Uint8Array): { K: Buffer; C: Buffer }
export declare function sealWith(o: {
  params: Params
  key: Key
  salt: Uint8Array
  nonce: Uint8Array
  keyId?: string | undefined
  context?: string | Uint8Array | undefined
  secret: Uint8Array
  master?: Uint8Array
}): string
export declare function open(envelope: string, key: Key, context?: string | Uint8Array, master?: Uint8Array): Buffer
export declare function setArgon2(fn: ((alg: string, o: object) => Uint8Array) | undefined): void
