// Favourites and goods reviews through the real client, against the demo shop.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, BASE_URL } = require('./setup')

/** The first goods of the shop window (the one the demo reviews are about). */
async function firstGoods() {
  const res = await WXAPI.goodsv2({ page: 1, pageSize: 1 })
  assert.equal(res.code, 0, res.msg)
  return res.data.result[0]
}

test('a shopper keeps favourites: put, check, list, delete', async () => {
  const login = await WXAPI.authorize({ code: 'code-node-shopfront' })
  assert.equal(login.code, 0, login.msg)
  const token = login.data.token
  const goods = await firstGoods()

  const before = await WXAPI.goodsFavCheck(token, goods.id)
  assert.notEqual(before.code, 0, 'not a favourite yet')
  assert.equal((await WXAPI.goodsFavPut(token, goods.id)).code, 0)
  assert.equal((await WXAPI.goodsFavAdd({ token, goodsId: goods.id })).code, 0)
  assert.equal((await WXAPI.goodsFavCheck(token, goods.id)).code, 0)
  assert.equal((await WXAPI.goodsFavCheckV2({ token, goodsId: goods.id })).code, 0)

  const list = await WXAPI.goodsFavList({ token })
  assert.equal(list.code, 0, list.msg)
  assert.equal(list.data.length, 1)
  assert.equal(list.data[0].goodsId, goods.id)
  assert.equal(list.data[0].goodsName, goods.name)
  assert.equal(list.data[0].type, 0)
  assert.ok(list.data[0].pic.startsWith(BASE_URL + '/uploads/'), list.data[0].pic)
  const v2 = await WXAPI.goodsFavListV2({ token, page: 1, pageSize: 10 })
  assert.equal(v2.code, 0, v2.msg)
  assert.equal(v2.data.totalRow, 1)

  assert.equal((await WXAPI.goodsFavDelete(token, '', goods.id)).code, 0)
  assert.equal((await WXAPI.goodsFavList({ token })).code, 700)
  assert.equal((await WXAPI.goodsFavPut(token, goods.id)).code, 0)
  assert.equal((await WXAPI.goodsFavDeleteV2({ token, goodsId: goods.id })).code, 0)
  assert.notEqual((await WXAPI.goodsFavCheck(token, goods.id)).code, 0)
  assert.equal((await WXAPI.goodsFavPut('not-a-token', goods.id)).code, 2000)
})

test('goodsReputation(V2) shows the demo reviews with the reviewer', async () => {
  const goods = await firstGoods()
  const v1 = await WXAPI.goodsReputation({ goodsId: goods.id })
  assert.equal(v1.code, 0, v1.msg)
  assert.ok(v1.data.length >= 3)
  const v2 = await WXAPI.goodsReputationV2({ goodsId: goods.id, page: 1, pageSize: 2 })
  assert.equal(v2.code, 0, v2.msg)
  assert.equal(v2.data.result.length, 2)
  assert.ok(v2.data.totalRow >= 3)
  for (const r of v2.data.result) {
    assert.equal(typeof r.goods.goodReputation, 'number')
    assert.equal(typeof r.goods.goodReputationRemark, 'string')
    assert.equal(typeof r.goods.dateReputation, 'string')
    assert.equal(typeof r.user.nick, 'string')
    assert.ok(Array.isArray(r.reputationPics))
  }
  const nicks = v1.data.map((r) => r.user.nick)
  assert.ok(nicks.includes('小明'), JSON.stringify(nicks))
  const page = await WXAPI.goodsDetail(goods.id)
  assert.ok(page.data.basicInfo.numberReputation >= 3)
})

test('fetchShops answers the demo shops nearest first with a numeric distance', async () => {
  const res = await WXAPI.fetchShops({ curlatitude: '30.2906', curlongitude: '120.2126' })
  assert.equal(res.code, 0, res.msg)
  assert.equal(res.data[0].name, '东站自提点')
  for (const s of res.data) {
    assert.equal(typeof s.distance, 'number')
    assert.equal(typeof s.distance.toFixed(3), 'string')
  }
  assert.ok(res.data[1].distance > 5, `${res.data[1].distance} km`)
  const detail = await WXAPI.shopSubdetail(res.data[1].id)
  assert.equal(detail.code, 0, detail.msg)
  assert.equal(detail.data.info.name, '西湖旗舰店')
  assert.equal(typeof detail.data.info.linkPhone, 'string')
  const picks = await WXAPI.pickPoints({ curlatitude: '30.2906', curlongitude: '120.2126' })
  assert.equal(picks.code, 0, picks.msg)
  assert.deepEqual(picks.data.result.map((s) => s.name), ['东站自提点'])
})

test('shopSubApply stores a pending shop that fetchMyShops lists', async () => {
  const login = await WXAPI.authorize({ code: 'code-node-shopfront-apply' })
  assert.equal(login.code, 0, login.msg)
  const token = login.data.token
  assert.equal((await WXAPI.fetchMyShops(token)).code, 700)
  const res = await WXAPI.shopSubApply({
    token, name: '我的小店', address: '杭州市', cityId: '330100000000', districtId: '', provinceId: '330000000000',
    latitude: '30.3', longitude: '120.1', status: '0'
  })
  assert.equal(res.code, 0, res.msg)
  assert.equal(res.data.statusStr, '待审核')
  const mine = await WXAPI.fetchMyShops(token)
  assert.equal(mine.code, 0, mine.msg)
  assert.equal(mine.data[0].name, '我的小店')
})
