//! Rules that span tables or touch more than the database.

pub mod account;
pub mod ledger;
pub mod levels;
pub mod site;
pub mod upload;
