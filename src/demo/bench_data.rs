//! `xiaodian bench-data`: fills an empty shop with a large synthetic catalogue for benchmarks.
//!
//! Names are built from Chinese word lists (origin + quality + product + pack), so trigram search
//! for a product word ("普洱茶", "保温杯") has hundreds of hits, as in a real shop. Every goods goes
//! through `service::catalog::create_goods` (the same path the console uses), in large
//! transactions. The random choices are seeded: the same arguments give the same catalogue.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::Config;
use crate::db::catalog::{self, CategoryFields, GoodsFields};
use crate::db::{self, Db};
use crate::error::ApiError;
use crate::service::catalog::{create_goods, NewGoods, NewSku, NewSpec};
use crate::service::upload;

/// Product families (the top-level categories) and their products (the subcategories).
const FAMILIES: &[(&str, &[&str])] = &[
    (
        "茶叶",
        &["普洱茶", "龙井茶", "铁观音", "大红袍", "白毫银针", "正山小种", "碧螺春", "茉莉花茶", "黄山毛峰"],
    ),
    ("零食", &["牛肉干", "坚果礼盒", "芒果干", "薯片", "猪肉脯", "巧克力", "山楂条", "瓜子仁", "海苔卷"]),
    (
        "水果",
        &[
            "红富士苹果",
            "赣南脐橙",
            "猕猴桃",
            "阳光玫瑰葡萄",
            "砂糖橘",
            "水蜜桃",
            "哈密瓜",
            "火龙果",
            "车厘子",
        ],
    ),
    ("粮油", &["东北大米", "菜籽油", "黄小米", "高筋面粉", "花生油", "糙米", "挂面", "绿豆", "红豆"]),
    ("服饰", &["纯棉T恤", "连帽卫衣", "连衣裙", "牛仔裤", "羊毛衫", "羽绒服", "衬衫", "休闲裤", "针织开衫"]),
    ("鞋靴", &["运动鞋", "帆布鞋", "马丁靴", "小白鞋", "凉拖鞋", "雪地靴", "皮鞋", "板鞋", "跑步鞋"]),
    ("家居", &["纯棉毛巾", "收纳盒", "四件套", "乳胶枕", "羽绒被", "地垫", "窗帘", "衣架", "香薰蜡烛"]),
    ("厨具", &["保温杯", "不粘锅", "菜刀套装", "电饭煲", "陶瓷碗", "砧板", "汤锅", "玻璃杯", "筷子礼盒"]),
    ("美妆", &["保湿面霜", "精华液", "口红", "洗面奶", "防晒霜", "面膜", "眼霜", "卸妆油", "爽肤水"]),
    ("个护", &["洗发水", "沐浴露", "牙膏", "电动牙刷", "护手霜", "剃须刀", "洗手液", "身体乳", "漱口水"]),
    (
        "数码",
        &["蓝牙耳机", "充电宝", "数据线", "手机壳", "智能手环", "移动硬盘", "机械键盘", "无线鼠标", "读卡器"],
    ),
    (
        "家电",
        &["空气炸锅", "电热水壶", "吹风机", "加湿器", "电风扇", "料理机", "扫地机器人", "豆浆机", "电暖器"],
    ),
    (
        "母婴",
        &["纸尿裤", "婴儿奶粉", "奶瓶", "婴儿湿巾", "爬行垫", "儿童餐椅", "婴儿推车", "安抚奶嘴", "儿童牙刷"],
    ),
    ("玩具", &["积木拼装", "毛绒玩具", "遥控汽车", "拼图", "益智魔方", "过家家", "水枪", "风筝", "橡皮泥"]),
    (
        "图书",
        &[
            "儿童绘本",
            "历史小说",
            "科普读物",
            "唐诗宋词",
            "编程入门",
            "菜谱大全",
            "英语词典",
            "漫画全集",
            "摄影教程",
        ],
    ),
    ("文具", &["中性笔", "笔记本", "书包", "文件夹", "便利贴", "钢笔", "彩色铅笔", "计算器", "订书机"]),
    ("运动", &["瑜伽垫", "哑铃", "跳绳", "篮球", "羽毛球拍", "运动水壶", "护膝", "泳镜", "健身手套"]),
    ("户外", &["帐篷", "登山杖", "睡袋", "折叠椅", "冲锋衣", "户外背包", "头灯", "野餐垫", "防晒帽"]),
    ("宠物", &["猫粮", "狗粮", "猫砂", "宠物零食", "逗猫棒", "宠物窝", "牵引绳", "宠物梳", "冻干鸡肉"]),
    ("酒水", &["高粱白酒", "黄酒", "红葡萄酒", "精酿啤酒", "梅子酒", "米酒", "气泡水", "椰子水", "酸梅汤"]),
];

const ORIGINS: &[&str] = &[
    "云南",
    "福建",
    "杭州",
    "新疆",
    "东北",
    "四川",
    "宁夏",
    "内蒙古",
    "山东",
    "海南",
    "广西",
    "江西",
    "安徽",
    "贵州",
    "湖南",
    "浙江",
    "广东",
    "陕西",
    "甘肃",
    "青海",
];
const QUALITIES: &[&str] = &[
    "有机",
    "手工",
    "精选",
    "特级",
    "古法",
    "原味",
    "野生",
    "高山",
    "农家",
    "经典",
    "加厚",
    "便携",
    "升级款",
    "家用",
    "大容量",
    "轻奢",
    "简约",
    "复古",
    "新款",
    "爆款",
];
const PACKS: &[&str] =
    &["250g", "500g", "1kg", "礼盒装", "2件装", "家庭装", "单只装", "3件套", "旗舰版", "标准版"];
const TAGS: &[&str] = &["新品", "热卖", "包邮", "限时特惠", "店长推荐", "产地直发", "七天无理由", "会员专享"];
const COLOURS: &[&str] = &["白色", "黑色", "红色", "蓝色", "灰色"];
const SIZES: &[&str] = &["S", "M", "L", "XL"];
const SELLING_POINTS: &[&str] = &[
    "产地直发，新鲜到家",
    "精选好物，品质保证",
    "买二送一，限时优惠",
    "老客回购率超九成",
    "顺丰包邮，破损包赔",
];
/// The demo pictures the generated goods share (stored once as uploads).
const PICTURES: &[&str] = &[
    "goods-tea.png",
    "goods-blacktea.png",
    "goods-honey.png",
    "goods-goji.png",
    "goods-cup.png",
    "goods-bowl.png",
    "goods-tshirt.png",
    "goods-scarf.png",
];

/// Goods written per transaction: large enough to be fast, small enough to keep the WAL modest.
const BATCH: usize = 5_000;

/// What was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    pub categories: usize,
    pub goods: usize,
    pub skus: usize,
}

/// The words a generated catalogue is searchable by (one per product), for benchmark scripts.
pub fn product_words() -> impl Iterator<Item = &'static str> {
    FAMILIES.iter().flat_map(|(_, products)| products.iter().copied())
}

/// Fills the shop at `cfg`'s data dir with `categories` categories (a tenth of them top level, the
/// rest one level below) and `goods` goods spread over them; about one goods in five has two specs
/// (colour × size) and their SKUs. Refuses a shop that already has goods or categories.
pub fn generate(db: &Db, cfg: &Config, categories: usize, goods: usize) -> Result<Generated, ApiError> {
    if categories < 2 {
        return Err(ApiError::invalid("categories", "至少 2 个"));
    }
    let existing = db.read_sync(catalog::all_categories)?.len();
    if existing > 0 {
        return Err(ApiError::Forbidden("该店铺已有商品分类，请换一个空的数据目录".into()));
    }
    let mut pics = Vec::new();
    for name in PICTURES {
        let file =
            crate::demo::picture(name).ok_or_else(|| ApiError::Internal(format!("demo picture {name}")))?;
        let stored = upload::store(db, &cfg.uploads_dir(), u64::MAX, &file, name, None, None)?;
        pics.push(upload::relative_url(&stored.path));
    }
    let now = db::unix_now();
    let tops = (categories / 10).max(1);
    // (category id, product word) for each subcategory; goods go into these.
    let leaves: Vec<(i64, String)> = db.write_sync(|c| {
        let mut top_ids = Vec::new();
        for i in 0..tops {
            let (family, _) = FAMILIES[i % FAMILIES.len()];
            let name = numbered(family, i / FAMILIES.len());
            let f = CategoryFields {
                name,
                icon: pics[i % pics.len()].clone(),
                paixu: i as i64,
                ..Default::default()
            };
            top_ids.push(catalog::insert_category(c, &f, now)?);
        }
        let mut leaves = Vec::new();
        for j in 0..categories - tops {
            let top = j % tops;
            let (_, products) = FAMILIES[top % FAMILIES.len()];
            let nth = j / tops;
            let word = products[nth % products.len()].to_string();
            let f = CategoryFields {
                pid: Some(top_ids[top]),
                name: numbered(&word, nth / products.len()),
                icon: pics[j % pics.len()].clone(),
                paixu: nth as i64,
                ..Default::default()
            };
            leaves.push((catalog::insert_category(c, &f, now)?, word));
        }
        Ok::<_, ApiError>(leaves)
    })?;

    let mut rng = StdRng::seed_from_u64(20261123);
    let mut skus = 0;
    let mut made = 0;
    while made < goods {
        let batch: Vec<NewGoods> = (made..goods.min(made + BATCH))
            .map(|n| {
                let (category_id, word) = &leaves[n % leaves.len()];
                one_goods(&mut rng, n, *category_id, word, &pics)
            })
            .collect();
        skus += batch.iter().map(|g| g.skus.len()).sum::<usize>();
        made += batch.len();
        db.write_sync(|c| {
            for g in &batch {
                create_goods(c, g, now)?;
            }
            Ok::<_, ApiError>(())
        })?;
    }
    Ok(Generated { categories, goods, skus })
}

/// "茶叶", then "茶叶 2", "茶叶 3"... when the word lists run out.
fn numbered(word: &str, round: usize) -> String {
    if round == 0 {
        word.to_string()
    } else {
        format!("{word} {}", round + 1)
    }
}

fn pick<'a>(rng: &mut StdRng, words: &[&'a str]) -> &'a str {
    words[rng.gen_range(0..words.len())]
}

/// The `n`th generated goods.
fn one_goods(rng: &mut StdRng, n: usize, category_id: i64, word: &str, pics: &[String]) -> NewGoods {
    let name = format!("{}{}{} {}", pick(rng, ORIGINS), pick(rng, QUALITIES), word, pick(rng, PACKS));
    let price: i64 = rng.gen_range(10..2_000) * 50 - 10; // 4.90 … 999.90 yuan
    let original_price = price + rng.gen_range(0..20) * 500;
    let pic = pics[n % pics.len()].clone();
    let tags = [pick(rng, TAGS), pick(rng, TAGS)].join(",");
    let with_specs = n.is_multiple_of(5);
    let fields = GoodsFields {
        category_id: Some(category_id),
        characteristic: pick(rng, SELLING_POINTS).to_string(),
        content: format!(
            "<p>{name}，{}。</p><p>发货：付款后 48 小时内发货，偏远地区除外。</p><p><img src=\"{pic}\"/></p>",
            pick(rng, SELLING_POINTS)
        ),
        name,
        pic: pic.clone(),
        tags,
        recommend_status: i64::from(n.is_multiple_of(10)),
        paixu: rng.gen_range(0..100),
        stores: rng.gen_range(0..1_000),
        min_price: price,
        original_price,
        min_score: 0,
        weight: rng.gen_range(1..50) * 100,
        ..GoodsFields::default()
    };
    let gallery = vec![pic, pics[(n + 1) % pics.len()].clone(), pics[(n + 2) % pics.len()].clone()];
    if !with_specs {
        return NewGoods { fields, pics: gallery, ..NewGoods::default() };
    }
    let colours = &COLOURS[..rng.gen_range(2..=COLOURS.len())];
    let sizes = &SIZES[..rng.gen_range(2..=SIZES.len())];
    let specs = vec![
        NewSpec { name: "颜色".into(), values: colours.iter().map(ToString::to_string).collect() },
        NewSpec { name: "尺码".into(), values: sizes.iter().map(ToString::to_string).collect() },
    ];
    let mut sku_list = Vec::new();
    for (i, colour) in colours.iter().enumerate() {
        for (j, size) in sizes.iter().enumerate() {
            sku_list.push(NewSku {
                values: vec![colour.to_string(), size.to_string()],
                price: price + (i as i64 + j as i64) * 500,
                original_price: original_price + (i as i64 + j as i64) * 500,
                stores: rng.gen_range(0..200),
                weight: fields.weight,
                code: format!("B{n}-{i}{j}"),
                ..NewSku::default()
            });
        }
    }
    NewGoods { fields, pics: gallery, specs, skus: sku_list }
}
