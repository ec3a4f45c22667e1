// CommonJS consumer: resolves @org/keyseal through the package's "exports" -> "require".
const ks = require('@org/keyseal')

import('./round-trip.mjs')
  .then(({ roundTrip }) => roundTrip(ks, 'cjs'))
  .then((result) => console.log(JSON.stringify(result)))
