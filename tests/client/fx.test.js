// Distribution (三级分销) through the real client: a three-level chain built the ways the
// templates build it (a referrer at registration, bindSeller after login), distributors made by
// application and review (one rejected first, with its reason), by fxBuy paid with WeChat Pay
// (nextAction 13), an order by the deepest shopper paid and received, each ancestor's pending
// commission, then settlement; a refunded order cancels its pending commission; the ledger check.
// Partners (合伙人/团队长): a leadership bought by WeChat Pay (nextAction 14), a partner appointed by
// the merchant, a member's order giving the leader and the partner their pending shares.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, sandboxFetch } = require('./setup')

/** The merchant API, as an ERP calls it. */
async function merchant(method, path, body) {
  const init = { method, headers: { 'content-type': 'application/json' } }
  if (body !== undefined) init.body = JSON.stringify(body)
  const res = await sandboxFetch('/admin/api/v1' + path, init)
  const text = await res.text()
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${text}`)
  return text ? JSON.parse(text) : null
}

async function login(code, referrer) {
  const res = await WXAPI.authorize(referrer ? { code, referrer } : { code })
  assert.equal(res.code, 0, res.msg)
  return { uid: res.data.uid, token: res.data.token }
}

/** Pays by WeChat in the sandbox: wxpay, then the sandbox's payment with its notify. */
async function wxPay(token, money, nextAction) {
  const pay = await WXAPI.wxpay({ token, money, nextAction: JSON.stringify(nextAction) })
  assert.equal(pay.code, 0, pay.msg)
  const paid = await sandboxFetch('/sandbox/pay/control/pay', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prepay_id: pay.data.package.replace('prepay_id=', '') }),
  })
  assert.equal((await paid.json()).delivered, true)
}

/** Applies (apply/index.js), then the merchant decides through the merchant API. */
async function applyAndDecide(shopper, approve, reason) {
  const applied = await WXAPI.fxApply(shopper.token, '张三', '13800138000')
  assert.equal(applied.code, 0, applied.msg)
  const progress = await WXAPI.fxApplyProgress(shopper.token)
  assert.equal(progress.data.status, 0, '审核中')
  const waiting = await merchant('GET', '/fx/applications?status=0&pageSize=100')
  const mine = waiting.items.find(a => a.userId === shopper.uid)
  assert.ok(mine, JSON.stringify(waiting))
  await merchant('POST', `/fx/applications/${mine.id}/${approve ? 'approve' : 'reject'}`, reason ? { reason } : {})
}

async function paying(token) {
  const amount = await WXAPI.userAmount(token)
  assert.equal(amount.code, 0, amount.msg)
  return amount.data.fxCommisionPaying
}

async function stockedPlainGoods() {
  const list = await WXAPI.goodsv2({ page: 1, pageSize: 50 })
  for (const g of list.data.result) {
    const detail = await WXAPI.goodsDetailV2({ id: g.id })
    if ((detail.data.skuList || []).length === 0 && detail.data.basicInfo.stores >= 3 && g.minPrice > 0) return g
  }
  throw new Error('the demo shop has no plain goods with stock')
}

async function order(token, goodsId) {
  const created = await WXAPI.orderCreate({
    token, goodsJsonStr: JSON.stringify([{ goodsId, number: 1 }]), peisongType: 'kd', linkMan: '张三',
    mobile: '13800138000', provinceId: '330000', cityId: '330100', districtId: '330106', address: '文三路 1 号',
  })
  assert.equal(created.code, 0, created.msg)
  await wxPay(token, created.data.amountReal, { type: 0, id: created.data.id })
  const detail = await WXAPI.orderDetail(token, created.data.id)
  assert.equal(detail.data.orderInfo.status, 1)
  return detail.data.orderInfo
}

test('a three-level chain: apply and review, referral, bindSeller, fxBuy by WeChat, commission pending then settled, a refund cancels it', async () => {
  await merchant('PATCH', '/settings', {
    fxOpen: true, fxLevels: 3, fxPercent1: 10, fxPercent2: 5, fxPercent3: 2, fxFreezeDays: 0, fxApplyMode: 'review',
  })
  const setting = await WXAPI.fxSetting()
  assert.equal(setting.code, 0, setting.msg)
  assert.equal(setting.data.canBuy, true)
  assert.equal(setting.data.price, 1)

  // Level 3: applies and is approved.
  const a = await login('code-node-fx-a')
  assert.equal((await WXAPI.fxApplyProgress(a.token)).code, 700, 'never applied')
  await applyAndDecide(a, true)
  assert.equal((await WXAPI.fxApplyProgress(a.token)).data.status, 2)
  assert.equal((await WXAPI.userDetail(a.token)).data.base.isSeller, true)

  // Level 2: registers with a's referral, then buys the distributorship by WeChat (balance 0).
  const b = await login('code-node-fx-b', a.uid)
  const short = await WXAPI.fxBuy(b.token)
  assert.equal(short.code, 40000, JSON.stringify(short))
  assert.equal(short.data, 1)
  await wxPay(b.token, 1, { type: 13 })
  assert.equal((await WXAPI.userDetail(b.token)).data.base.isSeller, true)
  assert.equal((await WXAPI.userAmount(b.token)).data.balance, 0, 'the payment bought it')

  // Level 1: logs in, binds to b (uni-app-mall's bindSeller after login); rejected once, then approved.
  const c = await login('code-node-fx-c')
  assert.equal((await WXAPI.bindSeller({ token: c.token, uid: b.uid })).code, 0)
  const again = await WXAPI.bindSeller({ token: c.token, uid: a.uid })
  assert.equal(again.code, 403, 'first binding wins')
  assert.equal((await WXAPI.bindSeller({ token: a.token, uid: c.uid })).code, 300, 'no cycle')
  await applyAndDecide(c, false, '请补充资料')
  const rejected = await WXAPI.fxApplyProgress(c.token)
  assert.equal(rejected.data.status, 1)
  assert.equal(rejected.data.remark, '请补充资料')
  await applyAndDecide(c, true)

  // The buyer, bound under c.
  const d = await login('code-node-fx-d')
  assert.equal((await WXAPI.bindSeller({ token: d.token, uid: c.uid, traceSeller: true })).code, 0)
  const stats = await WXAPI.fxMembersStatistics(a.token)
  assert.equal(stats.code, 0, stats.msg)
  assert.equal(stats.data.totleFansLevel1, 1)
  assert.equal(stats.data.totleFansLevel2, 1)
  const level2 = await WXAPI.fxMembers({ token: a.token, level: 2, page: 1, pageSize: 20 })
  assert.equal(level2.code, 0, level2.msg)
  assert.equal(level2.data.result[0].uids, c.uid)
  assert.ok(level2.data.statisticsCommisionMap[c.uid])

  const goods = await stockedPlainGoods()
  const paid = await order(d.token, goods.id)
  const base = Math.round((paid.amountReal - paid.amountLogistics) * 100)
  const share = p => Math.round(base * p / 100) / 100
  assert.equal(await paying(c.token), share(10))
  assert.equal(await paying(b.token), share(5))
  assert.equal(await paying(a.token), share(2))
  const log = await WXAPI.fxCommisionLog({ token: c.token, page: 1, pageSize: 20 })
  assert.equal(log.code, 0, log.msg)
  assert.equal(log.data.result[0].isSettlement, false)
  assert.equal(log.data.result[0].bili, 10)
  assert.equal(log.data.orderList[0].id, paid.id)
  assert.ok(log.data.goodsMap[paid.id][0].goodsName)

  // Shipped and received: settled into the balance (freeze days 0).
  await merchant('POST', `/orders/${paid.id}/ship`, { carrier: '顺丰速运', trackingNumber: 'SF100200300' })
  assert.equal((await WXAPI.orderDelivery(d.token, paid.id)).code, 0)
  assert.equal(await paying(c.token), 0)
  assert.equal((await WXAPI.userAmount(c.token)).data.balance, share(10))
  assert.equal((await WXAPI.userAmount(a.token)).data.balance, share(2))
  const mine = await WXAPI.fxMyCommisionStatistics(c.token, '0')
  assert.equal(mine.code, 0, mine.msg)
  assert.equal(mine.data[0].settlement, share(10))

  // A second order refunded in full before shipping: its pending commission is cancelled.
  const second = await order(d.token, goods.id)
  assert.equal(await paying(c.token), share(10))
  const refund = await WXAPI.refundApply({ token: d.token, orderId: second.id, type: '0', logisticsStatus: '0', reason: '不想要了', amount: second.amountReal })
  assert.equal(refund.code, 0, refund.msg)
  const open = await merchant('GET', `/refunds?status=0&pageSize=100`)
  const req = open.items.find(r => r.orderId === second.id)
  assert.ok(req, JSON.stringify(open))
  await merchant('POST', `/refunds/${req.id}/approve`, {})
  assert.equal(await paying(c.token), 0, 'cancelled')
  assert.equal((await WXAPI.userAmount(c.token)).data.balance, share(10), 'settled stays')
  const cancelled = await merchant('GET', `/fx/commissions?status=2&userId=${c.uid}`)
  assert.equal(cancelled.items.length, 1)
})

test('partners: a leadership bought by WeChat (nextAction 14), a team, the leader and partner shares pending, the ranks', async () => {
  await merchant('PATCH', '/settings', {
    partnerOpen: true, partnerPercentLeader: 5, partnerPercentPartner: 2, partnerPriceLeaderFen: 100,
  })
  const setting = await WXAPI.partnerSetting()
  assert.equal(setting.code, 0, setting.msg)
  assert.equal(setting.data.isOpen, true)
  assert.equal(setting.data.priceLeader, 1)

  // The partner is appointed by the merchant; the leader pays the full price by WeChat (wam's payFx).
  const p = await login('code-node-partner-p')
  await merchant('POST', '/fx/partners', { userId: p.uid, role: 3 })
  const l = await login('code-node-partner-l')
  const short = await WXAPI.partnerBuyTeamLeader(l.token)
  assert.equal(short.code, 40000, JSON.stringify(short))
  await wxPay(l.token, 1, { type: 14 })
  assert.equal((await WXAPI.userDetail(l.token)).data.base.isTeamLeader, true)
  assert.equal((await WXAPI.userAmount(l.token)).data.balance, 0, 'the payment bought it')
  assert.equal((await WXAPI.bindPartner(l.token, p.uid)).code, 0)

  // A member joins the leader's team (not their own).
  const m = await login('code-node-partner-m')
  assert.equal((await WXAPI.partnerBindTeamLeader(m.token, m.uid)).code, 300, 'not oneself')
  assert.equal((await WXAPI.partnerBindTeamLeader(m.token, l.uid)).code, 0)
  const detail = await WXAPI.userDetail(m.token)
  assert.equal(detail.data.base.isTeamMember, true)
  assert.equal(detail.data.parentTeamLeaderInfo.uid, l.uid)
  assert.equal(detail.data.parentPartnerInfo.uid, p.uid)
  assert.ok((await WXAPI.userDetail(p.token)).data.partnerInfo, 'truthy for a partner')
  const stats = await WXAPI.partnerMembersStatistics(p.token)
  assert.equal(stats.code, 0, stats.msg)
  assert.deepEqual([stats.data.leaders, stats.data.members], [1, 1])

  const goods = await stockedPlainGoods()
  const paid = await order(m.token, goods.id)
  const base = Math.round((paid.amountReal - paid.amountLogistics) * 100)
  const share = pct => Math.round(base * pct / 100) / 100
  assert.equal(await paying(l.token), share(5))
  assert.equal(await paying(p.token), share(2))
  const members = await WXAPI.partnerMembers({ token: l.token, type: 2, page: 1, pageSize: 20 })
  assert.equal(members.code, 0, members.msg)
  assert.equal(members.data.result[0].uid, m.uid)
  assert.equal(members.data.statisticsCommisionMap[m.uid].amount, share(5))

  // The first test's chain sold: its distributors rank by their team's sales.
  const rank = await WXAPI.fxSaleroomRankTotal(1, 10)
  assert.equal(rank.code, 0, rank.msg)
  assert.equal(rank.data.result[0].rank, 1)
  await merchant('PATCH', '/settings', { partnerOpen: false })
})
