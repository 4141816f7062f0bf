//! `/expedientes`: the cases, with filters and search by reference.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::session::error_text;
use crate::actions::list_cases;
use crate::cases::bolivia_time;
use crate::domain::procedures;

#[component]
pub fn CasesPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with(|q| q.get(name)).filter(|v| !v.is_empty());
    let cases = Resource::new(
        move || (param("procedimiento"), param("estado"), param("referencia")),
        |(procedure, status, reference)| list_cases(procedure, status, reference),
    );
    let procedure_options = procedures::ALL
        .iter()
        .map(|p| view! { <option value=p.code>{format!("{} · {}", p.code, p.name)}</option> })
        .collect_view();
    view! {
        <Title text="Expedientes" />
        <h1>"Expedientes"</h1>
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
            <button type="submit" class="button">"Filtrar"</button>
        </Form>
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
                        Ok(cases) if cases.is_empty() => {
                            view! { <p class="muted">"No hay expedientes con estos filtros."</p> }.into_any()
                        }
                        Ok(cases) => {
                            let rows = cases
                                .into_iter()
                                .map(|case| {
                                    let href = format!("/expedientes/{}", case.id);
                                    let reference = case.reference.clone();
                                    let status = if case.status == "open" { "Abierto" } else { "Cerrado" };
                                    view! {
                                        <tr data-case=reference>
                                            <td><a href=href>{case.reference}</a></td>
                                            <td>{case.title}</td>
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
                                                <th scope="col">"Procedimiento"</th>
                                                <th scope="col">"Estado"</th>
                                                <th scope="col">"Última actualización"</th>
                                            </tr>
                                        </thead>
                                        <tbody>{rows}</tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}
