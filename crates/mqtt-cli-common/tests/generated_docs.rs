//! The man pages and shell completions committed under `docs/` are exactly what the tools' clap
//! commands generate today, so an option added or changed without regenerating fails here.
//!
//! To regenerate after changing an option or its description:
//!
//! ```sh
//! UPDATE_GENERATED=1 cargo test -p mqtt-cli-common --test generated_docs
//! ```

use std::path::{Path, PathBuf};

use clap::Command;
use mqtt_cli_common::command_line::command;
use mqtt_cli_common::generate::{self, GeneratedFile};
use mqtt_cli_common::Tool;

/// Each tool with the clap command it parses its command line with.
fn tools() -> [(Tool, Command); 2] {
    [
        (Tool::Pub, command::<mqpub::cli::Cli>(Tool::Pub)),
        (Tool::Sub, command::<mqsub::cli::Cli>(Tool::Sub)),
    ]
}

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn generated() -> Vec<GeneratedFile> {
    tools()
        .iter()
        .flat_map(|(tool, cmd)| match generate::files(*tool, cmd) {
            Ok(files) => files,
            Err(e) => panic!("generating the files of {}: {e}", tool.name()),
        })
        .collect()
}

#[test]
fn every_option_is_described() {
    let problems: Vec<String> = tools()
        .iter()
        .flat_map(|(tool, cmd)| generate::coverage(*tool, cmd))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn committed_files_match_the_commands() {
    let root = repository_root();
    let update = std::env::var_os("UPDATE_GENERATED").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for file in generated() {
        let path = root.join(&file.path);
        if update {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).unwrap();
            }
            std::fs::write(&path, &file.contents).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(file.contents.as_slice()) {
            stale.push(file.path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {}\nregenerate with: UPDATE_GENERATED=1 cargo test -p mqtt-cli-common \
         --test generated_docs",
        stale.join(", ")
    );
}

#[test]
fn man_pages_show_every_option_in_its_group() {
    for (tool, cmd) in tools() {
        let page = String::from_utf8(generate::man_page(tool, &cmd).unwrap()).unwrap();
        let sections = mqtt_cli_common::usage::sections(tool);
        let groups = sections.iter().map(|section| section.title.to_uppercase());
        let fixed = ["NAME", "SYNOPSIS", "DESCRIPTION", "EXAMPLES", "EXIT STATUS"];
        for title in groups.chain(fixed.map(String::from)) {
            assert!(
                has_heading(&page, &title),
                "{}: no heading {title}",
                tool.name()
            );
        }
        for arg in generate::documented(tool, &cmd).get_arguments() {
            // roff escapes dashes: --host is written \-\-host.
            let flag = match (arg.get_long(), arg.get_short()) {
                (Some(long), _) => format!("\\-\\-{}", long.replace('-', "\\-")),
                (None, Some(short)) => format!("\\-{short}"),
                (None, None) => continue,
            };
            assert!(page.contains(&flag), "{}: {flag}", tool.name());
        }
    }
}

/// roff quotes a heading that has spaces.
fn has_heading(page: &str, title: &str) -> bool {
    page.contains(&format!(".SH {title}\n")) || page.contains(&format!(".SH \"{title}\"\n"))
}

#[test]
fn completions_offer_every_long_option() {
    for file in generated() {
        let path = file.path.display().to_string();
        if !path.starts_with("docs/completions/") {
            continue;
        }
        let text = String::from_utf8(file.contents).unwrap();
        let tool = if path.contains("mqpub") {
            Tool::Pub
        } else {
            Tool::Sub
        };
        for flag in ["topic", "qos", "host", "help", "version"] {
            assert!(text.contains(flag), "{path}: {flag}");
        }
        let foreign = match tool {
            Tool::Pub => "retained-only",
            Tool::Sub => "stdin-line",
        };
        assert!(!text.contains(foreign), "{path}: {foreign}");
    }
}
