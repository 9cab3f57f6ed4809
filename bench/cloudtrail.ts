// CloudTrail evidence scan benchmark (DESIGN.md, "Performance targets"): 1 GB (compressed) of
// realistic CloudTrail log files, as delivered to S3, scanned for the S3 data-event facts the
// playbooks need — next to, in the same run, `zcat` of the same files to /dev/null (the
// decompression floor) and DuckDB reading them when @duckdb/node-api is installed, asked the same
// question (S3 data events per bucket, the non-TLS candidates, the distinct principals) — its
// answers are checked against the scan's. Targets: within 1.5× of zcat, faster than DuckDB, worker
// threads on both cores, bounded memory. Figures are printed, never asserted.
//
// Run: `npm run bench -- cloudtrail` (BENCH_CT_GB=0.1, or CLOUDTRAIL_BENCH_MB=100, for a quicker
// run). The generated logs are kept in .bench/cloudtrail-<version>-<MB>mb/ (git-ignored) and
// reused by later runs.
import { spawn, spawnSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { createGzip } from 'node:zlib'
import { scanCloudTrailFiles } from '../main/evidence/cloudtrail-pool'
import { DEFAULT_LIMITS } from '../main/semantics/limits'
import type { Bench } from './registry'

const ACCOUNT = '123456789012'
const REGIONS = ['us-east-1', 'eu-west-1']
const BUCKETS = Array.from({ length: 200 }, (_, i) => `bench-data-${String(i).padStart(3, '0')}`)
const ROLES = Array.from({ length: 40 }, (_, i) => `svc-${i}`)
const INSTANCES = Array.from({ length: 300 }, (_, i) => `i-0${(0x1000000000000000n + BigInt(i) * 7919n).toString(16).slice(1)}`)
const RECORDS_PER_FILE = 4000
const VERSION = 'v3'

// --- generation ---------------------------------------------------------------------------------

/** mulberry32: a fast, seeded generator, so a run regenerates exactly the same logs. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const HEX = '0123456789abcdef'
function hex(r: () => number, n: number): string {
  let s = ''
  for (let i = 0; i < n; i++) s += HEX[(r() * 16) | 0]
  return s
}
const uuid = (r: () => number): string => `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`

function isoAt(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * One record. 70 % S3 data events over 200 buckets (1 in 500 without TLS details, 1 in 1000
 * anonymous), the rest management events of several services, some made with instance-role
 * credentials: the mix of a trail with S3 data events on.
 */
function record(r: () => number, ms: number, region: string): string {
  const t = isoAt(ms)
  const role = ROLES[(r() * ROLES.length) | 0]
  const rid = hex(r, 16).toUpperCase()
  const eid = uuid(r)
  if (r() < 0.7) {
    const bucket = BUCKETS[(r() * BUCKETS.length) | 0]
    const write = r() < 0.25
    const name = write ? (r() < 0.8 ? 'PutObject' : 'DeleteObject') : r() < 0.85 ? 'GetObject' : 'HeadObject'
    const key = `data/${hex(r, 2)}/${hex(r, 24)}.parquet`
    const anon = r() < 0.001
    const noTls = r() < 0.002
    const ui = anon
      ? '{"type":"AWSAccount","principalId":"","accountId":"ANONYMOUS_PRINCIPAL"}'
      : `{"type":"AssumedRole","principalId":"AROA${hex(r, 4).toUpperCase()}EXAMPLE:${role}-session","arn":"arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${role}-session","accountId":"${ACCOUNT}","accessKeyId":"ASIA${hex(r, 16).toUpperCase()}","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE${role.length}","arn":"arn:aws:iam::${ACCOUNT}:role/${role}","accountId":"${ACCOUNT}","userName":"${role}"},"attributes":{"creationDate":"${t}","mfaAuthenticated":"false"}}}`
    const aed = noTls
      ? `{"SignatureVersion":"SigV4","AuthenticationMethod":"AuthHeader","bytesTransferredIn":0,"x-amz-id-2":"${hex(r, 60)}","bytesTransferredOut":${(r() * 1e6) | 0}}`
      : `{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":${write ? (r() * 1e6) | 0 : 0},"AuthenticationMethod":"AuthHeader","x-amz-id-2":"${hex(r, 60)}","bytesTransferredOut":${write ? 0 : (r() * 1e6) | 0}}`
    const tls = noTls ? '' : `,"tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"${bucket}.s3.${region}.amazonaws.com"}`
    return `{"eventVersion":"1.10","userIdentity":${ui},"eventTime":"${t}","eventSource":"s3.amazonaws.com","eventName":"${name}","awsRegion":"${region}","sourceIPAddress":"10.${(r() * 255) | 0}.${(r() * 255) | 0}.${(r() * 255) | 0}","userAgent":"[aws-sdk-java/1.12.${(r() * 700) | 0} Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.8+7-LTS java/17.0.8 vendor/Amazon.com_Inc.]","requestParameters":{"bucketName":"${bucket}","Host":"${bucket}.s3.${region}.amazonaws.com","key":"${key}"},"responseElements":null,"additionalEventData":${aed},"requestID":"${rid}","eventID":"${eid}","readOnly":${!write},"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::${bucket}/${key}"},{"accountId":"${ACCOUNT}","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::${bucket}"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"${ACCOUNT}","eventCategory":"Data"${tls}}`
  }
  const mg = r()
  const [source, name, ro] =
    mg < 0.3
      ? ['ec2.amazonaws.com', 'DescribeInstances', true]
      : mg < 0.5
        ? ['sts.amazonaws.com', 'AssumeRole', true]
        : mg < 0.7
          ? ['kms.amazonaws.com', 'Decrypt', true]
          : mg < 0.9
            ? ['ssm.amazonaws.com', 'UpdateInstanceInformation', false]
            : ['ec2.amazonaws.com', 'CreateTags', false]
  const inst = INSTANCES[(r() * INSTANCES.length) | 0]
  const viaRole = source === 'ssm.amazonaws.com'
  const ui = viaRole
    ? `{"type":"AssumedRole","principalId":"AROAINSTANCE:${inst}","arn":"arn:aws:sts::${ACCOUNT}:assumed-role/ecs-instance/${inst}","accountId":"${ACCOUNT}","accessKeyId":"ASIA${hex(r, 16).toUpperCase()}","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAINSTANCE","arn":"arn:aws:iam::${ACCOUNT}:role/ecs-instance","accountId":"${ACCOUNT}","userName":"ecs-instance"},"attributes":{"creationDate":"${t}","mfaAuthenticated":"false"},"ec2RoleDelivery":"${r() < 0.05 ? '1.0' : '2.0'}"}}`
    : `{"type":"IAMUser","principalId":"AIDA${hex(r, 16).toUpperCase()}","arn":"arn:aws:iam::${ACCOUNT}:user/ops-${(r() * 10) | 0}","accountId":"${ACCOUNT}","accessKeyId":"AKIA${hex(r, 16).toUpperCase()}","userName":"ops"}`
  const params =
    source === 'ec2.amazonaws.com' && name === 'CreateTags'
      ? `{"resourcesSet":{"items":[{"resourceId":"${inst}"}]},"tagSet":{"items":[{"key":"Owner","value":"team-${(r() * 9) | 0}"}]}}`
      : `{"instanceId":"${inst}","agentVersion":"3.3.1611.0","platformType":"Linux"}`
  return `{"eventVersion":"1.10","userIdentity":${ui},"eventTime":"${t}","eventSource":"${source}","eventName":"${name}","awsRegion":"${region}","sourceIPAddress":"203.0.113.${(r() * 255) | 0}","userAgent":"aws-cli/2.15.${(r() * 40) | 0} Python/3.11.6 Linux/6.1 exe/x86_64","requestParameters":${params},"responseElements":null,"requestID":"${uuid(r)}","eventID":"${eid}","readOnly":${ro},"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"${ACCOUNT}","eventCategory":"Management","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"${source.split('.')[0]}.${region}.amazonaws.com"}}`
}

/** File i of the run: one 5-minute delivery of one region, gzip-compressed as S3 delivers it. */
async function writeFile(dir: string, i: number): Promise<number> {
  const r = prng(i + 1)
  const region = REGIONS[i % REGIONS.length]
  const start = Date.parse('2026-08-22T00:00:00Z') + Math.floor(i / REGIONS.length) * 5 * 60_000
  const d = new Date(start)
  const stamp = `${d.toISOString().slice(0, 16).replace(/[-:]/g, '')}Z`
  const rel = `AWSLogs/o-bench0001/${ACCOUNT}/CloudTrail/${region}/${d.toISOString().slice(0, 10).replace(/-/g, '/')}/${ACCOUNT}_CloudTrail_${region}_${stamp}_${hex(r, 16)}.json.gz`
  const path = join(dir, rel)
  mkdirSync(dirname(path), { recursive: true })
  const gz = createGzip()
  const out = createWriteStream(path)
  const done = new Promise<void>((res, rej) => {
    out.on('finish', res)
    out.on('error', rej)
    gz.on('error', rej)
  })
  gz.pipe(out)
  const parts: string[] = ['{"Records":[']
  for (let k = 0; k < RECORDS_PER_FILE; k++) {
    parts.push(k ? `,${record(r, start + Math.floor((k * 300_000) / RECORDS_PER_FILE), region)}` : record(r, start, region))
    if (parts.length >= 256) {
      if (!gz.write(parts.join(''))) await new Promise((res) => gz.once('drain', res))
      parts.length = 0
    }
  }
  parts.push(']}')
  gz.end(parts.join(''))
  await done
  return statSync(path).size
}

async function generate(dir: string, first: number, step: number, targetBytes: number): Promise<void> {
  // Each generator writes files first, first+step, …; a file's size is only known once written,
  // so each stops at its share of the target.
  let total = 0
  for (let i = first; total < targetBytes; i += step) total += await writeFile(dir, i)
}

function listFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith('.json.gz')) out.push(p)
    }
  }
  walk(dir)
  return out.sort()
}

async function ensureData(mb: number): Promise<string> {
  const dir = join(__dirname, '..', '.bench', `cloudtrail-${VERSION}-${mb}mb`)
  if (existsSync(join(dir, 'DONE'))) return dir
  rmSync(dir, { recursive: true, force: true })
  const tmp = `${dir}.partial`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(tmp, { recursive: true })
  const n = availableParallelism()
  const t = Date.now()
  console.log(`generating ${mb} MB of gzipped CloudTrail logs in ${n} processes (once; kept in ${dir}) …`)
  await Promise.all(
    Array.from(
      { length: n },
      (_, k) =>
        new Promise<void>((res, rej) => {
          const c = spawn(process.execPath, ['--require', 'tsx/cjs', __filename, 'generate', tmp, String(k), String(n), String(Math.ceil((mb * 1024 * 1024) / n))], {
            stdio: 'inherit'
          })
          c.on('exit', (code) => (code === 0 ? res() : rej(new Error(`generator exited ${code}`))))
        })
    )
  )
  writeFileSync(join(tmp, 'DONE'), '')
  renameSync(tmp, dir)
  console.log(`generated in ${((Date.now() - t) / 1000).toFixed(0)} s`)
  return dir
}

// --- measurements ---------------------------------------------------------------------------

/** Per bucket: S3 data events, non-TLS candidates, distinct principals (null: more than the cap). */
type PerBucket = Record<string, [requests: number, nonTls: number, principals: number | null]>

interface ScanFigures {
  seconds: number
  /** user + system CPU seconds of the whole process, all threads */
  cpuSeconds: number
  maxRssMb: number
  records: number
  s3DataEvents: number
  buckets: number
  nonTlsInferred: number
  anonymous: number
  /** distinct principals behind the S3 data events, all buckets together */
  principals: number
  perBucket: PerBucket
  problems: number
}

interface DuckFigures {
  seconds: number
  cpuSeconds: number
  maxRssMb: number
  threads: number
  records: number
  principals: number
  perBucket: PerBucket
}

/** The Lastmile scan, in a child process so its peak RSS (all worker threads included) is its own. */
async function childScan(dir: string): Promise<void> {
  const files = listFiles(dir).map((abs) => ({ abs, file: abs.slice(dir.length + 1) }))
  const t = process.hrtime.bigint()
  const cpu0 = process.cpuUsage()
  const scan = await scanCloudTrailFiles(files, { source: 'aws.cloudtrail', limits: DEFAULT_LIMITS })
  const seconds = Number(process.hrtime.bigint() - t) / 1e9
  const cpu = process.cpuUsage(cpu0)
  let records = 0
  for (const f of scan.files) records += f.records
  let s3 = 0
  let nonTls = 0
  let anon = 0
  const perBucket: PerBucket = {}
  const principals = new Set<string>()
  for (const b of scan.buckets.values()) {
    s3 += b.data.requests
    nonTls += b.nonTlsInferred
    anon += b.anonymous
    if (b.data.requests) perBucket[b.bucket] = [b.data.requests, b.nonTlsInferred, b.data.principalsTruncated ? null : b.data.principals.length]
    for (const p of b.data.principals) principals.add(p)
  }
  const figures: ScanFigures = {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    records,
    s3DataEvents: s3,
    buckets: scan.buckets.size,
    nonTlsInferred: nonTls,
    anonymous: anon,
    principals: principals.size,
    perBucket,
    problems: scan.files.filter((f) => f.problem).length
  }
  console.log(JSON.stringify(figures))
}

/** Wall and CPU seconds (user + system, children included) of a shell command. */
function timeShell(cmd: string): { seconds: number; cpuSeconds: number } {
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%R %U %S'; time (${cmd})`], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] })
  if (r.status !== 0) throw new Error(`${cmd}: exit ${r.status}: ${r.stderr}`)
  const [real, user, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number)
  return { seconds: real, cpuSeconds: user + sys }
}

/**
 * The fields of a CloudTrail record the question needs, declared, so DuckDB reads what the scan
 * reads (its best case: no schema sampling, unneeded keys skipped). Field names are DuckDB's
 * (case-insensitive), so the scan's "cipherSuite" spelling is the same column as "CipherSuite".
 */
const RECORD_TYPE = `STRUCT(
  eventTime VARCHAR, eventSource VARCHAR, eventCategory VARCHAR, managementEvent BOOLEAN, sessionCredentialFromConsole VARCHAR,
  userIdentity STRUCT("type" VARCHAR, principalId VARCHAR, arn VARCHAR, accountId VARCHAR, invokedBy VARCHAR,
                      sessionContext STRUCT(sessionIssuer STRUCT(arn VARCHAR))),
  requestParameters STRUCT(bucketName VARCHAR), additionalEventData STRUCT(CipherSuite VARCHAR),
  tlsDetails STRUCT(tlsVersion VARCHAR), resources STRUCT(ARN VARCHAR)[])[]`

/**
 * The scan's rules (main/evidence/cloudtrail-scan.ts) in SQL: an S3 data event is an s3 record with
 * managementEvent false or eventCategory Data, a time and a bucket; a non-TLS candidate meets every
 * condition of FORMATS.md B1; the principal is the session issuer's ARN, else the caller's ARN, the
 * invoking service, principalId, accountId — and "anonymous" for anonymous requests.
 */
function duckSql(glob: string): string {
  return `
    WITH r AS (
      SELECT unnest(Records) AS e
      FROM read_json('${glob.replace(/'/g, "''")}', format = 'auto', records = true, columns = {Records: '${RECORD_TYPE.replace(/\s+/g, ' ')}'},
                     maximum_object_size = 268435456)
    ), x AS (
      SELECT
        coalesce(nullif(e.requestParameters.bucketName, ''),
                 list_filter([regexp_extract(res.ARN, '^arn:aws[a-z-]*:s3:::([^/]+)$', 1) FOR res IN coalesce(e.resources, [])], lambda b: b <> '')[1]) AS bucket,
        e.eventSource = 's3.amazonaws.com' AND e.eventTime IS NOT NULL
          AND (coalesce(e.managementEvent = false, false) OR coalesce(e.eventCategory = 'Data', false)) AS is_data,
        NOT (e.tlsDetails IS NOT NULL AND e.tlsDetails.tlsVersion IS NOT NULL)
          AND coalesce(e.additionalEventData.CipherSuite, '') = ''
          AND coalesce(e.userIdentity.type, '') <> 'AWSService'
          AND coalesce(e.sessionCredentialFromConsole, '') <> 'true' AS non_tls,
        CASE WHEN e.userIdentity.type = 'AWSAccount'
                  AND (regexp_matches(coalesce(e.userIdentity.accountId, ''), '^anonymous(_principal)?$', 'i') OR coalesce(e.userIdentity.principalId, '') = '')
             THEN 'anonymous'
             ELSE coalesce(e.userIdentity.sessionContext.sessionIssuer.arn, e.userIdentity.arn,
                           CASE WHEN e.userIdentity.type = 'AWSService' THEN e.userIdentity.invokedBy END,
                           e.userIdentity.principalId, e.userIdentity.accountId, 'unknown') END AS principal
      FROM r
    )
    SELECT CASE WHEN is_data AND bucket IS NOT NULL THEN bucket END AS b, grouping(b) AS total,
           count(*) AS records,
           count(*) FILTER (WHERE is_data AND bucket IS NOT NULL) AS requests,
           count(*) FILTER (WHERE is_data AND bucket IS NOT NULL AND non_tls) AS non_tls,
           count(DISTINCT principal) FILTER (WHERE is_data AND bucket IS NOT NULL) AS principals
    FROM x GROUP BY GROUPING SETS ((b), ())`
}

/** DuckDB over the same files, in a child process so its peak RSS is its own. */
async function childDuck(dir: string): Promise<void> {
  type Conn = { runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }> }
  // Loaded by name: the bench still runs (and says so) where the optional package is not installed.
  const name = '@duckdb/node-api'
  const api = (await import(name)) as { DuckDBInstance: { create(path?: string, opts?: Record<string, string>): Promise<{ connect(): Promise<Conn> }> } }
  const threads = availableParallelism()
  const inst = await api.DuckDBInstance.create(':memory:', { threads: String(threads) })
  const conn = await inst.connect()
  const t = process.hrtime.bigint()
  const cpu0 = process.cpuUsage()
  const rows = (await conn.runAndReadAll(duckSql(`${dir}/**/*.json.gz`))).getRows()
  const seconds = Number(process.hrtime.bigint() - t) / 1e9
  const cpu = process.cpuUsage(cpu0)
  const perBucket: PerBucket = {}
  let records = 0
  let principals = 0
  for (const [b, total, n, requests, nonTls, ps] of rows) {
    if (Number(total) === 1) {
      records = Number(n)
      principals = Number(ps)
    } else if (b !== null) perBucket[String(b)] = [Number(requests), Number(nonTls), Number(ps)]
  }
  const figures: DuckFigures = { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024, threads, records, principals, perBucket }
  console.log(JSON.stringify(figures))
}

function duckInstalled(): boolean {
  try {
    require.resolve('@duckdb/node-api')
    return true
  } catch {
    return false
  }
}

/** Where DuckDB and the scan disagree, one line each (at most `max`); [] when they agree. */
function disagreements(scan: ScanFigures, dk: DuckFigures, max = 5): string[] {
  const out: string[] = []
  if (dk.records !== scan.records) out.push(`records: DuckDB ${dk.records}, scan ${scan.records}`)
  if (dk.principals !== scan.principals) out.push(`distinct principals: DuckDB ${dk.principals}, scan ${scan.principals}`)
  for (const b of [...new Set([...Object.keys(scan.perBucket), ...Object.keys(dk.perBucket)])].sort()) {
    const [a, d] = [scan.perBucket[b], dk.perBucket[b]]
    if (!a || !d) out.push(`${b}: only in ${a ? 'the scan' : 'DuckDB'}`)
    else if (a[0] !== d[0] || a[1] !== d[1] || (a[2] !== null && a[2] !== d[2])) {
      out.push(`${b}: DuckDB ${d.join('/')}, scan ${a.map((v) => v ?? '>cap').join('/')} (data events/non-TLS/principals)`)
    }
  }
  return out.length > max ? [...out.slice(0, max), `… ${out.length - max} more`] : out
}

function benchMb(): number {
  const gb = process.env.BENCH_CT_GB
  if (gb !== undefined && gb !== '') {
    const v = Number(gb)
    if (!(v > 0)) throw new Error(`BENCH_CT_GB=${gb}: a size in GB greater than 0 (e.g. 0.1)`)
    return Math.max(1, Math.round(v * 1024))
  }
  const mb = Number(process.env.CLOUDTRAIL_BENCH_MB ?? 1024)
  if (!(mb > 0)) throw new Error(`CLOUDTRAIL_BENCH_MB=${process.env.CLOUDTRAIL_BENCH_MB}: a size in MB greater than 0`)
  return Math.round(mb)
}

/** Run a child entry point of this file; its last stdout line is its figures. */
function child<T>(mode: string, dir: string): T {
  const c = spawnSync(process.execPath, ['--require', 'tsx/cjs', __filename, mode, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 })
  if (c.status !== 0) throw new Error(`${mode} child exited ${c.status}`)
  return JSON.parse(c.stdout.trim().split('\n').pop() ?? '{}') as T
}

async function run(): Promise<void> {
  const mb = benchMb()
  const dir = await ensureData(mb)
  const files = listFiles(dir)
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0)
  console.log(
    `${files.length} files, ${(bytes / 1024 / 1024).toFixed(0)} MB gzipped, ${RECORDS_PER_FILE} records each (${(files.length * RECORDS_PER_FILE).toLocaleString()} records)`
  )
  const list = join(dir, '..', `cloudtrail-${VERSION}-${mb}mb.files`)
  writeFileSync(list, files.join('\0'))
  // Warm the page cache so the first contender does not pay for the disk alone.
  timeShell(`xargs -0 cat < '${list}' > /dev/null`)
  const zcat = timeShell(`xargs -0 zcat -- < '${list}' > /dev/null`)
  const zcat2 = timeShell(`xargs -0 -n 64 -P ${availableParallelism()} zcat -- < '${list}' > /dev/null`)
  const cores = availableParallelism()
  const scan = child<ScanFigures>('scan', dir)
  // DuckDB right after, on the same (warm) files
  const dk = duckInstalled() ? child<DuckFigures>('duckdb', dir) : null
  console.log(`zcat to /dev/null (1 process):          ${zcat.seconds.toFixed(2)} s   (the decompression floor; ${zcat.cpuSeconds.toFixed(2)} s CPU)`)
  console.log(`zcat to /dev/null (${cores} processes):        ${zcat2.seconds.toFixed(2)} s   (for reference; ${zcat2.cpuSeconds.toFixed(2)} s CPU)`)
  console.log(
    `Lastmile scan (${cores} worker threads):       ${scan.seconds.toFixed(2)} s   → ${(scan.seconds / zcat.seconds).toFixed(2)}× zcat (target ≤ 1.5), ` +
      `${(bytes / 1024 / 1024 / scan.seconds).toFixed(0)} MB/s gzipped, ${Math.round(scan.records / scan.seconds).toLocaleString()} records/s, peak RSS ${scan.maxRssMb.toFixed(0)} MB`
  )
  // On a shared machine wall time swings with other load; CPU time does not. Spread over the
  // cores, the scan's CPU time is what its wall time would be on an otherwise idle machine.
  console.log(
    `  CPU: ${scan.cpuSeconds.toFixed(2)} s over ${cores} cores = ${(scan.cpuSeconds / cores).toFixed(2)} s → ${(scan.cpuSeconds / cores / zcat.cpuSeconds).toFixed(2)}× zcat's CPU time ` +
      `(machine load ${loadavg()[0].toFixed(1)} on ${cores} cores during the run)`
  )
  console.log(
    `  facts: ${scan.records.toLocaleString()} records, ${scan.s3DataEvents.toLocaleString()} S3 data events on ${scan.buckets} buckets, ${scan.nonTlsInferred} without TLS details (inferred plain HTTP), ` +
      `${scan.anonymous} anonymous, ${scan.principals} distinct principals, ${scan.problems} unreadable files`
  )
  if (!dk) {
    console.log('DuckDB: not installed (@duckdb/node-api); skipped')
    return
  }
  console.log(
    `DuckDB read_json + unnest (${dk.threads} threads):   ${dk.seconds.toFixed(2)} s   → ${(dk.seconds / zcat.seconds).toFixed(2)}× zcat; ` +
      `Lastmile is ${(dk.seconds / scan.seconds).toFixed(2)}× faster (target > 1), peak RSS ${dk.maxRssMb.toFixed(0)} MB`
  )
  console.log(`  CPU: ${dk.cpuSeconds.toFixed(2)} s (Lastmile's scan: ${scan.cpuSeconds.toFixed(2)} s; DuckDB / Lastmile = ${(dk.cpuSeconds / scan.cpuSeconds).toFixed(2)})`)
  const verdict = (ours: number, theirs: number): string => `${ours.toFixed(2)} s vs DuckDB's ${theirs.toFixed(2)} s: ${ours < theirs ? 'met' : 'NOT met'}`
  console.log(
    `  goal (faster than DuckDB in wall time and CPU, same files, same run): wall ${verdict(scan.seconds, dk.seconds)}; CPU ${verdict(scan.cpuSeconds, dk.cpuSeconds)}` +
      ` (the machine's other load moves wall times; CPU seconds are the steadier comparison)`
  )
  const diff = disagreements(scan, dk)
  const buckets = Object.keys(dk.perBucket).length
  const s3 = Object.values(dk.perBucket).reduce((n, b) => n + b[0], 0)
  const nonTls = Object.values(dk.perBucket).reduce((n, b) => n + b[1], 0)
  console.log(
    diff.length
      ? `  DuckDB DISAGREES with the scan:\n    ${diff.join('\n    ')}`
      : `  DuckDB agrees with the scan: ${dk.records.toLocaleString()} records, ${s3.toLocaleString()} S3 data events on ${buckets} buckets, ${nonTls} non-TLS, ${dk.principals} distinct principals — and per bucket, all ${buckets}`
  )
}

export const cloudTrailBench: Bench = {
  name: 'cloudtrail',
  description: 'scan 1 GB of gzipped CloudTrail logs (BENCH_CT_GB to change) for S3 data-event facts, against zcat and DuckDB on the same files',
  run
}

// Child-process entry points (generation and the measured scan).
if (require.main === module) {
  const [mode, ...args] = process.argv.slice(2)
  const main =
    mode === 'generate'
      ? generate(args[0], Number(args[1]), Number(args[2]), Number(args[3]))
      : mode === 'scan'
        ? childScan(args[0])
        : mode === 'duckdb'
          ? childDuck(args[0])
          : Promise.reject(new Error(`unknown mode ${mode}`))
  main.catch((e) => {
    console.error(e)
    process.exit(1)
  })
}
