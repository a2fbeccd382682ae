//! 新增商品 / 编辑商品: the goods editor. The whole editor state (fields, gallery, specs, the SKU
//! table) travels in one form, so every button — upload, move a picture, 生成规格组合, save —
//! works without JavaScript and nothing the merchant typed is lost when an edit is refused.
//! Saving goes through service::catalog (add_goods / replace_goods) in one transaction.
//!
//! Stock is also changed by shoppers' orders while the page is open, so each stock field carries
//! the value the page showed (`stores_was`): a stock left as shown is left to the orders, a new
//! number is written only if the stock is still what the page showed (else the save is refused
//! with the stock now beside what was typed), and "+10" / "-2" change it by that much.

mod form;
mod goods;
pub(super) mod pages;
mod press;
mod specs;

#[cfg(test)]
mod tests {
    use super::form::*;
    use super::goods::*;
    use super::press::*;
    use super::specs::*;
    use crate::db::catalog::GoodsFields;
    use crate::service::catalog::Stock;

    fn spec(name: &str, values: &str) -> SpecInput {
        SpecInput { name: name.into(), values: values.into() }
    }

    #[test]
    fn spec_values_split_on_any_comma_and_duplicates_are_refused() {
        assert_eq!(split_values("白, 黑，红、蓝\n绿"), ["白", "黑", "红", "蓝", "绿"]);
        assert!(read_specs(&[spec("颜色", "白,白")]).unwrap_err().contains("重复"));
        assert!(read_specs(&[spec("颜色", "白"), spec("颜色", "黑")]).unwrap_err().contains("重复"));
        assert!(read_specs(&[spec("", "白")]).unwrap_err().contains("规格名"));
        assert!(read_specs(&[spec("颜色", " ")]).unwrap_err().contains("至少"));
        assert_eq!(read_specs(&[spec("", ""), spec("尺码", "M,L")]).unwrap().len(), 1);
    }

    #[test]
    fn regenerating_keeps_typed_rows_and_adds_blank_ones() {
        let specs = read_specs(&[spec("颜色", "白,黑"), spec("尺码", "M")]).unwrap();
        let old = vec![SkuInput {
            combo: r#"["白","M"]"#.into(),
            price: "9.90".into(),
            stores: "7".into(),
            ..<SkuInput as Default>::default()
        }];
        let rows = regenerate(&specs, &old, "250").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].price.as_str(), rows[0].stores.as_str()), ("9.90", "7"));
        assert_eq!((rows[1].combo.as_str(), rows[1].price.as_str()), (r#"["黑","M"]"#, ""));
        assert_eq!(rows[1].weight, "250");
        let many = read_specs(&[
            spec("a", "1,2,3,4,5,6,7,8,9,10,11"),
            spec("b", "1,2,3,4,5,6,7,8,9,10"),
            spec("c", "1,2,3,4,5,6,7,8,9,10"),
        ])
        .unwrap();
        assert!(regenerate(&many, &[], "0").unwrap_err().contains("1000"));
    }

    #[test]
    fn pictures_move_and_images_go_in_at_the_caret() {
        let mut pics = vec!["a".to_string(), "b".into(), "c".into()];
        assert!(move_picture(&mut pics, "pic-up:2"));
        assert_eq!(pics, ["a", "c", "b"]);
        assert!(move_picture(&mut pics, "pic-down:2"));
        assert!(move_picture(&mut pics, "pic-remove:0"));
        assert_eq!(pics, ["c", "b"]);
        assert!(!move_picture(&mut pics, "save"));
        let tag = "<p><img src=\"/u/x.png\" alt=\"\"></p>";
        assert_eq!(insert_image("<p>好茶</p>", "4", "/u/x.png"), (format!("<p>好{tag}茶</p>"), 4 + 34));
        assert_eq!(insert_image("x", "", "/u/x.png"), (format!("x{tag}"), 35));
        assert_eq!(insert_image("x", "99", "/u/x.png").1, 35);
    }

    #[test]
    fn saving_too_many_combinations_says_so() {
        let specs = vec![
            spec("a", "1,2,3,4,5,6,7,8,9,10,11"),
            spec("b", "1,2,3,4,5,6,7,8,9,10"),
            spec("c", "1,2,3,4,5,6,7,8,9,10"),
        ];
        let f = Fields { name: "x".into(), ..<Fields as Default>::default() };
        let e = Editor { f, specs, ..Editor::default() };
        assert!(to_new_goods(&e, GoodsFields::default()).unwrap_err().contains("1000"));
    }

    #[test]
    fn stock_is_typed_as_a_number_against_what_the_page_showed_or_as_a_change() {
        let typed = |text: &str, was: &str| stock_typed("库存", text, was);
        assert_eq!(typed("5", "5"), Ok(Stock::Keep), "left as shown: the orders' stock stands");
        assert_eq!(typed(" ", "5"), Ok(Stock::Keep));
        assert_eq!(typed("12", "5"), Ok(Stock::Set { to: 12, was: 5 }));
        assert_eq!(typed("7", ""), Ok(Stock::Set { to: 7, was: 0 }));
        assert_eq!(typed("+10", "5"), Ok(Stock::Add(10)));
        assert_eq!(typed("＋3", "5"), Ok(Stock::Add(3)));
        assert_eq!(typed("-2", "5"), Ok(Stock::Add(-2)));
        assert_eq!(typed("+0", "5"), Ok(Stock::Keep));
        for bad in ["x", "--2", "+", "1.5", "+-1"] {
            assert!(typed(bad, "5").unwrap_err().contains("应为整数"), "{bad}");
        }
    }

    #[test]
    fn money_checks_say_what_is_wrong() {
        assert!(form_fen("价格", "-1", None).unwrap_err().contains("有效金额"));
        assert!(form_fen("价格", "abc", None).unwrap_err().contains("有效金额"));
        assert!(form_fen("价格", "", None).unwrap_err().contains("请填写"));
        assert_eq!(form_fen("价格", "19.9", None), Ok(1990));
        assert!(check_original("", 1000, 900).unwrap_err().contains("不能低于售价"));
        assert!(check_original("", 1000, 0).is_ok());
        assert!(whole("库存", "-3", 0, 0).unwrap_err().contains("负数"));
    }
}
