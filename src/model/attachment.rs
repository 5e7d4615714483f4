//! Files attached to dispute messages: typed from their content (never from
//! their name or the browser's word), counted and size-checked, and given a
//! display name that is safe to show and to send back in a download header.
use super::dispute::{MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS};
use super::settings::sniff_image;
use super::validate::FieldProblem;

/// The longest display name kept, in characters (the extension is kept).
pub const MAX_FILENAME_CHARS: usize = 120;

/// A file as the form sent it, before any check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Upload {
    /// The name the browser gave: it may hold a path or anything else.
    pub filename: String,
    /// The real size, also when the bytes were not kept.
    pub size: usize,
    /// The content; left empty for a file over the limit, which is read to
    /// its end (so the browser gets an answer) but not kept.
    pub bytes: Vec<u8>,
}

impl Upload {
    /// A file whose bytes were all kept.
    pub fn new(filename: impl Into<String>, bytes: Vec<u8>) -> Upload {
        Upload {
            filename: filename.into(),
            size: bytes.len(),
            bytes,
        }
    }
}

/// A file that passed the checks, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile<'a> {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: &'a [u8],
}

/// The type of an attachment from its first bytes (its magic number):
/// `application/pdf`, `image/png` or `image/jpeg`; anything else is `None`.
pub fn sniff_attachment(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        sniff_image(bytes)
    }
}

fn extension_of(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        _ => "bin",
    }
}

/// The name shown for an upload: its last path component, without control
/// characters or surrounding spaces and dots, at most
/// [`MAX_FILENAME_CHARS`] characters with its extension kept; `attachment.pdf`
/// (or `.png`, `.jpg`) when nothing is left.
pub fn display_filename(raw: &str, content_type: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = last.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim_matches(|c: char| c.is_whitespace() || c == '.');
    if clean.is_empty() {
        return format!("attachment.{}", extension_of(content_type));
    }
    if clean.chars().count() <= MAX_FILENAME_CHARS {
        return clean.to_string();
    }
    // Keep a short extension: "a very long … name.pdf" stays a PDF to the eye.
    let ext = clean
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| !e.is_empty() && e.chars().count() <= 8)
        .map(|e| format!(".{e}"))
        .unwrap_or_default();
    let stem_len = MAX_FILENAME_CHARS - ext.chars().count();
    let stem: String = clean.chars().take(stem_len).collect();
    format!("{}{ext}", stem.trim_end())
}

/// Checks the files of one message: at most [`MAX_ATTACHMENTS`], each at most
/// [`MAX_ATTACHMENT_BYTES`] and a PDF, PNG or JPEG by its content. The problem
/// belongs to the field `files`.
pub fn check_uploads(files: &[Upload]) -> Result<Vec<CheckedFile<'_>>, FieldProblem> {
    if files.len() > MAX_ATTACHMENTS {
        return Err(FieldProblem::TooManyFiles);
    }
    if files
        .iter()
        .any(|f| f.size > MAX_ATTACHMENT_BYTES || f.bytes.len() > MAX_ATTACHMENT_BYTES)
    {
        return Err(FieldProblem::FileTooLarge);
    }
    files
        .iter()
        .map(|f| {
            let content_type = sniff_attachment(&f.bytes).ok_or(FieldProblem::FileType)?;
            Ok(CheckedFile {
                filename: display_filename(&f.filename, content_type),
                content_type,
                bytes: &f.bytes,
            })
        })
        .collect()
}

/// The `Content-Disposition` of a download: `attachment` with an ASCII
/// `filename` (others replaced by `_`) and, when the name is not plain ASCII,
/// the exact name as RFC 5987 `filename*`.
pub fn content_disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if ascii == filename {
        return format!("attachment; filename=\"{ascii}\"");
    }
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\n";

    #[test]
    fn attachments_are_typed_from_their_magic_bytes_only() {
        assert_eq!(sniff_attachment(PDF), Some("application/pdf"));
        assert_eq!(sniff_attachment(PNG), Some("image/png"));
        assert_eq!(
            sniff_attachment(&[0xFF, 0xD8, 0xFF, 0xDB]),
            Some("image/jpeg")
        );
        assert_eq!(sniff_attachment(b"%PDF"), None);
        assert_eq!(sniff_attachment(b"<html>%PDF-1.4"), None);
        assert_eq!(sniff_attachment(b"GIF89a"), None);
        assert_eq!(sniff_attachment(b""), None);
    }

    #[test]
    fn display_names_lose_their_path_and_control_characters() {
        assert_eq!(
            display_filename("C:\\Users\\me\\facture.pdf", "application/pdf"),
            "facture.pdf"
        );
        assert_eq!(
            display_filename("../../etc/passwd.png", "image/png"),
            "passwd.png"
        );
        assert_eq!(
            display_filename("re\u{0}çu\r\n.pdf", "application/pdf"),
            "reçu.pdf"
        );
        assert_eq!(display_filename(" .hidden. ", "image/png"), "hidden");
    }

    #[test]
    fn an_empty_name_falls_back_to_attachment_with_the_right_extension() {
        assert_eq!(display_filename("", "application/pdf"), "attachment.pdf");
        assert_eq!(display_filename("dir/", "image/jpeg"), "attachment.jpg");
        assert_eq!(display_filename("..", "image/png"), "attachment.png");
    }

    #[test]
    fn a_long_name_is_cut_but_keeps_its_extension() {
        let name = format!("{}.pdf", "é".repeat(300));
        let shown = display_filename(&name, "application/pdf");
        assert_eq!(shown.chars().count(), MAX_FILENAME_CHARS);
        assert!(shown.ends_with("é.pdf"));
    }

    #[test]
    fn five_typed_files_within_the_size_limit_pass() {
        let files: Vec<Upload> = (0..MAX_ATTACHMENTS)
            .map(|i| Upload::new(format!("scan{i}.png"), PNG.to_vec()))
            .collect();
        let checked = check_uploads(&files).expect("accepted");
        assert_eq!(checked.len(), MAX_ATTACHMENTS);
        assert_eq!(checked[0].content_type, "image/png");
        assert_eq!(checked[0].filename, "scan0.png");
        assert!(check_uploads(&[]).expect("none").is_empty());
    }

    #[test]
    fn six_files_are_too_many() {
        let files = vec![Upload::new("a.pdf", PDF.to_vec()); MAX_ATTACHMENTS + 1];
        assert_eq!(check_uploads(&files), Err(FieldProblem::TooManyFiles));
    }

    #[test]
    fn a_file_one_byte_over_five_megabytes_is_too_large() {
        let mut big = PDF.to_vec();
        big.resize(MAX_ATTACHMENT_BYTES, b' ');
        assert!(check_uploads(&[Upload::new("big.pdf", big.clone())]).is_ok());
        big.push(b' ');
        assert_eq!(
            check_uploads(&[Upload::new("big.pdf", big)]),
            Err(FieldProblem::FileTooLarge)
        );
        let unkept = Upload {
            filename: "huge.pdf".into(),
            size: MAX_ATTACHMENT_BYTES + 1,
            bytes: Vec::new(),
        };
        assert_eq!(check_uploads(&[unkept]), Err(FieldProblem::FileTooLarge));
    }

    #[test]
    fn a_text_file_named_png_is_refused_as_a_file_type() {
        let files = [
            Upload::new("ok.pdf", PDF.to_vec()),
            Upload::new("photo.png", b"just some text".to_vec()),
        ];
        assert_eq!(check_uploads(&files), Err(FieldProblem::FileType));
    }

    #[test]
    fn downloads_name_the_file_in_ascii_and_in_utf8_when_needed() {
        assert_eq!(
            content_disposition("facture.pdf"),
            "attachment; filename=\"facture.pdf\""
        );
        assert_eq!(
            content_disposition("reçu \"1\".pdf"),
            "attachment; filename=\"re_u _1_.pdf\"; filename*=UTF-8''re%C3%A7u%20%221%22.pdf"
        );
    }
}
