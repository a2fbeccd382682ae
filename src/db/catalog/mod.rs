//! The catalogue: categories, goods, their pictures, specs (properties and values) and SKUs.
//!
//! Money is fen, weight grams. For goods with SKUs the goods row's stock and lowest prices follow
//! its SKUs through triggers (schema.sql), and the goods' words follow into the trigram index
//! `goods_fts` the same way, so no function here has to remember either. The merchant's writes
//! are single-table too: cross-table rules live in service::catalog.

mod categories;
mod goods;
mod pictures;
mod search;
mod skus;
mod specs;
#[cfg(test)]
mod tests;

pub use categories::*;
pub use goods::*;
pub use pictures::*;
pub use search::*;
pub use skus::*;
pub use specs::*;
