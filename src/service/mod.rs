//! Rules that span tables or touch more than the database.

pub mod account;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod cms;
pub mod codes;
pub mod identity;
pub mod ledger;
pub mod levels;
pub mod message;
pub mod order_admin;
pub mod orders;
pub mod reputation;
pub mod site;
pub mod social;
pub mod upload;
