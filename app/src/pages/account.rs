//! `/cuenta`: the signed-in person's own account, and changing its
//! password (the first thing to do after an administrator's reset).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::session::Session;
use crate::components::json_form::JsonForm;
use crate::domain::accounts::MIN_PASSWORD_CHARS;
use crate::domain::role::roles_label;

#[component]
pub fn AccountPage() -> impl IntoView {
    let session = Session::get();
    let changed = use_query_map().with_untracked(|q| q.get("hecho").is_some());
    view! {
        <Title text="Mi cuenta" />
        <h1>"Mi cuenta"</h1>
        {changed.then(|| view! {
            <p class="notice notice-done" role="status">"Contraseña cambiada. Sus otras sesiones se cerraron."</p>
        })}
        <Transition fallback=|| view! { <p>"Cargando…"</p> }>
            {move || {
                session
                    .account
                    .get()
                    .map(|account| match account.ok().flatten() {
                        None => view! {
                            <p class="notice notice-error" role="alert">
                                "Inicie sesión para ver su cuenta. " <a href="/ingresar?next=/cuenta">"Ingresar"</a>
                            </p>
                        }
                            .into_any(),
                        Some(account) => {
                            let roles = if account.roles.is_empty() {
                                "Sin roles".to_owned()
                            } else {
                                roles_label(&account.roles)
                            };
                            view! {
                                {account.must_change_password.then(|| view! {
                                    <p class="notice notice-error" role="alert">
                                        "Un administrador restableció su contraseña: elija una nueva para continuar."
                                    </p>
                                })}
                                <dl class="facts">
                                    <dt>"Nombre"</dt><dd>{account.name.clone()}</dd>
                                    {account.ci_number.clone().map(|ci| view! { <dt>"Carnet"</dt><dd>{ci}</dd> })}
                                    {account.email.clone().map(|email| view! { <dt>"Correo"</dt><dd>{email}</dd> })}
                                    <dt>"Roles"</dt><dd>{roles}</dd>
                                </dl>
                                {(!account.has_password).then(|| view! {
                                    <p class="muted">"Usted ingresa con Ciudadanía Digital: esta cuenta no tiene contraseña propia."</p>
                                })}
                                <Show when=move || account.has_password>
                                <section class="admin-section" aria-labelledby="contrasena">
                                    <h2 id="contrasena">"Cambiar la contraseña"</h2>
                                    <JsonForm action="/api/v1/me/password".into() method="PUT".into() done="/cuenta?hecho=1".into()>
                                        <div class="field">
                                            <label for="current-password">"Contraseña actual"</label>
                                            <input id="current-password" name="current_password" type="password" required autocomplete="current-password" />
                                        </div>
                                        <div class="field">
                                            <label for="new-password">"Contraseña nueva"</label>
                                            <p class="hint" id="new-password-hint">{format!("Al menos {MIN_PASSWORD_CHARS} caracteres, no solo espacios, y difícil de adivinar: una frase de varias palabras sirve bien. Sus otras sesiones se cerrarán.")}</p>
                                            <input id="new-password" name="new_password" type="password" required minlength=MIN_PASSWORD_CHARS autocomplete="new-password" aria-describedby="new-password-hint" />
                                        </div>
                                        <button type="submit" class="button button-primary">"Cambiar contraseña"</button>
                                    </JsonForm>
                                </section>
                                </Show>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}
