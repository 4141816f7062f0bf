//! Signing in and out, and the account shown in the header.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::accounts::Account;
use crate::actions::{
    current_account, my_access_request, safe_next, sign_in_options, unread_notices,
    SendAccessRequest, SignIn, SignOut,
};
use crate::components::bell::NoticeBell;
use crate::identity::{
    AccessRequest, RequestStatus, SignInChoices, SignInProblem, MAX_REQUEST_TEXT, START_PATH,
};

/// The session's account, read once per page on the server.
#[derive(Clone, Copy)]
pub struct Session {
    pub account: Resource<Result<Option<Account>, ServerFnError>>,
    /// Notices not yet read, for the bell.
    pub unread: Resource<Result<i64, ServerFnError>>,
}

impl Session {
    pub fn provide() -> Session {
        let session = Session {
            account: Resource::new(|| (), |_| current_account()),
            unread: Resource::new(|| (), |_| unread_notices()),
        };
        provide_context(session);
        session
    }

    pub fn get() -> Session {
        expect_context()
    }
}

/// The text of a server function's refusal, without the framework's prefix.
pub fn error_text(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        _ => "No se pudo completar la solicitud. Revise su conexión e intente de nuevo.".into(),
    }
}

/// What a server function refused when its form was posted as plain HTML
/// (before the wasm, or without it): the server sent the browser back to
/// the page with the refusal in the address.
#[component]
pub fn PlainPostProblem() -> impl IntoView {
    use leptos::server::ServerActionError;
    use leptos::server_fn::error::ServerFnUrlError;
    use_context::<ServerActionError>().map(|refusal| {
        let error = ServerFnUrlError::<ServerFnError>::decode_err(refusal.err());
        view! { <div class="notice notice-error" role="alert" data-plain-post-problem="">{error_text(&error)}</div> }
    })
}

/// Follows a server action's answers: a failure is told in `problem`; an
/// answer clears it and goes to `done`.
pub fn follow_answers<T: Clone + Send + Sync + 'static>(
    answers: impl Get<Value = Option<Result<T, ServerFnError>>> + 'static,
    problem: RwSignal<Option<String>>,
    done: impl Fn(T) + 'static,
) {
    Effect::new(move || match answers.get() {
        Some(Ok(answer)) => {
            problem.set(None);
            done(answer);
        }
        Some(Err(error)) => problem.set(Some(error_text(&error))),
        None => {}
    });
}

#[component]
pub fn AccountMenu() -> impl IntoView {
    let session = Session::get();
    view! {
        <Transition fallback=|| ()>
            {move || {
                session
                    .account
                    .get()
                    .map(|account| match account.ok().flatten() {
                        Some(account) => {
                            let unread = session.unread.get().and_then(Result::ok).unwrap_or(0);
                            view! {
                                <NoticeBell unread />
                                {account.actor().administers().then(|| view! { <a href="/administracion">"Administración"</a> })}
                                {account.is_entity().then(|| view! { <a href="/portal">"Formularios"</a> })}
                                {account.actor().sees_dashboard()
                                    .then(|| view! { <a href="/tablero">"Tablero"</a> })}
                                <a class="account" href="/cuenta" data-account=account.email.clone().unwrap_or_else(|| account.name.clone())>{account.name.clone()}</a>
                                <SignOutButton />
                            }
                                .into_any()
                        }
                        None => view! { <a href="/ingresar">"Ingresar"</a> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// A plain form, no island (every signed-in page has it, and it needs no
/// code in the browser): the server answers with a redirect to the sign-in
/// page, or to Ciudadanía Digital's end-session page when the session came
/// through it.
#[component]
fn SignOutButton() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action=sign_out attr:class="inline-form">
            <button type="submit" class="header-button">"Salir"</button>
        </ActionForm>
    }
}

/// `/ingresar`: Ciudadanía Digital when configured, and the password form
/// for whom it still serves.
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let next = query.with_untracked(|q| q.get("next")).unwrap_or_default();
    // Only a known code is explained: no text from the address is shown.
    let problem = query
        .with_untracked(|q| q.get("aviso"))
        .as_deref()
        .and_then(SignInProblem::from_code);
    let options = Resource::new(|| (), |_| sign_in_options());
    view! {
        <Title text="Ingresar" />
        <div class="narrow">
            <h1>"Ingresar"</h1>
            {problem.map(|problem| view! {
                <div class="notice notice-error" role="alert" id="sign-in-problem">{problem.message()}</div>
            })}
            <Suspense fallback=|| ()>
                {move || {
                    let next = next.clone();
                    options.get().map(|options| {
                        let options = options.unwrap_or(SignInChoices {
                            ciudadania: false,
                            passwords_for_everyone: true,
                            passwords_for_admins: true,
                        });
                        let start = if next.is_empty() {
                            START_PATH.to_owned()
                        } else {
                            format!("{START_PATH}?next={}", encode_query_value(&next))
                        };
                        let provider = options.ciudadania.then(|| view! {
                            <a class="button button-primary button-wide" id="sign-in-ciudadania" href=start>
                                "Ingresar con Ciudadanía Digital"
                            </a>
                            <p class="hint">"Use su cuenta de Ciudadanía Digital, la misma de los demás servicios del Estado."</p>
                        });
                        // A password everyone may use stays in sight; one kept for
                        // administrators waits folded below the provider's button.
                        let passwords = if options.passwords_for_everyone {
                            let or = options.ciudadania.then(|| view! {
                                <p class="muted sign-in-or">"o con su correo y contraseña:"</p>
                            });
                            Some(view! { {or} <SignInForm next=next.clone() /> }.into_any())
                        } else if options.passwords_for_admins {
                            Some(view! {
                                <details class="panel password-sign-in">
                                    <summary>"Acceso de administradores con contraseña"</summary>
                                    <SignInForm next=next.clone() />
                                </details>
                            }.into_any())
                        } else {
                            None
                        };
                        view! { {provider} {passwords} }
                    })
                }}
            </Suspense>
        </div>
    }
}

/// `next` written as a query value (it is a path of this site already).
fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// `/ingresar/solicitud`: a person Ciudadanía Digital vouched for whom the
/// app does not know yet says which entity they belong to, and sees where
/// their request stands.
#[component]
pub fn AccessRequestPage() -> impl IntoView {
    let request = Resource::new(|| (), |_| my_access_request());
    view! {
        <Title text="Solicitud de acceso" />
        <div class="narrow">
            <h1>"Solicitud de acceso"</h1>
            <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
                {move || request.get().map(|request| match request.ok().flatten() {
                    None => view! {
                        <p class="notice notice-error" role="alert">
                            "No encontramos una solicitud suya en este navegador. "
                            <a href="/ingresar">"Ingrese con Ciudadanía Digital"</a>
                            " para iniciarla."
                        </p>
                    }.into_any(),
                    Some(request) => view! { <AccessRequestForm request /> }.into_any(),
                })}
            </Suspense>
        </div>
    }
}

#[cfg_attr(feature = "islands-other", island)]
#[cfg_attr(not(feature = "islands-other"), component)]
fn AccessRequestForm(request: AccessRequest) -> impl IntoView {
    let send = ServerAction::<SendAccessRequest>::new();
    let problem = RwSignal::new(None::<String>);
    let current = RwSignal::new(request);
    follow_answers(send.value(), problem, move |answer| current.set(answer));
    let status = move || {
        current.with(|r| match r.status {
            RequestStatus::Accepted => view! {
                <p class="notice notice-done" role="status" id="request-status">
                    "Su solicitud fue aceptada. " <a href=START_PATH>"Ingrese con Ciudadanía Digital"</a>
                </p>
            }.into_any(),
            RequestStatus::Rejected => view! {
                <p class="notice notice-error" role="status" id="request-status">
                    "Su solicitud fue rechazada: «" {r.decision_note.clone().unwrap_or_default()}
                    "». Si cree que es un error, corrija la entidad o el comentario y envíela de nuevo."
                </p>
            }.into_any(),
            RequestStatus::Pending if r.claimed_entity.is_some() => view! {
                <p class="notice notice-done" role="status" id="request-status">
                    "Su solicitud espera a un administrador. Cuando la acepte, podrá ingresar con Ciudadanía Digital."
                </p>
            }.into_any(),
            RequestStatus::Pending => view! {
                <p class="notice" role="status" id="request-status">
                    "Ciudadanía Digital confirmó quién es usted, pero esta aplicación aún no tiene una cuenta suya. "
                    "Díganos en qué entidad trabaja y un administrador revisará su solicitud: nadie entra solo por ingresar."
                </p>
            }.into_any(),
        })
    };
    let (name, ci, email) = current.with_untracked(|r| {
        (
            r.full_name.clone(),
            r.ci_number.clone(),
            r.email.clone().unwrap_or_else(|| "(sin correo)".into()),
        )
    });
    let claimed = current.with_untracked(|r| r.claimed_entity.clone().unwrap_or_default());
    let note = current.with_untracked(|r| r.note.clone().unwrap_or_default());
    let accepted = move || current.with(|r| r.status == RequestStatus::Accepted);
    view! {
        {status}
        <dl class="facts">
            <dt>"Nombre"</dt><dd>{name}</dd>
            <dt>"Carnet de identidad"</dt><dd>{ci}</dd>
            <dt>"Correo"</dt><dd>{email}</dd>
        </dl>
        {move || problem.get().map(|message| view! {
            <div class="notice notice-error" role="alert">{message}</div>
        })}
        {move || (!accepted()).then(|| {
            let (claimed, note) = (claimed.clone(), note.clone());
            view! {
            <ActionForm action=send attr:class="form">
                <div class="field">
                    <label for="claimed-entity">"Entidad en la que trabaja"</label>
                    <p class="hint" id="claimed-entity-hint">"Por ejemplo «Ministerio de Salud y Deportes», o «AGETIC» si es personal de AGETIC."</p>
                    <input id="claimed-entity" name="claimed_entity" type="text" required maxlength=MAX_REQUEST_TEXT value=claimed aria-describedby="claimed-entity-hint" />
                </div>
                <div class="field">
                    <label for="request-note">"Cargo o comentario (opcional)"</label>
                    <textarea id="request-note" name="note" maxlength=MAX_REQUEST_TEXT rows="3">{note}</textarea>
                </div>
                <button type="submit" class="button button-primary">"Enviar solicitud"</button>
            </ActionForm>
            }
        })}
    }
}

#[cfg_attr(feature = "islands-other", island)]
#[cfg_attr(not(feature = "islands-other"), component)]
fn SignInForm(next: String) -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    // The server says where to go: the page asked for, or the account page
    // when a new password is due.
    Effect::new(move || {
        if let Some(Ok(destination)) = sign_in.value().get() {
            let _ = window().location().set_href(safe_next(Some(&destination)));
        }
    });
    let error = move || {
        sign_in
            .value()
            .get()
            .and_then(|result| result.err())
            .map(|e| error_text(&e))
    };
    view! {
        {move || error().map(|message| view! {
            <div class="notice notice-error" role="alert" id="login-error">{message}</div>
        })}
        <ActionForm action=sign_in attr:class="form">
            <div class="field">
                <label for="email">"Correo electrónico"</label>
                <input id="email" name="email" type="email" autocomplete="username" required />
            </div>
            <div class="field">
                <label for="password">"Contraseña"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required />
            </div>
            <input type="hidden" name="next" value=next />
            <button type="submit" class="button button-primary">"Ingresar"</button>
        </ActionForm>
    }
}
