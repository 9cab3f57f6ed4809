// aws.ec2.imdsv2 (Security Hub EC2.8): require session tokens for the instance metadata service
// (FORMATS.md C.3).
//
// The hop limit follows the investigation's container-hop-limit step (containerHostSigns): on a
// container host (EKS node, ECS container instance) at hop limit 1, containers in bridge
// networking would lose IMDS once tokens are required, so the fix raises it to 2 — and says that
// this lets them fetch the host role's credentials; on any other instance it stays as it is.
// Every call names the hop limit and the endpoint setting explicitly, with the live values saved
// first (moto, and some SDKs, reset an option a call leaves out), and the endpoint is never
// switched on: an instance whose metadata service is off needs no fix. The rollback puts back the
// saved tokens, hop limit and endpoint settings exactly. ModifyInstanceMetadataOptions applies
// asynchronously (MetadataOptions.State pending → applied), but the values read back at once.
import { containerHostSigns } from './evaluate'
import { LastmileError } from '../../main/errors'
import { parseArn } from '../../main/semantics/ids'
import { bashScript, shellVar, sq } from '../../main/controls/shell'
import type { FixRenderer } from '../../main/controls/fix'
import type { Ec2ConfigFacet } from '../../main/semantics/facets'
import { artefact, headerLines, requireAccount, requireConfig, requireRegion, validationText } from '../../main/controls/fix-common'

/** The plan's inputs: the instance's metadata options as collected (the `ec2.config` facet). */
type Ec2Inputs = Pick<Ec2ConfigFacet, 'instanceId' | 'account' | 'region' | 'state' | 'httpTokens' | 'httpEndpoint' | 'hopLimit'> & {
  /** what marks the instance as a container host */
  containerHost?: string[]
}

/** Containers in bridge networking need this hop limit to get a token reply. */
const CONTAINER_HOP_LIMIT = 2

export const ec2Imdsv2Fix: FixRenderer = {
  control: 'aws.ec2.imdsv2',
  summary: 'require IMDSv2 session tokens on the instance',
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'ec2.config', 'inventory/ec2-instances.json (DescribeInstances)')
    const v = cfg.value
    const values: Ec2Inputs = {
      instanceId: v.instanceId,
      account: v.account,
      region: v.region,
      httpTokens: v.httpTokens,
      httpEndpoint: v.httpEndpoint,
      hopLimit: v.hopLimit,
      state: v.state,
      containerHost: containerHostSigns(v)
    }
    return {
      values,
      evidence: cfg.evidence,
      collectedAt: cfg.collectedAt
    }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as Ec2Inputs
    if (parseArn(t.resourceId)?.service !== 'ec2') throw new LastmileError('bad-input', `${t.finding}: ${t.resourceId} is not an EC2 instance ARN`)
    if (v.httpTokens === 'required')
      throw new LastmileError('conflict', `${t.finding}: ${v.instanceId} already requires IMDSv2 in the evidence; validate the finding instead of planning a fix`)
    if (v.httpEndpoint === 'disabled')
      throw new LastmileError(
        'conflict',
        `${t.finding}: the metadata service of ${v.instanceId} is disabled in the evidence, so no IMDSv1 call is possible; validate the finding instead`
      )
    const account = requireAccount(t, v.account)
    const region = requireRegion(t, v.region)
    const previous = v.httpTokens ?? 'optional'
    const signs = v.containerHost ?? []
    const raise = signs.length > 0 && (v.hopLimit ?? 1) < CONTAINER_HOP_LIMIT
    const hopText = raise
      ? `The hop limit goes from ${v.hopLimit ?? 1} to ${CONTAINER_HOP_LIMIT}: the instance runs containers (${signs.join(', ')}), which need it to get a token reply; at ${CONTAINER_HOP_LIMIT} they can also fetch the instance role's credentials.`
      : `The hop limit stays as it is (${v.hopLimit ?? 'as found'}): nothing marks the instance as a container host.`
    const header = headerLines(ctx)
    const BEFORE = '"$ROLLBACK_DIR/metadata-options.before.json"'
    const fns = [
      `INSTANCE=${sq(v.instanceId)}`,
      `REGION=${sq(region)}`,
      'metadata_options() { aws ec2 describe-instances --instance-ids "$INSTANCE" --region "$REGION" --output json | jq -c ".Reservations[0].Instances[0].MetadataOptions"; }',
      '# tokens, hop limit and endpoint as they are now: "required 2 enabled"',
      'options_are() { [ "$(metadata_options | jq -r \'"\\(.HttpTokens) \\(.HttpPutResponseHopLimit) \\(.HttpEndpoint // "enabled")"\')" = "$1 $2 $3" ]; }'
    ]
    const fix = bashScript({
      title: `Fix: require IMDSv2 (HttpTokens=required) on ${v.instanceId} in ${region}`,
      lines: [...header, hopText, 'The endpoint setting is kept (passed explicitly, as read before the change).'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'save the live metadata options (rollback capture)',
          check: `[ -s ${BEFORE} ]`,
          already: 'the options were saved by an earlier run',
          apply: [`metadata_options > ${BEFORE}`]
        },
        {
          title: `require session tokens on ${v.instanceId}, hop limit ${raise ? CONTAINER_HOP_LIMIT : 'unchanged'}`,
          before: [
            `ENDPOINT="$(jq -r '.HttpEndpoint // "enabled"' ${BEFORE})"`,
            `[ "$ENDPOINT" = enabled ] || fail ${sq(`the metadata service of ${v.instanceId} is switched off: no IMDSv1 call is possible, nothing to fix; nothing was changed`)}`,
            raise ? `HOP_LIMIT=${CONTAINER_HOP_LIMIT}` : `HOP_LIMIT="$(jq -r .HttpPutResponseHopLimit ${BEFORE})"`
          ],
          check: 'options_are required "$HOP_LIMIT" "$ENDPOINT"',
          already: `${v.instanceId} already requires IMDSv2 with hop limit ${shellVar('HOP_LIMIT')}`,
          apply: [
            'aws ec2 modify-instance-metadata-options --instance-id "$INSTANCE" --region "$REGION" --http-tokens required --http-put-response-hop-limit "$HOP_LIMIT" --http-endpoint "$ENDPOINT" --output json > /dev/null'
          ],
          verify: 'options_are required "$HOP_LIMIT" "$ENDPOINT"'
        }
      ],
      done: `${v.instanceId} now refuses IMDSv1 (token-less) metadata requests, hop limit ${shellVar('HOP_LIMIT')}`
    })
    const rollback = bashScript({
      title: `Rollback: put back the metadata options of ${v.instanceId} saved before the fix (tokens, hop limit, endpoint)`,
      lines: header,
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: [
        ...fns,
        '# the options saved by the fix; without them, the ones in evidence',
        `TOKENS=${sq(previous)}`,
        `HOP_LIMIT=${sq(String(v.hopLimit ?? 1))}`,
        `ENDPOINT=${sq(v.httpEndpoint ?? 'enabled')}`,
        `if [ -s ${BEFORE} ]; then`,
        `  TOKENS="$(jq -r .HttpTokens ${BEFORE})"`,
        `  HOP_LIMIT="$(jq -r .HttpPutResponseHopLimit ${BEFORE})"`,
        `  ENDPOINT="$(jq -r '.HttpEndpoint // "enabled"' ${BEFORE})"`,
        'fi'
      ],
      steps: [
        {
          title: `set the metadata options of ${v.instanceId} back to HttpTokens=${shellVar('TOKENS')}, hop limit ${shellVar('HOP_LIMIT')}, endpoint ${shellVar('ENDPOINT')}`,
          check: 'options_are "$TOKENS" "$HOP_LIMIT" "$ENDPOINT"',
          already: `${v.instanceId} already has its previous settings`,
          apply: [
            'aws ec2 modify-instance-metadata-options --instance-id "$INSTANCE" --region "$REGION" --http-tokens "$TOKENS" --http-put-response-hop-limit "$HOP_LIMIT" --http-endpoint "$ENDPOINT" --output json > /dev/null'
          ],
          verify: 'options_are "$TOKENS" "$HOP_LIMIT" "$ENDPOINT"'
        }
      ],
      done: `${v.instanceId} has its previous metadata options again`
    })
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `require IMDSv2 on ${v.instanceId}`, fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `allow IMDSv1 again on ${v.instanceId}`, rollback)],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed ec2:DescribeInstances and ec2:ModifyInstanceMetadataOptions in ${region}`,
        `no process on ${v.instanceId} still calls IMDSv1: the investigation must have found no MetadataNoToken count and no CloudTrail call with ec2RoleDelivery 1.0 in any Region (its RCI says whether the evidence covered the whole window)`,
        ...(raise
          ? [
              `the owner of ${v.instanceId} accepts hop limit ${CONTAINER_HOP_LIMIT}: containers on it keep the metadata service and can fetch the instance role's credentials (give pods their own role, e.g. IRSA or EKS Pod Identity, where that matters)`
            ]
          : []),
        'if the instance is launched from a launch template or Auto Scaling group, set http_tokens = "required" there as well, or replacements come back with IMDSv1'
      ],
      validation: validationText(t),
      notes: v.state && v.state !== 'running' ? [`${v.instanceId} was ${v.state} at collection; the setting applies when it runs`] : []
    }
  }
}
