// Cart and orders through the real client, against the demo shop: add to the cart with a spec,
// preview and create an order, list, detail, statistics, close.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI } = require('./setup')

/** A demo goods with stock, and one of its SKUs when it has specs. */
async function stockedGoods() {
  const list = await WXAPI.goodsv2({ page: 1, pageSize: 50 })
  assert.equal(list.code, 0, list.msg)
  for (const g of list.data.result) {
    const detail = await WXAPI.goodsDetailV2({ id: g.id })
    assert.equal(detail.code, 0, detail.msg)
    const skus = detail.data.skuList || []
    const sku = skus.find(s => s.stores >= 3)
    if (skus.length > 0 && sku) return { goods: g, key: sku.propertyChildIds }
    if (skus.length === 0 && detail.data.basicInfo.stores >= 3) return { goods: g, key: '' }
  }
  throw new Error('the demo shop has no goods with stock')
}

test('a shopper fills the cart, previews, orders, lists, sees and closes the order', async () => {
  const login = await WXAPI.authorize({ code: 'code-node-orders' })
  assert.equal(login.code, 0, login.msg)
  const token = login.data.token
  const { goods, key } = await stockedGoods()
  const sku = key.split(',').filter(Boolean).map(p => {
    const [optionId, optionValueId] = p.split(':').map(Number)
    return { optionId, optionValueId }
  })

  const added = await WXAPI.shippingCarInfoAddItem(token, goods.id, 2, sku, [])
  assert.equal(added.code, 0, added.msg)
  const cart = await WXAPI.shippingCarInfo(token)
  assert.equal(cart.code, 0, cart.msg)
  assert.equal(cart.data.number, 2)
  assert.equal(typeof cart.data.price, 'number')
  const item = cart.data.items[0]
  assert.equal(item.goodsId, goods.id)
  assert.equal((await WXAPI.shippingCarInfoModifyNumber(token, item.key, 1)).code, 0)
  assert.equal((await WXAPI.shippingCartSelected(token, item.key, true)).code, 0)

  const goodsJsonStr = JSON.stringify([{ goodsId: goods.id, number: 1, propertyChildIds: key, logisticsType: 0 }])
  const preview = await WXAPI.orderCreate({ token, goodsJsonStr, calculate: true, peisongType: 'kd' })
  assert.equal(preview.code, 0, preview.msg)
  assert.equal(typeof preview.data.amountReal, 'number')
  assert.equal(typeof preview.data.isNeedLogistics, 'boolean')
  const order = await WXAPI.orderCreate({
    token, goodsJsonStr, peisongType: 'kd', linkMan: '张三', mobile: '13800138000',
    provinceId: '330000', cityId: '330100', districtId: '330106', address: '文三路 1 号', remark: '客户端测试',
  })
  assert.equal(order.code, 0, order.msg)
  assert.equal(order.data.status, 0)
  assert.equal(order.data.amountReal, preview.data.amountReal)
  assert.equal((await WXAPI.shippingCarInfoRemoveItem(token, item.key)).code, 0)
  assert.equal((await WXAPI.shippingCarInfo(token)).code, 700)

  const list = await WXAPI.orderList({ token, status: 0, page: 1, pageSize: 20 })
  assert.equal(list.code, 0, list.msg)
  assert.equal(list.data.orderList[0].id, order.data.id)
  assert.equal(list.data.orderList[0].statusStr, '待支付')
  assert.equal(list.data.goodsMap[order.data.id][0].goodsId, goods.id)
  const detail = await WXAPI.orderDetail(token, order.data.id)
  assert.equal(detail.code, 0, detail.msg)
  assert.equal(detail.data.orderInfo.remark, '客户端测试')
  assert.ok(Array.isArray(detail.data.goods))
  assert.equal(detail.data.logistics.cityStr, '杭州市')
  const stats = await WXAPI.orderStatistics(token)
  assert.equal(stats.data.count_id_no_pay, 1)

  const short = await WXAPI.orderPay(token, order.data.id)
  if (preview.data.amountReal > 0) {
    assert.equal(short.code, 40000)
    assert.equal(short.data, preview.data.amountReal)
    assert.equal((await WXAPI.orderClose(token, order.data.id)).code, 0)
    const closed = await WXAPI.orderDetail(token, order.data.id)
    assert.equal(closed.data.orderInfo.status, -1)
    assert.equal((await WXAPI.orderDelete(token, order.data.id)).code, 0)
  }
  assert.equal((await WXAPI.orderStatisticsv2({ token })).data.count_id_no_pay, 0)
})

test('a goods with specs cannot go in the cart without one', async () => {
  const login = await WXAPI.authorize({ code: 'code-node-orders-2' })
  const list = await WXAPI.goodsv2({ page: 1, pageSize: 50 })
  for (const g of list.data.result) {
    const detail = await WXAPI.goodsDetailV2({ id: g.id })
    if ((detail.data.skuList || []).length > 0) {
      const res = await WXAPI.shippingCarInfoAddItem(login.data.token, g.id, 1, [], [])
      assert.equal(res.code, 30002, res.msg)
      return
    }
  }
})
