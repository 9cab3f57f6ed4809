// A tiny local tokenizer for plan artefacts (bash, json, hcl, yaml): comments, strings, numbers,
// keywords and keys get a class; everything else stays plain text, so selecting and copying the
// <pre> gives exactly the artefact's content.
import type { ReactElement, ReactNode } from 'react'
import type { ArtefactLanguage } from '../../../shared/remediation'

type Kind = 'comment' | 'string' | 'number' | 'keyword' | 'key' | 'variable'

const KEYWORDS: Partial<Record<ArtefactLanguage, RegExp>> = {
  bash: /^(?:if|then|else|elif|fi|for|in|do|done|while|case|esac|function|export|set|local|return|echo|aws|az)\b/,
  hcl: /^(?:resource|data|variable|output|locals|module|provider|terraform|true|false|null)\b/,
  json: /^(?:true|false|null)\b/,
  yaml: /^(?:true|false|null|yes|no)\b/
}

function tokenize(text: string, language: ArtefactLanguage): Array<{ kind: Kind | null; text: string }> {
  const out: Array<{ kind: Kind | null; text: string }> = []
  if (language === 'markdown') return [{ kind: null, text }]
  const keywords = KEYWORDS[language]
  let plain = ''
  const flush = (): void => {
    if (plain) out.push({ kind: null, text: plain })
    plain = ''
  }
  let i = 0
  let lineStart = true
  while (i < text.length) {
    const rest = text.slice(i)
    const prev = i > 0 ? text[i - 1] : '\n'
    let m: RegExpMatchArray | null = null
    let kind: Kind | null = null
    if ((language === 'bash' || language === 'yaml' || language === 'hcl') && rest[0] === '#' && /[\s]/.test(prev)) {
      m = rest.match(/^#[^\n]*/)
      kind = 'comment'
    } else if (language === 'hcl' && rest.startsWith('//')) {
      m = rest.match(/^\/\/[^\n]*/)
      kind = 'comment'
    } else if (rest[0] === '"') {
      m = rest.match(/^"(?:[^"\\\n]|\\.)*"?/)
      kind = language === 'json' && /^"(?:[^"\\\n]|\\.)*"\s*:/.test(rest) ? 'key' : 'string'
    } else if (rest[0] === "'" && language !== 'json') {
      m = rest.match(/^'[^'\n]*'?/)
      kind = 'string'
    } else if (rest[0] === '$' && language === 'bash') {
      m = rest.match(/^\$(?:\{[^}\n]*\}|[A-Za-z_][A-Za-z0-9_]*|\d)/)
      kind = 'variable'
    } else if (/[0-9]/.test(rest[0]) && !/[A-Za-z0-9_.-]/.test(prev)) {
      m = rest.match(/^\d+(?:\.\d+)?(?![A-Za-z_])/)
      kind = 'number'
    } else if (language === 'yaml' && lineStart) {
      m = rest.match(/^(\s*-?\s*)([A-Za-z0-9_.-]+)(?=\s*:)/)
      if (m) {
        plain += m[1]
        flush()
        out.push({ kind: 'key', text: m[2] })
        i += m[0].length
        lineStart = false
        continue
      }
    } else if (keywords && !/[A-Za-z0-9_-]/.test(prev)) {
      m = rest.match(keywords)
      kind = 'keyword'
    }
    if (m && m[0].length > 0 && kind) {
      flush()
      out.push({ kind, text: m[0] })
      i += m[0].length
      lineStart = false
      continue
    }
    plain += text[i]
    lineStart = text[i] === '\n'
    i++
  }
  flush()
  return out
}

/** The artefact's text with highlighting spans; the text content is unchanged. */
export function Highlighted({ text, language }: { text: string; language: ArtefactLanguage }): ReactElement {
  const parts: ReactNode[] = tokenize(text, language).map((t, n) =>
    t.kind ? (
      <span key={n} className={`tok-${t.kind}`}>
        {t.text}
      </span>
    ) : (
      t.text
    )
  )
  return <>{parts}</>
}
