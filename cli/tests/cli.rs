//! The `fieldref` command end to end on the bundled content: each test runs the real binary on a
//! fresh data directory, as a user would from a fresh clone.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const FIELDREF: &str = env!("CARGO_BIN_EXE_fieldref");

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(FIELDREF)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .expect("run fieldref")
}

fn json(data: &Path, args: &[&str]) -> Value {
    let output = run(data, args);
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON output")
}

fn hit_ids(value: &Value) -> Vec<String> {
    value["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["id"].as_str().expect("id").to_owned())
        .collect()
}

#[test]
fn a_typo_finds_the_autism_checklist_first() {
    let data = tempfile::tempdir().expect("tempdir");
    let result = json(data.path(), &["search", "autsim", "--json"]);
    assert_eq!(
        hit_ids(&result).first().map(String::as_str),
        Some("checklist-autism"),
        "{result:#}"
    );
    let hit = &result["hits"][0];
    for field in ["kind", "title", "score", "snippet"] {
        assert!(!hit[field].is_null(), "hit has `{field}`");
    }
    assert!(result["took_us"].as_u64().is_some());
}

#[test]
fn spanish_interpreter_ranks_a_spanish_speaking_contact_in_the_top_three() {
    let data = tempfile::tempdir().expect("tempdir");
    let result = json(data.path(), &["search", "spanish interpreter", "--json"]);
    let top: Vec<String> = hit_ids(&result).into_iter().take(3).collect();
    let speaks_spanish = top.iter().any(|id| {
        let doc = json(data.path(), &["show", id, "--json"]);
        doc["document"]["kind"] == "contact"
            && doc["document"]["languages"]
                .as_array()
                .is_some_and(|l| l.iter().any(|t| t == "es"))
    });
    assert!(speaks_spanish, "top 3: {top:?}");
}

/// The issue's own example: an officer's English words find the English checklist first, not
/// its Spanish translation (whose scene words once held the same English phrases).
#[test]
fn an_english_description_finds_the_english_checklist_before_its_translation() {
    let data = tempfile::tempdir().expect("tempdir");
    for query in ["guy hearing voices off his meds", "hearing voices"] {
        let result = json(data.path(), &["search", query, "--json"]);
        assert_eq!(
            hit_ids(&result).first().map(String::as_str),
            Some("checklist-mental-health-crisis"),
            "{query}: {:?}",
            hit_ids(&result)
        );
    }
}

/// One word lists the contacts its checklist links, after it, each saying which guidance
/// links it; the count is of the documents with the word.
#[test]
fn a_one_word_search_lists_linked_contacts_and_says_why() {
    let data = tempfile::tempdir().expect("tempdir");
    let result = json(
        data.path(),
        &["search", "psychosis", "--limit", "50", "--json"],
    );
    let hits = result["hits"].as_array().expect("hits");
    let linked: Vec<&Value> = hits
        .iter()
        .filter(|h| !h["linked_from"].is_null())
        .collect();
    assert!(!linked.is_empty(), "{result:#}");
    assert!(linked
        .iter()
        .all(|h| h["kind"] == "contact"
            && h["linked_from"]["id"] == "checklist-mental-health-crisis"));
    let total = result["total"].as_u64().expect("total") as usize;
    assert_eq!(total, hits.len() - linked.len(), "{result:#}");
}

#[test]
fn edp_finds_the_mental_health_checklist_through_synonyms() {
    let data = tempfile::tempdir().expect("tempdir");
    let result = json(
        data.path(),
        &["search", "EDP", "--kind", "checklist", "--json"],
    );
    assert_eq!(
        hit_ids(&result).first().map(String::as_str),
        Some("checklist-mental-health-crisis"),
        "{result:#}"
    );
}

#[test]
fn garbage_queries_exit_zero() {
    let data = tempfile::tempdir().expect("tempdir");
    for query in ["\"((( AND", "🚓", "", "\"\"\"", "-- OR NOT"] {
        let output = run(data.path(), &["search", query, "--json"]);
        assert!(
            output.status.success(),
            "{query:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let value: Value = serde_json::from_slice(&output.stdout).expect("JSON");
        assert!(value["hits"].is_array());
    }
}

/// Whether an opening_hours range like `18:00-08:00` wraps past midnight over 03:00.
fn overnight(hours: &str) -> bool {
    hours.split([';', ',', ' ']).any(|part| {
        part.split_once('-')
            .and_then(|(a, b)| {
                Some((
                    a.get(..2)?.parse::<u32>().ok()?,
                    b.get(..2)?.parse::<u32>().ok()?,
                ))
            })
            .is_some_and(|(start, end)| start > end && end > 3)
    })
}

#[test]
fn open_now_at_3am_lists_only_shelters_open_then_with_distances() {
    let data = tempfile::tempdir().expect("tempdir");
    let all = json(
        data.path(),
        &["directory", "--service", "shelter", "--json"],
    );
    let listing = json(
        data.path(),
        &[
            "directory",
            "--service",
            "shelter",
            "--open-now",
            "--at",
            "2026-11-25T03:00:00-06:00",
            "--near",
            "44.02,-92.47",
            "--json",
        ],
    );
    let entries = listing["entries"].as_array().expect("entries");
    assert!(!entries.is_empty());
    assert!(
        entries.len() < all["entries"].as_array().expect("all").len(),
        "daytime shelters are out"
    );
    for entry in entries {
        let contact = &entry["contact"];
        let hours = contact["hours"].as_str().unwrap_or_default();
        assert_eq!(entry["open"]["state"], "open", "{contact}");
        assert!(
            hours == "24/7" || overnight(hours),
            "{} is listed with hours {hours}",
            contact["id"]
        );
        if contact["location_visibility"] == "public" {
            assert!(
                entry["distance_km"].as_f64().is_some(),
                "{} has a distance",
                contact["id"]
            );
        }
    }
    let always: Vec<&Value> = all["entries"]
        .as_array()
        .expect("all")
        .iter()
        .filter(|e| e["contact"]["hours"] == "24/7")
        .collect();
    assert!(!always.is_empty());
    for entry in always {
        assert!(
            entries
                .iter()
                .any(|e| e["contact"]["id"] == entry["contact"]["id"]),
            "24/7 shelter missing"
        );
    }
    let distances: Vec<f64> = entries
        .iter()
        .filter_map(|e| e["distance_km"].as_f64())
        .collect();
    assert!(
        distances.windows(2).all(|w| w[0] <= w[1]),
        "sorted by distance: {distances:?}"
    );
}

#[test]
fn show_renders_a_checklist_step_by_step() {
    let data = tempfile::tempdir().expect("tempdir");
    let output = run(data.path(), &["show", "checklist-autism"]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("[ ] 1. "), "{text}");
    assert!(text.contains("[ ] 2. "), "{text}");
    let missing = run(data.path(), &["show", "no-such-doc"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such-doc"));
}

#[test]
fn validate_reports_path_line_field_and_build_refuses() {
    let work = tempfile::tempdir().expect("tempdir");
    let content = work.path().join("content");
    std::fs::create_dir_all(content.join("contacts")).expect("mkdir");
    let repo_content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    std::fs::copy(repo_content.join("pack.toml"), content.join("pack.toml")).expect("pack.toml");
    std::fs::write(
        content.join("contacts/bad.md"),
        "+++\nid = \"contact-bad\"\nkind = \"contact\"\ntitle = \"Bad\"\nsummary = \"S\"\nupdated_at = \"2026-10-01\"\norganization = \"O\"\nservices = [\"S\"]\nservice_types = [\"shelter\"]\nphones = [{ number = \"555-01\", type = \"voice\" }]\nhours = \"sometimes\"\nlanguages = [\"en\"]\n+++\nText.\n",
    )
    .expect("write");
    let output = Command::new(FIELDREF)
        .args(["pack", "validate"])
        .arg(&content)
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("contacts/bad.md:10: phones[0].number:"),
        "{stderr}"
    );
    assert!(stderr.contains("contacts/bad.md:11: hours:"), "{stderr}");
    let out = work.path().join("pack.bin");
    let build = Command::new(FIELDREF)
        .args(["pack", "build"])
        .arg(&content)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run");
    assert!(!build.status.success());
    assert!(!out.exists(), "nothing is built while any error exists");
}

#[test]
fn a_built_pack_installs_and_stats_show_it() {
    let work = tempfile::tempdir().expect("tempdir");
    let repo_content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let out = work.path().join("port-alder.pack");
    let build = Command::new(FIELDREF)
        .args(["pack", "build"])
        .arg(&repo_content)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("run");
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let data = work.path().join("data");
    let fresh = json(&data, &["stats", "--json"]);
    assert_eq!(
        fresh["content"]["version"], 0,
        "bundled content is version 0"
    );
    let install = run(
        &data,
        &[
            "pack",
            "install",
            &out.display().to_string(),
            "--version",
            "7",
        ],
    );
    assert!(
        install.status.success(),
        "{}",
        String::from_utf8_lossy(&install.stderr)
    );
    let stats = json(&data, &["stats", "--json"]);
    assert_eq!(stats["content"]["version"], 7);
    assert_eq!(stats["index_in_step"], true);
    let total: u64 = stats["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .map(|c| c["count"].as_u64().expect("n"))
        .sum();
    assert_eq!(total, stats["index_docs"].as_u64().expect("docs"));

    std::fs::remove_dir_all(data.join("index")).expect("delete index");
    let healed = json(&data, &["stats", "--json"]);
    assert_eq!(healed["opened"]["index_rebuilt"], "index missing");
    assert_eq!(
        hit_ids(&json(&data, &["search", "autsim", "--json"]))
            .first()
            .map(String::as_str),
        Some("checklist-autism")
    );
}

#[test]
fn bookmarks_persist_across_runs() {
    let data = tempfile::tempdir().expect("tempdir");
    let added = json(
        data.path(),
        &["bookmarks", "--add", "checklist-autism", "--json"],
    );
    assert_eq!(added["bookmarks"][0]["id"], "checklist-autism");
    let listed = json(data.path(), &["bookmarks", "--json"]);
    assert_eq!(listed["bookmarks"].as_array().expect("list").len(), 1);
    let unknown = run(data.path(), &["bookmarks", "--add", "nope"]);
    assert!(!unknown.status.success());
}

#[test]
fn a_public_viewer_cannot_bookmark_or_list_officers_documents() {
    let data = tempfile::tempdir().expect("tempdir");
    // An officers data directory: the officer bookmarks a checklist and a public contact.
    json(
        data.path(),
        &["bookmarks", "--add", "checklist-autism", "--json"],
    );
    json(
        data.path(),
        &[
            "bookmarks",
            "--add",
            "contact-alder-language-line",
            "--json",
        ],
    );
    // The same directory viewed as a community partner: the checklist is neither listed nor
    // bookmarkable.
    let listed = json(
        data.path(),
        &["--audience", "public", "bookmarks", "--json"],
    );
    let ids: Vec<&str> = listed["bookmarks"]
        .as_array()
        .expect("list")
        .iter()
        .map(|b| b["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["contact-alder-language-line"]);
    let refused = run(
        data.path(),
        &[
            "--audience",
            "public",
            "bookmarks",
            "--add",
            "checklist-suicidal-person",
        ],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not found"));

    // A partner's own data directory has no officers documents at all.
    let partner = tempfile::tempdir().expect("tempdir");
    let stats = json(partner.path(), &["--audience", "public", "stats", "--json"]);
    assert_eq!(stats["content"]["audience"], "public");
    let hits = json(
        partner.path(),
        &["search", "autism", "--kind", "checklist", "--json"],
    );
    assert!(hit_ids(&hits).is_empty(), "{hits}");
}

/// `pack import-hsds` then `pack validate` then `pack export-hsds`, with the real binary, on the
/// specification's example record (skipped when `../shared/hsds` is not there).
#[test]
fn hsds_import_validates_and_exports_through_the_command() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let example = repo.join("../shared/hsds/service_full.json");
    if !example.exists() {
        assert!(
            std::env::var("FIELDREF_REQUIRE_HSDS").as_deref() != Ok("1"),
            "{} is missing",
            example.display()
        );
        eprintln!("skipped: {} is missing", example.display());
        return;
    }
    let data = tempfile::tempdir().expect("data");
    let pack = tempfile::tempdir().expect("pack");
    let pack_toml = std::fs::read_to_string(repo.join("content/pack.toml")).expect("pack.toml");
    // The bundled mapping is replaced by one for the example's term.
    let pack_toml = pack_toml.split("\n[hsds]").next().expect("text");
    std::fs::write(
        pack.path().join("pack.toml"),
        format!("{pack_toml}\n[hsds]\ntaxonomy = {{ \"code\" = [\"mental-health\"] }}\n"),
    )
    .expect("write pack.toml");
    let dir = pack.path().to_str().expect("utf-8 path");
    let example = example.to_str().expect("utf-8 path");
    let report = json(
        data.path(),
        &[
            "pack",
            "import-hsds",
            example,
            "--into",
            dir,
            "--today",
            "2026-11-26",
            "--json",
        ],
    );
    assert_eq!(
        report["added"][0]["id"],
        "contact-hsds-ac148810-d857-441c-9679-408f346de14b"
    );
    let validate = run(data.path(), &["pack", "validate", dir]);
    assert!(validate.status.success());
    assert!(String::from_utf8_lossy(&validate.stdout).contains("ok, 1 documents"));
    let out = pack.path().join("../export.json");
    let out = out.to_str().expect("utf-8 path");
    let export = run(data.path(), &["pack", "export-hsds", dir, "--to", out]);
    assert!(export.status.success());
    let page: Value =
        serde_json::from_str(&std::fs::read_to_string(out).expect("export")).expect("json");
    assert_eq!(
        page["contents"][0]["id"],
        "ac148810-d857-441c-9679-408f346de14b"
    );
    // A broken source fails with its place and leaves the pack as it was.
    let broken = pack.path().join("../broken.json");
    std::fs::write(&broken, "{\n\"name\": ").expect("write");
    let failed = run(
        data.path(),
        &[
            "pack",
            "import-hsds",
            broken.to_str().expect("utf-8"),
            "--into",
            dir,
        ],
    );
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("broken.json:2:"));
}

#[test]
fn the_console_refuses_a_folder_that_is_not_a_content_folder() {
    let data = tempfile::tempdir().expect("tempdir");
    let empty = tempfile::tempdir().expect("tempdir");
    let folder = empty.path().to_str().expect("utf-8 path");
    let output = run(data.path(), &["console", folder, "--no-open"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("not a content folder (no pack.toml)"),
        "{stderr}"
    );
}

/// A content folder with the repository's pack.toml and one contact, for the validator's output.
fn content_with_contact(contact: &str) -> tempfile::TempDir {
    let work = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(work.path().join("contacts")).expect("mkdir");
    let repo_content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    std::fs::copy(
        repo_content.join("pack.toml"),
        work.path().join("pack.toml"),
    )
    .expect("pack.toml");
    std::fs::write(work.path().join("contacts/c.md"), contact).expect("write");
    work
}

#[test]
fn validate_prints_warnings_with_a_prefix_and_strict_fails_on_them() {
    let contact = "+++\nid = \"contact-night-line\"\nkind = \"contact\"\ntitle = \"Night line\"\nsummary = \"Crisis line answered 24/7.\"\nupdated_at = \"2026-10-01\"\norganization = \"Night Line\"\nservices = [\"Crisis line\"]\nservice_types = [\"crisis-line\"]\nphones = [{ number = \"507-555-0190\", type = \"hotline\" }]\nhours = \"Mo-Fr 17:00-24:00\"\nlanguages = [\"en\"]\nverified_at = \"2026-10-01\"\n+++\nText.\n";
    let work = content_with_contact(contact);
    let output = Command::new(FIELDREF)
        .args(["pack", "validate"])
        .arg(work.path())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "warnings do not fail: {stderr}");
    let shown = format!("{}", work.path().join("contacts/c.md").display());
    assert!(
        stderr.contains(&format!("warning: {shown}:11: hours: the text says 24/7")),
        "{stderr}"
    );
    let strict = Command::new(FIELDREF)
        .args(["pack", "validate", "--strict"])
        .arg(work.path())
        .output()
        .expect("run");
    assert!(!strict.status.success());
    assert!(String::from_utf8_lossy(&strict.stderr).contains("--strict"));
    // Fixed: clean under --strict too.
    let fixed = content_with_contact(&contact.replace("Mo-Fr 17:00-24:00", "24/7"));
    let clean = Command::new(FIELDREF)
        .args(["pack", "validate", "--strict"])
        .arg(fixed.path())
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&clean.stderr);
    assert!(clean.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn validate_reports_a_shared_number_as_an_error_naming_both_files() {
    let first = "+++\nid = \"contact-a\"\nkind = \"contact\"\ntitle = \"A\"\nsummary = \"S\"\nupdated_at = \"2026-10-01\"\norganization = \"Alpha House\"\nservices = [\"S\"]\nservice_types = [\"shelter\"]\nphones = [{ number = \"507-555-0117\", type = \"voice\" }]\nlanguages = [\"en\"]\n+++\nText.\n";
    let work = content_with_contact(first);
    let second = first
        .replace("contact-a", "contact-b")
        .replace("Alpha House", "Beta Center");
    std::fs::write(work.path().join("contacts/d.md"), second).expect("write");
    let output = Command::new(FIELDREF)
        .args(["pack", "validate"])
        .arg(work.path())
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first_path = work.path().join("contacts/c.md").display().to_string();
    let second_path = work.path().join("contacts/d.md").display().to_string();
    assert!(
        stderr.contains(&format!(
            "{second_path}:10: phones[0].number: shared number: `507-555-0117` also belongs to Alpha House ({first_path})"
        )),
        "{stderr}"
    );
}

#[test]
fn the_bundled_content_passes_strict_validation() {
    let repo_content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let output = Command::new(FIELDREF)
        .args(["pack", "validate", "--strict"])
        .arg(&repo_content)
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn show_prints_reviewer_sources_and_the_latest_change() {
    let data = tempfile::tempdir().expect("tempdir");
    let doc = json(
        data.path(),
        &["show", "checklist-suicidal-person", "--json"],
    );
    let d = &doc["document"];
    let reviewer = d["reviewed_by"].as_str().expect("reviewed_by");
    let reviewed_at = d["reviewed_at"].as_str().expect("reviewed_at");
    let review_due = d["review_due"].as_str().expect("review_due");
    let source = d["sources"][0]["title"].as_str().expect("a source");
    let note = doc["latest_change"]["note"]
        .as_str()
        .expect("latest change");
    let revision = d["revision"].as_u64().expect("revision");
    assert_eq!(doc["latest_change"]["revision"].as_u64(), Some(revision));
    let output = run(data.path(), &["show", "checklist-suicidal-person"]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(&format!(
            "Reviewed by {reviewer} on {reviewed_at} · review due {review_due}"
        )),
        "{text}"
    );
    assert!(text.contains("SOURCES\n  1. "), "{text}");
    assert!(text.contains(source), "{text}");
    assert!(text.contains(&format!("Revision {revision}, ")), "{text}");
    assert!(text.contains(note), "{text}");
}
