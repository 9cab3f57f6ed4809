// Streaming reader for CloudTrail log files as delivered to S3: `{"Records":[ … ]}` (gzipped or not,
// compact or pretty-printed). Each record is walked by the selective scanner; only the fields below
// are located, and the caller decodes the ones it needs.
import { BadEvidence } from '../semantics/bad-evidence'
import { each, JsonScanError, NeedMoreInput, present, SelectiveScanner, type Captures, type FieldSpec } from './json-scan'
import type { EvidenceLimits } from '../semantics/limits'

/** Capture slots of a CloudTrail record: only the fields the aggregation reads (every other value is skipped unread). */
export const CT = {
  eventTime: 0,
  eventSource: 1,
  eventName: 2,
  eventCategory: 3,
  managementEvent: 4,
  readOnly: 5,
  awsRegion: 6,
  errorCode: 8,
  recipientAccountId: 10,
  consoleSession: 11,
  uiType: 13,
  uiArn: 14,
  uiPrincipalId: 15,
  uiAccountId: 16,
  uiInvokedBy: 18,
  issuerArn: 19,
  roleDelivery: 20,
  reqBucket: 21,
  reqGroupId: 22,
  reqInstanceIds: 23,
  reqUserName: 24,
  reqName: 25,
  reqTrailName: 26,
  respInstanceIds: 27,
  respGroupId: 28,
  cipherSuite: 29,
  cipherSuiteLower: 30,
  tlsDetails: 31,
  tlsVersion: 32,
  resArns: 33,
  reqInstanceId: 34,
  SLOTS: 36
} as const

const SPEC: FieldSpec = {
  eventTime: CT.eventTime,
  eventSource: CT.eventSource,
  eventName: CT.eventName,
  eventCategory: CT.eventCategory,
  managementEvent: CT.managementEvent,
  readOnly: CT.readOnly,
  awsRegion: CT.awsRegion,
  errorCode: CT.errorCode,
  recipientAccountId: CT.recipientAccountId,
  sessionCredentialFromConsole: CT.consoleSession,
  userIdentity: {
    type: CT.uiType,
    arn: CT.uiArn,
    principalId: CT.uiPrincipalId,
    accountId: CT.uiAccountId,
    invokedBy: CT.uiInvokedBy,
    sessionContext: { sessionIssuer: { arn: CT.issuerArn }, ec2RoleDelivery: CT.roleDelivery }
  },
  requestParameters: {
    bucketName: CT.reqBucket,
    groupId: CT.reqGroupId,
    instanceId: CT.reqInstanceId,
    instancesSet: { items: each({ instanceId: CT.reqInstanceIds }) },
    userName: CT.reqUserName,
    name: CT.reqName,
    trailName: CT.reqTrailName
  },
  responseElements: {
    instancesSet: { items: each({ instanceId: CT.respInstanceIds }) },
    groupId: CT.respGroupId
  },
  // The real sample spells it CipherSuite; some newer AWS docs spell it cipherSuite.
  additionalEventData: { CipherSuite: CT.cipherSuite, cipherSuite: CT.cipherSuiteLower },
  tlsDetails: present(CT.tlsDetails, { tlsVersion: CT.tlsVersion }),
  resources: each({ ARN: CT.resArns })
}

export function cloudTrailScanner(): SelectiveScanner {
  return new SelectiveScanner(SPEC, CT.SLOTS)
}

export interface RecordAt {
  /** 0-based index in the Records array */
  index: number
  /** offset of the record's first byte in the decompressed file */
  offset: number
  /** the record's bytes are cap.buf[start, end) */
  start: number
  end: number
}

const enum St {
  Open,
  ObjFirst,
  ObjNext,
  ObjKey,
  ArrFirst,
  ArrNext,
  ArrElem,
  End
}

const RECORDS = Buffer.from('"Records"')
const JOINT = 64 * 1024

/**
 * Read every record of one CloudTrail file from its decompressed chunks, calling `onRecord` with
 * the scanner's captures and the record's place (both reused: valid during the call only). Memory stays at about one chunk plus one record. A file that is not
 * `{"Records":[…]}`, or is cut short, throws BadEvidence with the record index and byte offset.
 */
export async function readCloudTrailRecords(
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>,
  display: string,
  scanner: SelectiveScanner,
  limits: EvidenceLimits,
  onRecord: (cap: Captures, at: RecordAt) => void
): Promise<{ records: number; sawRecords: boolean }> {
  let buf: Buffer = Buffer.alloc(0)
  let base = 0 // offset of buf[0] in the decompressed file
  let pos = 0
  let state: St = St.Open
  let index = 0
  let sawRecords = false
  let need = 1 // pull input until this many unread bytes are buffered
  // A value cut by a chunk boundary is finished in a small joint buffer (its start + the head of
  // the next chunk) and the scan then moves on inside the next chunk itself, so chunks are not
  // copied whole (that copy alone cost 7% of a scan).
  let full: Buffer | null = null
  let prefix = 0
  let ended = false

  // one RecordAt for every record: valid during the onRecord call only
  const at: RecordAt = { index: 0, offset: 0, start: 0, end: 0 }
  const iterator = Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]()
  const fail = (at: number, what: string): never => {
    const where = state === St.ArrElem || state === St.ArrFirst ? `record ${index + 1}, byte ${at}` : `byte ${at}`
    throw new BadEvidence(display, where, what)
  }

  for (;;) {
    // Pull more bytes when the scan needs them.
    if (!ended && buf.length - pos < need) {
      const next = await iterator.next()
      if (next.done) {
        ended = true
      } else {
        const rest = buf.subarray(pos)
        const c = next.value as Buffer
        if (rest.length > limits.maxRecordBytes) {
          fail(base + pos, `a single value is larger than ${limits.maxRecordBytes} bytes (not a CloudTrail record)`)
        }
        if (rest.length === 0) buf = c
        else if (rest.length <= JOINT && c.length > 2 * JOINT) {
          buf = Buffer.concat([rest, c.subarray(0, JOINT)])
          full = c
          prefix = rest.length
        } else buf = Buffer.concat([rest, c])
        base += pos
        pos = 0
        continue
      }
    }
    const n = buf.length
    scanner.n = n
    try {
      const i = scanner.ws(buf, pos)
      const c = buf[i]
      switch (state) {
        case St.Open:
          // A UTF-8 byte order mark is harmless; anything else must open the document.
          if (c === 0xef && buf[i + 1] === 0xbb && buf[i + 2] === 0xbf) {
            pos = i + 3
            break
          }
          if (c !== 0x7b) fail(base + i, 'not a CloudTrail log file (it does not start with {"Records":[…]})')
          pos = i + 1
          state = St.ObjFirst
          break
        case St.ObjFirst:
        case St.ObjKey: {
          if (c === 0x7d && state === St.ObjFirst) {
            pos = i + 1
            state = St.End
            break
          }
          if (c !== 0x22) fail(base + i, 'expected a key')
          const ke = scanner.string(buf, i)
          let j = scanner.ws(buf, ke)
          if (buf[j] !== 0x3a) fail(base + j, "expected ':'")
          j = scanner.ws(buf, j + 1)
          if (ke - i === RECORDS.length && buf.subarray(i, ke).equals(RECORDS)) {
            if (buf[j] !== 0x5b) fail(base + j, '"Records" is not an array')
            sawRecords = true
            pos = j + 1
            state = St.ArrFirst
          } else {
            pos = scanner.skip(buf, j)
            state = St.ObjNext
          }
          break
        }
        case St.ObjNext:
          if (c === 0x2c) state = St.ObjKey
          else if (c === 0x7d) state = St.End
          else fail(base + i, "expected ',' or '}'")
          pos = i + 1
          break
        case St.ArrFirst:
        case St.ArrElem: {
          if (c === 0x5d && state === St.ArrFirst) {
            pos = i + 1
            state = St.ObjNext
            break
          }
          if (c !== 0x7b) fail(base + i, 'a record is not a JSON object')
          const e = scanner.scanRecord(buf, i, n)
          at.index = index
          at.offset = base + i
          at.start = i
          at.end = e
          onRecord(scanner.cap, at)
          index++
          pos = e
          state = St.ArrNext
          break
        }
        case St.ArrNext:
          if (c === 0x2c) state = St.ArrElem
          else if (c === 0x5d) state = St.ObjNext
          else fail(base + i, "expected ',' or ']' between records")
          pos = i + 1
          break
        case St.End:
          fail(base + i, 'unexpected data after the end of the document')
      }
      need = 1
      if (full !== null && pos >= prefix) {
        buf = full
        pos -= prefix
        base += prefix
        full = null
      }
    } catch (e) {
      if (e instanceof NeedMoreInput) {
        if (full !== null) {
          // The value runs past the joint: fall back to one buffer holding the rest of the chunk.
          buf = Buffer.concat([buf.subarray(pos), full.subarray(buf.length - prefix)])
          base += pos
          pos = 0
          full = null
          continue
        }
        if (ended) {
          if (state === St.End) return { records: index, sawRecords }
          fail(base + n, state === St.Open ? 'the file is empty' : 'the file ends in the middle of the document (truncated)')
        }
        // Rescan only once the unread bytes have doubled: a huge value is scanned O(log n) times.
        need = Math.max(n - pos + 1, (n - pos) * 2)
        continue
      }
      if (e instanceof JsonScanError) fail(base + e.offset, `bad JSON: ${e.what}`)
      throw e
    }
  }
}
