// Modules vite bundles for the renderer (tsconfig.web.json has no vite/client types).
declare module '*.css'
declare module '*.svg' {
  const url: string
  export default url
}
