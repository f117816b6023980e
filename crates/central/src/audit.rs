//! The audit log: who did what at the central. Written in the same transaction as
//! what it records, so an entry exists exactly when the action took effect (a
//! refused sign-in is recorded on its own). Secrets (PINs, tokens, codes) never
//! reach it.

use crate::sql::{params, Connection};
use crate::storage::{rfc3339, Result};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One thing someone did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    /// RFC 3339 UTC.
    pub at: String,
    /// e.g. `device.enrolled`, `associate.signed_in`, `order.placed`, `safety_rule.changed`.
    pub action: String,
    pub store_id: Option<String>,
    pub device_id: Option<String>,
    pub associate_id: Option<String>,
    pub channel: Option<String>,
    /// What it was about: an order number, a device, a stylist, a product class.
    pub subject: Option<String>,
    /// More about it, as JSON.
    #[schema(value_type = Object)]
    pub detail: Option<serde_json::Value>,
}

/// What to record; `at` is the central's clock.
#[derive(Debug, Clone, Default)]
pub struct Audit<'a> {
    pub action: &'a str,
    pub store_id: Option<&'a str>,
    pub device_id: Option<&'a str>,
    pub associate_id: Option<&'a str>,
    pub channel: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub detail: Option<serde_json::Value>,
}

/// Appends one entry.
pub fn record(conn: &Connection, entry: Audit<'_>) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, action, store_id, device_id, associate_id, channel, subject, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        rfc3339(crate::storage::now()),
        entry.action,
        entry.store_id,
        entry.device_id,
        entry.associate_id,
        entry.channel,
        entry.subject,
        entry.detail.map(|d| d.to_string()),
    ])?;
    Ok(())
}

/// A store's entries between two instants (RFC 3339), newest first, at most `limit`.
pub fn entries(conn: &Connection, store_id: &str, from: &str, to: &str, limit: u32) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, action, store_id, device_id, associate_id, channel, subject, detail FROM audit_log
         WHERE store_id = ?1 AND at >= ?2 AND at < ?3 ORDER BY id DESC LIMIT ?4",
    )?;
    let rows = stmt.query_map(params![store_id, from, to, limit], |r| {
        let detail: Option<String> = r.get(7)?;
        Ok(AuditEntry {
            at: r.get(0)?,
            action: r.get(1)?,
            store_id: r.get(2)?,
            device_id: r.get(3)?,
            associate_id: r.get(4)?,
            channel: r.get(5)?,
            subject: r.get(6)?,
            detail: detail.and_then(|d| serde_json::from_str(&d).ok()),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
