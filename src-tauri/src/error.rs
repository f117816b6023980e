//! The error every command returns: a tagged enum with a stable `code` the UI maps
//! to a message in the associate's language. No English prose crosses IPC;
//! `Internal` is the only catch-all and is logged where it is made.

use serde::Serialize;
use ts_rs::TS;
use vitrina_store::StoreError;
use vitrina_sync::SyncError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
#[ts(export)]
pub enum AppError {
    #[error("the central cannot be reached")]
    CentralUnreachable,
    #[error("bad enrollment code")]
    BadEnrollmentCode,
    #[error("the device token was refused")]
    Unauthorized,
    #[error("the device is not enrolled")]
    NotEnrolled,
    #[error("the device is already enrolled")]
    AlreadyEnrolled,
    #[error("not found")]
    NotFound,
    #[error("invalid {field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("protocol: {detail}")]
    Protocol { detail: String },
    /// Refused while commands made on this device have not reached the central.
    #[error("{count} commands not yet sent")]
    UnsentCommands {
        #[ts(type = "number")]
        count: i64,
    },
    /// The device is in customer mode: only the customer's screen may run.
    #[error("customer mode is on")]
    CustomerMode,
    /// No associate PIN has reached the device, so customer mode could not be left.
    #[error("no associate PIN on this device yet")]
    NoPins,
    #[error("wrong PIN")]
    WrongPin { attempts_left: u32 },
    /// Too many wrong PINs.
    #[error("PIN entry locked for {retry_after_s} s")]
    PinLocked {
        #[ts(type = "number")]
        retry_after_s: i64,
    },
    /// A manager revoked this device; its cache has been wiped.
    #[error("this device was revoked")]
    DeviceRevoked,
    /// A manager's screen or action, and no manager is signed in (or they were idle).
    #[error("a manager must sign in")]
    ManagerRequired,
    /// The cache still disagreed with the central after pulling it again; the
    /// device tries again later.
    #[error("the cache keeps disagreeing with the central")]
    CacheDiverged,
    /// Nobody is signed in on the device (or they left it idle): the PIN first.
    #[error("an associate must sign in")]
    SignInRequired,
    #[error("internal error")]
    Internal,
}

impl AppError {
    pub fn invalid(field: &str, reason: &str) -> AppError {
        AppError::Invalid { field: field.to_owned(), reason: reason.to_owned() }
    }

    /// A PIN that did not open a manager's action: wrong, locked, or someone else's
    /// (an associate's PIN where a manager's is needed).
    pub fn not_a_manager(check: vitrina_store::PinCheck) -> AppError {
        use vitrina_store::PinCheck;
        match check {
            PinCheck::Wrong { attempts_left } => AppError::WrongPin { attempts_left },
            PinCheck::Locked { retry_after_s } => AppError::PinLocked { retry_after_s },
            PinCheck::Accepted { .. } => AppError::invalid("pin", "not_manager"),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotEnrolled => AppError::NotEnrolled,
            StoreError::NotFound => AppError::NotFound,
            StoreError::Barcode(reason) => AppError::invalid("barcode", reason.reason()),
            other => {
                tracing::error!(error = %other, "cache error");
                AppError::Internal
            }
        }
    }
}

impl From<SyncError> for AppError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::InvalidUrl => AppError::invalid("central_url", "url"),
            SyncError::Unreachable(_) => AppError::CentralUnreachable,
            SyncError::Unauthorized => AppError::Unauthorized,
            SyncError::BadEnrollmentCode => AppError::BadEnrollmentCode,
            SyncError::UpdateRequired => AppError::Protocol { detail: "update_required".into() },
            SyncError::Forbidden(_) => AppError::Unauthorized,
            SyncError::NotEnrolled => AppError::NotEnrolled,
            SyncError::WrongPin => AppError::WrongPin { attempts_left: 0 },
            SyncError::Revoked => AppError::DeviceRevoked,
            SyncError::Diverged => AppError::CacheDiverged,
            SyncError::Protocol(detail) => {
                tracing::error!(detail = %detail, "protocol error");
                AppError::Protocol { detail: "unexpected_response".into() }
            }
            SyncError::Store(detail) => {
                tracing::error!(detail = %detail, "cache error during sync");
                AppError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_ipc_as_a_code_with_typed_fields() {
        let json = serde_json::to_value(AppError::invalid("barcode", "check_digit")).unwrap();
        assert_eq!(json, serde_json::json!({"code": "invalid", "field": "barcode", "reason": "check_digit"}));
        let json = serde_json::to_value(AppError::CentralUnreachable).unwrap();
        assert_eq!(json, serde_json::json!({"code": "central_unreachable"}));
    }

    #[test]
    fn a_wrong_check_digit_reaches_the_ui_as_such() {
        let err = AppError::from(StoreError::Barcode(vitrina_core::GtinError::CheckDigit));
        assert_eq!(err, AppError::invalid("barcode", "check_digit"));
    }
}
