//! The tantivy index: derived from the store, never the source of truth. It records (as its
//! commit payload) which content it reflects; when it is missing, corrupt, of another format or
//! behind the store, it is rebuilt from the store and the user still gets answers.

mod background_commit;
mod document;
mod generations;
mod home;
mod lock;
pub mod pairs;
pub mod schema;
mod stem_cache;
pub mod tokenizer;
mod verified;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

use crate::content::Document;
use crate::error::Result;
use crate::store::{ContentState, Store};
use verified::Scope;

pub use document::{plain_text, spoken_languages, stored_text};
pub use home::IndexHome;
pub(crate) use home::{Changed, DeltaInProgress};
pub use schema::{Fields, TextLanguage};

/// Where the index lives. Android devices where memory-mapping a reader fails (file locking not
/// supported, tantivy #2480) can choose `Memory`; it is rebuilt from the store at each open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexLocation {
    Directory(PathBuf),
    Memory,
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    tag: String,
    /// The published generation this was opened from; `None` in memory.
    folder: Option<PathBuf>,
    /// Each segment's facets, decoded once for counting (see [`crate::search::facets`]).
    facet_tables: std::sync::Arc<crate::search::facets::Tables>,
}

/// The commit payload an index must carry to be trusted for this content.
pub fn expected_tag(state: Option<&ContentState>) -> String {
    match state {
        Some(s) => format!("{};{};{}", schema::INDEX_FORMAT, s.version, s.hash),
        None => format!("{};empty", schema::INDEX_FORMAT),
    }
}

const WRITER_MEMORY: usize = 64 * 1024 * 1024;
/// What a whole-index build's writer may buffer, across its threads: a phone installing a
/// 52,000-document snapshot must stay under 150 MB in all (issue 16), and a build with 64 MB per
/// thread made the buffers alone most of that. Smaller buffers flush more segments, merged into
/// one at the end. One thread: each indexing thread also keeps its own malloc arena, which
/// cannot reuse what the install freed on the calling thread (40 MB over two threads peaked at
/// 165 MB at 52,000 documents). With the body's word pairs indexed too (format 7), 24 MB peaked
/// at 148.7 MB, 20 MB at 144.8 MB and 16 MB at 141.0 MB, no slower (7.7 s against 9.0 s).
const BUILD_MEMORY: usize = 16 * 1024 * 1024;
/// tantivy's floor per indexing thread.
const THREAD_MEMORY_MIN: usize = 15 * 1024 * 1024;

impl SearchIndex {
    /// An index held in memory, built from every document in the store: what a device answers
    /// from when its disk cannot hold (or its folder cannot write) an index.
    pub fn build_in_memory(store: &Store) -> Result<SearchIndex> {
        let tag = expected_tag(store.content_state()?.as_ref());
        let index = Index::create_in_ram(schema::build_schema());
        fill(&index, store, &tag)?;
        SearchIndex::from_index(index, tag, None)
    }

    /// Builds a complete index of the store's documents into the empty folder `dir`.
    pub(crate) fn build_in_dir(dir: &Path, store: &Store) -> Result<()> {
        let tag = expected_tag(store.content_state()?.as_ref());
        let index = Index::create_in_dir(dir, schema::build_schema())?;
        fill(&index, store, &tag)
    }

    /// Opens a published generation without re-reading every byte: one another process (or
    /// this one) has just built and committed.
    pub(crate) fn open_published(dir: &Path) -> Result<SearchIndex> {
        let index = Index::open_in_dir(dir)?;
        let tag = index.load_metas()?.payload.unwrap_or_default();
        SearchIndex::from_index(index, tag, Some(dir.to_owned()))
    }

    fn from_index(index: Index, tag: String, folder: Option<PathBuf>) -> Result<SearchIndex> {
        schema::register_analyzers(&index);
        let fields = Fields::from_schema(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            tag,
            folder,
            facet_tables: Default::default(),
        })
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    pub(crate) fn facet_tables(&self) -> &std::sync::Arc<crate::search::facets::Tables> {
        &self.facet_tables
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The names of this index's files that fail their checksum, every file read through (the
    /// open checks only files new since their last check); none for an index in memory.
    pub(crate) fn damaged_files(&self) -> std::result::Result<Vec<String>, String> {
        match &self.folder {
            Some(dir) => verified::damaged_files(&self.index, dir, Scope::All),
            None => Ok(Vec::new()),
        }
    }

    /// The content this index reflects (its commit payload).
    pub fn tag(&self) -> &str {
        &self.tag
    }

    pub fn num_docs(&self) -> u64 {
        self.searcher().num_docs()
    }

    /// The on-disk generation this index was opened from, if any.
    pub fn folder(&self) -> Option<&Path> {
        self.folder.as_deref()
    }

    /// Applies changed and removed documents in one commit that carries the new tag, so a delta
    /// costs work proportional to its size. Only for an index no other process reads (in
    /// memory, or a private fork of a generation): published generations are immutable.
    pub fn update(&mut self, upserts: &[Document], deletes: &[String], tag: &str) -> Result<()> {
        commit_delta(&self.index, &self.fields, upserts, deletes, tag)?;
        self.reader.reload()?;
        self.tag = tag.to_owned();
        Ok(())
    }
}

/// One commit of changed and removed documents carrying `tag` as its payload. A crash before
/// the commit leaves the old payload, and the next open rebuilds.
pub(crate) fn commit_delta(
    index: &Index,
    fields: &Fields,
    upserts: &[Document],
    deletes: &[String],
    tag: &str,
) -> Result<()> {
    commit_started(start_delta(index, fields, upserts, deletes)?, tag)
}

/// Queues a delta's changes to a writer of `index`: its indexing thread analyses them while
/// the caller goes on (an install applies the same delta to the store meanwhile).
pub(crate) fn start_delta(
    index: &Index,
    fields: &Fields,
    upserts: &[Document],
    deletes: &[String],
) -> Result<tantivy::IndexWriter> {
    let writer = index.writer_with_num_threads::<tantivy::TantivyDocument>(1, WRITER_MEMORY)?;
    for id in deletes.iter().chain(upserts.iter().map(|d| &d.id)) {
        writer.delete_term(tantivy::Term::from_field_text(fields.id, id));
    }
    for doc in upserts {
        writer.add_document(document::to_index_document(doc, fields))?;
    }
    Ok(writer)
}

/// Commits what [`start_delta`] queued, with `tag` as the payload.
fn commit_started(mut writer: tantivy::IndexWriter, tag: &str) -> Result<()> {
    let mut commit = writer.prepare_commit()?;
    commit.set_payload(tag);
    commit.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}

/// Opens an on-disk index only if every file passes its checksum (checked once per file, see
/// [`verified`]) and the payload matches.
/// With `expected` `None`, any sound index is accepted, whatever content it reflects.
pub(crate) fn open_checked(
    dir: &Path,
    expected: Option<&str>,
) -> std::result::Result<SearchIndex, String> {
    if !dir.join("meta.json").exists() {
        return Err("index missing".to_owned());
    }
    let attempt = catch_unwind(AssertUnwindSafe(
        || -> std::result::Result<SearchIndex, String> {
            let index = Index::open_in_dir(dir).map_err(|e| format!("index unreadable: {e}"))?;
            let damaged = verified::damaged_files(&index, dir, Scope::Changed)?;
            if !damaged.is_empty() {
                return Err(format!("index files damaged: {}", damaged.join(", ")));
            }
            let payload = index
                .load_metas()
                .map_err(|e| format!("index unreadable: {e}"))?
                .payload
                .unwrap_or_default();
            if let Some(expected) = expected.filter(|e| *e != payload) {
                return Err(format!("index is for `{payload}`, store has `{expected}`"));
            }
            let index = SearchIndex::from_index(index, payload, Some(dir.to_owned()))
                .map_err(|e| format!("index unreadable: {e}"))?;
            // Touch every segment once so damage the checksums missed shows here, not mid-search.
            let searcher = index.searcher();
            for segment in searcher.segment_readers() {
                segment
                    .inverted_index(index.fields.words)
                    .map_err(|e| format!("index unreadable: {e}"))?;
            }
            Ok(index)
        },
    ));
    attempt.unwrap_or_else(|_| Err("index unreadable (reader panicked)".to_owned()))
}

/// Indexes every stored document, read one at a time from the store: the content is never held
/// whole in memory, only the writer's bounded buffers are.
fn fill(index: &Index, store: &Store, tag: &str) -> Result<()> {
    schema::register_analyzers(index);
    let fields = Fields::from_schema(&index.schema())?;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, (BUILD_MEMORY / THREAD_MEMORY_MIN).max(1));
    let per_thread = (BUILD_MEMORY / threads).max(THREAD_MEMORY_MIN);
    let mut writer =
        index.writer_with_num_threads::<tantivy::TantivyDocument>(threads, per_thread * threads)?;
    // The one merge is ours, below. The default policy would start its own merges of the
    // flushed segments at the commit (from eight segments on), and ours then fails when one of
    // them has already been merged away ("the segments that were merged could not be found").
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    store.each_document(None, |doc| {
        writer.add_document(document::to_index_document(&doc, &fields))?;
        Ok(())
    })?;
    writer.commit()?;
    // One segment: fewer files to open at cold start, one term dictionary to expand typos in.
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    // The payload goes in last, so an index carries it only once it is complete.
    let mut commit = writer.prepare_commit()?;
    commit.set_payload(tag);
    commit.commit()?;
    writer.wait_merging_threads()?;
    Ok(())
}
