//! Who is calling: the device behind a bearer token, checked on every request.
//! Role and store checks happen here, never in the UI.

use crate::error::CentralError;
use crate::storage;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use vitrina_protocol::{LocationRecord, OLDEST_PUSH_VERSION, PROTOCOL_HEADER, PROTOCOL_VERSION};

/// An enrolled, unrevoked device and the store it belongs to.
#[derive(Debug, Clone)]
pub struct DeviceAuth {
    pub device_id: String,
    pub store: LocationRecord,
    /// The protocol version of the request.
    pub protocol: u32,
}

impl DeviceAuth {
    /// Refuses a device that must update first. Every endpoint but push calls it.
    pub fn require_current(&self) -> Result<(), CentralError> {
        if self.protocol != PROTOCOL_VERSION {
            return Err(CentralError::UpdateRequired { found: self.protocol, needed: PROTOCOL_VERSION });
        }
        Ok(())
    }
}

/// Refuses a request made with another protocol version.
pub fn check_protocol(parts: &Parts) -> Result<(), CentralError> {
    let found = protocol_of(parts)?;
    if found != PROTOCOL_VERSION {
        return Err(CentralError::UpdateRequired { found, needed: PROTOCOL_VERSION });
    }
    Ok(())
}

/// The protocol version a request declares, between the oldest still accepted for
/// pushes and this build's.
fn protocol_of(parts: &Parts) -> Result<u32, CentralError> {
    let Some(value) = parts.headers.get(PROTOCOL_HEADER) else {
        return Err(CentralError::Invalid(format!("missing {PROTOCOL_HEADER} header")));
    };
    let found: u32 = value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| CentralError::Invalid(format!("malformed {PROTOCOL_HEADER} header")))?;
    if !(OLDEST_PUSH_VERSION..=PROTOCOL_VERSION).contains(&found) {
        return Err(CentralError::UpdateRequired { found, needed: PROTOCOL_VERSION });
    }
    Ok(found)
}

impl FromRequestParts<AppState> for DeviceAuth {
    type Rejection = CentralError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)?;
        let protocol = protocol_of(parts)?;
        let token_hash = storage::sha256_hex(&token);
        if let Some((device_id, store)) = state.memory.device(&state.db, &token_hash) {
            return Ok(DeviceAuth { device_id, store, protocol });
        }
        let epoch = state.db.epoch(crate::sql::Announcement::Devices);
        let (device_id, store) = state
            .db
            .call(move |conn| {
                let Some((device_id, store_id)) = storage::device_by_token(conn, &token)? else {
                    if storage::token_revoked(conn, &token)? {
                        return Err(CentralError::Revoked);
                    }
                    return Ok(None);
                };
                let store = storage::location(conn, &store_id)?.ok_or(CentralError::Unauthorized)?;
                Ok(Some((device_id, store)))
            })
            .await?
            .ok_or(CentralError::Unauthorized)?;
        state.memory.remember_device(epoch, token_hash, device_id.clone(), store.clone());
        Ok(DeviceAuth { device_id, store, protocol })
    }
}

/// Another channel's system (point of sale, e-commerce), by its channel token.
#[derive(Debug, Clone)]
pub struct ChannelAuth {
    pub channel: String,
}

impl FromRequestParts<AppState> for ChannelAuth {
    type Rejection = CentralError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)?;
        protocol_of(parts)?;
        let channel = state
            .db
            .call(move |conn| crate::movements::channel_by_token(conn, &token))
            .await?
            .ok_or(CentralError::Unauthorized)?;
        Ok(ChannelAuth { channel })
    }
}

fn bearer(parts: &Parts) -> Result<String, CentralError> {
    Ok(parts
        .headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(CentralError::Unauthorized)?
        .to_owned())
}
