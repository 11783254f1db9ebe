//! What the field will see: a document as an officer or a community partner gets it (the core's
//! audience projection, [`Pack::for_audience`], applied to the compiled pack), and the ranking an
//! officer's search gives, from the core's own search over a temporary store and index built
//! from the folder.

use anyhow::{Context, Result};
use fieldref_core::content::{Audience, Details, Document, Pack};
use fieldref_core::search::{Hit, SearchRequest};
use fieldref_core::{FieldRef, OpenOptions};
use maud::{html, Markup, PreEscaped};

/// The document `id` as `audience` receives it, or why they do not.
pub fn for_audience(pack: &Pack, id: &str, audience: Audience) -> Markup {
    let projected = pack.for_audience(audience);
    let who = match audience {
        Audience::Officers => "an officer",
        Audience::Public => "a community partner",
    };
    match projected.documents.iter().find(|d| d.id == id) {
        Some(doc) => html! {
            p.preview-who { "As " (who) " sees it:" }
            (document(doc, &projected))
        },
        None => html! {
            p.preview-who.hidden-from role="status" {
                "Not shown to " (who) ": this document is for officers only (audience = officers)."
            }
        },
    }
}

fn document(doc: &Document, pack: &Pack) -> Markup {
    html! {
        article.preview-doc {
            h3 { (doc.title) }
            p.summary { (doc.summary) }
            @if let Some(change) = doc.provenance.latest_change() {
                p.change { "What changed in revision " (change.revision) " (" (change.date) "): " (change.note) }
            }
            @match &doc.details {
                Details::Checklist(checklist) => {
                    @for section in &checklist.sections {
                        h4 { (section.title) }
                        ol.steps {
                            @for step in &section.steps {
                                li {
                                    (step.text)
                                    @if let Some(say) = &step.say { p.say { "Say: “" (say) "”" } }
                                    @if let Some(why) = &step.why { p.why { "Why: " (why) } }
                                    @if let Some(warning) = &step.warning { p.warning { "⚠ " (warning) } }
                                    @for id in &step.contacts { (call_button(pack, id)) }
                                }
                            }
                        }
                    }
                }
                Details::Note(note) => {
                    @if !note.dos.is_empty() {
                        h4 { "Do" }
                        ul { @for item in &note.dos { li { (item) } } }
                    }
                    @if !note.donts.is_empty() {
                        h4 { "Don't" }
                        ul { @for item in &note.donts { li { (item) } } }
                    }
                    @for id in &note.contacts { (call_button(pack, id)) }
                }
                Details::Contact(contact) => {
                    dl.contact {
                        dt { "Organization" } dd { (contact.organization) }
                        dt { "Phones" }
                        dd {
                            @for phone in &contact.phones {
                                div { (phone.number) " (" (phone.kind.as_str())
                                    @if let Some(l) = &phone.language { ", " (l) } ")" }
                            }
                        }
                        dt { "Address" }
                        dd { (contact.address.as_deref().unwrap_or("not shown")) }
                        dt { "Hours" }
                        dd { (contact.hours.as_deref().unwrap_or("call first")) }
                        dt { "Languages" } dd { (contact.languages.join(", ")) }
                        @if let Some(e) = &contact.eligibility { dt { "Eligibility" } dd { (e) } }
                    }
                }
            }
            div.body { (markdown(&doc.body)) }
            (provenance(doc))
        }
    }
}

/// The call button the shells put in a step or note for a linked contact: its name and first
/// number.
fn call_button(pack: &Pack, id: &str) -> Markup {
    let contact = pack.documents.iter().find(|d| d.id == id);
    let number = contact
        .and_then(Document::as_contact)
        .and_then(|c| c.phones.first())
        .map(|p| p.number.as_str());
    html! {
        p.call {
            "☎ Call " (contact.map_or(id, |c| c.title.as_str()))
            @if let Some(number) = number { " (" (number) ")" }
        }
    }
}

/// Who wrote and reviewed the document and what it rests on, as officers are shown it.
fn provenance(doc: &Document) -> Markup {
    let p = &doc.provenance;
    html! {
        @if !p.authors.is_empty() || p.reviewed_by.is_some() || !p.sources.is_empty() {
            footer.provenance {
                @if !p.authors.is_empty() { p { "By " (p.authors.join(", ")) } }
                @if let Some(by) = &p.reviewed_by {
                    p { "Reviewed by " (by) @if let Some(on) = &p.reviewed_at { " on " (on) } }
                }
                @if !p.sources.is_empty() {
                    p { "Sources: "
                        @for (i, source) in p.sources.iter().enumerate() {
                            @if i > 0 { "; " }
                            (source.title)
                            @if let Some(publication) = &source.publication { ", " (publication) }
                        }
                    }
                }
            }
        }
    }
}

/// Markdown rendered to HTML, raw HTML in the source shown as text (trainers' files are not
/// trusted to inject script into the console).
pub fn markdown(text: &str) -> Markup {
    use pulldown_cmark::{Event, Parser};
    let events = Parser::new(text).map(|event| match event {
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    PreEscaped(out)
}

/// The officer's ranking for `query` over `pack`: a throwaway store and in-memory index built by
/// the core, searched as an officer's device would.
pub fn officer_search(pack: &Pack, query: &str, limit: usize) -> Result<Vec<Hit>> {
    let dir = tempfile::tempdir().context("temporary store")?;
    let mut options = OpenOptions::new(dir.path());
    options.index_in_memory = true;
    options.install_bundled = false;
    let app = FieldRef::open_with(options).context("opening a temporary store")?;
    app.install_pack(&pack.for_audience(Audience::Officers), 1)
        .context("indexing the folder")?;
    let mut request = SearchRequest::new(query);
    request.limit = limit;
    request.viewer = Audience::Officers;
    Ok(app.search(&request)?.hits)
}

/// A hit's snippet with its matched words in `<mark>`.
pub fn highlighted(hit: &Hit) -> Markup {
    let chars: Vec<char> = hit.snippet.text.chars().collect();
    let mut parts: Vec<(bool, String)> = Vec::new();
    let mut at = 0usize;
    for h in &hit.snippet.highlights {
        let (start, end) = (h.start as usize, (h.end as usize).min(chars.len()));
        if start < at || start >= end {
            continue;
        }
        parts.push((false, chars[at..start].iter().collect()));
        parts.push((true, chars[start..end].iter().collect()));
        at = end;
    }
    parts.push((false, chars[at..].iter().collect()));
    html! {
        @for (marked, text) in &parts {
            @if *marked { mark { (text) } } @else { (text) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Pack {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        fieldref_core::content::SourceTree::read_dir(&dir)
            .expect("read")
            .compile()
            .expect("valid")
    }

    #[test]
    fn partners_do_not_see_officers_documents() {
        let pack = bundled();
        let officers_only = pack
            .documents
            .iter()
            .find(|d| d.audience == Audience::Officers)
            .expect("an officers-only document");
        let partner = for_audience(&pack, &officers_only.id, Audience::Public).into_string();
        assert!(partner.contains("Not shown to a community partner"));
        let officer = for_audience(&pack, &officers_only.id, Audience::Officers).into_string();
        assert!(officer.contains(&maud::html! { (officers_only.title) }.into_string()));
    }

    #[test]
    fn partners_see_a_contact_without_its_officers_only_address() {
        let pack = bundled();
        let contact = pack
            .documents
            .iter()
            .find(|d| {
                d.audience == Audience::Public
                    && d.as_contact().is_some_and(|c| {
                        c.location_visibility
                            == fieldref_core::content::LocationVisibility::Officers
                            && c.address.is_some()
                    })
            })
            .expect("a public contact whose address only officers see");
        let address = contact
            .as_contact()
            .and_then(|c| c.address.clone())
            .expect("address");
        let address = maud::html! { (address) }.into_string();
        let officer = for_audience(&pack, &contact.id, Audience::Officers).into_string();
        assert!(officer.contains(&address));
        let partner = for_audience(&pack, &contact.id, Audience::Public).into_string();
        assert!(partner.contains("As a community partner sees it"));
        assert!(
            !partner.contains(&address),
            "the address is left out for partners"
        );
        assert!(partner.contains("not shown"));
    }

    #[test]
    fn officer_search_ranks_and_marks_matches() {
        let hits = officer_search(&bundled(), "autism", 5).expect("search");
        assert_eq!(hits[0].id, "checklist-autism");
        let marked = hits
            .iter()
            .map(|h| highlighted(h).into_string())
            .find(|s| s.contains("<mark>"));
        assert!(marked.is_some(), "some snippet marks a match");
    }

    #[test]
    fn markdown_is_rendered_and_raw_html_is_not() {
        let html = markdown("**bold** <script>x</script>").into_string();
        assert!(html.contains("<strong>bold</strong>"));
        assert!(!html.contains("<script>"));
    }
}
