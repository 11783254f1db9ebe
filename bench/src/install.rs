//! Peak memory of installing a release snapshot, measured in a process that does nothing else:
//! the benchmark writes the snapshot as a server publishes it, spawns itself as
//! `fieldref-bench install-rss SNAPSHOT DATA_DIR DECODED_SIZE HASH`, and the child installs it
//! through [`FieldRef::install_snapshot`] (what a sync does after downloading it) and prints the
//! kernel's high-water mark of its resident memory (`VmHWM`).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use fieldref_core::content::Pack;
use fieldref_core::{pack, FieldRef, OpenOptions};

/// What a phone may hold while installing the 52,000-document snapshot (issue 16).
pub const BUDGET_BYTES: u64 = 150 * 1024 * 1024;

/// The snapshot install measured in a child process.
#[derive(Debug, Clone, Copy)]
pub struct InstallMemory {
    pub documents: usize,
    pub peak_bytes: u64,
    /// The peak after decoding the snapshot alone (the content held as documents).
    pub decoded_bytes: u64,
    pub millis: u64,
}

impl InstallMemory {
    pub fn row(&self) -> String {
        format!(
            "| peak memory installing the {}-document snapshot (separate process, VmHWM) | {:.1} MB ({} ms; {:.1} MB with only the decoded pack) |",
            self.documents,
            self.peak_bytes as f64 / 1_048_576.0,
            self.millis,
            self.decoded_bytes as f64 / 1_048_576.0
        )
    }

    /// The budget check: the measured peak against [`BUDGET_BYTES`]. At the quick benchmark's
    /// few hundred documents the peak is mostly fixed costs (code, SQLite's cache, the index
    /// writer's buffers), so what it catches is an install that buffers without bound (the
    /// writer's old 64 MB per thread, or the decoded content held more than once); the budget
    /// at 52,000 documents is judged by the full run.
    pub fn check(&self) -> Result<()> {
        println!(
            "{} installing the {}-document snapshot peaks at {:.1} MB (budget {} MB)",
            if self.peak_bytes > BUDGET_BYTES {
                "FAIL"
            } else {
                "ok  "
            },
            self.documents,
            self.peak_bytes as f64 / 1_048_576.0,
            BUDGET_BYTES / 1_048_576
        );
        if self.peak_bytes > BUDGET_BYTES {
            bail!(
                "installing the {}-document snapshot peaked at {:.1} MB of resident memory, over \
                 the {} MB budget (issue 16): the install holds more than one bounded copy of the \
                 content",
                self.documents,
                self.peak_bytes as f64 / 1_048_576.0,
                BUDGET_BYTES / 1_048_576
            );
        }
        Ok(())
    }
}

/// Encodes `pack` as a release snapshot in `work`, installs it into a fresh data directory in a
/// child process (`exe install-rss …`), and returns what the child measured.
pub fn measure(exe: &Path, work: &Path, pack: &Pack) -> Result<InstallMemory> {
    let (bytes, decoded_size) = pack::encode_sized(pack)?;
    let hash = fieldref_core::store::state_hash(pack)?;
    let snapshot = work.join("install-snapshot.pack");
    std::fs::write(&snapshot, &bytes)?;
    let data = work.join("install-rss");
    let _ = std::fs::remove_dir_all(&data);
    let out = Command::new(exe)
        .args([
            "install-rss",
            &snapshot.display().to_string(),
            &data.display().to_string(),
            &decoded_size.to_string(),
            &hash,
        ])
        .output()?;
    if !out.status.success() {
        bail!(
            "install-rss child failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace();
    let peak_kb: u64 = fields
        .next()
        .and_then(|v| v.parse().ok())
        .context("install-rss child: peak kB")?;
    let millis: u64 = fields
        .next()
        .and_then(|v| v.parse().ok())
        .context("install-rss child: milliseconds")?;
    let decoded_kb: u64 = fields
        .next()
        .and_then(|v| v.parse().ok())
        .context("install-rss child: decoded peak kB")?;
    let _ = std::fs::remove_dir_all(&data);
    let _ = std::fs::remove_file(&snapshot);
    Ok(InstallMemory {
        documents: pack.documents.len(),
        peak_bytes: peak_kb * 1024,
        decoded_bytes: decoded_kb * 1024,
        millis,
    })
}

/// The child: `install-rss SNAPSHOT DATA_DIR DECODED_SIZE HASH`. Installs the snapshot into a
/// new data directory (on-disk index, as on a phone) and prints `VmHWM-kB milliseconds`.
pub fn child(args: &[String]) -> Result<()> {
    let [snapshot, data, decoded_size, hash] = args else {
        bail!("usage: fieldref-bench install-rss SNAPSHOT DATA_DIR DECODED_SIZE HASH");
    };
    let decoded_size: u64 = decoded_size
        .parse()
        .with_context(|| format!("decoded size `{decoded_size}`"))?;
    let started = Instant::now();
    let mut options = OpenOptions::new(data);
    options.install_bundled = false;
    let app = FieldRef::open_with(options)?;
    let bytes =
        std::fs::read(snapshot).with_context(|| format!("reading snapshot `{snapshot}`"))?;
    // The decoded pack alone (what the install holds while it checks and writes the content),
    // to tell that phase's peak from the index build's.
    let decoded = pack::decode_signed(&bytes, decoded_size)?;
    let decoded_peak = peak_rss_kb().unwrap_or(0);
    drop(decoded);
    let state = app.install_snapshot(&bytes, decoded_size, 1, hash)?;
    drop(bytes);
    anyhow::ensure!(state.hash == *hash, "installed content has another hash");
    let problem = app.index_problem();
    anyhow::ensure!(
        problem.is_none(),
        "the index did not follow the install: {problem:?}"
    );
    let millis = started.elapsed().as_millis();
    let peak = peak_rss_kb().context("VmHWM not readable from /proc/self/status")?;
    println!("{peak} {millis} {decoded_peak}");
    Ok(())
}

/// The process's peak resident set size in kB (Linux).
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Stored document JSON, per row, three ways: plain, zstd (what the store does), and zstd with
/// a dictionary trained on the pack (what a publisher could ship with the release).
#[derive(Debug, Clone, Copy)]
pub struct RowCompression {
    pub plain: u64,
    pub zstd: u64,
    pub zstd_dictionary: u64,
    pub dictionary: u64,
}

/// zstd level the store uses for rows (`core/src/store/packed.rs`).
const ROW_LEVEL: i32 = 3;
const DICTIONARY_BYTES: usize = 64 * 1024;

/// Measures [`RowCompression`] over `pack`'s documents (the dictionary trained on every 10th).
pub fn row_compression(pack: &Pack) -> Result<RowCompression> {
    let rows: Vec<Vec<u8>> = pack
        .documents
        .iter()
        .map(serde_json::to_vec)
        .collect::<std::result::Result<_, _>>()?;
    let samples: Vec<&Vec<u8>> = rows.iter().step_by(10).collect();
    let dictionary = zstd::dict::from_samples(&samples, DICTIONARY_BYTES)?;
    let mut plain = zstd::bulk::Compressor::new(ROW_LEVEL)?;
    let mut trained = zstd::bulk::Compressor::with_dictionary(ROW_LEVEL, &dictionary)?;
    let mut out = RowCompression {
        plain: 0,
        zstd: 0,
        zstd_dictionary: 0,
        dictionary: dictionary.len() as u64,
    };
    for row in &rows {
        out.plain += row.len() as u64;
        out.zstd += plain.compress(row)?.len() as u64;
        out.zstd_dictionary += trained.compress(row)?.len() as u64;
    }
    Ok(out)
}

impl RowCompression {
    pub fn row(&self) -> String {
        let mb = |b: u64| b as f64 / 1_048_576.0;
        format!(
            "| stored document JSON: plain / zstd per row / zstd per row with a {} KB dictionary | {:.1} / {:.1} / {:.1} MB |",
            self.dictionary / 1024,
            mb(self.plain),
            mb(self.zstd),
            mb(self.zstd_dictionary)
        )
    }
}

/// CPU time this process has used, all threads together (`CLOCK_PROCESS_CPUTIME_ID`). On a
/// machine shared with other builds, wall time measures the load as much as the work.
pub fn process_cpu() -> std::time::Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for clock_gettime to write into.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) } == 0;
    if !ok {
        return std::time::Duration::ZERO;
    }
    std::time::Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// One delta applied: wall time and the CPU time of the whole process while it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeltaTime {
    pub wall: std::time::Duration,
    pub cpu: std::time::Duration,
}

/// Applies `rounds` successive 1 % deltas on top of `base` (installed in `app` as `version`),
/// each decoded and verified against its signed hash as a sync does, and returns the times,
/// sorted by wall time: one delta on a shared machine is too noisy to judge a 100 ms budget by.
pub fn delta_times(
    app: &FieldRef,
    base: &Pack,
    version: u64,
    rounds: usize,
) -> Result<Vec<DeltaTime>> {
    // Every delta is built first, so a profile of the applying loop shows only the install.
    let mut current = base.clone();
    let changed = (current.documents.len() / 100).max(1);
    let step = (current.documents.len() / changed).max(1);
    let mut deltas = Vec::with_capacity(rounds);
    for round in 0..rounds as u64 {
        let mut next = current.clone();
        for doc in next.documents.iter_mut().skip(round as usize).step_by(step) {
            doc.summary.push_str(" Intake line changed.");
            doc.revision += 1;
        }
        let from = version + round;
        let delta = pack::Delta::between(&current, &next, from, from + 1);
        let (bytes, decoded_size) = pack::encode_delta_sized(&delta)?;
        let expected = fieldref_core::store::state_hash(&next)?;
        deltas.push((from + 1, bytes, decoded_size, expected));
        current = next;
    }
    drop(current);
    let mut times = Vec::with_capacity(rounds);
    for (version, bytes, decoded_size, expected) in deltas {
        let started = Instant::now();
        let cpu = process_cpu();
        let decoded = pack::decode_delta_signed(&bytes, decoded_size)?;
        app.install(
            fieldref_core::store::ContentChange::Delta {
                info: decoded.settings(&base.info),
                upserts: &decoded.upserts,
                deletes: &decoded.deletes,
            },
            version,
            Some(&expected),
        )?;
        times.push(DeltaTime {
            wall: started.elapsed(),
            cpu: process_cpu().saturating_sub(cpu),
        });
    }
    times.sort();
    Ok(times)
}

/// `delta-profile DATA_DIR ROUNDS`: applies ROUNDS 1 % deltas to a data directory kept by
/// `--keep` (its store is the base) and prints each time: a process that does nothing else, for
/// `perf record`.
pub fn delta_profile(args: &[String]) -> Result<()> {
    let [data, rounds] = args else {
        bail!("usage: fieldref-bench delta-profile DATA_DIR ROUNDS");
    };
    let rounds: usize = rounds
        .parse()
        .with_context(|| format!("rounds `{rounds}`"))?;
    let mut options = OpenOptions::new(data);
    options.install_bundled = false;
    let app = FieldRef::open_with(options)?;
    let state = app.content_state()?.context("no content installed")?;
    let store = fieldref_core::store::Store::open(&Path::new(data).join("fieldref.sqlite3"))?;
    let base = Pack {
        info: app.pack_info(),
        documents: store.documents(None)?,
    };
    drop(store);
    for time in delta_times(&app, &base, state.version, rounds)? {
        println!(
            "{:.2} ms wall, {:.2} ms CPU",
            time.wall.as_secs_f64() * 1000.0,
            time.cpu.as_secs_f64() * 1000.0
        );
    }
    Ok(())
}

/// `install-measure SOURCE_DIR WORK_DIR`: compiles a pack source tree (e.g. the corpus a
/// `--keep` run left) and measures its snapshot install as the full run does, printing the row.
pub fn measure_sources(args: &[String]) -> Result<()> {
    let [source, work] = args else {
        bail!("usage: fieldref-bench install-measure SOURCE_DIR WORK_DIR");
    };
    let pack = fieldref_core::content::SourceTree::read_dir(Path::new(source))
        .and_then(|t| t.compile())
        .map_err(|p| anyhow::anyhow!("{source}: {} problems", p.len()))?;
    std::fs::create_dir_all(work)?;
    let exe = std::env::current_exe()?;
    println!("{}", measure(&exe, Path::new(work), &pack)?.row());
    Ok(())
}
