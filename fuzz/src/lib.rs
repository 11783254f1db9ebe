//! What each fuzz target does with its bytes, and the seeds each starts from. Shared by the
//! `cargo fuzz` targets (`fuzz_targets/*.rs`, nightly, libFuzzer) and by the stable replay of
//! corpora and regressions in `core/tests/fuzz_replay.rs` (which includes this file), so CI
//! checks every input ever found without a nightly toolchain.
//!
//! A target fails by panicking (or hanging, or allocating without bound): every function below
//! only calls the core the way hostile input reaches it and asserts the core's own promises.

use std::sync::OnceLock;

use fieldref_core::content::{check_documents, Audience, DocKind, Pack, Severity, SourceTree};
use fieldref_core::directory::HoursEvaluator;
use fieldref_core::pack::{self, Delta, Envelope, Manifest, Release, Role, Root, SecretKey};
use fieldref_core::search::SearchRequest;
use fieldref_core::store::{state_hash, ContentChange, Store};
use fieldref_core::{FieldRef, OpenOptions};

/// The targets, by name (the `fuzz_targets/<name>.rs` files and corpus folders).
pub const TARGETS: [&str; 5] = [
    "content_source",
    "signed_metadata",
    "pack_decoding",
    "query",
    "opening_hours",
];

/// Runs target `name` on `data`.
pub fn run(name: &str, data: &[u8]) {
    match name {
        "content_source" => content_source(data),
        "signed_metadata" => signed_metadata(data),
        "pack_decoding" => pack_decoding(data),
        "query" => query(data),
        "opening_hours" => opening_hours(data),
        other => panic!("no fuzz target `{other}`"),
    }
}

/// Separates a fuzzed `pack.toml` from the fuzzed document in a `content_source` input.
pub const PACK_SEPARATOR: &str = "\n+++ pack.toml +++\n";

/// A content source file (front matter and Markdown) as a trainer's folder holds it, compiled
/// and validated with the bundled `pack.toml` (or a fuzzed one before [`PACK_SEPARATOR`]).
/// Whatever it holds, the result is a pack or a list of problems, never a panic; a pack that
/// compiles passes the validator the sync runs, and hashes.
pub fn content_source(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let bundled = bundled_pack_toml();
    let (pack_toml, document) = match text.split_once(PACK_SEPARATOR) {
        Some((pack_toml, document)) => (pack_toml, document),
        None => (bundled.as_str(), text.as_ref()),
    };
    let tree = SourceTree::from_files([("pack.toml", pack_toml), ("notes/fuzzed.md", document)]);
    if let Ok(pack) = tree.compile() {
        for audience in [Audience::Public, Audience::Officers] {
            let pack = pack.clone().for_audience(audience);
            // Warnings (a language named in the text but not listed...) never block a device.
            let problems: Vec<_> = check_documents(&pack.info, &pack.documents)
                .into_iter()
                .filter(|p| p.severity == Severity::Error)
                .collect();
            assert!(problems.is_empty(), "compiled but invalid: {problems:?}");
            state_hash(&pack).expect("a compiled pack hashes");
        }
    }
}

/// Signed metadata as a server or mirror sends it: an envelope of any bytes checked against the
/// trusted keys (it must be refused: nobody here can forge ed25519), and the same bytes as the
/// payload of a correctly signed envelope, so the parsing behind the signature is reached too.
pub fn signed_metadata(data: &[u8]) {
    let keys = keys();
    let root = Root::first(
        keys.root.public(),
        keys.release.public(),
        keys.online.public(),
    );
    if let Ok(envelope) = serde_json::from_slice::<Envelope>(data) {
        // Accepted only with a signature by the trusted key (a seed this process signed).
        let signed_by = |key: &SecretKey| {
            let id = key.public().key_id();
            envelope.signatures.iter().any(|s| s.keyid == id)
        };
        if envelope
            .verify::<Manifest>(Role::Online, &root.online_keys, root.threshold)
            .is_ok()
        {
            assert!(
                signed_by(&keys.online),
                "a manifest verified without the online key"
            );
        }
        if envelope
            .verify::<Release>(Role::Release, &root.release_keys, root.threshold)
            .is_ok()
        {
            assert!(
                signed_by(&keys.release),
                "a release verified without the release key"
            );
        }
        if let Ok(rotated) = root.rotate(&envelope) {
            assert!(signed_by(&keys.root), "a rotation without the root key");
            assert_eq!(rotated.version, root.version + 1, "one step at a time");
        }
        let _ = envelope.unverified::<Manifest>();
        let _ = Root::from_shipped(&envelope);
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let online = Envelope::sign(Role::Online, &value, &[&keys.online]).expect("sign");
        let _ = online.verify::<Manifest>(Role::Online, &root.online_keys, root.threshold);
        let release = Envelope::sign(Role::Release, &value, &[&keys.release]).expect("sign");
        let _ = release.verify::<Release>(Role::Release, &root.release_keys, root.threshold);
        // Signed for one role, never accepted for another.
        assert!(release
            .verify::<serde_json::Value>(Role::Online, &root.release_keys, 1)
            .is_err());
        let next = Envelope::sign(Role::Root, &value, &[&keys.root]).expect("sign");
        if let Ok(rotated) = root.rotate(&next) {
            assert_eq!(rotated.version, root.version + 1, "one step at a time");
        }
        let _ = Root::from_shipped(&next);
    }
}

/// Snapshot and delta files as downloaded: the first byte picks how the rest is read (a file as
/// is, or JSON wrapped in a well-formed container so the fuzzer reaches the content behind the
/// compression). A decoded snapshot goes through the validator and, when valid, into a store.
pub fn pack_decoding(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    // The signed size bounds decompression; generous, but bounded like a real release.
    let limit = (rest.len() as u64).saturating_mul(64).clamp(1024, 1 << 22);
    match mode % 4 {
        0 => decoded_pack(pack::decode_signed(rest, limit).ok()),
        1 => decoded_delta(pack::decode_delta_signed(rest, limit).ok()),
        2 => {
            let file = wrapped(b"FIELDREF-PACK-1\n", rest);
            let decoded = pack::decode_signed(&file, rest.len() as u64);
            decoded_pack(decoded.ok());
        }
        _ => {
            let file = wrapped(b"FIELDREF-DELTA-1\n", rest);
            let decoded = pack::decode_delta_signed(&file, rest.len() as u64);
            decoded_delta(decoded.ok());
        }
    }
}

fn decoded_pack(pack: Option<Pack>) {
    let Some(pack) = pack else {
        return;
    };
    let _ = state_hash(&pack);
    if check_documents(&pack.info, &pack.documents).is_empty() {
        let mut store = Store::open_in_memory().expect("store");
        let expected = state_hash(&pack).expect("hash");
        let state = store
            .apply(ContentChange::Full(&pack), 1, Some(&expected))
            .expect("valid content installs, with the hash it was signed with");
        assert_eq!(state.hash, expected);
    }
}

fn decoded_delta(delta: Option<Delta>) {
    let Some(delta) = delta else {
        return;
    };
    let base = bundled_pack();
    if !check_documents(delta.settings(&base.info), &delta.upserts).is_empty() {
        return;
    }
    let mut store = Store::open_in_memory().expect("store");
    store
        .apply(ContentChange::Full(base), 0, None)
        .expect("bundled installs");
    let change = ContentChange::Delta {
        info: delta.settings(&base.info),
        upserts: &delta.upserts,
        deletes: &delta.deletes,
    };
    let state = store.apply(change, 1, None).expect("a valid delta applies");
    assert_eq!(
        Some(state.hash),
        store.computed_hash().expect("hash"),
        "recorded hash is the rows' hash"
    );
}

fn wrapped(magic: &[u8], json: &[u8]) -> Vec<u8> {
    let compressed = zstd::encode_all(json, 1).expect("zstd");
    [magic, compressed.as_slice()].concat()
}

/// Whatever is typed into the search box, with filters picked by the first byte: the parser,
/// the planner (typos, completion, synonyms, filters) and the search itself never fail.
pub fn query(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let mut request = SearchRequest::new(String::from_utf8_lossy(rest));
    request.typing = flags & 1 != 0;
    request.viewer = if flags & 2 != 0 {
        Audience::Public
    } else {
        Audience::Officers
    };
    request.filters.open_now = flags & 4 != 0;
    if flags & 8 != 0 {
        request.filters.kinds = vec![DocKind::Contact];
    }
    request.limit = 1 + (flags >> 4) as usize;
    let results = search_app()
        .search(&request)
        .unwrap_or_else(|e| panic!("a search failed for {:?}: {e}", request.query));
    assert!(results.hits.len() <= request.limit);
}

/// An `opening_hours` value from a contact, evaluated at an instant and in a time zone picked by
/// the first bytes: an answer (open, closed, unknown) and a next change, never a panic.
pub fn opening_hours(data: &[u8]) {
    if data.len() < 9 {
        return;
    }
    let seconds = i64::from_le_bytes(data[..8].try_into().expect("8 bytes"));
    // Anywhere from 1970 to 2100.
    let seconds = seconds.rem_euclid(4_102_444_800);
    // Zones of the default build (.cargo/config.toml): with and without daylight saving, and
    // the one whose clocks are furthest from Chicago's. A zone left out of the build would
    // silently be evaluated as UTC.
    let zones = ["America/Chicago", "UTC", "America/Phoenix", "America/Adak"];
    let zone = zones[data[8] as usize % zones.len()];
    let hours = String::from_utf8_lossy(&data[9..]);
    let at = chrono::DateTime::from_timestamp(seconds, 0).expect("in range");
    let mut evaluator = HoursEvaluator::new(zone);
    let status = evaluator.status(Some(&hours), at);
    let _ = status.describe();
}

/// Seed inputs for target `name`, from the bundled pack and the shapes the tests use.
pub fn seeds(name: &str) -> Vec<Vec<u8>> {
    match name {
        "content_source" => {
            let sources = fieldref_core::bundled::sources();
            let mut seeds: Vec<Vec<u8>> = sources
                .documents
                .iter()
                .map(|f| f.text.clone().into_bytes())
                .collect();
            if let Some(first) = sources.documents.first() {
                seeds.push(
                    format!("{}{PACK_SEPARATOR}{}", bundled_pack_toml(), first.text).into_bytes(),
                );
            }
            seeds
        }
        "signed_metadata" => {
            let keys = keys();
            let pack = bundled_pack();
            let (snapshot, decoded_size) = pack::encode_sized(pack).expect("encode");
            let blob = pack::BlobRef::of(&snapshot);
            let release = serde_json::json!({
                "channel": "port-alder", "version": 3, "previous": 2,
                "created": "2026-11-01T00:00:00Z",
                "state_sha256": state_hash(pack).expect("hash"),
                "snapshot": blob, "decoded_size": decoded_size,
            });
            let root = Root::first(
                keys.root.public(),
                keys.release.public(),
                keys.online.public(),
            );
            let mut seeds = vec![
                serde_json::to_vec(&release).expect("json"),
                serde_json::to_vec(&root).expect("json"),
                serde_json::to_vec(
                    &Envelope::sign(Role::Root, &root, &[&keys.root]).expect("sign"),
                )
                .expect("json"),
                serde_json::to_vec(
                    &Envelope::sign(Role::Release, &release, &[&keys.release]).expect("sign"),
                )
                .expect("json"),
            ];
            let manifest = serde_json::json!({
                "channel": "port-alder", "version": 3, "root_version": 1,
                "expires": "2030-01-01T00:00:00Z",
                "release": Envelope::sign(Role::Release, &release, &[&keys.release]).expect("sign"),
                "deltas": [{"from": 2, "sha256": blob.sha256, "size": 10, "decoded_size": 20}],
            });
            seeds.push(serde_json::to_vec(&manifest).expect("json"));
            seeds
        }
        "pack_decoding" => {
            let pack = bundled_pack();
            let mut small = pack.clone();
            small.documents.truncate(3);
            let mut next = small.clone();
            next.documents[0].summary.push_str(" (edited)");
            next.documents.pop();
            let delta = Delta::between(&small, &next, 1, 2);
            let mut seeds = vec![
                [&[0u8][..], &pack::encode(&small).expect("encode")].concat(),
                [&[1u8][..], &pack::encode_delta(&delta).expect("encode")].concat(),
                [&[2u8][..], &serde_json::to_vec(&small).expect("json")].concat(),
                [&[3u8][..], &serde_json::to_vec(&delta).expect("json")].concat(),
            ];
            seeds.push([&[0u8][..], &pack::encode(pack).expect("encode")].concat());
            seeds
        }
        "query" => [
            "autsim",
            "shelter",
            "\"active listening\"",
            "EDP",
            "spanish interpreter",
            "crisis line 988",
            "food near",
            "-kind:contact",
            "a b c d e f g h i j k l m n o p",
            "((((",
            "\"unterminated",
            "ñandú café",
            "x*",
            "?",
            "",
        ]
        .iter()
        .enumerate()
        .map(|(i, q)| [&[i as u8 * 17][..], q.as_bytes()].concat())
        .collect(),
        "opening_hours" => {
            let mut seeds = Vec::new();
            let mut hours: Vec<String> = bundled_pack()
                .documents
                .iter()
                .filter_map(|d| d.as_contact().and_then(|c| c.hours.clone()))
                .collect();
            hours.extend(
                [
                    "24/7",
                    "Mo-Fr 08:00-17:00",
                    "Mo-Su 18:00-08:00",
                    "PH off",
                    "sunrise-sunset",
                ]
                .map(str::to_owned),
            );
            hours.sort();
            hours.dedup();
            for (i, h) in hours.iter().enumerate() {
                let at = 1_764_000_000i64 + i as i64 * 86_399;
                seeds.push([&at.to_le_bytes()[..], &[i as u8], h.as_bytes()].concat());
            }
            seeds
        }
        other => panic!("no fuzz target `{other}`"),
    }
}

struct Keys {
    root: SecretKey,
    release: SecretKey,
    online: SecretKey,
}

fn keys() -> &'static Keys {
    static KEYS: OnceLock<Keys> = OnceLock::new();
    KEYS.get_or_init(|| Keys {
        root: SecretKey::generate().expect("randomness"),
        release: SecretKey::generate().expect("randomness"),
        online: SecretKey::generate().expect("randomness"),
    })
}

fn bundled_pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| {
        fieldref_core::bundled::pack()
            .expect("bundled")
            .for_audience(Audience::Public)
    })
}

fn bundled_pack_toml() -> String {
    fieldref_core::bundled::sources()
        .pack_toml
        .map(|f| f.text)
        .unwrap_or_default()
}

/// One device, opened once per fuzzing process, its index in memory: what `query` searches.
fn search_app() -> &'static FieldRef {
    static APP: OnceLock<(tempfile::TempDir, FieldRef)> = OnceLock::new();
    &APP.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut options = OpenOptions::new(dir.path());
        options.index_in_memory = true;
        let app = FieldRef::open_with(options).expect("open");
        (dir, app)
    })
    .1
}
