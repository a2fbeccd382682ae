// Cart and orders through the real client, against the demo shop: add to the cart with a spec,
// preview and create an order, list, detail, statistics, close; calendar goods booked the way
// pages/goods-details/day.js and times02.js send them; a return and refund the way
// pages/order/refundApply.js asks for it, with the merchant's steps in the console.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, BASE_URL, sandboxFetch } = require('./setup')

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

/** The one demo goods whose name contains `name`. */
async function demoGoods(name) {
  const res = await WXAPI.goodsv2({ nameLike: name })
  assert.equal(res.code, 0, res.msg)
  assert.equal(res.data.result.length, 1)
  return res.data.result[0]
}

test('a night and a court slot are booked as day.js and times02.js send them, and closing frees them', async () => {
  const login = await WXAPI.authorize({ code: 'code-node-booking' })
  assert.equal(login.code, 0, login.msg)
  const token = login.data.token

  // day.js: the days with stock from goodsPriceDaily, one unit a day in `days`.
  const room = await demoGoods('湖景大床房')
  const daily = await WXAPI.goodsPriceDaily(room.id)
  assert.equal(daily.code, 0, daily.msg)
  const night = daily.data.filter(d => d.stores > 0)[1]
  const days = [night.day]
  const stay = await WXAPI.orderCreate({
    token, goodsJsonStr: JSON.stringify([{ goodsId: room.id, number: days.length, days }]),
  })
  assert.equal(stay.code, 0, stay.msg)
  assert.equal(stay.data.amountReal, night.price)
  const after = (await WXAPI.goodsPriceDaily(room.id)).data.find(d => d.day === night.day)
  assert.equal(after.stores, night.stores - 1)
  const detail = await WXAPI.orderDetail(token, stay.data.id)
  assert.deepEqual(detail.data.goods[0].days, days)

  // times02.js: a slot of a day from goodsTimesDays / goodsTimesDayItems.
  const court = await demoGoods('羽毛球场地')
  const day = (await WXAPI.goodsTimesDays(court.id)).data[1]
  const items = (await WXAPI.goodsTimesDayItems(day, court.id)).data.filter(s => s.stores > 0)
  const slot = items[items.length - 1]
  const booked = await WXAPI.orderCreate({
    token,
    goodsJsonStr: JSON.stringify([{ goodsId: court.id, number: 1, goodsTimesDay: day, goodsTimesItem: slot.name }]),
  })
  assert.equal(booked.code, 0, booked.msg)
  assert.equal(booked.data.amountReal, slot.price)
  const taken = (await WXAPI.goodsTimesDayItems(day, court.id)).data.find(s => s.name === slot.name)
  assert.equal(taken.stores, slot.stores - 1)

  // A calendar goods without a day is refused naming what is missing.
  const bare = await WXAPI.orderCreate({ token, goodsJsonStr: JSON.stringify([{ goodsId: room.id, number: 1 }]) })
  assert.equal(bare.code, 300)
  assert.match(bare.msg, /日期/)

  assert.equal((await WXAPI.orderClose(token, stay.data.id)).code, 0)
  assert.equal((await WXAPI.orderClose(token, booked.data.id)).code, 0)
  assert.equal((await WXAPI.goodsPriceDaily(room.id)).data.find(d => d.day === night.day).stores, night.stores)
  const freed = (await WXAPI.goodsTimesDayItems(day, court.id)).data.find(s => s.name === slot.name)
  assert.equal(freed.stores, slot.stores)
})

/** A console browser for the merchant's steps: keeps cookies, does not follow redirects. */
class Console {
  constructor() {
    this.jar = new Map()
  }

  async call(path, init = {}) {
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
    const res = await fetch(BASE_URL + path, { ...init, headers: { cookie, ...(init.headers || {}) }, redirect: 'manual' })
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0]
      const at = pair.indexOf('=')
      this.jar.set(pair.slice(0, at), pair.slice(at + 1))
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text() }
  }

  async post(path, form) {
    return this.call(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    })
  }

  /** GETs a form page, then posts `form` with its csrf; the page redirected to. */
  async submit(page, action, form) {
    const got = await this.call(page)
    assert.equal(got.status, 200, got.body)
    const csrf = got.body.match(/name="csrf" value="([^"]+)"/)[1]
    const res = await this.post(action, { csrf, ...form })
    assert.equal(res.status, 303, res.body)
    return (await this.call(res.location)).body
  }

  static async signedIn() {
    const c = new Console()
    const login = await c.call('/admin/login')
    const csrf = login.body.match(/name="csrf" value="([^"]+)"/)[1]
    const res = await c.post('/admin/login', { username: 'admin', password: 'test-admin-password', csrf, next: '/admin' })
    assert.equal(res.status, 303, res.body)
    return c
  }
}

test('a return and refund: apply, the merchant agrees, the goods go back, the merchant receives, the money returns', async () => {
  const login = await WXAPI.authorize({ code: 'code-node-return' })
  assert.equal(login.code, 0, login.msg)
  const token = login.data.token
  const { goods, key } = await stockedGoods()
  const order = await WXAPI.orderCreate({
    token, goodsJsonStr: JSON.stringify([{ goodsId: goods.id, number: 2, propertyChildIds: key }]),
    peisongType: 'kd', linkMan: '张三', mobile: '13800138000',
    provinceId: '330000', cityId: '330100', districtId: '330106', address: '文三路 1 号',
  })
  assert.equal(order.code, 0, order.msg)
  const orderId = order.data.id
  const pay = await WXAPI.wxpay({ token, money: order.data.amountReal, nextAction: JSON.stringify({ type: 0, id: orderId }) })
  assert.equal(pay.code, 0, pay.msg)
  const paid = await sandboxFetch('/sandbox/pay/control/pay', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prepay_id: pay.data.package.replace('prepay_id=', '') }),
  })
  assert.equal((await paid.json()).delivered, true)

  // Before shipping, refundApply.js offers only a refund.
  let detail = await WXAPI.orderDetail(token, orderId)
  assert.equal(detail.data.orderInfo.status, 1)
  assert.equal(detail.data.goods[0].afterSale, '0')
  const merchant = await Console.signedIn()
  await merchant.submit(`/admin/orders/${orderId}`, `/admin/orders/${orderId}/ship`, { carrier: '顺丰速运', tracking: 'SF900100200' })
  detail = await WXAPI.orderDetail(token, orderId)
  assert.equal(detail.data.orderInfo.status, 2)
  const line = detail.data.goods[0]
  assert.deepEqual(line.afterSale.split(','), ['0', '1', '2'])

  // What bindSave sends: one of the two pieces, amountSingle × number.
  const number = 1
  const amount = line.amountSingle * number
  const applied = await WXAPI.refundApply({
    token, orderId, orderGoodsId: line.id, type: '1', logisticsStatus: '1', reason: '规格尺寸与商品页面描述不符',
    number, amount, remark: '', pic: '',
  })
  assert.equal(applied.code, 0, applied.msg)
  let mine = (await WXAPI.refundApplyDetail(token, orderId)).data[0]
  assert.equal(mine.baseInfo.status, 0)
  assert.equal(mine.baseInfo.typeStr, '退货退款')
  assert.equal(mine.goodInfo.id, line.id)
  const applyId = mine.baseInfo.id

  // The merchant agrees and says where the goods go back to.
  const agreed = await merchant.submit(`/admin/refunds/${applyId}/approve`, `/admin/refunds/${applyId}/approve`, {
    link_man: '售后部', mobile: '0571-88880000', address: '杭州市西湖区文三路 1 号',
  })
  assert.match(agreed, /已同意售后申请/)
  mine = (await WXAPI.refundApplyDetail(token, orderId)).data[0]
  assert.equal(mine.baseInfo.status, 3)
  assert.equal(mine.baseInfo.status2, 1, 'the template shows 填写寄回快递单号')
  const back = JSON.parse(mine.baseInfo.logisticsContent)
  assert.equal(back.linkMan, '售后部')
  assert.equal(back.address, '杭州市西湖区文三路 1 号')

  // submitLogistics: the parcel going back.
  const sent = await WXAPI.refundApplySetBackLogistics({
    token, orderId: mine.baseInfo.orderId, applyId: mine.baseInfo.id, shipperName: '中通快递', trackingNumber: 'ZT7788990011',
  })
  assert.equal(sent.code, 0, sent.msg)
  mine = (await WXAPI.refundApplyDetail(token, orderId)).data[0]
  assert.equal(mine.baseInfo.status2, 2)
  assert.equal(mine.baseInfo.statusStr, '待商家收货')
  assert.equal(JSON.parse(mine.baseInfo.logisticsContent).trackingNumber, 'ZT7788990011')
  const late = await WXAPI.refundApplyCancel(token, orderId, line.id)
  assert.notEqual(late.code, 0, 'goods on their way back: no withdrawing')

  // The merchant receives the goods, puts them back in stock, and the refund runs.
  const received = await merchant.submit(`/admin/refunds/${applyId}/receive`, `/admin/refunds/${applyId}/receive`, { restock: '1' })
  assert.match(received, /已确认收货，退货已入库并退款/)
  mine = (await WXAPI.refundApplyDetail(token, orderId)).data[0]
  assert.equal(mine.baseInfo.status, 4, 'the template shows 本次售后已处理完成')
  assert.equal(mine.baseInfo.statusStr, '已收货退款')
  const all = await WXAPI.orderRefunds(token, orderId)
  assert.equal(all.code, 0, all.msg)
  assert.equal(all.data.length, 1)
  assert.equal(all.data[0].amount, amount)
  detail = await WXAPI.orderDetail(token, orderId)
  assert.equal(detail.data.orderInfo.status, 2, 'one piece is still the shopper\'s')
})
