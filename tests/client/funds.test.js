// Money pages through the real client: withdrawals, deposits, pay-bill and invoices with their
// wire names (money, amount, calculate, comName, tfn...), the 40000 a short balance answers with
// the amount due as a number, 700 for empty lists, and an invoice asked for and read back.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI } = require('./setup')

async function shopper(code) {
  const login = await WXAPI.authorize({ code })
  assert.equal(login.code, 0, login.msg)
  return login.data.token
}

test('a withdrawal or a deposit above the balance answers 40000 with the amount due', async () => {
  const token = await shopper('code-node-funds-1')
  const v1 = await WXAPI.withDrawApply(token, 12.5)
  assert.equal(v1.code, 40000, JSON.stringify(v1))
  assert.equal(v1.data, 12.5)
  const v2 = await WXAPI.withDrawApplyV2({ token, money: '3' })
  assert.equal(v2.code, 40000, JSON.stringify(v2))
  const bad = await WXAPI.withDrawApplyV2({ token, money: 'abc' })
  assert.equal(bad.code, 300)
  assert.match(bad.msg, /money/)
  assert.equal((await WXAPI.withDrawLogs({ token, page: 1, pageSize: 50 })).code, 700)
  assert.equal((await WXAPI.withDrawLogsV2({ token, page: 1 })).code, 700)
  assert.equal((await WXAPI.withDrawDetail(token, 1)).code, 404)

  const deposit = await WXAPI.payDeposit({ token, amount: 80 })
  assert.equal(deposit.code, 40000, JSON.stringify(deposit))
  assert.equal(deposit.data, 80)
  assert.equal((await WXAPI.payDepositV2({ token, amount: 80 })).code, 40000)
  assert.equal((await WXAPI.depositList({ token, page: 1, pageSize: 50 })).code, 700)
  assert.equal((await WXAPI.depositListV2({ token, page: 1 })).code, 700)
  assert.equal((await WXAPI.depositInfo(token, 1)).code, 404)
  assert.equal((await WXAPI.depositBackApply(token, 1)).code, 404)
  assert.equal((await WXAPI.withDrawApply('not-a-token', 1)).code, 2000)
})

test('payBillV2 prices a bill (calculate) and refuses to pay it without balance', async () => {
  const token = await shopper('code-node-funds-2')
  const rules = await WXAPI.payBillDiscounts()
  assert.ok(rules.code === 0 || rules.code === 700, JSON.stringify(rules))
  const quote = await WXAPI.payBillV2({ token, money: 88.8, calculate: true })
  assert.equal(quote.code, 0, quote.msg)
  assert.equal(typeof quote.data.realMoney, 'number')
  assert.ok(quote.data.realMoney <= 88.8)
  const pay = await WXAPI.payBill(token, 88.8)
  assert.equal(pay.code, 40000, JSON.stringify(pay))
  assert.equal(pay.data, quote.data.realMoney)
  assert.equal((await WXAPI.payBillV2({ token, money: '-1' })).code, 300)
})

test('invoiceApply records a request that invoiceList and invoiceDetail read back', async () => {
  const token = await shopper('code-node-funds-3')
  assert.equal((await WXAPI.invoiceList({ token, page: 1, pageSize: 20 })).code, 700)
  const applied = await WXAPI.invoiceApply({
    token,
    comName: '杭州小店科技有限公司',
    tfn: '91330100MA2XXXXX0A',
    amount: 120,
    consumption: '办公用品',
    remark: '请尽快开具',
    email: 'finance@example.com',
    extJsonStr: JSON.stringify({ 地址与电话: '杭州 0571-00000000' }),
  })
  assert.equal(applied.code, 0, applied.msg)
  const list = await WXAPI.invoiceList({ token, page: 1, pageSize: 20 })
  assert.equal(list.code, 0, list.msg)
  assert.equal(list.data.totalRow, 1)
  const row = list.data.result[0]
  assert.equal(row.comName, '杭州小店科技有限公司')
  assert.equal(row.amount, 120)
  assert.equal(row.status, 0)
  assert.equal(row.email, 'finance@example.com')
  assert.equal(typeof row.dateAdd, 'string')
  const detail = await WXAPI.invoiceDetail(token, row.id)
  assert.equal(detail.code, 0, detail.msg)
  assert.equal(detail.data.consumption, '办公用品')
  assert.equal(detail.data.statusStr, '待开票')
  const noTfn = await WXAPI.invoiceApply({ token, comName: '某公司', amount: 1 })
  assert.equal(noTfn.code, 300)
  assert.match(noTfn.msg, /tfn/)
})
