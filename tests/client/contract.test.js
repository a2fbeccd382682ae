// The envelope contract: another shop, an unknown path and a wrong method all answer HTTP 200
// with a JSON envelope. Sent through the adapter's request function, as a template would.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const shim = require('./wx-shim')
const { WXAPI, xiaodian, BASE_URL, SUB_DOMAIN } = require('./setup')

// Records the HTTP status of each answer (connect's `request` option takes a wx.request-like function).
const statuses = []
xiaodian.connect(WXAPI, {
  baseUrl: BASE_URL,
  subDomain: SUB_DOMAIN,
  request(options) {
    shim.request(
      Object.assign({}, options, {
        success(res) {
          statuses.push(res.statusCode)
          options.success(res)
        },
      })
    )
  },
})

async function call(url, method) {
  statuses.length = 0
  const res = await xiaodian.request(url, false, method, {})
  assert.deepEqual(statuses, [200], `${url} answered HTTP ${statuses}`)
  assert.equal(typeof res, 'object', `${url} answered a JSON envelope`)
  assert.equal(typeof res.msg, 'string')
  assert.ok(res.msg.length > 0)
  return res
}

test('another subDomain answers 406', async () => {
  const res = await call('/other/config/vipLevel', 'get')
  assert.equal(res.code, 406)
})

test('an unknown path answers 404', async () => {
  const res = await call(`/${SUB_DOMAIN}/no/such/path`, 'get')
  assert.equal(res.code, 404)
})

test('GET on a POST-only route answers 405', async () => {
  const res = await call(`/${SUB_DOMAIN}/notice/list`, 'get')
  assert.equal(res.code, 405)
})

test('the client itself goes through the recording request function', async () => {
  statuses.length = 0
  const res = await WXAPI.vipLevel()
  assert.equal(res.code, 0, res.msg)
  assert.deepEqual(statuses, [200])
})

test('an apifm host the shop does not serve gets an envelope from the shop, not a third party', async () => {
  const res = await call('https://jdvop.apifm.com/jdvop/0/goods/list', 'post')
  assert.notEqual(res.code, 0)
})
