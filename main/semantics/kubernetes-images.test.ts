import { describe, expect, it } from 'vitest'
import { imageUserVerdict, parseImages } from './kubernetes-images'

describe("a cluster's images.json", () => {
  it("reads each image's configured USER (an OCI image config as crane config prints it; none set: '')", () => {
    const r = parseImages(
      JSON.stringify({
        images: [
          {
            image: 'registry.example.com/shop/storefront:5.1.0',
            config: { architecture: 'amd64', os: 'linux', config: { User: '10001:10001', Env: [] }, rootfs: { type: 'layers', diff_ids: [] } }
          },
          { image: 'nginx:1.25.4', config: { architecture: 'amd64', config: { Cmd: ['nginx'] } } }
        ]
      }),
      'kubernetes/shop/images.json'
    )
    expect(r.ok && [...r.value]).toEqual([
      ['registry.example.com/shop/storefront:5.1.0', { user: '10001:10001' }],
      ['nginx:1.25.4', { user: '' }]
    ])
  })

  it('refuses a file that is not that list, naming the file and the place', () => {
    expect(parseImages('{"images": [{"image": "nginx:1.25.4", "config": {"config": {"User": 0}}}]}', 'kubernetes/shop/images.json')).toEqual({
      ok: false,
      why: 'kubernetes/shop/images.json: images.0.config.config.User: not {"images": [{"image": "<as the pod spec names it>", "config": <its OCI image config>}]} (Invalid input: expected string, received number)'
    })
    expect(parseImages('[{"image": "nginx"}]', 'kubernetes/shop/images.json').ok).toBe(false)
  })

  it("says what the kubelet makes of the image's USER under runAsNonRoot (verifyRunAsNonRoot)", () => {
    expect(imageUserVerdict('10001:10001')).toEqual({ starts: true, uid: 10001 })
    expect(imageUserVerdict('65532')).toEqual({ starts: true, uid: 65532 })
    expect(imageUserVerdict('')).toMatchObject({ starts: false, why: expect.stringContaining('sets no USER: it runs as root') })
    expect(imageUserVerdict('0:0')).toMatchObject({ starts: false, why: expect.stringContaining('uid 0 (root)') })
    expect(imageUserVerdict('nginx')).toMatchObject({ starts: false, why: expect.stringContaining('the name nginx, which the kubelet cannot check') })
    expect(imageUserVerdict('root')).toMatchObject({ starts: false })
  })
})
