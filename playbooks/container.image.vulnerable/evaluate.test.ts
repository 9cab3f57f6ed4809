import { describe, expect, it } from 'vitest'
import { digestOfImageId, imageVerdict } from './evaluate'
import type { EcrImage } from '../../main/semantics/inventory'

const D = `sha256:${'ab'.repeat(32)}`
const img = (counts: Record<string, number> | undefined, status = 'COMPLETE'): { image: EcrImage } => ({
  image: {
    repositoryName: 'web',
    imageDigest: D,
    imageScanStatus: { status },
    imageScanFindingsSummary: counts === undefined ? undefined : { imageScanCompletedAt: '2026-11-19T03:00:00+00:00', findingSeverityCounts: counts }
  }
})

describe('container.image.vulnerable', () => {
  it('reads the registry digest from a Kubernetes imageID, not a local image id', () => {
    expect(digestOfImageId(`docker-pullable://111122223333.dkr.ecr.us-east-1.amazonaws.com/web@${D}`)).toBe(D)
    expect(digestOfImageId(`docker.io/library/nginx@${D}`)).toBe(D)
    expect(digestOfImageId(D)).toBeNull()
    expect(digestOfImageId('')).toBeNull()
  })
  it('FAIL on CRITICAL or HIGH findings of a completed ECR scan', () => {
    expect(imageVerdict([img({ CRITICAL: 1, HIGH: 3, LOW: 2 })])).toEqual({
      status: 'FAIL',
      reason: "ECR's scan of web (completed 2026-11-19T03:00:00Z) reports 1 CRITICAL, 3 HIGH, 2 LOW"
    })
    expect(imageVerdict([img({ HIGH: 1 }, 'ACTIVE')]).status).toBe('FAIL')
  })
  it('PASS when the scan completed with nothing serious (as fresh as the scan)', () => {
    expect(imageVerdict([img({ MEDIUM: 4 })])).toMatchObject({ status: 'PASS', reason: expect.stringContaining('completed 2026-11-19T03:00:00Z') })
    expect(imageVerdict([img({})])).toMatchObject({ status: 'PASS', reason: expect.stringContaining('no findings') })
  })
  it('UNKNOWN with no scan result or a scan that did not complete', () => {
    expect(imageVerdict([])).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('not in ecr-images.json') })
    expect(imageVerdict([img(undefined, 'FAILED')])).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('web: FAILED') })
    expect(imageVerdict([img({ CRITICAL: 2 }, 'IN_PROGRESS')]).status).toBe('UNKNOWN')
  })
})
