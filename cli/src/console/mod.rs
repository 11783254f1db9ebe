//! `fieldref console`: the trainers' web console over a content folder, served on 127.0.0.1 from
//! this binary alone (pages rendered here, the stylesheet and script embedded). Trainers list,
//! edit, create and delete documents with editors per kind, see the core's validator messages as
//! they type, preview what officers and partners get, publish (signed here, with the release key
//! that never leaves the machine) and read what the field answered.
//!
//! One file per concern: [`documents`] (the folder), [`edit`] (editor JSON ⇄ file, formatting
//! kept), [`editors`] and [`pages`] (HTML), [`checks`] (validator, hours), [`preview`] (audiences,
//! search), [`publish`], [`feedback`], [`routes`] (HTTP).

pub mod checks;
pub mod documents;
pub mod edit;
mod editors;
pub mod feedback;
mod pages;
pub mod preview;
pub mod publish;
mod routes;
mod templates;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use fieldref_core::content::{Pack, PackInfo};

pub use publish::PublishSettings;

/// What the routes share: the folder, how to publish, and the guards' secrets.
pub struct Console {
    pub dir: PathBuf,
    pub publish: PublishSettings,
    /// Sent by the console's script with every POST; pages carry it, other sites cannot read it.
    pub session: String,
    /// `Host` values this console answers (`127.0.0.1:PORT`, `localhost:PORT`).
    pub hosts: Vec<String>,
    /// Fixed "now" for the hours grid (tests); `None` is the clock.
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

impl Console {
    /// The pack settings, read leniently: `None` when `pack.toml` has problems.
    pub fn pack_info(&self) -> Option<PackInfo> {
        let text = std::fs::read_to_string(self.dir.join("pack.toml")).ok()?;
        let mut table: toml::Table = toml::from_str(&text).ok()?;
        table.remove("hsds");
        toml::Value::Table(table).try_into().ok()
    }

    /// The saved folder compiled by the core; every problem listed when it does not compile.
    pub fn compiled(&self) -> Result<Pack> {
        fieldref_core::content::SourceTree::read_dir(&self.dir)
            .and_then(|tree| tree.compile())
            .map_err(|problems| {
                let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
                anyhow::anyhow!(
                    "The folder has {} problem(s); fix them first:\n{}",
                    problems.len(),
                    lines.join("\n")
                )
            })
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.now.unwrap_or_else(chrono::Utc::now)
    }
}

pub struct ConsoleOptions {
    pub dir: PathBuf,
    /// 0: any free port.
    pub port: u16,
    pub open_browser: bool,
    pub publish: PublishSettings,
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

/// Serves the console until interrupted. Prints the address (and opens the browser) once ready.
pub fn run(options: ConsoleOptions) -> Result<()> {
    let dir = options.dir;
    if !dir.join("pack.toml").is_file() {
        anyhow::bail!("{}: not a content folder (no pack.toml)", dir.display());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the console's runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port))
            .await
            .with_context(|| format!("listening on 127.0.0.1:{}", options.port))?;
        let port = listener.local_addr()?.port();
        let console = Arc::new(Console {
            dir: dir.clone(),
            publish: options.publish,
            session: session_secret()?,
            hosts: vec![format!("127.0.0.1:{port}"), format!("localhost:{port}")],
            now: options.now,
        });
        let url = format!("http://127.0.0.1:{port}/");
        println!(
            "FieldRef console for {} at {url} (Ctrl-C to stop)",
            dir.display()
        );
        if options.open_browser {
            open_browser(&url);
        }
        axum::serve(listener, routes::router(console))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("serving the console")
    })
}

fn session_secret() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("randomness: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Best effort: the address is printed either way.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
}
