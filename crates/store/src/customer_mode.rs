//! Customer mode: the device handed to a customer to browse every colour and size
//! of a product. The session lives in the cache, so it survives a restart of the
//! app; leaving it takes the PIN of one of the store's associates, checked offline
//! against the Argon2id hashes the store scope brings, with the back-off of
//! `vitrina_core::lockout` kept here too (a restart does not reset it).

use crate::outbox::{insert_outbox, next_counter};
use crate::query::{parse_json, price_in, text_columns};
use crate::{Result, Store, StoreError};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use std::collections::HashMap;
use ts_rs::TS;
use vitrina_core::availability::{available_to_promise, safety_units};
use vitrina_core::lockout::{attempts_left, lock_after};
use vitrina_core::sourcing::{choose_source, Candidate, Fulfilment, RequestingStore, SourcingRequest};
use vitrina_core::{promise_date, Coordinates, Money, PromiseRule, Route};
use vitrina_protocol::{ColorRecord, Command, PriceRecord, SaveWishlist, WishlistItem};

/// Content addresses (SHA-256, hex) of a colour's image at tablet resolution and as a thumbnail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImageView {
    pub full: String,
    pub thumb: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SizeState {
    InStore,
    Orderable,
    SoldOut,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SizeAvailability {
    pub sku: String,
    pub size: String,
    pub state: SizeState,
    /// Units that can be sold here now.
    #[ts(type = "number")]
    pub in_store: i64,
    /// When an order placed now would reach the customer's home (YYYY-MM-DD).
    pub arrives: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ShowcaseColor {
    pub color_code: String,
    pub name_es: String,
    pub name_en: String,
    pub hex: String,
    pub image: Option<ImageView>,
    pub sizes: Vec<SizeAvailability>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Showcase {
    pub product_id: String,
    pub style_code: String,
    pub name_es: String,
    pub name_en: String,
    pub description_es: String,
    pub description_en: String,
    pub category_es: String,
    pub category_en: String,
    pub price: Option<Money>,
    pub colors: Vec<ShowcaseColor>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PickView {
    pub product_id: String,
    pub name_es: String,
    pub name_en: String,
    pub color_code: String,
    pub color_es: String,
    pub color_en: String,
    pub hex: String,
    /// Thumbnail content address, when the colour has an image.
    pub thumb: Option<String>,
    pub size: Option<String>,
    /// The SKU, when a size was chosen.
    pub sku: Option<String>,
    /// "I'd like this one" rather than a favourite.
    pub wanted: bool,
    pub price: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct CustomerSession {
    pub product_id: String,
    pub started_at: String,
    pub picks: Vec<PickView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Selection {
    pub picks: Vec<PickView>,
    pub made_at: String,
}

/// A pick as the customer makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pick {
    pub product_id: String,
    pub color_code: String,
    pub size: Option<String>,
    pub wanted: bool,
}

/// The answer to a PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinCheck {
    /// The PIN of this associate (id, name, role).
    Accepted {
        associate_id: String,
        name: String,
        role: String,
    },
    Wrong {
        attempts_left: u32,
    },
    /// Too many wrong PINs: try again after this many seconds.
    Locked {
        retry_after_s: i64,
    },
}

/// Why customer mode can't start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CannotEnter {
    /// No associate PIN has reached this device: nobody could leave the mode.
    NoPins,
}

impl Store {
    /// Whether the device is in customer mode, and the session if so.
    pub fn customer_session(&self) -> Result<Option<CustomerSession>> {
        let row: Option<(String, String)> = self
            .conn
            .query_row("SELECT product_id, started_at FROM customer_session WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((product_id, started_at)) = row else {
            return Ok(None);
        };
        Ok(Some(CustomerSession { product_id, started_at, picks: self.picks("current")? }))
    }

    /// Hands the device to a customer on `product_id`. Refused when no associate
    /// PIN is on the device. Entering again keeps the session but moves it to this
    /// product.
    pub fn enter_customer_mode(
        &mut self,
        product_id: &str,
        now: &str,
    ) -> Result<std::result::Result<CustomerSession, CannotEnter>> {
        let known: i64 =
            self.conn.query_row("SELECT COUNT(*) FROM product WHERE id = ?1", [product_id], |r| r.get(0))?;
        if known == 0 {
            return Err(StoreError::NotFound);
        }
        let pins: i64 = self.conn.query_row("SELECT COUNT(*) FROM associate WHERE active = 1", [], |r| r.get(0))?;
        if pins == 0 {
            return Ok(Err(CannotEnter::NoPins));
        }
        let tx = self.conn.transaction()?;
        let already: bool = tx.query_row("SELECT COUNT(*) FROM customer_session", [], |r| r.get::<_, i64>(0))? > 0;
        if !already {
            // A new customer starts with nothing picked.
            tx.execute("DELETE FROM customer_pick WHERE batch = 'current'", [])?;
        }
        tx.execute(
            "INSERT INTO customer_session (id, product_id, started_at) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET product_id = excluded.product_id",
            params![product_id, now],
        )?;
        tx.commit()?;
        Ok(Ok(self.customer_session()?.ok_or(StoreError::NotFound)?))
    }

    /// Adds (`on`) or removes the customer's pick of a colour. A colour holds one
    /// pick: a favourite, or "I'd like this one" with a size.
    pub fn set_pick(&mut self, pick: &Pick, on: bool, now: &str) -> Result<CustomerSession> {
        let session = self.customer_session()?.ok_or(StoreError::NotFound)?;
        if on {
            self.check_pick(pick)?;
            self.conn.execute(
                "INSERT INTO customer_pick (batch, product_id, color_code, size, wanted, picked_at)
                 VALUES ('current', ?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (batch, product_id, color_code) DO UPDATE SET size = excluded.size,
                     wanted = excluded.wanted, picked_at = excluded.picked_at",
                params![pick.product_id, pick.color_code, pick.size, pick.wanted, now],
            )?;
        } else {
            self.conn.execute(
                "DELETE FROM customer_pick WHERE batch = 'current' AND product_id = ?1 AND color_code = ?2",
                params![pick.product_id, pick.color_code],
            )?;
        }
        Ok(CustomerSession { picks: self.picks("current")?, ..session })
    }

    /// Signs in whoever `pin` belongs to (one PIN, whoever was signed in before):
    /// checked offline against the roster synced to the device, with the back-off
    /// of `vitrina_core::lockout`. Commands queued from then on are theirs.
    pub fn sign_in(&mut self, pin: &str, now: DateTime<Utc>) -> Result<PinCheck> {
        let check = self.check_pin(pin, now)?;
        if let PinCheck::Accepted { associate_id, .. } = &check {
            self.acting = Some(associate_id.clone());
        }
        Ok(check)
    }

    /// Whether any associate of the store can sign in on this device yet.
    pub fn has_associates(&self) -> Result<bool> {
        let n: i64 = self.conn.query_row("SELECT COUNT(*) FROM associate WHERE active = 1", [], |r| r.get(0))?;
        Ok(n > 0)
    }

    /// Checks `pin` against the store's associates, with the back-off of
    /// `vitrina_core::lockout`. On success the session ends, whoever gave the PIN is
    /// signed in, and the picks wait for them (replacing any older selection); the
    /// answer carries them.
    pub fn exit_customer_mode(&mut self, pin: &str, now: DateTime<Utc>) -> Result<(PinCheck, Option<Selection>)> {
        let check = self.sign_in(pin, now)?;
        if !matches!(check, PinCheck::Accepted { .. }) {
            return Ok((check, None));
        }
        let tx = self.conn.transaction()?;
        let picked: i64 =
            tx.query_row("SELECT COUNT(*) FROM customer_pick WHERE batch = 'current'", [], |r| r.get(0))?;
        if picked > 0 {
            tx.execute("DELETE FROM customer_pick WHERE batch = 'waiting'", [])?;
            tx.execute("UPDATE customer_pick SET batch = 'waiting' WHERE batch = 'current'", [])?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('selection_made_at', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [crate::rfc3339(now)],
            )?;
        }
        tx.execute("DELETE FROM customer_session", [])?;
        tx.commit()?;
        Ok((check, if picked > 0 { self.selection()? } else { None }))
    }

    /// The customer's picks waiting for the associate, if any.
    pub fn selection(&self) -> Result<Option<Selection>> {
        let picks = self.picks("waiting")?;
        if picks.is_empty() {
            return Ok(None);
        }
        let made_at: String = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'selection_made_at'", [], |r| r.get(0))
            .optional()?
            .unwrap_or_default();
        Ok(Some(Selection { picks, made_at }))
    }

    /// Forgets the waiting selection.
    pub fn dismiss_selection(&mut self) -> Result<()> {
        self.conn.execute("DELETE FROM customer_pick WHERE batch = 'waiting'", [])?;
        Ok(())
    }

    /// Saves the waiting selection to a customer's profile: shown at once on this
    /// device and sent to the central through the outbox, in one transaction.
    pub fn save_selection(&mut self, customer_id: &str, now: &str) -> Result<()> {
        let picks = self.picks("waiting")?;
        if picks.is_empty() {
            return Err(StoreError::NotFound);
        }
        let tx = self.conn.transaction()?;
        let wishlist: String = tx
            .query_row("SELECT wishlist FROM customer WHERE id = ?1", [customer_id], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let mut wishlist: Vec<WishlistItem> = parse_json(&wishlist)?;
        let items: Vec<WishlistItem> = picks
            .iter()
            .map(|p| WishlistItem {
                product_id: p.product_id.clone(),
                color_code: p.color_code.clone(),
                size: p.size.clone(),
                wanted: p.wanted,
                saved_at: now.to_owned(),
            })
            .collect();
        for item in &items {
            let same = |w: &&mut WishlistItem| {
                w.product_id == item.product_id && w.color_code == item.color_code && w.size == item.size
            };
            match wishlist.iter_mut().find(same) {
                Some(existing) => existing.wanted |= item.wanted,
                None => wishlist.push(item.clone()),
            }
        }
        tx.execute(
            "UPDATE customer SET wishlist = ?2 WHERE id = ?1",
            params![customer_id, crate::outbox::to_json(&wishlist)?],
        )?;
        let counter = next_counter(&tx)?;
        let command = Command::SaveWishlist(SaveWishlist { customer_id: customer_id.to_owned(), items });
        insert_outbox(&tx, counter, self.acting.as_deref(), &command, now)?;
        tx.execute("DELETE FROM customer_pick WHERE batch = 'waiting'", [])?;
        tx.commit()?;
        Ok(())
    }

    /// A customer's saved wishlist, as this device knows it.
    pub fn wishlist(&self, customer_id: &str) -> Result<Vec<WishlistItem>> {
        let raw: String = self
            .conn
            .query_row("SELECT wishlist FROM customer WHERE id = ?1", [customer_id], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NotFound)?;
        parse_json(&raw)
    }

    /// Every colour of a product with its images and, per size, whether the
    /// customer can take it today, have it delivered (and when), or not at all.
    pub fn showcase(&self, product_id: &str, now: DateTime<Utc>) -> Result<Showcase> {
        let home = self.home()?;
        let [id, style_code, name_es, name_en, description_es, description_en, category_es, category_en, class, colors, prices] =
            self.conn
                .prepare_cached(
                    "SELECT id, style_code, name_es, name_en, description_es, description_en, category_es,
                            category_en, product_class, colors, prices
                     FROM product WHERE id = ?1",
                )?
                .query_row([product_id], text_columns::<11>)
                .optional()?
                .ok_or(StoreError::NotFound)?;
        let colors: Vec<ColorRecord> = parse_json(&colors)?;
        let price = price_in(&parse_json::<Vec<PriceRecord>>(&prices)?, &home.currency);
        let tz: chrono_tz::Tz = home.time_zone.parse().unwrap_or(chrono_tz::America::Santiago);
        let locations = self.pulled_location_records()?;
        let rules = self.safety_rules()?;
        let requesting =
            RequestingStore { store_id: home.id.clone(), coordinates: Coordinates { lat: home.lat, lon: home.lon } };

        let mut variants: HashMap<String, Vec<(String, String)>> = HashMap::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT color_code, size, sku FROM variant WHERE product_id = ?1 ORDER BY position")?;
            let rows = stmt.query_map([&id], text_columns::<3>)?;
            for row in rows {
                let [color, size, sku] = row?;
                variants.entry(color).or_default().push((size, sku));
            }
        }

        let mut shown = Vec::with_capacity(colors.len());
        for color in colors {
            let mut sizes = Vec::new();
            for (size, sku) in variants.remove(&color.code).unwrap_or_default() {
                let levels = self.stock_levels_of(&sku)?;
                let atp_at = |location_id: &str| {
                    levels
                        .get(location_id)
                        .map_or(0, |level| available_to_promise(*level, safety_units(&rules, location_id, &class)))
                };
                let in_store = atp_at(&home.id);
                let (state, arrives) = if in_store > 0 {
                    (SizeState::InStore, None)
                } else {
                    let candidates: Vec<Candidate> = locations
                        .iter()
                        .filter(|l| l.id != home.id)
                        .map(|l| Candidate {
                            location_id: l.id.clone(),
                            kind: l.kind,
                            coordinates: Coordinates { lat: l.lat, lon: l.lon },
                            atp: atp_at(&l.id),
                        })
                        .collect();
                    let request = SourcingRequest::new(requesting.clone(), Fulfilment::ShipToHome, 1, candidates);
                    match request.ok().as_ref().and_then(|r| choose_source(r).map(|c| (r, c))) {
                        Some((_, choice)) => {
                            let route = Route::of(&Fulfilment::ShipToHome, &choice);
                            let date = promise_date(now, tz, &PromiseRule::default(), route);
                            (SizeState::Orderable, Some(date.to_string()))
                        }
                        None => (SizeState::SoldOut, None),
                    }
                };
                sizes.push(SizeAvailability { sku, size, state, in_store, arrives });
            }
            shown.push(ShowcaseColor {
                image: color.image.map(|i| ImageView { full: i.full, thumb: i.thumb }),
                color_code: color.code,
                name_es: color.name_es,
                name_en: color.name_en,
                hex: color.hex,
                sizes,
            });
        }
        Ok(Showcase {
            product_id: id,
            style_code,
            name_es,
            name_en,
            description_es,
            description_en,
            category_es,
            category_en,
            price,
            colors: shown,
        })
    }

    /// Every image the catalog refers to (full and thumbnail), each once.
    pub fn image_addresses(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT a FROM (
                 SELECT json_extract(c.value, '$.image.thumb') AS a FROM product p, json_each(p.colors) c
                 UNION ALL
                 SELECT json_extract(c.value, '$.image.full') FROM product p, json_each(p.colors) c
             ) WHERE a IS NOT NULL ORDER BY a",
        )?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn check_pick(&self, pick: &Pick) -> Result<()> {
        let raw: String = self
            .conn
            .query_row("SELECT colors FROM product WHERE id = ?1", [&pick.product_id], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NotFound)?;
        let colors: Vec<ColorRecord> = parse_json(&raw)?;
        if !colors.iter().any(|c| c.code == pick.color_code) {
            return Err(StoreError::NotFound);
        }
        if let Some(size) = &pick.size {
            let exists: i64 = self.conn.query_row(
                "SELECT COUNT(*) FROM variant WHERE product_id = ?1 AND color_code = ?2 AND size = ?3",
                params![pick.product_id, pick.color_code, size],
                |r| r.get(0),
            )?;
            if exists == 0 {
                return Err(StoreError::NotFound);
            }
        }
        Ok(())
    }

    pub(crate) fn check_pin(&mut self, pin: &str, now: DateTime<Utc>) -> Result<PinCheck> {
        let (failures, locked_until): (u32, Option<String>) = self
            .conn
            .query_row("SELECT failures, locked_until FROM pin_guard WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((0, None));
        if let Some(until) = locked_until.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok()) {
            let left = (until.with_timezone(&Utc) - now).num_milliseconds();
            if left > 0 {
                return Ok(PinCheck::Locked { retry_after_s: (left + 999) / 1000 });
            }
        }
        let associates: Vec<[String; 4]> = {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT id, name, role, pin_hash FROM associate WHERE active = 1 ORDER BY id")?;
            let rows = stmt.query_map([], text_columns::<4>)?;
            rows.collect::<Result<_, _>>()?
        };
        let well_formed = (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit());
        let accepted = well_formed
            .then(|| {
                associates.into_iter().find(|[_, _, _, hash]| {
                    PasswordHash::new(hash)
                        .is_ok_and(|parsed| Argon2::default().verify_password(pin.as_bytes(), &parsed).is_ok())
                })
            })
            .flatten();
        if let Some([associate_id, name, role, _]) = accepted {
            self.conn.execute("DELETE FROM pin_guard", [])?;
            tracing::info!(associate = %associate_id, "associate PIN accepted");
            return Ok(PinCheck::Accepted { associate_id, name, role });
        }
        let failures = failures.saturating_add(1);
        let lock = lock_after(failures);
        let locked_until = lock.map(|d| crate::rfc3339(now + d));
        self.conn.execute(
            "INSERT INTO pin_guard (id, failures, locked_until) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
            params![failures, locked_until],
        )?;
        tracing::warn!(failures, "wrong associate PIN");
        Ok(match lock {
            Some(d) => PinCheck::Locked { retry_after_s: d.num_seconds() },
            None => PinCheck::Wrong { attempts_left: attempts_left(failures) },
        })
    }

    fn picks(&self, batch: &str) -> Result<Vec<PickView>> {
        let home = self.home()?;
        let rows: Vec<(String, String, Option<String>, bool)> = {
            let mut stmt = self.conn.prepare_cached(
                "SELECT product_id, color_code, size, wanted FROM customer_pick WHERE batch = ?1 ORDER BY picked_at, color_code",
            )?;
            let rows = stmt.query_map([batch], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut picks = Vec::with_capacity(rows.len());
        for (product_id, color_code, size, wanted) in rows {
            let Some([name_es, name_en, colors, prices]) = self
                .conn
                .prepare_cached("SELECT name_es, name_en, colors, prices FROM product WHERE id = ?1")?
                .query_row([&product_id], text_columns::<4>)
                .optional()?
            else {
                continue; // The product left the catalog since.
            };
            let colors: Vec<ColorRecord> = parse_json(&colors)?;
            let Some(color) = colors.into_iter().find(|c| c.code == color_code) else {
                continue;
            };
            let sku: Option<String> = match &size {
                Some(size) => self
                    .conn
                    .query_row(
                        "SELECT sku FROM variant WHERE product_id = ?1 AND color_code = ?2 AND size = ?3",
                        params![product_id, color_code, size],
                        |r| r.get(0),
                    )
                    .optional()?,
                None => None,
            };
            picks.push(PickView {
                price: price_in(&parse_json::<Vec<PriceRecord>>(&prices)?, &home.currency),
                product_id,
                name_es,
                name_en,
                color_code,
                color_es: color.name_es,
                color_en: color.name_en,
                hex: color.hex,
                thumb: color.image.map(|i| i.thumb),
                size,
                sku,
                wanted,
            });
        }
        Ok(picks)
    }
}
