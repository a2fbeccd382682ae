// WeChat login, the shopper's account and shipping addresses through the real client.
// The suite's xiaodian runs in WeChat sandbox mode: a login code stands for a stable openid.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI } = require('./setup')

test('login_wx answers 10000 until authorize registers the openid', async () => {
  const code = 'code-node-login-1'
  const before = await WXAPI.login_wx(code)
  assert.equal(before.code, 10000, before.msg)
  assert.equal(typeof before.msg, 'string')

  const auth = await WXAPI.authorize({ code, referrer: '' })
  assert.equal(auth.code, 0, auth.msg)
  assert.equal(typeof auth.data.token, 'string')
  assert.equal(typeof auth.data.uid, 'number')

  const after = await WXAPI.login_wx(code)
  assert.equal(after.code, 0, after.msg)
  assert.equal(after.data.uid, auth.data.uid)
  assert.equal(typeof after.data.openid, 'string')
  assert.equal(after.data.mobile, '')

  const service = await WXAPI.wxappServiceLogin({ code })
  assert.equal(service.code, 0, service.msg)
  assert.equal(service.data.uid, auth.data.uid)
})

test('checkToken, userDetail, modifyUserInfoV2 and loginout', async () => {
  const auth = await WXAPI.authorize({ code: 'code-node-login-2' })
  const token = auth.data.token
  assert.equal((await WXAPI.checkToken(token)).code, 0)

  const detail = await WXAPI.userDetail(token)
  assert.equal(detail.code, 0, detail.msg)
  assert.equal(detail.data.base.id, auth.data.uid)
  assert.equal(detail.data.base.nick, '')
  assert.equal(typeof detail.data.userLevel, 'object')
  assert.notEqual(detail.data.userLevel, null)

  const mod = await WXAPI.modifyUserInfoV2({ token, nick: '节点', gender: 2, avatarUrl: 'https://img.example.com/n.png' })
  assert.equal(mod.code, 0, mod.msg)
  const again = await WXAPI.userDetail(token)
  assert.equal(again.data.base.nick, '节点')
  assert.equal(again.data.base.gender, 2)

  const wx = await WXAPI.userWxinfo(token)
  assert.equal(wx.code, 0, wx.msg)
  assert.equal(typeof wx.data.openid, 'string')
  assert.equal(JSON.stringify(wx).includes('session'), false)

  assert.equal((await WXAPI.loginout(token)).code, 0)
  assert.equal((await WXAPI.checkToken(token)).code, 2000)
  assert.equal((await WXAPI.userDetail(token)).code, 2000)
})

test('phone number login and binding through button codes', async () => {
  const code = 'code-node-login-3'
  const refused = await WXAPI.loginWxaMobileV3({ code, codeMobile: 'phone-13512345678' })
  assert.equal(refused.code, 10000, refused.msg)
  const login = await WXAPI.loginWxaMobileV3({ code, codeMobile: 'phone-13512345678x', autoReg: true, referrer: '' })
  assert.equal(login.code, 0, login.msg)
  assert.equal(login.data.mobile, '13512345678')

  const other = await WXAPI.authorize({ code: 'code-node-login-4' })
  const taken = await WXAPI.bindMobileWxappV2(other.data.token, 'again-13512345678')
  assert.equal(taken.code, 409, taken.msg)
  const bound = await WXAPI.bindMobileWxappV2(other.data.token, 'own-13512340000')
  assert.equal(bound.code, 0, bound.msg)
})

test('shipping addresses: add, default, list, update, delete', async () => {
  const { data: { token } } = await WXAPI.authorize({ code: 'code-node-address' })
  assert.equal((await WXAPI.defaultAddress(token)).code, 700)
  assert.equal((await WXAPI.queryAddressV2({ token })).code, 700)

  const first = await WXAPI.addAddress({
    token, linkMan: '张三', mobile: '13800138000', provinceId: '440000', cityId: '440300', districtId: '440305',
    address: '科技园 1 号', code: '518000',
  })
  assert.equal(first.code, 0, first.msg)
  const second = await WXAPI.addAddress({
    token, linkMan: '李四', mobile: '13900139000', provinceId: '110000', cityId: '110100', districtId: '110105',
    address: '朝阳路 2 号', isDefault: 'true',
  })
  assert.equal(second.code, 0, second.msg)

  const def = await WXAPI.defaultAddress(token)
  assert.equal(def.code, 0, def.msg)
  assert.equal(def.data.info.linkMan, '李四')
  assert.equal(def.data.info.cityId, '110100')

  const list = await WXAPI.queryAddressV2({ token })
  assert.equal(list.code, 0, list.msg)
  assert.equal(list.data.result.length, 2)
  assert.equal(list.data.totalRow, 2)

  const upd = await WXAPI.updateAddress({ token, id: first.data.id, isDefault: 'true' })
  assert.equal(upd.code, 0, upd.msg)
  const detail = await WXAPI.addressDetail(token, first.data.id)
  assert.equal(detail.data.info.isDefault, true)
  assert.equal(detail.data.info.address, '科技园 1 号')

  const bad = await WXAPI.addAddress({ token, linkMan: '王五', mobile: '123', provinceId: '440000', cityId: '440300', address: 'x' })
  assert.equal(bad.code, 300)
  assert.match(bad.msg, /mobile/)

  assert.equal((await WXAPI.deleteAddress(token, first.data.id)).code, 0)
  assert.equal((await WXAPI.deleteAddress(token, second.data.id)).code, 0)
  assert.equal((await WXAPI.queryAddressV2({ token })).code, 700)
})
