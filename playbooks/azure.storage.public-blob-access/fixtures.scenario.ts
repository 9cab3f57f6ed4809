// azure.storage.public-blob-access's fixture world: six storage accounts of one subscription, one
// for each way the investigation can end. Storage logs, where an account has them, hold requests
// every day of the window (its coverage), or only its last 30 days.
import { at, azureStorageAccount, blobContainer, prowlerFinding, storageLog, wizContainerIssue, type Expected, type World } from '../../test/casegen/world'

const SUBSCRIPTION = '3c7e9a12-5b4d-4f6e-8a9b-0c1d2e3f4a5b'
const idOf = (rg: string, name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`

interface Account {
  rg: string
  name: string
  allow: boolean | null
  /** container name → level; null: the containers were not listed */
  containers: Record<string, 'None' | 'Blob' | 'Container'> | null
  owner: string
}

/** An application's own reads (Entra ID) on day `k`, and whatever else the account sees that day. */
function daily(a: Account, fromDay: number, extra: (k: number) => Parameters<typeof storageLog>[3] | null): string[] {
  const id = idOf(a.rg, a.name)
  const out: string[] = []
  for (let k = fromDay; k < 90; k++) {
    out.push(storageLog(id, a.name, at(k, 2 + (k % 6)), { protocol: 'HTTPS', tls: 'TLS 1.2', path: 'app/state.json' }))
    const x = extra(k)
    if (x) out.push(storageLog(id, a.name, at(k, 14, k % 60), x))
  }
  return out
}

export function scenario(w: World): void {
  const z = w.subscription(SUBSCRIPTION)
  const add = (a: Account, logs: string[] | null): void => {
    const id = idOf(a.rg, a.name)
    z.storageAccounts.push(azureStorageAccount(id, a.name, { https: true, tls: 'TLS1_2', tags: { Environment: 'production', Owner: a.owner }, allowBlobPublicAccess: a.allow }))
    if (a.containers)
      z.blobContainers.set(
        a.name,
        Object.entries(a.containers).map(([c, level]) => blobContainer(id, c, level))
      )
    if (logs) z.storageLogs.push(...logs)
  }
  // the marketing site's images are linked from the public web pages and read anonymously
  const web: Account = { rg: 'rg-web', name: 'stacmewebassets', allow: true, containers: { images: 'Blob', drafts: 'None' }, owner: 'marketing-web' }
  add(
    web,
    daily(web, 0, (k) =>
      k % 2 === 0
        ? { protocol: 'HTTPS', tls: 'TLS 1.3', anonymous: true, path: k % 4 ? 'images/logo.png' : 'images/hero/banner-2024.jpg', ip: k % 3 ? '198.51.100.23' : '203.0.113.77' }
        : null
    )
  )
  // a public container that nobody reads anonymously: only the export job (Entra ID) and failed probes
  const exportsAcct: Account = { rg: 'rg-data', name: 'stacmeexports', allow: true, containers: { exports: 'Container', staging: 'None' }, owner: 'data-platform' }
  add(
    exportsAcct,
    daily(exportsAcct, 0, (k) =>
      k % 9 === 0
        ? { protocol: 'HTTPS', tls: 'TLS 1.2', anonymous: true, path: 'staging/secrets.txt', ip: '45.155.205.11', status: 404 }
        : k % 11 === 0
          ? // the static website is anonymous by design: the account setting does not govern it
            { protocol: 'HTTPS', tls: 'TLS 1.2', anonymous: true, website: true, path: '$web/index.html', ip: '192.0.2.40' }
          : null
    )
  )
  // anonymous access allowed, but every container is private: nothing public to refuse (no logs needed)
  const backups: Account = { rg: 'rg-data', name: 'stacmebackups', allow: true, containers: { 'sql-backups': 'None', 'vm-images': 'None' }, owner: 'platform' }
  add(backups, null)
  // a public container, and diagnostic logs only for the last 30 days
  const archive: Account = { rg: 'rg-legacy', name: 'stacmearchive', allow: true, containers: { 'press-kit': 'Blob' }, owner: 'communications' }
  add(
    archive,
    daily(archive, 60, () => null)
  )
  // already disallowed: a stale finding
  const locked: Account = { rg: 'rg-data', name: 'stacmelocked', allow: false, containers: { reports: 'None' }, owner: 'finance' }
  add(locked, null)
  // the property is not in the listing, the containers were not listed, no logs
  const unknownAcct: Account = { rg: 'rg-legacy', name: 'stacmeoldclassic', allow: null, containers: null, owner: 'platform' }
  add(unknownAcct, null)

  const cases: Array<[Account, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      web,
      'UNSAFE',
      { 'already-disallowed': 'no', 'anonymous-reads': 'yes', 'public-containers': 'yes' },
      'the web pages load its images anonymously',
      { 'anonymous-reads': 'images/logo.png from 198.51.100.23', 'public-containers': 'images (Blob)' }
    ],
    [
      exportsAcct,
      'SAFE',
      { 'already-disallowed': 'no', 'anonymous-reads': 'no', 'public-containers': 'yes' },
      'public, but in 90 days of logs no anonymous read succeeded (failed probes and the static website aside)',
      { 'anonymous-reads': 'static website' }
    ],
    [
      backups,
      'SAFE',
      { 'already-disallowed': 'no', 'public-containers': 'no', 'anonymous-reads': 'unknown' },
      'every container is private',
      { 'public-containers': 'all 2 containers are private' }
    ],
    [archive, 'RISKY', { 'already-disallowed': 'no', 'anonymous-reads': 'unknown', 'public-containers': 'yes' }, 'its storage logs cover only the last 30 days'],
    [locked, 'SAFE', { 'already-disallowed': 'yes' }, 'a stale finding: anonymous access is already disallowed'],
    [
      unknownAcct,
      'RISKY',
      { 'already-disallowed': 'unknown', 'anonymous-reads': 'unknown', 'public-containers': 'unknown' },
      'neither the setting, the containers nor the logs are in the evidence'
    ]
  ]
  for (const [a, verdict, steps, why, says] of cases) {
    const id = idOf(a.rg, a.name)
    w.findings.prowler.push(
      prowlerFinding({
        provider: 'azure',
        account: SUBSCRIPTION,
        region: 'westeurope',
        check: 'storage_blob_public_access_level_is_disabled',
        title: "Ensure that 'Public access level' is disabled for storage accounts with blob containers",
        severity: 'High',
        service: 'storage',
        resourceType: 'AzureStorageAccount',
        resourceUid: id,
        resourceName: a.name,
        detail: `Storage account ${a.name} from subscription ${SUBSCRIPTION} has allow blob public access enabled.`
      })
    )
    w.expect({ control: 'azure.storage.public-blob-access', resource: id.toLowerCase(), verdict, steps, why, ...(says ? { says } : {}) })
  }

  // Wiz reports the public containers themselves: the same questions asked of one container (its level, its
  // anonymous reads in the account's logs), the account's setting deciding whether anyone can read it anonymously
  const containers: Array<[Account, string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      web,
      'images',
      'UNSAFE',
      { 'already-disallowed': 'no', 'anonymous-reads': 'yes', 'public-containers': 'yes' },
      'the web pages load its images anonymously',
      { 'anonymous-reads': 'to images succeeded' }
    ],
    [
      exportsAcct,
      'exports',
      'SAFE',
      { 'already-disallowed': 'no', 'anonymous-reads': 'no', 'public-containers': 'yes' },
      'public, but in 90 days of logs no anonymous read of it succeeded',
      { 'anonymous-reads': 'none anonymous and successful to exports' }
    ],
    [archive, 'press-kit', 'RISKY', { 'already-disallowed': 'no', 'anonymous-reads': 'unknown', 'public-containers': 'yes' }, 'its storage logs cover only the last 30 days'],
    [locked, 'reports', 'SAFE', { 'already-disallowed': 'yes' }, 'its account already refuses anonymous reads', { 'already-disallowed': 'no one reads reports anonymously' }]
  ]
  for (const [a, name, verdict, steps, why, says] of containers) {
    const container = blobContainer(idOf(a.rg, a.name), name, a.containers?.[name] ?? 'None')
    w.findings.wiz.push(
      wizContainerIssue({
        control: '1eef05dd-84ae-4a48-9320-9b4809a0a2dc',
        title: 'Blob container with anonymous access enabled',
        subscription: SUBSCRIPTION,
        container,
        created: at(3, 7)
      })
    )
    w.expect({ control: 'azure.storage.blob-container-anonymous-access', resource: String(container.id).toLowerCase(), verdict, steps, why, ...(says ? { says } : {}) })
  }
}
