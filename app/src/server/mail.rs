//! E-mail: the SMTP server the operator configures (none: no mail, and the
//! app works as before), and each notice composed in Spanish, as plain text
//! and HTML, with the case's reference, the activity and a link — nothing
//! more personal. Sending is the outbox worker's (`notices`); this module
//! only composes and hands one mail to the server.

use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::store::{MailFailure, MailJob};
use crate::domain::calendar::bolivia_time;
use crate::notifications::NotificationItem;

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailTls {
    /// Plain connection upgraded with STARTTLS, required (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: a relay on the same machine or network only.
    None,
}

/// The SMTP server and sender (`SMTP_*`), when configured.
#[derive(Clone, PartialEq, Eq)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub tls: MailTls,
    pub user: Option<String>,
    pub password: Option<String>,
    /// `SMTP_FROM`, a mailbox: `Avisos <avisos@entidad.gob.bo>`.
    pub from: String,
}

impl std::fmt::Debug for MailSettings {
    // The password stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl MailSettings {
    /// From `SMTP_HOST`, `SMTP_PORT`, `SMTP_TLS` (`starttls`, `tls` or
    /// `none`), `SMTP_USER`, `SMTP_PASSWORD` and `SMTP_FROM`, read through
    /// `variable`; `None` without `SMTP_HOST`.
    pub fn from_variables(
        variable: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<MailSettings>, String> {
        let Some(host) = variable("SMTP_HOST") else {
            return Ok(None);
        };
        let tls = match variable("SMTP_TLS").as_deref() {
            None | Some("starttls") => MailTls::StartTls,
            Some("tls") => MailTls::Tls,
            Some("none") => MailTls::None,
            Some(other) => return Err(format!("SMTP_TLS «{other}»: use starttls, tls o none.")),
        };
        let port = match variable("SMTP_PORT") {
            Some(raw) => raw
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("SMTP_PORT «{raw}» no es un puerto."))?,
            None => match tls {
                MailTls::StartTls => 587,
                MailTls::Tls => 465,
                MailTls::None => 25,
            },
        };
        let from = variable("SMTP_FROM").ok_or(
            "SMTP_HOST necesita también SMTP_FROM, el remitente: Avisos <avisos@entidad.gob.bo>.",
        )?;
        from.parse::<Mailbox>()
            .map_err(|_| format!("SMTP_FROM «{from}» no es una dirección de correo."))?;
        let user = variable("SMTP_USER");
        let password = variable("SMTP_PASSWORD");
        if user.is_some() != password.is_some() {
            return Err("SMTP_USER y SMTP_PASSWORD van juntos.".into());
        }
        Ok(Some(MailSettings {
            host,
            port,
            tls,
            user,
            password,
            from,
        }))
    }
}

/// The connection to the SMTP server, and how mail is written.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Where links point: the public origin.
    origin: String,
}

/// Waits at most this for the SMTP server at each step.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

impl Mailer {
    pub fn new(settings: &MailSettings, origin: &str) -> Result<Mailer, String> {
        let refused = |e: lettre::transport::smtp::Error| format!("SMTP_HOST: {e}");
        let tls = |host: &str| TlsParameters::new(host.to_owned()).map_err(refused);
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .timeout(Some(SMTP_TIMEOUT));
        builder = match settings.tls {
            MailTls::StartTls => builder.tls(Tls::Required(tls(&settings.host)?)),
            MailTls::Tls => builder.tls(Tls::Wrapper(tls(&settings.host)?)),
            MailTls::None => builder.tls(Tls::None),
        };
        if let (Some(user), Some(password)) = (&settings.user, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Mailer {
            transport: builder.build(),
            from: settings
                .from
                .parse()
                .map_err(|_| format!("SMTP_FROM «{}»", settings.from))?,
            origin: origin.trim_end_matches('/').to_owned(),
        })
    }

    /// Composes and sends one mail; how it failed says whether to try
    /// again.
    pub async fn send(&self, job: MailJob) -> Result<(), MailFailure> {
        let message = self.compose(&job)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(error) if error.is_permanent() => Err(MailFailure::Permanent(error.to_string())),
            Err(error) => Err(MailFailure::Transient(error.to_string())),
        }
    }

    pub fn compose(&self, job: &MailJob) -> Result<Message, MailFailure> {
        let to: Mailbox = job.to.parse().map_err(|_| {
            MailFailure::Permanent(format!("«{}» no es una dirección de correo.", job.to))
        })?;
        let written = write_mail(job, &self.origin);
        // The same mail keeps its Message-ID however often it is tried.
        let domain = self.from.email.domain().to_owned();
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(written.subject)
            .message_id(Some(format!("<{}@{domain}>", job.id)))
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(written.text),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(written.html),
                    ),
            )
            .map_err(|e| MailFailure::Permanent(e.to_string()))
    }
}

/// A mail's words.
#[derive(Debug, PartialEq, Eq)]
pub struct WrittenMail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Writes a notice, or a day's digest of them, with links under `origin`.
pub fn write_mail(job: &MailJob, origin: &str) -> WrittenMail {
    let link = |item: &NotificationItem| format!("{origin}/expedientes/{}", item.case_id);
    let preferences = format!("{origin}/avisos");
    let subject = match (job.digest, job.notices.first()) {
        (false, Some(first)) => first.text(),
        (true, Some(first)) => format!(
            "Resumen de avisos: {} desde el {}",
            count(job.notices.len()),
            bolivia_time(first.at).split(' ').next().unwrap_or_default()
        ),
        (_, None) => "Avisos del manual de procedimientos".to_owned(),
    };
    let mut text = String::from("Manual de procedimientos de la AGETIC\n\n");
    let mut html = String::from(
        "<!doctype html><html lang=\"es\"><body style=\"font-family:sans-serif\"><p><strong>Manual de procedimientos de la AGETIC</strong></p><ul>",
    );
    for item in &job.notices {
        let line = item.text();
        let when = bolivia_time(item.at);
        text.push_str(&format!(
            "- {line} ({when})\n  Ver el expediente: {}\n",
            link(item)
        ));
        html.push_str(&format!(
            "<li>{} <span style=\"color:#555\">({when})</span><br><a href=\"{}\">Ver el expediente</a></li>",
            escape(&line),
            escape(&link(item))
        ));
    }
    let footer = format!(
        "Recibe este correo porque la actividad le corresponde en el sistema. Elija si quiere un correo por aviso, un resumen diario o ninguno en {preferences}"
    );
    text.push_str(&format!("\n{footer}\n"));
    html.push_str(&format!(
        "</ul><p style=\"color:#555\">Recibe este correo porque la actividad le corresponde en el sistema. <a href=\"{}\">Elija cuántos correos recibir</a>.</p></body></html>",
        escape(&preferences)
    ));
    WrittenMail {
        subject,
        text,
        html,
    }
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 aviso".into()
    } else {
        format!("{n} avisos")
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(kind: &str, at: i64) -> NotificationItem {
        NotificationItem {
            id: "n1".into(),
            at,
            case_id: "c1".into(),
            reference: "PR6-2026-0001".into(),
            procedure: "PR6".into(),
            procedure_version: 1,
            activity: 5,
            kind: kind.into(),
            read: false,
        }
    }

    #[test]
    fn a_notice_mail_names_the_case_the_activity_and_links_to_it() {
        let job = MailJob {
            id: "m1".into(),
            to: "p@example.org".into(),
            digest: false,
            notices: vec![notice("assigned", 1_795_946_400_000)],
        };
        let mail = write_mail(&job, "https://tramites.example.gob.bo");
        assert!(mail
            .subject
            .starts_with("Se le derivó una actividad: PR6-2026-0001, actividad 5"));
        assert!(mail
            .text
            .contains("https://tramites.example.gob.bo/expedientes/c1"));
        assert!(mail
            .html
            .contains("href=\"https://tramites.example.gob.bo/expedientes/c1\""));
    }

    #[test]
    fn a_digest_lists_every_notice() {
        let job = MailJob {
            id: "m1".into(),
            to: "p@example.org".into(),
            digest: true,
            notices: vec![
                notice("current", 1_795_946_400_000),
                notice("overdue", 1_795_950_000_000),
            ],
        };
        let mail = write_mail(&job, "http://localhost:3000");
        assert_eq!(
            mail.subject,
            "Resumen de avisos: 2 avisos desde el 2026-11-29"
        );
        assert_eq!(mail.text.matches("Ver el expediente").count(), 2);
    }

    #[test]
    fn settings_need_a_sender_and_read_their_defaults() {
        let of = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(MailSettings::from_variables(of(&[])), Ok(None));
        assert!(MailSettings::from_variables(of(&[("SMTP_HOST", "smtp.example.org")])).is_err());
        let settings = MailSettings::from_variables(of(&[
            ("SMTP_HOST", "smtp.example.org"),
            ("SMTP_FROM", "Avisos <avisos@example.org>"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!((settings.port, settings.tls), (587, MailTls::StartTls));
        assert!(MailSettings::from_variables(of(&[
            ("SMTP_HOST", "smtp.example.org"),
            ("SMTP_FROM", "avisos@example.org"),
            ("SMTP_TLS", "ssl"),
        ]))
        .is_err());
    }
}
