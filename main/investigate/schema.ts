// The playbook file format (playbooks/*.yaml), as a zod schema. A playbook is data: which controls
// it serves, the evidence it reads, its investigative steps (named step functions with parameters),
// its verdict rules, and the fix, rollback and guardrail templates the remediation stage renders.
//
// ## Verdict rules — the exact semantics
//
// `verdict` is an ordered list of rules. Each rule has:
//   when:     {step-id: answer | [answers]}  — holds when EVERY named step's answer is one of
//             those given (yes / no / unknown). A rule without `when` always holds.
//   requires: [step-id, …]                    — steps whose answers must be known for a SAFE
//             verdict of this rule to stand (see the cap).
//   verdict:  SAFE | RISKY | UNSAFE
//   because:  the reason, for people.
// 1. The rules are tried in order; the first that holds is the matched rule. The LAST rule must
//    be the only one without `when` (the default), so every combination of answers gets a verdict.
// 2. The cap (the engine's, not the playbook's): when the matched rule says SAFE and any step it
//    depends on — the steps named in its `when` and its `requires` — answered unknown, the verdict
//    is RISKY, and the RCI names those steps. Absence of evidence is never evidence of safety.
// 3. UNSAFE and RISKY are never changed by the cap.
// 4. A SAFE rule whose `when` accepts `unknown` for a step could never give SAFE: refused at load.
// A step answers unknown whenever its evidence does not cover its whole window (coverage gaps,
// logging off, data events not recorded); positive evidence (45 plain-HTTP calls) answers yes even
// from partial coverage, because what was seen happened.
import { z } from 'zod'
import { FIX_EFFECTS, RULE_KINDS, type FixEffect } from '../../shared/ingest'
import { ARTEFACT_KINDS, type ArtefactKind } from '../../shared/investigate'
import { COVERAGE_SOURCES, type CoverageSource } from '../../shared/evidence'

const STEP_ID = /^[a-z][a-z0-9-]{0,62}$/
const stepId = z.string().regex(STEP_ID, 'a step id is lower-case words joined by dashes, like plain-http')
const answer = z.enum(['yes', 'no', 'unknown'])
const controlId = z.string().regex(/^[a-z0-9]+(\.[a-z0-9-]+)+$/, 'a control id is lower-case words joined by dots, like aws.s3.https-only')

/**
 * Where a template parameter's value comes from when the remediation stage renders it:
 * resource.id (the canonical id), resource.native-id (the provider's own short id: the bucket
 * name, i-…, sg-…, the IAM user name, the storage account name), resource.name (as the tools name
 * it), resource.account / .region / .partition, azure.subscription / azure.resource-group (from
 * the Azure id), derived.terraform-label (the native id made a Terraform name), derived.image-
 * repository (an image id without its digest), and input (a person supplies it; `default` if
 * given).
 */
const PARAMETER_SOURCES = [
  'resource.id',
  'resource.native-id',
  'resource.name',
  'resource.account',
  'resource.region',
  'resource.partition',
  'azure.subscription',
  'azure.resource-group',
  'derived.terraform-label',
  'derived.image-repository',
  'input'
] as const

const parameter = z
  .object({
    source: z.enum(PARAMETER_SOURCES),
    description: z.string().trim().min(5, 'say what the parameter is'),
    default: z.string().optional(),
    pattern: z
      .string()
      .refine((p) => {
        try {
          new RegExp(p)
          return true
        } catch {
          return false
        }
      }, 'not a valid regular expression')
      .optional()
  })
  .strict()

const template = z
  .object({
    kind: z.enum(ARTEFACT_KINDS as unknown as [ArtefactKind, ...ArtefactKind[]]),
    title: z.string().trim().min(5),
    template: z.string().min(1, 'a template needs text')
  })
  .strict()

/** scp/rcp: AWS Organizations policies; account-default: an account-wide default for new resources */
const GUARDRAIL_MECHANISMS = ['scp', 'rcp', 'aws-config-rule', 'azure-policy', 'ecr-scanning', 'account-default'] as const
const guardrail = template.extend({ mechanism: z.enum(GUARDRAIL_MECHANISMS) }).strict()

const rule = z
  .object({
    when: z.record(stepId, z.union([answer, z.array(answer).min(1)])).optional(),
    requires: z.array(stepId).optional(),
    verdict: z.enum(['SAFE', 'RISKY', 'UNSAFE']),
    because: z.string().trim().min(10, 'say why, in a sentence')
  })
  .strict()

export const playbookSchema = z
  .object({
    id: controlId,
    version: z.number().int().min(1),
    title: z.string().trim().min(5),
    summary: z.string().trim().min(10),
    controls: z
      .array(
        z
          .object({
            // a control of playbooks/controls.yaml, or an unmapped tool rule (<tool>.<rule id>)
            id: z.string().regex(/^[a-z0-9-]+\.\S+$/, 'a control id: a mapped control (aws.s3.https-only) or a tool and its rule id (prowler.<check>)'),
            rules: z.record(z.string().regex(/^[a-z][a-z0-9-]*$/, 'a tool name is lower-case'), z.array(z.string().trim().min(1)).min(1)).optional(),
            // with a title, the entry DEFINES the control in the catalogue (main/controls/catalogue.ts)
            // rather than serving one defined in playbooks/controls.yaml
            title: z.string().trim().min(1).optional(),
            resourceType: z.string().min(1).optional(),
            // what the fix does to the running system (the catalogue requires it of an entry with a title)
            effect: z.enum(FIX_EFFECTS as unknown as [FixEffect, ...FixEffect[]]).optional(),
            // the alerts the control takes by what they are (kind and resource type), where rule ids cannot be listed
            match: z.array(z.object({ kind: z.enum(RULE_KINDS), resourceType: z.string().min(1).optional(), tool: z.string().min(1).optional() }).strict()).optional()
          })
          .strict()
      )
      .min(1),
    resourceTypes: z.array(z.string().regex(/^[a-z0-9]+(\.[a-z0-9-]+)+(\/[a-z0-9-]+)*$/, 'a resource type like aws.s3.bucket or azure.azureactivedirectory/user')).min(1),
    window: z.object({ days: z.number().int().min(1).max(400) }).strict(),
    evidence: z
      .array(
        z
          .object({
            source: z.enum(COVERAGE_SOURCES as unknown as [CoverageSource, ...CoverageSource[]]),
            why: z.string().trim().min(5)
          })
          .strict()
      )
      .min(1),
    steps: z
      .array(
        z
          .object({
            id: stepId,
            question: z.string().trim().min(10).endsWith('?', 'a question ends with "?"'),
            function: z.string().regex(/^[a-z0-9]+(\.[a-z0-9-]+)+$/, 'a step function name like s3.plain-http-requests'),
            params: z.record(z.string(), z.unknown()).optional()
          })
          .strict()
      )
      .min(1),
    verdict: z.array(rule).min(1),
    parameters: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'a parameter name is lower_snake_case'), parameter).default({}),
    // Templates: the fix of a playbook whose control has no code (a user's own playbooks). A
    // built-in control's fix, rollback and guardrails are its code (playbooks/<id>/control.ts), and
    // its playbook carries no templates for what the code renders: one source of truth per fix.
    fix: z.array(template).default([]),
    rollback: z.array(template).default([]),
    guardrails: z.array(guardrail).default([]),
    /** what the owner of an UNSAFE finding is advised to do first (the routing package says it) */
    routing: z
      .object({ suggested: z.string().trim().min(20) })
      .strict()
      .optional(),
    /** a folder beside the playbook: bundle/, findings export(s), expected.json */
    fixtures: z.string().min(1).optional()
  })
  .strict()
  .refine((p) => p.fix.length > 0 === p.rollback.length > 0, { message: 'a fix needs a rollback, and a rollback a fix', path: ['rollback'] })

export type PlaybookFile = z.infer<typeof playbookSchema>
