//! The dossier as a PDF, drawn on the server with `pdf-writer`: A4, the
//! case's reference and the page number on every page, and at the end the
//! flowchart with the path the case walked.
//!
//! The text is set in Helvetica, one of the fonts every PDF reader has, so
//! nothing is embedded; it is written in WinAnsi (Windows-1252), which holds
//! every letter of Spanish.

use encoding_rs::WINDOWS_1252;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::diagram::{polyline, Layout, NODE_HEIGHT, NODE_WIDTH};
use crate::dossier::Dossier;

const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 50.0;
const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Where the body starts and ends, below the running head and above the foot.
const BODY_TOP: f32 = PAGE_HEIGHT - 78.0;
const BODY_BOTTOM: f32 = 64.0;

const REGULAR: Name = Name(b"F1");
const BOLD: Name = Name(b"F2");

#[derive(Clone, Copy)]
enum Face {
    Regular,
    Bold,
}

impl Face {
    fn name(self) -> Name<'static> {
        match self {
            Face::Regular => REGULAR,
            Face::Bold => BOLD,
        }
    }

    /// Helvetica's advance widths, in thousandths of the font size, for
    /// WinAnsi codes 32 to 255, as its AFM files give them.
    fn widths(self) -> &'static [u16; 224] {
        match self {
            Face::Regular => &HELVETICA,
            Face::Bold => &HELVETICA_BOLD,
        }
    }

    fn width(self, text: &[u8], size: f32) -> f32 {
        let units: u32 = text
            .iter()
            .map(|&byte| u32::from(self.widths()[usize::from(byte.max(32)) - 32]))
            .sum();
        units as f32 * size / 1000.0
    }
}

/// `text` in WinAnsi; what it cannot hold becomes `?`, line breaks spaces.
fn win_ansi(text: &str) -> Vec<u8> {
    let mut encoder = WINDOWS_1252.new_encoder();
    let mut out = Vec::with_capacity(text.len());
    let mut buffer = [0u8; 4];
    for c in text.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        let c = match c {
            '→' => '>',
            c if c.is_control() => continue,
            c => c,
        };
        let (result, _, written) = encoder.encode_from_utf8_without_replacement(
            c.encode_utf8(&mut [0u8; 4]),
            &mut buffer,
            false,
        );
        match result {
            encoding_rs::EncoderResult::InputEmpty => out.extend_from_slice(&buffer[..written]),
            _ => out.push(b'?'),
        }
    }
    out
}

/// `text` broken into lines no wider than `width`: at spaces, and inside a
/// word only when the word alone is wider.
fn wrap(text: &str, face: Face, size: f32, width: f32) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    for word in win_ansi(text)
        .split(|&b| b == b' ')
        .filter(|w| !w.is_empty())
    {
        let candidate_width = if line.is_empty() {
            face.width(word, size)
        } else {
            face.width(&line, size) + face.width(b" ", size) + face.width(word, size)
        };
        if candidate_width <= width {
            if !line.is_empty() {
                line.push(b' ');
            }
            line.extend_from_slice(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for &byte in word {
            if !line.is_empty() && face.width(&line, size) + face.width(&[byte], size) > width {
                lines.push(std::mem::take(&mut line));
            }
            line.push(byte);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The pages as they are filled, top to bottom.
struct Pages {
    done: Vec<Content>,
    page: Content,
    y: f32,
}

impl Pages {
    fn new() -> Pages {
        Pages {
            done: Vec::new(),
            page: Content::new(),
            y: BODY_TOP,
        }
    }

    fn new_page(&mut self) {
        self.done
            .push(std::mem::replace(&mut self.page, Content::new()));
        self.y = BODY_TOP;
    }

    /// Room for `height` more points, on a new page when this one is full.
    fn room(&mut self, height: f32) {
        if self.y - height < BODY_BOTTOM && self.y < BODY_TOP {
            self.new_page();
        }
    }

    fn line(&mut self, text: &[u8], face: Face, size: f32, x: f32) {
        let leading = size * 1.35;
        self.room(leading);
        self.y -= leading;
        show(&mut self.page, text, face, size, x, self.y);
    }

    fn paragraph(&mut self, text: &str, face: Face, size: f32, indent: f32) {
        for line in wrap(text, face, size, TEXT_WIDTH - indent) {
            self.line(&line, face, size, MARGIN + indent);
        }
    }

    /// "Label: value", the label in bold, the value wrapped beside it.
    fn field(&mut self, label: &str, value: &str, size: f32, indent: f32) {
        let label = win_ansi(&format!("{label}: "));
        let label_width = Face::Bold.width(&label, size).max(92.0);
        let lines = wrap(
            value,
            Face::Regular,
            size,
            TEXT_WIDTH - indent - label_width,
        );
        for (index, line) in lines.iter().enumerate() {
            self.line(line, Face::Regular, size, MARGIN + indent + label_width);
            if index == 0 {
                show(
                    &mut self.page,
                    &label,
                    Face::Bold,
                    size,
                    MARGIN + indent,
                    self.y,
                );
            }
        }
    }

    fn heading(&mut self, text: &str) {
        self.room(60.0);
        self.y -= 10.0;
        self.line(&win_ansi(text), Face::Bold, 13.0, MARGIN);
        self.y -= 4.0;
    }

    fn rule(&mut self) {
        self.y -= 5.0;
        self.page
            .set_stroke_gray(0.8)
            .set_line_width(0.5)
            .move_to(MARGIN, self.y)
            .line_to(PAGE_WIDTH - MARGIN, self.y)
            .stroke();
    }

    fn finish(mut self) -> Vec<Content> {
        self.done.push(self.page);
        self.done
    }
}

fn show(content: &mut Content, text: &[u8], face: Face, size: f32, x: f32, y: f32) {
    content
        .set_fill_gray(0.0)
        .begin_text()
        .set_font(face.name(), size)
        .next_line(x, y)
        .show(Str(text))
        .end_text();
}

/// The dossier as the bytes of a PDF file.
pub fn render(dossier: &Dossier) -> Vec<u8> {
    let mut pages = Pages::new();
    body(&mut pages, dossier);
    pages.new_page();
    let mut contents = pages.finish();
    contents.pop();
    contents.extend(flowchart_pages(dossier));
    let total = contents.len();
    for (index, content) in contents.iter_mut().enumerate() {
        running_head_and_foot(content, dossier, index + 1, total);
    }
    assemble(dossier, contents)
}

fn body(pages: &mut Pages, dossier: &Dossier) {
    let case = &dossier.case;
    pages.line(
        &win_ansi("Hoja de ruta del expediente"),
        Face::Bold,
        18.0,
        MARGIN,
    );
    pages.paragraph(
        &format!("{} · {}", case.reference, case.title),
        Face::Regular,
        12.0,
        0.0,
    );
    pages.rule();
    pages.y -= 4.0;
    for (label, value) in dossier.header() {
        pages.field(label, &value, 10.0, 0.0);
    }

    pages.heading("Historial");
    let lines = dossier.lines();
    for line in &lines {
        pages.room(40.0);
        pages.y -= 4.0;
        pages.paragraph(
            &format!("{}. {} · {}", line.order, line.when(), line.who()),
            Face::Bold,
            9.5,
            0.0,
        );
        pages.paragraph(&line.what, Face::Regular, 9.5, 14.0);
        if !line.comment.is_empty() {
            pages.field("Comentario", &line.comment, 9.0, 14.0);
        }
        if !line.files.is_empty() {
            pages.field("Archivos", &line.files.join(", "), 9.0, 14.0);
        }
    }

    pages.heading("Formularios enviados");
    let forms = dossier.form_lines();
    if forms.is_empty() {
        pages.paragraph(
            "No se enviaron formularios en este expediente.",
            Face::Regular,
            9.5,
            0.0,
        );
    }
    for form in &forms {
        pages.room(40.0);
        pages.y -= 4.0;
        pages.paragraph(
            &format!(
                "{} · versión {} · {}",
                form.title, form.version, form.status
            ),
            Face::Bold,
            9.5,
            0.0,
        );
        pages.field("Referencia", &form.reference, 9.0, 14.0);
        pages.field(
            "Enviado",
            &format!("{} por {}", form.sent, form.sent_by),
            9.0,
            14.0,
        );
        if !form.observations.is_empty() {
            pages.field("Observaciones", &form.observations, 9.0, 14.0);
        }
    }

    pages.heading("Recorrido");
    pages.paragraph(&dossier.walked_sentence(), Face::Regular, 9.5, 0.0);
    pages.paragraph(
        "El diagrama de las páginas siguientes marca en verde las actividades completadas y en ámbar las que están en curso.",
        Face::Regular,
        9.5,
        0.0,
    );
}

/// The reference and the manual on top of every page, the page number and
/// when it was drawn up at its foot.
fn running_head_and_foot(content: &mut Content, dossier: &Dossier, number: usize, total: usize) {
    let case = &dossier.case;
    let head = win_ansi(&format!("Hoja de ruta · {}", case.reference));
    let law = win_ansi(&format!(
        "{} versión {}",
        case.manual.code, case.manual.version
    ));
    let foot = win_ansi(&dossier.generated_sentence());
    let page = win_ansi(&format!("Página {number} de {total}"));
    let top = PAGE_HEIGHT - 40.0;
    show(content, &head, Face::Bold, 9.0, MARGIN, top);
    let law_x = PAGE_WIDTH - MARGIN - Face::Regular.width(&law, 9.0);
    show(content, &law, Face::Regular, 9.0, law_x, top);
    let page_x = PAGE_WIDTH - MARGIN - Face::Regular.width(&page, 8.0);
    show(content, &foot, Face::Regular, 8.0, MARGIN, 36.0);
    show(content, &page, Face::Regular, 8.0, page_x, 36.0);
    content
        .set_stroke_gray(0.6)
        .set_line_width(0.5)
        .move_to(MARGIN, top - 6.0)
        .line_to(PAGE_WIDTH - MARGIN, top - 6.0)
        .move_to(MARGIN, 48.0)
        .line_to(PAGE_WIDTH - MARGIN, 48.0)
        .stroke();
}

/// The flowchart scaled to the page's width, over as many pages as its
/// height needs.
fn flowchart_pages(dossier: &Dossier) -> Vec<Content> {
    let layout = Layout::of(dossier.procedure());
    let scale = (TEXT_WIDTH / layout.width as f32).min(1.0);
    let title_room = 24.0;
    let slice = (BODY_TOP - BODY_BOTTOM - title_room) / scale;
    let slices = ((layout.height as f32 / slice).ceil() as usize).max(1);
    (0..slices)
        .map(|index| {
            let mut content = Content::new();
            let title = if slices > 1 {
                format!("Diagrama del recorrido ({} de {slices})", index + 1)
            } else {
                "Diagrama del recorrido".to_owned()
            };
            show(
                &mut content,
                &win_ansi(&title),
                Face::Bold,
                13.0,
                MARGIN,
                BODY_TOP - 14.0,
            );
            let top = BODY_TOP - title_room;
            content
                .save_state()
                .rect(
                    MARGIN - 2.0,
                    BODY_BOTTOM,
                    TEXT_WIDTH + 4.0,
                    top - BODY_BOTTOM,
                )
                .clip_nonzero()
                .end_path()
                // The layout's y grows downwards.
                .transform([
                    scale,
                    0.0,
                    0.0,
                    -scale,
                    MARGIN,
                    top + index as f32 * slice * scale,
                ]);
            draw_layout(&mut content, &layout, dossier);
            content.restore_state();
            content
        })
        .collect()
}

fn draw_layout(content: &mut Content, layout: &Layout, dossier: &Dossier) {
    let case = &dossier.case;
    let walked = |n| case.done.contains(&n) || dossier.walked.contains(&n);
    let current = |n| case.active.iter().any(|a| a.number == n);
    for (index, lane) in layout.lanes.iter().enumerate() {
        let x = lane.x as f32;
        if index > 0 {
            content
                .set_stroke_gray(0.85)
                .set_line_width(1.0)
                .move_to(x, 0.0)
                .line_to(x, layout.height as f32)
                .stroke();
        }
        for (row, line) in wrap(
            &lane.label,
            Face::Bold,
            10.0,
            crate::diagram::LANE_WIDTH as f32 - 12.0,
        )
        .iter()
        .take(3)
        .enumerate()
        {
            flipped_text(
                content,
                line,
                Face::Bold,
                10.0,
                x + 6.0,
                18.0 + row as f32 * 12.0,
            );
        }
    }
    for edge in &layout.edges {
        let points = polyline(&edge.path);
        let taken = edge.to.is_some_and(walked) && walked(edge.from);
        let gray = if taken { 0.15 } else { 0.65 };
        content
            .set_stroke_gray(gray)
            .set_fill_gray(gray)
            .set_line_width(if taken { 1.6 } else { 0.8 });
        if let Some((&(x, y), rest)) = points.split_first() {
            content.move_to(x as f32, y as f32);
            for &(x, y) in rest {
                content.line_to(x as f32, y as f32);
            }
            content.stroke();
        }
        if let [.., (x1, y1), (x2, y2)] = points[..] {
            arrowhead(content, (x1 as f32, y1 as f32), (x2 as f32, y2 as f32));
        }
        if !edge.label.is_empty() {
            let (x, y) = edge.label_at;
            flipped_text(
                content,
                &win_ansi(edge.label),
                Face::Regular,
                8.0,
                x as f32,
                y as f32,
            );
        }
    }
    for end in &layout.ends {
        let (x, y) = (end.x as f32, end.y as f32);
        content.set_stroke_gray(0.3).set_line_width(1.5);
        circle(content, x, y, 12.0);
        content.stroke();
        flipped_text(
            content,
            &win_ansi(end.label),
            Face::Regular,
            8.0,
            x + 16.0,
            y + 3.0,
        );
    }
    for node in &layout.nodes {
        let (x, y) = (node.x as f32, node.y as f32);
        let (r, g, b) = if current(node.number) {
            (1.0, 0.91, 0.7)
        } else if walked(node.number) {
            (0.84, 0.94, 0.86)
        } else {
            (1.0, 1.0, 1.0)
        };
        content
            .set_fill_rgb(r, g, b)
            .set_stroke_gray(0.35)
            .set_line_width(1.0)
            .rect(x, y, NODE_WIDTH as f32, NODE_HEIGHT as f32)
            .fill_nonzero_and_stroke();
        flipped_text(
            content,
            &win_ansi(&node.number.to_string()),
            Face::Bold,
            9.0,
            x + 5.0,
            y + 12.0,
        );
        for (row, line) in node.lines.iter().enumerate() {
            flipped_text(
                content,
                &win_ansi(line),
                Face::Regular,
                8.5,
                x + 8.0,
                y + 24.0 + row as f32 * 10.5,
            );
        }
    }
}

/// Text drawn upright inside the flowchart's flipped coordinates.
fn flipped_text(content: &mut Content, text: &[u8], face: Face, size: f32, x: f32, y: f32) {
    content
        .set_fill_gray(0.1)
        .begin_text()
        .set_font(face.name(), size)
        .set_text_matrix([1.0, 0.0, 0.0, -1.0, x, y])
        .show(Str(text))
        .end_text();
}

fn arrowhead(content: &mut Content, from: (f32, f32), to: (f32, f32)) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length = (dx * dx + dy * dy).sqrt();
    if length == 0.0 {
        return;
    }
    let (ux, uy) = (dx / length, dy / length);
    let (size, half) = (7.0, 3.5);
    let base = (to.0 - ux * size, to.1 - uy * size);
    content
        .move_to(to.0, to.1)
        .line_to(base.0 - uy * half, base.1 + ux * half)
        .line_to(base.0 + uy * half, base.1 - ux * half)
        .close_path()
        .fill_nonzero();
}

/// A circle from four Bézier arcs.
fn circle(content: &mut Content, x: f32, y: f32, r: f32) {
    let k = 0.552_284_8 * r;
    content
        .move_to(x + r, y)
        .cubic_to(x + r, y + k, x + k, y + r, x, y + r)
        .cubic_to(x - k, y + r, x - r, y + k, x - r, y)
        .cubic_to(x - r, y - k, x - k, y - r, x, y - r)
        .cubic_to(x + k, y - r, x + r, y - k, x + r, y)
        .close_path();
}

fn assemble(dossier: &Dossier, contents: Vec<Content>) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let info = Ref::new(3);
    let regular = Ref::new(4);
    let bold = Ref::new(5);
    let first_page = 6;
    let page_refs: Vec<Ref> = (0..contents.len())
        .map(|i| Ref::new(first_page + 2 * i as i32))
        .collect();

    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_refs.iter().copied())
        .count(page_refs.len() as i32);
    let title = format!("Hoja de ruta {}", dossier.case.reference);
    pdf.document_info(info)
        .title(TextStr(&title))
        .subject(TextStr(&dossier.case.title))
        .creator(TextStr(&format!(
            "{} versión {}",
            dossier.case.manual.code, dossier.case.manual.version
        )));
    for (font, name) in [(regular, "Helvetica"), (bold, "Helvetica-Bold")] {
        pdf.type1_font(font)
            .base_font(Name(name.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (page_ref, content) in page_refs.iter().zip(contents) {
        let content_ref = Ref::new(page_ref.get() + 1);
        let mut page = pdf.page(*page_ref);
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(tree)
            .contents(content_ref);
        page.resources()
            .fonts()
            .pair(REGULAR, regular)
            .pair(BOLD, bold);
        page.finish();
        pdf.stream(content_ref, &content.finish());
    }
    pdf.finish()
}

#[rustfmt::skip]
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::procedures::PR05;
    use crate::dossier::samples::{self, entry};

    /// A PR05 case walked through observation rounds: `rounds` times 9,
    /// 10, 11 and 12 after the first activities, with comments.
    fn long_case(rounds: usize) -> Dossier {
        let mut walked: Vec<u16> = vec![1, 2, 3, 4, 7, 8];
        for _ in 0..rounds {
            walked.extend([9, 10, 11, 12]);
        }
        let mut history = vec![entry(1, None, 0)];
        for (index, &number) in walked.iter().enumerate() {
            let mut completion = entry(
                index as i64 + 2,
                Some(number),
                (index as i64 + 1) * 3_600_000,
            );
            completion.comment = Some(
                "Se revisó el documento y se dejan observaciones para la siguiente ronda.".into(),
            );
            completion.output = Some("Nota interna".into());
            completion.output_reference = Some(format!("NI-{number}/2026"));
            history.push(completion);
        }
        let mut case = samples::case(&PR05, "PR05-2026-0042", history);
        case.done = walked;
        case.entities[0].name = "Ministerio de Obras Públicas".into();
        Dossier::new(case, Vec::new(), 0)
    }

    #[test]
    fn the_pdf_parses_back_with_the_reference_and_page_on_every_page_and_every_activity_walked() {
        let dossier = long_case(12);
        let bytes = render(&dossier);
        let document = lopdf::Document::load_mem(&bytes).expect("a PDF that parses back");
        let pages: Vec<u32> = document.get_pages().keys().copied().collect();
        assert!(pages.len() >= 4, "{} pages", pages.len());
        for &page in &pages {
            let text = document.extract_text(&[page]).unwrap();
            assert!(text.contains("PR05-2026-0042"), "page {page}: {text}");
            assert!(
                text.contains(&format!("Página {page} de {}", pages.len())),
                "page {page}: {text}"
            );
        }
        let text = document.extract_text(&pages).unwrap();
        let mut walked = dossier.walked.clone();
        walked.sort();
        walked.dedup();
        for number in walked {
            assert!(
                text.contains(&format!("Completó la actividad {number} ")),
                "activity {number}"
            );
        }
        assert!(text.contains("Ministerio de Obras Públicas"));
        assert!(text.contains("Diagrama del recorrido"));
        assert_eq!(
            text.matches("Completó la actividad").count(),
            dossier.walked.len(),
            "every completion, once"
        );
    }

    #[test]
    fn a_case_just_opened_is_a_short_pdf_all_the_same() {
        let mut dossier = long_case(0);
        dossier.case.history.truncate(1);
        dossier.walked.clear();
        let bytes = render(&dossier);
        let document = lopdf::Document::load_mem(&bytes).expect("a PDF that parses back");
        let text = document
            .extract_text(&document.get_pages().keys().copied().collect::<Vec<_>>())
            .unwrap();
        assert!(text.contains("Aún no se completó ninguna actividad."));
        assert!(text.contains("No se enviaron formularios en este expediente."));
    }

    #[test]
    fn spanish_text_is_written_in_win_ansi() {
        assert_eq!(win_ansi("Año ñandú"), b"A\xf1o \xf1and\xfa");
        assert_eq!(win_ansi("1 → 2 ✓"), b"1 > 2 ?");
        assert_eq!(win_ansi("a\nb"), b"a b");
    }

    #[test]
    fn lines_are_broken_at_spaces_and_never_run_past_the_width() {
        let text = "La Unidad de Gobierno Abierto y Tecnologías revisa la solicitud de la entidad";
        let lines = wrap(text, Face::Regular, 10.0, 120.0);
        assert!(lines.len() > 1);
        for line in &lines {
            assert!(Face::Regular.width(line, 10.0) <= 120.0);
            assert!(!line.starts_with(b" ") && !line.ends_with(b" "));
        }
        let joined: Vec<u8> = lines.join(&b' ');
        assert_eq!(joined, win_ansi(text));
        let long_word = wrap(&"x".repeat(100), Face::Bold, 10.0, 50.0);
        assert!(long_word.len() > 1);
        assert!(long_word.iter().all(|l| Face::Bold.width(l, 10.0) <= 50.0));
    }

    #[test]
    fn helvetica_widths_are_the_fonts() {
        assert_eq!(Face::Regular.width(b"A", 1000.0), 667.0);
        assert_eq!(Face::Bold.width(b"A", 1000.0), 722.0);
        assert_eq!(Face::Regular.width(b"\xf1", 1000.0), 556.0);
    }
}
