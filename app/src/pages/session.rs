//! Signing in and out, and the account shown in the header.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::accounts::Account;
use crate::actions::{current_account, safe_next, SignIn, SignOut};

/// The session's account, read once per page on the server.
#[derive(Clone, Copy)]
pub struct Session {
    pub account: Resource<Result<Option<Account>, ServerFnError>>,
}

impl Session {
    pub fn provide() -> Session {
        let session = Session {
            account: Resource::new(|| (), |_| current_account()),
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
                            view! {
                                {account.actor().administers().then(|| view! { <a href="/administracion">"Administración"</a> })}
                                {account.is_entity().then(|| view! { <a href="/portal">"Formularios"</a> })}
                                {account.actor().sees_dashboard()
                                    .then(|| view! { <a href="/tablero">"Tablero"</a> })}
                                <a class="account" href="/cuenta" data-account=account.email.clone()>{account.email.clone()}</a>
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

/// Signing out works as a plain form too; with the app loaded it goes
/// straight to the sign-in page.
#[island]
fn SignOutButton() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    Effect::new(move || {
        if let Some(Ok(())) = sign_out.value().get() {
            let _ = window().location().set_href("/ingresar");
        }
    });
    view! {
        <ActionForm action=sign_out attr:class="inline-form">
            <button type="submit" class="header-button">"Salir"</button>
        </ActionForm>
    }
}

/// `/ingresar`
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let next = query.with_untracked(|q| q.get("next")).unwrap_or_default();
    view! {
        <Title text="Ingresar" />
        <div class="narrow">
            <h1>"Ingresar"</h1>
            <SignInForm next />
        </div>
    }
}

#[island]
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
