// The hand-made part of playbooks/catalogue/overrides/iac.yaml: which Checkov, Trivy/tfsec (AVD) and KICS
// rules report the same problem, on the same resource, as a Security Hub control (or, where Security Hub
// has none, a Prowler check). Everything else in that file — the rules' titles, the tfsec/Trivy long ids,
// tfsec's legacy ids, paths and commits — is read from the tools' repositories by extract-iac.ts.
//
// The rule for a match: the tool's rule fails exactly when the control fails, on the control's resource.
// A rule that checks more (another resource type, a stricter setting such as a customer-managed key where
// the control accepts any KMS key) or less (one setting of several) is left out, and a `note` says so when
// it is close. A rule that checks the same setting on a subset of the control's resources (only the
// cluster snapshots of RDS.4) is kept: every finding it raises is one the control raises too.
//
// Anchors are picked by how often the control fails in real exports: per-resource controls on the resource
// types an account has most of (S3 buckets, security groups, IAM principals, EBS volumes, RDS, Lambda, load
// balancers, EKS, CloudFront, SNS/SQS, OpenSearch, DynamoDB, ECR, VPC flow logs; Azure storage accounts,
// SQL servers, Key Vault, NSGs, App Service, AKS), the controls the CIS AWS/Azure benchmarks also carry
// (they run in every CIS scan), and among those the ones that at least one IaC scanner checks — a control
// no IaC rule reports needs no IaC ids. Controls a folder under playbooks/ owns are not anchored here.

export interface KicsQuery {
  /** the query's `id` (metadata.json) */
  id: string
  /** its queryName, as KICS's query list gives it */
  name: string
}

export interface IacDecision {
  /** securityhub:<control id> or prowler:<check id>, as the reference tables name it */
  anchor: string
  checkov?: string[]
  /** AVD ids (AVD-AWS-0180): Trivy's and tfsec's checks; their long and legacy ids are read from the repos */
  avd?: string[]
  kics?: KicsQuery[]
  /** why a close rule is left out, or what a kept rule's scope is */
  note?: string
}

/** KICS is too large to mirror here; its query ids and names are taken from the query list KICS generates */
export const KICS_SOURCE = { repo: 'Checkmarx/kics', commit: '39276238ba5004d8dcca01dcf8f1bdbfb438286d', path: 'docs/queries/terraform-queries.md' }

const k = (id: string, name: string): KicsQuery => ({ id, name })

export const DECISIONS: IacDecision[] = [
  // ---- RDS
  {
    anchor: 'securityhub:RDS.2',
    checkov: ['CKV_AWS_17'],
    avd: ['AVD-AWS-0180', 'AVD-AWS-0082'],
    kics: [k('35113e6f-2c6b-414d-beec-7a9482d3b2d1', 'RDS DB Instance Publicly Accessible')]
  },
  { anchor: 'securityhub:RDS.3', checkov: ['CKV_AWS_16'], avd: ['AVD-AWS-0080'], kics: [k('08bd0760-8752-44e1-9779-7bb369b2b4e4', 'DB Instance Storage Not Encrypted')] },
  {
    anchor: 'securityhub:RDS.27',
    checkov: ['CKV_AWS_96'],
    avd: ['AVD-AWS-0079'],
    kics: [k('3199c26c-7871-4cb3-99c2-10a59244ce7f', 'RDS Storage Not Encrypted'), k('1a690d1d-0ae7-49fa-b2db-b75ae0dd1d3e', 'Aurora With Disabled at Rest Encryption')]
  },
  {
    anchor: 'securityhub:RDS.4',
    checkov: ['CKV_AWS_146'],
    kics: [k('656880aa-1388-488f-a6d4-8f73c23149b2', 'RDS Database Cluster not Encrypted')],
    note: 'these rules check cluster snapshots only (RDS.4 also checks DB instance snapshots)'
  },
  { anchor: 'securityhub:RDS.1', checkov: ['CKV_AWS_302'] },
  { anchor: 'securityhub:RDS.5', checkov: ['CKV_AWS_157'] },
  { anchor: 'securityhub:RDS.6', checkov: ['CKV_AWS_118'] },
  { anchor: 'securityhub:RDS.7', checkov: ['CKV_AWS_139'], avd: ['AVD-AWS-0343'] },
  { anchor: 'securityhub:RDS.8', checkov: ['CKV_AWS_293'], avd: ['AVD-AWS-0177'] },
  { anchor: 'securityhub:RDS.9', checkov: ['CKV_AWS_129'], kics: [k('8d7f7b8c-6c7c-40f8-baa6-62006c6c7b56', 'RDS Without Logging')] },
  { anchor: 'securityhub:RDS.10', checkov: ['CKV_AWS_161'], avd: ['AVD-AWS-0176'], kics: [k('88fd05e0-ac0e-43d2-ba6d-fc0ba60ae1a6', 'IAM Database Auth Not Enabled')] },
  {
    anchor: 'securityhub:RDS.11',
    kics: [k('1dc73fb4-5b51-430c-8c5f-25dcf9090b02', 'RDS With Backup Disabled')],
    note: 'not mapped: CKV_AWS_133 (also checks aws_rds_cluster) and AVD-AWS-0077 (retention under 2 days, clusters too)'
  },
  { anchor: 'securityhub:RDS.12', checkov: ['CKV_AWS_162'] },
  { anchor: 'securityhub:RDS.13', checkov: ['CKV_AWS_226'], kics: [k('3b6d777b-76e3-4133-80a3-0d6f667ade7f', 'Automatic Minor Upgrades Disabled')] },
  { anchor: 'securityhub:RDS.16', checkov: ['CKV_AWS_313'] },
  { anchor: 'securityhub:RDS.17', checkov: ['CKV2_AWS_60'] },

  // ---- EC2, EBS, VPC
  {
    anchor: 'securityhub:EC2.2',
    checkov: ['CKV2_AWS_12'],
    avd: ['AVD-AWS-0173'],
    kics: [
      k('46883ce1-dc3e-4b17-9195-c6a601624c73', 'Default Security Groups With Unrestricted Traffic'),
      k('9a4ef195-74b9-4c58-b8ed-2b2fe4353a75', 'VPC Default Security Group Accepts All Traffic')
    ]
  },
  {
    anchor: 'securityhub:EC2.3',
    checkov: ['CKV_AWS_3', 'CKV2_AWS_2'],
    avd: ['AVD-AWS-0026', 'AVD-AWS-0131'],
    kics: [k('cc997676-481b-4e93-aa81-d19f8c5e9b12', 'EBS Volume Encryption Disabled')],
    note: "AVD-AWS-0131 checks an instance's root and EBS block devices (its attached volumes); not mapped: CKV_AWS_8 (also launch configurations)"
  },
  { anchor: 'securityhub:EC2.6', checkov: ['CKV2_AWS_11'], avd: ['AVD-AWS-0178'], kics: [k('f83121ea-03da-434f-9277-9cd247ab3047', 'VPC FlowLogs Disabled')] },
  {
    anchor: 'securityhub:EC2.9',
    kics: [k('5a2486aa-facf-477d-a5c1-b010789459ce', 'EC2 Instance Has Public IP')],
    note: 'not mapped: CKV_AWS_88 (launch templates too, which EC2.25 covers)'
  },
  { anchor: 'securityhub:AutoScaling.5', checkov: ['CKV_AWS_389'], avd: ['AVD-AWS-0009'] },
  { anchor: 'securityhub:EC2.15', checkov: ['CKV_AWS_130'], avd: ['AVD-AWS-0164'], kics: [k('52f04a44-6bfa-4c41-b1d3-4ae99a2de05c', 'VPC Subnet Assigns Public IP')] },
  {
    anchor: 'securityhub:EC2.21',
    checkov: ['CKV_AWS_231', 'CKV_AWS_232'],
    avd: ['AVD-AWS-0105'],
    kics: [
      k('a20be318-cac7-457b-911d-04cc6e812c25', 'Network ACL With Unrestricted Access To RDP'),
      k('3af7f2fd-06e6-4dab-b996-2912bea19ba4', 'Network ACL With Unrestricted Access To SSH')
    ]
  },
  { anchor: 'securityhub:EC2.28', checkov: ['CKV2_AWS_9'] },

  // ---- IAM
  {
    anchor: 'securityhub:IAM.1',
    checkov: ['CKV_AWS_62', 'CKV_AWS_274'],
    kics: [k('2f37c4a3-58b9-4afe-8a87-d7f1d2286f84', 'IAM Policies With Full Privileges')],
    note: 'CKV_AWS_274 flags attaching AdministratorAccess, as Prowler\'s iam_aws_attached_policy_no_administrative_privileges does; not mapped: CKV_AWS_63/CKV_AWS_355 (Action "*" on any resource) and the deprecated AVD-AWS-0057 (any wildcard)'
  },
  { anchor: 'securityhub:IAM.2', checkov: ['CKV_AWS_40'], avd: ['AVD-AWS-0143'], kics: [k('b4378389-a9aa-44ee-91e7-ef183f11079e', 'IAM Policies Attached To User')] },
  { anchor: 'securityhub:IAM.3', avd: ['AVD-AWS-0146'] },
  { anchor: 'securityhub:IAM.4', checkov: ['CKV_AWS_348'], avd: ['AVD-AWS-0141'], kics: [k('970d224d-b42a-416b-81f9-8f4dfe70c4bc', 'Root Account Has Active Access Keys')] },
  { anchor: 'securityhub:IAM.5', avd: ['AVD-AWS-0145'], note: 'AVD-AWS-0145 flags users who have logged in (console users) without an MFA device' },
  { anchor: 'securityhub:IAM.6', avd: ['AVD-AWS-0165'] },
  { anchor: 'securityhub:IAM.9', avd: ['AVD-AWS-0142'] },
  {
    anchor: 'securityhub:IAM.7',
    checkov: ['CKV_AWS_9', 'CKV_AWS_10', 'CKV_AWS_11', 'CKV_AWS_12', 'CKV_AWS_13', 'CKV_AWS_14', 'CKV_AWS_15'],
    avd: ['AVD-AWS-0056', 'AVD-AWS-0058', 'AVD-AWS-0059', 'AVD-AWS-0060', 'AVD-AWS-0061', 'AVD-AWS-0062', 'AVD-AWS-0063'],
    kics: [
      k('1bc1c685-e593-450e-88fb-19db4c82aa1d', 'IAM Password Without Minimum Length'),
      k('ce60d060-efb8-4bfd-9cf7-ff8945d00d90', 'Misconfigured Password Policy Expiration'),
      k('89806cdc-9c2e-4bd1-a0dc-53f339bcfb2a', 'Password Without Reuse Prevention')
    ],
    note: 'each rule checks one setting of the account password policy; IAM.7 (and IAM.10, joined to it by the same seven Prowler checks) checks them together, one remediation unit'
  },

  // ---- CloudTrail
  { anchor: 'securityhub:CloudTrail.1', checkov: ['CKV_AWS_67'], avd: ['AVD-AWS-0014'], kics: [k('8173d5eb-96b5-4aa6-a71b-ecfa153c123d', 'CloudTrail Multi Region Disabled')] },
  {
    anchor: 'securityhub:CloudTrail.2',
    checkov: ['CKV_AWS_35'],
    avd: ['AVD-AWS-0015'],
    kics: [k('5d9e3164-9265-470c-9a10-57ae454ac0c7', 'CloudTrail Log Files Not Encrypted With KMS')]
  },
  {
    anchor: 'securityhub:CloudTrail.4',
    checkov: ['CKV_AWS_36'],
    avd: ['AVD-AWS-0016'],
    kics: [k('52ffcfa6-6c70-4ea6-8376-d828d3961669', 'CloudTrail Log File Validation Disabled')]
  },
  {
    anchor: 'securityhub:CloudTrail.5',
    checkov: ['CKV2_AWS_10'],
    avd: ['AVD-AWS-0162'],
    kics: [k('17b30f8f-8dfb-4597-adf6-57600b6cf25e', 'CloudTrail Not Integrated With CloudWatch')]
  },
  { anchor: 'securityhub:CloudTrail.6', avd: ['AVD-AWS-0161'], kics: [k('bd0088a5-c133-4b20-b129-ec9968b16ef3', 'CloudTrail Log Files S3 Bucket is Publicly Accessible')] },
  { anchor: 'securityhub:CloudTrail.7', avd: ['AVD-AWS-0163'], kics: [k('ee9e50e8-b2ed-4176-ad42-8fc0cf7593f4', 'CloudTrail Log Files S3 Bucket with Logging Disabled')] },

  // ---- KMS
  { anchor: 'securityhub:KMS.4', checkov: ['CKV_AWS_7'], avd: ['AVD-AWS-0065'], kics: [k('22fbfeac-7b5a-421a-8a27-7a2178bb910b', 'CMK Rotation Disabled')] },
  { anchor: 'securityhub:KMS.5', checkov: ['CKV_AWS_33'] },

  // ---- ELB
  {
    anchor: 'securityhub:ELB.1',
    checkov: ['CKV_AWS_2', 'CKV2_AWS_20'],
    avd: ['AVD-AWS-0054'],
    kics: [k('de7f5e83-da88-4046-871f-ea18504b1d43', 'ALB Listening on HTTP')]
  },
  { anchor: 'securityhub:ELB.4', checkov: ['CKV_AWS_131'], avd: ['AVD-AWS-0052'], kics: [k('6e3fd2ed-5c83-4c68-9679-7700d224d379', 'ALB Not Dropping Invalid Headers')] },
  {
    anchor: 'securityhub:ELB.5',
    checkov: ['CKV_AWS_92'],
    kics: [k('20018359-6fd7-4d05-ab26-d4dffccbdf79', 'ELB Access Log Disabled')],
    note: 'these rules check Classic Load Balancers; not mapped: CKV_AWS_91 (Network Load Balancers too)'
  },
  { anchor: 'securityhub:ELB.6', checkov: ['CKV_AWS_150'], kics: [k('afecd1f1-6378-4f7e-bb3b-60c35801fdd4', 'ALB Deletion Protection Disabled')] },
  { anchor: 'securityhub:ELB.12', note: 'not mapped: CKV_AWS_328 (Classic Load Balancers too, which ELB.14 covers)' },
  {
    anchor: 'securityhub:ELB.16',
    checkov: ['CKV2_AWS_28'],
    kics: [k('0afa6ab8-a047-48cf-be07-93a2f8c34cf7', 'ALB Is Not Integrated With WAF')],
    note: 'these rules check internet-facing Application Load Balancers only'
  },

  // ---- Lambda
  { anchor: 'securityhub:Lambda.1', checkov: ['CKV_AWS_301'], kics: [k('e08ed7eb-f3ef-494d-9d22-2e3db756a347', 'Lambda Permission Principal Is Wildcard')] },
  { anchor: 'securityhub:Lambda.2', checkov: ['CKV_AWS_363'] },
  { anchor: 'securityhub:Lambda.3', checkov: ['CKV_AWS_117'] },

  // ---- EKS
  {
    anchor: 'securityhub:EKS.1',
    checkov: ['CKV_AWS_39'],
    avd: ['AVD-AWS-0040'],
    kics: [k('42f4b905-3736-4213-bfe9-c0660518cda8', 'EKS Cluster Has Public Access')],
    note: 'not mapped: CKV_AWS_38, AVD-AWS-0041 and KICS 61cf9883 (a public endpoint open to 0.0.0.0/0: narrower than EKS.1, any public endpoint)'
  },
  { anchor: 'securityhub:EKS.2', checkov: ['CKV_AWS_339'] },
  { anchor: 'securityhub:EKS.3', checkov: ['CKV_AWS_58'], avd: ['AVD-AWS-0039'], kics: [k('63ebcb19-2739-4d3f-aa5c-e8bbb9b85281', 'EKS Cluster Encryption Disabled')] },
  {
    anchor: 'securityhub:EKS.8',
    checkov: ['CKV_AWS_37'],
    avd: ['AVD-AWS-0038'],
    kics: [k('37304d3f-f852-40b8-ae3f-725e87a7cedf', 'EKS cluster logging is not enabled'), k('66f130d9-b81d-4e8e-9b08-da74b9c891df', 'Missing Cluster Log Types')],
    note: "these rules require every control-plane log type, as Prowler's eks_control_plane_logging_all_types_enabled does"
  },

  // ---- CloudFront
  { anchor: 'securityhub:CloudFront.1', checkov: ['CKV_AWS_305'] },
  {
    anchor: 'securityhub:CloudFront.3',
    checkov: ['CKV_AWS_34'],
    avd: ['AVD-AWS-0012'],
    kics: [k('55af1353-2f62-4fa0-a8e1-a210ca2708f5', 'Cloudfront Viewer Protocol Policy Allows HTTP')]
  },
  { anchor: 'securityhub:CloudFront.4', checkov: ['CKV_AWS_310'] },
  { anchor: 'securityhub:CloudFront.5', checkov: ['CKV_AWS_86'], avd: ['AVD-AWS-0010'], kics: [k('94690d79-b3b0-43de-b656-84ebef5753e5', 'CloudFront Logging Disabled')] },
  { anchor: 'securityhub:CloudFront.6', checkov: ['CKV_AWS_68'], avd: ['AVD-AWS-0011'], kics: [k('1419b4c6-6d5c-4534-9cf6-6a5266085333', 'CloudFront Without WAF')] },
  { anchor: 'securityhub:CloudFront.7', checkov: ['CKV2_AWS_42'] },
  { anchor: 'securityhub:CloudFront.9', checkov: ['CKV2_AWS_72'] },
  { anchor: 'securityhub:CloudFront.10', checkov: ['CKV2_AWS_54'], note: 'not mapped: AVD-AWS-0013 (the viewer TLS policy, not the origin protocols)' },

  // ---- SNS, SQS
  {
    anchor: 'securityhub:SNS.1',
    checkov: ['CKV_AWS_26'],
    avd: ['AVD-AWS-0095'],
    kics: [k('28545147-2fc6-42d5-a1f9-cf226658e591', 'SNS Topic Not Encrypted')],
    note: 'not mapped: AVD-AWS-0136 (requires a customer-managed key; SNS.1 accepts any KMS key)'
  },
  { anchor: 'securityhub:SNS.4', checkov: ['CKV_AWS_169'], kics: [k('b26d2b7e-60f6-413d-a3a1-a57db24aa2b3', 'SNS Topic is Publicly Accessible')] },
  {
    anchor: 'securityhub:SQS.1',
    checkov: ['CKV_AWS_27'],
    avd: ['AVD-AWS-0096'],
    kics: [k('6e8849c1-3aa7-40e3-9063-b85ee300f29f', 'SQS With SSE Disabled')],
    note: 'not mapped: AVD-AWS-0135 (requires a customer-managed key)'
  },

  // ---- OpenSearch (ES.n share their Prowler checks, so they land on the same controls)
  { anchor: 'securityhub:OpenSearch.1', checkov: ['CKV_AWS_5'], avd: ['AVD-AWS-0048'], kics: [k('24e16922-4330-4e9d-be8a-caa90299466a', 'ElasticSearch Not Encrypted At Rest')] },
  { anchor: 'securityhub:OpenSearch.2', checkov: ['CKV_AWS_137'], note: 'OpenSearch.2 fails a domain outside a VPC, which is what CKV_AWS_137 checks' },
  {
    anchor: 'securityhub:OpenSearch.3',
    checkov: ['CKV_AWS_6'],
    avd: ['AVD-AWS-0043'],
    kics: [k('967eb3e6-26fc-497d-8895-6428beb6e8e2', 'Elasticsearch Domain Not Encrypted Node To Node')]
  },
  { anchor: 'securityhub:OpenSearch.5', checkov: ['CKV_AWS_317'], avd: ['AVD-AWS-0042'], note: 'not mapped: CKV_AWS_84 (any log type, not the audit log)' },
  { anchor: 'securityhub:OpenSearch.7', checkov: ['CKV2_AWS_52'] },
  { anchor: 'securityhub:OpenSearch.8', checkov: ['CKV_AWS_228'], avd: ['AVD-AWS-0126'], note: 'ES.8 is the same check; it has no Prowler check to join it to this control' },

  // ---- DynamoDB
  { anchor: 'securityhub:DynamoDB.1', checkov: ['CKV2_AWS_16'] },
  {
    anchor: 'securityhub:DynamoDB.2',
    checkov: ['CKV_AWS_28'],
    avd: ['AVD-AWS-0024'],
    kics: [k('741f1291-47ac-4a85-a07b-3d32a9d6bd3e', 'DynamoDB Table Point In Time Recovery Disabled')]
  },
  { anchor: 'securityhub:DynamoDB.3', checkov: ['CKV_AWS_47'], avd: ['AVD-AWS-0023'], kics: [k('f11aec39-858f-4b6f-b946-0a1bf46c0c87', 'DAX Cluster Not Encrypted')] },

  // ---- ECR, EFS
  { anchor: 'securityhub:ECR.1', checkov: ['CKV_AWS_163'], avd: ['AVD-AWS-0030'], kics: [k('9630336b-3fed-4096-8173-b9afdfe346a7', 'Unscanned ECR Image')] },
  { anchor: 'securityhub:ECR.2', checkov: ['CKV_AWS_51'], avd: ['AVD-AWS-0031'], kics: [k('d1846b12-20c5-4d45-8798-fc35b79268eb', 'ECR Image Tag Not Immutable')] },
  { anchor: 'securityhub:EFS.1', checkov: ['CKV_AWS_42'], avd: ['AVD-AWS-0037'], kics: [k('48207659-729f-4b5c-9402-f884257d794f', 'EFS Not Encrypted')] },
  { anchor: 'securityhub:EFS.2', checkov: ['CKV2_AWS_18'] },

  // ---- S3 (S3.1/2/3/5/8/9 belong to the control folders)
  { anchor: 'securityhub:S3.11', checkov: ['CKV2_AWS_62'] },
  { anchor: 'securityhub:S3.12', checkov: ['CKV2_AWS_65'] },
  { anchor: 'securityhub:S3.13', checkov: ['CKV2_AWS_61'] },
  { anchor: 'securityhub:S3.14', checkov: ['CKV_AWS_21'], avd: ['AVD-AWS-0090'], kics: [k('568a4d22-3517-44a6-a7ad-6a7eed88722c', 'S3 Bucket Without Versioning')] },
  { anchor: 'securityhub:S3.15', checkov: ['CKV_AWS_143'] },
  { anchor: 'securityhub:S3.17', checkov: ['CKV_AWS_145'], note: 'not mapped: AVD-AWS-0132 (requires a customer-managed key; S3.17 accepts any KMS key)' },
  { anchor: 'securityhub:S3.19', checkov: ['CKV_AWS_392'] },
  { anchor: 'securityhub:S3.20', avd: ['AVD-AWS-0170'], kics: [k('c5b31ab9-0f26-4a49-b8aa-4cc064392f4d', 'S3 Bucket Without Enabled MFA Delete')] },

  // ---- Redshift, ElastiCache, DocumentDB, Neptune, Kinesis, DMS, MSK, Athena
  { anchor: 'securityhub:Redshift.1', checkov: ['CKV_AWS_87'], kics: [k('af173fde-95ea-4584-b904-bb3923ac4bda', 'Redshift Publicly Accessible')] },
  { anchor: 'securityhub:Redshift.2', checkov: ['CKV_AWS_105'] },
  { anchor: 'securityhub:Redshift.3', checkov: ['CKV_AWS_343'] },
  { anchor: 'securityhub:Redshift.4', checkov: ['CKV_AWS_71'], kics: [k('15ffbacc-fa42-4f6f-a57d-2feac7365caa', 'Redshift Cluster Logging Disabled')] },
  { anchor: 'securityhub:Redshift.6', checkov: ['CKV_AWS_141'] },
  { anchor: 'securityhub:Redshift.7', checkov: ['CKV_AWS_321'] },
  { anchor: 'securityhub:Redshift.9', checkov: ['CKV_AWS_320'] },
  {
    anchor: 'securityhub:Redshift.10',
    checkov: ['CKV_AWS_64'],
    kics: [k('cfdcabb0-fc06-427c-865b-c59f13e898ce', 'Redshift Not Encrypted')],
    note: 'not mapped: AVD-AWS-0084 (also fails an encrypted cluster without a customer-managed key)'
  },
  {
    anchor: 'securityhub:ElastiCache.1',
    checkov: ['CKV_AWS_134'],
    avd: ['AVD-AWS-0050'],
    kics: [k('8fdb08a0-a868-4fdf-9c27-ccab0237f1ab', 'ElastiCache Redis Cluster Without Backup')]
  },
  { anchor: 'securityhub:ElastiCache.2', checkov: ['CKV_AWS_322'] },
  {
    anchor: 'securityhub:ElastiCache.4',
    checkov: ['CKV_AWS_29'],
    avd: ['AVD-AWS-0045'],
    kics: [k('76976de7-c7b1-4f64-a94f-90c1345914c2', 'ElastiCache Replication Group Not Encrypted At Rest')]
  },
  {
    anchor: 'securityhub:ElastiCache.5',
    checkov: ['CKV_AWS_30'],
    avd: ['AVD-AWS-0051'],
    kics: [k('1afbb3fa-cf6c-4a3d-b730-95e9f4df343e', 'ElastiCache Replication Group Not Encrypted At Transit')]
  },
  { anchor: 'securityhub:DocumentDB.1', checkov: ['CKV_AWS_74'], avd: ['AVD-AWS-0021'], kics: [k('bc1f9009-84a0-490f-ae09-3e0ea6d74ad6', 'DOCDB Cluster Not Encrypted')] },
  { anchor: 'securityhub:DocumentDB.2', checkov: ['CKV_AWS_360'] },
  {
    anchor: 'securityhub:Neptune.1',
    checkov: ['CKV_AWS_44'],
    avd: ['AVD-AWS-0076'],
    kics: [k('98d59056-f745-4ef5-8613-32bca8d40b7e', 'Neptune Database Cluster Encryption Disabled')]
  },
  { anchor: 'securityhub:Neptune.2', checkov: ['CKV_AWS_101'], avd: ['AVD-AWS-0075'], kics: [k('45cff7b6-3b80-40c1-ba7b-2cf480678bb8', 'Neptune Logging Is Disabled')] },
  { anchor: 'securityhub:Kinesis.1', checkov: ['CKV_AWS_43'], avd: ['AVD-AWS-0064'], kics: [k('862fe4bf-3eec-4767-a517-40f378886b88', 'Kinesis Not Encrypted With KMS')] },
  { anchor: 'securityhub:DMS.1', checkov: ['CKV_AWS_89'] },
  { anchor: 'securityhub:MSK.1', avd: ['AVD-AWS-0073'], note: 'not mapped: CKV_AWS_81 (encryption at rest and in transit together)' },
  {
    anchor: 'securityhub:Athena.1',
    checkov: ['CKV_AWS_159'],
    kics: [k('d364984a-a222-4b5f-a8b0-e23ab19ebff3', 'Athena Workgroup Not Encrypted')],
    note: 'not mapped: AVD-AWS-0006 (also Athena databases)'
  },

  // ---- API Gateway, ECS, CodeBuild, Secrets Manager, GuardDuty, SageMaker, SSM, WAF, EMR
  { anchor: 'securityhub:APIGateway.3', checkov: ['CKV_AWS_73'], avd: ['AVD-AWS-0003'], kics: [k('5813ef56-fa94-406a-b35d-977d4a56ff2b', 'API Gateway X-Ray Disabled')] },
  { anchor: 'securityhub:APIGateway.4', checkov: ['CKV2_AWS_29'], kics: [k('a186e82c-1078-4a7b-85d8-579561fde884', 'API Gateway without WAF')] },
  {
    anchor: 'securityhub:APIGateway.5',
    checkov: ['CKV_AWS_308'],
    avd: ['AVD-AWS-0002'],
    kics: [k('b7c9a40c-23e4-4a2d-8d39-a3352f10f288', 'API Gateway Method Settings Cache Not Encrypted')]
  },
  { anchor: 'securityhub:APIGateway.8', checkov: ['CKV_AWS_309'] },
  { anchor: 'securityhub:ECS.2', checkov: ['CKV_AWS_333'] },
  { anchor: 'securityhub:ECS.3', checkov: ['CKV_AWS_335'] },
  { anchor: 'securityhub:ECS.4', checkov: ['CKV_AWS_334'] },
  { anchor: 'securityhub:ECS.5', checkov: ['CKV_AWS_336'] },
  {
    anchor: 'securityhub:ECS.12',
    checkov: ['CKV_AWS_65'],
    avd: ['AVD-AWS-0034'],
    kics: [k('97cb0688-369a-4d26-b1f7-86c4c91231bc', 'ECS Cluster with Container Insights Disabled')]
  },
  { anchor: 'securityhub:CodeBuild.3', checkov: ['CKV_AWS_311'] },
  { anchor: 'securityhub:CodeBuild.4', checkov: ['CKV_AWS_314'] },
  { anchor: 'securityhub:CodeBuild.5', checkov: ['CKV_AWS_316'] },
  { anchor: 'securityhub:SecretsManager.1', checkov: ['CKV2_AWS_57'] },
  { anchor: 'securityhub:GuardDuty.1', checkov: ['CKV_AWS_238'], kics: [k('704dadd3-54fc-48ac-b6a0-02f170011473', 'GuardDuty Detector Disabled')] },
  { anchor: 'securityhub:SageMaker.1', checkov: ['CKV_AWS_122'] },
  { anchor: 'securityhub:SageMaker.2', checkov: ['CKV_AWS_306'] },
  { anchor: 'securityhub:SageMaker.3', checkov: ['CKV_AWS_307'] },
  { anchor: 'securityhub:SSM.4', checkov: ['CKV_AWS_303'] },
  { anchor: 'securityhub:WAF.11', checkov: ['CKV2_AWS_31'] },
  { anchor: 'securityhub:EMR.2', checkov: ['CKV_AWS_390'] },

  // ---- Azure storage (secure transfer belongs to the azure.storage.secure-transfer folder)
  {
    anchor: 'prowler:storage_ensure_minimum_tls_version_12',
    checkov: ['CKV_AZURE_44'],
    avd: ['AVD-AZU-0011'],
    kics: [k('8263f146-5e03-43e0-9cfe-db960d56d1e7', 'Storage Account Not Using Latest TLS Encryption Version')]
  },
  {
    anchor: 'prowler:storage_blob_public_access_level_is_disabled',
    checkov: ['CKV_AZURE_190', 'CKV2_AZURE_47'],
    note: "not mapped: CKV_AZURE_34, AVD-AZU-0007 and KICS dd5230f8 (a container's access level, not the account's anonymous-access setting)"
  },
  {
    anchor: 'prowler:storage_default_network_access_rule_is_denied',
    checkov: ['CKV_AZURE_35'],
    avd: ['AVD-AZU-0012'],
    kics: [k('a5613650-32ec-4975-a305-31af783153ea', 'Default Azure Storage Account Network Access Is Too Permissive')]
  },
  { anchor: 'prowler:storage_account_public_network_access_disabled', checkov: ['CKV_AZURE_59'] },
  {
    anchor: 'prowler:storage_ensure_azure_services_are_trusted_to_access_is_enabled',
    checkov: ['CKV_AZURE_36'],
    avd: ['AVD-AZU-0010'],
    kics: [k('5400f379-a347-4bdd-a032-446465fdcc6f', 'Trusted Microsoft Services Not Enabled')]
  },
  {
    anchor: 'prowler:storage_ensure_encryption_with_customer_managed_keys',
    checkov: ['CKV2_AZURE_1'],
    avd: ['AVD-AZU-0060'],
    note: 'AVD-AZU-0060 checks accounts that have blob containers'
  },
  { anchor: 'prowler:storage_infrastructure_encryption_is_enabled', avd: ['AVD-AZU-0061'] },
  { anchor: 'prowler:storage_geo_redundant_enabled', checkov: ['CKV_AZURE_206'], avd: ['AVD-AZU-0058'] },
  { anchor: 'prowler:storage_account_key_access_disabled', checkov: ['CKV2_AZURE_40'] },
  { anchor: 'prowler:storage_ensure_private_endpoints_in_storage_accounts', checkov: ['CKV2_AZURE_33'] },

  // ---- Azure SQL
  {
    anchor: 'prowler:sqlserver_auditing_enabled',
    checkov: ['CKV_AZURE_23'],
    avd: ['AVD-AZU-0027'],
    kics: [k('f7e296b0-6660-4bc5-8f87-22ac4a815edf', 'SQL Server Auditing Disabled'), k('609839ae-bd81-4375-9910-5bce72ae7b92', 'MSSQL Server Auditing Disabled')]
  },
  {
    anchor: 'prowler:sqlserver_auditing_retention_90_days',
    checkov: ['CKV_AZURE_24'],
    avd: ['AVD-AZU-0025'],
    kics: [k('9c301481-e6ec-44f7-8a49-8ec63e2969ea', 'Small MSSQL Audit Retention Period'), k('59acb56b-2b10-4c2c-ba38-f2223c3f5cfc', 'Small MSSQL Server Audit Retention')]
  },
  {
    anchor: 'prowler:sqlserver_azuread_administrator_enabled',
    checkov: ['CKV2_AZURE_7', 'CKV2_AZURE_27'],
    kics: [k('a3a055d2-9a2e-4cc9-b9fb-12850a1a3a4b', 'AD Admin Not Configured For SQL Server')]
  },
  { anchor: 'prowler:sqlserver_tde_encryption_enabled', checkov: ['CKV2_AZURE_25'] },
  { anchor: 'prowler:sqlserver_recommended_minimal_tls_version', checkov: ['CKV_AZURE_52'], note: 'not mapped: AVD-AZU-0026 (MySQL and PostgreSQL servers too)' },
  {
    anchor: 'prowler:sqlserver_unrestricted_inbound_access',
    note: 'not mapped: CKV_AZURE_11 (the same 0.0.0.0-255.255.255.255 rule on MariaDB, MySQL and PostgreSQL firewalls too) and AVD-AZU-0029 (any public range, every database server type)'
  },
  { anchor: 'prowler:sqlserver_vulnerability_assessment_enabled', checkov: ['CKV2_AZURE_2'] },
  { anchor: 'prowler:sqlserver_va_periodic_recurring_scans_enabled', checkov: ['CKV2_AZURE_3'] },
  { anchor: 'prowler:sqlserver_va_scan_reports_configured', checkov: ['CKV2_AZURE_4'] },
  { anchor: 'prowler:sqlserver_va_emails_notifications_admins_enabled', checkov: ['CKV2_AZURE_5'] },

  // ---- Key Vault
  {
    anchor: 'prowler:keyvault_recoverable',
    checkov: ['CKV_AZURE_42', 'CKV_AZURE_110'],
    avd: ['AVD-AZU-0016'],
    note: 'CKV_AZURE_110 and AVD-AZU-0016 check purge protection; soft delete, the other half, can no longer be turned off'
  },
  {
    anchor: 'prowler:keyvault_rbac_key_expiration_set',
    checkov: ['CKV_AZURE_40'],
    avd: ['AVD-AZU-0014'],
    kics: [k('4d080822-5ee2-49a4-8984-68f3d4c890fc', 'Key Expiration Not Set')],
    note: "these rules see the key, not its vault's permission model: see the merge with keyvault_key_expiration_set_in_non_rbac below"
  },
  {
    anchor: 'prowler:keyvault_rbac_secret_expiration_set',
    checkov: ['CKV_AZURE_41'],
    avd: ['AVD-AZU-0017'],
    kics: [k('dfa20ffa-f476-428f-a490-424b41e91c7f', 'Secret Expiration Not Set')],
    note: 'see the merge with keyvault_non_rbac_secret_expiration_set below'
  },
  { anchor: 'prowler:keyvault_private_endpoints', checkov: ['CKV2_AZURE_32'] },

  // ---- NSG, Network Watcher
  {
    anchor: 'prowler:network_rdp_internet_access_restricted',
    checkov: ['CKV_AZURE_9'],
    avd: ['AVD-AZU-0048'],
    kics: [k('efbf6449-5ec5-4cfe-8f15-acc51e0d787c', 'RDP Is Exposed To The Internet')]
  },
  {
    anchor: 'prowler:network_ssh_internet_access_restricted',
    checkov: ['CKV_AZURE_10'],
    avd: ['AVD-AZU-0050'],
    kics: [k('3e3c175e-aadf-4e2b-a464-3fdac5748d24', 'SSH Is Exposed To The Internet')]
  },
  { anchor: 'prowler:network_udp_internet_access_restricted', checkov: ['CKV_AZURE_77'] },
  { anchor: 'prowler:network_http_internet_access_restricted', checkov: ['CKV_AZURE_160'] },
  {
    anchor: 'prowler:network_flow_log_more_than_90_days',
    checkov: ['CKV_AZURE_12'],
    avd: ['AVD-AZU-0049'],
    kics: [k('7750fcca-dd03-4d38-b663-4b70289bcfd4', 'Small Flow Logs Retention Period')]
  },

  // ---- App Service
  {
    anchor: 'prowler:app_ensure_http_is_redirected_to_https',
    checkov: ['CKV_AZURE_14'],
    avd: ['AVD-AZU-0072'],
    kics: [k('11e9a948-c6c3-4a0f-8dcf-b5cf1763cdbe', 'Web App Accepting Traffic Other Than HTTPS')]
  },
  { anchor: 'prowler:app_function_ensure_http_is_redirected_to_https', checkov: ['CKV_AZURE_70'], avd: ['AVD-AZU-0004'] },
  {
    anchor: 'prowler:app_minimum_tls_version_12',
    checkov: ['CKV_AZURE_15'],
    avd: ['AVD-AZU-0006'],
    kics: [k('b7b9d1c7-2d3b-49b4-b867-ebbe68d0b643', 'App Service Not Using Latest TLS Encryption Version')]
  },
  {
    anchor: 'prowler:app_ensure_auth_is_set_up',
    checkov: ['CKV_AZURE_13'],
    avd: ['AVD-AZU-0003'],
    kics: [k('c7fc1481-2899-4490-bbd8-544a3a61a2f3', 'App Service Authentication Disabled')]
  },
  {
    anchor: 'prowler:app_register_with_identity',
    checkov: ['CKV_AZURE_16', 'CKV_AZURE_71'],
    avd: ['AVD-AZU-0002'],
    kics: [k('b61cce4b-0cc4-472b-8096-15617a6d769b', 'App Service Managed Identity Disabled')]
  },
  {
    anchor: 'prowler:app_client_certificates_on',
    checkov: ['CKV_AZURE_17'],
    avd: ['AVD-AZU-0001'],
    kics: [k('a81573f9-3691-4d83-88a0-7d4af63e17a3', 'Azure App Service Client Certificate Disabled')]
  },
  { anchor: 'prowler:app_ensure_using_http20', checkov: ['CKV_AZURE_18'], avd: ['AVD-AZU-0005'], kics: [k('525b53be-62ed-4244-b4df-41aecfcb4071', 'App Service HTTP2 Disabled')] },
  {
    anchor: 'prowler:app_ftp_deployment_disabled',
    checkov: ['CKV_AZURE_78'],
    avd: ['AVD-AZU-0071'],
    kics: [k('85da374f-b00f-4832-9d44-84a1ca1e89f8', 'App Service FTPS Enforce Disabled')]
  },
  { anchor: 'prowler:app_http_logs_enabled', checkov: ['CKV_AZURE_63'] },

  // ---- AKS, VMs, Cosmos DB
  { anchor: 'prowler:aks_cluster_rbac_enabled', checkov: ['CKV_AZURE_5'], avd: ['AVD-AZU-0042'], kics: [k('86f92117-eed8-4614-9c6c-b26da20ff37f', 'AKS RBAC Disabled')] },
  {
    anchor: 'prowler:aks_network_policy_enabled',
    checkov: ['CKV_AZURE_7'],
    avd: ['AVD-AZU-0043'],
    kics: [k('f5342045-b935-402d-adf1-8dbbd09c0eef', 'AKS Network Policy Misconfigured')]
  },
  {
    anchor: 'prowler:aks_clusters_public_access_disabled',
    checkov: ['CKV_AZURE_115'],
    avd: ['AVD-AZU-0065'],
    kics: [k('599318f2-6653-4569-9e21-041d06c63a89', 'AKS Private Cluster Disabled')]
  },
  { anchor: 'prowler:aks_clusters_created_with_private_nodes', checkov: ['CKV_AZURE_143'] },
  { anchor: 'prowler:aks_cluster_local_accounts_disabled', checkov: ['CKV_AZURE_141'] },
  { anchor: 'prowler:aks_cluster_auto_upgrade_enabled', checkov: ['CKV_AZURE_171'] },
  {
    anchor: 'prowler:vm_linux_enforce_ssh_authentication',
    checkov: ['CKV_AZURE_1'],
    avd: ['AVD-AZU-0039'],
    kics: [k('dafe30ec-325d-4516-85d1-e8e6776f012c', 'Azure Instance Using Basic Authentication')],
    note: 'not mapped: CKV_AZURE_149 and CKV_AZURE_178 (Linux scale sets too)'
  },
  { anchor: 'prowler:vm_ensure_using_managed_disks', checkov: ['CKV_AZURE_92', 'CKV2_AZURE_9'] },
  { anchor: 'prowler:cosmosdb_account_public_network_access_disabled', checkov: ['CKV_AZURE_101'] },
  { anchor: 'prowler:cosmosdb_account_firewall_use_selected_networks', checkov: ['CKV_AZURE_99'] }
]

/** joins the controls these rules need joined: the IaC rule cannot tell which of the two applies */
export const MERGES: Array<{ rules: string[]; why: string }> = [
  {
    rules: ['prowler:keyvault_rbac_key_expiration_set', 'prowler:keyvault_key_expiration_set_in_non_rbac'],
    why: "One problem, a Key Vault key without an expiry date, split by the vault's permission model; the fix (set the key's expiry) is the same, and IaC scanners (CKV_AZURE_40, AVD-AZU-0014, KICS 4d080822) report the key without knowing the model."
  },
  {
    rules: ['prowler:keyvault_rbac_secret_expiration_set', 'prowler:keyvault_non_rbac_secret_expiration_set'],
    why: "One problem, a Key Vault secret without an expiry date, split by the vault's permission model; the fix is the same, and IaC scanners (CKV_AZURE_41, AVD-AZU-0017, KICS dfa20ffa) report the secret without knowing the model."
  }
]
