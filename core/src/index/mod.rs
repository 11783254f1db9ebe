//! The tantivy index: derived from the store, never the source of truth. It records (as its
//! commit payload) which content it reflects; when it is missing, corrupt, of another format or
//! behind the store, it is rebuilt from the store and the user still gets answers.

mod document;
pub mod schema;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};

use crate::content::Document;
use crate::error::{Error, Result};
use crate::store::{ContentState, Store};

pub use document::{plain_text, spoken_languages, stored_text};
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
}

/// The commit payload an index must carry to be trusted for this content.
pub fn expected_tag(state: Option<&ContentState>) -> String {
    match state {
        Some(s) => format!("{};{};{}", schema::INDEX_FORMAT, s.version, s.hash),
        None => format!("{};empty", schema::INDEX_FORMAT),
    }
}

const WRITER_MEMORY: usize = 64 * 1024 * 1024;

impl SearchIndex {
    /// Opens the index at `location` if it is sound and matches the store; otherwise rebuilds it.
    /// Returns the index and, when it was rebuilt, why.
    pub fn open_or_rebuild(
        location: &IndexLocation,
        store: &Store,
    ) -> Result<(SearchIndex, Option<String>)> {
        let expected = expected_tag(store.content_state()?.as_ref());
        let reason = match location {
            IndexLocation::Memory => "in-memory index".to_owned(),
            IndexLocation::Directory(dir) => match open_checked(dir, &expected) {
                Ok(index) => return Ok((index, None)),
                Err(reason) => reason,
            },
        };
        Ok((SearchIndex::rebuild(location, store)?, Some(reason)))
    }

    /// Builds a fresh index from every document in the store. On disk it is built beside the old
    /// one and swapped in, so a crash mid-build leaves an index that will be rebuilt again.
    pub fn rebuild(location: &IndexLocation, store: &Store) -> Result<SearchIndex> {
        let state = store.content_state()?;
        let tag = expected_tag(state.as_ref());
        let documents = store.documents(None)?;
        match location {
            IndexLocation::Memory => {
                let index = Index::create_in_ram(schema::build_schema());
                fill(&index, &documents, &tag)?;
                SearchIndex::from_index(index, tag)
            }
            IndexLocation::Directory(dir) => {
                let building = sibling(dir, "building");
                remove_dir_if_present(&building)?;
                std::fs::create_dir_all(&building).map_err(|e| Error::io(&building, e))?;
                {
                    let index = Index::create_in_dir(&building, schema::build_schema())?;
                    fill(&index, &documents, &tag)?;
                }
                remove_dir_if_present(dir)?;
                std::fs::rename(&building, dir).map_err(|e| Error::io(dir, e))?;
                let index = Index::open_in_dir(dir)?;
                SearchIndex::from_index(index, tag)
            }
        }
    }

    fn from_index(index: Index, tag: String) -> Result<SearchIndex> {
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
        })
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// The content this index reflects (its commit payload).
    pub fn tag(&self) -> &str {
        &self.tag
    }

    pub fn num_docs(&self) -> u64 {
        self.searcher().num_docs()
    }

    /// Applies changed and removed documents in one commit that carries the new tag, so a delta
    /// costs work proportional to its size. A crash before the commit leaves the old tag, and
    /// the next open rebuilds.
    pub fn update(&mut self, upserts: &[Document], deletes: &[String], tag: &str) -> Result<()> {
        let mut writer = self
            .index
            .writer_with_num_threads::<tantivy::TantivyDocument>(1, WRITER_MEMORY)?;
        for id in deletes.iter().chain(upserts.iter().map(|d| &d.id)) {
            writer.delete_term(tantivy::Term::from_field_text(self.fields.id, id));
        }
        for doc in upserts {
            writer.add_document(document::to_index_document(doc, &self.fields))?;
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(tag);
        commit.commit()?;
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        self.tag = tag.to_owned();
        Ok(())
    }
}

/// Opens an on-disk index only if every file passes its checksum and the payload matches.
fn open_checked(dir: &Path, expected: &str) -> std::result::Result<SearchIndex, String> {
    if !dir.join("meta.json").exists() {
        return Err("index missing".to_owned());
    }
    let attempt = catch_unwind(AssertUnwindSafe(
        || -> std::result::Result<SearchIndex, String> {
            let index = Index::open_in_dir(dir).map_err(|e| format!("index unreadable: {e}"))?;
            let damaged = index
                .validate_checksum()
                .map_err(|e| format!("index unreadable: {e}"))?;
            if !damaged.is_empty() {
                let mut names: Vec<String> =
                    damaged.iter().map(|p| p.display().to_string()).collect();
                names.sort();
                return Err(format!("index files damaged: {}", names.join(", ")));
            }
            let payload = index
                .load_metas()
                .map_err(|e| format!("index unreadable: {e}"))?
                .payload
                .unwrap_or_default();
            if payload != expected {
                return Err(format!("index is for `{payload}`, store has `{expected}`"));
            }
            let index = SearchIndex::from_index(index, payload)
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

fn fill(index: &Index, documents: &[crate::content::Document], tag: &str) -> Result<()> {
    schema::register_analyzers(index);
    let fields = Fields::from_schema(&index.schema())?;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let mut writer = index
        .writer_with_num_threads::<tantivy::TantivyDocument>(threads, WRITER_MEMORY * threads)?;
    for doc in documents {
        writer.add_document(document::to_index_document(doc, &fields))?;
    }
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

fn sibling(dir: &Path, suffix: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "index".to_owned());
    dir.with_file_name(format!("{name}.{suffix}"))
}

fn remove_dir_if_present(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(dir, e)),
    }
}
