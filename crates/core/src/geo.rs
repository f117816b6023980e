//! Great-circle distance between locations, used to sort other stores by how far
//! a customer would travel.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Haversine distance in kilometres.
pub fn distance_km(a: Coordinates, b: Coordinates) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn santiago_to_bogota_is_about_4250_km() {
        let scl = Coordinates { lat: -33.4489, lon: -70.6693 };
        let bog = Coordinates { lat: 4.7110, lon: -74.0721 };
        let d = distance_km(scl, bog);
        assert!((4200.0..4300.0).contains(&d), "got {d}");
    }

    #[test]
    fn a_place_is_zero_km_from_itself() {
        let p = Coordinates { lat: 19.4326, lon: -99.1332 };
        assert!(distance_km(p, p).abs() < 1e-9);
    }
}
