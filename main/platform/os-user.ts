import { userInfo } from 'node:os'

/** The name of the operating-system user running Lastmile (the app's and the CLI's default person). */
export function osUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env.USER ?? 'unknown'
  }
}
