//! `explain`: how a request becomes SQL. The same planning code as the real operation runs,
//! so what it prints is what would execute: the parsed IR, the optimised plan, the SQL with
//! its bound parameters, and SQLite's query plan for it. [`crate::Database::explain`] and the
//! `dynoxide explain` command are its front doors.

pub use crate::engine::explain::Explain;
