// WeChat Pay through the real client against the sandbox: wxpay and payVariableUrl answer the five
// wx.requestPayment fields, the sandbox pays and notifies, payLogs and userAmount read the result,
// and the client's other pay channels answer "not available".

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, sandboxFetch } = require('./setup')

function assertRequestPayment(res) {
  assert.equal(res.code, 0, res.msg)
  assert.equal(typeof res.data.timeStamp, 'string')
  assert.equal(typeof res.data.nonceStr, 'string')
  assert.match(res.data.package, /^prepay_id=wx/)
  assert.ok(['MD5', 'HMAC-SHA256'].includes(res.data.signType))
  assert.match(res.data.paySign, /^[0-9A-F]{32,64}$/)
}

async function sandboxPay(pkg) {
  const res = await sandboxFetch('/sandbox/pay/control/pay', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ prepay_id: pkg.replace('prepay_id=', '') }),
  })
  return res.json()
}

test('a recharge by wxpay and by payVariableUrl lands in the balance and the pay logs', async () => {
  const login = await WXAPI.authorize({ code: 'code-node-wxpay' })
  assert.equal(login.code, 0, login.msg)
  const token = login.data.token
  const before = await WXAPI.userAmount(token)
  assert.equal(before.code, 0, before.msg)
  assert.equal(typeof before.data.balance, 'number')

  const first = await WXAPI.wxpay({ token, money: 12.5, remark: '充值', payName: '充值' })
  assertRequestPayment(first)
  assert.equal((await sandboxPay(first.data.package)).delivered, true)
  const second = await WXAPI.payVariableUrl('/pay/wx/wxapp', { token, money: 1, payName: '充值' })
  assertRequestPayment(second)
  assert.equal((await sandboxPay(second.data.package)).delivered, true)

  const after = await WXAPI.userAmount(token)
  assert.equal(after.code, 0, after.msg)
  assert.equal(after.data.balance, before.data.balance + 13.5)
  for (const k of ['balance', 'freeze', 'score', 'growth', 'totleConsumed']) {
    assert.equal(typeof after.data[k], 'number', k)
  }
  const logs = await WXAPI.payLogs({ token })
  assert.equal(logs.code, 0, logs.msg)
  assert.equal(logs.data.length, 2)
  assert.equal(typeof logs.data[0].nextAction, 'string')
  assert.equal(logs.data[0].status, 1)
  const query = await WXAPI.payQuery(token, logs.data[0].outTradeId)
  assert.equal(query.code, 0, query.msg)
  assert.equal(query.data.money, 1)

  const refused = await WXAPI.wxpay({ token, money: 1, nextAction: '{"type":99}' })
  assert.equal(refused.code, 300)
  assert.match(refused.msg, /nextAction/)
})

test('the other pay channels answer not available', async () => {
  const login = await WXAPI.authorize({ code: 'code-node-wxpay-2' })
  const token = login.data.token
  const body = { token, money: 1 }
  for (const call of ['wxpayFOMO', 'payNow', 'fomoCheckout', 'wxpayFWS', 'wxpaySaobei', 'wxpayWepayez', 'alipay', 'alipayQrcode']) {
    const res = await WXAPI[call](body)
    assert.equal(res.code, 501, `${call}: ${JSON.stringify(res)}`)
  }
  const rules = await WXAPI.rechargeSendRules()
  assert.ok(rules.code === 0 || rules.code === 700, rules.msg)
})
