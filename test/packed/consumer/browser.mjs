// Browser consumer, bundled with esbuild (platform 'browser') from the installed tarball.
import * as ks from '@org/keyseal'
import { roundTrip } from './round-trip.mjs'

const post = (body) => fetch('/__result', { method: 'POST', body: JSON.stringify(body) })
roundTrip(ks, 'browser bundle').then(post, (error) => post({ crash: String(error) }))
