import { describe, expect, it } from 'vitest'
import { decodeText, locateJsonError, parseJson } from './json-text'

describe('JSON with errors that say where', () => {
  it('parses valid JSON', () => {
    expect(parseJson('{"a": [1, 2.5e3, -0, true, null, "x\\u00e9"]}')).toEqual({ ok: true, value: { a: [1, 2500, -0, true, null, 'xé'] } })
  })

  it('names line and column of the first error', () => {
    const cases: Array<[string, string]> = [
      ['{\n  "a": 1,\n}', 'line 3 column 1: expected a property name in double quotes, found "}"'],
      ['{"a": tru}', 'line 1 column 7: expected a value, found "t"'],
      ['{"a": 1', "line 1 column 8: expected ',' or '}' after a property value, found the end of the text"],
      ['["a"\n "b"]', "line 2 column 2: expected ',' or ']' after an array element, found \"\\\"\""],
      ['{"a": "x\ny"}', 'line 1 column 9: a control character (such as a line break) inside a string'],
      ['{"a": "open', 'line 1 column 7: a string that is not closed'],
      ['{} {}', 'line 1 column 4: unexpected text after the JSON value'],
      ['{"a": 01}', "line 1 column 8: expected ',' or '}' after a property value, found \"1\""],
      ['"\\x"', 'line 1 column 2: a bad escape in a string']
    ]
    for (const [text, error] of cases) expect({ text, r: parseJson(text) }).toEqual({ text, r: { ok: false, error } })
  })

  it('agrees with JSON.parse on what is valid', () => {
    for (const t of ['[]', '{}', '0', '"s"', ' [ {"k": [ {} ] } ] ', '1e-7', '[1,]', '{,}', '[-]', '.5', 'nul', '[1 2]']) {
      let valid = true
      try {
        JSON.parse(t)
      } catch {
        valid = false
      }
      expect({ t, valid: locateJsonError(t) === null }).toEqual({ t, valid })
    }
  })

  it('decodes UTF-8 with or without BOM and UTF-16 with BOM (PowerShell redirection)', () => {
    expect(decodeText(Buffer.from('\ufeff{"a":1}', 'utf8'))).toBe('{"a":1}')
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"é":1}', 'utf16le')]))).toBe('{"é":1}')
    const be = Buffer.from('{"a":1}', 'utf16le').swap16()
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe('{"a":1}')
  })
})
