//! `fieldref-server`: serve, set up a data dir, manage tokens, export a static tree.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use fieldref_server::db::{NewToken, TokenRole};
use fieldref_server::{AppState, Config, FeedbackPolicy, DEFAULT_MANIFEST_TTL_HOURS};

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
    /// Feedback uploads one device may make per minute (more get 429 with Retry-After).
    #[arg(long, default_value_t = 30)]
    feedback_per_minute: u32,
    /// Days field feedback is kept after it arrives.
    #[arg(long, default_value_t = 180)]
    feedback_retention_days: u32,
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on (serve).
    #[arg(long, default_value = "127.0.0.1:8750")]
    listen: SocketAddr,
    /// Serve HTTPS with this PEM certificate chain (with --tls-key). Devices refuse plain
    /// http:// to anything but loopback, so a server they reach over a network needs it (or a
    /// TLS proxy in front).
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
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
    /// Manage API tokens: create (printed once), list, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Officers devices: enroll (prints a one-time code), list, revoke.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// Write manifest, blobs and roots as static files for any web server or CDN.
    Export {
        #[arg(long)]
        to: PathBuf,
    },
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Create a one-time enrollment code for an officer's device (valid 72 hours; printed once).
    Enroll {
        /// Whose device (shown in `device list`, usable with `device revoke`).
        #[arg(long)]
        name: String,
        /// The pack's channel (the device gets its officers channel, CHANNEL-officers).
        #[arg(long)]
        channel: String,
        #[arg(long)]
        json: bool,
    },
    /// List officers devices: pending, enrolled and revoked (never codes or credentials).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device by id or name: refused at once; the next officers release is sealed
    /// with a new content key it never receives.
    Revoke { which: String },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token: admin (everything), trainer (publish to and read feedback of its
    /// channels) or viewer (read feedback of its channels). Printed once.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "trainer")]
        role: String,
        /// A channel the token may act on (repeat for several); trainers and viewers need one.
        #[arg(long = "channel")]
        channels: Vec<String>,
        /// Days until the token expires (0: never).
        #[arg(long, default_value_t = 90)]
        expires_days: u32,
    },
    /// List tokens (id, name, role, channels, expiry, revocation; never the secrets).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke tokens by id (from `token list`) or name.
    Revoke { which: String },
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
        feedback: FeedbackPolicy {
            posts_per_minute: cli.feedback_per_minute.max(1),
            retention: chrono::Duration::days(i64::from(cli.feedback_retention_days.max(1))),
            ..FeedbackPolicy::default()
        },
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
        Some(Command::Token(command)) => token(&cli.data_dir, command)?,
        Some(Command::Device(command)) => device(&cli.data_dir, command)?,
        Some(Command::Export { to }) => {
            let state = AppState::open(&config)?;
            let channels = fieldref_server::export(&state, &to)?;
            println!("exported {} channel(s) to {}", channels.len(), to.display());
        }
        None => {
            let state = Arc::new(AppState::open(&config)?);
            let router = fieldref_server::router(state);
            if let (Some(cert), Some(key)) = (&cli.tls_cert, &cli.tls_key) {
                let read = |p: &PathBuf| {
                    std::fs::read(p).with_context(|| format!("reading {}", p.display()))
                };
                let tls = fieldref_server::tls_config(&read(cert)?, &read(key)?)
                    .with_context(|| format!("{} / {}", cert.display(), key.display()))?;
                let listener = std::net::TcpListener::bind(cli.listen)
                    .with_context(|| format!("listening on {}", cli.listen))?;
                tracing::info!(address = %cli.listen, data_dir = %cli.data_dir.display(), "serving https");
                tokio::select! {
                    served = fieldref_server::serve_tls(listener, router, tls) => served?,
                    _ = tokio::signal::ctrl_c() => {}
                }
            } else {
                let listener = tokio::net::TcpListener::bind(cli.listen)
                    .await
                    .with_context(|| format!("listening on {}", cli.listen))?;
                tracing::info!(address = %cli.listen, data_dir = %cli.data_dir.display(), "serving http");
                tokio::select! {
                    served = fieldref_server::serve(listener, router) => served?,
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
        }
    }
    Ok(())
}

fn device(data_dir: &std::path::Path, command: DeviceCommand) -> Result<()> {
    use fieldref_server::officers;
    let mut conn = fieldref_server::open_db(data_dir)?;
    match command {
        DeviceCommand::Enroll {
            name,
            channel,
            json,
        } => {
            let new = officers::create(&conn, &name, &channel)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&new)?);
            } else {
                println!(
                    "enrollment code for {} ({}): {}\nvalid until {}; on the device: fieldref enroll --server URL {}",
                    new.name, new.id, new.code, new.expires_at, new.code
                );
            }
        }
        DeviceCommand::List { json } => {
            let devices = officers::list(&conn)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&devices)?);
            } else {
                for d in devices {
                    let state = match (&d.revoked_at, &d.enrolled_at, &d.code_expires_at) {
                        (Some(at), _, _) => format!("revoked {at}"),
                        (None, Some(at), _) => format!("enrolled {at}"),
                        (None, None, Some(until)) => format!("code valid until {until}"),
                        (None, None, None) => "pending".to_owned(),
                    };
                    println!("{}  {:<24} {:<28} {state}", d.id, d.name, d.channel);
                }
            }
        }
        DeviceCommand::Revoke { which } => {
            let d = officers::revoke(&mut conn, &which)?;
            println!(
                "revoked {} ({}); the next {} release is sealed with a new key",
                d.id, d.name, d.channel
            );
        }
    }
    Ok(())
}

fn token(data_dir: &std::path::Path, command: TokenCommand) -> Result<()> {
    let conn = fieldref_server::open_db(data_dir)?;
    match command {
        TokenCommand::Create {
            name,
            role,
            channels,
            expires_days,
        } => {
            let role =
                TokenRole::parse(&role).context("--role must be admin, trainer or viewer")?;
            let expires_at = (expires_days > 0)
                .then(|| chrono::Utc::now() + chrono::Duration::days(i64::from(expires_days)));
            let new = NewToken {
                name: &name,
                role,
                channels: &channels,
                expires_at,
            };
            println!("{}", fieldref_server::db::add_token(&conn, &new)?);
        }
        TokenCommand::List { json } => {
            let tokens = fieldref_server::db::list_tokens(&conn)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&tokens)?);
            } else {
                for t in tokens {
                    println!(
                        "{}  {:<20} {:<8} {:<24} expires {:<26} {}",
                        t.id,
                        t.name,
                        t.role,
                        if t.channels.is_empty() {
                            "*".to_owned()
                        } else {
                            t.channels.join(",")
                        },
                        t.expires_at.as_deref().unwrap_or("never"),
                        t.revoked_at
                            .map(|r| format!("revoked {r}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        TokenCommand::Revoke { which } => {
            let n = fieldref_server::db::revoke_token(&conn, &which)?;
            println!("revoked {n} token(s)");
        }
    }
    Ok(())
}
