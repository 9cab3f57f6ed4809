// The tests' query engine: the questions of main/evidence/cloudtrail-questions.ts rendered for
// SQLite and run over CloudTrail records, answering rows the way CloudTrail Lake and Athena do.
import Database from 'better-sqlite3-multiple-ciphers'
import { QUESTIONS, type QuestionName, renderQuestion, resultColumns, sqliteDialect } from '../../main/evidence/cloudtrail-questions'

export type Rows = Record<QuestionName, { sql: string; columns: string[]; rows: Array<Array<string | null>> }>

/** Run every question over `records` within `window`: the rows, as strings (as engines return them). */
export function answerWithSqlite(records: readonly unknown[], window: { from: string; to: string }): Rows {
  const db = new Database(':memory:')
  try {
    db.function('regexp_like', { deterministic: true }, (s: unknown, re: unknown) => (s === null ? null : new RegExp(String(re)).test(String(s)) ? 1 : 0))
    db.function('regexp_extract', { deterministic: true }, (s: unknown, re: unknown, g: unknown) =>
      s === null ? null : (new RegExp(String(re)).exec(String(s))?.[Number(g)] ?? null)
    )
    db.exec('CREATE TABLE events (e TEXT NOT NULL)')
    const ins = db.prepare('INSERT INTO events (e) VALUES (?)')
    for (const r of records) ins.run(JSON.stringify(r))
    const out = {} as Rows
    for (const q of QUESTIONS) {
      const sql = renderQuestion(q, sqliteDialect(), window)
      const columns = resultColumns(q)
      const rows = (db.prepare(sql).raw().all() as unknown[][]).map((row) => row.map((v) => (v === null ? null : String(v))))
      out[q.name] = { sql, columns, rows }
    }
    return out
  } finally {
    db.close()
  }
}
