//! A page-aware drawing list: the layout writes text, rules and shaded boxes
//! at a vertical cursor and opens new pages as it goes; [`Canvas::finish`]
//! then turns the pages into a PDF with krilla.
//!
//! Coordinates are PDF points from the top-left corner of the page, y downward;
//! a text's y is its baseline.
use super::PdfError;
use super::font::{Face, Faces, Weight};
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::{Document, SerializeSettings};

/// A4 portrait, in points.
pub(super) const PAGE_WIDTH: f32 = 595.28;
pub(super) const PAGE_HEIGHT: f32 = 841.89;
/// 15 mm side margins.
pub(super) const MARGIN_X: f32 = 42.5;
pub(super) const MARGIN_TOP: f32 = 42.5;
/// Content stops here; the footer sits below.
pub(super) const CONTENT_BOTTOM: f32 = PAGE_HEIGHT - 56.0;
pub(super) const RIGHT: f32 = PAGE_WIDTH - MARGIN_X;
pub(super) const CONTENT_WIDTH: f32 = RIGHT - MARGIN_X;

/// A grey level, 0 black to 255 white.
pub(super) type Gray = u8;
pub(super) const INK: Gray = 0;
pub(super) const MUTED: Gray = 85;

/// Font, size and colour of a piece of text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Style {
    pub weight: Weight,
    pub size: f32,
    pub gray: Gray,
}

impl Style {
    pub const fn new(weight: Weight, size: f32) -> Style {
        Style {
            weight,
            size,
            gray: INK,
        }
    }

    pub const fn muted(self) -> Style {
        Style {
            gray: MUTED,
            ..self
        }
    }

    pub const fn sized(self, size: f32) -> Style {
        Style { size, ..self }
    }

    /// Distance between two baselines.
    pub fn leading(self) -> f32 {
        self.size * 1.3
    }
}

#[derive(Debug)]
enum Op {
    Text {
        x: f32,
        y: f32,
        style: Style,
        text: String,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        gray: Gray,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        gray: Gray,
    },
    Frame {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        gray: Gray,
    },
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: krilla::image::Image,
    },
}

pub(super) struct Canvas<'f> {
    faces: &'f Faces,
    pages: Vec<Vec<Op>>,
    /// The vertical cursor on the last page.
    pub y: f32,
}

impl<'f> Canvas<'f> {
    pub fn new(faces: &'f Faces) -> Canvas<'f> {
        Canvas {
            faces,
            pages: vec![Vec::new()],
            y: MARGIN_TOP,
        }
    }

    pub fn face(&self, style: Style) -> Face {
        self.faces.face(style.weight)
    }

    pub fn width(&self, text: &str, style: Style) -> f32 {
        self.face(style).width(text, style.size)
    }

    pub fn wrap(&self, text: &str, style: Style, max_width: f32) -> Vec<String> {
        self.face(style).wrap(text, style.size, max_width)
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    pub fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN_TOP;
    }

    /// Starts a new page when `height` does not fit below the cursor (and the
    /// page is not blank already). Returns whether a page was started.
    pub fn ensure(&mut self, height: f32) -> bool {
        let blank = self.y <= MARGIN_TOP;
        if !blank && self.y + height > CONTENT_BOTTOM {
            self.new_page();
            true
        } else {
            false
        }
    }

    /// Room left on the current page.
    pub fn room(&self) -> f32 {
        CONTENT_BOTTOM - self.y
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn push_on(&mut self, page: usize, op: Op) {
        if let Some(p) = self.pages.get_mut(page) {
            p.push(op);
        }
    }

    pub fn text(&mut self, x: f32, y: f32, style: Style, text: &str) {
        if !text.is_empty() {
            self.push(Op::Text {
                x,
                y,
                style,
                text: text.to_owned(),
            });
        }
    }

    pub fn text_right(&mut self, right: f32, y: f32, style: Style, text: &str) {
        let w = self.width(text, style);
        self.text(right - w, y, style, text);
    }

    /// Text on an earlier page (footers, once the page count is known).
    pub fn text_on(&mut self, page: usize, x: f32, y: f32, style: Style, text: &str) {
        self.push_on(
            page,
            Op::Text {
                x,
                y,
                style,
                text: text.to_owned(),
            },
        );
    }

    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, gray: Gray) {
        self.push(Op::Fill { x, y, w, h, gray });
    }

    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, gray: Gray) {
        self.push(Op::Frame { x, y, w, h, gray });
    }

    /// A bitmap drawn into the box whose top-left corner is (x, y).
    pub fn image(&mut self, x: f32, y: f32, w: f32, h: f32, image: krilla::image::Image) {
        self.push(Op::Image { x, y, w, h, image });
    }

    pub fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32, gray: Gray) {
        self.push(Op::Rule {
            x1,
            y1: y,
            x2,
            y2: y,
            width,
            gray,
        });
    }

    /// Writes the pages out as a PDF.
    pub fn finish(self, title: String, language: &str) -> Result<Vec<u8>, PdfError> {
        self.finish_with(title, language, None)
    }

    /// The PDF, and with an attachment a PDF/A-3b (krilla's archival
    /// validator refuses to write anything that breaks its rules) carrying
    /// the file as an associated file, dated by the attachment.
    pub fn finish_with(
        self,
        title: String,
        language: &str,
        attachment: Option<Attachment>,
    ) -> Result<Vec<u8>, PdfError> {
        let mut metadata = Metadata::new()
            .title(title)
            .language(language.to_owned())
            .creator("Quittance".to_owned());
        let mut document = match &attachment {
            None => Document::new(),
            Some(a) => {
                metadata = metadata.creation_date(a.date);
                let configuration = ConfigurationBuilder::new()
                    .with_archival_validator(Archival::A3_B)
                    .finish()
                    .map_err(|e| PdfError::Write(format!("{e:?}")))?;
                Document::new_with(SerializeSettings {
                    configuration,
                    ..SerializeSettings::default()
                })
            }
        };
        document.set_metadata(metadata);
        if let Some(a) = attachment {
            let embedded = EmbeddedFile {
                path: a.name,
                mime_type: MimeType::new(a.mime_type),
                description: Some(a.description),
                association_kind: AssociationKind::Alternative,
                data: krilla::Data::from(a.data),
                modification_date: Some(a.date),
                compress: Some(true),
                location: None,
            };
            document
                .embed_file(embedded)
                .ok_or_else(|| PdfError::Write("the attachment was embedded twice".into()))?;
        }
        for ops in &self.pages {
            let settings =
                PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or(PdfError::PageSize)?;
            let mut page = document.start_page_with(settings);
            let mut surface = page.surface();
            for op in ops {
                match op {
                    Op::Text { x, y, style, text } => {
                        let face = self.faces.face(style.weight);
                        surface.set_fill(Some(fill(style.gray)));
                        surface.draw_glyphs(
                            Point::from_xy(*x, *y),
                            &face.glyphs(text),
                            self.faces.font(style.weight),
                            text,
                            style.size,
                            false,
                        );
                    }
                    Op::Fill { x, y, w, h, gray } => {
                        if let Some(path) = rect_path(*x, *y, *w, *h) {
                            surface.set_stroke(None);
                            surface.set_fill(Some(fill(*gray)));
                            surface.draw_path(&path);
                        }
                    }
                    Op::Frame { x, y, w, h, gray } => {
                        if let Some(path) = rect_path(*x, *y, *w, *h) {
                            surface.set_fill(None);
                            surface.set_stroke(Some(stroke(0.6, *gray)));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                        }
                    }
                    Op::Image { x, y, w, h, image } => {
                        if let Some(size) = Size::from_wh(*w, *h) {
                            surface.push_transform(&Transform::from_translate(*x, *y));
                            surface.draw_image(image.clone(), size);
                            surface.pop();
                        }
                    }
                    Op::Rule {
                        x1,
                        y1,
                        x2,
                        y2,
                        width,
                        gray,
                    } => {
                        let mut pb = PathBuilder::new();
                        pb.move_to(*x1, *y1);
                        pb.line_to(*x2, *y2);
                        if let Some(path) = pb.finish() {
                            surface.set_fill(None);
                            surface.set_stroke(Some(stroke(*width, *gray)));
                            surface.draw_path(&path);
                            surface.set_stroke(None);
                        }
                    }
                }
            }
            surface.finish();
            page.finish();
        }
        document
            .finish()
            .map_err(|e| PdfError::Write(format!("{e:?}")))
    }
}

/// A file carried inside the PDF (the Factur-X XML), as an "Alternative"
/// representation of the document.
pub struct Attachment {
    pub name: String,
    pub mime_type: &'static str,
    pub description: String,
    pub data: Vec<u8>,
    /// The modification date of the file and the creation date of the PDF:
    /// the document's date, so the same document always gives the same bytes.
    pub date: krilla::metadata::DateTime,
}

fn fill(gray: Gray) -> Fill {
    Fill {
        paint: rgb::Color::new(gray, gray, gray).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn stroke(width: f32, gray: Gray) -> Stroke {
    Stroke {
        paint: rgb::Color::new(gray, gray, gray).into(),
        width,
        ..Default::default()
    }
}

fn rect_path(x: f32, y: f32, w: f32, h: f32) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    pb.push_rect(Rect::from_xywh(x, y, w, h)?);
    pb.finish()
}

/// A PNG or JPEG as krilla reads it, or `None` when it cannot (only its
/// header is read here; the pixels are decoded when the PDF is written).
pub(super) fn bitmap(bytes: &[u8]) -> Option<krilla::image::Image> {
    let data = krilla::Data::from(bytes.to_vec());
    match crate::model::settings::sniff_image(bytes)? {
        "image/png" => krilla::image::Image::from_png(data, true).ok(),
        _ => krilla::image::Image::from_jpeg(data, true).ok(),
    }
}

/// The size of an image of `(w, h)` pixels scaled to fit a `(box_w, box_h)`
/// box, keeping its aspect ratio.
pub(super) fn fit_box((w, h): (u32, u32), (box_w, box_h): (f32, f32)) -> Option<(f32, f32)> {
    if w == 0 || h == 0 {
        return None;
    }
    let (w, h) = (w as f32, h as f32);
    let scale = (box_w / w).min(box_h / h);
    Some((w * scale, h * scale))
}
