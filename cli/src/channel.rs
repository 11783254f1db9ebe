//! The update-channel commands: a department's keys (`keygen`, written 0600), and the clients'
//! HTTPS transport (public web roots, or only `--ca-cert`) used by `sync` and `publish`.

use anyhow::{Context, Result};
use fieldref_core::pack::{Envelope, Role, Root, SecretKey};
use fieldref_core::sync::publish::PublishOptions;
use fieldref_core::sync::{Transport, UreqTransport, UreqTransportTrusting};

use crate::{compile, print_json};

pub(crate) fn keygen(out: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(out).with_context(|| out.display().to_string())?;
    let root_key = SecretKey::generate()?;
    let release_key = SecretKey::generate()?;
    let online_key = SecretKey::generate()?;
    let root = Root::first(root_key.public(), release_key.public(), online_key.public());
    let envelope = Envelope::sign(Role::Root, &root, &[&root_key])?;
    for (name, key, role) in [
        ("root.key", &root_key, Role::Root),
        ("release.key", &release_key, Role::Release),
        ("online.key", &online_key, Role::Online),
    ] {
        write_private(&out.join(name), &key.to_file(role))?;
    }
    std::fs::write(
        out.join("root.json"),
        serde_json::to_string_pretty(&envelope)?,
    )?;
    println!("wrote {0}/root.json (ship it as content/trust/root.json), {0}/root.key (keep offline), {0}/release.key (trainers), {0}/online.key (the server)", out.display());
    Ok(())
}

fn write_private(path: &std::path::Path, text: &str) -> Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("{} (refusing to overwrite a key)", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// The HTTP client for sync and publish: the public web roots, or only `ca_cert`.
pub(crate) fn transport(ca_cert: Option<&std::path::Path>) -> Result<Box<dyn Transport>> {
    Ok(match ca_cert {
        None => Box::new(UreqTransport),
        Some(path) => {
            let pem = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            Box::new(
                UreqTransportTrusting::from_pem(&pem)
                    .with_context(|| format!("{}", path.display()))?,
            )
        }
    })
}

pub(crate) fn publish(
    transport: &dyn Transport,
    dir: &std::path::Path,
    server: &str,
    token: &str,
    key: &std::path::Path,
    dry_run: bool,
    json: bool,
) -> Result<()> {
    let pack = compile(dir)?;
    let key_text =
        std::fs::read_to_string(key).with_context(|| format!("reading {}", key.display()))?;
    let key = SecretKey::from_file(&key_text, Role::Release)
        .map_err(|e| anyhow::anyhow!("{}: {e}", key.display()))?;
    let progress = indicatif::ProgressBar::new_spinner();
    let options = PublishOptions {
        server,
        token,
        key: &key,
        dry_run,
        timeout_ms: 120_000,
    };
    let outcomes =
        fieldref_core::sync::publish::publish_audiences(transport, &pack, &options, &mut |step| {
            progress.set_message(step.to_owned());
            progress.tick();
        })?;
    progress.finish_and_clear();
    if json {
        return print_json(&serde_json::json!({ "releases": outcomes }));
    }
    for outcome in &outcomes {
        let verb = if outcome.dry_run {
            "would publish"
        } else {
            "published"
        };
        println!(
            "{} ({} audience): {verb} version {} (on top of {}), snapshot {} bytes",
            outcome.channel,
            outcome.audience.as_str(),
            outcome.version,
            outcome.previous,
            outcome.snapshot_bytes
        );
        for change in &outcome.changes {
            println!(
                "{:>12}s: {} added, {} changed, {} removed",
                change.kind, change.added, change.changed, change.removed
            );
        }
    }
    Ok(())
}
