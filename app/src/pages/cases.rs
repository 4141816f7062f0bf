//! `/expedientes`: the cases, with filters and search by reference.

use crate::components::live::LiveRegion;
use crate::components::pager::{requested_page, Pager};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::session::{error_text, Session};
use crate::accounts::EntityChoice;
use crate::actions::{entities_for_opening, list_cases, OpenCase};
use crate::cases::{entities_label, CaseFilter};
use crate::domain::calendar::bolivia_time;
use crate::domain::case_input::MAX_TITLE;
use crate::domain::procedure::{ActivityNumber, Concerns};
use crate::domain::procedures;

/// The export of the history of the cases the page's filters ask for: the
/// API names the same filters in English.
fn history_export_href(param: &dyn Fn(&str) -> Option<String>) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    let mut terms: Vec<String> = [
        ("procedimiento", "procedure"),
        ("estado", "status"),
        ("referencia", "reference"),
        ("actividad", "activity"),
        ("abiertos_en", "opened_in"),
        ("cerrados_en", "closed_in"),
    ]
    .into_iter()
    .filter_map(|(page, api)| {
        // The list reads an activity that is not a number as none.
        let value =
            param(page).filter(|v| page != "actividad" || v.parse::<ActivityNumber>().is_ok())?;
        Some(format!(
            "{api}={}",
            utf8_percent_encode(&value, NON_ALPHANUMERIC)
        ))
    })
    .collect();
    if param("mias").is_some() {
        terms.push("waiting_for_me=true".into());
    }
    if param("vencidos").is_some() {
        terms.push("overdue=true".into());
    }
    format!("/api/v1/history.csv?{}", terms.join("&"))
}

#[component]
pub fn CasesPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name)).filter(|v| !v.is_empty());
    let page = requested_page();
    let cases = Resource::new(
        move || {
            let filter = CaseFilter {
                procedure: param("procedimiento"),
                status: param("estado"),
                entity_id: None,
                reference: param("referencia"),
                waiting_for_me: param("mias").is_some(),
                activity: param("actividad").and_then(|n| n.parse::<ActivityNumber>().ok()),
                overdue: param("vencidos").is_some(),
                opened_in: param("abiertos_en"),
                closed_in: param("cerrados_en"),
            };
            (filter, page())
        },
        |(filter, page)| list_cases(filter, page),
    );
    // Lists opened from the dashboard say what they hold, and keep it.
    let drill_down = move || {
        let activity = param("actividad");
        let overdue = param("vencidos").is_some();
        let opened_in = param("abiertos_en");
        let closed_in = param("cerrados_en");
        (activity.is_some() || overdue || opened_in.is_some() || closed_in.is_some()).then(|| {
            let mut text = if activity.is_some() || overdue {
                "Solo expedientes abiertos".to_owned()
            } else {
                "Solo expedientes".to_owned()
            };
            if let Some(n) = &activity {
                text.push_str(&format!(" en la actividad {n}"));
            }
            if overdue {
                text.push_str(" que pasaron su plazo");
            }
            if let Some(month) = &opened_in {
                text.push_str(&format!(" abiertos en {month}"));
            }
            if let Some(month) = &closed_in {
                text.push_str(&format!(" cerrados en {month}"));
            }
            view! {
                <p class="notice" data-drill-down="">
                    {text} ". " <a href="/expedientes">"Ver todos"</a>
                </p>
            }
        })
    };
    let procedure_options = procedures::current()
        .into_iter()
        .map(|p| view! { <option value=p.code>{format!("{} · {}", p.code, p.name)}</option> })
        .collect_view();
    let session = Session::get();
    let entities = Resource::new(|| (), |_| entities_for_opening());
    let may_open = move || {
        session
            .account
            .get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|a| {
                procedures::current()
                    .into_iter()
                    .any(|p| a.actor().may_start(p))
            })
    };
    view! {
        <Title text="Expedientes" />
        <h1>"Expedientes"</h1>
        <Suspense fallback=|| ()>
            {move || {
                let actor = session.account.get()?.ok().flatten()?.actor();
                let entities = entities.get()?.ok()?;
                let codes: Vec<String> = procedures::current()
                    .into_iter()
                    .filter(|p| actor.may_start(p))
                    .map(|p| p.code.to_owned())
                    .collect();
                may_open().then(|| view! { <OpenCaseForm entities codes /> })
            }}
        </Suspense>
        {drill_down}
        <Form method="GET" action="" attr:class="filters">
            <div class="field">
                <label for="procedimiento">"Procedimiento"</label>
                <select id="procedimiento" name="procedimiento" prop:value=move || param("procedimiento").unwrap_or_default()>
                    <option value="">"Todos"</option>
                    {procedure_options}
                </select>
            </div>
            <div class="field">
                <label for="estado">"Estado"</label>
                <select id="estado" name="estado" prop:value=move || param("estado").unwrap_or_default()>
                    <option value="">"Todos"</option>
                    <option value="open">"Abiertos"</option>
                    <option value="closed">"Cerrados"</option>
                </select>
            </div>
            <div class="field">
                <label for="referencia">"Referencia"</label>
                <input id="referencia" name="referencia" type="search" placeholder="PR6-2026-0007" prop:value=move || param("referencia").unwrap_or_default() />
            </div>
            <div class="radio">
                <input id="mias" name="mias" type="checkbox" value="1" prop:checked=move || param("mias").is_some() />
                <label for="mias">"Solo los que esperan por mis roles"</label>
            </div>
            {move || param("actividad").map(|n| view! { <input type="hidden" name="actividad" value=n /> })}
            {move || param("vencidos").map(|_| view! { <input type="hidden" name="vencidos" value="1" /> })}
            {move || param("abiertos_en").map(|m| view! { <input type="hidden" name="abiertos_en" value=m /> })}
            {move || param("cerrados_en").map(|m| view! { <input type="hidden" name="cerrados_en" value=m /> })}
            <button type="submit" class="button">"Filtrar"</button>
        </Form>
        <Suspense fallback=|| ()>
            {move || {
                let actor = session.account.get()?.ok().flatten()?.actor();
                actor.exports_history().then(|| {
                    view! {
                        <p class="links">
                            <a href=history_export_href(&param) download="" data-history-export="">
                                "Descargar el historial de estos expedientes (CSV)"
                            </a>
                        </p>
                    }
                })
            }}
        </Suspense>
        <LiveRegion stream="/api/v1/events".to_owned()>
            <Transition fallback=|| view! { <p>"Cargando…"</p> }>
                {move || {
                    cases
                        .get()
                        .map(|result| match result {
                            Err(error) => {
                                view! {
                                    <p class="notice notice-error" role="alert">
                                        {error_text(&error)} " " <a href="/ingresar?next=/expedientes">"Ingresar"</a>
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(page) if page.total == 0 => {
                                view! { <p class="muted">"No hay expedientes con estos filtros."</p> }.into_any()
                            }
                            Ok(page) => {
                                let pager = view! {
                                    <Pager
                                        total=page.total
                                        shown=page.items.len()
                                        next=page.next
                                        previous=page.previous
                                        one="expediente"
                                        many="expedientes"
                                    />
                                };
                                let rows = page
                                    .items
                                    .into_iter()
                                    .map(|case| {
                                        let href = format!("/expedientes/{}", case.id);
                                        let reference = case.reference.clone();
                                        let status = case.status.label();
                                        view! {
                                            <tr data-case=reference>
                                                <td><a href=href>{case.reference}</a></td>
                                                <td>{case.title}</td>
                                                <td>{entities_label(&case.entity_names).to_owned()}</td>
                                                <td>{case.procedure}</td>
                                                <td>{status}</td>
                                                <td>{bolivia_time(case.updated_at)}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view();
                                view! {
                                    <div class="table-wrap">
                                        <table class="table">
                                            <thead>
                                                <tr>
                                                    <th scope="col">"Referencia"</th>
                                                    <th scope="col">"Título"</th>
                                                    <th scope="col">"Entidad"</th>
                                                    <th scope="col">"Procedimiento"</th>
                                                    <th scope="col">"Estado"</th>
                                                    <th scope="col">"Última actualización"</th>
                                                </tr>
                                            </thead>
                                            <tbody>{rows}</tbody>
                                        </table>
                                    </div>
                                    {pager}
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </LiveRegion>
    }
}

#[cfg_attr(feature = "islands-other", island)]
#[cfg_attr(not(feature = "islands-other"), component)]
fn OpenCaseForm(entities: Vec<EntityChoice>, codes: Vec<String>) -> impl IntoView {
    let open = ServerAction::<OpenCase>::new();
    Effect::new(move || {
        if let Some(Ok(id)) = open.value().get() {
            let _ = window().location().set_href(&format!("/expedientes/{id}"));
        }
    });
    let procedure_options = procedures::current()
        .into_iter()
        .filter(|p| codes.iter().any(|code| code == p.code))
        .map(|p| view! { <option value=p.code>{format!("{} · {}", p.code, p.name)}</option> })
        .collect_view();
    // Only a procedure that concerns any number of entities opens without one.
    let may_name_none = procedures::current()
        .into_iter()
        .any(|p| p.concerns == Concerns::AnyEntities && codes.iter().any(|code| code == p.code));
    let entity_options = entities
        .into_iter()
        .map(|e| view! { <option value=e.id>{e.name}</option> })
        .collect_view();
    let error = move || {
        open.value()
            .get()
            .and_then(Result::err)
            .map(|e| error_text(&e))
    };
    view! {
        <details class="panel open-case">
            <summary>"Abrir un expediente"</summary>
            {move || error().map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
            <ActionForm action=open attr:class="form">
                <div class="field">
                    <label for="open-procedure">"Procedimiento"</label>
                    <select id="open-procedure" name="procedure">{procedure_options}</select>
                </div>
                <div class="field">
                    <label for="open-entity">"Entidad"</label>
                    <select id="open-entity" name="entity_id" aria-describedby=may_name_none.then_some("open-entity-hint")>
                        {entity_options}
                        {may_name_none.then(|| view! { <option value="">"Ninguna todavía (PR09)"</option> })}
                    </select>
                    {may_name_none.then(|| view! {
                        <p id="open-entity-hint" class="hint">"Un seguimiento PR09 puede abrirse sin entidad: su análisis dirá a cuáles concierne."</p>
                    })}
                </div>
                <div class="field">
                    <label for="open-title">"Título"</label>
                    <input id="open-title" name="title" type="text" maxlength=MAX_TITLE required placeholder="Integración de Ciudadanía Digital al sistema de trámites" />
                </div>
                <button type="submit" class="button button-primary">"Abrir expediente"</button>
            </ActionForm>
        </details>
    }
}
