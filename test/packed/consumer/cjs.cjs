// CommonJS consumer: resolves @org/keyseal and @org/keyseal/argon2id through the package's
// "exports" -> "require".
const ks = require('@org/keyseal')
const a2 = require('@org/keyseal/argon2id')

import('./round-trip.mjs')
  .then(({ roundTrip }) => roundTrip(ks, 'cjs', a2))
  .then((result) => console.log(JSON.stringify(result)))
