// Verification codes and the accounts made without WeChat (mobile, username, e-mail), through the
// real client. The shop runs in sandbox mode, so codes go to the outbox; /sandbox/codes/latest
// hands them back. Every send uses its own target: one send per target per minute.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, sandboxFetch } = require('./setup')

/** The code the shop just "sent" to a mobile or e-mail (sandbox outbox). */
async function latestCode(target) {
  const res = await sandboxFetch(`/sandbox/codes/latest?target=${encodeURIComponent(target)}`)
  assert.equal(res.status, 200, `no code was sent to ${target}`)
  const body = await res.json()
  assert.match(body.code, /^\d{6}$/)
  return body.code
}

function notThe(code) {
  return code === '000000' ? '111111' : '000000'
}

test('a mobile account: code, register_mobile, then login_mobile and loginMobileV2 by password', async () => {
  const sent = await WXAPI.smsValidateCode('13700000001')
  assert.equal(sent.code, 0, sent.msg)
  const code = await latestCode('13700000001')
  const reg = await WXAPI.register_mobile({ mobile: '13700000001', code, pwd: 'client-secret', nick: '客户端', autoLogin: true })
  assert.equal(reg.code, 0, reg.msg)
  for (const key of ['token', 'uid', 'openid', 'mobile']) {
    assert.ok(key in reg.data, `${key} in ${JSON.stringify(reg.data)}`)
  }
  assert.equal(reg.data.mobile, '13700000001')
  assert.equal(reg.data.openid, '')

  const login = await WXAPI.login_mobile('13700000001', 'client-secret', 'device-1', 'node')
  assert.equal(login.code, 0, login.msg)
  assert.equal(login.data.uid, reg.data.uid)
  const v2 = await WXAPI.loginMobileV2({ mobile: '13700000001', pwd: 'client-secret' })
  assert.equal(v2.code, 0, v2.msg)
  const wrong = await WXAPI.login_mobile('13700000001', 'not-the-secret')
  assert.equal(wrong.code, 401)
  assert.equal(wrong.msg, '账号或密码错误')
  const again = await WXAPI.smsValidateCode('13700000001')
  assert.equal(again.code, 429)
  assert.match(again.msg, /秒后再试/)
})

test('smsValidateCodeCheck refuses a wrong code, takes the right one once', async () => {
  assert.equal((await WXAPI.smsValidateCode('13700000002')).code, 0)
  const code = await latestCode('13700000002')
  const wrong = await WXAPI.smsValidateCodeCheck('13700000002', notThe(code))
  assert.equal(wrong.code, 302)
  assert.match(wrong.msg, /还可以再试 4 次/)
  assert.equal((await WXAPI.smsValidateCodeCheck('13700000002', code)).code, 0)
  const used = await WXAPI.loginMobileSmsCode({ mobile: '13700000002', code, autoReg: true })
  assert.equal(used.code, 302)
})

test('loginMobileSmsCode registers an unknown number when autoReg is set', async () => {
  assert.equal((await WXAPI.smsValidateCode('13700000003', '', '')).code, 0)
  const code = await latestCode('13700000003')
  const res = await WXAPI.loginMobileSmsCode({ mobile: '13700000003', code, autoReg: true })
  assert.equal(res.code, 0, res.msg)
  assert.equal(res.data.mobile, '13700000003')
  const check = await WXAPI.checkToken(res.data.token)
  assert.equal(check.code, 0)
})

test('resetPwdUseMobileCode needs an account; the same code then registers one', async () => {
  assert.equal((await WXAPI.smsValidateCode('13700000005')).code, 0)
  const code = await latestCode('13700000005')
  const nobody = await WXAPI.resetPwdUseMobileCode('13700000005', 'new-secret', code)
  assert.equal(nobody.code, 404, nobody.msg)
  const reg = await WXAPI.register_mobile({ mobile: '13700000005', code, pwd: 'first-secret' })
  assert.equal(reg.code, 0, reg.msg)
  assert.equal(reg.data, null)
  const replay = await WXAPI.resetPwdUseMobileCode('13700000005', 'new-secret', code)
  assert.equal(replay.code, 302)
})

test('username accounts: register, login, bind, change passwords both ways', async () => {
  const reg = await WXAPI.register_username({ username: 'node_user', pwd: 'user-secret', autoLogin: true })
  assert.equal(reg.code, 0, reg.msg)
  const token = reg.data.token
  const taken = await WXAPI.register_username({ username: 'NODE_USER', pwd: 'user-secret' })
  assert.equal(taken.code, 409)
  const login = await WXAPI.login_username({ username: 'node_user', pwd: 'user-secret', deviceId: 'd', deviceName: 'n' })
  assert.equal(login.code, 0, login.msg)
  assert.equal(login.data.uid, reg.data.uid)

  const noMobile = await WXAPI.smsValidateCodeByToken(token)
  assert.equal(noMobile.code, 403)

  assert.equal((await WXAPI.bindUsername(token, 'node_user_2')).code, 0)
  const changed = await WXAPI.modifyUserPassword(token, 'user-secret', 'user-secret-2')
  assert.equal(changed.code, 0, changed.msg)
  assert.equal((await WXAPI.checkToken(token)).code, 0, 'the current token survives')
  const byName = await WXAPI.modifyUserPasswordByUserName({ username: 'node_user_2', pwdOld: 'user-secret-2', pwdNew: 'user-secret-3' })
  assert.equal(byName.code, 0, byName.msg)
  assert.equal((await WXAPI.checkToken(token)).code, 2000, 'every token ends')
  const relogin = await WXAPI.login_username({ username: 'node_user_2', pwd: 'user-secret-3' })
  assert.equal(relogin.code, 0, relogin.msg)

  // bindMobileSms with a password, then a mobile login.
  assert.equal((await WXAPI.smsValidateCode('13700000006')).code, 0)
  const code = await latestCode('13700000006')
  const bound = await WXAPI.bindMobileSms(relogin.data.token, '13700000006', code, 'mobile-secret')
  assert.equal(bound.code, 0, bound.msg)
  const byMobile = await WXAPI.login_mobile('13700000006', 'mobile-secret')
  assert.equal(byMobile.data.uid, reg.data.uid)
})

test('e-mail accounts: mail codes, register_email, login_email, bindEmail, resetPwdUseEmailCode', async () => {
  assert.equal((await WXAPI.mailValidateCode('node@example.com')).code, 0)
  const code = await latestCode('node@example.com')
  assert.equal((await WXAPI.mailValidateCodeCheck('node@example.com', notThe(code))).code, 302)
  const reg = await WXAPI.register_email({ email: 'node@example.com', code, pwd: 'mail-secret', autoLogin: true })
  assert.equal(reg.code, 0, reg.msg)
  const login = await WXAPI.login_email({ email: 'NODE@example.com', pwd: 'mail-secret' })
  assert.equal(login.code, 0, login.msg)
  assert.equal(login.data.uid, reg.data.uid)
  const reset = await WXAPI.resetPwdUseEmailCode('node@example.com', 'mail-secret-2', code)
  assert.equal(reset.code, 302, 'the code was used by the registration')

  const other = await WXAPI.register_username({ username: 'mail_binder', pwd: 'binder-secret', autoLogin: true })
  assert.equal((await WXAPI.mailValidateCode('binder@example.com')).code, 0)
  const code2 = await latestCode('binder@example.com')
  const bound = await WXAPI.bindEmail(other.data.token, 'binder@example.com', code2)
  assert.equal(bound.code, 0, bound.msg)
  const byMail = await WXAPI.login_email({ email: 'binder@example.com', pwd: 'binder-secret' })
  assert.equal(byMail.data.uid, other.data.uid)
})
