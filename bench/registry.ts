import { cloudTrailBench } from './cloudtrail'
import { ingestBench } from './ingest'
import { investigateBench } from './investigate'
import { pagesBench } from './pages'
import { pdfBench } from './pdf'
import { uiFindingsBench } from './ui-findings'

export interface Bench {
  name: string
  description: string
  run(): Promise<void>
}

// One line a benchmark; each lives in its own file beside this one.
export const BENCHES: Bench[] = [pdfBench, ingestBench, cloudTrailBench, uiFindingsBench, pagesBench, investigateBench]
