// aws.ec2.imdsv2 (Security Hub EC2.8): require session tokens for the instance metadata service
// (FORMATS.md C.3).
//
// Only `--http-tokens required` is sent. `--http-endpoint enabled`, often seen beside it, would
// switch the metadata service ON for an instance where somebody turned it off; the hop limit is
// left as it is (containers on the instance need 2 to reach IMDSv2 — EC2 User Guide, "Configure
// the instance metadata options"). ModifyInstanceMetadataOptions applies asynchronously
// (MetadataOptions.State pending → applied), but HttpTokens reads back at once.
import { LastmileError } from '../../errors'
import { parseArn } from '../../evidence/ids'
import { bashScript, sq } from '../shell'
import type { FixRenderer } from '../types'
import { artefact, headerLines, requireAccount, requireConfig, requireRegion, validationText } from './common'

interface Ec2Config {
  instanceId: string
  account: string
  region: string
  state: string | null
  httpTokens: string | null
  httpEndpoint: string | null
  hopLimit: number | null
}

export const ec2Imdsv2Fix: FixRenderer = {
  control: 'aws.ec2.imdsv2',
  summary: 'require IMDSv2 session tokens on the instance',
  inputs(db, target) {
    const cfg = requireConfig<Ec2Config>({ db }, target, target.resourceId, 'ec2.config', 'inventory/ec2-instances.json (DescribeInstances)')
    const v = cfg.value
    return {
      values: { instanceId: v.instanceId, account: v.account, region: v.region, httpTokens: v.httpTokens, httpEndpoint: v.httpEndpoint, hopLimit: v.hopLimit, state: v.state },
      evidence: cfg.evidence,
      collectedAt: cfg.collectedAt
    }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as Ec2Config
    if (parseArn(t.resourceId)?.service !== 'ec2') throw new LastmileError('bad-input', `${t.finding}: ${t.resourceId} is not an EC2 instance ARN`)
    if (v.httpTokens === 'required') throw new LastmileError('conflict', `${t.finding}: ${v.instanceId} already requires IMDSv2 in the evidence; validate the finding instead of planning a fix`)
    if (v.httpEndpoint === 'disabled') throw new LastmileError('conflict', `${t.finding}: the metadata service of ${v.instanceId} is disabled in the evidence, so no IMDSv1 call is possible; validate the finding instead`)
    const account = requireAccount(t, v.account)
    const region = requireRegion(t, v.region)
    const previous = v.httpTokens ?? 'optional'
    const header = headerLines(ctx)
    const fns = [
      `INSTANCE=${sq(v.instanceId)}`,
      `REGION=${sq(region)}`,
      'metadata_options() { aws ec2 describe-instances --instance-ids "$INSTANCE" --region "$REGION" --output json | jq -c ".Reservations[0].Instances[0].MetadataOptions"; }',
      'tokens_are() { [ "$(metadata_options | jq -r .HttpTokens)" = "$1" ]; }'
    ]
    const fix = bashScript({
      title: `Fix: require IMDSv2 (HttpTokens=required) on ${v.instanceId} in ${region}`,
      lines: [...header, `The hop limit (${v.hopLimit ?? 'unknown'}) and the endpoint setting are left as they are.`],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'save the live metadata options (rollback capture)',
          check: '[ -s "$ROLLBACK_DIR/metadata-options.before.json" ] || tokens_are required',
          already: 'the options were saved by an earlier run, or IMDSv2 is already required',
          apply: ['metadata_options > "$ROLLBACK_DIR/metadata-options.before.json"']
        },
        {
          title: `require session tokens on ${v.instanceId}`,
          check: 'tokens_are required',
          already: `${v.instanceId} already requires IMDSv2`,
          apply: ['aws ec2 modify-instance-metadata-options --instance-id "$INSTANCE" --region "$REGION" --http-tokens required --output json > /dev/null'],
          verify: 'tokens_are required'
        }
      ],
      done: `${v.instanceId} now refuses IMDSv1 (token-less) metadata requests`
    })
    const rollback = bashScript({
      title: `Rollback: allow IMDSv1 again on ${v.instanceId} (HttpTokens back to its previous value)`,
      lines: header,
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: [
        ...fns,
        `PREVIOUS=${sq(previous)}`,
        '[ -s "$ROLLBACK_DIR/metadata-options.before.json" ] && PREVIOUS="$(jq -r .HttpTokens "$ROLLBACK_DIR/metadata-options.before.json")"'
      ],
      steps: [
        {
          title: `set HttpTokens of ${v.instanceId} back to its previous value`,
          check: 'tokens_are "$PREVIOUS"',
          already: `${v.instanceId} already has its previous setting`,
          apply: ['aws ec2 modify-instance-metadata-options --instance-id "$INSTANCE" --region "$REGION" --http-tokens "$PREVIOUS" --output json > /dev/null'],
          verify: 'tokens_are "$PREVIOUS"'
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
        `no process on ${v.instanceId} still calls IMDSv1: MetadataNoToken stayed 0 and no CloudTrail call used ec2RoleDelivery 1.0 (the investigation's evidence)`,
        'if the instance is launched from a launch template or Auto Scaling group, set http_tokens = "required" there as well, or replacements come back with IMDSv1'
      ],
      validation: validationText(t),
      notes: v.state && v.state !== 'running' ? [`${v.instanceId} was ${v.state} at collection; the setting applies when it runs`] : []
    }
  }
}
