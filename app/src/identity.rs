//! Who Ciudadanía Digital says a person is, and the requests for access of
//! the people it vouched for whom the app does not know yet.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::role::Role;
use crate::forms::rules::identity_card;

/// Where a sign-in through Ciudadanía Digital starts (served by the server).
pub const START_PATH: &str = "/auth/ciudadania";
/// The page of a person the app does not know yet.
pub const REQUEST_PAGE: &str = "/ingresar/solicitud";

/// What the app keeps of Ciudadanía Digital's answer about a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CitizenProfile {
    /// The identity card number as `ci_key` writes it (`4789123-1A`).
    pub ci_number: String,
    pub full_name: String,
    pub email: Option<String>,
}

/// Reads Ciudadanía Digital's claims: `documento_identidad`
/// (`numero_documento`, `complemento`), `nombre` (`nombres`,
/// `primer_apellido`, `segundo_apellido`) and `email`, at the top level or,
/// as some deployments send them, under `profile`. The number is written as
/// the forms write a CI; a person without one cannot be told apart from
/// another, so such an answer is refused.
pub fn citizen_profile(claims: &Value) -> Result<CitizenProfile, String> {
    let claim = |name: &str| {
        claims
            .get(name)
            .filter(|value| !value.is_null())
            .or_else(|| claims.get("profile").and_then(|p| p.get(name)))
            .filter(|value| !value.is_null())
    };
    let text = |value: Option<&Value>, field: &str| {
        value
            .and_then(|v| v.get(field))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let document = claim("documento_identidad");
    // Accounts are found by a Bolivian identity card: another document with
    // the same number must not take one over.
    if let Some(kind) = text(document, "tipo_documento") {
        if !kind.eq_ignore_ascii_case("CI") {
            return Err(format!(
                "Ciudadanía Digital identificó a la persona con un documento «{kind}», no con un carnet de identidad."
            ));
        }
    }
    let number = text(document, "numero_documento")
        .ok_or("Ciudadanía Digital no envió el número de documento de identidad.")?;
    let written = match text(document, "complemento") {
        Some(complement) => format!("{number}-{complement}"),
        None => number,
    };
    let ci_number = ci_key(&written).map_err(|_| {
        format!("Ciudadanía Digital envió un número de documento que no se reconoce: «{written}».")
    })?;
    let name = claim("nombre");
    let full_name = [
        text(name, "nombres"),
        text(name, "primer_apellido"),
        text(name, "segundo_apellido"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    if full_name.is_empty() {
        return Err("Ciudadanía Digital no envió el nombre de la persona.".into());
    }
    let email = claim("email")
        .and_then(Value::as_str)
        .map(|e| e.trim().to_lowercase())
        .filter(|e| crate::domain::validation::is_valid_email(e));
    Ok(CitizenProfile {
        ci_number,
        full_name,
        email,
    })
}

/// Why a sign-in through Ciudadanía Digital did not open a session: the
/// sign-in page explains it from the code in its address (`?aviso=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInProblem {
    /// The person cancelled at the provider, or it refused to go on.
    Cancelled,
    /// The answer named no attempt of this browser's still in time: used
    /// already, too old, or started elsewhere.
    Expired,
    /// The provider did not answer, or answered with an error.
    ProviderDown,
    /// The provider's answer failed a check (signature, issuer, audience,
    /// times, nonce).
    Untrusted,
    /// The provider vouched for the person without their identity card or
    /// name.
    MissingIdentity,
    /// The account of that identity card is linked to another person's
    /// Ciudadanía Digital.
    LinkedElsewhere,
    /// The account is disabled.
    Disabled,
}

impl SignInProblem {
    pub const ALL: [SignInProblem; 7] = [
        SignInProblem::Cancelled,
        SignInProblem::Expired,
        SignInProblem::ProviderDown,
        SignInProblem::Untrusted,
        SignInProblem::MissingIdentity,
        SignInProblem::LinkedElsewhere,
        SignInProblem::Disabled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SignInProblem::Cancelled => "cancelado",
            SignInProblem::Expired => "vencido",
            SignInProblem::ProviderDown => "proveedor",
            SignInProblem::Untrusted => "respuesta",
            SignInProblem::MissingIdentity => "datos",
            SignInProblem::LinkedElsewhere => "vinculada",
            SignInProblem::Disabled => "deshabilitada",
        }
    }

    pub fn from_code(code: &str) -> Option<SignInProblem> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            SignInProblem::Cancelled => "El ingreso con Ciudadanía Digital se canceló. Puede intentarlo de nuevo.",
            SignInProblem::Expired => "Ese intento de ingreso ya no vale: ya se usó, pasaron más de 10 minutos o empezó en otra pestaña o navegador. Vuelva a pulsar «Ingresar con Ciudadanía Digital».",
            SignInProblem::ProviderDown => "Ciudadanía Digital no responde en este momento. Intente de nuevo en unos minutos.",
            SignInProblem::Untrusted => "La respuesta de Ciudadanía Digital no superó las comprobaciones de seguridad, así que no se abrió ninguna sesión. Vuelva a intentarlo; si se repite, avise a la mesa de ayuda.",
            SignInProblem::MissingIdentity => "Ciudadanía Digital no envió su número de documento o su nombre, y sin ellos no podemos reconocerle. Revise su perfil en Ciudadanía Digital.",
            SignInProblem::LinkedElsewhere => "La cuenta de su número de carnet ya está vinculada a otra cuenta de Ciudadanía Digital. Consulte a un administrador.",
            SignInProblem::Disabled => "Su cuenta no puede ingresar (está deshabilitada, o es de demostración fuera del modo demostración). Consulte a un administrador.",
        }
    }
}

/// What the sign-in page offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInChoices {
    /// The "Ingresar con Ciudadanía Digital" button.
    pub ciudadania: bool,
    /// Everyone with a password may use it.
    pub passwords_for_everyone: bool,
    /// Administrators may use theirs (a way in when the provider is down).
    pub passwords_for_admins: bool,
}

/// An identity card number as accounts are found by it: its number and
/// complement (`4789123-1A`) in the forms' canonical spelling, without the
/// department (`LP`), which Ciudadanía Digital does not send.
pub fn ci_key(value: &str) -> Result<String, String> {
    let canonical = identity_card(value)?;
    Ok(match canonical.split_once(' ') {
        Some((number, _department)) => number.to_owned(),
        None => canonical,
    })
}

/// Where a request for access stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestStatus {
    Pending,
    Accepted,
    Rejected,
}

impl RequestStatus {
    pub fn slug(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Accepted => "accepted",
            RequestStatus::Rejected => "rejected",
        }
    }
}

impl TryFrom<String> for RequestStatus {
    type Error = String;

    fn try_from(slug: String) -> Result<Self, Self::Error> {
        match slug.as_str() {
            "pending" => Ok(RequestStatus::Pending),
            "accepted" => Ok(RequestStatus::Accepted),
            "rejected" => Ok(RequestStatus::Rejected),
            other => Err(format!("unknown request status {other}")),
        }
    }
}

/// A request for access, as administrators and its own person see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct AccessRequest {
    pub id: String,
    pub ci_number: String,
    pub full_name: String,
    pub email: Option<String>,
    /// The entity the person says they belong to, in their words.
    pub claimed_entity: Option<String>,
    pub note: Option<String>,
    #[cfg_attr(feature = "ssr", sqlx(try_from = "String"))]
    pub status: RequestStatus,
    pub requested_at: i64,
    /// Why it was rejected, when it was.
    pub decision_note: Option<String>,
}

/// An administrator's acceptance: the roles of a public servant of AGETIC,
/// or the entity whose account the person becomes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Acceptance {
    #[serde(default)]
    pub roles: Vec<String>,
    pub entity_id: Option<String>,
    #[serde(default)]
    pub is_admin: bool,
}

/// The longest text a person writes in their request.
pub const MAX_REQUEST_TEXT: usize = 300;

/// The roles an acceptance may give, for the admin page's choices.
pub fn staff_roles() -> impl Iterator<Item = Role> {
    Role::ALL.into_iter().filter(|role| *role != Role::Entidad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_claims_at_the_top_level_or_under_profile() {
        let flat = json!({
            "sub": "abc",
            "documento_identidad": { "tipo_documento": "CI", "numero_documento": "4789123", "complemento": "1a" },
            "nombre": { "nombres": "Ana María", "primer_apellido": "Quispe", "segundo_apellido": "Mamani" },
            "email": "Ana@Ejemplo.gob.bo",
            "celular": "70000000"
        });
        let nested = json!({ "sub": "abc", "profile": flat.clone() });
        for claims in [flat, nested] {
            assert_eq!(
                citizen_profile(&claims).unwrap(),
                CitizenProfile {
                    ci_number: "4789123-1A".into(),
                    full_name: "Ana María Quispe Mamani".into(),
                    email: Some("ana@ejemplo.gob.bo".into()),
                }
            );
        }
    }

    #[test]
    fn an_identity_card_is_found_by_its_number_and_complement() {
        assert_eq!(ci_key("4789123 lp").unwrap(), "4789123");
        assert_eq!(ci_key(" 4789123-1a CB ").unwrap(), "4789123-1A");
        assert!(ci_key("4789123 XX").is_err());
    }

    #[test]
    fn a_missing_second_surname_or_email_is_fine_a_missing_document_is_not() {
        let claims = json!({
            "documento_identidad": { "numero_documento": " 1234567 " },
            "nombre": { "nombres": "Luis", "primer_apellido": "Choque", "segundo_apellido": "" },
            "email": null
        });
        let profile = citizen_profile(&claims).unwrap();
        assert_eq!(profile.full_name, "Luis Choque");
        assert_eq!(profile.ci_number, "1234567");
        assert_eq!(profile.email, None);
        let no_document = json!({ "nombre": { "nombres": "Luis" } });
        assert!(citizen_profile(&no_document)
            .unwrap_err()
            .contains("documento"));
        let no_name = json!({ "documento_identidad": { "numero_documento": "1234567" } });
        assert!(citizen_profile(&no_name).unwrap_err().contains("nombre"));
        let passport = json!({
            "documento_identidad": { "tipo_documento": "PASAPORTE", "numero_documento": "1234567" },
            "nombre": { "nombres": "X" }
        });
        assert!(citizen_profile(&passport)
            .unwrap_err()
            .contains("PASAPORTE"));
        let odd = json!({ "documento_identidad": { "numero_documento": "12-34-56" }, "nombre": { "nombres": "X" } });
        assert!(citizen_profile(&odd).is_err());
    }
}
