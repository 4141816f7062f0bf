//! A stand-in for Ciudadanía Digital on a free local port: discovery, keys,
//! authorization (it lets in whoever the test says, at once), the token
//! endpoint (client_secret_basic, PKCE S256, single-use codes), userinfo in
//! Ciudadanía Digital's claim layout, and end-session. ID tokens are signed
//! by `openidconnect`'s own provider side; the test keys in `keys/` are for
//! these tests only. The HTTP tests start it in-process; the browser tests
//! run it as the `oidc_provider` example.
// Each user of this module uses its own part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use openidconnect::core::{
    CoreIdToken, CoreIdTokenClaims, CoreJsonWebKeySet, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    AccessToken, Audience, AuthorizationCode, EmptyAdditionalClaims, IssuerUrl, JsonWebKeyId,
    Nonce, PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "manual-procedimientos";
pub const CLIENT_SECRET: &str = "secreto-de-prueba";
const PROVIDER_KEY: &str = include_str!("keys/provider.pem");
const FORGER_KEY: &str = include_str!("keys/forger.pem");
const KEY_ID: &str = "clave-1";

/// What the next ID token gets wrong, if anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flaw {
    None,
    WrongNonce,
    Expired,
    WrongAudience,
    WrongIssuer,
    /// `alg: none`, no signature.
    Unsigned,
    /// Signed by a key that is not the provider's (claiming its key id).
    ForeignKey,
    /// Issued an hour ago (still unexpired).
    IssuedLongAgo,
}

struct Grant {
    redirect_uri: String,
    nonce: String,
    challenge: String,
    person: Value,
}

struct Inner {
    issuer: String,
    person: Option<Value>,
    algorithm: CoreJwsSigningAlgorithm,
    flaw: Flaw,
    down: bool,
    codes: HashMap<String, Grant>,
    access_tokens: HashMap<String, Value>,
    /// Every ID token issued, in order.
    issued: Vec<String>,
    /// The query of every end-session visit.
    logouts: Vec<HashMap<String, String>>,
    /// The PKCE challenges and nonces the app sent (to check they are fresh).
    requests: Vec<HashMap<String, String>>,
}

#[derive(Clone)]
pub struct MockProvider {
    pub issuer: String,
    inner: Arc<Mutex<Inner>>,
}

/// A person in Ciudadanía Digital's layout (`profile`-nested when `nested`).
pub fn person(sub: &str, ci: &str, names: &str, surname: &str, email: &str, nested: bool) -> Value {
    let profile = json!({
        "documento_identidad": { "tipo_documento": "CI", "numero_documento": ci, "complemento": "" },
        "nombre": { "nombres": names, "primer_apellido": surname, "segundo_apellido": "Mamani" },
        "email": email,
        "celular": "70012345",
    });
    if nested {
        json!({ "sub": sub, "profile": profile })
    } else {
        let mut flat = profile;
        flat["sub"] = json!(sub);
        flat
    }
}

impl MockProvider {
    pub async fn start() -> MockProvider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        MockProvider::serve(listener, false)
    }

    /// Serves on `listener`; with `control`, `PUT /test/person` sets who
    /// signs in next (for a browser test, which cannot call `sign_in_as`).
    pub fn serve(listener: tokio::net::TcpListener, control: bool) -> MockProvider {
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let inner = Arc::new(Mutex::new(Inner {
            issuer: issuer.clone(),
            person: None,
            algorithm: CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            flaw: Flaw::None,
            down: false,
            codes: HashMap::new(),
            access_tokens: HashMap::new(),
            issued: Vec::new(),
            logouts: Vec::new(),
            requests: Vec::new(),
        }));
        let routes = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/auth", get(authorize))
            .route("/token", post(token))
            .route("/me", get(userinfo))
            .route("/session/end", get(end_session));
        let routes = if control {
            routes.route("/test/person", axum::routing::put(set_person))
        } else {
            routes
        }
        .with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, routes).await });
        MockProvider { issuer, inner }
    }

    /// The provider settings the app is configured with.
    pub fn settings(&self) -> app::server::settings::ProviderSettings {
        app::server::settings::ProviderSettings {
            issuer: self.issuer.clone(),
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
        }
    }

    /// Whoever signs in next, as the userinfo endpoint will describe them.
    pub fn sign_in_as(&self, person: Value) {
        self.inner.lock().unwrap().person = Some(person);
    }

    pub fn sign_with(&self, algorithm: CoreJwsSigningAlgorithm) {
        self.inner.lock().unwrap().algorithm = algorithm;
    }

    pub fn next_token_has(&self, flaw: Flaw) {
        self.inner.lock().unwrap().flaw = flaw;
    }

    /// Answers 503 to everything (or serves again).
    pub fn set_down(&self, down: bool) {
        self.inner.lock().unwrap().down = down;
    }

    pub fn issued_tokens(&self) -> Vec<String> {
        self.inner.lock().unwrap().issued.clone()
    }

    pub fn logouts(&self) -> Vec<HashMap<String, String>> {
        self.inner.lock().unwrap().logouts.clone()
    }

    pub fn authorization_requests(&self) -> Vec<HashMap<String, String>> {
        self.inner.lock().unwrap().requests.clone()
    }
}

type Shared = Arc<Mutex<Inner>>;

fn unavailable() -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, "mantenimiento").into_response()
}

fn signing_key(pem: &str) -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new(KEY_ID.into())))
        .expect("a PKCS#1 test key")
}

async fn discovery(State(inner): State<Shared>) -> Response {
    let inner = inner.lock().unwrap();
    if inner.down {
        return unavailable();
    }
    let issuer = &inner.issuer;
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/auth"),
        "token_endpoint": format!("{issuer}/token"),
        "userinfo_endpoint": format!("{issuer}/me"),
        "jwks_uri": format!("{issuer}/jwks"),
        "end_session_endpoint": format!("{issuer}/session/end"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "PS256"],
        "scopes_supported": ["openid", "profile", "email", "nombre", "documento_identidad"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "documento_identidad", "nombre", "email", "celular"]
    }))
    .into_response()
}

async fn jwks(State(inner): State<Shared>) -> Response {
    if inner.lock().unwrap().down {
        return unavailable();
    }
    let keys = CoreJsonWebKeySet::new(vec![signing_key(PROVIDER_KEY).as_verification_key()]);
    Json(serde_json::to_value(keys).unwrap()).into_response()
}

fn random() -> String {
    app::server::store::new_id()
}

async fn authorize(
    State(inner): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut inner = inner.lock().unwrap();
    if inner.down {
        return unavailable();
    }
    inner.requests.push(query.clone());
    let field = |name: &str| query.get(name).cloned().unwrap_or_default();
    let well_formed = field("client_id") == CLIENT_ID
        && field("response_type") == "code"
        && field("code_challenge_method") == "S256"
        && field("scope").split(' ').any(|s| s == "openid")
        && !field("state").is_empty()
        && !field("nonce").is_empty();
    if !well_formed {
        return (
            StatusCode::BAD_REQUEST,
            "solicitud de autorización inválida",
        )
            .into_response();
    }
    let redirect_uri = field("redirect_uri");
    let Some(person) = inner.person.clone() else {
        let location = format!(
            "{redirect_uri}?error=access_denied&state={}",
            field("state")
        );
        return (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
    };
    let code = random();
    inner.codes.insert(
        code.clone(),
        Grant {
            redirect_uri: redirect_uri.clone(),
            nonce: field("nonce"),
            challenge: field("code_challenge"),
            person,
        },
    );
    let location = format!("{redirect_uri}?code={code}&state={}", field("state"));
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

fn token_error(error: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({ "error": error }))).into_response()
}

async fn token(
    State(inner): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let mut inner = inner.lock().unwrap();
    if inner.down {
        return unavailable();
    }
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| STANDARD.decode(v).ok())
        .and_then(|v| String::from_utf8(v).ok());
    if basic.as_deref() != Some(&format!("{CLIENT_ID}:{CLIENT_SECRET}")) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "error": "invalid_client" })),
        )
            .into_response();
    }
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    if field("grant_type") != "authorization_code" {
        return token_error("unsupported_grant_type");
    }
    // A code is good once.
    let Some(grant) = inner.codes.remove(&field("code")) else {
        return token_error("invalid_grant");
    };
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(field("code_verifier").as_bytes()));
    if grant.redirect_uri != field("redirect_uri") || grant.challenge != challenge {
        return token_error("invalid_grant");
    }
    let access = random();
    let subject = grant.person["sub"].as_str().unwrap().to_owned();
    inner
        .access_tokens
        .insert(access.clone(), grant.person.clone());
    let id_token = id_token(&inner, &subject, &grant.nonce, &access, &field("code"));
    inner.issued.push(id_token.clone());
    inner.flaw = Flaw::None;
    Json(json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token,
    }))
    .into_response()
}

fn id_token(inner: &Inner, subject: &str, nonce: &str, access: &str, code: &str) -> String {
    let now = chrono::Utc::now();
    let (issued, expires) = match inner.flaw {
        Flaw::Expired => (
            now - chrono::Duration::minutes(20),
            now - chrono::Duration::minutes(5),
        ),
        Flaw::IssuedLongAgo => (
            now - chrono::Duration::hours(1),
            now + chrono::Duration::minutes(5),
        ),
        _ => (now, now + chrono::Duration::minutes(5)),
    };
    let issuer = match inner.flaw {
        Flaw::WrongIssuer => "https://otro-proveedor.example".to_owned(),
        _ => inner.issuer.clone(),
    };
    let audience = match inner.flaw {
        Flaw::WrongAudience => "otra-aplicacion",
        _ => CLIENT_ID,
    };
    let nonce = match inner.flaw {
        Flaw::WrongNonce => "otro-nonce",
        _ => nonce,
    };
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(issuer).unwrap(),
        vec![Audience::new(audience.into())],
        expires,
        issued,
        StandardClaims::new(SubjectIdentifier::new(subject.into())),
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(nonce.into())));
    let key = match inner.flaw {
        Flaw::ForeignKey => signing_key(FORGER_KEY),
        _ => signing_key(PROVIDER_KEY),
    };
    let signed = CoreIdToken::new(
        claims,
        &key,
        inner.algorithm.clone(),
        Some(&AccessToken::new(access.into())),
        Some(&AuthorizationCode::new(code.into())),
    )
    .unwrap()
    .to_string();
    if inner.flaw == Flaw::Unsigned {
        // The same claims with `alg: none` and no signature.
        let payload = signed.split('.').nth(1).unwrap();
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        return format!("{header}.{payload}.");
    }
    signed
}

async fn userinfo(State(inner): State<Shared>, headers: HeaderMap) -> Response {
    let inner = inner.lock().unwrap();
    if inner.down {
        return unavailable();
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    match inner.access_tokens.get(token) {
        Some(person) => Json(person.clone()).into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

async fn set_person(State(inner): State<Shared>, Json(person): Json<Value>) -> StatusCode {
    inner.lock().unwrap().person = Some(person);
    StatusCode::NO_CONTENT
}

async fn end_session(
    State(inner): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut inner = inner.lock().unwrap();
    let back = query
        .get("post_logout_redirect_uri")
        .cloned()
        .unwrap_or_else(|| inner.issuer.clone());
    inner.logouts.push(query);
    (StatusCode::FOUND, [(header::LOCATION, back)]).into_response()
}
