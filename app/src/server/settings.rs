//! What the operator configures from the environment, read once at start
//! and handed to whatever needs it (tests build their own).

use url::Url;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// The public origin, `scheme://host[:port]`, when configured
    /// (`APP_ORIGIN`): the only origin a browser's write may come from.
    pub origin: Option<String>,
    /// Demo accounts may sign in (`APP_DEMO=1`).
    pub demo: bool,
    /// The app runs behind a reverse proxy that appends the client's
    /// address to `X-Forwarded-For` (`APP_BEHIND_PROXY=1`); otherwise the
    /// header is ignored, since any client can write it.
    pub behind_proxy: bool,
    /// Sign-in with Ciudadanía Digital, when `CD_ISSUER` is set.
    pub ciudadania: Option<ProviderSettings>,
    /// Who may still sign in with a local password (`APP_PASSWORD_SIGN_IN`).
    pub passwords: PasswordSignIn,
    /// The SMTP server notices are mailed through (`SMTP_*`); none: no mail.
    pub mail: Option<super::mail::MailSettings>,
    /// When deadline notices and digests go out (`NOTIFY_*`).
    pub notices: NoticeSettings,
}

/// When deadline notices and daily digests go out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoticeSettings {
    /// `NOTIFY_REMIND_BEFORE_HOURS` (default 24) and
    /// `NOTIFY_ESCALATE_AFTER_HOURS` (default 24).
    pub deadlines: crate::domain::derivation::DeadlinePolicy,
    /// `NOTIFY_DIGEST_HOUR`, 0-23 in Bolivia (default 7): when the daily
    /// digest of the day before goes out.
    pub digest_hour: i64,
}

impl Default for NoticeSettings {
    fn default() -> NoticeSettings {
        NoticeSettings {
            deadlines: Default::default(),
            digest_hour: 7,
        }
    }
}

impl NoticeSettings {
    fn from_variables(variable: impl Fn(&str) -> Option<String>) -> Result<NoticeSettings, String> {
        let mut settings = NoticeSettings::default();
        let hours = |name: &str, max: i64| -> Result<Option<i64>, String> {
            variable(name)
                .map(|raw| {
                    raw.parse::<i64>()
                        .ok()
                        .filter(|h| (0..=max).contains(h))
                        .ok_or_else(|| {
                            format!("{name} «{raw}»: escriba horas enteras de 0 a {max}.")
                        })
                })
                .transpose()
        };
        if let Some(h) = hours("NOTIFY_REMIND_BEFORE_HOURS", 24 * 365)? {
            settings.deadlines.remind_before_ms = h * 3_600_000;
        }
        if let Some(h) = hours("NOTIFY_ESCALATE_AFTER_HOURS", 24 * 365)? {
            settings.deadlines.escalate_after_ms = h * 3_600_000;
        }
        if let Some(h) = hours("NOTIFY_DIGEST_HOUR", 23)? {
            settings.digest_hour = h;
        }
        Ok(settings)
    }
}

/// The OpenID provider the app is registered with (its own Anexo 2).
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderSettings {
    /// `CD_ISSUER`, exactly as the provider writes its `iss`.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for ProviderSettings {
    // The secret stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// Who may sign in with a local password.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PasswordSignIn {
    /// Everyone with a password (the default without Ciudadanía Digital).
    #[default]
    All,
    /// Administrators only, as a way in when the provider is down (the
    /// default with Ciudadanía Digital).
    Admins,
    /// No one: Ciudadanía Digital only.
    Off,
}

impl PasswordSignIn {
    fn parse(raw: &str) -> Result<PasswordSignIn, String> {
        match raw.trim() {
            "all" => Ok(PasswordSignIn::All),
            "admins" => Ok(PasswordSignIn::Admins),
            "off" => Ok(PasswordSignIn::Off),
            other => Err(format!(
                "APP_PASSWORD_SIGN_IN «{other}»: use all, admins u off."
            )),
        }
    }

    /// Whether this account may sign in with its password.
    pub fn admits(self, is_admin: bool) -> bool {
        match self {
            PasswordSignIn::All => true,
            PasswordSignIn::Admins => is_admin,
            PasswordSignIn::Off => false,
        }
    }
}

/// The session cookie's name where cookies are `Secure`: the `__Host-`
/// prefix makes browsers refuse it unless it is `Secure`, host-only and
/// for the whole site, so no subdomain or plain-http page can plant one.
pub const SECURE_SESSION_COOKIE: &str = "__Host-sesion";
/// Its name on a plain-http origin, where browsers refuse `__Host-`.
pub const PLAIN_SESSION_COOKIE: &str = "sesion";

impl Settings {
    pub fn from_env() -> Result<Settings, String> {
        let origin = match std::env::var("APP_ORIGIN") {
            Ok(raw) if !raw.trim().is_empty() => Some(parse_origin(&raw)?),
            _ => None,
        };
        let variable = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let ciudadania = match variable("CD_ISSUER") {
            Some(issuer) => Some(ProviderSettings {
                issuer: parse_issuer(&issuer)?,
                client_id: variable("CD_CLIENT_ID")
                    .ok_or("CD_ISSUER necesita también CD_CLIENT_ID.")?,
                client_secret: variable("CD_CLIENT_SECRET")
                    .ok_or("CD_ISSUER necesita también CD_CLIENT_SECRET.")?,
            }),
            None => None,
        };
        // The addresses registered with the provider are built on the public
        // origin: only a provider on this machine (development) may do
        // without one.
        if let (Some(provider), None) = (&ciudadania, &origin) {
            if !is_loopback(&provider.issuer) {
                return Err(
                    "CD_ISSUER necesita APP_ORIGIN: las direcciones de retorno registradas en Ciudadanía Digital se forman con él."
                        .into(),
                );
            }
        }
        let passwords = match variable("APP_PASSWORD_SIGN_IN") {
            Some(raw) => PasswordSignIn::parse(&raw)?,
            None if ciudadania.is_some() => PasswordSignIn::Admins,
            None => PasswordSignIn::All,
        };
        if passwords != PasswordSignIn::All && ciudadania.is_none() {
            return Err(
                "APP_PASSWORD_SIGN_IN limita las contraseñas: configure antes CD_ISSUER, o nadie podría ingresar."
                    .into(),
            );
        }
        let settings = Settings {
            origin,
            demo: variable("APP_DEMO").is_some_and(|v| v == "1"),
            behind_proxy: variable("APP_BEHIND_PROXY").is_some_and(|v| v == "1"),
            ciudadania,
            passwords,
            mail: super::mail::MailSettings::from_variables(variable)?,
            notices: NoticeSettings::from_variables(variable)?,
        };
        if settings.demo && settings.https() {
            return Err(
                "APP_DEMO=1 no se admite con un APP_ORIGIN https: las cuentas de demostración \
                 tienen contraseñas conocidas y no deben llegar a un servicio público."
                    .into(),
            );
        }
        Ok(settings)
    }

    /// The same settings in demo mode (for tests and the seed command).
    pub fn demo() -> Settings {
        Settings {
            demo: true,
            ..Settings::default()
        }
    }

    /// Whether the public origin is https (then browsers are told to stay on it).
    pub fn https(&self) -> bool {
        self.origin
            .as_deref()
            .is_some_and(|o| o.starts_with("https://"))
    }

    /// Cookies are `Secure` unless the operator declared a plain-http
    /// origin: browsers treat `http://localhost` and `http://127.0.0.1` as
    /// secure, so a local run works either way.
    pub fn secure_cookies(&self) -> bool {
        !self
            .origin
            .as_deref()
            .is_some_and(|o| o.starts_with("http://"))
    }

    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookies() {
            SECURE_SESSION_COOKIE
        } else {
            PLAIN_SESSION_COOKIE
        }
    }

    /// Another cookie of the app's, named with the same `__Host-` rule.
    pub fn cookie_name(&self, plain: &str) -> String {
        if self.secure_cookies() {
            format!("__Host-{plain}")
        } else {
            plain.to_owned()
        }
    }
}

/// `CD_ISSUER`: an https URL (http only for a provider on this machine, as
/// in development), kept as written since ID tokens must name it exactly.
pub fn parse_issuer(raw: &str) -> Result<String, String> {
    let url =
        Url::parse(raw).map_err(|_| format!("CD_ISSUER «{raw}» no es una dirección válida."))?;
    if url.scheme() != "https" && !(url.scheme() == "http" && is_loopback(raw)) {
        return Err(format!("CD_ISSUER «{raw}» debe empezar por https://."));
    }
    Ok(raw.to_owned())
}

/// Whether a URL names this machine.
fn is_loopback(raw: &str) -> bool {
    Url::parse(raw)
        .ok()
        .is_some_and(|url| matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")))
}

/// `APP_ORIGIN` as browsers write it in `Origin`: scheme, host and a
/// port other than the scheme's own, nothing else.
pub fn parse_origin(raw: &str) -> Result<String, String> {
    let refuse = |why: &str| Err(format!("APP_ORIGIN «{}»: {why}", raw.trim()));
    let Ok(url) = Url::parse(raw.trim()) else {
        return refuse("no es una dirección válida (ejemplo: https://tramites.example.gob.bo)");
    };
    if !matches!(url.scheme(), "http" | "https") {
        return refuse("debe empezar por https:// (o http:// en desarrollo)");
    }
    if url.host_str().is_none()
        || !url.username().is_empty()
        || url.password().is_some()
        || url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return refuse("debe ser solo el esquema y el nombre del servidor, sin ruta");
    }
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_read_as_browsers_send_them() {
        assert_eq!(
            parse_origin("https://Tramites.Example.gob.bo/").unwrap(),
            "https://tramites.example.gob.bo"
        );
        assert_eq!(
            parse_origin("https://a.example:443").unwrap(),
            "https://a.example"
        );
        assert_eq!(
            parse_origin("http://127.0.0.1:3000").unwrap(),
            "http://127.0.0.1:3000"
        );
        for wrong in [
            "tramites.example.gob.bo",
            "ftp://a.example",
            "https://a.example/ruta",
            "https://user@a.example",
            "https://a.example/?q=1",
        ] {
            assert!(parse_origin(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn the_issuer_is_https_or_on_this_machine() {
        assert!(parse_issuer("https://proveedor.ciudadania.demo.agetic.gob.bo").is_ok());
        assert!(parse_issuer("http://127.0.0.1:8080").is_ok());
        assert!(parse_issuer("http://proveedor.example").is_err());
        assert!(parse_issuer("proveedor").is_err());
    }

    #[test]
    fn passwords_can_be_limited_to_administrators_or_turned_off() {
        assert_eq!(PasswordSignIn::parse("admins"), Ok(PasswordSignIn::Admins));
        assert!(PasswordSignIn::parse("nadie").is_err());
        assert!(PasswordSignIn::All.admits(false));
        assert!(PasswordSignIn::Admins.admits(true) && !PasswordSignIn::Admins.admits(false));
        assert!(!PasswordSignIn::Off.admits(true));
    }

    #[test]
    fn cookies_are_secure_unless_the_origin_is_plain_http() {
        let unset = Settings::default();
        assert!(unset.secure_cookies());
        assert_eq!(unset.session_cookie_name(), "__Host-sesion");
        let https = Settings {
            origin: Some("https://a.example".into()),
            ..Settings::default()
        };
        assert!(https.secure_cookies() && https.https());
        let http = Settings {
            origin: Some("http://a.example".into()),
            ..Settings::default()
        };
        assert!(!http.secure_cookies() && !http.https());
        assert_eq!(http.session_cookie_name(), "sesion");
    }
}
