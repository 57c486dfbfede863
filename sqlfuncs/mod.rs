//! SQLite functions Dynoxide registers on every connection, deterministic so SQLite may use
//! them freely. They see only stored bytes; they depend on nothing above `model`.

use rusqlite::functions::FunctionFlags;
use rusqlite::Connection;

/// Registers every function on a connection (before any statement uses them).
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "dynoxide_segment",
        2,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
        |ctx| {
            let key = ctx.get_raw(0).as_blob().unwrap_or_default();
            let total: i64 = ctx.get(1)?;
            Ok(segment_of(key, total))
        },
    )
}

/// The parallel-scan segment of a partition key: a stable hash (FNV-1a) modulo the count, so
/// every partition belongs to exactly one segment.
pub fn segment_of(partition_key: &[u8], total_segments: i64) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in partition_key {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % total_segments.max(1) as u64) as i64
}

#[cfg(test)]
mod tests {
    #[test]
    fn segments_cover_every_key_once() {
        for total in 1..8 {
            for k in 0..100u8 {
                let s = super::segment_of(&[k, 7], total);
                assert!((0..total).contains(&s));
            }
        }
    }
}
