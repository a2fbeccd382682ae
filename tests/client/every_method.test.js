// The whole client: every function apifm-wxapi exports is called once through the shipped adapter,
// logged in, with arguments made from its parameter names. None may answer the unknown-path 404, a
// 5xx, something that is not the {code, data, msg} envelope, or a refusal without a message. The
// tally says how many answered, refused with a message, or are modules this shop does not serve.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { WXAPI, BASE_URL, SUB_DOMAIN } = require('./setup')

// The client's paths as the server reads them (src/api/modules.rs): rewritten from what this walk
// sees the client send when XIAODIAN_WRITE_CLIENT_METHODS=1, checked against it otherwise.
const METHODS_TSV = path.join(__dirname, '..', '..', 'src', 'api', 'client_methods.tsv')
const TSV_HEADER = [
  "# The apifm-wxapi client's HTTP methods (the version pinned in tests/client/package-lock.json): name, verb,",
  '# whether the path follows the subDomain (sub) or not (root), and the path as the shipped adapter sends it.',
  '# src/api/modules.rs reads it to tell a method of a module this shop does not serve from a typo.',
  '# Written by the whole-client walk: XIAODIAN_WRITE_CLIENT_METHODS=1 node --test tests/client/every_method.test.js',
]

// The client's own set-up functions, and wx.compressImage's wrapper: they send no request.
const SET_UP = new Set(['init', 'init2', 'init3', 'setMerchantId', 'request', 'compressImage'])
// Calls that end the session run last, so the others stay logged in.
const LAST = /^(loginout|userDelete)$/

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64'
)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaodian-walk-'))
test.after(() => fs.rmSync(dir, { recursive: true, force: true }))
const picture = path.join(dir, 'walk.png')
fs.writeFileSync(picture, PNG)

/** The parameter names of a client function, from its source text. */
function parameterNames(fn) {
  const text = fn.toString()
  const arrow = text.indexOf('=>')
  let head = text.slice(0, arrow >= 0 ? arrow : text.indexOf('{')).trim()
  head = head.replace(/^function\s*[\w$]*\s*/, '').replace(/^\(/, '').replace(/\)$/, '')
  const names = []
  let depth = 0
  let current = ''
  for (const ch of head) {
    if ('({['.includes(ch)) depth++
    if (')}]'.includes(ch)) depth--
    if (ch === ',' && depth === 0) {
      names.push(current)
      current = ''
    } else current += ch
  }
  names.push(current)
  return names.map((n) => n.split('=')[0].trim()).filter(Boolean)
}

/** A plausible argument for a parameter, by its name. */
function argument(name, ctx) {
  const n = name.toLowerCase()
  if (n === 'token' || n === '_token') return ctx.token
  if (n.includes('filepath') || n === 'tempfilepath') return picture
  if (n === 'url') return '/pay/wx/wxapp'
  if (n.includes('url')) return ctx.pictureUrl
  if (n === 'mobile') return '19912345678'
  if (n === 'email') return 'whole-client-walk@example.com'
  if (n === 'method') return 'get'
  if (n === 'page') return 1
  if (n === 'pagesize') return 10
  if (n.endsWith('array') || n === 'items') return [ctx.goodsId]
  if (n.endsWith('id') || n.endsWith('ids')) return ctx.goodsId
  if (n === 'type' || n === 'ext' || n === 'expirehours') return ''
  if (['data', 'object', 'obj', 'params', 'postdata', 'd', 'e', 'res'].includes(n)) return { ...ctx.object }
  return '1'
}

function isEnvelope(res) {
  return res !== null && typeof res === 'object' && typeof res.code === 'number' && typeof res.msg === 'string'
}

test('every method of the client answers (no unknown path, no 5xx, always an envelope with a message)', async () => {
  const login = await WXAPI.authorize({ code: 'code-whole-client-walk' })
  assert.equal(login.code, 0, login.msg)
  const token = login.data.token
  const goods = await WXAPI.goodsv2({ page: 1, pageSize: 1 })
  assert.equal(goods.code, 0, goods.msg)
  const goodsId = goods.data.result[0].id
  const upload = await WXAPI.uploadFile(token, picture)
  assert.equal(upload.code, 0, upload.msg)
  const ctx = {
    token,
    goodsId,
    pictureUrl: upload.data.url,
    object: { token, id: goodsId, goodsId, page: 1, pageSize: 10, tempFilePath: picture },
  }

  // What each function sends, seen below the adapter.
  const sent = []
  let calling = ''
  const wx = global.wx
  const record = (send) => (options) => {
    sent.push({ name: calling, verb: String(options.method || 'POST').toUpperCase(), url: options.url })
    return send(options)
  }
  const [request, uploadFile] = [wx.request, wx.uploadFile]
  wx.request = record(request)
  wx.uploadFile = record(uploadFile)
  test.after(() => Object.assign(wx, { request, uploadFile }))

  const names = Object.keys(WXAPI)
    .filter((k) => typeof WXAPI[k] === 'function' && !SET_UP.has(k))
    .sort((a, b) => Number(LAST.test(a)) - Number(LAST.test(b)) || a.localeCompare(b))
  assert.ok(names.length > 900, `the client exports ${names.length} functions`)

  const tally = { answers: 0, refuses: 0, notConnected: 0, notOffered: 0, notYet: 0, other501: 0, local: 0 }
  const failures = []
  const clientThrows = []
  for (const name of names) {
    const args = parameterNames(WXAPI[name]).map((p) => argument(p, ctx))
    let res
    calling = name
    try {
      res = WXAPI[name](...args)
    } catch (e) {
      clientThrows.push(`${name}: ${e.message}`)
      continue
    }
    if (!res || typeof res.then !== 'function') {
      tally.local++ // builds a URL or reads storage: no request
      continue
    }
    try {
      res = await res
    } catch (e) {
      failures.push(`${name}: the request failed: ${e && (e.errMsg || e.message)}`)
      continue
    }
    if (typeof res === 'string') {
      try {
        res = JSON.parse(res) // wx.uploadFile hands over the body as text
      } catch (_) {
        // stays a string: not an envelope
      }
    }
    if (!isEnvelope(res)) {
      failures.push(`${name}: not an envelope: ${JSON.stringify(res).slice(0, 120)}`)
    } else if (res.code === 404 && res.msg.startsWith('接口不存在')) {
      failures.push(`${name}: unknown path: ${res.msg}`)
    } else if (res.code >= 500 && res.code < 600 && res.code !== 501) {
      failures.push(`${name}: ${res.code} ${res.msg}`)
    } else if (res.code !== 0 && !res.msg.trim()) {
      failures.push(`${name}: code ${res.code} without a message`)
    } else if (res.code === 0) {
      tally.answers++
    } else if (res.code === 501) {
      const state = res.data && res.data.state
      if (state in tally) tally[state]++
      else tally.other501++
    } else {
      tally.refuses++
    }
  }
  console.log(
    `whole client: ${names.length} functions — ${tally.answers} answer, ${tally.refuses} refuse with a message, ` +
      `501: ${tally.notConnected} not connected, ${tally.notOffered} not offered, ${tally.notYet} not yet, ` +
      `${tally.other501} other; ${tally.local} make no request; ${clientThrows.length} throw in the client`
  )
  if (clientThrows.length) console.log(`thrown inside the client (arguments it could not use):\n  ${clientThrows.join('\n  ')}`)
  checkMethodList(sent, names)
  assert.deepEqual(failures, [], `methods that do not answer properly:\n${failures.join('\n')}`)
})

/** `{sub, path}` of a URL the adapter sent, with the client's placeholders put back. */
function clientPath(url) {
  let p = new URL(url).pathname
  const sub = p.startsWith(`/${SUB_DOMAIN}/`)
  if (sub) p = p.slice(SUB_DOMAIN.length + 1)
  p = p.replace(/^\/jdvop\/\d+\//, '/jdvop/{merchantId}/').replace(/^\/mock\/[^/]+\/[^/]+$/, '/mock/{groupName}/{apiName}')
  return { sub, path: p }
}

function samePath(pattern, p) {
  const [w, g] = [pattern.split('/'), p.split('/')]
  return w.length === g.length && w.every((s, i) => s === g[i] || /^\{.*\}$/.test(s))
}

/** The committed method list is what the installed client sends (or is rewritten from it). */
function checkMethodList(sent, names) {
  const lines = [...new Set(sent.map((s) => {
    const { sub, path: p } = clientPath(s.url)
    return `${s.name}\t${s.verb}\t${sub ? 'sub' : 'root'}\t${p}`
  }))].sort()
  if (process.env.XIAODIAN_WRITE_CLIENT_METHODS) {
    fs.writeFileSync(METHODS_TSV, [...TSV_HEADER, ...lines].join('\n') + '\n')
    return
  }
  const listed = fs.readFileSync(METHODS_TSV, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t'))
  const missing = lines.filter((l) => {
    const [, , sub, p] = l.split('\t')
    return !listed.some(([, , s, q]) => s === sub && samePath(q, p))
  })
  const gone = listed.filter(([name]) => !names.includes(name)).map(([name]) => name)
  assert.deepEqual([...missing, ...gone], [], 'src/api/client_methods.tsv differs from the installed client: ' +
    'rewrite it with XIAODIAN_WRITE_CLIENT_METHODS=1 node --test tests/client/every_method.test.js')
}

test('a path the client does not have is still the unknown path', async () => {
  const typo = await WXAPI.request('/shop/goods/kanjia/jion', true, 'post', {})
  assert.equal(typo.code, 404)
  assert.match(typo.msg, /^接口不存在/)
  const closed = await WXAPI.collectCardBind({ id: 1 })
  assert.equal(closed.code, 501)
  assert.equal(closed.data.module, 'collect-card')
  assert.match(closed.msg, /集卡/)
  const cps = await WXAPI.cpsJdGoodsDetail({ id: 1 })
  assert.equal(cps.code, 501)
  assert.equal(cps.data.state, 'notConnected')
  assert.match(cps.msg, /京东联盟/)
})
