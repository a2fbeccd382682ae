// Coupons and virtual goods through the real client against the demo shop: the 领券中心 list and
// detail, taking a coupon (and the codes for taking it twice, for points, without the password),
// the shopper's list, merge rules, gifts, exchange codes, and buying free virtual goods.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI } = require('./setup')

async function login(code) {
  const res = await WXAPI.authorize({ code })
  assert.equal(res.code, 0, res.msg)
  return res.data
}

async function demoCoupons() {
  const res = await WXAPI.coupons()
  assert.equal(res.code, 0, res.msg)
  return res.data
}

test('coupons lists the demo rules with the numbers and flags the templates read', async () => {
  const rules = await demoCoupons()
  assert.ok(rules.length >= 3)
  for (const r of rules) {
    assert.equal(typeof r.id, 'number')
    assert.equal(typeof r.name, 'string')
    assert.equal(typeof r.money, 'number')
    assert.equal(typeof r.moneyHreshold, 'number')
    assert.equal(typeof r.needScore, 'number')
    assert.equal(typeof r.pwd, 'boolean')
    assert.equal(typeof r.endTime, 'string')
  }
  const discount = rules.find((r) => r.moneyType === 1)
  assert.equal(discount.money, 8.8)
  assert.equal(discount.isPwd, true)
  const detail = await WXAPI.couponDetail(discount.id)
  assert.equal(detail.code, 0, detail.msg)
  assert.ok(Array.isArray(detail.data.couponRefs))
  assert.equal((await WXAPI.couponDetail(999999)).code, 404)
})

test('fetchCoupons takes a coupon once, asks for points and the password, and myCoupons lists it', async () => {
  const me = await login('code-coupons-client')
  const rules = await demoCoupons()
  const free = rules.find((r) => r.name === '满100减10')
  assert.equal((await WXAPI.fetchCoupons({ id: free.id })).code, 2000)
  const got = await WXAPI.fetchCoupons({ token: me.token, id: free.id })
  assert.equal(got.code, 0, got.msg)
  assert.equal((await WXAPI.fetchCoupons({ token: me.token, id: free.id })).code, 20003)

  const forPoints = rules.find((r) => r.needScore > 0)
  const short = await WXAPI.fetchCoupons({ token: me.token, id: forPoints.id })
  assert.equal(short.code, 30001)
  assert.equal(short.data, forPoints.needScore)

  const secret = rules.find((r) => r.pwd)
  assert.equal((await WXAPI.fetchCoupons({ token: me.token, id: secret.id, pwd: 'nope' })).code, 300)
  assert.equal((await WXAPI.fetchCoupons({ token: me.token, id: secret.id, pwd: '8888' })).code, 0)

  const mine = await WXAPI.myCoupons({ token: me.token, status: 0 })
  assert.equal(mine.code, 0, mine.msg)
  assert.equal(mine.data.length, 2)
  for (const c of mine.data) {
    assert.equal(typeof c.money, 'number')
    assert.equal(c.statusStr, '可使用')
    assert.match(c.dateEnd, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
  }
  assert.equal((await WXAPI.myCoupons({ token: me.token, status: 2 })).code, 700)
  assert.equal((await WXAPI.myCoupons({ token: 'not-a-token' })).code, 2000)

  const friend = await login('code-coupons-friend')
  const gift = mine.data.find((c) => c.name === '满100减10')
  const sent = await WXAPI.sendCoupons({ token: me.token, id: gift.id, uid: friend.uid })
  assert.equal(sent.code, 0, sent.msg)
  const theirs = await WXAPI.myCoupons({ token: friend.token })
  assert.equal(theirs.data[0].name, '满100减10')

  const exchange = await WXAPI.exchangeCoupons(me.token, 'NO-SUCH-CODE', 'x')
  assert.equal(exchange.code, 300)
})

test('mergeCouponsRules lists what to hand in, and mergeCoupons refuses the wrong coupons', async () => {
  const rules = await WXAPI.mergeCouponsRules()
  assert.equal(rules.code, 0, rules.msg)
  const merge = rules.data[0]
  assert.equal(typeof merge.name, 'string')
  assert.equal(merge.rules[0].number, 2)
  const me = await login('code-coupons-merge')
  const free = (await demoCoupons()).find((r) => r.name === '满100减10')
  await WXAPI.fetchCoupons({ token: me.token, id: free.id })
  const mine = await WXAPI.myCoupons({ token: me.token })
  const res = await WXAPI.mergeCoupons({ token: me.token, mergeId: merge.id, couponIds: String(mine.data[0].id) })
  assert.equal(res.code, 300)
})

test('virtual goods: list, detail before and after a free buy, cards delivered, and buy logs', async () => {
  for (const list of [await WXAPI.virtualTraderList({ page: 1, pageSize: 10 }), await WXAPI.virtualTraderListV2({})]) {
    assert.equal(list.code, 0, list.msg)
    assert.equal(list.data.totalRow, 2)
  }
  const goods = (await WXAPI.virtualTraderList({})).data.result
  const guide = goods.find((g) => g.type === 0)
  const card = goods.find((g) => g.type === 1)
  assert.equal(card.stores, 3)
  const me = await login('code-virtual-client')
  const before = await WXAPI.virtualTraderDetail(me.token, guide.id)
  assert.equal(before.code, 0, before.msg)
  assert.equal(before.data.bought, false)
  assert.equal(before.data.content, null)
  const bought = await WXAPI.virtualTraderBuy(me.token, guide.id)
  assert.equal(bought.code, 0, bought.msg)
  const after = await WXAPI.virtualTraderDetailV2(me.token, guide.id)
  assert.equal(after.data.bought, true)
  assert.ok(after.data.content.length > 0)
  const cardBuy = await WXAPI.virtualTraderBuyV2(me.token, card.id)
  assert.equal(cardBuy.code, 0, cardBuy.msg)
  assert.match(cardBuy.data.card, /^DEMO-CARD-/)
  const logs = await WXAPI.virtualTraderMyBuyLogs({ token: me.token })
  assert.equal(logs.code, 0, logs.msg)
  assert.equal(logs.data.totalRow, 2)
  assert.equal((await WXAPI.virtualTraderMyBuyLogsV2({ token: 'nope' })).code, 2000)
})
