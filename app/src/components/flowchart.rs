//! The interactive SVG flowchart of a procedure: swimlanes, activities and
//! edges drawn from the data, the current activities highlighted, and zoom
//! and pan by wheel, pinch, drag and buttons.

use leptos::prelude::*;

use crate::diagram::{Layout, Svg, HEADER_HEIGHT, LANE_WIDTH, NODE_HEIGHT, NODE_WIDTH};
use crate::domain::engine::CaseState;
use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::role::roles_label;

/// The part of the diagram on screen, in diagram units.
#[derive(Clone, Copy, Debug, PartialEq)]
struct ViewBox {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl ViewBox {
    fn attr(self) -> String {
        let [x, y, w, h] = [self.x, self.y, self.w, self.h].map(Svg);
        format!("{x} {y} {w} {h}")
    }

    /// Zooms by `factor` (above 1 brings things closer) keeping the diagram
    /// point `(px, py)` where it is on screen.
    fn zoom(self, factor: f64, px: f64, py: f64, diagram_width: f64) -> ViewBox {
        let w = (self.w / factor).clamp(MIN_VIEW_WIDTH, diagram_width * 3.0);
        let applied = self.w / w;
        ViewBox {
            x: px - (px - self.x) / applied,
            y: py - (py - self.y) / applied,
            w,
            h: self.h / applied,
        }
    }
}

const MIN_VIEW_WIDTH: f64 = 160.0;
/// Below this scale the activities' text is too small to read.
const MIN_OPENING_SCALE: f64 = 0.72;
/// Movement, in CSS pixels, after which a press becomes a drag, not a tap.
const DRAG_THRESHOLD: f64 = 6.0;

/// The screen rectangle of the SVG element and how it maps onto the view box
/// (`preserveAspectRatio="xMidYMid meet"`).
#[derive(Clone, Copy)]
struct Screen {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
}

impl Screen {
    fn scale(&self, view: ViewBox) -> f64 {
        (self.width / view.w).min(self.height / view.h)
    }

    fn diagram_point(&self, view: ViewBox, client_x: f64, client_y: f64) -> (f64, f64) {
        let s = self.scale(view);
        let ox = self.left + (self.width - view.w * s) / 2.0;
        let oy = self.top + (self.height - view.h * s) / 2.0;
        (view.x + (client_x - ox) / s, view.y + (client_y - oy) / s)
    }

    /// The whole width of the diagram from its top, unless that makes the
    /// text too small to read: then a readable scale around `focus_x`.
    fn opening(&self, width: f64, focus_x: f64) -> ViewBox {
        let aspect = self.height / self.width.max(1.0);
        let readable_width = self.width / MIN_OPENING_SCALE;
        if width <= readable_width {
            return ViewBox {
                x: 0.0,
                y: 0.0,
                w: width,
                h: width * aspect,
            };
        }
        let x = (focus_x - readable_width / 2.0).clamp(0.0, width - readable_width);
        ViewBox {
            x,
            y: 0.0,
            w: readable_width,
            h: readable_width * aspect,
        }
    }

    /// All of the diagram, centred.
    fn fit_all(&self, width: f64, height: f64) -> ViewBox {
        let aspect = self.height / self.width.max(1.0);
        if height / width > aspect {
            let w = height / aspect;
            ViewBox {
                x: (width - w) / 2.0,
                y: 0.0,
                w,
                h: height,
            }
        } else {
            let h = width * aspect;
            ViewBox {
                x: 0.0,
                y: (height - h) / 2.0,
                w: width,
                h,
            }
        }
    }
}

#[derive(Clone, Default)]
struct Gesture {
    pointers: Vec<(i32, f64, f64)>,
    travelled: f64,
    dragged: bool,
    pinch_distance: Option<f64>,
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// The state of one activity as the diagram shows it.
pub fn activity_state(state: Option<&CaseState>, number: ActivityNumber) -> &'static str {
    match state {
        Some(s) if s.is_current(number) => "current",
        Some(s) if s.is_waiting(number) => "waiting",
        Some(s) if s.is_done(number) => "done",
        _ => "pending",
    }
}

#[component]
pub fn Flowchart(
    procedure: &'static Procedure,
    /// The case shown on the diagram, if any.
    #[prop(into)]
    state: Signal<Option<CaseState>>,
    /// The activity whose detail is open.
    selected: RwSignal<Option<ActivityNumber>>,
    /// Who holds each current activity derived to someone, by name.
    #[prop(optional, into)]
    holders: Option<Signal<Vec<(ActivityNumber, String)>>>,
) -> impl IntoView {
    let layout = Layout::of(procedure);
    let (width, height) = (layout.width, layout.height);
    let view = RwSignal::new(ViewBox {
        x: 0.0,
        y: 0.0,
        w: width,
        h: height,
    });
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let gesture = StoredValue::new(Gesture::default());

    let screen = move || {
        svg_ref.get_untracked().map(|svg| {
            let rect = svg.get_bounding_client_rect();
            Screen {
                left: rect.left(),
                top: rect.top(),
                width: rect.width(),
                height: rect.height(),
            }
        })
    };
    // Once in the browser, open on the top of the diagram around activity 1.
    let first_x = layout.nodes[0].x + NODE_WIDTH / 2.0;
    Effect::new(move || {
        if svg_ref.get().is_some() {
            if let Some(screen) = screen() {
                view.set(screen.opening(width, first_x));
            }
        }
    });
    // Keep the highlight in sight: when the current activities change and
    // none of them is wholly on screen, bring the first one into view.
    let positions: Vec<(ActivityNumber, f64, f64)> =
        layout.nodes.iter().map(|n| (n.number, n.x, n.y)).collect();
    Effect::new(move |previous: Option<Vec<ActivityNumber>>| {
        let current: Vec<ActivityNumber> = state.with(|s| {
            s.as_ref()
                .map(|s| s.active.iter().copied().collect())
                .unwrap_or_default()
        });
        if previous.as_ref() != Some(&current) {
            let boxes: Vec<_> = positions
                .iter()
                .filter(|(n, _, _)| current.contains(n))
                .collect();
            let v = view.get_untracked();
            let on_screen = |&&(_, x, y): &&(ActivityNumber, f64, f64)| {
                x >= v.x && x + NODE_WIDTH <= v.x + v.w && y >= v.y && y + NODE_HEIGHT <= v.y + v.h
            };
            if let Some((_, x, y)) = boxes.first().filter(|_| !boxes.iter().any(on_screen)) {
                view.update(|v| {
                    v.y = y - v.h / 3.0;
                    if *x < v.x || x + NODE_WIDTH > v.x + v.w {
                        v.x = x + NODE_WIDTH / 2.0 - v.w / 2.0;
                    }
                });
            }
        }
        current
    });
    let fit = move |_| {
        if let Some(screen) = screen() {
            view.set(screen.fit_all(width, height));
        }
    };
    let zoom_centre = move |factor: f64| {
        view.update(|v| *v = v.zoom(factor, v.x + v.w / 2.0, v.y + v.h / 2.0, width));
    };

    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        let Some(screen) = screen() else { return };
        ev.prevent_default();
        let delta = match ev.delta_mode() {
            1 => ev.delta_y() * 16.0,
            2 => ev.delta_y() * 400.0,
            _ => ev.delta_y(),
        };
        let factor = (-delta * 0.0015).exp();
        view.update(|v| {
            let (px, py) =
                screen.diagram_point(*v, f64::from(ev.client_x()), f64::from(ev.client_y()));
            *v = v.zoom(factor, px, py, width);
        });
    };
    let on_pointer_down = move |ev: leptos::ev::PointerEvent| {
        let point = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        gesture.update_value(|g| {
            if g.pointers.is_empty() {
                g.travelled = 0.0;
                g.dragged = false;
            }
            g.pointers.retain(|p| p.0 != ev.pointer_id());
            g.pointers.push((ev.pointer_id(), point.0, point.1));
            g.pinch_distance = match g.pointers.as_slice() {
                [a, b] => Some(distance((a.1, a.2), (b.1, b.2))),
                _ => None,
            };
        });
    };
    let on_pointer_move = move |ev: leptos::ev::PointerEvent| {
        let Some(screen) = screen() else { return };
        let id = ev.pointer_id();
        let point = (f64::from(ev.client_x()), f64::from(ev.client_y()));
        let mut capture = false;
        gesture.update_value(|g| {
            let Some(index) = g.pointers.iter().position(|p| p.0 == id) else {
                return;
            };
            let previous = (g.pointers[index].1, g.pointers[index].2);
            g.pointers[index] = (id, point.0, point.1);
            g.travelled += distance(previous, point);
            if g.travelled < DRAG_THRESHOLD {
                return;
            }
            capture = !g.dragged;
            g.dragged = true;
            match g.pointers.as_slice() {
                [_] => view.update(|v| {
                    let s = screen.scale(*v);
                    v.x -= (point.0 - previous.0) / s;
                    v.y -= (point.1 - previous.1) / s;
                }),
                [a, b] => {
                    let now = distance((a.1, a.2), (b.1, b.2));
                    let middle = ((a.1 + b.1) / 2.0, (a.2 + b.2) / 2.0);
                    if let Some(before) = g.pinch_distance.filter(|d| *d > 0.0) {
                        view.update(|v| {
                            let (px, py) = screen.diagram_point(*v, middle.0, middle.1);
                            *v = v.zoom(now / before, px, py, width);
                        });
                    }
                    g.pinch_distance = Some(now);
                }
                _ => {}
            }
        });
        if capture {
            if let Some(svg) = svg_ref.get_untracked() {
                let _ = svg.set_pointer_capture(id);
            }
        }
    };
    let on_pointer_up = move |ev: leptos::ev::PointerEvent| {
        gesture.update_value(|g| {
            g.pointers.retain(|p| p.0 != ev.pointer_id());
            g.pinch_distance = None;
        });
    };
    let open = move |number: ActivityNumber| {
        // A drag that ends on a node is a pan, not a tap.
        if !gesture.with_value(|g| g.dragged) {
            selected.set(Some(number));
        }
    };

    let lanes = layout
        .lanes
        .iter()
        .enumerate()
        .map(|(index, lane)| {
            let class = if index % 2 == 0 { "lane" } else { "lane lane-alt" };
            let label_x = lane.x + LANE_WIDTH / 2.0;
            view! {
                <g class=class>
                    <rect x=Svg::text(lane.x) y="0" width=Svg::text(LANE_WIDTH) height=Svg::text(height)></rect>
                    <text class="lane-label" x=Svg::text(label_x) y=Svg::text(HEADER_HEIGHT / 2.0 + 5.0) text-anchor="middle">
                        {lane.label.clone()}
                    </text>
                </g>
            }
        })
        .collect_view();

    let edges = layout
        .edges
        .iter()
        .map(|edge| {
            let class = format!("edge {}", edge.kind.class());
            let marker = format!("url(#arrow-{})", edge.kind.class());
            let (from, to) = (edge.from, edge.to);
            let taken = move || {
                state.with(|s| {
                    s.as_ref().is_some_and(|s| {
                        s.is_done(from) && to.is_none_or(|t| s.rounds(t) > 0 || s.is_waiting(t))
                    })
                })
            };
            let label = (!edge.label.is_empty()).then(|| {
                view! {
                    <text class="edge-label" x=Svg::text(edge.label_at.0) y=Svg::text(edge.label_at.1)>
                        {edge.label}
                    </text>
                }
            });
            view! {
                <g class=class class:taken=taken data-from=from data-to=to.map(|t| t.to_string())>
                    <path d=edge.path.clone() marker-end=marker></path>
                    {label}
                </g>
            }
        })
        .collect_view();

    let ends = layout
        .ends
        .iter()
        .map(|end| {
            let from = end.from;
            let reached = move || {
                state.with(|s| {
                    s.as_ref()
                        .and_then(|s| s.ended.as_ref())
                        .is_some_and(|e| e.activity == from)
                })
            };
            view! {
                <g class="end" class:reached=reached>
                    <title>{end.label}</title>
                    <circle cx=Svg::text(end.x) cy=Svg::text(end.y) r="13"></circle>
                    <circle class="end-inner" cx=Svg::text(end.x) cy=Svg::text(end.y) r="8"></circle>
                    <text class="end-label" x=Svg::text(end.x) y=Svg::text(end.y + 28.0) text-anchor="middle">"Fin"</text>
                </g>
            }
        })
        .collect_view();

    let nodes = layout
        .nodes
        .iter()
        .map(|node| {
            let number = node.number;
            let activity = procedure.activity(number).expect("layout follows the procedure");
            let aria_label = format!(
                "Actividad {number}, {}: {} Responsable: {}.",
                activity.title,
                activity.description,
                roles_label(activity.roles)
            );
            let node_state = move || state.with(|s| activity_state(s.as_ref(), number));
            let holder = move || {
                holders.and_then(|h| {
                    h.with(|h| h.iter().find(|(n, _)| *n == number).map(|(_, name)| name.clone()))
                })
            };
            let aria_label = move || match holder() {
                Some(name) => format!("{aria_label} Derivada a {name}."),
                None => aria_label.clone(),
            };
            let rounds = move || state.with(|s| s.as_ref().map_or(0, |s| s.rounds(number)));
            let looped = Memo::new(move |_| rounds() > 1);
            let text_x = Svg::text(node.x + 34.0);
            let lines = node
                .lines
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    view! { <tspan x=text_x.clone() y=Svg::text(node.y + 17.0 + i as f64 * 14.5)>{line.clone()}</tspan> }
                })
                .collect_view();
            let (bx, by) = (node.x + NODE_WIDTH - 4.0, node.y + 2.0);
            view! {
                <g
                    class="node"
                    class:join=activity.join
                    class:selected=move || selected.get() == Some(number)
                    data-activity=number
                    data-state=node_state
                    aria-current=move || (node_state() == "current").then_some("step")
                    data-assignee=holder
                    role="button"
                    tabindex="0"
                    aria-label=aria_label
                    on:click=move |_| open(number)
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Enter" || ev.key() == " " {
                            ev.prevent_default();
                            selected.set(Some(number));
                        }
                    }
                >
                    <rect class="node-box" x=Svg::text(node.x) y=Svg::text(node.y) width=Svg::text(NODE_WIDTH) height=Svg::text(NODE_HEIGHT) rx="10"></rect>
                    <circle class="node-number" cx=Svg::text(node.x + 17.0) cy=Svg::text(node.y + 19.0) r="12"></circle>
                    <text class="node-number-text" x=Svg::text(node.x + 17.0) y=Svg::text(node.y + 23.5) text-anchor="middle">
                        {number}
                    </text>
                    <text class="node-text">{lines}</text>
                    {
                        let (hx, hy) = (Svg::text(node.x + 4.0), Svg::text(node.y + NODE_HEIGHT + 11.0));
                        move || holder().map(|name| view! {
                            <text class="node-holder" x=hx.clone() y=hy.clone()>{format!("→ {name}")}</text>
                        })
                    }
                    {move || looped.get().then(|| view! {
                        <g class="rounds" aria-hidden="true">
                            <rect x=Svg::text(bx - 30.0) y=Svg::text(by - 10.0) width="34" height="20" rx="10"></rect>
                            <text x=Svg::text(bx - 13.0) y=Svg::text(by + 4.5) text-anchor="middle">{move || format!("×{}", rounds())}</text>
                        </g>
                    })}
                </g>
            }
        })
        .collect_view();

    let markers = ["edge-sequence", "edge-branch", "edge-parallel", "edge-loop"]
        .into_iter()
        .map(|kind| {
            view! {
                <marker
                    id=format!("arrow-{kind}")
                    class=format!("arrow {kind}")
                    viewBox="0 0 10 10"
                    refX="9"
                    refY="5"
                    markerUnits="userSpaceOnUse"
                    markerWidth="11"
                    markerHeight="11"
                    orient="auto-start-reverse"
                >
                    <path d="M0,0 L10,5 L0,10 z"></path>
                </marker>
            }
        })
        .collect_view();

    let title = format!("Diagrama de flujo del procedimiento {}", procedure.code);
    view! {
        <div class="flowchart">
            <div class="flowchart-tools" role="group" aria-label="Vista del diagrama">
                <button type="button" class="tool" on:click=move |_| zoom_centre(1.25) aria-label="Acercar">"+"</button>
                <button type="button" class="tool" on:click=move |_| zoom_centre(0.8) aria-label="Alejar">"−"</button>
                <button type="button" class="tool tool-wide" on:click=fit>"Ajustar"</button>
            </div>
            <svg
                node_ref=svg_ref
                class="flowchart-svg"
                role="group"
                aria-label=title
                viewBox=move || view.get().attr()
                preserveAspectRatio="xMidYMid meet"
                on:wheel=on_wheel
                on:pointerdown=on_pointer_down
                on:pointermove=on_pointer_move
                on:pointerup=on_pointer_up
                on:pointercancel=on_pointer_up
            >
                <defs>{markers}</defs>
                <g class="lanes">{lanes}</g>
                <line class="header-rule" x1="0" x2=Svg::text(width) y1=Svg::text(HEADER_HEIGHT) y2=Svg::text(HEADER_HEIGHT)></line>
                <g class="edges">{edges}</g>
                <g class="ends">{ends}</g>
                <g class="nodes">{nodes}</g>
            </svg>
            <p class="flowchart-hint">
                "Rueda del ratón o pellizco para acercar; arrastre para mover. Toque una actividad, o pulse Intro sobre ella, para ver su detalle."
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCREEN: Screen = Screen {
        left: 10.0,
        top: 20.0,
        width: 800.0,
        height: 600.0,
    };

    #[test]
    fn zooming_keeps_the_point_under_the_pointer_in_place() {
        let view = ViewBox {
            x: 0.0,
            y: 0.0,
            w: 1600.0,
            h: 1200.0,
        };
        let (px, py) = SCREEN.diagram_point(view, 410.0, 170.0);
        let zoomed = view.zoom(2.0, px, py, 1600.0);
        assert_eq!(zoomed.w, 800.0);
        assert_eq!(zoomed.h, 600.0);
        assert_eq!(SCREEN.diagram_point(zoomed, 410.0, 170.0), (px, py));
    }

    #[test]
    fn zoom_stays_within_readable_bounds() {
        let view = ViewBox {
            x: 0.0,
            y: 0.0,
            w: 400.0,
            h: 300.0,
        };
        assert_eq!(view.zoom(100.0, 0.0, 0.0, 1000.0).w, MIN_VIEW_WIDTH);
        assert_eq!(view.zoom(0.001, 0.0, 0.0, 1000.0).w, 3000.0);
    }

    #[test]
    fn fitting_shows_the_whole_diagram() {
        for (width, height) in [(1800.0, 2400.0), (3000.0, 500.0)] {
            let view = SCREEN.fit_all(width, height);
            assert!(view.x <= 0.0 && view.y <= 0.0);
            assert!(view.x + view.w >= width - 1e-9 && view.y + view.h >= height - 1e-9);
            assert!(
                (view.h / view.w - 600.0 / 800.0).abs() < 1e-9,
                "same shape as the screen"
            );
        }
    }

    #[test]
    fn the_opening_view_is_readable() {
        // Narrow enough: the whole width.
        let view = SCREEN.opening(1000.0, 100.0);
        assert_eq!((view.x, view.w), (0.0, 1000.0));
        // Too wide: a readable scale around the first activity.
        let view = SCREEN.opening(2400.0, 1500.0);
        assert!(SCREEN.scale(view) >= MIN_OPENING_SCALE - 1e-9);
        assert!(view.x <= 1500.0 && 1500.0 <= view.x + view.w);
    }
}
