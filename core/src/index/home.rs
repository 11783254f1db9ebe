//! Who builds the index, when, and what everyone else answers from meanwhile. Any number of
//! processes may have one data directory open; exactly one at a time (the holder of the OS lock)
//! rebuilds or updates the index, in a private folder published by one rename. The others keep
//! answering from the index they have, and move to the new one at their next search.

use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::Duration;

use super::background_commit::BackgroundCommit;
use super::generations::Generations;
use super::lock::IndexLock;
use super::{
    commit_delta, expected_tag, open_checked, start_delta, Fields, IndexLocation, SearchIndex,
};
use crate::content::Document;
use crate::error::{Error, Result};
use crate::store::Store;

/// How long a process that needs the index (it has none it can read, or it just installed new
/// content) waits for another process's rebuild before answering from memory instead.
const PATIENCE: Duration = Duration::from_secs(60);

/// How many times an open is retried when the index was swapped while it was being opened.
const OPEN_ATTEMPTS: usize = 4;

/// The index's place: a data directory's generations, or memory.
#[derive(Debug, Clone)]
pub struct IndexHome {
    location: IndexLocation,
    generations: Option<Generations>,
}

/// What an install asks of the index: the documents it changed, when it was a delta.
pub(crate) struct Changed<'a> {
    pub upserts: &'a [Document],
    pub deletes: &'a [String],
}

impl IndexHome {
    pub fn new(location: IndexLocation) -> IndexHome {
        let generations = match &location {
            IndexLocation::Directory(dir) => Some(Generations::new(dir.clone())),
            IndexLocation::Memory => None,
        };
        IndexHome {
            location,
            generations,
        }
    }

    pub fn location(&self) -> &IndexLocation {
        &self.location
    }

    /// The index to answer from at open, and why it was rebuilt if it was. An index that is
    /// missing, damaged or behind the store is rebuilt by whoever gets the lock; a process that
    /// does not get it answers from the current index if that is readable (it catches up at a
    /// later search), else waits for the rebuild. If the disk cannot take an index (full,
    /// read-only) the index is built in memory: searches never fail for want of disk.
    pub fn open(&self, store: &Store) -> Result<(SearchIndex, Option<String>)> {
        let Some(generations) = &self.generations else {
            let index = SearchIndex::build_in_memory(store)?;
            return Ok((index, Some("in-memory index".to_owned())));
        };
        let expected = expected_tag(store.content_state()?.as_ref());
        let reason = match open_current(generations, Some(&expected)) {
            Ok(index) => return Ok((index, None)),
            Err(reason) => reason,
        };
        let lock_path = generations.lock_path();
        let lock = match IndexLock::try_acquire(&lock_path) {
            Ok(Some(lock)) => lock,
            Ok(None) => {
                if let Ok(index) = open_current(generations, None) {
                    let why = format!(
                        "{reason}; another process is updating it, answering from the current one"
                    );
                    return Ok((index, Some(why)));
                }
                match IndexLock::acquire_within(&lock_path, PATIENCE) {
                    Ok(Some(lock)) => lock,
                    Ok(None) => return in_memory(store, &reason, "another process holds it"),
                    Err(e) => return in_memory(store, &reason, &e.to_string()),
                }
            }
            Err(e) => return in_memory(store, &reason, &e.to_string()),
        };
        // Whoever held the lock may just have published what this store needs.
        let expected = expected_tag(store.content_state()?.as_ref());
        if let Ok(index) = open_current(generations, Some(&expected)) {
            return Ok((index, None));
        }
        match rebuild(generations, &lock, store) {
            Ok(index) => Ok((index, Some(reason))),
            Err(e) => in_memory(store, &reason, &e.to_string()),
        }
    }

    /// Rebuilds the index from the store on request, waiting for another process's rebuild to
    /// finish first. Fails (`Busy`) rather than wait forever on a peer that hangs.
    pub fn rebuild(&self, store: &Store) -> Result<SearchIndex> {
        let Some(generations) = &self.generations else {
            return SearchIndex::build_in_memory(store);
        };
        let lock = IndexLock::acquire_within(&generations.lock_path(), PATIENCE)?
            .ok_or_else(|| Error::Busy("another process is rebuilding the search index".into()))?;
        rebuild(generations, &lock, store)
    }

    /// Brings the index in step with the store after an install: adopts what another process
    /// already published for it, else applies the delta to a fork of the current generation
    /// when that is exactly the content the delta starts from, else rebuilds. `held` is this
    /// process's index: searches keep reading it until the new one is swapped in.
    ///
    /// `started` is the same delta already being indexed ([`IndexHome::start_delta`]): finished
    /// and published when the store is where the delta leads, else dropped.
    pub(crate) fn follow(
        &self,
        held: &RwLock<SearchIndex>,
        changed: Option<Changed<'_>>,
        (before, after): (&str, &str),
        store: &Store,
        started: Option<DeltaInProgress>,
    ) -> Result<()> {
        if let (Some(generations), Some(delta)) = (&self.generations, started) {
            // Read under the lock the delta holds: the store may have moved on meanwhile.
            if expected_tag(store.content_state()?.as_ref()) == after {
                if let Ok(index) = delta.finish(generations, after) {
                    *held.write().unwrap_or_else(|p| p.into_inner()) = index;
                    return Ok(());
                }
            }
        }
        let Some(generations) = &self.generations else {
            let tag = expected_tag(store.content_state()?.as_ref());
            let mut index = held.write().unwrap_or_else(|p| p.into_inner());
            if let Some(changed) = changed.filter(|_| index.tag() == before && tag == after) {
                if index.update(changed.upserts, changed.deletes, &tag).is_ok() {
                    return Ok(());
                }
            }
            *index = SearchIndex::build_in_memory(store)?;
            return Ok(());
        };
        let lock = IndexLock::acquire_within(&generations.lock_path(), PATIENCE)?
            .ok_or_else(|| Error::Busy("another process holds the search index".into()))?;
        // Read under the lock: the store may have moved on since this process installed.
        let tag = expected_tag(store.content_state()?.as_ref());
        let mut next = None;
        if let Some(dir) = generations.current() {
            if let Ok(index) = SearchIndex::open_published(&dir) {
                if index.tag() == tag {
                    next = Some(index);
                } else if let Some(changed) =
                    changed.filter(|_| index.tag() == before && tag == after)
                {
                    drop(index);
                    next = fork_and_apply(generations, &lock, &dir, changed, &tag).ok();
                }
            }
        }
        let next = match next {
            Some(index) => index,
            None => rebuild(generations, &lock, store)?,
        };
        *held.write().unwrap_or_else(|p| p.into_inner()) = next;
        Ok(())
    }

    /// Starts indexing a delta on a fork of the current generation, before the store applies
    /// it: the indexing thread analyses the documents while the store transaction runs, so an
    /// install takes about the longer of the two instead of their sum. `None` (and the install
    /// follows the store afterwards, as without it) when the index is in memory, another process
    /// holds the index, or the current generation is not the content `before`.
    pub(crate) fn start_delta(
        &self,
        changed: &Changed<'_>,
        before: &str,
    ) -> Option<DeltaInProgress> {
        let generations = self.generations.as_ref()?;
        let lock = IndexLock::try_acquire(&generations.lock_path()).ok()??;
        let dir = generations.current()?;
        let metas = tantivy::Index::open_in_dir(&dir).ok()?.load_metas().ok()?;
        if metas.payload.as_deref() != Some(before) {
            return None;
        }
        let fork = generations.fork(&lock, &dir).ok()?;
        let mut delta = DeltaInProgress {
            lock,
            fork,
            commit: None,
            published: false,
        };
        let index = tantivy::Index::open_in_dir(&delta.fork).ok()?;
        super::schema::register_analyzers(&index);
        let fields = Fields::from_schema(&index.schema()).ok()?;
        let writer = start_delta(&index, &fields, changed.upserts, changed.deletes).ok()?;
        delta.commit = Some(BackgroundCommit::start(writer).ok()?);
        Some(delta)
    }

    /// The index another process published since `held` was opened, if there is one and it
    /// opens; `None` when `held` is current (the common case: two small system calls).
    pub fn newer_than(&self, held: &SearchIndex) -> Option<SearchIndex> {
        let generations = self.generations.as_ref()?;
        let held_folder = held.folder()?;
        let current = generations.current()?;
        if current == held_folder {
            return None;
        }
        SearchIndex::open_published(&current).ok()
    }
}

/// Opens the current generation if it is sound (and reflects `expected` when given); retried
/// when it was swapped mid-open.
fn open_current(
    generations: &Generations,
    expected: Option<&str>,
) -> std::result::Result<SearchIndex, String> {
    let mut last = "index missing".to_owned();
    for _ in 0..OPEN_ATTEMPTS {
        let Some(dir) = generations.current() else {
            return Err(last);
        };
        match open_checked(&dir, expected) {
            Ok(index) => return Ok(index),
            Err(reason) => last = reason,
        }
        if generations.current().as_deref() == Some(dir.as_path()) {
            break; // not a swap: the index itself is unusable
        }
    }
    Err(last)
}

/// Builds a new generation from the store, publishes it, and opens it.
fn rebuild(generations: &Generations, lock: &IndexLock, store: &Store) -> Result<SearchIndex> {
    let building = generations.new_build_dir(lock)?;
    let built = SearchIndex::build_in_dir(&building, store)
        .and_then(|()| generations.publish(lock, &building));
    match built {
        Ok(folder) => SearchIndex::open_published(&folder),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&building);
            Err(e)
        }
    }
}

fn fork_and_apply(
    generations: &Generations,
    lock: &IndexLock,
    from: &Path,
    changed: Changed<'_>,
    tag: &str,
) -> Result<SearchIndex> {
    let fork = generations.fork(lock, from)?;
    let applied = (|| -> Result<std::path::PathBuf> {
        let index = tantivy::Index::open_in_dir(&fork)?;
        super::schema::register_analyzers(&index);
        let fields = Fields::from_schema(&index.schema())?;
        commit_delta(&index, &fields, changed.upserts, changed.deletes, tag)?;
        drop(index);
        generations.publish(lock, &fork)
    })();
    match applied {
        Ok(folder) => SearchIndex::open_published(&folder),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&fork);
            Err(e)
        }
    }
}

/// A delta being indexed on a fork while the store applies it, holding the index lock; its
/// commit is prepared meanwhile ([`BackgroundCommit`]). Dropped unfinished (the store failed,
/// or moved elsewhere), it aborts the commit and removes the fork.
pub(crate) struct DeltaInProgress {
    lock: IndexLock,
    fork: PathBuf,
    commit: Option<BackgroundCommit>,
    published: bool,
}

impl DeltaInProgress {
    /// Commits the delta with `tag`, publishes the fork and opens it.
    fn finish(mut self, generations: &Generations, tag: &str) -> Result<SearchIndex> {
        self.commit
            .take()
            .ok_or_else(|| Error::Busy("the delta's index commit is gone".into()))?
            .finish(tag)?;
        let folder = generations.publish(&self.lock, &self.fork)?;
        self.published = true;
        SearchIndex::open_published(&folder)
    }
}

impl Drop for DeltaInProgress {
    fn drop(&mut self) {
        drop(self.commit.take()); // uncommitted: its documents are discarded
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.fork);
        }
    }
}

fn in_memory(
    store: &Store,
    reason: &str,
    why_not_disk: &str,
) -> Result<(SearchIndex, Option<String>)> {
    let index = SearchIndex::build_in_memory(store)?;
    Ok((
        index,
        Some(format!(
            "{reason}; built in memory (the index folder cannot be written: {why_not_disk})"
        )),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ContentChange;
    use crate::FieldRef;

    fn segment_files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && n != "meta.json")
            .collect();
        names.sort();
        names
    }

    /// The bundled pack and one of its documents with `word` added to its summary, as a new
    /// revision: the smallest delta.
    fn pack_and_changed(
        index: usize,
        word: &str,
    ) -> (crate::content::Pack, crate::content::Document) {
        let pack = crate::bundled::pack().expect("bundled");
        let mut doc = pack.documents[index].clone();
        doc.summary.push_str(&format!(" {word}"));
        doc.revision += 1;
        (pack, doc)
    }

    #[test]
    fn a_delta_is_published_as_a_fork_sharing_the_unchanged_segments() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = FieldRef::open(dir.path()).expect("open");
        let generations = Generations::new(dir.path().join("index"));
        let before = generations.current().expect("published");
        let unchanged = segment_files(&before);
        let (pack, doc) = pack_and_changed(0, "Quillwort");
        let change = ContentChange::Delta {
            info: &pack.info,
            upserts: std::slice::from_ref(&doc),
            deletes: &[],
        };
        app.install(change, 1, None).expect("install");
        assert!(app.index_problem().is_none());
        let after = generations.current().expect("published");
        assert_ne!(after, before, "a new generation");
        assert!(!before.exists(), "the old one is removed");
        let now = segment_files(&after);
        assert!(
            unchanged.iter().any(|name| now.contains(name)),
            "the fork kept the old segment: {unchanged:?} / {now:?}"
        );
        let hits = app
            .search(&crate::search::SearchRequest::new("quillwort"))
            .expect("search");
        assert_eq!(
            hits.hits.first().map(|h| h.id.as_str()),
            Some(doc.id.as_str())
        );
        assert!(app.stats().expect("stats").index_in_step);
    }

    /// The delta is indexed while the store applies it; when the store refuses it (here: the
    /// merged content does not hash to the signed value), the fork and its work are dropped.
    #[test]
    fn a_delta_the_store_refuses_leaves_the_index_as_it_was() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = FieldRef::open(dir.path()).expect("open");
        let generations = Generations::new(dir.path().join("index"));
        let before = generations.current().expect("published");
        let (pack, doc) = pack_and_changed(0, "Quillwort");
        let change = ContentChange::Delta {
            info: &pack.info,
            upserts: std::slice::from_ref(&doc),
            deletes: &[],
        };
        let refused = app.install(change.clone(), 1, Some(&"0".repeat(64)));
        assert!(
            matches!(refused, Err(Error::HashMismatch { .. })),
            "{refused:?}"
        );
        assert_eq!(generations.current().as_deref(), Some(before.as_path()));
        let folders: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("index.") && n != "index.lock")
            .collect();
        assert_eq!(
            folders.len(),
            1,
            "one generation, no fork left: {folders:?}"
        );
        // Documents with the word (the contacts a matching checklist links are listed too).
        let search = |q: &str| {
            app.search(&crate::search::SearchRequest::new(q))
                .expect("search")
                .total
        };
        assert_eq!(search("quillwort"), 0);
        assert!(app.stats().expect("stats").index_in_step);

        app.install(change, 1, None)
            .expect("the same delta, unsigned");
        assert_eq!(search("quillwort"), 1);
        assert!(app.stats().expect("stats").index_in_step);
    }

    /// A delta starts on a fork of the current generation when that generation is the content
    /// it starts from, and a delta dropped unfinished takes its fork with it.
    #[test]
    fn a_delta_starts_on_a_fork_of_the_content_it_starts_from() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = FieldRef::open(dir.path()).expect("open");
        let store = Store::open(&dir.path().join("fieldref.sqlite3")).expect("store");
        let before = expected_tag(store.content_state().expect("state").as_ref());
        let home = IndexHome::new(IndexLocation::Directory(dir.path().join("index")));
        let (_, doc) = pack_and_changed(0, "Quillwort");
        let changed = Changed {
            upserts: std::slice::from_ref(&doc),
            deletes: &[],
        };
        assert!(home.start_delta(&changed, "another content").is_none());
        let delta = home.start_delta(&changed, &before).expect("started");
        let fork = delta.fork.clone();
        assert!(fork.exists());
        drop(delta);
        assert!(!fork.exists(), "dropped unfinished, the fork goes");
        drop(app);
    }

    #[test]
    fn a_second_open_of_the_same_directory_moves_to_what_the_first_publishes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = FieldRef::open(dir.path()).expect("open");
        let second = FieldRef::open(dir.path()).expect("open again");
        let (pack, doc) = pack_and_changed(1, "Bladderwrack");
        let change = ContentChange::Delta {
            info: &pack.info,
            upserts: std::slice::from_ref(&doc),
            deletes: &[],
        };
        first.install(change, 1, None).expect("install");
        let found = second
            .search(&crate::search::SearchRequest::new("bladderwrack"))
            .expect("search");
        assert_eq!(found.hits.len(), 1, "the other open caught up");
        assert!(second.stats().expect("stats").index_in_step);
    }
}
