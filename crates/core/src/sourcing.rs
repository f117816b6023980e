//! Sourcing: where an order line that the requesting store can't fill from its own
//! shelves should come from.
//!
//! The caller gives the requesting store, how the customer gets the goods
//! ([`Fulfilment`]), the quantity, and the candidate locations with their
//! available-to-promise already computed ([`crate::availability`]). The rule:
//!
//! - **Never** a location whose ATP is below the quantity: a line is filled whole
//!   from one location or not from it at all. ATP equal to the quantity is enough.
//! - **Ship to home:** a warehouse first (the nearest to the requesting store among
//!   those with enough ATP), then the online channel's stock, then the nearest
//!   other store. The requesting store itself is not a candidate: a line it could
//!   fill never reaches this rule. Goods go straight to the customer, so no choice
//!   needs a transfer, and distances are measured from the requesting store.
//! - **Ship to store / pick up at a store:** the destination store itself when it
//!   has enough ATP (no transfer, 0 km). Otherwise the location nearest to the
//!   destination with enough ATP, warehouse or store alike, fewer km first; the
//!   goods travel to the destination as a transfer. The online channel's stock is
//!   not transferred to stores. Distances are measured from the destination.
//! - **Ties** (same tier, same distance) go to the smaller location id, so the
//!   device and the central always pick the same location whatever the order of
//!   the candidates.
//!
//! [`sourcing_alternatives`] lists every location that could fill the line in that
//! preference order (for an associate who has to offer another when the customer
//! turns the first down); [`choose_source`] is its first entry.
//!
//! A [`SourcingRequest`] is checked once when built (a positive quantity, a known
//! destination that is a store, no location listed twice), so the rule itself
//! cannot fail: it answers a choice or `None`.

use crate::geo::{distance_km, Coordinates};
use crate::location::LocationKind;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// How the customer gets the goods.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Fulfilment {
    /// A courier takes the goods to the customer's address.
    ShipToHome,
    /// The goods are sent to a store, where the customer collects them.
    ShipToStore { store_id: String },
    /// The customer collects the goods at a store, from its shelves if it has them.
    PickUpAt { store_id: String },
}

impl Fulfilment {
    /// The store the goods must end up at, if any.
    pub fn destination_store(&self) -> Option<&str> {
        match self {
            Fulfilment::ShipToHome => None,
            Fulfilment::ShipToStore { store_id } | Fulfilment::PickUpAt { store_id } => Some(store_id),
        }
    }
}

/// The store taking the order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestingStore {
    pub store_id: String,
    pub coordinates: Coordinates,
}

/// A location that might fill the line, with its ATP for the line's SKU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub location_id: String,
    pub kind: LocationKind,
    pub coordinates: Coordinates,
    pub atp: i64,
}

/// Where the line is sourced from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourcingChoice {
    pub location_id: String,
    pub kind: LocationKind,
    /// From the requesting store (home delivery) or from the destination store.
    pub distance_km: f64,
    /// The goods travel from this location to the destination store first.
    pub needs_transfer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourcingError {
    #[error("the quantity must be at least one unit, got {0}")]
    QuantityNotPositive(i64),
    #[error("destination {0:?} is neither the requesting store nor a candidate location")]
    UnknownDestination(String),
    #[error("destination {0:?} is not a store")]
    DestinationNotAStore(String),
    #[error("location {0:?} is listed twice among the candidates")]
    DuplicateLocation(String),
}

impl SourcingError {
    /// Stable machine-readable reason, used by the UI to pick a message.
    pub fn reason(&self) -> &'static str {
        match self {
            SourcingError::QuantityNotPositive(_) => "quantity_not_positive",
            SourcingError::UnknownDestination(_) => "unknown_destination",
            SourcingError::DestinationNotAStore(_) => "destination_not_a_store",
            SourcingError::DuplicateLocation(_) => "duplicate_location",
        }
    }
}

/// An order line to source, checked: quantity ≥ 1, destination known and a store,
/// candidate ids unique.
#[derive(Debug, Clone, PartialEq)]
pub struct SourcingRequest {
    requesting_store: RequestingStore,
    fulfilment: Fulfilment,
    quantity: i64,
    candidates: Vec<Candidate>,
    /// Where distances are measured from: the requesting store for home delivery,
    /// the destination store otherwise.
    origin: Coordinates,
}

impl SourcingRequest {
    pub fn new(
        requesting_store: RequestingStore,
        fulfilment: Fulfilment,
        quantity: i64,
        candidates: Vec<Candidate>,
    ) -> Result<SourcingRequest, SourcingError> {
        if quantity < 1 {
            return Err(SourcingError::QuantityNotPositive(quantity));
        }
        let mut ids: Vec<&str> = candidates.iter().map(|c| c.location_id.as_str()).collect();
        ids.sort_unstable();
        if let Some(pair) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(SourcingError::DuplicateLocation(pair[0].to_owned()));
        }
        let origin = match fulfilment.destination_store() {
            None => requesting_store.coordinates,
            Some(id) if id == requesting_store.store_id => requesting_store.coordinates,
            Some(id) => match candidates.iter().find(|c| c.location_id == id) {
                Some(c) if c.kind == LocationKind::Store => c.coordinates,
                Some(_) => return Err(SourcingError::DestinationNotAStore(id.to_owned())),
                None => return Err(SourcingError::UnknownDestination(id.to_owned())),
            },
        };
        Ok(SourcingRequest { requesting_store, fulfilment, quantity, candidates, origin })
    }

    pub fn requesting_store(&self) -> &RequestingStore {
        &self.requesting_store
    }

    pub fn fulfilment(&self) -> &Fulfilment {
        &self.fulfilment
    }

    pub fn quantity(&self) -> i64 {
        self.quantity
    }

    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// The preference tier of `c` (lower first) and whether it needs a transfer,
    /// or `None` when the rule never sources from it.
    fn tier(&self, c: &Candidate) -> Option<(u8, bool)> {
        match self.fulfilment.destination_store() {
            None => {
                if c.location_id == self.requesting_store.store_id {
                    return None;
                }
                let tier = match c.kind {
                    LocationKind::Warehouse => 0,
                    LocationKind::Online => 1,
                    LocationKind::Store => 2,
                };
                Some((tier, false))
            }
            Some(destination) if c.location_id == destination => Some((0, false)),
            Some(_) => match c.kind {
                LocationKind::Warehouse | LocationKind::Store => Some((1, true)),
                LocationKind::Online => None,
            },
        }
    }
}

/// Every location that could fill the line, most preferred first.
pub fn sourcing_alternatives(request: &SourcingRequest) -> Vec<SourcingChoice> {
    let mut ranked: Vec<(u8, SourcingChoice)> = request
        .candidates
        .iter()
        .filter(|c| c.atp >= request.quantity)
        .filter_map(|c| {
            let (tier, needs_transfer) = request.tier(c)?;
            let distance_km = if needs_transfer || request.fulfilment.destination_store().is_none() {
                distance_km(request.origin, c.coordinates)
            } else {
                // The destination store itself.
                0.0
            };
            Some((
                tier,
                SourcingChoice { location_id: c.location_id.clone(), kind: c.kind, distance_km, needs_transfer },
            ))
        })
        .collect();
    ranked.sort_by(|(ta, a), (tb, b)| ta.cmp(tb).then_with(|| closer_first(a, b)));
    ranked.into_iter().map(|(_, choice)| choice).collect()
}

/// The location the line should come from, or `None` when no location has enough
/// ATP.
pub fn choose_source(request: &SourcingRequest) -> Option<SourcingChoice> {
    sourcing_alternatives(request).into_iter().next()
}

/// Within a tier: fewer km first (a distance that is not a number, from bad
/// coordinates, sorts last), then the smaller id.
fn closer_first(a: &SourcingChoice, b: &SourcingChoice) -> Ordering {
    let km = |d: f64| if d.is_nan() { f64::INFINITY } else { d };
    km(a.distance_km).total_cmp(&km(b.distance_km)).then_with(|| a.location_id.cmp(&b.location_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROVIDENCIA: Coordinates = Coordinates { lat: -33.4263, lon: -70.6170 };
    const LAS_CONDES: Coordinates = Coordinates { lat: -33.4020, lon: -70.5786 };
    const MAIPU: Coordinates = Coordinates { lat: -33.5100, lon: -70.7570 };
    const CONCEPCION: Coordinates = Coordinates { lat: -36.8270, lon: -73.0500 };
    const QUILICURA: Coordinates = Coordinates { lat: -33.3600, lon: -70.7300 };
    const PUDAHUEL: Coordinates = Coordinates { lat: -33.4400, lon: -70.8000 };

    fn at(id: &str, kind: LocationKind, coordinates: Coordinates, atp: i64) -> Candidate {
        Candidate { location_id: id.to_owned(), kind, coordinates, atp }
    }

    fn store(id: &str, coordinates: Coordinates, atp: i64) -> Candidate {
        at(id, LocationKind::Store, coordinates, atp)
    }

    fn warehouse(id: &str, coordinates: Coordinates, atp: i64) -> Candidate {
        at(id, LocationKind::Warehouse, coordinates, atp)
    }

    fn online(id: &str, coordinates: Coordinates, atp: i64) -> Candidate {
        at(id, LocationKind::Online, coordinates, atp)
    }

    /// An order taken at the Providencia store.
    fn request(fulfilment: Fulfilment, quantity: i64, candidates: Vec<Candidate>) -> SourcingRequest {
        let providencia = RequestingStore { store_id: "CL-PRV".into(), coordinates: PROVIDENCIA };
        SourcingRequest::new(providencia, fulfilment, quantity, candidates).unwrap()
    }

    fn pick_up_at(store_id: &str) -> Fulfilment {
        Fulfilment::PickUpAt { store_id: store_id.into() }
    }

    fn ids(choices: &[SourcingChoice]) -> Vec<&str> {
        choices.iter().map(|c| c.location_id.as_str()).collect()
    }

    #[test]
    fn warehouse_first_for_home_delivery() {
        let r = request(
            Fulfilment::ShipToHome,
            2,
            vec![
                store("CL-LCD", LAS_CONDES, 10),
                online("CL-WEB", PUDAHUEL, 10),
                warehouse("CL-WH-SUR", CONCEPCION, 10),
                warehouse("CL-WH1", QUILICURA, 10),
            ],
        );
        let choice = choose_source(&r).unwrap();
        assert_eq!(
            choice.location_id, "CL-WH1",
            "a warehouse beats a nearer store, and the nearer warehouse the farther one"
        );
        assert_eq!(choice.kind, LocationKind::Warehouse);
        assert!(!choice.needs_transfer, "home delivery ships straight to the customer");
        assert!(
            (10.0..16.0).contains(&choice.distance_km),
            "Quilicura is about 13 km from Providencia, got {}",
            choice.distance_km
        );
    }

    #[test]
    fn the_online_channel_comes_after_warehouses_and_before_stores_for_home_delivery() {
        let r = request(
            Fulfilment::ShipToHome,
            2,
            vec![store("CL-LCD", LAS_CONDES, 10), online("CL-WEB", PUDAHUEL, 10), warehouse("CL-WH1", QUILICURA, 1)],
        );
        assert_eq!(
            choose_source(&r).unwrap().location_id,
            "CL-WEB",
            "the warehouse is out, so the online channel's stock goes next"
        );
    }

    #[test]
    fn nearest_store_when_warehouses_are_out() {
        let r = request(
            Fulfilment::ShipToHome,
            2,
            vec![
                store("CL-CON", CONCEPCION, 10),
                store("CL-MAI", MAIPU, 3),
                store("CL-LCD", LAS_CONDES, 2),
                online("CL-WEB", PUDAHUEL, 0),
                warehouse("CL-WH1", QUILICURA, 1),
            ],
        );
        let choice = choose_source(&r).unwrap();
        assert_eq!(choice.location_id, "CL-LCD", "Las Condes is the nearest store to Providencia with two units");
        assert!(!choice.needs_transfer, "the store ships to the customer itself");
    }

    #[test]
    fn the_requesting_store_is_never_its_own_home_delivery_source() {
        let r = request(Fulfilment::ShipToHome, 1, vec![store("CL-PRV", PROVIDENCIA, 5), store("CL-MAI", MAIPU, 5)]);
        assert_eq!(
            ids(&sourcing_alternatives(&r)),
            ["CL-MAI"],
            "the line reached sourcing because the requesting store can't fill it"
        );
    }

    #[test]
    fn destination_store_itself_for_pick_up_when_it_has_stock() {
        let r =
            request(pick_up_at("CL-LCD"), 2, vec![warehouse("CL-WH1", QUILICURA, 100), store("CL-LCD", LAS_CONDES, 2)]);
        let choice = choose_source(&r).unwrap();
        assert_eq!(choice.location_id, "CL-LCD", "stock on the shelf beats any transfer");
        assert!(!choice.needs_transfer, "nothing travels");
        assert_eq!(choice.distance_km, 0.0, "the goods are already there");
    }

    #[test]
    fn without_stock_at_the_destination_the_nearest_location_to_it_is_a_transfer() {
        let r = request(
            pick_up_at("CL-MAI"),
            1,
            vec![
                store("CL-MAI", MAIPU, 0),
                store("CL-LCD", LAS_CONDES, 4),
                warehouse("CL-WH1", QUILICURA, 50),
                online("CL-WEB", PUDAHUEL, 50),
            ],
        );
        let alternatives = sourcing_alternatives(&r);
        assert_eq!(
            ids(&alternatives),
            ["CL-WH1", "CL-LCD"],
            "Quilicura is nearer Maipú than Las Condes is, warehouse or not; \
             the online channel's stock is never transferred to a store"
        );
        assert!(alternatives.iter().all(|c| c.needs_transfer), "every other location sends a transfer");
        assert!(
            alternatives[0].distance_km < 20.0,
            "distance is measured from Maipú, the destination, got {}",
            alternatives[0].distance_km
        );
    }

    #[test]
    fn ship_to_store_follows_the_same_rule_as_pick_up() {
        let candidates =
            vec![store("CL-MAI", MAIPU, 1), store("CL-LCD", LAS_CONDES, 4), warehouse("CL-WH1", QUILICURA, 50)];
        let ship = request(Fulfilment::ShipToStore { store_id: "CL-LCD".into() }, 3, candidates.clone());
        let pick = request(pick_up_at("CL-LCD"), 3, candidates);
        assert_eq!(sourcing_alternatives(&ship), sourcing_alternatives(&pick));
        assert_eq!(choose_source(&ship).unwrap().location_id, "CL-LCD");
    }

    #[test]
    fn pick_up_at_the_requesting_store_measures_from_the_requesting_store() {
        let r = request(pick_up_at("CL-PRV"), 1, vec![store("CL-MAI", MAIPU, 3), store("CL-LCD", LAS_CONDES, 3)]);
        assert_eq!(
            ids(&sourcing_alternatives(&r)),
            ["CL-LCD", "CL-MAI"],
            "the requesting store need not be among the candidates to be a destination"
        );
    }

    #[test]
    fn never_a_location_with_too_little_atp() {
        let short = vec![
            warehouse("CL-WH1", QUILICURA, 2),
            online("CL-WEB", PUDAHUEL, 2),
            store("CL-LCD", LAS_CONDES, 2),
            store("CL-MAI", MAIPU, -1),
        ];
        let r = request(Fulfilment::ShipToHome, 3, short.clone());
        assert_eq!(choose_source(&r), None, "no location has three units");
        assert!(sourcing_alternatives(&r).is_empty(), "a split across locations is not an alternative");

        let r = request(pick_up_at("CL-LCD"), 3, short);
        assert_eq!(choose_source(&r), None, "the destination's two units don't fill three either");

        let r =
            request(Fulfilment::ShipToHome, 3, vec![store("CL-CON", CONCEPCION, 3), store("CL-LCD", LAS_CONDES, 2)]);
        assert_eq!(choose_source(&r).unwrap().location_id, "CL-CON", "exactly the quantity is enough, however far");
    }

    #[test]
    fn ties_are_broken_deterministically_by_id() {
        let twins = vec![
            warehouse("CL-WH-B", QUILICURA, 5),
            warehouse("CL-WH-A", QUILICURA, 5),
            store("CL-LCD-2", LAS_CONDES, 5),
            store("CL-LCD-1", LAS_CONDES, 5),
        ];
        let mut reversed = twins.clone();
        reversed.reverse();

        let r = request(Fulfilment::ShipToHome, 1, twins.clone());
        assert_eq!(
            ids(&sourcing_alternatives(&r)),
            ["CL-WH-A", "CL-WH-B", "CL-LCD-1", "CL-LCD-2"],
            "same tier and same distance: smaller id first"
        );
        let again = request(Fulfilment::ShipToHome, 1, reversed);
        assert_eq!(
            sourcing_alternatives(&again),
            sourcing_alternatives(&r),
            "the order of the candidates does not change the answer"
        );
    }

    #[test]
    fn alternatives_list_every_location_that_could_fill_the_line_in_preference_order() {
        let r = request(
            Fulfilment::ShipToHome,
            2,
            vec![
                store("CL-CON", CONCEPCION, 9),
                store("CL-LCD", LAS_CONDES, 9),
                online("CL-WEB", PUDAHUEL, 9),
                warehouse("CL-WH-SUR", CONCEPCION, 9),
                warehouse("CL-WH1", QUILICURA, 9),
                store("CL-MAI", MAIPU, 1),
            ],
        );
        let alternatives = sourcing_alternatives(&r);
        assert_eq!(
            ids(&alternatives),
            ["CL-WH1", "CL-WH-SUR", "CL-WEB", "CL-LCD", "CL-CON"],
            "warehouses by distance, then online, then stores by distance; Maipú is short"
        );
        assert_eq!(choose_source(&r).as_ref(), alternatives.first(), "the choice is the first alternative");
    }

    #[test]
    fn a_request_is_checked_before_the_rule_runs() {
        let providencia = || RequestingStore { store_id: "CL-PRV".into(), coordinates: PROVIDENCIA };
        let cases = [
            (
                SourcingRequest::new(providencia(), Fulfilment::ShipToHome, 0, vec![]),
                "quantity_not_positive",
                "zero units is not an order line",
            ),
            (
                SourcingRequest::new(providencia(), pick_up_at("CL-XXX"), 1, vec![]),
                "unknown_destination",
                "a destination with no coordinates can't be measured from",
            ),
            (
                SourcingRequest::new(providencia(), pick_up_at("CL-WH1"), 1, vec![warehouse("CL-WH1", QUILICURA, 5)]),
                "destination_not_a_store",
                "customers collect at stores",
            ),
            (
                SourcingRequest::new(
                    providencia(),
                    Fulfilment::ShipToHome,
                    1,
                    vec![store("CL-LCD", LAS_CONDES, 1), store("CL-LCD", MAIPU, 5)],
                ),
                "duplicate_location",
                "one location with two stock figures is ambiguous",
            ),
        ];
        for (result, expected, why) in cases {
            assert_eq!(result.unwrap_err().reason(), expected, "{why}");
        }
    }

    #[test]
    fn fulfilment_serializes_with_its_mode() {
        let json = serde_json::to_string(&pick_up_at("CL-LCD")).unwrap();
        assert_eq!(json, r#"{"mode":"pick_up_at","store_id":"CL-LCD"}"#);
        let home = serde_json::to_string(&Fulfilment::ShipToHome).unwrap();
        assert_eq!(home, r#"{"mode":"ship_to_home"}"#);
    }
}
