//! Time zones a pack may name, and which of them this build carries. chrono-tz is built with
//! only the deployment's zones (`CHRONO_TZ_TIMEZONE_FILTER`, default in `.cargo/config.toml`:
//! the United States' zones and UTC) because every zone's table is code in the phone library. A
//! real zone left out of the build is not the same mistake as a misspelt one: the first needs
//! another build of the app, the second a fix in `pack.toml`, so they are told apart with the
//! list of every IANA name (`iana_zones.txt`, a few kilobytes).

use std::str::FromStr;

use chrono_tz::Tz;

use crate::{Error, Result};

/// Every IANA time zone name, one a line (from the tz database; links included).
const IANA_NAMES: &str = include_str!("iana_zones.txt");

/// The filter this library was built with (`None`: every zone).
pub const BUILD_FILTER: Option<&str> = option_env!("CHRONO_TZ_TIMEZONE_FILTER");

/// What a pack's `timezone` names, for this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Built(Tz),
    /// A real IANA zone this build leaves out.
    NotBuilt,
    /// No IANA zone of that name.
    Unknown,
}

pub fn lookup(name: &str) -> Zone {
    match Tz::from_str(name) {
        Ok(tz) => Zone::Built(tz),
        Err(_) if IANA_NAMES.lines().any(|line| line == name) => Zone::NotBuilt,
        Err(_) => Zone::Unknown,
    }
}

/// The zones this build carries, in words for a message.
pub fn built_zones() -> String {
    match BUILD_FILTER.map(str::trim).filter(|f| !f.is_empty()) {
        Some(filter) => format!("built with CHRONO_TZ_TIMEZONE_FILTER `{filter}`"),
        None => "built with every zone".to_owned(),
    }
}

/// Refuses content whose time zone this build leaves out, before anything is installed: every
/// "open now" would otherwise be computed in UTC. A name that is no zone at all is the content
/// validator's to report.
pub fn require_built(name: &str) -> Result<()> {
    match lookup(name) {
        Zone::NotBuilt => Err(Error::TimeZoneNotBuilt {
            zone: name.to_owned(),
            built: built_zones(),
        }),
        Zone::Built(_) | Zone::Unknown => Ok(()),
    }
}

/// A real zone this build leaves out, if it leaves out any.
#[cfg(test)]
pub(crate) fn a_zone_not_built() -> Option<&'static str> {
    IANA_NAMES.lines().find(|name| Tz::from_str(name).is_err())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_left_out_and_unknown_are_told_apart() {
        assert_eq!(lookup("America/Chicago"), Zone::Built(Tz::America__Chicago));
        assert_eq!(lookup("UTC"), Zone::Built(Tz::UTC));
        assert_eq!(lookup("Mars/Olympus_Mons"), Zone::Unknown);
        assert_eq!(lookup("america/chicago"), Zone::Unknown, "names are exact");
        assert!(
            require_built("Mars/Olympus_Mons").is_ok(),
            "the validator's"
        );
        match a_zone_not_built() {
            Some(zone) => {
                assert_eq!(lookup(zone), Zone::NotBuilt);
                assert!(matches!(
                    require_built(zone),
                    Err(Error::TimeZoneNotBuilt { zone: z, .. }) if z == zone
                ));
                assert!(BUILD_FILTER.is_some_and(|f| !f.trim().is_empty()));
            }
            None => assert!(BUILD_FILTER.is_none_or(|f| f.trim().is_empty())),
        }
    }

    /// The default filter (.cargo/config.toml) keeps what the bundled pack and the tests name
    /// and leaves out the rest of the world.
    #[test]
    fn the_default_build_has_the_us_zones_and_utc() {
        for zone in [
            "America/Chicago",
            "America/New_York",
            "America/Denver",
            "America/Phoenix",
            "America/Los_Angeles",
            "America/Anchorage",
            "Pacific/Honolulu",
            "America/Indiana/Indianapolis",
            "US/Central",
            "UTC",
        ] {
            assert!(matches!(lookup(zone), Zone::Built(_)), "{zone}");
        }
        if BUILD_FILTER.is_some_and(|f| f.starts_with("^(UTC|Etc/UTC|US/")) {
            assert_eq!(lookup("Europe/Berlin"), Zone::NotBuilt);
            assert_eq!(lookup("Pacific/Chatham"), Zone::NotBuilt);
        }
    }
}
