// The CloudTrail questions asked of a store that cannot be downloaded (CloudTrail Lake, Athena over
// the trail's S3 location), each written once as a declarative aggregation and rendered to the SQL
// of each engine. What the file scanner (cloudtrail-scan.ts) decides per record — the account and
// Region of the stream, the bucket, data or management, read or write, the principal, the
// plain-HTTP candidate of FORMATS.md B1, the IMDS version of instance-role credentials — is an
// expression here, so that the grouped rows an engine answers fold into the same CloudTrailScan
// (cloudtrail-answers.ts): one shape, two producers. The tests render the same questions for SQLite
// over the records the file tests scan, and hold the two producers to equal facts.

/** The fields of a CloudTrail record the questions read, by their path in the record. */
export type Field =
  | 'eventTime'
  | 'eventSource'
  | 'eventName'
  | 'eventCategory'
  | 'managementEvent'
  | 'readOnly'
  | 'awsRegion'
  | 'errorCode'
  | 'recipientAccountId'
  | 'sessionCredentialFromConsole'
  | 'userIdentity.type'
  | 'userIdentity.arn'
  | 'userIdentity.principalId'
  | 'userIdentity.accountId'
  | 'userIdentity.invokedBy'
  | 'userIdentity.sessionContext.sessionIssuer.arn'
  | 'userIdentity.sessionContext.ec2RoleDelivery'
  | 'requestParameters.bucketName'
  | 'additionalEventData.CipherSuite'
  | 'additionalEventData.cipherSuite'
  | 'tlsDetails.tlsVersion'
  | 'resources[0].ARN'
  | 'resources[1].ARN'

export type Expr =
  | { f: Field }
  | { s: string }
  | { n: number }
  | { null: true }
  | { eq: [Expr, Expr] }
  | { and: Expr[] }
  | { or: Expr[] }
  | { not: Expr }
  | { isNull: Expr }
  | { coalesce: Expr[] }
  | { when: Array<[Expr, Expr]>; else?: Expr }
  /** the whole string matches a regular expression (the common subset of Java and JavaScript) */
  | { matches: [Expr, string] }
  /** the first group of a regular expression, or NULL */
  | { extract: [Expr, string] }
  | { lower: Expr }
  /** a JSON boolean true, or the string "true" (CloudTrail writes both) */
  | { isTrue: Field }
  | { isFalse: Field }
  /** eventTime in whole epoch seconds */
  | { epoch: true }
  /** floor(x / n) for x ≥ 0 */
  | { div: [Expr, number] }

const f = (name: Field): Expr => ({ f: name })
const s = (v: string): Expr => ({ s: v })
const eq = (a: Expr, b: Expr): Expr => ({ eq: [a, b] })
const flag = (cond: Expr): Expr => ({ when: [[cond, { n: 1 }]], else: { n: 0 } })
const T: Expr = { epoch: true }

// --- what the file scanner decides per record, as expressions --------------------------------

/** The account of the stream: recipientAccountId, else the caller's account. */
export const ACCOUNT: Expr = { coalesce: [f('recipientAccountId'), f('userIdentity.accountId'), s('unknown')] }
export const REGION: Expr = { coalesce: [f('awsRegion'), s('unknown')] }

/** Anonymous S3 requests: userIdentity.type AWSAccount with accountId ANONYMOUS_PRINCIPAL, or no principalId. */
const ANONYMOUS: Expr = {
  and: [
    eq(f('userIdentity.type'), s('AWSAccount')),
    {
      or: [
        eq({ lower: f('userIdentity.accountId') }, s('anonymous')),
        eq({ lower: f('userIdentity.accountId') }, s('anonymous_principal')),
        { isNull: f('userIdentity.principalId') },
        eq(f('userIdentity.principalId'), s(''))
      ]
    }
  ]
}

/** Who made the call: the role behind a session, else the caller's ARN, the service, the principal id, the account. */
export const PRINCIPAL: Expr = {
  when: [[ANONYMOUS, s('anonymous')]],
  else: {
    coalesce: [
      f('userIdentity.sessionContext.sessionIssuer.arn'),
      f('userIdentity.arn'),
      { when: [[eq(f('userIdentity.type'), s('AWSService')), f('userIdentity.invokedBy')]] },
      f('userIdentity.principalId'),
      f('userIdentity.accountId'),
      s('unknown')
    ]
  }
}

/** 1 read, 0 write, NULL neither: readOnly, else a read verb in the event name. */
const READ: Expr = {
  when: [
    [{ isTrue: 'readOnly' }, { n: 1 }],
    [{ isFalse: 'readOnly' }, { n: 0 }],
    [{ matches: [f('eventName'), '(Get|List|Head|Describe|Lookup).*'] }, { n: 1 }]
  ]
}

const S3 = eq(f('eventSource'), s('s3.amazonaws.com'))
const BUCKET_ARN = 'arn:aws[a-z-]*:s3:::([^/]+)'
/** requestParameters.bucketName (an empty one names no bucket), else the bucket ARN among the first two resources. */
const BUCKET: Expr = {
  when: [[{ not: { isNull: f('requestParameters.bucketName') } }, { when: [[{ not: eq(f('requestParameters.bucketName'), s('')) }, f('requestParameters.bucketName')]] }]],
  else: { coalesce: [{ extract: [f('resources[0].ARN'), BUCKET_ARN] }, { extract: [f('resources[1].ARN'), BUCKET_ARN] }] }
}
const DATA: Expr = { or: [{ isFalse: 'managementEvent' }, eq(f('eventCategory'), s('Data'))] }

/** FORMATS.md B1: no TLS version, no cipher suite, not an AWS service, not a console session — inferred, not proven. */
const NON_TLS: Expr = {
  and: [
    DATA,
    { isNull: f('tlsDetails.tlsVersion') },
    eq({ coalesce: [f('additionalEventData.CipherSuite'), f('additionalEventData.cipherSuite'), s('')] }, s('')),
    { not: eq({ coalesce: [f('userIdentity.type'), s('')] }, s('AWSService')) },
    { not: { isTrue: 'sessionCredentialFromConsole' } }
  ]
}

/** The instance id of instance-role credentials: the session name after the role's principal id. */
const INSTANCE: Expr = { extract: [f('userIdentity.principalId'), '(?:[^:]*:)?(i-[0-9a-f]+)'] }

export interface Question {
  name: QuestionName
  /** what is counted; records without an eventTime are never counted (they cannot be placed in time) */
  where: Expr[]
  groupBy: Array<[string, Expr]>
  /** n: records; first/last: their eventTime (epoch seconds) */
  measures: Array<'n' | 'first' | 'last'>
}

export type QuestionName = 'streams' | 's3-days' | 's3-principals' | 'role-delivery'

/** The questions, in the order they are asked. */
export const QUESTIONS: readonly Question[] = [
  {
    // Coverage: the hours of each account and Region that hold records.
    name: 'streams',
    where: [],
    groupBy: [
      ['account', ACCOUNT],
      ['region', REGION],
      ['hour', { div: [T, 3600] }]
    ],
    measures: ['n', 'first', 'last']
  },
  {
    // S3 requests per bucket and day: data or management, read or write, failed, plain-HTTP candidate, anonymous.
    name: 's3-days',
    where: [S3, { not: { isNull: BUCKET } }],
    groupBy: [
      ['bucket', BUCKET],
      ['account', ACCOUNT],
      ['region', REGION],
      ['data', flag(DATA)],
      ['day', { div: [T, 86400] }],
      ['read', READ],
      ['error', flag({ not: { isNull: f('errorCode') } })],
      ['nontls', flag(NON_TLS)],
      ['anonymous', flag(ANONYMOUS)]
    ],
    measures: ['n', 'first', 'last']
  },
  {
    // Who sent them (the first seen first).
    name: 's3-principals',
    where: [S3, { not: { isNull: BUCKET } }],
    groupBy: [
      ['bucket', BUCKET],
      ['data', flag(DATA)],
      ['principal', PRINCIPAL]
    ],
    measures: ['n', 'first']
  },
  {
    // Calls made with instance-role credentials, by the IMDS version that delivered them (not S3's: the scanner files those under the bucket).
    name: 'role-delivery',
    where: [{ not: S3 }, { not: { isNull: f('userIdentity.sessionContext.ec2RoleDelivery') } }, { not: { isNull: INSTANCE } }],
    groupBy: [
      ['account', ACCOUNT],
      ['region', REGION],
      ['instance', INSTANCE],
      ['role', { coalesce: [f('userIdentity.sessionContext.sessionIssuer.arn'), s('')] }],
      ['v1', flag(eq(f('userIdentity.sessionContext.ec2RoleDelivery'), s('1.0')))]
    ],
    measures: ['n', 'last']
  }
]

// --- rendering ---------------------------------------------------------------------------------

export interface Dialect {
  name: 'lake' | 'athena' | 'sqlite'
  field(name: Field): string
  epoch(): string
  div(x: string, n: number): string
  isTrue(field: Field): string
  isFalse(field: Field): string
  /** the window: records from `from` (inclusive) to `to` (inclusive), ISO-8601 */
  window(from: string, to: string): string
  from: string
}

const q = (v: string): string => `'${v.replace(/'/g, "''")}'`

/** `userIdentity.sessionContext.sessionIssuer.arn` in Trino row syntax, `resources[0].ARN` as element_at. */
function trinoPath(path: string, lower: boolean): string {
  const m = /^resources\[(\d)\]\.ARN$/.exec(path)
  if (m) return `element_at(resources, ${Number(m[1]) + 1}).arn`
  return lower ? path.toLowerCase() : path
}

/** What Trino (CloudTrail Lake's and Athena's engine) spells alike; a boolean column or a "true" string compare the same. */
function trino(field: (name: Field) => string): Pick<Dialect, 'field' | 'div' | 'isTrue' | 'isFalse'> {
  return {
    field,
    div: (x, n) => `CAST(floor(${x} / ${n}) AS bigint)`,
    isTrue: (x) => `(CAST(${field(x)} AS varchar) = 'true')`,
    isFalse: (x) => `(CAST(${field(x)} AS varchar) = 'false')`
  }
}

/** CloudTrail Lake: `eventData` columns; requestParameters and additionalEventData are maps, eventTime a timestamp. */
export function lakeDialect(eventDataStoreId: string): Dialect {
  return {
    name: 'lake',
    ...trino((name) => {
      const [root, key] = name.split('.', 2)
      if (root === 'requestParameters' || root === 'additionalEventData') return `element_at(${root}, ${q(name.slice(root.length + 1))})`
      return key === undefined ? name : trinoPath(name, false)
    }),
    epoch: () => 'CAST(floor(to_unixtime(eventTime)) AS bigint)',
    window: (from, to) => `eventTime >= ${q(trinoTime(from))} AND eventTime <= ${q(trinoTime(to))}`,
    from: eventDataStoreId
  }
}

/**
 * Athena over the trail's S3 location, with the table of AWS's documented DDL (docs/cloudtrail-at-scale.md):
 * lower-case columns, requestParameters and additionalEventData JSON strings, eventTime an ISO-8601
 * string, and the `timestamp` partition (yyyy/MM/dd) of partition projection.
 */
export function athenaDialect(table: string): Dialect {
  return {
    name: 'athena',
    ...trino((name) => {
      const [root] = name.split('.', 1)
      if (root === 'requestParameters' || root === 'additionalEventData') return `json_extract_scalar(${root.toLowerCase()}, ${q(`$.${name.slice(root.length + 1)}`)})`
      return trinoPath(name, true)
    }),
    epoch: () => 'CAST(floor(to_unixtime(from_iso8601_timestamp(eventtime))) AS bigint)',
    window: (from, to) =>
      `"timestamp" >= ${q(from.slice(0, 10).replace(/-/g, '/'))} AND "timestamp" <= ${q(to.slice(0, 10).replace(/-/g, '/'))} AND eventtime >= ${q(isoSeconds(from))} AND eventtime <= ${q(isoSeconds(to))}`,
    from: table
  }
}

/** SQLite over a table `events(e)` of JSON records: the tests' engine (regexp_like and regexp_extract registered as functions). */
export function sqliteDialect(table = 'events'): Dialect {
  return {
    name: 'sqlite',
    field: (name) => `json_extract(e, ${q(`$.${name}`)})`,
    epoch: () => `unixepoch(json_extract(e, '$.eventTime'))`,
    div: (x, n) => `(${x} / ${n})`,
    // json_extract answers 1 for a JSON true: json_type tells it from the number 1
    isTrue: (x) => `(json_type(e, ${q(`$.${x}`)}) = 'true' OR json_extract(e, ${q(`$.${x}`)}) IS 'true')`,
    isFalse: (x) => `(json_type(e, ${q(`$.${x}`)}) = 'false' OR json_extract(e, ${q(`$.${x}`)}) IS 'false')`,
    window: (from, to) => `unixepoch(json_extract(e, '$.eventTime')) BETWEEN unixepoch(${q(from)}) AND unixepoch(${q(to)})`,
    from: table
  }
}

const isoSeconds = (t: string): string => `${new Date(t).toISOString().slice(0, 19)}Z`
const trinoTime = (t: string): string => new Date(t).toISOString().slice(0, 19).replace('T', ' ')

export function renderExpr(e: Expr, d: Dialect): string {
  const r = (x: Expr): string => renderExpr(x, d)
  if ('f' in e) return d.field(e.f)
  if ('s' in e) return q(e.s)
  if ('n' in e) return String(e.n)
  if ('null' in e) return 'NULL'
  if ('eq' in e) return `(${r(e.eq[0])} = ${r(e.eq[1])})`
  if ('and' in e) return `(${e.and.map(r).join(' AND ')})`
  if ('or' in e) return `(${e.or.map(r).join(' OR ')})`
  if ('not' in e) return `(NOT coalesce(${r(e.not)}, false))`
  if ('isNull' in e) return `(${r(e.isNull)} IS NULL)`
  if ('coalesce' in e) return `coalesce(${e.coalesce.map(r).join(', ')})`
  if ('when' in e) return `(CASE ${e.when.map(([c, v]) => `WHEN ${r(c)} THEN ${r(v)}`).join(' ')}${e.else ? ` ELSE ${r(e.else)}` : ''} END)`
  if ('matches' in e) return `regexp_like(${r(e.matches[0])}, ${q(`^(?:${e.matches[1]})$`)})`
  if ('extract' in e) return `regexp_extract(${r(e.extract[0])}, ${q(`^(?:${e.extract[1]})$`)}, 1)`
  if ('lower' in e) return `lower(${r(e.lower)})`
  if ('isTrue' in e) return d.isTrue(e.isTrue)
  if ('isFalse' in e) return d.isFalse(e.isFalse)
  if ('epoch' in e) return d.epoch()
  return d.div(r(e.div[0]), e.div[1])
}

const MEASURE: Record<Question['measures'][number], (d: Dialect) => string> = {
  n: () => 'count(*)',
  first: (d) => `min(${d.epoch()})`,
  last: (d) => `max(${d.epoch()})`
}

/** One question as one SELECT … GROUP BY over the window [from, to]. */
export function renderQuestion(question: Question, d: Dialect, window: { from: string; to: string }): string {
  const names = resultColumns(question)
  const dims = question.groupBy.map(([, e], i) => `${renderExpr(e, d)} AS "${names[i]}"`)
  const measures = question.measures.map((m, i) => `${MEASURE[m](d)} AS "${names[question.groupBy.length + i]}"`)
  const where = [d.window(window.from, window.to), `${d.field('eventTime')} IS NOT NULL`, ...question.where.map((e) => renderExpr(e, d))]
  return [
    `SELECT ${[...dims, ...measures].join(', ')}`,
    `FROM ${d.from}`,
    `WHERE ${where.join(' AND ')}`,
    `GROUP BY ${question.groupBy.map(([, e]) => renderExpr(e, d)).join(', ')}`
  ].join('\n')
}

/** The result column of a measure (first/last are SQL keywords in some engines). */
export function resultColumns(q: Question): string[] {
  return [...q.groupBy.map(([name]) => name), ...q.measures.map((m) => (m === 'first' || m === 'last' ? `${m}_time` : m))]
}
