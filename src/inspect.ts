// Node's util.inspect and Deno's console.log look for these symbols. They are set per object in the
// constructor rather than as computed class members, because a class body with computed keys
// counts as a side effect for bundlers and would keep every key class in every bundle.

/**
 * @internal The end of the KeysealKey and Keyring constructors: make Node's and Deno's inspectors
 * print `String(target)` (redacted) instead of its fields, then freeze it.
 */
export function redactAndFreeze(target: object): void {
  // A null-prototype descriptor: a polluted Object.prototype.get or .set would otherwise make
  // defineProperty read an accessor descriptor and throw (issue 11).
  const show = Object.assign(Object.create(null) as PropertyDescriptor, { value: () => String(target) })
  Object.defineProperty(target, Symbol.for('nodejs.util.inspect.custom'), show)
  Object.defineProperty(target, Symbol.for('Deno.customInspect'), show)
  Object.freeze(target)
}
