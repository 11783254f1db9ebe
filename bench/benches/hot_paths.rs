//! Micro-benchmarks of the hot paths: query parsing, a typo and a prefix search end to end
//! (expansion, scoring, top-k, snippets), and applying a small delta.

use criterion::{criterion_group, criterion_main, Criterion};
use fieldref_bench::corpus::{self, CorpusSize};
use fieldref_core::content::SourceTree;
use fieldref_core::search::{parse, SearchRequest};
use fieldref_core::store::ContentChange;
use fieldref_core::{FieldRef, OpenOptions};

fn setup() -> (tempfile::TempDir, FieldRef, fieldref_core::content::Pack) {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = fieldref_core::bundled::pack().expect("bundled").info;
    corpus::write(
        &dir.path().join("corpus"),
        &CorpusSize {
            contacts: 5_000,
            documents: 500,
        },
        7,
        &base,
    )
    .expect("corpus");
    let pack = SourceTree::read_dir(&dir.path().join("corpus"))
        .and_then(|t| t.compile())
        .expect("valid corpus");
    let mut options = OpenOptions::new(dir.path().join("data"));
    options.install_bundled = false;
    let app = FieldRef::open_with(options).expect("open");
    app.install_pack(&pack, 1).expect("install");
    (dir, app, pack)
}

fn hot_paths(c: &mut Criterion) {
    let (_dir, app, pack) = setup();
    c.bench_function("parse a typed query", |b| {
        b.iter(|| parse::parse("shelter \"open now\" spanish intrepreter"))
    });
    c.bench_function("search: typo", |b| {
        b.iter(|| app.search(&SearchRequest::new("sheltr")).expect("search"))
    });
    c.bench_function("search: prefix as you type", |b| {
        b.iter(|| app.search(&SearchRequest::new("interp")).expect("search"))
    });
    c.bench_function("search: two words, snippets", |b| {
        b.iter(|| {
            app.search(&SearchRequest::new("crisis counseling"))
                .expect("search")
        })
    });
    let mut version = 1;
    c.bench_function("apply a 10-document delta", |b| {
        b.iter(|| {
            version += 1;
            let mut upserts: Vec<_> = pack.documents.iter().take(10).cloned().collect();
            for d in &mut upserts {
                d.revision = version;
            }
            app.install(
                ContentChange::Delta {
                    info: &pack.info,
                    upserts: &upserts,
                    deletes: &[],
                },
                version as u64,
                None,
            )
            .expect("apply")
        })
    });
}

criterion_group!(benches, hot_paths);
criterion_main!(benches);
