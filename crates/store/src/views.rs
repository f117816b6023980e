//! What the cache answers to the app: plain values shaped for the screens.
//! Their TypeScript twins are generated (ts-rs) into `ui/src/lib/bindings`.

use serde::Serialize;
use ts_rs::TS;
use vitrina_core::{LocationKind, Money};

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StoreInfo {
    pub id: String,
    pub name: String,
    pub city: String,
    pub country: String,
    pub currency: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Swatch {
    pub color_code: String,
    pub name_es: String,
    pub name_en: String,
    pub hex: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SearchHit {
    pub product_id: String,
    pub style_code: String,
    pub name_es: String,
    pub name_en: String,
    pub category_es: String,
    pub category_en: String,
    pub price: Option<Money>,
    pub swatches: Vec<Swatch>,
    /// Available-to-promise in the device's store, all variants together.
    #[ts(type = "number")]
    pub available_here: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct BarcodeHit {
    pub product_id: String,
    pub sku: String,
    pub color_code: String,
    pub size: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct LocationView {
    pub id: String,
    pub kind: LocationKind,
    pub name: String,
    pub city: String,
    pub country: String,
    /// From the device's store; `None` for the store itself.
    pub distance_km: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StockFigure {
    pub sku: String,
    #[ts(type = "number")]
    pub on_hand: i64,
    #[ts(type = "number")]
    pub reserved: i64,
    #[ts(type = "number")]
    pub safety: i64,
    /// on_hand − reserved − safety, never below zero.
    #[ts(type = "number")]
    pub atp: i64,
    #[ts(type = "number")]
    pub in_transit: i64,
    pub transit_eta: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct LocationStock {
    pub location: LocationView,
    pub figures: Vec<StockFigure>,
    #[ts(type = "number")]
    pub total_on_hand: i64,
    #[ts(type = "number")]
    pub total_atp: i64,
    /// When the central last confirmed this location's figures (RFC 3339).
    pub as_of: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct VariantView {
    pub sku: String,
    pub color_code: String,
    pub size: String,
    pub gtin: String,
    pub price: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ProductDetail {
    pub product_id: String,
    pub style_code: String,
    pub name_es: String,
    pub name_en: String,
    pub description_es: String,
    pub description_en: String,
    pub category_es: String,
    pub category_en: String,
    pub price: Option<Money>,
    pub colors: Vec<Swatch>,
    pub sizes: Vec<String>,
    pub variants: Vec<VariantView>,
    pub here: LocationStock,
    /// Other stores by distance, then warehouses, then the online channel.
    pub elsewhere: Vec<LocationStock>,
}
