//! Man pages and bash, zsh and fish completions, generated from each tool's clap command and
//! the option descriptions in `usage`.
//!
//! Rules:
//! - the options come from the very clap command the tool parses with
//!   (`command_line::command`); their descriptions, grouping and order come from `usage`'s
//!   table, so `--help`, the man page and the completions never disagree;
//! - `--help` and `--version`, which the option scanner handles before clap, are added here so
//!   they are documented and completed too;
//! - an option the table does not describe (or a description of an option the command does
//!   not have) is reported by [`coverage`], never silently dropped;
//! - output is deterministic (no dates, no paths of this machine), so the files committed under
//!   `docs/` can be compared with fresh output by a test.

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, Command, ValueHint};
use clap_complete::Shell;
use clap_mangen::roff::{bold, italic, roman, Roff};
use clap_mangen::Man;

use crate::tool::Tool;
use crate::usage::{self, OptionHelp};

/// One generated file: where it goes (relative to the repository root) and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: Vec<u8>,
}

/// The shells completions are generated for, and the file name each one expects.
const SHELLS: [(Shell, &str); 3] = [
    (Shell::Bash, "{name}.bash"),
    (Shell::Zsh, "_{name}"),
    (Shell::Fish, "{name}.fish"),
];

/// What the shells can offer for an option's value.
#[derive(Debug, Clone, Copy)]
enum Hint {
    Kind(ValueHint),
    Values(&'static [&'static str]),
}

/// Completion hints, by argument id. Options not listed take free text.
const HINTS: &[(&str, Hint)] = &[
    ("host", Hint::Kind(ValueHint::Hostname)),
    ("unix", Hint::Kind(ValueHint::FilePath)),
    ("url", Hint::Kind(ValueHint::Url)),
    ("proxy", Hint::Kind(ValueHint::Url)),
    ("pw_file", Hint::Kind(ValueHint::FilePath)),
    ("cafile", Hint::Kind(ValueHint::FilePath)),
    ("capath", Hint::Kind(ValueHint::DirPath)),
    ("cert", Hint::Kind(ValueHint::FilePath)),
    ("key", Hint::Kind(ValueHint::FilePath)),
    ("tls_keylog", Hint::Kind(ValueHint::FilePath)),
    ("options_file", Hint::Kind(ValueHint::FilePath)),
    ("file", Hint::Kind(ValueHint::FilePath)),
    ("qos", Hint::Values(&["0", "1", "2"])),
    ("will_qos", Hint::Values(&["0", "1", "2"])),
    (
        "protocol_version",
        Hint::Values(&["mqttv311", "mqttv5", "311", "5"]),
    ),
    ("retain_handling", Hint::Values(&["always", "new", "never"])),
    ("tls_version", Hint::Values(&["tlsv1.2", "tlsv1.3"])),
    ("keyform", Hint::Values(&["pem"])),
];

/// Every file generated for `tool` from its clap command `cmd`: the man page and one
/// completion script per shell.
pub fn files(tool: Tool, cmd: &Command) -> std::io::Result<Vec<GeneratedFile>> {
    let name = tool.name();
    let mut files = vec![GeneratedFile {
        path: PathBuf::from(format!("docs/man/{name}.1")),
        contents: man_page(tool, cmd)?,
    }];
    for (shell, file_name) in SHELLS {
        files.push(GeneratedFile {
            path: PathBuf::from("docs/completions").join(file_name.replace("{name}", name)),
            contents: completion(shell, tool, cmd),
        });
    }
    Ok(files)
}

/// The problems that keep `cmd` from being documented: options without a description, and
/// descriptions of options `cmd` does not have. Empty when all is well.
pub fn coverage(tool: Tool, cmd: &Command) -> Vec<String> {
    let described: Vec<&str> = described_options(tool).map(|option| option.id).collect();
    let mut problems: Vec<String> = cmd
        .get_arguments()
        .map(|arg| arg.get_id().as_str())
        .filter(|id| !described.contains(id))
        .map(|id| {
            format!(
                "{}: option `{id}` has no description in usage.rs",
                tool.name()
            )
        })
        .collect();
    let documented = documented(tool, cmd);
    for id in described {
        if documented.get_arguments().all(|arg| arg.get_id() != id) {
            problems.push(format!(
                "{}: usage.rs describes `{id}`, which the command does not have",
                tool.name()
            ));
        }
    }
    problems
}

/// The tool's command made ready for documentation: its options in the help's order, each
/// with its description and group, `--help` and `--version` added, completion hints set.
pub fn documented(tool: Tool, cmd: &Command) -> Command {
    let mut out = Command::new(tool.name())
        .about(usage::summary(tool))
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_flag(true)
        .disable_version_flag(true);
    let mut order = 0;
    for section in usage::sections(tool) {
        for option in section.options {
            let arg = cmd
                .get_arguments()
                .find(|arg| arg.get_id() == option.id)
                .cloned()
                .or_else(|| info_flag(option.id));
            let Some(arg) = arg else { continue };
            order += 1;
            out = out.arg(describe(arg, option, section.title, order));
        }
    }
    out
}

/// `--help` and `--version`, which the scanner answers before clap sees the command line.
fn info_flag(id: &str) -> Option<Arg> {
    let id = match id {
        "help" => "help",
        "version" => "version",
        _ => return None,
    };
    Some(Arg::new(id).long(id).action(ArgAction::SetTrue))
}

fn describe(arg: Arg, option: &OptionHelp, heading: &'static str, order: usize) -> Arg {
    let arg = arg
        .help(first_sentence(option.text))
        .long_help(option.text)
        .help_heading(heading)
        .display_order(order);
    match HINTS.iter().find(|(id, _)| *id == option.id) {
        Some((_, Hint::Kind(kind))) => arg.value_hint(*kind),
        // Only the documentation command gets this parser; the tool parses with its own. The
        // descriptions already name the values, so the man page does not list them again.
        Some((_, Hint::Values(values))) => arg
            .value_parser(PossibleValuesParser::new(*values))
            .hide_possible_values(true),
        None => arg,
    }
}

/// What fits on a completion menu line: the description up to its first full stop or forced
/// line break (an "e.g." is not the end of a sentence), without the final `.` or `:`.
fn first_sentence(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let mut end = line.len();
    for (index, _) in line.match_indices(". ") {
        if !line[..index].ends_with("e.g") {
            end = index;
            break;
        }
    }
    line[..end].trim_end_matches(['.', ':']).to_owned()
}

fn described_options(tool: Tool) -> impl Iterator<Item = &'static OptionHelp> {
    usage::sections(tool)
        .into_iter()
        .flat_map(|section| section.options.iter())
}

/// The completion script of `shell` for `tool`.
pub fn completion(shell: Shell, tool: Tool, cmd: &Command) -> Vec<u8> {
    let mut cmd = documented(tool, cmd);
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, tool.name(), &mut out);
    match shell {
        Shell::Zsh => values_as_next_word(&String::from_utf8_lossy(&out)).into_bytes(),
        _ => out,
    }
}

/// zsh's specs let a value be glued to its option (`-fFILE`, `--file=FILE`); mosquitto's
/// grammar, and so ours, takes a value only as the next word, so the `+` and `=` that allow
/// gluing are dropped from each option spec (the part of a `'...'` line before its `[`).
fn values_as_next_word(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    for line in script.split_inclusive('\n') {
        let spec_end = line.find('[').unwrap_or(0);
        let spec = &line[..spec_end];
        let is_option = line.trim_start().starts_with('\'') && spec.contains('-');
        match spec.strip_suffix(['=', '+']) {
            Some(bare) if is_option => {
                out.push_str(bare);
                out.push_str(&line[spec_end..]);
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// The man page (section 1) of `tool`, in roff.
pub fn man_page(tool: Tool, cmd: &Command) -> std::io::Result<Vec<u8>> {
    let name = tool.name();
    let man = Man::new(documented(tool, cmd))
        .title(name.to_uppercase())
        .section("1")
        .source(format!("{name} {}", env!("CARGO_PKG_VERSION")))
        .manual("User Commands");
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    let mut page = Roff::new();
    synopsis(&mut page, tool);
    description(&mut page, tool);
    page.to_writer(&mut out)?;
    man.render_options_section(&mut out)?;
    let mut page = Roff::new();
    if tool == Tool::Sub {
        output_format(&mut page);
    }
    examples(&mut page, tool);
    files_and_environment(&mut page, tool);
    exit_status(&mut page, tool);
    see_also(&mut page, tool);
    page.to_writer(&mut out)?;
    Ok(out)
}

fn synopsis(page: &mut Roff, tool: Tool) {
    page.control("SH", ["SYNOPSIS"]);
    page.control("nf", []);
    for line in usage::synopsis(tool, "") {
        page.text([roman(line)]);
    }
    page.control("fi", []);
}

fn description(page: &mut Roff, tool: Tool) {
    page.control("SH", ["DESCRIPTION"]);
    let text = match tool {
        Tool::Pub => PUB_DESCRIPTION,
        Tool::Sub => SUB_DESCRIPTION,
    };
    paragraphs(page, text);
    paragraphs(page, COMMON_DESCRIPTION);
}

/// Text with blank lines between paragraphs.
fn paragraphs(page: &mut Roff, text: &str) {
    for paragraph in text.split("\n\n") {
        page.control("PP", []);
        page.text([roman(paragraph.replace('\n', " "))]);
    }
}

fn output_format(page: &mut Roff) {
    page.control("SH", ["OUTPUT FORMAT"]);
    paragraphs(page, FORMAT_INTRO);
    for (field, meaning) in FORMAT_FIELDS {
        page.control("TP", []);
        page.text([bold(*field)]);
        page.text([roman(*meaning)]);
    }
    paragraphs(page, FORMAT_LAYOUT);
}

fn examples(page: &mut Roff, tool: Tool) {
    page.control("SH", ["EXAMPLES"]);
    for example in usage::examples(tool) {
        page.control("PP", []);
        let mut purpose = example.purpose.to_owned();
        if let Some(first) = purpose.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        page.text([roman(format!("{purpose}:"))]);
        page.control("RS", []);
        page.control("nf", []);
        page.text([bold(example.command.replace("{name}", tool.name()))]);
        page.control("fi", []);
        page.control("RE", []);
    }
}

fn files_and_environment(page: &mut Roff, tool: Tool) {
    let name = tool.name();
    let mosquitto = tool.mosquitto_name();
    page.control("SH", ["FILES"]);
    for (path, meaning) in [
        (
            format!("$XDG_CONFIG_HOME/{name}"),
            format!("Options read before the command line when -o is not given, one per line, as \"-h broker.example\". Without XDG_CONFIG_HOME, ~/.config/{name} is read."),
        ),
        (
            format!("$XDG_CONFIG_HOME/{mosquitto}"),
            format!("Read instead when there is no {name} file, so an existing {mosquitto} setup keeps working."),
        ),
    ] {
        page.control("TP", []);
        page.text([italic(path)]);
        page.text([roman(meaning)]);
    }
    page.control("SH", ["ENVIRONMENT"]);
    for (variable, meaning) in ENVIRONMENT {
        page.control("TP", []);
        page.text([bold(*variable)]);
        page.text([roman(*meaning)]);
    }
}

fn exit_status(page: &mut Roff, tool: Tool) {
    page.control("SH", ["EXIT STATUS"]);
    let own: &[(&str, &str)] = match tool {
        Tool::Pub => &[(
            "7",
            "The connection was lost and could not be restored, or a signal stopped the run \
             before every message was acknowledged.",
        )],
        Tool::Sub => &[
            ("7", "The connection was lost and could not be restored."),
            ("27", "-W ran out (\"Timed out\")."),
        ],
    };
    let mut statuses: Vec<&(&str, &str)> = EXIT_STATUSES.iter().chain(own).collect();
    // In numeric order of the first number each entry names.
    statuses.sort_by_key(|(status, _)| leading_number(status));
    for (status, meaning) in statuses {
        page.control("TP", []);
        page.text([bold(*status)]);
        page.text([roman(*meaning)]);
    }
}

fn leading_number(text: &str) -> u32 {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(u32::MAX)
}

fn see_also(page: &mut Roff, tool: Tool) {
    let other = match tool {
        Tool::Pub => Tool::Sub,
        Tool::Sub => Tool::Pub,
    };
    let mosquitto = tool.mosquitto_name();
    let text = format!(
        "{}(1), {mosquitto}(1), mosquitto(8). The documents under docs/ in the source tree \
         explain every difference from {mosquitto} and why.",
        other.name()
    );
    page.control("SH", ["SEE ALSO"]);
    page.text([roman(text)]);
}

const PUB_DESCRIPTION: &str = "\
mqpub connects to an MQTT broker, publishes a message on one topic and disconnects. The \
message comes from exactly one source: the command line (-m), a file (-f), all of standard \
input (-s), each line of standard input (-l) or nothing at all (-n).

At QoS 1 and 2 mqpub exits only when the broker has acknowledged every message. With -l it \
reads standard input no faster than the broker acknowledges, so a fast producer loses no line \
and memory stays flat.";

const SUB_DESCRIPTION: &str = "\
mqsub connects to an MQTT broker, subscribes to one or more topic filters and prints every \
message that arrives on standard output: the payload alone, the topic and the payload (-v), or \
any layout given with -F.

Output is written message by message as soon as nothing else is waiting, so a pipe sees each \
message at once without unbuffer; under a flood it is written in large blocks.";

const COMMON_DESCRIPTION: &str = "\
It accepts the options of its mosquitto counterpart, with the same meaning, output and exit \
status, so scripts written for mosquitto's clients keep working. When the connection to the \
broker is lost after it was made, it reconnects with a growing delay (at most 5 seconds) and \
sends again what was not yet acknowledged.";

const FORMAT_INTRO: &str = "\
The -F format is printed once per message, followed by a newline unless -N is given. % fields \
print parts of the message, @ fields print the time it was received (any strftime(3) \
conversion, written with @ instead of %), and backslash escapes print special characters. \
Properties that a message does not carry print as nothing (or as zeros with the 0 flag).";

const FORMAT_FIELDS: &[(&str, &str)] = &[
    ("%t", "the topic."),
    ("%p", "the payload, as it is."),
    ("%l", "the length of the payload in bytes."),
    ("%q", "the quality of service, 0, 1 or 2."),
    ("%r", "the retain flag, 1 or 0."),
    ("%m", "the packet identifier (0 at QoS 0)."),
    ("%x, %X", "the payload in hexadecimal, in lower or upper case."),
    ("%f, %d", "a payload of exactly 4 or 8 bytes read as a float or a double in the machine's byte order."),
    ("%j", "a JSON object with the time of receipt (tst), topic, qos, retain, payloadlen, mid at QoS 1 and 2, the MQTT 5 properties, and the payload as a JSON string."),
    ("%J", "the same object with the payload embedded as JSON; a payload that is not JSON prints nothing and an error on stderr."),
    ("%I", "the time of receipt in ISO 8601 form with the time zone, e.g. 2024-05-01T12:00:00+0200."),
    ("%U", "the time of receipt as Unix seconds with nanoseconds, e.g. 1714557600.123456789."),
    ("%A", "MQTT 5 topic alias."),
    ("%C", "MQTT 5 content type."),
    ("%D", "MQTT 5 correlation data, as it is."),
    ("%E", "MQTT 5 message expiry interval."),
    ("%F", "MQTT 5 payload format indicator."),
    ("%P", "MQTT 5 user properties, as name:value separated by spaces."),
    ("%R", "MQTT 5 response topic."),
    ("%S", "MQTT 5 subscription identifier."),
    ("%%", "a percent sign."),
    ("@N", "the nanoseconds of the time of receipt, 9 digits."),
    ("@Y, @m, @d, @H, @M, @S, ...", "any strftime(3) conversion of the local time of receipt, e.g. @Y-@m-@d @H:@M:@S."),
    ("@@", "an at sign."),
    ("\\n, \\t, \\r, \\e, \\a, \\v, \\0, \\\\", "newline, tab, carriage return, escape, bell, vertical tab, a NUL byte, a backslash."),
];

const FORMAT_LAYOUT: &str = "\
Between % and the letter, as in printf(3): - pads on the right, 0 pads with zeros, a number \
sets the width (for %p, %x and %X it also cuts the payload to that many bytes), and .N sets \
the precision of %f and %d. For %x and %X, .N followed by a punctuation character or a space \
puts that character after every N digits: %.2:x prints 01:ab:ff.";

const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "MQTT_PASSWORD",
        "The password, used when a user name is given (with -u or -L) and no password option \
         is. Unlike -P, it is not visible to other users of the machine.",
    ),
    (
        "XDG_CONFIG_HOME, HOME",
        "Where the default options file is looked for (see FILES).",
    ),
];

const EXIT_STATUSES: &[(&str, &str)] = &[
    ("0", "Success."),
    (
        "1",
        "A usage error (the message says which), --help or --version, or a first connection \
         that could not be made.",
    ),
    (
        "1 to 5, 128 to 162",
        "The broker refused the connection: the status is its CONNACK code (MQTT 3.1.1) or \
         reason code (MQTT 5).",
    ),
    ("2", "The broker broke the protocol."),
    ("8", "A TLS error."),
    ("9", "A message too large for MQTT or for the broker."),
    ("19", "The broker stopped answering (keepalive)."),
    ("21", "A malformed packet from the broker."),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_sentences() {
        let cases = [
            (
                "broker to connect to (default: localhost).",
                "broker to connect to (default: localhost)",
            ),
            ("one. two.", "one"),
            ("list:\n  a b", "list"),
            (
                "a property, e.g. -D x y z. More.",
                "a property, e.g. -D x y z",
            ),
            ("no stop", "no stop"),
            ("", ""),
        ];
        for (text, short) in cases {
            assert_eq!(first_sentence(text), short, "{text:?}");
        }
    }

    #[test]
    fn zsh_values_are_never_glued() {
        let cases = [
            (
                "'-f+[a file]:file:_files' \\\n",
                "'-f[a file]:file:_files' \\\n",
            ),
            ("'--file=[x=[y]]:f: ' \\\n", "'--file[x=[y]]:f: ' \\\n"),
            ("'*-D+[p]:c: :i: ' \\\n", "'*-D[p]:c: :i: ' \\\n"),
            ("'--ws[websockets]' \\\n", "'--ws[websockets]' \\\n"),
            ("local x=[1]\n", "local x=[1]\n"),
            ("no bracket\n", "no bracket\n"),
        ];
        for (line, expected) in cases {
            assert_eq!(values_as_next_word(line), expected, "{line}");
        }
    }

    #[test]
    fn hints_name_described_options() {
        let ids: Vec<&str> = [Tool::Pub, Tool::Sub]
            .into_iter()
            .flat_map(described_options)
            .map(|option| option.id)
            .collect();
        for (id, _) in HINTS {
            assert!(ids.contains(id), "{id}");
        }
    }

    #[test]
    fn info_flags_only_for_help_and_version() {
        assert!(info_flag("help").is_some());
        assert!(info_flag("version").is_some());
        assert!(info_flag("host").is_none());
    }

    #[test]
    fn format_fields_cover_every_letter() {
        // Each letter mqsub's -F accepts, and each escape, appears in the man page's table.
        let documented: String = FORMAT_FIELDS.iter().map(|(field, _)| *field).collect();
        for letter in "tplqrmxXfdjJIUACDEFPRS%".chars() {
            assert!(documented.contains(&format!("%{letter}")), "%{letter}");
        }
        for escape in ["\\n", "\\t", "\\0", "\\\\", "@N", "@@"] {
            assert!(documented.contains(escape), "{escape}");
        }
    }
}
