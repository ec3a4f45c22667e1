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
/** How randomCases draws its cases (see the .mjs). */
export interface CaseShape {
  readonly emptyFirstPassword: boolean
  readonly memory: (int: (lo: number, hi: number) => number, rnd: () => number, parallelism: number) => number
  readonly lastMemory: number
}
export declare const NATIVE: CaseShape
export declare const WASM: CaseShape
export declare function randomCases(seed?: number, n?: number, shape?: CaseShape): DiffCase[]
export declare const REFERENCE_SCRIPT: string
