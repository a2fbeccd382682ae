// Parameters the way the templates' pages send them: spec ids cut out of propertyChildIds as
// strings, numbers and booleans as text, empty optionals. Only the representation is lenient.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI } = require('./setup')

/** A demo goods with specs and a SKU in stock: its id and the SKU's propertyChildIds ("1:2,3:4,"). */
async function goodsWithSpecs() {
  const list = await WXAPI.goodsv2({ page: '1', pageSize: '50', categoryId: '' })
  assert.equal(list.code, 0, list.msg)
  for (const g of list.data.result) {
    const detail = await WXAPI.goodsDetailV2({ id: String(g.id) })
    assert.equal(detail.code, 0, detail.msg)
    const sku = (detail.data.skuList || []).find((s) => s.stores >= 3)
    if (sku) return { id: g.id, key: sku.propertyChildIds }
  }
  throw new Error('the demo shop has no goods with specs in stock')
}

test('the cart takes sku ids as strings, as a page cuts them out of propertyChildIds', async () => {
  const login = await WXAPI.authorize({ code: 'code-node-lenient' })
  const token = login.data.token
  const { id, key } = await goodsWithSpecs()
  const sku = key.split(',').filter(Boolean).map((p) => {
    const [optionId, optionValueId] = p.split(':')
    return { optionId, optionValueId }
  })
  const added = await WXAPI.shippingCarInfoAddItemV2({ token, goodsId: String(id), number: '2', sku: JSON.stringify(sku) })
  assert.equal(added.code, 0, added.msg)
  assert.equal(added.data.number, 2)

  const bad = await WXAPI.shippingCarInfoAddItemV2({ token, goodsId: id, number: '1.5', sku: JSON.stringify(sku) })
  assert.equal(bad.code, 300)
  assert.match(bad.msg, /number/)
  const word = await WXAPI.shippingCarInfoAddItemV2({ token, goodsId: id, sku: JSON.stringify([{ optionId: 'abc', optionValueId: '1' }]) })
  assert.equal(word.code, 300)
  assert.match(word.msg, /sku/)

  // An order preview with goodsJsonStr numbers as strings and calculate as "true".
  const goodsJsonStr = JSON.stringify([{ goodsId: String(id), number: '1', propertyChildIds: key }])
  const preview = await WXAPI.orderCreate({ token, goodsJsonStr, calculate: 'true', peisongType: 'kd', couponId: '' })
  assert.equal(preview.code, 0, preview.msg)
  assert.equal(preview.data.id ?? null, null, 'a preview writes no order')
})
