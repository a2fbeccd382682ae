// The demo CMS through the real client and the adapter's host rewrites (common.apifm.com and
// cms.apifm.com/<merchantId>): categories, article lists and search, the article page, favourites,
// votes, shoppers' articles, the about page, tags and comments.

'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const { WXAPI } = require('./setup')

let token = ''
async function login() {
  if (!token) {
    const res = await WXAPI.authorize({ code: 'code-node-cms' })
    assert.equal(res.code, 0, res.msg)
    token = res.data.token
  }
  return token
}

/** The demo article titled `title`. */
async function article(title) {
  const res = await WXAPI.cmsArticlesV3({ page: 1, pageSize: 50 })
  assert.equal(res.code, 0, res.msg)
  const found = res.data.result.find((a) => a.title === title)
  assert.ok(found, `demo article ${title}`)
  return found
}

test('cmsCategories and cmsCategoryDetail answer the demo categories', async () => {
  const res = await WXAPI.cmsCategories()
  assert.equal(res.code, 0, res.msg)
  const help = res.data.find((c) => c.type === 'index')
  assert.ok(help, 'a home-page category')
  assert.equal(typeof help.id, 'number')
  const detail = await WXAPI.cmsCategoryDetail(help.id)
  assert.equal(detail.code, 0, detail.msg)
  assert.equal(detail.data.info.name, help.name)
  assert.equal(typeof detail.data.extJson, 'object')
})

test('the article lists page, filter by category and find Chinese words in V1, V2 and V3', async () => {
  const all = await WXAPI.cmsArticlesV3({ page: 1, pageSize: 2 })
  assert.equal(all.code, 0, all.msg)
  assert.equal(all.data.result.length, 2)
  assert.ok(all.data.totalRow >= 4)
  const cats = await WXAPI.cmsCategories()
  const help = cats.data.find((c) => c.type === 'index')
  const inHelp = await WXAPI.cmsArticles({ categoryId: help.id })
  assert.equal(inHelp.code, 0, inHelp.msg)
  assert.ok(inHelp.data.result.every((a) => a.categoryId === help.id))
  const found = await WXAPI.cmsArticlesV2({ keywordsLike: '洋槐蜂蜜' })
  assert.equal(found.code, 0, found.msg)
  assert.deepEqual(found.data.result.map((a) => a.title), ['洋槐蜂蜜是怎样酿成的'])
  const none = await WXAPI.cmsArticlesV3({ keywordsLike: '没有这篇文章' })
  assert.equal(none.code, 700)
})

test('the article page counts a view and knows its neighbours', async () => {
  const a = await article('退换货说明')
  const first = await WXAPI.cmsArticleDetailV2(a.id)
  assert.equal(first.code, 0, first.msg)
  assert.equal(first.data.info.title, '退换货说明')
  assert.ok(first.data.info.content.includes('7 天'))
  const again = await WXAPI.cmsArticleDetailV3({ id: a.id })
  assert.equal(again.data.info.numberRead, first.data.info.numberRead + 1)
  const pn = await WXAPI.cmsArticlePreNext(a.id)
  assert.equal(pn.code, 0, pn.msg)
  assert.equal(pn.data.pre.title, '如何下单和付款')
  const pn2 = await WXAPI.cmsArticlePreNextV2(a.id)
  assert.equal(pn2.data.pre.id, pn.data.pre.id)
})

test('favourites: put twice, check answers 0, list, delete by newsId', async () => {
  const t = await login()
  const a = await article('春茶采摘的一天')
  assert.notEqual((await WXAPI.cmsArticleFavCheck(t, a.id)).code, 0)
  assert.equal((await WXAPI.cmsArticleFavPut(t, a.id)).code, 0)
  assert.equal((await WXAPI.cmsArticleFavPut(t, a.id)).code, 0)
  assert.equal((await WXAPI.cmsArticleFavCheck(t, a.id)).code, 0)
  const list = await WXAPI.cmsArticleFavList({ token: t })
  assert.equal(list.code, 0, list.msg)
  assert.equal(list.data.totalRow, 1)
  assert.equal(list.data.result[0].newsId, a.id)
  const v2 = await WXAPI.cmsArticleFavListV2({ token: t })
  assert.equal(v2.data.result[0].id, list.data.result[0].id)
  assert.equal((await WXAPI.cmsArticleFavDeleteByNewsId(t, a.id)).code, 0)
  assert.notEqual((await WXAPI.cmsArticleFavCheck(t, a.id)).code, 0)
  assert.equal((await WXAPI.cmsArticleFavPut(t, a.id)).code, 0)
  const again = await WXAPI.cmsArticleFavList({ token: t })
  assert.equal((await WXAPI.cmsArticleFavDeleteById(t, again.data.result[0].id)).code, 0)
})

test('cmsArticleUseless records one attitude and cmsArticleUsefulLogs lists it', async () => {
  const t = await login()
  const a = await article('如何下单和付款')
  const res = await WXAPI.cmsArticleUseless({ token: t, id: a.id, isUseful: true })
  assert.equal(res.code, 0, res.msg)
  assert.equal(res.data.numberUseful, 1)
  const logs = await WXAPI.cmsArticleUsefulLogs({ id: a.id })
  assert.equal(logs.code, 0, logs.msg)
  assert.equal(logs.data.result[0].isUseful, true)
})

test('a shopper publishes, edits and deletes an article with script stripped', async () => {
  const t = await login()
  const put = await WXAPI.cmsArticleCreate({ token: t, title: '客户心得', content: '<p>好<script>x()</script></p>' })
  assert.equal(put.code, 0, put.msg)
  const detail = await WXAPI.cmsArticleDetailV2(put.data, t)
  assert.equal(detail.data.info.content, '<p>好</p>')
  const edit = await WXAPI.cmsArticleCreateV2({ token: t, id: put.data, title: '客户心得二', content: '<p>改</p>' })
  assert.equal(edit.code, 0, edit.msg)
  assert.equal((await WXAPI.cmsArticleDeleteV2(t, put.data)).code, 0)
  assert.equal((await WXAPI.cmsArticleDetailV2(put.data)).code, 404)
})

test('cmsPage answers the about page and cmsTags the tags', async () => {
  const page = await WXAPI.cmsPage('about')
  assert.equal(page.code, 0, page.msg)
  assert.equal(page.data.info.title, '关于我们')
  assert.ok(page.data.info.content.includes('<p>'))
  assert.equal((await WXAPI.cmsPage('no-such-page')).code, 700)
  const tags = await WXAPI.cmsTags()
  assert.equal(tags.code, 0, tags.msg)
  assert.ok(tags.data.some((x) => x.name === '蜂蜜'))
})

test('addComment (feedback and on an article) and commentList', async () => {
  const t = await login()
  const feedback = await WXAPI.addComment({ token: t, type: 0, content: '希望多上新茶' })
  assert.equal(feedback.code, 0, feedback.msg)
  const a = await article('洋槐蜂蜜是怎样酿成的')
  const res = await WXAPI.addComment({ token: t, type: 1, refId: a.id, content: '很好喝' })
  assert.equal(res.code, 0, res.msg)
  const list = await WXAPI.commentList({ type: 1, refId: a.id })
  assert.equal(list.code, 0, list.msg)
  assert.equal(list.data.result[0].content, '很好喝')
  const v2 = await WXAPI.commentListV2({ type: 1, refId: a.id })
  assert.equal(v2.data.totalRow, list.data.totalRow)
  const anon = await WXAPI.addComment({ content: 'x' })
  assert.equal(anon.code, 2000)
})
