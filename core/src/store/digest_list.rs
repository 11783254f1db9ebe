//! Every document's id and digest, in id order, kept as one blob beside the rows: what a delta's
//! content hash is folded from. Reading the `(id, digest)` pairs back row by row cost about
//! 1.5 µs a row (80 ms for 52,000 documents, most of a delta's budget); the list is read,
//! merged with the delta's changes and hashed in one pass over 3–4 MB, and written back in the
//! same transaction as the rows. [`super::Store::computed_hash`] still folds the rows
//! themselves, so a list that drifted from the rows would show as a mismatch there.
//!
//! Entry format: id length (u16, little-endian), id bytes, 32-byte digest.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension};

use super::StateHasher;
use crate::error::{Error, Result};

/// A change to one document's entry: its new digest, or `None` when it was deleted.
pub(crate) type Changes<'a> = BTreeMap<&'a str, Option<[u8; 32]>>;

/// The stored list, or `None` when the store has none (then it is rebuilt from the rows).
pub(crate) fn load(conn: &Connection) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row("SELECT entries FROM digest_list WHERE id = 1", [], |row| {
            row.get(0)
        })
        .optional()?)
}

pub(crate) fn save(conn: &Connection, entries: &[u8]) -> Result<()> {
    conn.execute(
        "INSERT INTO digest_list(id, entries) VALUES (1, ?1)
         ON CONFLICT(id) DO UPDATE SET entries = excluded.entries",
        [entries],
    )?;
    Ok(())
}

/// The list built from the rows (a whole install, a migration, or a store without one).
pub(crate) fn from_rows(conn: &Connection) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    each_stored_digest(conn, |id, digest| push(&mut out, id, digest))?;
    Ok(out)
}

/// Every stored document's id and digest, in id order.
pub(crate) fn each_stored_digest(
    conn: &Connection,
    mut each: impl FnMut(&str, &[u8; 32]) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached("SELECT id, digest FROM documents ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let id: String = row.get(0)?;
        let digest: [u8; 32] = row
            .get::<_, Vec<u8>>(1)?
            .try_into()
            .map_err(|_| Error::Corrupt(format!("digest of stored document `{id}`")))?;
        each(&id, &digest)?;
    }
    Ok(())
}

fn push(out: &mut Vec<u8>, id: &str, digest: &[u8; 32]) -> Result<()> {
    let len = u16::try_from(id.len())
        .map_err(|_| Error::Corrupt(format!("document id of {} bytes", id.len())))?;
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(id.as_bytes());
    out.extend_from_slice(digest);
    Ok(())
}

/// Walks `entries` (in id order) with `changes` merged in, feeding each entry to `hasher`, and
/// returns the merged list.
pub(crate) fn merge_and_hash(
    entries: &[u8],
    changes: &Changes<'_>,
    hasher: &mut StateHasher,
) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(entries.len() + changes.len() * 64);
    let mut pending = changes.iter().peekable();
    let mut rest = entries;
    let mut emit = |out: &mut Vec<u8>, id: &str, digest: &[u8; 32]| -> Result<()> {
        hasher.add(id, digest);
        push(out, id, digest)
    };
    while !rest.is_empty() {
        let (id, digest, tail) = next_entry(rest)?;
        rest = tail;
        while let Some((changed, new)) = pending.next_if(|(changed, _)| **changed < id) {
            if let Some(new) = new {
                emit(&mut out, changed, new)?;
            }
        }
        match pending.next_if(|(changed, _)| **changed == id) {
            Some((_, Some(new))) => emit(&mut out, id, new)?,
            Some((_, None)) => {}
            None => emit(&mut out, id, digest)?,
        }
    }
    for (changed, new) in pending {
        if let Some(new) = new {
            emit(&mut out, changed, new)?;
        }
    }
    Ok(out)
}

fn next_entry(bytes: &[u8]) -> Result<(&str, &[u8; 32], &[u8])> {
    let damaged = || Error::Corrupt("the stored digest list is damaged".to_owned());
    let (len, rest) = bytes.split_first_chunk::<2>().ok_or_else(damaged)?;
    let len = u16::from_le_bytes(*len) as usize;
    if rest.len() < len + 32 {
        return Err(damaged());
    }
    let (id, rest) = rest.split_at(len);
    let (digest, rest) = rest.split_first_chunk::<32>().ok_or_else(damaged)?;
    let id = std::str::from_utf8(id).map_err(|_| damaged())?;
    Ok((id, digest, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(entries: &[(&str, u8)]) -> Vec<u8> {
        let mut out = Vec::new();
        for (id, d) in entries {
            push(&mut out, id, &[*d; 32]).expect("push");
        }
        out
    }

    fn hash_of(entries: &[(&str, u8)]) -> String {
        let mut hasher = StateHasher::new("{}");
        for (id, d) in entries {
            hasher.add(id, &[*d; 32]);
        }
        hasher.finish()
    }

    #[test]
    fn merging_changes_gives_the_list_and_hash_of_the_new_content() {
        let old = list(&[("b", 1), ("d", 2), ("f", 3)]);
        let mut changes = Changes::new();
        changes.insert("a", Some([9; 32])); // before everything
        changes.insert("d", None); // deleted
        changes.insert("e", Some([7; 32])); // between
        changes.insert("f", Some([8; 32])); // replaced
        changes.insert("g", Some([6; 32])); // after everything
        changes.insert("c", None); // deleting what is not there changes nothing
        let mut hasher = StateHasher::new("{}");
        let merged = merge_and_hash(&old, &changes, &mut hasher).expect("merge");
        let expected = [("a", 9), ("b", 1), ("e", 7), ("f", 8), ("g", 6)];
        assert_eq!(merged, list(&expected));
        assert_eq!(hasher.finish(), hash_of(&expected));
    }

    #[test]
    fn a_damaged_list_is_an_error_not_a_wrong_hash() {
        let mut old = list(&[("b", 1), ("d", 2)]);
        old.truncate(old.len() - 5);
        let mut hasher = StateHasher::new("{}");
        assert!(matches!(
            merge_and_hash(&old, &Changes::new(), &mut hasher),
            Err(Error::Corrupt(_))
        ));
    }
}
