// RFC 6902 JSON patch, applied in memory the way the API server applies `kubectl patch --type=json`:
// operations in order, the whole patch refused (a throw) when one fails, a `test` included. For the
// tests of fixes that render JSON patches: apply the fix, then its rollback, to the evidence's object.

import { readFileSync } from 'node:fs'
import { isDeepStrictEqual } from 'node:util'

type Op = { op: string; path: string; value?: unknown }

const tokens = (path: string): string[] =>
  path === ''
    ? []
    : path
        .slice(1)
        .split('/')
        .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))

function parentOf(doc: unknown, path: string): { parent: Record<string, unknown> | unknown[]; key: string } {
  const t = tokens(path)
  let cur = doc as Record<string, unknown>
  for (const k of t.slice(0, -1)) {
    const next = Array.isArray(cur) ? cur[Number(k)] : cur?.[k]
    if (next === undefined || next === null || typeof next !== 'object') throw new Error(`${path}: ${k} does not exist`)
    cur = next as Record<string, unknown>
  }
  return { parent: cur, key: t[t.length - 1] }
}

export function applyJsonPatch<T>(doc: T, ops: readonly Op[]): T {
  const out = structuredClone(doc)
  for (const o of ops) {
    const { parent, key } = parentOf(out, o.path)
    const arr = Array.isArray(parent)
    const has = arr ? Number(key) < parent.length : Object.prototype.hasOwnProperty.call(parent, key)
    const get = (): unknown => (arr ? (parent as unknown[])[Number(key)] : (parent as Record<string, unknown>)[key])
    switch (o.op) {
      case 'test':
        // RFC 6902 4.6: objects are equal when their members are, whatever their order (the API server compares so)
        if (!has || !isDeepStrictEqual(get(), o.value)) throw new Error(`test failed at ${o.path}: ${JSON.stringify(has ? get() : undefined)} is not ${JSON.stringify(o.value)}`)
        break
      case 'add':
        if (arr) (parent as unknown[]).splice(key === '-' ? parent.length : Number(key), 0, structuredClone(o.value))
        else (parent as Record<string, unknown>)[key] = structuredClone(o.value)
        break
      case 'replace':
        if (!has) throw new Error(`replace: ${o.path} does not exist`)
        if (arr) (parent as unknown[])[Number(key)] = structuredClone(o.value)
        else (parent as Record<string, unknown>)[key] = structuredClone(o.value)
        break
      case 'remove':
        if (!has) throw new Error(`remove: ${o.path} does not exist`)
        if (arr) (parent as unknown[]).splice(Number(key), 1)
        else delete (parent as Record<string, unknown>)[key]
        break
      default:
        throw new Error(`unsupported op ${o.op}`)
    }
  }
  return out
}

/** The JSON patches a fix script runs: `k patch <resource> '<name>' --namespace '<ns>' --type=json --patch '<json>'`. */
export function patchesOf(script: string): Array<{ resource: string; name: string; namespace: string; ops: Op[] }> {
  return [...script.matchAll(/k patch (\S+) '([^']*)' --namespace '([^']*)' --type=json --patch '([^']*)'/g)].map((m) => ({
    resource: m[1],
    name: m[2],
    namespace: m[3],
    ops: JSON.parse(m[4]) as Op[]
  }))
}

/**
 * The object a rendered patch names (`kubectl patch <resource> -n <namespace> <name>`), as the
 * evidence's workloads.json (a `kubectl get -o json` list) holds it; a patch naming no object fails.
 */
export function patchedObject<T = unknown>(workloadsJson: string, resource: string, namespace: string, name: string): T {
  const items = (JSON.parse(readFileSync(workloadsJson, 'utf8')) as { items: Array<{ kind: string; metadata: { name: string; namespace?: string } }> }).items
  const o = items.find((x) => x.kind.toLowerCase() === resource && x.metadata.namespace === namespace && x.metadata.name === name)
  if (!o) throw new Error(`${workloadsJson}: no ${resource} ${namespace}/${name}`)
  return o as T
}
