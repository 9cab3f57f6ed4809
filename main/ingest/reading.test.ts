import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isLastmileError } from '../errors'
import { CsvReader, sniffDelimiter } from './csv-reader'
import { csvCell, neutraliseCell, toCsv } from './csv-writer'
import { findJsonError } from './json-check'
import { compilePatterns, JsonSplitter, type SplitRecord } from './json-splitter'
import { TextScanner } from './scanner'
import { FileSource } from './source'

const dir = mkdtempSync(join(tmpdir(), 'lastmile-reading-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}

function split(path: string, patterns: string[][], chunkBytes = 16): Array<SplitRecord & { ctx: Record<string, string> }> {
  const src = new FileSource(path, 'f.json', { chunkBytes })
  const out: Array<SplitRecord & { ctx: Record<string, string> }> = []
  try {
    new JsonSplitter(new TextScanner(src, 'f.json'), compilePatterns(patterns.map((p, tag) => ({ path: p, tag })))).run((r) => {
      const ctx: Record<string, string> = {}
      for (const f of r.frames) for (const [k, v] of f) ctx[k] = v
      out.push({ ...r, ctx })
    })
  } finally {
    src.close()
  }
  return out
}

function errorOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (!isLastmileError(e)) throw e
    expect(e.code).toBe('bad-input')
    expect(e.message).not.toContain('\n')
    return e.message
  }
  throw new Error('expected a bad-input error')
}

describe('JSON splitter', () => {
  it('hands out each record verbatim with its byte range, across tiny chunks', () => {
    const text = '{"Findings": [ {"Id":"a","x":"q\\"uote"} ,\n{"Id":"b","nested":{"arr":[1,2,{"k":"}]"}]}}\n], "NextToken": "t"}'
    const p = file('a.json', text)
    for (const chunk of [16, 17, 23, 64, 1 << 20]) {
      const recs = split(p, [['Findings', '*']], chunk)
      expect(recs.map((r) => JSON.parse(r.text).Id)).toEqual(['a', 'b'])
      for (const r of recs) expect(Buffer.from(text).subarray(r.startByte, r.endByte).toString()).toBe(r.text)
      expect(recs.map((r) => r.recordNo)).toEqual([1, 2])
    }
  })

  it('skips brackets and quotes inside strings (policy documents held as text) at every chunk edge', () => {
    // the splitter jumps between the next quote and brackets it found ahead: those that were
    // inside a string it skipped must be looked for again, in every chunk
    const policy = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: ['*'] }, Condition: { StringEquals: { 'a:b': '}]"[{' } } }] })
    const records = [
      JSON.stringify({ Id: 'a', Policy: policy, Tags: [[], {}, [[{}]]], Empty: '' }),
      JSON.stringify({ Id: 'b', Note: '\\"}]', More: ['[', ']', '{', '}', '"'] }),
      '{ "Id" : "c" , "Deep" : [ { "x" : [ 1 , { } , [ ] ] } ] , "S" : "{[\\\\\\"" }'
    ]
    const text = `{"Findings":[\n  ${records.join(',\n  ')}\n]}`
    const p = file('brackets.json', text)
    for (let chunk = 16; chunk <= 48; chunk++) {
      const recs = split(p, [['Findings', '*']], chunk)
      expect(recs.map((r) => r.text)).toEqual(records)
      for (const r of recs) expect(Buffer.from(text).subarray(r.startByte, r.endByte).toString()).toBe(r.text)
    }
    expect(split(p, [['Findings', '*']], 1 << 20).map((r) => JSON.parse(r.text).Id)).toEqual(['a', 'b', 'c'])
  })

  it('keeps byte offsets exact with multi-byte UTF-8 and escaped backslashes at chunk edges', () => {
    const records = ['{"t":"Zürich ☃ 𝄞","b":"\\\\"}', '{"t":"a\\\\\\"b","e":"é"}', '{"t":"\\\\\\\\"}']
    const text = `[${records.join(',')}]`
    const p = file('utf8.json', text)
    for (const chunk of [16, 17, 18, 19, 20, 21]) {
      const recs = split(p, [['*']], chunk)
      expect(recs.map((r) => r.text)).toEqual(records)
      for (const r of recs) expect(Buffer.from(text).subarray(r.startByte, r.endByte).toString('utf8')).toBe(r.text)
    }
  })

  it('reads concatenated documents and JSON Lines, and keeps members before the records as context', () => {
    const p = file('pages.json', '{"Findings":[{"Id":1}],"NextToken":"x"}\n{"Findings":[{"Id":2},{"Id":3}]}\n')
    expect(split(p, [['Findings', '*']]).map((r) => JSON.parse(r.text).Id)).toEqual([1, 2, 3])
    const t = file('trivy.json', '{"ArtifactName":"img:1","Results":[{"Target":"t1","Vulnerabilities":[{"V":1}]},{"Target":"t2","Vulnerabilities":[{"V":2}]}]}')
    const recs = split(t, [['Results', '*', 'Vulnerabilities', '*']])
    expect(recs.map((r) => [JSON.parse(r.ctx.ArtifactName), JSON.parse(r.ctx.Target), JSON.parse(r.text).V])).toEqual([
      ['img:1', 't1', 1],
      ['img:1', 't2', 2]
    ])
    const jl = file('lines.jsonl', '{"a":1}\n{"a":2}\n\n{"a":3}\n')
    expect(split(jl, [[]]).map((r) => JSON.parse(r.text).a)).toEqual([1, 2, 3])
  })

  it('names the byte offset and line of a truncated file', () => {
    const p = file('trunc.json', '{"Findings":[\n{"Id":"a"},\n{"Id":"b","Title":"cut he')
    const msg = errorOf(() => split(p, [['Findings', '*']]))
    expect(msg).toMatch(/^f\.json: line 3, byte offset \d+, record 2: the file ends inside record 2 \(which starts at byte offset 26\)/)
  })

  it('refuses garbage between records and a record too large to be a finding', () => {
    const p = file('garbage.json', '[{"a":1} x {"a":2}]')
    expect(errorOf(() => split(p, [['*']]))).toMatch(/line 1, byte offset 9: expected ',' or '\]' after record 1, found "x/)
    const big = file('big.json', `[{"a":"${'x'.repeat(5000)}"}]`)
    const src = new FileSource(big, 'f.json', { chunkBytes: 1024 })
    const msg = errorOf(() => new JsonSplitter(new TextScanner(src, 'f.json'), compilePatterns([{ path: ['*'], tag: 0 }]), { maxRecordChars: 2000 }).run(() => undefined))
    src.close()
    expect(msg).toMatch(/record 1 is larger than 0 MiB/)
  })

  it('takes a pretty-printed record whole only when it parses, with the same text and bytes as bracket by bracket', () => {
    const records = [
      '{\n    "Id": "a",\n    "Nested": {\n      "k": [1, {"x": "}"}]\n    }\n  }',
      // a member closed at the record's own indent: that line is not the record's end, and the
      // record is read bracket by bracket
      '{\n    "Id": "b",\n    "Odd": {\n  },\n    "Text": "ends with \\n  } inside a string"\n  }',
      // not valid JSON: handed on as text, for the reader to refuse at its place
      '{\n    "Id": "c",\n    "Bad": tru\n  }',
      '{\n    "Id": "d", "Ünïcode": "\u00e9té"\n  }',
      '{"Id": "e", "OneLine": true}'
    ]
    for (const eol of ['\n', '\r\n']) {
      const parts = records.map((r) => r.replaceAll('\n', eol))
      const head = `{${eol}  "Findings": [${eol}  `
      const text = `${head}${parts.join(`,${eol}  `)}${eol}  ]${eol}}${eol}`
      const p = file(`pretty${eol.length}.json`, text)
      for (const chunk of [16, 97, 1 << 20]) {
        const recs = split(p, [['Findings', '*']], chunk)
        expect(recs.map((r) => r.text)).toEqual(parts)
        for (const r of recs) {
          expect(Buffer.from(text).subarray(r.startByte, r.endByte).toString()).toBe(r.text)
          if (r.value !== undefined) expect(r.value).toEqual(JSON.parse(r.text))
        }
        expect(recs[2].value).toBeUndefined()
        // in one chunk, the pretty records are parsed as they are found
        if (chunk === 1 << 20) expect(recs.map((r) => r.value !== undefined)).toEqual([true, false, false, true, false])
      }
    }
  })

  it('locates a syntax error inside a record', () => {
    expect(findJsonError('{"a": 1, "b": tru}')).toEqual({ pos: 14, what: 'unexpected "t" where a value was expected' })
    expect(findJsonError('{"a":1,,}')?.pos).toBe(7)
    expect(findJsonError('{"a":"x\ny"}')?.what).toMatch(/control character/)
    expect(findJsonError('[1,2]')).toBeNull()
    expect(findJsonError('['.repeat(200000))?.what).toMatch(/ends where a value was expected/)
  })
})

describe('file source', () => {
  it('refuses a zero-byte file, UTF-16 and compressed files with one line each', () => {
    expect(errorOf(() => new FileSource(file('empty.json', ''), 'empty.json'))).toBe('empty.json: the file is empty (0 bytes); nothing was imported')
    const u16 = new FileSource(file('u16.csv', Buffer.from([0xff, 0xfe, 0x41, 0x00])), 'u16.csv')
    expect(errorOf(() => u16.next())).toMatch(/^u16\.csv: byte offset 0: the file is UTF-16 text/)
    u16.close()
    const gz = new FileSource(file('x.json.gz', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0])), 'x.json.gz')
    expect(errorOf(() => gz.next())).toMatch(/gzip-compressed/)
    gz.close()
  })

  it('names the line and byte offset of the first byte that is not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"ok"}\n{"b":"caf'), Buffer.from([0xe9]), Buffer.from('"}\n')])
    const p = file('latin1.json', bytes)
    for (const chunk of [16, 1 << 20]) {
      const src = new FileSource(p, 'latin1.json', { chunkBytes: chunk })
      const msg = errorOf(() => {
        while (src.next());
      })
      src.close()
      expect(msg).toBe('latin1.json: line 2, byte offset 20: not valid UTF-8 text (byte 0xe9); export or save the file as UTF-8 and import again')
    }
  })

  it('skips a UTF-8 BOM but keeps offsets true to the file', () => {
    const p = file('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"a":1}]')]))
    const recs = split(p, [['*']])
    expect(recs[0].text).toBe('{"a":1}')
    expect(recs[0].startByte).toBe(4)
  })
})

describe('CSV reader', () => {
  function rows(content: string, delimiter = ',', chunk = 16): string[][] {
    const p = file('r.csv', content)
    const src = new FileSource(p, 'r.csv', { chunkBytes: chunk })
    const r = new CsvReader(new TextScanner(src, 'r.csv'), delimiter)
    const out: string[][] = []
    for (let row = r.next(); row; row = r.next()) out.push(row.fields)
    src.close()
    return out
  }

  it('reads quoted cells with delimiters, doubled quotes and line breaks, and CRLF', () => {
    const csv = 'a,b,c\r\n"x,1","He said ""hi""","line1\nline2\r\nline3"\r\nplain,,"end"\r\n'
    for (const chunk of [16, 17, 19, 1 << 20]) {
      expect(rows(csv, ',', chunk)).toEqual([
        ['a', 'b', 'c'],
        ['x,1', 'He said "hi"', 'line1\nline2\r\nline3'],
        ['plain', '', 'end']
      ])
    }
    expect(rows('A;B\n1;"2;3"\n', ';')).toEqual([
      ['A', 'B'],
      ['1', '2;3']
    ])
  })

  it('knows the line and bytes of each row', () => {
    const p = file('lines.csv', 'h1,h2\n"multi\nline",x\nlast,y')
    const src = new FileSource(p, 'lines.csv', { chunkBytes: 16 })
    const r = new CsvReader(new TextScanner(src, 'lines.csv'), ',')
    r.next()
    const second = r.next()!
    const third = r.next()!
    src.close()
    expect([second.line, second.recordNo, second.startByte, second.endByte]).toEqual([2, 1, 6, 20])
    expect([third.line, third.recordNo]).toEqual([4, 2])
  })

  it('names the line of a quote that is never closed, and of a stray character after a quote', () => {
    expect(() => rows('a,b\n1,"open\n2,3\n')).toThrow(/r\.csv: line 2, byte offset 6, record 1: a quoted cell opened on line 2 is never closed/)
    expect(() => rows('a,b\n"x"y,2\n')).toThrow(/r\.csv: line 2, byte offset 7, record 1: unexpected "y,2" after the closing quote of cell 1/)
  })

  it('tells the delimiter from the header', () => {
    expect(sniffDelimiter('AUTH_METHOD;TIMESTAMP;ACCOUNT_UID')).toBe(';')
    expect(sniffDelimiter('"a;b",c,d')).toBe(',')
  })
})

describe('CSV writer', () => {
  it('neutralises cells a spreadsheet would run as formulas, and keeps others as they are', () => {
    for (const bad of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      expect(neutraliseCell(bad)).toBe(`'${bad}`)
    }
    expect(neutraliseCell('arn:aws:s3:::bucket')).toBe('arn:aws:s3:::bucket')
    expect(csvCell('=1,2')).toBe(`"'=1,2"`)
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell(-5)).toBe('-5')
    expect(toCsv(['a', 'b'], [['=cmd|x', 'ok']])).toBe("a,b\r\n'=cmd|x,ok\r\n")
  })

  it('writes CSV the reader reads back to the neutralised values', () => {
    const values = [['@evil', 'multi\nline, with "quotes"', '']]
    const p = file('w.csv', toCsv(['x', 'y', 'z'], values))
    expect(rows0(p)).toEqual([
      ['x', 'y', 'z'],
      ["'@evil", 'multi\nline, with "quotes"', '']
    ])
  })
})

function rows0(p: string): string[][] {
  const src = new FileSource(p, 'w.csv')
  const r = new CsvReader(new TextScanner(src, 'w.csv'), ',')
  const out: string[][] = []
  for (let row = r.next(); row; row = r.next()) out.push(row.fields)
  src.close()
  return out
}
