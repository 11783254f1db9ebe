//! Records and enums the shells see, mirroring the core's types field for field. Conversions
//! only: no decisions are made here.

use fieldref_core::content::{self, languages, Details};
use fieldref_core::directory::{self, OpenState as CoreOpenState, OpenStatus as CoreOpenStatus};
use fieldref_core::search;

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DocKind {
    Checklist,
    Note,
    Contact,
}

impl From<content::DocKind> for DocKind {
    fn from(kind: content::DocKind) -> Self {
        match kind {
            content::DocKind::Checklist => DocKind::Checklist,
            content::DocKind::Note => DocKind::Note,
            content::DocKind::Contact => DocKind::Contact,
        }
    }
}

impl From<DocKind> for content::DocKind {
    fn from(kind: DocKind) -> Self {
        match kind {
            DocKind::Checklist => content::DocKind::Checklist,
            DocKind::Note => content::DocKind::Note,
            DocKind::Contact => content::DocKind::Contact,
        }
    }
}

/// Who is using the app: officers see everything; the public no officers-only material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Viewer {
    Officer,
    Public,
}

impl From<Viewer> for content::Audience {
    fn from(viewer: Viewer) -> Self {
        match viewer {
            Viewer::Officer => content::Audience::Officers,
            Viewer::Public => content::Audience::Public,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
pub struct GeoPoint {
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SearchFilters {
    pub kinds: Vec<DocKind>,
    pub categories: Vec<String>,
    pub service_types: Vec<String>,
    /// Spoken languages, as BCP 47 tags.
    pub languages: Vec<String>,
    pub open_now: bool,
    /// The user's position: contact hits get distances.
    pub near: Option<GeoPoint>,
    /// Only contacts within this many kilometres of `near`.
    pub radius_km: Option<f64>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Highlight {
    /// Character offsets into the snippet text, end exclusive.
    pub start: u32,
    pub end: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Snippet {
    pub text: String,
    pub highlights: Vec<Highlight>,
}

impl From<search::Snippet> for Snippet {
    fn from(s: search::Snippet) -> Self {
        Snippet {
            text: s.text,
            highlights: s
                .highlights
                .into_iter()
                .map(|h| Highlight {
                    start: h.start,
                    end: h.end,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum OpenState {
    Open,
    Closed,
    /// No hours known: call first.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OpenStatus {
    pub state: OpenState,
    /// "open, closes Wed 17:00", "call first": ready to show.
    pub description: String,
    /// Local time of the next change, `YYYY-MM-DDTHH:MM`.
    pub next_change: Option<String>,
}

impl From<CoreOpenStatus> for OpenStatus {
    fn from(s: CoreOpenStatus) -> Self {
        OpenStatus {
            description: s.describe(),
            state: match s.state {
                CoreOpenState::Open => OpenState::Open,
                CoreOpenState::Closed => OpenState::Closed,
                CoreOpenState::Unknown => OpenState::Unknown,
            },
            next_change: s.next_change,
        }
    }
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SearchHit {
    pub id: String,
    pub kind: DocKind,
    pub title: String,
    pub score: f32,
    pub snippet: Snippet,
    pub distance_km: Option<f64>,
    pub open: Option<OpenStatus>,
    /// For a contact that has none of the words searched: the checklist or note that links it
    /// (show "Linked from: …").
    pub linked_from: Option<LinkedFrom>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LinkedFrom {
    pub id: String,
    pub title: String,
}

impl From<search::LinkedFrom> for LinkedFrom {
    fn from(l: search::LinkedFrom) -> Self {
        LinkedFrom {
            id: l.id,
            title: l.title,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FacetCount {
    pub value: String,
    /// A label to show ("Spanish" for `es`).
    pub label: String,
    pub count: u64,
}

pub fn facets(counts: Vec<directory::FacetCount>, languages: bool) -> Vec<FacetCount> {
    counts
        .into_iter()
        .map(|f| FacetCount {
            label: if languages {
                languages::display_name(&f.value)
            } else {
                f.value.replace('-', " ")
            },
            value: f.value,
            count: f.count,
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub total: u64,
    pub kinds: Vec<FacetCount>,
    pub categories: Vec<FacetCount>,
    pub service_types: Vec<FacetCount>,
    pub languages: Vec<FacetCount>,
    pub open_now_from_query: bool,
    pub took_us: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChecklistStep {
    pub text: String,
    pub say: Option<String>,
    pub why: Option<String>,
    pub warning: Option<String>,
    /// Ids of contacts to offer as call buttons in this step; details in
    /// [`DocumentDetail::linked_contacts`].
    pub contacts: Vec<String>,
    /// A language (BCP 47) the step relies on; every linked contact lists it.
    pub requires_language: Option<String>,
}

/// A citation a document rests on.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SourceRef {
    pub title: String,
    pub url: Option<String>,
    pub publication: Option<String>,
}

/// What one revision changed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChangeNote {
    pub revision: u32,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub note: String,
    /// Days from the change to today in the pack's time zone, for "Updated 3 days ago".
    pub days_ago: Option<u32>,
}

/// Who wrote and reviewed a document, from what, and what changed: enough for a shell to say
/// "Reviewed by ... on ..., sources: ..." and "Updated 3 days ago: ...".
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Provenance {
    pub authors: Vec<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub review_due: Option<String>,
    pub sources: Vec<SourceRef>,
    /// Id of the original when this document is a translation.
    pub translation_of: Option<String>,
    pub translation_revision: Option<u32>,
    /// Newest revision first.
    pub changes: Vec<ChangeNote>,
    pub latest_change: Option<ChangeNote>,
}

/// How fresh a contact's record is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Verification {
    pub verified_at: Option<String>,
    pub months_since: Option<u32>,
    /// Not verified within the pack's `stale_after_months`, or never.
    pub stale: bool,
    /// "verified 2026-10-01", "not verified for 14 months": ready to show.
    pub description: String,
}

impl From<directory::Verification> for Verification {
    fn from(v: directory::Verification) -> Self {
        Verification {
            description: v.describe(),
            verified_at: v.verified_at,
            months_since: v.months_since,
            stale: v.stale,
        }
    }
}

/// A contact a document links, with what a call button needs.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ContactLink {
    pub id: String,
    pub title: String,
    pub organization: String,
    pub phones: Vec<PhoneLine>,
}

fn change_note(change: &content::Change, today: chrono::NaiveDate) -> ChangeNote {
    ChangeNote {
        revision: change.revision,
        date: change.date.clone(),
        note: change.note.clone(),
        days_ago: change
            .days_ago(today)
            .map(|d| u32::try_from(d).unwrap_or(u32::MAX)),
    }
}

pub fn provenance(p: content::Provenance, today: chrono::NaiveDate) -> Provenance {
    Provenance {
        changes: p
            .history()
            .into_iter()
            .map(|c| change_note(c, today))
            .collect(),
        latest_change: p.latest_change().map(|c| change_note(c, today)),
        authors: p.authors,
        reviewed_by: p.reviewed_by,
        reviewed_at: p.reviewed_at,
        review_due: p.review_due,
        sources: p
            .sources
            .into_iter()
            .map(|s| SourceRef {
                title: s.title,
                url: s.url,
                publication: s.publication,
            })
            .collect(),
        translation_of: p.translation_of,
        translation_revision: p.translation_revision,
    }
}

fn phone_lines(phones: Vec<content::Phone>) -> Vec<PhoneLine> {
    phones
        .into_iter()
        .map(|p| PhoneLine {
            number: p.number,
            kind: p.kind.as_str().to_owned(),
            language: p.language,
        })
        .collect()
}

pub fn contact_link(doc: content::Document) -> Option<ContactLink> {
    let Details::Contact(contact) = doc.details else {
        return None;
    };
    Some(ContactLink {
        id: doc.id,
        title: doc.title,
        organization: contact.organization,
        phones: phone_lines(contact.phones),
    })
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChecklistSection {
    pub title: String,
    pub steps: Vec<ChecklistStep>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PhoneLine {
    pub number: String,
    /// voice, text, tty or hotline.
    pub kind: String,
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ContactDetail {
    pub organization: String,
    pub services: Vec<String>,
    pub service_types: Vec<String>,
    pub phones: Vec<PhoneLine>,
    pub email: Option<String>,
    pub url: Option<String>,
    /// Absent when the location is withheld or not for this viewer.
    pub address: Option<String>,
    pub neighborhood: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub hours: Option<String>,
    pub open: OpenStatus,
    pub distance_km: Option<f64>,
    /// BCP 47 tags and their display names, in the same order.
    pub languages: Vec<String>,
    pub language_names: Vec<String>,
    pub eligibility: Option<String>,
    pub service_area: Option<String>,
    /// When the record was last confirmed, and whether that is too long ago.
    pub verification: Verification,
}

// Crosses the FFI by value; boxing the contact would change nothing on the other side.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum DocumentBody {
    Checklist {
        category: String,
        sections: Vec<ChecklistSection>,
    },
    Note {
        category: String,
        communities: Vec<String>,
        dos: Vec<String>,
        donts: Vec<String>,
        /// Ids of contacts the note refers to; details in [`DocumentDetail::linked_contacts`].
        contacts: Vec<String>,
    },
    Contact {
        contact: ContactDetail,
    },
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DocumentDetail {
    pub id: String,
    pub kind: DocKind,
    pub title: String,
    pub summary: String,
    /// Markdown: a checklist's background, a note's text, a contact's description.
    pub markdown: String,
    pub language: String,
    pub tags: Vec<String>,
    pub officers_only: bool,
    pub revision: u32,
    pub updated_at: String,
    pub bookmarked: bool,
    pub provenance: Provenance,
    /// Contacts the steps or the note link, each once, as this viewer may see them.
    pub linked_contacts: Vec<ContactLink>,
    pub body: DocumentBody,
}

/// What the core says about a document beyond the document itself, for [`document_detail`].
pub struct DetailContext {
    pub bookmarked: bool,
    pub open: Option<CoreOpenStatus>,
    pub distance_km: Option<f64>,
    pub verification: Option<directory::Verification>,
    pub linked: Vec<content::Document>,
    pub today: chrono::NaiveDate,
}

pub fn contact_detail(
    contact: content::Contact,
    open: CoreOpenStatus,
    distance_km: Option<f64>,
    verification: directory::Verification,
) -> ContactDetail {
    ContactDetail {
        language_names: contact
            .languages
            .iter()
            .map(|t| languages::display_name(t))
            .collect(),
        organization: contact.organization,
        services: contact.services,
        service_types: contact.service_types,
        phones: phone_lines(contact.phones),
        email: contact.email,
        url: contact.url,
        address: contact.address,
        neighborhood: contact.neighborhood,
        latitude: contact.latitude,
        longitude: contact.longitude,
        hours: contact.hours,
        open: open.into(),
        distance_km,
        languages: contact.languages,
        eligibility: contact.eligibility,
        service_area: contact.service_area,
        verification: verification.into(),
    }
}

pub fn document_detail(doc: content::Document, cx: DetailContext) -> DocumentDetail {
    let kind = doc.kind().into();
    let body = match doc.details {
        Details::Checklist(c) => DocumentBody::Checklist {
            category: c.category,
            sections: c
                .sections
                .into_iter()
                .map(|s| ChecklistSection {
                    title: s.title,
                    steps: s
                        .steps
                        .into_iter()
                        .map(|st| ChecklistStep {
                            text: st.text,
                            say: st.say,
                            why: st.why,
                            warning: st.warning,
                            contacts: st.contacts,
                            requires_language: st.requires_language,
                        })
                        .collect(),
                })
                .collect(),
        },
        Details::Note(n) => DocumentBody::Note {
            category: n.category,
            communities: n.communities,
            dos: n.dos,
            donts: n.donts,
            contacts: n.contacts,
        },
        Details::Contact(c) => {
            let verification = cx.verification.unwrap_or_else(|| directory::Verification {
                verified_at: c.verified_at.clone(),
                months_since: None,
                stale: true,
            });
            DocumentBody::Contact {
                contact: contact_detail(
                    c,
                    cx.open.unwrap_or_else(CoreOpenStatus::unknown),
                    cx.distance_km,
                    verification,
                ),
            }
        }
    };
    DocumentDetail {
        id: doc.id,
        kind,
        title: doc.title,
        summary: doc.summary,
        markdown: doc.body,
        language: doc.language,
        tags: doc.tags,
        officers_only: doc.audience == content::Audience::Officers,
        revision: doc.revision,
        updated_at: doc.updated_at,
        bookmarked: cx.bookmarked,
        provenance: provenance(doc.provenance, cx.today),
        linked_contacts: cx.linked.into_iter().filter_map(contact_link).collect(),
        body,
    }
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DirectoryFilters {
    pub service_types: Vec<String>,
    pub languages: Vec<String>,
    pub neighborhood: Option<String>,
    pub open_now: bool,
    pub near: Option<GeoPoint>,
    pub radius_km: Option<f64>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DirectoryItem {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub contact: ContactDetail,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DirectoryPage {
    pub items: Vec<DirectoryItem>,
    /// Contacts matching the filters, before `limit`.
    pub total: u64,
    pub service_types: Vec<FacetCount>,
    pub languages: Vec<FacetCount>,
    pub neighborhoods: Vec<FacetCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SavedItem {
    pub id: String,
    pub kind: DocKind,
    pub title: String,
    /// RFC 3339.
    pub at: String,
}

impl From<fieldref_core::store::SavedItem> for SavedItem {
    fn from(s: fieldref_core::store::SavedItem) -> Self {
        SavedItem {
            id: s.id,
            kind: s.kind.into(),
            title: s.title,
            at: s.at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ContentStatus {
    pub pack_id: String,
    pub title: String,
    pub channel: String,
    /// 0 is the content bundled with the app.
    pub version: u64,
    pub installed_at: String,
    pub checklists: u64,
    pub notes: u64,
    pub contacts: u64,
}

/// How to open a data directory; every field but `viewer` may be left out.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OpenConfig {
    pub viewer: Viewer,
    /// Keep the search index in RAM, rebuilt from the store at each open.
    #[uniffi(default)]
    pub index_in_memory: bool,
    /// A signed trust root (from `fieldref keygen`) for a device that has none yet.
    #[uniffi(default)]
    pub trust_root_json: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StoreStats {
    pub schema_version: i64,
    /// Documents in the search index.
    pub index_docs: u64,
    /// The index reflects the installed content (false only if something went wrong).
    pub index_in_step: bool,
    /// This open installed the bundled content (first run).
    pub installed_bundled_at_open: bool,
    /// Why this open rebuilt the index, if it did.
    pub index_rebuilt_at_open: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncStatus {
    pub content_version: u64,
    pub last_verified_at: Option<String>,
    pub last_attempt_at: Option<String>,
    pub last_error: Option<String>,
    /// Whole days since content was last verified current.
    pub days_since_verified: Option<i64>,
    /// The server's manifest had expired: newer content cannot be verified.
    pub stale: bool,
    pub outbox_pending: u64,
}

impl From<fieldref_core::sync::SyncStatus> for SyncStatus {
    fn from(s: fieldref_core::sync::SyncStatus) -> Self {
        SyncStatus {
            content_version: s.content_version,
            last_verified_at: s.last_verified_at,
            last_attempt_at: s.last_attempt_at,
            last_error: s.last_error,
            days_since_verified: s.days_since_verified,
            stale: s.stale,
            outbox_pending: s.outbox_pending as u64,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SyncOutcome {
    UpToDate,
    UpdatedByDelta,
    UpdatedBySnapshot,
    Stale,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncReport {
    pub outcome: SyncOutcome,
    pub from_version: u64,
    pub to_version: u64,
    pub bytes: u64,
    pub outbox_sent: u64,
    pub outbox_error: Option<String>,
    /// The server asked to wait this long before the next upload (429 with Retry-After).
    pub outbox_retry_after_seconds: Option<u64>,
    /// The server does not accept this install's device credential.
    pub outbox_not_enrolled: bool,
    pub status: SyncStatus,
}

/// This device's officers enrollment ("Enrolled as dev-… for port-alder-officers").
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Enrollment {
    pub device: String,
    /// The officers channel the device follows.
    pub channel: String,
}

/// A step's place in a checklist: section and step, both from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
pub struct StepRef {
    pub section: u32,
    pub step: u32,
}

impl From<fieldref_core::store::StepRef> for StepRef {
    fn from(s: fieldref_core::store::StepRef) -> Self {
        StepRef {
            section: s.section,
            step: s.step,
        }
    }
}

impl From<StepRef> for fieldref_core::store::StepRef {
    fn from(s: StepRef) -> Self {
        fieldref_core::store::StepRef {
            section: s.section,
            step: s.step,
        }
    }
}

/// Where the officer is in a checklist; kept by the core across rotation and process death, for
/// this revision of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChecklistProgress {
    pub doc_id: String,
    pub revision: u32,
    pub done: Vec<StepRef>,
    pub total: u32,
    pub next: Option<StepRef>,
}

impl From<fieldref_core::ChecklistProgress> for ChecklistProgress {
    fn from(p: fieldref_core::ChecklistProgress) -> Self {
        ChecklistProgress {
            doc_id: p.doc_id,
            revision: p.revision,
            done: p.done.into_iter().map(Into::into).collect(),
            total: p.total,
            next: p.next.map(Into::into),
        }
    }
}

/// Why a user reports a document; `Other` needs words, the rest may come without.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FeedbackReason {
    WrongNumber,
    Closed,
    Moved,
    Other,
}

impl From<FeedbackReason> for fieldref_core::store::FeedbackReason {
    fn from(r: FeedbackReason) -> Self {
        use fieldref_core::store::FeedbackReason as Core;
        match r {
            FeedbackReason::WrongNumber => Core::WrongNumber,
            FeedbackReason::Closed => Core::Closed,
            FeedbackReason::Moved => Core::Moved,
            FeedbackReason::Other => Core::Other,
        }
    }
}
