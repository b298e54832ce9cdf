//! Choosing a test broker's listeners and limits before starting it.
//!
//! Rule: the plain anonymous TCP listener is always there; everything else is opt-in, so a test
//! states exactly what its broker offers.

use super::config::{ExtraKind, ExtraListener, Settings, TlsFiles};
use super::Broker;

/// Chooses what a [`Broker`] offers; [`BrokerBuilder::start`] launches it.
#[derive(Debug, Clone, Default)]
pub struct BrokerBuilder {
    settings: Settings,
}

impl BrokerBuilder {
    pub fn new() -> BrokerBuilder {
        BrokerBuilder::default()
    }

    /// Adds a user to the password listener (created with the first user); anonymous clients
    /// are refused there. See [`Broker::password_port`].
    pub fn password_user(mut self, name: &str, password: &str) -> Self {
        self.settings
            .password_users
            .push((name.to_string(), password.to_string()));
        self
    }

    /// Adds an anonymous unix-socket listener. See [`Broker::unix_path`].
    pub fn unix_socket(mut self) -> Self {
        self.settings.unix_socket = true;
        self
    }

    /// Adds an anonymous websockets listener. See [`Broker::ws_port`].
    pub fn websockets(mut self) -> Self {
        self.settings.websockets = true;
        self
    }

    /// Keeps sessions and queued messages on disk across [`Broker::stop`]/[`Broker::start`],
    /// saved every second, so they survive [`Broker::kill`] too after a second.
    pub fn persistence(mut self) -> Self {
        self.settings.persistence = true;
        self
    }

    /// `max_inflight_messages`: QoS 1/2 messages in flight per client.
    pub fn max_inflight_messages(mut self, count: u32) -> Self {
        self.settings.max_inflight_messages = Some(count);
        self
    }

    /// `max_queued_messages`: messages queued per client beyond those in flight.
    pub fn max_queued_messages(mut self, count: u32) -> Self {
        self.settings.max_queued_messages = Some(count);
        self
    }

    /// `max_packet_size`: the largest packet the broker accepts, in bytes.
    pub fn max_packet_size(mut self, bytes: u32) -> Self {
        self.settings.max_packet_size = Some(bytes);
        self
    }

    /// A raw line for the global section of mosquitto.conf (before any listener).
    pub fn config_line(mut self, line: &str) -> Self {
        self.settings.global_lines.push(line.to_string());
        self
    }

    /// A raw line under the plain anonymous listener (e.g. `max_qos 1`, `acl_file ...`).
    pub fn plain_listener_line(mut self, line: &str) -> Self {
        self.settings.plain_listener_lines.push(line.to_string());
        self
    }

    /// A further anonymous TCP listener known as `name`, with these raw lines under it (an
    /// `allow_anonymous false` among them wins). See [`Broker::listener_port`].
    pub fn listener(self, name: &str, lines: &[&str]) -> Self {
        let lines = lines.iter().map(|line| line.to_string()).collect();
        self.extra(name, ExtraKind::Raw(lines))
    }

    /// A further TCP listener known as `name` that speaks TLS with the caller's files.
    pub fn tls_listener(self, name: &str, files: TlsFiles) -> Self {
        self.extra(name, ExtraKind::Tls(files))
    }

    /// A further TCP listener known as `name` that speaks TLS-PSK; `keys` are
    /// (identity, hex key) pairs, as given to `mosquitto_pub --psk-identity ID --psk KEY`.
    pub fn psk_listener(self, name: &str, hint: &str, keys: &[(&str, &str)]) -> Self {
        let keys = keys
            .iter()
            .map(|(identity, key)| (identity.to_string(), key.to_string()))
            .collect();
        let hint = hint.to_string();
        self.extra(name, ExtraKind::Psk { hint, keys })
    }

    /// Starts the broker and waits until every listener accepts connections.
    ///
    /// Panics with the reason (missing package, broker log) if it cannot (test code).
    pub fn start(&self) -> Broker {
        match self.try_start() {
            Ok(broker) => broker,
            Err(message) => panic!("{message}"),
        }
    }

    /// Like [`BrokerBuilder::start`], but returns the reason instead of panicking.
    pub fn try_start(&self) -> Result<Broker, String> {
        Broker::launch_new(self.settings.clone())
    }

    fn extra(mut self, name: &str, kind: ExtraKind) -> Self {
        if self.settings.extra_listeners.iter().any(|l| l.name == name) {
            panic!("a listener named {name:?} was already added");
        }
        self.settings.extra_listeners.push(ExtraListener {
            name: name.to_string(),
            kind,
        });
        self
    }

    #[cfg(test)]
    pub(crate) fn settings(&self) -> &Settings {
        &self.settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_choice_lands_in_the_settings() {
        let built = BrokerBuilder::new()
            .password_user("alice", "secret")
            .password_user("bob", "pw")
            .unix_socket()
            .websockets()
            .persistence()
            .max_inflight_messages(1)
            .max_queued_messages(2)
            .max_packet_size(3)
            .config_line("global")
            .plain_listener_line("plain")
            .listener("raw", &["a", "b"])
            .psk_listener("psk", "hint", &[("id", "beef")]);
        let expected = Settings {
            password_users: vec![
                ("alice".into(), "secret".into()),
                ("bob".into(), "pw".into()),
            ],
            unix_socket: true,
            websockets: true,
            persistence: true,
            max_inflight_messages: Some(1),
            max_queued_messages: Some(2),
            max_packet_size: Some(3),
            global_lines: vec!["global".into()],
            plain_listener_lines: vec!["plain".into()],
            extra_listeners: vec![
                ExtraListener {
                    name: "raw".into(),
                    kind: ExtraKind::Raw(vec!["a".into(), "b".into()]),
                },
                ExtraListener {
                    name: "psk".into(),
                    kind: ExtraKind::Psk {
                        hint: "hint".into(),
                        keys: vec![("id".into(), "beef".into())],
                    },
                },
            ],
        };
        assert_eq!(built.settings(), &expected);
    }

    #[test]
    fn the_default_is_a_plain_listener_only() {
        assert_eq!(BrokerBuilder::new().settings(), &Settings::default());
    }

    #[test]
    #[should_panic(expected = "a listener named \"x\" was already added")]
    fn listener_names_are_unique() {
        let _ = BrokerBuilder::new().listener("x", &[]).listener("x", &[]);
    }
}
