//! Table-driven checks of each rule family, and `validate()` under
//! arbitrary input.

use super::rules::{self, ClientKind};
use super::*;

const TODAY: rules::Date = (2026, 11, 27);

#[test]
fn web_redirects_are_absolute_https_without_query_or_fragment() {
    let valid = [
        "https://tramites.entidad.gob.bo/callback",
        "https://entidad.gob.bo",
        "https://entidad.gob.bo/",
        "https://app.entidad.gob.bo:8443/auth/cd",
        "HTTPS://ENTIDAD.GOB.BO/callback",
        "https://localhost/callback",
        "https://10.0.0.12/login",
        "https://sub-dominio.entidad.gob.bo/a/b/c",
        "https://entidad.edu.bo/oauth2/redirect",
        "https://x.bo/%C3%B1",
    ];
    for uri in valid {
        assert_eq!(rules::redirect_uri(uri, ClientKind::Web), Ok(()), "{uri}");
    }
    let invalid = [
        "",
        "http://entidad.gob.bo/callback",
        "https://entidad.gob.bo/callback?x=1",
        "https://entidad.gob.bo/callback#frag",
        "entidad.gob.bo/callback",
        "/callback",
        "javascript:alert(1)",
        "data:text/html,hola",
        "file:///etc/passwd",
        "https://",
        "https://user@entidad.gob.bo/",
        "https://entidad gob.bo/",
        "https://-entidad.gob.bo/",
        "bo.gob.entidad.app:/callback",
        "https://entidad.gob.bo:port/",
    ];
    for uri in invalid {
        assert!(rules::redirect_uri(uri, ClientKind::Web).is_err(), "{uri}");
    }
}

#[test]
fn mobile_redirects_take_https_or_a_reverse_domain_scheme() {
    let valid = [
        "bo.gob.entidad.app:/callback",
        "com.example.app:/oauth2redirect/example-provider",
        "bo.gob.agetic.ciudadania:/login",
        "https://entidad.gob.bo/app/callback",
        "bo.edu.umsa.movil:/cb",
        "org.entidad-uno.app2:/x",
        "bo.gob.a:/",
        "bo.gob.segip.app:/auth/done",
        "io.github.entidad:/callback",
        "bo.mil.fuerza.app:/r",
    ];
    for uri in valid {
        assert_eq!(
            rules::redirect_uri(uri, ClientKind::Mobile),
            Ok(()),
            "{uri}"
        );
    }
    let invalid = [
        "myapp:/callback",
        "bo.gob.entidad.app://callback?x=1",
        "bo.gob.entidad.app:callback",
        "Bo.Gob.App:/callback",
        "bo..gob:/x",
        "javascript:/alert(1)",
        "data:/x",
        "file:/etc/passwd",
        "http://entidad.gob.bo/callback",
        "bo.gob.entidad.app:/callback#x",
        "vbscript:/x",
    ];
    for uri in invalid {
        assert!(
            rules::redirect_uri(uri, ClientKind::Mobile).is_err(),
            "{uri}"
        );
    }
}

#[test]
fn notification_addresses_are_https() {
    assert_eq!(
        rules::notification_uri("https://entidad.gob.bo/cd/notificaciones"),
        Ok(())
    );
    assert_eq!(
        rules::notification_uri("https://entidad.gob.bo/cd?canal=1"),
        Ok(())
    );
    for uri in [
        "http://entidad.gob.bo/n",
        "https://entidad.gob.bo/n#x",
        "bo.gob.app:/n",
        "ftp://entidad.gob.bo",
    ] {
        assert!(rules::notification_uri(uri).is_err(), "{uri}");
    }
}

#[test]
fn institutional_addresses_outside_the_state_domains_only_warn() {
    assert_eq!(rules::institutional_warning("ana@agetic.gob.bo"), None);
    assert_eq!(rules::institutional_warning("ana@umsa.EDU.bo"), None);
    assert_eq!(rules::institutional_warning("ana@fuerza.mil.bo"), None);
    assert!(rules::institutional_warning("ana@gmail.com").is_some());
    assert!(rules::institutional_warning("ana@gob.bo.example.com").is_some());
    let form = Anexo3 {
        email: "ana@entidad.gob.bo".into(),
        admin_institutional_email: "ana@gmail.com".into(),
        ..Anexo3::default()
    };
    let report = form.validate(TODAY);
    assert!(report.valid);
    assert!(report.warning_for("admin_institutional_email").is_some());
}

#[test]
fn scopes_hold_openid_and_profile_and_agree_with_the_refresh_token() {
    let s = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let valid = [
        (s(&["openid", "profile"]), false),
        (s(&["profile", "openid"]), false),
        (s(&["openid", "profile", "email"]), false),
        (s(&["openid", "profile", "celular"]), false),
        (s(&["openid", "profile", "fecha_nacimiento"]), false),
        (s(&["openid", "profile", "offline_access"]), true),
        (s(&["openid", "profile", "email", "celular"]), false),
        (s(&["openid", "profile", "email", "offline_access"]), true),
        (
            s(&["openid", "profile", "email", "celular", "fecha_nacimiento"]),
            false,
        ),
        (s(&rules::SCOPES), true),
    ];
    for (scopes, refresh) in valid {
        assert_eq!(
            rules::scopes(&scopes, refresh),
            Ok(()),
            "{scopes:?} {refresh}"
        );
    }
    let invalid = [
        (s(&[]), false),
        (s(&["openid"]), false),
        (s(&["profile"]), false),
        (s(&["email", "celular"]), false),
        (s(&["openid", "profile"]), true),
        (s(&["openid", "profile", "offline_access"]), false),
        (s(&["openid", "profile", "address"]), false),
        (s(&["openid", "profile", "OPENID"]), false),
        (s(&["openid", "profile", ""]), false),
        (s(&["openid", "profile", "email"]), true),
    ];
    for (scopes, refresh) in invalid {
        assert!(
            rules::scopes(&scopes, refresh).is_err(),
            "{scopes:?} {refresh}"
        );
    }
}

#[test]
fn identity_cards_are_written_as_on_the_card() {
    let valid = [
        ("4789123", "4789123"),
        ("4789123-1A", "4789123-1A"),
        ("4789123 LP", "4789123 LP"),
        ("4789123-1A LP", "4789123-1A LP"),
        (" 4789123-1a lp ", "4789123-1A LP"),
        ("123456 CB", "123456 CB"),
        ("9876543210 SC", "9876543210 SC"),
        ("1234 PD", "1234 PD"),
        ("5551234-2B  TJ", "5551234-2B TJ"),
        ("7654321 BE", "7654321 BE"),
        ("3216549-A1 OR", "3216549-A1 OR"),
    ];
    for (input, canonical) in valid {
        assert_eq!(
            rules::identity_card(input),
            Ok(canonical.to_owned()),
            "{input}"
        );
    }
    let invalid = [
        "",
        "ABC123",
        "123",
        "12345678901",
        "4789123-",
        "4789123-1AB",
        "4789123-AB",
        "4789123 XX",
        "4789123 LP SC",
        "4789123LP",
        "4789-123",
        "4 789 123",
    ];
    for input in invalid {
        assert!(rules::identity_card(input).is_err(), "{input}");
    }
}

#[test]
fn phones_are_bolivian_and_stored_in_e164() {
    let valid = [
        ("71234567", "+59171234567"),
        ("61234567", "+59161234567"),
        ("+591 71234567", "+59171234567"),
        ("+591-7123-4567", "+59171234567"),
        ("22123456", "+59122123456"),
        ("3 3123456", "+59133123456"),
        ("4-4123456", "+59144123456"),
        ("(2) 2123456", "+59122123456"),
        ("00591 71234567", "+59171234567"),
        ("7123 4567", "+59171234567"),
    ];
    for (input, e164) in valid {
        assert_eq!(rules::phone(input), Ok(e164.to_owned()), "{input}");
    }
    let invalid = [
        "",
        "7123456",
        "712345678",
        "51234567",
        "81234567",
        "01234567",
        "+59 71234567",
        "+1 71234567",
        "7123456a",
        "+591",
        "91234567",
    ];
    for input in invalid {
        assert!(rules::phone(input).is_err(), "{input}");
    }
}

#[test]
fn birth_dates_are_real_past_and_of_an_adult_under_a_hundred() {
    let valid = [
        "1985-04-23",
        "2008-11-27",
        "2008-11-26",
        "1926-11-28",
        "2000-02-29",
        "1999-12-31",
        "1970-01-01",
        "1990-06-15",
        "1960-10-10",
        "2004-02-29",
    ];
    for date in valid {
        assert_eq!(rules::birth_date(date, TODAY), Ok(()), "{date}");
    }
    let invalid = [
        "",
        "23/04/1985",
        "1985-4-23",
        "1985-02-30",
        "2001-02-29",
        "1985-13-01",
        "1985-00-10",
        "2030-01-01",
        "2026-11-27",
        "2008-11-28",
        "1925-11-26",
        "19850423",
        "abcd-ef-gh",
    ];
    for date in invalid {
        assert!(rules::birth_date(date, TODAY).is_err(), "{date}");
    }
}

#[test]
fn secret_tokens_are_long_and_hard_to_guess() {
    assert_eq!(
        rules::secret_token("q7Hk2-Zp9wLx_Rt4mN8vB1cY6dF3gJ0s"),
        Ok(())
    );
    assert_eq!(rules::secret_token(&"Xk2m9QpL7vRt4Zw8".repeat(2)), Ok(()));
    for token in [
        "corto",
        &"a".repeat(40),
        "abcdefghijklmnopqrstuvwxyz0123456789",
        "12121212121212121212121212121212",
        "q7Hk2 Zp9wLx Rt4mN8vB1cY6dF3gJ0s",
        "ñ7Hk2-Zp9wLx_Rt4mN8vB1cY6dF3gJ0sá",
    ] {
        assert!(rules::secret_token(token).is_err(), "{token}");
    }
}

#[test]
fn payment_methods_are_the_three_known() {
    let s = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(rules::payment_methods(&s(&[])), Ok(()));
    assert_eq!(rules::payment_methods(&s(&["cpt", "qr", "card"])), Ok(()));
    assert!(rules::payment_methods(&s(&["cash"])).is_err());
    assert!(rules::payment_methods(&s(&["QR"])).is_err());
}

fn good_anexo2() -> Anexo2 {
    Anexo2 {
        email: "sistemas@entidad.gob.bo".into(),
        application_type: "web".into(),
        redirect_uri: "https://tramites.entidad.gob.bo/callback".into(),
        post_logout_redirect_uri: "https://tramites.entidad.gob.bo/".into(),
        client_name: "Sistema de trámites".into(),
        refresh_token: true,
        contacts: vec!["ana@entidad.gob.bo".into()],
        scopes: ["openid", "profile", "email", "offline_access"]
            .map(String::from)
            .to_vec(),
    }
}

#[test]
fn anexo2_reports_each_field_in_form_order() {
    assert_eq!(
        good_anexo2().validate(),
        Report {
            valid: true,
            ..Report::default()
        }
    );
    let report = Anexo2 {
        email: "sin arroba".into(),
        application_type: "desktop".into(),
        redirect_uri: "http://x.bo/cb".into(),
        post_logout_redirect_uri: String::new(),
        client_name: "  ".into(),
        refresh_token: true,
        contacts: vec![],
        scopes: vec!["openid".into()],
    }
    .validate();
    let fields: Vec<&str> = report.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "email",
            "application_type",
            "redirect_uri",
            "post_logout_redirect_uri",
            "client_name",
            "contacts",
            "scopes"
        ]
    );
    assert!(!report.valid);
}

#[test]
fn anexo2_becomes_an_rfc7591_registration() {
    let mut form = good_anexo2();
    form.application_type = "mobile".into();
    form.redirect_uri = "bo.gob.entidad.app:/callback".into();
    form.scopes = ["offline_access", "email", "profile", "openid"]
        .map(String::from)
        .to_vec();
    let registration = serde_json::to_value(form.registration()).unwrap();
    assert_eq!(
        registration,
        serde_json::json!({
            "client_name": "Sistema de trámites",
            "application_type": "native",
            "redirect_uris": ["bo.gob.entidad.app:/callback"],
            "post_logout_redirect_uris": ["https://tramites.entidad.gob.bo/"],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": "openid profile email offline_access",
            "contacts": ["ana@entidad.gob.bo"],
        })
    );
}

#[test]
fn anexo1_needs_authentication_first() {
    let form = Anexo1 {
        email: "sistemas@entidad.gob.bo".into(),
        client_id: "entidad-tramites-01".into(),
        redirect_uri: "https://tramites.entidad.gob.bo/aprobado".into(),
        notification_uri: "https://tramites.entidad.gob.bo/api/notificaciones".into(),
        notification_token: "q7Hk2-Zp9wLx_Rt4mN8vB1cY6dF3gJ0s".into(),
        authentication_integrated: false,
    };
    assert!(form.validate().valid);
    assert_eq!(
        form.prerequisite(false).map(|e| e.field),
        Some("authentication_integrated".into())
    );
    assert_eq!(form.prerequisite(true), None);
    let declared = Anexo1 {
        authentication_integrated: true,
        ..form
    };
    assert_eq!(declared.prerequisite(false), None);
}

#[test]
fn anexo3_requires_only_the_email_the_manual_marks() {
    let empty = Anexo3::default().validate(TODAY);
    assert_eq!(
        empty.errors,
        vec![FieldError::new("email", "Es obligatorio.")]
    );
    let full = Anexo3 {
        email: "finanzas@entidad.gob.bo".into(),
        entity_name: "Entidad".into(),
        entity_code: "ENT".into(),
        entity_address: "Av. Camacho 1234, La Paz".into(),
        entity_phone: "+591 2 2123456".into(),
        systems: vec!["Cobros en línea".into()],
        admin_full_name: "Ana Quispe".into(),
        admin_ci: "4789123-1A LP".into(),
        admin_birth_date: "1985-04-23".into(),
        admin_institutional_email: "ana@entidad.gob.bo".into(),
        admin_position: "Jefa de sistemas".into(),
        admin_personal_email: "ana.quispe@gmail.com".into(),
        payment_methods: vec!["qr".into(), "card".into()],
    };
    assert_eq!(
        full.validate(TODAY),
        Report {
            valid: true,
            ..Report::default()
        }
    );
}

mod arbitrary {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-z0-9.:/?#@ -]{0,40}",
            "https://[a-z.]{0,20}/[a-z]{0,10}",
            "[0-9 +-]{0,14}",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        ]
    }

    fn texts() -> impl Strategy<Value = Vec<String>> {
        proptest::collection::vec(text(), 0..5)
    }

    proptest! {
        #[test]
        fn validate_never_panics(
            a in text(), b in text(), c in text(), d in text(), e in text(),
            f in text(), g in text(), h in text(),
            list in texts(), other in texts(), flag in any::<bool>(),
            year in -5i64..3000, month in 0i64..14, day in 0i64..33,
        ) {
            let one = Anexo1 {
                email: a.clone(), client_id: b.clone(), redirect_uri: c.clone(),
                notification_uri: d.clone(), notification_token: e.clone(),
                authentication_integrated: flag,
            };
            let report = one.validate();
            prop_assert_eq!(report.valid, report.errors.is_empty());
            let _ = one.prerequisite(flag);
            let two = Anexo2 {
                email: a.clone(), application_type: b.clone(), redirect_uri: c.clone(),
                post_logout_redirect_uri: d.clone(), client_name: e.clone(),
                refresh_token: flag, contacts: list.clone(), scopes: other.clone(),
            };
            let report = two.validate();
            prop_assert_eq!(report.valid, report.errors.is_empty());
            let _ = two.registration();
            let three = Anexo3 {
                email: a, entity_name: b, entity_code: c, entity_address: d,
                entity_phone: e.clone(), systems: list, admin_full_name: f,
                admin_ci: g, admin_birth_date: h, admin_institutional_email: e.clone(),
                admin_position: e.clone(), admin_personal_email: e,
                payment_methods: other,
            };
            let report = three.validate((year, month, day));
            prop_assert_eq!(report.valid, report.errors.is_empty());
        }
    }
}

#[test]
fn sent_secrets_show_only_their_last_characters() {
    assert_eq!(
        masked("q7Hk2-Zp9wLx_Rt4mN8vB1cY6dF3gJ0s"),
        "••••••••••••gJ0s"
    );
    assert_eq!(masked("corto"), "•••••");
    assert_eq!(masked(""), "••••");
    let sent = AnyForm::Uno(Anexo1 {
        notification_token: "q7Hk2-Zp9wLx_Rt4mN8vB1cY6dF3gJ0s".into(),
        client_id: "cliente".into(),
        ..Anexo1::default()
    })
    .with_secrets_masked();
    let AnyForm::Uno(sent) = sent else {
        unreachable!()
    };
    assert_eq!(sent.notification_token, "••••••••••••gJ0s");
    assert_eq!(sent.client_id, "cliente", "only secrets are masked");
}
