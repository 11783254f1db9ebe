//! Turning a stored [`Document`] into what the index holds. Withheld and officers-only locations
//! are never indexed, so no search, snippet or distance can reveal them.

use tantivy::schema::Facet;
use tantivy::TantivyDocument;

use super::schema::{Fields, TextLanguage};
use crate::content::{languages, Details, Document, LocationVisibility};

pub fn to_index_document(doc: &Document, fields: &Fields) -> TantivyDocument {
    let mut out = TantivyDocument::default();
    let language = TextLanguage::of(&doc.language);
    let lang_fields = fields.of(language);
    let body = body_text(doc);
    let extra = extra_text(doc);
    let scene = match &doc.details {
        Details::Checklist(checklist) => checklist.scene_words.join("\n"),
        _ => String::new(),
    };

    out.add_text(fields.id, &doc.id);
    out.add_text(fields.kind, doc.kind().as_str());
    out.add_text(fields.display_title, &doc.title);
    out.add_text(fields.doc_language, &doc.language);
    out.add_text(lang_fields.title, &doc.title);
    // The title is the body's first value too, so a word's BM25 counts it once in the whole
    // text (as BM25F would) rather than only in the short title field; snippets use the last.
    out.add_text(lang_fields.body, &doc.title);
    out.add_text(lang_fields.body, &body);
    out.add_text(lang_fields.pairs, &doc.title);
    out.add_text(lang_fields.pairs, &body);
    out.add_text(lang_fields.extra, &extra);
    if !scene.is_empty() {
        out.add_text(lang_fields.scene, &scene);
    }
    out.add_text(
        fields.words,
        format!("{}\n{body}\n{extra}\n{scene}", doc.title),
    );

    let mut linked: Vec<&str> = doc.linked_contact_ids().collect();
    linked.sort_unstable();
    linked.dedup();
    for id in linked {
        out.add_text(fields.links, id);
    }

    let mut facet =
        |group: &str, value: &str| out.add_facet(fields.facets, Facet::from_path([group, value]));
    facet("kind", doc.kind().as_str());
    facet("audience", doc.audience.as_str());
    facet("doclang", &doc.language);
    if let Some(category) = doc.category() {
        facet("category", category);
    }
    if let Details::Contact(contact) = &doc.details {
        for service_type in &contact.service_types {
            facet("service", service_type);
        }
        for tag in spoken_languages(contact) {
            facet("language", &tag);
        }
        if contact.location_visibility == LocationVisibility::Public {
            if let (Some(lat), Some(lon)) = (contact.latitude, contact.longitude) {
                out.add_f64(fields.latitude, lat);
                out.add_f64(fields.longitude, lon);
            }
        }
        if let Some(hours) = &contact.hours {
            out.add_text(fields.hours, hours);
        }
    }
    out
}

/// A stored text field's first value, or nothing: what search reads back from a hit.
pub fn stored_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> &str {
    use tantivy::schema::Value;
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

/// Languages a contact serves: its staff's, and any language a single phone line offers.
pub fn spoken_languages(contact: &crate::content::Contact) -> Vec<String> {
    let mut tags: Vec<String> = contact.languages.clone();
    for phone in &contact.phones {
        if let Some(tag) = &phone.language {
            tags.push(tag.clone());
        }
    }
    tags.sort();
    tags.dedup();
    tags
}

/// The text snippets are cut from: what a reader of the result would recognise.
fn body_text(doc: &Document) -> String {
    let mut parts: Vec<&str> = vec![&doc.summary];
    let body = plain_text(&doc.body);
    match &doc.details {
        Details::Checklist(checklist) => {
            for section in &checklist.sections {
                parts.push(&section.title);
                for step in &section.steps {
                    parts.push(&step.text);
                    parts.extend(step.say.as_deref());
                    parts.extend(step.why.as_deref());
                    parts.extend(step.warning.as_deref());
                }
            }
            parts.push(&body);
            join(parts)
        }
        Details::Note(note) => {
            parts.push(&body);
            parts.extend(note.dos.iter().map(String::as_str));
            parts.extend(note.donts.iter().map(String::as_str));
            join(parts)
        }
        Details::Contact(contact) => {
            let services = contact.services.join(", ");
            parts.push(&services);
            parts.push(&body);
            parts.extend(contact.eligibility.as_deref());
            join(parts)
        }
    }
}

/// Words that should find a document but read badly in a snippet: tags, names, codes.
fn extra_text(doc: &Document) -> String {
    let mut parts: Vec<String> = doc.tags.clone();
    if let Some(category) = doc.category() {
        parts.push(category.replace('-', " "));
    }
    match &doc.details {
        Details::Checklist(_) => {}
        Details::Note(note) => parts.extend(note.communities.iter().cloned()),
        Details::Contact(contact) => {
            parts.push(contact.organization.clone());
            parts.extend(contact.services.iter().cloned());
            parts.extend(contact.service_types.iter().map(|t| t.replace('-', " ")));
            for tag in spoken_languages(contact) {
                parts.push(tag.clone());
                parts.extend(languages::names(&tag).iter().map(|n| (*n).to_owned()));
            }
            parts.extend(contact.neighborhood.iter().cloned());
            parts.extend(contact.service_area.iter().cloned());
            if contact.location_visibility == LocationVisibility::Public {
                parts.extend(contact.address.iter().cloned());
            }
        }
    }
    parts.join("\n")
}

fn join(parts: Vec<&str>) -> String {
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Markdown to the plain text a snippet can show: heading marks, emphasis and list bullets go.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let line = line.trim_start();
        let line = line.trim_start_matches('#').trim_start();
        let line = line
            .strip_prefix("- ")
            .or_else(|| line.strip_prefix("* "))
            .or_else(|| line.strip_prefix("> "))
            .unwrap_or(line);
        let cleaned: String = line
            .chars()
            .filter(|c| !matches!(c, '*' | '_' | '`'))
            .collect();
        if !cleaned.trim().is_empty() {
            out.push_str(cleaned.trim());
            out.push('\n');
        }
    }
    out
}
