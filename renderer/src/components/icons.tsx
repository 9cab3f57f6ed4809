// Line icons drawn inline (no icon font, no remote asset), 16 px on a 24 px grid, using the
// current text colour so they follow the theme.
import type { ReactElement, SVGProps } from 'react'

function Icon({ children, ...props }: SVGProps<SVGSVGElement>): ReactElement {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.8"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      {...props}
    >
      {children}
    </svg>
  )
}

export const AuditIcon = (): ReactElement => (
  <Icon>
    <path d="M9 5h10M9 12h10M9 19h10" />
    <path d="M4 5h.01M4 12h.01M4 19h.01" strokeWidth="2.6" />
  </Icon>
)

export const SettingsIcon = (): ReactElement => (
  <Icon>
    <path d="M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1" />
    <circle cx="15" cy="6" r="2" />
    <circle cx="9" cy="12" r="2" />
    <circle cx="17" cy="18" r="2" />
  </Icon>
)

export const CaseIcon = (): ReactElement => (
  <Icon>
    <rect x="4" y="3" width="16" height="18" rx="2" />
    <path d="M9 3v4h6V3M8 12h8M8 16h5" />
  </Icon>
)

export const LockIcon = (): ReactElement => (
  <Icon>
    <rect x="5" y="11" width="14" height="10" rx="2" />
    <path d="M8 11V8a4 4 0 0 1 8 0v3" />
  </Icon>
)

export const CheckIcon = (): ReactElement => (
  <Icon>
    <circle cx="12" cy="12" r="9" />
    <path d="m8 12 3 3 5-6" />
  </Icon>
)

export const AlertIcon = (): ReactElement => (
  <Icon>
    <path d="M12 3 2 20h20L12 3Z" />
    <path d="M12 10v4M12 17h.01" />
  </Icon>
)

export const PlusIcon = (): ReactElement => (
  <Icon>
    <path d="M12 5v14M5 12h14" />
  </Icon>
)

export const FolderIcon = (): ReactElement => (
  <Icon>
    <path d="M3 7a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7Z" />
  </Icon>
)

export const UserIcon = (): ReactElement => (
  <Icon>
    <circle cx="12" cy="8" r="4" />
    <path d="M4 21a8 8 0 0 1 16 0" />
  </Icon>
)

export const BoardIcon = (): ReactElement => (
  <Icon>
    <rect x="3" y="4" width="5" height="16" rx="1.5" />
    <rect x="10" y="4" width="5" height="11" rx="1.5" />
    <rect x="17" y="4" width="4" height="7" rx="1.5" />
  </Icon>
)

export const FindingsIcon = (): ReactElement => (
  <Icon>
    <rect x="3" y="4" width="18" height="16" rx="2" />
    <path d="M3 9h18M3 14h18M9 9v11" />
  </Icon>
)

export const ImportIcon = (): ReactElement => (
  <Icon>
    <path d="M12 3v12M7 10l5 5 5-5" />
    <path d="M4 17v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2" />
  </Icon>
)

export const EvidenceIcon = (): ReactElement => (
  <Icon>
    <path d="M12 3 4 6v6c0 4.5 3.4 8.2 8 9 4.6-.8 8-4.5 8-9V6l-8-3Z" />
    <path d="m9 12 2 2 4-4" />
  </Icon>
)

/** The Lastmile mark: a road narrowing to its destination. */
export const LogoMark = (): ReactElement => (
  <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="logo-mark">
    <rect x="1" y="1" width="22" height="22" rx="6" fill="currentColor" />
    <path className="logo-ink" d="M7 19 11 5h2l4 14" fill="none" strokeWidth="1.8" strokeLinejoin="round" />
    <path className="logo-ink" d="M12 9v2M12 14v2" strokeWidth="1.6" strokeLinecap="round" />
  </svg>
)
