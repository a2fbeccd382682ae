// The demo shop's checkout rules through the real client: the goods page's logistics, freight by
// region, purchase limits, price tiers and add-ons.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI } = require('./setup')

/** The demo goods whose name contains `word`, as goodsv2 lists it. */
async function goods(word) {
  const res = await WXAPI.goodsv2({ nameLike: word })
  assert.equal(res.code, 0, res.msg)
  return res.data.result[0]
}

test('goodsDetail answers the freight template and goodsPriceFreight its fees by region', async () => {
  const honey = await goods('蜂蜜')
  const page = await WXAPI.goodsDetailV2({ id: honey.id })
  assert.equal(page.code, 0, page.msg)
  const logistics = page.data.logistics
  assert.equal(logistics.feeTypeStr, '按件数')
  assert.equal(logistics.details[0].firstAmount, 8)
  assert.equal(page.data.basicInfo.logisticsId, logistics.id)
  const anywhere = await WXAPI.goodsPriceFreight({ templateId: logistics.id, type: 0 })
  assert.equal(anywhere.code, 0, anywhere.msg)
  assert.equal(anywhere.data.firstAmount, 8)
  const tibet = await WXAPI.goodsPriceFreight({ templateId: logistics.id, type: 0, provinceId: '540000', cityId: '540100', districtId: '' })
  assert.equal(tibet.data.firstAmount, 15)
  const missing = await WXAPI.goodsPriceFreight({ templateId: 99999 })
  assert.equal(missing.code, 404)
})

test('goodsLimitations, goodsPriceMultilevels and goodsAddition answer the demo rules', async () => {
  const tea = await goods('龙井')
  assert.equal(tea.limitation, true)
  const limits = await WXAPI.goodsLimitations(tea.id)
  assert.equal(limits.code, 0, limits.msg)
  assert.deepEqual(limits.data.map((l) => [l.unitStr, l.buyNumbers]), [['每单', 2], ['自然月', 5]])
  const v2 = await WXAPI.goodsLimitationsV2(tea.id)
  assert.equal(v2.data.length, 2)

  const honey = await goods('蜂蜜')
  const tiers = await WXAPI.goodsPriceMultilevels({ goodsId: honey.id })
  assert.equal(tiers.code, 0, tiers.msg)
  assert.deepEqual(tiers.data.map((t) => t.number), [3, 6])
  assert.equal(typeof tiers.data[0].price, 'number')

  const mug = await goods('马克杯')
  assert.equal(mug.hasAddition, true)
  const adds = await WXAPI.goodsAddition(mug.id)
  assert.equal(adds.code, 0, adds.msg)
  assert.equal(adds.data[0].name, '包装')
  assert.equal(adds.data[0].required, true)
  assert.equal(adds.data[1].type, 1)
  assert.equal(adds.data[0].items[1].pid, adds.data[0].id)
  const none = await WXAPI.goodsAddition(tea.id)
  assert.equal(none.code, 700)
})
