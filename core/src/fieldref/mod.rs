//! [`FieldRef`]: the one object the CLI, the FFI layer and the tests use. It owns the store (the
//! truth) and the index (derived), keeps them in step, and installs the bundled pack on first run
//! so a fresh device answers with no network.
//!
//! The facade is split by concern: this file opens a data directory and holds the plumbing
//! (locks, store, index); `reading` answers from the installed content; `install` puts new
//! content in and keeps the index in step; `user_data` keeps bookmarks, recents and checklist
//! ticks; `outbox` queues what the field sends back; `sync` and `officers` are the doors to
//! [`crate::sync`] (updates, the trust root, officers enrollment).

mod install;
mod officers;
mod outbox;
mod reading;
mod sync;
mod user_data;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, RwLock};

use serde::Serialize;

use crate::content::{Audience, DocKind, PackInfo};
use crate::error::{Error, Result};
use crate::index::{IndexHome, IndexLocation, SearchIndex};
use crate::pack::{Envelope, Root};
use crate::search::Synonyms;
use crate::store::recovery::{self, Opened};
use crate::store::{ContentChange, ContentState, RecoveryReport, Store};
use crate::sync::SyncError;

pub use user_data::ChecklistProgress;

/// How to open a data directory.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub data_dir: PathBuf,
    /// Keep the index in memory (rebuilt at each open) instead of `data_dir/index`.
    pub index_in_memory: bool,
    /// Install the bundled pack when the store has no content yet.
    pub install_bundled: bool,
    /// The trust root to start from when the device has none (default: the bundled one).
    pub trust_root: Option<Envelope>,
    /// Whom the bundled content is installed for on first run (default: the build's audience,
    /// [`crate::BUILD_AUDIENCE`]; more than that is refused).
    pub audience: Option<Audience>,
}

impl OpenOptions {
    pub fn new(data_dir: impl Into<PathBuf>) -> OpenOptions {
        OpenOptions {
            data_dir: data_dir.into(),
            index_in_memory: false,
            install_bundled: true,
            trust_root: None,
            audience: None,
        }
    }
}

/// What happened while opening, for logs and `fieldref stats`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct OpenReport {
    pub installed_bundled: bool,
    /// Why the index was rebuilt at open, if it was.
    pub index_rebuilt: Option<String>,
    /// Set when the data directory is read-only: what still works and what cannot be saved.
    pub read_only: Option<String>,
    /// The store was damaged and recovered at this open (see [`crate::store::recovery`]).
    pub recovered: Option<RecoveryReport>,
}

/// The last install's index work, when it could not bring the on-disk index in step (disk
/// full, another process hung holding the lock). The install itself succeeded: the store has
/// the content, searches answer from an index built in memory, and the next open retries.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexProblem {
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct KindCount {
    pub kind: DocKind,
    pub count: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub content: Option<ContentState>,
    pub counts: Vec<KindCount>,
    pub schema_version: i64,
    pub index_docs: u64,
    /// The content the index reflects; equal to the store's unless something is wrong.
    pub index_tag: String,
    pub index_in_step: bool,
    pub opened: OpenReport,
}

/// Pack settings a search needs, compiled once per install.
struct Settings {
    info: PackInfo,
    synonyms: Synonyms,
}

impl Settings {
    fn of(info: Option<PackInfo>) -> Settings {
        let info = info.unwrap_or_else(PackInfo::empty);
        Settings {
            synonyms: Synonyms::from_lines(&info.synonyms),
            info,
        }
    }
}

pub struct FieldRef {
    data_dir: PathBuf,
    home: IndexHome,
    /// Whom this session was opened for (the app's audience): a public app may not enroll.
    audience: Audience,
    store: Mutex<Store>,
    index: RwLock<SearchIndex>,
    settings: RwLock<Settings>,
    opened: OpenReport,
    index_problem: Mutex<Option<IndexProblem>>,
}

const STORE_FILE: &str = "fieldref.sqlite3";
const INDEX_DIR: &str = "index";
const READ_ONLY_NOTE: &str = "the data directory is read-only: content can be searched and read, \
     but bookmarks, recents, checklist ticks, feedback and updates cannot be saved";

impl FieldRef {
    /// Opens `data_dir` (created if needed), installing the bundled pack on first run.
    /// Does disk I/O; on first run also builds the index (~100 ms): not for a UI thread.
    pub fn open(data_dir: impl Into<PathBuf>) -> Result<FieldRef> {
        FieldRef::open_with(OpenOptions::new(data_dir))
    }

    pub fn open_with(options: OpenOptions) -> Result<FieldRef> {
        let data_dir = options.data_dir;
        std::fs::create_dir_all(&data_dir).map_err(|e| Error::io(&data_dir, e))?;
        let Opened {
            mut store,
            recovered,
        } = recovery::open_or_recover(&data_dir.join(STORE_FILE))?;
        let mut opened = OpenReport {
            recovered,
            ..OpenReport::default()
        };
        let installed = store.content_state()?;
        if let Some(state) = &installed {
            allowed("the content in this data directory", state.audience)?;
        }
        let audience = options.audience.unwrap_or(crate::BUILD_AUDIENCE);
        if options.install_bundled && installed.is_none() {
            allowed("the requested audience", audience)?;
            let pack = crate::bundled::pack()
                .map_err(Error::InvalidContent)?
                .for_audience(audience);
            store.apply(ContentChange::Full(&pack), 0, None)?;
            opened.installed_bundled = true;
        }
        if store.is_read_only() {
            opened.read_only = Some(READ_ONLY_NOTE.to_owned());
        } else if store.meta(crate::sync::TRUST_ROOT_KEY)?.is_none() {
            let shipped = match options.trust_root {
                Some(envelope) => Some(envelope),
                None => crate::bundled::trust_root()?,
            };
            if let Some(envelope) = shipped {
                let root =
                    Root::from_shipped(&envelope).map_err(|source| SyncError::Signature {
                        what: "shipped trust root".to_owned(),
                        error: source,
                    })?;
                store.set_meta(crate::sync::TRUST_ROOT_KEY, &serde_json::to_string(&root)?)?;
            }
        }
        let location = if options.index_in_memory {
            IndexLocation::Memory
        } else {
            IndexLocation::Directory(data_dir.join(INDEX_DIR))
        };
        let home = IndexHome::new(location);
        let (index, rebuilt) = home.open(&store)?;
        opened.index_rebuilt = rebuilt;
        let settings = Settings::of(store.pack_info()?);
        Ok(FieldRef {
            data_dir,
            home,
            audience,
            store: Mutex::new(store),
            index: RwLock::new(index),
            settings: RwLock::new(settings),
            opened,
            index_problem: Mutex::new(None),
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Whom this session was opened for ([`OpenOptions::audience`]).
    pub fn audience(&self) -> Audience {
        self.audience
    }

    pub fn open_report(&self) -> &OpenReport {
        &self.opened
    }

    /// What recovering a damaged store did, until [`FieldRef::dismiss_recovery_report`]: kept in
    /// the store so the shells show it once even if the app dies before showing it.
    pub fn recovery_report(&self) -> Result<Option<RecoveryReport>> {
        self.store()?.pending_recovery_report()
    }

    /// The user has seen the recovery report.
    pub fn dismiss_recovery_report(&self) -> Result<()> {
        self.store()?.dismiss_recovery_report()
    }

    /// The full check of the data, which the open leaves out to stay fast: every page of the
    /// store and every index file's checksum (~45 ms at 52,000 documents). A damaged store is
    /// [`Error::StoreDamaged`], marked so that the next open recovers it; a damaged index is
    /// rebuilt from the store now, and why is returned. Every sync runs it first; the shells
    /// may also run it in idle maintenance.
    pub fn check_integrity(&self) -> Result<Option<String>> {
        self.store()?.check_all()?;
        let reason = match read(&self.index).damaged_files() {
            Ok(damaged) if damaged.is_empty() => return Ok(None),
            Ok(damaged) => format!("index files damaged: {}", damaged.join(", ")),
            Err(reason) => reason,
        };
        self.rebuild_index()?;
        Ok(Some(reason))
    }

    pub fn stats(&self) -> Result<Stats> {
        let store = self.store()?;
        let content = store.content_state()?;
        let expected = crate::index::expected_tag(content.as_ref());
        let index = read(&self.index);
        Ok(Stats {
            counts: store
                .count_by_kind()?
                .into_iter()
                .map(|(kind, count)| KindCount { kind, count })
                .collect(),
            schema_version: store.schema_version()?,
            index_docs: index.num_docs(),
            index_in_step: index.tag() == expected,
            index_tag: index.tag().to_owned(),
            content,
            opened: self.opened.clone(),
        })
    }

    /// Rebuilds the index from the store (e.g. after a crash, or on request). Searches keep
    /// answering from the current index meanwhile, in this process and in any other.
    pub fn rebuild_index(&self) -> Result<()> {
        let store = self.store()?;
        let rebuilt = self.home.rebuild(&store)?;
        *write(&self.index) = rebuilt;
        Ok(())
    }

    /// Why the last install left the on-disk index behind, if it did.
    pub fn index_problem(&self) -> Option<IndexProblem> {
        lock(&self.index_problem).clone()
    }

    /// Moves to the index another process published since this one was opened (a background
    /// sync, a second window), so every process answers from the newest content. Cheap when
    /// nothing changed; keeps the current index if the new one does not open.
    fn catch_up(&self) {
        let newer = self.home.newer_than(&read(&self.index));
        if let Some(newer) = newer {
            // The pack settings travel with the content; a store busy in this process is
            // caught up with at the next search.
            if let Ok(store) = self.store.try_lock() {
                if let Ok(info) = store.pack_info() {
                    *write(&self.settings) = Settings::of(info);
                }
            }
            *write(&self.index) = newer;
        }
    }

    fn store(&self) -> Result<MutexGuard<'_, Store>> {
        Ok(self
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

/// Refuses content for an audience this build does not serve.
fn allowed(what: &str, audience: Audience) -> Result<()> {
    if audience > crate::BUILD_AUDIENCE {
        return Err(Error::AudienceNotAllowed {
            what: what.to_owned(),
            found: audience.as_str(),
            allowed: crate::BUILD_AUDIENCE.as_str(),
        });
    }
    Ok(())
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bindings share one `FieldRef` between the UI and a background sync thread.
    #[test]
    fn fieldref_can_be_shared_across_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<FieldRef>();
    }

    /// A community partners' build (no `officers` feature): run by tests/suites/partner-build.sh.
    #[cfg(not(feature = "officers"))]
    mod partner_build {
        use super::*;

        #[test]
        fn bundles_only_what_the_public_may_have() {
            let pack = crate::bundled::pack().expect("bundled");
            assert_eq!(pack.info.audience, Audience::Public);
            assert!(!pack.documents.is_empty());
            assert!(pack.beyond_audience().is_none());
            for (path, text) in crate::bundled::FILES {
                assert!(
                    !text.contains("audience = \"officers\""),
                    "{path} is an officers document in a partners' build"
                );
                if text.contains("location_visibility = \"officers\"") {
                    assert!(!text.contains("address ="), "{path} keeps its address");
                }
            }
        }

        #[test]
        fn refuses_officers_content_even_if_handed_it() {
            let dir = tempfile::tempdir().expect("tempdir");
            let mut options = OpenOptions::new(dir.path());
            options.audience = Some(Audience::Officers);
            assert!(matches!(
                FieldRef::open_with(options),
                Err(Error::AudienceNotAllowed { .. })
            ));
            let app = FieldRef::open(dir.path()).expect("open");
            let mut officers = crate::bundled::pack().expect("bundled");
            officers.info.audience = Audience::Officers;
            assert!(matches!(
                app.install_pack(&officers, 7),
                Err(Error::AudienceNotAllowed { .. })
            ));
            assert_eq!(
                app.content_state()
                    .expect("state")
                    .expect("content")
                    .version,
                0
            );
            let config = crate::sync::SyncConfig::new("http://127.0.0.1:9");
            struct Unreachable;
            impl crate::sync::Transport for Unreachable {
                fn send(
                    &self,
                    _: &crate::sync::HttpRequest,
                ) -> Result<crate::sync::HttpResponse, crate::sync::TransportError>
                {
                    panic!("a partners' build never asks to enroll")
                }
            }
            assert!(matches!(
                app.enroll(&Unreachable, &config, "K7QM-4XPA-9DZT"),
                Err(Error::AudienceNotAllowed { .. })
            ));
        }
    }
}
