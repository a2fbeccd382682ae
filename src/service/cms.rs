//! CMS rules that span tables: what a shopper may write, favourite, vote on and comment on, and
//! the one HTML sanitiser every stored rich text passes through.

use rusqlite::Connection;

use crate::db::cms::{self, ArticleFields, ArticleRow, NewComment};
use crate::service::error::{Entity, Error, Result};
use crate::service::security::{self, Scene, Verdict};

/// What the 404 names: "文章不存在".
pub const NO_ARTICLE: Error = Error::NotFound(Entity::Article);

/// Rich text as it may be stored and shown: an allow-list of formatting tags and attributes; no
/// script, style, iframe, event handlers or `javascript:` URLs (ammonia's defaults, plus `style`
/// left out on purpose and images allowed).
pub fn sanitise_html(html: &str) -> String {
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// A published article, or 404 (unknown, awaiting review and hidden ones alike).
pub fn published(c: &Connection, id: i64) -> Result<ArticleRow> {
    cms::article(c, id)?.filter(|a| a.fields.status == 0).ok_or(NO_ARTICLE)
}

/// Checks that a category named by a writer exists and is in use.
fn check_category(c: &Connection, id: Option<i64>) -> Result<()> {
    if let Some(id) = id {
        if !cms::category(c, id)?.is_some_and(|x| x.fields.is_use) {
            return Err(Error::invalid("categoryId", format!("文章分类 {id} 不存在")));
        }
    }
    Ok(())
}

/// A shopper's article: new (`id` None) or an edit of their own. Shoppers' articles are published
/// at once (the merchant hides one from the console or the merchant API) unless the content check
/// held it (`verdict`): then it awaits review (status 1). Recommending and the status otherwise
/// stay the merchant's.
pub fn save_shopper_article(
    c: &Connection,
    user: i64,
    id: Option<i64>,
    mut f: ArticleFields,
    verdict: &Verdict,
    now: i64,
) -> Result<i64> {
    check_category(c, f.category_id)?;
    f.content = sanitise_html(&f.content);
    let checked = format!("{}\n{}", f.title, f.descript);
    let saved = match id {
        None => {
            f.status = if verdict.held() { ARTICLE_AWAITING } else { 0 };
            cms::insert_article(c, Some(user), &f, now)?
        }
        Some(id) => {
            let old = own_article(c, user, id)?;
            f.is_recommend = old.fields.is_recommend;
            f.status = if verdict.held() { ARTICLE_AWAITING } else { old.fields.status };
            cms::update_article(c, id, &f, now)?;
            id
        }
    };
    security::record_held(c, user, Scene::Article, saved, verdict, &checked, now)?;
    Ok(saved)
}

/// An article's status while it awaits the merchant's review.
pub const ARTICLE_AWAITING: i64 = 1;

/// The text of an article that the content check reads: title, description, tags and the
/// visible text of the content.
pub fn article_text(f: &ArticleFields) -> String {
    format!(
        "{}\n{}\n{}\n{}\n{}",
        f.title,
        f.descript,
        f.tags,
        f.keywords,
        security::plain_text(&sanitise_html(&f.content))
    )
}

/// The shopper's own article; another's (or the shop's) answers 404 as if it did not exist.
pub fn own_article(c: &Connection, user: i64, id: i64) -> Result<ArticleRow> {
    cms::article(c, id)?.filter(|a| a.user_id == Some(user)).ok_or(NO_ARTICLE)
}

/// A merchant's article (console, merchant API): any category in use, content sanitised.
pub fn save_shop_article(c: &Connection, id: Option<i64>, mut f: ArticleFields, now: i64) -> Result<i64> {
    check_category(c, f.category_id)?;
    f.content = sanitise_html(&f.content);
    match id {
        None => Ok(cms::insert_article(c, None, &f, now)?),
        Some(id) => {
            if !cms::update_article(c, id, &f, now)? {
                return Err(NO_ARTICLE);
            }
            Ok(id)
        }
    }
}

/// Favourites a published article; adding it again changes nothing.
pub fn add_fav(c: &Connection, user: i64, article: i64, now: i64) -> Result<()> {
    published(c, article)?;
    cms::add_fav(c, user, article, now)?;
    Ok(())
}

/// Sets the shopper's attitude; `check_only` answers as if it were set without storing it.
/// Answers the article as it is (or would be) afterwards.
pub fn vote(
    c: &Connection,
    user: i64,
    article: i64,
    useful: bool,
    check_only: bool,
    now: i64,
) -> Result<ArticleRow> {
    let mut a = published(c, article)?;
    if check_only {
        match cms::vote_of(c, user, article)? {
            Some(old) if old == useful => {}
            Some(_) => {
                let d = if useful { 1 } else { -1 };
                a.number_useful += d;
                a.number_useless -= d;
            }
            None if useful => a.number_useful += 1,
            None => a.number_useless += 1,
        }
        return Ok(a);
    }
    cms::set_vote(c, user, article, useful, now)?;
    published(c, article)
}

/// Comment types: 0 = feedback to the shop, 1 = a comment on an article (`refId`).
pub const COMMENT_FEEDBACK: i64 = 0;
pub const COMMENT_ARTICLE: i64 = 1;

/// A comment's status while it awaits the merchant's review (held by the content check).
pub const COMMENT_AWAITING: i64 = 2;

/// Adds a shopper's comment: an article comment needs a published article; an answer (`pid`)
/// needs a shown comment of the same thread. A comment the content check held (`verdict`) is
/// stored awaiting review, not shown.
pub fn add_comment(c: &Connection, m: NewComment, verdict: &Verdict, now: i64) -> Result<i64> {
    match m.kind {
        COMMENT_FEEDBACK => {}
        COMMENT_ARTICLE => {
            cms::article(c, m.ref_id)?
                .filter(|a| a.fields.status == 0)
                .ok_or_else(|| Error::invalid("refId", format!("文章 {} 不存在", m.ref_id)))?;
        }
        _ => return Err(Error::invalid("type", "应为 0（留言反馈）或 1（文章评论）")),
    }
    if m.pid != 0 {
        let parent = cms::comment(c, m.pid)?;
        if !parent.is_some_and(|p| p.status == 0 && p.kind == m.kind && p.ref_id == m.ref_id) {
            return Err(Error::invalid("pid", format!("评论 {} 不存在", m.pid)));
        }
    }
    let id = cms::insert_comment(c, &m, now)?;
    if verdict.held() {
        cms::set_comment_status(c, id, COMMENT_AWAITING)?;
        if let Some(user) = m.user_id {
            security::record_held(c, user, Scene::Comment, id, verdict, &m.content, now)?;
        }
    }
    Ok(id)
}

/// Deletes a comment the shopper wrote; another's (or an unknown one) answers 404.
pub fn delete_own_comment(c: &Connection, user: i64, id: i64) -> Result<()> {
    if !cms::delete_own_comment(c, id, user)? {
        return Err(Error::NotFound(Entity::Comment));
    }
    Ok(())
}

/// Longest name of an article's counter, and how many counters one article may have.
pub const MAX_EXT_KEY: usize = 30;
pub const MAX_EXT_KEYS: usize = 20;

/// Moves a published article's named counter by `delta` (cmsArticleModifyExtNumber); answers
/// every counter of the article afterwards.
pub fn modify_ext_number(
    c: &Connection,
    article: i64,
    key: &str,
    delta: i64,
    now: i64,
) -> Result<Vec<(String, i64)>> {
    published(c, article)?;
    let existing = cms::ext_numbers(c, article)?;
    if existing.len() >= MAX_EXT_KEYS && !existing.iter().any(|(k, _)| k == key) {
        return Err(Error::invalid("key", format!("每篇文章最多 {MAX_EXT_KEYS} 个扩展数字")));
    }
    cms::add_ext_number(c, article, key, delta, now)?;
    Ok(cms::ext_numbers(c, article)?)
}

/// Signs a shopper up for a published article (cmsNewsSignOnline); signing up twice answers 403.
pub fn sign_up(c: &Connection, user: i64, article: i64, ext_json: &str, now: i64) -> Result<()> {
    published(c, article)?;
    if !cms::add_sign(c, article, user, ext_json, now)? {
        return Err(Error::refused("已报名，无需重复报名"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::sanitise_html;

    #[test]
    fn sanitising_keeps_formatting_and_drops_what_runs() {
        let out = sanitise_html(
            r#"<p onclick="x()">你好<b>呀</b><script>alert(1)</script><iframe src="https://e.com"></iframe>
            <a href="javascript:alert(1)">坏</a><img src="https://e.com/a.png" onerror="x()"></p>"#,
        );
        assert!(out.contains("<b>呀</b>"), "{out}");
        assert!(out.contains(r#"<img src="https://e.com/a.png">"#), "{out}");
        for bad in ["script", "iframe", "onclick", "onerror", "javascript"] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
    }
}
