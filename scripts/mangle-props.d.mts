// Types for scripts/mangle-props.mjs.
export declare const MANGLED_PROPS: readonly string[]
export declare const MANGLE_PROPS_RE: RegExp
