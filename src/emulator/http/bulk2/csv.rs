//! The CSV dialect of a Bulk API 2.0 job: `columnDelimiter` (COMMA, TAB, PIPE, SEMICOLON,
//! CARET, BACKQUOTE) and `lineEnding` (LF, CRLF), reading uploads and writing result files.
//!
//! Reading accepts either line ending whatever the job says (the `csv` crate treats `\r`, `\n`
//! and `\r\n` alike); results are written with the job's line ending and every value quoted,
//! as Salesforce's result files are (`"sf__Id","sf__Created",…`).

use axum::http::StatusCode;

use crate::emulator::http::call::bad_request;
use crate::emulator::http::errors::ApiError;

/// A job's column delimiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    /// `,` (the default).
    Comma,
    /// Tab.
    Tab,
    /// `|`.
    Pipe,
    /// `;`.
    Semicolon,
    /// `^`.
    Caret,
    /// `` ` ``.
    Backquote,
}

impl Delimiter {
    /// The delimiter named in a job request (`None`: COMMA); 400 for an unknown name.
    pub fn parse(name: Option<&str>) -> Result<Self, ApiError> {
        Ok(match name.unwrap_or("COMMA") {
            "COMMA" => Self::Comma,
            "TAB" => Self::Tab,
            "PIPE" => Self::Pipe,
            "SEMICOLON" => Self::Semicolon,
            "CARET" => Self::Caret,
            "BACKQUOTE" => Self::Backquote,
            other => {
                return Err(bad_request(
                    "INVALIDJOB",
                    format!("Invalid column delimiter: {other}"),
                ));
            }
        })
    }

    /// The wire name (`COMMA`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Comma => "COMMA",
            Self::Tab => "TAB",
            Self::Pipe => "PIPE",
            Self::Semicolon => "SEMICOLON",
            Self::Caret => "CARET",
            Self::Backquote => "BACKQUOTE",
        }
    }

    fn byte(self) -> u8 {
        match self {
            Self::Comma => b',',
            Self::Tab => b'\t',
            Self::Pipe => b'|',
            Self::Semicolon => b';',
            Self::Caret => b'^',
            Self::Backquote => b'`',
        }
    }
}

/// A job's line ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    /// `\n` (the default).
    Lf,
    /// `\r\n`.
    Crlf,
}

impl LineEnding {
    /// The line ending named in a job request (`None`: LF); 400 for an unknown name.
    pub fn parse(name: Option<&str>) -> Result<Self, ApiError> {
        match name.unwrap_or("LF") {
            "LF" => Ok(Self::Lf),
            "CRLF" => Ok(Self::Crlf),
            other => Err(bad_request(
                "INVALIDJOB",
                format!("Invalid line ending: {other}"),
            )),
        }
    }

    /// The wire name (`LF`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Lf => "LF",
            Self::Crlf => "CRLF",
        }
    }
}

/// A CSV file: a header row and rows of the same width.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column names as uploaded.
    pub headers: Vec<String>,
    /// Data rows.
    pub rows: Vec<Vec<String>>,
}

/// Parse an upload. Every row must have as many values as the header; the error text (which
/// quotes no values) becomes the job's `errorMessage`.
pub fn read(data: &[u8], delimiter: Delimiter) -> Result<Table, String> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter.byte())
        .has_headers(true)
        .flexible(false)
        .from_reader(data);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("ClientInputError : {e}"))?
        .iter()
        .map(str::to_owned)
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err("ClientInputError : The CSV file has no header row".to_owned());
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("ClientInputError : {e}"))?;
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Ok(Table { headers, rows })
}

/// Write `headers` and `rows` in the job's dialect, every value quoted.
pub fn write<'a, I, R>(
    headers: &[String],
    rows: I,
    delimiter: Delimiter,
    line_ending: LineEnding,
) -> Result<Vec<u8>, ApiError>
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = &'a str>,
{
    let terminator = match line_ending {
        LineEnding::Lf => ::csv::Terminator::Any(b'\n'),
        LineEnding::Crlf => ::csv::Terminator::CRLF,
    };
    let mut writer = ::csv::WriterBuilder::new()
        .delimiter(delimiter.byte())
        .terminator(terminator)
        .quote_style(::csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    writer.write_record(headers).map_err(internal)?;
    for row in rows {
        writer.write_record(row).map_err(internal)?;
    }
    writer.into_inner().map_err(|e| internal(e.error()))
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::rest(
        StatusCode::INTERNAL_SERVER_ERROR,
        "UNKNOWN_EXCEPTION",
        format!("could not write CSV: {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_delimiter_reads_and_quoted_values_keep_delimiters() {
        for (name, sep) in [
            ("COMMA", ","),
            ("TAB", "\t"),
            ("PIPE", "|"),
            ("SEMICOLON", ";"),
            ("CARET", "^"),
            ("BACKQUOTE", "`"),
        ] {
            let d = Delimiter::parse(Some(name)).unwrap();
            assert_eq!(d.name(), name);
            let text = format!("Name{sep}Industry\r\n\"A{sep}B\"{sep}Tech\r\nC{sep}\r\n");
            let t = read(text.as_bytes(), d).unwrap();
            assert_eq!(t.headers, ["Name", "Industry"]);
            assert_eq!(t.rows[0], [format!("A{sep}B"), "Tech".to_owned()]);
            assert_eq!(t.rows[1], ["C", ""]);
        }
        assert!(Delimiter::parse(Some("SPACE")).is_err());
        assert_eq!(Delimiter::parse(None).unwrap(), Delimiter::Comma);
    }

    #[test]
    fn ragged_rows_and_empty_files_are_errors_without_values() {
        let e = read(b"Name,Industry\nsecret,x,y\n", Delimiter::Comma).unwrap_err();
        assert!(e.starts_with("ClientInputError : "), "{e}");
        assert!(!e.contains("secret"), "{e}");
        assert!(read(b"", Delimiter::Comma).is_err());
        let bom = read(b"\xEF\xBB\xBFName\nA\n", Delimiter::Comma).unwrap();
        assert_eq!(bom.headers, ["Name"]);
    }

    #[test]
    fn results_are_quoted_with_the_job_line_ending() {
        let h = vec!["sf__Id".to_owned(), "Name".to_owned()];
        let rows = vec![vec!["001", "A \"x\""]];
        let out = write(&h, rows.clone(), Delimiter::Comma, LineEnding::Crlf).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"sf__Id\",\"Name\"\r\n\"001\",\"A \"\"x\"\"\"\r\n"
        );
        let out = write(&h, rows, Delimiter::Tab, LineEnding::Lf).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"sf__Id\"\t\"Name\"\n\"001\"\t\"A \"\"x\"\"\"\n"
        );
        assert_eq!(LineEnding::parse(Some("CRLF")).unwrap().name(), "CRLF");
        assert!(LineEnding::parse(Some("CR")).is_err());
    }
}
