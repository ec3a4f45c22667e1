// ESM consumer: resolves @org/keyseal and @org/keyseal/argon2id through the package's
// "exports" -> "import".
import * as ks from '@org/keyseal'
import { argon2id } from '@org/keyseal/argon2id'
import { roundTrip } from './round-trip.mjs'

console.log(JSON.stringify(await roundTrip(ks, 'esm', { argon2id })))
