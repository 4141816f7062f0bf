//! Where each part of a procedure's flowchart goes: swimlanes by responsible,
//! one row per activity in the manual's order, and the edges between them.
//! Pure geometry, shared by the server render and the browser.

use crate::domain::procedure::{ActivityNumber, Procedure};
use crate::domain::role::{roles_label, Role};

pub const LANE_WIDTH: f64 = 184.0;
pub const HEADER_HEIGHT: f64 = 64.0;
pub const ROW_HEIGHT: f64 = 84.0;
pub const NODE_WIDTH: f64 = 160.0;
pub const NODE_HEIGHT: f64 = 58.0;
/// Room on the right for end markers and loops that leave the last lane.
pub const RIGHT_MARGIN: f64 = 150.0;
const BOTTOM_MARGIN: f64 = 28.0;
const CHARS_PER_LINE: usize = 19;
const MAX_LINES: usize = 3;

/// A length of the diagram as SVG text, to a tenth of a unit (finer than
/// any screen shows). Written with integers only: the float formatter
/// would add some 18 KB to every browser build that draws a diagram.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Svg(pub f64);

impl std::fmt::Display for Svg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = (self.0 * 10.0).round() as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let (whole, tenth) = (tenths.unsigned_abs() / 10, tenths.unsigned_abs() % 10);
        if tenth == 0 {
            write!(f, "{sign}{whole}")
        } else {
            write!(f, "{sign}{whole}.{tenth}")
        }
    }
}

impl Svg {
    /// As an attribute's value.
    pub fn text(value: f64) -> String {
        Svg(value).to_string()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    Sequence,
    Branch,
    Parallel,
    Loop,
}

impl EdgeKind {
    pub fn class(self) -> &'static str {
        match self {
            EdgeKind::Sequence => "edge-sequence",
            EdgeKind::Branch => "edge-branch",
            EdgeKind::Parallel => "edge-parallel",
            EdgeKind::Loop => "edge-loop",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            EdgeKind::Sequence => "secuencia",
            EdgeKind::Branch => "decisión",
            EdgeKind::Parallel => "en paralelo",
            EdgeKind::Loop => "vuelve (ciclo)",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub roles: &'static [Role],
    pub label: String,
    pub x: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub number: ActivityNumber,
    pub x: f64,
    pub y: f64,
    /// The activity's title, wrapped to fit the box.
    pub lines: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: ActivityNumber,
    /// `None` for an edge into an end marker.
    pub to: Option<ActivityNumber>,
    pub kind: EdgeKind,
    pub label: &'static str,
    /// SVG path data.
    pub path: String,
    pub label_at: (f64, f64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct EndMark {
    pub from: ActivityNumber,
    pub x: f64,
    pub y: f64,
    pub label: &'static str,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub lanes: Vec<Lane>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub ends: Vec<EndMark>,
}

impl Layout {
    pub fn of(procedure: &Procedure) -> Layout {
        let mut lanes: Vec<Lane> = Vec::new();
        let mut lane_of = Vec::with_capacity(procedure.activities.len());
        for activity in procedure.activities {
            let index = match lanes.iter().position(|lane| lane.roles == activity.roles) {
                Some(index) => index,
                None => {
                    lanes.push(Lane {
                        roles: activity.roles,
                        label: roles_label(activity.roles),
                        x: lanes.len() as f64 * LANE_WIDTH,
                    });
                    lanes.len() - 1
                }
            };
            lane_of.push(index);
        }

        let nodes: Vec<Node> = procedure
            .activities
            .iter()
            .zip(&lane_of)
            .enumerate()
            .map(|(row, (activity, &lane))| Node {
                number: activity.number,
                x: lanes[lane].x + (LANE_WIDTH - NODE_WIDTH) / 2.0,
                y: HEADER_HEIGHT + row as f64 * ROW_HEIGHT + (ROW_HEIGHT - NODE_HEIGHT) / 2.0,
                lines: wrap(activity.title, CHARS_PER_LINE, MAX_LINES),
            })
            .collect();
        let node = |number: ActivityNumber| &nodes[usize::from(number) - 1];

        let loops = procedure.loop_edges();
        let mut router = Router::new(&nodes, &lane_of);
        let mut edges = Vec::new();
        let mut ends = Vec::new();
        for activity in procedure.activities {
            let source = node(activity.number);
            for choice in activity.next {
                let label = if activity.is_decision() {
                    choice.label
                } else {
                    ""
                };
                if let Some(end_label) = choice.end {
                    let (x1, y1) = (source.x + NODE_WIDTH, source.y + NODE_HEIGHT / 2.0);
                    let end = EndMark {
                        from: activity.number,
                        x: x1 + 70.0,
                        y: y1,
                        label: end_label,
                    };
                    edges.push(Edge {
                        from: activity.number,
                        to: None,
                        kind: if activity.is_decision() {
                            EdgeKind::Branch
                        } else {
                            EdgeKind::Sequence
                        },
                        label,
                        path: format!("M{x1},{y1} H{}", end.x - 14.0),
                        label_at: (x1 + 8.0, y1 - 8.0),
                    });
                    ends.push(end);
                    continue;
                }
                for &to in choice.leads_to {
                    let kind = if loops.contains(&(activity.number, to)) {
                        EdgeKind::Loop
                    } else if choice.is_parallel() {
                        EdgeKind::Parallel
                    } else if activity.is_decision() {
                        EdgeKind::Branch
                    } else {
                        EdgeKind::Sequence
                    };
                    let (path, label_at) = router.route(activity.number, to);
                    edges.push(Edge {
                        from: activity.number,
                        to: Some(to),
                        kind,
                        label,
                        path,
                        label_at,
                    });
                }
            }
        }

        Layout {
            width: lanes.len() as f64 * LANE_WIDTH + RIGHT_MARGIN,
            height: HEADER_HEIGHT + procedure.activities.len() as f64 * ROW_HEIGHT + BOTTOM_MARGIN,
            lanes,
            nodes,
            edges,
            ends,
        }
    }

    pub fn node(&self, number: ActivityNumber) -> Option<&Node> {
        self.nodes.iter().find(|node| node.number == number)
    }
}

/// Orthogonal edges that never cross a box: each row holds one activity, so
/// the gaps between rows are free for horizontal runs, and the borders
/// between lanes are free for vertical ones.
struct Router<'a> {
    nodes: &'a [Node],
    lane_of: &'a [usize],
    /// Downward edges leaving and entering each activity, to spread their
    /// ports along the box.
    outgoing: Vec<Vec<ActivityNumber>>,
    incoming: Vec<Vec<ActivityNumber>>,
    /// How many vertical runs each lane border already carries.
    channel_use: Vec<u32>,
}

const GAP: f64 = ROW_HEIGHT - NODE_HEIGHT;

impl<'a> Router<'a> {
    fn new(nodes: &'a [Node], lane_of: &'a [usize]) -> Router<'a> {
        Router {
            nodes,
            lane_of,
            outgoing: vec![Vec::new(); nodes.len() + 1],
            incoming: vec![Vec::new(); nodes.len() + 1],
            channel_use: vec![0; lane_of.iter().max().map_or(1, |m| m + 2)],
        }
    }

    fn node(&self, number: ActivityNumber) -> &'a Node {
        &self.nodes[usize::from(number) - 1]
    }

    fn lane(&self, number: ActivityNumber) -> usize {
        self.lane_of[usize::from(number) - 1]
    }

    /// The x of the vertical run along the border `border` (0 is the left
    /// edge of the first lane), shifted a little for each run already there.
    fn channel(&mut self, border: usize) -> f64 {
        let used = self.channel_use[border];
        self.channel_use[border] += 1;
        let shift = [0.0, -5.0, 5.0, -10.0, 10.0][used as usize % 5];
        border as f64 * LANE_WIDTH + shift
    }

    fn route(&mut self, from: ActivityNumber, to: ActivityNumber) -> (String, (f64, f64)) {
        let (source, target) = (self.node(from), self.node(to));
        let (source_lane, target_lane) = (self.lane(from), self.lane(to));
        if target.y <= source.y {
            // Upward: out of the right side, up a border, into the right side.
            let border = source_lane.max(target_lane) + 1;
            let cx = self.channel(border) + 8.0;
            let (x1, y1) = (source.x + NODE_WIDTH, source.y + NODE_HEIGHT / 2.0);
            let (x2, y2) = (target.x + NODE_WIDTH, target.y + NODE_HEIGHT / 2.0);
            let label_at = (cx + 5.0, (y1 + y2) / 2.0);
            let [x1, y1, x2, y2, cx] = [x1, y1, x2, y2, cx].map(Svg);
            return (format!("M{x1},{y1} H{cx} V{y2} H{x2}"), label_at);
        }
        let out_index = self.outgoing[usize::from(from)].len();
        self.outgoing[usize::from(from)].push(to);
        let in_index = self.incoming[usize::from(to)].len();
        self.incoming[usize::from(to)].push(from);
        // Ports spread from the centre: 0, +1, -1, +2…
        let port = |index: usize| {
            let step = 22.0;
            let k = index.div_ceil(2) as f64;
            if index % 2 == 1 {
                k * step
            } else {
                -k * step
            }
        };
        let x1 = source.x + NODE_WIDTH / 2.0 + port(out_index);
        let x2 = target.x + NODE_WIDTH / 2.0 + port(in_index);
        let y1 = source.y + NODE_HEIGHT;
        let y2 = target.y;
        let y_out = y1 + GAP / 2.0 - 4.0 + 4.0 * out_index as f64;
        let y_in = y2 - GAP / 2.0 + 4.0 - 4.0 * in_index as f64;
        let adjacent = target.y - source.y <= ROW_HEIGHT + 0.5;
        // Above the arrival, stacked when several edges reach one activity.
        let label_at = (x2 + 5.0, y2 - 5.0 - 11.0 * in_index as f64);
        let straight = adjacent && (x1 - x2).abs() < 0.5;
        let cx = (!adjacent).then(|| {
            let border = match target_lane.cmp(&source_lane) {
                std::cmp::Ordering::Greater => target_lane,
                _ => target_lane + 1,
            };
            Svg(self.channel(border))
        });
        let [x1, y1, x2, y2, y_out, y_in] = [x1, y1, x2, y2, y_out, y_in].map(Svg);
        let path = match cx {
            _ if straight => format!("M{x1},{y1} V{y2}"),
            None => format!("M{x1},{y1} V{y_out} H{x2} V{y2}"),
            Some(cx) => format!("M{x1},{y1} V{y_out} H{cx} V{y_in} H{x2} V{y2}"),
        };
        (path, label_at)
    }
}

/// The corners of an edge's path (`M x,y`, then `H x` and `V y` runs), for
/// drawing it where SVG is not spoken (the dossier's PDF).
pub fn polyline(path: &str) -> Vec<(f64, f64)> {
    let mut points = Vec::new();
    let (mut x, mut y) = (0.0, 0.0);
    for step in path.split_whitespace() {
        let (command, rest) = step.split_at(1);
        match command {
            "M" | "L" => {
                let Some((a, b)) = rest.split_once(',') else {
                    continue;
                };
                let (Ok(a), Ok(b)) = (a.parse(), b.parse()) else {
                    continue;
                };
                (x, y) = (a, b);
            }
            "H" => match rest.parse() {
                Ok(a) => x = a,
                Err(_) => continue,
            },
            "V" => match rest.parse() {
                Ok(b) => y = b,
                Err(_) => continue,
            },
            _ => continue,
        }
        points.push((x, y));
    }
    points
}

/// Splits text into at most `max_lines` lines of about `width` characters,
/// ending with an ellipsis when it had to cut.
pub fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let fits = current.chars().count() + word.chars().count() < width;
        if !current.is_empty() && !fits {
            lines.push(std::mem::take(&mut current));
            if lines.len() == max_lines {
                let last = lines.last_mut().expect("just pushed");
                last.push('…');
                return lines;
            }
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
        if words.peek().is_none() {
            lines.push(std::mem::take(&mut current));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::procedures::{PR05, PR6, PR7};

    #[test]
    fn lengths_are_written_to_a_tenth_as_svg_reads_them() {
        let written = [0.0, 17.0, 23.5, 1806.04, 12.96, -5.0, -0.5, -0.04, 0.25]
            .map(|value| Svg(value).to_string());
        assert_eq!(
            written,
            ["0", "17", "23.5", "1806", "13", "-5", "-0.5", "0", "0.3"]
        );
        for value in [0.0, 14.5, 2443.9, -10.0] {
            assert_eq!(Svg::text(value).parse::<f64>(), Ok(value));
        }
    }

    #[test]
    fn every_edge_of_every_procedure_reads_back_as_corners() {
        assert_eq!(
            polyline("M10,20 H30 V40 H5"),
            vec![(10.0, 20.0), (30.0, 20.0), (30.0, 40.0), (5.0, 40.0)]
        );
        for procedure in [&PR05, &PR6, &PR7] {
            for edge in Layout::of(procedure).edges {
                let points = polyline(&edge.path);
                assert_eq!(
                    points.len(),
                    edge.path.split_whitespace().count(),
                    "{}",
                    edge.path
                );
                assert!(points
                    .windows(2)
                    .all(|w| w[0].0 == w[1].0 || w[0].1 == w[1].1));
            }
        }
    }

    #[test]
    fn one_lane_per_responsible_in_order_of_appearance() {
        let layout = Layout::of(&PR6);
        let labels: Vec<_> = layout.lanes.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Entidad solicitante",
                "DGE",
                "Jefe de la UGAT",
                "Responsable del AIT",
                "Profesional del AIT",
                "UIT / UPAT"
            ]
        );
    }

    #[test]
    fn activities_go_down_in_the_manual_order_inside_their_lane() {
        let layout = Layout::of(&PR05);
        for pair in layout.nodes.windows(2) {
            assert!(pair[1].y > pair[0].y);
        }
        let lane_x = |n: ActivityNumber| layout.node(n).unwrap().x;
        assert_eq!(lane_x(3), lane_x(19), "both are the Responsable del AIT");
        assert_ne!(lane_x(3), lane_x(4));
        assert!(layout.width >= layout.lanes.len() as f64 * LANE_WIDTH);
    }

    #[test]
    fn edges_carry_their_kind() {
        let layout = Layout::of(&PR05);
        let kind = |from, to| {
            layout
                .edges
                .iter()
                .find(|e| e.from == from && e.to == Some(to))
                .map(|e| e.kind)
        };
        assert_eq!(kind(1, 2), Some(EdgeKind::Sequence));
        assert_eq!(kind(2, 5), Some(EdgeKind::Parallel));
        assert_eq!(kind(9, 10), Some(EdgeKind::Branch));
        assert_eq!(kind(12, 9), Some(EdgeKind::Loop));
        let pr7 = Layout::of(&PR7);
        let loops: Vec<_> = pr7
            .edges
            .iter()
            .filter(|e| e.kind == EdgeKind::Loop)
            .map(|e| (e.from, e.to))
            .collect();
        assert_eq!(
            loops,
            [(11, Some(10))],
            "16 → 10 joins forward, it is no loop"
        );
    }

    #[test]
    fn every_end_has_a_marker_and_a_labelled_edge() {
        let layout = Layout::of(&PR6);
        let ends: Vec<_> = layout.ends.iter().map(|e| e.from).collect();
        assert_eq!(ends, [7, 19]);
        let early = layout
            .edges
            .iter()
            .find(|e| e.from == 7 && e.to.is_none())
            .unwrap();
        assert_eq!(early.label, "La HGE no cumple sus requerimientos");
    }

    /// The corner points of an orthogonal path ("M x,y V y H x …").
    fn corners(path: &str) -> Vec<(f64, f64)> {
        let mut points: Vec<(f64, f64)> = Vec::new();
        for token in path.split(' ') {
            let (command, rest) = token.split_at(1);
            let last = points.last().copied();
            match command {
                "M" => {
                    let (x, y) = rest.split_once(',').unwrap();
                    points.push((x.parse().unwrap(), y.parse().unwrap()));
                }
                "H" => points.push((rest.parse().unwrap(), last.unwrap().1)),
                "V" => points.push((last.unwrap().0, rest.parse().unwrap())),
                other => panic!("unexpected command {other} in {path}"),
            }
        }
        points
    }

    #[test]
    fn edges_never_cross_another_activity_box() {
        for procedure in crate::domain::procedures::every_version() {
            let layout = Layout::of(procedure);
            for edge in layout.edges.iter().filter(|e| e.to.is_some()) {
                let points = corners(&edge.path);
                for segment in points.windows(2) {
                    let (a, b) = (segment[0], segment[1]);
                    let (left, right) = (a.0.min(b.0), a.0.max(b.0));
                    let (top, bottom) = (a.1.min(b.1), a.1.max(b.1));
                    for node in &layout.nodes {
                        if Some(node.number) == edge.to || node.number == edge.from {
                            continue;
                        }
                        let crosses = left < node.x + NODE_WIDTH
                            && right > node.x
                            && top < node.y + NODE_HEIGHT
                            && bottom > node.y;
                        assert!(
                            !crosses,
                            "{} edge {}→{:?} crosses activity {}",
                            procedure.code, edge.from, edge.to, node.number
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_title_fits_its_box_uncut() {
        for procedure in crate::domain::procedures::every_version() {
            for activity in procedure.activities {
                let lines = wrap(activity.title, CHARS_PER_LINE, MAX_LINES);
                assert!(
                    !lines.last().is_some_and(|l| l.ends_with('…')),
                    "{} actividad {}: «{}» no cabe en su caja",
                    procedure.code,
                    activity.number,
                    activity.title
                );
            }
        }
    }

    #[test]
    fn wrapping_keeps_words_and_marks_a_cut() {
        assert_eq!(
            wrap("Recibe nota externa.", 24, 2),
            ["Recibe nota externa."]
        );
        let lines = wrap(
            "Revisa y aprueba el informe técnico de cierre de implementación y solicita informar",
            24,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…'));
        assert!(lines.iter().all(|l| l.chars().count() <= 25));
    }
}
