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
    #[error("this device was revoked")]
    Revoked,
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
    #[error("wrong PIN; {attempts_left} attempts before a pause")]
    WrongPin { attempts_left: u32 },
    #[error("too many wrong PINs; try again in {retry_after} s")]
    Locked { retry_after: i64 },
    #[error("too many requests; try again in {retry_after} s")]
    RateLimited { retry_after: i64 },
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<crate::sql::Error> for CentralError {
    fn from(e: crate::sql::Error) -> Self {
        if let crate::sql::Error::NulInText = e {
            return CentralError::Invalid(e.to_string());
        }
        CentralError::Internal(e.into())
    }
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
    /// The database refused the work only because it raced another transaction;
    /// it may run again.
    pub fn is_retryable(&self) -> bool {
        matches!(self, CentralError::Internal(e) if e.downcast_ref::<crate::sql::Error>().is_some_and(|e| e.is_retryable()))
    }

    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            CentralError::Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            CentralError::Revoked => (StatusCode::UNAUTHORIZED, ErrorCode::DeviceRevoked),
            CentralError::Forbidden(_) => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            CentralError::BadEnrollmentCode => (StatusCode::UNAUTHORIZED, ErrorCode::BadEnrollmentCode),
            CentralError::UpdateRequired { .. } => (StatusCode::UPGRADE_REQUIRED, ErrorCode::UpdateRequired),
            CentralError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid),
            CentralError::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            CentralError::WrongPin { .. } => (StatusCode::UNAUTHORIZED, ErrorCode::WrongPin),
            CentralError::Locked { .. } | CentralError::RateLimited { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited)
            }
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
        let retry_after = match &self {
            CentralError::Locked { retry_after } | CentralError::RateLimited { retry_after } => {
                Some(retry_after.max(&1).to_string())
            }
            _ => None,
        };
        let mut response = (status, Json(ApiError { code, message: self.to_string() })).into_response();
        if let Some(value) = retry_after.and_then(|v| axum::http::HeaderValue::from_str(&v).ok()) {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}
