// The shipped adapter: URL rewriting, connect()'s checks, and the copy the shop serves.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const { WXAPI, xiaodian, BASE_URL, SUB_DOMAIN, ADAPTER_PATH } = require('./setup')

const target = { baseUrl: 'https://shop.example.com', subDomain: 'shop' }

test('rewriteUrl maps every apifm host the client hard-codes to the shop', () => {
  const cases = [
    ['https://common.apifm.com/shop/config/value', 'https://shop.example.com/shop/config/value'],
    ['https://common.apifm.com//subdomain/appid/wxapp', 'https://shop.example.com/subdomain/appid/wxapp'],
    ['https://common.apifm.com/0/tempData/get', 'https://shop.example.com/shop/tempData/get'],
    ['https://cms.apifm.com/0/cms/news/list/v2', 'https://shop.example.com/shop/cms/news/list/v2'],
    ['https://cms.apifm.com/shop/cms/news/fav/add', 'https://shop.example.com/shop/cms/news/fav/add'],
    ['https://cms.apifm.com/12345/newsTag/list', 'https://shop.example.com/shop/newsTag/list'],
    ['https://oss.apifm.com/shop/qrcode/wxa/unlimit', 'https://shop.example.com/shop/qrcode/wxa/unlimit'],
    ['https://oss.apifm.com/uploadByUrl', 'https://shop.example.com/uploadByUrl'],
    ['https://dfs.apifm.com/uploadByUrl', 'https://shop.example.com/uploadByUrl'],
    ['https://oss.apifm.com/upload2', 'https://shop.example.com/upload2'],
    ['https://jdvop.apifm.com/jdvop/0/goods/list', 'https://shop.example.com/jdvop/0/goods/list'],
    ['https://api.it120.cc/shop/shop/goods/list', 'https://shop.example.com/shop/shop/goods/list'],
    ['http://common.apifm.com/shop/banner/list?type=index', 'https://shop.example.com/shop/banner/list?type=index'],
  ]
  for (const [from, to] of cases) {
    assert.equal(xiaodian.rewriteUrl(from, target), to, from)
  }
})

test('rewriteUrl leaves relative URLs and other hosts alone', () => {
  for (const url of [
    '/config/vipLevel',
    'https://apis.map.qq.com/ws/geocoder/v1/?location=1,2',
    'https://shop.example.com/shop/x',
    'https://notapifm.com/x',
  ]) {
    assert.equal(xiaodian.rewriteUrl(url, target), url)
  }
})

test('rewriteUrl trims a trailing slash of baseUrl and keeps a path prefix', () => {
  const t = { baseUrl: 'https://example.com/xiaodian/', subDomain: 'mine' }
  assert.equal(xiaodian.rewriteUrl('https://cms.apifm.com/0/cms/news/put', t), 'https://example.com/xiaodian/mine/cms/news/put')
})

test('connect refuses a missing baseUrl or subDomain with a clear error', () => {
  const fake = { init3() {} }
  assert.throws(() => xiaodian.connect(fake, { subDomain: 'shop' }), /baseUrl is required/)
  assert.throws(() => xiaodian.connect(fake, { baseUrl: 'https://x' }), /subDomain is required/)
  assert.throws(() => xiaodian.connect(undefined, { baseUrl: 'https://x', subDomain: 's' }), /apifm-wxapi/)
})

test('connect replaces the upload methods that bypass request()', () => {
  const fake = { init3(o) { this.opts = o }, uploadFileV2: 1, uploadFileV22: 1, uploadFileV3: 1 }
  const out = xiaodian.connect(fake, { baseUrl: 'https://x.example/', subDomain: 's', request() {} })
  assert.equal(out, fake)
  assert.equal(fake.opts.apiBaseUrl, 'https://x.example')
  assert.equal(fake.opts.subDomain, 's')
  assert.equal(typeof fake.opts.request, 'function')
  assert.equal(fake.request, fake.opts.request)
  for (const m of ['uploadFileV2', 'uploadFileV22', 'uploadFileV3']) assert.equal(typeof fake[m], 'function', m)
  // Put the suite's real connection back (connect() is process-wide).
  xiaodian.connect(WXAPI, { baseUrl: BASE_URL, subDomain: SUB_DOMAIN })
})

test('connect sends requests through the given request function with the form header', async () => {
  const seen = []
  const fake = { init3(o) { this.opts = o } }
  xiaodian.connect(fake, {
    baseUrl: 'https://x.example',
    subDomain: 's',
    request(o) {
      seen.push(o)
      o.success({ data: { code: 0, data: o.url, msg: 'success' }, statusCode: 200 })
    },
  })
  try {
    const relative = await fake.opts.request('/config/vipLevel', true, 'get', { a: 1 })
    const absolute = await fake.opts.request('https://common.apifm.com/s/banner/list', false, 'post', {})
    const bare = await fake.opts.request('/common/region/v2/province', false, 'get')
    assert.equal(relative.data, 'https://x.example/s/config/vipLevel')
    assert.equal(absolute.data, 'https://x.example/s/banner/list')
    assert.equal(bare.data, 'https://x.example/common/region/v2/province')
    assert.deepEqual(seen[0].header, { 'Content-Type': 'application/x-www-form-urlencoded' })
    assert.equal(seen[0].method, 'GET')
    assert.equal(seen[1].method, 'POST')
    assert.deepEqual(seen[0].data, { a: 1 })
  } finally {
    xiaodian.connect(WXAPI, { baseUrl: BASE_URL, subDomain: SUB_DOMAIN })
  }
})

test('a failed request rejects with the runtime error', async () => {
  const fake = { init3(o) { this.opts = o } }
  xiaodian.connect(fake, { baseUrl: 'https://x.example', subDomain: 's', request: (o) => o.fail({ errMsg: 'request:fail timeout' }) })
  try {
    await assert.rejects(fake.opts.request('/x', true, 'get', {}), (e) => e.errMsg === 'request:fail timeout')
  } finally {
    xiaodian.connect(WXAPI, { baseUrl: BASE_URL, subDomain: SUB_DOMAIN })
  }
})

test('graphValidateCodeUrl already points at the shop after connect', () => {
  assert.equal(WXAPI.graphValidateCodeUrl('k0'), `${BASE_URL}/${SUB_DOMAIN}/verification/pic/get?key=k0`)
})

test('the shop serves the adapter byte for byte at /sdk/xiaodian.js', async () => {
  const res = await fetch(`${BASE_URL}/sdk/xiaodian.js`)
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type') || '', /javascript/)
  assert.equal(await res.text(), fs.readFileSync(ADAPTER_PATH, 'utf8'))
})
