// Build-time guards used by electron.vite.config.ts:
// - the sandboxed preload may require nothing but 'electron' (a sandboxed preload has no
//   node_modules; a stray require would only fail at run time, on a user's machine);
// - the built index.html carries the same CSP as the app scheme's response header.
import type { Plugin } from 'vite'

/** Modules a sandboxed preload can require (Electron gives it only these). */
export const SANDBOX_PRELOAD_MODULES: ReadonlySet<string> = new Set(['electron'])

/** The module names a CommonJS bundle requires, in order of appearance. */
export function requiredModules(code: string): string[] {
  const names: string[] = []
  for (const m of code.matchAll(/\brequire\s*\(\s*(?:"([^"]*)"|'([^']*)'|`([^`$]*)`|([^)]*))\s*\)/g)) {
    names.push(m[1] ?? m[2] ?? m[3] ?? `<dynamic: ${(m[4] ?? '').trim()}>`)
  }
  return names
}

/** The requires in a preload bundle that a sandboxed preload could not satisfy. */
export function forbiddenPreloadRequires(code: string): string[] {
  return requiredModules(code).filter((name) => !SANDBOX_PRELOAD_MODULES.has(name))
}

/** Fails the preload build when a chunk requires anything a sandboxed preload cannot. */
export function sandboxedPreloadGuard(): Plugin {
  return {
    name: 'lastmile:sandboxed-preload-guard',
    generateBundle(_options, bundle) {
      for (const [fileName, output] of Object.entries(bundle)) {
        if (output.type !== 'chunk') continue
        const bad = forbiddenPreloadRequires(output.code)
        if (bad.length > 0) {
          this.error(
            `out/preload/${fileName} requires ${bad.map((b) => `"${b}"`).join(', ')}, but a sandboxed preload can ` +
              'require only "electron". Bundle the dependency (preload build.externalizeDeps must stay false) ' +
              'or use it from main through the contract.'
          )
        }
      }
    }
  }
}

const CSP_META = /<meta\s[^>]*http-equiv\s*=\s*["']?content-security-policy["']?[^>]*>/i

/** The policy of the page's CSP <meta> tag, or null when it has none. */
export function cspMetaOf(html: string): string | null {
  const tag = CSP_META.exec(html)?.[0]
  if (!tag) return null
  const content = /\scontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag)
  return content ? (content[1] ?? content[2] ?? '') : ''
}

/** A policy as a comparable list of directives (order, spacing and case of names ignored). */
export function normalizeCsp(policy: string): string {
  return policy
    .split(';')
    .map((d) => d.trim().replace(/\s+/g, ' '))
    .filter((d) => d !== '')
    .map((d) => {
      const [name, ...values] = d.split(' ')
      return [name!.toLowerCase(), ...values].join(' ')
    })
    .sort()
    .join('; ')
}

/**
 * Make sure index.html carries the shell's CSP as a <meta> tag: add it right after <head>, or,
 * when the page already declares one, require it to be the same policy. Both would be enforced,
 * so a different one means one of them is stale; the policy lives in main/platform/shell-policy.ts.
 */
export function injectCspMeta(html: string, csp: string): string {
  const existing = cspMetaOf(html)
  if (existing !== null) {
    if (normalizeCsp(existing) !== normalizeCsp(csp)) {
      throw new Error(
        `renderer/index.html: its Content-Security-Policy <meta> differs from the shell's policy.\n` +
          `  index.html: ${existing}\n  shell:      ${csp}\n` +
          'Change the policy in main/platform/shell-policy.ts (it is also the response header) and make the meta tag match, or remove the tag: the build adds it.'
      )
    }
    return html
  }
  const tag = `<meta http-equiv="Content-Security-Policy" content="${csp.replace(/"/g, '&quot;')}">`
  const head = /<head(\s[^>]*)?>/i.exec(html)
  if (!head) throw new Error('renderer/index.html has no <head>: cannot add the Content-Security-Policy')
  const at = head.index + head[0].length
  return `${html.slice(0, at)}\n    ${tag}${html.slice(at)}`
}

/** Adds (or checks) the CSP meta tag of the renderer's HTML at build time. */
export function cspMetaPlugin(csp: string): Plugin {
  return {
    name: 'lastmile:csp-meta',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        return injectCspMeta(html, csp)
      }
    }
  }
}
