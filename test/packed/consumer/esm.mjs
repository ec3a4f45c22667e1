// ESM consumer: resolves @org/keyseal through the package's "exports" -> "import".
import * as ks from '@org/keyseal'
import { roundTrip } from './round-trip.mjs'

console.log(JSON.stringify(await roundTrip(ks, 'esm')))
