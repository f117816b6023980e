//! Kinds of location that hold stock.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LocationKind {
    Store,
    Warehouse,
    Online,
}

impl LocationKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            LocationKind::Store => "store",
            LocationKind::Warehouse => "warehouse",
            LocationKind::Online => "online",
        }
    }

    pub fn parse(s: &str) -> Option<LocationKind> {
        match s {
            "store" => Some(LocationKind::Store),
            "warehouse" => Some(LocationKind::Warehouse),
            "online" => Some(LocationKind::Online),
            _ => None,
        }
    }

    /// Order in which kinds are listed after the nearby stores.
    pub fn display_rank(&self) -> u8 {
        match self {
            LocationKind::Store => 0,
            LocationKind::Warehouse => 1,
            LocationKind::Online => 2,
        }
    }
}
