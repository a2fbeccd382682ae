// A small stand-in for the WeChat runtime's `wx.request` and `wx.uploadFile`, over Node's fetch.
//
// It serialises like WeChat does: GET data goes in the query string; POST data with the form
// content type becomes `k=v&...` (each value through String(), so nested objects are NOT
// JSON-encoded — the client JSON-encodes such values itself). `data` in the answer is the parsed
// JSON body (text when it is not JSON); uploadFile's `data` stays a string, as in WeChat.

'use strict'

const fs = require('node:fs')
const path = require('node:path')

/** `k=v&...` from a data object, skipping undefined and null values. */
function encodeForm(data) {
  if (data === undefined || data === null) return ''
  if (typeof data === 'string') return data
  const pairs = []
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined || v === null) continue
    pairs.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(v)))
  }
  return pairs.join('&')
}

function headersObject(headers) {
  const out = {}
  headers.forEach((v, k) => {
    out[k] = v
  })
  return out
}

function finish(promise, { success, fail, complete }) {
  promise
    .then(
      (res) => success && success(res),
      (err) => fail && fail({ errMsg: 'request:fail ' + (err && err.message ? err.message : String(err)), error: err })
    )
    .finally(() => complete && complete())
}

/** wx.request({url, method, data, header, success, fail, complete}) */
function request(options) {
  const method = String(options.method || 'GET').toUpperCase()
  const header = Object.assign({}, options.header || {})
  let url = options.url
  let body
  if (method === 'GET' || method === 'HEAD') {
    const query = encodeForm(options.data)
    if (query) url += (url.includes('?') ? '&' : '?') + query
  } else {
    const type = Object.keys(header).find((k) => k.toLowerCase() === 'content-type')
    if (type && String(header[type]).includes('json')) {
      body = typeof options.data === 'string' ? options.data : JSON.stringify(options.data || {})
    } else {
      body = encodeForm(options.data)
    }
  }
  const run = async () => {
    const res = await fetch(url, { method, headers: header, body })
    const text = await res.text()
    let data = text
    try {
      data = JSON.parse(text)
    } catch (_) {
      // WeChat hands over the text when the body is not JSON.
    }
    return { data, statusCode: res.status, header: headersObject(res.headers), errMsg: 'request:ok' }
  }
  finish(run(), options)
}

/** wx.uploadFile({url, filePath, name, formData, header, success, fail, complete}) */
function uploadFile(options) {
  const run = async () => {
    const bytes = await fs.promises.readFile(options.filePath)
    const form = new FormData()
    for (const [k, v] of Object.entries(options.formData || {})) {
      if (v === undefined || v === null) continue
      form.append(k, String(v))
    }
    // No type: WeChat sends the file as a plain octet stream, the server has to look at the bytes.
    form.append(options.name || 'file', new Blob([bytes]), path.basename(options.filePath))
    const res = await fetch(options.url, { method: 'POST', headers: options.header || {}, body: form })
    const text = await res.text()
    return { data: text, statusCode: res.status, errMsg: 'uploadFile:ok' }
  }
  finish(run(), options)
}

/** wx.*StorageSync over a Map: empty at start, like a fresh install of the mini-program. */
const stored = new Map()
const storage = {
  getStorageSync: (key) => (stored.has(key) ? stored.get(key) : ''),
  setStorageSync: (key, value) => void stored.set(key, value),
  removeStorageSync: (key) => void stored.delete(key),
  clearStorageSync: () => stored.clear(),
}

/** Installs `global.wx` (request, uploadFile and the synchronous storage calls). */
function install() {
  global.wx = Object.assign(global.wx || {}, { request, uploadFile })
  Object.assign(global.wx, storage)
  return global.wx
}

module.exports = { install, request, uploadFile, encodeForm }
