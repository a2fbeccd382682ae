// Shared set-up of the conformance suite: the wx shim, the real client, and the shipped adapter,
// pointed at the xiaodian that `cargo test --test client` started (XIAODIAN_URL).

'use strict'

const path = require('node:path')
const shim = require('./wx-shim')

const BASE_URL = (process.env.XIAODIAN_URL || '').replace(/\/+$/, '')
// The merchant API key the server was started with: the sandbox's controls want it.
const SANDBOX_KEY = process.env.XIAODIAN_ADMIN_API_KEY || ''
const SUB_DOMAIN = process.env.XIAODIAN_SUBDOMAIN || 'shop'
if (!BASE_URL || !SANDBOX_KEY) {
  throw new Error('XIAODIAN_URL or XIAODIAN_ADMIN_API_KEY is not set: run the suite with `cargo test --test client`')
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

/** Calls a sandbox control route (pay, read a code, push an event...) as the merchant. */
function sandboxFetch(path, init = {}) {
  const headers = { ...(init.headers || {}), authorization: `Bearer ${SANDBOX_KEY}` }
  return fetch(BASE_URL + path, { ...init, headers })
}

module.exports = { WXAPI, xiaodian, BASE_URL, SUB_DOMAIN, ADAPTER_PATH, fetchBytes, sandboxFetch }
