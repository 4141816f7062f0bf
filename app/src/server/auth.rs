//! Passwords (Argon2id), server-side sessions in a cookie, and the check
//! that state-changing requests come from the app's own pages.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::{ConnectInfo, FromRef, FromRequestParts, OptionalFromRequestParts};
use axum::http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};
use std::sync::{mpsc, Arc, Mutex, OnceLock};

use super::error::{ApiError, FieldError};
use super::settings::Settings;
use super::store::{self, AuditEntry, Db, NewSession};
use crate::audit::AuditEvent;
use crate::domain::accounts::check_password_length;
use crate::domain::calendar::now_ms;
use crate::domain::throttle;

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

/// Sessions kept per person: signing in on an eleventh device ends the
/// oldest.
pub const SESSIONS_PER_PERSON: i64 = 10;

/// Who sends a request: the address throttling counts and the audit log
/// records, and the browser's name.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub address: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl Client {
    pub fn of(settings: &Settings, parts: &Parts) -> Client {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        // The proxy appends the address it saw: the last entry is the
        // only one no client could have written.
        let forwarded = settings
            .behind_proxy
            .then(|| {
                parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .next_back()
                    .and_then(|last| last.trim().parse::<IpAddr>().ok())
            })
            .flatten();
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(300).collect());
        Client {
            address: forwarded.or(peer),
            user_agent,
        }
    }

    /// An audit entry of this client's doing.
    pub fn audit(&self, event: AuditEvent) -> AuditEntry {
        AuditEntry::new(event)
            .from_client(self.address.map(|a| a.to_string()), self.user_agent.clone())
    }

    /// The throttling key of the address: IPv6 clients own a whole /64.
    fn address_key(&self) -> Option<String> {
        let address = match self.address? {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let mut segments = v6.segments();
                    segments[4..].fill(0);
                    IpAddr::V6(segments.into())
                }
            },
            v4 => v4,
        };
        Some(format!("ip:{address}"))
    }
}

impl<S> FromRequestParts<S> for Client
where
    Arc<Settings>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Client::of(&Arc::<Settings>::from_ref(state), parts))
    }
}

/// The failure counts a password check goes by: its account's (keyed by
/// the e-mail as typed, whether the account exists or not) and, for a
/// sign-in, its address's.
struct Throttle {
    account: String,
    counted: Vec<(String, throttle::Policy)>,
}

impl Throttle {
    fn of(email: &str, client: Option<&Client>) -> Throttle {
        let account = format!("cuenta:{email}");
        let mut counted = vec![(account.clone(), throttle::PER_ACCOUNT)];
        counted.extend(
            client
                .and_then(Client::address_key)
                .map(|key| (key, throttle::PER_ADDRESS)),
        );
        Throttle { account, counted }
    }

    /// `Throttled` while any of its counts pauses the attempts.
    async fn check(&self, db: &Db, now: i64) -> Result<(), ApiError> {
        let keys: Vec<String> = self.counted.iter().map(|(key, _)| key.clone()).collect();
        let locked_until = db.sign_in_locked_until(&keys).await?;
        if locked_until > now {
            return Err(ApiError::Throttled(throttle::retry_after_secs(
                locked_until,
                now,
            )));
        }
        Ok(())
    }

    async fn failed(&self, db: &Db, now: i64) -> Result<(), ApiError> {
        for (key, policy) in &self.counted {
            let lock = move |failures: i64| now + policy.pause_ms(failures);
            db.record_sign_in_failure(key, now, now - throttle::WINDOW_MS, &lock)
                .await?;
        }
        Ok(())
    }

    /// The account's count starts again; the address's does not (one
    /// good account must not clear a guesser's address).
    async fn succeeded(&self, db: &Db) -> Result<(), ApiError> {
        db.clear_sign_in_failures(&self.account).await
    }
}

/// A sign-in that worked: the account and the cookie of its new session.
pub struct SignedIn {
    pub user: store::User,
    pub cookie: HeaderValue,
}

/// Signs a person in with e-mail and password. Failures are counted per
/// account (known or not) and per address where every server sees them,
/// and while either is paused the attempt is refused before any password
/// is checked; every answer is the same whether the account exists or not.
/// A success opens a new session in place of the one the browser came with.
pub async fn sign_in(
    db: &Db,
    settings: &Settings,
    client: &Client,
    headers: &HeaderMap,
    email: &str,
    password: String,
) -> Result<SignedIn, ApiError> {
    let now = now_ms();
    let typed = email.trim().to_lowercase();
    let throttle = Throttle::of(&typed, Some(client));
    if let Err(refused) = throttle.check(db, now).await {
        db.audit(&client.audit(AuditEvent::SignInLocked).typed_by(&typed))
            .await?;
        return Err(refused);
    }
    let user = db.find_user_by_email(&typed).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let verified = verify_password(password.clone(), stored).await;
    let Some(user) = user.filter(|_| verified) else {
        throttle.failed(db, now).await?;
        db.audit(&client.audit(AuditEvent::SignInFailed).typed_by(&typed))
            .await?;
        return Err(wrong_credentials());
    };
    // Only the password's owner reaches these refusals.
    if !settings.passwords.admits(user.is_admin) {
        db.audit(&client.audit(AuditEvent::SignInFailed).by(&user).detail(
            serde_json::json!({ "motivo": "contraseñas locales desactivadas para esta cuenta" }),
        ))
        .await?;
        return Err(ApiError::Forbidden(
            "Esta aplicación ya no admite contraseñas para su cuenta: ingrese con Ciudadanía Digital."
                .into(),
        ));
    }
    check_may_enter(db, settings, client, &user).await?;
    throttle.succeeded(db).await?;
    if user.password_hash.as_deref().is_some_and(needs_rehash) {
        let hash = hash_password(password).await?;
        db.set_password_hash(&user.id, &hash, user.must_change_password)
            .await?;
    }
    let cookie = open_session(db, settings, client, headers, &user, None).await?;
    Ok(SignedIn { cookie, user })
}

/// Refuses a disabled account, and a demo account outside demo mode, however
/// the person proved who they are.
pub async fn check_may_enter(
    db: &Db,
    settings: &Settings,
    client: &Client,
    user: &store::User,
) -> Result<(), ApiError> {
    if user.disabled {
        db.audit(
            &client
                .audit(AuditEvent::SignInFailed)
                .by(user)
                .detail(serde_json::json!({ "motivo": "cuenta deshabilitada" })),
        )
        .await?;
        return Err(ApiError::Forbidden(
            "Su cuenta está deshabilitada. Consulte a un administrador.".into(),
        ));
    }
    if user.demo && !settings.demo {
        db.audit(&client.audit(AuditEvent::SignInFailed).by(user).detail(
            serde_json::json!({ "motivo": "cuenta de demostración fuera del modo demostración" }),
        ))
        .await?;
        return Err(ApiError::Forbidden(
            "Las cuentas de demostración solo sirven cuando la aplicación funciona en modo demostración."
                .into(),
        ));
    }
    Ok(())
}

/// Opens a session for `user` in place of the one the browser came with
/// and records the sign-in; returns its cookie. `id_token` is the
/// provider's, for a sign-in through Ciudadanía Digital.
pub async fn open_session(
    db: &Db,
    settings: &Settings,
    client: &Client,
    headers: &HeaderMap,
    user: &store::User,
    id_token: Option<&str>,
) -> Result<HeaderValue, ApiError> {
    let now = now_ms();
    let (token, hash) = new_session_token();
    let replacing = session_token(settings, headers).map(|t| token_hash(&t));
    db.create_session(&NewSession {
        token_hash: &hash,
        user_id: &user.id,
        replacing: replacing.as_deref(),
        keep: SESSIONS_PER_PERSON,
        idle_since: now - IDLE_TIMEOUT_MS,
        opened_since: now - ABSOLUTE_TIMEOUT_MS,
        id_token,
    })
    .await?;
    let how = if id_token.is_some() {
        "Ciudadanía Digital"
    } else {
        "contraseña"
    };
    db.audit(
        &client
            .audit(AuditEvent::SignIn)
            .by(user)
            .detail(serde_json::json!({ "con": how })),
    )
    .await?;
    Ok(session_cookie(settings, &token))
}

/// A new password: long enough, not only blanks, and not easy to guess
/// (zxcvbn: its lists of common and breached passwords, words, names,
/// keyboard patterns, sequences and repeats, and the person's e-mail).
pub fn check_new_password(field: &str, password: &str, email: &str) -> Result<(), FieldError> {
    if let Some(error) = check_password_length(field, password) {
        return Err(error);
    }
    let local = email.split('@').next().unwrap_or_default();
    let inputs = [
        email,
        local,
        "agetic",
        "manual",
        "procedimientos",
        "bolivia",
    ];
    if zxcvbn::zxcvbn(password, &inputs).score() < zxcvbn::Score::Three {
        return Err(FieldError::new(
            field,
            "Esa contraseña es demasiado fácil de adivinar (es común, sigue un patrón o \
             repite su correo). Pruebe una frase de varias palabras.",
        ));
    }
    Ok(())
}

/// The signed-in person replaces their password: the current one must be
/// right (a wrong one counts as a failed sign-in), and their other
/// sessions end.
pub async fn change_own_password(
    db: &Db,
    client: &Client,
    session: &CurrentUser,
    current: String,
    new: String,
) -> Result<(), ApiError> {
    let user = &session.user;
    let (Some(email), Some(stored)) = (&user.email, &user.password_hash) else {
        return Err(ApiError::Conflict(
            "Su cuenta no tiene contraseña: usted ingresa con Ciudadanía Digital.".into(),
        ));
    };
    let now = now_ms();
    let throttle = Throttle::of(email, None);
    throttle.check(db, now).await?;
    if !verify_password(current.clone(), Some(stored.clone())).await {
        throttle.failed(db, now).await?;
        return Err(ApiError::invalid(
            "current_password",
            "La contraseña actual no es correcta.",
        ));
    }
    check_new_password("new_password", &new, email).map_err(|e| ApiError::Invalid(vec![e]))?;
    if new == current {
        return Err(ApiError::invalid(
            "new_password",
            "La contraseña nueva debe ser distinta de la actual.",
        ));
    }
    let hash = hash_password(new).await?;
    let audit = client.audit(AuditEvent::PasswordChanged).by(user);
    match db
        .set_password(&user.id, &hash, false, Some(&session.token_hash), &audit)
        .await?
    {
        store::AccountChange::Done => Ok(()),
        _ => Err(ApiError::Unauthorized),
    }
}

fn wrong_credentials() -> ApiError {
    ApiError::Unreadable(
        axum::http::StatusCode::UNAUTHORIZED,
        "Correo o contraseña incorrectos.".into(),
    )
}

/// Whether a stored hash was made with other parameters than today's, so
/// that signing in should hash the password again.
fn needs_rehash(stored: &str) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return true;
    };
    let current = hasher();
    hash.algorithm != Algorithm::Argon2id.ident()
        || hash.version != Some(Version::V0x13 as u32)
        || Params::try_from(&hash).ok().as_ref() != Some(current.params())
}

/// Ends the session of a request, if it has one; returns the provider's
/// ID token when the session was opened through Ciudadanía Digital, so
/// that the provider's session can end too.
pub async fn sign_out(
    db: &Db,
    client: &Client,
    session: Option<&CurrentUser>,
) -> Result<Option<String>, ApiError> {
    let Some(session) = session else {
        return Ok(None);
    };
    db.delete_session(&session.token_hash).await?;
    db.audit(&client.audit(AuditEvent::SignOut).by(&session.user))
        .await?;
    Ok(session.id_token.clone())
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

/// The session cookie: `HttpOnly`, `SameSite=Lax`, and a browser-session
/// cookie (no `Max-Age`: it is not kept on disk once the browser closes;
/// the server ends the session after its own timeouts anyway).
pub fn session_cookie(settings: &Settings, token: &str) -> HeaderValue {
    cookie(settings, settings.session_cookie_name(), token, "")
}

pub fn cleared_cookie(settings: &Settings) -> HeaderValue {
    cookie(settings, settings.session_cookie_name(), "", "; Max-Age=0")
}

/// A short-lived cookie of the app's other than the session's (`plain` is
/// its name on a plain-http origin), or its removal when `max_age_secs` is 0.
pub fn short_cookie(
    settings: &Settings,
    plain: &str,
    value: &str,
    max_age_secs: u32,
) -> HeaderValue {
    let name = settings.cookie_name(plain);
    cookie(settings, &name, value, &format!("; Max-Age={max_age_secs}"))
}

fn cookie(settings: &Settings, name: &str, value: &str, lifetime: &str) -> HeaderValue {
    let secure = if settings.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax{lifetime}{secure}"
    ))
    .expect("a hex token is a valid header")
}

pub fn with_cookie(response: impl IntoResponse, cookie: HeaderValue) -> Response {
    let mut response = response.into_response();
    response.headers_mut().append(SET_COOKIE, cookie);
    response
}

fn session_token(settings: &Settings, headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, settings.session_cookie_name())
}

/// The value of the cookie `name` a request came with.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value.to_owned())
}

/// The signed-in account behind a request; a request without a live
/// session is refused with 401.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: store::User,
    pub token_hash: String,
    /// The provider's ID token, for a session opened through it.
    pub id_token: Option<String>,
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
    Arc<Settings>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let db = Db::from_ref(state);
        let settings = Arc::<Settings>::from_ref(state);
        // Inside a nested router the URI lost its prefix; the original has it.
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or(parts.uri.path(), |original| original.path());
        let purpose = if OWN_ACCOUNT_PATHS.contains(&path) {
            Purpose::OwnAccount
        } else {
            Purpose::Work
        };
        session_user(&db, &settings, &parts.headers, purpose).await
    }
}

/// What a request does with its session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Anything the account may do.
    Work,
    /// Only what concerns the account itself (who am I, change my password,
    /// sign out): allowed before a reset password is replaced.
    OwnAccount,
}

/// The API paths a person whose password was reset may still use.
const OWN_ACCOUNT_PATHS: [&str; 3] = ["/api/v1/me", "/api/v1/me/password", "/api/v1/logout"];

fn must_choose_a_password() -> ApiError {
    ApiError::Forbidden(
        "Debe elegir una contraseña nueva antes de continuar (en «Mi cuenta»).".into(),
    )
}

/// The account of the live session a request's cookie names.
pub async fn session_user(
    db: &Db,
    settings: &Settings,
    headers: &HeaderMap,
    purpose: Purpose,
) -> Result<CurrentUser, ApiError> {
    let token = session_token(settings, headers).ok_or(ApiError::Unauthorized)?;
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
    // A disabled account's sessions are ended when it is disabled; a demo
    // account's stop working when demo mode is off.
    let user = db
        .find_user_by_id(&session.user_id)
        .await?
        .filter(|user| !user.disabled && (!user.demo || settings.demo))
        .ok_or(ApiError::Unauthorized)?;
    if user.must_change_password && purpose == Purpose::Work {
        return Err(must_choose_a_password());
    }
    Ok(CurrentUser {
        user,
        token_hash: hash,
        id_token: session.id_token,
    })
}

/// For requests that may or may not come with a live session.
impl<S> OptionalFromRequestParts<S> for CurrentUser
where
    Db: FromRef<S>,
    Arc<Settings>: FromRef<S>,
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let cookie = session_cookie(&Settings::default(), "abc");
        let text = cookie.to_str().unwrap();
        assert!(text.starts_with("__Host-sesion=abc;"));
        assert!(text.contains("HttpOnly") && text.contains("SameSite=Lax"));
        assert!(text.contains("Secure") && text.contains("Path=/"));
        assert!(!text.contains("Max-Age") && !text.contains("Domain"));
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
