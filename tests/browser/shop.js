// What the console's tests need from the shop side: a shopper who orders and pays through the
// mini-program API (form posts, as the client sends them) and the sandbox's payment control.

'use strict'

const assert = require('node:assert/strict')

const BASE_URL = (process.env.XIAODIAN_URL || '').replace(/\/+$/, '')
const SUB_DOMAIN = process.env.XIAODIAN_SUBDOMAIN || 'shop'
const SANDBOX_KEY = process.env.XIAODIAN_ADMIN_API_KEY || ''
if (!BASE_URL || !SANDBOX_KEY) {
  throw new Error('XIAODIAN_URL or XIAODIAN_ADMIN_API_KEY is not set: run the suite with `cargo test --test browser`')
}

/** Calls the mini-program API and answers `data`, failing on any code but 0. */
async function api(path, params, method = 'POST') {
  const body = new URLSearchParams(params)
  const url = `${BASE_URL}/${SUB_DOMAIN}${path}`
  const res = method === 'GET'
    ? await fetch(`${url}?${body}`)
    : await fetch(url, { method, body })
  const answer = await res.json()
  assert.equal(answer.code, 0, `${path}: ${answer.msg}`)
  return answer.data
}

/** A demo goods without specs that has stock. */
async function plainGoods() {
  const list = await api('/shop/goods/list/v2', { page: 1, pageSize: 50 })
  for (const g of list.result) {
    const detail = await api('/shop/goods/detail', { id: g.id }, 'GET')
    if ((detail.skuList || []).length === 0 && detail.basicInfo.stores >= 2) return g
  }
  throw new Error('the demo shop has no goods without specs and with stock')
}

/** Pays an order through the sandbox's WeChat Pay, as the shopper's phone would. */
async function payByWechat(token, order) {
  const pay = await api('/pay/wx/wxapp', {
    token, money: String(order.amountReal), nextAction: JSON.stringify({ type: 0, id: order.id }),
  })
  const res = await fetch(`${BASE_URL}/sandbox/pay/control/pay`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', authorization: `Bearer ${SANDBOX_KEY}` },
    body: JSON.stringify({ prepay_id: pay.package.replace('prepay_id=', '') }),
  })
  assert.equal((await res.json()).delivered, true, 'the sandbox delivered the payment')
}

/**
 * A shopper (`code` names them) orders one demo goods and pays by WeChat Pay.
 * `how` is 'kd' (delivered to an address in 杭州 西湖区) or 'zq' (picked up at a demo shop).
 * Answers the order's number, id and, for a pick-up, its pick-up code.
 */
async function paidOrder(code, how) {
  const { token } = await api('/user/wxapp/authorize', { code })
  const goods = await plainGoods()
  const params = {
    token, peisongType: how,
    goodsJsonStr: JSON.stringify([{ goodsId: goods.id, number: 1, propertyChildIds: '', logisticsType: 0 }]),
  }
  if (how === 'zq') {
    const shops = await api('/shop/subshop/list', { page: 1, pageSize: 10 })
    params.shopIdZt = shops[0].id
    params.shopNameZt = shops[0].name
  } else {
    Object.assign(params, {
      linkMan: '王小明', mobile: '13900139000', provinceId: '330000', cityId: '330100',
      districtId: '330106', address: '文三路 100 号',
    })
  }
  const order = await api('/order/create', params)
  await payByWechat(token, order)
  const detail = await api('/order/detail', { token, id: order.id }, 'GET')
  assert.equal(detail.orderInfo.status, 1, 'the order is paid')
  return { id: order.id, number: detail.orderInfo.orderNumber, hx: detail.orderInfo.hxNumber, token }
}

/** The shopper asks for their money back (仅退款) on a paid order they have not received. */
async function askRefund(order) {
  await api('/order/refundApply/apply', {
    token: order.token, orderId: order.id, type: 0, logisticsStatus: 0, reason: '不想要了',
  })
}

module.exports = { BASE_URL, api, paidOrder, askRefund }
