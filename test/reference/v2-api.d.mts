// Types for the API-level half of the independent v2 reference (test/reference/v2-api.mjs). The
// functions it shares with the v1 half (test/reference/api.mjs) take and return the same types.
export { setRandom, createPolicy, importKey, deriveKey, createKeyring, seal, openBytes, openString, inspect } from './api.mjs'
export declare function setEphemeral(fn: (() => Uint8Array) | undefined): void
export declare function setArgon2(fn: ((alg: string, o: object) => Uint8Array) | undefined): void
export declare function importPublicKey(material: unknown, options?: unknown): object
export declare function rotate(envelope: unknown, options?: unknown): string
