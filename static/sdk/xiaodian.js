/*
 * xiaodian.js — connects the apifm-wxapi client to a xiaodian (小店) shop.
 *
 * Copy this file next to your pages (it is served by your shop at /sdk/xiaodian.js) and call it once:
 *
 *   const WXAPI = require('apifm-wxapi')
 *   const xiaodian = require('./xiaodian')
 *   xiaodian.connect(WXAPI, { baseUrl: 'https://shop.example.com', subDomain: 'shop' })
 *
 * The client hard-codes several hosts (api.it120.cc, common/cms/oss/dfs.apifm.com); every request it
 * makes is sent to your shop instead, and the upload methods that bypass its request function
 * (uploadFileV2, uploadFileV22, uploadFileV3) are replaced. Nothing else in the mini-program changes.
 *
 * Exports: connect(WXAPI, options), request(url, needSubDomain, method, data), rewriteUrl(url, target).
 * Plain ES5 so it runs unchanged in the WeChat runtime (and ByteDance / QQ mini-programs).
 */
'use strict'

var FORM_HEADER = { 'Content-Type': 'application/x-www-form-urlencoded' }

/* The connection made by the last connect(): { baseUrl, subDomain, request, uploadFile }. */
var current = null

function trimBaseUrl(baseUrl) {
  return String(baseUrl).replace(/\/+$/, '')
}

/* `https://Host:443/p?q` -> { host: 'host', path: '/p?q' }; null for anything that is not http(s). */
function splitUrl(url) {
  var m = /^https?:\/\/([^\/?#]*)(.*)$/i.exec(url)
  if (!m) {
    return null
  }
  var host = m[1].toLowerCase().replace(/:\d+$/, '')
  var path = m[2]
  if (path === '' || path.charAt(0) !== '/') {
    path = '/' + path
  }
  return { host: host, path: path }
}

/* Collapses repeated slashes in the path part (not in the query): `//subdomain/x` -> `/subdomain/x`. */
function collapseSlashes(path) {
  var q = path.search(/[?#]/)
  var head = q < 0 ? path : path.slice(0, q)
  var tail = q < 0 ? '' : path.slice(q)
  return head.replace(/\/{2,}/g, '/') + tail
}

/* Replaces the first path segment (a subDomain or a merchantId) with `subDomain`. */
function replaceFirstSegment(path, subDomain) {
  return path.replace(/^\/[^\/?#]*/, '/' + subDomain)
}

function isApifmHost(host) {
  return host === 'apifm.com' || /\.apifm\.com$/.test(host) || host === 'it120.cc' || /\.it120\.cc$/.test(host)
}

/* True when `url` is an absolute URL of one of the client's own (apifm) hosts. */
function isApifmUrl(url) {
  var parts = typeof url === 'string' ? splitUrl(url) : null
  return !!parts && isApifmHost(parts.host)
}

/*
 * Maps a URL the client built to the shop. Relative URLs and hosts that are not the client's are
 * returned unchanged.
 *   https://common.apifm.com/<sub>/x          -> {baseUrl}/<sub>/x   (//subdomain/... collapsed)
 *   https://common.apifm.com/<mchid>/tempData -> {baseUrl}/{subDomain}/tempData
 *   https://cms.apifm.com/<mchid or sub>/x    -> {baseUrl}/{subDomain}/x
 *   https://oss|dfs.apifm.com/x               -> {baseUrl}/x
 *   any other *.apifm.com, api.it120.cc       -> {baseUrl}/x (the shop answers with a clear error)
 */
function rewriteUrl(url, target) {
  if (!target || !target.baseUrl || !target.subDomain) {
    throw new Error('xiaodian.rewriteUrl: baseUrl and subDomain are required')
  }
  if (typeof url !== 'string') {
    return url
  }
  var parts = splitUrl(url)
  if (!parts || !isApifmHost(parts.host)) {
    return url
  }
  var base = trimBaseUrl(target.baseUrl)
  var path = collapseSlashes(parts.path)
  if (parts.host === 'cms.apifm.com') {
    path = replaceFirstSegment(path, target.subDomain)
  } else if (parts.host === 'common.apifm.com' && /^\/[^\/?#]*\/tempData(\/|$)/.test(path)) {
    // tempDataSetV2 / tempDataGetV2 put the merchantId (default '0') where the subDomain goes.
    path = replaceFirstSegment(path, target.subDomain)
  }
  return base + path
}

function globalObject(name) {
  if (name === 'wx' && typeof wx !== 'undefined') {
    return wx
  }
  if (name === 'tt' && typeof tt !== 'undefined') {
    return tt
  }
  return undefined
}

/* The platform's request / uploadFile, looked up at call time (tests install `wx` after require). */
function platformFunction(conn, name, preferTt) {
  if (conn[name]) {
    return conn[name]
  }
  var order = preferTt ? ['tt', 'wx'] : ['wx', 'tt']
  for (var i = 0; i < order.length; i++) {
    var api = globalObject(order[i])
    if (api && typeof api[name] === 'function') {
      return function (options) {
        return api[name](options)
      }
    }
  }
  throw new Error('xiaodian: no ' + name + ' function (wx.' + name + ' is not available here)')
}

function connected() {
  if (!current) {
    throw new Error('xiaodian: call xiaodian.connect(WXAPI, { baseUrl, subDomain }) first')
  }
  return current
}

/* The client's request(url, needSubDomain, method, data), sent to the shop. Resolves with the body. */
function requestWith(conn, url, needSubDomain, method, data) {
  var target
  if (typeof url === 'string' && url.indexOf('http') === 0) {
    target = rewriteUrl(url, conn)
  } else {
    target = conn.baseUrl + (needSubDomain ? '/' + conn.subDomain : '') + url
  }
  return new Promise(function (resolve, reject) {
    var send = platformFunction(conn, 'request', false)
    send({
      url: target,
      method: method ? String(method).toUpperCase() : 'GET',
      data: data,
      header: FORM_HEADER,
      success: function (res) {
        resolve(res.data)
      },
      fail: function (error) {
        reject(error)
      }
    })
  })
}

function request(url, needSubDomain, method, data) {
  return requestWith(connected(), url, needSubDomain, method, data)
}

/* Uploads one file to {baseUrl}/upload2 as multipart `upfile`; resolves with the parsed envelope. */
function uploadWith(conn, url, filePath, formData, preferTt) {
  return new Promise(function (resolve, reject) {
    var upload = platformFunction(conn, 'uploadFile', preferTt)
    upload({
      url: url,
      filePath: filePath,
      name: 'upfile',
      formData: formData,
      success: function (res) {
        var body
        try {
          body = typeof res.data === 'string' ? JSON.parse(res.data) : res.data
        } catch (e) {
          var err = new Error('xiaodian: upload answered HTTP ' + res.statusCode + ' with a body that is not JSON')
          err.statusCode = res.statusCode
          err.data = res.data
          reject(err)
          return
        }
        resolve(body)
      },
      fail: function (error) {
        reject(error)
      }
    })
  })
}

/*
 * Points `WXAPI` (the apifm-wxapi module) at the shop.
 * options: { baseUrl, subDomain, request?, uploadFile? } — request / uploadFile are wx.request- and
 * wx.uploadFile-like functions for runtimes without `wx`. Returns WXAPI.
 */
function connect(WXAPI, options) {
  var opts = options || {}
  if (!WXAPI || typeof WXAPI.init3 !== 'function') {
    throw new Error('xiaodian.connect: pass the apifm-wxapi module first: connect(require("apifm-wxapi"), {...})')
  }
  if (!opts.baseUrl || typeof opts.baseUrl !== 'string') {
    throw new Error('xiaodian.connect: baseUrl is required, e.g. "https://shop.example.com"')
  }
  if (!opts.subDomain || typeof opts.subDomain !== 'string') {
    throw new Error('xiaodian.connect: subDomain is required (the shop\'s subDomain, e.g. "shop")')
  }
  var conn = {
    baseUrl: trimBaseUrl(opts.baseUrl),
    subDomain: opts.subDomain,
    request: opts.request,
    uploadFile: opts.uploadFile
  }
  current = conn

  var send = function (url, needSubDomain, method, data) {
    return requestWith(conn, url, needSubDomain, method, data)
  }
  WXAPI.init3({ apiBaseUrl: conn.baseUrl, subDomain: conn.subDomain, request: send })
  // The exported `request` is the client's original; templates calling WXAPI.request get ours.
  WXAPI.request = send

  var upload2 = conn.baseUrl + '/upload2'
  WXAPI.uploadFileV2 = function (token, tempFilePath, expireHours) {
    var form = { token: token, subDomain: conn.subDomain, expireHours: expireHours === undefined ? '' : expireHours }
    return uploadWith(conn, upload2, tempFilePath, form, false)
  }
  WXAPI.uploadFileV22 = function (token, tempFilePath, expireHours) {
    var form = { token: token, subDomain: conn.subDomain, expireHours: expireHours === undefined ? '' : expireHours }
    return uploadWith(conn, upload2, tempFilePath, form, true)
  }
  WXAPI.uploadFileV3 = function (data) {
    var form = {}
    var key
    for (key in data) {
      if (Object.prototype.hasOwnProperty.call(data, key) && key !== 'apiUrl' && key !== 'tempFilePath') {
        form[key] = data[key]
      }
    }
    form.subDomain = conn.subDomain
    var url = data.apiUrl && !isApifmUrl(data.apiUrl) ? data.apiUrl : upload2
    return uploadWith(conn, url, data.tempFilePath, form, false)
  }
  return WXAPI
}

module.exports = {
  connect: connect,
  request: request,
  rewriteUrl: rewriteUrl
}
