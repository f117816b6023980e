//! Reads for the screens: search, barcode lookup, a product's availability.

use crate::views::*;
use crate::{Result, Store, StoreError};
use rusqlite::{params, OptionalExtension, Row};
use std::collections::HashMap;
use vitrina_core::availability::{available_to_promise, safety_units, SafetyRule, StockLevel};
use vitrina_core::{distance_km, Coordinates, Currency, Gtin, LocationKind, Money};
use vitrina_protocol::{inventory_scope, ColorRecord, LocationRecord, PriceRecord};

/// The locations whose inventory the cache holds, as a table `held (location_id)`.
/// Stock is keyed by location first, so one SKU's stock everywhere is read as a key
/// lookup at each of them (a handful: the device's region).
const HELD: &str = "(SELECT substr(scope, 11) AS location_id FROM scope_cursor
    WHERE scope >= 'inventory:' AND scope < 'inventory;') AS held";

/// Reserved units of a stock row `s`, counting reservations of orders the central
/// hasn't confirmed yet.
const RESERVED: &str = "s.reserved + COALESCE((SELECT SUM(pr.quantity) FROM provisional_reservation pr
    WHERE pr.sku = s.sku AND pr.location_id = s.location_id), 0)";

/// The statements that read stock. Each walks its rows in the table's key order
/// (location, SKU) with `CROSS JOIN` fixing the order of the loops: left to
/// SQLite, a join on SKU alone may scan a location's every row.
pub(crate) mod stock_sql {
    use super::{HELD, RESERVED};

    /// A product's stock at every held location: ?1 the product.
    pub fn of_product() -> String {
        format!(
            "SELECT s.location_id, s.sku, s.on_hand, {RESERVED}, s.in_transit, s.transit_eta
             FROM variant v CROSS JOIN {HELD} CROSS JOIN stock s ON s.location_id = held.location_id AND s.sku = v.sku
             WHERE v.product_id = ?1"
        )
    }

    /// One SKU's stock at every held location: ?1 the SKU.
    pub fn of_sku() -> String {
        format!(
            "SELECT s.location_id, s.on_hand, {RESERVED}
             FROM {HELD} CROSS JOIN stock s ON s.location_id = held.location_id AND s.sku = ?1"
        )
    }

    /// The stock of `products` products at one location: ?1 the location, then the
    /// products.
    pub fn of_products_at(products: usize) -> String {
        let placeholders = vec!["?"; products].join(", ");
        format!(
            "SELECT v.product_id, s.on_hand, {RESERVED}
             FROM variant v CROSS JOIN stock s ON s.location_id = ?1 AND s.sku = v.sku
             WHERE v.product_id IN ({placeholders})"
        )
    }
}

/// Most matches ranked per search (see [`Store::search`]).
pub const RANK_CANDIDATES: i64 = 400;

/// One SKU's stock at a location as read: sku, level, in transit, transit ETA.
struct StockRow(String, StockLevel, i64, Option<String>);

impl Store {
    /// Products matching `query` as typed: every word is a prefix, accents and case
    /// are ignored, an exact style code comes first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let words = search_words(query);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let fts_query = words.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" ");
        let home = self.home()?;
        let rules = self.safety_rules_for(&home.id)?;
        // Ranking every match of a short prefix ("c") is the slow path, so only the
        // first RANK_CANDIDATES matches are ranked. An exact style code is looked up
        // on its own and always comes first, wherever it sits in the index.
        let mut stmt = self.conn.prepare_cached(
            "WITH candidates AS (
                 SELECT rowid AS id, bm25(product_search, 10.0, 5.0, 2.0, 1.0) AS score
                 FROM product_search WHERE product_search MATCH ?1 LIMIT ?4
             ),
             exact AS (
                 SELECT rowid AS id, -1e300 AS score FROM product WHERE style_code = upper(trim(?2))
             ),
             ranked AS (
                 SELECT id, MIN(score) AS score
                 FROM (SELECT id, score FROM candidates UNION ALL SELECT id, score FROM exact)
                 GROUP BY id
             )
             SELECT p.id, p.style_code, p.name_es, p.name_en, p.category_es, p.category_en,
                    p.product_class, p.colors, p.prices
             FROM ranked r JOIN product p ON p.rowid = r.id
             ORDER BY r.score, p.name_es
             LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![fts_query, query, limit as i64, RANK_CANDIDATES], text_columns::<9>)?;
        let mut hits = Vec::new();
        let mut classes = Vec::new();
        for row in rows {
            let [product_id, style_code, name_es, name_en, category_es, category_en, class, colors, prices] = row?;
            classes.push(class);
            hits.push(SearchHit {
                product_id,
                style_code,
                name_es,
                name_en,
                category_es,
                category_en,
                price: price_in(&parse_json::<Vec<PriceRecord>>(&prices)?, &home.currency),
                swatches: parse_json::<Vec<ColorRecord>>(&colors)?.into_iter().map(swatch).collect(),
                available_here: 0,
            });
        }
        // Stock here for every hit in one read, then the one ATP rule per SKU.
        let ids: Vec<&str> = hits.iter().map(|h| h.product_id.as_str()).collect();
        let mut levels = self.stock_of_products_at(&ids, &home.id)?;
        for (hit, class) in hits.iter_mut().zip(&classes) {
            let safety = safety_units(&rules, &home.id, class);
            hit.available_here = levels
                .remove(hit.product_id.as_str())
                .unwrap_or_default()
                .into_iter()
                .map(|level| available_to_promise(level, safety))
                .sum();
        }
        Ok(hits)
    }

    /// The variant a scanned or typed barcode names.
    pub fn find_barcode(&self, code: &str) -> Result<BarcodeHit> {
        let gtin = Gtin::parse(code)?;
        self.conn
            .prepare_cached("SELECT product_id, sku, color_code, size FROM variant WHERE gtin14 = ?1")?
            .query_row([gtin.to_gtin14()], |r| {
                Ok(BarcodeHit { product_id: r.get(0)?, sku: r.get(1)?, color_code: r.get(2)?, size: r.get(3)? })
            })
            .optional()?
            .ok_or(StoreError::NotFound)
    }

    /// A product with its color × size grid and its availability here and at every
    /// other location of the device's region.
    pub fn product_detail(&self, product_id: &str) -> Result<ProductDetail> {
        let home = self.home()?;
        let product = self
            .conn
            .prepare_cached(
                "SELECT id, style_code, name_es, name_en, description_es, description_en, category_es,
                        category_en, product_class, colors, sizes, prices
                 FROM product WHERE id = ?1",
            )?
            .query_row([product_id], text_columns::<12>)
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let [id, style_code, name_es, name_en, description_es, description_en, category_es, category_en, class, colors, sizes, prices] =
            product;
        let price = price_in(&parse_json::<Vec<PriceRecord>>(&prices)?, &home.currency);

        let variants: Vec<VariantView> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT sku, color_code, size, gtin FROM variant WHERE product_id = ?1 ORDER BY position",
            )?;
            let rows = stmt.query_map([&id], |r| {
                Ok(VariantView { sku: r.get(0)?, color_code: r.get(1)?, size: r.get(2)?, gtin: r.get(3)?, price })
            })?;
            rows.collect::<Result<_, _>>()?
        };

        let rules = self.all_safety_rules()?;
        let mut by_location: HashMap<String, Vec<StockRow>> = HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(&stock_sql::of_product())?;
            let rows = stmt.query_map([&id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    StockRow(
                        r.get::<_, String>(1)?,
                        StockLevel { on_hand: r.get(2)?, reserved: r.get(3)? },
                        r.get::<_, i64>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ),
                ))
            })?;
            for row in rows {
                let (location, figure) = row?;
                by_location.entry(location).or_default().push(figure);
            }
        }

        let order: HashMap<&str, usize> = variants.iter().enumerate().map(|(i, v)| (v.sku.as_str(), i)).collect();
        let here_coords = Coordinates { lat: home.lat, lon: home.lon };
        let mut here = None;
        let mut elsewhere = Vec::new();
        for location in self.pulled_locations()? {
            let safety = safety_units(&rules, &location.id, &class);
            let mut figures: Vec<StockFigure> = by_location
                .remove(&location.id)
                .unwrap_or_default()
                .into_iter()
                .map(|StockRow(sku, level, in_transit, transit_eta)| StockFigure {
                    sku,
                    on_hand: level.on_hand,
                    reserved: level.reserved,
                    safety,
                    atp: available_to_promise(level, safety),
                    in_transit,
                    transit_eta,
                })
                .collect();
            figures.sort_by_key(|f| order.get(f.sku.as_str()).copied().unwrap_or(usize::MAX));
            let is_home = location.id == home.id;
            let view = LocationView {
                id: location.id.clone(),
                kind: location.kind,
                name: location.name.clone(),
                city: location.city.clone(),
                country: location.country.clone(),
                distance_km: (!is_home)
                    .then(|| distance_km(here_coords, Coordinates { lat: location.lat, lon: location.lon })),
            };
            let stock = LocationStock {
                location: view,
                total_on_hand: figures.iter().map(|f| f.on_hand).sum(),
                total_atp: figures.iter().map(|f| f.atp).sum(),
                figures,
                as_of: self.confirmed_at(&inventory_scope(&location.id))?,
            };
            if is_home {
                here = Some(stock);
            } else {
                elsewhere.push(stock);
            }
        }
        elsewhere.sort_by(|a, b| {
            (a.location.kind.display_rank(), a.location.distance_km.unwrap_or(0.0))
                .partial_cmp(&(b.location.kind.display_rank(), b.location.distance_km.unwrap_or(0.0)))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let here = here.unwrap_or_else(|| LocationStock {
            location: LocationView {
                id: home.id.clone(),
                kind: home.kind,
                name: home.name.clone(),
                city: home.city.clone(),
                country: home.country.clone(),
                distance_km: None,
            },
            figures: Vec::new(),
            total_on_hand: 0,
            total_atp: 0,
            as_of: None,
        });

        Ok(ProductDetail {
            product_id: id,
            style_code,
            name_es,
            name_en,
            description_es,
            description_en,
            category_es,
            category_en,
            price,
            colors: parse_json::<Vec<ColorRecord>>(&colors)?.into_iter().map(swatch).collect(),
            sizes: parse_json(&sizes)?,
            variants,
            here,
            elsewhere,
        })
    }

    /// The device's store, as the screens show it.
    pub fn store_info(&self) -> Result<Option<StoreInfo>> {
        Ok(self.enrollment()?.map(|e| StoreInfo {
            id: e.store.id,
            name: e.store.name,
            city: e.store.city,
            country: e.store.country,
            currency: e.store.currency,
            time_zone: e.store.time_zone,
        }))
    }

    /// Number of products in the cache.
    pub fn product_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM product", [], |r| r.get(0))?)
    }

    /// Stock rows of one location.
    pub fn stock_count(&self, location_id: &str) -> Result<i64> {
        Ok(self.conn.query_row("SELECT COUNT(*) FROM stock WHERE location_id = ?1", [location_id], |r| r.get(0))?)
    }

    /// On hand and reserved of one SKU at one location, as cached.
    pub fn stock_level(&self, sku: &str, location_id: &str) -> Result<Option<StockLevel>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT s.on_hand, s.reserved + COALESCE((SELECT SUM(pr.quantity) FROM provisional_reservation pr WHERE pr.sku = s.sku AND pr.location_id = s.location_id), 0) FROM stock s WHERE s.sku = ?1 AND s.location_id = ?2",
            )?
            .query_row(params![sku, location_id], |r| {
                Ok(StockLevel {
                    on_hand: r.get(0)?,
                    reserved: r.get(1)?,
                })
            })
            .optional()?)
    }

    /// Locations whose inventory the device pulls, with their records.
    pub(crate) fn pulled_location_records(&self) -> Result<Vec<LocationRecord>> {
        self.pulled_locations()
    }

    /// Every safety-stock rule in the cache.
    pub(crate) fn safety_rules(&self) -> Result<Vec<SafetyRule>> {
        self.all_safety_rules()
    }

    /// Locations whose inventory the device pulls, with their records.
    fn pulled_locations(&self) -> Result<Vec<LocationRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.id, l.kind, l.name, l.country, l.city, l.address, l.lat, l.lon, l.time_zone, l.currency
             FROM location l JOIN scope_cursor c ON c.scope = 'inventory:' || l.id",
        )?;
        let rows = stmt.query_map([], location_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stock levels of every variant of `product_ids` at one location, by product.
    fn stock_of_products_at(
        &self,
        product_ids: &[&str],
        location_id: &str,
    ) -> Result<HashMap<String, Vec<StockLevel>>> {
        let mut levels: HashMap<String, Vec<StockLevel>> = HashMap::new();
        if product_ids.is_empty() {
            return Ok(levels);
        }
        let mut stmt = self.conn.prepare_cached(&stock_sql::of_products_at(product_ids.len()))?;
        let params = std::iter::once(&location_id as &dyn rusqlite::ToSql)
            .chain(product_ids.iter().map(|id| id as &dyn rusqlite::ToSql));
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
            Ok((r.get::<_, String>(0)?, StockLevel { on_hand: r.get(1)?, reserved: r.get(2)? }))
        })?;
        for row in rows {
            let (product_id, level) = row?;
            levels.entry(product_id).or_default().push(level);
        }
        Ok(levels)
    }

    fn safety_rules_for(&self, location_id: &str) -> Result<Vec<SafetyRule>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT location_id, product_class, units FROM safety_rule WHERE location_id = ?1")?;
        let rows = stmt.query_map([location_id], safety_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn all_safety_rules(&self) -> Result<Vec<SafetyRule>> {
        let mut stmt = self.conn.prepare_cached("SELECT location_id, product_class, units FROM safety_rule")?;
        let rows = stmt.query_map([], safety_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// The first `N` columns of a row, all text.
pub(crate) fn text_columns<const N: usize>(r: &Row<'_>) -> rusqlite::Result<[String; N]> {
    let mut columns: [String; N] = std::array::from_fn(|_| String::new());
    for (index, column) in columns.iter_mut().enumerate() {
        *column = r.get(index)?;
    }
    Ok(columns)
}

fn safety_from_row(r: &Row<'_>) -> rusqlite::Result<SafetyRule> {
    Ok(SafetyRule { location_id: r.get(0)?, product_class: r.get(1)?, units: r.get(2)? })
}

fn location_from_row(r: &Row<'_>) -> rusqlite::Result<LocationRecord> {
    let kind: String = r.get(1)?;
    Ok(LocationRecord {
        id: r.get(0)?,
        kind: LocationKind::parse(&kind).unwrap_or(LocationKind::Store),
        name: r.get(2)?,
        country: r.get(3)?,
        city: r.get(4)?,
        address: r.get(5)?,
        lat: r.get(6)?,
        lon: r.get(7)?,
        time_zone: r.get(8)?,
        currency: r.get(9)?,
    })
}

pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T> {
    serde_json::from_str(raw).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn swatch(c: ColorRecord) -> Swatch {
    Swatch { color_code: c.code, name_es: c.name_es, name_en: c.name_en, hex: c.hex }
}

pub(crate) fn price_in(prices: &[PriceRecord], currency: &str) -> Option<Money> {
    let wanted = Currency::parse(currency).ok()?;
    prices.iter().find(|p| p.currency == currency).map(|p| Money::new(p.minor, wanted))
}

/// The words of a typed query, lower-cased, with FTS5 syntax characters removed
/// so that nothing a person types can break the query.
pub(crate) fn search_words(query: &str) -> Vec<String> {
    query.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).collect()
}
