// Cards at checkout, waiting for sold-out goods and an asked deposit paid by WeChat, through the
// real client: orderCreate with cardId as pages/to-pay-order sends it (preview, then the order),
// goodsOutofstockRegistration, and wxpay with nextAction {type:5, amount, id}.

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
  const json = res.status === 204 ? {} : await res.json()
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

async function sandboxPay(pkg) {
  const res = await sandboxFetch('/sandbox/pay/control/pay', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ prepay_id: pkg.replace('prepay_id=', '') }),
  })
  return res.json()
}

const ADDRESS = { linkMan: '张三', mobile: '13800138000', provinceId: '330000', cityId: '330100', districtId: '330106', address: '文三路 1 号' }

test('a count card pays its goods at checkout and comes back when the order is closed', async () => {
  const { token, uid } = await shopper('code-node-card-checkout')
  // Sorted last and pictured, so the suite's "first goods" and "every demo card" stay the demo's.
  const goods = await merchant('POST', '/goods', { name: '客户端桶装水', minPrice: 15, stores: 50, paixu: 9999 })
  const card = await merchant('POST', '/cards', {
    name: '客户端水卡', kind: 0, amount: 1, price: 10, refs: String(goods.id), pic: 'https://example.com/water-card.png',
  })
  await merchant('POST', `/users/${uid}/adjustments`, { account: 'balance', amount: 3000, reason: '测试充值' })
  assert.equal((await WXAPI.cardBuy(token, card.id)).code, 0)
  const mine = (await WXAPI.cardMyList(token)).data.find((c) => c.cardInfo.id === card.id)
  // The page's own filter: usable cards with goods they pay for.
  assert.ok(mine.status === 0 && mine.amount > 0 && mine.cardInfo.refs)
  const goodsJsonStr = JSON.stringify([{ goodsId: goods.id, number: 2, logisticsType: 0 }])

  const preview = await WXAPI.orderCreate({ token, goodsJsonStr, peisongType: 'kd', cardId: mine.id, calculate: 'true' })
  assert.equal(preview.code, 0, preview.msg)
  // One use pays one of the two pieces; the other is still to pay, so the order waits unpaid.
  assert.equal(preview.data.amountCard, 15)
  assert.equal(preview.data.cardId, mine.id)
  const none = await WXAPI.orderCreate({ token, goodsJsonStr, peisongType: 'kd', cardId: '', calculate: 'true' })
  assert.equal(none.data.amountReal, preview.data.amountReal + 15, 'no card: the goods are paid')

  const order = await WXAPI.orderCreate({ token, goodsJsonStr, peisongType: 'kd', cardId: mine.id, ...ADDRESS })
  assert.equal(order.code, 0, order.msg)
  assert.equal(order.data.status, 0)
  assert.equal((await WXAPI.cardMyList(token)).data.find((c) => c.id === mine.id).amount, 0)
  const logs = await WXAPI.cardMyLogs({ token, cardId: mine.id })
  assert.equal(logs.data.result[0].typeStr, '使用')
  assert.equal((await WXAPI.orderClose(token, order.data.id)).code, 0)
  assert.equal((await WXAPI.cardMyList(token)).data.find((c) => c.id === mine.id).amount, 1)

  const { token: other } = await shopper('code-node-card-checkout-2')
  const refused = await WXAPI.orderCreate({ token: other, goodsJsonStr, peisongType: 'kd', cardId: mine.id, calculate: 'true' })
  assert.equal(refused.code, 300)
  assert.match(refused.msg, /cardId/)
})

test('goodsOutofstockRegistration registers once for sold-out goods', async () => {
  const { token, uid } = await shopper('code-node-stock-notice')
  const goods = await merchant('POST', '/goods', { name: '客户端售罄商品', minPrice: 10, stores: 0, paixu: 9999 })
  const first = await WXAPI.goodsOutofstockRegistration({ token, goodsId: goods.id })
  assert.equal(first.code, 0, first.msg)
  const again = await WXAPI.goodsOutofstockRegistration({ token, goodsId: String(goods.id) })
  assert.equal(again.data.id, first.data.id)
  const list = await merchant('GET', `/stock-notices?goodsId=${goods.id}`)
  assert.equal(list.total, 1)
  assert.equal(list.items[0].userId, uid)
  assert.equal((await WXAPI.goodsOutofstockRegistration({ token, goodsId: 'abc' })).code, 300)
})

test('an asked deposit is paid by wxpay with its id in nextAction', async () => {
  const { token, uid } = await shopper('code-node-deposit-wxpay')
  const asked = await merchant('POST', '/deposits', { userId: uid, amount: 20, remark: '押金' })
  const pay = await WXAPI.wxpay({ token, money: 20, payName: '支付押金', nextAction: JSON.stringify({ type: 5, amount: 20, id: asked.id }) })
  assert.equal(pay.code, 0, pay.msg)
  assert.equal((await sandboxPay(pay.data.package)).delivered, true)
  const info = await WXAPI.depositInfoV2(token, asked.id)
  assert.equal(info.data.status, 0, JSON.stringify(info))
})
