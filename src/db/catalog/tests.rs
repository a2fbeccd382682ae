use super::search::{escape_like, shelf_where};
use super::*;
use rusqlite::{params, params_from_iter, Connection};

fn fresh() -> Connection {
    let mut c = Connection::open_in_memory().unwrap();
    c.execute_batch("PRAGMA foreign_keys = ON").unwrap();
    crate::db::migrate::run(&mut c).unwrap();
    c
}

#[test]
fn the_bundled_sqlite_has_fts5() {
    let c = fresh();
    let mut st = c.prepare("PRAGMA compile_options").unwrap();
    let options: Vec<String> = st.query_map([], |r| r.get(0)).unwrap().map(|o| o.unwrap()).collect();
    assert!(options.iter().any(|o| o == "ENABLE_FTS5"), "compile options: {options:?}");
}

#[test]
fn the_trigram_index_follows_inserts_renames_and_deletes() {
    let c = fresh();
    let g = GoodsFields { name: "洋槐蜂蜜 500g".into(), ..GoodsFields::default() };
    let id = insert_goods(&c, &g, 1).unwrap();
    let hits = |q: &str| -> Vec<i64> {
        let mut st = c.prepare("SELECT rowid FROM goods_fts WHERE goods_fts MATCH ?1").unwrap();
        st.query_map([q], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect()
    };
    assert_eq!(hits("\"槐蜂蜜\""), vec![id]);
    c.execute("UPDATE goods SET name = '枣花蜜' WHERE id = ?1", [id]).unwrap();
    assert!(hits("\"槐蜂蜜\"").is_empty());
    assert_eq!(hits("\"枣花蜜\""), vec![id]);
    c.execute("DELETE FROM goods WHERE id = ?1", [id]).unwrap();
    assert!(hits("\"枣花蜜\"").is_empty());
    c.execute("INSERT INTO goods_fts(goods_fts) VALUES ('integrity-check')", []).unwrap();
}

#[test]
fn the_goods_row_mirrors_its_skus_stock_and_cheapest_price() {
    let c = fresh();
    let id = insert_goods(&c, &GoodsFields { name: "T恤".into(), ..GoodsFields::default() }, 1).unwrap();
    let sku = |key: &str, price, stores| SkuFields {
        property_child_ids: key.into(),
        price,
        original_price: price + 1000,
        stores,
        ..SkuFields::default()
    };
    insert_sku(&c, id, &sku("1:1,", 7900, 3)).unwrap();
    insert_sku(&c, id, &sku("1:2,", 6900, 5)).unwrap();
    let g = goods(&c, id).unwrap().unwrap();
    assert_eq!((g.fields.stores, g.fields.min_price, g.fields.original_price), (8, 6900, 7900));
    c.execute("UPDATE goods_skus SET stores = stores - 5 WHERE goods_id = ?1 AND price = 6900", [id])
        .unwrap();
    assert_eq!(goods(&c, id).unwrap().unwrap().fields.stores, 3);
    let below_zero = c.execute("UPDATE goods_skus SET stores = stores - 4 WHERE goods_id = ?1", [id]);
    assert!(below_zero.is_err(), "stock never goes below zero");
    c.execute("DELETE FROM goods_skus WHERE goods_id = ?1 AND price = 6900", [id]).unwrap();
    let g = goods(&c, id).unwrap().unwrap();
    assert_eq!((g.fields.stores, g.fields.min_price), (3, 7900));
}

#[test]
fn terms_of_three_characters_or_more_are_answered_from_the_trigram_index() {
    let c = fresh();
    let plan = |term: &str| -> String {
        let f = GoodsFilter { terms: vec![(TextField::Name, term.into())], ..GoodsFilter::default() };
        let (filter, args) = shelf_where(&f);
        let mut st =
            c.prepare(&format!("EXPLAIN QUERY PLAN SELECT g.id FROM goods g WHERE {filter}")).unwrap();
        let rows = st.query_map(params_from_iter(args.iter()), |r| r.get::<_, String>(3)).unwrap();
        rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("\n")
    };
    assert!(plan("槐蜂蜜").contains("goods_fts VIRTUAL TABLE INDEX"), "{}", plan("槐蜂蜜"));
    assert!(!plan("蜂蜜").contains("goods_fts"), "two characters fall back to LIKE");
}

/// The query plan of a page of ids for `f`, one line per step.
fn page_plan(c: &Connection, f: &GoodsFilter) -> String {
    let (filter, args) = shelf_where(f);
    let sql =
        format!("EXPLAIN QUERY PLAN SELECT g.id FROM goods g WHERE {filter} ORDER BY {}", f.order.sql());
    let mut st = c.prepare(&sql).unwrap();
    let rows = st.query_map(params_from_iter(args.iter()), |r| r.get::<_, String>(3)).unwrap();
    rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("\n")
}

#[test]
fn list_pages_walk_a_covering_index_in_every_order() {
    let c = fresh();
    let orders = [
        GoodsOrder::Shelf,
        GoodsOrder::PriceUp,
        GoodsOrder::PriceDown,
        GoodsOrder::OrdersUp,
        GoodsOrder::OrdersDown,
        GoodsOrder::AddedUp,
        GoodsOrder::AddedDown,
    ];
    for order in orders {
        // A category (with its subcategories): its own index, never a walk over the whole shelf.
        let f = GoodsFilter { category_ids: Some(vec![1, 2]), order, ..GoodsFilter::default() };
        let plan = page_plan(&c, &f);
        assert!(plan.contains("COVERING INDEX goods_category_"), "{order:?}: {plan}");
        // The whole shop: the order's own index, no sort of every goods.
        let plan = page_plan(&c, &GoodsFilter { order, ..GoodsFilter::default() });
        assert!(plan.contains("COVERING INDEX goods_shelf"), "{order:?}: {plan}");
        assert!(!plan.contains("TEMP B-TREE FOR ORDER BY"), "{order:?}: {plan}");
    }
}

#[test]
fn the_number_orders_step_takes_back_the_lines_counted_as_orders() {
    // A database just before the step, where a paid order of two SKUs counted twice.
    let step = crate::db::migrate::STEPS
        .iter()
        .position(|s| s.starts_with("-- number orders"))
        .expect("the number_orders step");
    let c = Connection::open_in_memory().unwrap();
    c.execute_batch(include_str!("../migrations/schema_v1.sql")).unwrap();
    for s in &crate::db::migrate::STEPS[..step] {
        c.execute_batch(s).unwrap();
    }
    let g = insert_goods(&c, &GoodsFields { name: "T恤".into(), ..GoodsFields::default() }, 1).unwrap();
    c.execute("UPDATE goods SET number_orders = 3 WHERE id = ?1", [g]).unwrap();
    c.execute("INSERT INTO users (id, date_add) VALUES (1, 1)", []).unwrap();
    for (id, paid) in [(1, Some(1)), (2, Some(1)), (3, None)] {
        c.execute(
            "INSERT INTO orders (id, order_number, user_id, amount_goods, amount_real, goods_number,
                                 peisong_type, date_add, date_update, date_pay)
             VALUES (?1, ?1, 1, 100, 100, 2, 'kd', 1, 1, ?2)",
            params![id, paid],
        )
        .unwrap();
    }
    // Order 1: two lines of the goods; order 2: one; order 3 (unpaid): two, never counted.
    for order in [1, 1, 2, 3, 3] {
        c.execute(
            "INSERT INTO order_goods (order_id, user_id, goods_id, goods_name, amount_single, amount,
                                      number, date_add)
             VALUES (?1, 1, ?2, 'T恤', 50, 50, 1, 1)",
            params![order, g],
        )
        .unwrap();
    }
    c.execute_batch(crate::db::migrate::STEPS[step]).unwrap();
    // Read the column itself: goods() reads tables later steps add.
    let n: i64 = c.query_row("SELECT number_orders FROM goods WHERE id = ?1", [g], |r| r.get(0)).unwrap();
    assert_eq!(n, 2);
}

#[test]
fn like_patterns_take_wildcards_literally() {
    assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
}
