// The shopper's own account through the real client: the member code (dynamicUserCode) the staff
// look up, deleting the account (userDelete) and registering anew with the same WeChat user, and
// the common-host twins growthLogsV2, exchangeScoreToGrowthV2, cityV2 and districts.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, sandboxFetch } = require('./setup')

async function shopper(code) {
  const login = await WXAPI.authorize({ code })
  assert.equal(login.code, 0, login.msg)
  return login.data
}

test('dynamicUserCode answers an 18-digit code the merchant API turns back into the shopper', async () => {
  const { token, uid } = await shopper('code-node-member-code')
  const res = await WXAPI.dynamicUserCode(token)
  assert.equal(res.code, 0, res.msg)
  assert.match(res.data, /^\d{18}$/)
  const found = await sandboxFetch(`/admin/api/v1/member-codes/${res.data}`)
  assert.equal(found.status, 200)
  assert.equal((await found.json()).user.id, uid)
  assert.equal((await WXAPI.dynamicUserCode('not-a-token')).code, 2000)
})

test('userDelete ends the account; the same WeChat user then registers as someone new', async () => {
  const first = await shopper('code-node-leaving')
  const res = await WXAPI.userDelete(first.token)
  assert.equal(res.code, 0, res.msg)
  assert.equal((await WXAPI.userDetail(first.token)).code, 2000)
  const again = await shopper('code-node-leaving')
  assert.notEqual(again.uid, first.uid)
  assert.equal((await WXAPI.userDelete('')).code, 2000)
})

test('growthLogsV2 and exchangeScoreToGrowthV2 answer as the growth pages read them', async () => {
  const { token } = await shopper('code-node-growth-v2')
  assert.equal((await WXAPI.growthLogsV2({ token, page: 1 })).code, 700)
  const bad = await WXAPI.exchangeScoreToGrowthV2({ token, deductionScore: 'abc' })
  assert.equal(bad.code, 300)
  assert.match(bad.msg, /deductionScore/)
})

test('cityV2 and districts list every city and district with its parent', async () => {
  const cities = await WXAPI.cityV2()
  assert.equal(cities.code, 0, cities.msg)
  assert.ok(cities.data.some((c) => c.id === '440300' && c.pid === '440000'))
  const districts = await WXAPI.districts()
  assert.equal(districts.code, 0, districts.msg)
  assert.ok(districts.data.some((d) => d.id === '440305' && d.pid === '440300'))
})
