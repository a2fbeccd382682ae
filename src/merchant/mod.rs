//! The merchant API: JSON under /admin/api/v1 with `Authorization: Bearer <key>`.

use rocket::{Catcher, Route};

pub fn routes() -> Vec<Route> {
    Vec::new()
}

pub fn catchers() -> Vec<Catcher> {
    Vec::new()
}
