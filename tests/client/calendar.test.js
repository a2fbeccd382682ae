// Calendar goods through the real client: the demo hotel room's daily prices (goodsPriceDaily, on
// the common host), the demo court's bookable days and slots (goodsTimesDays, goodsTimesDayItems),
// and goodsRebate without a member level.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI } = require('./setup')

/** The one demo goods whose name contains `name`. */
async function demoGoods(name) {
  const res = await WXAPI.goodsv2({ nameLike: name })
  assert.equal(res.code, 0, res.msg)
  assert.equal(res.data.result.length, 1, JSON.stringify(res.data.result.map((g) => g.name)))
  return res.data.result[0]
}

test('goodsPriceDaily answers 30 days from today with prices as numbers, one of them full', async () => {
  const room = await demoGoods('湖景大床房')
  const res = await WXAPI.goodsPriceDaily(room.id)
  assert.equal(res.code, 0, res.msg)
  assert.equal(res.data.length, 30)
  for (const d of res.data) {
    assert.match(d.day, /^\d{4}-\d{2}-\d{2}$/)
    assert.equal(typeof d.price, 'number')
    assert.equal(typeof d.stores, 'number')
    assert.equal(d.goodsId, room.id)
  }
  // What pages/goods-details/day.js does: only days with stock can be booked.
  assert.equal(res.data.filter((d) => d.stores > 0).length, 29)
  const unknown = await WXAPI.goodsPriceDaily(99999999)
  assert.equal(unknown.code, 404)
})

test('goodsTimesDays lists bookable days and goodsTimesDayItems the slots of one', async () => {
  const court = await demoGoods('羽毛球场地')
  const days = await WXAPI.goodsTimesDays(court.id)
  assert.equal(days.code, 0, days.msg)
  assert.equal(days.data.length, 7)
  assert.ok(days.data.every((d) => typeof d === 'string'))
  const items = await WXAPI.goodsTimesDayItems(days.data[0], court.id)
  assert.equal(items.code, 0, items.msg)
  assert.deepEqual(items.data.map((s) => s.name), ['09:00-10:00', '10:00-11:00', '19:00-20:00', '20:00-21:00'])
  assert.equal(items.data[2].price, 80)
  assert.equal(typeof items.data[0].stores, 'number')
  const bad = await WXAPI.goodsTimesDayItems('明天', court.id)
  assert.equal(bad.code, 300)
})

test('goodsRebate is 10 (no discount) for a shopper without a level', async () => {
  const room = await demoGoods('湖景大床房')
  const res = await WXAPI.goodsRebate('', room.id)
  assert.equal(res.code, 0, res.msg)
  assert.equal(res.data, 10)
})
