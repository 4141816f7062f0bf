//! The audit log as administrators read it: who did what to whom, when and
//! from where. It never holds a password or a token.

use serde::{Deserialize, Serialize};

/// What an audit entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditEvent {
    SignIn,
    SignInFailed,
    SignInLocked,
    SignOut,
    PasswordChanged,
    PasswordReset,
    AccountDisabled,
    AccountEnabled,
    AccessChanged,
    SessionsEnded,
    AccountCreated,
    EntityCreated,
    DueTimesChanged,
    FormReturned,
    IdentityLinked,
    AccessRequested,
    AccessAccepted,
    AccessRejected,
}

impl AuditEvent {
    pub const ALL: [AuditEvent; 18] = [
        AuditEvent::SignIn,
        AuditEvent::SignInFailed,
        AuditEvent::SignInLocked,
        AuditEvent::SignOut,
        AuditEvent::PasswordChanged,
        AuditEvent::PasswordReset,
        AuditEvent::AccountDisabled,
        AuditEvent::AccountEnabled,
        AuditEvent::AccessChanged,
        AuditEvent::SessionsEnded,
        AuditEvent::AccountCreated,
        AuditEvent::EntityCreated,
        AuditEvent::DueTimesChanged,
        AuditEvent::FormReturned,
        AuditEvent::IdentityLinked,
        AuditEvent::AccessRequested,
        AuditEvent::AccessAccepted,
        AuditEvent::AccessRejected,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            AuditEvent::SignIn => "sign_in",
            AuditEvent::SignInFailed => "sign_in_failed",
            AuditEvent::SignInLocked => "sign_in_locked",
            AuditEvent::SignOut => "sign_out",
            AuditEvent::PasswordChanged => "password_changed",
            AuditEvent::PasswordReset => "password_reset",
            AuditEvent::AccountDisabled => "account_disabled",
            AuditEvent::AccountEnabled => "account_enabled",
            AuditEvent::AccessChanged => "access_changed",
            AuditEvent::SessionsEnded => "sessions_ended",
            AuditEvent::AccountCreated => "account_created",
            AuditEvent::EntityCreated => "entity_created",
            AuditEvent::DueTimesChanged => "due_times_changed",
            AuditEvent::FormReturned => "form_returned",
            AuditEvent::IdentityLinked => "identity_linked",
            AuditEvent::AccessRequested => "access_requested",
            AuditEvent::AccessAccepted => "access_accepted",
            AuditEvent::AccessRejected => "access_rejected",
        }
    }

    pub fn from_slug(slug: &str) -> Option<AuditEvent> {
        AuditEvent::ALL.into_iter().find(|e| e.slug() == slug)
    }

    /// In the administrators' words.
    pub fn label(self) -> &'static str {
        match self {
            AuditEvent::SignIn => "Inicio de sesión",
            AuditEvent::SignInFailed => "Inicio de sesión fallido",
            AuditEvent::SignInLocked => "Inicio de sesión bloqueado",
            AuditEvent::SignOut => "Cierre de sesión",
            AuditEvent::PasswordChanged => "Cambio de contraseña",
            AuditEvent::PasswordReset => "Restablecimiento de contraseña",
            AuditEvent::AccountDisabled => "Cuenta deshabilitada",
            AuditEvent::AccountEnabled => "Cuenta habilitada",
            AuditEvent::AccessChanged => "Cambio de roles o administración",
            AuditEvent::SessionsEnded => "Sesiones cerradas por un administrador",
            AuditEvent::AccountCreated => "Cuenta creada",
            AuditEvent::EntityCreated => "Entidad registrada",
            AuditEvent::DueTimesChanged => "Cambio de plazos",
            AuditEvent::FormReturned => "Formulario devuelto",
            AuditEvent::IdentityLinked => "Cuenta vinculada a Ciudadanía Digital",
            AuditEvent::AccessRequested => "Solicitud de acceso",
            AuditEvent::AccessAccepted => "Solicitud de acceso aceptada",
            AuditEvent::AccessRejected => "Solicitud de acceso rechazada",
        }
    }
}

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    pub event: String,
    /// Who did it; for a failed sign-in, the e-mail that was typed.
    pub actor_email: Option<String>,
    /// Whom or what it was done to (an account's e-mail, an entity, a procedure).
    pub subject: Option<String>,
    pub address: Option<String>,
    pub user_agent: Option<String>,
    /// Before and after, as recorded.
    pub detail: serde_json::Value,
}

/// What the administrators look for in the log.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// One kind of event (its slug).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// Part of the actor's or the subject's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub who: Option<String>,
    /// Entries older than this id (the next page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
}

/// The log as CSV, newest first, times in Bolivia.
#[cfg(feature = "ssr")]
pub fn audit_csv(rows: &[AuditRow]) -> String {
    crate::dashboard::csv(
        &[
            "fecha",
            "evento",
            "descripcion",
            "quien",
            "sobre",
            "direccion",
            "navegador",
            "detalle",
        ],
        rows.iter().map(|row| {
            vec![
                crate::domain::calendar::bolivia_time(row.at),
                row.event.clone(),
                AuditEvent::from_slug(&row.event)
                    .map(AuditEvent::label)
                    .unwrap_or_default()
                    .to_owned(),
                row.actor_email.clone().unwrap_or_default(),
                row.subject.clone().unwrap_or_default(),
                row.address.clone().unwrap_or_default(),
                row.user_agent.clone().unwrap_or_default(),
                row.detail.to_string(),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_reads_back_from_its_slug() {
        for event in AuditEvent::ALL {
            assert_eq!(AuditEvent::from_slug(event.slug()), Some(event));
        }
        assert_eq!(AuditEvent::from_slug("otro"), None);
    }
}
