//! The manual's request forms (Anexos 1, 2 and 3) as shared types, with the
//! one `validate()` the browser and the server both run.

pub mod fields;
pub mod rules;

use serde::{Deserialize, Serialize};

use crate::domain::validation::FieldError;
use rules::{ClientKind, Date};

/// What a check of a form found: errors block sending, warnings do not.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub valid: bool,
    pub errors: Vec<FieldError>,
    pub warnings: Vec<FieldError>,
}

impl Report {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn warning_for(&self, field: &str) -> Option<&str> {
        self.warnings
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

/// Collects findings in the order of the form's fields.
#[derive(Default)]
struct Checker {
    errors: Vec<FieldError>,
    warnings: Vec<FieldError>,
}

impl Checker {
    fn check(&mut self, field: &str, result: Result<(), String>) {
        if let Err(message) = result {
            self.errors.push(FieldError::new(field, message));
        }
    }

    fn warn(&mut self, field: &str, warning: Option<String>) {
        if let Some(message) = warning {
            self.warnings.push(FieldError::new(field, message));
        }
    }

    /// Runs `rule` on a trimmed value that the manual marks as required.
    fn required(
        &mut self,
        field: &str,
        value: &str,
        max: usize,
        rule: impl FnOnce(&str) -> Result<(), String>,
    ) {
        let value = value.trim();
        if value.is_empty() {
            self.check(field, Err("Es obligatorio.".into()));
        } else {
            self.optional(field, value, max, rule);
        }
    }

    /// Runs `rule` on a trimmed value when one was given.
    fn optional(
        &mut self,
        field: &str,
        value: &str,
        max: usize,
        rule: impl FnOnce(&str) -> Result<(), String>,
    ) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        if value.chars().count() > max {
            self.check(field, Err(format!("Use como máximo {max} caracteres.")));
        } else {
            self.check(field, rule(value));
        }
    }

    fn report(self) -> Report {
        Report {
            valid: self.errors.is_empty(),
            errors: self.errors,
            warnings: self.warnings,
        }
    }
}

fn any_text(_: &str) -> Result<(), String> {
    Ok(())
}

const MAX_EMAIL: usize = 254;
const MAX_NAME: usize = 200;
const MAX_TEXT: usize = 300;
const MAX_LIST: usize = 20;

fn client_id(value: &str) -> Result<(), String> {
    if value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        Ok(())
    } else {
        Err("Copie el client_id tal como lo asignó Ciudadanía Digital: letras, números, guiones y puntos, sin espacios.".into())
    }
}

/// Anexo 1: Aprobación de documentos (Ciudadanía Digital).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Anexo1 {
    pub email: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub notification_uri: String,
    pub notification_token: String,
    /// The entity states that Ciudadanía Digital's authentication is already
    /// integrated (the `client_id` is the one it uses), instead of sending
    /// Anexo 2 first.
    pub authentication_integrated: bool,
}

impl Anexo1 {
    pub fn validate(&self) -> Report {
        let mut c = Checker::default();
        c.required("email", &self.email, MAX_EMAIL, rules::email);
        c.required("client_id", &self.client_id, 100, client_id);
        c.required("redirect_uri", &self.redirect_uri, 2_000, |uri| {
            rules::redirect_uri(uri, ClientKind::Mobile)
        });
        c.required(
            "notification_uri",
            &self.notification_uri,
            2_000,
            rules::notification_uri,
        );
        c.required(
            "notification_token",
            &self.notification_token,
            rules::MAX_TOKEN_CHARS,
            rules::secret_token,
        );
        c.report()
    }

    /// The manual asks for authentication before document approval: a sent
    /// Anexo 2, or the statement that it is already integrated.
    pub fn prerequisite(&self, anexo2_sent: bool) -> Option<FieldError> {
        (!anexo2_sent && !self.authentication_integrated).then(|| {
            FieldError::new(
                "authentication_integrated",
                "La aprobación de documentos requiere la autenticación de Ciudadanía Digital: envíe antes el Anexo 2, o declare que ya la tiene integrada con este client_id.",
            )
        })
    }
}

/// Anexo 2: Autenticación (Ciudadanía Digital).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Anexo2 {
    pub email: String,
    /// `web` or `mobile`.
    pub application_type: String,
    pub redirect_uri: String,
    pub post_logout_redirect_uri: String,
    pub client_name: String,
    pub refresh_token: bool,
    pub contacts: Vec<String>,
    pub scopes: Vec<String>,
}

impl Default for Anexo2 {
    fn default() -> Anexo2 {
        Anexo2 {
            email: String::new(),
            application_type: String::new(),
            redirect_uri: String::new(),
            post_logout_redirect_uri: String::new(),
            client_name: String::new(),
            refresh_token: false,
            contacts: Vec::new(),
            scopes: rules::REQUIRED_SCOPES.map(String::from).to_vec(),
        }
    }
}

impl Anexo2 {
    fn client_kind(&self) -> Option<ClientKind> {
        match self.application_type.trim() {
            "web" => Some(ClientKind::Web),
            "mobile" => Some(ClientKind::Mobile),
            _ => None,
        }
    }

    pub fn validate(&self) -> Report {
        let mut c = Checker::default();
        c.required("email", &self.email, MAX_EMAIL, rules::email);
        let kind = self.client_kind();
        if kind.is_none() {
            c.check(
                "application_type",
                Err(
                    "Elija si el sistema cliente es una aplicación web o una aplicación móvil."
                        .into(),
                ),
            );
        }
        let uri_rule = |uri: &str| rules::redirect_uri(uri, kind.unwrap_or(ClientKind::Web));
        c.required("redirect_uri", &self.redirect_uri, 2_000, uri_rule);
        c.required(
            "post_logout_redirect_uri",
            &self.post_logout_redirect_uri,
            2_000,
            uri_rule,
        );
        c.required("client_name", &self.client_name, MAX_NAME, any_text);
        let contacts: Vec<&str> = self
            .contacts
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if contacts.is_empty() {
            c.check(
                "contacts",
                Err("Indique al menos un correo de contacto del área técnica.".into()),
            );
        } else if contacts.len() > MAX_LIST {
            c.check(
                "contacts",
                Err(format!("Indique como máximo {MAX_LIST} contactos.")),
            );
        } else if let Some(bad) = contacts
            .iter()
            .find(|e| !crate::domain::validation::is_valid_email(e))
        {
            c.check("contacts", rules::email(bad));
        } else {
            c.warn(
                "contacts",
                contacts
                    .iter()
                    .find_map(|e| rules::institutional_warning(e)),
            );
        }
        c.check("scopes", rules::scopes(&self.scopes, self.refresh_token));
        c.report()
    }

    /// The client registration of RFC 7591 for a checked form.
    pub fn registration(&self) -> ClientRegistration {
        let mut grant_types = vec!["authorization_code".to_owned()];
        if self.refresh_token {
            grant_types.push("refresh_token".to_owned());
        }
        // Scopes in the manual's order, whatever order they came in.
        let scope = rules::SCOPES
            .iter()
            .filter(|known| self.scopes.iter().any(|s| s == *known))
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        ClientRegistration {
            client_name: self.client_name.trim().to_owned(),
            application_type: match self.client_kind() {
                Some(ClientKind::Mobile) => "native",
                _ => "web",
            }
            .to_owned(),
            redirect_uris: vec![self.redirect_uri.trim().to_owned()],
            post_logout_redirect_uris: vec![self.post_logout_redirect_uri.trim().to_owned()],
            grant_types,
            response_types: vec!["code".to_owned()],
            scope,
            contacts: self
                .contacts
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
        }
    }
}

/// The client metadata of RFC 7591 (with OpenID Connect's post-logout
/// addresses), as Ciudadanía Digital registers a client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientRegistration {
    pub client_name: String,
    pub application_type: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub grant_types: Vec<String>,
    pub response_types: Vec<String>,
    pub scope: String,
    pub contacts: Vec<String>,
}

/// Anexo 3: Pasarela de Pagos del Estado and electronic invoicing. The manual
/// marks only the e-mail as required; what else is given must be right.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Anexo3 {
    pub email: String,
    pub entity_name: String,
    pub entity_code: String,
    pub entity_address: String,
    pub entity_phone: String,
    pub systems: Vec<String>,
    pub admin_full_name: String,
    pub admin_ci: String,
    /// ISO date, `YYYY-MM-DD`.
    pub admin_birth_date: String,
    pub admin_institutional_email: String,
    pub admin_position: String,
    pub admin_personal_email: String,
    /// A subset of `cpt`, `qr`, `card`.
    pub payment_methods: Vec<String>,
}

impl Anexo3 {
    /// `today` is the date in Bolivia, for the administrator's age.
    pub fn validate(&self, today: Date) -> Report {
        let mut c = Checker::default();
        c.required("email", &self.email, MAX_EMAIL, rules::email);
        c.optional("entity_name", &self.entity_name, MAX_NAME, any_text);
        c.optional("entity_code", &self.entity_code, 40, any_text);
        c.optional("entity_address", &self.entity_address, MAX_TEXT, any_text);
        c.optional("entity_phone", &self.entity_phone, 30, |p| {
            rules::phone(p).map(drop)
        });
        let systems: Vec<&str> = self
            .systems
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if systems.len() > MAX_LIST {
            c.check(
                "systems",
                Err(format!("Indique como máximo {MAX_LIST} sistemas.")),
            );
        } else if systems.iter().any(|s| s.chars().count() > MAX_NAME) {
            c.check(
                "systems",
                Err(format!(
                    "Cada nombre de sistema puede tener hasta {MAX_NAME} caracteres."
                )),
            );
        }
        c.optional("admin_full_name", &self.admin_full_name, MAX_NAME, any_text);
        c.optional("admin_ci", &self.admin_ci, 30, |ci| {
            rules::identity_card(ci).map(drop)
        });
        c.optional("admin_birth_date", &self.admin_birth_date, 10, |d| {
            rules::birth_date(d, today)
        });
        c.optional(
            "admin_institutional_email",
            &self.admin_institutional_email,
            MAX_EMAIL,
            rules::email,
        );
        if c.errors
            .iter()
            .all(|e| e.field != "admin_institutional_email")
        {
            let email = self.admin_institutional_email.trim();
            if !email.is_empty() {
                c.warn(
                    "admin_institutional_email",
                    rules::institutional_warning(email),
                );
            }
        }
        c.optional("admin_position", &self.admin_position, MAX_NAME, any_text);
        c.optional(
            "admin_personal_email",
            &self.admin_personal_email,
            MAX_EMAIL,
            rules::email,
        );
        c.check(
            "payment_methods",
            rules::payment_methods(&self.payment_methods),
        );
        c.report()
    }
}

/// The three forms, by the names of the API's paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Anexo {
    #[serde(rename = "anexo-1")]
    Uno,
    #[serde(rename = "anexo-2")]
    Dos,
    #[serde(rename = "anexo-3")]
    Tres,
}

impl Anexo {
    pub const ALL: [Anexo; 3] = [Anexo::Uno, Anexo::Dos, Anexo::Tres];

    pub const fn slug(self) -> &'static str {
        match self {
            Anexo::Uno => "anexo-1",
            Anexo::Dos => "anexo-2",
            Anexo::Tres => "anexo-3",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Anexo> {
        Anexo::ALL.into_iter().find(|a| a.slug() == slug)
    }

    /// Its number in the manual: 1, 2 or 3.
    pub const fn number(self) -> u8 {
        match self {
            Anexo::Uno => 1,
            Anexo::Dos => 2,
            Anexo::Tres => 3,
        }
    }

    pub const fn title(self) -> &'static str {
        match self {
            Anexo::Uno => "Anexo 1 · Aprobación de documentos (Ciudadanía Digital)",
            Anexo::Dos => "Anexo 2 · Autenticación (Ciudadanía Digital)",
            Anexo::Tres => "Anexo 3 · Pasarela de Pagos del Estado y facturación electrónica",
        }
    }
}

/// Any of the three forms, tagged by which one it is:
/// `{ "anexo": "anexo-2", "form": { ... } }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "anexo", content = "form")]
pub enum AnyForm {
    #[serde(rename = "anexo-1")]
    Uno(Anexo1),
    #[serde(rename = "anexo-2")]
    Dos(Anexo2),
    #[serde(rename = "anexo-3")]
    Tres(Anexo3),
}

impl AnyForm {
    /// Reads a form from JSON; `Err` says what is wrong with its shape.
    #[cfg(any(feature = "ssr", feature = "hydrate"))]
    pub fn from_json(anexo: Anexo, value: serde_json::Value) -> Result<AnyForm, String> {
        let result = match anexo {
            Anexo::Uno => serde_json::from_value(value).map(AnyForm::Uno),
            Anexo::Dos => serde_json::from_value(value).map(AnyForm::Dos),
            Anexo::Tres => serde_json::from_value(value).map(AnyForm::Tres),
        };
        result.map_err(|e| e.to_string())
    }

    pub fn anexo(&self) -> Anexo {
        match self {
            AnyForm::Uno(_) => Anexo::Uno,
            AnyForm::Dos(_) => Anexo::Dos,
            AnyForm::Tres(_) => Anexo::Tres,
        }
    }

    pub fn validate(&self, today: Date) -> Report {
        match self {
            AnyForm::Uno(form) => form.validate(),
            AnyForm::Dos(form) => form.validate(),
            AnyForm::Tres(form) => form.validate(today),
        }
    }
}

/// `PR6-2026-0007-A2v1`: the case, the form, its version.
pub fn submission_reference(case_reference: &str, anexo: Anexo, version: i64) -> String {
    format!("{case_reference}-A{}v{version}", anexo.number())
}

/// Today's date as it reads in Bolivia.
pub fn today_in_bolivia() -> Date {
    let (year, month, day, _) =
        crate::domain::calendar::bolivia_calendar(crate::domain::calendar::now_ms());
    (year, month, day)
}

fn trimmed(value: &str) -> String {
    value.trim().to_owned()
}

/// Non-empty trimmed entries, each once, in the order given.
fn trimmed_list(values: &[String]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        if !seen.iter().any(|s| s == value) {
            seen.push(value.to_owned());
        }
    }
    seen
}

/// A secret as a sent form shows it: its last four characters only, enough
/// to tell which one it is.
pub fn masked(secret: &str) -> String {
    let count = secret.chars().count();
    let shown: String = secret.chars().skip(count.saturating_sub(4)).collect();
    if count <= 8 {
        "•".repeat(count.max(4))
    } else {
        format!("{}{shown}", "•".repeat((count - 4).min(12)))
    }
}

impl AnyForm {
    /// The form as people read it once sent: secrets (Anexo 1's
    /// notification token) masked. The entity typed it and keeps it in its
    /// draft; nobody needs to read it back from the app.
    pub fn with_secrets_masked(self) -> AnyForm {
        match self {
            AnyForm::Uno(form) => AnyForm::Uno(Anexo1 {
                notification_token: masked(&form.notification_token),
                ..form
            }),
            other => other,
        }
    }

    /// The form as it is kept once sent: trimmed, lists without blanks or
    /// repeats, the telephone in E.164 and the identity card as on the card.
    pub fn normalised(&self) -> AnyForm {
        match self {
            AnyForm::Uno(f) => AnyForm::Uno(Anexo1 {
                email: trimmed(&f.email).to_lowercase(),
                client_id: trimmed(&f.client_id),
                redirect_uri: trimmed(&f.redirect_uri),
                notification_uri: trimmed(&f.notification_uri),
                notification_token: trimmed(&f.notification_token),
                authentication_integrated: f.authentication_integrated,
            }),
            AnyForm::Dos(f) => AnyForm::Dos(Anexo2 {
                email: trimmed(&f.email).to_lowercase(),
                application_type: trimmed(&f.application_type),
                redirect_uri: trimmed(&f.redirect_uri),
                post_logout_redirect_uri: trimmed(&f.post_logout_redirect_uri),
                client_name: trimmed(&f.client_name),
                refresh_token: f.refresh_token,
                contacts: trimmed_list(&f.contacts)
                    .into_iter()
                    .map(|c| c.to_lowercase())
                    .collect(),
                scopes: trimmed_list(&f.scopes),
            }),
            AnyForm::Tres(f) => AnyForm::Tres(Anexo3 {
                email: trimmed(&f.email).to_lowercase(),
                entity_name: trimmed(&f.entity_name),
                entity_code: trimmed(&f.entity_code),
                entity_address: trimmed(&f.entity_address),
                entity_phone: rules::phone(&f.entity_phone)
                    .unwrap_or_else(|_| trimmed(&f.entity_phone)),
                systems: trimmed_list(&f.systems),
                admin_full_name: trimmed(&f.admin_full_name),
                admin_ci: rules::identity_card(&f.admin_ci)
                    .unwrap_or_else(|_| trimmed(&f.admin_ci)),
                admin_birth_date: trimmed(&f.admin_birth_date),
                admin_institutional_email: trimmed(&f.admin_institutional_email).to_lowercase(),
                admin_position: trimmed(&f.admin_position),
                admin_personal_email: trimmed(&f.admin_personal_email).to_lowercase(),
                payment_methods: trimmed_list(&f.payment_methods),
            }),
        }
    }

    /// An empty form of the given kind.
    pub fn blank(anexo: Anexo) -> AnyForm {
        match anexo {
            Anexo::Uno => AnyForm::Uno(Anexo1::default()),
            Anexo::Dos => AnyForm::Dos(Anexo2::default()),
            Anexo::Tres => AnyForm::Tres(Anexo3::default()),
        }
    }
}

/// Where a sent form stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubmissionStatus {
    /// Sent, with AGETIC.
    Submitted,
    /// Returned to the entity with observations, to correct and send again.
    Returned,
}

/// One sent version of a form, attached to the entity's PR6 case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub id: String,
    pub reference: String,
    pub version: i64,
    pub case_id: String,
    pub case_reference: String,
    pub entity_name: String,
    pub status: SubmissionStatus,
    pub observations: Option<String>,
    pub submitted_at: i64,
    pub submitted_by: String,
    #[serde(flatten)]
    pub form: AnyForm,
}

/// A draft as kept on the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    #[serde(flatten)]
    pub form: AnyForm,
    /// When it was last saved; `None` for a form pre-filled and not yet saved.
    pub saved_at: Option<i64>,
}

#[cfg(test)]
mod tests;
