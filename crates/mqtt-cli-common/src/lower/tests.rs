//! Table tests for every cross-option rule in `lower`, driven through the real command-line
//! pipeline so the order of options is the one the scanner records.

use std::ffi::OsString;

use clap::Parser;

use super::*;
use crate::command_line::{self, CommandLine, Parsed};
use crate::config::Proxy;
use crate::usage_error::FollowUp;

#[derive(Debug, Parser)]
struct TestCli {
    #[command(flatten)]
    common: CommonArgs,
}

fn env() -> Environment {
    Environment {
        pid: 4242,
        ..Environment::default()
    }
}

fn lower_with(
    tool: Tool,
    args: &[&str],
    env: &Environment,
) -> Result<ConnectionConfig, UsageError> {
    let argv = std::iter::once("prog")
        .chain(args.iter().copied())
        .map(OsString::from)
        .collect();
    let Parsed::Run(CommandLine { cli, order }) = command_line::parse::<TestCli>(tool, argv, env)?
    else {
        panic!("{args:?} did not ask to run");
    };
    let cli: TestCli = cli;
    connection(&cli.common, &order, tool, env)?.finish()
}

fn config(args: &[&str]) -> ConnectionConfig {
    lower_with(Tool::Pub, args, &env()).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

fn error(tool: Tool, args: &[&str]) -> UsageError {
    match lower_with(tool, args, &env()) {
        Ok(config) => panic!("{args:?} accepted: {config:?}"),
        Err(err) => err,
    }
}

fn tcp(host: &str, port: u16) -> Address {
    Address::Tcp {
        host: host.into(),
        port,
    }
}

#[test]
fn defaults() {
    let config = config(&[]);
    assert_eq!(
        config,
        ConnectionConfig {
            address: tcp("localhost", 1883),
            bind_address: None,
            nodelay: false,
            security: Security::Plain,
            framing: Framing::Raw,
            proxy: None,
            version: MqttVersion::V311,
            client_id: String::new(),
            clean_start: true,
            keepalive: 60,
            session_expiry: None,
            username: None,
            password: None,
            will: None,
            properties: Properties::default(),
            max_inflight: None,
            debug: false,
            quiet: false,
            reconnect: ReconnectPolicy::default(),
        }
    );
}

#[test]
fn read_time_errors_with_hint() {
    let v31 = "Error: MQTT v3.1 is not supported, use -V mqttv311 or -V mqttv5 instead.\n\n";
    let cases: [(Tool, &[&str], &str); 24] = [
        (Tool::Pub, &["-i", "a", "-I", "b"], "Error: -i and -I argument cannot be used together.\n\n"),
        (Tool::Pub, &["-I", "b", "-i", "a"], "Error: -i and -I argument cannot be used together.\n\n"),
        (Tool::Pub, &["-V", "31"], v31),
        (Tool::Pub, &["-x", "5", "-V", "mqttv31"], v31),
        (Tool::Pub, &["--will-payload", "x"], "Error: Will payload given, but no will topic given.\n"),
        (Tool::Pub, &["--will-retain"], "Error: Will retain given, but no will topic given.\n"),
        (Tool::Pub, &["--cert", "c"], "Error: Both certfile and keyfile must be provided if one of them is set.\n"),
        (Tool::Pub, &["--key", "k"], "Error: Both certfile and keyfile must be provided if one of them is set.\n"),
        (Tool::Pub, &["--keyform", "pem"], "Error: If keyform is set, keyfile must be also specified.\n"),
        (Tool::Pub, &["--tls-engine-kpass-sha1", "ab", "--cert", "c", "--key", "k", "--keyform", "pem"],
         "Error: when using tls-engine-kpass-sha1, both tls-engine and keyform must also be provided.\n"),
        (Tool::Pub, &["--psk", "00", "--cafile", "f"], "Error: Only one of --psk or --cafile/--capath may be used at once.\n"),
        (Tool::Pub, &["--psk", "00", "--capath", "d"], "Error: Only one of --psk or --cafile/--capath may be used at once.\n"),
        (Tool::Pub, &["--psk", "00"], "Error: --psk-identity required if --psk used.\n"),
        (Tool::Pub, &["-c"], "Error: You must provide a client id if you are using the -c option.\n"),
        (Tool::Sub, &["-c", "-I", "p"], "Error: You must provide a client id if you are using the -c option.\n"),
        (Tool::Pub, &["-c", "-V", "5"],
         "Error: You must provide a client id if you are using an infinite session expiry interval.\n"),
        (Tool::Pub, &["-x", "-1"],
         "Error: You must provide a client id if you are using an infinite session expiry interval.\n"),
        (Tool::Pub, &["-x", "∞", "-I", "p"],
         "Error: You must provide a client id if you are using an infinite session expiry interval.\n"),
        (Tool::Pub, &["-L", "mqtt://h/a+"], "Error: Invalid publish topic 'a+', does it contain '+' or '#'?\n"),
        (Tool::Sub, &["-L", "mqtt://h/a/#/b"],
         "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?\n"),
        (Tool::Pub, &["-L", "mqtt://h/a\tb"], "Error: Malformed UTF-8 in -L topic argument.\n\n"),
        (Tool::Pub, &["-D", "bogus", "x", "y"], "Error: Invalid command bogus given in --property argument.\n\n"),
        // Checked in command-line order: the -D problem comes first.
        (Tool::Pub, &["-D", "connect", "colour", "x", "-i", "a", "-I", "b"],
         "Error: Invalid property name colour given in --property argument.\n\n"),
        (Tool::Pub, &["--pw-file", "/nonexistent/pw"],
         "Error: Unable to read password file \"/nonexistent/pw\": No such file or directory.\n\n"),
    ];
    for (tool, args, text) in cases {
        let err = error(tool, args);
        assert_eq!(err.message(), text, "{args:?}");
        assert_eq!(err.follow_up(), &FollowUp::HelpHint, "{args:?}");
    }
}

#[test]
fn setup_errors_without_hint() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f.pem");
    std::fs::write(&file, "x").unwrap();
    let file = file.to_str().unwrap();
    let cases: [(Tool, &[&str], &str); 18] = [
        (Tool::Pub, &["-i", ""], "Error: Invalid id.\n"),
        (Tool::Sub, &["-i", ""], "Error: Invalid id and/or clean_session.\n"),
        (Tool::Pub, &["-i", "a\tb"], "Error: Invalid id.\n"),
        (Tool::Pub, &["-I", "\u{1}"], "Error: Invalid id.\n"),
        (Tool::Pub, &["-c", "-x", "10"], "Error: Invalid id.\n"),
        (Tool::Sub, &["-c", "-x", "10"], "Error: Invalid id and/or clean_session.\n"),
        (Tool::Pub, &["-P", "x"], "Error: Problem setting username and/or password.\n"),
        (Tool::Pub, &["-u", "a\u{1}b"], "Error: Problem setting username and/or password.\n"),
        (Tool::Pub, &["--cafile", "/nonexistent/ca"], "Error: Problem setting TLS options: File not found.\n"),
        (Tool::Pub, &["--cafile", file, "--cert", "/nonexistent/c", "--key", file],
         "Error: Problem setting TLS options: File not found.\n"),
        (Tool::Pub, &["--psk", "zz", "--psk-identity", "i"], "Error: Problem setting TLS-PSK options.\n"),
        (Tool::Pub, &["--tls-engine", "pkcs11"], "Error: Problem setting TLS engine, is pkcs11 a valid engine?\n"),
        (Tool::Pub, &["--keyform", "der", "--cert", file, "--key", file],
         "Error: Problem setting key form, it must be one of 'pem' or 'engine'.\n"),
        (Tool::Pub, &["--keyform", "engine", "--cert", file, "--key", file],
         "Error: Problem setting key form, 'engine' needs a TLS engine, which is not supported.\n"),
        (Tool::Pub, &["--tls-version", "tlsv1.1"], "Error: Problem setting TLS options, check the options are valid.\n"),
        (Tool::Pub, &["-D", "connect", "user-property", "a", "b", "-V", "311"],
         "Unable to connect (This feature is not supported).\n"),
        (Tool::Pub, &["--will-topic", "w", "-D", "will", "content-type", "x", "-V", "311"],
         "Error: Problem setting will.\n"),
        (Tool::Pub, &["-L", "mqtt://u:secret@h:70000/t"], "Unable to connect (Invalid input).\n"),
    ];
    for (tool, args, text) in cases {
        let err = error(tool, args);
        assert_eq!(err.message(), text, "{args:?}");
        assert_eq!(err.follow_up(), &FollowUp::Nothing, "{args:?}");

        let mut quiet: Vec<&str> = args.to_vec();
        quiet.push("--quiet");
        assert_eq!(error(tool, &quiet).message(), "", "{quiet:?}");
    }
}

#[test]
fn no_tls_skips_every_tls_check() {
    let config = config(&[
        "--no-tls",
        "--tls-version",
        "x",
        "--tls-engine",
        "e",
        "-p",
        "8883",
    ]);
    assert_eq!(config.security, Security::Plain);
    assert_eq!(config.address, tcp("localhost", 8883));
}

#[test]
fn host_and_port_follow_the_last_option() {
    let cases: [(&[&str], Address); 9] = [
        (&["-h", "a"], tcp("a", 1883)),
        (&["-h", "a", "-p", "1884"], tcp("a", 1884)),
        (&["-h", "a", "--unix", "/s"], Address::Unix("/s".into())),
        (&["--unix", "/s", "-h", "a"], Address::Unix("a".into())),
        (&["--unix", "/s", "-p", "1884"], tcp("/s", 1884)),
        (&["-p", "0", "-h", "x"], Address::Unix("x".into())),
        (&["-h", "a", "-p", "9", "-L", "mqtt://b/t"], tcp("b", 1883)),
        (&["-L", "mqtt://b:1999/t", "-h", "c"], tcp("c", 1999)),
        (&["-L", "mqtt://b/t", "-L", "mqtt://d:7/t"], tcp("d", 7)),
    ];
    for (args, address) in cases {
        assert_eq!(config(args).address, address, "{args:?}");
    }
}

#[test]
fn credentials_follow_the_last_option() {
    let dir = tempfile::tempdir().unwrap();
    let pw = dir.path().join("pw");
    std::fs::write(&pw, "from-file\r\nsecond line\n").unwrap();
    let pw = pw.to_str().unwrap();
    let cases: [(&[&str], Option<&str>, Option<&str>); 8] = [
        (&["-u", "a", "-P", "b"], Some("a"), Some("b")),
        (&["-L", "mqtt://u:p@h/t", "-u", "v"], Some("v"), Some("p")),
        (
            &["-u", "v", "-P", "q", "-L", "mqtt://u@h/t"],
            Some("u"),
            Some("q"),
        ),
        (
            &["-u", "v", "-P", "q", "-L", "mqtt://u:r@h/t"],
            Some("u"),
            Some("r"),
        ),
        (&["-L", "mqtt://u:r@h/t", "-P", "q"], Some("u"), Some("q")),
        (&["-u", "a", "--pw-file", pw], Some("a"), Some("from-file")),
        (
            &["-u", "a", "--pw-file", pw, "-P", "x"],
            Some("a"),
            Some("x"),
        ),
        (
            &["-u", "a", "-P", "x", "--pw-file", pw],
            Some("a"),
            Some("from-file"),
        ),
    ];
    for (args, username, password) in cases {
        let config = config(args);
        assert_eq!(config.username.as_deref(), username, "{args:?}");
        assert_eq!(config.password.as_deref(), password, "{args:?}");
    }
    // MQTT 5 allows a password alone.
    assert_eq!(
        config(&["-P", "x", "-V", "5"]).password.as_deref(),
        Some("x")
    );
}

#[test]
fn password_from_the_environment() {
    let env = Environment {
        mqtt_password: Some("from-env".into()),
        ..env()
    };
    let lower = |args: &[&str]| lower_with(Tool::Pub, args, &env).unwrap();
    assert_eq!(lower(&["-u", "a"]).password.as_deref(), Some("from-env"));
    assert_eq!(
        lower(&["-u", "a", "-P", "b"]).password.as_deref(),
        Some("b")
    );
    // Without a user name it is not used (it would break every MQTT 3.1.1 connection).
    assert_eq!(lower(&[]).password, None);
}

#[test]
fn transport_and_security() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, "x").unwrap();
    let ca_str = ca.to_str().unwrap();
    let os_certs = |port_given: bool| {
        let _ = port_given;
        Security::Tls(TlsOptions {
            use_os_certs: true,
            ..TlsOptions::default()
        })
    };
    let websocket = Framing::WebSocket {
        path: "/mqtt".into(),
    };
    let cases: Vec<(Vec<&str>, Address, Security, Framing)> = vec![
        (
            vec!["--ws"],
            tcp("localhost", 1883),
            Security::Plain,
            websocket.clone(),
        ),
        (
            vec!["-L", "ws://h/t"],
            tcp("h", 1883),
            Security::Plain,
            websocket.clone(),
        ),
        (
            vec!["-L", "wss://h/t"],
            tcp("h", 8883),
            os_certs(false),
            websocket.clone(),
        ),
        (
            vec!["-L", "mqtts://h/t"],
            tcp("h", 8883),
            os_certs(false),
            Framing::Raw,
        ),
        (
            vec!["-p", "8883"],
            tcp("localhost", 8883),
            os_certs(true),
            Framing::Raw,
        ),
        (
            vec!["--tls-use-os-certs"],
            tcp("localhost", 1883),
            os_certs(false),
            Framing::Raw,
        ),
        (
            vec!["--insecure"],
            tcp("localhost", 1883),
            Security::Plain,
            Framing::Raw,
        ),
        (
            vec![
                "--cafile",
                ca_str,
                "--insecure",
                "--tls-version",
                "TLSv1.3",
                "--ciphers",
                "c",
                "--tls-alpn",
                "mqtt",
            ],
            tcp("localhost", 8883),
            Security::Tls(TlsOptions {
                cafile: Some(ca.clone()),
                insecure: true,
                version: Some("tlsv1.3".into()),
                ciphers: Some("c".into()),
                alpn: Some("mqtt".into()),
                ..TlsOptions::default()
            }),
            Framing::Raw,
        ),
        (
            vec![
                "--capath",
                "/etc/ssl/certs",
                "-p",
                "1884",
                "--tls-keylog",
                "/tmp/k",
            ],
            tcp("localhost", 1884),
            Security::Tls(TlsOptions {
                capath: Some("/etc/ssl/certs".into()),
                keylog: Some("/tmp/k".into()),
                ..TlsOptions::default()
            }),
            Framing::Raw,
        ),
        (
            vec!["--psk", "0a1", "--psk-identity", "me", "--ciphers", "PSK"],
            tcp("localhost", 8883),
            Security::Psk(PskOptions {
                key: vec![0x00, 0xa1],
                identity: "me".into(),
                ciphers: Some("PSK".into()),
            }),
            Framing::Raw,
        ),
        (
            vec!["--cafile", ca_str, "--no-tls"],
            tcp("localhost", 8883),
            Security::Plain,
            Framing::Raw,
        ),
    ];
    for (args, address, security, framing) in cases {
        let config = config(&args);
        assert_eq!(config.address, address, "{args:?}");
        assert_eq!(config.security, security, "{args:?}");
        assert_eq!(config.framing, framing, "{args:?}");
    }
}

#[test]
fn versions_and_sessions() {
    // (args, version, clean start, session expiry, client id)
    type Case<'a> = (&'a [&'a str], MqttVersion, bool, Option<u32>, &'a str);
    let cases: [Case; 11] = [
        (&["-V", "5"], MqttVersion::V5, true, None, ""),
        (&["-V", "mqttv311"], MqttVersion::V311, true, None, ""),
        (&["-V", "5", "-V", "311"], MqttVersion::V311, true, None, ""),
        (&["-V", "31", "-V", "5"], MqttVersion::V5, true, None, ""),
        (&["-x", "0"], MqttVersion::V5, true, None, ""),
        (&["-x", "30"], MqttVersion::V5, true, Some(30), ""),
        (
            &["-x", "30", "-V", "311"],
            MqttVersion::V311,
            true,
            None,
            "",
        ),
        (
            &["-V", "311", "-x", "30"],
            MqttVersion::V5,
            true,
            Some(30),
            "",
        ),
        (&["-c", "-i", "me"], MqttVersion::V311, false, None, "me"),
        (
            &["-c", "-i", "me", "-V", "5"],
            MqttVersion::V5,
            false,
            Some(u32::MAX),
            "me",
        ),
        (
            &["-c", "-I", "p-", "-x", "60"],
            MqttVersion::V5,
            false,
            Some(60),
            "p-4242",
        ),
    ];
    for (args, version, clean_start, expiry, id) in cases {
        let config = config(args);
        assert_eq!(config.version, version, "{args:?}");
        assert_eq!(config.clean_start, clean_start, "{args:?}");
        assert_eq!(config.session_expiry, expiry, "{args:?}");
        assert_eq!(config.client_id, id, "{args:?}");
    }
}

#[test]
fn properties_need_mqtt5() {
    let with = config(&["-D", "publish", "content-type", "text/plain"]);
    assert_eq!(with.version, MqttVersion::V5);
    let publish = with.properties.publish.unwrap();
    assert_eq!(publish.content_type.as_deref(), Some("text/plain"));

    // Later -V 311 wins: publish, subscribe... properties are then not sent.
    let without = config(&["-D", "publish", "content-type", "x", "-V", "311"]);
    assert_eq!(without.version, MqttVersion::V311);
    assert_eq!(without.properties, Properties::default());
}

#[test]
fn will_and_plain_settings() {
    let config = config(&[
        "--will-topic",
        "status/me",
        "--will-payload",
        "gone",
        "--will-qos",
        "1",
        "--will-retain",
        "-k",
        "30",
        "-M",
        "5",
        "-A",
        "127.0.0.1",
        "--nodelay",
        "-d",
        "--proxy",
        "socks5h://p:1",
    ]);
    assert_eq!(
        config.will,
        Some(Will {
            topic: "status/me".into(),
            payload: bytes::Bytes::from_static(b"gone"),
            qos: Qos::AtLeastOnce,
            retain: true,
        })
    );
    assert_eq!(config.keepalive, 30);
    assert_eq!(config.max_inflight, Some(5));
    assert_eq!(config.bind_address.as_deref(), Some("127.0.0.1"));
    assert!(config.nodelay);
    assert!(config.debug);
    assert_eq!(
        config.proxy,
        Some(Proxy {
            host: "p".into(),
            port: 1,
            remote_dns: true,
            username: None,
            password: None,
        })
    );
    let bare = self::config(&["--will-topic", "w"]).will.unwrap();
    assert_eq!(
        (bare.payload.len(), bare.qos, bare.retain),
        (0, Qos::AtMostOnce, false)
    );
}

#[test]
fn url_topics_in_order() {
    let argv = ["p", "-L", "mqtt://h/one", "-L", "mqtt://h/two"]
        .map(OsString::from)
        .to_vec();
    let Ok(Parsed::Run(line)) = command_line::parse::<TestCli>(Tool::Sub, argv, &env()) else {
        panic!("not a run");
    };
    let draft = connection(&line.cli.common, &line.order, Tool::Sub, &env()).unwrap();
    assert_eq!(draft.url_topics(), ["one", "two"]);
    assert_eq!(draft.version(), MqttVersion::V311);
    assert!(!draft.quiet());
}

#[test]
fn psk_decoding() {
    let cases: [(&str, Option<Vec<u8>>); 6] = [
        ("", Some(vec![])),
        ("00", Some(vec![0])),
        ("aBcD", Some(vec![0xab, 0xcd])),
        ("123", Some(vec![0x01, 0x23])),
        ("0x12", None),
        ("g", None),
    ];
    for (hex, expected) in cases {
        assert_eq!(decode_psk(hex), expected, "{hex}");
    }
}

#[test]
fn errors_never_show_the_password() {
    let cases: [&[&str]; 4] = [
        &["-L", "mqtt://u:secret@h:99999/t"],
        &["-L", "mqtt://u:secret@h/a+"],
        &["-u", "\u{1}", "-P", "secret"],
        &["--proxy", "socks5://u:secret@h"],
    ];
    for args in cases {
        let err = error(Tool::Pub, args);
        assert!(!err.message().contains("secret"), "{args:?}: {err}");
    }
}

#[test]
fn receive_maximum_for_a_message_count() {
    // (args, count, announced receive maximum)
    let cases: [(&[&str], u32, Option<u16>); 5] = [
        (&["-V", "5"], 3, Some(3)),
        (&["-V", "5"], 19, Some(19)),
        (&["-V", "5"], 20, None),
        (&[], 3, None),
        (&["-D", "connect", "receive-maximum", "7"], 3, Some(7)),
    ];
    for (args, count, expected) in cases {
        let mut config = config(args);
        limit_receive_maximum(&mut config, count);
        let announced = config.properties.connect.and_then(|c| c.receive_maximum);
        assert_eq!(announced, expected, "{args:?} -C {count}");
    }
}

#[test]
fn reconnect_timeout_bounds_the_outage() {
    let cases: [(&[&str], Option<u64>); 4] = [
        (&[], None),
        (&["--reconnect-timeout", "30"], Some(30)),
        (&["--reconnect-timeout", "0"], Some(0)),
        (
            &["--reconnect-timeout", "5", "--reconnect-timeout", "7"],
            Some(7),
        ),
    ];
    for (args, expected) in cases {
        let policy = config(args).reconnect;
        assert_eq!(
            policy.give_up_after,
            expected.map(Duration::from_secs),
            "{args:?}"
        );
        assert_eq!(
            policy,
            ReconnectPolicy {
                give_up_after: policy.give_up_after,
                ..ReconnectPolicy::default()
            }
        );
    }
    assert_eq!(
        error(Tool::Sub, &["--reconnect-timeout"]).message(),
        "Error: --reconnect-timeout argument given but no timeout specified.\n\n"
    );
}
