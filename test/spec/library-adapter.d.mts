// Types for test/spec/library-adapter.mjs.
import type { Adapter } from './runner.mjs'

export declare function p256BaseMul(d: bigint): { x: bigint; y: bigint }
export declare function withRandom<T>(random: Uint8Array | undefined, ephemeral: Uint8Array[] | undefined, f: () => Promise<T>): Promise<T>
export declare function baseAdapter(m: unknown, argon2id: unknown, name?: string): Omit<Adapter, 'toJSON' | 'fromJSON' | 'toBytes' | 'fromBytes'>
export declare function libraryAdapter(m: unknown, argon2id: unknown, version: 'v1' | 'v2', name?: string): Adapter
