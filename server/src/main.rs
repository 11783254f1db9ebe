//! `fieldref-server`: serve, set up a data dir, manage tokens, export a static tree.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use fieldref_server::{db::TokenRole, AppState, Config, DEFAULT_MANIFEST_TTL_HOURS};

#[derive(Parser)]
#[command(
    name = "fieldref-server",
    version,
    about = "FieldRef publishing and sync server"
)]
struct Cli {
    #[arg(long, global = true, default_value = "fieldref-server-data")]
    data_dir: PathBuf,
    /// Hours a signed manifest stays valid.
    #[arg(long, global = true, default_value_t = DEFAULT_MANIFEST_TTL_HOURS)]
    manifest_ttl_hours: i64,
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on (serve).
    #[arg(long, default_value = "127.0.0.1:8750")]
    listen: SocketAddr,
}

#[derive(Subcommand)]
enum Command {
    /// Set up the data dir with the trust root and online key made by `fieldref keygen`.
    Init {
        #[arg(long)]
        root: PathBuf,
        #[arg(long)]
        online_key: PathBuf,
    },
    /// Add a root rotation (root/N+1.json signed by the old and new root keys).
    RotateRoot { file: PathBuf },
    /// Create an API token for a trainer or an admin (printed once).
    Token {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "trainer")]
        role: String,
    },
    /// Write manifest, blobs and roots as static files for any web server or CDN.
    Export {
        #[arg(long)]
        to: PathBuf,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .json()
        .init();
    let cli = Cli::parse();
    let config = Config {
        data_dir: cli.data_dir.clone(),
        manifest_ttl: chrono::Duration::hours(cli.manifest_ttl_hours.max(1)),
    };
    match cli.command {
        Some(Command::Init { root, online_key }) => {
            fieldref_server::init(&cli.data_dir, &root, &online_key)?;
            println!("initialised {}", cli.data_dir.display());
        }
        Some(Command::RotateRoot { file }) => {
            let root = fieldref_server::add_root(&cli.data_dir, &file)?;
            println!("root is now version {}", root.version);
        }
        Some(Command::Token { name, role }) => {
            let role = TokenRole::parse(&role).context("--role must be trainer or admin")?;
            let conn = fieldref_server::open_db(&cli.data_dir)?;
            println!("{}", fieldref_server::db::add_token(&conn, &name, role)?);
        }
        Some(Command::Export { to }) => {
            let state = AppState::open(&config)?;
            let channels = fieldref_server::export(&state, &to)?;
            println!("exported {} channel(s) to {}", channels.len(), to.display());
        }
        None => {
            let state = Arc::new(AppState::open(&config)?);
            let listener = tokio::net::TcpListener::bind(cli.listen)
                .await
                .with_context(|| format!("listening on {}", cli.listen))?;
            tracing::info!(address = %cli.listen, data_dir = %cli.data_dir.display(), "serving");
            axum::serve(listener, fieldref_server::router(state))
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await?;
        }
    }
    Ok(())
}
