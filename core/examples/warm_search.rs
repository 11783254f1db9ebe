//! Times searches in a warm process on a data directory: `cargo run --release -p fieldref-core
//! --example warm_search -- DATA_DIR [QUERY...]`. A quick look before the full benchmark.

use std::time::Instant;

use fieldref_core::search::SearchRequest;
use fieldref_core::FieldRef;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or("usage: warm_search DATA_DIR [QUERY...]")?;
    let mut queries: Vec<String> = args.collect();
    if queries.is_empty() {
        queries = [
            "autsim",
            "spanish interpreter",
            "shelter open now",
            "EDP",
            "interp",
            "\"crisis team\"",
        ]
        .map(String::from)
        .to_vec();
    }
    let opened = Instant::now();
    let app = FieldRef::open(&dir)?;
    println!("open: {:?}", opened.elapsed());
    for query in &queries {
        let request = SearchRequest::new(query.as_str());
        let first = Instant::now();
        app.search(&request)?;
        let first = first.elapsed();
        let mut times = Vec::new();
        for _ in 0..200 {
            let t = Instant::now();
            app.search(&request)?;
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "{query:>24}: first {first:?}, p50 {:?}, p99 {:?}",
            times[100], times[198]
        );
    }
    Ok(())
}
