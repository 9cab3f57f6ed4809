// Types for scripts/after-pack.cjs (an electron-builder hook, plain CommonJS so electron-builder
// can require it); used by its tests.
interface AfterPackContextLike {
  appOutDir: string
  electronPlatformName: string
  arch: number
  packager: { executableName?: string; appInfo: { productFilename: string } }
}
declare function afterPack(context: AfterPackContextLike): Promise<void>
declare namespace afterPack {
  const FUSES: { version: string } & Record<number, boolean>
  function electronBinaryPath(context: AfterPackContextLike): string
  function fuseMismatches(wire: Record<number, number | string | undefined>): string[]
}
export = afterPack
