//! Request and response types, serialised exactly as DynamoDB's JSON (PascalCase fields).
//!
//! Required request members are `Option`s so a missing one gets DynamoDB's own error rather
//! than a deserialisation failure.

mod account;
mod batch;
mod capacity;
mod enums;
mod item;
mod partiql;
mod streams;
mod table;

pub use account::*;
pub use batch::*;
pub use capacity::*;
pub use enums::*;
pub use item::*;
pub use partiql::*;
pub use streams::*;
pub use table::*;
