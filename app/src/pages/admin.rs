//! `/administracion`: entities, accounts and the roles each person holds.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::session::error_text;
use crate::accounts::{AccountRow, DueRow, EntityRow};
use crate::actions::{load_administration, load_audit};
use crate::audit::{AuditEvent, AuditFilter, AuditRow};
use crate::components::json_form::{Declare, Declared, JsonForm};
use crate::domain::accounts::{MAX_ENTITY_CODE, MAX_ENTITY_NAME, MIN_PASSWORD_CHARS};
use crate::domain::calendar::bolivia_time;
use crate::domain::procedures;
use crate::domain::role::{roles_label, Role};
use crate::identity::{AccessRequest, MAX_REQUEST_TEXT};

const PATH: &str = "/administracion";

/// What the page says after a change, by the code the change leaves in the
/// address (never text from the address itself).
fn done_message(code: &str) -> Option<&'static str> {
    match code {
        "entidad" => Some("Entidad registrada. Ya puede crear su cuenta y abrirle expedientes."),
        "cuenta" => Some("Cuenta creada. Con carnet, su titular ingresa con Ciudadanía Digital; con contraseña, entréguesela por un canal seguro."),
        "acceso" => Some("Roles actualizados. Las sesiones de esa persona se cerraron: rigen desde su próximo ingreso."),
        "estado" => Some("Estado de la cuenta actualizado. Una cuenta deshabilitada pierde sus sesiones y no puede ingresar."),
        "clave" => Some("Contraseña restablecida y sesiones cerradas. Entréguela a su titular por un canal seguro: deberá elegir otra al ingresar."),
        "sesiones" => Some("Sesiones cerradas. Esa persona deberá ingresar de nuevo."),
        "aceptada" => Some("Solicitud aceptada: la persona ya puede ingresar con Ciudadanía Digital."),
        "rechazada" => Some("Solicitud rechazada. La persona verá el motivo si vuelve a ingresar."),
        "correo" => Some("El correo volverá a enviarse en unos segundos."),
        "plazos" => Some("Plazos guardados. El tablero los usa desde su próxima actualización (a lo sumo un minuto)."),
        _ => None,
    }
}

/// After a change the page loads again, so that every table shows it.
fn done_path(code: &str) -> String {
    format!("{PATH}?hecho={code}")
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let query = use_query_map();
    let done = query
        .with_untracked(|q| q.get("hecho"))
        .as_deref()
        .and_then(done_message);
    let data = Resource::new(|| (), |_| load_administration());
    view! {
        <Title text="Administración" />
        <h1>"Administración"</h1>
        <p class="lead">"Las entidades solicitantes, las cuentas y los roles del manual que cumple cada persona."</p>
        {done.map(|message| view! { <p class="notice notice-done" role="status">{message}</p> })}
        <Transition fallback=|| view! { <p>"Cargando…"</p> }>
            {move || {
                data.get()
                    .map(|result| match result {
                        Err(error) => {
                            view! {
                                <p class="notice notice-error" role="alert">
                                    {error_text(&error)} " " <a href="/ingresar?next=/administracion">"Ingresar con otra cuenta"</a>
                                </p>
                            }
                                .into_any()
                        }
                        Ok(data) => {
                            let choices: Vec<(String, String)> = data
                                .entities
                                .iter()
                                .map(|e| (e.id.clone(), e.name.clone()))
                                .collect();
                            let requests = (!data.access_requests.is_empty()).then(|| view! {
                                <section class="admin-section" aria-labelledby="solicitudes">
                                    <h2 id="solicitudes">"Solicitudes de acceso"</h2>
                                    <p class="muted">"Personas que ingresaron con Ciudadanía Digital y que la aplicación aún no conoce. Nadie entra sin que un administrador le dé roles o una entidad."</p>
                                    <AccessRequests requests=data.access_requests.clone() entities=choices.clone() />
                                </section>
                            });
                            view! {
                                {requests}
                                <UndeliveredMail />
                                <section class="admin-section" aria-labelledby="entidades">
                                    <h2 id="entidades">"Entidades solicitantes"</h2>
                                    <NewEntityForm />
                                    <EntityTable entities=data.entities />
                                </section>
                                <section class="admin-section" aria-labelledby="cuentas">
                                    <h2 id="cuentas">"Cuentas"</h2>
                                    <NewAccountForm entities=choices />
                                    <AccountTable accounts=data.accounts />
                                </section>
                                <section class="admin-section" aria-labelledby="auditoria">
                                    <h2 id="auditoria">"Registro de auditoría"</h2>
                                    <AuditLog />
                                </section>
                                <section class="admin-section" aria-labelledby="plazos">
                                    <h2 id="plazos">"Plazos por actividad"</h2>
                                    <p class="muted">"Cuánto puede esperar cada actividad antes de contarse como vencida en el tablero y en los avisos. El manual no fija plazos: son una política de este servicio. Vacío: el plazo por defecto (3 días para AGETIC, 10 para la entidad)."</p>
                                    <DueTimesForms rows=data.due_times />
                                </section>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
    }
}

#[component]
fn EntityTable(entities: Vec<EntityRow>) -> impl IntoView {
    if entities.is_empty() {
        return view! { <p class="muted">"Aún no hay entidades registradas."</p> }.into_any();
    }
    let rows = entities
        .into_iter()
        .map(|e| {
            let key = e.code.clone();
            view! {
                <tr data-entity=key>
                    <td>{e.name}</td>
                    <td class="code">{e.code}</td>
                    <td>{e.accounts}</td>
                    <td>{e.open_cases}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"Entidades solicitantes registradas"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Nombre"</th>
                        <th scope="col">"Código"</th>
                        <th scope="col">"Cuentas"</th>
                        <th scope="col">"Expedientes abiertos"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn AccountTable(accounts: Vec<AccountRow>) -> impl IntoView {
    let rows = accounts
        .into_iter()
        .map(|account| {
            let kind = match &account.entity {
                Some(entity) => format!("Entidad: {entity}"),
                None if account.is_admin => "Personal · administrador".to_owned(),
                None => "Personal".to_owned(),
            };
            let roles = if account.roles.is_empty() {
                "Sin roles".to_owned()
            } else {
                roles_label(&account.roles)
            };
            let editor = account.entity.is_none().then(|| {
                view! {
                    <AccessEditor
                        account_id=account.id.clone()
                        email=account.name.clone()
                        roles=account.roles.clone()
                        is_admin=account.is_admin
                    />
                }
            });
            let key = account.email.clone().unwrap_or_else(|| account.name.clone());
            let status = if account.disabled { "Deshabilitada" } else { "Habilitada" };
            // The name shows once Ciudadanía Digital gave it; the e-mail and
            // the identity card stay visible beside it.
            let details = [
                account.email.clone().filter(|email| *email != account.name),
                account.ci_number.clone().map(|ci| format!("CI {ci}")),
            ]
            .into_iter()
            .flatten()
            .filter(|detail| *detail != account.name)
            .collect::<Vec<_>>()
            .join(" · ");
            view! {
                <tr data-account=key>
                    <td>
                        {account.name.clone()}
                        {(!details.is_empty()).then(|| view! { <br /><small class="muted">{details}</small> })}
                    </td>
                    <td>{kind}</td>
                    <td class="account-roles">{roles}</td>
                    <td>{status}</td>
                    <td>{bolivia_time(account.created_at)}</td>
                    <td>
                        {editor}
                        <AccountActions account_id=account.id email=account.name disabled=account.disabled />
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"Cuentas y sus roles"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Persona"</th>
                        <th scope="col">"Tipo"</th>
                        <th scope="col">"Roles"</th>
                        <th scope="col">"Estado"</th>
                        <th scope="col">"Creada"</th>
                        <th scope="col"><span class="visually-hidden">"Acciones"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// Check boxes for the staff roles, sent as the `roles` array.
#[component]
fn RoleChecklist(id_prefix: String, initial: Vec<Role>) -> impl IntoView {
    let boxes = Role::ALL
        .into_iter()
        .filter(|role| *role != Role::Entidad)
        .map(|role| {
            let id = format!("{id_prefix}-{}", role.slug());
            view! {
                <div class="radio">
                    <input id=id.clone() type="checkbox" name="roles[]" value=role.slug() checked=initial.contains(&role) />
                    <label for=id>{role.label()}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="choices role-checklist">
            <legend>"Roles del manual (solo el personal de AGETIC)"</legend>
            <Declare name="roles".into() kind=Declared::List />
            <div class="role-grid">{boxes}</div>
        </fieldset>
    }
}

#[component]
fn NewEntityForm() -> impl IntoView {
    view! {
        <details class="panel admin-form">
            <summary>"Registrar una entidad"</summary>
            <JsonForm action="/api/v1/entities".into() method="POST".into() done=done_path("entidad")>
                <div class="field">
                    <label for="entity-name">"Nombre"</label>
                    <input id="entity-name" name="name" type="text" required maxlength=MAX_ENTITY_NAME placeholder="Ministerio de Salud y Deportes" />
                </div>
                <div class="field">
                    <label for="entity-code">"Código"</label>
                    <p class="hint" id="entity-code-hint">"Sigla con letras sin tilde, números y guiones; se guarda en mayúsculas."</p>
                    <input id="entity-code" name="code" type="text" required maxlength=MAX_ENTITY_CODE aria-describedby="entity-code-hint" placeholder="MSD" autocapitalize="characters" />
                </div>
                <button type="submit" class="button button-primary">"Registrar entidad"</button>
            </JsonForm>
        </details>
    }
}

#[component]
fn NewAccountForm(entities: Vec<(String, String)>) -> impl IntoView {
    let entity_options = entities
        .into_iter()
        .map(|(id, name)| view! { <option value=id>{name}</option> })
        .collect_view();
    view! {
        <details class="panel admin-form">
            <summary>"Crear una cuenta"</summary>
            <JsonForm action="/api/v1/users".into() method="POST".into() done=done_path("cuenta")>
                <div class="field">
                    <label for="account-ci-number">"Carnet de identidad"</label>
                    <p class="hint" id="account-ci-hint">"La persona ingresa con Ciudadanía Digital, que la reconoce por su carnet: 4789123, 4789123-1A o 4789123 LP."</p>
                    <input id="account-ci-number" name="ci_number" type="text" autocomplete="off" aria-describedby="account-ci-hint" />
                </div>
                <div class="field">
                    <label for="account-email">"Correo electrónico (opcional con carnet)"</label>
                    <input id="account-email" name="email" type="email" autocomplete="off" placeholder="nombre@agetic.gob.bo" />
                </div>
                <div class="field">
                    <label for="account-password">"Contraseña inicial (solo sin carnet, o para un acceso de emergencia)"</label>
                    <p class="hint" id="account-password-hint">{format!("Al menos {MIN_PASSWORD_CHARS} caracteres; una frase de varias palabras es fácil de recordar y difícil de adivinar.")}</p>
                    <input id="account-password" name="password" type="password" minlength=MIN_PASSWORD_CHARS autocomplete="new-password" aria-describedby="account-password-hint" />
                </div>
                <div class="field">
                    <label for="account-entity-id">"Entidad"</label>
                    <p class="hint" id="account-entity-hint">"Deje «Ninguna» para el personal de AGETIC; una cuenta de entidad actúa solo como su entidad."</p>
                    <select id="account-entity-id" name="entity_id" aria-describedby="account-entity-hint">
                        <option value="">"Ninguna: personal de AGETIC"</option>
                        {entity_options}
                    </select>
                </div>
                <RoleChecklist id_prefix="new-role".to_owned() initial=Vec::new() />
                <div class="radio">
                    <input id="account-admin" name="is_admin" type="checkbox" />
                    <Declare name="is_admin".into() kind=Declared::Bool />
                    <label for="account-admin">"Administrador (entidades, cuentas y roles)"</label>
                </div>
                <button type="submit" class="button button-primary">"Crear cuenta"</button>
            </JsonForm>
        </details>
    }
}

#[component]
fn AccessEditor(
    account_id: String,
    email: String,
    roles: Vec<Role>,
    is_admin: bool,
) -> impl IntoView {
    let prefix = format!("access-{account_id}");
    let admin_id = format!("{prefix}-admin");
    view! {
        <details class="access-editor">
            <summary class="button button-small">"Cambiar roles"<span class="visually-hidden">{format!(" de {email}")}</span></summary>
            <JsonForm action=format!("/api/v1/users/{account_id}/access") method="PUT".into() done=done_path("acceso")>
                <RoleChecklist id_prefix=prefix initial=roles />
                <div class="radio">
                    <input id=admin_id.clone() name="is_admin" type="checkbox" checked=is_admin />
                    <Declare name="is_admin".into() kind=Declared::Bool />
                    <label for=admin_id>"Administrador"</label>
                </div>
                <button type="submit" class="button button-primary">"Guardar roles"</button>
            </JsonForm>
        </details>
    }
}

/// The pending requests for access, each with its acceptance (roles or an
/// entity) and its rejection (with the reason the person will read).
#[component]
fn AccessRequests(requests: Vec<AccessRequest>, entities: Vec<(String, String)>) -> impl IntoView {
    requests
        .into_iter()
        .map(|request| {
            let id = request.id.clone();
            let prefix = format!("request-{id}");
            let entity_select = format!("{prefix}-entity");
            let admin_box = format!("{prefix}-admin");
            let reason = format!("{prefix}-reason");
            let options = entities
                .iter()
                .map(|(id, name)| view! { <option value=id.clone()>{name.clone()}</option> })
                .collect_view();
            view! {
                <article class="panel access-request" data-request=id.clone()>
                    <h3>{request.full_name.clone()}</h3>
                    <dl class="facts">
                        <dt>"Carnet"</dt><dd>{request.ci_number.clone()}</dd>
                        <dt>"Correo"</dt><dd>{request.email.clone().unwrap_or_else(|| "(sin correo)".into())}</dd>
                        <dt>"Dice trabajar en"</dt><dd>{request.claimed_entity.clone().unwrap_or_else(|| "(aún no lo indicó)".into())}</dd>
                        {request.note.clone().map(|note| view! { <dt>"Comentario"</dt><dd>{note}</dd> })}
                        <dt>"Desde"</dt><dd>{bolivia_time(request.requested_at)}</dd>
                    </dl>
                    <details class="access-editor">
                        <summary class="button button-small">"Aceptar"</summary>
                        <JsonForm action=format!("/api/v1/access-requests/{id}/accept") method="POST".into() done=done_path("aceptada")>
                            <div class="field">
                                <label for=entity_select.clone()>"Entidad"</label>
                                <select id=entity_select name="entity_id">
                                    <option value="">"Ninguna: personal de AGETIC (elija sus roles)"</option>
                                    {options}
                                </select>
                            </div>
                            <RoleChecklist id_prefix=prefix.clone() initial=Vec::new() />
                            <div class="radio">
                                <input id=admin_box.clone() name="is_admin" type="checkbox" />
                                <Declare name="is_admin".into() kind=Declared::Bool />
                                <label for=admin_box>"Administrador"</label>
                            </div>
                            <button type="submit" class="button button-primary">"Aceptar y crear la cuenta"</button>
                        </JsonForm>
                    </details>
                    <details class="access-editor">
                        <summary class="button button-small">"Rechazar"</summary>
                        <JsonForm action=format!("/api/v1/access-requests/{id}/reject") method="POST".into() done=done_path("rechazada")>
                            <div class="field">
                                <label for=reason.clone()>"Motivo (la persona lo leerá)"</label>
                                <input id=reason name="reason" type="text" required maxlength=MAX_REQUEST_TEXT />
                            </div>
                            <button type="submit" class="button">"Rechazar la solicitud"</button>
                        </JsonForm>
                    </details>
                </article>
            }
        })
        .collect_view()
}

/// Disable or enable an account, reset its password, end its sessions.
#[component]
fn AccountActions(account_id: String, email: String, disabled: bool) -> impl IntoView {
    let password_id = format!("reset-{account_id}");
    let (status_label, status_value) = if disabled {
        ("Habilitar la cuenta", "false")
    } else {
        ("Deshabilitar la cuenta", "true")
    };
    view! {
        <details class="access-editor">
            <summary class="button button-small">"Más acciones"<span class="visually-hidden">{format!(" sobre {email}")}</span></summary>
            <JsonForm action=format!("/api/v1/users/{account_id}/status") method="PUT".into() done=done_path("estado")>
                <input type="radio" name="disabled" value=status_value checked hidden />
                <Declare name="disabled".into() kind=Declared::Bool />
                <button type="submit" class="button button-small">{status_label}</button>
            </JsonForm>
            <JsonForm action=format!("/api/v1/users/{account_id}/password") method="PUT".into() done=done_path("clave")>
                <div class="field">
                    <label for=password_id.clone()>"Contraseña temporal"</label>
                    <input id=password_id name="password" type="password" required minlength=MIN_PASSWORD_CHARS autocomplete="new-password" />
                </div>
                <button type="submit" class="button button-small">"Restablecer contraseña"</button>
            </JsonForm>
            <JsonForm action=format!("/api/v1/users/{account_id}/sessions") method="DELETE".into() done=done_path("sesiones")>
                <button type="submit" class="button button-small">"Cerrar sus sesiones"</button>
            </JsonForm>
        </details>
    }
}

/// The newest entries of the audit log, filtered by the address's
/// `evento` and `quien`, with the same as CSV.
#[component]
fn AuditLog() -> impl IntoView {
    let query = use_query_map();
    let filter = query.with_untracked(|q| AuditFilter {
        event: q.get("evento").filter(|e| !e.is_empty()),
        who: q.get("quien").filter(|w| !w.trim().is_empty()),
        before: None,
    });
    let csv = {
        let mut params = leptos_router::params::ParamsMap::new();
        if let Some(event) = &filter.event {
            params.insert("event", event.clone());
        }
        if let Some(who) = &filter.who {
            params.insert("who", who.clone());
        }
        format!("/api/v1/audit.csv{}", params.to_query_string())
    };
    let chosen = filter.event.clone().unwrap_or_default();
    let options = AuditEvent::ALL
        .into_iter()
        .map(|event| {
            view! { <option value=event.slug() selected=chosen == event.slug()>{event.label()}</option> }
        })
        .collect_view();
    let who = filter.who.clone().unwrap_or_default();
    let entries = Resource::new(move || (), move |_| load_audit(filter.clone()));
    view! {
        <form class="filters" method="get" action=PATH>
            <div class="field">
                <label for="audit-event">"Evento"</label>
                <select id="audit-event" name="evento">
                    <option value="">"Todos"</option>
                    {options}
                </select>
            </div>
            <div class="field">
                <label for="audit-who">"Persona o entidad"</label>
                <input id="audit-who" name="quien" type="search" value=who />
            </div>
            <button type="submit" class="button">"Filtrar"</button>
            <a class="button" href=csv download>"Descargar CSV"</a>
        </form>
        <Transition fallback=|| view! { <p>"Cargando…"</p> }>
            {move || {
                entries
                    .get()
                    .map(|result| match result {
                        Err(error) => view! { <p class="notice notice-error" role="alert">{error_text(&error)}</p> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <p class="muted">"Ningún registro con esos filtros."</p> }.into_any(),
                        Ok(rows) => view! { <AuditTable rows /> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn AuditTable(rows: Vec<AuditRow>) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|row| {
            let label = AuditEvent::from_slug(&row.event)
                .map_or(row.event.clone(), |e| e.label().to_owned());
            let detail = match &row.detail {
                serde_json::Value::Object(map) if map.is_empty() => String::new(),
                other => other.to_string(),
            };
            view! {
                <tr data-event=row.event.clone()>
                    <td>{bolivia_time(row.at)}</td>
                    <td>{label}</td>
                    <td>{row.actor_email.unwrap_or_default()}</td>
                    <td>{row.subject.unwrap_or_default()}</td>
                    <td class="code">{row.address.unwrap_or_default()}</td>
                    <td class="audit-detail">{detail}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"Registro de auditoría, lo más reciente primero"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Fecha"</th>
                        <th scope="col">"Evento"</th>
                        <th scope="col">"Quién"</th>
                        <th scope="col">"Sobre"</th>
                        <th scope="col">"Dirección"</th>
                        <th scope="col">"Detalle"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// One form per procedure, a field per activity.
#[component]
fn DueTimesForms(rows: Vec<DueRow>) -> impl IntoView {
    procedures::current()
        .into_iter()
        .map(|procedure| {
            let fields = rows
                .iter()
                .filter(|row| row.procedure == procedure.code)
                .map(|row| {
                    let id = format!("due-{}-{}", procedure.code, row.activity);
                    let title = procedure.activity(row.activity).map(|a| a.title).unwrap_or_default();
                    view! {
                        <tr>
                            <td>{row.activity}</td>
                            <td><label for=id.clone()>{title}</label></td>
                            <td>
                                <input
                                    id=id
                                    name=row.activity.to_string()
                                    type="number"
                                    min="1"
                                    max="8760"
                                    inputmode="numeric"
                                    class="due-input"
                                    value=row.set_hours.map(|h| h.to_string()).unwrap_or_default()
                                    placeholder=row.default_hours.to_string()
                                />
                                " h"
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <details class="panel admin-form" data-due=procedure.code>
                    <summary>{format!("{} · {}", procedure.code, procedure.name)}</summary>
                    <JsonForm action=format!("/api/v1/due-times/{}", procedure.code) method="PUT".into() done=done_path("plazos")>
                        <div class="table-wrap">
                            <table class="table">
                                <thead>
                                    <tr>
                                        <th scope="col">"N°"</th>
                                        <th scope="col">"Actividad"</th>
                                        <th scope="col">"Plazo (horas)"</th>
                                    </tr>
                                </thead>
                                <tbody>{fields}</tbody>
                            </table>
                        </div>
                        <button type="submit" class="button button-primary">{format!("Guardar plazos de {}", procedure.code)}</button>
                    </JsonForm>
                </details>
            }
        })
        .collect_view()
}

/// Mail given up on after its last try (or refused for good), so that an
/// administrator sees whom a notice never reached and may send it again.
#[component]
fn UndeliveredMail() -> impl IntoView {
    let failed = Resource::new(|| (), |_| crate::actions::undelivered_mail());
    view! {
        <Transition fallback=|| ()>
            {move || {
                failed
                    .get()
                    .and_then(Result::ok)
                    .filter(|mail| !mail.is_empty())
                    .map(|mail| {
                        let rows = mail
                            .into_iter()
                            .map(|m| {
                                let what = if m.digest { "Resumen diario" } else { "Aviso" };
                                view! {
                                    <tr data-failed-mail=m.id.clone()>
                                        <td>{m.person}</td>
                                        <td>{m.email.unwrap_or_else(|| "(sin correo)".into())}</td>
                                        <td>{what}</td>
                                        <td>{bolivia_time(m.failed_at)}</td>
                                        <td>{format!("{} intentos · {}", m.attempts, m.last_error)}</td>
                                        <td>
                                            <JsonForm action=format!("/api/v1/mail/{}/retry", m.id) method="POST".into() done=done_path("correo")>
                                                <button type="submit" class="button button-small">"Reintentar"</button>
                                            </JsonForm>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view();
                        view! {
                            <section class="admin-section" aria-labelledby="correos">
                                <h2 id="correos">"Correos no entregados"</h2>
                                <p class="muted">"Avisos que el servidor de correo no aceptó tras el último intento. En la aplicación sí se ven."</p>
                                <table class="table">
                                    <thead><tr><th>"Persona"</th><th>"Correo"</th><th>"Qué"</th><th>"Desde"</th><th>"Último error"</th><th></th></tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </section>
                        }
                    })
            }}
        </Transition>
    }
}
