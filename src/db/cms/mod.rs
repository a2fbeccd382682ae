//! The CMS: article categories, articles (with their trigram index), pages, favourites, votes and
//! comments. The articles' counters (favs, votes, shown comments) follow their rows through
//! triggers (schema.sql), so no function here has to remember them; views are counted here.

mod articles;
mod categories;
mod comments;
mod favs;
mod pages;
mod signs;
mod votes;

pub use articles::*;
pub use categories::*;
pub use comments::*;
pub use favs::*;
pub use pages::*;
pub use signs::*;
pub use votes::*;
