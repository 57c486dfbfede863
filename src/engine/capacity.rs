//! ConsumedCapacity: read and write units shaped as DynamoDB reports them for
//! ReturnConsumedCapacity NONE, TOTAL or INDEXES.

use crate::storage::schema::{IndexMeta, TableMeta};
use crate::storage::write::IndexUnits;
use crate::types::{Capacity, ConsumedCapacity};
use std::collections::BTreeMap;

/// ReturnConsumedCapacity, parsed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ReturnCapacity {
    None,
    Total,
    Indexes,
}

impl ReturnCapacity {
    /// The member's value (already checked against the enum; anything else is NONE).
    pub fn parse(v: Option<&str>) -> ReturnCapacity {
        match v {
            Some("TOTAL") => ReturnCapacity::Total,
            Some("INDEXES") => ReturnCapacity::Indexes,
            _ => ReturnCapacity::None,
        }
    }

    /// The capacity of a Query or Scan page (see [`read_capacity`]).
    pub fn read(
        self,
        t: &TableMeta,
        index: Option<&IndexMeta>,
        units: f64,
    ) -> Option<ConsumedCapacity> {
        read_capacity(self, t, index, units)
    }
}

/// Read units for an item size: 4 KB units, halved for eventually consistent reads.
pub(crate) fn read_units(size: usize, consistent: bool) -> f64 {
    let units = size.div_ceil(4096).max(1) as f64;
    if consistent {
        units
    } else {
        units / 2.0
    }
}

/// How ConsumedCapacity labels its units: transactions also report them as reads or writes.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Split {
    No,
    Read,
    Write,
}

fn capacity(units: f64, split: Split) -> Capacity {
    Capacity {
        capacity_units: units,
        read_capacity_units: (split == Split::Read).then_some(units),
        write_capacity_units: (split == Split::Write).then_some(units),
    }
}

/// Builds ConsumedCapacity for NONE / TOTAL / INDEXES.
pub(crate) fn consumed(
    mode: ReturnCapacity,
    table: &str,
    table_units: f64,
    index_units: &[IndexUnits],
) -> Option<ConsumedCapacity> {
    consumed_split(mode, table, table_units, index_units, Split::No)
}

/// [`consumed`], with units labelled as reads or writes.
pub(crate) fn consumed_split(
    mode: ReturnCapacity,
    table: &str,
    table_units: f64,
    index_units: &[IndexUnits],
    split: Split,
) -> Option<ConsumedCapacity> {
    if mode == ReturnCapacity::None {
        return None;
    }
    let total = table_units + index_units.iter().map(|i| i.units).sum::<f64>();
    let whole = capacity(total, split);
    let base = ConsumedCapacity {
        table_name: table.to_string(),
        capacity_units: total,
        read_capacity_units: whole.read_capacity_units,
        write_capacity_units: whole.write_capacity_units,
        ..Default::default()
    };
    match mode {
        ReturnCapacity::Total => Some(base),
        ReturnCapacity::Indexes => {
            let pick = |global: bool| {
                let mut m: BTreeMap<String, Capacity> = BTreeMap::new();
                for i in index_units.iter().filter(|i| i.global == global) {
                    let c = m
                        .entry(i.index.clone())
                        .or_insert_with(|| capacity(0.0, split));
                    *c = capacity(c.capacity_units + i.units, split);
                }
                (!m.is_empty()).then_some(m)
            };
            Some(ConsumedCapacity {
                table: Some(capacity(table_units, split)),
                global_secondary_indexes: pick(true),
                local_secondary_indexes: pick(false),
                ..base
            })
        }
        ReturnCapacity::None => None,
    }
}

/// The sum of two reports of consumed capacity on the same table.
pub(crate) fn add_capacity(
    a: Option<ConsumedCapacity>,
    b: Option<ConsumedCapacity>,
) -> Option<ConsumedCapacity> {
    let (mut a, b) = match (a, b) {
        (Some(a), Some(b)) => (a, b),
        (a, b) => return a.or(b),
    };
    let sum = |x: &mut Option<f64>, y: Option<f64>| {
        if let Some(y) = y {
            *x = Some(x.unwrap_or(0.0) + y);
        }
    };
    let add = |x: &mut Capacity, y: &Capacity| {
        x.capacity_units += y.capacity_units;
        sum(&mut x.read_capacity_units, y.read_capacity_units);
        sum(&mut x.write_capacity_units, y.write_capacity_units);
    };
    a.capacity_units += b.capacity_units;
    sum(&mut a.read_capacity_units, b.read_capacity_units);
    sum(&mut a.write_capacity_units, b.write_capacity_units);
    if let Some(t) = &b.table {
        add(a.table.get_or_insert_with(Capacity::default), t);
    }
    for (mine, theirs) in [
        (&mut a.global_secondary_indexes, &b.global_secondary_indexes),
        (&mut a.local_secondary_indexes, &b.local_secondary_indexes),
    ] {
        for (name, c) in theirs.iter().flatten() {
            add(
                mine.get_or_insert_with(Default::default)
                    .entry(name.clone())
                    .or_default(),
                c,
            );
        }
    }
    Some(a)
}

/// ConsumedCapacity of a Query or Scan: reading an index charges the index, not the table.
pub(crate) fn read_capacity(
    mode: ReturnCapacity,
    t: &TableMeta,
    index: Option<&IndexMeta>,
    units: f64,
) -> Option<ConsumedCapacity> {
    match index {
        None => consumed(mode, &t.desc.table_name, units, &[]),
        Some(ix) => consumed(
            mode,
            &t.desc.table_name,
            0.0,
            &[IndexUnits {
                index: ix.name.clone(),
                global: ix.global,
                units,
            }],
        ),
    }
}
