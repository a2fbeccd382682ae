// JSON storage without a token: the shop's public rows, which anyone may add to but not change.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, SUB_DOMAIN } = require('./setup')

test('jsonSet stores a document that jsonList and jsonListV2 answer', async () => {
  const set = await WXAPI.jsonSet({ content: JSON.stringify({ a: 1 }), type: 'feedback', refId: 'r1' })
  assert.equal(set.code, 0, set.msg)
  assert.equal(typeof set.data.id, 'number')

  const list = await WXAPI.jsonList({ type: 'feedback' })
  assert.equal(list.code, 0, list.msg)
  assert.ok(Array.isArray(list.data))
  assert.equal(list.data[0].id, set.data.id)
  assert.equal(list.data[0].jsonData.a, 1)
  assert.equal(list.data[0].refId, 'r1')
  assert.equal(list.data[0].type, 'feedback')

  const v2 = await WXAPI.jsonListV2({ type: 'feedback' })
  assert.equal(v2.code, 0, v2.msg)
  assert.ok(Array.isArray(v2.data.result))
  assert.equal(typeof v2.data.totalRow, 'number')
  assert.ok(v2.data.totalRow >= 1)
  assert.ok(v2.data.result.some((r) => r.id === set.data.id))
})

test('jsonSet refuses content that is not JSON with 300 naming content', async () => {
  const res = await WXAPI.jsonSet({ content: 'not json' })
  assert.equal(res.code, 300)
  assert.match(res.msg, /content/)
})

test('an anonymous caller cannot change a stored row (403)', async () => {
  const set = await WXAPI.jsonSet({ content: '{"b":2}', type: 'anon-update' })
  assert.equal(set.code, 0, set.msg)
  const res = await WXAPI.jsonSet({ id: set.data.id, content: '{}' })
  assert.equal(res.code, 403)
  const list = await WXAPI.jsonList({ type: 'anon-update' })
  assert.equal(list.code, 0, list.msg)
  assert.deepEqual(list.data[0].jsonData, { b: 2 })
})

test('jsonDelete with a dead token answers 2000', async () => {
  const set = await WXAPI.jsonSet({ content: '{"c":3}', type: 'anon-delete' })
  assert.equal(set.code, 0, set.msg)
  const res = await WXAPI.jsonDelete('bad-token', set.data.id)
  assert.equal(res.code, 2000)
})

test('jsonSetV2, jsonListV3 and jsonDeleteV2 (common host) reach the same rows', async () => {
  const set = await WXAPI.jsonSetV2({ content: JSON.stringify({ v: 'two' }), type: 'common-host', refId: SUB_DOMAIN })
  assert.equal(set.code, 0, set.msg)
  assert.equal(typeof set.data.id, 'number')

  const v1 = await WXAPI.jsonList({ type: 'common-host' })
  assert.equal(v1.code, 0, v1.msg)
  assert.equal(v1.data[0].id, set.data.id)

  const v3 = await WXAPI.jsonListV3({ type: 'common-host' })
  assert.equal(v3.code, 0, v3.msg)
  assert.ok(Array.isArray(v3.data))
  assert.equal(v3.data[0].id, set.data.id)
  assert.equal(v3.data[0].jsonData.v, 'two')

  const del = await WXAPI.jsonDeleteV2({ token: 'bad-token', id: set.data.id })
  assert.equal(del.code, 2000)
})
