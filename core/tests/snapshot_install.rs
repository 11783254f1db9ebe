//! A release snapshot is parsed as it decompresses and written in one store transaction that
//! commits only when the content hash matches: a snapshot damaged or cut short at its end, or
//! one whose content is not what was signed, leaves the device with its last good content, its
//! user data and a working index. Public documents only: runs in both builds.

use fieldref_core::content::{Audience, Pack};
use fieldref_core::search::SearchRequest;
use fieldref_core::store::state_hash;
use fieldref_core::{pack, Error, FieldRef};

const SHELTER: &str = "contact-harbor-house-family-shelter";
const RENAMED: &str = "Harbor House Family Shelter (Pier 4)";

fn next_release() -> Pack {
    let mut pack = fieldref_core::bundled::pack()
        .expect("bundled")
        .for_audience(Audience::Public);
    let shelter = pack
        .documents
        .iter_mut()
        .find(|d| d.id == SHELTER)
        .expect("shelter");
    shelter.title = RENAMED.to_owned();
    pack
}

fn shelter_title(app: &FieldRef) -> String {
    app.document(SHELTER, Audience::Public)
        .expect("read")
        .expect("installed")
        .title
}

/// The device as it was before the failed install: same version and hash, the old document,
/// the user's bookmark, and a search that answers from the old content.
fn kept_everything(app: &FieldRef, before: &fieldref_core::store::ContentState) {
    let now = app.content_state().expect("state").expect("content");
    assert_eq!((now.version, &now.hash), (before.version, &before.hash));
    assert_ne!(shelter_title(app), RENAMED);
    assert_eq!(app.bookmarks(Audience::Public).expect("bookmarks").len(), 1);
    let mut request = SearchRequest::new("family shelter");
    request.viewer = Audience::Public;
    let hits = app.search(&request).expect("search").hits;
    let hit = hits.iter().find(|h| h.id == SHELTER).expect("still found");
    assert_ne!(hit.title, RENAMED);
}

#[test]
fn a_snapshot_damaged_at_its_end_or_not_as_signed_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = FieldRef::open(dir.path()).expect("open");
    app.add_bookmark(SHELTER, Audience::Public)
        .expect("bookmark");
    let before = app.content_state().expect("state").expect("bundled");
    let next = next_release();
    let (bytes, decoded) = pack::encode_sized(&next).expect("encode");
    let signed = state_hash(&next).expect("hash");

    // Cut short: the last documents never arrive.
    let cut = &bytes[..bytes.len() - 40];
    let err = app
        .install_snapshot(cut, decoded, 1, &signed)
        .expect_err("a truncated snapshot is refused");
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    kept_everything(&app, &before);

    // Damaged in its last bytes (zstd's frame checksum or the JSON's end).
    let mut damaged = bytes.clone();
    let last = damaged.len() - 3;
    damaged[last] ^= 0x5a;
    let err = app
        .install_snapshot(&damaged, decoded, 1, &signed)
        .expect_err("a damaged snapshot is refused");
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    kept_everything(&app, &before);

    // Whole and well-formed, but not the content that was signed: every document was written
    // in the transaction before the hash was known, and all of it is rolled back.
    let mut other = next.clone();
    let food = other
        .documents
        .iter_mut()
        .find(|d| d.id == "contact-old-harbor-food-shelf")
        .expect("food shelf");
    food.summary.push_str(" Not what the trainer signed.");
    let (forged, forged_size) = pack::encode_sized(&other).expect("encode");
    let err = app
        .install_snapshot(&forged, forged_size, 1, &signed)
        .expect_err("a snapshot that does not hash as signed is refused");
    assert!(matches!(err, Error::HashMismatch { .. }), "{err}");
    kept_everything(&app, &before);
    let food = app
        .document("contact-old-harbor-food-shelf", Audience::Public)
        .expect("read")
        .expect("installed");
    assert!(!food.summary.contains("Not what the trainer signed"));

    // The real snapshot installs, and the index follows it.
    let state = app
        .install_snapshot(&bytes, decoded, 1, &signed)
        .expect("the signed snapshot installs");
    assert_eq!((state.version, state.hash.as_str()), (1, signed.as_str()));
    assert_eq!(app.computed_content_hash().expect("hash"), Some(signed));
    assert_eq!(shelter_title(&app), RENAMED);
    assert!(app.index_problem().is_none());
    let mut request = SearchRequest::new("family shelter");
    request.viewer = Audience::Public;
    let hits = app.search(&request).expect("search").hits;
    assert!(hits.iter().any(|h| h.title == RENAMED));
    assert_eq!(app.bookmarks(Audience::Public).expect("kept").len(), 1);
}

#[test]
fn a_snapshot_that_says_it_is_larger_or_smaller_than_signed_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = FieldRef::open(dir.path()).expect("open");
    let before = app.content_state().expect("state").expect("bundled");
    let next = next_release();
    let (bytes, decoded) = pack::encode_sized(&next).expect("encode");
    let signed = state_hash(&next).expect("hash");
    assert!(matches!(
        app.install_snapshot(&bytes, decoded - 1, 1, &signed),
        Err(Error::TooLarge { .. })
    ));
    assert!(matches!(
        app.install_snapshot(&bytes, decoded + 1, 1, &signed),
        Err(Error::InvalidInput(_))
    ));
    let now = app.content_state().expect("state").expect("content");
    assert_eq!((now.version, now.hash), (before.version, before.hash));
}
