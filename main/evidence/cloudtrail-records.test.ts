import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ctFile, gz, managementEvent, s3DataEvent, sample } from '../../test/fixtures/evidence/bundle-builder'
import { BadEvidence } from '../semantics/bad-evidence'
import { CT, cloudTrailScanner, readCloudTrailRecords } from './cloudtrail-records'
import { Interner } from './json-scan'
import { CloudTrailAggregator } from './cloudtrail-scan'
import { DEFAULT_LIMITS } from '../semantics/limits'

const REAL = 'cloudtrail/222222222222_CloudTrail_us-east-1_20250306T0230Z_QF6qcgyiaVnSueXa'

async function* chunked(buf: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let i = 0
  let k = 0
  while (i < buf.length) {
    const n = sizes[k++ % sizes.length]
    yield buf.subarray(i, i + n)
    i += n
  }
}

/** What the scanner captured for each record, next to what JSON.parse says. */
async function scanAll(buf: Buffer, sizes: number[]): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = []
  await readCloudTrailRecords(chunked(buf, sizes), 'x.json', cloudTrailScanner(), DEFAULT_LIMITS, (cap, at) => {
    out.push({
      eventTime: cap.str(CT.eventTime),
      eventSource: cap.str(CT.eventSource),
      eventName: cap.str(CT.eventName),
      readOnly: cap.bool(CT.readOnly),
      uiType: cap.str(CT.uiType),
      issuer: cap.str(CT.issuerArn),
      bucket: cap.str(CT.reqBucket),
      cipher: cap.str(CT.cipherSuite),
      tls: cap.has(CT.tlsDetails),
      tlsVersion: cap.str(CT.tlsVersion),
      console: cap.bool(CT.consoleSession),
      resArns: cap.strs(CT.resArns),
      raw: JSON.parse(cap.buf.toString('utf8', at.start, at.end)) as unknown
    })
  })
  return out
}

function expected(records: Array<Record<string, any>>): Array<Record<string, unknown>> {
  return records.map((r) => ({
    eventTime: r.eventTime,
    eventSource: r.eventSource,
    eventName: r.eventName,
    readOnly: r.readOnly ?? null,
    uiType: r.userIdentity?.type ?? null,
    issuer: r.userIdentity?.sessionContext?.sessionIssuer?.arn ?? null,
    bucket: r.requestParameters?.bucketName ?? null,
    cipher: r.additionalEventData?.CipherSuite ?? null,
    tls: r.tlsDetails !== undefined && r.tlsDetails !== null,
    tlsVersion: r.tlsDetails?.tlsVersion ?? null,
    console: r.sessionCredentialFromConsole === undefined ? null : r.sessionCredentialFromConsole === 'true',
    resArns: (r.resources ?? []).map((x: { ARN: string }) => x.ARN).filter(Boolean),
    raw: r
  }))
}

describe('CloudTrail record scanner', () => {
  const real = gunzipSync(sample(`${REAL}.json.gz`))
  const pretty = sample(`${REAL}.pretty.json`)
  const want = expected((JSON.parse(real.toString()) as { Records: Array<Record<string, any>> }).Records)

  it('reads every field of the real delivered file exactly as JSON.parse does, whatever the chunking', async () => {
    expect(want).toHaveLength(20)
    for (const sizes of [[real.length], [1], [7, 13, 1], [4096], [333, 1, 2]]) {
      expect(await scanAll(real, sizes)).toEqual(want)
    }
  })

  it('reads the pretty-printed form of the same file identically', async () => {
    expect(await scanAll(pretty, [pretty.length])).toEqual(want)
    expect(await scanAll(pretty, [5, 97])).toEqual(want)
  })

  it('finishes a record cut by a big chunk boundary in the joint buffer and then scans on in place', async () => {
    // Chunks larger than the joint window (2 × 64 KiB) exercise the no-copy path.
    const records = Array.from({ length: 600 }, (_, i) =>
      s3DataEvent({ time: `2026-11-01T00:${String(i % 60).padStart(2, '0')}:00Z`, bucket: `b-${i % 7}`, key: `k/${'x'.repeat(i % 300)}` })
    )
    const buf = Buffer.from(ctFile(records))
    for (const sizes of [[150_000], [140_000, 200_001], [131_073]]) {
      const got = await scanAll(buf, sizes)
      expect(got).toEqual(expected(records as Array<Record<string, any>>))
    }
  })

  it('decodes keys and values that use JSON escapes', async () => {
    const text =
      '{"Records":[{"event\\u0054ime":"2026-11-01T00:00:00Z","eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"b\\u0061d"},"eventName":"Get\\"Object"}]}'
    const got = await scanAll(Buffer.from(text), [text.length])
    expect(got[0]).toMatchObject({ eventTime: '2026-11-01T00:00:00Z', bucket: 'bad', eventName: 'Get"Object' })
  })

  it('names the record and byte of a truncated file', async () => {
    const full = Buffer.from(
      ctFile([managementEvent({ time: '2026-11-01T00:00:00Z', source: 'ec2.amazonaws.com', name: 'RunInstances' }), s3DataEvent({ time: '2026-11-01T00:00:01Z', bucket: 'b1' })])
    )
    const cut = full.subarray(0, full.length - 40)
    const err = await scanAll(cut, [64]).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BadEvidence)
    expect((err as BadEvidence).message).toMatch(/x\.json: record 2, byte \d+: the file ends in the middle of the document \(truncated\)/)
  })

  it('refuses bad JSON with its place, and a file that is not {"Records":[…]}', async () => {
    const bad = Buffer.from('{"Records":[{"eventTime":"2026-11-01T00:00:00Z" "eventName":"x"}]}')
    await expect(scanAll(bad, [bad.length])).rejects.toThrow(/record 1, byte 48: bad JSON: expected ',' or '}' in an object/)
    const arr = Buffer.from('[1,2,3]')
    await expect(scanAll(arr, [arr.length])).rejects.toThrow(/not a CloudTrail log file/)
    const nested = Buffer.from('{"Records":[{"a":[1,2}]}]}')
    await expect(scanAll(nested, [nested.length])).rejects.toThrow(/unexpected '}'/)
  })
})

describe('CloudTrail record scanner shortcuts, on adversarial records', () => {
  // Strings are scanned four bytes at a time between the bytes that matter (a quote, a backslash,
  // a control), and keys are matched while they are scanned: these records put those bytes at
  // every offset of a 32-bit word, and dress up strings and keys to look like what is tested for.
  // QQQ becomes the escape \u0022 in the file (JSON.stringify never writes one)
  const tricky = ['"', '\\', '\\"', 'QQQ', '/', 'é', '€', '😀', '"eventSource":"s3.amazonaws.com"', '\\\\"x', '\u2028', 'QQQ"\\']

  it('ends and decodes every string where JSON.parse does, whatever its escapes, bytes and alignment', async () => {
    const records: Array<Record<string, unknown>> = []
    for (let pad = 0; pad < 8; pad++) {
      for (const t of tricky) {
        const v = `${'a'.repeat(pad)}${t}${'b'.repeat(9 - pad)}`
        records.push({
          ...s3DataEvent({ time: '2026-11-01T00:00:00Z', bucket: `bkt${'x'.repeat(pad)}`, eventName: `Get${v}` }),
          userAgent: `${v}${v}${v}`,
          ['x'.repeat(pad)]: v,
          requestParameters: { bucketName: v, key: v, nested: [v, { v }] }
        })
      }
    }
    const text = ctFile(records).replace(/QQQ/g, '\\u0022')
    const buf = Buffer.from(text)
    const want = expected((JSON.parse(text) as { Records: Array<Record<string, any>> }).Records)
    expect(want[3].bucket).toBe('"bbbbbbbbb') // written as \u0022
    for (const sizes of [[buf.length], [7, 13, 1], [4096]]) expect(await scanAll(buf, sizes)).toEqual(want)
  })

  it('refuses a raw control byte in a key or a value it reads, at its byte, wherever it sits in a word', async () => {
    for (let pad = 0; pad < 8; pad++) {
      const head = `{"Records":[{"eventTime":"2026-11-01T00:00:00Z","userAgent":"${'u'.repeat(pad)}`
      const bad = Buffer.from(`${head}\u0001${'v'.repeat(20)}"}]}`)
      await expect(scanAll(bad, [bad.length])).rejects.toThrow(`record 1, byte ${Buffer.byteLength(head)}: bad JSON: control character inside a string`)
      const key = `{"Records":[{"eventTime":"2026-11-01T00:00:00Z","event${'k'.repeat(pad)}`
      const badKey = Buffer.from(`${key}\n":1}]}`)
      await expect(scanAll(badKey, [badKey.length])).rejects.toThrow(`record 1, byte ${Buffer.byteLength(key)}: bad JSON: control character inside a string`)
    }
    // inside a value that is skipped whole, a control byte is not looked at (as before: its brackets and strings are)
    const skipped = Buffer.from(`{"Records":[{"eventTime":"2026-11-01T00:00:00Z","userAgentX":{"a":"${'z'.repeat(13)}\u0001"}}]}`)
    expect((await readCloudTrailRecords([skipped], 'x.json', cloudTrailScanner(), DEFAULT_LIMITS, () => {})).records).toBe(1)
  })

  it('matches a key only when it is exactly the key, escaped or not', async () => {
    const base = { eventTime: '2026-11-01T00:00:00Z' }
    const cases: Array<[string, string | null]> = [
      ['"eventSource":"s3.amazonaws.com"', 's3.amazonaws.com'],
      ['"event\\u0053ource":"s3.amazonaws.com"', 's3.amazonaws.com'],
      ['"\\u0065ventSource":"s3.amazonaws.com"', 's3.amazonaws.com'],
      ['"eventSourc":"s3.amazonaws.com"', null],
      ['"eventSourceX":"s3.amazonaws.com"', null],
      ['"eventSourcé":"s3.amazonaws.com"', null],
      ['"eventSource\\"":"s3.amazonaws.com"', null],
      ['"eventSource\\\\":"s3.amazonaws.com"', null],
      ['"":"s3.amazonaws.com"', null],
      ['"EventSource":"s3.amazonaws.com"', null]
    ]
    for (const [member, want] of cases) {
      const text = `{"Records":[{"eventTime":"${base.eventTime}",${member}}]}`
      const [got] = await scanAll(Buffer.from(text), [text.length])
      expect(got.eventSource, member).toBe(want)
      expect(got.raw, member).toEqual(JSON.parse(text).Records[0])
    }
  })

  it('takes a key for the one that followed the previous key last time only when it is exactly that key', async () => {
    // Keys are first compared with what followed the previous key in earlier records (spec keys
    // and keys outside the spec alike). A run of same-shaped records teaches an order; each record
    // after it breaks the order at one place with a key that starts, ends or is spelled like the
    // expected one, at several alignments (the compare reads four bytes at a time).
    const plain = (i: number) => JSON.stringify(s3DataEvent({ time: `2026-11-01T00:00:${String(i % 60).padStart(2, '0')}Z`, bucket: `b${i % 3}`, key: 'k'.repeat(i % 5) }))
    const variants: Array<[string, string]> = [
      ['"eventSource":', '"eventSourc":'],
      ['"eventSource":', '"eventSourceX":'],
      ['"eventSource":', '"event\\u0053ource":'],
      ['"eventSource":', '"EventSource":'],
      ['"eventSource":', '"eventSourcE":'],
      ['"eventSource":"s3.amazonaws.com",', ''],
      ['"eventName":', '"eventNam":'],
      ['"bucketName":', '"bucketNamf":'],
      ['"bucketName":', '"bucket":'],
      ['"CipherSuite":', '"cipherSuite":'],
      ['"userAgent":', '"userAgenT":'],
      ['"userAgent":', '"eventSource":'],
      ['"sourceIPAddress":', '"sourceIPAddresS":'],
      ['"ARN":', '"ARNs":'],
      ['"ARN":', '"AR":'],
      ['"type":"AssumedRole",', ''],
      ['"managementEvent":false', '"managementEven":true,"managementEvent":false'],
      ['"eventCategory":', '"eventCategory\\"":']
    ]
    const records: string[] = []
    for (let round = 0; round < 3; round++) {
      for (const [from, to] of variants) {
        for (let i = 0; i < 20; i++) records.push(plain(i))
        for (let i = 0; i < 5; i++) records.push(plain(i).split(from).join(to))
      }
    }
    const text = `{"Records":[${records.join(',')}]}`
    // a key left out is null in what the scanner reads
    const want = expected((JSON.parse(text) as { Records: Array<Record<string, any>> }).Records).map((r) => ({
      ...r,
      eventSource: r.eventSource ?? null,
      eventName: r.eventName ?? null
    }))
    expect(want.filter((r) => r.eventSource === null)).toHaveLength(3 * 5 * 5)
    for (const sizes of [[text.length], [4096], [7, 13, 1]]) expect(await scanAll(Buffer.from(text), sizes)).toEqual(want)
  })

  it('finds a string met before (Interner) only by exactly its bytes, and gives the same string each time', async () => {
    // lengths around the four-byte words it compares, shared heads and tails, escapes and non-ASCII
    const values = [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      'abce',
      'xbcd',
      'abcde',
      'abcdf',
      'bbcde',
      'abcdefgh',
      'abcdefgi',
      'Abcdefgh',
      'abcdefghi',
      'é',
      'éa',
      'aé',
      'a\\u0062cd',
      'a\\"b'
    ]
    const records = [...values, ...values.slice().reverse(), ...values].map((v, i) => `{"eventTime":"2026-11-01T00:00:0${i % 10}Z","awsRegion":"${v}"}`)
    const text = `{"Records":[${records.join(',')}]}`
    const strings = new Interner(1000)
    const got: Array<[string | null, boolean]> = []
    const first = new Map<string, unknown>()
    await readCloudTrailRecords([Buffer.from(text)], 'x.json', cloudTrailScanner(), DEFAULT_LIMITS, (cap) => {
      const entry = strings.entry(cap, CT.awsRegion)
      const s = strings.str(cap, CT.awsRegion)
      // the same entry (and so the same string) for the same bytes; escaped strings are decoded, not kept
      if (entry !== null && !first.has(entry.str)) first.set(entry.str, entry)
      got.push([s, entry === null ? cap.str(CT.awsRegion) === s : first.get(s!) === entry && entry.str === s])
    })
    const want = (JSON.parse(text) as { Records: Array<{ awsRegion: string }> }).Records.map((r) => [r.awsRegion, true])
    expect(got).toEqual(want)
    expect(first.size).toBe(values.length - 2)
  })

  it('does not take a management event for an S3 data event because its nested values look like one', async () => {
    const lookalike = {
      ...managementEvent({ time: '2026-11-01T10:00:00Z', source: 'ec2.amazonaws.com', name: 'CreateTags', readOnly: false }),
      requestParameters: { eventSource: 's3.amazonaws.com', managementEvent: false, eventCategory: 'Data', bucketName: 'not-a-bucket' },
      userAgent: '"eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"evil"}',
      responseElements: { note: '\\"eventSource\\":\\"s3.amazonaws.com\\"' }
    }
    const dir = mkdtempSync(join(tmpdir(), 'lm-ct-look-'))
    const f = join(dir, 'look.json.gz')
    writeFileSync(f, gz(ctFile([lookalike, s3DataEvent({ time: '2026-11-01T10:01:00Z', bucket: 'real' })])))
    const agg = new CloudTrailAggregator('aws.cloudtrail', DEFAULT_LIMITS)
    expect(await agg.addFile(f, 'look.json.gz')).toMatchObject({ records: 2, problem: null })
    expect([...agg.scan.buckets.keys()]).toEqual(['real'])
  })

  it('reads a file whole or streamed alike: the same facts, and the same problems for broken gzip and bombs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lm-ct-whole-'))
    const records = Array.from({ length: 300 }, (_, i) => s3DataEvent({ time: `2026-11-01T10:${String(i % 60).padStart(2, '0')}:00Z`, bucket: `b${i % 4}` }))
    const text = ctFile(records)
    // two gzip members, as appended files are: read whole, both are read
    const half = text.lastIndexOf(',{', text.length / 2)
    const files: Record<string, Buffer> = {
      'plain.json': Buffer.from(text),
      'one.json.gz': gz(text),
      'two.json.gz': Buffer.concat([gz(text.slice(0, half)), gz(text.slice(half))]),
      'cut.json.gz': gz(text).subarray(0, 3000),
      'garbled.json.gz': Buffer.from(gz(text).map((x, i) => (i > 40 && i < 60 ? x ^ 0x5a : x)))
    }
    const facts = async (limits: typeof DEFAULT_LIMITS, name: string) => {
      const abs = join(dir, name)
      writeFileSync(abs, files[name])
      const agg = new CloudTrailAggregator('aws.cloudtrail', limits)
      const o = await agg.addFile(abs, name)
      return { o, buckets: [...agg.scan.buckets.values()].map((b) => [b.bucket, b.data.requests]).sort() }
    }
    // maxRecordBytes bounds the files read whole: 1 KiB streams every one of these
    const streamed = { ...DEFAULT_LIMITS, maxRecordBytes: 1024 }
    for (const name of Object.keys(files)) {
      const whole = await facts(DEFAULT_LIMITS, name)
      expect(whole, name).toEqual(await facts(streamed, name))
      if (!name.includes('cut') && !name.includes('garbled')) expect(whole.o, name).toMatchObject({ records: 300, problem: null })
      else expect(whole.o.problem?.problem, name).toMatch(/gzip data/)
    }
    // a bomb: refused at the bound with the stream's message, not read whole
    const bomb = join(dir, 'bomb.json.gz')
    writeFileSync(bomb, gz(Buffer.alloc(4 * 1024 * 1024, 0x20)))
    const tight = { ...DEFAULT_LIMITS, maxRatio: 10, ratioFloorBytes: 1024 }
    const o = await new CloudTrailAggregator('aws.cloudtrail', tight).addFile(bomb, 'bomb.json.gz')
    expect(o.problem?.problem).toMatch(/expanding more than 10x \(a decompression bomb\?\)/)
  })
})

describe('CloudTrail aggregation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lm-ct-'))

  it('applies the FORMATS.md B1 rule: no tlsDetails is a plain-HTTP candidate only without a cipher, a service caller or a console session', async () => {
    const records = [
      s3DataEvent({ time: '2026-11-01T10:00:00Z', bucket: 'data', transport: 'tls' }),
      s3DataEvent({ time: '2026-11-01T10:01:00Z', bucket: 'data', transport: 'none' }),
      s3DataEvent({ time: '2026-11-01T10:02:00Z', bucket: 'data', transport: 'none', eventName: 'PutObject' }),
      s3DataEvent({ time: '2026-11-01T10:03:00Z', bucket: 'data', transport: 'service' }),
      { ...s3DataEvent({ time: '2026-11-01T10:04:00Z', bucket: 'data', transport: 'none' }), sessionCredentialFromConsole: 'true' },
      s3DataEvent({ time: '2026-11-02T11:00:00Z', bucket: 'data', anonymous: true })
    ]
    const f = join(dir, 'a.json.gz')
    writeFileSync(f, gz(ctFile(records)))
    const agg = new CloudTrailAggregator('aws.cloudtrail', DEFAULT_LIMITS)
    const o = await agg.addFile(f, 'aws/x/cloudtrail/a.json.gz')
    expect(o.problem).toBeNull()
    const b = agg.scan.buckets.get('data')!
    expect(b.data.requests).toBe(6)
    expect(b.data.writes).toBe(1)
    expect(b.nonTlsInferred).toBe(2)
    expect(b.anonymous).toBe(1)
    expect(b.data.principals).toEqual(expect.arrayContaining(['arn:aws:iam::111122223333:role/app-reader', 'cloudtrail.amazonaws.com', 'anonymous']))
    expect([...b.byDay.values()].map((d) => d.requests)).toEqual([5, 1])
    const drafts = agg.scan.drafts.all()
    expect(drafts.filter((d) => /plain HTTP inferred/.test(d.summary))).toHaveLength(2)
    expect(drafts.find((d) => /anonymous/.test(d.summary))?.place).toBe('record 6')
  })

  it('reads the real sample: GetBucketAcl by cloudtrail.amazonaws.com is management, not a data event, and not plain HTTP', async () => {
    const f = join(dir, 'real.json.gz')
    writeFileSync(f, sample(`${REAL}.json.gz`))
    const agg = new CloudTrailAggregator('aws.cloudtrail', DEFAULT_LIMITS)
    const o = await agg.addFile(f, 'aws/222222222222/cloudtrail/real.json.gz')
    expect(o).toMatchObject({ records: 20, problem: null })
    const [b] = [...agg.scan.buckets.values()]
    expect(b.management.requests).toBe(14)
    expect(b.data.requests).toBe(0)
    expect(b.nonTlsInferred).toBe(0)
    const stream = agg.scan.streams.get('222222222222/us-east-1')!
    expect(stream.records).toBe(20)
    expect(new Date(stream.first! * 1000).toISOString()).toBe('2025-03-06T02:25:06.000Z')
    // ec2RoleDelivery 2.0 in the first record: an instance using IMDSv2
    const rd = [...agg.scan.roleDelivery.values()][0]
    expect(rd).toMatchObject({ instanceId: 'i-06125b883c50e9d63', v1: 0, v2: 1 })
  })

  it('records a corrupt gzip file as a problem with its place, not a crash', async () => {
    const good = gz(ctFile([s3DataEvent({ time: '2026-11-01T10:00:00Z', bucket: 'data' })]))
    const f = join(dir, 'bad.json.gz')
    writeFileSync(f, good.subarray(0, good.length - 20))
    const agg = new CloudTrailAggregator('aws.cloudtrail', DEFAULT_LIMITS)
    const o = await agg.addFile(f, 'aws/x/cloudtrail/bad.json.gz')
    expect(o.problem?.problem).toMatch(/truncated|ends early|unexpected end/i)
    expect(o.problem?.place).toMatch(/compressed byte|record|byte/)
  })
})

describe('CloudTrail scan on worker threads', () => {
  it('gives the same facts on two worker threads (one file per task) as in this thread', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lm-pool-'))
    const files = Array.from({ length: 6 }, (_, i) => {
      const abs = join(dir, `f${i}.json.gz`)
      const recs = Array.from({ length: 50 }, (_, k) =>
        s3DataEvent({ time: `2026-11-0${1 + (i % 5)}T10:${String(k).padStart(2, '0')}:00Z`, bucket: `b${k % 3}`, transport: k % 10 === 0 ? 'none' : 'tls' })
      )
      writeFileSync(abs, i === 5 ? Buffer.from('not gzip, not json') : gz(ctFile(recs)))
      return { abs, file: `aws/x/cloudtrail/f${i}.json.gz` }
    })
    const { scanCloudTrailFiles } = await import('./cloudtrail-pool')
    const inThread = await scanCloudTrailFiles(files, { source: 'aws.cloudtrail', limits: DEFAULT_LIMITS, threads: 0 })
    const pooled = await scanCloudTrailFiles(files, { source: 'aws.cloudtrail', limits: DEFAULT_LIMITS, threads: 2 })
    const summary = (s: typeof inThread) => ({
      files: s.files.map((f) => [f.file, f.records, f.problem?.problem ?? null]),
      buckets: [...s.buckets.values()].map((b) => [b.bucket, b.data.requests, b.nonTlsInferred, [...b.byDay.entries()].sort()]).sort(),
      streams: [...s.streams.values()].map((x) => [x.account, x.region, x.records, [...x.hours].sort()]),
      drafts: s.drafts.all().length
    })
    expect(summary(pooled)).toEqual(summary(inThread))
    expect(pooled.files[5].problem?.problem).toMatch(/not a CloudTrail log file/)
    expect([...pooled.buckets.values()].reduce((n, b) => n + b.data.requests, 0)).toBe(250)
  })
})
