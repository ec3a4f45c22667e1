// Types for test/spec/reference-adapter.mjs.
import type { Adapter } from './runner.mjs'
export declare function adapter(api: object): Adapter
