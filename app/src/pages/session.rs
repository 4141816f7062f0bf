//! Signing in and out, and the account shown in the header.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::actions::{current_account, Account, SignIn, SignOut};

/// The session's account and the actions that change it, for every page.
#[derive(Clone, Copy)]
pub struct Session {
    pub account: Resource<Result<Option<Account>, ServerFnError>>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_out: ServerAction<SignOut>,
}

impl Session {
    pub fn provide() -> Session {
        let sign_in = ServerAction::<SignIn>::new();
        let sign_out = ServerAction::<SignOut>::new();
        let account = Resource::new(
            move || (sign_in.version().get(), sign_out.version().get()),
            |_| current_account(),
        );
        let session = Session {
            account,
            sign_in,
            sign_out,
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
                                <span class="account" data-account=account.email.clone()>{account.email.clone()}</span>
                                <ActionForm action=session.sign_out attr:class="inline-form">
                                    <button type="submit" class="header-button">"Salir"</button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                        None => view! { <a href="/ingresar">"Ingresar"</a> }.into_any(),
                    })
            }}
        </Transition>
    }
}

/// `/ingresar`
#[component]
pub fn SignInPage() -> impl IntoView {
    let session = Session::get();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next")).unwrap_or_default();
    let error = move || {
        session
            .sign_in
            .value()
            .get()
            .and_then(|result| result.err())
            .map(|e| error_text(&e))
    };
    view! {
        <Title text="Ingresar" />
        <div class="narrow">
            <h1>"Ingresar"</h1>
            {move || error().map(|message| view! {
                <div class="notice notice-error" role="alert" id="login-error">{message}</div>
            })}
            <ActionForm action=session.sign_in attr:class="form">
                <div class="field">
                    <label for="email">"Correo electrónico"</label>
                    <input id="email" name="email" type="email" autocomplete="username" required />
                </div>
                <div class="field">
                    <label for="password">"Contraseña"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required />
                </div>
                <input type="hidden" name="next" prop:value=next />
                <button type="submit" class="button button-primary">"Ingresar"</button>
            </ActionForm>
        </div>
    }
}
