//! The `[hsds]` table of `pack.toml`: how a department maps a publisher's data onto its pack.
//! It is trainers' tooling, not content: `pack validate` checks it, but it is never shipped to
//! devices (it is not part of [`crate::content::PackInfo`]).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::content::PackInfo;

/// `[hsds]` in `pack.toml`. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HsdsConfig {
    /// Taxonomy term (its `code`, or its `name`, compared without case) → the pack's service
    /// types, e.g. `"BH-1800.8500" = ["shelter"]`.
    #[serde(default)]
    pub taxonomy: BTreeMap<String, Vec<String>>,
    /// Service types whose locations always come in `withheld` (domestic-violence shelters).
    #[serde(default)]
    pub sensitive_service_types: Vec<String>,
    /// Given to a service none of whose terms map; without it such a service is skipped.
    #[serde(default)]
    pub default_service_types: Vec<String>,
    /// Given to a service that lists no language; without it such a service is skipped.
    #[serde(default)]
    pub default_languages: Vec<String>,
    /// Country written on exported addresses (ISO 3166-1 alpha-2). `US` when not set.
    #[serde(default)]
    pub country: Option<String>,
}

impl HsdsConfig {
    /// Reads the `[hsds]` value of a parsed `pack.toml`.
    pub fn from_value(value: toml::Value) -> Result<HsdsConfig, String> {
        value
            .try_into()
            .map_err(|e: toml::de::Error| e.message().trim().to_owned())
    }

    /// Reads `[hsds]` from the text of a `pack.toml` (default when absent).
    pub fn from_pack_toml(text: &str) -> Result<HsdsConfig, String> {
        let mut table: toml::Table = toml::from_str(text).map_err(|e| e.message().to_owned())?;
        match table.remove("hsds") {
            Some(value) => HsdsConfig::from_value(value),
            None => Ok(HsdsConfig::default()),
        }
    }

    /// Problems as `(field, offending value, message)`: every service type named must be one
    /// of the pack's.
    pub fn problems(&self, info: &PackInfo) -> Vec<(String, String, String)> {
        let mut problems = Vec::new();
        let known = |t: &String| info.service_types.iter().any(|s| s == t);
        let mut check = |field: String, types: &[String]| {
            for t in types.iter().filter(|t| !known(t)) {
                problems.push((
                    field.clone(),
                    t.clone(),
                    format!("unknown service type `{t}` (not in service_types)"),
                ));
            }
        };
        for (term, types) in &self.taxonomy {
            check(format!("hsds.taxonomy.{term}"), types);
        }
        check(
            "hsds.sensitive_service_types".to_owned(),
            &self.sensitive_service_types,
        );
        check(
            "hsds.default_service_types".to_owned(),
            &self.default_service_types,
        );
        for tag in &self.default_languages {
            if !crate::content::languages::is_valid_tag(tag) {
                problems.push((
                    "hsds.default_languages".to_owned(),
                    tag.clone(),
                    format!("`{tag}` is not a BCP 47 language tag"),
                ));
            }
        }
        problems
    }

    /// The service types a term maps to: by code first, then by name.
    pub fn types_for_term(&self, code: Option<&str>, name: &str) -> Option<&[String]> {
        let find = |key: &str| {
            self.taxonomy
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key.trim()))
                .map(|(_, v)| v.as_slice())
        };
        code.filter(|c| !c.trim().is_empty())
            .and_then(find)
            .or_else(|| find(name).filter(|_| !name.trim().is_empty()))
    }

    pub fn country(&self) -> &str {
        self.country.as_deref().unwrap_or("US")
    }
}
