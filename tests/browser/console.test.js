// The console in a real headless Chromium (Debian's), at a desktop and a phone width: what a
// merchant does in the first week. Any script error or CSP violation in the browser's log fails.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const fs = require('node:fs')
const { chromium } = require('playwright-core')
const { BASE_URL, paidOrder, askRefund } = require('./shop')

const CHROMIUM = process.env.XIAODIAN_CHROMIUM || '/usr/bin/chromium'
const PASSWORD = process.env.XIAODIAN_ADMIN_PASSWORD || ''
// Where the README's screenshots go when asked for (`XIAODIAN_SCREENSHOTS=docs/img`).
const SHOTS = process.env.XIAODIAN_SCREENSHOTS || ''
const PICTURE = path.join(__dirname, '..', '..', 'static', 'demo', 'goods-cup.png')

const WIDTHS = [
  { name: 'desktop', viewport: { width: 1366, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
]

let browser
test.before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
})
test.after(async () => { if (browser) await browser.close() })

/** A page that records every script error, CSP violation and failed console message. */
async function openConsole(width) {
  const context = await browser.newContext({
    viewport: width.viewport, isMobile: !!width.isMobile, hasTouch: !!width.hasTouch, locale: 'zh-CN',
  })
  const page = await context.newPage()
  const problems = []
  page.on('pageerror', e => problems.push(`script error on ${page.url()}: ${e.message}`))
  page.on('console', m => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()} on ${page.url()}: ${m.text()}`)
  })
  // CSP violations also reach the page as events; record them in case the log misses one.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', e => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`)
    })
  })
  return { context, page, problems }
}

/** Fails with what the browser logged, if it logged anything wrong. */
function clean(problems, step) {
  const seen = problems.splice(0)
  assert.deepEqual(seen, [], `the browser logged problems during "${step}"`)
}

/**
 * Submits a form by its button and waits for the page the answer leads to. A form the browser
 * itself refuses to send (a field failing its own check) fails here, with the browser's words.
 */
async function submit(page, button) {
  const refused = await button.evaluate(b => {
    const form = b.form
    if (!form || b.formNoValidate || form.noValidate) return []
    return Array.from(form.elements)
      .filter(el => el.willValidate && !el.checkValidity())
      .map(el => `${el.name}: ${el.validationMessage} (${JSON.stringify(el.value)})`)
  })
  assert.deepEqual(refused, [], 'the browser refuses to send the form')
  await Promise.all([page.waitForNavigation({ timeout: 15000 }), button.click()])
}

async function flash(page) {
  return (await page.locator('.flash').first().textContent()).trim()
}

/** Takes one of the README's screenshots, at its width, when asked for. */
async function shoot(page, width, at, name) {
  if (!SHOTS || width.name !== at) return
  fs.mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: path.join(SHOTS, name) })
}

async function login(page) {
  await page.goto(`${BASE_URL}/admin`)
  assert.match(page.url(), /\/admin\/login/)
  await page.fill('input[name=username]', 'admin')
  await page.fill('input[name=password]', PASSWORD)
  await submit(page, page.locator('button[type=submit]'))
  assert.equal(new URL(page.url()).pathname, '/admin')
}

async function createGoods(page, name) {
  await page.goto(`${BASE_URL}/admin/goods/new`)
  await page.fill('input[name="f.name"]', name)
  await page.fill('input[name="specs[0].name"]', '颜色')
  await page.fill('input[name="specs[0].values"]', '白，黑')
  await page.fill('input[name="specs[1].name"]', '尺码')
  await page.fill('input[name="specs[1].values"]', 'M，L')
  await submit(page, page.locator('button[value=generate]'))
  const prices = page.locator('input[name$="].price"][name^="skus["]')
  assert.equal(await prices.count(), 4, 'two colours by two sizes make four SKUs')
  for (let i = 0; i < 4; i++) {
    await page.fill(`input[name="skus[${i}].price"]`, '59.00')
    await page.fill(`input[name="skus[${i}].stores"]`, '10')
  }
  await page.setInputFiles('input[name=file][data-files]', PICTURE)
  await submit(page, page.locator('button[value=upload]'))
  assert.equal(await page.locator('input[type=hidden][name=pics]').count(), 1, 'the picture was added')
  await submit(page, page.locator('.actions button[value=save], button.primary[value=save]').last())
  assert.match(await flash(page), /已保存|已创建|已添加/)
}

async function editBanner(page) {
  await page.goto(`${BASE_URL}/admin/banners`)
  await submit(page, page.locator('table a[href^="/admin/banners/"]:not([href$=delete])').first())
  const edit = page.url()
  // A new picture uploaded with the form.
  await page.setInputFiles('.picture input[type=file]', PICTURE)
  assert.ok(await page.locator('.picture .preview').evaluate(img => img.src.startsWith('blob:')), 'the preview shows the chosen file')
  await submit(page, page.locator('form button[type=submit]').last())
  assert.match(await flash(page), /轮播图已保存/)
  // Opened again and saved unchanged: the stored /uploads/… picture goes back as it is.
  await page.goto(edit)
  const stored = await page.inputValue('[data-picture-url]')
  assert.match(stored, /^\/uploads\//)
  await submit(page, page.locator('form button[type=submit]').last())
  assert.match(await flash(page), /轮播图已保存/)
}

async function shipOrder(page, order) {
  await page.goto(`${BASE_URL}/admin/orders`)
  // The sidebar: the current section open, the page lit; on a phone the menu folds behind its place.
  assert.deepEqual(await page.locator('.nav-group[open] > summary').allTextContents(), ['订单'])
  assert.equal((await page.locator('.nav a.active').textContent()).trim(), '订单')
  const folded = await page.locator('[data-menu]').evaluate(menu => !menu.open)
  assert.equal(folded, page.viewportSize().width < 760, 'the menu folds on a phone only')
  if (folded) assert.match(await page.locator('[data-menu] > summary').textContent(), /订单 › 订单/)
  await page.fill('input[name=q]', order.number)
  await submit(page, page.locator('form.toolbar button[type=submit]'))
  await fitsTheScreen(page)
  await submit(page, page.locator(`a[href="/admin/orders/${order.id}"]`).first())
  const text = await page.locator('main').innerText()
  assert.match(text, /浙江省 杭州市 西湖区 文三路 100 号/, 'the whole address, regions by name')
  assert.match(text, /微信支付 ¥[\d.]+（交易号 \S+）/, 'the real pay channel and its transaction id')
  await fitsTheScreen(page)
  await page.fill('input[name=carrier]', '顺丰速运')
  await page.fill('input[name=tracking]', 'SF1234567890')
  await submit(page, page.locator(`form[action="/admin/orders/${order.id}/ship"] button[type=submit]`))
  assert.match(await flash(page), /发货/)
  assert.match(await page.locator('h1 .tag').textContent(), /待收货|已发货/)
}

async function writeOff(page, order) {
  await page.goto(`${BASE_URL}/admin/writeoff`)
  await page.fill('input[name=hx]', order.hx)
  await submit(page, page.locator('form.toolbar button[type=submit]'))
  assert.ok(await page.getByText(order.number).count() > 0, 'the code finds its order')
  await fitsTheScreen(page)
  await submit(page, page.locator('form[action="/admin/writeoff"][method=post] button[type=submit]'))
  assert.match(await flash(page), /核销/)
}

/** On a phone nothing on the page runs wider than the screen (lists become cards). */
async function fitsTheScreen(page) {
  if (page.viewportSize().width >= 760) return
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(wide <= 1, `${new URL(page.url()).pathname} runs ${wide}px wider than the phone`)
  // Nor does a list hide columns in a box that scrolls sideways (the goods editor's grids may).
  const scrolled = await page.evaluate(() => Array.from(document.querySelectorAll('.table-wrap'))
    .filter(w => !w.querySelector('.skus, .specs') && w.scrollWidth > w.clientWidth + 1).length)
  assert.equal(scrolled, 0, `${new URL(page.url()).pathname} has a list that scrolls sideways`)
}

async function refund(page, order) {
  await page.goto(`${BASE_URL}/admin/refunds?status=0`)
  const row = page.locator('tbody tr', { hasText: order.number })
  assert.equal(await row.count(), 1, 'the refund request is listed as waiting')
  if (page.viewportSize().width < 760) {
    // A card per request: every cell says what it is.
    assert.equal(await row.locator('td[data-label]').first().getAttribute('data-label'), '申请时间')
    assert.equal(await page.locator('thead').first().evaluate(h => getComputedStyle(h).display), 'none')
  }
  await fitsTheScreen(page)
  await submit(page, row.locator('a[href$="/approve"]'))
  await submit(page, page.locator('form[action$="/approve"] button[type=submit]'))
  assert.match(await flash(page), /已同意售后申请.*(退回|退款)/)
}

async function readDashboard(page) {
  await page.goto(`${BASE_URL}/admin`)
  const figures = page.locator('a.stat')
  assert.ok(await figures.count() >= 6, 'the day\'s figures are there')
  assert.ok(await page.locator('a.stat[href^="/admin/orders?"]').count() >= 2, 'figures link to the filtered order list')
  assert.equal(await page.locator('svg.chart').count(), 1, 'the 30-day sales chart')
  await fitsTheScreen(page)
}

/** A wrong address is the console's own page with a way back, never a bare status. */
async function wrongAddresses(page, problems) {
  for (const [path, list] of [['/admin/orders/abc', '订单'], ['/admin/banners/999999', '轮播图']]) {
    const res = await page.goto(`${BASE_URL}${path}`)
    assert.equal(res.status(), 404, path)
    // The browser logs the page's own 404, which is what this step asks for; anything else stays.
    const own = `error on ${BASE_URL}${path}: Failed to load resource: the server responded with a status of 404 (Not Found)`
    problems.splice(0, problems.length, ...problems.filter(p => p !== own))
    assert.equal((await page.locator('h1').textContent()).trim(), '找不到这条记录', path)
    assert.equal(await page.locator(`a.btn:has-text("回到${list}")`).count(), 1, `${path} leads back to ${list}`)
  }
}

/** One sub-test: its own browser log, which must stay clean (and is shown when the step fails). */
function step(t, problems, name, fn) {
  return t.test(name, async () => {
    problems.splice(0)
    try {
      await fn()
    } catch (e) {
      const seen = problems.splice(0)
      if (seen.length) e.message += `\nthe browser logged:\n${seen.join('\n')}`
      throw e
    }
    clean(problems, name)
  })
}

for (const width of WIDTHS) {
  test(`a merchant's first week in the console at ${width.viewport.width}×${width.viewport.height}`, async (t) => {
    const delivered = await paidOrder(`code-browser-kd-${width.name}`, 'kd')
    const pickUp = await paidOrder(`code-browser-zq-${width.name}`, 'zq')
    const refunded = await paidOrder(`code-browser-tk-${width.name}`, 'kd')
    await askRefund(refunded)
    const { context, page, problems } = await openConsole(width)
    try {
      await step(t, problems, 'log in', () => login(page))
      await step(t, problems, 'create a goods with two spec dimensions and a picture',
        () => createGoods(page, `浏览器测试 T 恤 ${width.name}`))
      await step(t, problems, 'edit a banner with an uploaded picture and save it unchanged', () => editBanner(page))
      await step(t, problems, 'find and ship an order', async () => {
        await shipOrder(page, delivered)
        await shoot(page, width, 'phone', 'console-order-phone.png')
      })
      await step(t, problems, 'write off a pick-up code', () => writeOff(page, pickUp))
      await step(t, problems, 'refund a paid order', () => refund(page, refunded))
      await step(t, problems, 'lists fit a phone', async () => {
        for (const list of ['/admin/goods', '/admin/users', '/admin/payments', '/admin/banners']) {
          await page.goto(`${BASE_URL}${list}`)
          await fitsTheScreen(page)
        }
      })
      await step(t, problems, 'a wrong address is a page with a way back', () => wrongAddresses(page, problems))
      await step(t, problems, 'read the dashboard', async () => {
        await readDashboard(page)
        await shoot(page, width, 'desktop', 'console-dashboard-desktop.png')
      })
    } finally {
      await context.close()
    }
  })
}
