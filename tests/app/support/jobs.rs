//! Jobs run by hand and what the WeChat sandbox received: the outbox of subscription messages.

use serde_json::Value;
use xiaodian::db::outbox as store;
use xiaodian::db::unix_now;
use xiaodian::jobs::outbox::{self as job, Drained};
use xiaodian::service::ledger::Account;
use xiaodian::service::outbox::{save_template, FieldMap, TemplateInput};
use xiaodian::wechat::WeChat;

use super::{assert_code, create, one_line, order_id, TestApp};

const CONTROL: &str = "/sandbox/wechat/control/messages";

/// One field of a message template: its key, label, where its value comes from, fixed text.
pub fn template_field(key: &str, label: &str, source: &str, text: &str) -> FieldMap {
    FieldMap { key: key.into(), label: label.into(), source: source.into(), text: text.into() }
}

impl TestApp {
    /// Maps an event to a template with the given keys.
    pub fn map_event(&self, event: &str, template_id: &str, page: &str, fields: Vec<FieldMap>) {
        let input = TemplateInput {
            event: event.into(),
            template_id: template_id.into(),
            page: page.into(),
            enabled: true,
            fields,
        };
        self.write(|c| save_template(c, &input, unix_now()));
    }

    /// The order-paid mapping most tests use.
    pub fn map_paid(&self) {
        self.map_event(
            "order_paid",
            "TPL_PAID",
            "pages/order-details/index",
            vec![
                template_field("character_string1", "订单号", "order_number", ""),
                template_field("thing2", "商品", "goods_name", ""),
                template_field("amount3", "金额", "amount", ""),
                template_field("time4", "支付时间", "time", ""),
                template_field("phrase5", "状态", "status", ""),
            ],
        );
    }

    /// One run of the outbox job at `now`, with a WeChat client of its own (as after a restart).
    pub fn drain_at(&self, now: i64) -> Drained {
        let wechat = WeChat::new(&self.cfg, self.db.clone(), self.settings.clone());
        job::run_once(&self.db, &wechat, now).unwrap()
    }

    pub fn drain(&self) -> Drained {
        self.drain_at(unix_now())
    }

    pub fn received(&self) -> Value {
        self.sandbox_get(CONTROL, &[("limit", "1000")])
    }

    pub fn faults(&self, body: Value) {
        assert_eq!(self.sandbox_post(CONTROL, &body)["errcode"], 0);
    }

    pub fn outbox(&self) -> Vec<store::MessageRow> {
        self.query(|c| store::page(c, &store::Filter::default(), 0, 1000)).0
    }

    /// A shopper logged in through WeChat with a paid one-line order; (uid, token, order id).
    pub fn paid_by_wechat_shopper(&self, code: &str, goods_name: &str) -> (i64, String, String) {
        let (uid, token) = self.login_wechat(code);
        let goods = self.goods().name(goods_name).price(1990).stock(10).create();
        self.credit(uid, Account::Balance, 100_000);
        let res = create(self, &token, &one_line(goods, 1, ""), &[]);
        let id = order_id(&res);
        assert_code(&self.post("/shop/order/pay", &[("token", &token), ("orderId", &id)]), 0);
        (uid, token, id)
    }
}
