//! The sync protocol's wire types, defined once and used by both ends.
//!
//! API boundary: this is the only crate that decides what goes over HTTP between a
//! device and the central. Its types are plain data (serde); `utoipa` derives give
//! the OpenAPI document the central serves at `/openapi.json`.
//!
//! Versioning: every request carries [`PROTOCOL_HEADER`] with [`PROTOCOL_VERSION`].
//! A change that an older device can't read bumps the version.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vitrina_core::LocationKind;

/// The protocol version this build speaks. Version 2 added the store scope
/// (customers and orders) and the commands that fill it; version 3 added product
/// images, the store's associates (PIN hashes) and customers' saved selections;
/// version 4 customers' purchases from every channel, lost demand, managers'
/// safety-stock rules and associates' sessions at the central.
pub const PROTOCOL_VERSION: u32 = 4;
/// The oldest version whose pushes the central still takes, so that a device due
/// for an update first delivers every command it queued: no sale is stranded. Every
/// other request needs [`PROTOCOL_VERSION`] and answers `update_required` otherwise.
pub const OLDEST_PUSH_VERSION: u32 = 1;
/// Header carrying the protocol version on every device request.
pub const PROTOCOL_HEADER: &str = "x-vitrina-protocol";

/// Scope holding the catalog (products, variants, prices), the chain's locations and
/// the safety-stock rules.
pub const CATALOG_SCOPE: &str = "catalog";

/// The checksum contribution of one live entry of a scope: the first 8 bytes of
/// SHA-256 over its key, a NUL and its record's JSON. A scope's checksum is the XOR
/// of its entries', kept up to date change by change on both ends, so a device whose
/// cache diverged from the central notices without comparing rows.
pub fn entry_hash(key: &str, record_json: impl AsRef<[u8]>) -> i64 {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(key.as_bytes());
    hasher.update([0u8]);
    hasher.update(record_json.as_ref());
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_le_bytes(first)
}

/// The scope holding the stock of one location.
pub fn inventory_scope(location_id: &str) -> String {
    format!("inventory:{location_id}")
}

/// The location of an inventory scope, if `scope` is one.
pub fn inventory_scope_location(scope: &str) -> Option<&str> {
    scope.strip_prefix("inventory:")
}

// ---------------------------------------------------------------- enrollment

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EnrollRequest {
    /// The one-time code a manager got for the store.
    pub code: String,
    /// A name for the device, shown to managers ("Tablet caja 2").
    pub device_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EnrollResponse {
    pub device_id: String,
    /// Bearer token for every later request. Shown once; the central keeps only its hash.
    pub token: String,
    pub store: LocationRecord,
}

/// What the central knows about the calling device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SessionResponse {
    pub device_id: String,
    pub store: LocationRecord,
    /// The scopes this device may pull: the catalog and its region's inventories.
    pub scopes: Vec<String>,
}

// ---------------------------------------------------------------- records

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LocationRecord {
    pub id: String,
    #[schema(value_type = String, example = "store")]
    pub kind: LocationKind,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub city: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    /// IANA time zone, e.g. `America/Santiago`.
    pub time_zone: String,
    /// ISO 4217 code of the location's prices.
    pub currency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ColorRecord {
    pub code: String,
    pub name_es: String,
    pub name_en: String,
    /// `#RRGGBB` swatch.
    pub hex: String,
    /// The product in this colour, when the catalog has a picture of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ColorImage>,
}

/// Content addresses of a colour's picture: the lowercase hex SHA-256 of each
/// file's bytes, fetched with `GET /v1/images/{hash}`. A device keeps each file
/// under its hash, so a picture shared by several products is stored once and a
/// changed picture is a new address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ColorImage {
    /// At tablet resolution (900 × 1200 in the demo catalog).
    pub full: String,
    /// For swatches and lists (180 × 240).
    pub thumb: String,
}

/// True when `hash` has the shape of a content address: 64 lowercase hex digits.
pub fn is_content_address(hash: &str) -> bool {
    hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The content address of `bytes`.
pub fn content_address(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VariantRecord {
    pub sku: String,
    pub color_code: String,
    pub size: String,
    /// GTIN-13 with a valid check digit.
    pub gtin: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PriceRecord {
    pub currency: String,
    /// Amount in the currency's minor units.
    pub minor: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProductRecord {
    pub id: String,
    pub style_code: String,
    pub name_es: String,
    pub name_en: String,
    pub description_es: String,
    pub description_en: String,
    pub category_es: String,
    pub category_en: String,
    /// Class used by safety-stock rules: `bestseller`, `core`, `seasonal`.
    pub product_class: String,
    pub colors: Vec<ColorRecord>,
    pub sizes: Vec<String>,
    pub variants: Vec<VariantRecord>,
    pub prices: Vec<PriceRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StockRecord {
    pub sku: String,
    pub location_id: String,
    pub on_hand: i64,
    pub reserved: i64,
    pub in_transit: i64,
    /// Expected arrival of the units in transit, ISO date.
    pub transit_eta: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SafetyRuleRecord {
    pub location_id: String,
    pub product_class: String,
    pub units: i64,
}

/// One entity of a scope. The kinds larger than a stock record are boxed, so a
/// record takes no more than a stock record does: a first sync holds tens of
/// thousands per answer, nearly all of them stock. The JSON is the same either way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "entity", content = "data", rename_all = "snake_case")]
pub enum Record {
    Location(Box<LocationRecord>),
    Product(Box<ProductRecord>),
    Stock(StockRecord),
    SafetyRule(SafetyRuleRecord),
    Customer(Box<CustomerRecord>),
    Order(Box<OrderRecord>),
    Associate(Box<AssociateRecord>),
    Service(Box<ServiceRecord>),
    Stylist(Box<StylistRecord>),
    Appointment(Box<AppointmentRecord>),
    Room(Box<RoomRecord>),
    Purchase(Box<PurchaseRecord>),
    LostDemand(Box<LostDemandRecord>),
}

/// One of a customer's transactions in any channel (a sale at a till, an order
/// online or in store, a return, a cancellation), in their home store's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PurchaseRecord {
    /// The central's ledger id.
    pub id: String,
    /// The customer's home store (whose scope this travels in).
    pub store_id: String,
    pub customer_id: String,
    /// pos, endless_aisle, ecommerce, app or social.
    pub channel: String,
    /// sale, order, return or cancellation.
    #[schema(value_type = String)]
    pub kind: vitrina_core::TxnKind,
    /// The sending system's id, or the order's number.
    pub reference: String,
    /// The store it was attributed to (where it was sold, picked up or returned).
    pub attributed_store_id: Option<String>,
    /// RFC 3339, UTC.
    pub occurred_at: String,
    pub currency: String,
    /// Never negative; the kind says which way it counts.
    pub amount_minor: i64,
    pub lines: Vec<TransactionLine>,
    /// For an order placed on a device: its id, so the device joins it to its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
}

/// Something a customer wanted that the store could not offer, as an associate
/// recorded it (store scope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LostDemandRecord {
    /// Made on the device (UUIDv7).
    pub id: String,
    pub store_id: String,
    /// The SKU, when the customer wanted a product of the catalog.
    pub sku: Option<String>,
    /// The product, when known (a colour or size may be missing).
    pub product_id: Option<String>,
    /// What the customer asked for, in the associate's words, when not in the catalog.
    pub text: Option<String>,
    /// not_anywhere, declined_wait, not_in_catalog, or other.
    pub reason: String,
    pub associate_id: Option<String>,
    /// RFC 3339 (device clock when recorded; informative).
    pub recorded_at: String,
}

/// Why a customer left without what they wanted.
pub const LOST_DEMAND_REASONS: [&str; 4] = ["not_anywhere", "declined_wait", "not_in_catalog", "other"];

/// A service stylists perform, offered chain-wide (catalog scope).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ServiceRecord {
    pub id: String,
    pub name_es: String,
    pub name_en: String,
    pub description_es: String,
    pub description_en: String,
    pub duration_minutes: u32,
    /// Preparation the stylist needs before the customer arrives.
    pub buffer_before_minutes: u32,
    /// Clean-up after.
    pub buffer_after_minutes: u32,
    /// Nobody without this specialty can be booked for the service.
    pub required_specialty: Option<String>,
    pub prices: Vec<PriceRecord>,
    /// The kind of room the service takes (a fitting room), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_kind: Option<String>,
}

/// A room of a store that some services take, such as a fitting room (store scope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RoomRecord {
    pub id: String,
    pub store_id: String,
    pub name: String,
    pub kind: String,
    /// Appointments it holds at once.
    pub capacity: u32,
}

impl ServiceRecord {
    /// The service as the slot rule sees it.
    pub fn to_core(&self) -> vitrina_core::Service {
        vitrina_core::Service {
            id: self.id.clone(),
            duration_minutes: self.duration_minutes,
            buffer_before_minutes: self.buffer_before_minutes,
            buffer_after_minutes: self.buffer_after_minutes,
            required_specialty: self.required_specialty.clone(),
            room_kind: self.room_kind.clone(),
        }
    }
}

/// A stylist of a store with their schedule, in the store's local time (store scope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StylistRecord {
    pub id: String,
    pub store_id: String,
    pub name: String,
    pub specialties: Vec<String>,
    /// Weekly hours: `{"weekday": "Mon", "start": "10:00:00", "end": "14:00:00"}`.
    #[schema(value_type = Vec<Object>)]
    pub weekly_hours: Vec<vitrina_core::WorkingHours>,
    #[schema(value_type = Vec<Object>)]
    pub breaks: Vec<vitrina_core::WorkingHours>,
    /// Days off and special hours: `{"date": "2026-12-24", "kind": "day_off"}`.
    #[schema(value_type = Vec<Object>)]
    pub exceptions: Vec<vitrina_core::Exception>,
    pub active: bool,
}

impl StylistRecord {
    /// The stylist as the slot rule sees it.
    pub fn to_core(&self) -> vitrina_core::Stylist {
        vitrina_core::Stylist {
            id: self.id.clone(),
            specialties: self.specialties.clone(),
            weekly_hours: self.weekly_hours.clone(),
            breaks: self.breaks.clone(),
            exceptions: self.exceptions.clone(),
        }
    }
}

/// An appointment with a stylist (store scope: it carries the customer's contact).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AppointmentRecord {
    pub id: String,
    pub store_id: String,
    pub stylist_id: String,
    pub service_id: String,
    pub customer_id: Option<String>,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub customer_email: Option<String>,
    /// RFC 3339, UTC.
    pub start: String,
    pub end: String,
    /// `start` minus the service's buffer before, `end` plus the buffer after: the
    /// time the stylist is taken.
    pub busy_from: String,
    pub busy_until: String,
    /// booked, checked_in, no_show or cancelled.
    pub status: String,
    /// `device` or `public` (the booking page).
    pub channel: String,
    /// SKUs the customer wants to try on.
    pub items: Vec<String>,
    pub created_at: String,
    /// Where each item is kept for the visit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holds: Vec<ItemHold>,
}

/// An item kept for an appointment: a unit reserved on the store's shelf (`hold`),
/// reserved elsewhere and to be sent to the store (`transfer`), or nowhere to be had
/// (`unavailable`). Released when the appointment is cancelled, missed or begins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ItemHold {
    pub sku: String,
    /// hold, transfer or unavailable.
    pub kind: String,
    /// Where the unit is reserved (none when unavailable).
    pub location_id: Option<String>,
}

impl AppointmentRecord {
    /// Whether the appointment still takes the stylist's time.
    pub fn holds_time(&self) -> bool {
        matches!(self.status.as_str(), "booked" | "checked_in")
    }
}

/// Someone who works at a store. Travels in the store's scope only, so a device can
/// check a PIN offline; the PIN itself never leaves the central's hashing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AssociateRecord {
    pub id: String,
    pub store_id: String,
    pub name: String,
    /// `associate` or `manager`.
    pub role: String,
    /// Argon2id PHC string of the associate's PIN.
    pub pin_hash: String,
    /// False once the associate has left: the PIN no longer opens anything.
    pub active: bool,
}

/// A colour (and perhaps a size) a customer liked, saved to their profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WishlistItem {
    pub product_id: String,
    pub color_code: String,
    pub size: Option<String>,
    /// "I'd like this one" rather than a favourite.
    pub wanted: bool,
    /// When it was saved (RFC 3339, device clock; informative only).
    pub saved_at: String,
}

/// A customer of a store. Personal data: sent only to the devices of its store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CustomerRecord {
    /// Made where the customer was created (UUIDv7).
    pub id: String,
    pub store_id: String,
    pub name: String,
    /// E.164.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Recorded explicitly; never assumed.
    pub marketing_consent: bool,
    /// The customer agreed to one profile across the chain: associates of any
    /// store may look them up and see their history.
    #[serde(default)]
    pub chain_consent: bool,
    /// What the customer liked in store (customer mode), newest last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wishlist: Vec<WishlistItem>,
}

/// An order line with what came back of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrderLineState {
    pub sku: String,
    pub quantity: i64,
    pub source_location_id: String,
    pub returned: i64,
}

/// An order as the central knows it, in its store's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrderRecord {
    pub id: String,
    pub number: String,
    pub store_id: String,
    pub customer_id: Option<String>,
    pub channel: String,
    /// confirmed, picking, shipped, ready_for_pickup, delivered, cancelled, returned.
    pub status: String,
    pub lines: Vec<OrderLineState>,
    pub fulfilment: FulfilmentRecord,
    pub payment: PaymentRecord,
    pub promise_date: Option<String>,
    /// Arrival at the central (RFC 3339).
    pub created_at: String,
    /// A cancellation was asked for while the order is being picked.
    #[serde(default)]
    pub cancel_requested: bool,
}

/// A fulfilment system moves an order on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrderStatusUpdate {
    /// picking, shipped, ready_for_pickup, delivered, or cancelled (before shipping).
    pub status: String,
}

/// The scope holding a store's customers and orders.
pub fn store_scope(store_id: &str) -> String {
    format!("store:{store_id}")
}

impl Record {
    /// The key of the entity within its scope; a later change with the same key
    /// replaces the earlier one.
    pub fn key(&self) -> String {
        match self {
            Record::Location(l) => format!("location:{}", l.id),
            Record::Product(p) => format!("product:{}", p.id),
            Record::Stock(s) => format!("stock:{}", s.sku),
            Record::SafetyRule(r) => format!("safety:{}:{}", r.location_id, r.product_class),
            Record::Customer(c) => format!("customer:{}", c.id),
            Record::Order(o) => format!("order:{}", o.id),
            Record::Associate(a) => format!("associate:{}", a.id),
            Record::Service(v) => format!("service:{}", v.id),
            Record::Stylist(v) => format!("stylist:{}", v.id),
            Record::Appointment(a) => format!("appointment:{}", a.id),
            Record::Room(r) => format!("room:{}", r.id),
            Record::Purchase(p) => format!("purchase:{}", p.id),
            Record::LostDemand(l) => format!("lost_demand:{}", l.id),
        }
    }
}

// ---------------------------------------------------------------- pull

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScopeCursor {
    pub scope: String,
    /// The last change sequence number the device has applied; 0 for none.
    pub after: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PullRequest {
    pub cursors: Vec<ScopeCursor>,
    /// Most changes to return in all scopes together. The central may return fewer:
    /// it also bounds the size of an answer.
    pub limit: u32,
    /// When nothing is new, wait up to this long for a change (long-poll); 0 answers at once.
    #[serde(default)]
    pub wait_ms: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ChangeOp {
    Upsert {
        record: Box<Record>,
    },
    /// A tombstone: the entity with this key is gone.
    Delete,
}

/// On the wire: `{"seq": 7, "key": "stock:…", "op": "upsert", "record": {…}}` or
/// `{"seq": 8, "key": "stock:…", "op": "delete"}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Change {
    /// Position in the scope's gap-free, commit-ordered change counter.
    pub seq: i64,
    pub key: String,
    #[serde(flatten)]
    pub op: ChangeOp,
    /// For an upsert read from JSON: `entry_hash` of its record's text exactly as
    /// it came. The central serves records as it stored and hashed them, so a device
    /// keeps its checksum without writing each record out again to hash it. `None`
    /// for a change made in memory.
    #[serde(skip)]
    pub received_hash: Option<i64>,
}

impl Change {
    pub fn upsert(seq: i64, record: Record) -> Change {
        Change { seq, key: record.key(), op: ChangeOp::Upsert { record: Box::new(record) }, received_hash: None }
    }

    pub fn delete(seq: i64, key: impl Into<String>) -> Change {
        Change { seq, key: key.into(), op: ChangeOp::Delete, received_hash: None }
    }
}

/// Two changes are the same change whether or not one was read from JSON.
impl PartialEq for Change {
    fn eq(&self, other: &Change) -> bool {
        self.seq == other.seq && self.key == other.key && self.op == other.op
    }
}

/// Read field by field: a first sync reads hundreds of thousands of changes, and
/// serde's derived reading of a flattened, internally tagged enum buffers every
/// change into a generic map first (it was the larger part of parsing a page).
/// A change is read from JSON text (`serde_json::from_str` or `from_slice`): its
/// record is borrowed as text to be hashed as received, then parsed.
impl<'de> Deserialize<'de> for Change {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Change, D::Error> {
        struct Fields;
        impl<'de> serde::de::Visitor<'de> for Fields {
            type Value = Change;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a change: seq, key, op and, for an upsert, record")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Change, A::Error> {
                use serde::de::Error;
                let (mut seq, mut key, mut op) = (None, None::<String>, None::<String>);
                let mut record = None::<&'de serde_json::value::RawValue>;
                while let Some(field) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match field.as_ref() {
                        "seq" => seq = Some(map.next_value()?),
                        "key" => key = Some(map.next_value()?),
                        "op" => op = Some(map.next_value()?),
                        "record" => record = Some(map.next_value()?),
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                let key = key.ok_or_else(|| A::Error::missing_field("key"))?;
                let (op, received_hash) = match op.as_deref() {
                    Some("upsert") => {
                        let text = record.ok_or_else(|| A::Error::missing_field("record"))?.get();
                        let record = serde_json::from_str(text).map_err(A::Error::custom)?;
                        (ChangeOp::Upsert { record }, Some(entry_hash(&key, text)))
                    }
                    Some("delete") => (ChangeOp::Delete, None),
                    Some(other) => return Err(A::Error::unknown_variant(other, &["upsert", "delete"])),
                    None => return Err(A::Error::missing_field("op")),
                };
                Ok(Change { seq: seq.ok_or_else(|| A::Error::missing_field("seq"))?, key, op, received_hash })
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScopeStatus {
    Ok,
    /// The device's cursor is no longer served (log trimmed, scope reshaped):
    /// drop the scope and pull it again from 0.
    ResyncRequired,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScopePage {
    pub scope: String,
    pub status: ScopeStatus,
    /// Changes after the request's cursor, in sequence order.
    pub changes: Vec<Change>,
    /// The cursor to send next time: the last sequence number included.
    pub cursor: i64,
    /// The scope's current head.
    pub head: i64,
    /// Changes still to pull after `cursor`: exact when the head is at most 20,000
    /// changes on, otherwise `head - cursor`, an upper bound (compaction leaves
    /// gaps); 0 exactly when the cursor is the head.
    pub remaining: i64,
    /// The scope's checksum at `head`, sent when this page reaches the head: a device
    /// whose own checksum differs has diverged and pulls the scope again.
    #[serde(default)]
    pub checksum: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PullResponse {
    /// The central's clock when the page was read (RFC 3339): "confirmed as of".
    pub server_time: String,
    pub scopes: Vec<ScopePage>,
}

// ---------------------------------------------------------------- push

/// Business commands a device sends; the central executes each again and its
/// result is final.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    CreateCustomer(CustomerRecord),
    PlaceOrder(PlaceOrder),
    CancelOrder(CancelOrder),
    ReturnOrder(ReturnOrder),
    SaveWishlist(SaveWishlist),
    BookAppointment(BookAppointment),
    RescheduleAppointment(RescheduleAppointment),
    SetAppointmentStatus(SetAppointmentStatus),
    SetStylistSchedule(SetStylistSchedule),
    RecordLostDemand(LostDemandRecord),
    SetSafetyRule(SetSafetyRule),
}

/// A manager sets how many units of a product class their store keeps back for
/// walk-in customers. The central checks that `by_associate_id` manages the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SetSafetyRule {
    pub product_class: String,
    /// 0 to 1,000.
    pub units: i64,
    pub by_associate_id: String,
}

/// A manager changes a stylist's weekly hours, breaks and exceptions. The device
/// checked the manager's PIN; the central checks that they manage the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SetStylistSchedule {
    pub stylist_id: String,
    /// The manager who made the change.
    pub by_associate_id: String,
    #[schema(value_type = Vec<Object>)]
    pub weekly_hours: Vec<vitrina_core::WorkingHours>,
    #[schema(value_type = Vec<Object>)]
    pub breaks: Vec<vitrina_core::WorkingHours>,
    #[schema(value_type = Vec<Object>)]
    pub exceptions: Vec<vitrina_core::Exception>,
}

/// Books a stylist for a customer. The central takes it only if the slot is still
/// free by its own data; otherwise it answers `slot_taken` with the nearest free slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BookAppointment {
    /// Made on the device (UUIDv7): the same booking sent twice is made once.
    pub appointment_id: String,
    pub stylist_id: String,
    pub service_id: String,
    /// RFC 3339.
    pub start: String,
    pub customer_id: String,
    #[serde(default)]
    pub items: Vec<String>,
}

/// Moves an appointment to another time or stylist; it stays one appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RescheduleAppointment {
    pub appointment_id: String,
    pub stylist_id: String,
    /// RFC 3339.
    pub start: String,
}

/// Checks a customer in, marks a no-show, or cancels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SetAppointmentStatus {
    pub appointment_id: String,
    /// checked_in, no_show or cancelled.
    pub status: String,
}

/// A free slot offered instead of one that was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SlotOffer {
    pub stylist_id: String,
    /// RFC 3339, UTC.
    pub start: String,
}

/// Adds what a customer liked to their profile. An item already there (same
/// product, colour and size) is not added twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SaveWishlist {
    pub customer_id: String,
    pub items: Vec<WishlistItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CancelOrder {
    pub order_id: String,
}

/// Units of an order brought back to the device's store, whatever channel sold them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReturnOrder {
    /// Made on the device: the same return sent twice is recorded once.
    pub return_id: String,
    pub order_id: String,
    pub lines: Vec<ReturnLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReturnLine {
    pub sku: String,
    pub quantity: i64,
}

/// How the customer paid: recorded, never processed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PaymentRecord {
    /// `at_till`, `reference` or `payment_link`.
    pub method: String,
    pub reference: Option<String>,
}

/// How an order reaches the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum FulfilmentRecord {
    ShipToHome { address: String },
    ShipToStore { store_id: String },
    PickUpAt { store_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrderLineRecord {
    pub sku: String,
    pub quantity: i64,
    /// Where the units are reserved and shipped from.
    pub source_location_id: String,
}

/// An order placed on a customer's behalf (endless aisle).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PlaceOrder {
    /// Made on the device (UUIDv7): placing the same order twice makes one order.
    pub order_id: String,
    /// Readable number made on the device: store–device–counter, never colliding.
    pub order_number: String,
    pub lines: Vec<OrderLineRecord>,
    pub fulfilment: FulfilmentRecord,
    pub customer_id: Option<String>,
    pub payment: PaymentRecord,
    /// The date promised to the customer (ISO), as quoted on the device.
    pub promise_date: Option<String>,
    /// When a line's source has no units left by the time the order arrives, the
    /// central may take them from another location of the region rather than refuse
    /// (answered as `applied_with_changes`).
    #[serde(default)]
    pub allow_other_source: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Mutation {
    /// UUIDv7 made on the device.
    pub mutation_id: String,
    /// Gap-free per-device counter, from 1.
    pub counter: i64,
    /// The associate signed in on the device when the command was made. The central
    /// checks they are on the device's store's roster and records them in the audit
    /// log. Absent only in commands queued by older builds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_by: Option<String>,
    #[serde(flatten)]
    pub command: Command,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PushRequest {
    pub mutations: Vec<Mutation>,
}

/// Why the central refused a command. A rejection is a result, never an HTTP error,
/// and never blocks the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Rejection {
    /// Not enough units to promise at the source.
    SoldOut {
        sku: String,
        location_id: String,
        available: i64,
    },
    Invalid {
        field: String,
        detail: String,
    },
    Forbidden,
    /// The order has shipped or is closed: it can no longer be cancelled.
    NotCancellable,
    /// The order is not delivered, or more units than were bought are returned.
    NotReturnable,
    /// This counter or mutation id was used before with a different body.
    Conflict,
    /// The stylist is not free then (booked meanwhile, or outside their hours).
    SlotTaken,
    /// The appointment is cancelled or over: it can't be changed.
    NotChangeable,
}

/// Somewhere else the rejected line could come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Alternative {
    pub sku: String,
    pub location_id: String,
    pub atp: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum MutationOutcome {
    Applied,
    /// Applied, but not exactly as sent: `changes` say what the central changed.
    AppliedWithChanges {
        changes: Vec<AppliedChange>,
    },
    /// Accepted, but a person must decide before it takes effect (e.g. cancelling an
    /// order the warehouse is already picking); the outcome arrives as pulled data.
    PendingReview {
        reason: String,
    },
    Rejected {
        rejection: Rejection,
        alternatives: Vec<Alternative>,
        /// For a booking: the nearest free slots.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        slots: Vec<SlotOffer>,
    },
}

impl MutationOutcome {
    /// Whether the central took the command (applied, or taken for review).
    pub fn is_applied(&self) -> bool {
        !matches!(self, MutationOutcome::Rejected { .. })
    }
}

/// One thing the central did differently from what the device sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AppliedChange {
    pub sku: String,
    /// The field changed, e.g. `source_location_id`.
    pub field: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MutationResult {
    pub mutation_id: String,
    pub counter: i64,
    #[serde(flatten)]
    pub outcome: MutationOutcome,
    /// Where the central recorded the command's effects: once the device's cursor of
    /// each scope reaches its seq, the pulled data includes them.
    pub effects: Vec<ScopeCursor>,
    /// True when this is the stored result of an earlier delivery.
    #[serde(default)]
    pub replayed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PushResponse {
    pub results: Vec<MutationResult>,
    /// The counter the central expects next from this device: after a gap, the
    /// device resends from here.
    pub next_counter: i64,
}

// ---------------------------------------------------------------- stock movements

/// What happened to stock in another channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MovementKind {
    /// Units sold (point of sale, e-commerce shipped from this location): on hand falls.
    Sale,
    /// Units returned into this location's stock.
    Return,
    /// Units received from a supplier.
    Receipt,
    /// Units sent to another location.
    TransferOut,
    /// Units arrived from another location.
    TransferIn,
    /// A count correction; `quantity` is signed.
    Adjustment,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StockMovement {
    /// The sending system's id for this movement; a retry reuses it.
    pub movement_id: String,
    pub sku: String,
    pub location_id: String,
    pub kind: MovementKind,
    /// Units, positive; for an adjustment, the signed change.
    pub quantity: i64,
    /// When it happened in the sending system (RFC 3339), for the record only: the
    /// central orders movements by arrival.
    #[serde(default)]
    pub occurred_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StockMovementsRequest {
    pub movements: Vec<StockMovement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MovementOutcome {
    Applied,
    /// Applied, but the stock could not follow it exactly (sold more than recorded):
    /// on hand stopped at zero and a discrepancy was raised.
    AppliedWithDiscrepancy,
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MovementRejection {
    UnknownSku,
    UnknownLocation,
    InvalidQuantity,
    InvalidId,
    /// The movement id was used before with a different body.
    ReusedId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MovementResult {
    pub movement_id: String,
    pub outcome: MovementOutcome,
    /// On hand after the movement.
    pub on_hand: Option<i64>,
    pub reason: Option<MovementRejection>,
    /// True when this is the stored result of an earlier delivery of the same movement.
    #[serde(default)]
    pub replayed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StockMovementsResponse {
    pub results: Vec<MovementResult>,
}

// ---------------------------------------------------------------- other channels' transactions

/// A line of a transaction: units of one SKU at a unit price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TransactionLine {
    pub sku: String,
    pub quantity: i64,
    /// Price per unit in the transaction currency's minor units, after discounts.
    pub unit_minor: i64,
}

/// Who the customer is, as the sending system knows them. The central matches an
/// existing customer by id, then phone (E.164), then email; an unmatched customer
/// leaves the transaction anonymous.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CustomerRef {
    pub id: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A sale, order, return or cancellation from another channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChannelTransaction {
    /// The sending system's id; unique within its channel, reused by retries.
    pub transaction_id: String,
    /// pos, ecommerce, app or social.
    pub channel: String,
    /// sale, order, return or cancellation.
    pub kind: String,
    /// When it happened (RFC 3339). The report places it by this time.
    pub occurred_at: String,
    /// The store that made the sale or took the return.
    #[serde(default)]
    pub sold_at_store: Option<String>,
    /// The store where an order is picked up.
    #[serde(default)]
    pub pickup_store: Option<String>,
    #[serde(default)]
    pub customer: Option<CustomerRef>,
    /// ISO 4217; must be the attributed store's currency.
    pub currency: String,
    pub lines: Vec<TransactionLine>,
    /// For a return or a cancellation: the transaction it undoes, if known (required
    /// for a cancellation).
    #[serde(default)]
    pub original_transaction_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChannelTransactionsRequest {
    pub transactions: Vec<ChannelTransaction>,
}

/// Why a transaction was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransactionRejection {
    InvalidId,
    /// Not a channel the chain sells through, or not one this token may send for.
    UnknownChannel,
    ChannelNotAllowed,
    InvalidKind,
    InvalidTime,
    UnknownStore,
    InvalidCurrency,
    /// The currency is not the attributed store's.
    CurrencyMismatch,
    NoLines,
    UnknownSku,
    InvalidQuantity,
    InvalidPrice,
    /// A cancellation names no transaction, or one the central doesn't know.
    UnknownOriginal,
    /// The id was used before with another body.
    ReusedId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TransactionResult {
    pub transaction_id: String,
    pub channel: String,
    /// accepted or rejected.
    pub accepted: bool,
    /// The store it counts for; none when it belongs to the chain only.
    pub store_id: Option<String>,
    /// The customer it was matched to.
    pub customer_id: Option<String>,
    pub reason: Option<TransactionRejection>,
    /// Which line or field, for a rejection.
    pub detail: Option<String>,
    /// True when this is the stored result of an earlier delivery.
    #[serde(default)]
    pub replayed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChannelTransactionsResponse {
    pub results: Vec<TransactionResult>,
}

// ---------------------------------------------------------------- associates' sessions

/// Header carrying an associate's session token beside the device's bearer token.
pub const ASSOCIATE_HEADER: &str = "x-vitrina-associate";

/// An associate of the device's store signs in at the central with their PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SignInRequest {
    pub associate_id: String,
    pub pin: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SignInResponse {
    /// Sent as [`ASSOCIATE_HEADER`]; the central keeps only its hash.
    pub token: String,
    pub associate_id: String,
    /// associate or manager.
    pub role: String,
    /// RFC 3339.
    pub expires_at: String,
}

// ---------------------------------------------------------------- customers across the chain

/// A customer with their history in every channel and store, as the central knows
/// them. Answered only for customers of the asking device's store, or who agreed to
/// one profile across the chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChainCustomer {
    pub customer: CustomerRecord,
    /// Newest first, at most 200.
    pub purchases: Vec<PurchaseRecord>,
    /// Newest first, at most 50, in any store.
    pub appointments: Vec<AppointmentRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerLookupResponse {
    pub customers: Vec<ChainCustomer>,
}

// ---------------------------------------------------------------- devices

/// A device enrolled for a store, as its managers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceInfo {
    pub id: String,
    pub name: String,
    /// RFC 3339.
    pub enrolled_at: String,
    /// Set once revoked: the device is refused and forgets everything at its next request.
    pub revoked_at: Option<String>,
    /// The device asking.
    pub this_device: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DevicesResponse {
    pub devices: Vec<DeviceInfo>,
}

// ---------------------------------------------------------------- reports

/// A store's sales report from every channel (managers only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StoreReportResponse {
    /// The central's clock when it was computed (RFC 3339).
    pub generated_at: String,
    #[schema(value_type = Object)]
    pub report: vitrina_core::SalesReport,
}

// ---------------------------------------------------------------- availability

/// Availability of one SKU at one location as the central computes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AvailabilityRecord {
    pub location_id: String,
    pub on_hand: i64,
    pub reserved: i64,
    pub safety: i64,
    pub atp: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AvailabilityResponse {
    pub sku: String,
    /// Every location of the calling device's region.
    pub locations: Vec<AvailabilityRecord>,
}

// ---------------------------------------------------------------- errors

/// Machine-readable error codes of the HTTP API. Rejections of business commands
/// are results, not errors; these are for transport, auth, protocol and bugs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Unauthorized,
    Forbidden,
    BadEnrollmentCode,
    UpdateRequired,
    Invalid,
    NotFound,
    RateLimited,
    /// An associate's PIN was wrong.
    WrongPin,
    /// A manager revoked the calling device: it must forget everything it holds.
    DeviceRevoked,
    Internal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApiError {
    pub code: ErrorCode,
    /// English text for logs and operators; clients translate `code`.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub protocol_version: u32,
    pub version: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_takes_no_more_room_than_a_stock_record_and_its_tag() {
        // A kind larger than stock goes in a Box: see `Record`.
        let (record, stock) = (std::mem::size_of::<Record>(), std::mem::size_of::<StockRecord>());
        assert!(record <= stock + 8, "a Record takes {record} bytes, a StockRecord {stock}");
    }

    #[test]
    fn a_change_is_flat_json_with_its_operation_and_entity() {
        let change = Change::upsert(
            7,
            Record::Stock(StockRecord {
                sku: "CAM-1-AZ-M".into(),
                location_id: "CL-SCL-01".into(),
                on_hand: 3,
                reserved: 1,
                in_transit: 0,
                transit_eta: None,
            }),
        );
        let json = serde_json::to_value(&change).unwrap();
        assert_eq!(json["op"], "upsert", "the operation is a tag beside seq and key");
        assert_eq!(json["record"]["entity"], "stock");
        assert_eq!(json["record"]["data"]["on_hand"], 3);
        let text = serde_json::to_string(&change).unwrap();
        let back: Change = serde_json::from_str(&text).unwrap();
        assert_eq!(back, change);
        let ChangeOp::Upsert { record } = &change.op else { unreachable!() };
        let record_text = serde_json::to_string(record).unwrap();
        assert_eq!(back.received_hash, Some(entry_hash(&change.key, &record_text)), "hashed as it came");
    }

    #[test]
    fn a_change_is_read_whatever_the_order_of_its_fields_and_a_malformed_one_is_refused() {
        let reordered = r#"{"record":{"data":{"sku":"S","location_id":"L","on_hand":2,"reserved":0,"in_transit":1,
            "transit_eta":"2026-12-01"},"entity":"stock"},"op":"upsert","extra":[1,{"a":2}],"key":"stock:S","seq":3}"#;
        let change: Change = serde_json::from_str(reordered).unwrap();
        assert_eq!(change.seq, 3);
        assert_eq!(change.key, "stock:S");
        let ChangeOp::Upsert { record } = &change.op else { panic!("an upsert: {change:?}") };
        let Record::Stock(stock) = record.as_ref() else { panic!("stock: {record:?}") };
        assert_eq!((stock.on_hand, stock.in_transit, stock.transit_eta.as_deref()), (2, 1, Some("2026-12-01")));

        let delete: Change = serde_json::from_str(r#"{"op":"delete","seq":4,"key":"stock:S"}"#).unwrap();
        assert_eq!(delete.op, ChangeOp::Delete);

        for (bad, says) in [
            (r#"{"seq":1,"key":"k","op":"upsert"}"#, "missing field `record`"),
            (r#"{"seq":1,"key":"k","op":"merge"}"#, "unknown variant `merge`"),
            (r#"{"seq":1,"key":"k"}"#, "missing field `op`"),
            (r#"{"key":"k","op":"delete"}"#, "missing field `seq`"),
            (r#"{"seq":"1","key":"k","op":"delete"}"#, "invalid type"),
        ] {
            let error = serde_json::from_str::<Change>(bad).unwrap_err().to_string();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn a_tombstone_has_no_record() {
        let change = Change::delete(8, "product:P1");
        let json = serde_json::to_string(&change).unwrap();
        assert_eq!(json, r#"{"seq":8,"key":"product:P1","op":"delete"}"#);
    }

    #[test]
    fn who_made_a_command_travels_beside_the_commands_own_fields() {
        // The command is flattened into the mutation: its fields must never share a
        // name with the mutation's own, or one would shadow the other.
        let lost = LostDemandRecord {
            id: "ld-1".into(),
            store_id: "S1".into(),
            sku: None,
            product_id: None,
            text: Some("un paraguas".into()),
            reason: "not_in_catalog".into(),
            associate_id: Some("S1-associate".into()),
            recorded_at: "2026-11-24T10:00:00Z".into(),
        };
        for command in [
            Command::RecordLostDemand(lost),
            Command::SetSafetyRule(SetSafetyRule {
                product_class: "core".into(),
                units: 2,
                by_associate_id: "S1-manager".into(),
            }),
        ] {
            let mutation =
                Mutation { mutation_id: "m".into(), counter: 1, made_by: Some("S1-manager".into()), command };
            let json = serde_json::to_string(&mutation).unwrap();
            assert_eq!(serde_json::from_str::<Mutation>(&json).unwrap(), mutation, "{json}");
            let older = Mutation { made_by: None, ..mutation };
            let json = serde_json::to_string(&older).unwrap();
            assert!(!json.contains("made_by"), "an older build's mutation reads the same: {json}");
            assert_eq!(serde_json::from_str::<Mutation>(&json).unwrap(), older);
        }
    }

    #[test]
    fn inventory_scopes_name_their_location() {
        let scope = inventory_scope("MX-CDMX-02");
        assert_eq!(inventory_scope_location(&scope), Some("MX-CDMX-02"));
        assert_eq!(inventory_scope_location(CATALOG_SCOPE), None);
    }

    #[test]
    fn wait_ms_defaults_to_an_immediate_answer() {
        let req: PullRequest = serde_json::from_str(r#"{"cursors":[],"limit":10}"#).unwrap();
        assert_eq!(req.wait_ms, 0);
    }
}
