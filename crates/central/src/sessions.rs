//! Associates signed in at the central. A device signs an associate in with their
//! PIN (`POST /v1/associates/sign-in`) and sends the answered token as
//! `x-vitrina-associate` beside its own bearer token; endpoints for managers read
//! the role from that session, never from the request body.
//!
//! Wrong PINs back off per associate with `vitrina_core::lockout`, the same rule
//! devices apply offline. The central keeps only each token's SHA-256.

use crate::auth::DeviceAuth;
use crate::error::CentralError;
use crate::sql::{params, Connection, OptionalExtension};
use crate::storage::{rfc3339, sha256_hex, Result};
use crate::AppState;
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::{DateTime, Duration, Utc};
use vitrina_protocol::{SignInRequest, SignInResponse, ASSOCIATE_HEADER};

/// How long a session lasts; the device signs the associate out earlier when idle.
pub const SESSION_HOURS: i64 = 12;

/// An associate of the calling device's store, signed in on that device.
#[derive(Debug, Clone)]
pub struct AssociateAuth {
    pub device: DeviceAuth,
    pub associate_id: String,
    pub role: String,
}

impl AssociateAuth {
    /// Refuses anyone but a manager.
    pub fn require_manager(&self) -> Result<()> {
        if self.role != "manager" {
            return Err(CentralError::Forbidden("this needs a manager".into()));
        }
        Ok(())
    }
}

impl FromRequestParts<AppState> for AssociateAuth {
    type Rejection = CentralError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let device = DeviceAuth::from_request_parts(parts, state).await?;
        device.require_current()?;
        let token = parts
            .headers
            .get(ASSOCIATE_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| CentralError::Forbidden("sign in first".into()))?
            .to_owned();
        let device_id = device.device_id.clone();
        let store_id = device.store.id.clone();
        let found = state
            .db
            .call(move |conn| session(conn, &token, &device_id, &store_id, crate::storage::now()))
            .await?
            .ok_or_else(|| CentralError::Forbidden("the sign-in has ended; sign in again".into()))?;
        Ok(AssociateAuth { device, associate_id: found.0, role: found.1 })
    }
}

/// A device, with the associate signed in on it when the request names one: a
/// request made for a person carries their session, which must then be valid (a
/// made-up or ended one is refused as [`AssociateAuth`] refuses it).
#[derive(Debug, Clone)]
pub struct DeviceAndAssociate {
    pub device: DeviceAuth,
    pub associate: Option<AssociateAuth>,
}

impl FromRequestParts<AppState> for DeviceAndAssociate {
    type Rejection = CentralError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if parts.headers.contains_key(ASSOCIATE_HEADER) {
            let associate = AssociateAuth::from_request_parts(parts, state).await?;
            return Ok(DeviceAndAssociate { device: associate.device.clone(), associate: Some(associate) });
        }
        Ok(DeviceAndAssociate { device: DeviceAuth::from_request_parts(parts, state).await?, associate: None })
    }
}

/// The associate and role of a live session opened on `device_id` for `store_id`.
fn session(
    conn: &Connection,
    token: &str,
    device_id: &str,
    store_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT a.id, a.role FROM associate_session s JOIN associate a ON a.id = s.associate_id
             WHERE s.token_hash = ?1 AND s.device_id = ?2 AND s.expires_at > ?3
               AND a.store_id = ?4 AND a.active = 1",
        )?
        .query_row(params![sha256_hex(token), device_id, rfc3339(now), store_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Why a sign-in failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInRefused {
    /// No such active associate in the device's store, or a wrong PIN.
    WrongPin { attempts_left: u32 },
    /// Too many wrong PINs: try again after this many seconds.
    Locked { retry_after: i64 },
}

/// What the central knows before checking a PIN.
struct Candidate {
    pin_hash: String,
    role: String,
}

fn candidate(
    conn: &Connection,
    associate_id: &str,
    store_id: &str,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Option<Candidate>, SignInRefused>> {
    let locked_until: Option<String> = conn
        .prepare_cached("SELECT locked_until FROM associate_lockout WHERE associate_id = ?1")?
        .query_row([associate_id], |r| r.get(0))
        .optional()?
        .flatten();
    if let Some(until) = locked_until.as_deref().and_then(|u| DateTime::parse_from_rfc3339(u).ok()) {
        let left = (until.with_timezone(&Utc) - now).num_seconds();
        if left > 0 {
            return Ok(Err(SignInRefused::Locked { retry_after: left }));
        }
    }
    Ok(Ok(conn
        .prepare_cached("SELECT pin_hash, role FROM associate WHERE id = ?1 AND store_id = ?2 AND active = 1")?
        .query_row(params![associate_id, store_id], |r| Ok(Candidate { pin_hash: r.get(0)?, role: r.get(1)? }))
        .optional()?))
}

/// Counts a wrong PIN; answers the refusal to give. The count is kept in the
/// database, in one transaction, so wrong PINs sent at once all count.
fn fail(conn: &mut Connection, associate_id: &str, now: DateTime<Utc>) -> Result<SignInRefused> {
    let tx = conn.transaction()?;
    let known: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM associate WHERE id = ?1)")?
        .query_row([associate_id], |r| r.get(0))?;
    if !known {
        // Nothing to lock; answer as for a wrong PIN so ids can't be probed.
        return Ok(SignInRefused::WrongPin { attempts_left: vitrina_core::lockout::FREE_ATTEMPTS });
    }
    let failures: u32 = tx
        .prepare_cached(
            "INSERT INTO associate_lockout (associate_id, failures) VALUES (?1, 1)
             ON CONFLICT (associate_id) DO UPDATE SET failures = associate_lockout.failures + 1
             RETURNING failures",
        )?
        .query_row([associate_id], |r| r.get(0))?;
    let lock = vitrina_core::lockout::lock_after(failures);
    tx.prepare_cached("UPDATE associate_lockout SET locked_until = ?2 WHERE associate_id = ?1")?
        .execute(params![associate_id, lock.map(|d| rfc3339(now + d))])?;
    tracing::warn!(associate = %associate_id, failures, "wrong PIN at sign-in");
    let store: Option<String> = tx
        .prepare_cached("SELECT store_id FROM associate WHERE id = ?1")?
        .query_row([associate_id], |r| r.get(0))
        .optional()?;
    crate::audit::record(
        &tx,
        crate::audit::Audit {
            action: if lock.is_some() { "associate.locked" } else { "associate.sign_in_refused" },
            store_id: store.as_deref(),
            associate_id: Some(associate_id),
            detail: Some(serde_json::json!({ "failures": failures })),
            ..Default::default()
        },
    )?;
    tx.commit()?;
    Ok(match lock {
        Some(d) => SignInRefused::Locked { retry_after: d.num_seconds() },
        None => SignInRefused::WrongPin { attempts_left: vitrina_core::lockout::attempts_left(failures) },
    })
}

/// Signs `req.associate_id` in on `device` when the PIN is right.
pub async fn sign_in(
    state: &AppState,
    device: &DeviceAuth,
    req: SignInRequest,
) -> Result<std::result::Result<SignInResponse, SignInRefused>> {
    let now = crate::storage::now();
    let associate_id = req.associate_id.clone();
    let store_id = device.store.id.clone();
    let found = state.db.call(move |conn| candidate(conn, &associate_id, &store_id, now)).await?;
    let candidate = match found {
        Err(refused) => return Ok(Err(refused)),
        Ok(candidate) => candidate,
    };
    // Argon2 takes tens of milliseconds on purpose: verify outside the database lock.
    let verified = match candidate {
        Some(c) => {
            let pin = req.pin.clone();
            let hash = c.pin_hash.clone();
            let ok = tokio::task::spawn_blocking(move || {
                PasswordHash::new(&hash)
                    .is_ok_and(|parsed| Argon2::default().verify_password(pin.as_bytes(), &parsed).is_ok())
            })
            .await?;
            ok.then_some(c.role)
        }
        None => None,
    };
    let associate_id = req.associate_id;
    let device_id = device.device_id.clone();
    let store_id = device.store.id.clone();
    state
        .db
        .call(move |conn| {
            let Some(role) = verified.clone() else {
                return Ok(Err(fail(conn, &associate_id, now)?));
            };
            let token = crate::routes::new_token();
            let expires_at = rfc3339(now + Duration::hours(SESSION_HOURS));
            let tx = conn.transaction()?;
            tx.execute("DELETE FROM associate_lockout WHERE associate_id = ?1", [&associate_id])?;
            tx.execute("DELETE FROM associate_session WHERE expires_at <= ?1", [rfc3339(now)])?;
            tx.execute(
                "INSERT INTO associate_session (token_hash, associate_id, device_id, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![sha256_hex(&token), associate_id, device_id, rfc3339(now), expires_at],
            )?;
            crate::audit::record(
                &tx,
                crate::audit::Audit {
                    action: "associate.signed_in",
                    store_id: Some(&store_id),
                    device_id: Some(&device_id),
                    associate_id: Some(&associate_id),
                    detail: Some(serde_json::json!({ "role": &role })),
                    ..Default::default()
                },
            )?;
            tx.commit()?;
            tracing::info!(associate = %associate_id, device = %device_id, role = %role, "associate signed in");
            Ok(Ok(SignInResponse { token, associate_id: associate_id.clone(), role, expires_at }))
        })
        .await
}

/// Ends the session of `token` on `device_id`.
pub fn sign_out(conn: &Connection, token: &str, who: &AssociateAuth) -> Result<bool> {
    let ended = conn.execute(
        "DELETE FROM associate_session WHERE token_hash = ?1 AND device_id = ?2",
        params![sha256_hex(token), who.device.device_id],
    )? > 0;
    if ended {
        crate::audit::record(
            conn,
            crate::audit::Audit {
                action: "associate.signed_out",
                store_id: Some(&who.device.store.id),
                device_id: Some(&who.device.device_id),
                associate_id: Some(&who.associate_id),
                ..Default::default()
            },
        )?;
    }
    Ok(ended)
}

#[cfg(test)]
mod tests {
    use crate::testing::{demo_db, demo_pin, device_token, request, Caller};
    use crate::AppState;
    use axum::body::Body;
    use axum::http::{header, Request, StatusCode};
    use axum::Router;
    use serde_json::{json, Value};
    use tower::ServiceExt;
    use vitrina_protocol::{PROTOCOL_HEADER, PROTOCOL_VERSION};

    const STORE: &str = "CL-SCL-01";
    const OTHER: &str = "CL-SCL-02";

    async fn send(
        app: &Router,
        method: &str,
        uri: &str,
        bearer: &str,
        associate: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let caller = Caller { bearer: Some(bearer), associate };
        request(app, method.parse().unwrap(), uri, caller, body.as_ref()).await
    }

    async fn sign_in(app: &Router, device: &str, store: &str, role: &str) -> String {
        let body = json!({"associate_id": format!("{store}-{role}"), "pin": demo_pin(store, role)});
        let (status, answer) = send(app, "POST", "/v1/associates/sign-in", device, None, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        answer["token"].as_str().unwrap().to_owned()
    }

    fn device_id(db: &crate::Db, token: &str) -> String {
        let token = token.to_owned();
        db.blocking(move |conn| Ok(crate::storage::device_by_token(conn, &token)?.unwrap().0)).unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn wrong_pins_sent_at_once_all_count_towards_the_lockout() {
        let (_dir, db) = demo_db();
        let app = crate::routes::router(AppState::new(db.clone()));
        let device = device_token(&db, STORE);
        let who = format!("{STORE}-associate");
        let attempts: Vec<_> = (0..vitrina_core::lockout::FREE_ATTEMPTS)
            .map(|_| {
                let (app, device) = (app.clone(), device.clone());
                let body = json!({"associate_id": who, "pin": "0000"});
                tokio::spawn(
                    async move { send(&app, "POST", "/v1/associates/sign-in", &device, None, Some(body)).await },
                )
            })
            .collect();
        for attempt in attempts {
            let (status, _) = attempt.await.unwrap();
            assert!(matches!(status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS), "{status}");
        }
        let counted: i64 = db
            .blocking(move |conn| {
                let id = format!("{STORE}-associate");
                Ok(conn
                    .query_row("SELECT failures FROM associate_lockout WHERE associate_id = ?1", [&id], |r| r.get(0))?)
            })
            .unwrap();
        assert_eq!(counted, i64::from(vitrina_core::lockout::FREE_ATTEMPTS), "none lost to a race");
        let body = json!({"associate_id": format!("{STORE}-associate"), "pin": demo_pin(STORE, "associate")});
        let (status, _) = send(&app, "POST", "/v1/associates/sign-in", &device, None, Some(body)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "locked, even with the right PIN");
    }

    #[tokio::test]
    async fn a_manager_revokes_a_device_of_their_store_and_it_is_refused_as_revoked_from_then_on() {
        let (_dir, db) = demo_db();
        let app = crate::routes::router(AppState::new(db.clone()));
        let managers = device_token(&db, STORE);
        let lost = device_token(&db, STORE);
        let elsewhere = device_token(&db, OTHER);
        let lost_id = device_id(&db, &lost);
        let associate = sign_in(&app, &managers, STORE, "associate").await;
        let (status, _) =
            send(&app, "POST", &format!("/v1/devices/{lost_id}/revoke"), &managers, Some(&associate), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "an associate can't revoke");
        let other_manager = sign_in(&app, &elsewhere, OTHER, "manager").await;
        let (status, _) =
            send(&app, "POST", &format!("/v1/devices/{lost_id}/revoke"), &elsewhere, Some(&other_manager), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another store's manager doesn't see the device");
        let manager = sign_in(&app, &managers, STORE, "manager").await;
        let (status, listed) = send(&app, "GET", "/v1/devices", &managers, Some(&manager), None).await;
        assert_eq!(status, StatusCode::OK);
        let ids: Vec<&str> = listed["devices"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
        assert!(ids.contains(&lost_id.as_str()) && ids.len() == 2, "the store's two devices: {listed}");
        let own = device_id(&db, &managers);
        let (status, _) =
            send(&app, "POST", &format!("/v1/devices/{own}/revoke"), &managers, Some(&manager), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not the device in the manager's hands");

        let (status, _) = send(&app, "GET", "/v1/session", &lost, None, None).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) =
            send(&app, "POST", &format!("/v1/devices/{lost_id}/revoke"), &managers, Some(&manager), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        for (method, uri, body) in [
            ("GET", "/v1/session", None),
            ("POST", "/v1/pull", Some(json!({"cursors": [], "limit": 10}))),
            ("POST", "/v1/push", Some(json!({"mutations": []}))),
            ("GET", "/v1/customers/lookup?q=%2B56911111111", None),
        ] {
            let (status, error) = send(&app, method, uri, &lost, None, body).await;
            assert_eq!((status, error["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("device_revoked")), "{uri}");
        }
        let (status, error) = send(&app, "GET", "/v1/session", "not-a-token", None, None).await;
        assert_eq!(
            (status, error["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("unauthorized")),
            "unknown is not revoked"
        );

        let (status, audit) = send(&app, "GET", "/v1/audit", &managers, Some(&manager), None).await;
        assert_eq!(status, StatusCode::OK);
        let actions: Vec<&str> =
            audit["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions.first(), Some(&"device.revoked"), "newest first: {actions:?}");
        assert!(actions.contains(&"associate.signed_in"), "{actions:?}");
        let text = audit.to_string();
        for secret in [demo_pin(STORE, "manager"), manager.clone(), lost.clone()] {
            assert!(!text.contains(&secret), "no secret in the audit log");
        }
        let (status, _) = send(&app, "GET", "/v1/audit", &managers, Some(&associate), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the audit log is for managers");
    }

    #[tokio::test]
    async fn guessing_enrollment_codes_or_pins_from_one_address_is_slowed_down() {
        let (_dir, db) = demo_db();
        let app = crate::routes::router(AppState::new(db.clone()));
        let device = device_token(&db, STORE);
        let mut statuses = Vec::new();
        for i in 0..12 {
            let body = json!({"code": format!("ABCD-{i:04}"), "device_name": "guess"});
            let req = Request::post("/v1/enroll")
                .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap();
            let response = app.clone().oneshot(req).await.unwrap();
            statuses.push(response.status());
            if response.status() == StatusCode::TOO_MANY_REQUESTS {
                assert!(response.headers().contains_key(header::RETRY_AFTER));
            }
        }
        assert!(statuses[..10].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
        assert_eq!(statuses[10], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
        // Sign-ins share the address's bucket: the same guesser is slowed there too.
        let body = json!({"associate_id": format!("{STORE}-manager"), "pin": demo_pin(STORE, "manager")});
        let (status, _) = send(&app, "POST", "/v1/associates/sign-in", &device, None, Some(body)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    }

    #[tokio::test]
    async fn a_session_ends_when_it_expires() {
        let (_dir, db) = demo_db();
        let app = crate::routes::router(AppState::new(db.clone()));
        let device = device_token(&db, STORE);
        let manager = sign_in(&app, &device, STORE, "manager").await;
        let (status, _) = send(&app, "GET", "/v1/devices", &device, Some(&manager), None).await;
        assert_eq!(status, StatusCode::OK);
        db.blocking(|conn| {
            conn.execute("UPDATE associate_session SET expires_at = '2020-01-01T00:00:00Z'", ())?;
            Ok(())
        })
        .unwrap();
        let (status, error) = send(&app, "GET", "/v1/devices", &device, Some(&manager), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{error}");
    }
}
