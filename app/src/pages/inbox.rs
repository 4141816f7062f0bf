//! `/bandeja`: the activities derived to the reader, then those that wait
//! for anyone with their roles, oldest first.

use crate::components::live::LiveRegion;
use crate::components::pager::{requested_page, Pager};
use leptos::prelude::*;
use leptos_meta::Title;

use super::session::error_text;
use crate::actions::inbox;
use crate::cases::{entities_label, InboxItem, InboxPart};
use crate::domain::calendar::waited;
use crate::domain::procedures;
use crate::paging::PageRequest;

#[component]
pub fn InboxPage() -> impl IntoView {
    let page = requested_page();
    // What is derived to the person: a short list, shown whole.
    let mine = Resource::new(
        || (),
        |_| {
            inbox(
                PageRequest {
                    limit: Some(100),
                    ..PageRequest::default()
                },
                InboxPart::AssignedToMe,
            )
        },
    );
    let for_roles = Resource::new(page, |page| inbox(page, InboxPart::ForMyRoles));
    view! {
        <Title text="Mi bandeja" />
        <h1>"Mi bandeja"</h1>
        <p class="lead">"Las actividades que le derivaron y las que esperan por sus roles, empezando por la que más esperó."</p>
        <LiveRegion stream="/api/v1/events".to_owned()>
            <Transition fallback=|| view! { <p>"Cargando…"</p> }>
                {move || {
                    let mine = mine.get()?;
                    let for_roles = for_roles.get()?;
                    Some(match (mine, for_roles) {
                        (Err(error), _) | (_, Err(error)) => {
                            view! {
                                <p class="notice notice-error" role="alert">
                                    {error_text(&error)} " " <a href="/ingresar?next=/bandeja">"Ingresar"</a>
                                </p>
                            }
                                .into_any()
                        }
                        (Ok(mine), Ok(for_roles)) => {
                            let pager = (for_roles.total > 0).then(|| view! {
                                <Pager
                                    total=for_roles.total
                                    shown=for_roles.items.len()
                                    next=for_roles.next.clone()
                                    previous=for_roles.previous.clone()
                                    one="actividad espera"
                                    many="actividades esperan"
                                />
                            });
                            view! {
                                <section aria-labelledby="asignadas" data-inbox-part="assigned-to-me">
                                    <h2 id="asignadas">{format!("Asignadas a mí ({})", mine.total)}</h2>
                                    {if mine.items.is_empty() {
                                        view! { <p class="muted">"Nadie le derivó actividades por ahora."</p> }.into_any()
                                    } else {
                                        view! { <InboxRows items=mine.items /> }.into_any()
                                    }}
                                </section>
                                <section aria-labelledby="de-mis-roles" data-inbox-part="for-my-roles">
                                    <h2 id="de-mis-roles">{format!("De mis roles ({})", for_roles.total)}</h2>
                                    <p class="muted">"Sin asignar: cualquiera con el rol puede tomarlas desde el expediente."</p>
                                    {if for_roles.items.is_empty() {
                                        view! { <p class="muted">"No hay actividades esperando por sus roles."</p> }.into_any()
                                    } else {
                                        view! { <InboxRows items=for_roles.items /> }.into_any()
                                    }}
                                    {pager}
                                </section>
                            }
                                .into_any()
                        }
                    })
                }}
            </Transition>
        </LiveRegion>
    }
}

#[component]
fn InboxRows(items: Vec<InboxItem>) -> impl IntoView {
    let now = crate::domain::calendar::now_ms();
    let rows = items
        .into_iter()
        .map(|item| {
            let activity = procedures::definition(&item.procedure, item.procedure_version)
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
                        {format!("{} · {} · espera {}", item.title, entities_label(&item.entity_names), waited(item.since, now))}
                    </p>
                </li>
            }
        })
        .collect_view();
    view! { <ol class="inbox">{rows}</ol> }
}
