//! Passwords (Argon2id), server-side sessions in a cookie, and the check
//! that state-changing requests come from the app's own pages.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts, Request};
use axum::http::header::{COOKIE, HOST, ORIGIN, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::{mpsc, Arc, Mutex, OnceLock};

use super::error::ApiError;
use super::store::{self, Db};
use crate::domain::calendar::now_ms;

pub const SESSION_COOKIE: &str = "sesion";
/// A session unused this long ends.
pub const IDLE_TIMEOUT_MS: i64 = 2 * 60 * 60 * 1000;
/// A session ends this long after login, used or not.
pub const ABSOLUTE_TIMEOUT_MS: i64 = 12 * 60 * 60 * 1000;
/// Last-seen times are written at most this often, to spare the database.
const TOUCH_EVERY_MS: i64 = 60 * 1000;

/// OWASP's minimum for Argon2id: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Argon2 work to run on its own threads.
type Argon2Job = Box<dyn FnOnce() + Send>;

/// Runs Argon2 work on a fixed set of threads, one per core: each hash
/// takes 19 MiB and a core for a moment, so a flood of sign-ins waits its
/// turn in a queue instead of spreading over ever more threads (each of
/// which keeps its memory) and exhausting the server.
async fn with_argon2<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    static QUEUE: OnceLock<Mutex<mpsc::Sender<Argon2Job>>> = OnceLock::new();
    let queue = QUEUE.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Argon2Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        for n in 0..cores {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || loop {
                    let job = match receiver.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "starting a password thread");
            }
        }
        Mutex::new(sender)
    });
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Argon2Job = Box::new(move || {
        let _ = done.send(work());
    });
    queue
        .lock()
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .send(job)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    result
        .await
        .map_err(|_| ApiError::Internal("the password threads stopped".into()))
}

pub async fn hash_password(password: String) -> Result<String, ApiError> {
    with_argon2(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| ApiError::Internal(format!("hashing a password: {e}")))
    })
    .await?
}

/// Checks `password` against a stored Argon2 hash in memory this thread
/// keeps from one check to the next: allocating 19 MiB for each check
/// leaves the allocator holding ever more of it.
fn verify_in_place(password: &[u8], stored: &str) -> bool {
    thread_local! {
        static MEMORY: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (hash.hash, hash.salt) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) =
        (Algorithm::try_from(hash.algorithm), Params::try_from(&hash))
    else {
        return false;
    };
    let Ok(version) = hash.version.map_or(Ok(Version::V0x13), Version::try_from) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let blocks = params.block_count();
    let mut computed = vec![0u8; expected.len()];
    let hashed = MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, argon2::Block::default());
        }
        Argon2::new(algorithm, version, params).hash_password_into_with_memory(
            password,
            salt,
            &mut computed,
            &mut memory[..blocks],
        )
    });
    // `Output` compares in constant time.
    hashed.is_ok()
        && argon2::password_hash::Output::new(&computed).is_ok_and(|computed| computed == expected)
}

/// Checks a password against a stored hash. With no account, it checks
/// against a fixed hash anyway, so that the answer takes as long.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$2cDx6E4ST6kVdCjKe9W4bEa5ZpGzD3mQx4N5wGLbT3s";
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| DECOY.to_owned());
    with_argon2(move || verify_in_place(password.as_bytes(), &stored))
        .await
        .unwrap_or(false)
        && known
}

/// The account whose password this is; the same refusal whether the e-mail
/// or the password is wrong.
pub async fn authenticate(db: &Db, email: &str, password: String) -> Result<store::User, ApiError> {
    let user = db.find_user_by_email(email).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let verified = verify_password(password, stored).await;
    user.filter(|_| verified).ok_or_else(|| {
        ApiError::Unreadable(
            axum::http::StatusCode::UNAUTHORIZED,
            "Correo o contraseña incorrectos.".into(),
        )
    })
}

/// Opens a session for `user` and returns the cookie that carries it.
pub async fn start_session(db: &Db, user: &store::User) -> Result<HeaderValue, ApiError> {
    let (token, hash) = new_session_token();
    db.create_session(&hash, &user.id).await?;
    Ok(session_cookie(&token))
}

/// A new session token (256 random bits, hex) and the hash stored for it.
pub fn new_session_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex(&bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether cookies get `Secure`: when the app's public origin is https.
pub fn secure_cookies() -> bool {
    std::env::var("APP_ORIGIN").is_ok_and(|origin| origin.starts_with("https://"))
}

pub fn session_cookie(token: &str) -> HeaderValue {
    let secure = if secure_cookies() { "; Secure" } else { "" };
    let max_age = ABSOLUTE_TIMEOUT_MS / 1000;
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("a hex token is a valid header")
}

pub fn cleared_cookie() -> HeaderValue {
    HeaderValue::from_static("sesion=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

pub fn with_cookie(response: impl IntoResponse, cookie: HeaderValue) -> Response {
    let mut response = response.into_response();
    response.headers_mut().append(SET_COOKIE, cookie);
    response
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// The signed-in account behind a request; a request without a live
/// session is refused with 401.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: store::User,
    pub token_hash: String,
}

impl std::ops::Deref for CurrentUser {
    type Target = store::User;

    fn deref(&self) -> &store::User {
        &self.user
    }
}

impl<S> FromRequestParts<S> for CurrentUser
where
    Db: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let db = Db::from_ref(state);
        session_user(&db, &parts.headers).await
    }
}

/// The account of the live session a request's cookie names.
pub async fn session_user(db: &Db, headers: &HeaderMap) -> Result<CurrentUser, ApiError> {
    let token = session_token(headers).ok_or(ApiError::Unauthorized)?;
    let hash = token_hash(&token);
    let session = db
        .find_session(&hash)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let now = now_ms();
    if now - session.last_seen_at > IDLE_TIMEOUT_MS
        || now - session.created_at > ABSOLUTE_TIMEOUT_MS
    {
        db.delete_session(&hash).await?;
        return Err(ApiError::Unauthorized);
    }
    if now - session.last_seen_at > TOUCH_EVERY_MS {
        db.touch_session(&hash, now).await?;
    }
    let user = db
        .find_user_by_id(&session.user_id)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    Ok(CurrentUser {
        user,
        token_hash: hash,
    })
}

/// For requests that may or may not come with a live session.
impl<S> OptionalFromRequestParts<S> for CurrentUser
where
    Db: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        match <CurrentUser as FromRequestParts<S>>::from_request_parts(parts, state).await {
            Ok(user) => Ok(Some(user)),
            Err(ApiError::Unauthorized) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// Leptos server functions and the JSON API have no CSRF token: a browser
/// request that changes state must come from the app's own origin.
/// Requests without browser headers (other systems' clients) pass.
pub async fn same_origin_only(request: Request, next: Next) -> Response {
    if is_cross_site(request.method(), request.headers()) {
        return ApiError::Forbidden(
            "Solicitud rechazada: no proviene de las páginas de esta aplicación.".into(),
        )
        .into_response();
    }
    next.run(request).await
}

fn is_cross_site(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .unwrap_or(origin);
    let public = std::env::var("APP_ORIGIN").ok();
    origin_host != host && public.as_deref() != Some(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn reads_are_never_refused() {
        let h = headers(&[("origin", "https://evil.example"), ("host", "app.local")]);
        assert!(!is_cross_site(&Method::GET, &h));
    }

    #[test]
    fn writes_from_another_site_are_refused() {
        let h = headers(&[("origin", "https://evil.example"), ("host", "app.local")]);
        assert!(is_cross_site(&Method::POST, &h));
        let h = headers(&[("sec-fetch-site", "cross-site"), ("host", "app.local")]);
        assert!(is_cross_site(&Method::POST, &h));
        let h = headers(&[("sec-fetch-site", "same-site"), ("host", "app.local")]);
        assert!(is_cross_site(&Method::POST, &h));
    }

    #[test]
    fn writes_from_the_app_itself_or_from_non_browsers_pass() {
        let h = headers(&[
            ("origin", "http://app.local:3000"),
            ("host", "app.local:3000"),
        ]);
        assert!(!is_cross_site(&Method::POST, &h));
        let h = headers(&[("sec-fetch-site", "same-origin")]);
        assert!(!is_cross_site(&Method::POST, &h));
        assert!(!is_cross_site(
            &Method::POST,
            &headers(&[("host", "app.local")])
        ));
    }

    #[test]
    fn session_tokens_are_random_and_only_their_hash_is_kept() {
        let (a, hash_a) = new_session_token();
        let (b, _) = new_session_token();
        assert_eq!(a.len(), 64, "256 bits");
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), hash_a);
        assert_ne!(a, hash_a);
    }

    #[test]
    fn the_cookie_is_http_only_and_same_site() {
        let cookie = session_cookie("abc");
        let text = cookie.to_str().unwrap();
        assert!(text.starts_with("sesion=abc;"));
        assert!(text.contains("HttpOnly") && text.contains("SameSite=Lax"));
    }

    #[tokio::test]
    async fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correcta".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correcta".into(), Some(hash.clone())).await);
        assert!(!verify_password("otra".into(), Some(hash)).await);
        assert!(!verify_password("correcta".into(), None).await);
    }
}
