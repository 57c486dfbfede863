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

#[cfg(all(feature = "native-sqlite", feature = "encryption"))]
compile_error!(
    "the features native-sqlite and encryption are mutually exclusive (SQLCipher replaces SQLite): \
     build with --no-default-features and one of native-sqlite, encryption, encrypted-server or \
     encrypted-full"
);
#[cfg(not(any(feature = "native-sqlite", feature = "encryption")))]
compile_error!(
    "pick a SQLite: the feature native-sqlite (bundled SQLite, a default) or encryption (SQLCipher)"
);

#[cfg(feature = "compressed")]
pub mod compressed;
mod db;
mod engine;
pub mod error;
pub mod explain;
pub mod expr;
#[cfg(feature = "import")]
pub mod import;
#[cfg(feature = "mcp-server")]
pub mod mcp;
pub mod model;
mod ops;
pub mod partiql;
#[cfg(feature = "http-server")]
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
pub use storage::cipher::EncryptionKey;
