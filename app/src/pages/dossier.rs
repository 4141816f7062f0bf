//! `/expedientes/{id}/expediente`: the case's dossier (hoja de ruta), the
//! whole record on one page that prints cleanly on A4, with its PDF, CSV
//! and JSON for archives.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::session::error_text;
use crate::actions::load_dossier;
use crate::components::flowchart::FlowchartDrawing;
use crate::dossier::Dossier;

#[component]
pub fn DossierPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let dossier = Resource::new(id, load_dossier);
    view! {
        <Suspense fallback=|| view! { <p>"Cargando la hoja de ruta…"</p> }>
            {move || {
                dossier
                    .get()
                    .map(|answer| match answer {
                        Ok(dossier) => view! { <DossierView dossier /> }.into_any(),
                        Err(error) => {
                            let next = format!("/ingresar?next=/expedientes/{}/expediente", id());
                            view! {
                                <Title text="Hoja de ruta" />
                                <h1>"Hoja de ruta"</h1>
                                <p class="notice notice-error" role="alert">{error_text(&error)}</p>
                                <p><a href=next>"Ingresar"</a> " · " <a href="/expedientes">"Ver los expedientes"</a></p>
                            }
                                .into_any()
                        }
                    })
            }}
        </Suspense>
    }
}

#[component]
fn DossierView(dossier: Dossier) -> impl IntoView {
    let case = &dossier.case;
    let procedure = dossier.procedure();
    let api = format!("/api/v1/cases/{}/dossier", case.id);
    let header = dossier
        .header()
        .into_iter()
        .map(|(label, value)| view! { <dt>{label}</dt> <dd>{value}</dd> })
        .collect_view();
    let lines = dossier
        .lines()
        .into_iter()
        .map(|line| {
            let output = (!line.output_reference.is_empty())
                .then(|| format!("{}: {}", line.output, line.output_reference));
            let files =
                (!line.files.is_empty()).then(|| format!("Archivos: {}", line.files.join(", ")));
            view! {
                <tr data-history-activity=line.activity.map(|n| n.to_string())>
                    <td class="num">{line.order}</td>
                    <td class="nowrap">{line.when()}</td>
                    <td>{line.who()}</td>
                    <td>
                        {line.what.clone()}
                        {output.map(|o| view! { <br /> <span class="muted">{o}</span> })}
                        {files.map(|f| view! { <br /> <span class="muted">{f}</span> })}
                    </td>
                    <td class="nowrap">{line.took()}</td>
                    <td>{line.comment.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let forms = dossier.form_lines();
    let form_rows = (!forms.is_empty()).then(|| {
        let rows = forms
            .into_iter()
            .map(|form| {
                view! {
                    <tr>
                        <td>{form.title}</td>
                        <td class="num">{form.version}</td>
                        <td>{form.reference}</td>
                        <td>{format!("{} por {}", form.sent, form.sent_by)}</td>
                        <td>{form.status}</td>
                        <td>{form.observations}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="table dossier-table">
                    <thead>
                        <tr>
                            <th scope="col">"Formulario"</th>
                            <th scope="col">"Versión"</th>
                            <th scope="col">"Referencia"</th>
                            <th scope="col">"Enviado"</th>
                            <th scope="col">"Estado"</th>
                            <th scope="col">"Observaciones"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    let walked = dossier.walked_sentence();
    let state = case.diagram_state();
    let reference = case.reference.clone();
    view! {
        <Title text=format!("Hoja de ruta {reference}") />
        <nav class="breadcrumbs" aria-label="Ruta">
            <a href="/expedientes">"Expedientes"</a>
            " / "
            <a href=format!("/expedientes/{}", case.id)>{reference.clone()}</a>
            " / "
            <span aria-current="page">"Hoja de ruta"</span>
        </nav>
        // A table whose head the printer repeats on every sheet: the
        // reference tops each page of the printed dossier.
        <table class="dossier-sheet" role="presentation">
            <thead>
                <tr>
                    <td>
                        <p class="dossier-running">
                            {format!("Hoja de ruta · {reference} · {} versión {}", case.manual.code, case.manual.version)}
                        </p>
                    </td>
                </tr>
            </thead>
            <tbody>
                <tr>
                    <td>
                        <article class="dossier">
                            <h1>"Hoja de ruta del expediente " <span class="code">{reference.clone()}</span></h1>
                            <p class="lead">{case.title.clone()}</p>
                            <div class="button-row no-print">
                                <a class="button button-primary" href=format!("{api}.pdf") download="">"Descargar PDF"</a>
                                <a class="button" href=format!("{api}.csv") download="">"Historial en CSV"</a>
                                <a class="button" href=api.clone() rel="external">"Datos en JSON"</a>
                            </div>
                            <p class="muted no-print">"Para imprimirla, use Imprimir en su navegador: la página se ajusta a hojas A4."</p>
                            <dl class="dossier-header">{header}</dl>

                            <section aria-labelledby="dossier-history">
                                <h2 id="dossier-history">"Historial"</h2>
                                <div class="table-wrap">
                                    <table class="table dossier-table">
                                        <thead>
                                            <tr>
                                                <th scope="col">"N.º"</th>
                                                <th scope="col">"Fecha y hora"</th>
                                                <th scope="col">"Quién"</th>
                                                <th scope="col">"Qué hizo"</th>
                                                <th scope="col">"Duración"</th>
                                                <th scope="col">"Comentario"</th>
                                            </tr>
                                        </thead>
                                        <tbody>{lines}</tbody>
                                    </table>
                                </div>
                            </section>

                            <section aria-labelledby="dossier-forms">
                                <h2 id="dossier-forms">"Formularios enviados"</h2>
                                {form_rows.map(IntoAny::into_any).unwrap_or_else(|| {
                                    view! { <p>"No se enviaron formularios en este expediente."</p> }.into_any()
                                })}
                            </section>

                            <section class="dossier-path" aria-labelledby="dossier-path">
                                <h2 id="dossier-path">"Recorrido"</h2>
                                <p>{walked}</p>
                                <p class="muted">{format!("{} · {} versión {}", procedure.name, procedure.printed_code, procedure.version)}</p>
                                <FlowchartDrawing procedure state printed=true />
                            </section>
                            <p class="muted dossier-generated">{dossier.generated_sentence()}</p>
                        </article>
                    </td>
                </tr>
            </tbody>
        </table>
    }
}
