import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

/**
 * A small JSON file in the app's data folder (recent cases, identity, remembered passphrases).
 * Written to a temporary file and renamed, so a crash never leaves half a file; a damaged file
 * reads as the fallback rather than stopping the app.
 */
export class JsonStore<T> {
  constructor(
    private readonly file: string,
    private readonly fallback: () => T
  ) {}

  read(): T {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as T
    } catch {
      return this.fallback()
    }
  }

  write(value: T): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 })
    const tmp = `${this.file}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(value, null, 2), { mode: 0o600 })
    renameSync(tmp, this.file)
  }
}
