//! Reading the installed content: search, single documents, the partner directory, a
//! contact's hours and verification, and what pack is installed. Reads the index or the store;
//! never writes the user's data.

use crate::content::{Audience, DocKind, Document, PackInfo};
use crate::directory::{self, DirectoryListing, DirectoryQuery, HoursEvaluator, OpenStatus};
use crate::error::Result;
use crate::search::{self, SearchRequest, SearchResults};
use crate::store::ContentState;

use super::{read, FieldRef};

impl FieldRef {
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
}
