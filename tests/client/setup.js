// Shared set-up of the conformance suite: the wx shim, the real client, and the shipped adapter,
// pointed at the xiaodian that `cargo test --test client` started (XIAODIAN_URL).

'use strict'

const path = require('node:path')
const shim = require('./wx-shim')

const BASE_URL = (process.env.XIAODIAN_URL || '').replace(/\/+$/, '')
const SUB_DOMAIN = process.env.XIAODIAN_SUBDOMAIN || 'shop'
if (!BASE_URL) {
  throw new Error('XIAODIAN_URL is not set: run the suite with `cargo test --test client`')
}

shim.install()
const WXAPI = require('apifm-wxapi')
const ADAPTER_PATH = path.join(__dirname, '..', '..', 'static', 'sdk', 'xiaodian.js')
const xiaodian = require(ADAPTER_PATH)
xiaodian.connect(WXAPI, { baseUrl: BASE_URL, subDomain: SUB_DOMAIN })

/** Fetches an absolute URL and answers {status, type, bytes}. */
async function fetchBytes(url) {
  const res = await fetch(url)
  return {
    status: res.status,
    type: res.headers.get('content-type') || '',
    bytes: Buffer.from(await res.arrayBuffer()),
  }
}

module.exports = { WXAPI, xiaodian, BASE_URL, SUB_DOMAIN, ADAPTER_PATH, fetchBytes }
