// Points, growth and cash logs through the real client: the merchant sets sign-in rewards and
// exchange rates in the console (as a merchant would), then a shopper signs in, exchanges points
// for balance and growth, reads the logs, and a share opened in a WeChat group pays the sharer.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, BASE_URL, sandboxFetch } = require('./setup')

/** A signed-in console session: {get, post} keeping the session cookie, no redirects followed. */
async function consoleSession() {
  const jar = new Map()
  const call = async (path, init = {}) => {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
    const res = await fetch(BASE_URL + path, { ...init, headers: { cookie, ...(init.headers || {}) }, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0]
      const at = pair.indexOf('=')
      if (pair.slice(at + 1) && !/max-age=0/i.test(line)) jar.set(pair.slice(0, at), pair.slice(at + 1))
      else jar.delete(pair.slice(0, at))
    }
    return { status: res.status, body: await res.text() }
  }
  const post = (path, form) =>
    call(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    })
  const login = await call('/admin/login')
  const res = await post('/admin/login', {
    username: 'admin', password: 'test-admin-password', csrf: csrfOf(login.body), next: '/admin',
  })
  assert.equal(res.status, 303, res.body)
  return { get: call, post }
}

function csrfOf(html) {
  const m = html.match(/name="csrf" value="([^"]+)"/)
  assert.ok(m, 'the page has a csrf field')
  return m[1]
}

/** The value of the input `name` on a console page. */
function inputValue(html, name) {
  const m = html.match(new RegExp(`name="${name}" value="([^"]*)"`))
  assert.ok(m, `the page has an input ${name}`)
  return m[1]
}

let configured = null

/** Sign-in rewards 1 day → 5, 3 days → 10; 1 point per yuan; 1 point per growth; 6 points a group share. */
function configure() {
  configured ||= (async () => {
    const c = await consoleSession()
    const page = await c.get('/admin/points')
    const csrf = csrfOf(page.body)
    const keep = (name) => inputValue(page.body, name)
    const saved = await c.post('/admin/points/settings', {
      csrf,
      // The shop's other rules stay as they are: other suites count on them.
      register: keep('register'),
      per_yuan_spent: keep('per_yuan_spent'),
      share_group: '6',
      share_group_daily_max: '5',
      cash_rate: '1',
      growth_rate: '1',
      deduction_per_yuan: keep('deduction_per_yuan'),
      deduction_max_percent: keep('deduction_max_percent'),
    })
    assert.equal(saved.status, 303, saved.body)
    const rules = await c.post('/admin/points/sign-rules', { csrf, rules: '1 5\n3 10' })
    assert.equal(rules.status, 303, rules.body)
  })()
  return configured
}

async function shopper(code) {
  const auth = await WXAPI.authorize({ code })
  assert.equal(auth.code, 0, auth.msg)
  return auth.data
}

test('sign-in: the rules, one sign-in a day (10000 the second time), today and the history', async () => {
  await configure()
  const rules = await WXAPI.scoreSignRules()
  assert.equal(rules.code, 0, rules.msg)
  assert.deepEqual(rules.data.map((r) => [r.continuous, r.score]), [[1, 5], [3, 10]])

  const { token } = await shopper('code-node-points-sign')
  assert.equal((await WXAPI.scoreTodaySignedInfo(token)).code, 700)
  const signed = await WXAPI.scoreSign(token)
  assert.equal(signed.code, 0, signed.msg)
  assert.equal(signed.data.continuous, 1)
  assert.equal(signed.data.score, 5)
  const again = await WXAPI.scoreSign(token)
  assert.equal(again.code, 10000, JSON.stringify(again))
  const today = await WXAPI.scoreTodaySignedInfo(token)
  assert.equal(today.code, 0, today.msg)
  assert.equal(today.data.score, 5)
  const logs = await WXAPI.scoreSignLogs({ token, page: 1, pageSize: 20 })
  assert.equal(logs.code, 0, logs.msg)
  assert.equal(logs.data.totalRow, 1)
  assert.match(logs.data.result[0].dateAdd, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)

  const scores = await WXAPI.scoreLogs({ token, page: 1, pageSize: 20 })
  assert.equal(scores.code, 0, scores.msg)
  const row = scores.data.result[0]
  assert.equal(row.behavior, 0)
  assert.equal(row.score, 5)
  assert.equal(row.typeStr, '每日签到')
  assert.equal(typeof row.remark, 'string')

  const send = await WXAPI.scoreRules({ code: 'sign' })
  assert.equal(send.code, 0, send.msg)
  assert.equal(send.data[0].score, 5)
  assert.equal((await WXAPI.scoreSign('not-a-token')).code, 2000)
})

test('points buy balance and growth at the shop rates; the cash and growth logs show them', async () => {
  await configure()
  const { token } = await shopper('code-node-points-exchange')
  assert.equal((await WXAPI.scoreSign(token)).code, 0)
  const cash = await WXAPI.scoreExchangeCash(token, '2')
  assert.equal(cash.code, 0, cash.msg)
  assert.equal(cash.data.amount, 2)
  const growth = await WXAPI.exchangeScoreToGrowth(token, 3)
  assert.equal(growth.code, 0, growth.msg)
  assert.equal(growth.data.growth, 3)
  const short = await WXAPI.exchangeScoreToGrowth(token, 1)
  assert.equal(short.code, 30001, JSON.stringify(short))

  const amount = await WXAPI.userAmount(token)
  assert.equal(amount.data.balance.toFixed(2), '2.00')
  assert.equal(amount.data.score, 0)
  assert.equal(amount.data.growth, 3)

  for (const logs of [await WXAPI.cashLogsV2({ token, page: 1, pageSize: 10 }), await WXAPI.cashLogs({ token })]) {
    assert.equal(logs.code, 0, logs.msg)
    assert.equal(logs.data.totalRow, 1)
    const row = logs.data.result[0]
    assert.equal(row.amount, 2)
    assert.equal(row.balance, 2)
    assert.equal(row.behavior, 0)
    assert.equal(typeof row.dateAdd, 'string')
  }
  const growthLogs = await WXAPI.growthLogs({ token })
  assert.equal(growthLogs.code, 0, growthLogs.msg)
  assert.equal(growthLogs.data.result[0].growth, 3)

  const rules = await WXAPI.scoreDeductionRules(1)
  assert.equal(rules.code, 0, rules.msg)
  assert.deepEqual([rules.data[0].score, rules.data[0].money, rules.data[0].loop], [1, 1, true])
  assert.equal((await WXAPI.scoreExchange(token, 'NO-SUCH-CODE')).code, 700)
})

test('a share opened in a WeChat group pays the sharer once for that group today', async () => {
  await configure()
  const sharer = await shopper('code-node-points-sharer')
  const opener = await shopper('code-node-points-opener#1')
  const sealed = await sandboxFetch('/sandbox/wechat/control/encrypt', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ openid: opener.openid, data: { openGId: 'G-node-group' } }),
  }).then((r) => r.json())
  const share = () =>
    WXAPI.shareGroupGetScore('code-node-points-opener#1', sharer.uid, sealed.encryptedData, sealed.iv)
  const paid = await share()
  assert.equal(paid.code, 0, paid.msg)
  assert.equal(paid.data.score, 6)
  const twice = await share()
  assert.equal(twice.code, 403, JSON.stringify(twice))
  const amount = await WXAPI.userAmount(sharer.token)
  assert.equal(amount.data.score, 6)
})
