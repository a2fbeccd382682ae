// Bargains (砍价) through the real client, the way the goods page and the bargain page call them:
// the demo goods' set found by a comma list of goods ids, the owner starts a bargain, three
// friends each cut once, the owner buys one at the cut price and pays by WeChat in the sandbox.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, sandboxFetch } = require('./setup')

async function login(code) {
  const res = await WXAPI.authorize({ code })
  assert.equal(res.code, 0, res.msg)
  return res.data
}

test('three friends cut a bargain and the owner buys it at the cut price, paid by WeChat', async () => {
  const list = await WXAPI.goodsv2({ page: 1, pageSize: 50 })
  assert.equal(list.code, 0, list.msg)
  const ids = list.data.result.map((g) => g.id)
  const sets = await WXAPI.kanjiaSet(ids.join(','))
  assert.equal(sets.code, 0, sets.msg)
  const set = sets.data[0]
  assert.ok(set.number > 0 && set.minPrice < set.originalPrice, JSON.stringify(set))
  const listed = list.data.result.find((g) => g.id === set.goodsId)
  assert.equal(listed.kanjia, true)
  assert.equal(listed.kanjiaPrice, set.minPrice)
  const plain = list.data.result.find((g) => !g.kanjia)
  assert.equal((await WXAPI.kanjiaSet(plain.id)).code, 700, 'no set: the page keeps its normal buy bar')

  const owner = await login('code-node-kanjia-owner')
  assert.equal((await WXAPI.kanjiaDetail(set.id, owner.uid)).code, 700, 'no bargain yet: 我也要报名参与')
  assert.equal((await WXAPI.kanjiaDetail(set.id, 'undefined')).code, 700)
  const joined = await WXAPI.kanjiaJoin(owner.token, set.id)
  assert.equal(joined.code, 0, joined.msg)
  assert.equal(joined.data.curPrice, set.originalPrice)
  const self = await WXAPI.kanjiaHelp(owner.token, set.id, owner.uid, '')
  assert.equal(self.code, 403, 'helping one\'s own bargain is off by default')

  let price = set.originalPrice
  for (const n of [1, 2, 3]) {
    const friend = await login(`code-node-kanjia-friend${n}`)
    assert.equal((await WXAPI.kanjiaHelpDetail(friend.token, set.id, owner.uid)).code, 700)
    const help = await WXAPI.kanjiaHelp(friend.token, set.id, owner.uid, '加油')
    assert.equal(help.code, 0, help.msg)
    assert.ok(help.data.cutPrice > 0 && help.data.cutPrice <= set.helpPriceMax, JSON.stringify(help))
    price = Math.round((price - help.data.cutPrice) * 100) / 100
    const mine = await WXAPI.kanjiaHelpDetail(friend.token, set.id, owner.uid)
    assert.equal(mine.code, 0, mine.msg)
    assert.equal(mine.data.cutPrice, help.data.cutPrice)
    assert.equal((await WXAPI.kanjiaHelp(friend.token, set.id, owner.uid, '')).code, 403, 'one help each')
  }
  const detail = await WXAPI.kanjiaDetail(set.id, owner.uid)
  assert.equal(detail.code, 0, detail.msg)
  assert.equal(detail.data.kanjiaInfo.helpNumber, 3)
  assert.equal(detail.data.kanjiaInfo.curPrice, price)
  assert.equal(detail.data.helps.length, 3)
  assert.equal(typeof detail.data.joiner.nick, 'string')

  const goodsJsonStr = JSON.stringify([{ goodsId: set.goodsId, number: 1, propertyChildIds: '' }])
  const address = {
    peisongType: 'kd', linkMan: '张三', mobile: '13800138000',
    provinceId: '330000', cityId: '330100', districtId: '330106', address: '文三路 1 号',
  }
  const preview = await WXAPI.orderCreate({ token: owner.token, goodsJsonStr, kjid: set.id, calculate: true, ...address })
  assert.equal(preview.code, 0, preview.msg)
  assert.equal(preview.data.amount, price, 'the goods cost the bargain\'s current price')
  const order = await WXAPI.orderCreate({ token: owner.token, goodsJsonStr, kjid: set.id, ...address })
  assert.equal(order.code, 0, order.msg)
  const pay = await WXAPI.wxpay({
    token: owner.token, money: order.data.amountReal, nextAction: JSON.stringify({ type: 0, id: order.data.id }),
  })
  assert.equal(pay.code, 0, pay.msg)
  const paid = await sandboxFetch('/sandbox/pay/control/pay', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prepay_id: pay.data.package.replace('prepay_id=', '') }),
  })
  assert.equal((await paid.json()).delivered, true)
  const after = await WXAPI.orderDetail(owner.token, order.data.id)
  assert.equal(after.data.orderInfo.status, 1)
  const mine = await WXAPI.kanjiaMyJoinInfo(owner.token, set.id)
  assert.equal(mine.code, 0, mine.msg)
  assert.equal(mine.data.status, 1, 'bought')
  const again = await WXAPI.kanjiaSet(set.goodsId)
  assert.equal(again.data[0].numberBuy, set.numberBuy + 1)
  assert.equal((await WXAPI.kanjiaClear(owner.token, set.id)).code, 0, 'a bought bargain can be given up to start again')
  assert.equal((await WXAPI.kanjiaMyJoinInfo(owner.token, set.id)).code, 700)
})
