//! The explanation of a request: what `explain` prints, built by the operations from the same
//! plan their `run` executes.

use rusqlite::types::Value;
use serde::Serialize;
use std::fmt;

/// The explanation of one request.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explain {
    /// The expressions as parsed into the IR (placeholders resolved), one per line.
    pub ir: String,
    /// The plan after optimisation: what is read, the key range, the optimised filter.
    pub optimized_ir: String,
    /// The SQL statement that runs.
    pub sql: String,
    /// Its bound parameters, `?1` first, as SQL literals (blobs in hex).
    pub params: Vec<String>,
    /// SQLite's EXPLAIN QUERY PLAN, one step per entry, indented by depth.
    pub plan: Vec<String>,
}

/// A bound parameter as a SQL literal.
pub(crate) fn literal(v: &Value) -> String {
    match v {
        Value::Null => "NULL".to_string(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Text(t) => format!("'{}'", t.replace('\'', "''")),
        Value::Blob(b) => crate::model::key::hex(b),
    }
}

impl fmt::Display for Explain {
    /// The readable form: one titled section per part.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let section = |f: &mut fmt::Formatter<'_>, title: &str, body: &str| {
            writeln!(f, "{title}:")?;
            for line in body.lines() {
                writeln!(f, "  {line}")?;
            }
            writeln!(f)
        };
        section(f, "IR", &self.ir)?;
        section(f, "Optimized IR", &self.optimized_ir)?;
        section(f, "SQL", &self.sql)?;
        let params: Vec<String> = self
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| format!("?{} = {p}", i + 1))
            .collect();
        section(f, "Params", &params.join("\n"))?;
        writeln!(f, "Query plan:")?;
        for line in &self.plan {
            writeln!(f, "  {line}")?;
        }
        Ok(())
    }
}
