//! The `--help` and `--version` texts of both tools, and the option descriptions that the man
//! pages and shell completions reuse (see `generate`).
//!
//! Rules:
//! - laid out like mosquitto's (what the tool does, its version, a usage synopsis, every
//!   option explained), but grouped by topic (connection, authentication, TLS, will, the
//!   tool's own message or subscription and output options, session, other) and in our own
//!   words, with a few examples at the end;
//! - every option is described once, in a table keyed by its clap argument id, and both
//!   the help text and the man page are rendered from that table; the sections both tools
//!   share are written once;
//! - the help fits in 80 columns: descriptions are filled to the width, a `\n` in a
//!   description forces a line break, and a forced line starting with two spaces is kept as it
//!   is (for lists);
//! - both texts go to stdout and the process then exits with [`INFO_EXIT_CODE`], as
//!   mosquitto's clients do.

use crate::tool::Tool;

/// mosquitto's clients exit with 1 after printing their help or version.
pub const INFO_EXIT_CODE: i32 = 1;

/// The MQTT library we are built on, named in `--version`. A test keeps it in step with
/// Cargo.lock.
pub const MQTT_LIBRARY: &str = "rumqttc 0.25.1";

/// The width the help text is laid out for.
pub const WIDTH: usize = 80;

/// The column where option descriptions start.
const TEXT_COLUMN: usize = 22;

/// One option as the help text and the man page explain it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionHelp {
    /// The clap argument id (the field name in the option structs), or `help` / `version`.
    pub id: &'static str,
    /// How the help text shows it, flags and value: `-h, --host host`.
    pub spelling: &'static str,
    /// What it does, as one paragraph (see the module rules for `\n`).
    pub text: &'static str,
}

/// A group of options under one title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// The group's name, also the man page's heading for it.
    pub title: &'static str,
    /// A remark the help shows in parentheses after the title; may be empty.
    pub note: &'static str,
    pub options: &'static [OptionHelp],
}

/// A command line shown at the end of the help and in the man page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// What it does.
    pub purpose: &'static str,
    /// The command, with `{name}` standing for the tool's name.
    pub command: &'static str,
}

impl Section {
    /// The line the help shows above the group.
    pub fn heading(&self) -> String {
        if self.note.is_empty() {
            format!("{}:", self.title)
        } else {
            format!("{} ({}):", self.title, self.note)
        }
    }
}

/// `--version`.
pub fn version(tool: Tool) -> String {
    format!(
        "{} {} (MQTT library {MQTT_LIBRARY})\n",
        tool.name(),
        env!("CARGO_PKG_VERSION")
    )
}

/// `--help`.
pub fn help(tool: Tool) -> String {
    let name = tool.name();
    let mut text = String::new();
    for line in wrap(&format!("{name} {}", summary(tool)), WIDTH) {
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str(&version(tool));
    text.push('\n');
    for line in synopsis(tool, "Usage: ") {
        text.push_str(&line);
        text.push('\n');
    }
    for section in sections(tool) {
        text.push('\n');
        text.push_str(&section.heading());
        text.push('\n');
        for option in section.options {
            render_option(&mut text, option);
        }
    }
    text.push_str("\nExamples:\n");
    for example in examples(tool) {
        text.push_str(&format!("  # {}\n", example.purpose));
        text.push_str(&format!("  {}\n", example.command.replace("{name}", name)));
    }
    text.push('\n');
    for line in wrap(&options_file_note(tool), WIDTH) {
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// What the tool does, completing a sentence that starts with its name.
pub fn summary(tool: Tool) -> &'static str {
    match tool {
        Tool::Pub => {
            "sends one MQTT message (or one per input line) to a broker, then disconnects and exits."
        }
        Tool::Sub => "subscribes to MQTT topics on a broker and prints the messages that arrive.",
    }
}

/// The usage synopsis, one line per group of options: the first line starts with `lead` and
/// the name, the others are aligned under the first group; a last line shows `--help`.
pub fn synopsis(tool: Tool, lead: &str) -> Vec<String> {
    let own = match tool {
        Tool::Pub => PUB_SYNOPSIS,
        Tool::Sub => SUB_SYNOPSIS,
    };
    let name = tool.name();
    let first = format!("{lead}{name} ");
    let indent = " ".repeat(first.chars().count());
    let mut lines: Vec<String> = own
        .iter()
        .chain(SHARED_SYNOPSIS)
        .enumerate()
        .map(|(index, group)| match index {
            0 => format!("{first}{group}"),
            _ => format!("{indent}{group}"),
        })
        .collect();
    let lead_width = lead.chars().count();
    lines.push(format!("{:lead_width$}{name} --help | --version", ""));
    lines
}

/// The option groups of `tool`, in the order the help shows them.
pub fn sections(tool: Tool) -> Vec<&'static Section> {
    let mut all = vec![&CONNECTION, &AUTHENTICATION, &TLS, &WILL];
    match tool {
        Tool::Pub => all.push(&PUB_MESSAGE),
        Tool::Sub => all.extend([&SUB_SUBSCRIPTION, &SUB_OUTPUT]),
    }
    all.extend([&SESSION, &OTHER]);
    all
}

/// The examples at the end of the help.
pub fn examples(tool: Tool) -> &'static [Example] {
    match tool {
        Tool::Pub => PUB_EXAMPLES,
        Tool::Sub => SUB_EXAMPLES,
    }
}

/// Where options are read from when `-o` is not given.
pub fn options_file_note(tool: Tool) -> String {
    format!(
        "Without -o, options are read from $XDG_CONFIG_HOME/{name} (or ~/.config/{name}), or \
         failing that from mosquitto's $XDG_CONFIG_HOME/{mosquitto}, one option per line.",
        name = tool.name(),
        mosquitto = tool.mosquitto_name()
    )
}

/// Appends one option: its spelling, then its description from [`TEXT_COLUMN`] on (on the next
/// line when the spelling is too wide).
fn render_option(out: &mut String, option: &OptionHelp) {
    let lead = format!(" {}", option.spelling);
    let lines = wrap(option.text, WIDTH - TEXT_COLUMN);
    let mut rest = lines.iter();
    // At least two spaces between the spelling and its description.
    if lead.chars().count() + 2 <= TEXT_COLUMN {
        let first = rest.next().map_or("", String::as_str);
        out.push_str(format!("{lead:<TEXT_COLUMN$}{first}").trim_end());
    } else {
        out.push_str(&lead);
    }
    out.push('\n');
    for line in rest {
        out.push_str(&format!("{:TEXT_COLUMN$}{line}\n", ""));
    }
}

/// Fills `text` into lines of at most `width` columns. A `\n` ends a line; a line after it that
/// starts with two spaces is kept as it is. A word wider than `width` gets a line of its own.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for (index, part) in text.split('\n').enumerate() {
        if index > 0 && part.starts_with("  ") {
            lines.push(part.to_owned());
            continue;
        }
        let mut line = String::new();
        for word in part.split_whitespace() {
            let needed = line.chars().count() + 1 + word.chars().count();
            if !line.is_empty() && needed > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

const PUB_SYNOPSIS: &[&str] = &[
    "{-t topic | -L URL} {-m message | -f file | -s | -l | -n}",
    "[-q qos] [-r] [--repeat count] [--repeat-delay seconds]",
];

const SUB_SYNOPSIS: &[&str] = &[
    "{-t filter... | -U filter... | -L URL [-t filter...]}",
    "[-q qos] [-C count] [-W seconds] [-E] [-R | --retained-only]",
    "[--remove-retained] [-T filter...] [--retain-as-published]",
    "[--retain-handling mode] [-v] [-N] [-F format] [--pretty] [-w]",
    "[--message-rate] [--random-filter percent]",
];

const SHARED_SYNOPSIS: &[&str] = &[
    "[-h host] [-p port] [--unix path] [--ws] [-A address] [--nodelay]",
    "[--proxy socks-url] [-k keepalive] [--reconnect-timeout secs]",
    "[-V version]",
    "[-u username [-P password | --pw-file file]]",
    "[--cafile file | --capath dir | --tls-use-os-certs]",
    "[--cert file --key file] [--insecure] [more TLS options]",
    "[--psk hex-key --psk-identity identity] [--no-tls]",
    "[--will-topic topic [--will-payload text] [--will-qos qos]",
    " [--will-retain]]",
    "[-i id | -I id-prefix] [-c] [-x expiry] [-M inflight]",
    "[-D command property value...] [-d] [--quiet] [-o file]",
];

const CONNECTION: Section = Section {
    title: "Connection",
    note: "",
    options: &[
        OptionHelp {
            id: "host",
            spelling: "-h, --host host",
            text: "broker to connect to (default: localhost).",
        },
        OptionHelp {
            id: "port",
            spelling: "-p, --port port",
            text: "broker port (default: 1883, or 8883 when --cafile, --capath or --psk is \
                   given). Port 8883 turns TLS on; port 0 takes the host as the path of a \
                   unix socket.",
        },
        OptionHelp {
            id: "unix",
            spelling: "--unix path",
            text: "connect through the broker's unix socket instead of TCP.",
        },
        OptionHelp {
            id: "url",
            spelling: "-L, --url URL",
            text: "broker, credentials and topic in one go; mqtts:// means TLS, ws:// and \
                   wss:// websockets (plain and TLS):\n  \
                   mqtt://[user[:password]@]host[:port]/topic",
        },
        OptionHelp {
            id: "websockets",
            spelling: "--ws",
            text: "speak MQTT inside websocket frames (on the path /mqtt).",
        },
        OptionHelp {
            id: "bind_address",
            spelling: "-A address",
            text: "local address to connect from, which picks the network interface.",
        },
        OptionHelp {
            id: "nodelay",
            spelling: "--nodelay",
            text: "send small packets at once instead of letting the kernel gather them \
                   (no Nagle delay).",
        },
        OptionHelp {
            id: "proxy",
            spelling: "--proxy socks-url",
            text: "go through a SOCKS5 proxy: socks5h://[user[:password]@]host[:port] (the \
                   proxy looks the broker's name up; port 1080 by default).",
        },
        OptionHelp {
            id: "keepalive",
            spelling: "-k, --keepalive secs",
            text: "seconds between keepalive pings, 5 to 65535 (default: 60). A broker that \
                   stays silent for one and a half times this long is taken as gone.",
        },
        OptionHelp {
            id: "reconnect_timeout",
            spelling: "--reconnect-timeout secs",
            text: "after losing an established connection, give up (exit 7) once this many \
                   seconds pass without getting it back; 0 gives up at once (default: keep \
                   trying for ever).",
        },
        OptionHelp {
            id: "protocol_version",
            spelling: "-V, --protocol-version v",
            text: "MQTT version: mqttv311 or 311 (the default), mqttv5 or 5. -D and -x \
                   imply MQTT 5. MQTT 3.1 is not supported.",
        },
    ],
};

const AUTHENTICATION: Section = Section {
    title: "Authentication",
    note: "",
    options: &[
        OptionHelp {
            id: "username",
            spelling: "-u, --username name",
            text: "user name to log in with.",
        },
        OptionHelp {
            id: "password",
            spelling: "-P, --pw password",
            text: "password to log in with. Other users of this machine can see command \
                   lines: prefer --pw-file or the MQTT_PASSWORD environment variable.",
        },
        OptionHelp {
            id: "pw_file",
            spelling: "--pw-file file",
            text: "read the password from the first line of this file. With a user name and \
                   no password option, MQTT_PASSWORD is used if it is set.",
        },
    ],
};

const TLS: Section = Section {
    title: "TLS",
    note: "",
    options: &[
        OptionHelp {
            id: "cafile",
            spelling: "--cafile file",
            text: "trust the CA certificates in this PEM file; turns TLS on.",
        },
        OptionHelp {
            id: "capath",
            spelling: "--capath dir",
            text: "trust the CA certificates in this directory; turns TLS on.",
        },
        OptionHelp {
            id: "tls_use_os_certs",
            spelling: "--tls-use-os-certs",
            text: "trust the operating system's CA certificates; turns TLS on.",
        },
        OptionHelp {
            id: "cert",
            spelling: "--cert file",
            text: "client certificate (PEM) to prove who we are; needs --key.",
        },
        OptionHelp {
            id: "key",
            spelling: "--key file",
            text: "private key of the client certificate (PEM).",
        },
        OptionHelp {
            id: "keyform",
            spelling: "--keyform pem",
            text: "format of the key; only pem is supported.",
        },
        OptionHelp {
            id: "insecure",
            spelling: "--insecure",
            text: "do not check the broker's certificate or host name. Anyone on the way can \
                   then read and change the traffic: for testing only.",
        },
        OptionHelp {
            id: "tls_version",
            spelling: "--tls-version v",
            text: "tlsv1.2 or tlsv1.3 (default: either).",
        },
        OptionHelp {
            id: "ciphers",
            spelling: "--ciphers list",
            text: "cipher suites to allow, separated by colons.",
        },
        OptionHelp {
            id: "tls_alpn",
            spelling: "--tls-alpn protocol",
            text: "ALPN protocol name to offer to the broker.",
        },
        OptionHelp {
            id: "tls_keylog",
            spelling: "--tls-keylog file",
            text: "append the TLS session secrets to this file, so a packet analyser can \
                   decrypt the traffic.",
        },
        OptionHelp {
            id: "psk",
            spelling: "--psk hex-key",
            text: "pre-shared key in hexadecimal (without 0x): TLS-PSK instead of \
                   certificates.",
        },
        OptionHelp {
            id: "psk_identity",
            spelling: "--psk-identity id",
            text: "identity to present with --psk.",
        },
        OptionHelp {
            id: "no_tls",
            spelling: "--no-tls",
            text: "no TLS at all, whatever the other options say.",
        },
        OptionHelp {
            id: "tls_engine",
            spelling: "--tls-engine engine",
            text: "accepted for compatibility; hardware TLS engines are not supported, so \
                   any engine is refused.",
        },
        OptionHelp {
            id: "tls_engine_kpass_sha1",
            spelling: "--tls-engine-kpass-sha1 hash",
            text: "accepted for compatibility, with --tls-engine.",
        },
    ],
};

const WILL: Section = Section {
    title: "Last will",
    note: "sent by the broker if this client vanishes without disconnecting",
    options: &[
        OptionHelp {
            id: "will_topic",
            spelling: "--will-topic topic",
            text: "topic of the will.",
        },
        OptionHelp {
            id: "will_payload",
            spelling: "--will-payload text",
            text: "its payload (default: empty).",
        },
        OptionHelp {
            id: "will_qos",
            spelling: "--will-qos qos",
            text: "its quality of service, 0, 1 or 2 (default: 0).",
        },
        OptionHelp {
            id: "will_retain",
            spelling: "--will-retain",
            text: "make the will a retained message.",
        },
    ],
};

const PUB_MESSAGE: Section = Section {
    title: "Message",
    note: "give a topic and exactly one source",
    options: &[
        OptionHelp {
            id: "topic",
            spelling: "-t, --topic topic",
            text: "topic to publish on (no + or # wildcards).",
        },
        OptionHelp {
            id: "message",
            spelling: "-m, --message text",
            text: "publish this text.",
        },
        OptionHelp {
            id: "file",
            spelling: "-f, --file file",
            text: "publish the whole file as one message.",
        },
        OptionHelp {
            id: "stdin_file",
            spelling: "-s, --stdin-file",
            text: "publish all of standard input as one message.",
        },
        OptionHelp {
            id: "stdin_line",
            spelling: "-l, --stdin-line",
            text: "publish each line of standard input as a message of its own, as soon as \
                   the line is complete. At QoS 1 and 2 input is read only as fast as the \
                   broker acknowledges, so no line is lost.",
        },
        OptionHelp {
            id: "null_message",
            spelling: "-n, --null-message",
            text: "publish an empty message (with -r: clear the topic's retained message).",
        },
        OptionHelp {
            id: "qos",
            spelling: "-q, --qos qos",
            text: "quality of service, 0, 1 or 2 (default: 0).",
        },
        OptionHelp {
            id: "retain",
            spelling: "-r, --retain",
            text: "ask the broker to keep the message for future subscribers.",
        },
        OptionHelp {
            id: "repeat",
            spelling: "--repeat count",
            text: "publish the message (-m, -f, -s or -n) this many times.",
        },
        OptionHelp {
            id: "repeat_delay",
            spelling: "--repeat-delay secs",
            text: "wait this long between repeats (fractions allowed; default: 0).",
        },
    ],
};

const SUB_SUBSCRIPTION: Section = Section {
    title: "Subscription",
    note: "",
    options: &[
        OptionHelp {
            id: "topic",
            spelling: "-t, --topic filter",
            text: "topic filter to subscribe to; + and # wildcards allowed; repeatable.",
        },
        OptionHelp {
            id: "unsubscribe",
            spelling: "-U, --unsubscribe f",
            text: "unsubscribe from this filter (useful with -c); repeatable.",
        },
        OptionHelp {
            id: "filter_out",
            spelling: "-T, --filter-out f",
            text: "drop messages whose topic matches this filter; repeatable.",
        },
        OptionHelp {
            id: "qos",
            spelling: "-q, --qos qos",
            text: "quality of service of the subscriptions, 0, 1 or 2 (default: 0).",
        },
        OptionHelp {
            id: "no_retained",
            spelling: "-R",
            text: "ignore retained messages (with MQTT 5 the broker is asked not to send \
                   them).",
        },
        OptionHelp {
            id: "retained_only",
            spelling: "--retained-only",
            text: "print retained messages only, and stop at the first live one.",
        },
        OptionHelp {
            id: "remove_retained",
            spelling: "--remove-retained",
            text: "clear every retained message received (use -T to spare some).",
        },
        OptionHelp {
            id: "retain_as_published",
            spelling: "--retain-as-published",
            text: "MQTT 5: keep the retain flag as the publisher set it.",
        },
        OptionHelp {
            id: "retain_handling",
            spelling: "--retain-handling m",
            text: "MQTT 5: when the broker sends retained messages: always, new (only for a \
                   new subscription) or never.",
        },
        OptionHelp {
            id: "count",
            spelling: "-C count",
            text: "exit after printing this many messages.",
        },
        OptionHelp {
            id: "timeout",
            spelling: "-W seconds",
            text: "exit after this long, printing \"Timed out\" (exit status 27).",
        },
        OptionHelp {
            id: "exit_after_sub",
            spelling: "-E",
            text: "exit as soon as the subscriptions are acknowledged.",
        },
    ],
};

const SUB_OUTPUT: Section = Section {
    title: "Output",
    note: "",
    options: &[
        OptionHelp {
            id: "verbose",
            spelling: "-v, --verbose",
            text: "print the topic before each payload.",
        },
        OptionHelp {
            id: "no_eol",
            spelling: "-N",
            text: "no newline after each payload.",
        },
        OptionHelp {
            id: "format",
            spelling: "-F format",
            text: "print each message through a format: %t topic, %p payload, %q QoS, \
                   %r retain, %l length, %x hex, %j and %J JSON, %I and @ fields for time, \
                   and more (see the manual).",
        },
        OptionHelp {
            id: "pretty",
            spelling: "--pretty",
            text: "indent the JSON of -F %j and %J.",
        },
        OptionHelp {
            id: "watch",
            spelling: "-w, --watch",
            text: "keep one terminal line per topic and update it in place.",
        },
        OptionHelp {
            id: "message_rate",
            spelling: "--message-rate",
            text: "print the number of messages received each second instead of them.",
        },
        OptionHelp {
            id: "random_filter",
            spelling: "--random-filter pct",
            text: "print only about this percentage of the messages (0.1 to 100).",
        },
    ],
};

const SESSION: Section = Section {
    title: "Session",
    note: "",
    options: &[
        OptionHelp {
            id: "id",
            spelling: "-i, --id id",
            text: "client id (default: one chosen by the broker).",
        },
        OptionHelp {
            id: "id_prefix",
            spelling: "-I, --id-prefix p",
            text: "client id made of this prefix and the process id.",
        },
        OptionHelp {
            id: "disable_clean_session",
            spelling: "-c, --disable-clean-session",
            text: "keep the session (subscriptions, queued messages) after disconnecting; \
                   needs -i. With MQTT 5 the session then never expires unless -x says \
                   otherwise.",
        },
        OptionHelp {
            id: "session_expiry",
            spelling: "-x expiry",
            text: "MQTT 5: seconds the session outlives the connection; -1 or ∞ for ever.",
        },
        OptionHelp {
            id: "max_inflight",
            spelling: "-M count",
            text: "most QoS 1 and 2 messages in flight at once (default: 256 at QoS 1, 20 at \
                   QoS 2; never more than the broker allows).",
        },
        OptionHelp {
            id: "property",
            spelling: "-D, --property command property value",
            text: "MQTT 5 property for a packet, e.g. -D publish content-type text/plain or \
                   -D connect user-property key value. Commands: connect, publish, \
                   subscribe, unsubscribe, disconnect, will. Repeatable.",
        },
    ],
};

const OTHER: Section = Section {
    title: "Other",
    note: "",
    options: &[
        OptionHelp {
            id: "debug",
            spelling: "-d, --debug",
            text: "print the MQTT packets sent and received on stderr.",
        },
        OptionHelp {
            id: "quiet",
            spelling: "--quiet",
            text: "print no error or warning messages.",
        },
        OptionHelp {
            id: "options_file",
            spelling: "-o file",
            text: "read options from this file, one per line, before the command line.",
        },
        OptionHelp {
            id: "help",
            spelling: "--help",
            text: "print this text.",
        },
        OptionHelp {
            id: "version",
            spelling: "--version",
            text: "print the version.",
        },
    ],
};

const PUB_EXAMPLES: &[Example] = &[
    Example {
        purpose: "one reading, acknowledged by the broker",
        command: "{name} -t sensors/kitchen/temperature -m 21.5 -q 1",
    },
    Example {
        purpose: "a status that late subscribers still get",
        command: "{name} -h broker.example -t status/door -m open -r",
    },
    Example {
        purpose: "a file, over TLS, with credentials from a URL",
        command: "{name} -L mqtts://user@broker.example/logs/app -f app.log",
    },
    Example {
        purpose: "every line of a growing log as a message of its own",
        command: "tail -f app.log | {name} -t logs/app -l -q 1",
    },
];

const SUB_EXAMPLES: &[Example] = &[
    Example {
        purpose: "everything under sensors/, with topics",
        command: "{name} -t 'sensors/#' -v",
    },
    Example {
        purpose: "the retained door status, then exit",
        command: "{name} -h broker.example -t status/door -C 1 -W 5",
    },
    Example {
        purpose: "time stamp, topic and payload of each message",
        command: "{name} -t 'logs/+' -F '%I %t %p'",
    },
    Example {
        purpose: "a value doubled by a pipeline, message by message",
        command: "{name} -t in/x | awk '{print 2*$1; fflush()}' | mqpub -l -t out/2x",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    const TOOLS: [Tool; 2] = [Tool::Pub, Tool::Sub];

    #[test]
    fn version_line() {
        assert_eq!(
            version(Tool::Pub),
            format!(
                "mqpub {} (MQTT library rumqttc 0.25.1)\n",
                env!("CARGO_PKG_VERSION")
            )
        );
        assert!(version(Tool::Sub).starts_with("mqsub "));
    }

    #[test]
    fn library_version_matches_the_lock_file() {
        let lock = include_str!("../../../Cargo.lock");
        let (_, version) = MQTT_LIBRARY.split_once(' ').unwrap();
        let entry = format!("name = \"rumqttc\"\nversion = \"{version}\"");
        assert!(lock.contains(&entry), "update MQTT_LIBRARY");
    }

    #[test]
    fn wrapping() {
        // (text, width, lines)
        let cases: [(&str, usize, &[&str]); 7] = [
            ("", 10, &[""]),
            ("one two three", 20, &["one two three"]),
            ("one two three", 7, &["one two", "three"]),
            ("one   two", 20, &["one two"]),
            ("unbreakable-word x", 5, &["unbreakable-word", "x"]),
            ("list:\n  a   b\nrest", 20, &["list:", "  a   b", "rest"]),
            ("é é é", 3, &["é é", "é"]),
        ];
        for (text, width, lines) in cases {
            assert_eq!(wrap(text, width), lines, "{text:?}");
        }
    }

    #[test]
    fn option_layout() {
        // (spelling, text, rendered)
        let cases = [
            ("-x", "short.", " -x                   short.\n"),
            (
                "--a-very-long-spelling value",
                "text.",
                " --a-very-long-spelling value\n                      text.\n",
            ),
            ("-y", "", " -y\n"),
        ];
        for (spelling, text, rendered) in cases {
            let mut out = String::new();
            let option = OptionHelp {
                id: "x",
                spelling,
                text,
            };
            render_option(&mut out, &option);
            assert_eq!(out, rendered, "{spelling}");
        }
    }

    #[test]
    fn help_fits_the_width_and_has_no_placeholders() {
        for tool in TOOLS {
            let help = help(tool);
            for line in help.lines() {
                assert!(line.chars().count() <= WIDTH, "{tool:?}: {line}");
                assert_eq!(
                    line,
                    line.trim_end(),
                    "{tool:?}: trailing space in {line:?}"
                );
            }
            assert!(!help.contains("{name}"), "{tool:?}");
            let opening = wrap(&format!("{} {}", tool.name(), summary(tool)), WIDTH);
            assert!(help.starts_with(&opening.join("\n")), "{tool:?}");
            assert!(help.contains(tool.mosquitto_name()));
        }
    }

    #[test]
    fn every_option_is_explained_once() {
        for tool in TOOLS {
            let help = help(tool);
            let mut ids = Vec::new();
            for section in sections(tool) {
                assert!(help.contains(&format!("\n{}\n", section.heading())));
                for option in section.options {
                    assert!(!ids.contains(&option.id), "{tool:?}: {} twice", option.id);
                    ids.push(option.id);
                    assert!(!option.text.is_empty(), "{}", option.id);
                    assert!(
                        help.contains(&format!("\n {}", option.spelling)),
                        "{tool:?}: {}",
                        option.spelling
                    );
                }
            }
        }
    }

    #[test]
    fn each_tool_has_its_own_options() {
        let ids = |tool| -> Vec<&str> {
            sections(tool)
                .iter()
                .flat_map(|s| s.options.iter().map(|o| o.id))
                .collect()
        };
        let (publisher, subscriber) = (ids(Tool::Pub), ids(Tool::Sub));
        for own in ["message", "file", "stdin_line", "repeat"] {
            assert!(
                publisher.contains(&own) && !subscriber.contains(&own),
                "{own}"
            );
        }
        for own in ["format", "count", "timeout", "random_filter"] {
            assert!(
                subscriber.contains(&own) && !publisher.contains(&own),
                "{own}"
            );
        }
        for shared in ["host", "topic", "qos", "property", "help"] {
            assert!(publisher.contains(&shared) && subscriber.contains(&shared));
        }
    }

    #[test]
    fn examples_use_the_tool() {
        for tool in TOOLS {
            for example in examples(tool) {
                assert!(
                    example.command.starts_with("{name} ") || example.command.contains("| {name}")
                );
                assert!(help(tool).contains(&example.command.replace("{name}", tool.name())));
            }
        }
    }
}
