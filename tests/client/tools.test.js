// Small tools: the image captcha, unique ids and sequences, straight-line distance.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, BASE_URL, SUB_DOMAIN, fetchBytes } = require('./setup')

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

test('the captcha image is a PNG and each key can be checked once', async () => {
  const url = WXAPI.graphValidateCodeUrl('k1')
  assert.equal(typeof url, 'string')
  assert.ok(url.startsWith(`${BASE_URL}/${SUB_DOMAIN}/`), url)
  const img = await fetchBytes(url)
  assert.equal(img.status, 200)
  assert.match(img.type, /^image\/png/)
  assert.deepEqual(img.bytes.subarray(0, 8), PNG_MAGIC)

  const wrong = await WXAPI.graphValidateCodeCheck('k1', 'WRONG')
  assert.equal(wrong.code, 301)
  const again = await WXAPI.graphValidateCodeCheck('k1', 'ABCD')
  assert.equal(again.code, 301)
})

test('graphValidateCodeCheck of a key never issued answers 301', async () => {
  const res = await WXAPI.graphValidateCodeCheck('never-issued', '1234')
  assert.equal(res.code, 301)
})

test('uniqueId answers increasing numbers', async () => {
  const a = await WXAPI.uniqueId()
  const b = await WXAPI.uniqueId()
  assert.equal(a.code, 0, a.msg)
  assert.equal(typeof a.data, 'number')
  assert.equal(typeof b.data, 'number')
  assert.ok(b.data > a.data, `${b.data} > ${a.data}`)
  assert.ok(Number.isSafeInteger(b.data))
})

test('sequence starts at defValue and counts up', async () => {
  const first = await WXAPI.sequence('orders', 100)
  assert.equal(first.code, 0, first.msg)
  assert.equal(first.data, 100)
  const second = await WXAPI.sequence('orders', 100)
  assert.equal(second.data, 101)
})

test('mapDistance from Beijing to Shanghai is about 1067 km', async () => {
  const res = await WXAPI.mapDistance(39.9042, 116.4074, 31.2304, 121.4737)
  assert.equal(res.code, 0, res.msg)
  assert.equal(typeof res.data, 'number')
  assert.ok(res.data > 1060 && res.data < 1075, String(res.data))
})

test('mapDistance with a coordinate that is not a number answers 300', async () => {
  const res = await WXAPI.mapDistance('x', 1, 2, 3)
  assert.equal(res.code, 300)
  assert.match(res.msg, /lat1/)
})
