//! The two embedded DejaVu Sans faces and just enough of their TrueType tables
//! (`cmap`, `hmtx`) to measure text. krilla draws glyphs but has no measuring
//! API, and a table needs widths to wrap and right-align. Every character is
//! mapped to one glyph with its advance width (no kerning, no ligatures), so the
//! width measured here is exactly the width drawn.
use super::PdfError;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use std::collections::HashMap;
use std::sync::LazyLock;

static REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

static REGULAR_METRICS: LazyLock<Option<Metrics>> = LazyLock::new(|| Metrics::parse(REGULAR_TTF));
static BOLD_METRICS: LazyLock<Option<Metrics>> = LazyLock::new(|| Metrics::parse(BOLD_TTF));

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Weight {
    Regular,
    Bold,
}

/// Character to glyph mapping and advance widths of one font.
#[derive(Debug)]
struct Metrics {
    units_per_em: f32,
    /// Advance width of every glyph, in font units.
    advances: Vec<u16>,
    glyphs: HashMap<char, u16>,
}

/// A face ready to measure text and to hand glyphs to krilla.
#[derive(Clone, Copy)]
pub(super) struct Face {
    metrics: &'static Metrics,
}

/// Both faces, plus the krilla fonts to embed.
pub(super) struct Faces {
    pub regular: Face,
    pub bold: Face,
    pub regular_font: Font,
    pub bold_font: Font,
}

impl Faces {
    pub fn load() -> Result<Faces, PdfError> {
        let regular = REGULAR_METRICS
            .as_ref()
            .ok_or(PdfError::Font("DejaVuSans"))?;
        let bold = BOLD_METRICS
            .as_ref()
            .ok_or(PdfError::Font("DejaVuSans-Bold"))?;
        let regular_font = Font::new(REGULAR_TTF.into(), 0).ok_or(PdfError::Font("DejaVuSans"))?;
        let bold_font = Font::new(BOLD_TTF.into(), 0).ok_or(PdfError::Font("DejaVuSans-Bold"))?;
        Ok(Faces {
            regular: Face { metrics: regular },
            bold: Face { metrics: bold },
            regular_font,
            bold_font,
        })
    }

    pub fn face(&self, weight: Weight) -> Face {
        match weight {
            Weight::Regular => self.regular,
            Weight::Bold => self.bold,
        }
    }

    pub fn font(&self, weight: Weight) -> Font {
        match weight {
            Weight::Regular => self.regular_font.clone(),
            Weight::Bold => self.bold_font.clone(),
        }
    }
}

impl Face {
    /// Glyph id and advance (in ems) of a character; unknown characters get
    /// the `.notdef` glyph rather than failing.
    fn glyph(&self, c: char) -> (u16, f32) {
        let m = self.metrics;
        let gid = m.glyphs.get(&c).copied().unwrap_or(0);
        let adv = m
            .advances
            .get(usize::from(gid))
            .or(m.advances.last())
            .copied()
            .unwrap_or(0);
        (gid, f32::from(adv) / m.units_per_em)
    }

    /// Width of `text` in points at `size`.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).1).sum::<f32>() * size
    }

    /// One glyph per character, each covering its own bytes of `text` (which
    /// gives the PDF an exact `ToUnicode` map for copy and text extraction).
    pub fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(i, c)| {
                let (gid, adv) = self.glyph(c);
                KrillaGlyph::new(
                    GlyphId::new(u32::from(gid)),
                    adv,
                    0.0,
                    0.0,
                    0.0,
                    i..i + c.len_utf8(),
                    None,
                )
            })
            .collect()
    }

    /// Breaks `text` into lines no wider than `max_width` points: at spaces,
    /// at explicit line breaks, and inside a word only when the word alone is
    /// too wide. Never drops a character (except collapsed spaces); an empty
    /// text gives one empty line.
    pub fn wrap(&self, text: &str, size: f32, max_width: f32) -> Vec<String> {
        let clean = clean_text(text);
        let space = self.width(" ", size);
        let mut lines = Vec::new();
        for paragraph in clean.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
                let word_w = self.width(word, size);
                if line.is_empty() {
                    // Placed below.
                } else if line_w + space + word_w <= max_width {
                    line.push(' ');
                    line.push_str(word);
                    line_w += space + word_w;
                    continue;
                } else {
                    lines.push(std::mem::take(&mut line));
                }
                if word_w <= max_width {
                    line.push_str(word);
                    line_w = word_w;
                } else {
                    // A word wider than the column: cut it where it overflows.
                    line_w = 0.0;
                    for c in word.chars() {
                        let w = self.glyph(c).1 * size;
                        if !line.is_empty() && line_w + w > max_width {
                            lines.push(std::mem::take(&mut line));
                            line_w = 0.0;
                        }
                        line.push(c);
                        line_w += w;
                    }
                }
            }
            lines.push(line);
        }
        lines
    }
}

/// Turns tabs, carriage returns and other control characters into spaces, keeping `\n`.
pub(super) fn clean_text(text: &str) -> String {
    text.chars()
        .filter(|&c| c != '\r')
        .map(|c| if c != '\n' && c.is_control() { ' ' } else { c })
        .collect()
}

fn read_u16(data: &[u8], at: usize) -> Option<u16> {
    let bytes = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes(bytes.try_into().ok()?))
}

fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    let bytes = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes(bytes.try_into().ok()?))
}

/// Offset of a table in the font file.
fn table(data: &[u8], tag: &[u8; 4]) -> Option<usize> {
    let count = usize::from(read_u16(data, 4)?);
    (0..count).find_map(|i| {
        let rec = 12 + 16 * i;
        (data.get(rec..rec + 4)? == tag).then_some(())?;
        usize::try_from(read_u32(data, rec + 8)?).ok()
    })
}

impl Metrics {
    fn parse(data: &[u8]) -> Option<Metrics> {
        let head = table(data, b"head")?;
        let units_per_em = f32::from(read_u16(data, head + 18)?.max(1));
        let num_glyphs = usize::from(read_u16(data, table(data, b"maxp")? + 4)?);
        let num_metrics = usize::from(read_u16(data, table(data, b"hhea")? + 34)?).max(1);
        let hmtx = table(data, b"hmtx")?;
        let mut advances = Vec::with_capacity(num_glyphs);
        for i in 0..num_glyphs.max(num_metrics) {
            let adv = match advances.last() {
                Some(&last) if i >= num_metrics => last,
                _ => read_u16(data, hmtx + 4 * i)?,
            };
            advances.push(adv);
        }
        let glyphs = parse_cmap(data, table(data, b"cmap")?)?;
        Some(Metrics {
            units_per_em,
            advances,
            glyphs,
        })
    }
}

/// Reads the Unicode `cmap` subtable: format 12 (full Unicode) when present, else format 4.
fn parse_cmap(data: &[u8], cmap: usize) -> Option<HashMap<char, u16>> {
    let count = usize::from(read_u16(data, cmap + 2)?);
    let mut best: Option<(u16, usize)> = None;
    for i in 0..count {
        let rec = cmap + 4 + 8 * i;
        let platform = read_u16(data, rec)?;
        let encoding = read_u16(data, rec + 2)?;
        let offset = cmap + usize::try_from(read_u32(data, rec + 4)?).ok()?;
        let unicode = platform == 0 || (platform == 3 && (encoding == 1 || encoding == 10));
        let format = read_u16(data, offset)?;
        if unicode && (format == 4 || format == 12) && best.is_none_or(|(f, _)| format > f) {
            best = Some((format, offset));
        }
    }
    let mut map = HashMap::new();
    match best? {
        (12, at) => {
            let groups = usize::try_from(read_u32(data, at + 12)?).ok()?;
            for g in 0..groups {
                let rec = at + 16 + 12 * g;
                let (start, end) = (read_u32(data, rec)?, read_u32(data, rec + 4)?);
                let first_glyph = read_u32(data, rec + 8)?;
                for (n, code) in (start..=end.min(0x10_FFFF)).enumerate() {
                    let gid = first_glyph.saturating_add(u32::try_from(n).ok()?);
                    if let (Some(c), Ok(gid)) = (char::from_u32(code), u16::try_from(gid)) {
                        map.insert(c, gid);
                    }
                }
            }
        }
        (_, at) => {
            let seg_x2 = usize::from(read_u16(data, at + 6)?);
            let ends = at + 14;
            let starts = ends + seg_x2 + 2;
            let deltas = starts + seg_x2;
            let range_offsets = deltas + seg_x2;
            for seg in (0..seg_x2).step_by(2) {
                let end = read_u16(data, ends + seg)?;
                let start = read_u16(data, starts + seg)?;
                let delta = read_u16(data, deltas + seg)?;
                let range_offset = usize::from(read_u16(data, range_offsets + seg)?);
                for code in start..=end {
                    let gid = if range_offset == 0 {
                        code.wrapping_add(delta)
                    } else {
                        let at = range_offsets + seg + range_offset + 2 * usize::from(code - start);
                        match read_u16(data, at)? {
                            0 => 0,
                            g => g.wrapping_add(delta),
                        }
                    };
                    if let Some(c) = char::from_u32(u32::from(code)).filter(|_| gid != 0) {
                        map.insert(c, gid);
                    }
                }
            }
        }
    }
    Some(map)
}
