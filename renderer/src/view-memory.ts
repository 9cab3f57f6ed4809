// What a view looked like when the user left it (filters, sort, scroll), so that coming back
// from a finding to the table finds it as it was. Kept in memory for the open case only: the
// shell forgets it when the case changes.
const views = new Map<string, unknown>()

export function recall<T>(key: string): T | undefined {
  return views.get(key) as T | undefined
}

export function remember<T>(key: string, value: T): void {
  views.set(key, value)
}

export function forgetViews(): void {
  views.clear()
}
