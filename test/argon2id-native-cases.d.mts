// Types for test/argon2id-native-cases.mjs.
export interface DiffCase {
  password: string
  salt: string
  secret?: string
  associatedData?: string
  memory: number
  passes: number
  parallelism: number
  tagLength: number
}
export declare function prng(seed: number): () => number
export declare const SEED: number
export declare const COUNT: number
export declare function randomCases(seed?: number, n?: number): DiffCase[]
export declare const REFERENCE_SCRIPT: string
