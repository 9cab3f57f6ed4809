// The app's sections, in navigation order. Adding a page is one entry here and one component;
// the navigation, the `#/<id>` address and the Alt+<n> shortcut follow from its position.
// Only sections that work belong here: an unfinished one is simply not listed.
import { AuditIcon, SettingsIcon } from '../components/icons'
import type { PageDef } from '../navigation'
import { AuditPage } from './AuditPage'
import { SettingsPage } from './SettingsPage'

export const PAGES: readonly PageDef[] = [
  { id: 'audit', title: 'Audit', component: AuditPage, icon: AuditIcon },
  { id: 'settings', title: 'Settings', component: SettingsPage, icon: SettingsIcon, group: 'system' }
]
