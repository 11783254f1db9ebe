//! The partner directory: contacts by service, language, neighborhood, open now and near me,
//! with the counts a filter screen shows. Works from the store, so it needs no query text.

mod freshness;
mod geo;
mod hours;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::content::{Audience, Document, PackInfo};
use crate::index::spoken_languages;

pub use freshness::{verification, Verification};
pub use geo::{haversine_km, GeoFilter};
pub use hours::{HoursEvaluator, OpenState, OpenStatus};

#[derive(Debug, Clone, Default)]
pub struct DirectoryQuery {
    /// Any of these service types (empty: all).
    pub service_types: Vec<String>,
    /// Any of these spoken languages (empty: all).
    pub languages: Vec<String>,
    pub neighborhood: Option<String>,
    pub open_now: bool,
    pub near: Option<GeoFilter>,
    /// The instant "open now" means; `None` is the current time.
    pub at: Option<DateTime<Utc>>,
    pub viewer: Audience,
    /// Entries returned (facets still count them all); `None` returns all.
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DirectoryEntry {
    /// The contact as the viewer may see it.
    pub contact: Document,
    pub open: OpenStatus,
    pub distance_km: Option<f64>,
    /// When the record was last confirmed, and whether that is too long ago.
    pub verification: Verification,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DirectoryFacets {
    pub service_types: Vec<FacetCount>,
    pub languages: Vec<FacetCount>,
    pub neighborhoods: Vec<FacetCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DirectoryListing {
    pub entries: Vec<DirectoryEntry>,
    /// Contacts matching every filter (before `limit`).
    pub total: usize,
    pub facets: DirectoryFacets,
}

/// Filters, sorts (by distance near a point, else by title) and counts `contacts`.
pub fn list(contacts: Vec<Document>, query: &DirectoryQuery, info: &PackInfo) -> DirectoryListing {
    let at = query.at.unwrap_or_else(Utc::now);
    let timezone = info.timezone.as_str();
    let mut hours = HoursEvaluator::new(timezone);
    let mut entries = Vec::new();
    for doc in contacts {
        if !query.viewer.may_see(doc.audience) {
            continue;
        }
        let Some(contact) = doc.as_contact() else {
            continue;
        };
        if !query.service_types.is_empty()
            && !contact
                .service_types
                .iter()
                .any(|t| query.service_types.contains(t))
        {
            continue;
        }
        if !query.languages.is_empty() {
            let spoken = spoken_languages(contact);
            if !spoken
                .iter()
                .any(|t| query.languages.iter().any(|q| language_matches(q, t)))
            {
                continue;
            }
        }
        if let Some(wanted) = &query.neighborhood {
            if !contact
                .neighborhood
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
            {
                continue;
            }
        }
        let open = hours.status(contact.hours.as_deref(), at);
        if query.open_now && open.state != OpenState::Open {
            continue;
        }
        let distance_km = match (&query.near, contact.visible_point(query.viewer)) {
            (Some(near), Some((lat, lon))) => Some(near.distance_km(lat, lon)),
            _ => None,
        };
        if let Some(near) = &query.near {
            if near.radius_km.is_some() && !distance_km.is_some_and(|d| near.admits(d)) {
                continue;
            }
        }
        let verification = verification(contact, at, timezone, info.stale_after_months);
        entries.push(DirectoryEntry {
            contact: doc.redacted_for(query.viewer),
            open,
            distance_km,
            verification,
        });
    }
    if query.near.is_some() {
        entries.sort_by(|a, b| {
            let (da, db) = (
                a.distance_km.unwrap_or(f64::MAX),
                b.distance_km.unwrap_or(f64::MAX),
            );
            da.total_cmp(&db)
                .then_with(|| a.contact.title.cmp(&b.contact.title))
        });
    } else {
        entries.sort_by(|a, b| {
            a.contact
                .title
                .to_lowercase()
                .cmp(&b.contact.title.to_lowercase())
        });
    }
    let facets = count_facets(&entries);
    let total = entries.len();
    if let Some(limit) = query.limit {
        entries.truncate(limit);
    }
    DirectoryListing {
        entries,
        total,
        facets,
    }
}

/// `es` matches `es` and `es-MX`; a user typing "spanish" is mapped to its tag by the caller.
fn language_matches(wanted: &str, tag: &str) -> bool {
    let wanted = wanted.to_ascii_lowercase();
    let tag = tag.to_ascii_lowercase();
    tag == wanted || tag.starts_with(&format!("{wanted}-"))
}

fn count_facets(entries: &[DirectoryEntry]) -> DirectoryFacets {
    use std::collections::BTreeMap;
    let mut services: BTreeMap<String, u64> = BTreeMap::new();
    let mut languages: BTreeMap<String, u64> = BTreeMap::new();
    let mut neighborhoods: BTreeMap<String, u64> = BTreeMap::new();
    for entry in entries {
        let Some(contact) = entry.contact.as_contact() else {
            continue;
        };
        for t in &contact.service_types {
            *services.entry(t.clone()).or_default() += 1;
        }
        for t in spoken_languages(contact) {
            *languages.entry(t).or_default() += 1;
        }
        if let Some(n) = &contact.neighborhood {
            *neighborhoods.entry(n.clone()).or_default() += 1;
        }
    }
    DirectoryFacets {
        service_types: sorted_counts(services),
        languages: sorted_counts(languages),
        neighborhoods: sorted_counts(neighborhoods),
    }
}

/// Most frequent first, then alphabetical: the order a filter sheet lists them in.
pub fn sorted_counts(counts: impl IntoIterator<Item = (String, u64)>) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out
}
