// Banners, ad positions, notices and friendly links of the demo shop.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, BASE_URL } = require('./setup')

test('banners of type index: at least two, with the fields templates read', async () => {
  const res = await WXAPI.banners({ type: 'index' })
  assert.equal(res.code, 0, res.msg)
  assert.ok(Array.isArray(res.data))
  assert.ok(res.data.length >= 2, `expected ≥ 2 index banners, got ${res.data.length}`)
  for (const b of res.data) {
    assert.equal(typeof b.id, 'number')
    assert.equal(typeof b.picUrl, 'string')
    assert.ok(b.picUrl.startsWith(BASE_URL + '/'), `picUrl ${b.picUrl} is an absolute URL of the shop`)
    assert.equal(typeof b.title, 'string')
    assert.equal(typeof b.linkUrl, 'string')
    assert.equal(typeof b.linkType, 'number')
  }
})

test('banners of an unknown type answer 700', async () => {
  const res = await WXAPI.banners({ type: 'no-such-type' })
  assert.equal(res.code, 700)
})

test('adPosition of an unknown key answers 700', async () => {
  const res = await WXAPI.adPosition('no-such-key')
  assert.equal(res.code, 700)
})

test('noticeLastOne answers the newest notice', async () => {
  const res = await WXAPI.noticeLastOne()
  assert.equal(res.code, 0, res.msg)
  assert.equal(typeof res.data.title, 'string')
  assert.ok(res.data.title.length > 0)
})

test('noticeList answers a page with dataList, then noticeDetail of its first notice', async () => {
  const res = await WXAPI.noticeList({ page: 1, pageSize: 10 })
  assert.equal(res.code, 0, res.msg)
  assert.ok(Array.isArray(res.data.dataList))
  assert.ok(res.data.dataList.length >= 1)
  assert.equal(typeof res.data.totalRow, 'number')
  assert.equal(typeof res.data.totalPage, 'number')
  const first = res.data.dataList[0]
  const detail = await WXAPI.noticeDetail(first.id)
  assert.equal(detail.code, 0, detail.msg)
  assert.equal(detail.data.id, first.id)
  assert.equal(detail.data.title, first.title)
  assert.equal(typeof detail.data.content, 'string')
})

test('noticeDetail of an unknown id answers 404', async () => {
  const res = await WXAPI.noticeDetail(999999)
  assert.equal(res.code, 404)
})

test('friendlyPartnerList answers a list or 700', async () => {
  const res = await WXAPI.friendlyPartnerList()
  if (res.code === 700) return
  assert.equal(res.code, 0, res.msg)
  assert.ok(Array.isArray(res.data))
})
