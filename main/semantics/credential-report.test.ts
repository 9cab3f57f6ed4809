import { describe, expect, it } from 'vitest'
import { parseCredentialReport } from './credential-report'

describe('the IAM credential report', () => {
  const header =
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated'
  it('reads the rows with their keys, quoted names included', () => {
    const r = parseCredentialReport(
      `${header}\n"a,b",arn:aws:iam::111122223333:user/a,2021-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2021-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n`
    )
    expect(r).toMatchObject({
      ok: true,
      rows: [
        {
          ok: true,
          pointer: 'row=2',
          value: {
            user: 'a,b',
            keys: [
              { slot: 1, active: 'true', lastUsedDate: 'N/A' },
              { slot: 2, active: 'false' }
            ]
          }
        }
      ]
    })
  })
  it('refuses a file that is not a credential report, and one still base64-encoded', () => {
    expect(parseCredentialReport('user,arn\nx,y\n')).toMatchObject({ ok: false, error: expect.stringContaining('no column access_key_1_active') })
    expect(parseCredentialReport(Buffer.from(`${header}\n`).toString('base64'))).toMatchObject({ ok: false, error: expect.stringContaining('base64 -d') })
  })
  it('a short row is invalid on its own, named by its ARN', () => {
    const r = parseCredentialReport(`${header}\nbob,arn:aws:iam::111122223333:user/bob,2021\n`)
    expect(r).toMatchObject({ ok: true, rows: [{ ok: false, pointer: 'row=2', error: 'line 2: 3 fields where the header has 22', name: 'arn:aws:iam::111122223333:user/bob' }] })
  })
  it('gives every cell by its header name and the line each record starts on', () => {
    const r = parseCredentialReport(
      `${header}\n<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T08:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\r\n\r\n"x,\ny",arn:aws:iam::111122223333:user/x,2021-01-01T00:00:00+00:00,true,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n`
    )
    if (!r.ok) throw new Error(r.error)
    const [root, x] = r.rows.map((i) => (i.ok ? i.value : null))
    expect(root?.columns.get('password_last_used')).toBe('2026-11-01T08:00:00+00:00')
    expect(root?.columns.get('mfa_active')).toBe('true')
    expect(root?.columns.get('no_such_column')).toBeUndefined()
    expect([root?.line, x?.line, x?.row, x?.user]).toEqual([2, 4, 3, 'x,\ny'])
  })
})
