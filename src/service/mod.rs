//! Rules that span tables or touch more than the database.

pub mod account;
pub mod additions;
pub mod attempts;
pub mod audit;
pub mod calendar;
pub mod cards;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod cms;
pub mod codes;
pub mod coupons;
pub mod deposit;
pub mod error;
pub mod fetch;
pub mod freight;
pub mod funds;
// distribution (三级分销)
pub mod fx;
// partners, per-goods commission, claw-back, targets
pub mod fx_rules;
pub mod identity;
pub mod invoice;
pub mod partner;
// bargain (kanjia)
pub mod kanjia;
// group buy (pingtuan)
pub mod kefu;
pub mod ledger;
pub mod levels;
pub mod limits;
pub mod media_check;
pub mod member_code;
pub mod message;
pub mod order;
pub mod order_admin;
pub mod outbox;
pub mod password;
pub mod pay_bill;
pub mod pay_password;
pub mod payment;
pub mod pingtuan;
pub mod points;
pub mod publish;
pub mod qr;
pub mod reputation;
pub mod security;
pub mod shops;
pub mod site;
pub mod social;
pub mod tiers;
pub mod upload;
pub mod video;
pub mod virtual_goods;
pub mod wechat_refund;
pub mod withdraw;
pub mod wxcodes;
// the templates' remaining pages
pub mod level_monthly;
pub mod number_bomb;
// cards paying at checkout, and checkout's deal prices (bargain, group)
pub mod card_pay;
pub mod checkout_deals;
// waiting for sold-out goods
pub mod stock_notice;
// the console's activity pages
pub mod activity_page;
