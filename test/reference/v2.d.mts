// Types for the independent node:crypto reference implementation of format v2 (test/reference/v2.mjs).
type Params = { kdf: 'raw' } | { kdf: 'pbkdf2-sha256'; iterations: number } | { kdf: 'argon2id'; memoryKiB: number; passes: number; lanes: number }
export type RefRecipient =
  | { passphrase: string | Uint8Array; params: Params; salt: Uint8Array; nonce: Uint8Array; keyId?: string; master?: Uint8Array }
  | { raw: Uint8Array; params?: { kdf: 'raw' }; salt: Uint8Array; nonce: Uint8Array; keyId?: string }
  | { publicKey: Uint8Array; ephemeral: Uint8Array; keyId?: string }
export interface RefStanza { kind: number; body: Buffer; bytes: Buffer; unsupported?: true; keyId?: string; v1?: { params: Params; salt: Buffer; keyId: string | undefined; length: number } }
export interface RefParsed { header: Buffer; core: Buffer; salt: Buffer; label: string | undefined; stanzas: RefStanza[]; mac: Buffer; headerWithoutMac: Buffer; payload: Buffer }
export interface RefIntermediates { T: string; payloadKey: string; macKey: string; mac: string; stanzaCommitments: string[] }
export declare const PAYLOAD_INFO: Buffer
export declare const STANZA_DOMAIN: Buffer
export declare const HPKE_INFO: Buffer
export declare const COMMIT_CONTEXT: Buffer
export declare function extract(salt: Uint8Array, ikm: Uint8Array): Buffer
export declare function expand(prk: Uint8Array, info: Uint8Array, L: number): Buffer
export declare function pointOk(p: Uint8Array): boolean
export declare function publicOf(sk: Uint8Array): Buffer
export declare function fileKeys(fk: Uint8Array, salt: Uint8Array): { payloadKey: Buffer; macKey: Buffer }
export declare function parse(s: string): RefParsed
export declare function stanzaAad(core: Uint8Array, payload: Uint8Array): Buffer
export declare function seal(o: { secret: Uint8Array | string; context?: string | Uint8Array; label?: string; fk: Uint8Array; salt: Uint8Array; recipients: RefRecipient[] }): { envelope: string; intermediates: RefIntermediates }
export declare function assemble(o: { core: Uint8Array; stanzas: Uint8Array[]; payload: Uint8Array; fk: Uint8Array; context?: string | Uint8Array; salt: Uint8Array }): string
export declare function open(envelope: string, key: { passphrase: string | Uint8Array } | { raw: Uint8Array; keyId?: string } | { privateKey: Uint8Array; publicKey: Uint8Array; keyId?: string }, context?: string | Uint8Array): { secret: Buffer; fk: Buffer; index: number }
