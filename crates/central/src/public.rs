//! The public booking page: customers book a stylist themselves, without an
//! account, at the store nearest to where they will be.
//!
//! - `GET /book` serves one small page (HTML, CSS and JS compiled into the binary,
//!   nothing from elsewhere, a strict CSP), in Spanish or English.
//! - `/v1/public/...` answers the page in JSON: services, the stores nearest a
//!   place (found offline in a small gazetteer) or a position, free slots, holds
//!   and their confirmation, and the confirmed booking's calendar file.
//!
//! **Holds.** Choosing a slot holds it for [`HOLD_MINUTES`] (`slot_hold`). An
//! unexpired, unconfirmed hold takes the stylist's time in
//! [`appointments::bookings`], which is what `appointments::check_slot` reads, so
//! neither another customer nor a device (`BookAppointment`, `RescheduleAppointment`)
//! can take the slot meanwhile. Confirming marks the hold and books with
//! `appointments::book` in one immediate transaction: exactly one booking per slot.
//!
//! **Abuse.** Every public route is rate limited per client address (token
//! buckets in memory, stricter for holds and confirmations), answers `429` with
//! `Retry-After`, takes bodies of at most [`MAX_BODY_BYTES`], and a client may keep
//! at most [`MAX_HOLDS_PER_CLIENT`] holds at once. Answers never carry another
//! customer's data: slots name stylists, never who booked them, and a calendar file
//! needs the secret handed out at confirmation (only its SHA-256 is stored).

use crate::appointments::{self, Booker, Refused};
use crate::error::CentralError;
use crate::sql::{params, Connection, OptionalExtension, TransactionBehavior};
use crate::storage::{self, sha256_hex};
use crate::AppState;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;
use utoipa::{IntoParams, ToSchema};
use vitrina_core::{distance_km, free_slots, nearest_free, Coordinates, LocationKind, SlotRequest, SlotSearch};
use vitrina_protocol::{LocationRecord, ServiceRecord, SlotOffer, StylistRecord};

/// Minutes a held slot stays reserved for the customer typing their details.
pub const HOLD_MINUTES: i64 = 5;
/// Holds one client may keep at once.
pub const MAX_HOLDS_PER_CLIENT: i64 = 3;
/// Largest request body a public endpoint reads.
pub const MAX_BODY_BYTES: usize = 4 * 1024;
/// Most days one slot search may span.
pub const MAX_SLOT_DAYS: i64 = 14;
/// How far ahead the page books, in days.
pub const MAX_DAYS_AHEAD: i64 = 90;
/// Minutes between the starts the page offers (a subset of the central's grid).
pub const PUBLIC_STEP_MINUTES: u32 = 30;
/// Minutes from now before which the page offers no slot.
pub const PUBLIC_LEAD_MINUTES: u32 = 60;
/// Most stores one search answers.
pub const MAX_STORES: usize = 5;
/// Stores further than this from the place are left out (the nearest always stays).
pub const STORE_RADIUS_KM: f64 = 60.0;
/// Alternatives offered when a slot is gone.
const ALTERNATIVES: usize = 3;

// ================================================================== languages

/// The page's languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Es,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
        }
    }

    fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "es" => Some(Lang::Es),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// `?lang=` if it names a language of the page, else the preferred one of the
    /// `Accept-Language` header, else Spanish.
    pub fn choose(query: Option<&str>, accept_language: Option<&str>) -> Lang {
        if let Some(lang) = query.and_then(Lang::parse) {
            return lang;
        }
        let mut best: Option<(f32, Lang)> = None;
        for item in accept_language.unwrap_or_default().split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else { continue };
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::Es, |(_, lang)| lang)
    }
}

// ================================================================== gazetteer

/// How precisely a gazetteer entry places someone: a street beats a neighbourhood,
/// which beats a district, which beats a whole city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PlaceKind {
    City,
    District,
    Area,
    Street,
}

#[derive(Debug)]
struct Place {
    city: &'static str,
    kind: PlaceKind,
    name: String,
    /// Every name, normalised into words.
    keys: Vec<Vec<String>>,
    /// Postal codes; `(pattern, is_prefix)`.
    postal: Vec<(String, bool)>,
    lat: f64,
    lon: f64,
}

/// Cities of the gazetteer: key, name shown, digits of a postal code.
const CITIES: [(&str, &str, usize); 3] =
    [("SCL", "Santiago", 7), ("BOG", "Bogotá", 6), ("CDMX", "Ciudad de México", 5)];

/// A place the gazetteer recognised in what the customer typed.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlaceMatch {
    pub name: String,
    pub city: String,
    pub lat: f64,
    pub lon: f64,
}

/// Lower case, accents and ñ folded, anything but letters and digits a space,
/// spaces collapsed: "Ñuñoa,  Av. O'Higgins" → "nunoa av o higgins".
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c => c,
        };
        if c.is_alphanumeric() {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn gazetteer() -> &'static [Place] {
    static PLACES: OnceLock<Vec<Place>> = OnceLock::new();
    PLACES.get_or_init(|| parse_gazetteer(include_str!("../assets/gazetteer.tsv")))
}

fn parse_gazetteer(text: &str) -> Vec<Place> {
    let mut places = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let parsed = (|| {
            let [city, kind, names, postal, lat, lon] = fields.as_slice() else { return None };
            let city = CITIES.iter().find(|(key, _, _)| key == city)?.0;
            let kind = match *kind {
                "city" => PlaceKind::City,
                "district" => PlaceKind::District,
                "area" => PlaceKind::Area,
                "street" => PlaceKind::Street,
                _ => return None,
            };
            let names: Vec<&str> = names.split('|').map(str::trim).filter(|n| !n.is_empty()).collect();
            let postal = postal
                .split_whitespace()
                .filter(|p| *p != "-")
                .map(|p| match p.strip_suffix('*') {
                    Some(prefix) => (prefix.to_owned(), true),
                    None => (p.to_owned(), false),
                })
                .collect();
            Some(Place {
                city,
                kind,
                name: (*names.first()?).to_owned(),
                keys: names.iter().map(|n| normalise(n).split(' ').map(str::to_owned).collect()).collect(),
                postal,
                lat: lat.parse().ok()?,
                lon: lon.parse().ok()?,
            })
        })();
        match parsed {
            Some(place) => places.push(place),
            // The file is compiled in and checked by a test; a bad line is a bug.
            None => tracing::error!(line = number + 1, "malformed gazetteer line skipped"),
        }
    }
    places
}

fn city_name(key: &str) -> &'static str {
    CITIES.iter().find(|(k, _, _)| *k == key).map_or("", |(_, name, _)| name)
}

fn city_postal_digits(key: &str) -> usize {
    CITIES.iter().find(|(k, _, _)| *k == key).map_or(0, |(_, _, digits)| *digits)
}

/// The place a customer means by `text`: a postal code in it, else the known place
/// names it contains (whole words, case and accents ignored). When names of
/// several cities appear, the city named most wins; within it, the most precise
/// place (a street over a neighbourhood over a district over the city).
pub fn find_place(text: &str) -> Option<PlaceMatch> {
    let places = gazetteer();
    let found = find_by_postal_code(places, text).or_else(|| find_by_name(places, &normalise(text)))?;
    Some(PlaceMatch {
        name: found.name.clone(),
        city: city_name(found.city).to_owned(),
        lat: found.lat,
        lon: found.lon,
    })
}

fn find_by_postal_code<'a>(places: &'a [Place], text: &str) -> Option<&'a Place> {
    let trimmed = text.trim();
    // "755 0000" typed alone is one code.
    let mut codes: Vec<String> = Vec::new();
    if !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-') {
        codes.push(trimmed.chars().filter(char::is_ascii_digit).collect());
    }
    codes.extend(
        trimmed.split(|c: char| !c.is_ascii_digit()).filter(|run| (5..=7).contains(&run.len())).map(str::to_owned),
    );
    for code in codes {
        let mut best: Option<(&Place, usize)> = None;
        for place in places.iter().filter(|p| city_postal_digits(p.city) == code.len()) {
            for (pattern, prefix) in &place.postal {
                let score = if !prefix && *pattern == code {
                    usize::MAX
                } else if *prefix && code.starts_with(pattern.as_str()) {
                    pattern.len()
                } else {
                    continue;
                };
                if best.is_none_or(|(_, s)| score > s) {
                    best = Some((place, score));
                }
            }
        }
        if let Some((place, _)) = best {
            return Some(place);
        }
    }
    None
}

fn find_by_name<'a>(places: &'a [Place], normalised: &str) -> Option<&'a Place> {
    let words: Vec<&str> = normalised.split(' ').filter(|w| !w.is_empty()).collect();
    // Every (place, span of words, key length) where one of the place's names occurs.
    let mut hits: Vec<(&Place, usize, usize)> = Vec::new();
    for place in places {
        let mut best: Option<(usize, usize)> = None;
        for key in &place.keys {
            if key.is_empty() || key.len() > words.len() {
                continue;
            }
            for start in 0..=words.len() - key.len() {
                if key.iter().zip(&words[start..]).all(|(k, w)| k == w) && best.is_none_or(|(_, len)| key.len() > len) {
                    best = Some((start, key.len()));
                }
            }
        }
        if let Some((start, len)) = best {
            hits.push((place, start, start + len));
        }
    }
    // A name inside a longer one ("kennedy" in "presidente kennedy") is not a match.
    let kept: Vec<&(&Place, usize, usize)> = hits
        .iter()
        .filter(|(_, s, e)| !hits.iter().any(|(_, s2, e2)| s2 <= s && e <= e2 && (e2 - s2) > (e - s)))
        .collect();
    let mut by_city: Vec<(&str, usize, usize)> = Vec::new();
    for (place, s, e) in &kept {
        match by_city.iter_mut().find(|(city, _, _)| *city == place.city) {
            Some(entry) => {
                entry.1 += 1;
                entry.2 += e - s;
            }
            None => by_city.push((place.city, 1, e - s)),
        }
    }
    let city =
        by_city.iter().max_by(|a, b| (a.1, a.2).cmp(&(b.1, b.2)).then_with(|| city_rank(b.0).cmp(&city_rank(a.0))))?.0;
    kept.iter()
        .filter(|(p, _, _)| p.city == city)
        .max_by(|(a, s1, e1), (b, s2, e2)| (a.kind, e1 - s1).cmp(&(b.kind, e2 - s2)).then_with(|| s2.cmp(s1)))
        .map(|(p, _, _)| *p)
}

fn city_rank(key: &str) -> usize {
    CITIES.iter().position(|(k, _, _)| *k == key).unwrap_or(usize::MAX)
}

// ================================================================== rate limiting

/// Token buckets per client: `burst` requests at once, then `per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateConfig {
    pub burst: f64,
    pub per_second: f64,
    /// For holds and confirmations.
    pub write_burst: f64,
    pub write_per_second: f64,
}

impl Default for RateConfig {
    fn default() -> Self {
        RateConfig { burst: 20.0, per_second: 4.0, write_burst: 6.0, write_per_second: 0.2 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Class {
    Read,
    Write,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets kept before the full ones are forgotten.
const MAX_BUCKETS: usize = 50_000;

#[derive(Debug)]
pub struct RateLimiter {
    config: RateConfig,
    buckets: Mutex<HashMap<(String, Class), Bucket>>,
}

impl RateLimiter {
    pub fn new(config: RateConfig) -> RateLimiter {
        RateLimiter { config, buckets: Mutex::new(HashMap::new()) }
    }

    fn limits(&self, class: Class) -> (f64, f64) {
        match class {
            Class::Read => (self.config.burst, self.config.per_second),
            Class::Write => (self.config.write_burst, self.config.write_per_second),
        }
    }

    /// Takes a token of `client`'s bucket, or says in how many seconds one will be there.
    pub(crate) fn take(&self, client: &str, class: Class, now: Instant) -> Result<(), u64> {
        let (burst, rate) = self.limits(class);
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MAX_BUCKETS {
            buckets.retain(|(_, class), b| {
                let (burst, rate) = self.limits(*class);
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate < burst
            });
        }
        let bucket = buckets.entry((client.to_owned(), class)).or_insert(Bucket { tokens: burst, at: now });
        bucket.tokens = (bucket.tokens + now.saturating_duration_since(bucket.at).as_secs_f64() * rate).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = if rate > 0.0 { (1.0 - bucket.tokens) / rate } else { 3600.0 };
            Err(wait.ceil().max(1.0) as u64)
        }
    }
}

/// Who is calling, for rate limits and the cap on holds: the peer's address, or
/// when the peer is a proxy on this host, the address it forwarded. Without the
/// peer (a server started without connect info), the forwarded address. IPv6
/// clients count per /64, the block one subscriber usually gets.
#[derive(Debug, Clone)]
pub struct ClientKey(pub String);

pub(crate) fn client_key(req: &Request) -> String {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|v| v.trim().parse::<IpAddr>().ok());
    let ip = match (peer, forwarded) {
        (Some(peer), Some(forwarded)) if peer.is_loopback() => Some(forwarded),
        (Some(peer), _) => Some(peer),
        (None, forwarded) => forwarded,
    };
    match ip {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        None => "unknown".to_owned(),
    }
}

async fn rate_limit(State(limiter): State<Arc<RateLimiter>>, mut req: Request, next: Next) -> Response {
    let key = client_key(&req);
    let class = if req.method() == Method::POST { Class::Write } else { Class::Read };
    if let Err(retry_after) = limiter.take(&key, class, Instant::now()) {
        tracing::warn!(client = %key, "public request rate limited");
        return PublicError::RateLimited { retry_after, message: "too many requests; slow down" }.into_response();
    }
    req.extensions_mut().insert(ClientKey(key));
    next.run(req).await
}

// ================================================================== errors

/// The answer of a public endpoint that did not work: `{code, message}` like every
/// `ApiError`, with the field at fault or the alternatives when there are some.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicErrorBody {
    /// `invalid`, `not_found`, `place_not_found`, `slot_taken`, `hold_expired`,
    /// `already_confirmed`, `rate_limited` or `internal`.
    pub code: String,
    /// English text for logs; the page shows its own text per code.
    pub message: String,
    /// The request field at fault (`name`, `phone`, `email`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Free slots near the one asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<SlotOffer>,
}

#[derive(Debug)]
pub enum PublicError {
    Invalid { field: Option<&'static str>, message: String },
    TooLarge,
    NotFound(&'static str),
    PlaceNotFound,
    SlotTaken(Vec<SlotOffer>),
    HoldExpired(Vec<SlotOffer>),
    AlreadyConfirmed,
    RateLimited { retry_after: u64, message: &'static str },
    Central(CentralError),
}

impl From<CentralError> for PublicError {
    fn from(e: CentralError) -> Self {
        match e {
            CentralError::Invalid(message) => PublicError::Invalid { field: None, message },
            CentralError::NotFound => PublicError::NotFound("not found"),
            other => PublicError::Central(other),
        }
    }
}

impl From<crate::sql::Error> for PublicError {
    fn from(e: crate::sql::Error) -> Self {
        PublicError::from(CentralError::from(e))
    }
}

impl From<serde_json::Error> for PublicError {
    fn from(e: serde_json::Error) -> Self {
        PublicError::Central(e.into())
    }
}

/// The page's answer, but a transaction that lost a race (PostgreSQL) goes back to
/// [`crate::Db::call`] to run again instead of becoming the answer.
fn or_retry<T>(answer: Result<T, PublicError>) -> storage::Result<Result<T, PublicError>> {
    match answer {
        Err(PublicError::Central(e)) if e.is_retryable() => Err(e),
        other => Ok(other),
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> PublicError {
    PublicError::Invalid { field: Some(field), message: message.into() }
}

impl IntoResponse for PublicError {
    fn into_response(self) -> Response {
        let body = |code: &str, message: String| PublicErrorBody {
            code: code.into(),
            message,
            field: None,
            alternatives: Vec::new(),
        };
        let (status, body, retry_after) = match self {
            PublicError::Invalid { field, message } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                PublicErrorBody { field: field.map(str::to_owned), ..body("invalid", message) },
                None,
            ),
            PublicError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                body("invalid", format!("request body larger than {MAX_BODY_BYTES} bytes")),
                None,
            ),
            PublicError::NotFound(what) => (StatusCode::NOT_FOUND, body("not_found", what.into()), None),
            PublicError::PlaceNotFound => (
                StatusCode::NOT_FOUND,
                body("place_not_found", "no known place in the text; try a neighbourhood or a postal code".into()),
                None,
            ),
            PublicError::SlotTaken(alternatives) => (
                StatusCode::CONFLICT,
                PublicErrorBody { alternatives, ..body("slot_taken", "the slot is no longer free".into()) },
                None,
            ),
            PublicError::HoldExpired(alternatives) => (
                StatusCode::CONFLICT,
                PublicErrorBody { alternatives, ..body("hold_expired", "the hold expired".into()) },
                None,
            ),
            PublicError::AlreadyConfirmed => {
                (StatusCode::CONFLICT, body("already_confirmed", "the hold was already confirmed".into()), None)
            }
            PublicError::RateLimited { retry_after, message } => {
                (StatusCode::TOO_MANY_REQUESTS, body("rate_limited", message.into()), Some(retry_after))
            }
            PublicError::Central(e) => return e.into_response(),
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// A JSON body, with our errors (and 413 for one too large).
pub struct PublicJson<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for PublicJson<T> {
    type Rejection = PublicError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(PublicJson(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(PublicError::TooLarge),
            Err(rejection) => Err(PublicError::Invalid { field: None, message: rejection.body_text() }),
        }
    }
}

/// Query parameters, with our errors.
pub struct PublicQuery<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for PublicQuery<T> {
    type Rejection = PublicError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|q| PublicQuery(q.0))
            .map_err(|rejection| PublicError::Invalid { field: None, message: rejection.body_text() })
    }
}

// ================================================================== the page

const PAGE: &str = include_str!("../assets/book.html");
const CSS: &str = include_str!("../assets/book.css");
const JS: &str = include_str!("../assets/book.js");
const I18N: &str = include_str!("../assets/i18n.json");

/// The page's Content-Security-Policy: nothing but this origin, no inline code.
pub const CSP: &str =
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

fn short_hash(text: &str) -> String {
    sha256_hex(text)[..12].to_owned()
}

/// The page with its texts in `lang`, rendered once per language.
pub fn render_page(lang: Lang) -> &'static str {
    static PAGES: OnceLock<[String; 2]> = OnceLock::new();
    let pages = PAGES.get_or_init(|| [render(Lang::Es), render(Lang::En)]);
    match lang {
        Lang::Es => &pages[0],
        Lang::En => &pages[1],
    }
}

fn render(lang: Lang) -> String {
    let dictionaries: serde_json::Value = serde_json::from_str(I18N).unwrap_or_default();
    let texts = &dictionaries[lang.code()];
    // Inside <script type="application/json">: no "</" may close the element early.
    let embedded = I18N.replace("</", "<\\/");
    let mut out = String::with_capacity(PAGE.len() + I18N.len());
    let mut rest = PAGE;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find("}}") else { break };
        let key = rest[open + 2..open + close].trim();
        match key {
            "lang" => out.push_str(lang.code()),
            "i18n" => out.push_str(&embedded),
            "css" => out.push_str(&format!("/book/assets/book.css?v={}", short_hash(CSS))),
            "js" => out.push_str(&format!("/book/assets/book.js?v={}", short_hash(JS))),
            key => out.push_str(&escape_html(texts[key].as_str().unwrap_or(key))),
        }
        rest = &rest[open + close + 2..];
    }
    out.push_str(rest);
    out
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    /// `es` or `en`; without it the `Accept-Language` header decides.
    pub lang: Option<String>,
}

/// The public booking page (HTML).
#[utoipa::path(get, path = "/book", params(PageQuery), tag = "public",
    responses((status = 200, description = "the booking page", content_type = "text/html")))]
pub async fn page(PublicQuery(query): PublicQuery<PageQuery>, headers: HeaderMap) -> Response {
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok());
    let lang = Lang::choose(query.lang.as_deref(), accept);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::VARY, "Accept-Language"),
            (header::CONTENT_LANGUAGE, lang.code()),
        ],
        render_page(lang),
    )
        .into_response()
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

async fn css() -> Response {
    asset("text/css; charset=utf-8", CSS)
}

async fn js() -> Response {
    asset("text/javascript; charset=utf-8", JS)
}

// ================================================================== services

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicPrice {
    /// ISO 4217.
    pub currency: String,
    /// In the currency's minor units.
    pub minor: i64,
    /// Digits after the decimal separator (0 for CLP and COP, 2 for MXN).
    pub digits: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicService {
    pub id: String,
    pub name_es: String,
    pub name_en: String,
    pub description_es: String,
    pub description_en: String,
    pub duration_minutes: u32,
    /// One per currency; the page shows the store's.
    pub prices: Vec<PublicPrice>,
}

fn public_service(s: &ServiceRecord) -> PublicService {
    PublicService {
        id: s.id.clone(),
        name_es: s.name_es.clone(),
        name_en: s.name_en.clone(),
        description_es: s.description_es.clone(),
        description_en: s.description_en.clone(),
        duration_minutes: s.duration_minutes,
        prices: s
            .prices
            .iter()
            .map(|p| PublicPrice {
                currency: p.currency.clone(),
                minor: p.minor,
                digits: vitrina_core::Currency::parse(&p.currency).map_or(2, |c| c.minor_digits()),
            })
            .collect(),
    }
}

fn all_services(conn: &Connection) -> storage::Result<Vec<ServiceRecord>> {
    let mut stmt = conn.prepare_cached("SELECT record FROM service ORDER BY position, id")?;
    let rows = stmt.query_map((), |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for raw in rows {
        out.push(serde_json::from_str(&raw?)?);
    }
    Ok(out)
}

/// The services a customer can book.
#[utoipa::path(get, path = "/v1/public/services", tag = "public",
    responses((status = 200, body = Vec<PublicService>), (status = 429, body = PublicErrorBody)))]
pub async fn services(State(state): State<AppState>) -> Result<Json<Vec<PublicService>>, PublicError> {
    let services = state.db.call(|conn| all_services(conn)).await?;
    Ok(Json(services.iter().map(public_service).collect()))
}

// ================================================================== stores

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicStore {
    pub id: String,
    pub name: String,
    pub address: String,
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// IANA time zone; slot times are on this clock.
    pub time_zone: String,
    /// ISO 4217 code of the store's prices.
    pub currency: String,
    pub lat: f64,
    pub lon: f64,
    /// From the place asked about, rounded to 0.1 km.
    pub distance_km: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct StoresAnswer {
    /// The place recognised in `q`, if the search was by text.
    pub place: Option<PlaceMatch>,
    /// Nearest first, at most five.
    pub stores: Vec<PublicStore>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StoresQuery {
    /// A position: `lat,lon` in decimal degrees.
    pub near: Option<String>,
    /// Or what the customer typed: an address, neighbourhood or postal code.
    pub q: Option<String>,
}

fn parse_near(text: &str) -> Option<Coordinates> {
    let (lat, lon) = text.split_once(',')?;
    let (lat, lon): (f64, f64) = (lat.trim().parse().ok()?, lon.trim().parse().ok()?);
    (lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
        .then_some(Coordinates { lat, lon })
}

/// The stores nearest `from`, nearest first: at most [`MAX_STORES`], none further
/// than [`STORE_RADIUS_KM`] but the nearest.
pub fn nearest_stores(locations: &[LocationRecord], from: Coordinates) -> Vec<PublicStore> {
    let mut stores: Vec<PublicStore> = locations
        .iter()
        .filter(|l| l.kind == LocationKind::Store)
        .map(|l| PublicStore {
            id: l.id.clone(),
            name: l.name.clone(),
            address: l.address.clone(),
            city: l.city.clone(),
            country: l.country.clone(),
            time_zone: l.time_zone.clone(),
            currency: l.currency.clone(),
            lat: l.lat,
            lon: l.lon,
            distance_km: distance_km(from, Coordinates { lat: l.lat, lon: l.lon }),
        })
        .collect();
    stores.sort_by(|a, b| a.distance_km.total_cmp(&b.distance_km).then_with(|| a.id.cmp(&b.id)));
    let mut kept: Vec<PublicStore> = Vec::new();
    for store in stores {
        if kept.len() >= MAX_STORES || (!kept.is_empty() && store.distance_km > STORE_RADIUS_KM) {
            break;
        }
        kept.push(store);
    }
    for store in &mut kept {
        store.distance_km = (store.distance_km * 10.0).round() / 10.0;
    }
    kept
}

/// The stores nearest a position (`near=lat,lon`) or a place typed by the customer (`q=`).
#[utoipa::path(get, path = "/v1/public/stores", params(StoresQuery), tag = "public",
    responses((status = 200, body = StoresAnswer), (status = 404, body = PublicErrorBody, description = "place_not_found"),
        (status = 422, body = PublicErrorBody), (status = 429, body = PublicErrorBody)))]
pub async fn stores(
    State(state): State<AppState>,
    PublicQuery(query): PublicQuery<StoresQuery>,
) -> Result<Json<StoresAnswer>, PublicError> {
    let (place, from) = match (query.near.as_deref(), query.q.as_deref()) {
        (Some(near), _) => (None, parse_near(near).ok_or_else(|| invalid("near", "near must be lat,lon in degrees"))?),
        (None, Some(q)) => {
            if q.trim().is_empty() || q.len() > 200 {
                return Err(invalid("q", "q must be 1 to 200 bytes"));
            }
            let place = find_place(q).ok_or(PublicError::PlaceNotFound)?;
            let from = Coordinates { lat: place.lat, lon: place.lon };
            (Some(place), from)
        }
        (None, None) => return Err(invalid("q", "give near=lat,lon or q=text")),
    };
    let locations = state.db.call(|conn| storage::locations(conn)).await?;
    Ok(Json(StoresAnswer { place, stores: nearest_stores(&locations, from) }))
}

// ================================================================== slots

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicStylist {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicSlot {
    /// RFC 3339, UTC.
    pub start: String,
    pub end: String,
    /// `HH:MM` on the store's clock.
    pub time: String,
    /// The stylists free then (any of them may be held with "no preference").
    pub stylist_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SlotDay {
    /// The store's local date, `YYYY-MM-DD`.
    pub date: String,
    pub slots: Vec<PublicSlot>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SlotsAnswer {
    pub store_id: String,
    pub service_id: String,
    pub time_zone: String,
    pub from: String,
    pub to: String,
    /// The store's stylists who perform the service.
    pub stylists: Vec<PublicStylist>,
    /// Every day of the range, in order, with its free slots (maybe none).
    pub days: Vec<SlotDay>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SlotsQuery {
    pub store: String,
    pub service: String,
    /// First local date, `YYYY-MM-DD`; today if absent or past.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<NaiveDate>,
    /// Last local date, included; at most 14 days after `from`.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<NaiveDate>,
    /// Only this stylist.
    pub stylist: Option<String>,
}

struct Context {
    store: LocationRecord,
    service: ServiceRecord,
    tz: chrono_tz::Tz,
    /// Active stylists of the store.
    stylists: Vec<StylistRecord>,
}

impl Context {
    fn load(conn: &Connection, store_id: &str, service_id: &str) -> Result<Context, PublicError> {
        let store = storage::location(conn, store_id)?
            .filter(|l| l.kind == LocationKind::Store)
            .ok_or(PublicError::NotFound("no such store"))?;
        let service = appointments::service(conn, service_id)?.ok_or(PublicError::NotFound("no such service"))?;
        let tz = store.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let stylists = appointments::stylists_of(conn, &store.id)?;
        Ok(Context { store, service, tz, stylists })
    }

    fn able(&self) -> impl Iterator<Item = &StylistRecord> {
        self.stylists
            .iter()
            .filter(|s| self.service.required_specialty.as_ref().is_none_or(|needed| s.specialties.contains(needed)))
    }

    fn today(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.tz).date_naive()
    }

    /// Free slots on the page's grid, `from..=to` local dates, holds counted as busy.
    fn free(
        &self,
        conn: &Connection,
        from: NaiveDate,
        to: NaiveDate,
        stylist: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vec<vitrina_core::Slot>, PublicError> {
        let window_from = Utc.from_utc_datetime(&from.and_time(chrono::NaiveTime::MIN)) - Duration::days(2);
        let window_until = Utc.from_utc_datetime(&to.and_time(chrono::NaiveTime::MIN)) + Duration::days(3);
        let busy = appointments::bookings(conn, &self.store.id, window_from, window_until, None, now)?;
        let search = SlotSearch {
            from,
            to,
            stylist_id: stylist.map(str::to_owned),
            step_minutes: PUBLIC_STEP_MINUTES,
            lead_minutes: PUBLIC_LEAD_MINUTES,
        };
        let stylists = self.stylists.iter().map(StylistRecord::to_core).collect();
        let (rooms, uses) = appointments::rooms_and_uses(conn, &self.store.id, window_from, window_until, None)?;
        match SlotRequest::new(self.service.to_core(), stylists, busy, self.tz, search) {
            Ok(request) => Ok(free_slots(&request.with_rooms(rooms, uses), now)),
            Err(e) => Err(PublicError::Invalid { field: None, message: e.to_string() }),
        }
    }

    /// Up to three free slots near `wanted`, in the week from its day.
    fn alternatives(
        &self,
        conn: &Connection,
        wanted: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<SlotOffer>, PublicError> {
        let day = wanted.with_timezone(&self.tz).date_naive().max(self.today(now));
        // A failed read is passed on, not taken for "no alternatives": on PostgreSQL
        // it has ended the transaction, which must run again.
        let free = match self.free(conn, day, day + Duration::days(6), None, now) {
            Ok(free) => free,
            Err(PublicError::Invalid { .. }) => Vec::new(),
            Err(e) => return Err(e),
        };
        Ok(nearest_free(&free, wanted, ALTERNATIVES)
            .into_iter()
            .map(|slot| SlotOffer { stylist_id: slot.stylist_id, start: appointments::utc_text(slot.start) })
            .collect())
    }
}

fn local_time(t: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    t.with_timezone(&tz).format("%H:%M").to_string()
}

/// Free slots of a store for a service, grouped by the store's local day. Names no
/// customer.
#[utoipa::path(get, path = "/v1/public/slots", params(SlotsQuery), tag = "public",
    responses((status = 200, body = SlotsAnswer), (status = 404, body = PublicErrorBody),
        (status = 422, body = PublicErrorBody), (status = 429, body = PublicErrorBody)))]
pub async fn slots(
    State(state): State<AppState>,
    PublicQuery(query): PublicQuery<SlotsQuery>,
) -> Result<Json<SlotsAnswer>, PublicError> {
    let answer = state
        .db
        .call(move |conn| {
            let now = storage::now();
            or_retry(slots_answer(conn, &query, now))
        })
        .await??;
    Ok(Json(answer))
}

fn slots_answer(conn: &Connection, query: &SlotsQuery, now: DateTime<Utc>) -> Result<SlotsAnswer, PublicError> {
    let cx = Context::load(conn, &query.store, &query.service)?;
    let today = cx.today(now);
    let from = query.from.unwrap_or(today).max(today);
    let to = query.to.unwrap_or(from + Duration::days(MAX_SLOT_DAYS - 1));
    if to < from {
        return Err(invalid("to", "to is before from"));
    }
    if (to - from).num_days() >= MAX_SLOT_DAYS {
        return Err(invalid("to", format!("at most {MAX_SLOT_DAYS} days per search")));
    }
    if (from - today).num_days() > MAX_DAYS_AHEAD {
        return Err(invalid("from", format!("at most {MAX_DAYS_AHEAD} days ahead")));
    }
    let stylists: Vec<PublicStylist> =
        cx.able().map(|s| PublicStylist { id: s.id.clone(), name: s.name.clone() }).collect();
    if let Some(id) = &query.stylist {
        if !stylists.iter().any(|s| &s.id == id) {
            return Err(invalid("stylist", "no such stylist for this service at this store"));
        }
    }
    let free = cx.free(conn, from, to, query.stylist.as_deref(), now)?;
    let mut days: Vec<SlotDay> = Vec::new();
    let mut day = from;
    while day <= to {
        days.push(SlotDay { date: day.to_string(), slots: Vec::new() });
        day += Duration::days(1);
    }
    for slot in free {
        let date = slot.local_start.date().to_string();
        let Some(day) = days.iter_mut().find(|d| d.date == date) else { continue };
        let start = appointments::utc_text(slot.start);
        match day.slots.last_mut() {
            Some(last) if last.start == start => last.stylist_ids.push(slot.stylist_id),
            _ => day.slots.push(PublicSlot {
                time: local_time(slot.start, cx.tz),
                end: appointments::utc_text(slot.end),
                start,
                stylist_ids: vec![slot.stylist_id],
            }),
        }
    }
    Ok(SlotsAnswer {
        store_id: cx.store.id.clone(),
        service_id: cx.service.id.clone(),
        time_zone: cx.store.time_zone.clone(),
        from: from.to_string(),
        to: to.to_string(),
        stylists,
        days,
    })
}

// ================================================================== holds

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct HoldRequest {
    pub store_id: String,
    pub service_id: String,
    /// A stylist, or none for "no preference".
    #[serde(default)]
    pub stylist_id: Option<String>,
    /// RFC 3339.
    pub start: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HoldAnswer {
    /// Confirm or release the hold with it; keep it private.
    pub hold_id: String,
    /// RFC 3339 UTC: the slot is free for others again from then.
    pub expires_at: String,
    pub seconds_left: i64,
    pub store_id: String,
    pub service_id: String,
    pub stylist: PublicStylist,
    pub start: String,
    pub end: String,
}

fn parse_start(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim()).ok().map(|t| t.with_timezone(&Utc))
}

/// Holds a slot for [`HOLD_MINUTES`] while the customer gives their details.
#[utoipa::path(post, path = "/v1/public/holds", request_body = HoldRequest, tag = "public",
    responses((status = 201, body = HoldAnswer), (status = 404, body = PublicErrorBody),
        (status = 409, body = PublicErrorBody, description = "slot_taken, with alternatives"),
        (status = 413, body = PublicErrorBody), (status = 422, body = PublicErrorBody),
        (status = 429, body = PublicErrorBody)))]
pub async fn hold(
    State(state): State<AppState>,
    client: Option<axum::Extension<ClientKey>>,
    PublicJson(req): PublicJson<HoldRequest>,
) -> Result<(StatusCode, Json<HoldAnswer>), PublicError> {
    let client = sha256_hex(&client.map_or_else(|| "unknown".to_owned(), |c| c.0 .0.clone()));
    let answer = state.db.call(move |conn| or_retry(create_hold(conn, &req, &client, storage::now()))).await??;
    Ok((StatusCode::CREATED, Json(answer)))
}

/// Holds the slot asked for: the stylist asked for, or with "no preference" the
/// first of the able stylists free then.
pub fn create_hold(
    conn: &mut Connection,
    req: &HoldRequest,
    client: &str,
    now: DateTime<Utc>,
) -> Result<HoldAnswer, PublicError> {
    let start = parse_start(&req.start).ok_or_else(|| invalid("start", "start must be RFC 3339"))?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let cx = Context::load(&tx, &req.store_id, &req.service_id)?;
    if start < now + Duration::minutes(i64::from(PUBLIC_LEAD_MINUTES))
        || start > now + Duration::days(MAX_DAYS_AHEAD + 1)
    {
        return Err(PublicError::SlotTaken(cx.alternatives(&tx, start, now)?));
    }
    let candidates: Vec<&StylistRecord> = match &req.stylist_id {
        Some(id) => {
            let stylist = cx.able().find(|s| &s.id == id).ok_or_else(|| invalid("stylist_id", "no such stylist"))?;
            vec![stylist]
        }
        None => cx.able().collect(),
    };
    tx.execute(
        "DELETE FROM slot_hold WHERE appointment_id IS NULL AND expires_at < ?1",
        [appointments::utc_text(now - Duration::days(1))],
    )?;
    let (held, oldest): (i64, Option<String>) = tx.query_row(
        "SELECT COUNT(*), MIN(expires_at) FROM slot_hold WHERE client = ?1 AND appointment_id IS NULL AND expires_at > ?2",
        params![client, appointments::utc_text(now)],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if held >= MAX_HOLDS_PER_CLIENT {
        let retry_after = oldest.as_deref().and_then(parse_start).map_or(60, |t| (t - now).num_seconds().max(1));
        return Err(PublicError::RateLimited {
            retry_after: retry_after as u64,
            message: "too many holds at once; confirm or release one",
        });
    }
    let mut chosen = None;
    for stylist in candidates {
        if appointments::check_slot(&tx, &cx.store, stylist, &cx.service, start, None, now)?.is_ok() {
            chosen = Some(stylist);
            break;
        }
    }
    let Some(stylist) = chosen else {
        return Err(PublicError::SlotTaken(cx.alternatives(&tx, start, now)?));
    };
    let minutes = |m: u32| Duration::minutes(i64::from(m));
    let end = start + minutes(cx.service.duration_minutes);
    let expires = now + Duration::minutes(HOLD_MINUTES);
    let hold_id = crate::routes::new_token();
    tx.execute(
        "INSERT INTO slot_hold (id, store_id, stylist_id, service_id, start, busy_from, busy_until, expires_at, client, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            hold_id,
            cx.store.id,
            stylist.id,
            cx.service.id,
            appointments::utc_text(start),
            appointments::utc_text(start - minutes(cx.service.buffer_before_minutes)),
            appointments::utc_text(end + minutes(cx.service.buffer_after_minutes)),
            appointments::utc_text(expires),
            client,
            appointments::utc_text(now),
        ],
    )?;
    tx.commit()?;
    tracing::info!(store = %cx.store.id, stylist = %stylist.id, start = %appointments::utc_text(start), "slot held");
    Ok(HoldAnswer {
        hold_id,
        expires_at: appointments::utc_text(expires),
        seconds_left: HOLD_MINUTES * 60,
        store_id: cx.store.id.clone(),
        service_id: cx.service.id.clone(),
        stylist: PublicStylist { id: stylist.id.clone(), name: stylist.name.clone() },
        start: appointments::utc_text(start),
        end: appointments::utc_text(end),
    })
}

/// Lets a held slot go before it expires (the customer chose another).
#[utoipa::path(delete, path = "/v1/public/holds/{id}", tag = "public",
    params(("id" = String, Path, description = "the hold id")),
    responses((status = 204, description = "released (or already gone)"), (status = 429, body = PublicErrorBody)))]
pub async fn release(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, PublicError> {
    state
        .db
        .call(move |conn| {
            conn.execute("DELETE FROM slot_hold WHERE id = ?1 AND appointment_id IS NULL", [&id])?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

// ================================================================== confirmation

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ConfirmRequest {
    pub name: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Confirmation {
    /// The appointment's id.
    pub booking_id: String,
    /// The secret for the calendar file; shown once, stored only hashed.
    pub token: String,
    /// Where to download the `.ics` (add `&lang=en` for English).
    pub calendar_url: String,
    pub store_id: String,
    pub service_id: String,
    pub stylist: PublicStylist,
    pub start: String,
    pub end: String,
}

/// A customer's contact, checked and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    /// E.164.
    pub phone: String,
    pub email: String,
}

/// Checks what the customer typed; the phone is read in the store's country.
pub fn check_contact(req: &ConfirmRequest, country: &str) -> Result<Contact, PublicError> {
    let name: String = req.name.split_whitespace().collect::<Vec<_>>().join(" ");
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 2 || name.chars().count() > 80 || name.chars().any(char::is_control) {
        return Err(invalid("name", "name must be 2 to 80 characters"));
    }
    let phone = match vitrina_core::Country::parse(country) {
        Some(country) => vitrina_core::PhoneE164::parse(&req.phone, country),
        None => vitrina_core::PhoneE164::from_e164(&req.phone),
    }
    .map_err(|e| invalid("phone", format!("phone: {e}")))?;
    let email = check_email(&req.email).ok_or_else(|| invalid("email", "not an email address"))?;
    Ok(Contact { name, phone: phone.as_str().to_owned(), email })
}

/// A plausible address (`local@domain.tld`), with the domain in lower case.
pub fn check_email(text: &str) -> Option<String> {
    let text = text.trim();
    if text.len() > 254 || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (local, domain) = text.rsplit_once('@')?;
    if local.is_empty() || local.len() > 64 || local.contains('@') || local.starts_with('.') || local.ends_with('.') {
        return None;
    }
    let domain = domain.to_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let tld = labels.last()?;
    let label_ok = |l: &&str| {
        !l.is_empty() && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if labels.len() < 2
        || !labels.iter().all(label_ok)
        || tld.chars().count() < 2
        || !tld.chars().all(char::is_alphabetic)
    {
        return None;
    }
    Some(format!("{local}@{domain}"))
}

/// Books the held slot for the customer. An expired or taken hold answers 409 with
/// free slots near it.
#[utoipa::path(post, path = "/v1/public/holds/{id}/confirm", request_body = ConfirmRequest, tag = "public",
    params(("id" = String, Path, description = "the hold id")),
    responses((status = 201, body = Confirmation), (status = 404, body = PublicErrorBody),
        (status = 409, body = PublicErrorBody, description = "hold_expired, slot_taken or already_confirmed"),
        (status = 413, body = PublicErrorBody), (status = 422, body = PublicErrorBody, description = "with the field at fault"),
        (status = 429, body = PublicErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    Path(hold_id): Path<String>,
    PublicJson(req): PublicJson<ConfirmRequest>,
) -> Result<(StatusCode, Json<Confirmation>), PublicError> {
    let confirmation =
        state.db.call(move |conn| or_retry(confirm_hold(conn, &hold_id, &req, storage::now()))).await??;
    state.notify_changed();
    Ok((StatusCode::CREATED, Json(confirmation)))
}

/// Confirms a hold: one immediate transaction marks it and books its slot.
pub fn confirm_hold(
    conn: &mut Connection,
    hold_id: &str,
    req: &ConfirmRequest,
    now: DateTime<Utc>,
) -> Result<Confirmation, PublicError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let hold: Option<(String, String, String, String, String, Option<String>)> = tx
        .query_row(
            "SELECT store_id, stylist_id, service_id, start, expires_at, appointment_id FROM slot_hold WHERE id = ?1",
            [hold_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()?;
    let Some((store_id, stylist_id, service_id, start_text, expires_at, booked)) = hold else {
        return Err(PublicError::NotFound("no such hold"));
    };
    let cx = Context::load(&tx, &store_id, &service_id)?;
    let contact = check_contact(req, &cx.store.country)?;
    if booked.is_some() {
        return Err(PublicError::AlreadyConfirmed);
    }
    let start = parse_start(&start_text)
        .ok_or_else(|| CentralError::Internal(anyhow::anyhow!("hold {hold_id} has a malformed start")))?;
    if parse_start(&expires_at).is_none_or(|t| t <= now) {
        return Err(PublicError::HoldExpired(cx.alternatives(&tx, start, now)?));
    }
    let appointment_id = uuid::Uuid::now_v7().to_string();
    // From here the appointment, not the hold, takes the stylist's time.
    tx.execute("UPDATE slot_hold SET appointment_id = ?2 WHERE id = ?1", params![hold_id, appointment_id])
        .map_err(PublicError::from)?;
    let booker = Booker::Public { name: &contact.name, phone: Some(&contact.phone), email: Some(&contact.email) };
    let booked =
        appointments::book(&tx, &cx.store, &appointment_id, &stylist_id, &service_id, &start_text, booker, &[])?;
    match booked {
        Ok(_) => {}
        Err(Refused::SlotTaken(_)) => return Err(PublicError::SlotTaken(cx.alternatives(&tx, start, now)?)),
        Err(other) => {
            return Err(
                CentralError::Internal(anyhow::anyhow!("public booking of hold {hold_id} refused: {other:?}")).into()
            )
        }
    }
    let token = crate::routes::new_token();
    tx.execute(
        "INSERT INTO public_booking (appointment_id, token_hash, created_at) VALUES (?1, ?2, ?3)",
        params![appointment_id, sha256_hex(&token), appointments::utc_text(now)],
    )?;
    tx.commit()?;
    tracing::info!(store = %store_id, stylist = %stylist_id, appointment = %appointment_id, "public booking confirmed");
    let stylist = cx.stylists.iter().find(|s| s.id == stylist_id).map_or_else(String::new, |s| s.name.clone());
    let end = start + Duration::minutes(i64::from(cx.service.duration_minutes));
    Ok(Confirmation {
        calendar_url: format!("/v1/public/bookings/{appointment_id}/calendar.ics?token={token}"),
        booking_id: appointment_id,
        token,
        store_id,
        service_id,
        stylist: PublicStylist { id: stylist_id, name: stylist },
        start: appointments::utc_text(start),
        end: appointments::utc_text(end),
    })
}

// ================================================================== calendar file

#[derive(Debug, Deserialize, IntoParams)]
pub struct CalendarQuery {
    /// The secret returned at confirmation.
    pub token: String,
    /// `es` (default) or `en`.
    pub lang: Option<String>,
}

/// The confirmed booking as an iCalendar file (RFC 5545), for the customer's calendar.
#[utoipa::path(get, path = "/v1/public/bookings/{id}/calendar.ics", params(("id" = String, Path, description = "the booking id"), CalendarQuery), tag = "public",
    responses((status = 200, description = "the event", content_type = "text/calendar"),
        (status = 404, body = PublicErrorBody), (status = 429, body = PublicErrorBody)))]
pub async fn calendar(
    State(state): State<AppState>,
    Path(id): Path<String>,
    PublicQuery(query): PublicQuery<CalendarQuery>,
) -> Result<Response, PublicError> {
    let lang = Lang::choose(query.lang.as_deref(), None);
    let ics = state.db.call(move |conn| or_retry(calendar_of(conn, &id, &query.token, lang, storage::now()))).await??;
    let filename = match lang {
        Lang::Es => "vitrina-reserva.ics",
        Lang::En => "vitrina-booking.ics",
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        ics,
    )
        .into_response())
}

fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn calendar_of(
    conn: &Connection,
    id: &str,
    token: &str,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<String, PublicError> {
    let stored: Option<String> = conn
        .query_row("SELECT token_hash FROM public_booking WHERE appointment_id = ?1", [id], |r| r.get(0))
        .optional()?;
    // One answer for an unknown booking and a wrong secret.
    let not_found = PublicError::NotFound("no such booking");
    let Some(stored) = stored else { return Err(not_found) };
    if !same_secret(&stored, &sha256_hex(token)) {
        return Err(not_found);
    }
    let appointment = appointments::appointment(conn, id)?.ok_or(PublicError::NotFound("no such booking"))?;
    let store = storage::location(conn, &appointment.store_id)?.ok_or(PublicError::NotFound("no such store"))?;
    let service =
        appointments::service(conn, &appointment.service_id)?.ok_or(PublicError::NotFound("no such service"))?;
    let stylist = appointments::stylist(conn, &appointment.stylist_id)?.map(|s| s.name).unwrap_or_default();
    Ok(ics(&IcsEvent {
        appointment: &appointment,
        store: &store,
        service: &service,
        stylist: &stylist,
        lang,
        stamp: now,
    }))
}

/// What a calendar file describes.
pub struct IcsEvent<'a> {
    pub appointment: &'a vitrina_protocol::AppointmentRecord,
    pub store: &'a LocationRecord,
    pub service: &'a ServiceRecord,
    pub stylist: &'a str,
    pub lang: Lang,
    /// When the file is made (DTSTAMP).
    pub stamp: DateTime<Utc>,
}

/// A TEXT value of RFC 5545 (3.3.11): backslash, semicolon, comma and newline escaped.
pub fn ics_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A content line folded at 75 octets (RFC 5545 3.1), never inside a character,
/// ended with CRLF.
fn ics_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

fn ics_time(text: &str) -> String {
    parse_start(text).map_or_else(String::new, |t| t.format("%Y%m%dT%H%M%SZ").to_string())
}

/// The booking as an iCalendar object: one VEVENT, times in UTC.
pub fn ics(event: &IcsEvent<'_>) -> String {
    let a = event.appointment;
    let (service, with, reference, change) = match event.lang {
        Lang::Es => (&event.service.name_es, "Con", "Reserva", "Para cambiarla o cancelarla, contacta a la tienda."),
        Lang::En => (&event.service.name_en, "With", "Booking", "To change or cancel it, contact the store."),
    };
    let mut description = String::new();
    if !event.stylist.is_empty() {
        description.push_str(&format!("{with} {}.\n", event.stylist));
    }
    description.push_str(&format!("{reference} {}.\n{change}", &a.id[a.id.len().saturating_sub(8)..]));
    let status = if a.status == "cancelled" { "CANCELLED" } else { "CONFIRMED" };
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        format!("PRODID:-//Vitrina//Public booking//{}", event.lang.code().to_uppercase()),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}@vitrina", a.id),
        format!("DTSTAMP:{}", event.stamp.format("%Y%m%dT%H%M%SZ")),
        format!("DTSTART:{}", ics_time(&a.start)),
        format!("DTEND:{}", ics_time(&a.end)),
        format!("SUMMARY:{}", ics_escape(&format!("{service} – {}", event.store.name))),
        format!(
            "LOCATION:{}",
            ics_escape(&format!("{}, {}, {}", event.store.name, event.store.address, event.store.city))
        ),
        format!("GEO:{:.6};{:.6}", event.store.lat, event.store.lon),
        format!("DESCRIPTION:{}", ics_escape(&description)),
        format!("STATUS:{status}"),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ] {
        ics_line(&mut out, &line);
    }
    out
}

// ================================================================== routes

/// The page and the public endpoints, rate limited per client.
pub fn routes(config: RateConfig) -> Router<AppState> {
    let limiter = Arc::new(RateLimiter::new(config));
    Router::new()
        .route("/book", get(page))
        .route("/book/", get(page))
        .route("/book/assets/book.css", get(css))
        .route("/book/assets/book.js", get(js))
        .route("/v1/public/services", get(services))
        .route("/v1/public/stores", get(stores))
        .route("/v1/public/slots", get(slots))
        .route("/v1/public/holds", post(hold))
        .route("/v1/public/holds/{id}", delete(release))
        .route("/v1/public/holds/{id}/confirm", post(confirm))
        .route("/v1/public/bookings/{id}/calendar.ics", get(calendar))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(limiter, rate_limit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request as HttpRequest;
    use tower::ServiceExt;
    use vitrina_protocol::{
        BookAppointment, Command, CustomerRecord, Mutation, MutationOutcome, PushRequest, PushResponse, Rejection,
        PROTOCOL_HEADER, PROTOCOL_VERSION,
    };

    const STORE: &str = "CL-SCL-01";
    const STYLIST: &str = "CL-SCL-01-STY-1";
    const SERVICE: &str = "SRV-IMAGEN";

    use crate::testing::demo_db;

    fn app_with(db: crate::Db) -> Router {
        crate::routes::router(AppState::new(db))
    }

    fn client(n: u8) -> ConnectInfo<SocketAddr> {
        ConnectInfo(SocketAddr::from(([203, 0, 113, n], 40_000)))
    }

    fn get_from(uri: &str, from: u8) -> HttpRequest<Body> {
        let mut req = HttpRequest::get(uri).body(Body::empty()).unwrap();
        req.extensions_mut().insert(client(from));
        req
    }

    fn post_from(uri: &str, body: &serde_json::Value, from: u8) -> HttpRequest<Body> {
        let mut req = HttpRequest::post(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        req.extensions_mut().insert(client(from));
        req
    }

    async fn send(app: &Router, req: HttpRequest<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let response = app.clone().oneshot(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 24).await.unwrap();
        (status, headers, bytes.to_vec())
    }

    async fn json(app: &Router, req: HttpRequest<Body>) -> (StatusCode, serde_json::Value) {
        let (status, _, bytes) = send(app, req).await;
        (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
    }

    /// The first free slot of `stylist` on the page, and the whole answer.
    async fn first_slot(app: &Router, stylist: &str) -> (String, serde_json::Value) {
        let uri = format!("/v1/public/slots?store={STORE}&service={SERVICE}&stylist={stylist}");
        let (status, answer) = json(app, get_from(&uri, 200)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let start = answer["days"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["slots"].as_array().unwrap().clone())
            .next()
            .expect("some free slot in two weeks")["start"]
            .as_str()
            .unwrap()
            .to_owned();
        (start, answer)
    }

    fn offered(answer: &serde_json::Value, start: &str) -> bool {
        answer["days"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["slots"].as_array().unwrap().clone())
            .any(|s| s["start"] == start)
    }

    async fn hold_slot(app: &Router, stylist: Option<&str>, start: &str, from: u8) -> (StatusCode, serde_json::Value) {
        let body = serde_json::json!({"store_id": STORE, "service_id": SERVICE, "stylist_id": stylist, "start": start});
        json(app, post_from("/v1/public/holds", &body, from)).await
    }

    fn contact() -> serde_json::Value {
        serde_json::json!({"name": "Josefina Pérez", "phone": "9 8765 4321", "email": "josefina@example.com"})
    }

    /// An enrolled device of `STORE`: its bearer token.
    fn device(db: &crate::Db) -> String {
        let token = crate::routes::new_token();
        let t = token.clone();
        db.blocking(move |conn| {
            let tx = conn.transaction()?;
            storage::insert_device(&tx, &uuid::Uuid::now_v7().to_string(), STORE, "test tablet", &t)?;
            tx.commit()?;
            Ok(())
        })
        .unwrap();
        token
    }

    async fn push(app: &Router, token: &str, mutations: Vec<Mutation>) -> PushResponse {
        let req = HttpRequest::post("/v1/push")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .body(Body::from(serde_json::to_string(&PushRequest { mutations }).unwrap()))
            .unwrap();
        let (status, _, bytes) = send(app, req).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
        serde_json::from_slice(&bytes).unwrap()
    }

    fn mutation(counter: i64, command: Command) -> Mutation {
        Mutation { mutation_id: uuid::Uuid::now_v7().to_string(), counter, made_by: None, command }
    }

    fn device_booking(customer_id: &str, start: &str) -> Command {
        Command::BookAppointment(BookAppointment {
            appointment_id: uuid::Uuid::now_v7().to_string(),
            stylist_id: STYLIST.into(),
            service_id: SERVICE.into(),
            start: start.into(),
            customer_id: customer_id.into(),
            items: vec![],
        })
    }

    /// A customer of `STORE`, created by the device's push with counter 1.
    async fn customer(app: &Router, token: &str) -> String {
        let id = uuid::Uuid::now_v7().to_string();
        let record = CustomerRecord {
            id: id.clone(),
            store_id: STORE.into(),
            name: "Isidora Soto".into(),
            phone: Some("+56987650000".into()),
            email: None,
            marketing_consent: false,
            chain_consent: false,
            wishlist: vec![],
        };
        let answer = push(app, token, vec![mutation(1, Command::CreateCustomer(record))]).await;
        assert!(answer.results[0].outcome.is_applied());
        id
    }

    fn booked_at(db: &crate::Db, start: &str) -> Vec<(String, String)> {
        let start = start.to_owned();
        db.blocking(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT id, json_extract(record, '$.channel') FROM appointment
                 WHERE stylist_id = ?1 AND json_extract(record, '$.start') = ?2 AND status = 'booked'",
            )?;
            let rows = stmt.query_map([STYLIST, start.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .unwrap()
    }

    // ------------------------------------------------------------ gazetteer

    #[test]
    fn the_gazetteer_finds_common_inputs_by_name_or_postal_code() {
        for (typed, name, city) in [
            ("Providencia", "Providencia", "Santiago"),
            ("las condes", "Las Condes", "Santiago"),
            ("LAS CONDES, Santiago", "Las Condes", "Santiago"),
            ("7550000", "Las Condes", "Santiago"),
            ("755 0000", "Las Condes", "Santiago"),
            ("7500000", "Providencia", "Santiago"),
            ("Nunoa", "Ñuñoa", "Santiago"),
            ("Av. Apoquindo 3000, Las Condes", "Apoquindo", "Santiago"),
            ("Av. Presidente Kennedy 5413, Las Condes", "Presidente Kennedy", "Santiago"),
            ("Chapinero", "Chapinero", "Bogotá"),
            ("110221", "Chapinero", "Bogotá"),
            ("Calle 93, Chicó, Bogotá", "Chicó", "Bogotá"),
            ("Santa Fe, Bogotá", "Santa Fe", "Bogotá"),
            ("Usaquén", "Usaquén", "Bogotá"),
            ("Polanco", "Polanco", "Ciudad de México"),
            ("Coyoacán", "Coyoacán", "Ciudad de México"),
            ("coyoacan", "Coyoacán", "Ciudad de México"),
            ("06700", "Roma Norte", "Ciudad de México"),
            ("CP 06710, CDMX", "Cuauhtémoc", "Ciudad de México"),
            ("Av. Álvaro Obregón 130, Roma Norte", "Roma Norte", "Ciudad de México"),
        ] {
            let found = find_place(typed).unwrap_or_else(|| panic!("{typed:?} found nothing"));
            assert_eq!((found.name.as_str(), found.city.as_str()), (name, city), "{typed:?}");
        }
    }

    #[test]
    fn unknown_text_is_no_place() {
        for typed in ["", "   ", "asdfgh", "Calle Falsa 123", "99999", "1234567", "Springfield"] {
            assert_eq!(find_place(typed), None, "{typed:?}");
        }
    }

    #[test]
    fn every_gazetteer_line_is_read() {
        let lines = include_str!("../assets/gazetteer.tsv")
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(gazetteer().len(), lines);
        assert!(lines > 100);
    }

    #[test]
    fn text_is_normalised_for_matching() {
        assert_eq!(normalise("  Ñuñoa,  Av. O'Higgins "), "nunoa av o higgins");
        assert_eq!(normalise("CAFÉ—Bogotá D.C."), "cafe bogota d c");
    }

    // ------------------------------------------------------------ languages, contact, calendar

    #[test]
    fn the_language_comes_from_the_query_then_the_header_then_spanish() {
        assert_eq!(Lang::choose(Some("en"), Some("es-CL")), Lang::En);
        assert_eq!(Lang::choose(Some("xx"), Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::choose(None, Some("fr-FR,en;q=0.8,es;q=0.9")), Lang::Es);
        assert_eq!(Lang::choose(None, Some("fr-FR,en;q=0.8")), Lang::En);
        assert_eq!(Lang::choose(None, Some("de")), Lang::Es);
        assert_eq!(Lang::choose(None, None), Lang::Es);
    }

    #[test]
    fn contact_details_are_checked_and_normalised() {
        let req = |name: &str, phone: &str, email: &str| ConfirmRequest {
            name: name.into(),
            phone: phone.into(),
            email: email.into(),
        };
        let ok = check_contact(&req("  Ana   María Soto ", "9 8765 4321", "Ana@Example.COM"), "CL").unwrap();
        assert_eq!(
            ok,
            Contact { name: "Ana María Soto".into(), phone: "+56987654321".into(), email: "Ana@example.com".into() }
        );
        let field = |r: ConfirmRequest| match check_contact(&r, "CL") {
            Err(PublicError::Invalid { field, .. }) => field,
            other => panic!("expected invalid, got {other:?}"),
        };
        assert_eq!(field(req("A", "987654321", "a@b.cl")), Some("name"));
        assert_eq!(field(req("Ana", "12", "a@b.cl")), Some("phone"));
        assert_eq!(field(req("Ana", "987654321", "ana")), Some("email"));
        for bad in ["a@b", "a b@c.cl", "@c.cl", "a@.cl", "a@c..cl", "a@c.c", "a@c.123"] {
            assert_eq!(check_email(bad), None, "{bad}");
        }
        assert_eq!(check_email("x.y+z@mail.example.mx").as_deref(), Some("x.y+z@mail.example.mx"));
    }

    #[test]
    fn calendar_text_is_escaped_and_long_lines_folded_at_75_octets() {
        assert_eq!(ics_escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let mut out = String::new();
        let long = format!("DESCRIPTION:{}", "ñandú ".repeat(30));
        ics_line(&mut out, &long);
        for line in out.split_terminator("\r\n") {
            assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        }
        assert_eq!(out.replace("\r\n ", ""), format!("{long}\r\n"), "unfolding gives the line back");
    }

    // ------------------------------------------------------------ the page

    /// Every quoted word after `marker` in `text`: `t("key"` → `key`.
    fn quoted_after(text: &str, marker: &str) -> Vec<String> {
        text.match_indices(marker)
            .filter_map(|(at, _)| {
                let rest = &text[at + marker.len()..];
                let end = rest.find('"')?;
                Some(rest[..end].to_owned())
            })
            .collect()
    }

    #[test]
    fn both_languages_have_every_text_the_page_uses() {
        let dictionaries: serde_json::Value = serde_json::from_str(I18N).unwrap();
        let keys = |lang: &str| -> Vec<String> {
            let mut keys: Vec<String> = dictionaries[lang].as_object().unwrap().keys().cloned().collect();
            keys.sort();
            keys
        };
        assert_eq!(keys("es"), keys("en"), "the same texts in Spanish and English");
        let mut used: Vec<String> = Vec::new();
        let mut rest = PAGE;
        while let Some(open) = rest.find("{{") {
            let close = rest[open..].find("}}").unwrap();
            used.push(rest[open + 2..open + close].trim().to_owned());
            rest = &rest[open + close + 2..];
        }
        used.retain(|k| !["lang", "i18n", "css", "js"].contains(&k.as_str()));
        for marker in ["data-i18n=\"", "data-i18n-placeholder=\"", "data-i18n-aria=\""] {
            used.extend(quoted_after(PAGE, marker));
        }
        // Calls of `t("key")`, not of `get("...")` and the like.
        let calls = JS.match_indices("t(\"").filter(|(at, _)| {
            JS[..*at].chars().next_back().is_none_or(|c| !c.is_alphanumeric() && c != '_' && c != '.')
        });
        used.extend(calls.filter_map(|(at, _)| {
            let rest = &JS[at + 3..];
            Some(rest[..rest.find('"')?].to_owned())
        }));
        used.extend(["err_name", "err_phone", "err_email"].map(String::from));
        assert!(used.len() > 40, "{used:?}");
        for key in used {
            for lang in ["es", "en"] {
                assert!(dictionaries[lang][&key].is_string(), "{key} missing in {lang}");
            }
        }
    }

    #[tokio::test]
    async fn the_page_is_html_with_a_strict_csp_in_the_chosen_language() {
        let (_dir, db) = demo_db();
        let app = app_with(db);
        let (status, headers, body) = send(&app, get_from("/book", 1)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.starts_with("default-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe"), "{csp}");
        let html = String::from_utf8(body).unwrap();
        assert!(html.contains("<html lang=\"es\">"));
        assert!(html.contains("Reserva una hora con un estilista"));
        assert!(!html.contains("{{"), "every placeholder filled");

        let (_, _, body) = send(&app, get_from("/book?lang=en", 1)).await;
        let html = String::from_utf8(body).unwrap();
        assert!(html.contains("<html lang=\"en\">") && html.contains("Book time with a stylist"));

        let mut req = get_from("/book", 1);
        req.headers_mut().insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("en-GB,en;q=0.9"));
        let (_, headers, body) = send(&app, req).await;
        assert_eq!(headers[header::CONTENT_LANGUAGE], "en");
        assert!(String::from_utf8(body).unwrap().contains("<html lang=\"en\">"));

        // Nothing is loaded from anywhere else, and no code runs inline.
        let html = render_page(Lang::Es);
        for text in [html, CSS, JS] {
            assert!(!text.contains("http://") && !text.contains("https://") && !text.contains("//cdn"));
        }
        assert!(!html.contains("<script>") && !html.contains("style=") && !html.contains(" onclick="));
        for asset in ["/book/assets/book.css", "/book/assets/book.js"] {
            let (status, headers, _) = send(&app, get_from(asset, 1)).await;
            assert_eq!(status, StatusCode::OK, "{asset}");
            assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        }
    }

    #[tokio::test]
    async fn the_public_endpoints_are_in_the_openapi_document() {
        let (_dir, db) = demo_db();
        let (status, doc) = json(&app_with(db), get_from("/openapi.json", 1)).await;
        assert_eq!(status, StatusCode::OK);
        for path in [
            "/v1/public/services",
            "/v1/public/stores",
            "/v1/public/slots",
            "/v1/public/holds",
            "/v1/public/holds/{id}",
            "/v1/public/holds/{id}/confirm",
            "/v1/public/bookings/{id}/calendar.ics",
        ] {
            assert!(doc["paths"][path].is_object(), "{path} is documented");
        }
        assert!(doc["components"]["schemas"]["SlotsAnswer"].is_object());
    }

    // ------------------------------------------------------------ services, stores, slots

    #[tokio::test]
    async fn services_carry_durations_and_a_price_per_currency() {
        let (_dir, db) = demo_db();
        let (status, services) = json(&app_with(db), get_from("/v1/public/services", 1)).await;
        assert_eq!(status, StatusCode::OK);
        let services = services.as_array().unwrap();
        assert_eq!(services.len(), 3);
        assert_eq!(services[0]["id"], SERVICE, "in the chain's order");
        let fitting = services.iter().find(|s| s["id"] == "SRV-AJUSTE").unwrap();
        assert_eq!(fitting["duration_minutes"], 30);
        let prices = fitting["prices"].as_array().unwrap();
        assert!(prices.contains(&serde_json::json!({"currency": "CLP", "minor": 4990, "digits": 0})));
        assert!(prices.contains(&serde_json::json!({"currency": "MXN", "minor": 9900, "digits": 2})));
    }

    #[tokio::test]
    async fn stores_come_nearest_first_from_a_typed_place_or_a_position() {
        let (_dir, db) = demo_db();
        let app = app_with(db);
        let q = "/v1/public/stores?q=Av.%20Apoquindo%203000%2C%20Las%20Condes";
        let (status, answer) = json(&app, get_from(q, 1)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["place"]["name"], "Apoquindo");
        let ids: Vec<&str> = answer["stores"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["CL-SCL-02", "CL-SCL-01", "CL-SCL-04", "CL-SCL-03"], "Santiago's stores only, nearest first");
        let distances: Vec<f64> =
            answer["stores"].as_array().unwrap().iter().map(|s| s["distance_km"].as_f64().unwrap()).collect();
        assert!(distances.windows(2).all(|w| w[0] <= w[1]) && distances[0] < 3.0, "{distances:?}");
        assert_eq!(answer["stores"][0]["address"], "Av. Presidente Kennedy 5413, Las Condes");

        let (_, answer) = json(&app, get_from("/v1/public/stores?near=4.6668,-74.0526", 1)).await;
        assert_eq!(answer["stores"][0]["id"], "CO-BOG-01");
        assert_eq!(answer["stores"][0]["distance_km"], 0.0);
        assert!(answer["stores"].as_array().unwrap().iter().all(|s| s["country"] == "CO"));

        // Far from every store: the nearest one still, never a warehouse.
        let (_, answer) = json(&app, get_from("/v1/public/stores?near=-12.05,-77.04", 1)).await;
        assert_eq!(answer["stores"].as_array().unwrap().len(), 1);

        let (status, error) = json(&app, get_from("/v1/public/stores?q=Calle%20Falsa%20123", 1)).await;
        assert_eq!((status, error["code"].as_str()), (StatusCode::NOT_FOUND, Some("place_not_found")));
        let (status, error) = json(&app, get_from("/v1/public/stores?near=100,0", 1)).await;
        assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("near")));
    }

    #[tokio::test]
    async fn slots_are_grouped_by_local_day_name_no_customer_and_span_at_most_two_weeks() {
        let (_dir, db) = demo_db();
        let app = app_with(db);
        let uri = format!("/v1/public/slots?store={STORE}&service=SRV-EVENTO");
        let (status, answer) = json(&app, get_from(&uri, 1)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(answer["time_zone"], "America/Santiago");
        assert_eq!(answer["days"].as_array().unwrap().len(), 14);
        let names: Vec<&str> =
            answer["stylists"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["Antonia Reyes"], "only stylists with the specialty");
        let earliest = storage::now() + Duration::minutes(i64::from(PUBLIC_LEAD_MINUTES));
        let mut count = 0;
        for day in answer["days"].as_array().unwrap() {
            let date = day["date"].as_str().unwrap();
            for slot in day["slots"].as_array().unwrap() {
                let start = parse_start(slot["start"].as_str().unwrap()).unwrap();
                assert!(start >= earliest);
                let local = start.with_timezone(&chrono_tz::America::Santiago);
                assert_eq!(local.date_naive().to_string(), date, "grouped by the store's day");
                assert_eq!(local.format("%H:%M").to_string(), slot["time"].as_str().unwrap());
                assert_eq!(slot["stylist_ids"], serde_json::json!([STYLIST]));
                count += 1;
            }
        }
        assert!(count > 20, "two weeks of free time: {count}");

        // Someone's booking takes its slot off the page and leaves no trace of who.
        let (start, _) = first_slot(&app, STYLIST).await;
        let (status, held) = hold_slot(&app, Some(STYLIST), &start, 2).await;
        assert_eq!(status, StatusCode::CREATED, "{held}");
        let (status, _) = json(
            &app,
            post_from(&format!("/v1/public/holds/{}/confirm", held["hold_id"].as_str().unwrap()), &contact(), 2),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, _, raw) = send(&app, get_from(&format!("/v1/public/slots?store={STORE}&service={SERVICE}"), 1)).await;
        let raw = String::from_utf8(raw).unwrap();
        assert!(!raw.contains("Josefina") && !raw.contains("8765") && !raw.contains("example.com"));

        let too_long = format!("/v1/public/slots?store={STORE}&service={SERVICE}&from=2030-01-01&to=2030-01-15");
        let (status, error) = json(&app, get_from(&too_long, 1)).await;
        assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("to")));
        let (status, _) = json(&app, get_from("/v1/public/slots?store=CL-WH-01&service=SRV-IMAGEN", 1)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a warehouse takes no bookings");
    }

    // ------------------------------------------------------------ holds

    #[tokio::test]
    async fn a_hold_keeps_the_slot_from_other_customers_and_from_devices() {
        let (_dir, db) = demo_db();
        let app = app_with(db.clone());
        let (start, before) = first_slot(&app, STYLIST).await;
        assert!(offered(&before, &start));

        let (status, held) = hold_slot(&app, Some(STYLIST), &start, 1).await;
        assert_eq!(status, StatusCode::CREATED, "{held}");
        assert_eq!((held["stylist"]["id"].as_str(), held["start"].as_str()), (Some(STYLIST), Some(start.as_str())));
        assert_eq!(held["seconds_left"], HOLD_MINUTES * 60);

        let (_, after) = first_slot(&app, STYLIST).await;
        assert!(!offered(&after, &start), "a held slot is not offered");

        let (status, refused) = hold_slot(&app, Some(STYLIST), &start, 2).await;
        assert_eq!((status, refused["code"].as_str()), (StatusCode::CONFLICT, Some("slot_taken")));
        let alternatives = refused["alternatives"].as_array().unwrap();
        assert!(!alternatives.is_empty());
        assert!(alternatives.iter().all(|a| a["start"] != start.as_str() || a["stylist_id"] != STYLIST));

        // A device's booking of the held slot is refused with other slots.
        let token = device(&db);
        let customer = customer(&app, &token).await;
        let answer = push(&app, &token, vec![mutation(2, device_booking(&customer, &start))]).await;
        let MutationOutcome::Rejected { rejection: Rejection::SlotTaken, slots, .. } = &answer.results[0].outcome
        else {
            panic!("expected slot_taken, got {:?}", answer.results[0].outcome);
        };
        assert!(slots.iter().all(|s| s.start != start || s.stylist_id != STYLIST));
        assert!(booked_at(&db, &start).is_empty());

        // The holder may confirm; then the slot is the customer's.
        let uri = format!("/v1/public/holds/{}/confirm", held["hold_id"].as_str().unwrap());
        let (status, confirmed) = json(&app, post_from(&uri, &contact(), 1)).await;
        assert_eq!(status, StatusCode::CREATED, "{confirmed}");
        assert_eq!(booked_at(&db, &start).len(), 1);
    }

    #[tokio::test]
    async fn with_no_preference_the_hold_takes_whichever_able_stylist_is_free() {
        let (_dir, db) = demo_db();
        let app = app_with(db);
        // A time both stylists are free, when both work.
        let uri = format!("/v1/public/slots?store={STORE}&service={SERVICE}");
        let (_, answer) = json(&app, get_from(&uri, 1)).await;
        let slot = answer["days"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["slots"].as_array().unwrap().clone())
            .find(|s| s["stylist_ids"].as_array().unwrap().len() == 2)
            .expect("a time both stylists are free");
        let start = slot["start"].as_str().unwrap();
        let (status, first) = hold_slot(&app, None, start, 1).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        let (status, second) = hold_slot(&app, None, start, 2).await;
        assert_eq!(status, StatusCode::CREATED, "{second}");
        assert_ne!(first["stylist"]["id"], second["stylist"]["id"]);
        let (status, third) = hold_slot(&app, None, start, 3).await;
        assert_eq!((status, third["code"].as_str()), (StatusCode::CONFLICT, Some("slot_taken")));
    }

    #[tokio::test]
    async fn an_expired_hold_frees_the_slot_and_can_no_longer_be_confirmed() {
        let (_dir, db) = demo_db();
        let app = app_with(db.clone());
        let (start, _) = first_slot(&app, STYLIST).await;
        let (status, held) = hold_slot(&app, Some(STYLIST), &start, 1).await;
        assert_eq!(status, StatusCode::CREATED);
        let hold_id = held["hold_id"].as_str().unwrap().to_owned();

        // Five minutes pass.
        let id = hold_id.clone();
        db.blocking(move |conn| {
            let past = appointments::utc_text(storage::now() - Duration::seconds(1));
            conn.execute("UPDATE slot_hold SET expires_at = ?2 WHERE id = ?1", params![id, past])?;
            Ok(())
        })
        .unwrap();
        let (_, after) = first_slot(&app, STYLIST).await;
        assert!(offered(&after, &start), "offered again");

        let token = device(&db);
        let customer = customer(&app, &token).await;
        let answer = push(&app, &token, vec![mutation(2, device_booking(&customer, &start))]).await;
        assert_eq!(answer.results[0].outcome, MutationOutcome::Applied, "a device may book it again");

        let uri = format!("/v1/public/holds/{hold_id}/confirm");
        let (status, refused) = json(&app, post_from(&uri, &contact(), 1)).await;
        assert_eq!((status, refused["code"].as_str()), (StatusCode::CONFLICT, Some("hold_expired")));
        let alternatives = refused["alternatives"].as_array().unwrap();
        assert!(!alternatives.is_empty(), "with other slots");
        assert!(alternatives.iter().all(|a| a["start"] != start.as_str() || a["stylist_id"] != STYLIST));
        assert_eq!(booked_at(&db, &start), vec![(booked_at(&db, &start)[0].0.clone(), "device".to_owned())]);
    }

    #[tokio::test]
    async fn a_released_hold_frees_the_slot_at_once() {
        let (_dir, db) = demo_db();
        let app = app_with(db);
        let (start, _) = first_slot(&app, STYLIST).await;
        let (_, held) = hold_slot(&app, Some(STYLIST), &start, 1).await;
        let mut req = HttpRequest::delete(format!("/v1/public/holds/{}", held["hold_id"].as_str().unwrap()))
            .body(Body::empty())
            .unwrap();
        req.extensions_mut().insert(client(1));
        let (status, _, _) = send(&app, req).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = hold_slot(&app, Some(STYLIST), &start, 2).await;
        assert_eq!(status, StatusCode::CREATED);
    }

    #[tokio::test]
    async fn a_client_keeps_at_most_three_holds() {
        let (_dir, db) = demo_db();
        let app = app_with(db);
        let (_, answer) = first_slot(&app, STYLIST).await;
        let starts: Vec<String> = answer["days"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["slots"].as_array().unwrap().clone())
            .map(|s| s["start"].as_str().unwrap().to_owned())
            .step_by(4)
            .take(4)
            .collect();
        for start in &starts[..3] {
            let (status, held) = hold_slot(&app, Some(STYLIST), start, 7).await;
            assert_eq!(status, StatusCode::CREATED, "{held}");
        }
        let body =
            serde_json::json!({"store_id": STORE, "service_id": SERVICE, "stylist_id": STYLIST, "start": starts[3]});
        let (status, headers, _) = send(&app, post_from("/v1/public/holds", &body, 7)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert!(headers.contains_key(header::RETRY_AFTER));
        let (status, _) = hold_slot(&app, Some(STYLIST), &starts[3], 8).await;
        assert_eq!(status, StatusCode::CREATED, "another client is not affected");
    }

    // ------------------------------------------------------------ confirmation and calendar

    #[tokio::test]
    async fn confirming_makes_exactly_one_public_appointment_that_reaches_the_stores_devices() {
        let (_dir, db) = demo_db();
        let app = app_with(db.clone());
        let (start, _) = first_slot(&app, STYLIST).await;
        let (_, held) = hold_slot(&app, Some(STYLIST), &start, 1).await;
        let uri = format!("/v1/public/holds/{}/confirm", held["hold_id"].as_str().unwrap());

        // Mistakes are answered per field, and leave the hold as it was.
        let bad = serde_json::json!({"name": "Josefina Pérez", "phone": "123", "email": "josefina@example.com"});
        let (status, error) = json(&app, post_from(&uri, &bad, 1)).await;
        assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("phone")));
        let bad = serde_json::json!({"name": "Josefina Pérez", "phone": "987654321", "email": "josefina"});
        let (status, error) = json(&app, post_from(&uri, &bad, 1)).await;
        assert_eq!((status, error["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("email")));

        let (status, confirmed) = json(&app, post_from(&uri, &contact(), 1)).await;
        assert_eq!(status, StatusCode::CREATED, "{confirmed}");
        assert_eq!(confirmed["start"], start.as_str());
        assert_eq!(confirmed["stylist"]["name"], "Antonia Reyes");
        let booking_id = confirmed["booking_id"].as_str().unwrap().to_owned();

        let (status, again) = json(&app, post_from(&uri, &contact(), 1)).await;
        assert_eq!((status, again["code"].as_str()), (StatusCode::CONFLICT, Some("already_confirmed")));
        assert_eq!(booked_at(&db, &start), vec![(booking_id.clone(), "public".to_owned())]);

        let id = booking_id.clone();
        let (record, published): (AppointmentRecordJson, i64) = db
            .blocking(move |conn| {
                let record = appointments::appointment(conn, &id)?.unwrap();
                let published = conn.query_row(
                    "SELECT COUNT(*) FROM change_log WHERE scope = ?1 AND key LIKE '%' || ?2",
                    params![vitrina_protocol::store_scope(STORE), id],
                    |r| r.get(0),
                )?;
                Ok((record, published))
            })
            .unwrap();
        assert_eq!(record.channel, "public");
        assert_eq!(record.customer_id, None);
        assert_eq!(record.customer_name, "Josefina Pérez");
        assert_eq!(record.customer_phone.as_deref(), Some("+56987654321"));
        assert_eq!(record.customer_email.as_deref(), Some("josefina@example.com"));
        assert_eq!(published, 1, "published to the store's devices");
    }

    type AppointmentRecordJson = vitrina_protocol::AppointmentRecord;

    #[tokio::test]
    async fn the_calendar_file_is_rfc_5545_in_utc_and_needs_the_secret() {
        let (_dir, db) = demo_db();
        let app = app_with(db);
        let (start, _) = first_slot(&app, STYLIST).await;
        let (_, held) = hold_slot(&app, Some(STYLIST), &start, 1).await;
        let uri = format!("/v1/public/holds/{}/confirm", held["hold_id"].as_str().unwrap());
        let (_, confirmed) = json(&app, post_from(&uri, &contact(), 1)).await;
        let url = confirmed["calendar_url"].as_str().unwrap();

        let (status, headers, body) = send(&app, get_from(url, 1)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/calendar"));
        assert!(headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains(".ics"));
        let ics = String::from_utf8(body).unwrap();
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{ics}");
        assert!(ics.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert_eq!(ics.matches('\n').count(), ics.matches("\r\n").count(), "CRLF only");
        let unfolded = ics.replace("\r\n ", "");
        let line = |name: &str| {
            unfolded
                .split("\r\n")
                .find_map(|l| l.strip_prefix(&format!("{name}:")))
                .unwrap_or_else(|| panic!("no {name} in {ics}"))
                .to_owned()
        };
        let start_utc = parse_start(&start).unwrap();
        assert_eq!(line("DTSTART"), start_utc.format("%Y%m%dT%H%M%SZ").to_string());
        assert_eq!(line("DTEND"), (start_utc + Duration::minutes(60)).format("%Y%m%dT%H%M%SZ").to_string());
        assert_eq!(line("UID"), format!("{}@vitrina", confirmed["booking_id"].as_str().unwrap()));
        assert!(line("DTSTAMP").ends_with('Z') && line("DTSTAMP").len() == 16);
        assert_eq!(line("SUMMARY"), "Asesoría de imagen – Vitrina Costanera Center");
        assert_eq!(line("LOCATION"), "Vitrina Costanera Center\\, Av. Andrés Bello 2425\\, Providencia\\, Santiago");
        assert!(line("DESCRIPTION").starts_with("Con Antonia Reyes.\\n"));
        assert!(!ics.contains("Josefina"), "no contact details in a file that may be forwarded");

        let (_, _, body) = send(&app, get_from(&format!("{url}&lang=en"), 1)).await;
        assert!(String::from_utf8(body).unwrap().contains("SUMMARY:Personal styling – Vitrina Costanera Center"));

        let wrong = format!(
            "/v1/public/bookings/{}/calendar.ics?token={}",
            confirmed["booking_id"].as_str().unwrap(),
            "0".repeat(64)
        );
        let (status, _, _) = send(&app, get_from(&wrong, 1)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    // ------------------------------------------------------------ abuse

    #[tokio::test]
    async fn a_burst_of_requests_is_answered_429_with_retry_after() {
        let (_dir, db) = demo_db();
        // Refills slowly enough that the test cannot race it.
        let config = RateConfig { burst: 20.0, per_second: 0.01, write_burst: 3.0, write_per_second: 0.01 };
        let app = Router::new().merge(routes(config)).with_state(AppState::new(db));
        for i in 0..20 {
            let (status, _, _) = send(&app, get_from("/v1/public/services", 9)).await;
            assert_eq!(status, StatusCode::OK, "request {i} of the burst");
        }
        let (status, headers, body) = send(&app, get_from("/v1/public/services", 9)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
        assert!(retry >= 1);
        let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(error["code"], "rate_limited");
        let (status, _, _) = send(&app, get_from("/v1/public/services", 10)).await;
        assert_eq!(status, StatusCode::OK, "another client has its own bucket");

        // Holds and confirmations have a smaller bucket of their own.
        let body = serde_json::json!({});
        for _ in 0..3 {
            let (status, _, _) = send(&app, post_from("/v1/public/holds", &body, 11)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let (status, _, _) = send(&app, post_from("/v1/public/holds", &body, 11)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    }

    #[tokio::test]
    async fn the_default_limits_allow_a_burst_of_twenty() {
        let (_dir, db) = demo_db();
        let app = app_with(db);
        let mut statuses = Vec::new();
        for _ in 0..40 {
            statuses.push(send(&app, get_from("/book", 12)).await.0);
        }
        assert!(statuses[..20].iter().all(|s| *s == StatusCode::OK));
        assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    }

    #[tokio::test]
    async fn a_body_too_large_is_refused() {
        let (_dir, db) = demo_db();
        let app = app_with(db);
        let body = serde_json::json!({"name": "x".repeat(MAX_BODY_BYTES), "phone": "1", "email": "a@b.cl"});
        let (status, error) = json(&app, post_from("/v1/public/holds/abc/confirm", &body, 1)).await;
        assert_eq!((status, error["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("invalid")));
    }

    #[test]
    fn clients_are_told_apart_by_address_and_a_local_proxy_forwards_theirs() {
        let key = |peer: Option<&str>, forwarded: Option<&str>| {
            let mut req = HttpRequest::get("/").body(Body::empty()).unwrap();
            if let Some(peer) = peer {
                req.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
            }
            if let Some(forwarded) = forwarded {
                req.headers_mut().insert("x-forwarded-for", HeaderValue::from_str(forwarded).unwrap());
            }
            client_key(&req)
        };
        assert_eq!(key(Some("198.51.100.7:5000"), None), "198.51.100.7");
        assert_eq!(key(Some("198.51.100.7:5000"), Some("1.2.3.4")), "198.51.100.7", "not forwarded by us");
        assert_eq!(key(Some("127.0.0.1:5000"), Some("9.9.9.9, 1.2.3.4")), "1.2.3.4", "the hop our proxy added");
        assert_eq!(key(Some("[2001:db8:1:2:3:4:5:6]:5000"), None), "2001:db8:1:2::/64");
        assert_eq!(key(None, None), "unknown");
    }

    // ------------------------------------------------------------ one slot, one booking

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn fifty_concurrent_public_and_device_bookings_of_one_slot_make_exactly_one() {
        let (_dir, db) = demo_db();
        let app = app_with(db.clone());
        let (start, _) = first_slot(&app, STYLIST).await;
        let first = device(&db);
        let customer = customer(&app, &first).await;
        let mut tokens = vec![first];
        for _ in 1..25 {
            tokens.push(device(&db));
        }
        let mut tasks = Vec::new();
        for i in 0..50 {
            let app = app.clone();
            let start = start.clone();
            if i % 2 == 0 {
                let token = tokens[i / 2].clone();
                let counter = if i == 0 { 2 } else { 1 };
                let customer = customer.clone();
                tasks.push(tokio::spawn(async move {
                    let answer = push(&app, &token, vec![mutation(counter, device_booking(&customer, &start))]).await;
                    match &answer.results[0].outcome {
                        MutationOutcome::Applied => true,
                        MutationOutcome::Rejected { rejection: Rejection::SlotTaken, .. } => false,
                        other => panic!("unexpected outcome {other:?}"),
                    }
                }));
            } else {
                let from = 100 + i as u8;
                tasks.push(tokio::spawn(async move {
                    let (status, held) = hold_slot(&app, Some(STYLIST), &start, from).await;
                    if status == StatusCode::CONFLICT {
                        return false;
                    }
                    assert_eq!(status, StatusCode::CREATED, "{held}");
                    let uri = format!("/v1/public/holds/{}/confirm", held["hold_id"].as_str().unwrap());
                    let (status, confirmed) = json(&app, post_from(&uri, &contact(), from)).await;
                    assert_eq!(status, StatusCode::CREATED, "a held slot is confirmed: {confirmed}");
                    true
                }));
            }
        }
        let mut won = 0;
        for task in tasks {
            if task.await.unwrap() {
                won += 1;
            }
        }
        assert_eq!(won, 1, "exactly one request got the slot");
        assert_eq!(booked_at(&db, &start).len(), 1, "one appointment at the central");
    }
}
