//! `/avisos`: the person's notices, newest first, marked read one by one
//! or all at once, and how they want them by e-mail.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::session::error_text;
use crate::actions::{my_mail_preference, my_notices};
use crate::components::json_form::JsonForm;
use crate::domain::calendar::bolivia_time;
use crate::domain::derivation::MailPreference;
use crate::notifications::NotificationList;

#[component]
pub fn NoticesPage() -> impl IntoView {
    let saved = use_query_map()
        .with_untracked(|q| q.get("hecho"))
        .is_some_and(|done| done == "preferencias");
    let list = Resource::new(|| (), |_| my_notices());
    let preference = Resource::new(|| (), |_| my_mail_preference());
    view! {
        <Title text="Avisos" />
        <h1>"Avisos"</h1>
        <p class="lead">"Lo que le derivaron, lo que espera a sus roles y los plazos que vencen o vencieron."</p>
        {saved.then(|| view! { <p class="notice notice-done" role="status">"Se guardó cómo quiere recibir los avisos por correo."</p> })}
        // Not a live region: its buttons are islands, which a region's
        // fresh markup would leave inert. The bell follows new notices.
        <Transition fallback=|| view! { <p>"Cargando…"</p> }>
                {move || {
                    list.get()
                        .map(|result| match result {
                            Err(error) => view! {
                                <p class="notice notice-error" role="alert">
                                    {error_text(&error)} " " <a href="/ingresar?next=/avisos">"Ingresar"</a>
                                </p>
                            }
                                .into_any(),
                            Ok(list) => view! { <NoticeList list /> }.into_any(),
                        })
                }}
        </Transition>
        <Transition fallback=|| ()>
            {move || {
                preference
                    .get()
                    .and_then(Result::ok)
                    .map(|p| MailPreference::from_slug(&p.mail).unwrap_or_default())
                    .map(|current| view! { <MailChoice current /> })
            }}
        </Transition>
    }
}

#[component]
fn NoticeList(list: NotificationList) -> impl IntoView {
    if list.items.is_empty() {
        return view! { <p class="muted">"No tiene avisos."</p> }.into_any();
    }
    let unread = list.unread;
    let items = list
        .items
        .into_iter()
        .map(|item| {
            let href = format!("/expedientes/{}", item.case_id);
            let text = item.text();
            let read = item.read;
            let mark = (!read).then(|| {
                view! {
                    <JsonForm action=format!("/api/v1/notifications/{}/read", item.id) method="POST".into() done="/avisos".into()>
                        <button type="submit" class="button button-small">"Marcar como leído"</button>
                    </JsonForm>
                }
            });
            view! {
                <li class="notice-item" class:unread=!read data-notice=item.id.clone() data-kind=item.kind.clone()>
                    <a href=href>{text}</a>
                    <p class="muted">{bolivia_time(item.at)}{read.then_some(" · leído")}</p>
                    {mark}
                </li>
            }
        })
        .collect_view();
    view! {
        <p data-unread=unread>
            {match unread {
                0 => "Leyó todos sus avisos.".to_owned(),
                1 => "1 aviso sin leer.".to_owned(),
                n => format!("{n} avisos sin leer."),
            }}
        </p>
        {(unread > 0).then(|| view! {
            <JsonForm action="/api/v1/notifications/read".into() method="POST".into() done="/avisos".into()>
                <button type="submit" class="button">"Marcar todos como leídos"</button>
            </JsonForm>
        })}
        <ol class="notice-list">{items}</ol>
    }
    .into_any()
}

#[component]
fn MailChoice(current: MailPreference) -> impl IntoView {
    let options = MailPreference::ALL
        .into_iter()
        .map(|option| {
            let id = format!("mail-{}", option.slug());
            view! {
                <div class="radio">
                    <input type="radio" id=id.clone() name="mail" value=option.slug() checked=option == current />
                    <label for=id>{option.label()}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="correo">
            <h2 id="correo">"Avisos por correo electrónico"</h2>
            <p class="muted">"Los avisos siempre se ven aquí y en la campana. Por correo llegan a la dirección de su cuenta, con la referencia del expediente, la actividad y un enlace."</p>
            <JsonForm action="/api/v1/notification-preferences".into() method="PUT".into() done="/avisos?hecho=preferencias".into()>
                <fieldset class="choices">
                    <legend>"¿Cuántos correos quiere recibir?"</legend>
                    {options}
                </fieldset>
                <button type="submit" class="button button-primary">"Guardar"</button>
            </JsonForm>
        </section>
    }
}
