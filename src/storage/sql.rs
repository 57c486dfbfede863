//! SQL as storage runs it: text built only from fixed fragments, every value a bound
//! parameter ([`Lowered`]), and the encoded key range a Query reads ([`KeyRange`]). The
//! expression compiler produces both; storage turns them into statements.

use rusqlite::types::Value;
use std::fmt::Write;
use std::ops::Bound;

/// SQL text with parameter slots, numbered when rendered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lowered {
    parts: Vec<Part>,
    /// The bound parameters, in slot order.
    pub params: Vec<Value>,
}

#[derive(Clone, Debug, PartialEq)]
enum Part {
    Text(&'static str),
    Param(usize),
}

impl Lowered {
    /// The SQL with slots numbered from `?{first}`.
    pub fn sql(&self, first: usize) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Param(i) => {
                    let _ = write!(out, "?{}", first + i);
                }
            }
        }
        out
    }

    /// Appends a fixed fragment of SQL text.
    pub(crate) fn text(&mut self, t: &'static str) {
        self.parts.push(Part::Text(t));
    }

    /// Appends a parameter slot bound to `v`.
    pub(crate) fn param(&mut self, v: Value) {
        self.parts.push(Part::Param(self.params.len()));
        self.params.push(v);
    }
}

/// The key range a Query reads, as encoded key bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyRange {
    /// The partition key's name.
    pub hash_name: String,
    /// The sort key's name, when the table or index has one.
    pub sort_name: Option<String>,
    /// The partition key value.
    pub hash: Vec<u8>,
    /// Lower bound on the sort key.
    pub lower: Bound<Vec<u8>>,
    /// Upper bound on the sort key.
    pub upper: Bound<Vec<u8>>,
}

impl std::fmt::Display for KeyRange {
    /// `pk = x'..'`, then the sort key's interval over encoded bytes, e.g. `sk in [x'61', x'62')`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} = {}",
            self.hash_name,
            crate::model::key::hex(&self.hash)
        )?;
        if matches!(
            (&self.lower, &self.upper),
            (Bound::Unbounded, Bound::Unbounded)
        ) {
            return Ok(());
        }
        let name = self.sort_name.as_deref().unwrap_or("sk");
        let lo = match &self.lower {
            Bound::Included(b) => format!("[{}", crate::model::key::hex(b)),
            Bound::Excluded(b) => format!("({}", crate::model::key::hex(b)),
            Bound::Unbounded => "(-inf".to_string(),
        };
        let hi = match &self.upper {
            Bound::Included(b) => format!("{}]", crate::model::key::hex(b)),
            Bound::Excluded(b) => format!("{})", crate::model::key::hex(b)),
            Bound::Unbounded => "+inf)".to_string(),
        };
        write!(f, " AND {name} in {lo}, {hi}")
    }
}
