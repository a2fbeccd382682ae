// Mini-program codes, QR codes and live rooms through the real client: wxaQrcode and
// commonQrcode (oss host), wxaMpLiveRooms and wxaMpLiveRoomHisVedios (common host).

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI, BASE_URL, fetchBytes, sandboxFetch } = require('./setup')

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

async function sandboxCalls(what) {
  const res = await sandboxFetch(`/sandbox/wechat/control/record?what=${what}`)
  return (await res.json()).total
}

test('wxaQrcode answers an image URL, and the same code is not asked of WeChat twice', async () => {
  const params = {
    scene: 'inviter_id=42',
    page: 'pages/index/index',
    is_hyaline: true,
    autoColor: true,
    expireHours: 1,
  }
  const before = await sandboxCalls('getwxacodeunlimit')
  const res = await WXAPI.wxaQrcode(params)
  assert.equal(res.code, 0, res.msg)
  assert.equal(typeof res.data, 'string')
  assert.ok(res.data.startsWith(`${BASE_URL}/uploads/`), res.data)
  const img = await fetchBytes(res.data)
  assert.equal(img.status, 200)
  assert.deepEqual(img.bytes.subarray(0, 8), PNG_MAGIC)

  const again = await WXAPI.wxaQrcode(params)
  assert.equal(again.data, res.data)
  assert.equal(await sandboxCalls('getwxacodeunlimit'), before + 1)
})

test('wxaQrcode for a page not released answers 41030, as the templates expect', async () => {
  const res = await WXAPI.wxaQrcode({ scene: '1', page: 'pages/not-yet/index' })
  assert.equal(res.code, 41030)
  assert.match(res.msg, /pages\/not-yet\/index/)
  const test = await WXAPI.wxaQrcode({ scene: '1', page: 'pages/not-yet/index', check_path: false, env_version: 'trial' })
  assert.equal(test.code, 0, test.msg)
})

test('wxaQrcode with a bad width answers 300 naming it', async () => {
  const res = await WXAPI.wxaQrcode({ scene: '1', width: 2000 })
  assert.equal(res.code, 300)
  assert.match(res.msg, /width/)
})

test('commonQrcode draws a QR code of any text', async () => {
  const res = await WXAPI.commonQrcode({ content: 'https://example.com/pay?id=7', width: 240 })
  assert.equal(res.code, 0, res.msg)
  const img = await fetchBytes(res.data)
  assert.equal(img.status, 200)
  assert.deepEqual(img.bytes.subarray(0, 8), PNG_MAGIC)
  // PNG IHDR: width and height at bytes 16..24.
  assert.equal(img.bytes.readUInt32BE(16), 240)
  const missing = await WXAPI.commonQrcode({ width: 240 })
  assert.equal(missing.code, 300)
})

test('wxaMpLiveRooms lists rooms in WeChat field names, and replays by room', async () => {
  const rooms = await WXAPI.wxaMpLiveRooms()
  assert.equal(rooms.code, 0, rooms.msg)
  assert.ok(Array.isArray(rooms.data) && rooms.data.length > 0)
  const room = rooms.data[0]
  assert.equal(typeof room.roomid, 'number')
  assert.equal(typeof room.name, 'string')
  assert.equal(typeof room.live_status, 'number')
  assert.equal(typeof room.start_time, 'number')
  const his = await WXAPI.wxaMpLiveRoomHisVedios(room.roomid)
  assert.equal(his.code, 0, his.msg)
  assert.equal(typeof his.data[0].media_url, 'string')
  const none = await WXAPI.wxaMpLiveRoomHisVedios()
  assert.equal(none.code, 300)
})
