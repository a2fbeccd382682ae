//! The demo catalogue `--demo` adds to an empty shop: categories (one with subcategories) and
//! goods with pictures, rich content, and specs whose SKUs each have their own price and stock.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::db::catalog::{self, CategoryFields, GoodsFields};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::catalog::{create_goods, NewGoods, NewSku, NewSpec};

/// A spec and its values.
fn spec(name: &str, values: &[&str]) -> NewSpec {
    NewSpec { name: name.into(), values: values.iter().map(ToString::to_string).collect() }
}

/// A SKU: its values (one per spec), price and original price in fen, stock, weight in grams.
fn sku(values: &[&str], price: i64, original_price: i64, stores: i64, weight: i64, code: &str) -> NewSku {
    NewSku {
        values: values.iter().map(ToString::to_string).collect(),
        price,
        original_price,
        stores,
        weight,
        code: code.into(),
        ..NewSku::default()
    }
}

/// Rich content: paragraphs, then the goods' picture.
fn content(paragraphs: &[&str], pic: &str) -> String {
    let mut html = paragraphs.iter().fold(String::new(), |mut html, p| {
        let _ = write!(html, "<p>{p}</p>");
        html
    });
    let _ = write!(html, "<p><img src=\"{pic}\" style=\"width:100%\"/></p>");
    html
}

/// Adds the demo catalogue in one transaction. `pics` maps a file name in static/demo to its
/// stored "/uploads/…" link.
#[allow(clippy::too_many_lines)] // the demo catalogue is one list of data
pub fn fill(db: &Db, pics: &HashMap<String, String>) -> Result<(), ApiError> {
    let pic = |name: &str| {
        pics.get(name)
            .cloned()
            .ok_or_else(|| ApiError::Internal(format!("demo picture {name} was not stored")))
    };
    let (tea, black_tea, honey, goji) =
        (pic("goods-tea.png")?, pic("goods-blacktea.png")?, pic("goods-honey.png")?, pic("goods-goji.png")?);
    let (cup, bowl, tshirt, scarf) =
        (pic("goods-cup.png")?, pic("goods-bowl.png")?, pic("goods-tshirt.png")?, pic("goods-scarf.png")?);
    db.write_sync(|c| {
        let now = db::unix_now();
        let category = |pid: Option<i64>, name: &str, icon: &str, key: &str, paixu: i64| {
            let f = CategoryFields {
                pid,
                name: name.into(),
                icon: icon.into(),
                key: key.into(),
                paixu,
                ..CategoryFields::default()
            };
            catalog::insert_category(c, &f, now)
        };
        let teas = category(None, "茶叶", &tea, "tea", 0)?;
        let green = category(Some(teas), "绿茶", &tea, "green-tea", 0)?;
        let black = category(Some(teas), "红茶", &black_tea, "black-tea", 1)?;
        let food = category(None, "滋补食品", &honey, "food", 1)?;
        let home = category(None, "家居餐具", &cup, "home", 2)?;
        let clothes = category(None, "服饰", &tshirt, "clothes", 3)?;

        let goods = [
            NewGoods {
                fields: GoodsFields {
                    category_id: Some(green),
                    name: "西湖龙井 明前特级绿茶".into(),
                    characteristic: "明前头采，豆香清高，罐装自饮、礼盒送人两相宜".into(),
                    content: content(
                        &[
                            "产自杭州西湖产区，清明前手工采摘一芽一叶，传统青锅、辉锅炒制。",
                            "冲泡建议：80℃ 左右热水，玻璃杯下投法，茶水比约 1:50。",
                            "储存：密封、避光、冷藏保存，开封后请尽快饮用。",
                        ],
                        &tea,
                    ),
                    pic: tea.clone(),
                    tags: "新茶,送礼".into(),
                    weight: 200,
                    recommend_status: 1,
                    paixu: 0,
                    ..GoodsFields::default()
                },
                pics: vec![tea.clone(), black_tea.clone()],
                specs: vec![spec("规格", &["罐装 125g", "礼盒 250g"])],
                skus: vec![
                    sku(&["罐装 125g"], 16800, 19800, 40, 200, "LJ-125"),
                    sku(&["礼盒 250g"], 32800, 39800, 15, 450, "LJ-250"),
                ],
            },
            NewGoods {
                fields: GoodsFields {
                    category_id: Some(black),
                    name: "云南滇红功夫红茶 200g".into(),
                    characteristic: "蜜香浓郁，汤色红亮，办公室日常口粮茶".into(),
                    content: content(
                        &["选用云南凤庆大叶种晒青毛茶，经萎凋、揉捻、发酵、烘干精制而成。", "可清饮，也可加奶调饮。"],
                        &black_tea,
                    ),
                    pic: black_tea.clone(),
                    tags: "红茶,口粮茶".into(),
                    paixu: 1,
                    stores: 120,
                    min_price: 5990,
                    original_price: 7900,
                    weight: 250,
                    ..GoodsFields::default()
                },
                pics: vec![black_tea.clone()],
                ..NewGoods::default()
            },
            NewGoods {
                fields: GoodsFields {
                    category_id: Some(food),
                    name: "洋槐蜂蜜 500g 瓶装".into(),
                    characteristic: "秦岭洋槐花期采收，自然成熟，清甜不腻".into(),
                    content: content(
                        &[
                            "蜂场位于秦岭北麓，每年五月洋槐花期集中采收，浓度 ≥ 41 波美度。",
                            "温水冲饮，水温不超过 60℃，以免破坏营养。一岁以下婴儿不宜食用。",
                        ],
                        &honey,
                    ),
                    pic: honey.clone(),
                    tags: "蜂蜜,滋补".into(),
                    recommend_status: 1,
                    paixu: 2,
                    stores: 200,
                    min_price: 4990,
                    original_price: 6900,
                    weight: 600,
                    ..GoodsFields::default()
                },
                pics: vec![honey.clone()],
                ..NewGoods::default()
            },
            NewGoods {
                fields: GoodsFields {
                    category_id: Some(food),
                    name: "宁夏中宁枸杞 特级头茬".into(),
                    characteristic: "颗粒饱满，免洗即食，泡水煲汤皆宜".into(),
                    content: content(
                        &["产自宁夏中宁，头茬鲜果自然晾晒，每 50g 约 280 粒。", "每日 10–20g 为宜。"],
                        &goji,
                    ),
                    pic: goji.clone(),
                    tags: "枸杞,滋补".into(),
                    weight: 260,
                    paixu: 3,
                    ..GoodsFields::default()
                },
                pics: vec![goji.clone()],
                specs: vec![spec("规格", &["250g 袋装", "500g 罐装"])],
                skus: vec![
                    sku(&["250g 袋装"], 3500, 4500, 80, 260, "GQ-250"),
                    sku(&["500g 罐装"], 6500, 8500, 50, 560, "GQ-500"),
                ],
            },
            NewGoods {
                fields: GoodsFields {
                    category_id: Some(home),
                    name: "手工粗陶马克杯 350ml".into(),
                    characteristic: "手拉坯成型，每一只纹理都不一样".into(),
                    content: content(
                        &["景德镇手工拉坯，1280℃ 高温烧制，釉面无铅，可进微波炉和洗碗机。", "容量约 350ml。"],
                        &cup,
                    ),
                    pic: cup.clone(),
                    tags: "餐具,手工".into(),
                    weight: 400,
                    paixu: 4,
                    ..GoodsFields::default()
                },
                pics: vec![cup.clone()],
                specs: vec![spec("颜色", &["米白", "墨绿", "雾蓝"])],
                skus: vec![
                    sku(&["米白"], 3900, 4900, 25, 400, "MUG-W"),
                    sku(&["墨绿"], 3900, 4900, 12, 400, "MUG-G"),
                    sku(&["雾蓝"], 3900, 4900, 0, 400, "MUG-B"),
                ],
            },
            NewGoods {
                fields: GoodsFields {
                    category_id: Some(home),
                    name: "釉下彩陶瓷饭碗 4 只装".into(),
                    characteristic: "4.5 英寸家用饭碗，釉下彩不褪色".into(),
                    content: content(&["釉下彩工艺，图案在釉层之下，长期使用不褪色。", "口径约 11.5cm，高约 6cm。"], &bowl),
                    pic: bowl.clone(),
                    tags: "餐具".into(),
                    paixu: 5,
                    stores: 35,
                    min_price: 7900,
                    original_price: 9900,
                    weight: 1200,
                    ..GoodsFields::default()
                },
                pics: vec![bowl.clone()],
                ..NewGoods::default()
            },
            NewGoods {
                fields: GoodsFields {
                    category_id: Some(clothes),
                    name: "纯棉圆领短袖 T 恤".into(),
                    characteristic: "新疆长绒棉，220g 重磅，不易变形".into(),
                    content: content(
                        &[
                            "面料：100% 新疆长绒棉，220g/㎡ 重磅精梳棉。",
                            "尺码：S（160/84A）、M（165/88A）、L（170/92A）、XL（175/96A）。XL 用料更多，价格略高。",
                            "洗涤：30℃ 以下水温，反面洗涤，不可漂白。",
                        ],
                        &tshirt,
                    ),
                    pic: tshirt.clone(),
                    tags: "T恤,纯棉,夏季".into(),
                    weight: 220,
                    recommend_status: 1,
                    paixu: 6,
                    ..GoodsFields::default()
                },
                pics: vec![tshirt.clone(), scarf.clone()],
                specs: vec![spec("颜色", &["白色", "黑色", "雾蓝"]), spec("尺码", &["S", "M", "L", "XL"])],
                skus: tshirt_matrix(),
            },
            NewGoods {
                fields: GoodsFields {
                    category_id: Some(clothes),
                    name: "羊毛混纺格纹围巾".into(),
                    characteristic: "柔软亲肤，秋冬百搭".into(),
                    content: content(&["50% 羊毛 50% 腈纶混纺，尺寸约 180cm × 30cm。", "建议手洗或干洗。"], &scarf),
                    pic: scarf.clone(),
                    tags: "围巾,秋冬".into(),
                    paixu: 7,
                    stores: 30,
                    min_price: 12900,
                    original_price: 19900,
                    weight: 180,
                    ..GoodsFields::default()
                },
                pics: vec![scarf.clone()],
                ..NewGoods::default()
            },
        ];
        for g in &goods {
            create_goods(c, g, now)?;
        }
        Ok::<_, ApiError>(())
    })
}

/// Every colour in every size; XL costs more, and each SKU has its own stock.
fn tshirt_matrix() -> Vec<NewSku> {
    let mut skus = Vec::new();
    for (i, colour) in ["白色", "黑色", "雾蓝"].iter().enumerate() {
        for (j, size) in ["S", "M", "L", "XL"].iter().enumerate() {
            let price = if *size == "XL" { 7500 } else { 6900 };
            let stores = 10 + 5 * j as i64 + 3 * i as i64;
            skus.push(sku(&[colour, size], price, 9900, stores, 220, &format!("TS-{}-{size}", i + 1)));
        }
    }
    skus
}
