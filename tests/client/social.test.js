// Friends, follows, inbox messages, checkReferrer and idcardCheck through the real client.
// Shoppers log in with WXAPI.authorize (the suite's xiaodian runs in WeChat sandbox mode, where a
// login code stands for a stable openid); messages are sent from the console like a merchant would.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, BASE_URL } = require('./setup')

/** Logs a shopper in through the client and gives them a nickname; {uid, token}. */
async function shopper(code, nick) {
  const auth = await WXAPI.authorize({ code })
  assert.equal(auth.code, 0, auth.msg)
  const mod = await WXAPI.modifyUserInfoV2({ token: auth.data.token, nick })
  assert.equal(mod.code, 0, mod.msg)
  return { uid: auth.data.uid, token: auth.data.token }
}

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

test('friends: added both ways, detail for friends only, deleted', async () => {
  const a = await shopper('code-node-social-1', '社交甲')
  const b = await shopper('code-node-social-2', '社交乙')

  const added = await WXAPI.addFriend(a.token, b.uid)
  assert.equal(added.code, 0, added.msg)
  assert.equal(added.data.uid, b.uid)
  assert.equal(added.data.nick, '社交乙')
  assert.equal(typeof added.data.dateAdd, 'string')
  assert.equal((await WXAPI.addFriend(a.token, b.uid)).code, 0, 'adding again is fine')

  const theirs = await WXAPI.friendList({ token: b.token, page: 1, pageSize: 10 })
  assert.equal(theirs.code, 0, theirs.msg)
  assert.deepEqual(theirs.data.result.map(f => f.uid), [a.uid])
  assert.equal(theirs.data.totalRow, 1)
  assert.equal(theirs.data.result[0].nick, '社交甲')

  const detail = await WXAPI.friendUserDetail(a.token, b.uid)
  assert.equal(detail.code, 0, detail.msg)
  assert.equal(detail.data.nick, '社交乙')
  assert.equal(typeof detail.data.gender, 'number')
  assert.equal('mobile' in detail.data, false)

  assert.equal((await WXAPI.deleteFriend(b.token, a.uid)).code, 0)
  assert.equal((await WXAPI.friendUserDetail(a.token, b.uid)).code, 403)
  assert.equal((await WXAPI.friendList({ token: a.token })).code, 700)

  const self = await WXAPI.addFriend(a.token, a.uid)
  assert.equal(self.code, 300)
  assert.match(self.msg, /uid/)
  assert.equal((await WXAPI.addFriend(a.token, 99999999)).code, 404)
  assert.equal((await WXAPI.friendList({})).code, 2000)
})

test('follows: idempotent, checked, listed and counted', async () => {
  const a = await shopper('code-node-social-3', '关注者')
  const b = await shopper('code-node-social-4', '被关注者')

  assert.equal((await WXAPI.userAttentionAdd(a.token, b.uid)).code, 0)
  assert.equal((await WXAPI.userAttentionAdd(a.token, b.uid)).code, 0)
  assert.equal((await WXAPI.userAttentioncheck(a.token, b.uid)).code, 0)
  assert.equal((await WXAPI.userAttentioncheck(b.token, a.uid)).code, -1)

  const stats = await WXAPI.userAttentionStatistics(a.token)
  assert.equal(stats.code, 0, stats.msg)
  assert.deepEqual(stats.data, { myAttentionCount: 1, attentionMeCount: 0 })
  assert.deepEqual((await WXAPI.userAttentionStatistics(b.token)).data, { myAttentionCount: 0, attentionMeCount: 1 })

  const mine = await WXAPI.userMyAttentionList({ token: a.token })
  assert.equal(mine.code, 0, mine.msg)
  assert.deepEqual(mine.data.result.map(u => [u.uid, u.nick, u.mutual]), [[b.uid, '被关注者', false]])
  const fans = await WXAPI.userAttentionMeList({ token: b.token, page: 1, pageSize: 20 })
  assert.equal(fans.code, 0, fans.msg)
  assert.deepEqual(fans.data.result.map(u => u.uid), [a.uid])

  const card = await WXAPI.userAttentionDetail(a.token, b.uid)
  assert.equal(card.code, 0, card.msg)
  assert.equal(card.data.attentionMeCount, 1)
  assert.equal(card.data.isAttention, true)

  assert.equal((await WXAPI.userAttentionRemove(a.token, b.uid)).code, 0)
  assert.equal((await WXAPI.userAttentionRemove(a.token, b.uid)).code, 0)
  assert.deepEqual((await WXAPI.userAttentionStatistics(b.token)).data, { myAttentionCount: 0, attentionMeCount: 0 })
  assert.equal((await WXAPI.userAttentionAdd(a.token, a.uid)).code, 300)
  assert.equal((await WXAPI.userAttentionStatistics('')).code, 2000)
})

test('messages sent from the console reach the inbox, are read and deleted', async () => {
  const a = await shopper('code-node-social-5', '收信人')
  const other = await shopper('code-node-social-6', '旁人')
  const c = await Console.signedIn()
  const form = await c.get('/admin/messages/new')
  const sent = await c.post('/admin/messages/new', {
    csrf: csrfOf(form.body), to: 'one', uid: String(a.uid), title: '您有一张新优惠券', content: '满100减10', kind: 'coupon',
  })
  assert.equal(sent.status, 303, sent.body)

  const inbox = await WXAPI.messageList({ token: a.token, page: 1, pageSize: 20 })
  assert.equal(inbox.code, 0, inbox.msg)
  assert.equal(inbox.data.totalRow, 1)
  const m = inbox.data.result[0]
  assert.equal(m.title, '您有一张新优惠券')
  assert.equal(m.content, '满100减10')
  assert.equal(m.type, 'coupon')
  assert.equal(m.isRead, false)

  assert.equal((await WXAPI.messageRead(other.token, m.id)).code, 404)
  const read = await WXAPI.messageRead(a.token, m.id)
  assert.equal(read.code, 0, read.msg)
  assert.equal(read.data.isRead, true)
  assert.equal((await WXAPI.messageList({ token: a.token, isRead: false })).code, 700)
  assert.equal((await WXAPI.messageList({ token: a.token, isRead: true })).data.result[0].id, m.id)

  assert.equal((await WXAPI.messageDelete(other.token, m.id)).code, 404)
  assert.equal((await WXAPI.messageDelete(a.token, m.id)).code, 0)
  assert.equal((await WXAPI.messageDelete(a.token, m.id)).code, 404)
  assert.equal((await WXAPI.messageList({ token: a.token })).code, 700)
  assert.equal((await WXAPI.messageList({})).code, 2000)
})

test('checkReferrer answers 0 or 700; idcardCheck validates, then says it is not offered', async () => {
  const a = await shopper('code-node-social-7', '邀请人')
  assert.equal((await WXAPI.checkReferrer(a.uid)).code, 0)
  const wrong = await WXAPI.checkReferrer(99999999)
  assert.equal(wrong.code, 700)
  assert.equal(wrong.msg, '邀请码错误')

  const checked = await WXAPI.idcardCheck(a.token, '张三', '11010519491231002X')
  assert.equal(checked.code, 501)
  assert.equal(checked.msg, '实名认证需要配置认证服务商，本店暂未开通')
  const bad = await WXAPI.idcardCheck(a.token, '张三', '110105194912310021')
  assert.equal(bad.code, 300)
  assert.match(bad.msg, /idCardNo/)
  assert.equal((await WXAPI.idcardCheck('', '张三', '11010519491231002X')).code, 2000)
})
