//! The editor's buttons: upload, move a picture, insert an image, 生成规格组合 and save.

use rocket::form::{self};
use rocket::fs::TempFile;

use super::form::{Editor, EditorForm, FREE_EXPRESS};
use super::goods::to_new_goods;
use super::pages::{show, stale, stored};
use super::specs::{read_specs, regenerate};
use crate::admin::images::{chosen, typed_picture, FileStore};
use crate::admin::page::{done, Answer, Problem, Staff};
use crate::db::{self, Db};
use crate::error::AdminError;
use crate::service::catalog::{self as rules, EditError};
use crate::service::upload;

/// The editor's label for each field a service refusal may name.
pub(super) const LABELS: &[(&str, &str)] = &[
    ("name", "商品名称"),
    ("characteristic", "卖点"),
    ("tags", "标签"),
    ("purchaseNotes", "购买须知"),
    ("pic", "主图"),
    ("content", "商品详情"),
    ("minBuyNumber", "起购数量"),
    ("extJson", "扩展 JSON"),
    ("categoryId", "分类"),
    ("properties", "规格"),
    ("skuList", "规格组合"),
    ("pics", "商品图片"),
    ("stores", "库存"),
    ("minPrice", "价格"),
    ("originalPrice", "原价"),
    ("minScore", "积分价"),
    ("weight", "重量"),
];

/// Most pictures in one gallery (the service's own limit).
pub(super) const MAX_PICS: usize = 50;
/// Applies a picture button ("pic-up:2"...) to the gallery; false when the action is not one.
pub(super) fn move_picture(pics: &mut Vec<String>, action: &str) -> bool {
    let Some((what, at)) = action.split_once(':') else { return false };
    let Ok(i) = at.parse::<usize>() else { return false };
    if i >= pics.len() {
        return matches!(what, "pic-up" | "pic-down" | "pic-remove");
    }
    match what {
        "pic-up" if i > 0 => pics.swap(i, i - 1),
        "pic-down" if i + 1 < pics.len() => pics.swap(i, i + 1),
        "pic-remove" => {
            pics.remove(i);
        }
        "pic-up" | "pic-down" => {}
        _ => return false,
    }
    true
}

/// Inserts an image tag into the content at the caret (characters), or at the end; the new
/// content and the caret just after the picture, so the next one follows it.
pub(super) fn insert_image(content: &str, caret: &str, url: &str) -> (String, usize) {
    let tag = format!("<p><img src=\"{}\" alt=\"\"></p>", url.replace('"', "%22"));
    let len = content.chars().count();
    let at = caret.trim().parse::<usize>().ok().filter(|&n| n <= len).unwrap_or(len);
    let byte = content.char_indices().nth(at).map_or(content.len(), |(b, _)| b);
    (format!("{}{tag}{}", &content[..byte], &content[byte..]), at + tag.chars().count())
}

/// Stores the gallery pictures chosen in the form (and a typed address) after the others.
pub(super) async fn take_uploads<'r>(
    pics: &mut Vec<String>,
    files: Vec<form::Result<'r, TempFile<'r>>>,
    pic_url: &str,
    store: &FileStore,
    max_bytes: u64,
) -> Result<usize, Problem> {
    let mut added = 0;
    for file in files {
        if let Some(f) = chosen(file, max_bytes)? {
            if pics.len() >= MAX_PICS {
                return Err(Problem::Say(format!("商品图片最多 {MAX_PICS} 张")));
            }
            pics.push(upload::relative_url(&store.store(f, true).await?.path));
            added += 1;
        }
    }
    if !pic_url.trim().is_empty() {
        let typed = typed_picture(pic_url)?;
        if pics.len() >= MAX_PICS {
            return Err(Problem::Say(format!("商品图片最多 {MAX_PICS} 张")));
        }
        pics.push(typed);
        added += 1;
    }
    Ok(added)
}

/// What one press of a button does; the editor comes back with a message, or the goods is saved.
pub(super) async fn press(
    staff: Staff,
    id: Option<i64>,
    form: EditorForm<'_>,
    db: &Db,
    store: &FileStore,
) -> Result<Answer, AdminError> {
    let base = stored(db, id).await?;
    let logistics_id = base.as_ref().and_then(|b| b.logistics_id);
    let EditorForm { action, f, pics, specs, skus, file, content_file, pic_url } = form;
    let mut e = Editor { f, pics, specs, skus };
    let max = store.max_bytes();

    // Files chosen in the form are kept whichever button was pressed.
    let mut notice = None;
    let mut error = match take_uploads(&mut e.pics, file, &pic_url, store, max).await {
        Ok(0) => None,
        Ok(n) => {
            notice = Some(format!("已添加 {n} 张图片，保存后生效"));
            None
        }
        Err(p) => Some(p.message()?),
    };
    match chosen(content_file, max) {
        Ok(Some(f)) => match store.store(f, true).await {
            Ok(stored) => {
                let url = upload::relative_url(&stored.path);
                let (content, caret) = insert_image(&e.f.content, &e.f.caret, &url);
                (e.f.content, e.f.caret) = (content, caret.to_string());
                notice = Some("图片已插入详情，保存后生效".into());
            }
            Err(p) => error = error.or(Some(p.message()?)),
        },
        Ok(None) => {}
        Err(p) => error = error.or(Some(p.message()?)),
    }
    if error.is_some() {
        return show(staff, db, id, e, logistics_id, error, None).await;
    }

    match action.as_str() {
        "save" => {}
        "generate" => {
            let made = read_specs(&e.specs).and_then(|specs| regenerate(&specs, &e.skus, &e.f.weight));
            let (error, notice) = match made {
                Ok(rows) => {
                    let n = rows.len();
                    e.skus = rows;
                    match n {
                        0 => (None, Some("没有规格：价格和库存按整个商品填写".to_string())),
                        n => (
                            None,
                            Some(format!(
                                "已生成 {n} 个规格组合，原有组合的价格和库存已保留；请填写新组合后保存"
                            )),
                        ),
                    }
                }
                Err(m) => (Some(m), None),
            };
            return show(staff, db, id, e, logistics_id, error, notice).await;
        }
        a if a.starts_with("spec-remove:") => {
            if let Some(i) = a["spec-remove:".len()..].parse::<usize>().ok().filter(|&i| i < e.specs.len()) {
                e.specs.remove(i);
            }
            let notice = Some("规格已移除，请点「生成规格组合」更新规格组合表".to_string());
            return show(staff, db, id, e, logistics_id, None, notice).await;
        }
        a if move_picture(&mut e.pics, a) => {
            return show(staff, db, id, e, logistics_id, None, Some("图片顺序已调整，保存后生效".into()))
                .await;
        }
        "upload" | "content-image" => return show(staff, db, id, e, logistics_id, None, notice).await,
        _ => return Err(AdminError::BadInput("不认识的操作".into())),
    }

    let now = db::unix_now();
    if e.f.logistics == FREE_EXPRESS {
        let free = db.write(move |c| crate::service::freight::free_express_template(c, now)).await?;
        e.f.logistics = free.to_string();
    }
    let (goods, plan) = match to_new_goods(&e, base.clone().unwrap_or_default()) {
        Ok(g) => g,
        Err(m) => return show(staff, db, id, e, logistics_id, Some(m), None).await,
    };
    let saved = db
        .write(move |c| match id {
            None => Ok(rules::add_goods(c, goods, now)?),
            Some(id) => rules::replace_goods(c, id, goods, &plan, now).map(|()| id),
        })
        .await;
    match (saved, id) {
        (Ok(id), _) => Ok(done(format!("/admin/goods/{id}"), "商品已保存")),
        (Err(EditError::Stale(list)), Some(id)) => stale(staff, db, id, e, logistics_id, &list).await,
        (Err(e2), _) => {
            let m = Problem::refused(e2, LABELS).message()?;
            show(staff, db, id, e, logistics_id, Some(m), None).await
        }
    }
}
