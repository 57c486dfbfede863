//! Dynoxide: a DynamoDB emulator backed by SQLite.
//!
//! ```
//! use dynoxide::Database;
//! use serde_json::json;
//!
//! let db = Database::memory().unwrap();
//! db.execute("CreateTable", json!({
//!     "TableName": "users",
//!     "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
//!     "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
//!     "BillingMode": "PAY_PER_REQUEST"
//! })).unwrap();
//! db.execute("PutItem", json!({"TableName": "users", "Item": {"id": {"S": "u1"}}})).unwrap();
//! let got = db.execute("GetItem", json!({"TableName": "users", "Key": {"id": {"S": "u1"}}})).unwrap();
//! assert_eq!(got, json!({"Item": {"id": {"S": "u1"}}}));
//! ```

pub mod compressed;
mod db;
mod engine;
pub mod error;
pub mod explain;
pub mod expr;
pub mod import;
pub mod mcp;
pub mod model;
mod ops;
pub mod partiql;
pub mod server;
#[path = "../sqlfuncs/mod.rs"]
pub mod sqlfuncs;
mod storage;
pub mod types;
mod validate;
pub mod wire;

pub use db::{Database, Loaded, Operation, SnapshotInfo, DEFAULT_REGION};
pub use error::{Error, ErrorCode, Result};
pub use model::{AttributeValue, Item, Number};
