// aws.ec2.imdsv2 (Security Hub EC2.8) over a bundle: read from DescribeInstances.
import { evaluateInstanceList, type EvaluationContext } from '../../main/controls/evaluation'
import type { AwsAccountInventory, Ec2Instance } from '../../main/semantics/inventory'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

/** Instances that no longer exist or are about to stop existing: nothing to enforce on. */
const GONE = new Set(['terminated', 'shutting-down'])

/**
 * aws.ec2.imdsv2. IMDSv2 is enforced when IMDSv1 cannot be used: `HttpTokens = required` (every
 * request needs a session token), or `HttpEndpoint = disabled` (no metadata service at all).
 * Stopped instances are evaluated (they start with the same options); terminated and
 * shutting-down ones are skipped.
 *
 * Peers: Prowler's `ec2_instance_imdsv2_enabled` passes the same two cases. AWS Config's
 * `ec2-imdsv2-check` looks at HttpTokens only, so it reports an instance whose endpoint is disabled
 * as non-compliant — stricter than AWS's own definition of "IMDSv1 not usable", which we follow.
 */
/** Tags container orchestrators put on the hosts they run (EKS node groups, ECS container instances). */
const CONTAINER_HOST_TAG =
  /^(eks:cluster-name|aws:eks:cluster-name|eks:nodegroup-name|kubernetes\.io\/cluster\/.+|k8s\.io\/.+|aws:ecs:cluster(name)?|amazonecsmanaged|ecs:cluster)$/i

/**
 * What marks an instance as a container host (an EKS node or an ECS container instance): its
 * orchestrator's tags, or an instance profile named for one. Containers in bridge networking reach
 * IMDS one hop further than the host, so with tokens required they need hop limit 2 (EC2 User
 * Guide, "Configure the instance metadata options") — and at 2 they can also fetch the host
 * role's credentials. The IMDSv2 step and fix decide the hop limit from the same signs.
 */
export function containerHostSigns(i: { tags?: Record<string, string> | null; instanceProfileArn?: string | null }): string[] {
  const signs = Object.keys(i.tags ?? {}).filter((k) => CONTAINER_HOST_TAG.test(k))
  if (/ecs|eks|node|k8s|kube/i.test(i.instanceProfileArn ?? '')) signs.push(`instance profile ${i.instanceProfileArn}`)
  return signs
}

export function imdsVerdict(i: Ec2Instance): Verdict | 'skip' {
  const state = i.State?.Name
  if (state && GONE.has(state)) return 'skip'
  const m = i.MetadataOptions
  if (!m) return unknown('DescribeInstances gives no MetadataOptions for the instance')
  if (m.State === 'pending') {
    return unknown(`a metadata-options change is still being applied (MetadataOptions.State = pending; HttpTokens = ${m.HttpTokens ?? '?'}): collect again once it is applied`)
  }
  if (m.HttpEndpoint === 'disabled') return pass('the instance metadata service is turned off (HttpEndpoint = disabled), so IMDSv1 cannot be used')
  if (m.HttpTokens === 'required') return pass('IMDSv2 is required (HttpTokens = required): requests without a session token are refused')
  if (m.HttpTokens === 'optional') {
    return fail(`IMDSv1 is allowed (HttpTokens = optional, HttpEndpoint = ${m.HttpEndpoint ?? 'enabled'}): requests without a session token are answered`)
  }
  return unknown(`MetadataOptions.HttpTokens is ${m.HttpTokens === undefined ? 'missing' : `"${m.HttpTokens}"`}, not "required" or "optional"`)
}

export function evaluateImdsv2(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  return evaluateInstanceList('aws.ec2.imdsv2', inv, imdsVerdict)
}
