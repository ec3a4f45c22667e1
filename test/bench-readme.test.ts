// README.md's speed tables are generated from bench/results/latest.json (`node bench/run.mjs
// --report --readme`) and never typed by hand: the text between the bench markers must be exactly
// what the generator renders from the committed results, so a hand edit, or a section the
// generator would drop on the next run, fails here.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain JavaScript module of the bench harness, without declarations.
import { renderMarkdown } from '../bench/lib/report.mjs'

const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8')

describe('README speed tables', () => {
  it('are exactly what bench/run.mjs renders from bench/results/latest.json', () => {
    const readme = read('README.md')
    const start = '<!-- bench:start -->'
    const end = '<!-- bench:end -->'
    const a = readme.indexOf(start)
    const b = readme.indexOf(end)
    expect(a).toBeGreaterThan(0)
    expect(b).toBeGreaterThan(a)
    const latest = JSON.parse(read('bench/results/latest.json')) as { scenarios: Record<string, unknown> }
    expect(Object.keys(latest.scenarios).length).toBeGreaterThanOrEqual(8)
    expect(readme.slice(a + start.length, b)).toBe('\n' + (renderMarkdown as (l: unknown, o: { compact: boolean }) => string)(latest, { compact: true }))
  })
})
