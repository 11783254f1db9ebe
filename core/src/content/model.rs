//! The typed documents FieldRef carries. These types are the one shape content has everywhere:
//! parsed from trainers' source files, stored as JSON in SQLite, shipped in packs, and handed to
//! the bindings. Field names follow Open Referral HSDS for contacts where they fit.

use serde::{Deserialize, Serialize};

/// One document of any kind: the fields every kind shares, plus the kind's own details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub title: String,
    pub summary: String,
    #[serde(default = "default_revision")]
    pub revision: u32,
    /// Date of the last edit, `YYYY-MM-DD`.
    pub updated_at: String,
    /// BCP 47 tag of the document's own text.
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub audience: Audience,
    /// Markdown: background for a checklist, the note itself, a contact's description.
    #[serde(default)]
    pub body: String,
    /// Who wrote and checked the document, from what, and what each revision changed.
    #[serde(flatten)]
    pub provenance: Provenance,
    #[serde(flatten)]
    pub details: Details,
}

/// Why an officer may trust a document: who wrote it, who reviewed it and when, when the next
/// review is due, what it rests on, which original it translates, and what each revision
/// changed. Every field is optional in the model; the validator says which kinds need which.
/// Empty fields stay out of the JSON so documents without provenance hash as before.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_by: Option<String>,
    /// `YYYY-MM-DD` of the last review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_at: Option<String>,
    /// `YYYY-MM-DD` by which the document must be reviewed again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_due: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    /// Id of the document this one translates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation_of: Option<String>,
    /// The original's revision this translation matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation_revision: Option<u32>,
    /// One short note per revision, in any order; [`Provenance::latest_change`] finds the newest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
}

impl Provenance {
    /// Whether nothing at all is given.
    pub fn is_empty(&self) -> bool {
        *self == Provenance::default()
    }

    /// The change note with the highest revision.
    pub fn latest_change(&self) -> Option<&Change> {
        self.changes.iter().max_by_key(|c| c.revision)
    }

    /// Every change note, newest revision first.
    pub fn history(&self) -> Vec<&Change> {
        let mut changes: Vec<&Change> = self.changes.iter().collect();
        changes.sort_by_key(|c| std::cmp::Reverse(c.revision));
        changes
    }
}

impl Change {
    /// Days from this change to `today` (0 on the day), for "Updated 3 days ago"; `None` when
    /// the date does not parse.
    pub fn days_ago(&self, today: chrono::NaiveDate) -> Option<i64> {
        let date = chrono::NaiveDate::parse_from_str(&self.date, "%Y-%m-%d").ok()?;
        Some((today - date).num_days().max(0))
    }
}

/// A citation a document rests on: a title and a URL, a publication, or both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publisher and year, a journal, a statute: where to find it without a link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication: Option<String>,
}

/// What one revision changed, in a sentence an officer can read at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub revision: u32,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub note: String,
}

fn default_revision() -> u32 {
    1
}

fn default_language() -> String {
    "en".to_owned()
}

/// What kind of document this is, with that kind's fields.
// Contacts are the biggest variant; documents are held by value in small numbers, so boxing
// would only add an allocation per document.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Details {
    Checklist(Checklist),
    Note(Note),
    Contact(Contact),
}

/// The three kinds, for filters and facets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    Checklist,
    Note,
    Contact,
}

impl DocKind {
    pub const ALL: [DocKind; 3] = [DocKind::Checklist, DocKind::Note, DocKind::Contact];

    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Checklist => "checklist",
            DocKind::Note => "note",
            DocKind::Contact => "contact",
        }
    }

    /// Parses `checklist`, `note` or `contact` (also the plurals a user may type).
    pub fn parse(text: &str) -> Option<DocKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "checklist" | "checklists" => Some(DocKind::Checklist),
            "note" | "notes" => Some(DocKind::Note),
            "contact" | "contacts" => Some(DocKind::Contact),
            _ => None,
        }
    }
}

impl std::fmt::Display for DocKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who may see a document, and whom a pack or a build is for. Ordered: officers see everything
/// the public sees.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Anyone, community partners included.
    #[default]
    Public,
    /// Sworn officers only (tactics, internal lines).
    Officers,
}

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Officers => "officers",
        }
    }

    pub fn parse(text: &str) -> Option<Audience> {
        match text.trim().to_ascii_lowercase().as_str() {
            "public" => Some(Audience::Public),
            "officers" | "officer" => Some(Audience::Officers),
            _ => None,
        }
    }

    /// Whether a viewer with this role may see a document meant for `audience`.
    pub fn may_see(self, audience: Audience) -> bool {
        self == Audience::Officers || audience == Audience::Public
    }

    fn is_public(&self) -> bool {
        *self == Audience::Public
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checklist {
    pub category: String,
    /// What officers call the scene in their own words ("threatening to jump", "off his meds"):
    /// indexed with its own weight so a described scene finds its checklist. Never shown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scene_words: Vec<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub text: String,
    /// Example phrasing an officer can say aloud.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub say: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// Ids of contacts this step sends the officer to: the shells put a call button in the step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<String>,
    /// A language (BCP 47) the step relies on: every linked contact must list it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires_language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub category: String,
    #[serde(default)]
    pub communities: Vec<String>,
    #[serde(rename = "do", default)]
    pub dos: Vec<String>,
    #[serde(rename = "dont", default)]
    pub donts: Vec<String>,
    /// Ids of contacts the note refers the reader to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub organization: String,
    pub services: Vec<String>,
    pub service_types: Vec<String>,
    pub phones: Vec<Phone>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neighborhood: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub location_visibility: LocationVisibility,
    /// OpenStreetMap `opening_hours` expression; `None` means "call first".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// BCP 47 tags of the languages staff speak.
    pub languages: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligibility: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_area: Option<String>,
    /// `YYYY-MM-DD` someone last confirmed this record with the organization (HSDS
    /// `assured_date`); the directory marks records not verified for a long time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_at: Option<String>,
}

/// The front-matter keys of a contact's own fields (beside the ones every document has), in the
/// model's order: the one list the source parser accepts for a contact, the HSDS importer tracks
/// per field, and the trainer console edits. A test holds it to [`Contact`]'s fields.
pub const CONTACT_FIELDS: &[&str] = &[
    "organization",
    "services",
    "service_types",
    "phones",
    "email",
    "url",
    "address",
    "neighborhood",
    "latitude",
    "longitude",
    "location_visibility",
    "hours",
    "languages",
    "eligibility",
    "service_area",
    "verified_at",
];

impl Contact {
    /// Coordinates a viewer may see: withheld locations (e.g. domestic-violence shelters) never
    /// have any, officers-only locations only for officers.
    pub fn visible_point(&self, viewer: Audience) -> Option<(f64, f64)> {
        if !self.location_visibility.visible_to(viewer) {
            return None;
        }
        Some((self.latitude?, self.longitude?))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phone {
    pub number: String,
    #[serde(rename = "type", default)]
    pub kind: PhoneKind,
    /// Language served on this line when it differs from the contact's (HSDS attaches languages
    /// to phones: a Spanish line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    #[default]
    Voice,
    Text,
    Tty,
    Hotline,
}

impl PhoneKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneKind::Voice => "voice",
            PhoneKind::Text => "text",
            PhoneKind::Tty => "tty",
            PhoneKind::Hotline => "hotline",
        }
    }
}

/// Who may see where a contact is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationVisibility {
    #[default]
    Public,
    /// Address and coordinates shown to officers only.
    Officers,
    /// Never shown or indexed (safety: domestic-violence shelters).
    Withheld,
}

impl LocationVisibility {
    pub fn visible_to(self, viewer: Audience) -> bool {
        match self {
            LocationVisibility::Public => true,
            LocationVisibility::Officers => viewer == Audience::Officers,
            LocationVisibility::Withheld => false,
        }
    }
}

impl Document {
    pub fn kind(&self) -> DocKind {
        match self.details {
            Details::Checklist(_) => DocKind::Checklist,
            Details::Note(_) => DocKind::Note,
            Details::Contact(_) => DocKind::Contact,
        }
    }

    /// The category of a checklist or note.
    pub fn category(&self) -> Option<&str> {
        match &self.details {
            Details::Checklist(c) => Some(&c.category),
            Details::Note(n) => Some(&n.category),
            Details::Contact(_) => None,
        }
    }

    /// Ids of the contacts this document links, in document order (a checklist's steps, then
    /// none for contacts; a note's `contacts`), repeats included.
    pub fn linked_contact_ids(&self) -> impl Iterator<Item = &str> {
        let (steps, note): (Vec<&Step>, &[String]) = match &self.details {
            Details::Checklist(c) => (c.sections.iter().flat_map(|s| &s.steps).collect(), &[]),
            Details::Note(n) => (Vec::new(), &n.contacts),
            Details::Contact(_) => (Vec::new(), &[]),
        };
        steps
            .into_iter()
            .flat_map(|s| s.contacts.iter())
            .chain(note)
            .map(String::as_str)
    }

    pub fn as_contact(&self) -> Option<&Contact> {
        match &self.details {
            Details::Contact(c) => Some(c),
            _ => None,
        }
    }

    /// The document as `viewer` may see it: a contact's address and coordinates are removed when
    /// its location is not visible to that viewer. Applied at every exit (show, directory, FFI).
    pub fn redacted_for(mut self, viewer: Audience) -> Document {
        if let Details::Contact(contact) = &mut self.details {
            if !contact.location_visibility.visible_to(viewer) {
                contact.address = None;
                contact.neighborhood = None;
                contact.latitude = None;
                contact.longitude = None;
            }
        }
        self
    }

    /// Whether this document carries nothing `audience` may not have: it is meant for them, and
    /// a contact's location is either visible to them or absent.
    pub fn fits(&self, audience: Audience) -> bool {
        if !audience.may_see(self.audience) {
            return false;
        }
        match &self.details {
            Details::Contact(c) => {
                c.location_visibility.visible_to(audience)
                    || (c.address.is_none()
                        && c.neighborhood.is_none()
                        && c.latitude.is_none()
                        && c.longitude.is_none())
            }
            _ => true,
        }
    }
}

/// Pack-wide settings from `pack.toml`: what trainers maintain beside the documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackInfo {
    pub id: String,
    pub title: String,
    /// Update channel a device follows (a city or agency).
    pub channel: String,
    /// IANA time zone opening hours are evaluated in.
    #[serde(default = "default_timezone")]
    pub timezone: String,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub service_types: Vec<String>,
    /// Lines of `=`-separated equivalent terms, e.g. `EDP = emotionally disturbed person`.
    #[serde(default)]
    pub synonyms: Vec<String>,
    /// Months after a contact's `verified_at` when the directory marks it "not verified".
    #[serde(
        default = "default_stale_after_months",
        skip_serializing_if = "is_default_stale_after_months"
    )]
    pub stale_after_months: u32,
    /// Whom this pack was projected for ([`Pack::for_audience`]); set by the build, never written
    /// in `pack.toml`. Left out of the JSON when public, so public content hashes are unchanged.
    #[serde(default, skip_serializing_if = "Audience::is_public")]
    pub audience: Audience,
}

impl PackInfo {
    /// Settings when there is no pack to read them from (a store with no content yet, a folder
    /// whose `pack.toml` is broken): UTC, public, no categories, no synonyms.
    pub fn empty() -> PackInfo {
        PackInfo {
            id: String::new(),
            title: String::new(),
            channel: String::new(),
            timezone: "UTC".to_owned(),
            categories: Vec::new(),
            service_types: Vec::new(),
            synonyms: Vec::new(),
            stale_after_months: DEFAULT_STALE_AFTER_MONTHS,
            audience: Audience::Public,
        }
    }

    /// The update channel devices of this pack's audience follow: the pack's channel for the
    /// public, `CHANNEL-officers` for officers.
    pub fn audience_channel(&self) -> String {
        channel_for(&self.channel, self.audience)
    }
}

/// Suffix of an officers channel's name.
pub const OFFICERS_CHANNEL_SUFFIX: &str = "-officers";

/// The channel `audience` follows for a pack whose channel is `channel`.
pub fn channel_for(channel: &str, audience: Audience) -> String {
    match audience {
        Audience::Public => channel.to_owned(),
        Audience::Officers => format!("{channel}{OFFICERS_CHANNEL_SUFFIX}"),
    }
}

/// A year: partners' numbers and hours change about that often.
pub const DEFAULT_STALE_AFTER_MONTHS: u32 = 12;

fn default_stale_after_months() -> u32 {
    DEFAULT_STALE_AFTER_MONTHS
}

// Left out of the JSON at the default so packs written before the field hash as before.
fn is_default_stale_after_months(months: &u32) -> bool {
    *months == DEFAULT_STALE_AFTER_MONTHS
}

fn default_timezone() -> String {
    "UTC".to_owned()
}

/// A whole pack: its settings and every document, sorted by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pack {
    pub info: PackInfo,
    pub documents: Vec<Document>,
}

impl Pack {
    /// What `audience` may have of this pack: documents not meant for them left out, contact
    /// locations they may not see removed (withheld ones for everyone). Publishing makes one
    /// release per audience from the same sources this way, and each build bundles its own.
    pub fn for_audience(&self, audience: Audience) -> Pack {
        let mut info = self.info.clone();
        info.audience = audience;
        Pack {
            info,
            documents: self
                .documents
                .iter()
                .filter(|d| audience.may_see(d.audience))
                .map(|d| d.clone().redacted_for(audience))
                .collect(),
        }
    }

    /// The first document that carries something this pack's audience may not have, if any: a
    /// pack that claims an audience must hold nothing beyond it.
    pub fn beyond_audience(&self) -> Option<&Document> {
        self.documents.iter().find(|d| !d.fits(self.info.audience))
    }
}
