//! The engine: what operations share below the request level. Items checked against their
//! table's schema (`item`) and the one update evaluator (`update`); the write pipeline it
//! feeds is `storage::write::WriteBatch`.

pub(crate) mod bulk;
pub(crate) mod capacity;
pub(crate) mod explain;
pub(crate) mod handle;
pub(crate) mod item;
pub(crate) mod page;
pub(crate) mod plan;
pub(crate) mod tokens;
pub(crate) mod ttl;
pub(crate) mod update;
