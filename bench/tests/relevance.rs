//! The relevance benchmark's loaders on small files written to a temporary directory: the CISI
//! parser (multi-line fields, authors, citations, unjudged queries) and the judged-file checks
//! that keep `bench/relevance/port-alder.toml` honest against the pack, and the held-out set
//! `bench/relevance/port-alder-heldout.toml` loaded against the bundled pack itself.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Result;
use fieldref_bench::relevance::cisi::{self, CisiDoc};
use fieldref_bench::relevance::eval;
use fieldref_bench::relevance::fts_baseline::Baseline;
use fieldref_bench::relevance::judged::{self, Invalid};
use fieldref_bench::relevance::{
    content_pack, CONTENT_DIR, HELDOUT_DIRECTORY_FILE, HELDOUT_FILE, HELDOUT_MIXED_DEV_FILE,
    HELDOUT_MIXED_TEST_FILE, HELDOUT_RESERVE_2_FILE, HELDOUT_RESERVE_3_FILE,
    HELDOUT_RESERVE_4_FILE, HELDOUT_RESERVE_FILE,
};
use fieldref_core::content::{Details, DocKind, Pack};

const ALL: &str = "\
.I 1
.T
18 Editions of the Dewey Decimal
Classifications
.A
Comaromi, J.P.
.W
   The present study is a history of the DEWEY Decimal
Classification.  The first edition of the DDC was published
in 1876.
.X
1\t5\t1
92\t1\t1
.I 2
.T 
Use Made of Technical Libraries
.A 
Slater, M.
.A
Second, A.
.B
1970
.W
This report is an analysis of 6300 acts of use
in 104 technical libraries in the United Kingdom.
.X
2\t1\t2
.I 3
.T
Cataloguing rules for rare books
.W
Rules for describing rare books in a catalogue.
";

const QRY: &str = "\
.I 1
.W
What is the history of the Dewey
Decimal Classification?
.I 2
.T
Library use
.A
Someone, X.
.B
1980
.W
How are technical libraries used?
.I 3
.W
A query nobody judged.
";

const REL: &str = "     1     1\t0\t0.000000
     2     2\t0\t0.000000

     2     3\t0\t0.000000
";

fn write_cisi(dir: &Path, all: &str, qry: &str, rel: &str) -> Result<()> {
    std::fs::write(dir.join("CISI.ALL"), all)?;
    std::fs::write(dir.join("CISI.QRY"), qry)?;
    std::fs::write(dir.join("CISI.REL"), rel)?;
    Ok(())
}

#[test]
fn cisi_documents_keep_title_and_abstract_across_lines() -> Result<()> {
    let dir = tempfile::tempdir()?;
    write_cisi(dir.path(), ALL, QRY, REL)?;
    let docs = cisi::read_documents(&dir.path().join("CISI.ALL"))?;
    assert_eq!(docs.len(), 3);
    assert_eq!(
        docs[0],
        CisiDoc {
            number: 1,
            title: "18 Editions of the Dewey Decimal Classifications".to_owned(),
            text: "The present study is a history of the DEWEY Decimal Classification. The first \
                   edition of the DDC was published in 1876."
                .to_owned(),
        }
    );
    // Authors (two `.A` fields), `.B` and the `.X` citations never leak into title or text.
    assert_eq!(docs[1].title, "Use Made of Technical Libraries");
    assert!(!docs[1].text.contains("Slater") && !docs[1].text.contains("1970"));
    assert!(docs[1].text.ends_with("United Kingdom."));
    Ok(())
}

#[test]
fn cisi_keeps_only_judged_queries_with_title_and_text() -> Result<()> {
    let dir = tempfile::tempdir()?;
    write_cisi(dir.path(), ALL, QRY, REL)?;
    let collection = cisi::load(dir.path())?;
    let labels: Vec<&str> = collection
        .queries
        .iter()
        .map(|q| q.label.as_str())
        .collect();
    assert_eq!(labels, vec!["q1", "q2"]);
    let q2 = &collection.queries[1];
    assert_eq!(q2.text, "Library use How are technical libraries used?");
    assert_eq!(q2.relevant(), 2);
    assert_eq!(q2.grades.get("cisi-3"), Some(&1));
    assert_eq!(
        collection.queries[0].text,
        "What is the history of the Dewey Decimal Classification?"
    );

    let pack = cisi::pack(&collection.documents);
    assert_eq!(pack.documents.len(), 3);
    for doc in &pack.documents {
        assert!(doc.id.starts_with("cisi-"));
        let Details::Note(note) = &doc.details else {
            panic!("{} is not a note", doc.id);
        };
        assert!(pack.info.categories.contains(&note.category));
    }
    Ok(())
}

#[test]
fn cisi_errors_name_the_file_and_line() -> Result<()> {
    let dir = tempfile::tempdir()?;
    write_cisi(dir.path(), ".I 1\n.T\nA\n.I two\n.W\nx\n", QRY, REL)?;
    let err = format!("{:#}", cisi::load(dir.path()).unwrap_err());
    assert!(err.contains("CISI.ALL:4:"), "{err}");

    write_cisi(dir.path(), "stray text\n.I 1\n", QRY, REL)?;
    let err = format!("{:#}", cisi::load(dir.path()).unwrap_err());
    assert!(err.contains("CISI.ALL:1:"), "{err}");

    write_cisi(dir.path(), ALL, QRY, "1 1 0 0.0\n1 x 0 0.0\n")?;
    let err = format!("{:#}", cisi::load(dir.path()).unwrap_err());
    assert!(err.contains("CISI.REL:2:") && err.contains("`x`"), "{err}");

    write_cisi(dir.path(), ALL, QRY, "1 44 0 0.0\n")?;
    let err = format!("{:#}", cisi::load(dir.path()).unwrap_err());
    assert!(err.contains("document 44"), "{err}");
    Ok(())
}

#[test]
fn both_engines_rank_a_small_cisi_collection() -> Result<()> {
    let dir = tempfile::tempdir()?;
    write_cisi(dir.path(), ALL, QRY, REL)?;
    let collection = cisi::load(dir.path())?;
    let pack = cisi::pack(&collection.documents);
    let app = eval::open_fieldref(&dir.path().join("fieldref"), &pack)?;
    let fts = Baseline::build(&dir.path().join("fts"), cisi::rows(&collection.documents))?;
    let result = eval::evaluate("tiny", &app, &fts, collection.queries)?;
    let dewey = &result.outcomes[0];
    assert_eq!(dewey.fieldref.first().map(|h| h.0.as_str()), Some("cisi-1"));
    assert_eq!(dewey.fts.first().map(String::as_str), Some("cisi-1"));
    assert!((dewey.fieldref_scores.ndcg10 - 1.0).abs() < 1e-9);
    assert!(result.violations.is_empty(), "{:?}", result.violations);
    Ok(())
}

/// A one-note pack (`cisi-1`) to judge against.
fn tiny_pack() -> Pack {
    cisi::pack(&[CisiDoc {
        number: 1,
        title: "Dewey".to_owned(),
        text: "Decimal classification".to_owned(),
    }])
}

fn judged_file(dir: &Path, text: &str) -> Result<PathBuf> {
    let path = dir.join("judged.toml");
    std::fs::write(&path, text)?;
    Ok(path)
}

#[test]
fn judged_file_loads_with_defaults_and_line_labels() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let path = judged_file(
        dir.path(),
        "# comment\n[[query]]\ntext = \"dewey\"\nclass = \"short\"\njudgments = { \"cisi-1\" = 3 }\n\n\
         [[query]]\ntext = \"dew\"\nclass = \"prefix\"\ntyping = true\njudgments = { \"cisi-1\" = 3 }\n",
    )?;
    let queries = judged::load(&path, &tiny_pack())?;
    assert_eq!(queries.len(), 2);
    assert_eq!(queries[0].label, "judged.toml:3");
    assert!(!queries[0].typing && queries[1].typing);
    assert_eq!(queries[1].class, "prefix");
    assert_eq!(queries[1].grades.get("cisi-1"), Some(&3));
    Ok(())
}

#[test]
fn judged_file_rejects_an_unknown_id() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let path = judged_file(
        dir.path(),
        "[[query]]\ntext = \"dewey\"\nclass = \"short\"\njudgments = { \"cisi-1\" = 3 }\n\n\
         [[query]]\ntext = \"autsim\"\nclass = \"typo\"\n\
         judgments = { \"cisi-1\" = 3, \"checklist-autsim\" = 2 }\n",
    )?;
    let err = judged::load(&path, &tiny_pack()).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("checklist-autsim"), "{message}");
    assert!(message.contains("judged.toml:7:"), "{message}");
    match err.downcast_ref::<Invalid>() {
        Some(Invalid::UnknownId {
            id, query, line, ..
        }) => {
            assert_eq!(
                (id.as_str(), query.as_str(), *line),
                ("checklist-autsim", "autsim", 7)
            );
        }
        other => panic!("expected UnknownId, got {other:?}"),
    }
    Ok(())
}

#[test]
fn judged_file_needs_a_grade_three_and_valid_toml() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let path = judged_file(
        dir.path(),
        "[[query]]\ntext = \"dewey\"\nclass = \"short\"\njudgments = { \"cisi-1\" = 2 }\n",
    )?;
    let err = judged::load(&path, &tiny_pack()).unwrap_err();
    assert!(
        matches!(err.downcast_ref::<Invalid>(), Some(Invalid::NoGradeThree { query, .. }) if query == "dewey"),
        "{err}"
    );

    let path = judged_file(
        dir.path(),
        "[[query]]\ntext = \"dewey\"\nclass = \"short\"\njudgmnts = { \"cisi-1\" = 3 }\n",
    )?;
    let err = judged::load(&path, &tiny_pack()).unwrap_err().to_string();
    assert!(err.contains("judged.toml:4:"), "{err}");
    Ok(())
}

/// The ids of the pack's documents of `kind`.
fn ids_of(pack: &fieldref_core::content::Pack, kind: DocKind) -> HashSet<&str> {
    pack.documents
        .iter()
        .filter(|d| d.kind() == kind)
        .map(|d| d.id.as_str())
        .collect()
}

/// A held-out query's one grade-3 document (it must have exactly one).
fn only_grade3(q: &judged::JudgedQuery) -> &str {
    let best: Vec<&str> = q
        .grades
        .iter()
        .filter(|(_, &g)| g == 3)
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(best.len(), 1, "{}: grade-3 documents {best:?}", q.label);
    best[0]
}

/// The held-out set ships with the repository and nothing else checks it (it has no floors): it
/// must load against the bundled pack, so every judged id exists, and every query must have
/// exactly one grade-3 document, a checklist, with each such checklist asked for at least twice.
#[test]
fn heldout_file_loads_against_the_bundled_pack() -> Result<()> {
    let pack = content_pack(Path::new(CONTENT_DIR))?;
    let queries = judged::load(Path::new(HELDOUT_FILE), &pack)?;
    assert!(queries.len() >= 40, "{} held-out queries", queries.len());
    let checklists = ids_of(&pack, DocKind::Checklist);
    let mut asked: HashMap<&str, usize> = HashMap::new();
    for q in &queries {
        let best = only_grade3(q);
        assert!(checklists.contains(best), "{}: {best}", q.label);
        assert_eq!(q.class, "scene", "{}", q.label);
        *asked.entry(best).or_default() += 1;
    }
    for (id, n) in &asked {
        assert!(*n >= 2, "{id} is the answer of only {n} held-out query");
    }
    Ok(())
}

/// The directory's held-out set: it loads against the bundled pack (every id exists), each query
/// has exactly one grade-3 document, a contact, and no contact is the answer twice; Spanish and
/// English service searches both.
#[test]
fn heldout_directory_file_loads_against_the_bundled_pack() -> Result<()> {
    let pack = content_pack(Path::new(CONTENT_DIR))?;
    let queries = judged::load(Path::new(HELDOUT_DIRECTORY_FILE), &pack)?;
    assert!(queries.len() >= 30, "{} held-out queries", queries.len());
    let contacts = ids_of(&pack, DocKind::Contact);
    let mut answers: HashSet<&str> = HashSet::new();
    let mut classes: HashSet<&str> = HashSet::new();
    for q in &queries {
        let best = only_grade3(q);
        assert!(contacts.contains(best), "{}: {best}", q.label);
        assert!(answers.insert(best), "{}: {best} answers twice", q.label);
        classes.insert(q.class.as_str());
    }
    assert_eq!(classes, HashSet::from(["spanish", "directory"]));
    Ok(())
}

/// A mixed held-out file's queries by class, after checking that it loads against the bundled
/// pack and that every query has exactly one grade-3 document of the kind its class asks for.
fn mixed_classes(pack: &Pack, file: &str) -> Result<HashMap<String, usize>> {
    let kind_of = |class: &str| match class {
        "scene" | "scene-es" => Some(DocKind::Checklist),
        "directory" | "directory-es" => Some(DocKind::Contact),
        "note" => Some(DocKind::Note),
        _ => None,
    };
    let queries = judged::load(Path::new(file), pack)?;
    let mut mix: HashMap<String, usize> = HashMap::new();
    for q in &queries {
        let best = only_grade3(q);
        let Some(kind) = kind_of(&q.class) else {
            panic!("{}: unknown class {}", q.label, q.class);
        };
        let wanted = ids_of(pack, kind);
        assert!(wanted.contains(best), "{}: {best} for {}", q.label, q.class);
        *mix.entry(q.class.clone()).or_default() += 1;
    }
    Ok(mix)
}

/// The mixed held-out sets: both load against the bundled pack, every query has exactly one
/// grade-3 document of the kind its class asks for, and the two files were dealt the same mix of
/// classes (so a choice made on the dev file is tested on like queries).
#[test]
fn heldout_mixed_files_load_with_the_same_mix() -> Result<()> {
    let pack = content_pack(Path::new(CONTENT_DIR))?;
    let dev = mixed_classes(&pack, HELDOUT_MIXED_DEV_FILE)?;
    let test = mixed_classes(&pack, HELDOUT_MIXED_TEST_FILE)?;
    assert!(dev.values().sum::<usize>() >= 30, "dev: {dev:?}");
    assert_eq!(dev, test, "dev and test mixes differ");
    assert_eq!(dev.len(), 5, "classes: {dev:?}");
    Ok(())
}

/// The reserves (the first two reported, never tuned on; the others kept unread) still load
/// against the pack (content edits can remove an id they judge), with one grade-3 document of the
/// right kind for every query of every kind: checked without searching.
#[test]
fn heldout_reserve_files_load_with_every_kind() -> Result<()> {
    let pack = content_pack(Path::new(CONTENT_DIR))?;
    for file in [
        HELDOUT_RESERVE_FILE,
        HELDOUT_RESERVE_2_FILE,
        HELDOUT_RESERVE_3_FILE,
        HELDOUT_RESERVE_4_FILE,
    ] {
        let mix = mixed_classes(&pack, file)?;
        assert!(mix.values().sum::<usize>() >= 40, "{file}: {mix:?}");
        assert_eq!(mix.len(), 5, "{file}: classes {mix:?}");
    }
    Ok(())
}

/// `--keep` into a directory a run already filled is refused at once, before any work, and
/// leaves what is there alone.
#[test]
fn keep_refuses_a_directory_that_is_not_empty() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let earlier = dir.path().join("port-alder-fts.sqlite3");
    std::fs::write(&earlier, b"an earlier run")?;
    let args = ["--keep".to_owned(), dir.path().display().to_string()];
    assert!(fieldref_bench::relevance::run(&args).is_err());
    assert_eq!(std::fs::read(&earlier)?, b"an earlier run");
    assert_eq!(std::fs::read_dir(dir.path())?.count(), 1);
    Ok(())
}
