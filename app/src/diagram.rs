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
const CHARS_PER_LINE: usize = 24;

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
    /// The start of the description, wrapped to fit the box.
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
                lines: wrap(activity.description, CHARS_PER_LINE, 2),
            })
            .collect();
        let node = |number: ActivityNumber| &nodes[usize::from(number) - 1];

        let loops = procedure.loop_edges();
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
                    let target = node(to);
                    let kind = if loops.contains(&(activity.number, to)) {
                        EdgeKind::Loop
                    } else if choice.is_parallel() {
                        EdgeKind::Parallel
                    } else if activity.is_decision() {
                        EdgeKind::Branch
                    } else {
                        EdgeKind::Sequence
                    };
                    let (path, label_at) = route(source, target);
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

/// A curve from the bottom of `from` to the top of `to` when `to` is further
/// down; otherwise out of the right side and back into the right side of
/// `to`, so that upward edges stay clear of the downward ones.
fn route(from: &Node, to: &Node) -> (String, (f64, f64)) {
    if to.y > from.y {
        let (x1, y1) = (from.x + NODE_WIDTH / 2.0, from.y + NODE_HEIGHT);
        let (x2, y2) = (to.x + NODE_WIDTH / 2.0, to.y);
        let bend = ((y2 - y1) / 2.0).min(ROW_HEIGHT);
        let path = format!(
            "M{x1},{y1} C{x1},{} {x2},{} {x2},{y2}",
            y1 + bend,
            y2 - bend
        );
        // Near the start, so a branch's condition sits next to its decision.
        let label_at = (x1 + (x2 - x1) * 0.18 + 6.0, y1 + 14.0);
        (path, label_at)
    } else {
        let (x1, y1) = (from.x + NODE_WIDTH, from.y + NODE_HEIGHT / 2.0);
        let (x2, y2) = (to.x + NODE_WIDTH, to.y + NODE_HEIGHT / 2.0);
        let reach = x1.max(x2) + (LANE_WIDTH - NODE_WIDTH) / 2.0 + 28.0;
        let path = format!("M{x1},{y1} C{reach},{y1} {reach},{y2} {x2},{y2}");
        (path, (reach - 10.0, (y1 + y2) / 2.0))
    }
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
