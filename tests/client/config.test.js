// Config values, the back-office level, site statistics and the shop lookup by appid.
// The launcher starts xiaodian with --demo, which guarantees `mallName` and `wxpay_api_url`.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI } = require('./setup')

test('queryConfigValue of an unset key answers 700', async () => {
  const res = await WXAPI.queryConfigValue('missing-key')
  assert.equal(res.code, 700)
  assert.equal(typeof res.msg, 'string')
})

test('queryConfigBatch with no known key answers 700', async () => {
  const res = await WXAPI.queryConfigBatch('a,b')
  assert.equal(res.code, 700)
})

test('queryConfigValue answers the demo shop name as text', async () => {
  const res = await WXAPI.queryConfigValue('mallName')
  assert.equal(res.code, 0, res.msg)
  assert.equal(typeof res.data, 'string')
  assert.ok(res.data.length > 0)
})

test('queryConfigValue answers wxpay_api_url of the demo shop', async () => {
  const res = await WXAPI.queryConfigValue('wxpay_api_url')
  assert.equal(res.code, 0, res.msg)
  assert.equal(res.data, '/pay/wx/wxapp')
})

test('queryConfigBatch answers exactly the known keys, as {key, value} rows', async () => {
  const res = await WXAPI.queryConfigBatch('mallName,wxpay_api_url,nope')
  assert.equal(res.code, 0, res.msg)
  assert.ok(Array.isArray(res.data))
  assert.deepEqual(res.data.map((r) => r.key).sort(), ['mallName', 'wxpay_api_url'])
  for (const row of res.data) assert.equal(typeof row.value, 'string')
  assert.equal(res.data.find((r) => r.key === 'wxpay_api_url').value, '/pay/wx/wxapp')
})

test('vipLevel answers a number', async () => {
  const res = await WXAPI.vipLevel()
  assert.equal(res.code, 0, res.msg)
  assert.equal(typeof res.data, 'number')
})

test('siteStatistics answers the file store, articles and appid', async () => {
  const res = await WXAPI.siteStatistics()
  assert.equal(res.code, 0, res.msg)
  assert.equal(typeof res.data.dfs.count, 'number')
  assert.equal(typeof res.data.dfs.capacityStr, 'string')
  assert.equal(typeof res.data.cmsArticle.numbers, 'number')
  assert.equal(typeof res.data.wxAppid, 'string')
})

test('fetchSubDomainByWxappAppid of another appid answers 700', async () => {
  const res = await WXAPI.fetchSubDomainByWxappAppid('wx-not-ours')
  assert.equal(res.code, 700)
})
