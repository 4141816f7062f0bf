//! The SVG flowchart of a procedure: swimlanes, activities and edges drawn
//! from the data, with a case's state on them. The server draws it
//! ([`FlowchartDrawing`]), so a page shows it before any script runs; in
//! the browser an island takes the drawing over ([`enliven`]): zoom and pan
//! by wheel, pinch, drag and buttons, an activity's detail on a tap or
//! Enter, and the case's state as it changes. The drawing itself is never
//! hydrated: its hundreds of elements cost the browser nothing to take over.

use leptos::prelude::*;

use crate::diagram::{Layout, Svg, HEADER_HEIGHT, LANE_WIDTH, NODE_HEIGHT, NODE_WIDTH};
use crate::domain::engine::CaseState;
use crate::domain::procedure::{Activity, ActivityNumber, Procedure};
use crate::domain::role::roles_label;

/// The part of the diagram on screen and how it follows the reader's zoom
/// and pan: the browser's, checked natively by the tests.
#[cfg(any(feature = "hydrate", test))]
mod geometry {
    /// The part of the diagram on screen, in diagram units.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct ViewBox {
        pub x: f64,
        pub y: f64,
        pub w: f64,
        pub h: f64,
    }

    impl ViewBox {
        #[cfg(feature = "hydrate")]
        pub fn attr(self) -> String {
            let [x, y, w, h] = [self.x, self.y, self.w, self.h].map(crate::diagram::Svg);
            format!("{x} {y} {w} {h}")
        }

        /// Zooms by `factor` (above 1 brings things closer) keeping the diagram
        /// point `(px, py)` where it is on screen.
        pub fn zoom(self, factor: f64, px: f64, py: f64, diagram_width: f64) -> ViewBox {
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

    /// The screen rectangle of the SVG element and how it maps onto the view box
    /// (`preserveAspectRatio="xMidYMid meet"`).
    #[derive(Clone, Copy)]
    pub struct Screen {
        pub left: f64,
        pub top: f64,
        pub width: f64,
        pub height: f64,
    }

    impl Screen {
        pub fn scale(&self, view: ViewBox) -> f64 {
            (self.width / view.w).min(self.height / view.h)
        }

        pub fn diagram_point(&self, view: ViewBox, client_x: f64, client_y: f64) -> (f64, f64) {
            let s = self.scale(view);
            let ox = self.left + (self.width - view.w * s) / 2.0;
            let oy = self.top + (self.height - view.h * s) / 2.0;
            (view.x + (client_x - ox) / s, view.y + (client_y - oy) / s)
        }

        /// The whole width of the diagram from its top, unless that makes the
        /// text too small to read: then a readable scale around `focus_x`.
        pub fn opening(&self, width: f64, focus_x: f64) -> ViewBox {
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
        pub fn fit_all(&self, width: f64, height: f64) -> ViewBox {
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

/// Whether the case went along the edge from `from` to `to` (`None`: into
/// the end that follows `from`).
fn edge_taken(state: Option<&CaseState>, from: ActivityNumber, to: Option<ActivityNumber>) -> bool {
    match to {
        Some(to) => {
            state.is_some_and(|s| s.is_done(from) && (s.rounds(to) > 0 || s.is_waiting(to)))
        }
        None => end_reached(state, from),
    }
}

/// Whether the case ended at the end that follows `from`.
fn end_reached(state: Option<&CaseState>, from: ActivityNumber) -> bool {
    state
        .and_then(|s| s.ended.as_ref())
        .is_some_and(|ending| ending.activity == from)
}

/// An activity as a screen reader announces its box.
fn node_label(activity: &Activity, holder: Option<&str>) -> String {
    let label = format!(
        "Actividad {}, {}: {} Responsable: {}.",
        activity.number,
        activity.title,
        activity.description,
        roles_label(activity.roles)
    );
    match holder {
        Some(name) => format!("{label} Derivada a {name}."),
        None => label,
    }
}

fn holder_text(name: &str) -> String {
    format!("→ {name}")
}

/// What the badge of an activity done `rounds` times says (shown from the
/// second time on).
fn rounds_text(rounds: u32) -> String {
    if rounds > 1 {
        format!("×{rounds}")
    } else {
        String::new()
    }
}

/// The whole diagram of `procedure`, showing `state` (none: every activity
/// pending) and who holds each derived activity (`holders`).
#[component]
pub fn FlowchartDrawing(
    procedure: &'static Procedure,
    #[prop(optional)] state: Option<CaseState>,
    #[prop(optional)] holders: Vec<(ActivityNumber, String)>,
    /// For a document to read and print: no tools, and its activities are
    /// not buttons.
    #[prop(optional)]
    printed: bool,
) -> impl IntoView {
    let layout = Layout::of(procedure);
    let (width, height) = (layout.width, layout.height);
    let state = state.as_ref();

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
            let kind = edge.kind.class();
            let taken = if edge_taken(state, edge.from, edge.to) { " taken" } else { "" };
            let label = (!edge.label.is_empty()).then(|| {
                view! {
                    <text class="edge-label" x=Svg::text(edge.label_at.0) y=Svg::text(edge.label_at.1)>
                        {edge.label}
                    </text>
                }
            });
            view! {
                <g class=format!("edge {kind}{taken}") data-from=edge.from data-to=edge.to.map(|t| t.to_string())>
                    <path d=edge.path.clone() marker-end=format!("url(#arrow-{kind})")></path>
                    {label}
                </g>
            }
        })
        .collect_view();

    let ends = layout
        .ends
        .iter()
        .map(|end| {
            let class = if end_reached(state, end.from) { "end reached" } else { "end" };
            view! {
                <g class=class data-from=end.from>
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
            let holder = holders.iter().find(|(n, _)| *n == number).map(|(_, name)| name.as_str());
            let node_state = activity_state(state, number);
            let rounds = state.map_or(0, |s| s.rounds(number));
            let text_x = Svg::text(node.x + 34.0);
            let lines = node
                .lines
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    view! { <tspan x=text_x.clone() y=Svg::text(node.y + 17.0 + i as f64 * 14.5)>{line.clone()}</tspan> }
                })
                .collect_view();
            // The holder's line and the rounds' badge are always there, so
            // that the browser only changes what they say.
            let (bx, by) = (node.x + NODE_WIDTH - 4.0, node.y + 2.0);
            view! {
                <g
                    class=if activity.join { "node join" } else { "node" }
                    data-activity=number
                    data-state=node_state
                    aria-current=(node_state == "current").then_some("step")
                    data-assignee=holder.map(str::to_owned)
                    data-rounds=(rounds > 1).then(|| rounds.to_string())
                    role=(!printed).then_some("button")
                    tabindex=(!printed).then_some("0")
                    aria-label=node_label(activity, holder)
                >
                    <rect class="node-box" x=Svg::text(node.x) y=Svg::text(node.y) width=Svg::text(NODE_WIDTH) height=Svg::text(NODE_HEIGHT) rx="10"></rect>
                    <circle class="node-number" cx=Svg::text(node.x + 17.0) cy=Svg::text(node.y + 19.0) r="12"></circle>
                    <text class="node-number-text" x=Svg::text(node.x + 17.0) y=Svg::text(node.y + 23.5) text-anchor="middle">
                        {number}
                    </text>
                    <text class="node-text">{lines}</text>
                    <text class="node-holder" x=Svg::text(node.x + 4.0) y=Svg::text(node.y + NODE_HEIGHT + 11.0)>
                        {holder.map(holder_text)}
                    </text>
                    <g class="rounds" aria-hidden="true">
                        <rect x=Svg::text(bx - 30.0) y=Svg::text(by - 10.0) width="34" height="20" rx="10"></rect>
                        <text x=Svg::text(bx - 13.0) y=Svg::text(by + 4.5) text-anchor="middle">{rounds_text(rounds)}</text>
                    </g>
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
    let tools = (!printed).then(|| {
        view! {
            <div class="flowchart-tools" role="group" aria-label="Vista del diagrama">
                <button type="button" class="tool" data-zoom="in" aria-label="Acercar">"+"</button>
                <button type="button" class="tool" data-zoom="out" aria-label="Alejar">"−"</button>
                <button type="button" class="tool tool-wide" data-zoom="fit">"Ajustar"</button>
            </div>
        }
    });
    let hint = (!printed).then(|| {
        view! {
            <p class="flowchart-hint">
                "Rueda del ratón o pellizco para acercar; arrastre para mover. Toque una actividad, o pulse Intro sobre ella, para ver su detalle."
            </p>
        }
    });
    view! {
        <div class="flowchart">
            {tools}
            // Its own view box is the whole diagram: the browser reads the
            // diagram's size from it.
            <svg
                class="flowchart-svg"
                role="group"
                aria-label=title
                viewBox=format!("0 0 {} {}", Svg(width), Svg(height))
                preserveAspectRatio="xMidYMid meet"
            >
                <defs>{markers}</defs>
                <g class="lanes">{lanes}</g>
                <line class="header-rule" x1="0" x2=Svg::text(width) y1=Svg::text(HEADER_HEIGHT) y2=Svg::text(HEADER_HEIGHT)></line>
                <g class="edges">{edges}</g>
                <g class="ends">{ends}</g>
                <g class="nodes">{nodes}</g>
            </svg>
            {hint}
        </div>
    }
}

#[cfg(feature = "hydrate")]
pub use in_browser::enliven;

#[cfg(feature = "hydrate")]
mod in_browser {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, SvgsvgElement};

    use super::geometry::{Screen, ViewBox};
    use super::*;
    use crate::components::browser::elements;

    /// Movement, in CSS pixels, after which a press becomes a drag, not a tap.
    const DRAG_THRESHOLD: f64 = 6.0;

    #[derive(Default)]
    struct Gesture {
        pointers: Vec<(i32, f64, f64)>,
        travelled: f64,
        dragged: bool,
        pinch_distance: Option<f64>,
    }

    fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
    }

    /// An activity's box on the page, where the server drew it.
    struct NodeBox {
        number: ActivityNumber,
        activity: &'static Activity,
        element: Element,
        x: f64,
        y: f64,
    }

    /// A line or an end of the diagram, and the activities it joins.
    struct Link {
        element: Element,
        from: ActivityNumber,
        to: Option<ActivityNumber>,
    }

    /// The part of the diagram on screen, and the gesture under way.
    struct Viewer {
        svg: SvgsvgElement,
        width: f64,
        height: f64,
        view: Cell<ViewBox>,
        gesture: RefCell<Gesture>,
    }

    impl Viewer {
        fn screen(&self) -> Screen {
            let rect = self.svg.get_bounding_client_rect();
            Screen {
                left: rect.left(),
                top: rect.top(),
                width: rect.width(),
                height: rect.height(),
            }
        }

        fn show(&self, view: ViewBox) {
            self.view.set(view);
            let _ = self.svg.set_attribute("viewBox", &view.attr());
        }

        fn zoom_centre(&self, factor: f64) {
            let v = self.view.get();
            self.show(v.zoom(factor, v.x + v.w / 2.0, v.y + v.h / 2.0, self.width));
        }
    }

    /// Takes over the page's flowchart, drawn by the server: its view
    /// follows the reader's gestures and tools, a tap or Enter on an
    /// activity sets `selected`, and the drawing follows `state` and
    /// `holders` (who holds each derived activity) as they change.
    pub fn enliven(
        procedure: &'static Procedure,
        state: Signal<Option<CaseState>>,
        selected: RwSignal<Option<ActivityNumber>>,
        holders: Option<Signal<Vec<(ActivityNumber, String)>>>,
    ) {
        let Some(frame) = document()
            .query_selector(".flowchart:not([data-enlivened])")
            .ok()
            .flatten()
        else {
            return;
        };
        // Taken over once, by one island.
        let _ = frame.set_attribute("data-enlivened", "");
        let Some(svg) = frame
            .query_selector("svg.flowchart-svg")
            .ok()
            .flatten()
            .and_then(|svg| svg.dyn_into::<SvgsvgElement>().ok())
        else {
            return;
        };
        // The drawing's own view box is the whole diagram.
        let whole: Vec<f64> = svg
            .get_attribute("viewBox")
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|value| value.parse().ok())
            .collect();
        let [x, y, width, height] = whole[..] else {
            return;
        };
        let viewer = Rc::new(Viewer {
            svg: svg.clone(),
            width,
            height,
            view: Cell::new(ViewBox {
                x,
                y,
                w: width,
                h: height,
            }),
            gesture: RefCell::default(),
        });
        let nodes = Rc::new(node_boxes(&svg, procedure));
        // Open on the top of the diagram around its first activity.
        if let Some(first) = nodes.first() {
            viewer.show(viewer.screen().opening(width, first.x + NODE_WIDTH / 2.0));
        }
        listen_to_gestures(&viewer, selected);
        listen_to_tools(&frame, &viewer);
        follow_selection(nodes.clone(), selected);
        follow_state(&svg, nodes, viewer, state, holders);
    }

    fn parsed<T: std::str::FromStr>(element: &Element, attribute: &str) -> Option<T> {
        element.get_attribute(attribute)?.parse().ok()
    }

    fn node_boxes(svg: &Element, procedure: &'static Procedure) -> Vec<NodeBox> {
        elements(svg, "[data-activity]")
            .into_iter()
            .filter_map(|element| {
                let rect = element.query_selector(".node-box").ok()??;
                let number = parsed(&element, "data-activity")?;
                Some(NodeBox {
                    number,
                    activity: procedure.activity(number)?,
                    x: parsed(&rect, "x")?,
                    y: parsed(&rect, "y")?,
                    element,
                })
            })
            .collect()
    }

    fn links(svg: &Element, selector: &str) -> Vec<Link> {
        elements(svg, selector)
            .into_iter()
            .filter_map(|element| {
                Some(Link {
                    from: parsed(&element, "data-from")?,
                    to: parsed(&element, "data-to"),
                    element,
                })
            })
            .collect()
    }

    /// Calls `handler` on every `kind` event at `target`, for as long as the
    /// page is open.
    fn on<E: JsCast + 'static>(target: &Element, kind: &str, handler: impl Fn(E) + 'static) {
        let listener = Closure::<dyn Fn(web_sys::Event)>::new(move |event: web_sys::Event| {
            handler(event.unchecked_into::<E>())
        });
        let _ = target.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
        listener.forget();
    }

    /// The activity whose box the event happened in.
    fn activity_of(event: &web_sys::Event) -> Option<ActivityNumber> {
        let target = event.target()?.dyn_into::<Element>().ok()?;
        parsed(&target.closest("[data-activity]").ok()??, "data-activity")
    }

    fn listen_to_gestures(viewer: &Rc<Viewer>, selected: RwSignal<Option<ActivityNumber>>) {
        let svg: &Element = viewer.svg.as_ref();
        let on_wheel = viewer.clone();
        on(svg, "wheel", move |ev: web_sys::WheelEvent| {
            let viewer = &on_wheel;
            ev.prevent_default();
            let delta = match ev.delta_mode() {
                1 => ev.delta_y() * 16.0,
                2 => ev.delta_y() * 400.0,
                _ => ev.delta_y(),
            };
            let factor = (-delta * 0.0015).exp();
            let v = viewer.view.get();
            let (px, py) = viewer.screen().diagram_point(
                v,
                f64::from(ev.client_x()),
                f64::from(ev.client_y()),
            );
            viewer.show(v.zoom(factor, px, py, viewer.width));
        });
        let on_down = viewer.clone();
        on(svg, "pointerdown", move |ev: web_sys::PointerEvent| {
            let point = (f64::from(ev.client_x()), f64::from(ev.client_y()));
            let mut g = on_down.gesture.borrow_mut();
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
        let on_move = viewer.clone();
        on(svg, "pointermove", move |ev: web_sys::PointerEvent| {
            let viewer = &on_move;
            let id = ev.pointer_id();
            let point = (f64::from(ev.client_x()), f64::from(ev.client_y()));
            let mut g = viewer.gesture.borrow_mut();
            let Some(index) = g.pointers.iter().position(|p| p.0 == id) else {
                return;
            };
            let previous = (g.pointers[index].1, g.pointers[index].2);
            g.pointers[index] = (id, point.0, point.1);
            g.travelled += distance(previous, point);
            if g.travelled < DRAG_THRESHOLD {
                return;
            }
            if !g.dragged {
                let _ = viewer.svg.set_pointer_capture(id);
            }
            g.dragged = true;
            let screen = viewer.screen();
            let v = viewer.view.get();
            match g.pointers.as_slice() {
                [_] => {
                    let s = screen.scale(v);
                    viewer.show(ViewBox {
                        x: v.x - (point.0 - previous.0) / s,
                        y: v.y - (point.1 - previous.1) / s,
                        ..v
                    });
                }
                [a, b] => {
                    let now = distance((a.1, a.2), (b.1, b.2));
                    let middle = ((a.1 + b.1) / 2.0, (a.2 + b.2) / 2.0);
                    if let Some(before) = g.pinch_distance.filter(|d| *d > 0.0) {
                        let (px, py) = screen.diagram_point(v, middle.0, middle.1);
                        viewer.show(v.zoom(now / before, px, py, viewer.width));
                    }
                    g.pinch_distance = Some(now);
                }
                _ => {}
            }
        });
        for kind in ["pointerup", "pointercancel"] {
            let on_up = viewer.clone();
            on(svg, kind, move |ev: web_sys::PointerEvent| {
                let mut g = on_up.gesture.borrow_mut();
                g.pointers.retain(|p| p.0 != ev.pointer_id());
                g.pinch_distance = None;
            });
        }
        let on_click = viewer.clone();
        on(svg, "click", move |ev: web_sys::MouseEvent| {
            // A drag that ends on an activity is a pan, not a tap.
            if on_click.gesture.borrow().dragged {
                return;
            }
            if let Some(number) = activity_of(&ev) {
                selected.set(Some(number));
            }
        });
        on(svg, "keydown", move |ev: web_sys::KeyboardEvent| {
            if ev.key() == "Enter" || ev.key() == " " {
                if let Some(number) = activity_of(&ev) {
                    ev.prevent_default();
                    selected.set(Some(number));
                }
            }
        });
    }

    fn listen_to_tools(frame: &Element, viewer: &Rc<Viewer>) {
        let viewer = viewer.clone();
        on(frame, "click", move |ev: web_sys::MouseEvent| {
            let tool = ev
                .target()
                .and_then(|target| target.dyn_into::<Element>().ok())
                .and_then(|target| target.closest("[data-zoom]").ok().flatten())
                .and_then(|tool| tool.get_attribute("data-zoom"));
            match tool.as_deref() {
                Some("in") => viewer.zoom_centre(1.25),
                Some("out") => viewer.zoom_centre(0.8),
                Some("fit") => viewer.show(viewer.screen().fit_all(viewer.width, viewer.height)),
                _ => {}
            }
        });
    }

    fn follow_selection(nodes: Rc<Vec<NodeBox>>, selected: RwSignal<Option<ActivityNumber>>) {
        Effect::new(move || {
            let chosen = selected.get();
            for node in nodes.iter() {
                let _ = node
                    .element
                    .class_list()
                    .toggle_with_force("selected", chosen == Some(node.number));
            }
        });
    }

    fn follow_state(
        svg: &Element,
        nodes: Rc<Vec<NodeBox>>,
        viewer: Rc<Viewer>,
        state: Signal<Option<CaseState>>,
        holders: Option<Signal<Vec<(ActivityNumber, String)>>>,
    ) {
        let edges = links(svg, "g.edge[data-from]");
        let ends = links(svg, "g.end[data-from]");
        Effect::new(move |previous: Option<Vec<ActivityNumber>>| {
            let holders = holders.map(|h| h.get()).unwrap_or_default();
            state.with(|state| {
                let state = state.as_ref();
                for node in nodes.iter() {
                    let holder = holders.iter().find(|(n, _)| *n == node.number);
                    show_activity(node, state, holder.map(|(_, name)| name.as_str()));
                }
                for edge in &edges {
                    let taken = edge_taken(state, edge.from, edge.to);
                    let _ = edge.element.class_list().toggle_with_force("taken", taken);
                }
                for end in &ends {
                    let reached = end_reached(state, end.from);
                    let _ = end
                        .element
                        .class_list()
                        .toggle_with_force("reached", reached);
                }
                let current: Vec<ActivityNumber> = state
                    .map(|s| s.active.iter().copied().collect())
                    .unwrap_or_default();
                if previous.as_ref() != Some(&current) {
                    keep_in_sight(&viewer, &nodes, &current);
                }
                current
            })
        });
    }

    /// Brings the first current activity into view when none of them is
    /// wholly on screen.
    fn keep_in_sight(viewer: &Viewer, nodes: &[NodeBox], current: &[ActivityNumber]) {
        let boxes: Vec<&NodeBox> = nodes
            .iter()
            .filter(|n| current.contains(&n.number))
            .collect();
        let mut v = viewer.view.get();
        let on_screen = |n: &&NodeBox| {
            n.x >= v.x
                && n.x + NODE_WIDTH <= v.x + v.w
                && n.y >= v.y
                && n.y + NODE_HEIGHT <= v.y + v.h
        };
        if let Some(first) = boxes.first().filter(|_| !boxes.iter().any(on_screen)) {
            v.y = first.y - v.h / 3.0;
            if first.x < v.x || first.x + NODE_WIDTH > v.x + v.w {
                v.x = first.x + NODE_WIDTH / 2.0 - v.w / 2.0;
            }
            viewer.show(v);
        }
    }

    /// One activity's box as `state` and its holder have it.
    fn show_activity(node: &NodeBox, state: Option<&CaseState>, holder: Option<&str>) {
        let element = &node.element;
        let node_state = activity_state(state, node.number);
        let rounds = state.map_or(0, |s| s.rounds(node.number));
        let _ = element.set_attribute("data-state", node_state);
        let _ = element.set_attribute("aria-label", &node_label(node.activity, holder));
        set_or_remove(
            element,
            "aria-current",
            (node_state == "current").then_some("step"),
        );
        set_or_remove(element, "data-assignee", holder);
        set_or_remove(
            element,
            "data-rounds",
            (rounds > 1).then(|| rounds.to_string()).as_deref(),
        );
        let say = |selector: &str, text: &str| {
            if let Some(part) = element.query_selector(selector).ok().flatten() {
                part.set_text_content(Some(text));
            }
        };
        say(".node-holder", &holder.map(holder_text).unwrap_or_default());
        say(".rounds text", &rounds_text(rounds));
    }

    fn set_or_remove(element: &Element, attribute: &str, value: Option<&str>) {
        let _ = match value {
            Some(value) => element.set_attribute(attribute, value),
            None => element.remove_attribute(attribute),
        };
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_server_draws_where_the_case_stands() {
        let procedure = crate::domain::procedures::find("PR05").expect("PR05 is in the manual");
        // Activities 1 and the one after it done, each on its first way out.
        let mut state = CaseState::start(procedure);
        let mut done = Vec::new();
        for _ in 0..2 {
            let number = *state.active.first().expect("the case goes on");
            let choice = procedure.activity(number).expect("a current activity").next[0].id;
            state = state
                .complete(procedure, number, Some(choice))
                .expect("a current activity")
                .state;
            done.push(number);
        }
        let next = *state.active.first().expect("something follows");
        let holders = vec![(next, "Ana Quispe".to_owned())];
        let html = view! { <FlowchartDrawing procedure state holders /> }.to_html();

        assert!(html.contains(r#"data-activity="1" data-state="done""#));
        assert!(
            html.contains(&format!(
                r#"data-activity="{next}" data-state="current" aria-current="step" data-assignee="Ana Quispe""#
            )),
            "the current activity, with who holds it"
        );
        assert!(
            html.contains("→ Ana Quispe"),
            "its holder is written below it"
        );
        assert!(
            html.contains("Derivada a Ana Quispe."),
            "and read out to screen readers"
        );
        let line = format!(r#"data-from="1" data-to="{}" class=""#, done[1]);
        let class = html
            .split(&line)
            .nth(1)
            .and_then(|rest| rest.split('"').next());
        assert_eq!(
            class,
            Some("edge edge-sequence taken"),
            "the line the case went along"
        );
        assert_eq!(
            html.matches(r#"aria-current="step""#).count(),
            html.matches(r#"data-state="current""#).count(),
            "every current activity is marked as the step"
        );
    }

    #[test]
    fn without_a_case_every_activity_is_pending() {
        let procedure = crate::domain::procedures::find("PR05").expect("PR05 is in the manual");
        let html = view! { <FlowchartDrawing procedure /> }.to_html();
        let activities = html.matches("data-activity=").count();
        assert_eq!(activities, procedure.activities.len());
        assert_eq!(html.matches(r#"data-state="pending""#).count(), activities);
        assert!(!html.contains("aria-current") && !html.contains(" taken\""));
        assert!(!html.contains("data-rounds"), "no badge of rounds shows");
    }

    #[test]
    fn only_the_line_into_the_end_reached_is_taken() {
        let procedure = crate::domain::procedures::find("PR09").expect("PR09 is in the manual");
        // Forward past every end that can be passed by, until the case ends.
        let mut state = CaseState::start(procedure);
        while state.ended.is_none() {
            let number = *state
                .active
                .first()
                .expect("a case that has not ended goes on");
            let ways = procedure.activity(number).expect("a current activity").next;
            let forward = ways
                .iter()
                .find(|way| way.end.is_none() && way.leads_to.iter().all(|&to| to > number));
            let choice = forward
                .or_else(|| ways.iter().find(|way| way.end.is_some()))
                .unwrap_or(&ways[0])
                .id;
            state = state
                .complete(procedure, number, Some(choice))
                .expect("a current activity")
                .state;
        }
        let ended_after = state.ended.as_ref().expect("ended").activity;
        let html = view! { <FlowchartDrawing procedure state /> }.to_html();

        // Lines into an end have no `data-to`.
        let into_ends: Vec<(&str, bool)> = html
            .split(r#"<g data-from=""#)
            .skip(1)
            .filter(|g| {
                g.split('>')
                    .next()
                    .is_some_and(|tag| !tag.contains("data-to") && tag.contains("edge"))
            })
            .map(|g| {
                (
                    g.split('"').next().unwrap_or_default(),
                    g.split('>').next().unwrap_or_default().contains(" taken"),
                )
            })
            .collect();
        assert!(into_ends.len() > 1, "PR09 has more than one end");
        for (from, taken) in into_ends {
            assert_eq!(
                taken,
                from == ended_after.to_string(),
                "the line into the end after {from}"
            );
        }
        assert!(html.contains(&format!(
            r#"<g data-from="{ended_after}" class="end reached">"#
        )));
    }
}
