import { describe, expect, it } from 'vitest'
import { parseCsv } from './csv'

describe('RFC 4180 CSV', () => {
  it('splits records and fields, with quotes, doubled quotes, CRLF and a final newline', () => {
    const r = parseCsv('user,arn\r\n"a,b",x\r\n"say ""hi""",y\n')
    expect(r).toEqual({
      ok: true,
      rows: [
        { row: 1, line: 1, fields: ['user', 'arn'] },
        { row: 2, line: 2, fields: ['a,b', 'x'] },
        { row: 3, line: 3, fields: ['say "hi"', 'y'] }
      ]
    })
  })
  it('keeps line breaks inside quotes and counts lines right after them', () => {
    const r = parseCsv('a,b\n"multi\nline",1\nz,2')
    expect(r.ok && r.rows.map((x) => [x.row, x.line, x.fields])).toEqual([
      [1, 1, ['a', 'b']],
      [2, 2, ['multi\nline', '1']],
      [3, 4, ['z', '2']]
    ])
  })
  it('keeps empty fields', () => {
    expect(parseCsv('a,,c\n,,\n')).toMatchObject({ ok: true, rows: [{ fields: ['a', '', 'c'] }, { fields: ['', '', ''] }] })
  })
  it('says where quoting is broken', () => {
    expect(parseCsv('a,b\n"open,1\n')).toEqual({ ok: false, error: 'line 2: a quoted field is not closed' })
    expect(parseCsv('a,b\nx"y,1\n')).toEqual({ ok: false, error: 'line 2: a quote inside an unquoted field' })
    expect(parseCsv('a,b\n"x"y,1\n')).toEqual({ ok: false, error: 'line 2: text after a closing quote' })
  })
})
