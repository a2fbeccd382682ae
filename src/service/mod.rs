//! Rules that span tables or touch more than the database.

pub mod account;
pub mod additions;
pub mod calendar;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod cms;
pub mod codes;
pub mod coupons;
pub mod freight;
pub mod identity;
pub mod ledger;
pub mod levels;
pub mod limits;
pub mod message;
pub mod orders;
pub mod publish;
pub mod reputation;
pub mod security;
pub mod shops;
pub mod site;
pub mod social;
pub mod tiers;
pub mod upload;
pub mod video;
pub mod virtual_goods;
