// Types for the case-vector runner (test/spec/runner.mjs).
export interface Adapter {
  name: string
  createPolicy(settings: unknown): unknown
  importKey(material: never, options: never): unknown
  deriveKey(passphrase: never, options: never, random?: Uint8Array): unknown
  createKeyring(entries: never): unknown
  seal(secret: never, key: never, options: never, random?: Uint8Array, ephemeral?: Uint8Array[]): unknown
  openBytes(envelope: never, key: never, options: never): unknown
  openString(envelope: never, key: never, options: never): unknown
  inspect(envelope: never): unknown
  toJSON(envelope: never): unknown
  fromJSON(json: never): unknown
  toBytes(envelope: never): unknown
  fromBytes(bytes: never): unknown
  importPublicKey?(material: never, options: never): unknown
  rotate?(envelope: never, options: never, random?: Uint8Array, ephemeral?: Uint8Array[]): unknown
}
export interface Case {
  id: string
  rule: string
  op: string
  expect: Record<string, unknown>
  [k: string]: unknown
}
export interface VectorSet {
  file: string
  doc: { policies?: Record<string, unknown>; [k: string]: unknown }
  cases: Case[]
}
export declare function data(d: unknown): unknown
export declare function runCase(impl: Adapter, doc: VectorSet['doc'], c: Case): Promise<{ pass: boolean; got: Record<string, unknown> }>
export declare function casesFromFrozen(doc: unknown): Case[]
export declare function loadSets(files: { file: string; frozen?: boolean }[]): VectorSet[]
export declare function runSets(impl: Adapter, sets: VectorSet[], options?: { firstFailure?: boolean }): Promise<{ file: string; id: string; expect: unknown; got: unknown }[]>
