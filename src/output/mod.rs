//! The one place that prints. Data goes to stdout, logs and errors to stderr; colour only on a
//! terminal, never with `NO_COLOR` or `--color never`.
#![allow(clippy::disallowed_macros)]

pub mod apply;
pub mod connection_test;
pub mod demo;
pub mod diagnostics;
pub mod online;
pub mod ops;
pub mod plan;
pub mod sync;

use std::io::Write;

use crate::cli::Exit;

/// The user's colour preference (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour (still off when `NO_COLOR` is set).
    Always,
    /// Never colour.
    Never,
}

/// Writes human and machine output. Cheap to create; holds no locks between calls.
#[derive(Debug, Clone)]
pub struct Printer {
    choice: anstream::ColorChoice,
}

impl Printer {
    pub fn new(choice: ColorChoice) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let choice = match choice {
            _ if no_color => anstream::ColorChoice::Never,
            ColorChoice::Auto => anstream::ColorChoice::Auto,
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
        };
        Self { choice }
    }

    /// Whether styled output would reach stdout as colour.
    pub fn stdout_colored(&self) -> bool {
        match self.choice {
            anstream::ColorChoice::Never => false,
            anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi => true,
            anstream::ColorChoice::Auto => {
                anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
            }
        }
    }

    /// Whether styled output would reach stderr as colour.
    pub fn stderr_colored(&self) -> bool {
        match self.choice {
            anstream::ColorChoice::Never => false,
            anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi => true,
            anstream::ColorChoice::Auto => {
                anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
            }
        }
    }

    /// Write text (which may carry ANSI styles) to stdout; styles are stripped when colour is off.
    pub fn out(&self, text: &str) {
        let mut s = anstream::AutoStream::new(std::io::stdout().lock(), self.choice);
        let _ = s.write_all(text.as_bytes());
        let _ = s.flush();
    }

    /// Write text to stdout followed by a newline.
    pub fn outln(&self, text: &str) {
        self.out(&format!("{text}\n"));
    }

    /// Write text (which may carry ANSI styles) to stderr; styles are stripped when colour is off.
    pub fn err(&self, text: &str) {
        let mut s = anstream::AutoStream::new(std::io::stderr().lock(), self.choice);
        let _ = s.write_all(text.as_bytes());
        let _ = s.flush();
    }

    /// Write a JSON value to stdout, pretty-printed, with a trailing newline.
    pub fn json(&self, value: &serde_json::Value) {
        let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_owned());
        self.outln(&text);
    }

    /// Write one compact JSON line to stdout (machine handshakes such as the emulator's).
    pub fn json_line(&self, value: &serde_json::Value) {
        self.outln(&value.to_string());
    }

    /// Report an error to stderr in the house style: `error: …` then `hint: …` lines.
    pub fn error(&self, message: &str, hint: Option<&str>) {
        use owo_colors::OwoColorize;
        let mut text = format!("{} {message}\n", "error:".red().bold());
        if let Some(hint) = hint {
            text.push_str(&format!("{} {hint}\n", "hint:".cyan().bold()));
        }
        self.err(&text);
    }

    /// Render a clap parse outcome. Help and version go to stdout with exit 0; usage errors go to
    /// stderr with exit 1 (clap's own 2 would read as "changes present" to CI).
    pub fn clap_error(&self, err: &clap::Error) -> Exit {
        let rendered = err.render();
        let text = if self.stderr_colored() {
            rendered.ansi().to_string()
        } else {
            rendered.to_string()
        };
        if err.use_stderr() {
            self.err(&text);
            Exit::Error
        } else {
            self.out(&text);
            Exit::Success
        }
    }
}
