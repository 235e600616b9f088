//! Printing `orgsync demo`'s narration: chapters, sentences, checks, and the product's own views
//! (plan, apply report, sync counts, status) as the commands print them.

use owo_colors::OwoColorize;

use crate::demo::Event;
use crate::output::Printer;
use crate::output::plan::PlanFormat;

/// Print one event of the demo.
pub fn event(printer: &Printer, number: &mut usize, e: Event<'_>) {
    match e {
        Event::Chapter(title) => {
            *number += 1;
            printer.outln("");
            printer.outln(&format!("{}", format!("── {}. {title} ", number).bold()));
        }
        Event::Say(text) => printer.outln(&wrap(&text, 96)),
        Event::Check(what, ok) => {
            let mark = if ok {
                "✓".green().to_string()
            } else {
                "✗".red().bold().to_string()
            };
            printer.outln(&format!("{mark} {what}"));
        }
        Event::Plan(plan) => {
            let _ = crate::output::plan::print(printer, plan, PlanFormat::Text);
        }
        Event::Applied(report) => crate::output::apply::print(printer, report),
        Event::Bulk(report) => {
            printer.out(&crate::output::sync::objects_text(
                printer,
                "bulk sync",
                &report.objects,
            ));
        }
        Event::Cycle(report) => {
            printer.out(&crate::output::sync::objects_text(
                printer,
                "sync",
                &report.objects,
            ));
        }
        Event::Status(report) => {
            crate::output::ops::status(printer, report, crate::output::ops::OpsFormat::Text);
        }
    }
}

/// Wrap `text` at `width` columns on spaces.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split(' ') {
        if line > 0 && line + 1 + word.chars().count() > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.chars().count();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_on_spaces() {
        assert_eq!(wrap("aaa bbb ccc", 7), "aaa bbb\nccc");
        assert_eq!(wrap("short", 80), "short");
    }
}
