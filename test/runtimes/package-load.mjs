// Loads keyseal the way an application does: bare `import` of `@org/keyseal`, `@org/keyseal/v2` and
// `@org/keyseal/argon2id`, resolved by the running runtime (Node, Deno or Bun) through the installed
// package's package.json `exports` with that runtime's own conditions. This file does not work
// where it sits: the driver (scripts/runtimes/runtimes.mjs) copies it into the temporary consumer
// that installed the packed tarball (test/packed/check.mjs), and the entry points import it there.
// `resolved` names the file each specifier resolved to, so the driver can check which build ran.
import * as ks from '@org/keyseal'
import * as a2 from '@org/keyseal/argon2id'
import * as v2 from '@org/keyseal/v2'

export { ks, a2, v2 }
export const resolved = { '@org/keyseal': import.meta.resolve('@org/keyseal'), '@org/keyseal/argon2id': import.meta.resolve('@org/keyseal/argon2id'), '@org/keyseal/v2': import.meta.resolve('@org/keyseal/v2') }
