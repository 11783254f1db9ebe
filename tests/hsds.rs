//! Open Referral HSDS import and export, whole flow: the specification's own examples in
//! `../shared/hsds` go into a real pack folder, are checked by the pack validator field by field,
//! re-imported over trainers' edits, installed into a real store and index, and the bundled
//! contacts go out as HSDS that the specification's JSON schema accepts and come back the same.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use fieldref_core::content::{
    Audience, Contact, Document, LocationVisibility, Pack, Phone, PhoneKind, SourceTree,
};
use fieldref_core::hsds::{self, HsdsError};
use fieldref_core::search::SearchRequest;
use fieldref_core::FieldRef;
use serde_json::{json, Value};

const SERVICE_ID: &str = "ac148810-d857-441c-9679-408f346de14b";
const CONTACT_ID: &str = "contact-hsds-ac148810-d857-441c-9679-408f346de14b";
/// Words of the example location's address that must never reach a withheld contact.
const STREET_WORDS: &[&str] = &[
    "Main Street",
    "MyVillage",
    "1-30 Main",
    "ABC 1234",
    "Civic Center",
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `../shared/hsds`, or `None` (with a message) when it is not there and not required.
fn shared() -> Option<PathBuf> {
    let dir = repo().join("../shared/hsds");
    if dir.join("service_full.json").exists() {
        return Some(dir);
    }
    assert!(
        std::env::var("FIELDREF_REQUIRE_HSDS").as_deref() != Ok("1"),
        "FIELDREF_REQUIRE_HSDS=1 but {} is missing",
        dir.display()
    );
    eprintln!(
        "skipped: {} is missing (set FIELDREF_REQUIRE_HSDS=1 to fail instead)",
        dir.display()
    );
    None
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).expect("date")
}

/// A pack folder with the bundled `pack.toml` plus an `[hsds]` mapping for the examples.
fn pack_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let bundled = std::fs::read_to_string(repo().join("content/pack.toml")).expect("pack.toml");
    let bundled = bundled
        .split("\n[hsds]")
        .next()
        .expect("pack.toml text")
        .to_owned();
    let text = format!(
        "{bundled}\n[hsds]\ntaxonomy = {{ \"code\" = [\"mental-health\"] }}\nsensitive_service_types = [\"domestic-violence\"]\ndefault_service_types = [\"community-center\"]\n"
    );
    std::fs::write(dir.path().join("pack.toml"), text).expect("write pack.toml");
    dir
}

/// The pack as `fieldref pack validate` sees it.
fn validated(dir: &Path) -> Pack {
    match SourceTree::read_dir(dir).and_then(|t| t.compile()) {
        Ok(pack) => pack,
        Err(problems) => panic!("pack does not validate: {problems:#?}"),
    }
}

fn contact<'a>(pack: &'a Pack, id: &str) -> (&'a Document, &'a Contact) {
    let doc = pack
        .documents
        .iter()
        .find(|d| d.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(pack)));
    (doc, doc.as_contact().expect("a contact"))
}

fn ids(pack: &Pack) -> Vec<&str> {
    pack.documents.iter().map(|d| d.id.as_str()).collect()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

fn write_json(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).expect("json")).expect("write");
    path
}

/// Every file under `dir` with its text, to tell "changed nothing" byte for byte.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    fieldref_tests::files_under(dir)
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            (path, text)
        })
        .collect()
}

/// The service record with a schedule HSDS and OpenStreetMap can both say, and a real point.
fn clean_service(shared: &Path) -> Value {
    let mut service = read_json(&shared.join("service_full.json"));
    let weekdays = json!({"id": "5b0c1a40-0000-4000-8000-000000000001", "freq": "WEEKLY",
        "byday": "MO,TU,WE,TH,FR", "opens_at": "10:00:00", "closes_at": "18:00:00"});
    let saturday = json!({"id": "5b0c1a40-0000-4000-8000-000000000002", "freq": "WEEKLY",
        "byday": "SA", "opens_at": "10:00", "closes_at": "14:00"});
    service["service_at_locations"][0]["schedules"] = json!([weekdays, saturday]);
    service["service_at_locations"][0]["location"]["latitude"] = json!(44.02);
    service["service_at_locations"][0]["location"]["longitude"] = json!(-92.47);
    service
}

#[test]
fn service_full_imports_field_by_field_and_validates() {
    let Some(shared) = shared() else { return };
    let dir = pack_dir();
    let report = hsds::import_into(&shared.join("service_full.json"), dir.path(), Some(today()))
        .expect("import");
    assert_eq!(report.added.len(), 1, "{report:#?}");
    assert!(
        !report.complete,
        "a single record is not a complete listing"
    );
    let pack = validated(dir.path());
    let (doc, c) = contact(&pack, CONTACT_ID);
    assert_eq!(doc.title, "Community Counselling");
    assert_eq!(doc.updated_at, "2005-01-01", "HSDS assured_date");
    assert_eq!(
        c.verified_at.as_deref(),
        Some("2005-01-01"),
        "assured_date is when the record was last verified"
    );
    assert_eq!(c.organization, "Example Organization Inc.");
    assert_eq!(
        c.service_types,
        vec!["mental-health"],
        "through [hsds.taxonomy]"
    );
    // The quoted number of the example, unquoted; Urdu on the line and spoken.
    assert_eq!(
        c.phones,
        vec![Phone {
            number: "+44 1234 234567".to_owned(),
            kind: PhoneKind::Voice,
            language: Some("ur".to_owned()),
        }]
    );
    assert!(doc.body.contains("Extension 100 on +44 1234 234567."));
    assert_eq!(c.languages, vec!["ur"]);
    assert_eq!(
        c.address.as_deref(),
        Some("1-30 Main Street, MyVillage, MyCity, MyState ABC 1234")
    );
    // Latitude 100 is no point on Earth: left out and said so.
    assert_eq!((c.latitude, c.longitude), (None, None));
    assert!(report
        .notes
        .iter()
        .any(|n| n.detail.contains("coordinates (100, 101)")));
    // Its only schedule ended in 2005 (and uses byweekno): no hours rather than wrong ones.
    assert_eq!(c.hours, None);
    assert!(report
        .notes
        .iter()
        .any(|n| n.detail.contains("valid only until 2005-01-01")));
    assert_eq!(c.location_visibility, LocationVisibility::Public);
    assert_eq!(c.email.as_deref(), Some("email@example.com"));
    assert_eq!(c.url.as_deref(), Some("http://example.com/counselling"));
    assert!(c
        .eligibility
        .as_deref()
        .is_some_and(|e| e.ends_with("(ages 12 to 100)")));
    assert!(c
        .service_area
        .as_deref()
        .is_some_and(|a| a.starts_with("The service is available")));
}

#[test]
fn schedules_and_coordinates_that_can_be_expressed_come_in() {
    let Some(shared) = shared() else { return };
    let dir = pack_dir();
    let source = write_json(dir.path(), "../clean-service.json", &clean_service(&shared));
    hsds::import_into(&source, dir.path(), Some(today())).expect("import");
    let pack = validated(dir.path());
    let (_, c) = contact(&pack, CONTACT_ID);
    assert_eq!(
        c.hours.as_deref(),
        Some("Mo-Fr 10:00-18:00; Sa 10:00-14:00")
    );
    assert_eq!((c.latitude, c.longitude), (Some(44.02), Some(-92.47)));
    // A monthly rule cannot be said in opening_hours: no hours, and the reason.
    let mut monthly = clean_service(&shared);
    monthly["service_at_locations"][0]["schedules"][1]["freq"] = json!("MONTHLY");
    let source = write_json(dir.path(), "../monthly-service.json", &monthly);
    let report = hsds::import_into(&source, dir.path(), Some(today())).expect("import");
    let pack = validated(dir.path());
    assert_eq!(contact(&pack, CONTACT_ID).1.hours, None);
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.detail.contains("freq MONTHLY")),
        "{report:#?}"
    );
}

#[test]
fn list_pages_import_each_record_and_say_why_a_record_is_skipped() {
    let Some(shared) = shared() else { return };
    // The example pages as published: their one record has no phone (service_list) or
    // organizations without services (organization_list).
    let dir = pack_dir();
    let report = hsds::import_into(&shared.join("service_list.json"), dir.path(), Some(today()))
        .expect("import");
    assert_eq!(report.skipped.len(), 1);
    assert!(report.skipped[0]
        .detail
        .contains("no callable phone number"));
    assert!(report
        .notes
        .iter()
        .any(|n| n.detail.contains("page 1 of 10")));
    let report = hsds::import_into(
        &shared.join("organization_list.json"),
        dir.path(),
        Some(today()),
    )
    .expect("import");
    assert!(report
        .notes
        .iter()
        .any(|n| n.detail.contains("lists no services")));

    // service_at_location pages pair a service with its location.
    let report = hsds::import_into(
        &shared.join("service_at_location_list.json"),
        dir.path(),
        Some(today()),
    )
    .expect("import");
    assert!(
        report.added.is_empty() && report.skipped.len() == 1,
        "{report:#?}"
    );

    // Pages built from the full records: every record becomes a valid contact.
    let full = read_json(&shared.join("service_full.json"));
    let mut second = clean_service(&shared);
    second["id"] = json!("0f5a1c2e-1111-4222-8333-444455556666");
    second["name"] = json!("Evening Counselling");
    let page =
        json!({"total_items": 2, "total_pages": 1, "page_number": 1, "contents": [full, second]});
    let dir = pack_dir();
    let source = write_json(dir.path(), "../service-page.json", &page);
    let report = hsds::import_into(&source, dir.path(), Some(today())).expect("import");
    assert!(report.complete);
    assert_eq!(report.added.len(), 2, "{report:#?}");
    let pack = validated(dir.path());
    let (_, evening) = contact(&pack, "contact-hsds-0f5a1c2e-1111-4222-8333-444455556666");
    assert_eq!(
        evening.hours.as_deref(),
        Some("Mo-Fr 10:00-18:00; Sa 10:00-14:00")
    );
    assert_eq!(evening.phones[0].number, "+44 1234 234567");

    let organization = read_json(&shared.join("organization_full.json"));
    let page = json!({"total_pages": 1, "contents": [organization]});
    let dir = pack_dir();
    let source = write_json(dir.path(), "../organization-page.json", &page);
    let report = hsds::import_into(&source, dir.path(), Some(today())).expect("import");
    assert_eq!(report.added.len(), 1, "{report:#?}");
    let pack = validated(dir.path());
    let (_, c) = contact(&pack, CONTACT_ID);
    assert_eq!(c.organization, "Example Organization Inc.");
    assert_eq!(c.languages, vec!["ur"]);

    let pairing = read_json(&shared.join("service_at_location_full.json"));
    let dir = pack_dir();
    let source = write_json(dir.path(), "../pairing.json", &pairing);
    hsds::import_into(&source, dir.path(), Some(today())).expect("import");
    let pack = validated(dir.path());
    let (_, c) = contact(&pack, CONTACT_ID);
    assert_eq!(c.phones.len(), 1);
    assert_eq!(c.phones[0].language.as_deref(), Some("ur"));
}

#[test]
fn the_csv_data_package_imports_like_the_json() {
    let Some(shared) = shared() else { return };
    let dir = pack_dir();
    let report = hsds::import_into(&shared.join("csv"), dir.path(), Some(today())).expect("import");
    assert!(report.complete, "a data package is a complete listing");
    assert_eq!(report.added.len(), 1, "{report:#?}");
    let pack = validated(dir.path());
    let (doc, c) = contact(&pack, CONTACT_ID);
    assert_eq!(doc.title, "Community Counselling");
    assert_eq!(c.organization, "Example Organization Inc.");
    assert_eq!(
        c.phones,
        vec![Phone {
            number: "+44 1234 234567".to_owned(),
            kind: PhoneKind::Voice,
            language: Some("ur".to_owned()),
        }]
    );
    assert_eq!(c.languages, vec!["ur"]);
    assert_eq!(
        c.address.as_deref(),
        Some("1-30 Main Street, MyVillage, MyCity, MyState ABC 1234")
    );
    assert_eq!(c.hours, None, "the example schedule ended in 2005");
    // The package's attribute links its term to another record: the department's default.
    assert_eq!(c.service_types, vec!["community-center"]);
    assert!(report
        .notes
        .iter()
        .any(|n| n.detail.contains("default_service_types")));
}

#[test]
fn a_second_import_changes_nothing() {
    let Some(shared) = shared() else { return };
    for source in [shared.join("service_full.json"), shared.join("csv")] {
        let dir = pack_dir();
        hsds::import_into(&source, dir.path(), Some(today())).expect("first import");
        let before = snapshot(dir.path());
        let report = hsds::import_into(&source, dir.path(), Some(today())).expect("second import");
        assert!(!report.changed_anything(), "{report:#?}");
        assert_eq!(report.unchanged, vec![CONTACT_ID.to_owned()]);
        assert_eq!(snapshot(dir.path()), before, "{}", source.display());
    }
}

#[test]
fn a_trainers_edit_survives_a_reimport() {
    let Some(shared) = shared() else { return };
    let dir = pack_dir();
    let first = write_json(dir.path(), "../v1.json", &clean_service(&shared));
    hsds::import_into(&first, dir.path(), Some(today())).expect("import");
    let file = dir.path().join(format!("contacts/{CONTACT_ID}.md"));
    let text = std::fs::read_to_string(&file).expect("contact file");
    let edited = text.replace("+44 1234 234567", "507-555-0142").replace(
        "title = \"Community Counselling\"",
        "title = \"MyCity Counselling (walk-in)\"",
    );
    assert_ne!(edited, text);
    std::fs::write(&file, &edited).expect("edit");

    // Upstream changes the title too, and the hours; the phone stays as it was upstream.
    let mut v2 = clean_service(&shared);
    v2["name"] = json!("Community Counselling Service");
    v2["service_at_locations"][0]["schedules"][1]["closes_at"] = json!("16:00");
    let second = write_json(dir.path(), "../v2.json", &v2);
    let report = hsds::import_into(&second, dir.path(), Some(today())).expect("reimport");
    let pack = validated(dir.path());
    let (doc, c) = contact(&pack, CONTACT_ID);
    assert_eq!(
        c.phones[0].number, "507-555-0142",
        "the trainer's number is kept"
    );
    assert_eq!(
        doc.title, "MyCity Counselling (walk-in)",
        "the trainer's title is kept"
    );
    assert_eq!(
        c.hours.as_deref(),
        Some("Mo-Fr 10:00-18:00; Sa 10:00-16:00"),
        "upstream hours"
    );
    assert_eq!(doc.revision, 2);
    assert!(
        report
            .kept_edits
            .iter()
            .any(|e| e.detail.starts_with("phones")),
        "{report:#?}"
    );
    assert!(
        report
            .conflicts
            .iter()
            .any(|e| e.detail.starts_with("title")),
        "{report:#?}"
    );
    // The service name follows upstream into `services`; the title the trainer changed does not.
    assert_eq!(report.changed[0].detail, "services, hours");

    // And again: still kept, nothing else moves.
    let before = snapshot(dir.path());
    hsds::import_into(&second, dir.path(), Some(today())).expect("third import");
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn contacts_a_complete_source_drops_are_removed_unless_edited() {
    let Some(shared) = shared() else { return };
    let dir = pack_dir();
    let mut a = clean_service(&shared);
    a["id"] = json!("0f5a1c2e-1111-4222-8333-000000000001");
    let mut b = clean_service(&shared);
    b["id"] = json!("0f5a1c2e-1111-4222-8333-000000000002");
    let both = json!({"total_pages": 1, "contents": [a, b.clone()]});
    let source = write_json(dir.path(), "../both.json", &both);
    hsds::import_into(&source, dir.path(), Some(today())).expect("import");
    let only_b = json!({"total_pages": 1, "contents": [b]});
    let source = write_json(dir.path(), "../only-b.json", &only_b);
    let report = hsds::import_into(&source, dir.path(), Some(today())).expect("reimport");
    assert_eq!(report.removed.len(), 1, "{report:#?}");
    assert_eq!(
        report.removed[0].id,
        "contact-hsds-0f5a1c2e-1111-4222-8333-000000000001"
    );
    assert_eq!(
        ids(&validated(dir.path())),
        vec!["contact-hsds-0f5a1c2e-1111-4222-8333-000000000002"]
    );

    // Dropped upstream after a trainer edited it: kept, and reported as a conflict.
    let source = write_json(dir.path(), "../both.json", &both);
    hsds::import_into(&source, dir.path(), Some(today())).expect("import again");
    let file = dir
        .path()
        .join("contacts/contact-hsds-0f5a1c2e-1111-4222-8333-000000000001.md");
    let text = std::fs::read_to_string(&file).expect("file");
    let edited = text.replace("[\"mental-health\"]", "[\"mental-health\", \"youth\"]");
    assert_ne!(edited, text);
    std::fs::write(&file, edited).expect("edit");
    let source = write_json(dir.path(), "../only-b.json", &only_b);
    let report = hsds::import_into(&source, dir.path(), Some(today())).expect("reimport");
    assert!(report.removed.is_empty(), "{report:#?}");
    assert!(
        report.conflicts[0]
            .detail
            .contains("service_types edited by hand"),
        "{report:#?}"
    );
    assert_eq!(validated(dir.path()).documents.len(), 2);
}

/// Everything a withheld contact is known by, in files and in the index, must hold none of the
/// location's street words.
fn assert_no_street_words(dir: &Path, data: &Path) {
    for (path, text) in snapshot(dir) {
        for word in STREET_WORDS {
            assert!(!text.contains(word), "`{word}` in {}", path.display());
        }
    }
    let pack = validated(dir);
    let app = FieldRef::open(data).expect("open a real store and index");
    app.install_pack(&pack, 1).expect("install");
    let doc = app
        .document(CONTACT_ID, Audience::Officers)
        .expect("read")
        .expect("installed");
    let c = doc.as_contact().expect("contact");
    assert_eq!(c.location_visibility, LocationVisibility::Withheld);
    assert_eq!(
        (c.address.as_deref(), c.latitude, c.longitude),
        (None, None, None)
    );
    // Searched words that appear nowhere else in the record ("1234" is also in its phone number).
    for word in ["MyVillage", "Main Street", "Civic Center", "MyState", "ABC"] {
        for viewer in [Audience::Officers, Audience::Public] {
            let mut request = SearchRequest::new(word);
            request.viewer = viewer;
            let results = app.search(&request).expect("search");
            assert!(
                results.hits.iter().all(|h| h.id != CONTACT_ID),
                "`{word}` finds the withheld contact: {:?}",
                results.hits
            );
        }
    }
    // Nor anywhere in the data directory's bytes (SQLite store and WAL, index files).
    for word in STREET_WORDS.iter().chain(&["myvillage", "main street"]) {
        let found = fieldref_tests::data_dir_holds(data, word);
        assert!(found.is_empty(), "`{word}` in {found:?}");
    }
    // The contact itself is in the index: its name finds it.
    let found = app
        .search(&SearchRequest::new("Community Counselling"))
        .expect("search");
    assert!(found.hits.iter().any(|h| h.id == CONTACT_ID));
}

#[test]
fn a_confidential_location_comes_in_withheld_with_nothing_of_its_address() {
    let Some(shared) = shared() else { return };
    // Control: the same record, not confidential, is found by its street words.
    let dir = pack_dir();
    let source = write_json(dir.path(), "../public.json", &clean_service(&shared));
    hsds::import_into(&source, dir.path(), Some(today())).expect("import");
    let data = tempfile::tempdir().expect("data dir");
    let app = FieldRef::open(data.path()).expect("open");
    app.install_pack(&validated(dir.path()), 1)
        .expect("install");
    let hits = app
        .search(&SearchRequest::new("MyVillage"))
        .expect("search")
        .hits;
    assert!(hits.iter().any(|h| h.id == CONTACT_ID), "control: {hits:?}");
    assert!(
        !fieldref_tests::data_dir_holds(data.path(), "MyVillage").is_empty(),
        "control: the byte scan sees a stored address"
    );

    let mut flagged = clean_service(&shared);
    flagged["service_at_locations"][0]["location"]["confidential"] = json!(true);
    let mut address_line = clean_service(&shared);
    address_line["service_at_locations"][0]["location"]["addresses"][0]["address_1"] =
        json!("Confidential");
    address_line["service_at_locations"][0]["location"]["addresses"][0]["address_2"] =
        json!("MyVillage");
    let mut sensitive = clean_service(&shared);
    sensitive["attributes"][0]["taxonomy_term"]["code"] = json!("DV-shelter");
    for (name, record, extra_mapping) in [
        ("flagged", flagged, ""),
        ("address-line", address_line, ""),
        (
            "sensitive",
            sensitive,
            "\"DV-shelter\" = [\"domestic-violence\"], ",
        ),
    ] {
        let dir = pack_dir();
        if !extra_mapping.is_empty() {
            let toml_path = dir.path().join("pack.toml");
            let text = std::fs::read_to_string(&toml_path).expect("pack.toml");
            let text = text.replace("taxonomy = { ", &format!("taxonomy = {{ {extra_mapping}"));
            std::fs::write(&toml_path, text).expect("pack.toml");
        }
        let source = write_json(dir.path(), &format!("../{name}.json"), &record);
        let report = hsds::import_into(&source, dir.path(), Some(today())).expect("import");
        assert!(
            report
                .notes
                .iter()
                .any(|n| n.detail.contains("location withheld")),
            "{name}"
        );
        let data = tempfile::tempdir().expect("data dir");
        assert_no_street_words(dir.path(), data.path());
        // The export shows partners no location either.
        let (page, _) = hsds::export_pack(&validated(dir.path()), &hsds::HsdsConfig::default());
        let text = serde_json::to_string(&page).expect("json");
        for word in STREET_WORDS {
            assert!(!text.contains(word), "{name}: `{word}` exported");
        }
    }
}

#[test]
fn a_trainer_cannot_unwithhold_what_the_publisher_marks_confidential() {
    let Some(shared) = shared() else { return };
    let dir = pack_dir();
    let mut flagged = clean_service(&shared);
    flagged["service_at_locations"][0]["location"]["confidential"] = json!(true);
    let source = write_json(dir.path(), "../flagged.json", &flagged);
    hsds::import_into(&source, dir.path(), Some(today())).expect("import");
    let file = dir.path().join(format!("contacts/{CONTACT_ID}.md"));
    let text = std::fs::read_to_string(&file).expect("file");
    std::fs::write(&file, text.replace("\"withheld\"", "\"public\"")).expect("edit");
    hsds::import_into(&source, dir.path(), Some(today())).expect("reimport");
    let pack = validated(dir.path());
    assert_eq!(
        contact(&pack, CONTACT_ID).1.location_visibility,
        LocationVisibility::Withheld
    );
}

#[test]
fn bad_input_is_named_and_changes_nothing() {
    let Some(shared) = shared() else { return };
    let dir = pack_dir();
    hsds::import_into(&shared.join("service_full.json"), dir.path(), Some(today()))
        .expect("import");
    let before = snapshot(dir.path());
    let broken = dir.path().join("../broken.json");
    std::fs::write(&broken, "{\n  \"id\": \"x\",\n  \"name\": \n}").expect("write");
    match hsds::import_into(&broken, dir.path(), Some(today())) {
        Err(HsdsError::Json { line, .. }) => assert_eq!(line, 4),
        other => panic!("expected a JSON error, got {other:?}"),
    }
    let wrong_type = write_json(
        dir.path(),
        "../wrong.json",
        &json!({"id": SERVICE_ID, "name": "X", "phones": "555"}),
    );
    match hsds::import_into(&wrong_type, dir.path(), Some(today())) {
        Err(HsdsError::Record {
            index: 0, message, ..
        }) => assert!(message.contains("sequence")),
        other => panic!("expected a record error, got {other:?}"),
    }
    // A mapping to a service type the pack does not have is caught before anything is read.
    let toml_path = dir.path().join("pack.toml");
    let text = std::fs::read_to_string(&toml_path).expect("pack.toml");
    std::fs::write(
        &toml_path,
        text.replace("[\"mental-health\"]", "[\"counselling\"]"),
    )
    .expect("write");
    match hsds::import_into(&shared.join("service_full.json"), dir.path(), Some(today())) {
        Err(HsdsError::PackInvalid { problems, .. }) => {
            assert_eq!(problems[0].field, "hsds.taxonomy.code", "{problems:?}");
        }
        other => panic!("expected an invalid pack, got {other:?}"),
    }
    std::fs::write(&toml_path, text).expect("restore");
    assert_eq!(snapshot(dir.path()), before);
}

/// The bundled pack, as compiled from `content/`.
fn bundled() -> Pack {
    validated(&repo().join("content"))
}

#[test]
fn the_export_of_the_bundled_contacts_validates_against_the_hsds_schema() {
    let Some(shared) = shared() else { return };
    let schema = read_json(&shared.join("schema/compiled-service.json"));
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the HSDS service schema compiles");
    let out = tempfile::tempdir().expect("temp");
    let file = out.path().join("export.json");
    let report = hsds::export_dir(&repo().join("content"), &file).expect("export");
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    let page = read_json(&file);
    let services = page["contents"].as_array().expect("contents");
    let pack = bundled();
    let public = pack
        .documents
        .iter()
        .filter(|d| d.as_contact().is_some() && d.audience == Audience::Public)
        .count();
    assert_eq!(services.len(), public);
    assert_eq!(page["total_items"], json!(public));
    for service in services {
        let errors: Vec<String> = validator
            .iter_errors(service)
            .map(|e| format!("{}: {e}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", service["name"]);
    }
    // The schema is really applied: a service without its required status fails.
    let mut broken = services[0].clone();
    broken.as_object_mut().expect("object").remove("status");
    assert!(!validator.is_valid(&broken));
    // Nothing officers-only leaves: no officers-only contact, no officers-only or withheld place.
    for doc in &pack.documents {
        let Some(c) = doc.as_contact() else { continue };
        let exported = services
            .iter()
            .find(|s| s["fieldref"]["id"] == json!(doc.id));
        if doc.audience == Audience::Officers {
            assert!(exported.is_none(), "{} exported", doc.id);
        } else if c.location_visibility != LocationVisibility::Public {
            let exported = exported.expect("public contact exported");
            assert!(exported.get("service_at_locations").is_none(), "{}", doc.id);
            if let Some(address) = &c.address {
                assert!(!page.to_string().contains(address.as_str()), "{}", doc.id);
            }
        }
    }
}

#[test]
fn importing_an_export_gives_back_the_same_contacts() {
    if shared().is_none() {
        return;
    }
    let pack = bundled();
    let work = tempfile::tempdir().expect("temp");
    let file = work.path().join("export.json");
    hsds::export_dir(&repo().join("content"), &file).expect("export");
    let dir = work.path().join("pack");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::copy(repo().join("content/pack.toml"), dir.join("pack.toml")).expect("pack.toml");
    let report = hsds::import_into(&file, &dir, Some(today())).expect("import");
    assert!(report.skipped.is_empty(), "{:#?}", report.skipped);
    let back = validated(&dir);
    let expected: Vec<Document> = pack
        .documents
        .iter()
        .filter(|d| d.as_contact().is_some() && d.audience == Audience::Public)
        .map(|d| d.clone().redacted_for(Audience::Public))
        .collect();
    assert_eq!(back.documents.len(), expected.len());
    for (got, want) in back.documents.iter().zip(&expected) {
        assert_eq!(got, want);
    }
}
