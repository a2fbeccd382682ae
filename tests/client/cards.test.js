// Cards (会员卡) through the real client: the demo shop's cards on sale, a buy refused for want of
// balance and then made, the shopper's cards and logs as pages/my and pages/card read them, a card
// password redeemed once, a card shared with a friend, and bad input refused with 300.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, sandboxFetch } = require('./setup')

async function shopper(code) {
  const login = await WXAPI.authorize({ code })
  assert.equal(login.code, 0, login.msg)
  return login.data
}

/** A merchant API call with the suite's key; the JSON answer. */
async function merchant(method, path, body) {
  const res = await sandboxFetch('/admin/api/v1' + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = await res.json()
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

test('cardList and cardInfo answer the demo cards with the fields pages read', async () => {
  const res = await WXAPI.cardList({ status: 0 })
  assert.equal(res.code, 0, res.msg)
  assert.ok(res.data.length >= 2)
  for (const c of res.data) {
    assert.equal(typeof c.id, 'number')
    assert.equal(typeof c.name, 'string')
    assert.equal(typeof c.price, 'number')
    assert.equal(typeof c.amount, 'number')
    assert.equal(typeof c.refs, 'string')
    assert.ok(c.pic.startsWith('http'))
  }
  const info = await WXAPI.cardInfo(res.data[0].id)
  assert.equal(info.code, 0, info.msg)
  assert.equal(info.data.name, res.data[0].name)
  assert.equal((await WXAPI.cardInfo(999999)).code, 404)
  const bad = await WXAPI.cardInfo('abc')
  assert.equal(bad.code, 300)
  assert.match(bad.msg, /id/)
})

test('a card is bought from the balance and shows in cardMyList and cardMyLogs', async () => {
  const { token, uid } = await shopper('code-node-cards-1')
  assert.equal((await WXAPI.cardMyList(token)).code, 700)
  const card = (await WXAPI.cardList({})).data.find((c) => c.type === 0)
  const short = await WXAPI.cardBuy(token, card.id)
  assert.equal(short.code, 40000, JSON.stringify(short))
  assert.equal(short.data, card.price)
  await merchant('POST', `/users/${uid}/adjustments`, { account: 'balance', amount: 19900, reason: '测试充值' })
  const bought = await WXAPI.cardBuy(token, card.id)
  assert.equal(bought.code, 0, bought.msg)

  const mine = await WXAPI.cardMyList(token)
  assert.equal(mine.code, 0, mine.msg)
  // What pages/my and pages/to-pay-order read.
  const held = mine.data[0]
  assert.equal(held.status, 0)
  assert.equal(held.amount, card.amount)
  assert.equal(held.cardInfo.name, card.name)
  assert.equal(typeof held.cardInfo.refs, 'string')
  assert.equal(typeof held.dateEnd, 'string')
  const logs = await WXAPI.cardMyLogs({ token, cardId: held.id, page: 1 })
  assert.equal(logs.code, 0, logs.msg)
  const row = logs.data.result[0]
  assert.equal(row.typeStr, '购买')
  assert.equal(row.amount, card.amount)
  assert.equal(row.balance, card.amount)
  assert.equal(typeof row.dateAdd, 'string')
  assert.equal((await WXAPI.userAmount(token)).data.balance, 0)

  assert.equal((await WXAPI.cardBuy('not-a-token', card.id)).code, 2000)
  const bad = await WXAPI.cardBuy(token, '')
  assert.equal(bad.code, 300)
  assert.match(bad.msg, /id/)
})

test('a card password is redeemed once with cardExchangeFromPwd', async () => {
  const gift = await merchant('POST', '/cards', { name: '礼品卡', kind: 0, amount: 2, price: 0 })
  const made = await merchant('POST', `/cards/${gift.id}/passwords`, { count: 1 })
  const { token } = await shopper('code-node-cards-2')
  const ok = await WXAPI.cardExchangeFromPwd({ token, number: made.passwords[0] })
  assert.equal(ok.code, 0, ok.msg)
  assert.equal(ok.data.cardInfo.name, '礼品卡')
  const again = await WXAPI.cardExchangeFromPwd({ token, number: made.passwords[0] })
  assert.equal(again.code, 700)
  assert.match(again.msg, /卡密/)
  const missing = await WXAPI.cardExchangeFromPwd({ token })
  assert.equal(missing.code, 300)
  assert.match(missing.msg, /number/)
})

test('a shared card is previewed, fetched once, and the sharer sees it given away', async () => {
  const gift = await merchant('POST', '/cards', { name: '转赠卡', kind: 0, amount: 5, price: 0 })
  const made = await merchant('POST', `/cards/${gift.id}/passwords`, { count: 1 })
  const alice = await shopper('code-node-cards-3')
  const bob = await shopper('code-node-cards-4')
  const held = (await WXAPI.cardExchangeFromPwd({ token: alice.token, number: made.passwords[0] })).data
  const opened = await WXAPI.cardShareOpen({ token: alice.token, id: held.id, remark: '送你' })
  assert.equal(opened.code, 0, opened.msg)
  const shareToken = opened.data
  assert.equal(typeof shareToken, 'string')

  const preview = await WXAPI.cardShareFetch({ token: bob.token, id: held.id, shareToken, calculate: true })
  assert.equal(preview.code, 0, preview.msg)
  assert.equal(typeof preview.data.user.nick, 'string')
  assert.equal(preview.data.cardInfo.name, '转赠卡')
  assert.equal(preview.data.cardUser.amount, 5)
  const taken = await WXAPI.cardShareFetch({ token: bob.token, id: held.id, shareToken, calculate: false })
  assert.equal(taken.code, 0, taken.msg)
  assert.equal((await WXAPI.cardShareFetch({ token: bob.token, id: held.id, shareToken })).code, 403)
  assert.equal((await WXAPI.cardMyList(bob.token)).data[0].amount, 5)
  const aliceCards = await WXAPI.cardMyList(alice.token)
  assert.equal(aliceCards.data[0].status, 1)

  const bobHeld = (await WXAPI.cardMyList(bob.token)).data[0]
  assert.equal((await WXAPI.cardShareOpen({ token: bob.token, id: bobHeld.id })).code, 0)
  assert.equal((await WXAPI.cardShareClose({ token: bob.token, id: bobHeld.id })).code, 0)
  const bad = await WXAPI.cardShareClose({ token: bob.token, id: 'x' })
  assert.equal(bad.code, 300)
  assert.match(bad.msg, /id/)
})
