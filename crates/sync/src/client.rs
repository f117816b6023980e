//! HTTP transport to the central.

use reqwest::StatusCode;
use std::time::Duration;
use vitrina_protocol::*;

/// Why a sync step failed, in terms the app can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error("the central address is not a valid http(s) URL")]
    InvalidUrl,
    #[error("the central cannot be reached: {0}")]
    Unreachable(String),
    #[error("the device token was refused")]
    Unauthorized,
    #[error("the enrollment code is wrong, expired or already used")]
    BadEnrollmentCode,
    #[error("this app must be updated to talk to the central")]
    UpdateRequired,
    #[error("the central refused the request: {0}")]
    Forbidden(String),
    #[error("the central answered something unexpected: {0}")]
    Protocol(String),
    #[error("the local cache failed: {0}")]
    Store(String),
    #[error("the device is not enrolled")]
    NotEnrolled,
    #[error("the central refused the associate's PIN")]
    WrongPin,
    #[error("a manager revoked this device")]
    Revoked,
    /// A scope pulled again from the start still disagreed with the central's.
    #[error("the cache keeps disagreeing with the central after pulling it again")]
    Diverged,
}

impl SyncError {
    /// Whether trying again later may succeed without anyone doing anything.
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncError::Unreachable(_))
    }
}

impl From<vitrina_store::StoreError> for SyncError {
    fn from(e: vitrina_store::StoreError) -> Self {
        match e {
            vitrina_store::StoreError::NotEnrolled => SyncError::NotEnrolled,
            other => SyncError::Store(other.to_string()),
        }
    }
}

/// A connection to one central. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
    protocol: u32,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the token.
        f.debug_struct("Client").field("base", &self.base).finish_non_exhaustive()
    }
}

/// Extra time a long-poll may take beyond what it asked the central to wait.
const LONG_POLL_GRACE: Duration = Duration::from_secs(10);

impl Client {
    /// A client for the central at `base_url` (`http://host:port` or `https://…`).
    /// HTTPS trusts the public certificate authorities, plus those in the PEM file
    /// named by `$VITRINA_CA_FILE` (a chain's own authority).
    pub fn new(base_url: &str) -> Result<Client, SyncError> {
        let extra = match std::env::var_os("VITRINA_CA_FILE") {
            Some(path) => {
                Some(std::fs::read(&path).map_err(|e| SyncError::Protocol(format!("reading VITRINA_CA_FILE: {e}")))?)
            }
            None => None,
        };
        Self::with_roots(base_url, extra.as_deref())
    }

    /// A client that also trusts the certificate authorities in `pem`.
    pub fn with_roots(base_url: &str, pem: Option<&[u8]>) -> Result<Client, SyncError> {
        let base = base_url.trim().trim_end_matches('/').to_owned();
        let rest =
            base.strip_prefix("http://").or_else(|| base.strip_prefix("https://")).ok_or(SyncError::InvalidUrl)?;
        if rest.is_empty() || rest.contains(char::is_whitespace) || reqwest::Url::parse(&base).is_err() {
            return Err(SyncError::InvalidUrl);
        }
        let mut builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(5));
        if let Some(pem) = pem {
            let roots = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| SyncError::Protocol(format!("certificate authorities: {e}")))?;
            for root in roots {
                builder = builder.add_root_certificate(root);
            }
        }
        let http = builder.build().map_err(|e| SyncError::Protocol(e.to_string()))?;
        Ok(Client { http, base, token: None, protocol: PROTOCOL_VERSION })
    }

    pub fn with_token(mut self, token: &str) -> Client {
        self.token = Some(token.to_owned());
        self
    }

    /// Speaks another protocol version: what an older build of the app sends.
    pub fn with_protocol(mut self, version: u32) -> Client {
        self.protocol = version;
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub async fn health(&self) -> Result<Health, SyncError> {
        self.send(self.http.get(format!("{}/health", self.base)), Duration::from_secs(5)).await
    }

    /// Redeems a one-time enrollment code.
    pub async fn enroll(&self, code: &str, device_name: &str) -> Result<EnrollResponse, SyncError> {
        let body = EnrollRequest { code: code.to_owned(), device_name: device_name.to_owned() };
        let request = self.http.post(format!("{}/v1/enroll", self.base)).json(&body);
        self.send(request, Duration::from_secs(15)).await
    }

    pub async fn session(&self) -> Result<SessionResponse, SyncError> {
        let request = self.authorised(self.http.get(format!("{}/v1/session", self.base)))?;
        self.send(request, Duration::from_secs(15)).await
    }

    pub async fn pull(&self, req: &PullRequest) -> Result<PullResponse, SyncError> {
        self.pull_into(req, &mut Vec::new()).await
    }

    /// A pull whose body is read into `body`, a buffer kept from one pull to the
    /// next: a first sync's answers are megabytes each, and memory taken afresh for
    /// every one is memory the kernel must clear every time.
    pub async fn pull_into(&self, req: &PullRequest, body: &mut Vec<u8>) -> Result<PullResponse, SyncError> {
        let request = self.authorised(self.http.post(format!("{}/v1/pull", self.base)).json(req))?;
        let timeout = Duration::from_secs(30) + Duration::from_millis(u64::from(req.wait_ms)) + LONG_POLL_GRACE;
        self.send_into(request, timeout, body).await?;
        parse(body)
    }

    pub async fn push(&self, req: &PushRequest) -> Result<PushResponse, SyncError> {
        let request = self.authorised(self.http.post(format!("{}/v1/push", self.base)).json(req))?;
        self.send(request, Duration::from_secs(30)).await
    }

    /// A SKU's availability in the device's region as the central computes it.
    pub async fn availability(&self, sku: &str) -> Result<AvailabilityResponse, SyncError> {
        let url = reqwest::Url::parse(&format!("{}/v1/availability/", self.base))
            .and_then(|u| u.join(sku))
            .map_err(|_| SyncError::InvalidUrl)?;
        let request = self.authorised(self.http.get(url))?;
        self.send(request, Duration::from_secs(15)).await
    }

    /// A product picture by content address; bytes that don't hash to `hash` (a
    /// body damaged on the way) are a transport failure, to be fetched again.
    pub async fn image(&self, hash: &str) -> Result<Vec<u8>, SyncError> {
        if !vitrina_protocol::is_content_address(hash) {
            return Err(SyncError::Protocol(format!("not a content address: {hash}")));
        }
        let request = self.authorised(self.http.get(format!("{}/v1/images/{hash}", self.base)))?;
        let bytes = self.send_bytes(request, Duration::from_secs(60)).await?;
        if vitrina_protocol::content_address(&bytes) != hash {
            return Err(SyncError::Unreachable("picture damaged in transit".into()));
        }
        Ok(bytes)
    }

    /// Signs an associate of the device's store in at the central with their PIN;
    /// the answer's token goes with requests made for them.
    pub async fn sign_in(&self, associate_id: &str, pin: &str) -> Result<SignInResponse, SyncError> {
        let body = SignInRequest { associate_id: associate_id.to_owned(), pin: pin.to_owned() };
        let request = self.authorised(self.http.post(format!("{}/v1/associates/sign-in", self.base)).json(&body))?;
        self.send(request, Duration::from_secs(15)).await
    }

    /// Ends an associate's session at the central.
    pub async fn sign_out(&self, associate_token: &str) -> Result<(), SyncError> {
        let request = self
            .authorised(self.http.post(format!("{}/v1/associates/sign-out", self.base)))?
            .header(ASSOCIATE_HEADER, associate_token);
        self.send_bytes(request, Duration::from_secs(10)).await.map(|_| ())
    }

    /// The device's store's sales report over `from..=to` (ISO dates), for a
    /// signed-in manager.
    pub async fn store_report(
        &self,
        associate_token: &str,
        from: &str,
        to: &str,
    ) -> Result<StoreReportResponse, SyncError> {
        let request = self
            .authorised(self.http.get(format!("{}/v1/reports/store", self.base)))?
            .query(&[("from", from), ("to", to)])
            .header(ASSOCIATE_HEADER, associate_token);
        self.send(request, Duration::from_secs(20)).await
    }

    /// Customers by exact phone or email across the chain: the device's store's, and
    /// those who agreed to one profile across the chain. Made for the associate
    /// whose session is given, when they are signed in at the central.
    pub async fn lookup_customers(
        &self,
        query: &str,
        associate_token: Option<&str>,
    ) -> Result<CustomerLookupResponse, SyncError> {
        let mut request =
            self.authorised(self.http.get(format!("{}/v1/customers/lookup", self.base)))?.query(&[("q", query)]);
        if let Some(token) = associate_token {
            request = request.header(ASSOCIATE_HEADER, token);
        }
        self.send(request, Duration::from_secs(15)).await
    }

    /// The devices of the store, for a signed-in manager.
    pub async fn devices(&self, associate_token: &str) -> Result<DevicesResponse, SyncError> {
        let request = self
            .authorised(self.http.get(format!("{}/v1/devices", self.base)))?
            .header(ASSOCIATE_HEADER, associate_token);
        self.send(request, Duration::from_secs(15)).await
    }

    /// A signed-in manager revokes another device of the store.
    pub async fn revoke_device(&self, associate_token: &str, device_id: &str) -> Result<(), SyncError> {
        let url = reqwest::Url::parse(&format!("{}/v1/devices/", self.base))
            .and_then(|u| u.join(&format!("{device_id}/revoke")))
            .map_err(|_| SyncError::InvalidUrl)?;
        let request = self.authorised(self.http.post(url))?.header(ASSOCIATE_HEADER, associate_token);
        self.send_bytes(request, Duration::from_secs(15)).await.map(|_| ())
    }

    fn authorised(&self, request: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, SyncError> {
        let token = self.token.as_deref().ok_or(SyncError::NotEnrolled)?;
        Ok(request.bearer_auth(token))
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<T, SyncError> {
        parse(&self.send_bytes(request, timeout).await?)
    }

    /// Sends a request and answers the body of a successful response; every other
    /// answer becomes the matching `SyncError`.
    async fn send_bytes(&self, request: reqwest::RequestBuilder, timeout: Duration) -> Result<Vec<u8>, SyncError> {
        let mut body = Vec::new();
        self.send_into(request, timeout, &mut body).await?;
        Ok(body)
    }

    /// Sends a request and reads the body of a successful response into `body`
    /// (emptied first); every other answer becomes the matching `SyncError`.
    async fn send_into(
        &self,
        request: reqwest::RequestBuilder,
        timeout: Duration,
        body: &mut Vec<u8>,
    ) -> Result<(), SyncError> {
        let mut response = request
            .header(PROTOCOL_HEADER, self.protocol.to_string())
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| SyncError::Unreachable(without_url(&e)))?;
        let status = response.status();
        if status.is_success() {
            body.clear();
            // Room for the body as announced, up to a bound: the length is the
            // other end's word.
            let announced = response.content_length().unwrap_or(0).min(RESERVE_AT_MOST);
            body.reserve(usize::try_from(announced).unwrap_or(0));
            while let Some(chunk) = response.chunk().await.map_err(|e| SyncError::Unreachable(without_url(&e)))? {
                body.extend_from_slice(&chunk);
            }
            return Ok(());
        }
        let error: Option<ApiError> = response.json().await.ok();
        Err(match (status, error.map(|e| e.code)) {
            (_, Some(ErrorCode::BadEnrollmentCode)) => SyncError::BadEnrollmentCode,
            (_, Some(ErrorCode::WrongPin)) => SyncError::WrongPin,
            (_, Some(ErrorCode::DeviceRevoked)) => SyncError::Revoked,
            (_, Some(ErrorCode::UpdateRequired)) | (StatusCode::UPGRADE_REQUIRED, _) => SyncError::UpdateRequired,
            (StatusCode::UNAUTHORIZED, _) => SyncError::Unauthorized,
            (StatusCode::FORBIDDEN, _) => SyncError::Forbidden(status.to_string()),
            (s, _) if s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS => {
                SyncError::Unreachable(format!("central answered {s}"))
            }
            (s, code) => SyncError::Protocol(format!("{s} {code:?}")),
        })
    }
}

/// The most room taken ahead for a body, whatever length its answer announces.
const RESERVE_AT_MOST: u64 = 16 << 20;

/// A successful answer's body, read as JSON.
fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, SyncError> {
    // A body cut short by the network is a transport failure, not a protocol one.
    serde_json::from_slice(body).map_err(|e| {
        if e.is_eof() {
            SyncError::Unreachable("response cut short".into())
        } else {
            SyncError::Protocol(e.to_string())
        }
    })
}

/// A short reason for a transport failure, without the URL (which may carry a token
/// in a proxy's query string) and without reqwest's nested wording.
fn without_url(e: &reqwest::Error) -> String {
    use std::error::Error;
    if e.is_timeout() {
        return "timed out".into();
    }
    if e.is_connect() {
        return "connection refused or host unreachable".into();
    }
    let mut innermost: &dyn Error = e;
    while let Some(source) = innermost.source() {
        innermost = source;
    }
    innermost.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_addresses_are_accepted() {
        assert!(Client::new("http://127.0.0.1:8787").is_ok());
        assert!(Client::new("https://central.example.com/").is_ok());
        for bad in ["", "127.0.0.1:8787", "ftp://x", "http://", "http://a b"] {
            assert_eq!(Client::new(bad).unwrap_err(), SyncError::InvalidUrl, "{bad:?}");
        }
    }

    #[test]
    fn a_trailing_slash_is_dropped() {
        assert_eq!(Client::new("http://127.0.0.1:8787/").unwrap().base_url(), "http://127.0.0.1:8787");
    }

    #[test]
    fn the_token_never_appears_in_debug_output() {
        let client = Client::new("http://127.0.0.1:1").unwrap().with_token("s3cret-token");
        assert!(!format!("{client:?}").contains("s3cret"));
    }

    #[tokio::test]
    async fn a_central_that_is_not_there_is_unreachable_not_an_error_of_ours() {
        let client = Client::new("http://127.0.0.1:9").unwrap();
        let err = client.health().await.unwrap_err();
        assert!(err.is_transient(), "{err:?}");
    }

    /// A central of a few lines on a loopback port: answers each request, one per
    /// connection, with the next of `answers` (headers and body as given, after
    /// the status line).
    async fn answering(answers: Vec<String>) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            for answer in answers {
                let (mut socket, _) = listener.accept().await.unwrap();
                // The whole request first: its head, then the body it announces.
                let mut request = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = socket.read(&mut chunk).await.unwrap();
                    request.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&request).to_lowercase();
                    let Some(head_end) = text.find("\r\n\r\n") else { continue };
                    let length = text
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map_or(0, |n| n.trim().parse::<usize>().unwrap());
                    if n == 0 || request.len() >= head_end + 4 + length {
                        break;
                    }
                }
                let _ = socket.write_all(format!("HTTP/1.1 200 OK\r\nconnection: close\r\n{answer}").as_bytes()).await;
                let _ = socket.shutdown().await;
            }
        });
        url
    }

    fn json_answer(body: &str) -> String {
        format!("content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len())
    }

    fn pull_answer(changes: i64) -> PullResponse {
        PullResponse {
            server_time: "2026-11-24T10:00:00Z".into(),
            scopes: vec![ScopePage {
                scope: inventory_scope("CL-SCL-01"),
                status: ScopeStatus::Ok,
                changes: (1..=changes).map(|seq| Change::delete(seq, format!("stock:SKU-{seq}"))).collect(),
                cursor: changes,
                head: changes,
                remaining: 0,
                checksum: None,
            }],
        }
    }

    #[tokio::test]
    async fn pulls_read_into_one_kept_buffer_each_read_whole_whatever_it_held_before() {
        let (long, short) = (pull_answer(500), pull_answer(2));
        let long_text = serde_json::to_string(&long).unwrap();
        let url = answering(vec![json_answer(&long_text), json_answer(&serde_json::to_string(&short).unwrap())]).await;
        let client = Client::new(&url).unwrap().with_token("device-token");
        let asked = PullRequest { cursors: vec![], limit: 500, wait_ms: 0 };
        let mut body = Vec::new();
        assert_eq!(client.pull_into(&asked, &mut body).await.unwrap(), long);
        assert_eq!(client.pull_into(&asked, &mut body).await.unwrap(), short, "nothing of the longer answer is left");
        assert!(body.capacity() >= long_text.len(), "the buffer is kept, not taken afresh");
    }

    #[tokio::test]
    async fn an_answer_announcing_more_than_it_sends_is_cut_short_and_no_room_is_taken_for_its_word() {
        // A terabyte announced, a few bytes sent: room for the announced length
        // would end the process.
        let url = answering(vec![
            "content-type: application/json\r\ncontent-length: 1099511627776\r\n\r\n{\"server_time\"".into(),
        ])
        .await;
        let client = Client::new(&url).unwrap().with_token("device-token");
        let asked = PullRequest { cursors: vec![], limit: 500, wait_ms: 0 };
        let mut body = Vec::new();
        let err = client.pull_into(&asked, &mut body).await.unwrap_err();
        assert!(err.is_transient(), "{err:?}");
        assert!(body.capacity() <= RESERVE_AT_MOST as usize, "{} bytes taken", body.capacity());
    }
}
