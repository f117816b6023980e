//! One SQL connection for the central's two engines: SQLite (the embedded default,
//! one store or a demo) and PostgreSQL (a chain, several central instances).
//!
//! The storage code is written once against this module's [`Connection`], whose API
//! follows rusqlite's: `execute`, `query_row`, `prepare_cached`, `transaction`,
//! savepoints, `optional()`. Statements are written in the SQL both engines share,
//! with `?N` placeholders; on PostgreSQL they become `$N` when prepared. The few
//! places where the dialects part ask [`Connection::backend`].
//!
//! Values cross in SQLite's five storage classes ([`Value`]). On PostgreSQL every
//! integer column is BIGINT (booleans too, as 0/1, exactly as SQLite stores them),
//! and a parameter takes the type PostgreSQL infers for its place, so the same Rust
//! value binds to either engine.
//!
//! Transactions: SQLite runs one writer at a time by design. PostgreSQL runs
//! transactions at SERIALIZABLE isolation, so every check-then-write the storage
//! code does (stock, schedules, counters) is as safe across connections and
//! central instances as it is on SQLite's single connection; a transaction that
//! loses a race fails with a serialization error, which [`Error::is_retryable`]
//! tells, and [`crate::Db::call`] runs it again.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::fmt;

/// The engine behind a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("query returned no rows")]
    QueryReturnedNoRows,
    #[error("column {index}: {message}")]
    Conversion { index: usize, message: String },
    /// PostgreSQL can't hold U+0000 in text; neither engine is given one, so both
    /// answer alike.
    #[error("text may not contain the NUL character (U+0000)")]
    NulInText,
    /// The runtime PostgreSQL connections run on failed.
    #[error("{0}")]
    Runtime(String),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Postgres(#[from] tokio_postgres::Error),
}

impl Error {
    /// A transaction that lost a race with another (PostgreSQL's serialization
    /// failure, deadlock or overlapping booking; SQLite's busy database): running
    /// it again is safe.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Postgres(e) => matches!(
                e.code(),
                Some(c) if *c == tokio_postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == tokio_postgres::error::SqlState::T_R_DEADLOCK_DETECTED
                    // Two bookings raced for one stylist's time: run again, the
                    // slot check then refuses the later one with alternatives.
                    || *c == tokio_postgres::error::SqlState::EXCLUSION_VIOLATION
            ),
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            }
            _ => false,
        }
    }

    /// A UNIQUE or PRIMARY KEY constraint refused the row.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            Error::Postgres(e) => e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION),
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.code == rusqlite::ErrorCode::ConstraintViolation
                    && matches!(
                        e.extended_code,
                        rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                    )
            }
            _ => false,
        }
    }
}

/// `rusqlite`'s `OptionalExtension`, for this module's errors.
pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(Error::QueryReturnedNoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

// ------------------------------------------------------------------ values

/// A value read from a row, in SQLite's storage classes.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

/// A parameter, borrowed from the caller.
#[derive(Debug, Clone, Copy)]
pub enum ValueRef<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// A Rust value that can be bound as a parameter.
pub trait ToSql {
    fn to_sql(&self) -> ValueRef<'_>;
}

macro_rules! integer_to_sql {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> ValueRef<'_> {
                // Lossless for every type listed but u64/usize beyond i64::MAX,
                // which no column of the central holds.
                ValueRef::Integer(i64::try_from(*self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
integer_to_sql!(i8, i16, i32, i64, u8, u16, u32, u64, usize);

impl ToSql for bool {
    fn to_sql(&self) -> ValueRef<'_> {
        ValueRef::Integer(i64::from(*self))
    }
}

impl ToSql for f64 {
    fn to_sql(&self) -> ValueRef<'_> {
        ValueRef::Real(*self)
    }
}

impl ToSql for str {
    fn to_sql(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}

impl ToSql for String {
    fn to_sql(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}

impl ToSql for [u8] {
    fn to_sql(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
}

impl ToSql for Vec<u8> {
    fn to_sql(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
}

impl<T: ToSql + ?Sized> ToSql for &T {
    fn to_sql(&self) -> ValueRef<'_> {
        (**self).to_sql()
    }
}

impl<T: ToSql> ToSql for Option<T> {
    fn to_sql(&self) -> ValueRef<'_> {
        match self {
            Some(v) => v.to_sql(),
            None => ValueRef::Null,
        }
    }
}

impl ToSql for ValueRef<'_> {
    fn to_sql(&self) -> ValueRef<'_> {
        *self
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s),
            Value::Blob(b) => ValueRef::Blob(b),
        }
    }
}

/// A Rust type a column can be read into.
pub trait FromSql: Sized {
    fn from_sql(value: &Value) -> std::result::Result<Self, String>;
}

fn integer(value: &Value) -> std::result::Result<i64, String> {
    match value {
        Value::Integer(i) => Ok(*i),
        other => Err(format!("expected an integer, found {other:?}")),
    }
}

macro_rules! integer_from_sql {
    ($($t:ty),*) => {$(
        impl FromSql for $t {
            fn from_sql(value: &Value) -> std::result::Result<Self, String> {
                let i = integer(value)?;
                <$t>::try_from(i).map_err(|_| format!("{i} is out of range for {}", stringify!($t)))
            }
        }
    )*};
}
integer_from_sql!(i32, i64, u8, u16, u32, u64, usize);

impl FromSql for bool {
    fn from_sql(value: &Value) -> std::result::Result<Self, String> {
        Ok(integer(value)? != 0)
    }
}

impl FromSql for f64 {
    fn from_sql(value: &Value) -> std::result::Result<Self, String> {
        match value {
            Value::Real(f) => Ok(*f),
            Value::Integer(i) => Ok(*i as f64),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}

impl FromSql for String {
    fn from_sql(value: &Value) -> std::result::Result<Self, String> {
        match value {
            Value::Text(s) => Ok(s.clone()),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}

impl FromSql for Vec<u8> {
    fn from_sql(value: &Value) -> std::result::Result<Self, String> {
        match value {
            Value::Blob(b) => Ok(b.clone()),
            Value::Text(s) => Ok(s.as_bytes().to_vec()),
            other => Err(format!("expected bytes, found {other:?}")),
        }
    }
}

impl FromSql for Value {
    fn from_sql(value: &Value) -> std::result::Result<Self, String> {
        Ok(value.clone())
    }
}

impl<T: FromSql> FromSql for Option<T> {
    fn from_sql(value: &Value) -> std::result::Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            v => T::from_sql(v).map(Some),
        }
    }
}

// ------------------------------------------------------------------ parameters

/// What a statement's parameters can be given as: `params![…]`, an array, or `()`.
pub trait Params {
    fn values(&self) -> Vec<ValueRef<'_>>;
}

impl Params for () {
    fn values(&self) -> Vec<ValueRef<'_>> {
        Vec::new()
    }
}

impl Params for &[&dyn ToSql] {
    fn values(&self) -> Vec<ValueRef<'_>> {
        self.iter().map(|p| p.to_sql()).collect()
    }
}

impl<T: ToSql, const N: usize> Params for [T; N] {
    fn values(&self) -> Vec<ValueRef<'_>> {
        self.iter().map(ToSql::to_sql).collect()
    }
}

impl<T: ToSql> Params for Vec<T> {
    fn values(&self) -> Vec<ValueRef<'_>> {
        self.iter().map(ToSql::to_sql).collect()
    }
}

/// Parameters of mixed types, as rusqlite's `params!`.
macro_rules! params {
    () => { &[] as &[&dyn $crate::sql::ToSql] };
    ($($param:expr),+ $(,)?) => { &[$(&$param as &dyn $crate::sql::ToSql),+] as &[&dyn $crate::sql::ToSql] };
}
pub(crate) use params;

impl rusqlite::ToSql for ValueRef<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::ValueRef as R;
        Ok(rusqlite::types::ToSqlOutput::Borrowed(match *self {
            ValueRef::Null => R::Null,
            ValueRef::Integer(i) => R::Integer(i),
            ValueRef::Real(f) => R::Real(f),
            ValueRef::Text(s) => R::Text(s.as_bytes()),
            ValueRef::Blob(b) => R::Blob(b),
        }))
    }
}

mod pg {
    //! Binding to and reading from PostgreSQL's binary formats, by the type the
    //! server gives each parameter and column.

    use super::{Value, ValueRef};
    use std::error::Error as StdError;
    use tokio_postgres::types::{to_sql_checked, FromSql, IsNull, ToSql, Type};

    type BoxError = Box<dyn StdError + Sync + Send>;

    impl ToSql for ValueRef<'_> {
        fn to_sql(&self, ty: &Type, out: &mut tokio_postgres::types::private::BytesMut) -> Result<IsNull, BoxError> {
            let mismatch = || -> BoxError { format!("cannot bind {self:?} to a {ty} parameter").into() };
            match *self {
                ValueRef::Null => Ok(IsNull::Yes),
                ValueRef::Integer(i) => match *ty {
                    Type::INT8 => i.to_sql(ty, out),
                    Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
                    Type::INT2 => i16::try_from(i)?.to_sql(ty, out),
                    Type::BOOL => (i != 0).to_sql(ty, out),
                    Type::FLOAT8 => (i as f64).to_sql(ty, out),
                    Type::TEXT | Type::VARCHAR => i.to_string().to_sql(ty, out),
                    _ => Err(mismatch()),
                },
                ValueRef::Real(f) => match *ty {
                    Type::FLOAT8 => f.to_sql(ty, out),
                    Type::FLOAT4 => (f as f32).to_sql(ty, out),
                    Type::TEXT | Type::VARCHAR => f.to_string().to_sql(ty, out),
                    _ => Err(mismatch()),
                },
                ValueRef::Text(s) => match *ty {
                    Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => s.to_sql(ty, out),
                    Type::JSON => {
                        out.extend_from_slice(s.as_bytes());
                        Ok(IsNull::No)
                    }
                    Type::JSONB => {
                        out.extend_from_slice(&[1]);
                        out.extend_from_slice(s.as_bytes());
                        Ok(IsNull::No)
                    }
                    _ => Err(mismatch()),
                },
                ValueRef::Blob(b) => match *ty {
                    Type::BYTEA => b.to_sql(ty, out),
                    _ => Err(mismatch()),
                },
            }
        }

        fn accepts(_: &Type) -> bool {
            true
        }

        to_sql_checked!();
    }

    impl<'a> FromSql<'a> for Value {
        fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Value, BoxError> {
            Ok(match *ty {
                Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
                Type::INT4 => Value::Integer(i32::from_sql(ty, raw)?.into()),
                Type::INT2 => Value::Integer(i16::from_sql(ty, raw)?.into()),
                Type::BOOL => Value::Integer(bool::from_sql(ty, raw)?.into()),
                Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
                Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
                Type::NUMERIC => numeric(raw)?,
                Type::BYTEA => Value::Blob(raw.to_vec()),
                Type::JSONB => Value::Text(String::from_utf8(raw.get(1..).unwrap_or_default().to_vec())?),
                _ => Value::Text(String::from_utf8(raw.to_vec())?),
            })
        }

        fn from_sql_null(_: &Type) -> Result<Value, BoxError> {
            Ok(Value::Null)
        }

        fn accepts(_: &Type) -> bool {
            true
        }
    }

    /// PostgreSQL's NUMERIC (what SUM of BIGINTs gives): base-10000 digits. Whole
    /// numbers that fit come back as integers, as SQLite's SUM gives them.
    fn numeric(raw: &[u8]) -> Result<Value, BoxError> {
        let word = |i: usize| -> Result<i16, BoxError> {
            raw.get(i..i + 2).map(|b| i16::from_be_bytes([b[0], b[1]])).ok_or_else(|| "short NUMERIC".into())
        };
        let (ndigits, weight, sign, dscale) = (word(0)?, word(2)?, word(4)? as u16, word(6)?);
        if sign == 0xC000 {
            return Ok(Value::Real(f64::NAN));
        }
        let mut whole: i128 = 0;
        let mut value: f64 = 0.0;
        for d in 0..ndigits as usize {
            let digit = word(8 + 2 * d)?;
            let power = weight as i32 - d as i32;
            value += f64::from(digit) * 10_000f64.powi(power);
            if power >= 0 {
                whole = whole * 10_000 + i128::from(digit);
            }
        }
        // Trailing zero groups are not sent: scale the whole part up to the weight.
        let sent = ndigits as i32;
        for _ in sent..=weight as i32 {
            whole *= 10_000;
        }
        let negative = sign == 0x4000;
        if dscale == 0 {
            let whole = if negative { -whole } else { whole };
            if let Ok(i) = i64::try_from(whole) {
                return Ok(Value::Integer(i));
            }
        }
        Ok(Value::Real(if negative { -value } else { value }))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn encode(ndigits: i16, weight: i16, sign: u16, dscale: i16, digits: &[i16]) -> Vec<u8> {
            let mut out = Vec::new();
            for w in [ndigits, weight, sign as i16, dscale] {
                out.extend_from_slice(&w.to_be_bytes());
            }
            for d in digits {
                out.extend_from_slice(&d.to_be_bytes());
            }
            out
        }

        #[test]
        fn numerics_read_as_sqlite_would_give_them() {
            // 123456789 = 1|2345|6789, weight 2.
            assert_eq!(numeric(&encode(3, 2, 0, 0, &[1, 2345, 6789])).unwrap(), Value::Integer(123_456_789));
            // 10000 is sent as one digit group of weight 1, the zero group dropped.
            assert_eq!(numeric(&encode(1, 1, 0, 0, &[1])).unwrap(), Value::Integer(10_000));
            assert_eq!(numeric(&encode(1, 0, 0x4000, 0, &[42])).unwrap(), Value::Integer(-42));
            assert_eq!(numeric(&encode(0, 0, 0, 0, &[])).unwrap(), Value::Integer(0));
            assert_eq!(numeric(&encode(2, 0, 0, 2, &[2, 5000])).unwrap(), Value::Real(2.5));
        }
    }
}

// ------------------------------------------------------------------ rows

/// How a column is named to [`Row::get`]: by position (rusqlite's `RowIndex`; only
/// one integer type has it, so a bare `0` needs no suffix).
pub trait ColumnIndex {
    fn position(self) -> usize;
}

impl ColumnIndex for usize {
    fn position(self) -> usize {
        self
    }
}

/// One row of a result, read whole.
#[derive(Debug, Clone)]
pub struct Row {
    values: Vec<Value>,
}

impl Row {
    /// Column `index` as `T`, as rusqlite's `Row::get`.
    pub fn get<I: ColumnIndex, T: FromSql>(&self, index: I) -> Result<T> {
        let index = index.position();
        let value =
            self.values.get(index).ok_or_else(|| Error::Conversion { index, message: "no such column".into() })?;
        T::from_sql(value).map_err(|message| Error::Conversion { index, message })
    }
}

/// A row read in place by `Statement::each`, its values borrowed from the engine.
pub enum RowRef<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r tokio_postgres::Row),
}

impl RowRef<'_> {
    /// Column `index` as an integer.
    pub fn int(&self, index: usize) -> Result<i64> {
        match self {
            RowRef::Sqlite(row) => Ok(row.get(index)?),
            RowRef::Postgres(row) => Ok(row.try_get(index)?),
        }
    }

    /// Column `index` as text, or `None` for NULL.
    pub fn text(&self, index: usize) -> Result<Option<&str>> {
        match self {
            RowRef::Sqlite(row) => match row.get_ref(index)? {
                rusqlite::types::ValueRef::Null => Ok(None),
                rusqlite::types::ValueRef::Text(t) => {
                    std::str::from_utf8(t).map(Some).map_err(|e| Error::Conversion { index, message: e.to_string() })
                }
                other => Err(Error::Conversion { index, message: format!("expected text, found {other:?}") }),
            },
            RowRef::Postgres(row) => Ok(row.try_get(index)?),
        }
    }
}

/// The rows of a result, walked as rusqlite's `Rows`.
pub struct Rows {
    rows: std::vec::IntoIter<Row>,
    current: Option<Row>,
}

impl Rows {
    #[allow(clippy::should_implement_trait)] // rusqlite's shape: a lending `next`
    pub fn next(&mut self) -> Result<Option<&Row>> {
        self.current = self.rows.next();
        Ok(self.current.as_ref())
    }
}

// ------------------------------------------------------------------ connections

enum Engine {
    Sqlite(rusqlite::Connection),
    Postgres { client: tokio_postgres::Client, statements: HashMap<String, tokio_postgres::Statement> },
}

/// A connection to either engine. Like rusqlite's, it is used from one thread at a
/// time and writes through `&self`.
pub struct Connection {
    engine: RefCell<Engine>,
    /// Open savepoints, to name the next one.
    depth: Cell<u32>,
    /// Whether a transaction is open.
    in_transaction: Cell<bool>,
    /// What the open transaction has already announced (PostgreSQL), as bits.
    announced: Cell<u8>,
    /// What was announced since the pool last asked ([`Connection::take_announced`]).
    touched: Cell<u8>,
}

/// What a write changed that central instances keep in memory: announced in the
/// writing transaction ([`Connection::announce`]), so that on PostgreSQL every
/// instance, and any other process writing to the database, is heard by all the
/// others when, and only if, it commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Announcement {
    /// A change devices pull (the change log).
    Changes,
    /// A device's token stopped being valid.
    Devices,
}

impl Announcement {
    pub const ALL: [Announcement; 2] = [Announcement::Changes, Announcement::Devices];

    /// The NOTIFY payload.
    pub fn payload(self) -> &'static str {
        match self {
            Announcement::Changes => "changes",
            Announcement::Devices => "devices",
        }
    }

    pub fn from_payload(payload: &str) -> Option<Announcement> {
        Announcement::ALL.into_iter().find(|a| a.payload() == payload)
    }

    pub fn bit(self) -> u8 {
        match self {
            Announcement::Changes => 1,
            Announcement::Devices => 2,
        }
    }
}

impl Connection {
    pub fn sqlite(conn: rusqlite::Connection) -> Connection {
        Connection::with_engine(Engine::Sqlite(conn))
    }

    /// A PostgreSQL client whose connection task runs on [`postgres_runtime`].
    pub fn postgres(client: tokio_postgres::Client) -> Connection {
        Connection::with_engine(Engine::Postgres { client, statements: HashMap::new() })
    }

    fn with_engine(engine: Engine) -> Connection {
        Connection {
            engine: RefCell::new(engine),
            depth: Cell::new(0),
            in_transaction: Cell::new(false),
            announced: Cell::new(0),
            touched: Cell::new(0),
        }
    }

    /// Tells every central instance, once this transaction commits, that `what`
    /// changed: on PostgreSQL a NOTIFY on [`crate::db::CHANGES_CHANNEL`], sent by
    /// the server at commit and dropped with a rollback; and this instance's pool
    /// hears it when the connection is given back. Sent once per transaction.
    pub fn announce(&self, what: Announcement) -> Result<()> {
        self.touched.set(self.touched.get() | what.bit());
        if self.backend() == Backend::Postgres && self.announced.get() & what.bit() == 0 {
            self.execute_batch(&format!("NOTIFY {}, '{}'", crate::db::CHANGES_CHANNEL, what.payload()))?;
            if self.in_transaction.get() {
                self.announced.set(self.announced.get() | what.bit());
            }
        }
        Ok(())
    }

    /// What was announced on this connection since the last call, as bits.
    pub fn take_announced(&self) -> u8 {
        self.touched.replace(0)
    }

    fn began(&self) {
        self.in_transaction.set(true);
        self.announced.set(0);
    }

    fn ended(&self) {
        self.in_transaction.set(false);
        self.announced.set(0);
    }

    pub fn backend(&self) -> Backend {
        match &*self.engine.borrow() {
            Engine::Sqlite(_) => Backend::Sqlite,
            Engine::Postgres { .. } => Backend::Postgres,
        }
    }

    /// Whether the server closed the connection (PostgreSQL); a pool replaces it.
    pub fn is_closed(&self) -> bool {
        match &*self.engine.borrow() {
            Engine::Sqlite(_) => false,
            Engine::Postgres { client, .. } => client.is_closed(),
        }
    }

    /// The SQLite connection, for what only SQLite has (pragmas, backups).
    pub fn with_sqlite<T>(&self, f: impl FnOnce(&rusqlite::Connection) -> T) -> Option<T> {
        match &*self.engine.borrow() {
            Engine::Sqlite(conn) => Some(f(conn)),
            Engine::Postgres { .. } => None,
        }
    }

    /// Runs statements without parameters or results.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &mut *self.engine.borrow_mut() {
            Engine::Sqlite(conn) => conn.execute_batch(sql)?,
            Engine::Postgres { client, .. } => wait(client.batch_execute(sql))?,
        }
        Ok(())
    }

    pub fn execute(&self, sql: &str, params: impl Params) -> Result<usize> {
        self.run(sql, &params.values())
    }

    fn check(params: &[ValueRef<'_>]) -> Result<()> {
        match params.iter().any(|p| matches!(p, ValueRef::Text(s) if s.contains('\0'))) {
            true => Err(Error::NulInText),
            false => Ok(()),
        }
    }

    pub fn query_row<T>(&self, sql: &str, params: impl Params, f: impl FnOnce(&Row) -> Result<T>) -> Result<T> {
        let rows = self.fetch(sql, &params.values())?;
        rows.first().map(f).unwrap_or(Err(Error::QueryReturnedNoRows))
    }

    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement { conn: self, sql: sql.to_owned() })
    }

    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        self.prepare_cached(sql)
    }

    /// Appends `rows` to `table`'s `columns` as fast as the engine takes rows: one
    /// reused prepared INSERT per row on SQLite, COPY on PostgreSQL.
    pub fn copy_in(&self, table: &str, columns: &[&str], rows: &[Vec<Value>]) -> Result<()> {
        match &mut *self.engine.borrow_mut() {
            Engine::Sqlite(conn) => {
                let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
                let sql = format!("INSERT INTO {table} ({}) VALUES ({})", columns.join(", "), placeholders.join(", "));
                let mut stmt = conn.prepare_cached(&sql)?;
                for row in rows {
                    let values: Vec<ValueRef<'_>> = row.iter().map(ToSql::to_sql).collect();
                    Connection::check(&values)?;
                    stmt.execute(rusqlite::params_from_iter(values.iter()))?;
                }
                Ok(())
            }
            Engine::Postgres { client, .. } => {
                use futures_util::SinkExt;
                let mut text = String::with_capacity(rows.len() * 64);
                for row in rows {
                    for (i, value) in row.iter().enumerate() {
                        if i > 0 {
                            text.push('\t');
                        }
                        copy_text(value, &mut text)?;
                    }
                    text.push('\n');
                }
                let statement = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
                wait(async {
                    let sink = client.copy_in::<_, bytes::Bytes>(&statement).await?;
                    let mut sink = std::pin::pin!(sink);
                    sink.send(bytes::Bytes::from(text)).await?;
                    sink.finish().await
                })?;
                Ok(())
            }
        }
    }

    pub fn transaction(&mut self) -> Result<Transaction<'_>> {
        self.transaction_with_behavior(TransactionBehavior::Deferred)
    }

    /// A transaction that only reads: every statement sees one snapshot. On
    /// PostgreSQL it is REPEATABLE READ, READ ONLY, which takes no predicate locks
    /// (SERIALIZABLE's, over the change log's ranges that pulls scan, would run out
    /// with hundreds of devices) and never fails to serialize; there a write is
    /// refused.
    pub fn read_transaction(&mut self) -> Result<Transaction<'_>> {
        match self.backend() {
            Backend::Sqlite => self.execute_batch("BEGIN DEFERRED")?,
            Backend::Postgres => self.execute_batch("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")?,
        }
        self.began();
        Ok(Transaction { conn: self, done: false })
    }

    pub fn transaction_with_behavior(&mut self, behavior: TransactionBehavior) -> Result<Transaction<'_>> {
        let begin = match (self.backend(), behavior) {
            (Backend::Sqlite, TransactionBehavior::Deferred) => "BEGIN DEFERRED",
            (Backend::Sqlite, TransactionBehavior::Immediate) => "BEGIN IMMEDIATE",
            (Backend::Postgres, _) => "BEGIN ISOLATION LEVEL SERIALIZABLE",
        };
        self.execute_batch(begin)?;
        self.began();
        Ok(Transaction { conn: self, done: false })
    }

    pub fn savepoint(&mut self) -> Result<Savepoint<'_>> {
        Savepoint::open(self)
    }

    fn run(&self, sql: &str, params: &[ValueRef<'_>]) -> Result<usize> {
        Connection::check(params)?;
        match &mut *self.engine.borrow_mut() {
            Engine::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(sql)?;
                Ok(stmt.execute(rusqlite::params_from_iter(params.iter()))?)
            }
            Engine::Postgres { client, statements } => {
                let stmt = pg_statement(client, statements, sql)?;
                let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync)).collect();
                Ok(wait(client.execute(&stmt, &refs))? as usize)
            }
        }
    }

    fn fetch(&self, sql: &str, params: &[ValueRef<'_>]) -> Result<Vec<Row>> {
        Connection::check(params)?;
        match &mut *self.engine.borrow_mut() {
            Engine::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(sql)?;
                let columns = stmt.column_count();
                let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    let mut values = Vec::with_capacity(columns);
                    for i in 0..columns {
                        use rusqlite::types::ValueRef as R;
                        values.push(match row.get_ref(i)? {
                            R::Null => Value::Null,
                            R::Integer(v) => Value::Integer(v),
                            R::Real(v) => Value::Real(v),
                            R::Text(t) => Value::Text(match std::str::from_utf8(t) {
                                Ok(text) => text.to_owned(),
                                Err(_) => String::from_utf8_lossy(t).into_owned(),
                            }),
                            R::Blob(b) => Value::Blob(b.to_vec()),
                        });
                    }
                    out.push(Row { values });
                }
                Ok(out)
            }
            Engine::Postgres { client, statements } => {
                let stmt = pg_statement(client, statements, sql)?;
                let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync)).collect();
                let rows = wait(client.query(&stmt, &refs))?;
                rows.iter()
                    .map(|row| {
                        let values = (0..row.len()).map(|i| row.try_get::<_, Value>(i)).collect::<Result<_, _>>()?;
                        Ok(Row { values })
                    })
                    .collect()
            }
        }
    }
}

fn pg_statement(
    client: &tokio_postgres::Client,
    statements: &mut HashMap<String, tokio_postgres::Statement>,
    sql: &str,
) -> Result<tokio_postgres::Statement> {
    if let Some(stmt) = statements.get(sql) {
        return Ok(stmt.clone());
    }
    let stmt = wait(client.prepare(&postgres_placeholders(sql)))?;
    statements.insert(sql.to_owned(), stmt.clone());
    Ok(stmt)
}

/// The runtime PostgreSQL connections do their input and output on, apart from the
/// server's: storage code waits on it from any thread, inside an async runtime's
/// blocking pool, a test's runtime or none.
/// Made once; a failure to start it (no threads left) is answered, not a panic.
pub fn postgres_runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: std::sync::Mutex<Option<&'static tokio::runtime::Runtime>> = std::sync::Mutex::new(None);
    let mut slot = RUNTIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(runtime) = *slot {
        return Ok(runtime);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("vitrina-postgres")
        .enable_all()
        .build()
        .map_err(|e| Error::Runtime(format!("starting the PostgreSQL runtime: {e}")))?;
    // Lives as long as the process, like the connections it drives.
    let runtime: &'static tokio::runtime::Runtime = Box::leak(Box::new(runtime));
    *slot = Some(runtime);
    Ok(runtime)
}

/// Blocks this thread on `future`, whose work happens on [`postgres_runtime`].
/// Unlike a runtime's own `block_on`, this may be called from inside another
/// runtime (a test's, or a blocking task's).
pub fn wait<F: std::future::Future>(future: F) -> F::Output {
    futures_executor::block_on(future)
}

/// Connects to PostgreSQL, its connection task spawned on [`postgres_runtime`].
pub fn connect_postgres(config: &tokio_postgres::Config) -> Result<Connection> {
    let config = config.clone();
    let runtime = postgres_runtime()?;
    let connected = wait(runtime.spawn(async move { config.connect(tokio_postgres::NoTls).await }))
        .map_err(|e| Error::Runtime(format!("connecting to PostgreSQL: {e}")))?;
    let (client, connection) = connected?;
    runtime.spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!(error = %e, "PostgreSQL connection ended");
        }
    });
    Ok(Connection::postgres(client))
}

/// One value in COPY's text format.
fn copy_text(value: &Value, out: &mut String) -> Result<()> {
    use std::fmt::Write;
    match value {
        Value::Null => out.push_str("\\N"),
        Value::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Real(f) => {
            let _ = write!(out, "{f}");
        }
        Value::Text(s) => {
            if s.contains('\0') {
                return Err(Error::NulInText);
            }
            for c in s.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
        }
        Value::Blob(b) => {
            out.push_str("\\\\x");
            for byte in b {
                let _ = write!(out, "{byte:02x}");
            }
        }
    }
    Ok(())
}

/// `?N` and `?` placeholders as PostgreSQL's `$N`, leaving quoted text alone.
pub fn postgres_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut next_anonymous = 1;
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' => {
                out.push('$');
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                if digits.is_empty() {
                    out.push_str(&next_anonymous.to_string());
                    next_anonymous += 1;
                } else {
                    out.push_str(&digits);
                }
            }
            None => out.push(c),
        }
    }
    out
}

/// A statement of a connection, as rusqlite's `Statement`.
pub struct Statement<'c> {
    conn: &'c Connection,
    sql: String,
}

impl Statement<'_> {
    pub fn execute(&mut self, params: impl Params) -> Result<usize> {
        self.conn.run(&self.sql, &params.values())
    }

    pub fn query_row<T>(&mut self, params: impl Params, f: impl FnOnce(&Row) -> Result<T>) -> Result<T> {
        self.conn.query_row(&self.sql, params, f)
    }

    pub fn query(&mut self, params: impl Params) -> Result<Rows> {
        let rows = self.conn.fetch(&self.sql, &params.values())?;
        Ok(Rows { rows: rows.into_iter(), current: None })
    }

    /// Walks the result row by row, each read in place (nothing copied out of
    /// SQLite's row), until `f` answers `false`.
    pub fn each(&mut self, params: impl Params, mut f: impl FnMut(&RowRef<'_>) -> Result<bool>) -> Result<()> {
        let params = params.values();
        Connection::check(&params)?;
        match &mut *self.conn.engine.borrow_mut() {
            Engine::Sqlite(conn) => {
                let mut stmt = conn.prepare_cached(&self.sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
                while let Some(row) = rows.next()? {
                    if !f(&RowRef::Sqlite(row))? {
                        break;
                    }
                }
            }
            Engine::Postgres { client, statements } => {
                let stmt = pg_statement(client, statements, &self.sql)?;
                let refs: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn tokio_postgres::types::ToSql + Sync)).collect();
                for row in wait(client.query(&stmt, &refs))? {
                    if !f(&RowRef::Postgres(&row))? {
                        break;
                    }
                }
            }
        }
        Ok(())
    }

    pub fn query_map<T>(
        &mut self,
        params: impl Params,
        mut f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<std::vec::IntoIter<Result<T>>> {
        let rows = self.conn.fetch(&self.sql, &params.values())?;
        Ok(rows.iter().map(&mut f).collect::<Vec<_>>().into_iter())
    }

    pub fn exists(&mut self, params: impl Params) -> Result<bool> {
        Ok(!self.conn.fetch(&self.sql, &params.values())?.is_empty())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionBehavior {
    Deferred,
    /// Takes SQLite's write lock at once, so a read-then-write can't be refused
    /// half-way. PostgreSQL's serializable transactions need no such hint.
    Immediate,
}

/// An open transaction; rolled back when dropped uncommitted.
pub struct Transaction<'c> {
    conn: &'c mut Connection,
    done: bool,
}

impl Transaction<'_> {
    pub fn commit(mut self) -> Result<()> {
        // Marked done only once committed: a COMMIT refused (SQLite busy) leaves
        // the transaction open, and dropping this rolls it back.
        self.conn.execute_batch("COMMIT")?;
        self.done = true;
        self.conn.ended();
        Ok(())
    }

    pub fn rollback(mut self) -> Result<()> {
        self.done = true;
        self.conn.ended();
        self.conn.execute_batch("ROLLBACK")
    }

    pub fn savepoint(&mut self) -> Result<Savepoint<'_>> {
        Savepoint::open(self.conn)
    }
}

impl std::ops::Deref for Transaction<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl std::ops::DerefMut for Transaction<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.conn.ended();
            if let Err(e) = self.conn.execute_batch("ROLLBACK") {
                tracing::warn!(error = %e, "rolling back a transaction");
            }
        }
    }
}

/// A savepoint inside a transaction, as rusqlite's: `rollback` undoes its work and
/// keeps it open, `commit` releases it, dropping it undoes and releases.
pub struct Savepoint<'c> {
    conn: &'c mut Connection,
    name: String,
    done: bool,
}

impl<'c> Savepoint<'c> {
    fn open(conn: &'c mut Connection) -> Result<Savepoint<'c>> {
        let depth = conn.depth.get() + 1;
        let name = format!("sp{depth}");
        conn.execute_batch(&format!("SAVEPOINT {name}"))?;
        conn.depth.set(depth);
        Ok(Savepoint { conn, name, done: false })
    }

    pub fn savepoint(&mut self) -> Result<Savepoint<'_>> {
        Savepoint::open(self.conn)
    }

    pub fn rollback(&mut self) -> Result<()> {
        // A NOTIFY made inside the savepoint is undone with it.
        self.conn.announced.set(0);
        self.conn.execute_batch(&format!("ROLLBACK TO SAVEPOINT {}", self.name))
    }

    pub fn commit(mut self) -> Result<()> {
        self.done = true;
        self.conn.depth.set(self.conn.depth.get() - 1);
        self.conn.execute_batch(&format!("RELEASE SAVEPOINT {}", self.name))
    }
}

impl std::ops::Deref for Savepoint<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl std::ops::DerefMut for Savepoint<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.conn
    }
}

impl Drop for Savepoint<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.conn.depth.set(self.conn.depth.get() - 1);
            self.conn.announced.set(0);
            let undo = format!("ROLLBACK TO SAVEPOINT {0}; RELEASE SAVEPOINT {0}", self.name);
            if let Err(e) = self.conn.execute_batch(&undo) {
                tracing::warn!(error = %e, "rolling back a savepoint");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_numbered_outside_quotes() {
        assert_eq!(
            postgres_placeholders("SELECT a FROM t WHERE b = ?1 AND c = ?12 AND d = '?' AND e = ?"),
            "SELECT a FROM t WHERE b = $1 AND c = $12 AND d = '?' AND e = $1"
        );
    }
}
