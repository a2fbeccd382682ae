// Group buy (拼团) through the real client, the way the goods page and the order page call it:
// the demo goods' set, the opener opens a group and pays (WeChat in the sandbox), two friends join
// with orderCreate(pingtuanOpenId) and pay from their balance, the group fills and ships. A second
// group fails (the merchant fails it: the same routine the timeout job runs) and every member is
// refunded, one back through WeChat Pay, one to the balance. tests/client.rs runs `xiaodian check` on
// what the suite leaves behind.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, sandboxFetch } = require('./setup')

async function login(code) {
  const res = await WXAPI.authorize({ code })
  assert.equal(res.code, 0, res.msg)
  return res.data
}

async function merchant(method, path, body) {
  const res = await sandboxFetch(`/admin/api/v1${path}`, {
    method, headers: { 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
  })
  return { status: res.status, body: await res.json() }
}

const address = {
  peisongType: 'kd', linkMan: '张三', mobile: '13800138000',
  provinceId: '330000', cityId: '330100', districtId: '330106', address: '文三路 1 号',
}

async function order(token, goodsId, tuanId) {
  const goodsJsonStr = JSON.stringify([{ goodsId, number: 1, propertyChildIds: '' }])
  const res = await WXAPI.orderCreate({ token, goodsJsonStr, pingtuanOpenId: tuanId, ...address })
  assert.equal(res.code, 0, res.msg)
  return res.data
}

/** Pays an order by WeChat in the sandbox. */
async function payByWechat(token, o) {
  const pay = await WXAPI.wxpay({ token, money: o.amountReal, nextAction: JSON.stringify({ type: 0, id: o.id }) })
  assert.equal(pay.code, 0, pay.msg)
  const paid = await sandboxFetch('/sandbox/pay/control/pay', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prepay_id: pay.data.package.replace('prepay_id=', '') }),
  })
  assert.equal((await paid.json()).delivered, true)
}

/** A friend with money on the balance (recharged by WeChat) who joins and pays from it. */
async function joinFromBalance(code, goodsId, tuanId) {
  const friend = await login(code)
  const recharge = await WXAPI.wxpay({ token: friend.token, money: 100 })
  assert.equal(recharge.code, 0, recharge.msg)
  await sandboxFetch('/sandbox/pay/control/pay', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prepay_id: recharge.data.package.replace('prepay_id=', '') }),
  })
  const o = await order(friend.token, goodsId, tuanId)
  const paid = await WXAPI.orderPay(friend.token, o.id)
  assert.equal(paid.code, 0, paid.msg)
  return { friend, o }
}

async function findSet() {
  const list = await WXAPI.goodsv2({ page: 1, pageSize: 50 })
  assert.equal(list.code, 0, list.msg)
  const goods = list.data.result.find((g) => g.pingtuan)
  assert.ok(goods, 'the demo has a goods with a group-buy set')
  const set = await WXAPI.pingtuanSet(goods.id)
  assert.equal(set.code, 0, set.msg)
  assert.equal(goods.pingtuanPrice, set.data.pingtuanPrice)
  assert.ok(set.data.numberPersion >= 2 && set.data.timeoutHours > 0, JSON.stringify(set.data))
  const plain = list.data.result.find((g) => !g.pingtuan)
  assert.equal((await WXAPI.pingtuanSet(plain.id)).code, 700)
  return { goods, set: set.data }
}

test('a group of three fills and ships', async () => {
  const { goods, set } = await findSet()
  assert.equal(set.numberPersion, 3)
  const opener = await login('code-node-pingtuan-opener')
  const opened = await WXAPI.pingtuanOpen(opener.token, goods.id)
  assert.equal(opened.code, 0, opened.msg)
  const tuanId = opened.data.id
  const first = await order(opener.token, goods.id, tuanId)
  assert.equal(first.amount, set.pingtuanPrice, 'the goods cost the group price (freight extra)')
  await payByWechat(opener.token, first)

  const listed = await WXAPI.pingtuanList({ goodsId: goods.id, status: 0, page: 1, pageSize: 20 })
  assert.equal(listed.code, 0, listed.msg)
  const row = listed.data.result.find((t) => t.id === tuanId)
  assert.ok(row, 'listed once its opener paid')
  assert.equal(row.helpNumber, 1)
  assert.equal(typeof row.apiExtUser.nick, 'string')

  const { o: second } = await joinFromBalance('code-node-pingtuan-f1', goods.id, tuanId)
  let detail = await WXAPI.orderDetail(opener.token, first.id)
  assert.equal(detail.data.orderInfo.status, 1)
  const early = await merchant('POST', `/orders/${second.id}/ship`, { carrier: '顺丰速运', trackingNumber: 'SF1' })
  assert.equal(early.status, 409, 'held while the group is short')
  const { o: third } = await joinFromBalance('code-node-pingtuan-f2', goods.id, tuanId)

  const info = await WXAPI.pingtuanTuanInfo(tuanId)
  assert.equal(info.code, 0, info.msg)
  assert.equal(info.data.tuanInfo.status, 1, 'full: succeeded')
  const joiners = await WXAPI.pingtuanJoinUsers(tuanId)
  assert.equal(joiners.data.length, 3)
  for (const o of [first, second, third]) {
    const shipped = await merchant('POST', `/orders/${o.id}/ship`, { carrier: '顺丰速运', trackingNumber: `SF${o.id}` })
    assert.equal(shipped.status, 200, JSON.stringify(shipped.body))
  }
  detail = await WXAPI.orderDetail(opener.token, first.id)
  assert.equal(detail.data.orderInfo.status, 2)
})

test('a failed group refunds every member: WeChat back to WeChat, balance to the balance', async () => {
  const { goods } = await findSet()
  const opener = await login('code-node-pingtuan-opener2')
  const opened = await WXAPI.pingtuanOpen(opener.token, goods.id)
  const tuanId = opened.data.id
  const first = await order(opener.token, goods.id, tuanId)
  await payByWechat(opener.token, first)
  const { friend, o: second } = await joinFromBalance('code-node-pingtuan-f3', goods.id, tuanId)
  const before = await WXAPI.userAmount(friend.token)

  const failed = await merchant('POST', `/pingtuan-groups/${tuanId}/fail`)
  assert.equal(failed.status, 200, JSON.stringify(failed.body))
  assert.equal(failed.body.status, 2)
  assert.equal(failed.body.wechatRefunds.length, 1, 'the WeChat-paid opener is refunded to WeChat')

  const after = await WXAPI.userAmount(friend.token)
  assert.equal(Math.round((after.data.balance - before.data.balance) * 100), Math.round(second.amountReal * 100))
  for (const [token, o] of [[opener.token, first], [friend.token, second]]) {
    const d = await WXAPI.orderDetail(token, o.id)
    assert.equal(d.data.orderInfo.status, -1, 'closed')
  }
  const refund = await merchant('GET', `/wechat-refunds/${failed.body.wechatRefunds[0]}`)
  assert.equal(refund.status, 200)
  const mine = await WXAPI.pingtuanMyJoined({ token: friend.token, page: 1, pageSize: 10 })
  assert.equal(mine.code, 0, mine.msg)
  assert.equal(mine.data.result[0].status, 2, 'refunded')
})
