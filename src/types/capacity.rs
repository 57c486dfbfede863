use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Capacity units consumed by one table or index.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Capacity {
    /// Units consumed.
    pub capacity_units: f64,
    /// Read units (transactions report reads and writes apart).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_capacity_units: Option<f64>,
    /// Write units (transactions report reads and writes apart).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_capacity_units: Option<f64>,
}

/// `ConsumedCapacity` as DynamoDB reports it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConsumedCapacity {
    /// The table the units were consumed on.
    pub table_name: String,
    /// Total units (table plus indexes).
    pub capacity_units: f64,
    /// Read units (transactions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_capacity_units: Option<f64>,
    /// Write units (transactions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_capacity_units: Option<f64>,
    /// Table-only units (INDEXES).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<Capacity>,
    /// Per-GSI units (INDEXES).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_secondary_indexes: Option<BTreeMap<String, Capacity>>,
    /// Per-LSI units (INDEXES).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_secondary_indexes: Option<BTreeMap<String, Capacity>>,
}
