// Whole-document evidence files (inventories, trails.json, metrics, LookupEvents pages, the IAM
// credential report): small enough to parse in memory (bounded), read tolerantly — these are
// AWS/Azure outputs, and a field one API version lacks must not void the file.
import { BadEvidence } from '../semantics/bad-evidence'
import { jsonErrorPlace } from './json-events'
import type { EvidenceLimits } from '../semantics/limits'
import { openDecoded } from './source-stream'

export async function readDocumentText(abs: string, file: string, limits: EvidenceLimits): Promise<string> {
  const d = await openDecoded(abs, file, limits)
  const parts: Buffer[] = []
  let total = 0
  for await (const c of d.chunks) {
    total += c.length
    if (total > limits.maxDocumentBytes) {
      throw new BadEvidence(file, `byte ${limits.maxDocumentBytes}`, `larger than ${limits.maxDocumentBytes} bytes, the limit for a whole-document file`)
    }
    parts.push(c)
  }
  let text = Buffer.concat(parts).toString('utf8')
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  return text
}

export async function readJsonDocument(abs: string, file: string, limits: EvidenceLimits): Promise<unknown> {
  const text = await readDocumentText(abs, file, limits)
  if (!text.trim()) throw new BadEvidence(file, '', 'the file is empty')
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new BadEvidence(file, jsonErrorPlace(e as Error), `bad JSON (${(e as Error).message})`)
  }
}
