//! Rules that span tables or touch more than the database.

pub mod account;
pub mod catalog;
pub mod site;
pub mod upload;
