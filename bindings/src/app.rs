//! `FieldRefApp`: the object a shell holds for the whole session, a thin adapter over
//! `fieldref_core::FieldRef`. Methods marked "no I/O beyond the index" are fast enough for a UI
//! thread on the bundled content; everything else belongs on a background dispatcher.

use std::sync::Arc;

use fieldref_core::content::{languages, DocKind as CoreKind};
use fieldref_core::directory::{DirectoryQuery, GeoFilter};
use fieldref_core::pack::Envelope;
use fieldref_core::search::{SearchFilters as CoreFilters, SearchRequest};
use fieldref_core::sync::{SyncConfig, SyncError, SyncOutcome as CoreOutcome, UpdatePath};
use fieldref_core::{FieldRef, OpenOptions};

use crate::error::{FieldRefError, Result};
use crate::recovery::StoreRecovery;
use crate::sync::{AsyncHttpTransport, ForeignAsyncTransport, ForeignTransport, HttpTransport};
use crate::types::*;

#[derive(uniffi::Object)]
pub struct FieldRefApp {
    core: FieldRef,
    viewer: Viewer,
}

fn geo(point: Option<GeoPoint>, radius_km: Option<f64>) -> Option<GeoFilter> {
    point.map(|p| GeoFilter {
        latitude: p.latitude,
        longitude: p.longitude,
        radius_km,
    })
}

/// A new data directory gets the bundled content of the viewer's audience (at most the build's:
/// a partners' app never installs officers content).
fn options(data_dir: String, viewer: Viewer) -> OpenOptions {
    let mut options = OpenOptions::new(data_dir);
    let audience: fieldref_core::content::Audience = viewer.into();
    options.audience = Some(audience.min(fieldref_core::BUILD_AUDIENCE));
    options
}

fn trust_root(json: &str) -> Result<Envelope> {
    serde_json::from_str(json).map_err(|e| FieldRefError::InvalidInput {
        detail: format!("trust root: {e}"),
    })
}

fn tags(input: Vec<String>) -> Vec<String> {
    input
        .into_iter()
        .map(|l| languages::resolve(&l).unwrap_or(l))
        .collect()
}

#[uniffi::export]
impl FieldRefApp {
    /// Opens the data directory, installing the bundled content on first run. Disk I/O (and an
    /// index build on first run): call from a background dispatcher.
    #[uniffi::constructor]
    pub fn open(data_dir: String, viewer: Viewer) -> Result<Arc<FieldRefApp>> {
        let core = FieldRef::open_with(options(data_dir, viewer))?;
        Ok(Arc::new(FieldRefApp { core, viewer }))
    }

    /// Like [`FieldRefApp::open`], starting from `trust_root_json` (a signed root from
    /// `fieldref keygen`) when the device has no trust root yet. Disk I/O: background dispatcher.
    #[uniffi::constructor]
    pub fn open_with_trust_root(
        data_dir: String,
        viewer: Viewer,
        trust_root_json: String,
    ) -> Result<Arc<FieldRefApp>> {
        let mut options = options(data_dir, viewer);
        options.trust_root = Some(trust_root(&trust_root_json)?);
        Ok(Arc::new(FieldRefApp {
            core: FieldRef::open_with(options)?,
            viewer,
        }))
    }

    /// Like [`FieldRefApp::open`] with the choices a shell may need: keep the index in memory
    /// (rebuilt from the store at each open, for devices where memory-mapped index files fail)
    /// and a trust root for a device that has none yet. Disk I/O: background dispatcher.
    #[uniffi::constructor]
    pub fn open_with_config(data_dir: String, config: OpenConfig) -> Result<Arc<FieldRefApp>> {
        let mut options = options(data_dir, config.viewer);
        options.index_in_memory = config.index_in_memory;
        if let Some(json) = config.trust_root_json {
            options.trust_root = Some(trust_root(&json)?);
        }
        Ok(Arc::new(FieldRefApp {
            core: FieldRef::open_with(options)?,
            viewer: config.viewer,
        }))
    }

    /// What recovering a damaged store did (it was moved aside, the bundled content reinstalled,
    /// the readable user data copied back), until dismissed: show it once, in plain words, then
    /// call [`FieldRefApp::dismiss_recovery_report`]. Kept in the store, so a report survives the
    /// app dying before it was shown. SQLite read.
    pub fn recovery_report(&self) -> Result<Option<StoreRecovery>> {
        Ok(self.core.recovery_report()?.map(Into::into))
    }

    /// The user has seen the recovery report. SQLite write.
    pub fn dismiss_recovery_report(&self) -> Result<()> {
        Ok(self.core.dismiss_recovery_report()?)
    }

    /// Ranked hits for what the user typed; any text is accepted. Reads the index only (no SQLite,
    /// no network); well under a millisecond on the bundled content, so search-as-you-type may
    /// call it for every keystroke (the shells still debounce and call it off the main thread).
    pub fn search(&self, query: String, filters: SearchFilters) -> Result<SearchResults> {
        let request = SearchRequest {
            query,
            filters: CoreFilters {
                kinds: filters.kinds.into_iter().map(CoreKind::from).collect(),
                categories: filters.categories,
                service_types: filters.service_types,
                languages: tags(filters.languages),
                open_now: filters.open_now,
                near: geo(filters.near, filters.radius_km),
            },
            limit: filters.limit.max(1) as usize,
            viewer: self.viewer.into(),
            at: None,
            // The shells search on every keystroke: the last word may be unfinished.
            typing: true,
        };
        let results = self.core.search(&request)?;
        Ok(SearchResults {
            hits: results
                .hits
                .into_iter()
                .map(|h| SearchHit {
                    id: h.id,
                    kind: h.kind.into(),
                    title: h.title,
                    score: h.score,
                    snippet: h.snippet.into(),
                    distance_km: h.distance_km,
                    open: h.open.map(Into::into),
                    linked_from: h.linked_from.map(Into::into),
                })
                .collect(),
            total: results.total,
            kinds: facets(results.facets.kinds, false),
            categories: facets(results.facets.categories, false),
            service_types: facets(results.facets.service_types, false),
            languages: facets(results.facets.languages, true),
            open_now_from_query: results.open_now_from_query,
            took_us: results.took_us,
        })
    }

    /// The whole document, typed by kind, as this viewer may see it; records it as recently
    /// viewed. `near` gives a contact its distance. SQLite read and write.
    pub fn document(&self, id: String, near: Option<GeoPoint>) -> Result<DocumentDetail> {
        let doc = self
            .core
            .document(&id, self.viewer.into())?
            .ok_or_else(|| FieldRefError::NotFound {
                detail: format!("document `{id}`"),
            })?;
        self.core.record_view(&id, self.viewer.into())?;
        let open = self.core.open_status(&doc, None);
        let distance = match (
            near,
            doc.as_contact()
                .and_then(|c| c.visible_point(self.viewer.into())),
        ) {
            (Some(p), Some((lat, lon))) => Some(fieldref_core::directory::haversine_km(
                p.latitude,
                p.longitude,
                lat,
                lon,
            )),
            _ => None,
        };
        let cx = DetailContext {
            bookmarked: self.core.is_bookmarked(&id)?,
            open,
            distance_km: distance,
            verification: self.core.verification(&doc, None),
            linked: self.core.linked_contacts(&doc, self.viewer.into())?,
            today: self.core.today(),
        };
        Ok(document_detail(doc, cx))
    }

    /// Contacts by service, language, neighborhood, open now and near, with facet counts.
    /// SQLite read of every contact: background dispatcher.
    pub fn directory(&self, filters: DirectoryFilters) -> Result<DirectoryPage> {
        let listing = self.core.directory(&DirectoryQuery {
            service_types: filters.service_types,
            languages: tags(filters.languages),
            neighborhood: filters.neighborhood,
            open_now: filters.open_now,
            near: geo(filters.near, filters.radius_km),
            at: None,
            viewer: self.viewer.into(),
            limit: filters.limit.map(|l| l as usize),
        })?;
        Ok(DirectoryPage {
            total: listing.total as u64,
            service_types: facets(listing.facets.service_types, false),
            languages: facets(listing.facets.languages, true),
            neighborhoods: facets(listing.facets.neighborhoods, false),
            items: listing
                .entries
                .into_iter()
                .filter_map(|entry| {
                    let doc = entry.contact;
                    let (id, title, summary) =
                        (doc.id.clone(), doc.title.clone(), doc.summary.clone());
                    let contact = doc.as_contact()?.clone();
                    Some(DirectoryItem {
                        id,
                        title,
                        summary,
                        contact: contact_detail(
                            contact,
                            entry.open,
                            entry.distance_km,
                            entry.verification,
                        ),
                    })
                })
                .collect(),
        })
    }

    /// Bookmarks a document; `NotFound` if it does not exist or is not for this viewer.
    /// SQLite write: background dispatcher.
    pub fn add_bookmark(&self, id: String) -> Result<()> {
        Ok(self.core.add_bookmark(&id, self.viewer.into())?)
    }

    /// Removes a bookmark; returns whether there was one. SQLite write: background dispatcher.
    pub fn remove_bookmark(&self, id: String) -> Result<bool> {
        Ok(self.core.remove_bookmark(&id)?)
    }

    /// Whether `id` is bookmarked (false for unknown ids). SQLite read.
    pub fn is_bookmarked(&self, id: String) -> Result<bool> {
        Ok(self.core.is_bookmarked(&id)?)
    }

    /// Bookmarked documents, newest first. SQLite read.
    pub fn bookmarks(&self) -> Result<Vec<SavedItem>> {
        Ok(self
            .core
            .bookmarks(self.viewer.into())?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Recently opened documents, newest first, at most `limit`. SQLite read.
    pub fn recents(&self, limit: u32) -> Result<Vec<SavedItem>> {
        Ok(self
            .core
            .recents(limit as usize, self.viewer.into())?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// What content is installed. SQLite read.
    pub fn content_status(&self) -> Result<ContentStatus> {
        let stats = self.core.stats()?;
        let state = stats.content.ok_or_else(|| FieldRefError::Storage {
            detail: "no content installed".to_owned(),
        })?;
        let count = |kind: CoreKind| {
            stats
                .counts
                .iter()
                .find(|c| c.kind == kind)
                .map(|c| c.count)
                .unwrap_or(0)
        };
        Ok(ContentStatus {
            pack_id: state.pack_id,
            title: state.title,
            channel: state.channel,
            version: state.version,
            installed_at: state.installed_at,
            checklists: count(CoreKind::Checklist),
            notes: count(CoreKind::Note),
            contacts: count(CoreKind::Contact),
        })
    }

    /// Store and index health, for a diagnostics line on the Updates screen. SQLite read.
    pub fn stats(&self) -> Result<StoreStats> {
        let stats = self.core.stats()?;
        Ok(StoreStats {
            schema_version: stats.schema_version,
            index_docs: stats.index_docs,
            index_in_step: stats.index_in_step,
            installed_bundled_at_open: stats.opened.installed_bundled,
            index_rebuilt_at_open: stats.opened.index_rebuilt,
        })
    }

    /// The full check of the store and the index (every page and file; tens of milliseconds at
    /// tens of thousands of documents), which the open leaves out to stay fast and every sync
    /// runs first. A damaged store is marked and the next start recovers it; a damaged index is
    /// rebuilt now (seconds), and why is returned. Idle maintenance only.
    pub fn check_integrity(&self) -> Result<Option<String>> {
        Ok(self.core.check_integrity()?)
    }

    /// Content version, last verified sync, staleness and pending outbox. SQLite read; no network.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        Ok(self.core.sync_status()?.into())
    }

    /// Checks `server` for an update through the shell's transport, verifies and applies it,
    /// then uploads the outbox. Network and disk: WorkManager / BGAppRefreshTask only.
    pub fn sync(&self, transport: Arc<dyn HttpTransport>, server: String) -> Result<SyncReport> {
        let report = self
            .core
            .sync(&ForeignTransport(transport), &SyncConfig::new(server))?;
        Ok(sync_report(report))
    }

    /// [`FieldRefApp::sync`] for shells with async HTTP (iOS): awaitable, the work runs on a
    /// thread of its own and `transport` is awaited there, so no caller thread blocks. Network
    /// and disk: BGAppRefreshTask, or "Sync now" from a task.
    pub async fn sync_async(
        self: Arc<Self>,
        transport: Arc<dyn AsyncHttpTransport>,
        server: String,
    ) -> Result<SyncReport> {
        let app = Arc::clone(&self);
        crate::background::spawn("fieldref-sync", move || {
            let report = app
                .core
                .sync(&ForeignAsyncTransport(transport), &SyncConfig::new(server))?;
            Ok(sync_report(report))
        })
        .await
        .unwrap_or_else(|| {
            Err(FieldRefError::Storage {
                detail: "the sync stopped unexpectedly; content unchanged".to_owned(),
            })
        })
    }

    /// [`FieldRefApp::enroll`] for shells with async HTTP (iOS), like [`FieldRefApp::sync_async`].
    pub async fn enroll_async(
        self: Arc<Self>,
        transport: Arc<dyn AsyncHttpTransport>,
        server: String,
        code: String,
    ) -> Result<Enrollment> {
        let app = Arc::clone(&self);
        crate::background::spawn("fieldref-enroll", move || {
            let enrolled = app.core.enroll(
                &ForeignAsyncTransport(transport),
                &SyncConfig::new(server),
                &code,
            )?;
            Ok(Enrollment {
                device: enrolled.device,
                channel: enrolled.channel,
            })
        })
        .await
        .unwrap_or_else(|| {
            Err(FieldRefError::Storage {
                detail: "enrollment stopped unexpectedly; nothing changed".to_owned(),
            })
        })
    }

    /// The ticked steps of a checklist (`InvalidInput` for another kind). SQLite read.
    pub fn checklist_progress(&self, id: String) -> Result<ChecklistProgress> {
        Ok(self
            .core
            .checklist_progress(&id, self.viewer.into())?
            .into())
    }

    /// Ticks or unticks one step; kept across rotation and restarts until the checklist
    /// changes. SQLite write: background dispatcher.
    pub fn mark_step(&self, id: String, step: StepRef, done: bool) -> Result<ChecklistProgress> {
        Ok(self
            .core
            .mark_step(&id, step.into(), done, self.viewer.into())?
            .into())
    }

    /// "Start over". SQLite write.
    pub fn reset_checklist(&self, id: String) -> Result<ChecklistProgress> {
        Ok(self.core.reset_checklist(&id, self.viewer.into())?.into())
    }

    /// Enrolls this device for officers updates with the one-time code an admin gave the
    /// officer; the next sync installs the officers release. `NotEnrolled`-free on success;
    /// `Refused` (401) for a wrong, used or expired code; `UpdateRefused(WrongAudience)` in a
    /// partners' app. Network and disk: background dispatcher.
    pub fn enroll(
        &self,
        transport: Arc<dyn HttpTransport>,
        server: String,
        code: String,
    ) -> Result<Enrollment> {
        let enrolled = self.core.enroll(
            &ForeignTransport(transport),
            &SyncConfig::new(server),
            &code,
        )?;
        Ok(Enrollment {
            device: enrolled.device,
            channel: enrolled.channel,
        })
    }

    /// This device's officers enrollment, if any. SQLite read.
    pub fn enrollment(&self) -> Result<Option<Enrollment>> {
        Ok(self.core.enrollment()?.map(|e| Enrollment {
            device: e.device,
            channel: e.channel,
        }))
    }

    /// Queues feedback on a document for the next sync; returns the item's id. `InvalidInput` for
    /// blank text, `NotFound` for an unknown document. SQLite write; no network.
    pub fn queue_feedback(&self, id: String, text: String) -> Result<String> {
        Ok(self.core.queue_feedback(&id, &text, self.viewer.into())?.id)
    }

    /// Queues a problem report on a document: a reason, with words (required for `Other`).
    /// Returns the item's id. `InvalidInput` for `Other` without words, `NotFound` for a
    /// document this viewer may not see. SQLite write; no network.
    pub fn report_problem(
        &self,
        id: String,
        reason: FeedbackReason,
        text: String,
    ) -> Result<String> {
        Ok(self
            .core
            .report_problem(&id, reason.into(), &text, self.viewer.into())?
            .id)
    }

    /// Records that the current revision of a document was read (sent with the next sync);
    /// returns the item's id. SQLite write; no network.
    pub fn acknowledge(&self, id: String) -> Result<String> {
        Ok(self.core.acknowledge(&id)?.id)
    }
}

/// The shells' view of a sync's outcome.
fn sync_report(report: fieldref_core::sync::SyncReport) -> SyncReport {
    let (outcome, from_version, to_version, bytes) = match report.outcome {
        CoreOutcome::UpToDate { version } => (SyncOutcome::UpToDate, version, version, 0),
        CoreOutcome::Updated {
            from,
            to,
            path: UpdatePath::Delta,
            bytes,
        } => (SyncOutcome::UpdatedByDelta, from, to, bytes),
        CoreOutcome::Updated {
            from,
            to,
            path: UpdatePath::Snapshot,
            bytes,
        } => (SyncOutcome::UpdatedBySnapshot, from, to, bytes),
        CoreOutcome::Stale { .. } => {
            let v = report.status.content_version;
            (SyncOutcome::Stale, v, v, 0)
        }
    };
    SyncReport {
        outcome,
        from_version,
        to_version,
        bytes,
        outbox_sent: report.outbox_sent as u64,
        outbox_error: report.outbox_error,
        outbox_retry_after_seconds: match report.outbox_failure {
            Some(SyncError::Backoff { seconds }) => Some(seconds),
            _ => None,
        },
        outbox_not_enrolled: matches!(report.outbox_failure, Some(SyncError::NotEnrolled { .. })),
        status: report.status.into(),
    }
}
