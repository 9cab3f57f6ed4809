// What the readers produce before anything is stored: timeline event drafts, kept bounded per
// resource. A draft names its file by its path in the bundle; the store turns that into the
// evidence file's id.

export interface TimelineDraft {
  /** epoch seconds */
  time: number
  source: string
  actor: string
  action: string
  /** canonical resource id (or a key the bundle merge resolves, see resolve.ts) */
  resource: string
  summary: string
  /** path of the evidence file inside the bundle */
  file: string
  /** where in the file: `record 12`, `line 40`, `event 3` */
  place: string
  /** the record itself, verbatim, for events worth re-reading (bounded by the record limit) */
  raw: string | null
}

/**
 * Keeps at most `cap` drafts per resource and source: the most recent ones, because a safety
 * decision turns on recent use; the number left out is counted and reported as a note. Raw
 * records are kept up to a byte budget (the file and place still lead to the record: files up to
 * the stored-file limit are kept whole in the case).
 */
export class DraftBucket {
  readonly byKey = new Map<string, TimelineDraft[]>()
  readonly dropped = new Map<string, number>()
  private readonly slack: number
  /** bytes of raw records held; past the budget, new drafts keep their file and place only */
  private rawBytes = 0
  constructor(
    readonly cap: number,
    readonly rawBudget = 32 * 1024 * 1024
  ) {
    this.slack = Math.max(16, Math.ceil(cap / 8))
  }

  add(d: TimelineDraft): void {
    if (d.raw !== null) {
      if (this.rawBytes + d.raw.length > this.rawBudget) d = { ...d, raw: null }
      else this.rawBytes += d.raw.length
    }
    const key = `${d.source}\n${d.resource}`
    let list = this.byKey.get(key)
    if (!list) this.byKey.set(key, (list = []))
    list.push(d)
    // Trim in small batches: sorting on every add would be quadratic, and waiting for 2 × cap
    // would double the memory the cap is there to bound (each draft may hold its raw record).
    if (list.length >= this.cap + this.slack) this.trim(key, list)
  }

  private trim(key: string, list: TimelineDraft[]): void {
    if (list.length <= this.cap) return
    list.sort((a, b) => b.time - a.time)
    const extra = list.length - this.cap
    for (let i = this.cap; i < list.length; i++) this.rawBytes -= list[i].raw?.length ?? 0
    list.length = this.cap
    this.dropped.set(key, (this.dropped.get(key) ?? 0) + extra)
  }

  addAll(other: { byKey: Map<string, TimelineDraft[]>; dropped: Map<string, number> }): void {
    for (const [, list] of other.byKey) for (const d of list) this.add(d)
    for (const [k, n] of other.dropped) this.dropped.set(k, (this.dropped.get(k) ?? 0) + n)
  }

  all(): TimelineDraft[] {
    const out: TimelineDraft[] = []
    for (const [key, list] of this.byKey) {
      this.trim(key, list)
      out.push(...list)
    }
    return out
  }
}
