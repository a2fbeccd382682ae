//! The test library: the app on a loopback port, one client per surface (the mini-program API,
//! the merchant API, the console) and builders that arrange state through the shop's own
//! functions, so a test reads as Arrange / Act / Assert without raw SQL.

mod app;
mod builders;
mod console;
mod jobs;
mod merchant;
mod shopper;

pub use app::*;
pub use builders::*;
pub use console::*;
pub use jobs::*;
pub use merchant::*;
pub use shopper::*;
