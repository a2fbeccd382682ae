//! Rules that span tables or touch more than the database.

pub mod account;
pub mod catalog;
pub mod cms;
pub mod codes;
pub mod coupons;
pub mod identity;
pub mod ledger;
pub mod levels;
pub mod message;
pub mod reputation;
pub mod site;
pub mod social;
pub mod upload;
pub mod virtual_goods;
