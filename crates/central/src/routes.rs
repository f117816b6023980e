//! HTTP routes. Handlers parse, authorise, call storage in a blocking task and
//! answer with protocol types.

use crate::auth::{check_protocol, ChannelAuth, DeviceAuth};
use crate::error::CentralError;
use crate::storage::{self, rfc3339};
use crate::AppState;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};
use std::time::Duration;
use utoipa::OpenApi;
use vitrina_protocol::*;

/// Longest a pull may wait for news.
const MAX_WAIT: Duration = Duration::from_secs(25);
/// Most changes one pull may return.
const MAX_LIMIT: u32 = 20_000;

/// About the most bytes of records one pull answers with (a stock row is some 150
/// bytes, a product with its variants some 4,500): a device applies one answer
/// while the next ones are on their way, so answers of a bounded size keep both
/// going (a first catalog page of every product would leave the device idle while
/// it is read) and bound the memory each takes.
const MAX_RESPONSE_BYTES: usize = 4_000_000;

#[derive(OpenApi)]
#[openapi(
    info(title = "Vitrina central", description = "Sync and commerce API of Vitrina's central system."),
    paths(
        health,
        openapi,
        enroll,
        session,
        pull,
        push,
        availability,
        stock_movements,
        order_status,
        channel_transactions,
        sign_in,
        sign_out,
        store_report,
        lookup_customers,
        devices,
        revoke_device,
        audit_log,
        image,
        crate::public::page,
        crate::public::services,
        crate::public::stores,
        crate::public::slots,
        crate::public::hold,
        crate::public::release,
        crate::public::confirm,
        crate::public::calendar
    ),
    components(schemas(
        Health,
        ApiError,
        ErrorCode,
        EnrollRequest,
        EnrollResponse,
        SessionResponse,
        PullRequest,
        PullResponse,
        ScopeCursor,
        ScopePage,
        ScopeStatus,
        Change,
        ChangeOp,
        Record,
        LocationRecord,
        ProductRecord,
        ColorRecord,
        ColorImage,
        VariantRecord,
        PriceRecord,
        StockRecord,
        SafetyRuleRecord,
        CustomerRecord,
        WishlistItem,
        AssociateRecord,
        Command,
        SaveWishlist,
        SlotOffer,
        PurchaseRecord,
        LostDemandRecord,
        SetSafetyRule,
        TransactionLine,
        CustomerRef,
        ChannelTransaction,
        ChannelTransactionsRequest,
        ChannelTransactionsResponse,
        TransactionResult,
        TransactionRejection,
        SignInRequest,
        SignInResponse,
        StoreReportResponse,
        ChainCustomer,
        CustomerLookupResponse,
        DeviceInfo,
        DevicesResponse,
        crate::audit::AuditEntry,
        AuditResponse,
        crate::public::PublicErrorBody,
        crate::public::PublicService,
        crate::public::PublicPrice,
        crate::public::PublicStore,
        crate::public::PlaceMatch,
        crate::public::StoresAnswer,
        crate::public::PublicStylist,
        crate::public::PublicSlot,
        crate::public::SlotDay,
        crate::public::SlotsAnswer,
        crate::public::HoldRequest,
        crate::public::HoldAnswer,
        crate::public::ConfirmRequest,
        crate::public::Confirmation
    ))
)]
pub struct ApiDoc;

/// Requests per client address to the endpoints that take a secret (an enrollment
/// code, a PIN): a burst of 10, then one every 5 seconds.
const SECRET_RATE: crate::public::RateConfig =
    crate::public::RateConfig { burst: 10.0, per_second: 0.2, write_burst: 10.0, write_per_second: 0.2 };

pub fn router(state: AppState) -> Router {
    router_with(state, SECRET_RATE)
}

/// The API with the given limits on the endpoints that take a secret.
pub fn router_with(state: AppState, secret_rate: crate::public::RateConfig) -> Router {
    let limiter = std::sync::Arc::new(crate::public::RateLimiter::new(secret_rate));
    let guarded = Router::new()
        .route("/v1/enroll", post(enroll))
        .route("/v1/associates/sign-in", post(sign_in))
        .layer(axum::middleware::from_fn_with_state(limiter, secret_rate_limit));
    Router::new()
        .merge(guarded)
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .route("/v1/session", get(session))
        .route("/v1/pull", post(pull))
        .route("/v1/push", post(push))
        .route("/v1/orders/{id}/status", post(order_status))
        .route("/v1/availability/{sku}", get(availability))
        .route("/v1/stock-movements", post(stock_movements))
        .route("/v1/channel/transactions", post(channel_transactions))
        .route("/v1/associates/sign-out", post(sign_out))
        .route("/v1/reports/store", get(store_report))
        .route("/v1/customers/lookup", get(lookup_customers))
        .route("/v1/devices", get(devices))
        .route("/v1/devices/{id}/revoke", post(revoke_device))
        .route("/v1/audit", get(audit_log))
        .route("/v1/images/{hash}", get(image))
        // The public booking page and its endpoints: no token, rate limited per client.
        .merge(crate::public::routes(crate::public::RateConfig::default()))
        .with_state(state)
}

/// Slows down guessing enrollment codes and PINs from one address.
async fn secret_rate_limit(
    State(limiter): State<std::sync::Arc<crate::public::RateLimiter>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let key = crate::public::client_key(&req);
    if let Err(retry_after) = limiter.take(&key, crate::public::Class::Write, std::time::Instant::now()) {
        tracing::warn!(client = %key, path = %req.uri().path(), "rate limited");
        return CentralError::RateLimited { retry_after: retry_after as i64 }.into_response();
    }
    next.run(req).await
}

/// Liveness and the protocol version this central speaks.
#[utoipa::path(get, path = "/health", responses((status = 200, body = Health)))]
async fn health() -> Json<Health> {
    Json(Health { status: "ok".into(), protocol_version: PROTOCOL_VERSION, version: env!("CARGO_PKG_VERSION").into() })
}

/// This document.
#[utoipa::path(get, path = "/openapi.json", responses((status = 200, description = "OpenAPI 3 document")))]
async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Only checks the protocol header; for endpoints called before a device has a token.
struct ProtocolChecked;

impl FromRequestParts<AppState> for ProtocolChecked {
    type Rejection = CentralError;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        check_protocol(parts)?;
        Ok(ProtocolChecked)
    }
}

/// JSON body whose rejection is one of ours (422 with a code), not axum's plain text.
pub struct Body<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for Body<T> {
    type Rejection = CentralError;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(CentralError::Invalid(rejection.body_text())),
        }
    }
}

/// A query string whose rejection is one of ours (422 with a code), not axum's plain text.
pub struct Params<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = CentralError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Params(value)),
            Err(rejection) => Err(CentralError::Invalid(rejection.body_text())),
        }
    }
}

/// Enrolls a device with a one-time code; answers its bearer token.
#[utoipa::path(post, path = "/v1/enroll", request_body = EnrollRequest,
    params(("x-vitrina-protocol" = u32, Header, description = "protocol version")),
    responses((status = 200, body = EnrollResponse), (status = 401, body = ApiError), (status = 422, body = ApiError)))]
async fn enroll(
    State(state): State<AppState>,
    _: ProtocolChecked,
    Body(req): Body<EnrollRequest>,
) -> Result<Json<EnrollResponse>, CentralError> {
    if req.code.trim().is_empty() {
        return Err(CentralError::Invalid("code is empty".into()));
    }
    let device_name: String = req.device_name.trim().chars().take(80).collect();
    let response = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let store_id = storage::redeem_enrollment_code(&tx, &req.code)?.ok_or(CentralError::BadEnrollmentCode)?;
            let store = storage::location(&tx, &store_id)?.ok_or(CentralError::BadEnrollmentCode)?;
            let device_id = uuid::Uuid::now_v7().to_string();
            let token = new_token();
            storage::insert_device(&tx, &device_id, &store_id, &device_name, &token)?;
            crate::audit::record(
                &tx,
                crate::audit::Audit {
                    action: "device.enrolled",
                    store_id: Some(&store_id),
                    device_id: Some(&device_id),
                    subject: Some(&device_name),
                    ..Default::default()
                },
            )?;
            tx.commit()?;
            tracing::info!(device_id = %device_id, store = %store_id, "device enrolled");
            Ok(EnrollResponse { device_id, token, store })
        })
        .await?;
    Ok(Json(response))
}

/// A fresh random 256-bit bearer token, hex-encoded.
pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The calling device, its store and the scopes it pulls.
#[utoipa::path(get, path = "/v1/session", security(("bearer" = [])),
    responses((status = 200, body = SessionResponse), (status = 401, body = ApiError)))]
async fn session(State(state): State<AppState>, device: DeviceAuth) -> Result<Json<SessionResponse>, CentralError> {
    device.require_current()?;
    let store = device.store.clone();
    let scopes = state.db.call(move |conn| storage::region_scopes(conn, &store)).await?;
    Ok(Json(SessionResponse { device_id: device.device_id, store: device.store, scopes }))
}

/// Changes after the device's cursors, scope by scope; waits up to `wait_ms` when
/// there is nothing new.
#[utoipa::path(post, path = "/v1/pull", request_body = PullRequest, security(("bearer" = [])),
    responses((status = 200, body = PullResponse), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
async fn pull(
    State(state): State<AppState>,
    device: DeviceAuth,
    Body(req): Body<PullRequest>,
) -> Result<axum::response::Response, CentralError> {
    device.require_current()?;
    if req.limit == 0 {
        return Err(CentralError::Invalid("limit must be at least 1".into()));
    }
    let mut news = state.subscribe_changes();
    let wait = Duration::from_millis(u64::from(req.wait_ms)).min(MAX_WAIT);
    let mut response = read_pages(&state, &device, &req).await?;
    let nothing_new = response.scopes.iter().all(|p| p.change_count == 0 && p.status == ScopeStatus::Ok);
    if nothing_new && !wait.is_zero() {
        // Read again whether news came or the wait ran out: the answer's server time
        // then says "confirmed as of now", not as of when the wait began.
        let _ = tokio::time::timeout(wait, news.changed()).await;
        response = read_pages(&state, &device, &req).await?;
    }
    let body = response.to_json()?;
    Ok(axum::response::IntoResponse::into_response(([(axum::http::header::CONTENT_TYPE, "application/json")], body)))
}

async fn read_pages(
    state: &AppState,
    device: &DeviceAuth,
    req: &PullRequest,
) -> Result<storage::ServedResponse, CentralError> {
    // Nearly always, at a chain's size: every cursor at its head, answered from memory.
    if let Some(heads) = state.memory.heads(&state.db).await? {
        if let Some(nothing_new) = heads.answer(&device.store, &req.cursors) {
            return Ok(nothing_new);
        }
    }
    let store = device.store.clone();
    let cursors = req.cursors.clone();
    let limit = req.limit.min(MAX_LIMIT);
    state
        .db
        .call(move |conn| {
            // One read transaction: every page reflects the same instant.
            let tx = conn.read_transaction()?;
            let server_time = rfc3339(storage::now());
            let here = storage::location_ids_in(&tx, &store.country)?;
            if let Some(cursor) = cursors.iter().find(|c| !storage::may_pull(&store, &c.scope, |id| here.contains(id)))
            {
                return Err(CentralError::Forbidden(format!("scope {} is not this device's", cursor.scope)));
            }
            let names: Vec<&str> = cursors.iter().map(|c| c.scope.as_str()).collect();
            let heads = storage::scope_heads(&tx, &names)?;
            // What is left of the response's budget; every scope's page carries at
            // least one change, so none waits behind the others.
            let mut budget = storage::PageLimit { changes: limit, bytes: MAX_RESPONSE_BYTES };
            let mut scopes = Vec::with_capacity(cursors.len());
            for cursor in &cursors {
                let at = heads.get(&cursor.scope).copied().unwrap_or_default();
                let limit = storage::PageLimit { changes: budget.changes.max(1), ..budget };
                let page = storage::pull_scope_at(&tx, &cursor.scope, at, cursor.after, limit)?;
                budget.changes = budget.changes.saturating_sub(page.change_count as u32);
                budget.bytes = budget.bytes.saturating_sub(page.record_bytes);
                scopes.push(page);
            }
            tx.commit()?;
            Ok(storage::ServedResponse { server_time, scopes })
        })
        .await
}

/// Most mutations one push may carry.
const MAX_MUTATIONS: usize = 500;

/// Business commands from the device, executed in counter order. Each gets its
/// own result; rejections are results, not errors.
#[utoipa::path(post, path = "/v1/push", request_body = PushRequest, security(("bearer" = [])),
    responses((status = 200, body = PushResponse), (status = 401, body = ApiError), (status = 422, body = ApiError)))]
async fn push(
    State(state): State<AppState>,
    device: DeviceAuth,
    Body(req): Body<PushRequest>,
) -> Result<Json<PushResponse>, CentralError> {
    if req.mutations.len() > MAX_MUTATIONS {
        return Err(CentralError::Invalid(format!("at most {MAX_MUTATIONS} mutations per push")));
    }
    let response =
        state.db.call(move |conn| crate::push::apply(conn, &device.device_id, &device.store, &req.mutations)).await?;
    state.notify_changed();
    Ok(Json(response))
}

/// A fulfilment system (warehouse, store picking) moves an order on: picking,
/// shipped, ready for pick-up, delivered.
#[utoipa::path(post, path = "/v1/orders/{id}/status", request_body = OrderStatusUpdate, security(("bearer" = [])),
    params(("id" = String, Path, description = "the order id")),
    responses((status = 200, body = OrderRecord), (status = 401, body = ApiError), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
async fn order_status(
    State(state): State<AppState>,
    channel: ChannelAuth,
    axum::extract::Path(id): axum::extract::Path<String>,
    Body(update): Body<OrderStatusUpdate>,
) -> Result<Json<OrderRecord>, CentralError> {
    if !matches!(update.status.as_str(), "picking" | "shipped" | "ready_for_pickup" | "delivered" | "cancelled") {
        return Err(CentralError::Invalid(
            "status must be picking, shipped, ready_for_pickup, delivered or cancelled".into(),
        ));
    }
    let order = state
        .db
        .call({
            let channel = channel.channel.clone();
            move |conn| crate::push::advance_order(conn, &id, &update.status, &channel)
        })
        .await?
        .ok_or(CentralError::NotFound)?;
    state.notify_changed();
    tracing::info!(channel = %channel.channel, order = %order.number, status = %order.status, "order moved on");
    Ok(Json(order))
}

/// Most movements one request may carry.
const MAX_MOVEMENTS: usize = 1_000;

/// Stock movements from another channel's system, applied idempotently; each gets
/// its own result (applied, applied with a discrepancy, or rejected with a reason).
#[utoipa::path(post, path = "/v1/stock-movements", request_body = StockMovementsRequest, security(("bearer" = [])),
    responses((status = 200, body = StockMovementsResponse), (status = 401, body = ApiError), (status = 422, body = ApiError)))]
async fn stock_movements(
    State(state): State<AppState>,
    channel: ChannelAuth,
    Body(req): Body<StockMovementsRequest>,
) -> Result<Json<StockMovementsResponse>, CentralError> {
    if req.movements.len() > MAX_MOVEMENTS {
        return Err(CentralError::Invalid(format!("at most {MAX_MOVEMENTS} movements per request")));
    }
    let name = channel.channel.clone();
    let results = state.db.call(move |conn| crate::movements::apply(conn, &name, &req.movements)).await?;
    state.notify_changed();
    tracing::info!(channel = %channel.channel, movements = results.len(), "stock movements received");
    Ok(Json(StockMovementsResponse { results }))
}

/// Most transactions one request may carry.
const MAX_TRANSACTIONS: usize = 1_000;

/// Sales, orders, returns and cancellations from another channel's system (point of
/// sale, e-commerce, the mobile app, social), each attributed to the store it belongs
/// to and applied idempotently: whole or not at all, once per channel and id.
#[utoipa::path(post, path = "/v1/channel/transactions", request_body = ChannelTransactionsRequest, security(("bearer" = [])),
    responses((status = 200, body = ChannelTransactionsResponse), (status = 401, body = ApiError), (status = 422, body = ApiError)))]
async fn channel_transactions(
    State(state): State<AppState>,
    channel: ChannelAuth,
    Body(req): Body<ChannelTransactionsRequest>,
) -> Result<Json<ChannelTransactionsResponse>, CentralError> {
    if req.transactions.len() > MAX_TRANSACTIONS {
        return Err(CentralError::Invalid(format!("at most {MAX_TRANSACTIONS} transactions per request")));
    }
    let name = channel.channel.clone();
    let (results, published) =
        state.db.call(move |conn| crate::commerce::ingest(conn, &name, &req.transactions)).await?;
    if published {
        state.notify_changed();
    }
    let accepted = results.iter().filter(|r| r.accepted).count();
    tracing::info!(channel = %channel.channel, accepted, rejected = results.len() - accepted, "channel transactions received");
    Ok(Json(ChannelTransactionsResponse { results }))
}

/// An associate of the device's store signs in with their PIN; the answered token
/// goes in the `x-vitrina-associate` header of requests made for them.
#[utoipa::path(post, path = "/v1/associates/sign-in", request_body = SignInRequest, security(("bearer" = [])),
    responses((status = 200, body = SignInResponse), (status = 401, body = ApiError), (status = 429, body = ApiError)))]
async fn sign_in(
    State(state): State<AppState>,
    device: DeviceAuth,
    Body(req): Body<SignInRequest>,
) -> Result<Json<SignInResponse>, CentralError> {
    use crate::sessions::SignInRefused;
    device.require_current()?;
    if !crate::associates::valid_pin(&req.pin) || req.associate_id.len() > 100 {
        return Err(CentralError::Invalid("a PIN is 4 to 8 digits".into()));
    }
    match crate::sessions::sign_in(&state, &device, req).await? {
        Ok(session) => Ok(Json(session)),
        Err(SignInRefused::WrongPin { attempts_left }) => Err(CentralError::WrongPin { attempts_left }),
        Err(SignInRefused::Locked { retry_after }) => Err(CentralError::Locked { retry_after }),
    }
}

/// Ends the associate's session on this device.
#[utoipa::path(post, path = "/v1/associates/sign-out", security(("bearer" = [])),
    responses((status = 204, description = "signed out"), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
async fn sign_out(
    State(state): State<AppState>,
    associate: crate::sessions::AssociateAuth,
    headers: axum::http::HeaderMap,
) -> Result<axum::http::StatusCode, CentralError> {
    let token = headers.get(ASSOCIATE_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default().trim().to_owned();
    let who = associate.clone();
    state
        .db
        .call(move |conn| {
            // The session's end and its audit entry, together.
            let tx = conn.transaction()?;
            crate::sessions::sign_out(&tx, &token, &who)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    tracing::info!(associate = %associate.associate_id, "associate signed out");
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The devices of the store (managers).
#[utoipa::path(get, path = "/v1/devices", security(("bearer" = [])),
    responses((status = 200, body = DevicesResponse), (status = 401, body = ApiError), (status = 403, body = ApiError)))]
async fn devices(
    State(state): State<AppState>,
    manager: crate::sessions::AssociateAuth,
) -> Result<Json<DevicesResponse>, CentralError> {
    manager.require_manager()?;
    let (store, asking) = (manager.device.store.id.clone(), manager.device.device_id.clone());
    let devices = state.db.call(move |conn| storage::devices_of(conn, &store, &asking)).await?;
    Ok(Json(DevicesResponse { devices }))
}

/// A manager revokes a device of their store (lost, stolen, retired): its token is
/// refused from the next request on, and the device wipes its cache when told so.
#[utoipa::path(post, path = "/v1/devices/{id}/revoke", security(("bearer" = [])),
    params(("id" = String, Path, description = "the device id")),
    responses((status = 204, description = "revoked"), (status = 401, body = ApiError), (status = 403, body = ApiError),
        (status = 404, body = ApiError), (status = 422, body = ApiError)))]
async fn revoke_device(
    State(state): State<AppState>,
    manager: crate::sessions::AssociateAuth,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<axum::http::StatusCode, CentralError> {
    manager.require_manager()?;
    if id == manager.device.device_id {
        return Err(CentralError::Invalid("revoke this device from another one".into()));
    }
    let who = manager.clone();
    let revoked = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let by = crate::audit::Audit {
                device_id: Some(&who.device.device_id),
                associate_id: Some(&who.associate_id),
                ..Default::default()
            };
            let revoked = storage::revoke_device(&tx, &id, Some(&who.device.store.id), by)?;
            tx.commit()?;
            Ok(revoked)
        })
        .await?;
    if !revoked {
        return Err(CentralError::NotFound);
    }
    tracing::warn!(manager = %manager.associate_id, "device revoked");
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
struct AuditQuery {
    /// From this instant (RFC 3339); a day ago when absent.
    from: Option<String>,
    /// Until this instant (RFC 3339, excluded); now when absent.
    to: Option<String>,
}

/// Entries of the store's audit log, newest first, at most 1,000 (managers).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct AuditResponse {
    pub entries: Vec<crate::audit::AuditEntry>,
}

/// The store's audit log: sign-ins, enrollments, revocations, orders, cancellations
/// and managers' changes (managers).
#[utoipa::path(get, path = "/v1/audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = AuditResponse), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn audit_log(
    State(state): State<AppState>,
    manager: crate::sessions::AssociateAuth,
    Params(query): Params<AuditQuery>,
) -> Result<Json<AuditResponse>, CentralError> {
    manager.require_manager()?;
    let instant = |s: &Option<String>, default: chrono::DateTime<chrono::Utc>| match s {
        None => Ok(rfc3339(default)),
        Some(s) => chrono::DateTime::parse_from_rfc3339(s.trim())
            .map(|t| rfc3339(t.with_timezone(&chrono::Utc)))
            .map_err(|_| CentralError::Invalid(format!("{s:?} is not an RFC 3339 time"))),
    };
    let now = storage::now();
    let from = instant(&query.from, now - chrono::Duration::days(1))?;
    let to = instant(&query.to, now + chrono::Duration::seconds(1))?;
    let store = manager.device.store.id.clone();
    let entries = state.db.call(move |conn| crate::audit::entries(conn, &store, &from, &to, 1_000)).await?;
    Ok(Json(AuditResponse { entries }))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
struct LookupQuery {
    /// A phone number (as typed in the store's country) or an email address, exactly.
    q: String,
}

/// A customer by exact phone or email, with their purchases and appointments in every
/// channel and store: customers of the device's store, and those who agreed to one
/// profile across the chain. Anyone else is not found, however the request is made.
#[utoipa::path(get, path = "/v1/customers/lookup", params(LookupQuery), security(("bearer" = [])),
    responses((status = 200, body = CustomerLookupResponse), (status = 401, body = ApiError), (status = 422, body = ApiError)))]
async fn lookup_customers(
    State(state): State<AppState>,
    caller: crate::sessions::DeviceAndAssociate,
    Params(query): Params<LookupQuery>,
) -> Result<Json<CustomerLookupResponse>, CentralError> {
    let device = caller.device;
    device.require_current()?;
    if query.q.trim().len() < 5 || query.q.len() > 254 {
        return Err(CentralError::Invalid("give a whole phone number or email address".into()));
    }
    let store = device.store.clone();
    let device_id = device.device_id.clone();
    let associate = caller.associate.map(|a| a.associate_id);
    let customers = state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            let customers = crate::commerce::lookup_customers(&tx, &store, &query.q)?;
            // Who looked up whom: the customers found, never what was typed.
            let found: Vec<&str> = customers.iter().map(|c| c.customer.id.as_str()).collect();
            crate::audit::record(
                &tx,
                crate::audit::Audit {
                    action: "customer.looked_up",
                    store_id: Some(&store.id),
                    device_id: Some(&device_id),
                    associate_id: associate.as_deref(),
                    detail: Some(serde_json::json!({ "found": found })),
                    ..Default::default()
                },
            )?;
            tx.commit()?;
            Ok(customers)
        })
        .await?;
    tracing::info!(device = %device.device_id, found = customers.len(), "customer looked up across the chain");
    Ok(Json(CustomerLookupResponse { customers }))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
struct ReportQuery {
    /// First day, ISO date in the store's calendar.
    from: String,
    /// Last day (included); the first day when absent.
    to: Option<String>,
    /// `json` (default) or `csv`.
    format: Option<String>,
}

/// The device's store's sales, orders, returns and cancellations from every channel
/// over a range of its days: totals per channel, per hour and per day. Managers only.
#[utoipa::path(get, path = "/v1/reports/store", params(ReportQuery), security(("bearer" = [])),
    responses((status = 200, body = StoreReportResponse), (status = 401, body = ApiError), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn store_report(
    State(state): State<AppState>,
    associate: crate::sessions::AssociateAuth,
    Params(query): Params<ReportQuery>,
) -> Result<axum::response::Response, CentralError> {
    use axum::response::IntoResponse;
    associate.require_manager()?;
    let date = |s: &str| {
        chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| CentralError::Invalid(format!("{s:?} is not a date (YYYY-MM-DD)")))
    };
    let from = date(&query.from)?;
    let to = match &query.to {
        Some(to) => date(to)?,
        None => from,
    };
    let range = vitrina_core::DateRange::new(from, to).map_err(|e| CentralError::Invalid(e.to_string()))?;
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => return Err(CentralError::Invalid(format!("format {other:?} is not json or csv"))),
    };
    let store = associate.device.store.clone();
    let report = state.db.call(move |conn| crate::commerce::report(conn, &store, range)).await?;
    if csv {
        let name = format!("attachment; filename=\"vitrina-{}-{}-{}.csv\"", report.store_id, report.from, report.to);
        return Ok((
            [
                (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (axum::http::header::CONTENT_DISPOSITION, name),
            ],
            vitrina_core::commerce::report_csv(&report),
        )
            .into_response());
    }
    Ok(Json(StoreReportResponse { generated_at: rfc3339(storage::now()), report }).into_response())
}

/// A SKU's availability at every location of the device's region, computed by the
/// central with the same rule as the device.
#[utoipa::path(get, path = "/v1/availability/{sku}", security(("bearer" = [])),
    params(("sku" = String, Path, description = "the SKU")),
    responses((status = 200, body = AvailabilityResponse), (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn availability(
    State(state): State<AppState>,
    device: DeviceAuth,
    axum::extract::Path(sku): axum::extract::Path<String>,
) -> Result<Json<AvailabilityResponse>, CentralError> {
    device.require_current()?;
    let store = device.store;
    let response = state.db.call(move |conn| storage::availability(conn, &store, &sku)).await?;
    Ok(Json(response))
}

/// A product picture by content address. The bytes under an address never change,
/// so devices may keep them forever.
#[utoipa::path(get, path = "/v1/images/{hash}", security(("bearer" = [])),
    params(("hash" = String, Path, description = "lowercase hex SHA-256 of the file")),
    responses((status = 200, description = "the picture", content_type = "image/png"),
        (status = 401, body = ApiError), (status = 404, body = ApiError)))]
async fn image(
    State(state): State<AppState>,
    device: DeviceAuth,
    axum::extract::Path(hash): axum::extract::Path<String>,
) -> Result<axum::response::Response, CentralError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    device.require_current()?;
    if !is_content_address(&hash) {
        return Err(CentralError::NotFound);
    }
    let etag = format!("\"{hash}\"");
    let image = state.db.call(move |conn| crate::images::get(conn, &hash)).await?.ok_or(CentralError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, image.content_type),
            (header::CACHE_CONTROL, "private, max-age=31536000, immutable".to_owned()),
            (header::ETAG, etag),
        ],
        image.bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body as HttpBody;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    fn app() -> (tempfile::TempDir, Router) {
        let (dir, db) = crate::testing::empty_db();
        (dir, router(AppState::new(db)))
    }

    async fn call(app: &Router, request: Request<HttpBody>) -> (StatusCode, serde_json::Value) {
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 24).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
    }

    #[tokio::test]
    async fn the_openapi_document_is_generated_and_lists_every_route() {
        let (_dir, app) = app();
        let (status, doc) = call(&app, Request::get("/openapi.json").body(HttpBody::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        for path in
            ["/health", "/v1/enroll", "/v1/session", "/v1/pull", "/v1/stock-movements", "/v1/availability/{sku}"]
        {
            assert!(doc["paths"][path].is_object(), "{path} is documented");
        }
        assert!(doc["components"]["schemas"]["PullResponse"].is_object());
    }

    #[tokio::test]
    async fn a_malformed_body_is_a_422_with_a_code_not_a_crash() {
        let (_dir, app) = app();
        for body in ["{", "[]", r#"{"code": 5}"#, r#"{"code":"1","device_name":"\u0000"}x"#] {
            let request = Request::post("/v1/enroll")
                .header("content-type", "application/json")
                .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
                .body(HttpBody::from(body))
                .unwrap();
            let (status, error) = call(&app, request).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(error["code"], "invalid", "{body}");
        }
    }

    #[tokio::test]
    async fn health_answers_without_credentials() {
        let (_dir, app) = app();
        let (status, health) = call(&app, Request::get("/health").body(HttpBody::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(health["protocol_version"], PROTOCOL_VERSION);
    }
}
