// Types for the API-level half of the independent v2 reference (test/reference/v2-api.mjs).
export declare function setRandom(fn: ((n: number) => Uint8Array) | undefined): void
export declare function setEphemeral(fn: (() => Uint8Array) | undefined): void
export declare function setArgon2(fn: ((alg: string, o: object) => Uint8Array) | undefined): void
export declare function createPolicy(options?: unknown): object
export declare function importKey(material: unknown, options?: unknown): object
export declare function importPublicKey(material: unknown, options?: unknown): object
export declare function deriveKey(passphrase: unknown, options?: unknown): object
export declare function createKeyring(entries: unknown): object
export declare function seal(secret: unknown, key: unknown, options?: unknown): string
export declare function openBytes(envelope: unknown, key: unknown, options?: unknown): Buffer
export declare function openString(envelope: unknown, key: unknown, options?: unknown): string
export declare function inspect(envelope: unknown): Record<string, unknown>
export declare function rotate(envelope: unknown, options?: unknown): string
