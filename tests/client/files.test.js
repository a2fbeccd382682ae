// The file store: uploads through the client (uploadFile) and the adapter (uploadFileV2/V22/V3),
// downloads from a URL, and the listing.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { WXAPI, BASE_URL, fetchBytes } = require('./setup')

// A valid 1x1 RGBA PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64'
)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaodian-client-'))
test.after(() => fs.rmSync(dir, { recursive: true, force: true }))

function tempFile(name, bytes) {
  const file = path.join(dir, name)
  fs.writeFileSync(file, bytes)
  return file
}

function assertUpload(res) {
  assert.equal(res.code, 0, res.msg)
  assert.equal(typeof res.data.url, 'string')
  assert.ok(res.data.url.startsWith(BASE_URL + '/'), `url ${res.data.url} is an absolute URL of the shop`)
}

test('uploadFile stores a PNG that is served back byte for byte', async () => {
  const res = await WXAPI.uploadFile('', tempFile('pixel.png', PNG))
  assertUpload(res)
  const got = await fetchBytes(res.data.url)
  assert.equal(got.status, 200)
  assert.match(got.type, /^image\/png/)
  assert.deepEqual(got.bytes, PNG)

  const list = await WXAPI.uploadFileList('')
  assert.equal(list.code, 0, list.msg)
  assert.ok(Array.isArray(list.data))
  assert.ok(list.data.some((f) => f.url === res.data.url), 'the upload belongs to the shop')

  const v2 = await WXAPI.uploadFileListV2({})
  assert.equal(v2.code, 0, v2.msg)
  assert.ok(Array.isArray(v2.data.result))
  assert.equal(typeof v2.data.totalRow, 'number')
})

test('uploadFileV2 goes to the shop through the adapter', async () => {
  const res = await WXAPI.uploadFileV2('', tempFile('v2.png', PNG))
  assertUpload(res)
  const got = await fetchBytes(res.data.url)
  assert.deepEqual(got.bytes, PNG)
})

test('uploadFileV22 goes to the shop through the adapter', async () => {
  const res = await WXAPI.uploadFileV22('', tempFile('v22.png', PNG))
  assertUpload(res)
})

test('uploadFileV3 goes to the shop even when apiUrl names an apifm host', async () => {
  const res = await WXAPI.uploadFileV3({
    token: '',
    tempFilePath: tempFile('v3.png', PNG),
    apiUrl: 'https://dfs.apifm.com/upload2',
  })
  assertUpload(res)
})

test('a text file is refused with 415', async () => {
  const file = tempFile('notes.txt', 'hello, this is not a picture\n')
  const v1 = await WXAPI.uploadFile('', file)
  assert.equal(v1.code, 415)
  const v2 = await WXAPI.uploadFileV2('', file)
  assert.equal(v2.code, 415)
})

test('uploadFileFromUrl copies a file from a URL into the store', async () => {
  const up = await WXAPI.uploadFile('', tempFile('source.png', PNG))
  assertUpload(up)
  const res = await WXAPI.uploadFileFromUrl(up.data.url, 'png')
  assertUpload(res)
  assert.notEqual(res.data.url, up.data.url)
  const got = await fetchBytes(res.data.url)
  assert.deepEqual(got.bytes, PNG)
})

test('uploadFileFromUrlV2 refuses a URL that is not http(s) with 300', async () => {
  const res = await WXAPI.uploadFileFromUrlV2({ remoteFileUrl: 'ftp://x/y.png' })
  assert.equal(res.code, 300)
})
