// The configuration of the images a cluster's containers run (docs/evidence-bundle.md,
// kubernetes/<cluster>/images.json): for each image as a pod spec names it, its OCI image configuration
// as `crane config <image>` or `skopeo inspect --config docker://<image>` prints it (and as Trivy's
// reports carry it, Metadata.ImageConfig). What is read: `config.User`, the user the process runs as
// when the pod spec sets no runAsUser.
//
// What the kubelet makes of it when a container must run as non-root (runAsNonRoot: true; the kubelet's
// verifyRunAsNonRoot, with the image user as containerd's CRI reports it): USER "uid[:gid]" with a
// numeric uid is that uid; a name ("nginx", "root") cannot be checked, and the kubelet refuses to start
// the container ("image has non-numeric user … cannot verify user is non-root"); no USER is root, and
// it refuses too ("image will run as root"). A uid of 0 is refused.
import { z } from 'zod'
import { parseJson } from './json-text'
import type { Parsed } from './kubernetes-rbac'

const ImageConfig = z.object({ config: z.object({ User: z.string().nullish() }).passthrough().nullish() }).passthrough()
export const ImagesFile = z.object({ images: z.array(z.object({ image: z.string().min(1), config: ImageConfig }).passthrough()) }).strict()

/** An image's configured user, by the image reference the pod spec names. */
export type ImageUsers = Map<string, { user: string }>

export function parseImages(text: string, path: string): Parsed<ImageUsers> {
  const j = parseJson(text)
  if (!j.ok) return { ok: false, why: `${path}: ${j.error}` }
  const r = ImagesFile.safeParse(j.value)
  if (!r.success) {
    const i = r.error.issues[0]
    return { ok: false, why: `${path}: ${i.path.join('.') || '(top)'}: not {"images": [{"image": "<as the pod spec names it>", "config": <its OCI image config>}]} (${i.message})` }
  }
  const out: ImageUsers = new Map()
  for (const x of r.data.images) out.set(x.image, { user: x.config.config?.User ?? '' })
  return { ok: true, value: out }
}

/** What the kubelet makes of an image's USER when the container must run as non-root: the uid, or why it refuses to start it. */
export function imageUserVerdict(user: string): { starts: true; uid: number } | { starts: false; why: string } {
  const u = user.split(':')[0].trim()
  if (u === '') return { starts: false, why: 'the image sets no USER: it runs as root, and the kubelet refuses to start it with runAsNonRoot' }
  if (!/^\d+$/.test(u)) return { starts: false, why: `the image's USER is the name ${u}, which the kubelet cannot check: it refuses to start it with runAsNonRoot` }
  const uid = Number(u)
  if (uid === 0) return { starts: false, why: "the image's USER is uid 0 (root): the kubelet refuses to start it with runAsNonRoot" }
  return { starts: true, uid }
}
