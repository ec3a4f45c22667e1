// Types for test/spec/reference-adapter-v2.mjs.
import type { Adapter } from './runner.mjs'
export declare function adapter(api: object): Adapter
