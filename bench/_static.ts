import { chromium } from 'playwright-core'
async function main() {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] })
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  const rows = Array.from({ length: 3000 }, (_, i) => `<tr>${Array.from({ length: 10 }, (_, j) => `<td>cell ${i}-${j} text here</td>`).join('')}</tr>`).join('')
  await page.setContent(`<style>body{margin:0;font:13px system-ui} #s{height:800px;overflow:auto;background:#fff} td{padding:0 8px;height:32px;border-bottom:1px solid #ddd;white-space:nowrap}</style><div id=s><table>${rows}</table></div>`)
  const r = await page.evaluate(`(async () => { const el = document.getElementById('s'); const d = []; let last = -1, end = 0; await new Promise(res => { const tick = t => { if (last < 0) end = t + 3000; else d.push(t - last); last = t; el.scrollTop += 48; if (t < end) requestAnimationFrame(tick); else res() }; requestAnimationFrame(tick) }); return d })()`) as number[]
  const dropped = r.reduce((n, x) => n + Math.max(0, Math.round(x / 16.667) - 1), 0)
  console.log('static table, 48px/frame:', r.length, 'frames; dropped', dropped, 'p95', [...r].sort((a, b) => a - b)[Math.floor(r.length * 0.95)])
  await browser.close()
}
main()
