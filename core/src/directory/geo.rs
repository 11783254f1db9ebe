//! Distances on the ground, for "near me".

use serde::{Deserialize, Serialize};

/// A point and, optionally, how far from it results may be.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoFilter {
    pub latitude: f64,
    pub longitude: f64,
    /// `None`: no limit, only sort and show distances.
    pub radius_km: Option<f64>,
}

impl GeoFilter {
    /// Parses `LAT,LON` as typed on a command line.
    pub fn parse_point(text: &str) -> Option<(f64, f64)> {
        let (lat, lon) = text.split_once(',')?;
        let lat: f64 = lat.trim().parse().ok()?;
        let lon: f64 = lon.trim().parse().ok()?;
        ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
    }

    pub fn distance_km(&self, latitude: f64, longitude: f64) -> f64 {
        haversine_km(self.latitude, self.longitude, latitude, longitude)
    }

    pub fn admits(&self, distance_km: f64) -> bool {
        self.radius_km.is_none_or(|r| distance_km <= r)
    }
}

const EARTH_RADIUS_KM: f64 = 6371.0088;

pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let d = haversine_km(44.0, -92.0, 45.0, -92.0);
        assert!((d - 111.2).abs() < 0.5, "{d}");
        assert!(haversine_km(44.02, -92.47, 44.02, -92.47).abs() < 1e-9);
    }

    #[test]
    fn points_parse_and_are_range_checked() {
        assert_eq!(
            GeoFilter::parse_point("44.02, -92.47"),
            Some((44.02, -92.47))
        );
        assert_eq!(GeoFilter::parse_point("91,0"), None);
        assert_eq!(GeoFilter::parse_point("north"), None);
    }
}
