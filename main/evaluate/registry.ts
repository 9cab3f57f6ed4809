// Every control Lastmile evaluates from a bundle, in one table: its id, what it checks, and the
// function that checks it. A new control is a new row here plus its module.
import type { EvaluationContext } from './context'
import type { AwsAccountInventory } from './inventory'
import { evaluateAzureSecureTransfer } from './azure-storage'
import { evaluateContainerImages } from './containers'
import { evaluateEbsDefaultEncryption, evaluateImdsv2 } from './ec2'
import { evaluateUnusedAccessKeys } from './iam'
import { evaluateHttpsOnly, evaluatePublicAccess, evaluatePublicAccessBlock } from './s3'
import { evaluateSecurityGroups } from './security-groups'
import type { ControlId, Evaluation } from './types'

export interface ControlDefinition {
  id: ControlId
  title: string
  /** the peers' ids for the same check, for people comparing results */
  peers: string[]
  evaluate(ctx: EvaluationContext): Evaluation[]
}

const perAccount =
  (fn: (ctx: EvaluationContext, inv: AwsAccountInventory) => Evaluation[]) =>
  (ctx: EvaluationContext): Evaluation[] =>
    ctx.bundle.aws.flatMap((inv) => fn(ctx, inv))

export const CONTROLS: readonly ControlDefinition[] = [
  {
    id: 'aws.s3.https-only',
    title: 'S3 buckets refuse requests over plain HTTP',
    peers: ['Security Hub S3.5', 'Config s3-bucket-ssl-requests-only', 'Prowler s3_bucket_secure_transport_policy'],
    evaluate: perAccount(evaluateHttpsOnly)
  },
  {
    id: 'aws.s3.public-access',
    title: 'S3 buckets are not public (policy or ACL, after Block Public Access)',
    peers: ['Security Hub S3.2', 'Security Hub S3.3', 'Prowler s3_bucket_public_access'],
    evaluate: perAccount(evaluatePublicAccess)
  },
  {
    id: 'aws.s3.public-access-block',
    title: 'S3 Block Public Access: all four settings on, at bucket or account level',
    peers: ['Security Hub S3.1', 'Security Hub S3.8', 'Config s3-account-level-public-access-blocks-periodic'],
    evaluate: perAccount(evaluatePublicAccessBlock)
  },
  {
    id: 'aws.ec2.imdsv2',
    title: 'EC2 instances require IMDSv2',
    peers: ['Security Hub EC2.8', 'Config ec2-imdsv2-check', 'Prowler ec2_instance_imdsv2_enabled'],
    evaluate: perAccount(evaluateImdsv2)
  },
  {
    id: 'aws.ec2.sg-open-admin-ports',
    title: 'Security groups do not open SSH (22) or RDP (3389) to the internet',
    peers: ['Security Hub EC2.13', 'Security Hub EC2.14', 'Config restricted-ssh', 'Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22'],
    evaluate: perAccount(evaluateSecurityGroups)
  },
  {
    id: 'aws.ec2.ebs-default-encryption',
    title: 'EBS encryption by default is on in every Region',
    peers: ['Security Hub EC2.7', 'Config ec2-ebs-encryption-by-default', 'Prowler ec2_ebs_default_encryption'],
    evaluate: perAccount(evaluateEbsDefaultEncryption)
  },
  {
    id: 'aws.iam.unused-access-key',
    title: 'No active IAM access key unused for the threshold (45 days by default)',
    peers: ['Security Hub IAM.22', 'CIS AWS 1.12', 'Config iam-user-unused-credentials-check', 'Prowler iam_user_accesskey_unused'],
    evaluate: perAccount(evaluateUnusedAccessKeys)
  },
  {
    id: 'container.image.vulnerable',
    title: 'Running container images carry no CRITICAL or HIGH vulnerability (per ECR scan)',
    peers: ['Inspector ECR findings', 'Trivy image'],
    evaluate: evaluateContainerImages
  },
  {
    id: 'azure.storage.secure-transfer',
    title: 'Azure storage accounts require secure transfer and TLS 1.2 or later',
    peers: ['Azure Policy 404c3081-a854-4457-ae30-26a93ef643f9', 'Azure Policy fe83a0eb-a853-422d-aac2-1bffd182c5d0', 'Prowler storage_secure_transfer_required_is_enabled'],
    evaluate: evaluateAzureSecureTransfer
  }
]
