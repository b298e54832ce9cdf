//! The `--help` and `--version` texts of both tools.
//!
//! Rules: laid out like mosquitto's (what the tool does, its version, a usage synopsis, then
//! every option explained), but grouped by topic and in our own words; the sections both
//! tools share are written once; both texts go to stdout and the process then exits with
//! [`INFO_EXIT_CODE`], as mosquitto's clients do.

use crate::tool::Tool;

/// mosquitto's clients exit with 1 after printing their help or version.
pub const INFO_EXIT_CODE: i32 = 1;

/// The MQTT library we are built on, named in `--version`. A test keeps it in step with
/// Cargo.lock.
pub const MQTT_LIBRARY: &str = "rumqttc 0.25.1";

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
    let (summary, synopsis, own_sections, examples) = match tool {
        Tool::Pub => (PUB_SUMMARY, PUB_SYNOPSIS, PUB_SECTIONS, PUB_EXAMPLES),
        Tool::Sub => (SUB_SUMMARY, SUB_SYNOPSIS, SUB_SECTIONS, SUB_EXAMPLES),
    };
    let name = tool.name();
    let mut text = format!("{name} {summary}\n{}\n", version(tool));
    text.push_str(&synopsis.replace("{name}", name));
    for section in [
        CONNECTION_SECTION,
        AUTH_SECTION,
        TLS_SECTION,
        WILL_SECTION,
        own_sections,
        SESSION_SECTION,
        OTHER_SECTION,
    ] {
        text.push('\n');
        text.push_str(section);
    }
    text.push('\n');
    text.push_str(&examples.replace("{name}", name));
    text.push_str(
        &OPTIONS_FILE_NOTE
            .replace("{name}", name)
            .replace("{mosquitto}", tool.mosquitto_name()),
    );
    text
}

const PUB_SUMMARY: &str =
    "sends one MQTT message (or one per input line) to a broker, then disconnects and exits.";

const SUB_SUMMARY: &str =
    "subscribes to MQTT topics on a broker and prints the messages that arrive.";

const PUB_SYNOPSIS: &str = "\
Usage: {name} {-t topic | -L URL} {-m message | -f file | -s | -l | -n}
             [-h host] [-p port] [--unix path] [--ws] [-A address] [--nodelay]
             [-q qos] [-r] [--repeat count] [--repeat-delay seconds]
             [-i id | -I id-prefix] [-c] [-x expiry] [-k keepalive] [-V version] [-M inflight]
             [-u username [-P password | --pw-file file]]
             [--will-topic topic [--will-payload text] [--will-qos qos] [--will-retain]]
             [--cafile file | --capath dir | --psk hex --psk-identity id] [more TLS options]
             [--proxy socks-url] [-D command property value] [-d] [--quiet] [-o file]
       {name} --help | --version
";

const SUB_SYNOPSIS: &str = "\
Usage: {name} {-t filter... | -U filter... | -L URL [-t filter...]}
             [-h host] [-p port] [--unix path] [--ws] [-A address] [--nodelay]
             [-q qos] [-C count] [-W seconds] [-E] [-R | --retained-only] [--remove-retained]
             [-T filter...] [-v] [-N] [-F format] [--pretty] [-w] [--message-rate]
             [--random-filter percent] [--retain-as-published] [--retain-handling mode]
             [-i id | -I id-prefix] [-c] [-x expiry] [-k keepalive] [-V version] [-M inflight]
             [-u username [-P password | --pw-file file]]
             [--will-topic topic [--will-payload text] [--will-qos qos] [--will-retain]]
             [--cafile file | --capath dir | --psk hex --psk-identity id] [more TLS options]
             [--proxy socks-url] [-D command property value] [-d] [--quiet] [-o file]
       {name} --help | --version
";

const CONNECTION_SECTION: &str = "\
Connection:
 -h, --host host      broker to connect to (default: localhost).
 -p, --port port      broker port (default: 1883, or 8883 when --cafile, --capath or --psk
                      is given). Port 8883 turns TLS on. Port 0 treats the host as a unix
                      socket path.
 --unix path          connect through the broker's unix socket instead of TCP.
 -L, --url URL        broker, credentials and topic in one go:
                        mqtt://[user[:password]@]host[:port]/topic   (plain)
                        mqtts://...                                  (TLS)
                        ws://... and wss://...                       (websockets)
 --ws                 speak MQTT inside websocket frames.
 -A address           local address (and so network interface) to connect from.
 --nodelay            send small packets at once (no Nagle delay).
 --proxy socks-url    go through a SOCKS5 proxy: socks5h://[user[:password]@]host[:port]
                      (port 1080 by default; the proxy resolves the broker's name).
";

const AUTH_SECTION: &str = "\
Authentication:
 -u, --username name  user name for the broker.
 -P, --pw password    password for the broker. Other users of this machine can see command
                      lines: prefer --pw-file or the MQTT_PASSWORD environment variable.
 --pw-file file       read the password from the first line of a file.
                      MQTT_PASSWORD is used when a user name is given and no password is.
";

const TLS_SECTION: &str = "\
TLS:
 --cafile file        trust the CA certificates in this PEM file; turns TLS on.
 --capath dir         trust the CA certificates in this directory; turns TLS on.
 --tls-use-os-certs   trust the operating system's CA certificates; turns TLS on.
 --cert file          client certificate (PEM), with --key.
 --key file           private key of the client certificate.
 --keyform pem        format of the key; only pem is supported.
 --insecure           do not check the broker's certificate or name. Anyone in the middle
                      can then read and change the traffic: for testing only.
 --tls-version v      tlsv1.2 or tlsv1.3 (default: either).
 --ciphers list       allowed cipher suites, colon separated.
 --tls-alpn protocol  ALPN protocol name to offer.
 --tls-keylog file    append the TLS session keys to this file, for traffic analysis tools.
 --psk hex            pre-shared key in hexadecimal (no 0x): TLS-PSK instead of certificates.
 --psk-identity id    identity to present with --psk.
 --no-tls             no TLS at all, whatever the other options say.
 --tls-engine, --tls-engine-kpass-sha1
                      accepted for compatibility; hardware engines are not supported.
";

const WILL_SECTION: &str = "\
Last will (published by the broker if this client vanishes without disconnecting):
 --will-topic topic   topic of the will.
 --will-payload text  its payload (default: empty).
 --will-qos qos       its quality of service, 0, 1 or 2 (default: 0).
 --will-retain        make it a retained message.
";

const PUB_SECTIONS: &str = "\
Message (exactly one source):
 -t, --topic topic    topic to publish on (no + or # wildcards).
 -m, --message text   publish this text.
 -f, --file file      publish the whole file as one message.
 -s, --stdin-file     publish all of standard input as one message.
 -l, --stdin-line     publish each line of standard input as a message of its own.
 -n, --null-message   publish an empty message.
 -q, --qos qos        quality of service, 0, 1 or 2 (default: 0).
 -r, --retain         ask the broker to keep the message for future subscribers.
 --repeat count       publish the message (-m, -f or -s) this many times.
 --repeat-delay secs  wait this long between repeats (fractions allowed; default: 0).
";

const SUB_SECTIONS: &str = "\
Subscription:
 -t, --topic filter   topic filter to subscribe to; + and # wildcards allowed; repeatable.
 -U, --unsubscribe f  unsubscribe from this filter (useful with -c); repeatable.
 -T, --filter-out f   drop messages whose topic matches this filter; repeatable.
 -q, --qos qos        quality of service of the subscriptions, 0, 1 or 2 (default: 0).
 -R                   ignore retained messages (MQTT 5: ask the broker not to send them).
 --retained-only      print retained messages only; stop at the first live one.
 --remove-retained    clear every retained message received (see -T).
 --retain-as-published  MQTT 5: keep the retain flag as the publisher set it.
 --retain-handling m  MQTT 5: when to receive retained messages: always, new or never.
 -C count             exit after this many messages.
 -W seconds           exit after this long.
 -E                   exit as soon as the subscriptions are acknowledged.

Output:
 -v, --verbose        print the topic before each payload.
 -N                   no newline after each payload.
 -F format            print each message with a format string (% and @ fields).
 --pretty             indent JSON output of -F %j / %J.
 -w, --watch          keep one line per topic and update it in place.
 --message-rate       print the number of messages received each second instead.
 --random-filter pct  print only about this percentage of the messages (0.1 to 100).
";

const SESSION_SECTION: &str = "\
Session:
 -i, --id id          client id (default: chosen by the broker).
 -I, --id-prefix p    client id made of this prefix and the process id.
 -c, --disable-clean-session
                      keep the session (subscriptions, queued messages) after disconnecting;
                      needs -i. With MQTT 5 the session then never expires unless -x says.
 -x expiry            MQTT 5: seconds the session outlives the connection; -1 or ∞: forever.
 -k, --keepalive secs seconds between keepalive pings, 5 to 65535 (default: 60).
 -V, --protocol-version v
                      mqttv311 or 311 (default), mqttv5 or 5. -D and -x imply MQTT 5.
 -M count             most QoS 1 and 2 messages in flight at once (default: 20).
 -D, --property command property value
                      MQTT 5 property for a packet, e.g. -D publish content-type text/plain,
                      -D connect user-property key value. Commands: connect, publish,
                      subscribe, unsubscribe, disconnect, will.
";

const OTHER_SECTION: &str = "\
Other:
 -d, --debug          print the MQTT packets sent and received.
 --quiet              print no error messages.
 -o file              read options from this file, one per line, before the command line.
 --help               print this text.
 --version            print the version.
";

const PUB_EXAMPLES: &str = "\
Examples:
  {name} -t sensors/kitchen -m 21.5
  {name} -h broker.example -q 1 -r -t status/door -m open
  {name} -L mqtts://user@broker.example/logs -f app.log
  tail -f app.log | {name} -t logs/app -l
";

const SUB_EXAMPLES: &str = "\
Examples:
  {name} -t 'sensors/#' -v
  {name} -h broker.example -t status/door -C 1
  {name} -V 5 -t 'logs/+' -F '%I %t %p'
";

const OPTIONS_FILE_NOTE: &str = "
Without -o, options are read from $XDG_CONFIG_HOME/{name} (or ~/.config/{name}), or failing
that from mosquitto's $XDG_CONFIG_HOME/{mosquitto}.
";

#[cfg(test)]
mod tests {
    use super::*;

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
    fn help_mentions_every_option() {
        let pub_only = [
            "-m",
            "-f",
            "-s",
            "-l",
            "-n",
            "-r",
            "--repeat",
            "--repeat-delay",
        ];
        let sub_only = [
            "-U",
            "-T",
            "-R",
            "--retained-only",
            "--remove-retained",
            "--retain-as-published",
            "--retain-handling",
            "-C",
            "-W",
            "-E",
            "-v",
            "-N",
            "-F",
            "--pretty",
            "-w",
            "--message-rate",
            "--random-filter",
        ];
        let shared = [
            "-h",
            "-p",
            "--unix",
            "-L",
            "--ws",
            "-A",
            "--nodelay",
            "--proxy",
            "-u",
            "-P",
            "--pw-file",
            "--cafile",
            "--capath",
            "--tls-use-os-certs",
            "--cert",
            "--key",
            "--keyform",
            "--insecure",
            "--tls-version",
            "--ciphers",
            "--tls-alpn",
            "--tls-keylog",
            "--psk",
            "--psk-identity",
            "--no-tls",
            "--tls-engine",
            "--tls-engine-kpass-sha1",
            "--will-topic",
            "--will-payload",
            "--will-qos",
            "--will-retain",
            "-t",
            "-q",
            "-i",
            "-I",
            "-c",
            "-x",
            "-k",
            "-V",
            "-M",
            "-D",
            "-d",
            "--quiet",
            "-o",
            "--help",
            "--version",
        ];
        let pub_help = help(Tool::Pub);
        let sub_help = help(Tool::Sub);
        let explains = |help: &str, flag: &str| {
            [" ", ",", "\n"]
                .iter()
                .any(|after| help.contains(&format!(" {flag}{after}")))
        };
        for flag in shared.iter().chain(&pub_only) {
            assert!(explains(&pub_help, flag), "mqpub {flag}");
        }
        for flag in shared.iter().chain(&sub_only) {
            assert!(explains(&sub_help, flag), "mqsub {flag}");
        }
        assert!(pub_help.starts_with("mqpub sends"));
        assert!(sub_help.contains("mosquitto_sub"));
        assert!(!pub_help.contains("{name}"));
    }
}
