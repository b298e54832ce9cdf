//! Temporary minimal parser (replaced by the full one).
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use mqtt_cli_common::config::*;
use mqtt_cli_common::properties::Properties;

#[derive(Debug)]
pub enum PayloadSource {
    Message(Bytes),
    Null,
    File(PathBuf),
    Stdin,
    Lines,
}

#[derive(Debug)]
pub struct PubConfig {
    pub connection: ConnectionConfig,
    pub topic: String,
    pub qos: Qos,
    pub retain: bool,
    pub source: PayloadSource,
    pub repeat_count: u32,
    pub repeat_delay: Duration,
}

pub fn parse(args: Vec<OsString>) -> Result<PubConfig, String> {
    let args: Vec<String> = args
        .into_iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut c = ConnectionConfig {
        address: Address::Tcp {
            host: "localhost".into(),
            port: 1883,
        },
        bind_address: None,
        nodelay: false,
        security: Security::Plain,
        framing: Framing::Raw,
        proxy: None,
        version: MqttVersion::V311,
        client_id: format!("mqpub_{}", std::process::id()),
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
    };
    let mut cfg = PubConfig {
        connection: c.clone(),
        topic: String::new(),
        qos: Qos::AtMostOnce,
        retain: false,
        source: PayloadSource::Null,
        repeat_count: 1,
        repeat_delay: Duration::ZERO,
    };
    let mut i = 0;
    let mut port = 1883;
    let mut host = "localhost".to_string();
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "-h" => {
                host = v;
                i += 1
            }
            "-p" => {
                port = v.parse().map_err(|_| "bad port")?;
                i += 1
            }
            "-t" => {
                cfg.topic = v;
                i += 1
            }
            "-m" => {
                cfg.source = PayloadSource::Message(Bytes::from(v));
                i += 1
            }
            "-f" => {
                cfg.source = PayloadSource::File(v.into());
                i += 1
            }
            "-q" => {
                cfg.qos = Qos::from_u8(v.parse().map_err(|_| "bad qos")?).ok_or("bad qos")?;
                i += 1
            }
            "-M" => {
                c.max_inflight = Some(v.parse().map_err(|_| "bad M")?);
                i += 1
            }
            "-i" => {
                c.client_id = v;
                i += 1
            }
            "-k" => {
                c.keepalive = v.parse().map_err(|_| "bad k")?;
                i += 1
            }
            "--repeat" => {
                cfg.repeat_count = v.parse().map_err(|_| "bad")?;
                i += 1
            }
            "-V" => {
                c.version = if v == "5" {
                    MqttVersion::V5
                } else {
                    MqttVersion::V311
                };
                i += 1
            }
            "-u" => {
                c.username = Some(v);
                i += 1
            }
            "-P" => {
                c.password = Some(v);
                i += 1
            }
            "-l" => cfg.source = PayloadSource::Lines,
            "-s" => cfg.source = PayloadSource::Stdin,
            "-n" => cfg.source = PayloadSource::Null,
            "-c" => c.clean_start = false,
            "-r" => cfg.retain = true,
            "-d" => c.debug = true,
            "--quiet" => c.quiet = true,
            o => return Err(format!("Error: Unknown option '{o}'.")),
        }
        i += 1;
    }
    c.address = Address::Tcp { host, port };
    cfg.connection = c;
    Ok(cfg)
}
