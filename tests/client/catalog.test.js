// The demo catalogue through the real client: categories, goods lists by category and by name,
// a goods page with specs, and the price of one of its SKUs.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, BASE_URL } = require('./setup')

/** The demo category named `name`. */
async function category(name) {
  const res = await WXAPI.goodsCategory()
  assert.equal(res.code, 0, res.msg)
  const found = res.data.find((c) => c.name === name)
  assert.ok(found, `demo category ${name} in ${JSON.stringify(res.data.map((c) => c.name))}`)
  return found
}

test('goodsCategory answers the demo tree as a flat list the templates rebuild', async () => {
  const res = await WXAPI.goodsCategory()
  assert.equal(res.code, 0, res.msg)
  assert.ok(Array.isArray(res.data))
  const top = res.data.filter((c) => c.level === 1)
  assert.ok(top.length >= 4, `${top.length} top-level categories`)
  for (const c of res.data) {
    assert.equal(typeof c.id, 'number')
    assert.equal(typeof c.pid, 'number')
    assert.equal(typeof c.name, 'string')
    assert.ok(c.icon.startsWith(BASE_URL + '/uploads/'), c.icon)
  }
  // What pages/category does: childs by pid.
  const teas = await category('茶叶')
  const childs = res.data.filter((c) => c.pid === teas.id)
  assert.deepEqual(childs.map((c) => c.name).sort(), ['红茶', '绿茶'])
  const detail = await WXAPI.goodsCategoryDetail(teas.id)
  assert.equal(detail.code, 0, detail.msg)
  assert.equal(detail.data.info.name, '茶叶')
  assert.equal(typeof detail.data.extJson, 'object')
})

test('goodsv2 by a top category takes in its subcategories, and pages past the end answer 700', async () => {
  const teas = await category('茶叶')
  const res = await WXAPI.goodsv2({ categoryId: teas.id, page: 1, pageSize: 20 })
  assert.equal(res.code, 0, res.msg)
  assert.equal(res.data.totalRow, 2)
  assert.equal(res.data.totalPage, 1)
  for (const g of res.data.result) {
    assert.equal(typeof g.minPrice, 'number')
    assert.equal(typeof g.originalPrice, 'number')
    assert.equal(typeof g.stores, 'number')
    assert.ok(g.pic.startsWith(BASE_URL + '/uploads/'), g.pic)
  }
  const past = await WXAPI.goodsv2({ categoryId: teas.id, page: 2, pageSize: 20 })
  assert.equal(past.code, 700)
})

test('goodsv2 nameLike finds Chinese names', async () => {
  const honey = await WXAPI.goodsv2({ nameLike: '蜂蜜' })
  assert.equal(honey.code, 0, honey.msg)
  assert.deepEqual(honey.data.result.map((g) => g.name), ['洋槐蜂蜜 500g 瓶装'])
  assert.equal(honey.data.result[0].minPrice, 49.9)
  const mug = await WXAPI.goodsv2({ nameLike: '马克杯' })
  assert.equal(mug.code, 0, mug.msg)
  assert.equal(mug.data.result.length, 1)
  const none = await WXAPI.goodsv2({ nameLike: '咖啡豆' })
  assert.equal(none.code, 700)
})

test('goodsDetailV2 of the T-shirt, then goodsPriceV2 of the SKU a shopper picks', async () => {
  const list = await WXAPI.goodsv2({ nameLike: 'T 恤' })
  assert.equal(list.code, 0, list.msg)
  const id = list.data.result[0].id
  const res = await WXAPI.goodsDetailV2({ id })
  assert.equal(res.code, 0, res.msg)
  const d = res.data
  assert.equal(d.basicInfo.id, id)
  assert.equal(typeof d.basicInfo.minPrice, 'number')
  assert.ok(d.properties, 'goods with specs have properties')
  assert.deepEqual(d.properties.map((p) => p.name), ['颜色', '尺码'])
  assert.equal(d.skuList.length, 12)

  // What pages/goods-details does: one value of each spec, the key in display order.
  const picks = [
    d.properties[0].childsCurGoods.find((c) => c.name === '黑色'),
    d.properties[1].childsCurGoods.find((c) => c.name === 'XL'),
  ]
  let propertyChildIds = ''
  d.properties.forEach((p, i) => {
    propertyChildIds += p.id + ':' + picks[i].id + ','
  })
  const sku = d.skuList.find((s) => s.propertyChildIds === propertyChildIds)
  assert.ok(sku, `skuList has ${propertyChildIds}`)
  const price = await WXAPI.goodsPriceV2({ token: '', goodsId: id, propertyChildIds })
  assert.equal(price.code, 0, price.msg)
  assert.equal(price.data.price, 75)
  assert.equal(price.data.price, sku.price)
  assert.equal(price.data.stores, sku.stores)
  assert.equal(typeof price.data.originalPrice, 'number')
  assert.equal(typeof price.data.score, 'number')
  assert.equal(price.data.pingtuanPrice, 0)
  assert.ok(price.data.price > d.basicInfo.minPrice, 'XL costs more than the cheapest size')

  const wrong = await WXAPI.goodsPrice(id, '999:999')
  assert.equal(wrong.code, 300)
  assert.match(wrong.msg, /propertyChildIds/)
})

test('goodsv2 follows the shop the client keeps in storage (shopIds)', async () => {
  wx.setStorageSync('shopIds', '7')
  try {
    const other = await WXAPI.goodsv2({ nameLike: '蜂蜜' })
    assert.equal(other.code, 700, 'the demo goods belong to the shop itself (shopId 0), not to shop 7')
  } finally {
    wx.removeStorageSync('shopIds')
  }
  const own = await WXAPI.goodsv2({ nameLike: '蜂蜜' })
  assert.equal(own.code, 0, own.msg)
})
