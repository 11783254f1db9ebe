//! Writing a contact back as a source file in the trainers' format (`content/README.md`): TOML
//! front matter between `+++` lines in the order the bundled contacts use, then the description.
//! What is written parses back to the same document.

use crate::content::{Audience, Details, Document, LocationVisibility, Provenance};

fn string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| string(i)).collect();
    format!("[{}]", quoted.join(", "))
}

fn float(value: f64) -> String {
    toml::Value::Float(value).to_string()
}

/// Provenance fields, then its `[[sources]]` and `[[changes]]` tables (tables come last in TOML).
fn provenance(out: &mut String, p: &Provenance) {
    let mut line = |key: &str, value: String| {
        out.push_str(key);
        out.push_str(" = ");
        out.push_str(&value);
        out.push('\n');
    };
    if !p.authors.is_empty() {
        line("authors", list(&p.authors));
    }
    let optional = [
        ("reviewed_by", &p.reviewed_by),
        ("reviewed_at", &p.reviewed_at),
        ("review_due", &p.review_due),
        ("translation_of", &p.translation_of),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            line(key, string(value));
        }
    }
    if let Some(revision) = p.translation_revision {
        line("translation_revision", revision.to_string());
    }
    for source in &p.sources {
        out.push_str("\n[[sources]]\n");
        out.push_str(&format!("title = {}\n", string(&source.title)));
        if let Some(url) = &source.url {
            out.push_str(&format!("url = {}\n", string(url)));
        }
        if let Some(publication) = &source.publication {
            out.push_str(&format!("publication = {}\n", string(publication)));
        }
    }
    for change in &p.changes {
        out.push_str(&format!(
            "\n[[changes]]\nrevision = {}\ndate = {}\nnote = {}\n",
            change.revision,
            string(&change.date),
            string(&change.note)
        ));
    }
}

/// The source text of a document. Only contacts come from HSDS; other kinds are not written.
pub fn render_document(doc: &Document) -> Option<String> {
    let Details::Contact(contact) = &doc.details else {
        return None;
    };
    let mut out = String::from("+++\n");
    let mut line = |key: &str, value: String| {
        out.push_str(key);
        out.push_str(" = ");
        out.push_str(&value);
        out.push('\n');
    };
    line("id", string(&doc.id));
    line("kind", string("contact"));
    line("title", string(&doc.title));
    line("summary", string(&doc.summary));
    line("revision", doc.revision.to_string());
    line("updated_at", string(&doc.updated_at));
    if doc.language != "en" {
        line("language", string(&doc.language));
    }
    if !doc.tags.is_empty() {
        line("tags", list(&doc.tags));
    }
    if doc.audience != Audience::Public {
        line("audience", string(doc.audience.as_str()));
    }
    line("organization", string(&contact.organization));
    line("services", list(&contact.services));
    line("service_types", list(&contact.service_types));
    let phones: Vec<String> = contact
        .phones
        .iter()
        .map(|p| {
            let language = p
                .language
                .as_ref()
                .map(|l| format!(", language = {}", string(l)))
                .unwrap_or_default();
            format!(
                "  {{ number = {}, type = {}{language} }},\n",
                string(&p.number),
                string(p.kind.as_str())
            )
        })
        .collect();
    line("phones", format!("[\n{}]", phones.concat()));
    let optional = [
        ("email", contact.email.as_deref()),
        ("url", contact.url.as_deref()),
        ("address", contact.address.as_deref()),
        ("neighborhood", contact.neighborhood.as_deref()),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            line(key, string(value));
        }
    }
    if let Some(lat) = contact.latitude {
        line("latitude", float(lat));
    }
    if let Some(lon) = contact.longitude {
        line("longitude", float(lon));
    }
    let visibility = match contact.location_visibility {
        LocationVisibility::Public => "public",
        LocationVisibility::Officers => "officers",
        LocationVisibility::Withheld => "withheld",
    };
    line("location_visibility", string(visibility));
    if let Some(hours) = &contact.hours {
        line("hours", string(hours));
    }
    line("languages", list(&contact.languages));
    if let Some(eligibility) = &contact.eligibility {
        line("eligibility", string(eligibility));
    }
    if let Some(area) = &contact.service_area {
        line("service_area", string(area));
    }
    if let Some(verified_at) = &contact.verified_at {
        line("verified_at", string(verified_at));
    }
    provenance(&mut out, &doc.provenance);
    out.push_str("+++\n");
    if !doc.body.is_empty() {
        out.push('\n');
        out.push_str(&doc.body);
        out.push('\n');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::SourceTree;

    const PACK: &str = "id = \"p\"\ntitle = \"P\"\nchannel = \"p\"\ntimezone = \"America/Chicago\"\nservice_types = [\"shelter\", \"food\"]\n";

    #[test]
    fn a_rendered_contact_parses_back_to_the_same_document() {
        let source = "+++\nid = \"contact-a\"\nkind = \"contact\"\ntitle = \"Harbor \\\"House\\\"\"\nsummary = \"Beds; meals.\"\nupdated_at = \"2026-10-01\"\nlanguage = \"es\"\ntags = [\"beds\"]\naudience = \"officers\"\norganization = \"Harbor\"\nservices = [\"Beds\"]\nservice_types = [\"shelter\", \"food\"]\nphones = [{ number = \"507-555-0142\", type = \"hotline\", language = \"es\" }, { number = \"507-555-0143\" }]\nemail = \"a@b.org\"\naddress = \"1 Dock St, Port Alder\"\nlatitude = 44.02\nlongitude = -92.5\nhours = \"Mo-Fr 08:00-17:00\"\nlanguages = [\"es\", \"en\"]\neligibility = \"Adults\"\nservice_area = \"City\"\nverified_at = \"2026-09-30\"\nauthors = [\"Directory team\"]\nreviewed_by = \"Sgt. Okafor\"\nreviewed_at = \"2026-09-30\"\n\n[[sources]]\ntitle = \"Harbor intake sheet\"\npublication = \"Harbor, 2026\"\n\n[[changes]]\nrevision = 1\ndate = \"2026-09-30\"\nnote = \"First listing.\"\n+++\n\nLine one.\n\nLine two.\n";
        let parse = |text: &str| {
            SourceTree::from_files([("pack.toml", PACK), ("contacts/a.md", text)])
                .compile()
                .expect("valid")
                .documents
                .remove(0)
        };
        let original = parse(source);
        let rendered = render_document(&original).expect("a contact");
        assert_eq!(parse(&rendered), original, "{rendered}");
    }
}
