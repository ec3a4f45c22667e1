// The mutant builders every spec-mutation target uses (test/spec/targets/*.mjs, read by
// scripts/spec-mutation.mjs). Not itself a target: the harness loads every file in targets/.

/**
 * Mutant builders for one file: `m` replaces `find` by `replace`; `drop` deletes `find`; `swap`
 * exchanges two adjacent pieces (`first` then `second` becomes `second` then `first`: an order
 * rule; `after`, unchanged, only makes the place unique); `eq` is an equivalent mutant with the
 * reason it breaks nothing observable. `find` must occur exactly once in `file` (the harness checks).
 */
export function mutants(file) {
  const m = (id, rule, find, replace) => ({ id, rule, file, find, replace })
  return {
    m,
    drop: (id, rule, find) => m(id, rule, find, ''),
    swap: (id, rule, first, second, after = '') => m(id, rule, first + second + after, second + first + after),
    eq: (id, rule, find, replace, equivalent) => ({ ...m(id, rule, find, replace), equivalent }),
  }
}
