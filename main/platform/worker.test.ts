import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { startWorker } from './worker'

describe('startWorker from the sources', () => {
  it('runs a TypeScript worker file and passes workerData', async () => {
    const dir = tempDir()
    const file = join(dir, 'echo.worker.ts')
    writeFileSync(
      file,
      `import { parentPort, workerData } from 'node:worker_threads'\nconst n: number = workerData.n\nparentPort!.postMessage(n * 2)\n`
    )
    const w = startWorker(file, { workerData: { n: 21 } })
    const answer = await new Promise((resolve, reject) => {
      w.once('message', resolve)
      w.once('error', reject)
    })
    expect(answer).toBe(42)
    await w.terminate()
  })
})
