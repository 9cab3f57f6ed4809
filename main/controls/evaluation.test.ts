import { describe, expect, it } from 'vitest'
import { isRegion, partitionOf, regionOfZone } from '../semantics/ids'
import { regionFor } from './evaluation'
import type { AwsAccountInventory } from '../semantics/inventory'

describe('Regions and partitions', () => {
  it('derives the Region of an Availability, Local or Wavelength Zone', () => {
    expect(regionOfZone('us-east-1a')).toBe('us-east-1')
    expect(regionOfZone('us-west-2-lax-1a')).toBe('us-west-2')
    expect(regionOfZone('us-east-1-wl1-bos-wlz-1')).toBe('us-east-1')
    expect(regionOfZone('us-gov-west-1b')).toBe('us-gov-west-1')
    expect(regionOfZone('us-east-1')).toBeNull()
    expect(regionOfZone('nowhere')).toBeNull()
    expect(isRegion('ap-southeast-2')).toBe(true)
  })
  it('knows the partitions', () => {
    expect([partitionOf('cn-north-1'), partitionOf('us-gov-east-1'), partitionOf('eu-west-1'), partitionOf(null)]).toEqual(['aws-cn', 'aws-us-gov', 'aws', 'aws'])
  })
  it('falls back on the scope only when it names exactly one Region', () => {
    const inv = (scopeRegions: string[]) => ({ scopeRegions }) as AwsAccountInventory
    expect(regionFor('eu-west-1', inv(['us-east-1']))).toEqual({ region: 'eu-west-1' })
    expect(regionFor(null, inv(['us-east-1']))).toEqual({ region: 'us-east-1' })
    expect(regionFor(null, inv(['us-east-1', 'eu-west-1']))).toMatchObject({ problem: expect.stringContaining('names several') })
    expect(regionFor(null, inv([]))).toMatchObject({ problem: expect.stringContaining('names no Region') })
  })
})
