// The inventory files of resources whose access is a resource policy (added to bundle format v1,
// docs/evidence-bundle.md): Lambda functions, SQS queues, SNS topics and KMS keys, each with its
// policy document as the service returns it. Read strictly (zod, the AWS field names) for the
// evaluators, and into one `resource-policy.config` facet per resource for the steps and fixes.
//
// In every file the policy keeps the service's distinction: a missing key is "not collected"
// (unknown), `null` is "the resource has no policy" (Lambda GetPolicy's ResourceNotFoundException,
// an SQS queue or SNS topic without the Policy attribute), a string is the document.
import { z } from 'zod'
import { BadEvidence } from './bad-evidence'
import type { ResourcePolicyFacet } from './facets'
import { readResourcePolicy, type PolicyService } from './iam-policy'
import { parseArn } from './ids'
import { fail, pass, unknown, type Verdict } from './verdict'

const policyText = z.string().nullable().optional()

/**
 * inventory/lambda-functions.json: `{"Functions":[…]}`, each a ListFunctions item with `policy`
 * (GetPolicy's Policy string, null when the function has none) and `urlConfig` (ListFunctionUrlConfigs'
 * item for the unqualified function, null when it has no function URL) added.
 */
export const LambdaFunction = z.object({
  FunctionName: z.string().min(1),
  FunctionArn: z.string().min(1),
  Runtime: z.string().optional(),
  Role: z.string().optional(),
  LastModified: z.string().optional(),
  policy: policyText,
  urlConfig: z.object({ FunctionUrl: z.string().optional(), AuthType: z.string().optional() }).nullable().optional()
})
export type LambdaFunction = z.infer<typeof LambdaFunction>

/** inventory/sqs-queues.json: `{"Queues":[{"QueueUrl", "Attributes": GetQueueAttributes All}]}`; an absent Policy attribute is no policy. */
export const SqsQueue = z.object({
  QueueUrl: z.string().min(1),
  Attributes: z.record(z.string(), z.string()).optional()
})
export type SqsQueue = z.infer<typeof SqsQueue>

/** inventory/sns-topics.json: `{"Topics":[{"TopicArn", "Attributes": GetTopicAttributes}]}`. */
export const SnsTopic = z.object({
  TopicArn: z.string().min(1),
  Attributes: z.record(z.string(), z.string()).optional()
})
export type SnsTopic = z.infer<typeof SnsTopic>

/** inventory/kms-keys.json: `{"Keys":[{"KeyId", "KeyArn", "KeyMetadata": DescribeKey, "Policy": GetKeyPolicy default}]}`. */
export const KmsKey = z.object({
  KeyId: z.string().min(1),
  KeyArn: z.string().min(1),
  KeyMetadata: z.object({ KeyManager: z.string().optional(), KeyState: z.string().optional(), Description: z.string().optional() }).passthrough().optional(),
  Policy: policyText
})
export type KmsKey = z.infer<typeof KmsKey>

/**
 * inventory/opensearch-domains.json: `{"DomainStatusList":[ DescribeDomains DomainStatus ]}` (OpenSearch
 * and Elasticsearch domains alike: the OpenSearch API describes both). `AccessPolicies` is the access
 * policy document; "" is no policy; a missing key was not collected. `VPCOptions` is present exactly
 * when the domain is in a VPC (then it has no public endpoint). `AdvancedSecurityOptions` is
 * fine-grained access control; `LogPublishingOptions.AUDIT_LOGS` where its audit log goes.
 */
export const OpenSearchDomain = z
  .object({
    DomainName: z.string().min(1),
    ARN: z.string().min(1),
    Endpoint: z.string().nullable().optional(),
    Endpoints: z.record(z.string(), z.string()).nullable().optional(),
    EngineVersion: z.string().optional(),
    AccessPolicies: z.string().optional(),
    VPCOptions: z
      .object({ VPCId: z.string().optional(), SubnetIds: z.array(z.string()).optional() })
      .passthrough()
      .nullable()
      .optional(),
    AdvancedSecurityOptions: z
      .object({ Enabled: z.boolean().optional(), InternalUserDatabaseEnabled: z.boolean().optional(), AnonymousAuthEnabled: z.boolean().optional() })
      .passthrough()
      .nullable()
      .optional(),
    LogPublishingOptions: z
      .record(z.string(), z.object({ CloudWatchLogsLogGroupArn: z.string().optional(), Enabled: z.boolean().optional() }).passthrough())
      .nullable()
      .optional()
  })
  .passthrough()
export type OpenSearchDomain = z.infer<typeof OpenSearchDomain>

/** What the steps of the OpenSearch playbook read beside the policy (the facet's `detail`). */
function opensearchDetail(d: OpenSearchDomain): ResourcePolicyFacet['detail'] {
  const vpc = d.VPCOptions?.VPCId ?? null
  const aso = d.AdvancedSecurityOptions
  const audit = d.LogPublishingOptions?.AUDIT_LOGS
  return {
    endpoint: d.Endpoint ?? d.Endpoints?.vpc ?? null,
    vpcId: vpc,
    engineVersion: d.EngineVersion ?? null,
    // absent options: fine-grained access control was not described (unknown), not "off"
    ...(aso === undefined
      ? {}
      : { fgac: aso?.Enabled ?? false, internalUserDatabase: aso?.InternalUserDatabaseEnabled ?? false, anonymousAuth: aso?.AnonymousAuthEnabled ?? false }),
    ...(d.LogPublishingOptions === undefined ? {} : { auditLogs: audit?.Enabled ?? false, auditLogGroup: audit?.CloudWatchLogsLogGroupArn ?? null })
  }
}

/** The files, their list key, the schema of an element and its name key. */
export const RESOURCE_POLICY_FILES = {
  lambdaFunctions: { file: 'lambda-functions.json', list: 'Functions', name: 'FunctionName' },
  sqsQueues: { file: 'sqs-queues.json', list: 'Queues', name: 'QueueUrl' },
  snsTopics: { file: 'sns-topics.json', list: 'Topics', name: 'TopicArn' },
  kmsKeys: { file: 'kms-keys.json', list: 'Keys', name: 'KeyId' },
  opensearchDomains: { file: 'opensearch-domains.json', list: 'DomainStatusList', name: 'DomainName' }
} as const

/** The policy of an SQS queue or SNS topic from its attributes: absent attributes are not collected; an absent Policy is none. */
export function attributePolicy(a: Record<string, string> | undefined): string | null | undefined {
  if (a === undefined) return undefined
  const p = a.Policy
  return p === undefined || p === '' ? null : p
}

/** SQS queue URL https://sqs.<region>.amazonaws.com/<account>/<name> → its ARN, when the attributes do not give QueueArn. */
export function sqsQueueArn(url: string, attributes?: Record<string, string>): string | null {
  if (attributes?.QueueArn) return attributes.QueueArn
  const m = /^https?:\/\/(?:sqs\.)?([a-z0-9-]+)\.(?:queue\.)?amazonaws\.com(?:\.cn)?\/(\d{12})\/([^/?]+)$/.exec(url)
  return m ? `arn:aws:sqs:${m[1]}:${m[2]}:${m[3]}` : null
}

/** One resource of the four files as the facet holds it, before analyze resolves nothing more (the ARN names account and Region). */
export function resourcePolicyItem(service: PolicyService, raw: unknown, file: string, place: string): ResourcePolicyFacet {
  const bad = (why: string) => new BadEvidence(file, place, why)
  let arn: string | null
  let name: string
  let policy: string | null | undefined
  let detail: ResourcePolicyFacet['detail'] = {}
  if (service === 'lambda') {
    const r = LambdaFunction.safeParse(raw)
    if (!r.success) throw bad(`not a Lambda function: ${r.error.issues[0].path.join('.')} ${r.error.issues[0].message}`)
    arn = r.data.FunctionArn
    name = r.data.FunctionName
    policy = r.data.policy
    detail = {
      runtime: r.data.Runtime ?? null,
      role: r.data.Role ?? null,
      ...(r.data.urlConfig === undefined ? {} : { urlAuthType: r.data.urlConfig?.AuthType ?? null, url: r.data.urlConfig?.FunctionUrl ?? null })
    }
  } else if (service === 'sqs') {
    const r = SqsQueue.safeParse(raw)
    if (!r.success) throw bad(`not an SQS queue: ${r.error.issues[0].path.join('.')} ${r.error.issues[0].message}`)
    arn = sqsQueueArn(r.data.QueueUrl, r.data.Attributes)
    name = r.data.QueueUrl.split('/').pop() ?? r.data.QueueUrl
    policy = attributePolicy(r.data.Attributes)
    detail = { queueUrl: r.data.QueueUrl }
  } else if (service === 'sns') {
    const r = SnsTopic.safeParse(raw)
    if (!r.success) throw bad(`not an SNS topic: ${r.error.issues[0].path.join('.')} ${r.error.issues[0].message}`)
    arn = r.data.TopicArn
    name = r.data.TopicArn.split(':').pop() ?? r.data.TopicArn
    policy = attributePolicy(r.data.Attributes)
  } else if (service === 'opensearch') {
    const r = OpenSearchDomain.safeParse(raw)
    if (!r.success) throw bad(`not an OpenSearch domain: ${r.error.issues[0].path.join('.')} ${r.error.issues[0].message}`)
    arn = r.data.ARN
    name = r.data.DomainName
    policy = r.data.AccessPolicies === undefined ? undefined : r.data.AccessPolicies.trim() === '' ? null : r.data.AccessPolicies
    detail = opensearchDetail(r.data)
  } else {
    const r = KmsKey.safeParse(raw)
    if (!r.success) throw bad(`not a KMS key: ${r.error.issues[0].path.join('.')} ${r.error.issues[0].message}`)
    arn = r.data.KeyArn
    name = r.data.KeyId
    policy = r.data.Policy
    detail = { keyManager: r.data.KeyMetadata?.KeyManager ?? null, keyState: r.data.KeyMetadata?.KeyState ?? null }
  }
  const a = arn ? parseArn(arn) : null
  if (!arn || !a || !a.account || !a.region) throw bad(`cannot tell the ${service} resource's account and Region from ${arn ?? 'its URL'}`)
  const read = typeof policy === 'string' ? readResourcePolicy(service, policy) : null
  return {
    service,
    account: a.account,
    region: a.region,
    arn,
    name,
    ...(policy === undefined ? {} : { policy }),
    ...(read === null
      ? {}
      : read.ok
        ? { policyError: null, public: read.public.map((g) => ({ index: g.index, sid: g.sid, why: g.why })) }
        : { policyError: read.error, public: [] }),
    detail
  }
}

/** Every resource of one of the four files, in order; an element that cannot be read is left out and named in `problems`. */
export function parseResourcePolicyFile(service: PolicyService, doc: unknown, file: string): { items: ResourcePolicyFacet[]; problems: string[] } {
  const spec = {
    lambda: RESOURCE_POLICY_FILES.lambdaFunctions,
    sqs: RESOURCE_POLICY_FILES.sqsQueues,
    sns: RESOURCE_POLICY_FILES.snsTopics,
    kms: RESOURCE_POLICY_FILES.kmsKeys,
    opensearch: RESOURCE_POLICY_FILES.opensearchDomains
  }[service]
  const list = doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>)[spec.list] : undefined
  if (!Array.isArray(list)) throw new BadEvidence(file, '', `expected {"${spec.list}": [...]}`)
  const items: ResourcePolicyFacet[] = []
  const problems: string[] = []
  list.forEach((raw, i) => {
    try {
      items.push(resourcePolicyItem(service, raw, file, `/${spec.list}/${i}`))
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e))
    }
  })
  return { items, problems }
}

/**
 * PASS / FAIL / UNKNOWN for "the resource policy allows public access", as Security Hub Lambda.1,
 * SQS.3, SNS.4 and KMS.5 ask it: not collected is unknown, no policy passes, a policy that cannot be
 * read is unknown, a statement granting to anyone without a condition pinning the caller fails.
 */
export function resourcePolicyVerdict(service: PolicyService, policy: string | null | undefined, what: string): Verdict {
  if (policy === undefined) return unknown(`the ${what}'s policy was not collected`)
  if (policy === null) return pass(`the ${what} has no resource policy: nothing is granted to anyone outside the account`)
  const read = readResourcePolicy(service, policy)
  if (!read.ok) return unknown(`the ${what}'s policy cannot be read: ${read.error}`)
  if (read.public.length) return fail(read.public.map((g) => g.why).join('; '))
  return pass(
    `no statement of the ${what}'s policy grants to anyone without a condition that pins the caller (${read.statements.length} statement${read.statements.length === 1 ? '' : 's'})`
  )
}
