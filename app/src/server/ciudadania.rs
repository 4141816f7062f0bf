//! The app as a relying party of Ciudadanía Digital (OpenID Connect): the
//! authorization code flow with PKCE, `state` and `nonce`, the ID token
//! checked by the `openidconnect` crate, the person read from the userinfo
//! endpoint, and the end of the provider's session at sign-out.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderValue};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreErrorResponseType, CoreIdToken, CoreIdTokenVerifier,
    CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AccessToken, AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken,
    IssuerUrl, LogoutRequest, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope,
    SignatureVerificationError, TokenResponse,
};
use tokio::sync::Mutex;

use super::auth::{self, Client};
use super::error::ApiError;
use super::settings::{ProviderSettings, Settings};
use super::store::{Db, SignInAttempt};
use crate::audit::AuditEvent;
use crate::domain::calendar::now_ms;
use crate::identity::{citizen_profile, SignInProblem};
pub use crate::identity::{REQUEST_PAGE, START_PATH};

/// The path the provider sends the person back to.
pub const CALLBACK_PATH: &str = "/auth/ciudadania/callback";
/// Where the provider sends the person after signing out.
pub const POST_LOGOUT_PATH: &str = "/ingresar";
/// The browser's half of an attempt (plain name; `__Host-` where secure).
pub const ATTEMPT_COOKIE: &str = "cd-intento";
/// Lets a person the app does not know read and complete their request.
pub const REQUEST_COOKIE: &str = "cd-solicitud";
/// An attempt must come back within this.
pub const ATTEMPT_TTL_MS: i64 = 10 * 60 * 1000;
/// The request cookie lasts a day: time to come back and add the entity.
const REQUEST_COOKIE_SECS: u32 = 24 * 60 * 60;
/// Discovery (and the keys with it) is fetched again after this.
const DISCOVERY_TTL: Duration = Duration::from_secs(10 * 60);
/// How long the app waits for the provider on each request.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// How far the provider's clock may be from ours.
const CLOCK_SKEW_SECS: i64 = 120;

/// The signature algorithms the app accepts, of those discovery lists:
/// public-key ones only (never `none`, never a shared secret).
const ACCEPTED_ALGORITHMS: [CoreJwsSigningAlgorithm; 8] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
    CoreJwsSigningAlgorithm::RsaSsaPssSha256,
    CoreJwsSigningAlgorithm::RsaSsaPssSha384,
    CoreJwsSigningAlgorithm::RsaSsaPssSha512,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
    CoreJwsSigningAlgorithm::EcdsaP384Sha384,
];

/// The relying party: the provider's settings and what discovery said.
pub struct Ciudadania {
    settings: ProviderSettings,
    http: reqwest::Client,
    discovered: Mutex<Option<(Instant, Arc<ProviderMetadataWithLogout>)>>,
}

/// Where a finished sign-in leads.
pub enum Outcome {
    /// A session opened: its cookie, and the page to go to.
    SignedIn { cookie: HeaderValue, next: String },
    /// A person the app does not know: their request waits, readable with
    /// this cookie.
    Unknown { cookie: HeaderValue },
}

/// What the provider sent back to the callback.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

impl Ciudadania {
    pub fn new(settings: ProviderSettings) -> Result<Arc<Ciudadania>, String> {
        let http = reqwest::Client::builder()
            // Following redirects would let a provider's answer send the
            // server anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| format!("cliente HTTP para Ciudadanía Digital: {e}"))?;
        Ok(Arc::new(Ciudadania {
            settings,
            http,
            discovered: Mutex::new(None),
        }))
    }

    /// What discovery says (with the provider's keys), fetched again when
    /// older than `DISCOVERY_TTL` or when `refresh` (a key the app does not
    /// know yet signed a token).
    async fn metadata(
        &self,
        refresh: bool,
    ) -> Result<Arc<ProviderMetadataWithLogout>, SignInProblem> {
        let mut cached = self.discovered.lock().await;
        if let Some((at, metadata)) = cached.as_ref() {
            if !refresh && at.elapsed() < DISCOVERY_TTL {
                return Ok(metadata.clone());
            }
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone()).map_err(|error| {
            tracing::error!(%error, "CD_ISSUER");
            SignInProblem::ProviderDown
        })?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|error| {
                tracing::warn!(error = %error_chain(&error), "Ciudadanía Digital discovery");
                SignInProblem::ProviderDown
            })?;
        let metadata = Arc::new(metadata);
        *cached = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    fn client(
        &self,
        metadata: &ProviderMetadataWithLogout,
        origin: &str,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        SignInProblem,
    > {
        let redirect = RedirectUrl::new(format!("{origin}{CALLBACK_PATH}")).map_err(|error| {
            tracing::error!(%error, "redirect URI");
            SignInProblem::ProviderDown
        })?;
        Ok(CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(self.settings.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }

    /// Starts a sign-in: records the attempt and returns the provider's
    /// address to send the browser to, and the cookie that ties the
    /// attempt to this browser.
    pub async fn start(
        &self,
        db: &Db,
        settings: &Settings,
        origin: &str,
        next: Option<&str>,
    ) -> Result<(String, HeaderValue), SignInProblem> {
        let metadata = self.metadata(false).await?;
        let client = self.client(&metadata, origin)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".into()))
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge)
            .url();
        let (browser, browser_hash) = auth::new_session_token();
        let now = now_ms();
        let attempt = SignInAttempt {
            state_hash: auth::token_hash(state.secret()),
            browser_hash,
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            next: next.map(str::to_owned),
            created_at: now,
        };
        db.start_sign_in(&attempt, now - ATTEMPT_TTL_MS)
            .await
            .map_err(|_| SignInProblem::ProviderDown)?;
        let cookie = auth::short_cookie(
            settings,
            ATTEMPT_COOKIE,
            &browser,
            (ATTEMPT_TTL_MS / 1000) as u32,
        );
        Ok((url.to_string(), cookie))
    }

    /// Finishes a sign-in from the provider's answer.
    #[allow(clippy::too_many_arguments)]
    pub async fn finish(
        &self,
        db: &Db,
        settings: &Settings,
        client: &Client,
        headers: &HeaderMap,
        origin: &str,
        answer: &CallbackQuery,
    ) -> Result<Outcome, FinishError> {
        let attempt = self.take_attempt(db, settings, headers, answer).await?;
        if let Some(error) = &answer.error {
            tracing::info!(%error, "Ciudadanía Digital answered with an error");
            return Err(SignInProblem::Cancelled.into());
        }
        let code = answer.code.clone().ok_or(SignInProblem::Untrusted)?;
        let metadata = self.metadata(false).await?;
        let oidc = self.client(&metadata, origin)?;
        let tokens = oidc
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|_| SignInProblem::ProviderDown)?
            .set_pkce_verifier(PkceCodeVerifier::new(attempt.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|error| {
                tracing::warn!(error = %error_chain(&error), "Ciudadanía Digital token endpoint");
                match error {
                    // The provider refused the code (used already, say).
                    openidconnect::RequestTokenError::ServerResponse(refusal)
                        if *refusal.error() == CoreErrorResponseType::InvalidGrant =>
                    {
                        SignInProblem::Expired
                    }
                    _ => SignInProblem::ProviderDown,
                }
            })?;
        let id_token = tokens.id_token().ok_or(SignInProblem::Untrusted)?;
        let nonce = Nonce::new(attempt.nonce.clone());
        let subject = match self.verified_subject(&metadata, id_token, &nonce) {
            Err(Unverified::UnknownKey) => {
                // The provider may have rotated its keys since discovery.
                let fresh = self.metadata(true).await?;
                self.verified_subject(&fresh, id_token, &nonce)
            }
            other => other,
        }
        .map_err(|_| SignInProblem::Untrusted)?;
        let claims = self
            .userinfo(&metadata, tokens.access_token(), &subject)
            .await?;
        let profile = citizen_profile(&claims).map_err(|why| {
            tracing::warn!(%why, "Ciudadanía Digital's claims");
            SignInProblem::MissingIdentity
        })?;
        let user = match db.find_user_by_subject(&subject).await? {
            Some(user) => {
                db.refresh_name(&user.id, &profile.full_name).await?;
                Some(user)
            }
            None => match db.find_user_by_ci(&profile.ci_number).await? {
                // A disabled account is not linked either.
                Some(user) if user.disabled => {
                    auth::check_may_enter(db, settings, client, &user)
                        .await
                        .ok();
                    return Err(SignInProblem::Disabled.into());
                }
                Some(user) => {
                    let audit = client
                        .audit(AuditEvent::IdentityLinked)
                        .by(&user)
                        .about(format!("CI {}", profile.ci_number));
                    if !db
                        .link_subject(&user.id, &subject, &profile, &audit)
                        .await?
                    {
                        db.audit(&client.audit(AuditEvent::SignInFailed).by(&user).detail(
                            serde_json::json!({ "motivo": "CI vinculado a otra identidad" }),
                        ))
                        .await?;
                        return Err(SignInProblem::LinkedElsewhere.into());
                    }
                    db.find_user_by_id(&user.id).await?
                }
                None => None,
            },
        };
        let Some(user) = user else {
            let (token, token_hash) = auth::new_session_token();
            db.record_access_request(&subject, &profile, &token_hash)
                .await?;
            db.audit(
                &client
                    .audit(AuditEvent::AccessRequested)
                    .typed_by(&profile.full_name)
                    .about(format!("CI {}", profile.ci_number)),
            )
            .await?;
            return Ok(Outcome::Unknown {
                cookie: auth::short_cookie(settings, REQUEST_COOKIE, &token, REQUEST_COOKIE_SECS),
            });
        };
        if auth::check_may_enter(db, settings, client, &user)
            .await
            .is_err()
        {
            return Err(SignInProblem::Disabled.into());
        }
        let cookie = auth::open_session(
            db,
            settings,
            client,
            headers,
            &user,
            Some(&id_token.to_string()),
        )
        .await?;
        let next = crate::actions::safe_next(attempt.next.as_deref()).to_owned();
        Ok(Outcome::SignedIn { cookie, next })
    }

    /// The attempt the answer's `state` names, used up now, if it is in
    /// time and comes back to the browser that started it.
    async fn take_attempt(
        &self,
        db: &Db,
        settings: &Settings,
        headers: &HeaderMap,
        answer: &CallbackQuery,
    ) -> Result<SignInAttempt, FinishError> {
        let state = answer.state.as_deref().ok_or(SignInProblem::Expired)?;
        let attempt = db
            .take_sign_in(&auth::token_hash(state))
            .await?
            .ok_or(SignInProblem::Expired)?;
        let browser = auth::cookie_value(headers, &settings.cookie_name(ATTEMPT_COOKIE))
            .map(|value| auth::token_hash(&value));
        let in_time = now_ms() - attempt.created_at <= ATTEMPT_TTL_MS;
        if !in_time || browser.as_deref() != Some(attempt.browser_hash.as_str()) {
            return Err(SignInProblem::Expired.into());
        }
        Ok(attempt)
    }

    /// The subject of an ID token that passes every check: a signature by
    /// one of the provider's keys with an accepted algorithm, the issuer,
    /// this app as its audience, not expired, issued now, and the nonce.
    fn verified_subject(
        &self,
        metadata: &ProviderMetadataWithLogout,
        id_token: &CoreIdToken,
        nonce: &Nonce,
    ) -> Result<String, Unverified> {
        let listed = metadata
            .id_token_signing_alg_values_supported()
            .iter()
            .filter(|alg| ACCEPTED_ALGORITHMS.contains(alg))
            .cloned()
            .collect::<Vec<_>>();
        let verifier = CoreIdTokenVerifier::new_public_client(
            ClientId::new(self.settings.client_id.clone()),
            metadata.issuer().clone(),
            metadata.jwks().clone(),
        )
        .set_allowed_algs(listed)
        .set_issue_time_verifier_fn(|issued| {
            let age = chrono::Utc::now().timestamp() - issued.timestamp();
            if age < -CLOCK_SKEW_SECS {
                Err("issued in the future".into())
            } else if age > ATTEMPT_TTL_MS / 1000 + CLOCK_SKEW_SECS {
                Err("issued too long ago".into())
            } else {
                Ok(())
            }
        });
        match id_token.claims(&verifier, nonce) {
            Ok(claims) => Ok(claims.subject().to_string()),
            Err(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            )) => Err(Unverified::UnknownKey),
            Err(error) => {
                tracing::warn!(%error, "Ciudadanía Digital's ID token refused");
                Err(Unverified::Refused)
            }
        }
    }

    /// The userinfo endpoint's claims, for the subject the ID token named.
    async fn userinfo(
        &self,
        metadata: &ProviderMetadataWithLogout,
        access_token: &AccessToken,
        subject: &str,
    ) -> Result<serde_json::Value, SignInProblem> {
        let endpoint = metadata
            .userinfo_endpoint()
            .ok_or(SignInProblem::MissingIdentity)?;
        let response = self
            .http
            .get(endpoint.url().clone())
            .bearer_auth(access_token.secret())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|error| {
                tracing::warn!(%error, "Ciudadanía Digital userinfo");
                SignInProblem::ProviderDown
            })?;
        if !response.status().is_success() {
            tracing::warn!(status = %response.status(), "Ciudadanía Digital userinfo");
            return Err(SignInProblem::ProviderDown);
        }
        let claims: serde_json::Value = response
            .json()
            .await
            .map_err(|_| SignInProblem::Untrusted)?;
        // The answer is about the person the ID token named, or it is not
        // to be used (OpenID Connect Core, 5.3.2).
        if claims.get("sub").and_then(|s| s.as_str()) != Some(subject) {
            return Err(SignInProblem::Untrusted);
        }
        Ok(claims)
    }

    /// Where to send the browser so that the provider's session ends too:
    /// its end-session endpoint with the session's ID token as a hint and
    /// the way back. `None` when the provider offers none or cannot be
    /// reached (the local session has ended anyway).
    pub async fn end_session_url(&self, id_token: &str, origin: &str) -> Option<String> {
        let metadata = self.metadata(false).await.ok()?;
        let endpoint = metadata
            .additional_metadata()
            .end_session_endpoint
            .clone()?;
        let hint: CoreIdToken = id_token.parse().ok()?;
        let back = PostLogoutRedirectUrl::new(format!("{origin}{POST_LOGOUT_PATH}")).ok()?;
        Some(
            LogoutRequest::from(endpoint)
                .set_id_token_hint(&hint)
                .set_client_id(ClientId::new(self.settings.client_id.clone()))
                .set_post_logout_redirect_uri(back)
                .http_get_url()
                .to_string(),
        )
    }
}

/// Why an ID token was not accepted.
enum Unverified {
    /// Signed with a key discovery did not list (maybe a new one).
    UnknownKey,
    Refused,
}

/// A sign-in that failed: a problem to explain to the person, or the app's
/// own failure.
pub enum FinishError {
    Problem(SignInProblem),
    App(ApiError),
}

impl From<SignInProblem> for FinishError {
    fn from(problem: SignInProblem) -> Self {
        FinishError::Problem(problem)
    }
}

impl From<ApiError> for FinishError {
    fn from(error: ApiError) -> Self {
        FinishError::App(error)
    }
}

/// The public origin the provider sends the person back to: the configured
/// one, else the one the request came to (a local run).
pub fn public_origin(settings: &Settings, headers: &HeaderMap) -> String {
    if let Some(origin) = &settings.origin {
        return origin.clone();
    }
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
