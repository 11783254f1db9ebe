//! `fieldref`: search, browse and build FieldRef content from a terminal. Every read command has
//! `--json` with stable field names, for scripts and for the tests that drive this binary.

mod channel;
mod console;
mod render;

use channel::{keygen, publish, transport};

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};
use fieldref_core::content::{languages, Audience, DocKind, SourceTree};
use fieldref_core::directory::{DirectoryQuery, GeoFilter};
use fieldref_core::search::{SearchFilters, SearchRequest};
use fieldref_core::store::FeedbackReason;
use fieldref_core::sync::SyncConfig;
use fieldref_core::{hsds, pack, FieldRef, OpenOptions};
use serde_json::json;

#[derive(Parser)]
#[command(
    name = "fieldref",
    version,
    about = "Offline field reference for officers and community partners"
)]
struct Cli {
    /// Where the store and index live [default: the user's data dir, or $FIELDREF_DATA_DIR]
    #[arg(long, global = true, env = "FIELDREF_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Trust root to start from on a device that has none (default: the one bundled with the app).
    #[arg(long, global = true, env = "FIELDREF_TRUST_ROOT")]
    trust_root: Option<PathBuf>,
    /// Who is looking: `officers` see everything, `public` (community partners) no officers-only
    /// material. A new data directory gets the bundled content of this audience.
    #[arg(long, global = true, default_value = "officers", value_parser = parse_audience)]
    audience: Audience,
    /// For sync and publish: trust only this PEM certificate (a department's own CA or the
    /// server's self-signed certificate) instead of the public web roots.
    #[arg(long, global = true, env = "FIELDREF_CA_CERT")]
    ca_cert: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Search checklists, notes and contacts (typos and unfinished words welcome).
    Search {
        /// What to look for; typos, unfinished words, quotes and stray symbols are all fine.
        #[arg(allow_hyphen_values = true)]
        query: String,
        /// Only this kind: checklist, note or contact (repeatable).
        #[arg(long = "kind", value_parser = parse_kind)]
        kinds: Vec<DocKind>,
        #[arg(long = "category")]
        categories: Vec<String>,
        #[arg(long = "service")]
        services: Vec<String>,
        #[command(flatten)]
        place: PlaceArgs,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Show one document in full; checklists step by step.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Browse partner contacts by service, language, neighborhood, open now and near.
    Directory {
        #[arg(long = "service")]
        services: Vec<String>,
        #[arg(long)]
        neighborhood: Option<String>,
        #[command(flatten)]
        place: PlaceArgs,
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Check or build content packs.
    #[command(subcommand)]
    Pack(PackCommand),
    /// Counts by kind, content version, index state.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Manage the search index.
    #[command(subcommand)]
    Index(IndexCommand),
    /// Make a new trust root: root, release and online keys (keep the .key files private).
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Validate a content folder, show what changes, sign it as the next release and upload it.
    Publish {
        dir: PathBuf,
        #[arg(long, env = "FIELDREF_SERVER")]
        server: String,
        #[arg(long, env = "FIELDREF_TOKEN", hide_env_values = true)]
        token: String,
        /// The release key file from `fieldref keygen`.
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Enroll this device for officers updates with a one-time code from an admin
    /// (`fieldref-server device enroll`); the next sync installs the officers release.
    Enroll {
        #[arg(long, env = "FIELDREF_SERVER")]
        server: String,
        code: String,
        #[arg(long, default_value_t = 30)]
        timeout_secs: u64,
        #[arg(long)]
        json: bool,
    },
    /// Fetch, verify and apply the latest content; upload queued feedback.
    Sync {
        #[arg(long, env = "FIELDREF_SERVER")]
        server: String,
        #[arg(long, default_value_t = 30)]
        timeout_secs: u64,
        #[arg(long)]
        json: bool,
    },
    /// Field feedback and read acknowledgements queued for the next sync.
    Outbox {
        #[command(subcommand)]
        command: Option<OutboxCommand>,
        #[arg(long)]
        json: bool,
    },
    /// The trainers' web console over a content folder, on 127.0.0.1: edit with checks as you
    /// type, preview as officers and partners see it, publish, read the field's answers.
    Console {
        #[arg(default_value = "content")]
        dir: PathBuf,
        /// Port on 127.0.0.1 (default: any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Do not open a browser; only print the address.
        #[arg(long)]
        no_open: bool,
        #[arg(long, env = "FIELDREF_SERVER")]
        server: Option<String>,
        #[arg(long, env = "FIELDREF_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// The release key file from `fieldref keygen` (it stays on this machine).
        #[arg(long)]
        key: Option<PathBuf>,
        /// The instant the hours grid calls "now", RFC 3339 (default: the clock).
        #[arg(long, value_parser = parse_instant, hide = true)]
        at: Option<DateTime<Utc>>,
    },
    /// Bookmarks: list, add or remove.
    Bookmarks {
        #[arg(long, conflicts_with = "remove")]
        add: Option<String>,
        #[arg(long)]
        remove: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// Filters shared by search and directory.
#[derive(Args)]
struct PlaceArgs {
    /// Spoken language, as a tag (es) or a name (Spanish) (repeatable).
    #[arg(long = "language")]
    languages: Vec<String>,
    /// Only places open at --at (default: now).
    #[arg(long)]
    open_now: bool,
    /// The instant for --open-now and opening states, RFC 3339 (e.g. 2026-11-25T03:00:00-06:00).
    #[arg(long, value_parser = parse_instant)]
    at: Option<DateTime<Utc>>,
    /// A point, LAT,LON: results get distances (and are sorted by them in the directory).
    #[arg(long, value_parser = parse_point, allow_hyphen_values = true)]
    near: Option<(f64, f64)>,
    /// With --near: only places within this many kilometres.
    #[arg(long, requires = "near")]
    radius_km: Option<f64>,
}

impl PlaceArgs {
    fn languages(&self) -> Result<Vec<String>> {
        self.languages
            .iter()
            .map(|l| {
                languages::resolve(l).with_context(|| {
                    format!("--language `{l}`: not a language tag or known language name")
                })
            })
            .collect()
    }

    fn near(&self) -> Result<Option<GeoFilter>> {
        if let Some(r) = self.radius_km {
            if !(r.is_finite() && r > 0.0) {
                bail!("--radius-km must be a positive number of kilometres, got {r}");
            }
        }
        Ok(self.near.map(|(latitude, longitude)| GeoFilter {
            latitude,
            longitude,
            radius_km: self.radius_km,
        }))
    }
}

#[derive(Subcommand)]
enum PackCommand {
    /// Report every problem in a content folder as path:line: field: message; warnings carry a
    /// `warning:` prefix and fail only with --strict.
    Validate {
        dir: PathBuf,
        /// Fail on warnings too (a review overdue, a translation behind its original...).
        #[arg(long)]
        strict: bool,
    },
    /// Validate and build a pack file.
    Build {
        dir: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Install a built pack file into the data dir (replaces the content; keeps bookmarks).
    Install {
        file: PathBuf,
        #[arg(long, default_value_t = 0)]
        version: u64,
    },
    /// Import Open Referral HSDS 3.x contacts (a JSON record or list page, or a CSV data
    /// package folder) into a pack folder; trainers' edits are kept.
    ImportHsds {
        source: PathBuf,
        #[arg(long)]
        into: PathBuf,
        /// The day schedules are checked against (`YYYY-MM-DD`; by default today where the pack is).
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the pack's public contacts as one HSDS 3.x `service_list` page.
    ExportHsds {
        dir: PathBuf,
        #[arg(long)]
        to: PathBuf,
    },
}

#[derive(Subcommand)]
enum OutboxCommand {
    /// Queue feedback on a document ("this number is disconnected").
    Feedback {
        id: String,
        /// What is wrong; words are optional except for `other`.
        #[arg(default_value = "")]
        text: String,
        /// wrong_number, closed, moved or other.
        #[arg(long, default_value = "other", value_parser = parse_reason)]
        reason: FeedbackReason,
    },
    /// Record that the current revision of a document was read.
    Ack { id: String },
}

#[derive(Subcommand)]
enum IndexCommand {
    /// Rebuild the search index from the store.
    Rebuild,
}

fn main() {
    let cli = Cli::parse();
    if let Err(e) = run(cli) {
        eprintln!("fieldref: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    let viewer = cli.audience;
    match cli.command {
        Command::Pack(command) => return run_pack(command, cli.data_dir, cli.trust_root),
        Command::Keygen { out } => return keygen(&out),
        Command::Console {
            dir,
            port,
            no_open,
            server,
            token,
            key,
            at,
        } => {
            return console::run(console::ConsoleOptions {
                dir,
                port,
                open_browser: !no_open,
                publish: console::PublishSettings {
                    server,
                    token,
                    key,
                    ca_cert: cli.ca_cert,
                },
                now: at,
            })
        }
        Command::Publish {
            dir,
            server,
            token,
            key,
            dry_run,
            json,
        } => {
            let transport = transport(cli.ca_cert.as_deref())?;
            return publish(
                transport.as_ref(),
                &dir,
                &server,
                &token,
                &key,
                dry_run,
                json,
            );
        }
        command => {
            let app = open(cli.data_dir, cli.trust_root, viewer)?;
            match command {
                Command::Search {
                    query,
                    kinds,
                    categories,
                    services,
                    place,
                    limit,
                    json,
                } => {
                    let request = SearchRequest {
                        query,
                        filters: SearchFilters {
                            kinds,
                            categories,
                            service_types: services,
                            languages: place.languages()?,
                            open_now: place.open_now,
                            near: place.near()?,
                        },
                        limit,
                        viewer,
                        at: place.at,
                        typing: false,
                    };
                    let results = app.search(&request)?;
                    if json {
                        print_json(&render::search_json(&results))?;
                    } else {
                        print!("{}", render::search_text(&results));
                    }
                }
                Command::Show { id, json } => {
                    let doc = app
                        .document(&id, viewer)?
                        .with_context(|| format!("no document `{id}` (try `fieldref search`)"))?;
                    match app.record_view(&id, viewer) {
                        // Showing works on read-only storage; only the recents list is not kept.
                        Err(fieldref_core::Error::ReadOnly { .. }) | Ok(()) => {}
                        Err(e) => return Err(e.into()),
                    }
                    let open = app.open_status(&doc, None);
                    let verification = app.verification(&doc, None);
                    let linked = app.linked_contacts(&doc, viewer)?;
                    if json {
                        print_json(&json!({
                            "document": doc,
                            "open": open,
                            "verification": verification,
                            "latest_change": doc.provenance.latest_change(),
                            "linked_contacts": linked,
                            "bookmarked": app.is_bookmarked(&id)?,
                        }))?;
                    } else {
                        let shown = render::Shown {
                            open: open.as_ref(),
                            verification: verification.as_ref(),
                            linked: &linked,
                            today: fieldref_core::content::today_in(&app.pack_info().timezone),
                        };
                        print!("{}", render::document_text(&doc, &shown));
                    }
                }
                Command::Directory {
                    services,
                    neighborhood,
                    place,
                    limit,
                    json,
                } => {
                    let query = DirectoryQuery {
                        service_types: services,
                        languages: place.languages()?,
                        neighborhood,
                        open_now: place.open_now,
                        near: place.near()?,
                        at: place.at,
                        viewer,
                        limit,
                    };
                    let listing = app.directory(&query)?;
                    if json {
                        print_json(&listing)?;
                    } else {
                        print!("{}", render::directory_text(&listing));
                    }
                }
                Command::Stats { json } => {
                    let stats = app.stats()?;
                    if json {
                        print_json(&stats)?;
                    } else {
                        print!("{}", render::stats_text(&stats));
                    }
                }
                Command::Index(IndexCommand::Rebuild) => {
                    app.rebuild_index()?;
                    println!("index rebuilt: {} documents", app.stats()?.index_docs);
                }
                Command::Bookmarks { add, remove, json } => {
                    if let Some(id) = add {
                        app.add_bookmark(&id, viewer)?;
                    }
                    if let Some(id) = remove {
                        if !app.remove_bookmark(&id)? {
                            bail!("`{id}` was not bookmarked");
                        }
                    }
                    let items = app.bookmarks(viewer)?;
                    if json {
                        print_json(&json!({ "bookmarks": items }))?;
                    } else {
                        for item in items {
                            println!("{}  [{}]  {}", item.id, item.kind, item.title);
                        }
                    }
                }
                Command::Enroll {
                    server,
                    code,
                    timeout_secs,
                    json,
                } => {
                    let mut config = SyncConfig::new(server);
                    config.timeout_ms = timeout_secs.saturating_mul(1000);
                    let enrolled =
                        app.enroll(transport(cli.ca_cert.as_deref())?.as_ref(), &config, &code)?;
                    if json {
                        print_json(&enrolled)?;
                    } else {
                        println!(
                            "enrolled as {} for {}: run `fieldref sync` to install the officers content",
                            enrolled.device, enrolled.channel
                        );
                    }
                }
                Command::Sync {
                    server,
                    timeout_secs,
                    json,
                } => {
                    let mut config = SyncConfig::new(server);
                    config.timeout_ms = timeout_secs.saturating_mul(1000);
                    let report = app.sync(transport(cli.ca_cert.as_deref())?.as_ref(), &config)?;
                    if json {
                        print_json(&report)?;
                    } else {
                        print!("{}", render::sync_text(&report));
                    }
                }
                Command::Outbox { command, json } => {
                    match command {
                        Some(OutboxCommand::Feedback { id, text, reason }) => {
                            app.report_problem(&id, reason, &text, viewer)?;
                        }
                        Some(OutboxCommand::Ack { id }) => {
                            app.acknowledge(&id)?;
                        }
                        None => {}
                    }
                    let items = app.outbox(false)?;
                    if json {
                        print_json(&json!({ "items": items }))?;
                    } else {
                        for item in items {
                            let state = if item.sent_at.is_some() {
                                "sent"
                            } else {
                                "queued"
                            };
                            let doc = item.doc_id.as_deref().unwrap_or("-");
                            println!(
                                "{}  {state}  {}  {doc}  {}",
                                item.id,
                                item.kind.as_str(),
                                item.payload
                            );
                        }
                    }
                }
                Command::Pack(_)
                | Command::Keygen { .. }
                | Command::Publish { .. }
                | Command::Console { .. } => {
                    unreachable!("handled above")
                }
            }
        }
    }
    Ok(())
}

fn run_pack(
    command: PackCommand,
    data_dir: Option<PathBuf>,
    trust_root: Option<PathBuf>,
) -> Result<()> {
    match command {
        PackCommand::Validate { dir, strict } => {
            let pack = validate(&dir, strict)?;
            println!("{}: ok, {} documents", dir.display(), pack.documents.len());
            for audience in [Audience::Public, Audience::Officers] {
                println!("{}", render::audience_summary(&pack, audience));
            }
        }
        PackCommand::Build { dir, output } => {
            let progress = indicatif::ProgressBar::new(3);
            progress.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            progress.set_message("validating");
            let pack = compile(&dir)?;
            progress.inc(1);
            progress.set_message("compressing");
            let bytes = pack::encode(&pack)?;
            progress.inc(1);
            progress.set_message("writing");
            std::fs::write(&output, &bytes)
                .with_context(|| format!("writing {}", output.display()))?;
            progress.inc(1);
            progress.finish_and_clear();
            println!(
                "{}: {} documents, {} bytes",
                output.display(),
                pack.documents.len(),
                bytes.len()
            );
        }
        PackCommand::ImportHsds {
            source,
            into,
            today,
            json,
        } => {
            let report = hsds::import_into(&source, &into, today)
                .with_context(|| format!("importing {}", source.display()))?;
            if json {
                print_json(&report)?;
            } else {
                render::import_report(&report);
            }
        }
        PackCommand::ExportHsds { dir, to } => {
            let report = hsds::export_dir(&dir, &to)
                .with_context(|| format!("exporting {}", dir.display()))?;
            for (id, note) in &report.notes {
                eprintln!("{id}: {note}");
            }
            println!(
                "{}: {} public contacts ({} officers-only left out)",
                to.display(),
                report.services,
                report.left_out.len()
            );
        }
        PackCommand::Install { file, version } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let pack = pack::decode(&bytes).with_context(|| file.display().to_string())?;
            let app = open(data_dir, trust_root, pack.info.audience)?;
            let state = app.install_pack(&pack, version)?;
            println!(
                "installed {} version {} ({} documents)",
                state.pack_id,
                state.version,
                pack.documents.len()
            );
        }
    }
    Ok(())
}

/// Checks a content folder and prints every problem, warnings included, one per line; fails on
/// an error, or on a warning when `strict`.
fn validate(dir: &std::path::Path, strict: bool) -> Result<fieldref_core::content::Pack> {
    let checked = match SourceTree::read_dir(dir) {
        Ok(tree) => tree.check(),
        Err(problems) => fieldref_core::content::Checked {
            pack: None,
            problems,
        },
    };
    for problem in &checked.problems {
        eprintln!("{problem}");
    }
    let errors = checked.errors().count();
    let warnings = checked.warnings().count();
    match checked.pack {
        Some(pack) if !(strict && warnings > 0) => {
            if warnings > 0 {
                eprintln!("{}: {warnings} warning(s)", dir.display());
            }
            Ok(pack)
        }
        Some(_) => bail!(
            "{}: {warnings} warning(s), failing because of --strict",
            dir.display()
        ),
        None => bail!(
            "{}: {errors} error(s), {warnings} warning(s); nothing was built",
            dir.display()
        ),
    }
}

/// Validates a content folder; every error is printed, one per line, before failing.
fn compile(dir: &std::path::Path) -> Result<fieldref_core::content::Pack> {
    let compiled = SourceTree::read_dir(dir).and_then(|tree| tree.compile());
    match compiled {
        Ok(pack) => Ok(pack),
        Err(problems) => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            bail!(
                "{}: {} problem(s); nothing was built",
                dir.display(),
                problems.len()
            )
        }
    }
}

fn open(
    data_dir: Option<PathBuf>,
    trust_root: Option<PathBuf>,
    audience: Audience,
) -> Result<FieldRef> {
    let mut options = OpenOptions::new(PathBuf::new());
    options.audience = Some(audience.min(fieldref_core::BUILD_AUDIENCE));
    if let Some(path) = trust_root {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        options.trust_root = Some(
            serde_json::from_str(&text)
                .with_context(|| format!("{} is not a trust root", path.display()))?,
        );
    }
    let dir = match data_dir {
        Some(dir) => dir,
        None => dirs::data_dir()
            .context("no user data directory on this system: pass --data-dir")?
            .join("fieldref"),
    };
    options.data_dir = dir.clone();
    let app = FieldRef::open_with(options).with_context(|| format!("opening {}", dir.display()))?;
    if let Some(note) = &app.open_report().read_only {
        eprintln!("fieldref: note: {note}");
    }
    // A damaged store was recovered: say so once, on stderr so --json output stays clean.
    if let Some(report) = app.recovery_report()? {
        eprint!("{}", render::recovery_text(&report));
        app.dismiss_recovery_report()?;
    }
    Ok(app)
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn parse_reason(text: &str) -> Result<FeedbackReason, String> {
    FeedbackReason::parse(text)
        .ok_or_else(|| format!("`{text}`: expected wrong_number, closed, moved or other"))
}

fn parse_kind(text: &str) -> Result<DocKind, String> {
    DocKind::parse(text).ok_or_else(|| format!("`{text}`: expected checklist, note or contact"))
}

fn parse_audience(text: &str) -> Result<Audience, String> {
    Audience::parse(text).ok_or_else(|| format!("`{text}`: expected officers or public"))
}

fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!("`{text}` is not an RFC 3339 instant like 2026-11-25T03:00:00-06:00 ({e})")
        })
}

fn parse_point(text: &str) -> Result<(f64, f64), String> {
    GeoFilter::parse_point(text)
        .ok_or_else(|| format!("`{text}`: expected LAT,LON in degrees, e.g. 44.02,-92.47"))
}
