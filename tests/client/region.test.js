// Provinces, cities and districts (province / nextRegion on the api host, V2 on the common host).

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI } = require('./setup')

test('province answers the 31 mainland provinces', async () => {
  const res = await WXAPI.province()
  assert.equal(res.code, 0, res.msg)
  assert.equal(res.data.length, 31)
  for (const p of res.data) {
    assert.equal(typeof p.id, 'string')
    assert.equal(typeof p.name, 'string')
    assert.equal(p.pid, '0')
    assert.equal(p.level, 1)
  }
  assert.ok(res.data.some((p) => p.id === '440000' && p.name === '广东省'))
})

test('provinceV2 answers the same list as province', async () => {
  const [v1, v2] = await Promise.all([WXAPI.province(), WXAPI.provinceV2()])
  assert.equal(v2.code, 0, v2.msg)
  assert.deepEqual(v2.data, v1.data)
})

test('nextRegion of Guangdong includes Shenzhen', async () => {
  const res = await WXAPI.nextRegion('440000')
  assert.equal(res.code, 0, res.msg)
  const sz = res.data.find((c) => c.id === '440300')
  assert.ok(sz, 'Shenzhen 440300 is a child of 440000')
  assert.equal(sz.name, '深圳市')
  assert.equal(sz.pid, '440000')
  assert.equal(sz.level, 2)
})

test('nextRegionV2 of Shenzhen includes Nanshan', async () => {
  const res = await WXAPI.nextRegionV2('440300')
  assert.equal(res.code, 0, res.msg)
  const ns = res.data.find((d) => d.name === '南山区')
  assert.ok(ns, '南山区 is a child of 440300')
  assert.equal(ns.id, '440305')
  assert.equal(ns.level, 3)
})

test('nextRegion of an unknown id answers 404', async () => {
  const res = await WXAPI.nextRegion('999999')
  assert.equal(res.code, 404)
})

test('nextRegion of a district answers 700 (nothing below)', async () => {
  const res = await WXAPI.nextRegion('440305')
  assert.equal(res.code, 700)
})
