// `npm run bench`: measures the performance targets in DESIGN.md and prints figures and
// ratios. Nothing here asserts a time: a slow machine prints a slow figure, and the figure is
// what the note reports. Run one part with `npm run bench -- ingest`.
import { BENCHES } from './registry'

async function main(): Promise<void> {
  const only = process.argv.slice(2)
  const chosen = only.length ? BENCHES.filter((b) => only.includes(b.name)) : BENCHES
  if (chosen.length === 0) {
    console.error(`bench: no benchmark named ${only.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`)
    process.exit(2)
  }
  for (const b of chosen) {
    console.log(`\n=== ${b.name}: ${b.description}`)
    await b.run()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
