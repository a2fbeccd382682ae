//! Rules that span tables or touch more than the database.

pub mod upload;
pub mod site;
