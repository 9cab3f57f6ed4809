import { describe, expect, it } from 'vitest'
import { containerUsage, cpuQuantity, memoryQuantity, parseCapacity, parseQuantity, parseRangeQuery, parseStatsSummary, podOf } from './kubernetes-usage'

const matrix = (result: unknown[]): string => JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } })

describe('Kubernetes quantities', () => {
  it('reads what kubectl writes: millicores, binary and decimal suffixes, exponents', () => {
    expect(parseQuantity('250m')).toBeCloseTo(0.25)
    expect(parseQuantity('2')).toBe(2)
    expect(parseQuantity('1.5')).toBe(1.5)
    expect(parseQuantity('13905144Ki')).toBe(13905144 * 1024)
    expect(parseQuantity('512Mi')).toBe(512 * 2 ** 20)
    expect(parseQuantity('1G')).toBe(1e9)
    expect(parseQuantity('1e3')).toBe(1000)
    expect(parseQuantity(4)).toBe(4)
    expect(parseQuantity('12 cores')).toBeNull()
    expect(parseQuantity('Mi')).toBeNull()
  })
  it('writes requests and limits rounded up, never to nothing', () => {
    expect(cpuQuantity(0.2431)).toBe('250m')
    expect(cpuQuantity(0.25)).toBe('250m')
    expect(cpuQuantity(0.0001)).toBe('10m')
    expect(memoryQuantity(300 * 2 ** 20 + 1)).toBe('301Mi')
    expect(memoryQuantity(1024)).toBe('16Mi')
    // the canonical form the API server stores and gives back
    expect(cpuQuantity(1.999)).toBe('2')
    expect(memoryQuantity(2 ** 30)).toBe('1Gi')
    expect(memoryQuantity(1536 * 2 ** 20)).toBe('1536Mi')
  })
})

describe('Prometheus range-query answers', () => {
  it('reads each series with its labels, leaving NaN samples out', () => {
    const r = parseRangeQuery(
      matrix([
        {
          metric: { namespace: 'shop', pod: 'api-7d9f8c6b5d-x2x9q', container: 'api' },
          values: [
            [1763596800, '0.25'],
            [1763600400, 'NaN']
          ]
        }
      ]),
      'kubernetes/c/metrics/cpu.json'
    )
    expect(r).toEqual({
      ok: true,
      value: [{ namespace: 'shop', pod: 'api-7d9f8c6b5d-x2x9q', container: 'api', place: 'data.result.0', samples: [[1763596800, 0.25]] }]
    })
  })
  it('refuses a failed query, an instant query and a series summed over its containers, naming the file and place', () => {
    expect(parseRangeQuery(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'exceeded maximum resolution of 11,000 points per timeseries' }), 'm/cpu.json')).toEqual(
      {
        ok: false,
        why: 'm/cpu.json: the query failed (bad_data: exceeded maximum resolution of 11,000 points per timeseries); export it again'
      }
    )
    const vector = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } })
    expect(parseRangeQuery(vector, 'm/cpu.json')).toMatchObject({ ok: false, why: expect.stringContaining('m/cpu.json: data.resultType: not the answer of /api/v1/query_range') })
    const summed = matrix([{ metric: { namespace: 'shop', pod: 'api-1' }, values: [] }])
    expect(parseRangeQuery(summed, 'm/memory.json')).toMatchObject({ ok: false, why: expect.stringContaining('m/memory.json: data.result.0.metric: no container label') })
    expect(parseRangeQuery('{"status": "success",', 'm/cpu.json')).toMatchObject({ ok: false, why: expect.stringMatching(/^m\/cpu\.json: line 1 column/) })
  })
})

describe('nodes, quotas and limit ranges', () => {
  it('reads allocatable CPU and memory, cordons and taints, quotas and container limit ranges', () => {
    const list = {
      kind: 'List',
      items: [
        { kind: 'Node', metadata: { name: 'n1' }, status: { allocatable: { cpu: '1930m', memory: '13905144Ki', pods: '110' } } },
        { kind: 'Node', metadata: { name: 'n2' }, spec: { unschedulable: true }, status: { allocatable: { cpu: '4', memory: '16Gi' } } },
        { kind: 'Node', metadata: { name: 'gpu' }, spec: { taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] }, status: { allocatable: { cpu: '8', memory: '32Gi' } } },
        {
          kind: 'ResourceQuota',
          metadata: { name: 'q', namespace: 'shop' },
          spec: { hard: { 'requests.cpu': '4' } },
          status: { hard: { 'requests.cpu': '4' }, used: { 'requests.cpu': '3500m' } }
        },
        { kind: 'LimitRange', metadata: { name: 'lr', namespace: 'shop' }, spec: { limits: [{ type: 'Container', max: { memory: '1Gi' }, default: { cpu: '500m' } }] } }
      ]
    }
    const r = parseCapacity(JSON.stringify(list), 'kubernetes/c/capacity.json')
    if (!r.ok) throw new Error(r.why)
    expect(r.value.nodes).toEqual([
      { name: 'n1', cpu: 1.93, memory: 13905144 * 1024, restricted: null },
      { name: 'n2', cpu: 4, memory: 16 * 2 ** 30, restricted: 'cordoned (unschedulable)' },
      { name: 'gpu', cpu: 8, memory: 32 * 2 ** 30, restricted: 'tainted nvidia.com/gpu:NoSchedule' }
    ])
    expect(r.value.quotas).toEqual([{ namespace: 'shop', name: 'q', hard: { 'requests.cpu': 4 }, used: { 'requests.cpu': 3.5 } }])
    expect(r.value.limitRanges).toEqual([{ namespace: 'shop', name: 'lr', max: { cpu: null, memory: 2 ** 30 }, defaults: { cpu: 0.5, memory: null } }])
  })
  it('refuses another kind and a node without allocatable memory', () => {
    expect(parseCapacity(JSON.stringify({ kind: 'List', items: [{ kind: 'Pod', metadata: { name: 'p' } }] }), 'cap.json')).toMatchObject({
      ok: false,
      why: expect.stringContaining('cap.json: items.0')
    })
    expect(parseCapacity(JSON.stringify({ kind: 'List', items: [{ kind: 'Node', metadata: { name: 'n' }, status: { allocatable: { cpu: '2' } } }] }), 'cap.json')).toEqual({
      ok: false,
      why: 'cap.json: items.0.status.allocatable: no cpu or memory quantity Kubernetes writes (Node n)'
    })
  })
})

describe('a container’s use', () => {
  it('knows the pods of each kind of controller by their names', () => {
    expect(podOf('Deployment', 'api', 'api-7d9f8c6b5d-x2x9q')).toBe(true)
    expect(podOf('Deployment', 'api', 'api-v2-7d9f8c6b5d-x2x9q')).toBe(false)
    expect(podOf('StatefulSet', 'vault', 'vault-0')).toBe(true)
    expect(podOf('StatefulSet', 'vault', 'vault-agent-0')).toBe(false)
    expect(podOf('DaemonSet', 'probe', 'probe-m0u2t')).toBe(true)
    expect(podOf('CronJob', 'report', 'report-29410560-abcde')).toBe(true)
  })
  it('pools every pod’s samples in the window: the days they cover, the 95th percentile and the peak', () => {
    const day = 86400
    const t0 = Date.parse('2026-11-01T00:00:00Z') / 1000
    const series = [
      { namespace: 'shop', pod: 'api-7d9f8c6b5d-aaaaa', container: 'api', place: 'r0', samples: Array.from({ length: 10 }, (_, i) => [t0 + i * 3600, 0.1] as [number, number]) },
      { namespace: 'shop', pod: 'api-7d9f8c6b5d-bbbbb', container: 'api', place: 'r1', samples: [[t0 + day, 0.9] as [number, number], [t0 - day, 5] as [number, number]] },
      { namespace: 'shop', pod: 'api-7d9f8c6b5d-bbbbb', container: 'sidecar', place: 'r2', samples: [[t0, 3] as [number, number]] }
    ]
    const u = containerUsage(series, { kind: 'Deployment', namespace: 'shop', name: 'api' }, 'api', { from: '2026-11-01T00:00:00Z', to: '2026-11-03T00:00:00Z' })
    expect(u).toMatchObject({ pods: ['api-7d9f8c6b5d-aaaaa', 'api-7d9f8c6b5d-bbbbb'], samples: 11, p95: 0.9, peak: 0.9, peakAt: t0 + day })
    expect([...u!.days].sort()).toEqual(['2026-11-01', '2026-11-02'])
    expect(containerUsage(series, { kind: 'Deployment', namespace: 'shop', name: 'web' }, 'api', { from: '2026-11-01T00:00:00Z', to: '2026-11-03T00:00:00Z' })).toBeNull()
  })
})

describe('the kubelet’s Summary API', () => {
  it('reads each container’s writable layer, and refuses what is not a summary', () => {
    const summary = {
      node: { nodeName: 'n1', startTime: '2026-11-01T00:00:00Z' },
      pods: [
        {
          podRef: { name: 'api-1', namespace: 'shop', uid: 'u' },
          containers: [
            { name: 'api', startTime: '2026-11-18T08:00:00Z', rootfs: { usedBytes: 40960, inodesUsed: 12 } },
            { name: 'sidecar', startTime: '2026-11-18T08:00:00Z' }
          ]
        }
      ]
    }
    expect(parseStatsSummary(JSON.stringify(summary), 'stats/n1.json')).toEqual({
      ok: true,
      value: [
        { node: 'n1', namespace: 'shop', pod: 'api-1', container: 'api', startTime: '2026-11-18T08:00:00Z', usedBytes: 40960 },
        { node: 'n1', namespace: 'shop', pod: 'api-1', container: 'sidecar', startTime: '2026-11-18T08:00:00Z', usedBytes: null }
      ]
    })
    expect(parseStatsSummary(JSON.stringify({ pods: [] }), 'stats/n1.json')).toMatchObject({
      ok: false,
      why: expect.stringContaining("stats/n1.json: node: not the kubelet's Summary API")
    })
  })
})
