//! `/bandeja`: the activities that wait for the reader's roles, oldest first.

use crate::components::live::LiveRegion;
use crate::components::pager::{requested_page, Pager};
use leptos::prelude::*;
use leptos_meta::Title;

use super::session::error_text;
use crate::actions::inbox;
use crate::domain::calendar::waited;
use crate::domain::procedures;

#[component]
pub fn InboxPage() -> impl IntoView {
    let page = requested_page();
    let items = Resource::new(page, |page| inbox(page, crate::cases::InboxPart::All));
    view! {
        <Title text="Mi bandeja" />
        <h1>"Mi bandeja"</h1>
        <p class="lead">"Las actividades que esperan por sus roles, empezando por la que más esperó."</p>
        <LiveRegion stream="/api/v1/events".to_owned()>
            <Transition fallback=|| view! { <p>"Cargando…"</p> }>
                {move || {
                    items
                        .get()
                        .map(|result| match result {
                            Err(error) => {
                                view! {
                                    <p class="notice notice-error" role="alert">
                                        {error_text(&error)} " " <a href="/ingresar?next=/bandeja">"Ingresar"</a>
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(page) if page.total == 0 => {
                                view! { <p class="muted">"No hay actividades esperando por sus roles."</p> }.into_any()
                            }
                            Ok(page) => {
                                let pager = view! {
                                    <Pager
                                        total=page.total
                                        shown=page.items.len()
                                        next=page.next
                                        previous=page.previous
                                        one="actividad espera"
                                        many="actividades esperan"
                                    />
                                };
                                let now = crate::domain::calendar::now_ms();
                                let rows = page
                                    .items
                                    .into_iter()
                                    .map(|item| {
                                        let activity = procedures::find(&item.procedure)
                                            .and_then(|p| p.activity(item.activity))
                                            .map(|a| a.title)
                                            .unwrap_or_default();
                                        let href = format!("/expedientes/{}", item.case_id);
                                        let key = format!("{}:{}", item.reference, item.activity);
                                        view! {
                                            <li class="inbox-item" data-inbox=key>
                                                <a href=href>
                                                    <span class="code">{item.reference}</span>
                                                    " "
                                                    {format!("Actividad {} · {activity}", item.activity)}
                                                </a>
                                                <p class="muted">
                                                    {format!("{} · {} · espera {}", item.title, item.entity_name, waited(item.since, now))}
                                                </p>
                                            </li>
                                        }
                                    })
                                    .collect_view();
                                view! { <ol class="inbox">{rows}</ol> {pager} }.into_any()
                            }
                        })
                }}
            </Transition>
        </LiveRegion>
    }
}
