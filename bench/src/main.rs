//! `cargo run --release -p fieldref-bench` prints the whole table; `--quick` runs a small corpus
//! and checks the figures make sense (the test suite runs it so the benchmark never rots);
//! `--help` says what else (options.rs).

mod library;
mod options;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fieldref_bench::corpus::{self, CorpusSize};
use fieldref_bench::fts::Fts;
use fieldref_bench::queries::{self, Class, Query};
use fieldref_core::content::SourceTree;
use fieldref_core::pack;
use fieldref_core::search::SearchRequest;
use fieldref_core::store::ContentChange;
use fieldref_core::{FieldRef, OpenOptions};

use options::{Command as Cli, Options};

const SEED: u64 = 20_261_125;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        // Internal: the children the benchmark starts itself (or a developer runs).
        Some("cold") if args.len() == 3 => return cold(Path::new(&args[1]), &args[2]),
        Some("cold-fts") if args.len() == 3 => return cold_fts(Path::new(&args[1]), &args[2]),
        Some("install-rss") => return fieldref_bench::install::child(&args[1..]),
        Some("delta-profile") => return fieldref_bench::install::delta_profile(&args[1..]),
        Some("search-profile") if args.len() == 5 => return search_profile(&args[1..]),
        Some("install-measure") => return fieldref_bench::install::measure_sources(&args[1..]),
        // Ranking quality, not speed: exits non-zero when the run fails its checks.
        Some("relevance") => {
            if !fieldref_bench::relevance::run(&args[1..])? {
                std::process::exit(1);
            }
            return Ok(());
        }
        _ => {}
    }
    let parsed = options::parse(&args).unwrap_or_else(|e| {
        eprintln!("fieldref-bench: {e:#}");
        std::process::exit(2)
    });
    match parsed {
        Cli::Help => {
            print!("{}", options::USAGE);
            Ok(())
        }
        Cli::Bench(options) => run(&options),
    }
}

/// One line on stderr as each phase starts, so a seven-minute run shows where it is.
fn phase(step: usize, what: &str) {
    eprintln!("bench [{step}/{PHASES}] {what}");
}

const PHASES: usize = 8;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Bytes under `path` (followed if it is a link). Links inside are not followed: the data
/// directory's `index` link names the current generation, which is counted once, as the folder
/// it is (before 2026-12-06 it was counted twice, inflating the store's figure by the index's).
fn dir_size(path: &Path) -> u64 {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m.len(),
        Ok(_) => std::fs::read_dir(path)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| !e.file_type().is_ok_and(|t| t.is_symlink()))
                    .map(|e| dir_size(&e.path()))
                    .sum()
            })
            .unwrap_or(0),
        Err(_) => 0,
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

struct ClassResult {
    fieldref: Vec<Duration>,
    fts: Vec<Duration>,
    fieldref_answered: usize,
    fts_answered: usize,
    queries: usize,
}

fn run(o: &Options) -> Result<()> {
    let temporary = tempfile::tempdir()?;
    let work = o.keep.as_deref().unwrap_or(temporary.path());
    let base = fieldref_core::bundled::pack()
        .map_err(|p| anyhow::anyhow!("bundled pack: {} problems", p.len()))?
        .info;
    let source = work.join("corpus");
    let size = CorpusSize {
        contacts: o.contacts,
        documents: o.documents,
    };
    phase(
        1,
        &format!(
            "writing the corpus: {} contacts, {} checklists and notes",
            o.contacts, o.documents
        ),
    );
    let raw = corpus::write(&source, &size, SEED, &base)?;
    phase(2, "parsing and validating the corpus");
    let started = Instant::now();
    let pack = SourceTree::read_dir(&source)
        .and_then(|t| t.compile())
        .map_err(|p| {
            anyhow::anyhow!(
                "corpus invalid: {}",
                p.first().map(ToString::to_string).unwrap_or_default()
            )
        })?;
    let parse_time = started.elapsed();

    // FieldRef: the store and the index, from the parsed pack.
    phase(3, "building FieldRef's store and index, then FTS5's table");
    let data = work.join("fieldref");
    let started = Instant::now();
    let app = open(&data)?;
    app.install_pack(&pack, 1)?;
    let fieldref_build = started.elapsed();
    let index_size = dir_size(&data.join("index"));
    let store_size = dir_size(&data) - index_size;

    // FTS5 on the same documents.
    let fts_path = work.join("fts.sqlite3");
    let started = Instant::now();
    let fts = Fts::build(&fts_path, &pack)?;
    let fts_build = started.elapsed();
    let fts_size = dir_size(&fts_path);

    let set = queries::generate(&pack, o.per_class, SEED);
    phase(
        4,
        &format!(
            "{} queries, {} runs each, on both engines",
            set.len(),
            o.reps
        ),
    );
    if o.keep.is_some() {
        let listing: String = set
            .iter()
            .map(|q| format!("{:?}\t{}\n", q.class, q.text))
            .collect();
        std::fs::write(work.join("queries.tsv"), listing)?;
    }
    for q in set.iter().take(10) {
        app.search(&SearchRequest::new(q.text.as_str()))?;
        fts.search(&q.fts, 20);
    }
    let mut results: Vec<(Class, ClassResult)> = Class::ALL
        .iter()
        .map(|c| {
            (
                *c,
                ClassResult {
                    fieldref: vec![],
                    fts: vec![],
                    fieldref_answered: 0,
                    fts_answered: 0,
                    queries: 0,
                },
            )
        })
        .collect();
    for q in &set {
        let slot = &mut results
            .iter_mut()
            .find(|(c, _)| *c == q.class)
            .context("class")?
            .1;
        slot.queries += 1;
        let mut answered = false;
        for _ in 0..o.reps {
            let request = SearchRequest {
                typing: q.class.typing(),
                ..SearchRequest::new(q.text.as_str())
            };
            let t = Instant::now();
            let r = app.search(&request)?;
            slot.fieldref.push(t.elapsed());
            answered = answers(
                q,
                r.hits
                    .iter()
                    .map(|h| h.snippet.text.as_str())
                    .chain(r.hits.iter().map(|h| h.title.as_str())),
                r.hits.len(),
            );
        }
        slot.fieldref_answered += usize::from(answered);
        let mut fts_answered = false;
        for _ in 0..o.reps {
            let t = Instant::now();
            let rows = fts.search(&q.fts, 20);
            slot.fts.push(t.elapsed());
            fts_answered = answers(q, rows.iter().map(|(_, s)| s.as_str()), rows.len());
        }
        slot.fts_answered += usize::from(fts_answered);
    }

    // Cold open + first query, each in a new process.
    phase(5, "cold open + first query, 5 new processes per engine");
    let exe = std::env::current_exe()?;
    let probe = &set[0].text;
    let cold_fieldref = median_child(&exe, "cold", &data, probe)?;
    let cold_fts = median_child(&exe, "cold-fts", &fts_path, &set[0].fts)?;

    // Sync: a 1 % change as a delta, against the full snapshot and zstd of only the changed docs.
    phase(6, "sync: a 1 % delta, encoded, verified and applied");
    let changed = (pack.documents.len() / 100).max(1);
    let mut next = pack.clone();
    for doc in next
        .documents
        .iter_mut()
        .step_by(pack.documents.len() / changed)
    {
        doc.summary.push_str(" Updated hours and intake line.");
        doc.revision += 1;
    }
    let delta = pack::Delta::between(&pack, &next, 1, 2);
    let delta_bytes = pack::encode_delta(&delta)?;
    let snapshot_bytes = pack::encode(&next)?;
    let changed_json = serde_json::to_vec(&delta.upserts)?;
    let changed_zstd = zstd::encode_all(changed_json.as_slice(), 19)?;
    let expected = fieldref_core::store::state_hash(&next)?;
    let started = Instant::now();
    let blob = pack::BlobRef::of(&delta_bytes);
    let decoded = pack::decode_delta(&delta_bytes)?;
    anyhow::ensure!(blob.size == delta_bytes.len() as u64);
    app.install(
        ContentChange::Delta {
            info: decoded.settings(&pack.info),
            upserts: &decoded.upserts,
            deletes: &decoded.deletes,
        },
        2,
        Some(&expected),
    )?;
    let apply_time = started.elapsed();

    let deltas = fieldref_bench::install::delta_times(&app, &next, 2, 5)?;
    let rss = fieldref_bench::install::peak_rss_kb();
    let install = fieldref_bench::install::measure(&exe, work, &pack)?;
    let rows = fieldref_bench::install::row_compression(&pack)?;
    let lib = library::measure(o);

    // The table.
    phase(8, "the table");
    println!(
        "\nFieldRef vs SQLite FTS5 — {} contacts + {} checklists/notes ({} documents), seed {SEED}",
        o.contacts,
        o.documents,
        pack.documents.len()
    );
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
        cpu_model()
    );
    println!("\n| query class | n | FieldRef p50 | FieldRef p99 | FTS5 p50 | FTS5 p99 | FTS5/FieldRef (p50) | answered FieldRef / FTS5 |");
    println!("|---|---|---|---|---|---|---|---|");
    for (class, r) in &mut results {
        r.fieldref.sort();
        r.fts.sort();
        let (f50, f99) = (percentile(&r.fieldref, 0.5), percentile(&r.fieldref, 0.99));
        let (s50, s99) = (percentile(&r.fts, 0.5), percentile(&r.fts, 0.99));
        let ratio = s50.as_secs_f64() / f50.as_secs_f64().max(1e-9);
        let note = if *class == Class::Typo {
            " (FTS5 has no typo tolerance)"
        } else {
            ""
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {ratio:.2}× | {}/{} / {}/{}{note} |",
            class.name(),
            r.queries,
            ms(f50),
            ms(f99),
            ms(s50),
            ms(s99),
            r.fieldref_answered,
            r.queries,
            r.fts_answered,
            r.queries
        );
    }
    println!("\n| build and size | FieldRef | FTS5 |");
    println!("|---|---|---|");
    println!("| raw content (source files) | {} | {} |", mb(raw), mb(raw));
    println!("| parse + validate sources | {} | (same) |", ms(parse_time));
    println!(
        "| index build | {} (store + tantivy) | {} |",
        ms(fieldref_build),
        ms(fts_build)
    );
    println!(
        "| on disk | {} (store {} + index {}) | {} |",
        mb(store_size + index_size),
        mb(store_size),
        mb(index_size),
        mb(fts_size)
    );
    println!(
        "| cold open + first query (new process, median of 5) | {} | {} |",
        ms(cold_fieldref),
        ms(cold_fts)
    );
    println!("\n| sync, {changed} documents changed (1 %) | bytes / time |");
    println!("|---|---|");
    println!(
        "| delta (zstd JSON of changed docs + deletes, + settings only when changed) | {} |",
        delta_bytes.len()
    );
    println!("| full snapshot | {} |", snapshot_bytes.len());
    println!("| zstd of only the changed docs | {} |", changed_zstd.len());
    println!(
        "| delta / zstd of changed docs | {:.2}× |",
        delta_bytes.len() as f64 / changed_zstd.len() as f64
    );
    println!(
        "| verify + apply the delta (store transaction + index update) | {} |",
        ms(apply_time)
    );
    let mut cpu: Vec<Duration> = deltas.iter().map(|d| d.cpu).collect();
    cpu.sort();
    println!(
        "| the same, 5 more deltas: median wall (fastest–slowest); median CPU, all threads | {} ({}–{}); {} CPU |",
        ms(deltas[deltas.len() / 2].wall),
        ms(deltas[0].wall),
        ms(deltas[deltas.len() - 1].wall),
        ms(cpu[cpu.len() / 2])
    );
    println!("\n| process | |");
    println!("|---|---|");
    println!(
        "| peak RSS | {} |",
        rss.map(|kb| mb(kb * 1024))
            .unwrap_or_else(|| "n/a".to_owned())
    );
    println!("{}", install.row());
    println!("{}", rows.row());
    println!(
        "| {} | {} |",
        library::label(o, &mb(library::BUDGET_BYTES)),
        match &lib {
            Ok(Some(bytes)) => format!("{} ({bytes} bytes)", mb(*bytes)),
            Ok(None) => "not measured (--no-lib)".to_owned(),
            Err(e) => format!("not measured: {e:#}"),
        }
    );

    if o.quick {
        install.check()?;
        sanity(
            &results,
            delta_bytes.len(),
            snapshot_bytes.len(),
            cold_fieldref,
            &lib,
        )?;
    }
    Ok(())
}

/// Whether the engine's top hits answer the query: any hit at all, and for typos, the word meant
/// appears in what came back.
fn answers<'a>(q: &Query, texts: impl Iterator<Item = &'a str>, hits: usize) -> bool {
    if hits == 0 {
        return false;
    }
    match &q.meant {
        Some(meant) => texts
            .map(str::to_lowercase)
            .any(|t| t.contains(meant.as_str())),
        None => true,
    }
}

fn sanity(
    results: &[(Class, ClassResult)],
    delta: usize,
    snapshot: usize,
    cold: Duration,
    lib: &Result<Option<u64>>,
) -> Result<()> {
    let get = |c: Class| &results.iter().find(|(k, _)| *k == c).expect("class").1;
    let checks = [
        (
            "FieldRef answers every single-term query",
            get(Class::Single).fieldref_answered == get(Class::Single).queries,
        ),
        (
            "FieldRef answers every natural-language query",
            get(Class::Natural).fieldref_answered == get(Class::Natural).queries,
        ),
        (
            "FTS5 answers single-term queries",
            get(Class::Single).fts_answered > 0,
        ),
        (
            "FieldRef answers most typo queries",
            get(Class::Typo).fieldref_answered * 10 >= get(Class::Typo).queries * 7,
        ),
        (
            "FieldRef answers prefix queries",
            get(Class::Prefix).fieldref_answered * 10 >= get(Class::Prefix).queries * 8,
        ),
        (
            "a 1 % delta is smaller than the snapshot",
            delta * 5 < snapshot,
        ),
        ("a cold open answers", cold > Duration::ZERO),
    ];
    // The library's budget, unless --no-lib said to leave it out.
    let library_check = match lib {
        Ok(None) => None,
        Ok(Some(bytes)) => Some(*bytes <= library::BUDGET_BYTES),
        Err(_) => Some(false),
    };
    let budget = format!(
        "the stripped mobile library is within {} (see the table)",
        mb(library::BUDGET_BYTES)
    );
    let checks: Vec<(&str, bool)> = checks
        .into_iter()
        .chain(library_check.map(|ok| (budget.as_str(), ok)))
        .collect();
    let failed: Vec<&str> = checks
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(name, _)| *name)
        .collect();
    for (name, ok) in &checks {
        println!("{} {name}", if *ok { "ok  " } else { "FAIL" });
    }
    println!(
        "bench: {} passed, {} failed",
        checks.len() - failed.len(),
        failed.len()
    );
    if !failed.is_empty() {
        bail!("benchmark sanity checks failed: {failed:?}");
    }
    Ok(())
}

fn open(dir: &Path) -> Result<FieldRef> {
    let mut options = OpenOptions::new(dir);
    options.install_bundled = false;
    Ok(FieldRef::open_with(options)?)
}

fn median_child(exe: &Path, mode: &str, path: &Path, query: &str) -> Result<Duration> {
    let mut times = Vec::new();
    for _ in 0..5 {
        let out = Command::new(exe)
            .args([mode, &path.display().to_string(), query])
            .output()?;
        if !out.status.success() {
            bail!(
                "{mode} child failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let micros: u64 = String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .context("child timing")?;
        times.push(Duration::from_micros(micros));
    }
    times.sort();
    Ok(times[2])
}

/// `search-profile DATA_DIR QUERIES_TSV CLASS ROUNDS`: runs one class of a kept run's queries
/// (`--keep`) ROUNDS times, for a profiler; prints the class's p50 and p99.
fn search_profile(args: &[String]) -> Result<()> {
    let app = open(Path::new(&args[0]))?;
    let class = args[2].as_str();
    let rounds: usize = args[3].parse().context("ROUNDS")?;
    let listing = std::fs::read_to_string(&args[1]).context("QUERIES_TSV")?;
    let queries: Vec<&str> = listing
        .lines()
        .filter_map(|line| line.split_once('\t'))
        .filter(|(c, _)| *c == class)
        .map(|(_, text)| text)
        .collect();
    anyhow::ensure!(!queries.is_empty(), "no `{class}` queries in {}", args[1]);
    let mut times = Vec::new();
    // Each query's best round: what it costs when nothing else is running.
    let mut best = vec![Duration::MAX; queries.len()];
    for _ in 0..rounds {
        for (text, best) in queries.iter().zip(&mut best) {
            let request = SearchRequest {
                typing: class == "Prefix",
                ..SearchRequest::new(*text)
            };
            let t = Instant::now();
            app.search(&request)?;
            let took = t.elapsed();
            times.push(took);
            *best = (*best).min(took);
        }
    }
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!("{class}: p50 {:?} p99 {:?}", at(0.5), at(0.99));
    let mut slowest: Vec<(Duration, &str)> = best.into_iter().zip(queries).collect();
    slowest.sort();
    for (took, text) in slowest.iter().rev().take(5) {
        println!("  {took:?}  {text}");
    }
    Ok(())
}

/// In a fresh process: open the data dir from disk and answer one query; prints microseconds.
fn cold(data: &Path, query: &str) -> Result<()> {
    let started = Instant::now();
    let app = open(data)?;
    let hits = app.search(&SearchRequest::new(query))?.hits.len();
    let took = started.elapsed();
    anyhow::ensure!(
        app.open_report().index_rebuilt.is_none(),
        "index was rebuilt: not a cold open"
    );
    anyhow::ensure!(hits > 0, "cold query found nothing");
    println!("{}", took.as_micros());
    Ok(())
}

fn cold_fts(path: &Path, query: &str) -> Result<()> {
    let started = Instant::now();
    let fts = Fts::open(path)?;
    let rows = fts.search(query, 20).len();
    let took = started.elapsed();
    anyhow::ensure!(rows > 0, "cold FTS5 query found nothing");
    println!("{}", took.as_micros());
    Ok(())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned())
}
