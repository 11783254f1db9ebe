//! [`FieldRef`]: the one object the CLI, the FFI layer and the tests use. It owns the store (the
//! truth) and the index (derived), keeps them in step, and installs the bundled pack on first run
//! so a fresh device answers with no network.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, RwLock};

use serde::Serialize;

use crate::content::{Audience, DocKind, Document, Pack, PackInfo};
use crate::directory::{self, DirectoryListing, DirectoryQuery, HoursEvaluator, OpenStatus};
use crate::error::{Error, Result};
use crate::index::{IndexHome, IndexLocation, SearchIndex};
use crate::pack::{Envelope, Root};
use crate::search::{self, SearchRequest, SearchResults, Synonyms};
use crate::store::recovery::{self, Opened};
use crate::store::{
    ContentChange, ContentState, FeedbackReason, OutboxItem, OutboxKind, RecoveryReport, SavedItem,
    StepRef, Store,
};
use crate::sync::SyncError;

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

/// Where an officer is in a checklist: kept across rotation and restarts, for this revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistProgress {
    pub doc_id: String,
    pub revision: u32,
    /// Ticked steps, in checklist order.
    pub done: Vec<StepRef>,
    pub total: u32,
    /// The first step not yet ticked, to scroll to.
    pub next: Option<StepRef>,
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
        let info = info.unwrap_or_else(|| PackInfo {
            id: String::new(),
            title: String::new(),
            channel: String::new(),
            timezone: "UTC".to_owned(),
            categories: Vec::new(),
            service_types: Vec::new(),
            synonyms: Vec::new(),
            stale_after_months: crate::content::DEFAULT_STALE_AFTER_MONTHS,
            audience: Audience::Public,
        });
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

    /// Ranked hits for what the user typed. Reads the index only (no SQLite); typically well under
    /// a millisecond on the bundled content. Never an error for anything typed.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        self.catch_up();
        let settings = read(&self.settings);
        let index = read(&self.index);
        search::run(&index, &settings.synonyms, &settings.info.timezone, request)
    }

    /// One document as `viewer` may see it; `None` when it is not installed or not for them.
    pub fn document(&self, id: &str, viewer: Audience) -> Result<Option<Document>> {
        let doc = self.store()?.document(id)?;
        Ok(doc
            .filter(|d| viewer.may_see(d.audience))
            .map(|d| d.redacted_for(viewer)))
    }

    /// Whether a contact is open at `at` (now when `None`), in the pack's time zone.
    pub fn open_status(
        &self,
        document: &Document,
        at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Option<OpenStatus> {
        let contact = document.as_contact()?;
        let settings = read(&self.settings);
        let mut hours = HoursEvaluator::new(&settings.info.timezone);
        Some(hours.status(
            contact.hours.as_deref(),
            at.unwrap_or_else(chrono::Utc::now),
        ))
    }

    /// Contacts by service, language, neighborhood, open now and near, with facet counts.
    pub fn directory(&self, query: &DirectoryQuery) -> Result<DirectoryListing> {
        let contacts = self.store()?.documents(Some(DocKind::Contact))?;
        let info = read(&self.settings).info.clone();
        Ok(directory::list(contacts, query, &info))
    }

    /// Today's date in the pack's time zone: what "updated 3 days ago" counts from.
    pub fn today(&self) -> chrono::NaiveDate {
        let tz: chrono_tz::Tz = read(&self.settings)
            .info
            .timezone
            .parse()
            .unwrap_or(chrono_tz::Tz::UTC);
        chrono::Utc::now().with_timezone(&tz).date_naive()
    }

    /// When a contact was last verified and whether that is longer ago than the pack's
    /// `stale_after_months` (at `at`, now when `None`); `None` for other kinds.
    pub fn verification(
        &self,
        document: &Document,
        at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Option<directory::Verification> {
        let contact = document.as_contact()?;
        let settings = read(&self.settings);
        Some(directory::verification(
            contact,
            at.unwrap_or_else(chrono::Utc::now),
            &settings.info.timezone,
            settings.info.stale_after_months,
        ))
    }

    /// The contacts a document links (a checklist's steps, a note's `contacts`), each once, in
    /// the order they first appear, as `viewer` may see them. A link the viewer may not follow
    /// is left out rather than shown as a dead button.
    pub fn linked_contacts(&self, document: &Document, viewer: Audience) -> Result<Vec<Document>> {
        let mut ids: Vec<&str> = Vec::new();
        for id in document.linked_contact_ids() {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let mut contacts = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(doc) = self.document(id, viewer)? {
                if doc.as_contact().is_some() {
                    contacts.push(doc);
                }
            }
        }
        Ok(contacts)
    }

    pub fn pack_info(&self) -> PackInfo {
        read(&self.settings).info.clone()
    }

    pub fn content_state(&self) -> Result<Option<ContentState>> {
        self.store()?.content_state()
    }

    /// The content hash recomputed from the stored documents, to compare with
    /// [`ContentState::hash`] (what was recorded, and signed, at install).
    pub fn computed_content_hash(&self) -> Result<Option<String>> {
        self.store()?.computed_hash()
    }

    /// Bookmarks a document `viewer` may see; `NotFound` for one they may not (or that is not
    /// installed), so user data never names what its viewer cannot open.
    pub fn add_bookmark(&self, id: &str, viewer: Audience) -> Result<()> {
        let store = self.store()?;
        visible(&store, id, viewer)?;
        store.add_bookmark(id)
    }

    pub fn remove_bookmark(&self, id: &str) -> Result<bool> {
        self.store()?.remove_bookmark(id)
    }

    pub fn is_bookmarked(&self, id: &str) -> Result<bool> {
        self.store()?.is_bookmarked(id)
    }

    /// Bookmarks of documents `viewer` may see, newest first.
    pub fn bookmarks(&self, viewer: Audience) -> Result<Vec<SavedItem>> {
        self.store()?.bookmarks(viewer)
    }

    /// Records that `viewer` opened a document they may see.
    pub fn record_view(&self, id: &str, viewer: Audience) -> Result<()> {
        let store = self.store()?;
        visible(&store, id, viewer)?;
        store.record_view(id)
    }

    /// Recently opened documents `viewer` may see, most recent first.
    pub fn recents(&self, limit: usize, viewer: Audience) -> Result<Vec<SavedItem>> {
        self.store()?.recents(limit, viewer)
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

    /// Installs content as `version` in one store transaction, then brings the index in step.
    /// If the process dies between the two, the next open sees the index behind and rebuilds it.
    pub fn install(
        &self,
        change: ContentChange<'_>,
        version: u64,
        expected_hash: Option<&str>,
    ) -> Result<ContentState> {
        self.install_recording(change, version, expected_hash, &[])
    }

    /// [`FieldRef::install`], recording `meta` in the same store transaction.
    pub(crate) fn install_recording(
        &self,
        change: ContentChange<'_>,
        version: u64,
        expected_hash: Option<&str>,
        meta: &[(&str, String)],
    ) -> Result<ContentState> {
        let (info, upserts) = match &change {
            ContentChange::Full(pack) => (&pack.info, pack.documents.as_slice()),
            ContentChange::Delta { info, upserts, .. } => (*info, *upserts),
        };
        allowed("this content", info.audience)?;
        crate::content::zones::require_built(&info.timezone)?;
        if let Some(doc) = upserts.iter().find(|d| !d.fits(info.audience)) {
            return Err(Error::AudienceNotAllowed {
                what: format!(
                    "document `{}` of a pack for the {} audience",
                    doc.id,
                    info.audience.as_str()
                ),
                found: Audience::Officers.as_str(),
                allowed: info.audience.as_str(),
            });
        }
        let mut store = self.store()?;
        let before = crate::index::expected_tag(store.content_state()?.as_ref());
        // A delta is indexed while the store applies it; a failed apply drops that work.
        let started = match &change {
            ContentChange::Delta {
                upserts, deletes, ..
            } => self
                .home
                .start_delta(&crate::index::Changed { upserts, deletes }, &before),
            ContentChange::Full(_) => None,
        };
        let state = store.apply_recording(change.clone(), version, expected_hash, meta)?;
        // The content is installed: nothing after this point fails the install.
        if let Ok(info) = store.pack_info() {
            *write(&self.settings) = Settings::of(info);
        }
        let changed = match &change {
            ContentChange::Delta {
                upserts, deletes, ..
            } => Some(crate::index::Changed { upserts, deletes }),
            ContentChange::Full(_) => None,
        };
        self.follow_store(&store, changed, &before, &state, started);
        Ok(state)
    }

    /// Installs a release snapshot (the zstd pack file a server publishes) as `version`, if its
    /// content hashes to `expected_hash`; on any failure the device keeps what it had.
    ///
    /// Memory stays bounded by one copy of the decoded documents: the JSON is parsed as it
    /// decompresses (never held whole), the documents are checked and written in one store
    /// transaction that commits only once the hash matches, and they are dropped before the
    /// index is built, which reads them back from the store one at a time.
    pub fn install_snapshot(
        &self,
        bytes: &[u8],
        decoded_size: u64,
        version: u64,
        expected_hash: &str,
    ) -> Result<ContentState> {
        self.install_snapshot_recording(bytes, decoded_size, (version, expected_hash), &[], |p| {
            crate::sync::check_snapshot(p)
        })
    }

    /// [`FieldRef::install_snapshot`], recording `meta` in the same store transaction, after
    /// `check` accepted the decoded pack.
    pub(crate) fn install_snapshot_recording(
        &self,
        bytes: &[u8],
        decoded_size: u64,
        (version, expected_hash): (u64, &str),
        meta: &[(&str, String)],
        check: impl FnOnce(&Pack) -> Result<()>,
    ) -> Result<ContentState> {
        let pack = crate::pack::decode_signed(bytes, decoded_size)?;
        check(&pack)?;
        allowed("this content", pack.info.audience)?;
        if let Some(doc) = pack.beyond_audience() {
            return Err(Error::AudienceNotAllowed {
                what: format!(
                    "document `{}` of a pack for the {} audience",
                    doc.id,
                    pack.info.audience.as_str()
                ),
                found: Audience::Officers.as_str(),
                allowed: pack.info.audience.as_str(),
            });
        }
        let mut store = self.store()?;
        let before = crate::index::expected_tag(store.content_state()?.as_ref());
        let state = store.apply_recording(
            ContentChange::Full(&pack),
            version,
            Some(expected_hash),
            meta,
        )?;
        drop(pack);
        if let Ok(info) = store.pack_info() {
            *write(&self.settings) = Settings::of(info);
        }
        self.follow_store(&store, None, &before, &state, None);
        Ok(state)
    }

    /// Brings the index in step with what the store now holds. If the on-disk index cannot be
    /// (disk full, lock held by a hung process), this process answers from an index built in
    /// memory and the next open tries the disk again.
    fn follow_store(
        &self,
        store: &Store,
        changed: Option<crate::index::Changed<'_>>,
        before: &str,
        state: &ContentState,
        started: Option<crate::index::DeltaInProgress>,
    ) {
        let after = crate::index::expected_tag(Some(state));
        let followed = self
            .home
            .follow(&self.index, changed, (before, &after), store, started);
        *lock(&self.index_problem) = match followed {
            Ok(()) => None,
            Err(e) => {
                if let Ok(index) = SearchIndex::build_in_memory(store) {
                    *write(&self.index) = index;
                }
                Some(IndexProblem {
                    reason: e.to_string(),
                })
            }
        };
    }

    /// Queues field feedback on a document `viewer` may see ("this number is disconnected") for
    /// the next sync.
    pub fn queue_feedback(&self, doc_id: &str, text: &str, viewer: Audience) -> Result<OutboxItem> {
        self.report_problem(doc_id, FeedbackReason::Other, text, viewer)
    }

    /// Queues a problem report on a document `viewer` may see: a reason (wrong number, closed,
    /// moved) with optional words, or [`FeedbackReason::Other`] with words required.
    pub fn report_problem(
        &self,
        doc_id: &str,
        reason: FeedbackReason,
        text: &str,
        viewer: Audience,
    ) -> Result<OutboxItem> {
        let text = text.trim();
        if text.is_empty() && reason == FeedbackReason::Other {
            return Err(Error::InvalidInput(
                "feedback text is empty: say what is wrong".to_owned(),
            ));
        }
        let store = self.store()?;
        visible(&store, doc_id, viewer)?;
        store.queue_with_reason(OutboxKind::Feedback, Some(doc_id), text, Some(reason))
    }

    /// The ticked steps of a checklist `viewer` may see.
    pub fn checklist_progress(&self, id: &str, viewer: Audience) -> Result<ChecklistProgress> {
        let store = self.store()?;
        progress_of(&store, &visible(&store, id, viewer)?)
    }

    /// Ticks (or unticks) one step; `InvalidInput` for a step the checklist does not have.
    pub fn mark_step(
        &self,
        id: &str,
        step: StepRef,
        done: bool,
        viewer: Audience,
    ) -> Result<ChecklistProgress> {
        let store = self.store()?;
        let doc = visible(&store, id, viewer)?;
        let exists = steps(&doc)?.contains(&step);
        if !exists {
            return Err(Error::InvalidInput(format!(
                "`{id}` has no step {}.{}",
                step.section + 1,
                step.step + 1
            )));
        }
        store.set_step_done(id, doc.revision, step, done)?;
        progress_of(&store, &doc)
    }

    /// "Start over" on a checklist.
    pub fn reset_checklist(&self, id: &str, viewer: Audience) -> Result<ChecklistProgress> {
        let store = self.store()?;
        let doc = visible(&store, id, viewer)?;
        store.reset_progress(id)?;
        progress_of(&store, &doc)
    }

    /// Records that the officer read the current revision of a document (e.g. an updated checklist).
    pub fn acknowledge(&self, doc_id: &str) -> Result<OutboxItem> {
        let store = self.store()?;
        let doc = store
            .document(doc_id)?
            .ok_or_else(|| Error::NotFound(format!("document `{doc_id}`")))?;
        store.queue(
            OutboxKind::Acknowledgement,
            Some(doc_id),
            &doc.revision.to_string(),
        )
    }

    /// Queued items, oldest first (sent ones too unless `unsent_only`).
    pub fn outbox(&self, unsent_only: bool) -> Result<Vec<OutboxItem>> {
        self.store()?.outbox(unsent_only)
    }

    /// Installs a whole pack (e.g. one built with `fieldref pack build`) as `version`.
    pub fn install_pack(&self, pack: &Pack, version: u64) -> Result<ContentState> {
        self.install(ContentChange::Full(pack), version, None)
    }

    pub(crate) fn store(&self) -> Result<MutexGuard<'_, Store>> {
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

/// Every step of a checklist, in order; `InvalidInput` for another kind.
fn steps(doc: &Document) -> Result<Vec<StepRef>> {
    let crate::content::Details::Checklist(checklist) = &doc.details else {
        return Err(Error::InvalidInput(format!(
            "`{}` is not a checklist",
            doc.id
        )));
    };
    Ok(checklist
        .sections
        .iter()
        .enumerate()
        .flat_map(|(s, section)| {
            (0..section.steps.len()).map(move |i| StepRef {
                section: s as u32,
                step: i as u32,
            })
        })
        .collect())
}

fn progress_of(store: &Store, doc: &Document) -> Result<ChecklistProgress> {
    let all = steps(doc)?;
    let done = store.done_steps(&doc.id, doc.revision)?;
    Ok(ChecklistProgress {
        doc_id: doc.id.clone(),
        revision: doc.revision,
        next: all.iter().find(|s| !done.contains(s)).copied(),
        total: all.len() as u32,
        done,
    })
}

/// `NotFound` unless `id` is installed and `viewer` may see it.
fn visible(store: &Store, id: &str, viewer: Audience) -> Result<Document> {
    store
        .document(id)?
        .filter(|d| viewer.may_see(d.audience))
        .ok_or_else(|| Error::NotFound(format!("document `{id}`")))
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

    /// A pack naming a real zone this build leaves out is refused with a typed error before
    /// anything is installed: the device keeps its content.
    #[test]
    fn a_pack_in_a_zone_the_build_leaves_out_is_refused() {
        let Some(zone) = crate::content::zones::a_zone_not_built() else {
            eprintln!("this build has every time zone: nothing to refuse");
            return;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let app = FieldRef::open(dir.path()).expect("open");
        let before = app
            .content_state()
            .expect("state")
            .expect("content")
            .version;
        let mut pack = crate::bundled::pack().expect("bundled");
        pack.info.timezone = zone.to_owned();
        match app.install_pack(&pack, before + 1) {
            Err(Error::TimeZoneNotBuilt { zone: refused, .. }) => assert_eq!(refused, zone),
            other => panic!("{zone}: {other:?}"),
        }
        let after = app
            .content_state()
            .expect("state")
            .expect("content")
            .version;
        assert_eq!(after, before);
        // The validator names the line and says why, for the trainer.
        let problems = crate::content::check_documents(&pack.info, &pack.documents);
        assert!(
            problems
                .iter()
                .any(|p| p.field == "timezone" && p.message.contains("not in this build")),
            "{problems:#?}"
        );
    }

    #[cfg(feature = "officers")]
    #[test]
    fn checklist_progress_survives_a_restart_and_clears_when_the_checklist_changes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let id = "checklist-autism";
        let officer = Audience::Officers;
        let first = StepRef {
            section: 0,
            step: 0,
        };
        let second = StepRef {
            section: 0,
            step: 1,
        };
        {
            let app = FieldRef::open(dir.path()).expect("open");
            let fresh = app.checklist_progress(id, officer).expect("progress");
            assert!(fresh.done.is_empty());
            assert_eq!(fresh.next, Some(first));
            app.mark_step(id, first, true, officer).expect("tick");
            let p = app.mark_step(id, second, true, officer).expect("tick");
            assert_eq!(p.done, [first, second]);
            assert!(p.total > 2);
            assert!(matches!(
                app.mark_step(
                    id,
                    StepRef {
                        section: 99,
                        step: 0
                    },
                    true,
                    officer
                ),
                Err(Error::InvalidInput(_))
            ));
            assert!(matches!(
                app.checklist_progress("note-active-listening", officer),
                Err(Error::InvalidInput(_))
            ));
            assert!(matches!(
                app.checklist_progress(id, Audience::Public),
                Err(Error::NotFound(_))
            ));
            let p = app.mark_step(id, first, false, officer).expect("untick");
            assert_eq!(p.done, [second]);
            assert_eq!(p.next, Some(first));
        }
        let app = FieldRef::open(dir.path()).expect("reopen");
        assert_eq!(
            app.checklist_progress(id, officer).expect("progress").done,
            [second],
            "kept across a restart"
        );
        // Another document changes: the ticks stay. The checklist's revision changes: they go.
        let mut pack = crate::bundled::pack().expect("bundled");
        let other = pack
            .documents
            .iter_mut()
            .find(|d| d.id == "checklist-dementia");
        other.expect("dementia").summary.push_str(" (updated)");
        app.install_pack(&pack, 1).expect("install");
        assert_eq!(
            app.checklist_progress(id, officer).expect("p").done,
            [second]
        );
        let doc = pack
            .documents
            .iter_mut()
            .find(|d| d.id == id)
            .expect("autism");
        doc.revision += 1;
        app.install_pack(&pack, 2).expect("install");
        assert!(app
            .checklist_progress(id, officer)
            .expect("p")
            .done
            .is_empty());
        app.mark_step(id, first, true, officer).expect("tick");
        assert!(app
            .reset_checklist(id, officer)
            .expect("reset")
            .done
            .is_empty());
    }

    #[test]
    fn a_problem_report_keeps_its_reason_and_only_other_needs_words() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = FieldRef::open(dir.path()).expect("open");
        let shelter = "contact-harbor-house-family-shelter";
        let public = Audience::Public;
        app.report_problem(shelter, FeedbackReason::WrongNumber, "  ", public)
            .expect("a reason says enough");
        app.report_problem(shelter, FeedbackReason::Moved, " now on Pier 4 ", public)
            .expect("moved");
        assert!(matches!(
            app.report_problem(shelter, FeedbackReason::Other, " ", public),
            Err(Error::InvalidInput(_))
        ));
        assert!(matches!(
            app.report_problem("no-such-doc", FeedbackReason::Closed, "", public),
            Err(Error::NotFound(_))
        ));
        drop(app);
        let app = FieldRef::open(dir.path()).expect("reopen");
        let queued: Vec<_> = app
            .outbox(true)
            .expect("outbox")
            .into_iter()
            .map(|i| (i.reason, i.payload))
            .collect();
        assert_eq!(
            queued,
            [
                (Some(FeedbackReason::WrongNumber), String::new()),
                (Some(FeedbackReason::Moved), "now on Pier 4".to_owned()),
            ]
        );
    }

    /// The partner configuration of an officers library (a shell opened for the public) never
    /// becomes an officers device: enrolling is refused before any request is made.
    #[cfg(feature = "officers")]
    #[test]
    fn a_session_opened_for_the_public_cannot_enroll() {
        struct Unreachable;
        impl crate::sync::Transport for Unreachable {
            fn send(
                &self,
                _: &crate::sync::HttpRequest,
            ) -> Result<crate::sync::HttpResponse, crate::sync::TransportError> {
                panic!("a public session never asks to enroll")
            }
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let mut options = OpenOptions::new(dir.path());
        options.audience = Some(Audience::Public);
        let app = FieldRef::open_with(options).expect("open");
        assert_eq!(app.audience(), Audience::Public);
        let config = crate::sync::SyncConfig::new("http://127.0.0.1:9");
        assert!(matches!(
            app.enroll(&Unreachable, &config, "K7QM-4XPA-9DZT"),
            Err(Error::AudienceNotAllowed {
                allowed: "public",
                ..
            })
        ));
        assert!(app.enrollment().expect("enrollment").is_none());
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
