//! `fieldref-bench relevance`: how good FieldRef's ranking is, not how fast — nDCG@10, MAP@100
//! and P@10 for FieldRef and an SQLite FTS5 `bm25()` baseline, side by side in one run, on CISI
//! (out-of-domain, 76 judged queries) and on the in-domain judged set for the bundled Port Alder
//! pack, then the held-out set for the same pack (written blind, never tuned on) on the same
//! engines. The speed benchmark cannot catch a ranking change that returns the wrong checklist
//! quickly; this can. `--quick` (run by the test suite) adds the floors of [`floors`] and fails
//! below them; `--verbose` prints every query's nDCG for tuning.

pub mod cisi;
pub mod eval;
pub mod floors;
pub mod fts_baseline;
pub mod judged;
pub mod metrics;
pub mod report;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use fieldref_core::content::{DocKind, Pack, SourceTree};
use fieldref_core::FieldRef;

use eval::Evaluation;
use fts_baseline::Baseline;

/// The in-domain judged set, maintained beside the benchmark.
pub const JUDGED_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/relevance/port-alder.toml");
/// The held-out scene descriptions for the same pack, written blind to check that ranking and
/// vocabulary changes generalise; reported, never tuned on, no floors.
pub const HELDOUT_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/relevance/port-alder-heldout.toml"
);
/// Held-out service searches in the directory, in Spanish and English, written blind from the
/// contacts alone (no floors). Read after its first run (stop 25): a check since, not evidence.
pub const HELDOUT_DIRECTORY_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/relevance/port-alder-heldout-directory.toml"
);
/// Sixty mixed queries (scenes in English and Spanish, directory needs in both, questions for the
/// notes) written blind from the documents without their scene words, then dealt into two files
/// of the same mix: ranking choices are made on the dev file, and the test file is what says
/// whether they generalise (never tuned on).
pub const HELDOUT_MIXED_DEV_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/relevance/port-alder-heldout-mixed-dev.toml"
);
pub const HELDOUT_MIXED_TEST_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/relevance/port-alder-heldout-mixed-test.toml"
);

/// Forty more queries of the same kinds, written blind the same way and kept unread until a
/// ranking decision (stop 27's: negations in pairs, Spanish stop words, sharper feedback) was
/// made without them; measured first for it, before and after, and reported in aggregate since.
pub const HELDOUT_RESERVE_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/relevance/port-alder-heldout-reserve.toml"
);

/// Forty more, written blind the same way (stop 27) when the first reserve was spent, and kept
/// unread until the next ranking decision (stop 28's: a typo's correction brings its synonyms,
/// need and want words only in pairs); measured first for it and reported in aggregate since.
pub const HELDOUT_RESERVE_2_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/relevance/port-alder-heldout-reserve-2.toml"
);
/// And a third, written the same way and at the same time, for the decision after that: each
/// decision spends a reserve, so there is always one nobody has read. No run reports it (a test
/// only checks that it loads against the pack); when first measured, it joins
/// [`HELDOUT_SETS`] as never tuned on.
pub const HELDOUT_RESERVE_3_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/relevance/port-alder-heldout-reserve-3.toml"
);
/// And a fourth (stop 28, when the second was spent), written the same way from the documents
/// without their scene words, so that a reserve stays unread after the third is spent.
pub const HELDOUT_RESERVE_4_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/relevance/port-alder-heldout-reserve-4.toml"
);

/// A held-out set: the name it is reported under, its file, and what it may be used for.
struct HeldoutSet {
    name: &'static str,
    file: &'static str,
    status: HeldoutStatus,
}

/// What a held-out set may be used for, which also decides whether `--verbose` shows its
/// queries one by one: a set nobody tuned on stays unread, or it stops being evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldoutStatus {
    /// Reported in aggregate only.
    NeverTunedOn,
    /// Its queries were read after its first run; its figures are no longer blind evidence.
    Read,
    /// Ranking choices are made on it, query by query.
    TunedOn,
}

impl HeldoutStatus {
    pub fn describe(self) -> &'static str {
        match self {
            HeldoutStatus::NeverTunedOn => "written blind, never tuned on",
            HeldoutStatus::Read => "written blind, read after its first run",
            HeldoutStatus::TunedOn => "written blind, ranking choices made on it",
        }
    }

    /// Whether its per-query ranks may be printed.
    pub fn may_be_read(self) -> bool {
        self != HeldoutStatus::NeverTunedOn
    }
}

use HeldoutStatus::{NeverTunedOn, Read, TunedOn};
const HELDOUT_SETS: [HeldoutSet; 6] = [
    HeldoutSet {
        name: "port-alder-heldout",
        file: HELDOUT_FILE,
        status: NeverTunedOn,
    },
    HeldoutSet {
        name: "port-alder-heldout-directory",
        file: HELDOUT_DIRECTORY_FILE,
        status: Read,
    },
    HeldoutSet {
        name: "port-alder-heldout-mixed-dev",
        file: HELDOUT_MIXED_DEV_FILE,
        status: TunedOn,
    },
    HeldoutSet {
        name: "port-alder-heldout-mixed-test",
        file: HELDOUT_MIXED_TEST_FILE,
        status: NeverTunedOn,
    },
    HeldoutSet {
        name: "port-alder-heldout-reserve",
        file: HELDOUT_RESERVE_FILE,
        status: NeverTunedOn,
    },
    HeldoutSet {
        name: "port-alder-heldout-reserve-2",
        file: HELDOUT_RESERVE_2_FILE,
        status: NeverTunedOn,
    },
];

/// The bundled pack's sources, which the judged set refers to.
pub const CONTENT_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../content");

/// What `relevance --help` prints.
pub const USAGE: &str = "\
fieldref-bench relevance [--quick] [--verbose] [--keep DIR]

Ranking quality of FieldRef beside SQLite FTS5 on CISI (../shared/ir/cisi) and on the judged
queries against the bundled pack, then the held-out sets in aggregate.

  --quick     the suite's mode: fails (exit 1) below the floors
  --verbose   every judged query's nDCG, and each held-out set's ranks unless nobody may read
              them (a set never tuned on stays unread)
  --keep DIR  keep the stores built for the run in DIR (new or empty), to search them with
              `fieldref --data-dir DIR/port-alder-fieldref`
";

struct Options {
    help: bool,
    quick: bool,
    verbose: bool,
    /// Keep the data directories here (to search them with `fieldref --data-dir`).
    keep: Option<PathBuf>,
}

fn options(args: &[String]) -> Result<Options> {
    let mut o = Options {
        help: false,
        quick: false,
        verbose: false,
        keep: None,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--help" | "-h" => o.help = true,
            "--quick" => o.quick = true,
            "--verbose" => o.verbose = true,
            "--keep" => match args.next() {
                Some(dir) => o.keep = Some(PathBuf::from(dir)),
                None => bail!("relevance: --keep needs a directory"),
            },
            other => bail!(
                "relevance: unknown option `{other}` (expected --quick, --verbose, --keep DIR)"
            ),
        }
    }
    Ok(o)
}

/// Runs the relevance benchmark with `args` (after `relevance`). Returns whether the run passed:
/// in quick mode every check of [`floors::checks`]; otherwise both collections measured and no
/// score-order violation. Load and parse errors are errors.
pub fn run(args: &[String]) -> Result<bool> {
    let o = options(args)?;
    if o.help {
        print!("{USAGE}");
        return Ok(true);
    }
    let temporary = tempfile::tempdir()?;
    let work = match &o.keep {
        Some(dir) => {
            // The run creates its stores there: a second run into the same directory would meet
            // the first one's tables half way through, after minutes of work.
            if dir
                .read_dir()
                .is_ok_and(|mut entries| entries.next().is_some())
            {
                bail!(
                    "relevance: --keep {}: the directory is not empty; give a new or empty one",
                    dir.display()
                );
            }
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            dir.clone()
        }
        None => temporary.path().to_owned(),
    };
    let mut missing: Vec<String> = Vec::new();

    let cisi = run_cisi(&work, &mut missing)?;
    let (in_domain, checklists, heldout) = match run_in_domain(&work, &mut missing)? {
        Some(run) => (Some(run.in_domain), run.checklists, run.heldout),
        None => (None, HashSet::new(), Vec::new()),
    };
    let evaluations: Vec<&Evaluation> = cisi.iter().chain(in_domain.iter()).collect();

    report::table(&evaluations);
    let scenes = in_domain.as_ref().map(|e| {
        report::classes(e);
        let s = eval::scenes(e, &checklists);
        report::scenes(&e.name, &s);
        s
    });
    for (e, status) in &heldout {
        report::heldout(e, *status);
    }
    if o.verbose {
        evaluations.iter().for_each(|e| report::verbose(e));
        heldout
            .iter()
            .for_each(|(e, status)| report::heldout_ranks(e, *status));
    }
    // Score order is a property of every result list, the held-out sets' too (unlike a floor).
    let checked: Vec<&Evaluation> = evaluations
        .iter()
        .copied()
        .chain(heldout.iter().map(|(e, _)| e))
        .collect();
    let violations = report::violations(&checked);
    for reason in &missing {
        println!("missing: {reason}");
    }
    // Quick mode decides on the checks below (CISI may be absent from a checkout elsewhere).

    if !o.quick {
        return Ok(missing.is_empty() && violations == 0);
    }
    let checks = floors::checks(
        cisi.as_ref(),
        in_domain.as_ref(),
        scenes.as_ref(),
        violations,
    );
    println!();
    for c in &checks {
        println!("{} {}", if c.passed { "ok  " } else { "FAIL" }, c.name);
    }
    let failed = checks.iter().filter(|c| !c.passed).count();
    // The suite scripts sum this line (tests/run-all.sh); it is the last thing printed.
    println!(
        "relevance: {} passed, {failed} failed",
        checks.len() - failed
    );
    Ok(failed == 0)
}

/// CISI from [`cisi::default_dir`], measured; `None` (with the reason in `missing`) when its
/// files are not there.
fn run_cisi(work: &Path, missing: &mut Vec<String>) -> Result<Option<Evaluation>> {
    let dir = cisi::default_dir();
    if !cisi::present(&dir) {
        let reason = format!(
            "CISI: CISI.ALL, CISI.QRY and CISI.REL not found in {} (set FIELDREF_CISI_DIR or \
             check out ../shared beside the workspace)",
            dir.display()
        );
        println!("{reason}");
        missing.push(reason);
        return Ok(None);
    }
    let collection = cisi::load(&dir)?;
    println!(
        "CISI: {} documents, {} judged queries, from {}",
        collection.documents.len(),
        collection.queries.len(),
        dir.display()
    );
    let pack = cisi::pack(&collection.documents);
    let app = eval::open_fieldref(&work.join("cisi-fieldref"), &pack)?;
    let fts = Baseline::build(
        &work.join("cisi-fts.sqlite3"),
        cisi::rows(&collection.documents),
    )?;
    eval::evaluate("CISI", &app, &fts, collection.queries).map(Some)
}

/// The bundled pack's sources, parsed and validated the way the CLI does.
pub fn content_pack(dir: &Path) -> Result<Pack> {
    SourceTree::read_dir(dir)
        .and_then(|t| t.compile())
        .map_err(|problems| {
            let shown: Vec<String> = problems.iter().take(5).map(ToString::to_string).collect();
            anyhow!(
                "{}: {} problem(s) in the content sources:\n{}",
                dir.display(),
                problems.len(),
                shown.join("\n")
            )
        })
}

/// What the bundled pack was measured on: the in-domain judged set, the held-out sets (on the
/// same engines) and the pack's checklist ids, for the scene summary.
struct PackRun {
    in_domain: Evaluation,
    /// Each held-out set's evaluation, with what it may be used for.
    heldout: Vec<(Evaluation, HeldoutStatus)>,
    checklists: HashSet<String>,
}

/// The in-domain set against the bundled pack, measured, then the held-out sets on the same
/// engines; `None` (with the reason in `missing`) when the judged file is not there yet.
fn run_in_domain(work: &Path, missing: &mut Vec<String>) -> Result<Option<PackRun>> {
    let judged_path = PathBuf::from(JUDGED_FILE);
    if !found(&judged_path, "port-alder: judged queries", missing) {
        return Ok(None);
    }
    let pack = content_pack(Path::new(CONTENT_DIR))?;
    let queries = judged::load(&judged_path, &pack)?;
    println!(
        "port-alder: {} documents, {} judged queries, from {}",
        pack.documents.len(),
        queries.len(),
        judged_path.display()
    );
    let checklists: HashSet<String> = pack
        .documents
        .iter()
        .filter(|d| d.kind() == DocKind::Checklist)
        .map(|d| d.id.clone())
        .collect();
    let app = eval::open_fieldref(&work.join("port-alder-fieldref"), &pack)?;
    let fts = Baseline::for_pack(&work.join("port-alder-fts.sqlite3"), &pack)?;
    let in_domain = eval::evaluate("port-alder", &app, &fts, queries)?;
    let heldout = run_heldout(&pack, &app, &fts, missing)?;
    Ok(Some(PackRun {
        in_domain,
        heldout,
        checklists,
    }))
}

/// The held-out sets on the engines opened for the in-domain set (the pack is built once); a
/// set whose file is not there is left out, with the reason in `missing`.
fn run_heldout(
    pack: &Pack,
    app: &FieldRef,
    fts: &Baseline,
    missing: &mut Vec<String>,
) -> Result<Vec<(Evaluation, HeldoutStatus)>> {
    let mut evaluations = Vec::new();
    for HeldoutSet { name, file, status } in HELDOUT_SETS {
        let path = PathBuf::from(file);
        if !found(&path, &format!("{name}: held-out queries"), missing) {
            continue;
        }
        let queries = judged::load(&path, pack)?;
        println!(
            "{name}: {} held-out queries, from {}",
            queries.len(),
            path.display()
        );
        evaluations.push((eval::evaluate(name, app, fts, queries)?, status));
    }
    Ok(evaluations)
}

/// Whether the query file at `path` is there; if not, says so and records it in `missing`.
fn found(path: &Path, what: &str, missing: &mut Vec<String>) -> bool {
    if path.is_file() {
        return true;
    }
    let reason = format!("{what} {} not found", path.display());
    println!("{reason}");
    missing.push(reason);
    false
}
