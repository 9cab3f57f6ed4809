// The resources whose access is a resource policy, for `evidence collect --provider aws`
// (docs/evidence-bundle.md, read by main/semantics/inventory-resource-policies.ts): Lambda functions,
// SQS queues, SNS topics and KMS keys, per Region, each with its policy as the service returns it.
// The readers keep the services' distinction, and so does this: a policy that cannot be read is a
// gap naming the resource and no policy key (unknown), never "no policy"; only Lambda GetPolicy's
// ResourceNotFoundException (and a queue's or topic's attributes without Policy) means none.
// A Region whose listing fails is a gap; a file is written when at least one Region was listed.
import { GetKeyPolicyCommand, DescribeKeyCommand, paginateListKeys, type KeyListEntry } from '@aws-sdk/client-kms'
import { GetPolicyCommand, paginateListFunctions, type FunctionConfiguration } from '@aws-sdk/client-lambda'
import { GetTopicAttributesCommand, paginateListTopics } from '@aws-sdk/client-sns'
import { GetQueueAttributesCommand, paginateListQueues } from '@aws-sdk/client-sqs'
import { DescribeDomainsCommand, ListDomainNamesCommand, type DomainStatus } from '@aws-sdk/client-opensearch'
import { errName, why, type ServiceContext } from './collect-aws-services'

const SOURCE = 'aws.inventory'

/** inventory/lambda-functions.json: {"Functions":[ListFunctions item + "policy"]} (urlConfig is not collected: the key is left out). */
export async function lambdaFunctions(x: ServiceContext): Promise<void> {
  const functions: Array<FunctionConfiguration & { policy?: string | null }> = []
  let listed = 0
  for (const region of x.regions) {
    const lambda = x.clients.lambda(region)
    x.progress(`Lambda ${region}: functions and their resource policies`)
    const found: FunctionConfiguration[] = []
    try {
      for await (const page of paginateListFunctions({ client: lambda }, {})) found.push(...(page.Functions ?? []))
    } catch (e) {
      x.gap({ source: SOURCE, operation: 'ListFunctions', region, problem: `ListFunctions in ${region}: ${why(e)} (Lambda)` })
      continue
    }
    listed++
    for (const fn of found) {
      const name = fn.FunctionArn ?? fn.FunctionName
      if (!name) continue
      try {
        const policy = (await lambda.send(new GetPolicyCommand({ FunctionName: name }))).Policy
        if (policy === undefined) x.gap({ source: SOURCE, operation: 'GetPolicy', region, resource: name, problem: `GetPolicy ${name}: the answer holds no policy` })
        functions.push(policy === undefined ? fn : { ...fn, policy })
      } catch (e) {
        if (errName(e) === 'ResourceNotFoundException') functions.push({ ...fn, policy: null })
        else {
          x.gap({ source: SOURCE, operation: 'GetPolicy', region, resource: name, problem: `GetPolicy ${name}: ${why(e)}: its resource policy is unknown` })
          functions.push(fn)
        }
      }
    }
  }
  if (listed) x.w.writeJson(`${x.base}/inventory/lambda-functions.json`, { Functions: functions })
}

/** inventory/sqs-queues.json: {"Queues":[{"QueueUrl","Attributes": GetQueueAttributes All}]}; no Attributes when they could not be read. */
export async function sqsQueues(x: ServiceContext): Promise<void> {
  const queues: Array<{ QueueUrl: string; Attributes?: Record<string, string> }> = []
  let listed = 0
  for (const region of x.regions) {
    const sqs = x.clients.sqs(region)
    x.progress(`SQS ${region}: queues and their policies`)
    const urls: string[] = []
    try {
      // SQS pages (NextToken) only when MaxResults is given
      for await (const page of paginateListQueues({ client: sqs }, { MaxResults: 1000 })) urls.push(...(page.QueueUrls ?? []))
    } catch (e) {
      x.gap({ source: SOURCE, operation: 'ListQueues', region, problem: `ListQueues in ${region}: ${why(e)} (SQS)` })
      continue
    }
    listed++
    for (const QueueUrl of urls) {
      try {
        const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes
        if (!a) x.gap({ source: SOURCE, operation: 'GetQueueAttributes', region, resource: QueueUrl, problem: `GetQueueAttributes ${QueueUrl}: the answer holds no attributes` })
        queues.push(a ? { QueueUrl, Attributes: a } : { QueueUrl })
      } catch (e) {
        x.gap({ source: SOURCE, operation: 'GetQueueAttributes', region, resource: QueueUrl, problem: `GetQueueAttributes ${QueueUrl}: ${why(e)}: its policy is unknown` })
        queues.push({ QueueUrl })
      }
    }
  }
  if (listed) x.w.writeJson(`${x.base}/inventory/sqs-queues.json`, { Queues: queues })
}

/** inventory/sns-topics.json: {"Topics":[{"TopicArn","Attributes": GetTopicAttributes}]}; no Attributes when they could not be read. */
export async function snsTopics(x: ServiceContext): Promise<void> {
  const topics: Array<{ TopicArn: string; Attributes?: Record<string, string> }> = []
  let listed = 0
  for (const region of x.regions) {
    const sns = x.clients.sns(region)
    x.progress(`SNS ${region}: topics and their policies`)
    const arns: string[] = []
    try {
      for await (const page of paginateListTopics({ client: sns }, {})) for (const t of page.Topics ?? []) if (t.TopicArn) arns.push(t.TopicArn)
    } catch (e) {
      x.gap({ source: SOURCE, operation: 'ListTopics', region, problem: `ListTopics in ${region}: ${why(e)} (SNS)` })
      continue
    }
    listed++
    for (const TopicArn of arns) {
      try {
        const a = (await sns.send(new GetTopicAttributesCommand({ TopicArn }))).Attributes
        if (!a) x.gap({ source: SOURCE, operation: 'GetTopicAttributes', region, resource: TopicArn, problem: `GetTopicAttributes ${TopicArn}: the answer holds no attributes` })
        topics.push(a ? { TopicArn, Attributes: a } : { TopicArn })
      } catch (e) {
        x.gap({ source: SOURCE, operation: 'GetTopicAttributes', region, resource: TopicArn, problem: `GetTopicAttributes ${TopicArn}: ${why(e)}: its policy is unknown` })
        topics.push({ TopicArn })
      }
    }
  }
  if (listed) x.w.writeJson(`${x.base}/inventory/sns-topics.json`, { Topics: topics })
}

/** inventory/kms-keys.json: {"Keys":[{"KeyId","KeyArn","KeyMetadata": DescribeKey,"Policy": GetKeyPolicy default}]}; a key policy is never absent, so one not read is no Policy key and a gap. */
export async function kmsKeys(x: ServiceContext): Promise<void> {
  const keys: Array<{ KeyId: string; KeyArn: string; KeyMetadata?: object; Policy?: string }> = []
  let listed = 0
  for (const region of x.regions) {
    const kms = x.clients.kms(region)
    x.progress(`KMS ${region}: keys and their key policies`)
    const found: KeyListEntry[] = []
    try {
      for await (const page of paginateListKeys({ client: kms }, {})) found.push(...(page.Keys ?? []))
    } catch (e) {
      x.gap({ source: SOURCE, operation: 'ListKeys', region, problem: `ListKeys in ${region}: ${why(e)} (KMS)` })
      continue
    }
    listed++
    for (const k of found) {
      if (!k.KeyId) continue
      const KeyArn = k.KeyArn ?? `arn:aws:kms:${region}:${x.account ?? 'unknown'}:key/${k.KeyId}`
      const key: (typeof keys)[number] = { KeyId: k.KeyId, KeyArn }
      try {
        const m = (await kms.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata
        if (m) key.KeyMetadata = m
      } catch (e) {
        x.gap({ source: SOURCE, operation: 'DescribeKey', region, resource: KeyArn, problem: `DescribeKey ${KeyArn}: ${why(e)}` })
      }
      try {
        const policy = (await kms.send(new GetKeyPolicyCommand({ KeyId: k.KeyId, PolicyName: 'default' }))).Policy
        if (policy === undefined) x.gap({ source: SOURCE, operation: 'GetKeyPolicy', region, resource: KeyArn, problem: `GetKeyPolicy ${KeyArn}: the answer holds no policy` })
        else key.Policy = policy
      } catch (e) {
        x.gap({ source: SOURCE, operation: 'GetKeyPolicy', region, resource: KeyArn, problem: `GetKeyPolicy ${KeyArn}: ${why(e)}: its key policy is unknown` })
      }
      keys.push(key)
    }
  }
  if (listed) x.w.writeJson(`${x.base}/inventory/kms-keys.json`, { Keys: keys })
}

/**
 * inventory/opensearch-domains.json: {"DomainStatusList":[DescribeDomains DomainStatus]}, five names a
 * call (DescribeDomains' limit). A batch that fails is a gap naming its domains (they are left out,
 * unknown). Returns the domains described: their audit logs are copied later (collect-usage-logs.ts).
 */
export async function opensearchDomains(x: ServiceContext): Promise<DomainStatus[]> {
  const domains: DomainStatus[] = []
  let listed = 0
  for (const region of x.regions) {
    const os = x.clients.opensearch(region)
    x.progress(`OpenSearch ${region}: domains and their access policies`)
    let names: string[]
    try {
      names = ((await os.send(new ListDomainNamesCommand({}))).DomainNames ?? []).flatMap((d) => (d.DomainName ? [d.DomainName] : []))
    } catch (e) {
      x.gap({ source: SOURCE, operation: 'ListDomainNames', region, problem: `ListDomainNames in ${region}: ${why(e)} (OpenSearch)` })
      continue
    }
    listed++
    for (let i = 0; i < names.length; i += 5) {
      const batch = names.slice(i, i + 5)
      try {
        const got = (await os.send(new DescribeDomainsCommand({ DomainNames: batch }))).DomainStatusList ?? []
        domains.push(...got)
      } catch (e) {
        x.gap({
          source: SOURCE,
          operation: 'DescribeDomains',
          region,
          resource: batch.join(', '),
          problem: `DescribeDomains ${batch.join(', ')}: ${why(e)}: these domains are not in the file`
        })
      }
    }
  }
  if (listed) x.w.writeJson(`${x.base}/inventory/opensearch-domains.json`, { DomainStatusList: domains })
  return domains
}

/** The five files, one after the other; returns the OpenSearch domains described. */
export async function resourcePolicies(x: ServiceContext): Promise<DomainStatus[]> {
  await lambdaFunctions(x)
  await sqsQueues(x)
  await snsTopics(x)
  await kmsKeys(x)
  return opensearchDomains(x)
}
