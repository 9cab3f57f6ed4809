// The generic investigation: what a finding gets when no playbook of its own covers its control
// (or its resource type). It is driven by what the control's fix does to the running system — its
// effect, from the catalogue (docs/catalogue.md, "What a fix does") — and asks the questions every
// fix deserves with the generic steps (./steps/generic.ts): is the finding still true now, what is
// the resource (environment, owner), who used it in the window, what depends on it, when and by
// whom it last changed.
//
// The verdicts promise only what generic evidence can hold:
//   additive     SAFE only when the current configuration confirms the finding, with the side
//                effects (new data written, cost) stated; otherwise RISKY
//   replacing    RISKY, with the downtime and migration steps
//   restrictive  RISKY at best: only a dedicated playbook can show that nothing uses what the fix
//                takes away. Never SAFE, and never UNSAFE either: generic evidence cannot tell which
//                calls the fix would refuse, so it cannot say that something would break.
// The engine's cap still applies: a SAFE rule whose step answered unknown is RISKY.
import { createHash } from 'node:crypto'
import { FIX_EFFECTS, type FixEffect } from '../../shared/ingest'
import type { PlaybookSummary } from '../../shared/investigate'
import type { StepAnswer } from '../../shared/model'
import type { LoadedPlaybook, LoadedRule } from './loader'
import type { PlaybookFile } from './schema'
import { ANY_RESOURCE_TYPE, GENERIC_STEPS } from './steps/generic'

const STEPS: PlaybookFile['steps'] = [
  { id: 'finding-current', question: 'Does the current configuration still show the problem the finding reports?', function: 'generic.finding-current' },
  { id: 'resource-known', question: 'Does the evidence say what the resource is, its environment and its owner?', function: 'generic.resource-known' },
  { id: 'used-in-window', question: 'Did anyone or anything use the resource in the window?', function: 'generic.used-in-window' },
  { id: 'dependents', question: 'Does the inventory show anything depending on the resource?', function: 'generic.dependents' },
  { id: 'last-changed', question: 'Was the resource changed in the window, and by whom?', function: 'generic.last-changed' }
]

const MIGRATION =
  'Plan it as a migration: snapshot or back up the resource; create the replacement with the setting (or apply it with the restart the provider requires); move clients and data to it; cut over in a maintenance window its owner agrees; keep the old resource until the new one is verified; then delete it.'

const RULES: Record<FixEffect, PlaybookFile['verdict']> = {
  additive: [
    {
      when: { 'finding-current': ['yes'] },
      verdict: 'SAFE',
      because:
        'The fix turns something on and takes nothing away, and the current configuration confirms the finding. Side effects: it writes new data (logs, findings, backups or versions, wherever the setting sends them), which is stored and may cost money; nothing in use loses access.'
    },
    {
      verdict: 'RISKY',
      because:
        'The fix turns something on and takes nothing away, but the current configuration is not shown to still have the problem (no evaluator reads this control from the evidence). A person confirms it, and weighs the side effects — new data written (logs, findings, backups or versions) and what it costs — before applying.'
    }
  ],
  replacing: [
    {
      when: { 'used-in-window': ['yes'] },
      verdict: 'RISKY',
      because: `The fix recreates or restarts the resource, and it was in use in the window: downtime or a data migration for its users. ${MIGRATION}`
    },
    { verdict: 'RISKY', because: `The fix recreates or restarts the resource: downtime or a data migration. ${MIGRATION}` }
  ],
  restrictive: [
    {
      when: { 'used-in-window': ['yes'] },
      verdict: 'RISKY',
      because:
        'The fix takes access or a path away, and the resource was used in the window by the principals listed: whether any of them relies on what the fix removes is not something generic evidence can tell. A dedicated playbook, or a person with the owner, must show that nothing in use is cut off.'
    },
    {
      verdict: 'RISKY',
      because:
        'The fix takes access or a path away. No playbook of its own shows that nothing uses it, and generic evidence cannot: RISKY at best. A person checks with the owner who and what relies on it before applying.'
    }
  ]
}

const SUMMARY: Record<FixEffect, string> = {
  additive: 'A control whose fix turns something on: SAFE only when the current configuration confirms the finding, with the fix’s side effects stated.',
  replacing: 'A control whose fix recreates or restarts the resource: RISKY, with the downtime and migration steps.',
  restrictive: 'A control whose fix takes access or a path away: RISKY at best, since only a dedicated playbook can show that nothing uses what it removes.'
}

function define(effect: FixEffect): PlaybookFile {
  return {
    id: `generic.${effect}`,
    version: 1,
    title: `Generic investigation (${effect} fix)`,
    summary: SUMMARY[effect],
    // serves every control no playbook of its own covers: chosen by the investigation service, not by a list
    controls: [],
    resourceTypes: [ANY_RESOURCE_TYPE],
    window: { days: 90 },
    evidence: [
      { source: 'aws.inventory', why: 'what the resource is, its tags, environment, owner and relations' },
      { source: 'aws.cloudtrail', why: 'who called the resource, and who changed it, in the window' },
      { source: 'azure.activity-log', why: 'the same for Azure resources' }
    ],
    steps: STEPS,
    verdict: RULES[effect],
    parameters: {},
    fix: [],
    rollback: [],
    guardrails: []
  }
}

function load(effect: FixEffect): LoadedPlaybook {
  const def = define(effect)
  const fns = new Map(GENERIC_STEPS.map((f) => [f.name, f]))
  const rules: LoadedRule[] = def.verdict.map((r) => ({
    when: Object.fromEntries(Object.entries(r.when ?? {}).map(([k, v]) => [k, (Array.isArray(v) ? v : [v]) as StepAnswer[]])),
    requires: r.requires ?? [],
    verdict: r.verdict,
    because: r.because
  }))
  const verdicts = new Set(rules.map((r) => r.verdict))
  if (rules.some((r) => r.verdict === 'SAFE')) verdicts.add('RISKY')
  return {
    def,
    id: def.id,
    file: 'main/investigate/generic.ts',
    // the definition is the playbook: a change to its steps or rules is a new playbook for the verdict history
    sha256: createHash('sha256').update(JSON.stringify(def), 'utf8').digest('hex'),
    custom: false,
    steps: def.steps.map((s) => {
      const fn = fns.get(s.function)
      if (!fn) throw new Error(`generic playbook ${def.id}: no generic step function ${s.function}`)
      return { id: s.id, question: s.question, fn, rawParams: {}, params: fn.params.parse({}) }
    }),
    rules,
    verdicts: (['SAFE', 'RISKY', 'UNSAFE'] as const).filter((v) => verdicts.has(v)),
    rulesByControl: {},
    fixturesDir: null,
    generic: effect
  }
}

export const GENERIC_PLAYBOOKS: Readonly<Record<FixEffect, LoadedPlaybook>> = {
  additive: load('additive'),
  restrictive: load('restrictive'),
  replacing: load('replacing')
}

/** The generic investigation for a control whose fix has this effect. */
export function genericPlaybook(effect: FixEffect): LoadedPlaybook {
  return GENERIC_PLAYBOOKS[effect]
}

/**
 * The generic investigations as `lastmile playbooks` lists them: each with what it serves — every
 * control of the catalogue without a playbook of its own whose fix has its effect (counted), and
 * for the restrictive one also every rule the catalogue does not map (restrictive by default);
 * besides, any finding on a resource type its control's own playbook does not cover.
 */
export function genericSummaries(
  controls: ReadonlyArray<{ id: string; effect: FixEffect }>,
  hasOwnPlaybook: (control: string) => boolean,
  summarise: (pb: LoadedPlaybook) => PlaybookSummary
): PlaybookSummary[] {
  return FIX_EFFECTS.map((effect) => {
    const n = controls.filter((c) => c.effect === effect && !hasOwnPlaybook(c.id)).length
    const serves = `every control without a playbook of its own whose fix is ${effect} (${n.toLocaleString('en-US')} in the catalogue${
      effect === 'restrictive' ? ', and every rule the catalogue does not map' : ''
    }), and a finding on a resource type its control's own playbook does not cover`
    return { ...summarise(GENERIC_PLAYBOOKS[effect]), generic: { effect, controls: n, serves } }
  })
}
