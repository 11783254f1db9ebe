//! Reading an HSDS source: a JSON file (one `service`, `organization` or `service_at_location`
//! record, a list page of any of them, or a plain array) or a CSV data package (a folder, or
//! its `datapackage.json`). Everything comes out as services with their nested objects filled in.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::HsdsError;
use super::model::{Organization, Service, ServiceAtLocation};

/// What a source holds.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub services: Vec<Service>,
    /// Whether the source lists everything the publisher has (a data package, a plain array, a
    /// list with a single page): only then are contacts missing from it removed.
    pub complete: bool,
    /// Records that were not services, and why they were passed over.
    pub notes: Vec<String>,
}

/// Reads `path` (a JSON file, a data package folder, or its `datapackage.json`).
pub fn read_source(path: &Path) -> Result<Source, HsdsError> {
    if path.is_dir() {
        return super::csv::read_package(path);
    }
    if path
        .file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case("datapackage.json"))
    {
        let dir = path.parent().unwrap_or(Path::new("."));
        return super::csv::read_package(dir);
    }
    let text = std::fs::read_to_string(path).map_err(|e| HsdsError::io(path, e))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| HsdsError::Json {
        path: path.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let mut source = Source::default();
    match value {
        Value::Array(items) => {
            source.complete = true;
            for (index, item) in items.into_iter().enumerate() {
                read_record(path, index, item, &mut source)?;
            }
        }
        Value::Object(ref object) if object.get("contents").is_some_and(Value::is_array) => {
            let pages = object.get("total_pages").and_then(Value::as_u64);
            source.complete = pages == Some(1);
            if !source.complete {
                let page = object.get("page_number").and_then(Value::as_u64);
                source.notes.push(format!(
                    "page {} of {}: not a complete listing, so nothing is removed",
                    page.map_or("?".to_owned(), |p| p.to_string()),
                    pages.map_or("?".to_owned(), |p| p.to_string()),
                ));
            }
            let Value::Object(mut object) = value else {
                unreachable!("matched an object")
            };
            if let Some(Value::Array(items)) = object.remove("contents") {
                for (index, item) in items.into_iter().enumerate() {
                    read_record(path, index, item, &mut source)?;
                }
            }
        }
        Value::Object(_) => {
            source
                .notes
                .push("a single record: nothing is removed".to_owned());
            read_record(path, 0, value, &mut source)?;
        }
        _ => {
            return Err(HsdsError::UnknownShape {
                path: path.to_owned(),
                message: "expected a JSON object or array".to_owned(),
            })
        }
    }
    Ok(source)
}

fn parse<T: DeserializeOwned>(path: &Path, index: usize, value: Value) -> Result<T, HsdsError> {
    serde_json::from_value(value).map_err(|e| HsdsError::Record {
        path: path.to_owned(),
        index,
        message: e.to_string(),
    })
}

/// One record of unknown kind, told apart by the fields only that kind has.
fn read_record(
    path: &Path,
    index: usize,
    value: Value,
    source: &mut Source,
) -> Result<(), HsdsError> {
    let Some(object) = value.as_object() else {
        return Err(HsdsError::Record {
            path: path.to_owned(),
            index,
            message: "expected an object".to_owned(),
        });
    };
    let has = |key: &str| object.contains_key(key);
    if has("service") && !has("status") {
        let mut pairing: ServiceAtLocation = parse(path, index, value)?;
        let Some(service) = pairing.service.take() else {
            return Ok(());
        };
        let mut service = *service;
        service.service_at_locations = vec![pairing];
        source.services.push(service);
    } else if has("services") || has("legal_status") || has("website") {
        let organization: Organization = parse(path, index, value)?;
        if organization.services.is_empty() {
            source.notes.push(format!(
                "organization {} ({}): lists no services, nothing to import",
                organization.id, organization.name
            ));
        }
        source.services.extend(services_of(organization));
    } else if has("location_type") || has("addresses") {
        let id = object.get("id").and_then(Value::as_str).unwrap_or("?");
        source.notes.push(format!(
            "location {id}: a location on its own names no service, nothing to import"
        ));
    } else if has("name") {
        let service: Service = parse(path, index, value)?;
        source.services.push(service);
    } else {
        let id = object.get("id").and_then(Value::as_str).unwrap_or("?");
        source
            .notes
            .push(format!("record {index} ({id}): not a service, passed over"));
    }
    Ok(())
}

/// The services of an organization record, each given its organization and the organization's
/// locations its pairings point to.
fn services_of(mut organization: Organization) -> Vec<Service> {
    let services = std::mem::take(&mut organization.services);
    let locations = std::mem::take(&mut organization.locations);
    services
        .into_iter()
        .map(|mut service| {
            for pairing in &mut service.service_at_locations {
                if pairing.location.is_none() {
                    pairing.location = pairing
                        .location_id
                        .as_ref()
                        .and_then(|id| locations.iter().find(|l| &l.id == id))
                        .cloned();
                }
            }
            if service.organization.is_none() {
                service.organization = Some(organization.clone());
            }
            service
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Source, HsdsError> {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join("source.json");
        std::fs::write(&path, text).expect("write");
        read_source(&path)
    }

    #[test]
    fn records_are_told_apart_by_their_fields() {
        let service = r#"{"id": "s1", "name": "Pantry", "status": "active"}"#;
        let one = read(service).expect("a service");
        assert_eq!((one.services.len(), one.complete), (1, false));
        let pairing =
            format!(r#"{{"id": "p1", "service": {service}, "location": {{"id": "l1"}}}}"#);
        let paired = read(&pairing).expect("a service_at_location");
        assert_eq!(paired.services[0].service_at_locations[0].id, "p1");
        let organization = format!(
            r#"{{"id": "o1", "name": "Org", "website": "https://o.example", "services": [{service}]}}"#
        );
        let org = read(&organization).expect("an organization");
        assert_eq!(
            org.services[0]
                .organization
                .as_ref()
                .map(|o| o.name.as_str()),
            Some("Org")
        );
        let page = format!(r#"{{"total_pages": 1, "contents": [{service}, {pairing}]}}"#);
        let page = read(&page).expect("a page");
        assert_eq!((page.services.len(), page.complete), (2, true));
        let partial = format!(r#"{{"total_pages": 3, "page_number": 2, "contents": [{service}]}}"#);
        assert!(!read(&partial).expect("a page").complete);
    }

    #[test]
    fn malformed_input_names_where() {
        match read("{\"id\": \"s1\",\n \"name\": }") {
            Err(HsdsError::Json { line, .. }) => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
        match read(r#"[{"id": "s1", "name": "x"}, {"id": "s2", "name": "y", "phones": 3}]"#) {
            Err(HsdsError::Record { index, .. }) => assert_eq!(index, 1),
            other => panic!("{other:?}"),
        }
        assert!(matches!(read("42"), Err(HsdsError::UnknownShape { .. })));
    }
}
