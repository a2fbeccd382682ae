// Customer service through the real client: a shopper logs in with WXAPI.authorize and sets a
// nickname with modifyUserInfoV2, writes to customer service (the sandbox pushes the signed message
// to /wechat/callback as WeChat would), and the merchant answers from the console inbox; the
// sandbox records what the shopper would have received.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, BASE_URL, sandboxFetch } = require('./setup')

/** A console browser: keeps cookies, does not follow redirects. */
class Console {
  constructor() {
    this.jar = new Map()
  }

  keep(res) {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0]
      const at = pair.indexOf('=')
      const name = pair.slice(0, at)
      const value = pair.slice(at + 1)
      if (!value || /max-age=0/i.test(line)) this.jar.delete(name)
      else this.jar.set(name, value)
    }
  }

  async call(path, init = {}) {
    const headers = { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(init.headers || {}) }
    const res = await fetch(BASE_URL + path, { ...init, headers, redirect: 'manual' })
    this.keep(res)
    return { status: res.status, body: await res.text() }
  }

  get(path) {
    return this.call(path)
  }

  post(path, form) {
    return this.call(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    })
  }

  static async signedIn() {
    const c = new Console()
    const login = await c.get('/admin/login')
    const res = await c.post('/admin/login', {
      username: 'admin', password: 'test-admin-password', csrf: csrfOf(login.body), next: '/admin',
    })
    assert.equal(res.status, 303, res.body)
    return c
  }
}

function csrfOf(html) {
  const m = html.match(/name="csrf" value="([^"]+)"/)
  assert.ok(m, 'the page has a csrf field')
  return m[1]
}

/** POSTs JSON to a sandbox control route as the merchant. */
async function postJson(path, body) {
  const res = await sandboxFetch(path, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  })
  return res.json()
}

test('kefu: a shopper writes, the merchant answers from the console inbox', async () => {
  const auth = await WXAPI.authorize({ code: 'code-node-kefu' })
  assert.equal(auth.code, 0, auth.msg)
  const mod = await WXAPI.modifyUserInfoV2({ token: auth.data.token, nick: '客服顾客' })
  assert.equal(mod.code, 0, mod.msg)

  const admin = await Console.signedIn()
  const wechat = await admin.get('/admin/wechat')
  assert.match(wechat.body, /\/wechat\/callback/)
  const saved = await admin.post('/admin/wechat/push', {
    csrf: csrfOf(wechat.body), token: 'nodeKefuToken', aes_key: '', format: 'json',
  })
  assert.equal(saved.status, 303)

  const pushed = await postJson('/sandbox/wechat/control/kefu-push', { code: 'code-node-kefu', content: '我的快递到哪了' })
  assert.equal(pushed.status, 200, JSON.stringify(pushed))
  assert.equal(pushed.answer, 'success')

  const inbox = await admin.get('/admin/kefu?q=' + encodeURIComponent('客服顾客'))
  assert.match(inbox.body, /我的快递到哪了/)
  const thread = await admin.get('/admin/kefu/' + pushed.openid)
  assert.equal(thread.status, 200)
  const sent = await admin.post('/admin/kefu/' + pushed.openid + '/text', { csrf: csrfOf(thread.body), content: '已经在路上了' })
  assert.equal(sent.status, 303)
  const after = await admin.get('/admin/kefu/' + pushed.openid)
  assert.match(after.body, /已发送/)

  const received = await (await sandboxFetch('/sandbox/wechat/control/kefu-sent?openid=' + pushed.openid)).json()
  assert.deepEqual(received.map(m => m.text && m.text.content), ['已经在路上了'])
})
