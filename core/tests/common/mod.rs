//! A small pack written for the tests, so each search behaviour is checked against documents
//! whose words we control.

#![allow(dead_code)]

use fieldref_core::content::SourceTree;
use fieldref_core::{FieldRef, OpenOptions};

pub const PACK: &str = r#"id = "fixture"
title = "Fixture pack"
channel = "fixture"
timezone = "America/Chicago"
categories = ["autism", "mental-health", "communication"]
service_types = ["shelter", "interpreter", "food"]
synonyms = ["EDP = emotionally disturbed person = mental health crisis", "ASD = autism"]
"#;

pub const FILES: &[(&str, &str)] = &[
    (
        "checklists/autism.md",
        r#"+++
id = "checklist-autism"
kind = "checklist"
title = "Person with autism"
summary = "Lower the noise and give time to answer: autism can make sirens painful."
updated_at = "2026-10-01"
audience = "officers"
category = "autism"
tags = ["asd"]

authors = ["Fixture Training Unit"]
reviewed_by = "Sgt. Fixture"
reviewed_at = "2026-09-15"
review_due = "2036-09-15"

[[sources]]
title = "CIT International: Best Practice Guide"
url = "https://www.citinternational.org/"

[[sections]]
title = "On arrival"

[[sections.steps]]
text = "Turn off the siren and lights: sensory overload makes everything harder."
say = 'Take your time. I will wait.'
+++
Some autistic people do not make eye contact.
"#,
    ),
    (
        "checklists/mental-health.md",
        r#"+++
id = "checklist-mental-health"
kind = "checklist"
title = "Crisis response"
summary = "When someone is in a mental health crisis, slow down."
updated_at = "2026-10-01"
category = "mental-health"
scene_words = ["hearing voices", "off his meds", "paranoid"]

authors = ["Fixture Training Unit"]
reviewed_by = "Sgt. Fixture"
reviewed_at = "2026-09-15"
review_due = "2036-09-15"

[[sources]]
title = "CIT International: Best Practice Guide"
url = "https://www.citinternational.org/"

[[sections]]
title = "Before contact"

[[sections.steps]]
text = "Ask dispatch whether a crisis team can respond with you."
+++
"#,
    ),
    (
        "notes/listening.md",
        r#"+++
id = "note-listening"
kind = "note"
title = "Active listening"
summary = "Listening to understand before answering."
updated_at = "2026-10-01"
category = "communication"
authors = ["Fixture Training Unit"]
reviewed_by = "Sgt. Fixture"
reviewed_at = "2026-09-15"
review_due = "2036-09-15"

[[sources]]
title = "CIT International: Best Practice Guide"
url = "https://www.citinternational.org/"
+++
Repeat back what you heard. People calm down when they feel understood near the old harbor.
"#,
    ),
    (
        "notes/harbour.md",
        r#"+++
id = "note-harbour"
kind = "note"
title = "Community walks"
summary = "Walking beats with residents."
updated_at = "2026-10-01"
category = "communication"
authors = ["Fixture Training Unit"]
reviewed_by = "Sgt. Fixture"
reviewed_at = "2026-09-15"
review_due = "2036-09-15"

[[sources]]
title = "CIT International: Best Practice Guide"
url = "https://www.citinternational.org/"
+++
Monthly walks start at the harbour steps and end at the library.
"#,
    ),
    (
        "notes/escucha.md",
        r#"+++
id = "note-es-escucha"
kind = "note"
title = "Escucha activa"
summary = "Escuchar para entender a las familias."
updated_at = "2026-10-01"
language = "es"
category = "communication"
authors = ["Fixture Training Unit"]
reviewed_by = "Sgt. Fixture"
reviewed_at = "2026-09-15"
review_due = "2036-09-15"

[[sources]]
title = "CIT International: Best Practice Guide"
url = "https://www.citinternational.org/"
+++
Los intérpretes profesionales ayudan cuando la familia habla otro idioma.
"#,
    ),
    (
        "contacts/shelter-247.md",
        r#"+++
id = "contact-harbor-house"
kind = "contact"
title = "Harbor House Family Shelter"
summary = "Emergency shelter for families, any hour."
updated_at = "2026-10-01"
organization = "Harbor House"
services = ["Family shelter"]
service_types = ["shelter"]
phones = [{ number = "507-555-0142", type = "voice" }]
address = "100 Dock Street"
latitude = 44.0150
longitude = -92.4620
hours = "24/7"
languages = ["en", "es"]
+++
Beds for parents with children.
"#,
    ),
    (
        "contacts/shelter-day.md",
        r#"+++
id = "contact-day-center"
kind = "contact"
title = "Northgate Day Shelter"
summary = "Daytime warming shelter with meals."
updated_at = "2026-10-01"
organization = "Northgate Services"
services = ["Day shelter", "Meals"]
service_types = ["shelter", "food"]
phones = [{ number = "507-555-0150", type = "voice" }]
latitude = 44.0640
longitude = -92.4700
hours = "Mo-Fr 09:00-17:00"
languages = ["en"]
+++
Coffee, showers and a warm room.
"#,
    ),
    (
        "contacts/interpreters.md",
        r#"+++
id = "contact-language-bridge"
kind = "contact"
title = "Language Bridge"
summary = "Telephone and in-person interpreters."
updated_at = "2026-10-01"
organization = "Language Bridge Cooperative"
services = ["Telephone interpreting"]
service_types = ["interpreter"]
phones = [{ number = "507-555-0160", type = "voice", language = "so" }]
location_visibility = "officers"
address = "12 Quiet Road"
latitude = 44.0230
longitude = -92.4410
hours = "Mo-Su 07:00-23:00"
languages = ["en", "es"]
+++
Interpreters for police calls and clinics.
"#,
    ),
    (
        "contacts/safe-harbor.md",
        r#"+++
id = "contact-safe-place"
kind = "contact"
title = "Safe Place Shelter"
summary = "Confidential shelter for survivors of abuse."
updated_at = "2026-10-01"
organization = "Safe Place"
services = ["Confidential shelter"]
service_types = ["shelter"]
phones = [{ number = "507-555-0170", type = "hotline" }]
location_visibility = "withheld"
hours = "24/7"
languages = ["en"]
+++
Call the hotline; staff arrange a meeting point.
"#,
    ),
];

pub fn fixture_pack() -> fieldref_core::content::Pack {
    let files = std::iter::once(("pack.toml", PACK)).chain(FILES.iter().copied());
    SourceTree::from_files(files)
        .compile()
        .expect("fixture pack is valid")
}

/// A FieldRef on a fresh temporary directory holding the fixture pack (not the bundled one).
pub fn open_fixture() -> (tempfile::TempDir, FieldRef) {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_dir(dir.path());
    app.install_pack(&fixture_pack(), 1)
        .expect("install fixture");
    (dir, app)
}

pub fn open_dir(path: &std::path::Path) -> FieldRef {
    let mut options = OpenOptions::new(path);
    options.install_bundled = false;
    FieldRef::open_with(options).expect("open")
}

/// The words hit `i`'s snippet marks, lowercased.
pub fn highlighted(results: &fieldref_core::search::SearchResults, i: usize) -> Vec<String> {
    let snippet = &results.hits[i].snippet;
    let chars: Vec<char> = snippet.text.chars().collect();
    snippet
        .highlights
        .iter()
        .map(|h| {
            chars[h.start as usize..h.end as usize]
                .iter()
                .collect::<String>()
                .to_lowercase()
        })
        .collect()
}
