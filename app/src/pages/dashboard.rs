//! `/tablero`: the managers' figures, tablet first. Charts are SVG drawn
//! here, each with its numbers as a table; every figure links to its cases.
//! The page reloads itself every minute.

use crate::components::live::LiveRegion;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::session::error_text;
use crate::actions::load_dashboard;
use crate::dashboard::{axis_ticks, counted, duration_label, month_label, month_series};
use crate::domain::calendar::{bolivia_time, now_ms, span};
use crate::domain::integrations::IntegrationStats;
use crate::domain::procedures;
use crate::domain::stats::{MonthCount, ProcedureStats, Spread, Stats};

const REFRESH_SECONDS: u32 = 60;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let stats = Resource::new(|| (), |_| load_dashboard());
    view! {
        <Title text="Tablero" />
        <Meta http_equiv="refresh" content=REFRESH_SECONDS.to_string() />
        <h1>"Tablero"</h1>
        <LiveRegion stream="/api/v1/stats/events".to_owned()>
            <Suspense fallback=|| view! { <p>"Cargando…"</p> }>
                {move || {
                    stats.get().map(|result| match result {
                        Err(error) => view! {
                            <p class="notice notice-error" role="alert">
                                {error_text(&error)} " " <a href="/ingresar?next=/tablero">"Ingresar"</a>
                            </p>
                        }
                        .into_any(),
                        Ok(stats) => dashboard(stats),
                    })
                }}
            </Suspense>
        </LiveRegion>
    }
}

/// The manual sets no deadlines: what counts as overdue is this service's
/// own policy, said wherever it is shown or set.
const DUE_POLICY: &str = "Los plazos no son del manual, que no fija ninguno: son una política de este servicio (por defecto 3 días para las actividades de AGETIC y 10 para las de la entidad), que los administradores ajustan.";

/// Figures older than promised say so at once, while newer ones are computed
/// and take their place on this page by themselves.
fn stale_notice(generated_at: i64, now: i64) -> Option<impl IntoView> {
    (now - generated_at > i64::from(REFRESH_SECONDS) * 1_000).then(|| {
        view! {
            <p class="notice notice-warning" role="status" data-stale-figures="">
                {format!(
                    "Estas cifras son de hace {}: se están calculando de nuevo y aparecerán aquí solas.",
                    span(generated_at, now)
                )}
            </p>
        }
    })
}

fn dashboard(stats: Stats) -> AnyView {
    let tiles = view! {
        <ul class="tiles">
            <li><a class="tile" href="/expedientes?estado=open" data-figure="open"><span class="tile-figure">{stats.open}</span>{if stats.open == 1 { " abierto" } else { " abiertos" }}</a></li>
            <li><a class="tile" href="/expedientes?estado=closed" data-figure="closed"><span class="tile-figure">{stats.closed}</span>{if stats.closed == 1 { " cerrado" } else { " cerrados" }}</a></li>
            <li><a class="tile tile-alert" href="/expedientes?vencidos=1" data-figure="overdue"><span class="tile-figure">{stats.overdue}</span>" con plazo vencido"</a></li>
        </ul>
    };
    let procedures = stats
        .procedures
        .iter()
        .map(procedure_section)
        .collect_view();
    view! {
        <p class="muted">{format!("Cifras al {} · se actualizan solas cada minuto.", bolivia_time(stats.generated_at))}</p>
        {stale_notice(stats.generated_at, now_ms())}
        {tiles}
        <p class="muted" data-due-policy="">{DUE_POLICY}</p>
        {procedures}
        {months_section(&stats.months)}
        {integrations_section(&stats.integrations)}
        <p class="links">
            "Descargar en CSV: "
            <a href="/api/v1/stats/activities.csv" download="">"actividades"</a>
            " · "
            <a href="/api/v1/stats/months.csv" download="">"meses"</a>
            " · "
            <a href="/api/v1/stats/integrations.csv" download="">"integraciones"</a>
            " · "
            <a href="/api/v1/stats/inconsistencies.csv" download="">"inconsistencias"</a>
        </p>
    }
    .into_any()
}

fn spread_text(spread: &Spread) -> String {
    match (spread.median_ms, spread.p90_ms) {
        (Some(median), Some(p90)) => format!(
            "mediana {}, 90 % en {} o menos ({})",
            duration_label(median),
            duration_label(p90),
            counted(spread.count, "caso", "casos")
        ),
        _ => "sin casos terminados".to_owned(),
    }
}

/// Heat from white to deep red as `count` nears `max`.
fn heat(count: usize, max: usize) -> String {
    if count == 0 || max == 0 {
        return "#f6f8fa".into();
    }
    let share = count as f64 / max as f64;
    let light = 92.0 - 50.0 * share;
    format!("hsl(8, 80%, {light:.0}%)")
}

fn procedure_section(p: &ProcedureStats) -> impl IntoView {
    let procedure = procedures::definition(&p.code, p.version);
    let max = p.activities.iter().map(|a| a.waiting).max().unwrap_or(0);
    const COLUMNS: usize = 8;
    const CELL_W: f64 = 86.0;
    const CELL_H: f64 = 58.0;
    let rows = p.activities.len().div_ceil(COLUMNS);
    let width = COLUMNS as f64 * CELL_W;
    let height = rows as f64 * CELL_H;
    let cells = p
        .activities
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let x = (i % COLUMNS) as f64 * CELL_W;
            let y = (i / COLUMNS) as f64 * CELL_H;
            let title = procedure
                .and_then(|pr| pr.activity(a.number))
                .map(|x| x.title)
                .unwrap_or_default();
            let label = format!("Actividad {}: {}, {} en espera, {}", a.number, title, a.waiting, counted(a.overdue, "vencido", "vencidos"));
            let href = format!("/expedientes?procedimiento={}&actividad={}", p.code, a.number);
            let text_fill = if a.waiting * 2 > max && max > 0 { "#fff" } else { "#1f2328" };
            let (stroke, stroke_width) = if a.overdue > 0 { ("#b42318", "3") } else { ("#d0d7de", "1") };
            let key = format!("{}:{}", p.code, a.number);
            let aria = label.clone();
            let (rx, ry, rw, rh) = (x + 2.0, y + 2.0, CELL_W - 4.0, CELL_H - 4.0);
            let (nx, ny, cx, cy) = (x + 10.0, y + 22.0, x + CELL_W - 10.0, y + 44.0);
            let fill = heat(a.waiting, max);
            view! {
                <a href=href aria-label=aria data-heat=key>
                    <title>{label}</title>
                    <rect x=rx y=ry width=rw height=rh rx="6" fill=fill stroke=stroke stroke-width=stroke_width />
                    <text x=nx y=ny font-size="14" fill=text_fill>{a.number.to_string()}</text>
                    <text x=cx y=cy font-size="20" font-weight="700" text-anchor="end" fill=text_fill>{a.waiting.to_string()}</text>
                </a>
            }
        })
        .collect_view();
    let table_rows = p
        .activities
        .iter()
        .map(|a| {
            let title = procedure
                .and_then(|pr| pr.activity(a.number))
                .map(|x| x.title)
                .unwrap_or_default();
            let waited = a
                .oldest_since
                .map(|since| duration_label(crate::domain::calendar::now_ms() - since))
                .unwrap_or_default();
            view! {
                <tr>
                    <td>{a.number}</td>
                    <td>{title}</td>
                    <td><a href=format!("/expedientes?procedimiento={}&actividad={}", p.code, a.number)>{a.waiting}</a></td>
                    <td>{waited}</td>
                    <td><a href=format!("/expedientes?procedimiento={}&actividad={}&vencidos=1", p.code, a.number)>{a.overdue}</a></td>
                    <td>{spread_text(&a.took)}</td>
                </tr>
            }
        })
        .collect_view();
    let heading = format!("{} · {}", p.code, p.name);
    let section_label = heading.clone();
    view! {
        <section class="panel dashboard-procedure" aria-label=section_label>
            <h2>{heading}</h2>
            <p class="dashboard-facts">
                <a href=format!("/expedientes?procedimiento={}&estado=open", p.code)>{counted(p.open, "abierto", "abiertos")}</a>
                " · "
                <a href=format!("/expedientes?procedimiento={}&estado=closed", p.code)>{counted(p.closed, "cerrado", "cerrados")}</a>
                {format!(
                    " · ciclo: {} · {} ({})",
                    spread_text(&p.cycle),
                    counted(p.cases_with_rounds, "caso con rondas de observación", "casos con rondas de observación"),
                    counted(p.extra_rounds, "ronda", "rondas"),
                )}
            </p>
            <svg class="heat" viewBox=format!("0 0 {width} {height}") role="group" aria-label=format!("Casos en espera por actividad de {}", p.code)>
                {cells}
            </svg>
            <details class="heat-diagram">
                <summary>"Ver en el diagrama"</summary>
                {heat_flowchart(p)}
            </details>
            <details>
                <summary>"Ver como tabla"</summary>
                <div class="table-wrap">
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">"N°"</th>
                                <th scope="col">"Actividad"</th>
                                <th scope="col">"En espera"</th>
                                <th scope="col">"Espera más larga"</th>
                                <th scope="col">"Vencidos"</th>
                                <th scope="col">"Tiempo al completarse"</th>
                            </tr>
                        </thead>
                        <tbody>{table_rows}</tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}

/// Cases opened and closed per month, every month from the first: bars of
/// a fixed width (one month or sixty read alike) on a marked axis; when
/// they are more than the panel holds, the chart scrolls and opens on the
/// latest months.
fn months_section(months: &[MonthCount]) -> impl IntoView {
    let series = month_series(months);
    const BAR: f64 = 16.0;
    const GROUP: f64 = 44.0;
    const HEIGHT: f64 = 190.0;
    const TOP: f64 = 10.0;
    const PLOT: f64 = 140.0;
    const AXIS: f64 = 44.0;
    let ticks = axis_ticks(
        series
            .iter()
            .map(|m| m.opened.max(m.closed))
            .max()
            .unwrap_or(0),
    );
    let top = *ticks.last().unwrap_or(&1) as f64;
    let y_of = |n: usize| TOP + PLOT - (n as f64 / top) * PLOT;
    let width = GROUP * series.len().max(1) as f64 + 8.0;
    let axis = ticks
        .iter()
        .map(|&t| {
            let y = y_of(t);
            view! {
                <text x=AXIS - 6.0 y=y + 4.0 font-size="12" text-anchor="end">{t}</text>
                <line x1=AXIS - 3.0 x2=AXIS y1=y y2=y stroke="#57606a" />
            }
        })
        .collect_view();
    let grid = ticks
        .iter()
        .map(|&t| {
            let y = y_of(t);
            let stroke = if t == 0 { "#57606a" } else { "#d0d7de" };
            view! { <line x1="0" x2=width y1=y y2=y stroke=stroke /> }
        })
        .collect_view();
    let bars = series
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let x = i as f64 * GROUP + 6.0;
            let bar = |n: usize| (y_of(n), TOP + PLOT - y_of(n));
            let ((opened_y, opened_h), (closed_y, closed_h)) = (bar(m.opened), bar(m.closed));
            let label = month_label(&m.month);
            let (name, year) = label.split_once(' ').map_or((label.clone(), String::new()), |(n, y)| (n.to_owned(), y.to_owned()));
            let said = format!(
                "{label}: {}, {}",
                counted(m.opened, "abierto", "abiertos"),
                counted(m.closed, "cerrado", "cerrados")
            );
            let center = x + BAR + 2.0;
            view! {
                <g data-month=m.month.clone()>
                    <title>{said}</title>
                    <rect x=x y=opened_y width=BAR height=opened_h fill="#0b5cad" />
                    <rect x=x + BAR + 4.0 y=closed_y width=BAR height=closed_h fill="#1a7f37" />
                    <text x=center y=TOP + PLOT + 16.0 font-size="12" text-anchor="middle">{name}</text>
                    <text x=center y=TOP + PLOT + 31.0 font-size="11" text-anchor="middle" fill="#57606a">{year}</text>
                </g>
            }
        })
        .collect_view();
    let rows = series
        .iter()
        .rev()
        .map(|m| {
            view! {
                <tr>
                    <td>{month_label(&m.month)}</td>
                    <td><a href=format!("/expedientes?abiertos_en={}", m.month)>{m.opened}</a></td>
                    <td><a href=format!("/expedientes?cerrados_en={}", m.month)>{m.closed}</a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="months-title">
            <h2 id="months-title">"Expedientes abiertos y cerrados por mes"</h2>
            <p class="legend-inline"><span class="swatch swatch-opened"></span>" abiertos " <span class="swatch swatch-closed"></span>" cerrados"</p>
            <div class="months-chart">
                <svg class="months-axis" width=AXIS height=HEIGHT viewBox=format!("0 0 {AXIS} {HEIGHT}") aria-hidden="true">{axis}</svg>
                <div class="months-scroll">
                    <svg class="months-bars" width=width height=HEIGHT viewBox=format!("0 0 {width} {HEIGHT}") role="img" aria-labelledby="months-title">
                        {grid}
                        {bars}
                    </svg>
                </div>
            </div>
            <details>
                <summary>"Ver como tabla"</summary>
                <table class="table">
                    <thead><tr><th scope="col">"Mes"</th><th scope="col">"Abiertos"</th><th scope="col">"Cerrados"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </section>
    }
}

fn integrations_section(stats: &IntegrationStats) -> impl IntoView {
    let counts = stats
        .per_tool
        .iter()
        .map(|row| {
            view! {
                <tr>
                    <th scope="row">{row.tool.map(|t| t.label()).unwrap_or_default()}</th>
                    <td>{row.requested}</td>
                    <td>{row.testing}</td>
                    <td>{row.production}</td>
                </tr>
            }
        })
        .collect_view();
    let detail = stats
        .integrations
        .iter()
        .map(|i| {
            view! {
                <tr>
                    <td>{i.entity.clone()}</td>
                    <td>{i.tool.label()}</td>
                    <td>{i.stage.label()}</td>
                    <td><a href=format!("/expedientes/{}", i.case_id)>{i.reference.clone()}</a></td>
                </tr>
            }
        })
        .collect_view();
    let findings = if stats.inconsistencies.is_empty() {
        view! { <p class="muted">"No se encontraron inconsistencias."</p> }.into_any()
    } else {
        let items = stats
            .inconsistencies
            .iter()
            .map(|i| {
                view! {
                    <li data-inconsistency=i.reference.clone()>
                        <a href=format!("/expedientes/{}", i.case_id)>{i.reference.clone()}</a>
                        {format!(" · {} · {}", i.entity, i.finding)}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="findings">{items}</ul> }.into_any()
    };
    view! {
        <section class="panel" aria-labelledby="integrations-title">
            <h2 id="integrations-title">"Integraciones de herramientas de gobierno electrónico (PR09)"</h2>
            <div class="table-wrap">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">"Herramienta"</th>
                            <th scope="col">"Solicitada"</th>
                            <th scope="col">"En pruebas"</th>
                            <th scope="col">"En producción"</th>
                        </tr>
                    </thead>
                    <tbody>{counts}</tbody>
                </table>
            </div>
            <details>
                <summary>{format!("Detalle por entidad ({})", stats.integrations_total)}</summary>
                {(stats.integrations_total > stats.integrations.len()).then(|| view! {
                    <p class="muted">{format!("Se muestran las primeras {}; el CSV de integraciones las tiene todas.", stats.integrations.len())}</p>
                })}
                <div class="table-wrap">
                    <table class="table">
                        <thead>
                            <tr>
                                <th scope="col">"Entidad"</th>
                                <th scope="col">"Herramienta"</th>
                                <th scope="col">"Estado"</th>
                                <th scope="col">"Expediente"</th>
                            </tr>
                        </thead>
                        <tbody>{detail}</tbody>
                    </table>
                </div>
            </details>
            <h3>{format!("Inconsistencias para el informe técnico ({})", stats.inconsistencies_total)}</h3>
            {findings}
            {(stats.inconsistencies_total > stats.inconsistencies.len()).then(|| view! {
                <p class="muted">{format!("Se muestran las primeras {}; el CSV de inconsistencias las tiene todas.", stats.inconsistencies.len())}</p>
            })}
        </section>
    }
}

/// The procedure's own flowchart, each activity shaded by how many cases
/// stand at it, with the count in a badge; a link to those cases.
fn heat_flowchart(p: &ProcedureStats) -> Option<impl IntoView> {
    use crate::diagram::{Layout, NODE_HEIGHT, NODE_WIDTH};
    let procedure = procedures::definition(&p.code, p.version)?;
    let layout = Layout::of(procedure);
    let max = p.activities.iter().map(|a| a.waiting).max().unwrap_or(0);
    let waiting = |n| p.activities.iter().find(|a| a.number == n);
    let lanes = layout
        .lanes
        .iter()
        .map(|lane| {
            let x = lane.x + 8.0;
            view! { <text x=x y="36" font-size="13" font-weight="700">{lane.label.clone()}</text> }
        })
        .collect_view();
    let edges = layout
        .edges
        .iter()
        .map(|edge| view! { <path d=edge.path.clone() fill="none" stroke="#8c959f" stroke-width="1.5" /> })
        .collect_view();
    let nodes = layout
        .nodes
        .iter()
        .map(|node| {
            let stats = waiting(node.number);
            let count = stats.map_or(0, |a| a.waiting);
            let overdue = stats.map_or(0, |a| a.overdue);
            let href = format!("/expedientes?procedimiento={}&actividad={}", p.code, node.number);
            let label = format!("Actividad {}: {} en espera, {}", node.number, count, counted(overdue, "vencido", "vencidos"));
            let (stroke, stroke_width) = if overdue > 0 { ("#b42318", "3") } else { ("#57606a", "1") };
            let lines = node
                .lines
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    let y = node.y + 20.0 + i as f64 * 15.0;
                    let x = node.x + 8.0;
                    view! { <text x=x y=y font-size="12">{line.clone()}</text> }
                })
                .collect_view();
            let (badge_x, badge_y, count_y) = (node.x + NODE_WIDTH - 16.0, node.y - 4.0, node.y + 1.0);
            let aria = label.clone();
            view! {
                <a href=href aria-label=aria data-heat-node=format!("{}:{}", p.code, node.number)>
                    <title>{label}</title>
                    <rect x=node.x y=node.y width=NODE_WIDTH height=NODE_HEIGHT rx="8" fill=heat(count, max) stroke=stroke stroke-width=stroke_width />
                    {lines}
                    <circle cx=badge_x cy=badge_y r="13" fill="#1f2328" />
                    <text x=badge_x y=count_y font-size="12" font-weight="700" fill="#fff" text-anchor="middle">{count.to_string()}</text>
                </a>
            }
        })
        .collect_view();
    let view_box = format!("0 0 {} {}", layout.width, layout.height);
    Some(view! {
        <svg class="heat-flowchart" viewBox=view_box role="group" aria-label=format!("Diagrama de {} con los casos en espera", p.code)>
            {lanes}
            {edges}
            {nodes}
        </svg>
    })
}
