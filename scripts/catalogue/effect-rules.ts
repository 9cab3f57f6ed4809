// What a control's fix does to the running system, for the controls of the generated catalogue,
// read from the control's title by the ordered rule table below. A control folder declares its
// effect in its playbook.yaml; an entry of playbooks/catalogue/overrides/*.yaml with `effect:`
// corrects a title the table misreads.
//
//   additive     turns something on (logging, monitoring, a detector, a backup, a tag, encryption
//                of NEW data): breaks nothing in use, may cost money and writes new data
//   restrictive  takes access or a path away (public access, network rules, TLS, credentials,
//                permissions): safe only if evidence shows nothing uses what is taken away
//   replacing    the resource must be recreated or restarted (encrypting an existing database or
//                volume, Multi-AZ, a subnet or instance type): downtime or data migration
//
// The first rule whose pattern matches the title decides. The order is the point: titles that name
// no setting (activity, secrets, CVEs found) first; then the narrow "replacing" rules (encryption
// at rest of a store that holds data already, zones, sizes, versions); alarms and metric filters
// (they watch policy and root activity without restricting them) and encryption BY DEFAULT
// (new data only); then any other encryption or key (readers without the key lose access) and the
// restrictive words; the additive words last, so a title with both reads restrictive. Misreading
// an additive control as restrictive costs a SAFE verdict; the other way would promise one falsely. No rule matching means RESTRICTIVE: restrictive is
// never SAFE from generic evidence, so a title the table cannot read never becomes a false promise.
import type { FixEffect } from '../../shared/ingest'

export interface EffectRule {
  name: string
  effect: FixEffect
  pattern: RegExp
  /** why titles matching it have this effect (docs/catalogue.md shows the table) */
  why: string
}

export const EFFECT_RULES: readonly EffectRule[] = [
  {
    name: 'no-setting-to-change',
    effect: 'restrictive',
    pattern:
      /threat[- ]detection|no potential|\bno (high severity |critical )?findings|no secrets|with no vulnerabilities|no (known )?vulnerabilit|dangling|\b(detected|attempted|anomalous|malicious)\b/i,
    why: 'the fix answers what was found (activity, content, a vulnerable package), not a setting: nothing generic shows what it touches'
  },
  {
    name: 'encrypt-existing-store',
    effect: 'replacing',
    pattern:
      /\b(rds|aurora|db (instance|cluster)s?|databases?|ebs volumes?|efs|file (system|data)|redshift|documentdb|docdb|neptune|elasticache|replication groups?|dax|elasticsearch|opensearch|snapshots?)\b.*\bencrypt\w*\b.*\b(at[ -]rest|storage)\b|\bencrypt\w* (the )?(file data|storage|at[ -]rest)\b.*\b(rds|efs|neptune|redshift)|\bcluster storage\b.*\bencrypted\b|attached ebs volumes?.*encrypt|node-to-node|between nodes|among broker/i,
    why: 'an existing store holding data cannot be encrypted in place: it is copied to a new encrypted one (snapshot, restore, cut-over)'
  },
  {
    name: 'in-transit-on-cluster',
    effect: 'replacing',
    pattern: /\b(elasticache|replication groups?|dax|redis|memcached|msk|kafka|connector)\b.*\b(in[ -]transit|transit encryption)\b/i,
    why: 'encryption in transit on these caches and clusters is set at creation: the cluster is recreated and its clients reconnect with TLS'
  },
  {
    name: 'placement-and-size',
    effect: 'replacing',
    pattern:
      /multi[ -]?az|availability zones?|\bsubnets?\b(?!.*\b(security group|nsg|public ip)\b)|instance types?|instance class|(launched|deployed|reside|run) (in|within) a vpc|be deployed in a vpc|automatic (\w+ )*upgrades?|auto[- ](minor[- ])?(version[- ])?upgrades?|(minor|major) version upgrades?|latest (supported )?(runtime|platform|engine|version)|supported (runtime|engine|version)|shielded/i,
    why: 'moving a resource to other zones, subnets, sizes or versions restarts or recreates it (automatic upgrades restart it in its maintenance window)'
  },
  {
    name: 'alarm-or-metric-filter',
    effect: 'additive',
    pattern: /metric filters?|\band alarm\b|\balarm (exists?|for)\b/i,
    why: 'a metric filter and alarm watch activity and change none of it'
  },
  {
    name: 'default-encryption',
    effect: 'additive',
    pattern: /default (server-side )?encryption|encryption by default/i,
    why: 'encryption by default applies to data written from now on, with a key every writer can use: nothing in use changes'
  },
  {
    name: 'keys-and-encryption',
    effect: 'restrictive',
    pattern: /encrypt|\bkms\b|customer[- ]managed key|\bcmk\b/i,
    why: 'once data is encrypted under a key, readers and writers without permission to use that key lose access'
  },
  {
    name: 'takes-access-away',
    effect: 'restrictive',
    pattern:
      /public|unrestricted|0\.0\.0\.0|::\/0|internet|\bexposed\b|anonymous|\ball users\b|wildcard|\*|cross[- ]account|\btls\b|https|\bssl\b|secure transport|secure transfer|in[ -]transit|mfa|multi-factor|\broot\b|password|access keys?|credential|\bkeys?\b.*(rotat|unused|expir)|permission|polic(y|ies)|\badmin|privilege|\bports?\b|ingress|egress|security groups?|network acl|nacl|\bnsg\b|firewall|network access|ip restrictions?|\bcors\b|authori[sz]|authenticat|\bsso\b|\biam\b.*\b(role|user|group)s?\b|\bacls?\b|shared? (with|publicly)|ownership|object lock|immutab|deletion protection|\bunused\b|\binactive\b|\bdisabled?\b|\bftp\b|remote debugging|default (vpc|security group)|tokens?|imds|health checks?|\bdelete|\breviewed\b|\blatest\b|\bsensitive\b|quarantine|data trace/i,
    why: 'the fix takes an access path, a credential, a permission, a network route or a way of working away: safe only if nothing uses it'
  },
  {
    name: 'turns-something-on',
    effect: 'additive',
    pattern:
      /\blogging\b|\b(are|be|is) logged\b|\blogs?\b|audit|monitor|trac(e|ing)|insights?|detector|guardduty|security hub|\bconfig\b.*(enabled|recorder)|(cloudtrail|inspector|macie|defender|access analyzer|shield)\b.*\b(enabled|on|exists?)\b|\b(enable[ds]?|is on|turned on)\b.*\b(guardduty|config|security hub|cloudtrail|inspector|macie|defender|access analyzer|shield)\b|backups?|retention|point[- ]in[- ]time|versioning|copy tags|\btagged\b|\bha(s|ve) (\w+ )?tags\b|contact|notifications?|\bscan(ned|ning)?\b|plans? exists?|vaults? exists?|guardrails? configured/i,
    why: 'the fix turns something on (logs, monitoring, a detector, backups, tags, notifications): nothing in use loses access, but it may cost money and writes new data'
  }
]

export const DEFAULT_EFFECT: FixEffect = 'restrictive'

/** The effect the rule table reads from a title, and which rule decided (or that none did). */
export function classifyEffect(title: string): { effect: FixEffect; by: string } {
  for (const r of EFFECT_RULES) if (r.pattern.test(title)) return { effect: r.effect, by: `rule ${r.name}` }
  return { effect: DEFAULT_EFFECT, by: 'no rule matched: restrictive by default' }
}
