// The templates' remaining pages through the real client: orderSet, the withdrawal bank card
// (pages/asset/bindCard), pinned and highlighted JSON rows (pages/qingdan), a deposit the merchant
// asks for paid with payStatusDepositV2 (pages/asset), an activity page (pages/huodong), the
// number-bomb game (game/numberBomb) and the merchant transfer that is not connected.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, sandboxFetch } = require('./setup')

async function shopper(code) {
  const login = await WXAPI.authorize({ code })
  assert.equal(login.code, 0, login.msg)
  return login.data
}

async function merchant(method, path, body) {
  const res = await sandboxFetch('/admin/api/v1' + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = res.status === 204 ? null : await res.json()
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

test('orderSet answers the order rules', async () => {
  const res = await WXAPI.orderSet()
  assert.equal(res.code, 0, res.msg)
  assert.equal(typeof res.data.closeMinutes, 'number')
  assert.equal(typeof res.data.autoConfirmDays, 'number')
})

test('a bank card is bound, shown masked as bindCard reads it, and unbound', async () => {
  const { token } = await shopper('code-node-bank-1')
  const banks = await WXAPI.userBankSelectBanks()
  assert.equal(banks.code, 0, banks.msg)
  assert.ok(banks.data[0].bankName)
  assert.equal((await WXAPI.userBankInfo(token)).code, 700)
  const bad = await WXAPI.userBankBind({ token, bankName: banks.data[0].bankName, bankBranch: '支行', name: '李四', bankCardNumber: 'x1' })
  assert.equal(bad.code, 300)
  const ok = await WXAPI.userBankBind({
    token, bankName: banks.data[0].bankName, bankBranch: '南山支行', name: '李四', bankCardNumber: '6222020200112233',
    provinceId: '440000', cityId: '440300', districtId: '', streetId: '',
  })
  assert.equal(ok.code, 0, ok.msg)
  const info = await WXAPI.userBankInfo(token)
  assert.equal(info.code, 0, info.msg)
  const i = info.data.info
  assert.equal(i.bankCardNumber, '6222********2233')
  for (const f of ['provinceStr', 'cityStr', 'areaStr', 'streetStr', 'bankName', 'bankBranch', 'name']) {
    assert.equal(typeof i[f], 'string', f)
  }
  assert.equal((await WXAPI.userBankUnBind(token)).code, 0)
  assert.equal((await WXAPI.userBankInfo(token)).code, 700)
})

test('jsonTopv2 and jsonHighlightv2 flag the shopper\'s own row', async () => {
  const { token } = await shopper('code-node-json-top-1')
  const row = await WXAPI.jsonSetV2({ token, type: 'qingdan', content: JSON.stringify({ t: '面包' }) })
  assert.equal(row.code, 0, row.msg)
  const top = await WXAPI.jsonTopv2({ token, id: row.data.id, isTop: true })
  assert.equal(top.code, 0, top.msg)
  const hl = await WXAPI.jsonHighlightv2({ token, id: row.data.id, isHighlight: true })
  assert.equal(hl.code, 0, hl.msg)
  const list = await WXAPI.jsonListV3({ token, type: 'qingdan', page: 1, pageSize: 10 })
  assert.equal(list.data[0].isTop, true)
  assert.equal(list.data[0].isHighlight, true)
  const other = await shopper('code-node-json-top-2')
  assert.equal((await WXAPI.jsonTopv2({ token: other.token, id: row.data.id, isTop: false })).code, 403)
})

test('payStatusDepositV2 pays a deposit the merchant asked for, 40000 first when short', async () => {
  const { token, uid } = await shopper('code-node-deposit-ask-1')
  const before = (await WXAPI.userAmount(token)).data.freeze
  const asked = await merchant('POST', '/deposits', { userId: uid, amount: 30, remark: '押金' })
  assert.equal(asked.status, -1)
  const logs = await WXAPI.depositListV2({ token })
  assert.equal(logs.data.result[0].id, asked.id)
  assert.equal(logs.data.result[0].status, -1)
  const short = await WXAPI.payStatusDepositV2({ token, id: asked.id })
  assert.equal(short.code, 40000, JSON.stringify(short))
  assert.equal(short.data, 30)
  await merchant('POST', `/users/${uid}/adjustments`, { account: 'balance', amount: 3000, reason: '测试充值' })
  const paid = await WXAPI.payStatusDepositV2({ token, id: asked.id })
  assert.equal(paid.code, 0, paid.msg)
  assert.equal(paid.data.status, 0)
  const amount = await WXAPI.userAmount(token)
  assert.equal(amount.data.freeze, before + 30)
})

test('activityMallInfoInfo answers the page pages/huodong reads', async () => {
  const made = await merchant('POST', '/activity-pages', { title: '年货节', titleSub: '满 99 减 20', dateStart: '2027-01-10', address: '一号店' })
  const res = await WXAPI.activityMallInfoInfo({ id: made.id })
  assert.equal(res.code, 0, res.msg)
  for (const f of ['title', 'titleSub', 'dateStart', 'dateDeadline', 'address', 'bannerType', 'couponRuleIds', 'goodsIds', 'disclaimerPageKey']) {
    assert.equal(typeof res.data.info[f], 'string', f)
  }
  assert.equal((await WXAPI.activityMallInfoInfo({ id: 987654 })).code, 404)
})

test('the number-bomb game begins, hints, and logs the round', async () => {
  await merchant('PATCH', '/settings', { numberBombOn: true, numberBombMaxNumber: 20, numberBombMaxGuess: 20, numberBombUseScore: 0 })
  const { token } = await shopper('code-node-bomb-1')
  const begun = await WXAPI.gameNumberBombBegin({ token })
  assert.equal(begun.code, 0, begun.msg)
  const { bombLog, setting } = begun.data
  assert.equal(setting.maxNumber, 20)
  assert.equal(setting.maxGuessTime, 20)
  // Halve the range on each hint, as a player would, until found.
  let [lo, hi, found] = [1, 20, false]
  for (let i = 0; i < 20 && !found; i++) {
    const n = Math.floor((lo + hi) / 2)
    const r = await WXAPI.gameNumberBombGuess({ token, id: bombLog.id, number: n })
    if (r.code === 0) found = true
    else if (r.code === 40000) hi = n - 1
    else if (r.code === 40001) lo = n + 1
    else assert.fail(JSON.stringify(r))
  }
  assert.ok(found)
  const logs = await WXAPI.gameNumberBombLogs({ token, page: 1, pageSize: 20 })
  assert.equal(logs.code, 0, logs.msg)
  assert.equal(logs.data.result[0].status, 2)
  assert.equal(typeof logs.data.result[0].statusStr, 'string')
  assert.equal(typeof logs.data.result[0].dateAdd, 'string')
  assert.equal(typeof logs.data.result[0].guessTime, 'number')
  await merchant('PATCH', '/settings', { numberBombOn: false })
})

test('wxpayRequestMerchantTransferV2 answers a clear 501', async () => {
  const { token } = await shopper('code-node-transfer-1')
  const res = await WXAPI.wxpayRequestMerchantTransferV2({ token, number: 'TX1' })
  assert.equal(res.code, 501)
  assert.match(res.msg, /商家转账/)
})
