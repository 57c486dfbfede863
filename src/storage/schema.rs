//! In-memory view of a table's schema: keys, indexes and the internal SQL names.

use crate::error::{Error, Result};
use crate::model::key::ScalarType;
use crate::types::{KeySchemaElement, KeyType, Projection, ProjectionType, TableDescription};
use std::collections::BTreeSet;

/// A key attribute and its type.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct KeyAttr {
    pub name: String,
    pub ty: ScalarType,
}

/// A primary or index key: hash and optional range attribute.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct KeyDef {
    pub hash: KeyAttr,
    pub range: Option<KeyAttr>,
}

impl KeyDef {
    /// Builds a key from a validated KeySchema and the table's AttributeDefinitions (a
    /// schema without a HASH element, as only a corrupt catalog could hold, is an error).
    pub fn from_schema(schema: &[KeySchemaElement], desc: &TableDescription) -> Result<KeyDef> {
        let attr = |e: &KeySchemaElement| {
            let name = e.attribute_name.clone().unwrap_or_default();
            let ty = desc
                .attribute_definitions
                .iter()
                .find(|d| d.attribute_name.as_deref() == Some(name.as_str()))
                .and_then(|d| d.attribute_type.as_deref().and_then(ScalarType::parse))
                .unwrap_or(ScalarType::S);
            KeyAttr { name, ty }
        };
        let hash = schema
            .iter()
            .find(|e| e.key_type.as_deref().and_then(KeyType::parse) == Some(KeyType::Hash))
            .map(attr)
            .ok_or_else(|| Error::internal("a key schema has no HASH element"))?;
        let range = schema
            .iter()
            .find(|e| e.key_type.as_deref().and_then(KeyType::parse) == Some(KeyType::Range))
            .map(attr);
        Ok(KeyDef { hash, range })
    }

    /// The key attributes, hash first.
    pub fn attrs(&self) -> impl Iterator<Item = &KeyAttr> {
        std::iter::once(&self.hash).chain(self.range.as_ref())
    }

    /// True if `name` is one of this key's attributes.
    pub fn has(&self, name: &str) -> bool {
        self.attrs().any(|a| a.name == name)
    }
}

/// Which attributes an index stores besides its keys.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ProjectionKind {
    All,
    KeysOnly,
    Include(BTreeSet<String>),
}

impl ProjectionKind {
    pub fn from_projection(p: &Projection) -> ProjectionKind {
        match p.projection_type.as_deref().and_then(ProjectionType::parse) {
            Some(ProjectionType::All) => ProjectionKind::All,
            Some(ProjectionType::Include) => {
                ProjectionKind::Include(p.non_key_attributes.iter().flatten().cloned().collect())
            }
            Some(ProjectionType::KeysOnly) | None => ProjectionKind::KeysOnly,
        }
    }
}

/// A secondary index.
#[derive(Clone, Debug)]
pub(crate) struct IndexMeta {
    pub name: String,
    pub global: bool,
    pub key: KeyDef,
    pub projection: ProjectionKind,
    /// Internal index number, unique within its table.
    pub number: i64,
    /// Internal SQLite names and statements (never user text).
    pub sql: IndexSql,
    pub item_count: i64,
    pub size_bytes: i64,
}

/// A table's internal SQLite name and its hot statements, built once per table.
#[derive(Clone, Debug)]
pub(crate) struct TableSql {
    pub name: String,
    pub select: String,
    pub upsert: String,
    pub delete: String,
}

impl TableSql {
    pub fn new(id: i64) -> TableSql {
        let name = format!("t{id}");
        TableSql {
            select: format!("SELECT item, size FROM {name} WHERE pk = ?1 AND sk = ?2"),
            upsert: format!(
                "INSERT OR REPLACE INTO {name} (pk, sk, size, item) VALUES (?1, ?2, ?3, ?4)"
            ),
            delete: format!("DELETE FROM {name} WHERE pk = ?1 AND sk = ?2"),
            name,
        }
    }
}

/// An index's internal SQLite name and its hot statements.
#[derive(Clone, Debug)]
pub(crate) struct IndexSql {
    pub name: String,
    pub insert: String,
    pub update: String,
    pub delete: String,
}

impl IndexSql {
    pub fn new(table_id: i64, number: i64) -> IndexSql {
        let name = format!("t{table_id}_x{number}");
        let key = "ipk = ?1 AND isk = ?2 AND pk = ?3 AND sk = ?4";
        IndexSql {
            insert: format!(
                "INSERT OR REPLACE INTO {name} (ipk, isk, pk, sk, size) VALUES (?1, ?2, ?3, ?4, ?5)"
            ),
            update: format!("UPDATE {name} SET size = ?5 WHERE {key}"),
            delete: format!("DELETE FROM {name} WHERE {key}"),
            name,
        }
    }
}

impl IndexMeta {
    /// True if the index stores attribute `name` (keys of table and index always).
    pub fn projects(&self, table_key: &KeyDef, name: &str) -> bool {
        match &self.projection {
            ProjectionKind::All => true,
            _ if table_key.has(name) || self.key.has(name) => true,
            ProjectionKind::KeysOnly => false,
            ProjectionKind::Include(set) => set.contains(name),
        }
    }
}

/// A table's schema, counters and internal names.
#[derive(Clone, Debug)]
pub(crate) struct TableMeta {
    pub id: i64,
    pub desc: TableDescription,
    pub key: KeyDef,
    pub indexes: Vec<IndexMeta>,
    pub next_index_id: i64,
    /// Internal SQLite names and statements (never user text).
    pub sql: TableSql,
    pub item_count: i64,
    pub size_bytes: i64,
    /// The enabled stream's internal id.
    pub stream: Option<i64>,
    /// The TTL setting, while enabled.
    pub ttl: Option<super::ttl::TtlMeta>,
    /// Tags (key, value), in the order first added.
    pub tags: Vec<(String, String)>,
}

impl TableMeta {
    /// The description with live counters filled in.
    pub fn describe(&self) -> TableDescription {
        let mut d = self.desc.clone();
        d.item_count = self.item_count;
        d.table_size_bytes = self.size_bytes;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let today = |pt: &mut crate::types::ProvisionedThroughputDescription| {
            pt.number_of_decreases_today = pt.decreases_on(now);
        };
        today(&mut d.provisioned_throughput);
        for list in [
            &mut d.global_secondary_indexes,
            &mut d.local_secondary_indexes,
        ]
        .into_iter()
        .flatten()
        {
            for ix in list.iter_mut() {
                if let Some(pt) = ix.provisioned_throughput.as_mut() {
                    today(pt);
                }
                if let Some(m) = self.indexes.iter().find(|m| m.name == ix.index_name) {
                    ix.item_count = m.item_count;
                    ix.index_size_bytes = m.size_bytes;
                }
            }
        }
        d
    }
}
