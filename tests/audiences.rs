//! Audiences as separate data (AUDIENCES.md), end to end against the real server on loopback and
//! a static export: a partner device never holds officers material, an anonymous client gets 401
//! or ciphertext, an enrolled officers device syncs, a revoked one cannot read the next release,
//! and user data follows the viewer.

use std::path::Path;

use fieldref_core::content::{Audience, Details, Pack};
use fieldref_core::pack::Envelope;
use fieldref_core::store::state_hash;
use fieldref_core::sync::publish::{publish_audiences, PublishOptions};
use fieldref_core::sync::{SyncConfig, SyncError, UreqTransport};
use fieldref_core::{Error, FieldRef};
use fieldref_server::officers;
use fieldref_tests::{
    bundled_pack_for, edited, open_device, open_device_for, Server, StaticHost, CHANNEL,
};

const OFFICERS_CHANNEL: &str = "port-alder-officers";

/// The sources as a trainer's folder compiles them: every audience's material.
fn sources() -> Pack {
    fieldref_core::bundled::pack().expect("bundled content")
}

fn publish_both(server: &Server, sources: &Pack) {
    let options = PublishOptions {
        server: server.url(),
        token: &server.token,
        key: &server.keys.release_key,
        dry_run: false,
        timeout_ms: 60_000,
    };
    let outcomes =
        publish_audiences(&UreqTransport, sources, &options, &mut |_| {}).expect("publish");
    let channels: Vec<&str> = outcomes.iter().map(|o| o.channel.as_str()).collect();
    assert_eq!(channels, [CHANNEL, OFFICERS_CHANNEL]);
}

/// Text only officers may have: a step of an officers-only checklist and the address of a
/// contact whose location only officers may see, each checked to be absent from the public pack.
struct Secrets {
    step: String,
    address: String,
}

fn secrets(sources: &Pack) -> Secrets {
    let public = serde_json::to_string(&sources.for_audience(Audience::Public)).expect("json");
    let step = sources
        .documents
        .iter()
        .filter(|d| d.audience == Audience::Officers)
        .find_map(|d| match &d.details {
            Details::Checklist(c) => c
                .sections
                .iter()
                .flat_map(|s| &s.steps)
                .map(|s| s.text.clone())
                .find(|t| t.len() > 40 && !public.contains(t.as_str())),
            _ => None,
        })
        .expect("an officers-only step");
    let address = sources
        .documents
        .iter()
        .filter_map(|d| d.as_contact())
        .filter(|c| !c.location_visibility.visible_to(Audience::Public))
        .find_map(|c| c.address.clone())
        .filter(|a| !public.contains(a.as_str()))
        .expect("an officers-only address");
    Secrets { step, address }
}

/// Every file under `dir`, recursively.
fn holds(dir: &Path, needle: &str) -> Vec<std::path::PathBuf> {
    fieldref_tests::files_under(dir)
        .into_iter()
        .filter(|f| {
            let bytes = std::fs::read(f).expect("read");
            bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
        .collect()
}

fn assert_partner_device_is_clean(app: &FieldRef, dir: &Path, sources: &Pack, s: &Secrets) {
    let state = app.content_state().expect("state").expect("content");
    assert_eq!(state.audience, Audience::Public);
    assert_eq!(
        state.hash,
        state_hash(&sources.for_audience(Audience::Public)).expect("hash")
    );
    for doc in sources
        .documents
        .iter()
        .filter(|d| d.audience == Audience::Officers)
    {
        assert!(
            app.document(&doc.id, Audience::Officers)
                .expect("read")
                .is_none(),
            "{} on a partner device",
            doc.id
        );
    }
    let stats = app.stats().expect("stats");
    let public_count = sources.for_audience(Audience::Public).documents.len() as u64;
    assert_eq!(stats.index_docs, public_count);
    for needle in [&s.step, &s.address] {
        assert!(
            fieldref_tests::data_dir_holds(dir, needle).is_empty(),
            "`{needle}` found on disk"
        );
    }
}

#[test]
fn a_partner_device_holds_no_officers_material_from_the_server_or_a_static_export() {
    let server = Server::start();
    let sources = sources();
    let s = secrets(&sources);
    publish_both(&server, &sources);

    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_device(dir.path(), &server.keys.root);
    app.sync(&UreqTransport, &SyncConfig::new(server.url()))
        .expect("sync from the server");
    assert_partner_device_is_clean(&app, dir.path(), &sources, &s);

    let export = server.export();
    let host = StaticHost::serve(export.path());
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_device(dir.path(), &server.keys.root);
    app.sync(&UreqTransport, &SyncConfig::new(host.url()))
        .expect("sync from the static export");
    assert_partner_device_is_clean(&app, dir.path(), &sources, &s);
}

fn get(url: &str, authorization: Option<&str>) -> u16 {
    let mut request = ureq::get(url);
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    match request.config().http_status_as_error(false).build().call() {
        Ok(response) => response.status().as_u16(),
        Err(e) => panic!("{url}: {e}"),
    }
}

#[test]
fn the_officers_channel_is_401_without_enrollment_and_only_ciphertext_in_an_export() {
    let server = Server::start();
    let sources = sources();
    let s = secrets(&sources);
    publish_both(&server, &sources);
    let conn = fieldref_server::open_db(&server.data_dir()).expect("db");
    let code = officers::create(&conn, "Ofc. Rivera", CHANNEL).expect("code");
    drop(conn);
    let officer = tempfile::tempdir().expect("tempdir");
    let app = open_device_for(officer.path(), &server.keys.root, Audience::Officers);
    let config = SyncConfig::new(server.url());
    let enrolled = app
        .enroll(&UreqTransport, &config, &code.code)
        .expect("enroll");
    app.sync(&UreqTransport, &config).expect("officers sync");
    let export = server.export();
    let channel_dir = export.path().join("v1").join(OFFICERS_CHANNEL);

    // Every path of the officers channel, as the export lists it, plus the public channel.
    let mut paths: Vec<String> = fieldref_tests::files_under(&channel_dir)
        .iter()
        .map(|f| {
            f.strip_prefix(export.path())
                .expect("under export")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    paths.sort();
    assert!(paths.iter().any(|p| p.contains("/blobs/")), "{paths:?}");
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with(&format!("keys/{}.json", enrolled.device))),
        "{paths:?}"
    );
    for path in &paths {
        let url = format!("{}/{path}", server.url());
        assert_eq!(get(&url, None), 401, "{path} without a credential");
        assert_eq!(get(&url, Some("Device not-a-credential")), 401, "{path}");
        assert_eq!(get(&url, Some("Bearer not-a-token")), 401, "{path}");
    }
    let public_manifest = format!("{}/v1/{CHANNEL}/manifest.json", server.url());
    assert_eq!(get(&public_manifest, None), 200);

    // The export holds ciphertext only: no officers text, and no blob decodes as a pack.
    for needle in [&s.step, &s.address] {
        assert!(
            holds(&channel_dir, needle).is_empty(),
            "`{needle}` in the export"
        );
    }
    for blob in fieldref_tests::files_under(&channel_dir.join("blobs")) {
        let bytes = std::fs::read(&blob).expect("read");
        assert!(
            fieldref_core::pack::decode(&bytes).is_err(),
            "{blob:?} is plain"
        );
        assert!(bytes.starts_with(b"FRSEAL1\n"), "{blob:?} is not sealed");
    }
    // The public channel of the same export holds no officers material either.
    for needle in [&s.step, &s.address] {
        assert!(
            holds(&export.path().join("v1").join(CHANNEL), needle).is_empty(),
            "`{needle}` in the public export"
        );
    }
}

fn enroll_device(server: &Server, name: &str) -> (tempfile::TempDir, FieldRef) {
    let conn = fieldref_server::open_db(&server.data_dir()).expect("db");
    let code = officers::create(&conn, name, CHANNEL).expect("code");
    drop(conn);
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_device_for(dir.path(), &server.keys.root, Audience::Officers);
    app.enroll(&UreqTransport, &SyncConfig::new(server.url()), &code.code)
        .expect("enroll");
    (dir, app)
}

fn version(app: &FieldRef) -> u64 {
    app.content_state()
        .expect("state")
        .expect("content")
        .version
}

fn is_not_enrolled(result: fieldref_core::Result<fieldref_core::sync::SyncReport>) -> bool {
    matches!(
        result,
        Err(Error::Sync(SyncError::OfficersEnrollment { .. }))
    )
}

#[test]
fn enrolled_devices_sync_and_a_revoked_one_cannot_read_the_next_release() {
    let server = Server::start();
    let sources = sources();
    publish_both(&server, &sources);
    let officers_v1 = sources.for_audience(Audience::Officers);

    let (_a_dir, a) = enroll_device(&server, "Ofc. Rivera");
    let (_b_dir, b) = enroll_device(&server, "Ofc. Chen");
    let config = SyncConfig::new(server.url());
    for app in [&a, &b] {
        app.sync(&UreqTransport, &config).expect("sync");
        let state = app.content_state().expect("state").expect("content");
        assert_eq!(state.audience, Audience::Officers);
        assert_eq!(state.hash, state_hash(&officers_v1).expect("hash"));
        let hits = app
            .search(&fieldref_core::search::SearchRequest::new("autsim"))
            .expect("search");
        assert_eq!(hits.hits[0].id, "checklist-autism");
    }
    // An enrolled device also syncs from a static export (keys and sealed blobs as files).
    let first_export = server.export();
    let host = StaticHost::serve(first_export.path());
    let (_c_dir, c) = enroll_device(&server, "Ofc. Diaz");
    let fresh_export = server.export();
    let fresh_host = StaticHost::serve(fresh_export.path());
    c.sync(&UreqTransport, &SyncConfig::new(fresh_host.url()))
        .expect("officers sync from a static export");
    assert_eq!(version(&c), 1);

    // Revoke A; the next release is sealed with a key A never receives.
    let mut conn = fieldref_server::open_db(&server.data_dir()).expect("db");
    officers::revoke(&mut conn, "Ofc. Rivera").expect("revoke");
    drop(conn);
    let (next, _) = edited(&sources, 3, "Heliotrope");
    publish_both(&server, &next);

    assert!(is_not_enrolled(a.sync(&UreqTransport, &config)));
    assert_eq!(version(&a), 1, "a revoked device keeps what it had");
    let status = a.sync_status().expect("status");
    assert!(
        status
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("revoked")),
        "{status:?}"
    );
    b.sync(&UreqTransport, &config).expect("b syncs v2");
    assert_eq!(version(&b), 2);

    // From a static export: A's keys are gone from the new export; with the old keys file (a
    // stale CDN copy) the new release still does not open.
    let second_export = server.export();
    let a_device = a
        .enrollment()
        .expect("enrollment")
        .expect("enrolled")
        .device;
    let keys_path = |root: &Path| {
        root.join("v1")
            .join(OFFICERS_CHANNEL)
            .join("keys")
            .join(format!("{a_device}.json"))
    };
    assert!(!keys_path(second_export.path()).exists());
    let second_host = StaticHost::serve(second_export.path());
    assert!(is_not_enrolled(
        a.sync(&UreqTransport, &SyncConfig::new(second_host.url()))
    ));
    std::fs::copy(
        keys_path(first_export.path()),
        keys_path(second_export.path()),
    )
    .expect("stale keys");
    assert!(is_not_enrolled(
        a.sync(&UreqTransport, &SyncConfig::new(second_host.url()))
    ));
    assert_eq!(version(&a), 1);
    c.sync(&UreqTransport, &SyncConfig::new(second_host.url()))
        .expect("c syncs v2 from the export");
    assert_eq!(version(&c), 2);
    drop(host);
}

#[test]
fn an_officers_device_that_is_not_enrolled_says_so_and_keeps_its_content() {
    let server = Server::start();
    publish_both(&server, &sources());
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_device_for(dir.path(), &server.keys.root, Audience::Officers);
    let before = app.content_state().expect("state").expect("content");
    assert!(is_not_enrolled(
        app.sync(&UreqTransport, &SyncConfig::new(server.url()))
    ));
    assert_eq!(
        app.content_state().expect("state").expect("content"),
        before
    );
    // A used code does not enroll a second device.
    let conn = fieldref_server::open_db(&server.data_dir()).expect("db");
    let code = officers::create(&conn, "Ofc. Park", CHANNEL).expect("code");
    drop(conn);
    let config = SyncConfig::new(server.url());
    app.enroll(&UreqTransport, &config, &code.code)
        .expect("enroll");
    let other = tempfile::tempdir().expect("tempdir");
    let second = open_device_for(other.path(), &server.keys.root, Audience::Officers);
    assert!(matches!(
        second.enroll(&UreqTransport, &config, &code.code),
        Err(Error::Sync(SyncError::Refused { status: 401, .. }))
    ));
}

#[test]
fn user_data_never_names_what_the_viewer_may_not_see() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root: Envelope = fieldref_tests::Keys::generate().root;
    let app = open_device_for(dir.path(), &root, Audience::Officers);
    let secret = "checklist-autism";
    let public_doc = bundled_pack_for(Audience::Public).documents[0].id.clone();
    assert!(matches!(
        app.add_bookmark(secret, Audience::Public),
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        app.queue_feedback(secret, "step 3 is unclear", Audience::Public),
        Err(Error::NotFound(_))
    ));
    app.add_bookmark(secret, Audience::Officers)
        .expect("officer");
    app.add_bookmark(&public_doc, Audience::Officers)
        .expect("officer");
    app.record_view(secret, Audience::Officers).expect("view");
    app.queue_feedback(secret, "zebracorn step 3", Audience::Officers)
        .expect("queue");
    let ids = |items: Vec<fieldref_core::store::SavedItem>| -> Vec<String> {
        items.into_iter().map(|i| i.id).collect()
    };
    assert_eq!(
        ids(app.bookmarks(Audience::Public).expect("b")),
        std::slice::from_ref(&public_doc)
    );
    assert!(app.recents(10, Audience::Public).expect("r").is_empty());
    assert_eq!(app.bookmarks(Audience::Officers).expect("b").len(), 2);

    // The device changes audience: nothing of the officers material stays.
    let public = bundled_pack_for(Audience::Public);
    app.install_pack(&public, 1).expect("install public");
    assert_eq!(
        ids(app.bookmarks(Audience::Officers).expect("b")),
        [public_doc]
    );
    assert!(app.outbox(false).expect("outbox").is_empty());
    drop(app);
    let phrase = secrets(&sources()).step;
    for needle in [phrase.as_str(), "zebracorn"] {
        assert!(
            fieldref_tests::data_dir_holds(dir.path(), needle).is_empty(),
            "`{needle}` left on disk"
        );
    }
}

#[test]
fn a_release_for_the_wrong_audience_is_refused_by_server_and_device() {
    let server = Server::start();
    let sources = sources();
    // Officers material in a pack that claims to be public: the validator names it.
    let mut mislabelled = sources.clone();
    mislabelled.info.audience = Audience::Public;
    let problems =
        fieldref_core::content::check_documents(&mislabelled.info, &mislabelled.documents);
    assert!(
        problems
            .iter()
            .any(|p| p.field == "audience" && p.path == "checklist-autism"),
        "{problems:?}"
    );
    let options = PublishOptions {
        server: server.url(),
        token: &server.token,
        key: &server.keys.release_key,
        dry_run: false,
        timeout_ms: 60_000,
    };
    assert!(matches!(
        fieldref_core::sync::publish::publish(&UreqTransport, &mislabelled, &options, &mut |_| {}),
        Err(Error::InvalidContent(_))
    ));
    // A device installing officers content with a public label is refused as well.
    let dir = tempfile::tempdir().expect("tempdir");
    let app = open_device(dir.path(), &server.keys.root);
    assert!(matches!(
        app.install_pack(&mislabelled, 5),
        Err(Error::AudienceNotAllowed { .. })
    ));
    assert_eq!(
        app.content_state()
            .expect("state")
            .expect("content")
            .version,
        0
    );
}
