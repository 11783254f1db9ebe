//! How fresh a partner's record is. Numbers and hours change; a record nobody has confirmed
//! for a year (pack.toml `stale_after_months`) is marked so an officer calls with that in mind.

use chrono::{DateTime, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::content::Contact;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// `YYYY-MM-DD` someone last confirmed the record, if ever.
    pub verified_at: Option<String>,
    /// Whole months since then.
    pub months_since: Option<u32>,
    /// Not verified within the pack's `stale_after_months`, or never verified.
    pub stale: bool,
}

impl Verification {
    /// "verified 2026-10-01", "not verified for 14 months", "never verified".
    pub fn describe(&self) -> String {
        match (&self.verified_at, self.months_since, self.stale) {
            (Some(_), Some(months), true) => format!("not verified for {months} months"),
            (Some(date), _, _) => format!("verified {date}"),
            (None, _, _) => "never verified".to_owned(),
        }
    }
}

/// Whether `contact` was verified within `stale_after_months` of `at`, judged on the date in the
/// pack's time zone.
pub fn verification(
    contact: &Contact,
    at: DateTime<Utc>,
    timezone: &str,
    stale_after_months: u32,
) -> Verification {
    let tz: Tz = timezone.parse().unwrap_or(Tz::UTC);
    let today = at.with_timezone(&tz).date_naive();
    let verified = contact
        .verified_at
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let Some(verified) = verified else {
        return Verification {
            verified_at: None,
            months_since: None,
            stale: true,
        };
    };
    let months_since = whole_months(verified, today);
    let deadline = verified.checked_add_months(Months::new(stale_after_months));
    Verification {
        verified_at: contact.verified_at.clone(),
        months_since: Some(months_since),
        stale: deadline.is_none_or(|deadline| today > deadline),
    }
}

/// Whole calendar months from `from` to `to` (0 when `to` is earlier).
fn whole_months(from: NaiveDate, to: NaiveDate) -> u32 {
    let mut months = 0;
    while from
        .checked_add_months(Months::new(months + 1))
        .is_some_and(|next| next <= to)
    {
        months += 1;
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(verified_at: Option<&str>) -> Contact {
        Contact {
            organization: "Harbor House".to_owned(),
            services: vec!["Shelter".to_owned()],
            service_types: vec!["shelter".to_owned()],
            phones: Vec::new(),
            email: None,
            url: None,
            address: None,
            neighborhood: None,
            latitude: None,
            longitude: None,
            location_visibility: Default::default(),
            hours: None,
            languages: vec!["en".to_owned()],
            eligibility: None,
            service_area: None,
            verified_at: verified_at.map(str::to_owned),
        }
    }

    fn at(date: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{date}T18:00:00Z"))
            .expect("instant")
            .with_timezone(&Utc)
    }

    #[test]
    fn a_record_older_than_the_limit_is_stale() {
        let c = contact(Some("2025-10-01"));
        let fresh = verification(&c, at("2026-10-01"), "America/Chicago", 12);
        assert_eq!((fresh.months_since, fresh.stale), (Some(12), false));
        assert_eq!(fresh.describe(), "verified 2025-10-01");
        let stale = verification(&c, at("2026-12-06"), "America/Chicago", 12);
        assert_eq!((stale.months_since, stale.stale), (Some(14), true));
        assert_eq!(stale.describe(), "not verified for 14 months");
        // The pack decides how long is too long.
        assert!(!verification(&c, at("2026-12-06"), "America/Chicago", 18).stale);
    }

    #[test]
    fn a_record_never_verified_is_stale() {
        let v = verification(&contact(None), at("2026-12-06"), "UTC", 12);
        assert!(v.stale);
        assert_eq!(v.describe(), "never verified");
    }
}
