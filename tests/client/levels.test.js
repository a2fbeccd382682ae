// Member levels and the shopper's amounts through the real client: the demo shop's three levels,
// their prices, and a buy refused for want of balance (40000 with the amount due as a number).

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI } = require('./setup')

async function demoLevels() {
  const res = await WXAPI.userLevelList({ page: 1, pageSize: 50 })
  assert.equal(res.code, 0, res.msg)
  return res.data.result
}

test('userLevelList pages the demo levels with the numbers templates compare', async () => {
  const res = await WXAPI.userLevelList({ page: 1, pageSize: 2 })
  assert.equal(res.code, 0, res.msg)
  assert.equal(res.data.totalRow, 3)
  assert.equal(res.data.totalPage, 2)
  const levels = await demoLevels()
  assert.deepEqual(levels.map((l) => l.level), [1, 2, 3])
  for (const l of levels) {
    assert.equal(typeof l.id, 'number')
    assert.equal(typeof l.name, 'string')
    assert.equal(typeof l.rebate, 'number')
    assert.ok(l.rebate > 0 && l.rebate <= 10)
    assert.equal(typeof l.upgradeSendScore, 'number')
  }
})

test('userLevelDetail answers info, extJson and prices; userLevelPrices the prices on sale', async () => {
  const gold = (await demoLevels()).find((l) => l.level === 2)
  const res = await WXAPI.userLevelDetail(gold.id)
  assert.equal(res.code, 0, res.msg)
  assert.equal(res.data.info.name, gold.name)
  assert.equal(typeof res.data.extJson, 'object')
  assert.ok(Object.keys(res.data.extJson).length > 0)
  const prices = await WXAPI.userLevelPrices(gold.id)
  assert.equal(prices.code, 0, prices.msg)
  assert.ok(Array.isArray(prices.data) && prices.data.length > 0)
  for (const p of prices.data) {
    assert.equal(typeof p.id, 'number')
    assert.equal(typeof p.price, 'number')
    assert.equal(typeof p.duration, 'number')
    assert.equal(typeof p.unitStr, 'string')
  }
  assert.equal((await WXAPI.userLevelDetail(999999)).code, 404)
})

test('amounts, buying and the purchase history need a live token', async () => {
  for (const res of [
    await WXAPI.userAmount('not-a-token'),
    await WXAPI.userAmountV2(''),
    await WXAPI.userLevelBuy('not-a-token', 1),
    await WXAPI.userLevelBuyLogs({ token: 'not-a-token' }),
  ]) {
    assert.equal(res.code, 2000, JSON.stringify(res))
  }
})

test('a new shopper has zero amounts, and a buy without balance answers 40000 with the amount due', async () => {
  const login = await WXAPI.authorize({ code: 'code-levels-client' })
  assert.equal(login.code, 0, login.msg)
  const token = login.data.token
  for (const amount of [await WXAPI.userAmount(token), await WXAPI.userAmountV2(token)]) {
    assert.equal(amount.code, 0, amount.msg)
    assert.equal(amount.data.balance.toFixed(2), '0.00')
    assert.equal(amount.data.totleConsumed.toFixed(2), '0.00')
    assert.equal(amount.data.fxCommisionPaying.toFixed(2), '0.00')
    assert.equal(amount.data.score, 0)
  }
  const detail = await WXAPI.userDetail(token)
  assert.equal(detail.code, 0, detail.msg)
  assert.equal(detail.data.userLevel.name, '普通会员')
  assert.equal(detail.data.userLevel.canUpgrade, true)

  const gold = (await demoLevels()).find((l) => l.level === 2)
  const price = (await WXAPI.userLevelPrices(gold.id)).data[0]
  const buy = await WXAPI.userLevelBuy(token, price.id, true, '试试')
  assert.equal(buy.code, 40000, JSON.stringify(buy))
  assert.equal(typeof buy.data, 'number')
  assert.equal(buy.data, price.price)
  assert.equal((await WXAPI.userLevelBuyLogs({ token })).code, 700)
})
