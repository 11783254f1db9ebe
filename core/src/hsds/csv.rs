//! HSDS as a tabular data package: one CSV per table, rows joined by their `*_id` columns.
//! Table files are found through `datapackage.json` when it lists them, otherwise by the
//! standard HSDS names (`services.csv`, `phones.csv`, ...). Each row becomes the same object the
//! JSON API would nest, so the mapping after this is shared.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::error::HsdsError;
use super::model::{
    Address, Attribute, Language, Location, Organization, Phone, Schedule, Service, ServiceArea,
    ServiceAtLocation, TaxonomyTerm,
};
use super::read::Source;

type Row = Map<String, Value>;

/// Reads the package in `dir`.
pub fn read_package(dir: &Path) -> Result<Source, HsdsError> {
    let mut notes = Vec::new();
    let paths = table_paths(dir, &mut notes);
    let tables = Tables { dir, paths: &paths };
    if !tables.path("services").exists() {
        return Err(HsdsError::UnknownShape {
            path: dir.to_owned(),
            message: "no services table (services.csv)".to_owned(),
        });
    }
    let terms: HashMap<String, TaxonomyTerm> = tables
        .rows::<TaxonomyTerm>("taxonomy_terms")?
        .into_iter()
        .map(|(_, t)| (t.id.clone(), t))
        .collect();
    let attributes: Vec<(Row, Attribute)> = tables
        .rows::<Attribute>("attributes")?
        .into_iter()
        .map(|(row, mut a)| {
            a.taxonomy_term = a
                .taxonomy_term_id
                .as_ref()
                .and_then(|id| terms.get(id))
                .cloned();
            (row, a)
        })
        .collect();
    let languages = tables.rows::<Language>("languages")?;
    let phones: Vec<(Row, Phone)> = tables
        .rows::<Phone>("phones")?
        .into_iter()
        .map(|(row, mut p)| {
            p.languages = linked(&languages, "phone_id", &p.id);
            (row, p)
        })
        .collect();
    let schedules = tables.rows::<Schedule>("schedules")?;
    let addresses = tables.rows::<Address>("addresses")?;
    let attributes_of = |id: &str| -> Vec<Attribute> {
        attributes
            .iter()
            .filter(|(row, _)| field(row, "link_id") == Some(id))
            .map(|(_, a)| a.clone())
            .collect()
    };
    let locations: HashMap<String, Location> = tables
        .rows::<Location>("locations")?
        .into_iter()
        .map(|(_, mut l)| {
            l.addresses = linked(&addresses, "location_id", &l.id);
            l.languages = linked(&languages, "location_id", &l.id);
            l.phones = linked(&phones, "location_id", &l.id);
            l.schedules = linked(&schedules, "location_id", &l.id);
            l.attributes = attributes_of(&l.id);
            (l.id.clone(), l)
        })
        .collect();
    let organizations: HashMap<String, Organization> = tables
        .rows::<Organization>("organizations")?
        .into_iter()
        .map(|(_, mut o)| {
            o.phones = linked(&phones, "organization_id", &o.id);
            (o.id.clone(), o)
        })
        .collect();
    let pairings = tables.rows::<ServiceAtLocation>("service_at_location")?;
    let areas = tables.rows::<ServiceArea>("service_areas")?;
    let mut services = Vec::new();
    for (row, mut service) in tables.rows::<Service>("services")? {
        let id = service.id.clone();
        service.organization = field(&row, "organization_id")
            .and_then(|o| organizations.get(o))
            .cloned();
        service.phones = linked(&phones, "service_id", &id);
        service.languages = linked(&languages, "service_id", &id);
        service.schedules = linked(&schedules, "service_id", &id);
        service.service_areas = linked(&areas, "service_id", &id);
        service.attributes = attributes_of(&id);
        service.service_at_locations = pairings
            .iter()
            .filter(|(row, _)| field(row, "service_id") == Some(id.as_str()))
            .map(|(row, pairing)| {
                let mut pairing = pairing.clone();
                pairing.location = field(row, "location_id")
                    .and_then(|l| locations.get(l))
                    .cloned();
                pairing.phones = linked(&phones, "service_at_location_id", &pairing.id);
                pairing.schedules = linked(&schedules, "service_at_location_id", &pairing.id);
                pairing.attributes = attributes_of(&pairing.id);
                pairing
            })
            .collect();
        services.push(service);
    }
    Ok(Source {
        services,
        complete: true,
        notes,
    })
}

/// The objects whose `column` names `id`.
fn linked<T: Clone>(rows: &[(Row, T)], column: &str, id: &str) -> Vec<T> {
    rows.iter()
        .filter(|(row, _)| field(row, column) == Some(id))
        .map(|(_, item)| item.clone())
        .collect()
}

fn field<'a>(row: &'a Row, column: &str) -> Option<&'a str> {
    row.get(column).and_then(Value::as_str)
}

/// Table name → file, from `datapackage.json`'s `resources` when it has them.
fn table_paths(dir: &Path, notes: &mut Vec<String>) -> HashMap<String, PathBuf> {
    let mut paths = HashMap::new();
    let descriptor = dir.join("datapackage.json");
    let Ok(text) = std::fs::read_to_string(&descriptor) else {
        return paths;
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(value) => {
            for resource in value
                .get("resources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let (Some(name), Some(path)) = (
                    resource.get("name").and_then(Value::as_str),
                    resource.get("path").and_then(Value::as_str),
                ) {
                    paths.insert(name.to_owned(), dir.join(path));
                }
            }
        }
        Err(_) => notes.push(format!(
            "{} is not a data package descriptor; read the standard HSDS table files",
            descriptor.display()
        )),
    }
    paths
}

struct Tables<'a> {
    dir: &'a Path,
    paths: &'a HashMap<String, PathBuf>,
}

impl Tables<'_> {
    fn path(&self, table: &str) -> PathBuf {
        self.paths
            .get(table)
            .cloned()
            .unwrap_or_else(|| self.dir.join(format!("{table}.csv")))
    }

    /// Every row of `table` (none when the file is absent), as the raw row and as `T`.
    fn rows<T: DeserializeOwned>(&self, table: &str) -> Result<Vec<(Row, T)>, HsdsError> {
        let path = self.path(table);
        if !path.exists() {
            return Ok(Vec::new());
        }
        let mut reader = ::csv::Reader::from_path(&path).map_err(|e| csv_error(&path, &e))?;
        let headers = reader.headers().map_err(|e| csv_error(&path, &e))?.clone();
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(&path, &e))?;
            let line = record.position().map_or(0, |p| p.line());
            let mut row = Map::new();
            for (header, value) in headers.iter().zip(record.iter()) {
                if !value.trim().is_empty() {
                    row.insert(header.trim().to_owned(), Value::String(value.to_owned()));
                }
            }
            let item =
                serde_json::from_value(Value::Object(row.clone())).map_err(|e| HsdsError::Csv {
                    path: path.clone(),
                    line,
                    message: e.to_string(),
                })?;
            rows.push((row, item));
        }
        Ok(rows)
    }
}

fn csv_error(path: &Path, error: &::csv::Error) -> HsdsError {
    HsdsError::Csv {
        path: path.to_owned(),
        line: error.position().map_or(0, |p| p.line()),
        message: error.to_string(),
    }
}
