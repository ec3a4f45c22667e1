// Types for the API-level half of the independent reference (test/reference/api.mjs).
export declare function setRandom(fn: ((n: number) => Uint8Array) | undefined): void
export declare function createPolicy(options?: unknown): object
export declare const defaultPolicy: object
export declare function importKey(material: unknown, options?: unknown): object
export declare function deriveKey(passphrase: unknown, options?: unknown): object
export declare function createKeyring(entries: unknown): object
export declare function seal(secret: unknown, key: unknown, options?: unknown): string
export declare function openBytes(envelope: unknown, key: unknown, options?: unknown): Buffer
export declare function openString(envelope: unknown, key: unknown, options?: unknown): string
export declare function inspect(envelope: unknown): Record<string, unknown>
export declare function toJSON(envelope: unknown): Record<string, unknown>
export declare function fromJSON(json: unknown): string
export declare function toBytes(envelope: unknown): Uint8Array
export declare function fromBytes(bytes: unknown): string
