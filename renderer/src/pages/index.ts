// The app's sections, in navigation order. Adding a page is one entry here and one component;
// the navigation, the `#/<id>` address and the Alt+<n> shortcut follow from its position.
// Only sections that work belong here: an unfinished one is simply not listed.
import { AuditIcon, BoardIcon, CheckIcon, EvidenceIcon, FolderIcon, FindingsIcon, ImportIcon, SettingsIcon } from '../components/icons'
import type { PageDef } from '../navigation'
import { ApprovalsPage } from './ApprovalsPage'
import { AuditPage } from './AuditPage'
import { EvidencePage } from './EvidencePage'
import { ExportsPage } from './ExportsPage'
import { FindingsPage } from './FindingsPage'
import { ImportPage } from './ImportPage'
import { InitiativesPage } from './InitiativesPage'
import { SettingsPage } from './SettingsPage'

export const PAGES: readonly PageDef[] = [
  { id: 'initiatives', title: 'Initiatives', component: InitiativesPage, icon: BoardIcon },
  { id: 'findings', title: 'Findings', component: FindingsPage, icon: FindingsIcon },
  { id: 'import', title: 'Import', component: ImportPage, icon: ImportIcon },
  { id: 'evidence', title: 'Evidence', component: EvidencePage, icon: EvidenceIcon },
  { id: 'approvals', title: 'Approvals', component: ApprovalsPage, icon: CheckIcon },
  { id: 'exports', title: 'Exports', component: ExportsPage, icon: FolderIcon },
  { id: 'audit', title: 'Audit', component: AuditPage, icon: AuditIcon },
  { id: 'settings', title: 'Settings', component: SettingsPage, icon: SettingsIcon, group: 'system' }
]
