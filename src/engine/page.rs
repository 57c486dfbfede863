//! One page of a Query or Scan: the rows a plan's statement yields, counted against Limit and
//! the 1 MB page on evaluated items, kept in the stored format or decoded and projected, with
//! the LastEvaluatedKey where the page stopped and the capacity it cost.

use super::capacity::ReturnCapacity;
use super::plan::Select;
use crate::error::Result;
use crate::expr::projection;
use crate::model::codec::decode_item;
use crate::model::value::Item;
use crate::storage::read::{ReadSql, View};
use crate::storage::schema::{IndexMeta, ProjectionKind, TableMeta};

/// DynamoDB stops a page after reading this many bytes.
const PAGE_BYTES: usize = 1024 * 1024;

/// Collects one page of a Query or Scan: Limit and the 1 MB page count evaluated items.
pub(crate) struct Page<'a> {
    t: &'a TableMeta,
    index: Option<&'a IndexMeta>,
    limit: usize,
    /// What earlier pages of the same read already evaluated (PartiQL over several partitions).
    spent: Spent,
    count_only: bool,
    all_attributes: bool,
    paths: Option<Vec<crate::expr::ir::Path>>,
    /// Keep passing items in the stored format: the wire path, with nothing projected away.
    stored: bool,
    items: Vec<PageItem>,
    scanned: usize,
    passed: usize,
    bytes: usize,
    last: Option<Item>,
}

/// An item of a page: still in the stored format (the wire path writes it as JSON straight
/// from its bytes), or decoded.
pub(crate) enum PageItem {
    Stored(Vec<u8>),
    Decoded(Item),
}

impl PageItem {
    /// Looks up one item by its encoded key, kept stored or decoded; with its size.
    pub fn get(
        state: &View<'_>,
        t: &TableMeta,
        (pk, sk): (&[u8], &[u8]),
        stored: bool,
    ) -> Result<Option<(PageItem, usize)>> {
        Ok(if stored {
            state
                .get_stored_item(t, pk, sk)?
                .map(|(raw, size)| (PageItem::Stored(raw), size))
        } else {
            state
                .get_item(t, pk, sk)?
                .map(|(item, size)| (PageItem::Decoded(item), size))
        })
    }

    /// The item decoded.
    pub fn into_item(self) -> Result<Item> {
        match self {
            PageItem::Stored(raw) => decode_item(&raw),
            PageItem::Decoded(item) => Ok(item),
        }
    }
}

impl serde::Serialize for PageItem {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            PageItem::Stored(raw) => crate::model::codec::StoredItem(raw).serialize(ser),
            PageItem::Decoded(item) => item.serialize(ser),
        }
    }
}

/// A finished page; serialises as the Query and Scan response.
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PageOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<PageItem>>,
    pub count: i64,
    pub scanned_count: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated_key: Option<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumed_capacity: Option<crate::types::ConsumedCapacity>,
    /// Bytes evaluated (what the 1 MB page limit counts).
    #[serde(skip)]
    pub bytes: usize,
}

/// What a read of several pages in one (PartiQL SELECT over several partitions) has evaluated.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Spent {
    scanned: usize,
    bytes: usize,
}

impl Spent {
    /// Counts a finished page.
    pub fn add(&mut self, page: &PageOut) {
        self.scanned += page.scanned_count as usize;
        self.bytes += page.bytes;
    }
}

impl PageOut {
    /// The items decoded, for the typed API.
    pub fn items(&mut self) -> Result<Option<Vec<Item>>> {
        self.items
            .take()
            .map(|v| v.into_iter().map(PageItem::into_item).collect())
            .transpose()
    }
}

impl<'a> Page<'a> {
    pub fn new(
        t: &'a TableMeta,
        index: Option<&'a IndexMeta>,
        limit: Option<i32>,
        select: Select,
        paths: Option<Vec<crate::expr::ir::Path>>,
    ) -> Page<'a> {
        Page {
            t,
            index,
            limit: limit.map_or(usize::MAX, |l| l as usize),
            spent: Spent::default(),
            count_only: select == Select::Count,
            all_attributes: select == Select::AllAttributes,
            paths,
            stored: false,
            items: Vec::new(),
            scanned: 0,
            passed: 0,
            bytes: 0,
            last: None,
        }
    }

    /// Continues a read whose earlier pages evaluated `spent`.
    pub fn after(mut self, spent: Spent) -> Self {
        self.spent = spent;
        self
    }

    /// Keeps passing items in the stored format when nothing is projected away, for a
    /// response written straight from the stored bytes.
    pub fn stored(mut self) -> Self {
        self.stored = self.paths.is_none()
            && self
                .index
                .is_none_or(|ix| ix.projection == ProjectionKind::All || self.all_attributes);
        self
    }

    /// Takes one stored item; false once the page is full.
    pub fn visit(&mut self, raw: &[u8], size: usize, passed: bool) -> Result<bool> {
        self.scanned += 1;
        self.bytes += size;
        let stop = self.spent.scanned + self.scanned >= self.limit
            || self.spent.bytes + self.bytes >= PAGE_BYTES;
        if !passed || self.count_only || self.stored {
            // Nothing to decode but the key, and only if it ends the page.
            if stop {
                let keys = crate::model::codec::decode_attributes(raw, |n| {
                    self.t.key.has(n) || self.index.is_some_and(|ix| ix.key.has(n))
                })?;
                self.last = Some(evaluated_key(self.t, self.index, &keys));
            }
            if passed {
                self.passed += 1;
                if !self.count_only {
                    self.items.push(PageItem::Stored(raw.to_vec()));
                }
            }
            return Ok(!stop);
        }
        self.passed += 1;
        let item = decode_item(raw)?;
        if stop {
            self.last = Some(evaluated_key(self.t, self.index, &item));
        }
        let item = match self.index {
            // A KEYS_ONLY or INCLUDE index holds only its projected attributes.
            Some(ix) if ix.projection != ProjectionKind::All && !self.all_attributes => item
                .into_iter()
                .filter(|(n, _)| ix.projects(&self.t.key, n))
                .collect(),
            _ => item,
        };
        self.items.push(PageItem::Decoded(match &self.paths {
            Some(p) => projection::apply(&item, p),
            None => item,
        }));
        Ok(!stop)
    }

    /// Runs a planned Query or Scan statement into this page; capacity is charged on the
    /// bytes evaluated, to the index when one is read (ReturnConsumedCapacity `mode`).
    pub fn read(
        mut self,
        state: &View<'_>,
        read: &ReadSql,
        consistent: bool,
        mode: ReturnCapacity,
    ) -> Result<PageOut> {
        state.run_read(read, |raw, size, passed| self.visit(raw, size, passed))?;
        let units = self.bytes.div_ceil(4096).max(1) as f64 * if consistent { 1.0 } else { 0.5 };
        Ok(PageOut {
            consumed_capacity: mode.read(self.t, self.index, units),
            items: (!self.count_only).then_some(self.items),
            count: self.passed as i64,
            scanned_count: self.scanned as i64,
            last_evaluated_key: self.last,
            bytes: self.bytes,
        })
    }
}

/// The key attributes that identify an evaluated item on the table or index.
pub(crate) fn evaluated_key(t: &TableMeta, index: Option<&IndexMeta>, item: &Item) -> Item {
    let keys = t
        .key
        .attrs()
        .chain(index.into_iter().flat_map(|ix| ix.key.attrs()));
    keys.filter_map(|a| item.get(&a.name).map(|v| (a.name.clone(), v.clone())))
        .collect()
}
