//! The one error type of the HTTP API. Internal details are logged where the error
//! is made and never sent: the client gets a stable code and a short message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use vitrina_protocol::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum CentralError {
    #[error("missing or invalid device token")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("the enrollment code is wrong, expired or already used")]
    BadEnrollmentCode,
    #[error("this device speaks protocol {found}; the central needs {needed}")]
    UpdateRequired { found: u32, needed: u32 },
    #[error("{0}")]
    Invalid(String),
    #[error("not found")]
    NotFound,
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<rusqlite::Error> for CentralError {
    fn from(e: rusqlite::Error) -> Self {
        CentralError::Internal(e.into())
    }
}

impl From<serde_json::Error> for CentralError {
    fn from(e: serde_json::Error) -> Self {
        CentralError::Internal(e.into())
    }
}

impl From<tokio::task::JoinError> for CentralError {
    fn from(e: tokio::task::JoinError) -> Self {
        CentralError::Internal(e.into())
    }
}

impl CentralError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            CentralError::Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            CentralError::Forbidden(_) => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            CentralError::BadEnrollmentCode => (StatusCode::UNAUTHORIZED, ErrorCode::BadEnrollmentCode),
            CentralError::UpdateRequired { .. } => (StatusCode::UPGRADE_REQUIRED, ErrorCode::UpdateRequired),
            CentralError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid),
            CentralError::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            CentralError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
        }
    }
}

impl IntoResponse for CentralError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let CentralError::Internal(source) = &self {
            tracing::error!(error = ?source, "request failed");
        }
        (status, Json(ApiError { code, message: self.to_string() })).into_response()
    }
}
