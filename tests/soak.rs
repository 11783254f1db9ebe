//! Hours of churn in minutes: many releases of random edits (documents changed, added and
//! removed), a device following them by delta and, when it falls more than the server's delta
//! history behind, by snapshot, across a root rotation in the middle, with bookmarks and
//! feedback made throughout. After every step: the store's content hash is the signed one and
//! matches its rows, the index is in step and holds every document, user data is intact, and
//! the data directory stays within 1.5x the size of a fresh install of the last release.
//!
//! Quick by default (20 releases); `FIELDREF_SOAK=full` runs 200.

use std::path::Path;

use fieldref_core::content::{Audience, Pack};
use fieldref_core::pack::{Envelope, Role, Root, SecretKey};
use fieldref_core::store::state_hash;
use fieldref_core::sync::{SyncOutcome, UpdatePath};
use fieldref_tests::{bundled_pack, Device, Keys, Server};

/// A small deterministic generator (xorshift64*): the same run every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The next release: a few documents edited, sometimes a copy of a contact added or an added
/// one removed (the bundled documents stay, so bookmarks on them stay visible).
fn next_release(pack: &Pack, rng: &mut Rng, version: u64, bundled: usize) -> Pack {
    let mut next = pack.clone();
    for _ in 0..1 + rng.below(4) {
        let i = rng.below(next.documents.len());
        let doc = &mut next.documents[i];
        doc.summary = format!("{} (revised in release {version})", doc.summary);
        doc.revision += 1;
        doc.provenance.changes.push(fieldref_core::content::Change {
            revision: doc.revision,
            date: doc.updated_at.clone(),
            note: format!("Summary revised in release {version}."),
        });
    }
    if rng.below(3) == 0 {
        let template = next
            .documents
            .iter()
            .find(|d| d.as_contact().is_some())
            .expect("a contact")
            .clone();
        let mut copy = template;
        copy.id = format!("soak-copy-{version:04}");
        copy.title = format!("Soak copy {version}");
        next.documents.push(copy);
    }
    if next.documents.len() > bundled && rng.below(4) == 0 {
        let added: Vec<usize> = (0..next.documents.len())
            .filter(|&i| next.documents[i].id.starts_with("soak-copy-"))
            .collect();
        if !added.is_empty() {
            next.documents.remove(added[rng.below(added.len())]);
        }
    }
    next.documents.sort_by(|a, b| a.id.cmp(&b.id));
    next
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match std::fs::symlink_metadata(e.path()) {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) if m.is_file() => m.len(),
            _ => 0,
        })
        .sum()
}

#[test]
fn a_device_follows_many_releases_across_a_rotation_and_keeps_everything() {
    let releases: u64 = match std::env::var("FIELDREF_SOAK").as_deref() {
        Ok("full") => 200,
        _ => 20,
    };
    let keys = Keys::generate();
    let new_root_key = SecretKey::generate().expect("key");
    let new_release_key = SecretKey::generate().expect("key");
    let rotation = Envelope::sign(
        Role::Root,
        &Root {
            version: 2,
            root_keys: vec![new_root_key.public()],
            release_keys: vec![new_release_key.public()],
            online_keys: vec![keys.online_key.public()],
            threshold: 1,
        },
        &[&keys.root_key, &new_root_key],
    )
    .expect("sign rotation");
    let mut server = Server::start_with(keys, chrono::Duration::days(7));
    let device = Device::new(&server.keys);
    let mut rng = Rng(0x5eed_f1e1_d4ef_0001);
    let mut pack = bundled_pack();
    let bundled = pack.documents.len();
    let mut bookmarks: Vec<String> = Vec::new();
    let mut queued: Vec<String> = Vec::new();
    let (mut deltas, mut snapshots, mut sizes) = (0, 0, Vec::new());
    let mut release_key_rotated = false;

    let mut version = 0;
    while version < releases {
        // Now and then the device is offline for longer than the server's delta history.
        let behind = if rng.below(8) == 0 { 6 } else { 1 };
        for _ in 0..behind {
            if version == releases {
                break;
            }
            version += 1;
            if version == releases / 2 {
                let file = server.dir.path().join("root-2.json");
                std::fs::write(&file, serde_json::to_vec(&rotation).expect("json"))
                    .expect("write rotation");
                fieldref_server::add_root(&server.data_dir(), &file).expect("rotation");
                server = server.restart();
                release_key_rotated = true;
            }
            pack = next_release(&pack, &mut rng, version, bundled);
            let key = if release_key_rotated {
                &new_release_key
            } else {
                &server.keys.release_key
            };
            server.publish_with(&pack, key).expect("publish");
        }

        // User data made while offline.
        let doc = &bundle_id(&pack, &mut rng, bundled);
        device
            .app
            .add_bookmark(doc, Audience::Public)
            .expect("bookmark");
        if !bookmarks.contains(doc) {
            bookmarks.push(doc.clone());
        }
        let item = device
            .app
            .queue_feedback(doc, &format!("note at release {version}"), Audience::Public)
            .expect("feedback");
        queued.push(item.id);

        let report = device.sync(server.url()).expect("sync");
        match report.outcome {
            SyncOutcome::Updated { to, path, .. } => {
                assert_eq!(to, version);
                match path {
                    UpdatePath::Delta => deltas += 1,
                    UpdatePath::Snapshot => snapshots += 1,
                }
            }
            other => panic!("release {version}: {other:?}"),
        }

        let signed = state_hash(&pack).expect("hash");
        let state = device.state();
        assert_eq!(state.version, version);
        assert_eq!(state.hash, signed, "release {version}: the signed content");
        assert_eq!(
            device.app.computed_content_hash().expect("hash"),
            Some(signed.clone()),
            "release {version}: rows match the record"
        );
        let stats = device.app.stats().expect("stats");
        assert!(stats.index_in_step, "release {version}: index in step");
        assert_eq!(stats.index_docs, pack.documents.len() as u64);
        assert!(device.app.index_problem().is_none());
        let mut have = state.bookmarks.clone();
        have.sort();
        let mut want = bookmarks.clone();
        want.sort();
        assert_eq!(have, want, "release {version}: bookmarks kept");
        assert_eq!(state.outbox, queued, "release {version}: feedback kept");
        let size = dir_size(device.dir.path());
        if std::env::var_os("FIELDREF_SOAK_SIZES").is_some() {
            for entry in std::fs::read_dir(device.dir.path())
                .expect("list")
                .flatten()
            {
                println!(
                    "  {version}: {:?} {}",
                    entry.file_name(),
                    dir_size(&entry.path()).max(entry.metadata().map(|m| m.len()).unwrap_or(0))
                );
            }
        }
        sizes.push((version, size));
    }
    assert_eq!(
        device
            .app
            .trust_root()
            .expect("root")
            .expect("root")
            .version,
        2,
        "walked the rotation"
    );

    // A fresh install of the last release, for the size budget.
    let fresh = Device::new(&server.keys);
    fresh.sync(server.url()).expect("fresh sync");
    assert_eq!(fresh.state().hash, state_hash(&pack).expect("hash"));
    let budget = dir_size(fresh.dir.path()) * 3 / 2;
    let (worst_version, worst) = sizes.iter().copied().max_by_key(|s| s.1).expect("sizes");
    println!(
        "{releases} releases: {deltas} by delta, {snapshots} by snapshot; data dir at most \
         {worst} bytes (release {worst_version}), fresh install {} bytes",
        budget * 2 / 3
    );
    for (version, size) in sizes {
        assert!(
            size <= budget,
            "release {version}: data dir {size} bytes, over 1.5x a fresh install ({budget})"
        );
    }
    assert!(deltas > 0 && snapshots > 0, "both update paths ran");
}

/// A bundled document (never removed by the churn) to bookmark.
fn bundle_id(pack: &Pack, rng: &mut Rng, bundled: usize) -> String {
    let originals: Vec<&str> = pack
        .documents
        .iter()
        .map(|d| d.id.as_str())
        .filter(|id| !id.starts_with("soak-copy-"))
        .collect();
    assert_eq!(originals.len(), bundled);
    originals[rng.below(originals.len())].to_owned()
}
