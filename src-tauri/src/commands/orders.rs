//! Commands for ordering on a customer's behalf: customers, quotes, orders, and
//! what happens after the sale. Each saves locally (with its outbox row) and nudges
//! the sync task, so it works the same online and offline.

use crate::error::AppError;
use crate::state::AppCore;
use tauri::State;
use vitrina_store::{
    CartLine, CustomerView, FulfilmentChoice, InvalidInput, LocationView, NewCustomer, OrderQuote, OrderView,
    PaymentView,
};

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

fn now_text() -> String {
    now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn invalid(e: InvalidInput) -> AppError {
    AppError::invalid(e.field, e.reason)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn search_customers(core: State<'_, AppCore>, query: String) -> Result<Vec<CustomerView>, AppError> {
    Ok(core.store().search_customers(&query)?)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn create_customer(core: State<'_, AppCore>, customer: NewCustomer) -> Result<CustomerView, AppError> {
    let created = core.store().create_customer(customer, &now_text())?.map_err(invalid)?;
    core.sync.sync_now();
    Ok(created)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn region_stores(core: State<'_, AppCore>) -> Result<Vec<LocationView>, AppError> {
    Ok(core.store().region_stores()?)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn quote_order(
    core: State<'_, AppCore>,
    lines: Vec<CartLine>,
    fulfilment: FulfilmentChoice,
) -> Result<OrderQuote, AppError> {
    core.store().quote_order(&lines, &fulfilment, now())?.map_err(invalid)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn place_order(
    core: State<'_, AppCore>,
    customer_id: Option<String>,
    lines: Vec<CartLine>,
    fulfilment: FulfilmentChoice,
    payment: PaymentView,
) -> Result<OrderView, AppError> {
    let order = core.store().place_quoted_order(customer_id, &lines, &fulfilment, payment, now())?.map_err(invalid)?;
    core.sync.sync_now();
    Ok(order)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn list_orders(core: State<'_, AppCore>) -> Result<Vec<OrderView>, AppError> {
    Ok(core.store().list_orders()?)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn order_detail(core: State<'_, AppCore>, order_id: String) -> Result<OrderView, AppError> {
    Ok(core.store().order_detail(&order_id)?)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn cancel_order(core: State<'_, AppCore>, order_id: String) -> Result<OrderView, AppError> {
    let order = core.store().cancel_order(&order_id, &now_text())?;
    core.sync.sync_now();
    Ok(order)
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip(core), err)]
pub async fn return_order(
    core: State<'_, AppCore>,
    order_id: String,
    lines: Vec<CartLine>,
) -> Result<OrderView, AppError> {
    let order = core.store().return_order(&order_id, &lines, &now_text())?.map_err(invalid)?;
    core.sync.sync_now();
    Ok(order)
}
