// Template messages through the real client: form ids are refused with a clear code (WeChat
// retired them), sendTempleMsg queues a subscription message to the shopper in the outbox.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, sandboxFetch } = require('./setup')

test('addTempleMsgFormid answers 501 with a message that points to subscription messages', async () => {
  const { data: { token } } = await WXAPI.authorize({ code: 'code-node-tmpl-1' })
  const res = await WXAPI.addTempleMsgFormid(token, 'form', 'the-form-id')
  assert.equal(res.code, 501)
  assert.match(res.msg, /订阅/)
})

test('sendTempleMsg with module=immediately queues a message the sandbox then receives', async () => {
  const { data: { token } } = await WXAPI.authorize({ code: 'code-node-tmpl-2' })
  const postJsonString = JSON.stringify({
    character_string1: { value: 'NODE-0001', color: '#173177' },
    thing2: { value: '您已确认收货，期待您的再次光临！', color: '#173177' },
  })
  const res = await WXAPI.sendTempleMsg({
    module: 'immediately', postJsonString, template_id: 'TPL_NODE', type: 0, token,
    url: 'pages/order-details/index?id=1',
  })
  assert.equal(res.code, 0, res.msg)
  assert.equal(typeof res.data.id, 'number')
  assert.equal(res.data.status, 'pending')
  // The outbox job sends it promptly (a new message wakes it).
  let got
  for (let i = 0; i < 100; i++) {
    const r = await sandboxFetch('/sandbox/wechat/control/messages?limit=1000')
    got = (await r.json()).messages.find(m => m.templateId === 'TPL_NODE')
    if (got) break
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  assert.ok(got, 'the sandbox received the message')
  assert.equal(got.data.character_string1.value, 'NODE-0001')
  assert.equal(got.page, 'pages/order-details/index?id=1')
})

test('sendTempleMsg refuses business triggers and bad data clearly', async () => {
  const { data: { token } } = await WXAPI.authorize({ code: 'code-node-tmpl-3' })
  const order = await WXAPI.sendTempleMsg({
    module: 'order', business_id: 1, trigger: -1, postJsonString: '{"thing1":{"value":"x"}}',
    template_id: 'TPL_NODE', type: 0, token,
  })
  assert.equal(order.code, 501)
  const bad = await WXAPI.sendTempleMsg({ module: 'immediately', postJsonString: 'nope', template_id: 'T', token })
  assert.equal(bad.code, 300)
  assert.match(bad.msg, /postJsonString/)
})
