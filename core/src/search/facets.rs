//! Facet counts of a search: how many matches have each kind, category, service type and
//! language.
//!
//! tantivy's `FacetCollector` decodes every match's facets from their column (multi-valued: an
//! optional index, a monotonic mapping and bitpacked values per document): a quarter of a one-
//! or two-word search at 52,000 documents. A segment's facets never change, so a thread decodes
//! each segment's once per opened index into a plain table (a few small numbers per document),
//! and a search then only adds up counters. Until a segment's table is ready (the first
//! searches after an open or an update), that segment is counted the tantivy way: a cold start
//! never waits for the tables.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Collector, FacetCollector, FacetCounts, SegmentCollector};
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, Searcher, SegmentReader};

/// The facet groups counted (the others, audience and document language, filter only).
pub const GROUPS: [&str; 4] = ["kind", "category", "service", "language"];
const FIELD: &str = "facets";

/// Counts per group, by value.
#[derive(Debug, Default)]
pub struct Counts(BTreeMap<(usize, String), u64>);

impl Counts {
    /// The values of `group` (an entry of [`GROUPS`]) with their counts.
    pub fn of(&self, group: &str) -> impl Iterator<Item = (String, u64)> + '_ {
        let index = GROUPS.iter().position(|g| *g == group);
        self.0
            .iter()
            .filter(move |((g, _), _)| Some(*g) == index)
            .map(|((_, value), count)| (value.clone(), *count))
    }

    fn add(&mut self, group: usize, value: &str, count: u64) {
        if count > 0 {
            *self.0.entry((group, value.to_owned())).or_default() += count;
        }
    }
}

/// One segment's counted facets: the facets of document `d` are
/// `values[starts[d]..starts[d + 1]]`, indexes into `names`.
struct Table {
    starts: Vec<u32>,
    values: Vec<u16>,
    names: Vec<(usize, String)>,
}

impl Table {
    fn build(reader: &SegmentReader) -> tantivy::Result<Table> {
        let facets = reader.facet_reader(FIELD)?;
        let mut name_of: Vec<Option<u16>> = vec![None; facets.num_facets()];
        let mut names = Vec::new();
        let mut facet = Facet::root();
        for (ord, slot) in name_of.iter_mut().enumerate() {
            facets.facet_from_ord(ord as u64, &mut facet)?;
            if let [group, value] = facet.to_path().as_slice() {
                if let Some(group) = GROUPS.iter().position(|g| g == group) {
                    let index = u16::try_from(names.len()).map_err(|_| {
                        tantivy::TantivyError::InvalidArgument("too many facet values".into())
                    })?;
                    *slot = Some(index);
                    names.push((group, (*value).to_owned()));
                }
            }
        }
        let mut starts = Vec::with_capacity(reader.max_doc() as usize + 1);
        let mut values = Vec::new();
        for doc in 0..reader.max_doc() {
            starts.push(values.len() as u32);
            values.extend(
                facets
                    .facet_ords(doc)
                    .filter_map(|ord| name_of.get(ord as usize).copied().flatten()),
            );
        }
        starts.push(values.len() as u32);
        Ok(Table {
            starts,
            values,
            names,
        })
    }
}

/// The tables of one opened index, filled by a background thread. A segment whose table could
/// not be built is remembered as `None` (counted the tantivy way, not retried).
#[derive(Default)]
pub struct Tables {
    ready: Mutex<HashMap<SegmentId, Option<Arc<Table>>>>,
    building: AtomicBool,
}

impl Tables {
    /// Starts building, in the background, the tables of `searcher`'s segments that have none
    /// (all of them at the first search; a new segment's after an update reloads the reader).
    pub fn warm(self: &Arc<Self>, searcher: &Searcher) {
        let missing = {
            let ready = self.lock();
            searcher
                .segment_readers()
                .iter()
                .any(|r| !ready.contains_key(&r.segment_id()))
        };
        if !missing || self.building.swap(true, Ordering::AcqRel) {
            return;
        }
        let tables = Arc::clone(self);
        let searcher = searcher.clone();
        let spawned = std::thread::Builder::new()
            .name("fieldref-facets".into())
            .spawn(move || {
                tables.build_all(&searcher);
                tables.building.store(false, Ordering::Release);
            });
        if spawned.is_err() {
            // No thread to spare: searches keep counting the tantivy way, and try again later.
            self.building.store(false, Ordering::Release);
        }
    }

    /// Builds now the tables `searcher`'s segments do not have yet.
    pub fn build_all(&self, searcher: &Searcher) {
        for reader in searcher.segment_readers() {
            if self.lock().contains_key(&reader.segment_id()) {
                continue;
            }
            let table = Table::build(reader).ok().map(Arc::new);
            self.lock().insert(reader.segment_id(), table);
        }
    }

    fn get(&self, segment: SegmentId) -> Option<Arc<Table>> {
        self.lock().get(&segment).cloned().flatten()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Option<Arc<Table>>>> {
        self.ready.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Counts the facets of every match, from the tables where ready.
pub struct FacetCounter {
    tables: Arc<Tables>,
}

impl FacetCounter {
    pub fn new(tables: Arc<Tables>) -> FacetCounter {
        FacetCounter { tables }
    }
}

fn tantivy_collector() -> FacetCollector {
    let mut collector = FacetCollector::for_field(FIELD);
    for group in GROUPS {
        collector.add_facet(format!("/{group}").as_str());
    }
    collector
}

/// One segment's counting: from its table, or the tantivy way until that is ready.
pub struct SegmentCounter(Counting);

enum Counting {
    Table { table: Arc<Table>, counts: Vec<u64> },
    Tantivy(<FacetCollector as Collector>::Child),
}

impl Collector for FacetCounter {
    type Fruit = Counts;
    type Child = SegmentCounter;

    fn for_segment(&self, ord: u32, reader: &SegmentReader) -> tantivy::Result<SegmentCounter> {
        Ok(SegmentCounter(match self.tables.get(reader.segment_id()) {
            Some(table) => Counting::Table {
                counts: vec![0; table.names.len()],
                table,
            },
            None => Counting::Tantivy(tantivy_collector().for_segment(ord, reader)?),
        }))
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut merged = Counts::default();
        for fruit in fruits {
            for ((group, value), count) in fruit.0 {
                merged.add(group, &value, count);
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentCounter {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, score: Score) {
        match &mut self.0 {
            Counting::Table { table, counts } => {
                let doc = doc as usize;
                let (Some(&start), Some(&end)) = (table.starts.get(doc), table.starts.get(doc + 1))
                else {
                    return;
                };
                for &value in &table.values[start as usize..end as usize] {
                    counts[value as usize] += 1;
                }
            }
            Counting::Tantivy(child) => child.collect(doc, score),
        }
    }

    fn harvest(self) -> Counts {
        let mut out = Counts::default();
        match self.0 {
            Counting::Table { table, counts } => {
                for ((group, value), count) in table.names.iter().zip(counts) {
                    out.add(*group, value, count);
                }
            }
            Counting::Tantivy(child) => add_tantivy(&mut out, &child.harvest()),
        }
        out
    }
}

fn add_tantivy(out: &mut Counts, counts: &FacetCounts) {
    for (group, name) in GROUPS.iter().enumerate() {
        for (facet, count) in counts.get(format!("/{name}").as_str()) {
            if let Some(value) = facet.to_path().last() {
                out.add(group, value, count);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::AllQuery;

    /// The bundled pack, indexed in memory.
    fn bundled_index() -> crate::index::SearchIndex {
        let mut store = crate::store::Store::open_in_memory().expect("store");
        let pack = crate::bundled::pack().expect("bundled");
        store
            .apply(crate::store::ContentChange::Full(&pack), 0, None)
            .expect("install");
        crate::index::SearchIndex::build_in_memory(&store).expect("index")
    }

    /// The tables count exactly what tantivy's collector counts, for every document.
    #[test]
    fn tables_count_what_the_facet_collector_counts() {
        let searcher = bundled_index().searcher();
        let by_tantivy = searcher
            .search(&AllQuery, &FacetCounter::new(Arc::default()))
            .expect("tantivy");
        let tables = Arc::new(Tables::default());
        tables.build_all(&searcher);
        assert_eq!(tables.lock().len(), searcher.segment_readers().len());
        assert!(tables.lock().values().all(Option::is_some));
        let by_tables = searcher
            .search(&AllQuery, &FacetCounter::new(tables))
            .expect("tables");
        assert_eq!(by_tables.0, by_tantivy.0);
        for group in GROUPS {
            assert!(by_tables.of(group).count() > 0, "{group} has values");
        }
    }

    /// The background build fills every segment's table; searches meanwhile count correctly.
    #[test]
    fn warming_builds_every_segments_table_once() {
        let searcher = bundled_index().searcher();
        let tables = Arc::new(Tables::default());
        tables.warm(&searcher);
        for _ in 0..500 {
            if !tables.building.load(Ordering::Acquire) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(tables.lock().len(), searcher.segment_readers().len());
        tables.warm(&searcher);
        assert!(
            !tables.building.load(Ordering::Acquire),
            "nothing left to build"
        );
    }
}
