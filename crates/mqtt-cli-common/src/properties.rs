//! MQTT 5 properties given with `-D command identifier value`, kept per command as rumqttc's
//! own property types so the engine can put them on the wire unchanged.
//!
//! Rules, all taken from mosquitto 2.1's clients:
//! - Command and property names match without regard to case; error texts repeat them as typed.
//! - A property is accepted for a command only where MQTT 5 allows it ([`PropertyId::allowed_in`]);
//!   of the commands, only connect, publish, subscribe, unsubscribe, disconnect and will can carry
//!   `-D` properties, and publish cannot carry subscription-identifier.
//! - Numbers are read the way C's `atol` reads them (leading blanks, optional sign, digits up to
//!   the first non-digit, nothing readable is 0), then range-checked for their wire type.
//! - Some mistakes mosquitto only notices when it is about to send a command's list: a byte flag
//!   above 1, a receive-maximum, topic-alias or maximum-packet-size of 0, a response-topic that
//!   is no valid topic name, and a property given twice (user-property may repeat). Those values
//!   are accepted here and reported later by [`Properties::fault`], so the engine can fail at the
//!   same moment, with the same words, as mosquitto does.
//! - rumqttc's will properties have no room for reason-string (which MQTT 5 does not allow in a
//!   will anyway, though mosquitto sends it); that pair is refused as "not supported".
//!
//! Errors come back as the exact text mosquitto writes to stderr, newlines included; mosquitto
//! then adds its "Use '... --help' to see usage." hint and exits with 1.

use bytes::Bytes;
use rumqttc::v5::mqttbytes::v5::{
    ConnectProperties, DisconnectProperties, LastWillProperties, PublishProperties,
    SubscribeProperties, UnsubscribeProperties,
};

use crate::reason::mosq_err;

/// What mosquitto prints when `-D` is not followed by enough words (three, or four for
/// user-property).
pub const NOT_ENOUGH_ARGUMENTS: &str =
    "Error: --property argument given but not enough arguments specified.\n\n";

/// The largest value a variable byte integer can hold on the wire.
const MAX_VARIABLE_BYTE_INTEGER: u32 = 268_435_455;

/// The longest string or binary value the two-byte length prefix can describe.
const MAX_FIELD_LENGTH: usize = 65_535;

/// The most `/` separators mosquitto allows in a topic name.
const TOPIC_HIERARCHY_LIMIT: usize = 200;

/// The `-D` properties, one set per MQTT command; `None` where none were given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Properties {
    pub connect: Option<ConnectProperties>,
    pub publish: Option<PublishProperties>,
    pub will: Option<LastWillProperties>,
    pub subscribe: Option<SubscribeProperties>,
    pub unsubscribe: Option<UnsubscribeProperties>,
    pub disconnect: Option<DisconnectProperties>,
    /// Every property added, in order, with what the send-time check will think of it. rumqttc's
    /// types keep one value per property and no order, which is not enough to tell which fault
    /// mosquitto would report first.
    pub given: Vec<GivenProperty>,
}

/// One property of a command's list as libmosquitto's send-time check sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GivenProperty {
    pub command: PropertyCommand,
    pub id: PropertyId,
    /// `false` when the value fails the check made just before the list is sent.
    pub value_ok: bool,
}

/// Why libmosquitto refuses to send a command's property list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFault {
    /// A value MQTT 5 forbids (`MOSQ_ERR_PROTOCOL`).
    Protocol,
    /// A property that may appear once appears twice (`MOSQ_ERR_DUPLICATE_PROPERTY`).
    Duplicate,
}

impl ListFault {
    /// The libmosquitto code mosquitto's clients report for this fault.
    pub fn code(self) -> i32 {
        match self {
            ListFault::Protocol => mosq_err::PROTOCOL,
            ListFault::Duplicate => mosq_err::DUPLICATE_PROPERTY,
        }
    }
}

/// The command a `-D` names. Besides the MQTT packets, "will" stands for the will message's
/// properties inside CONNECT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PropertyCommand {
    Connect,
    Connack,
    Publish,
    Puback,
    Pubrec,
    Pubrel,
    Pubcomp,
    Subscribe,
    Suback,
    Unsubscribe,
    Unsuback,
    Disconnect,
    Auth,
    Will,
}

/// Every command name mosquitto accepts after `-D`.
const COMMAND_NAMES: [(PropertyCommand, &str); 14] = [
    (PropertyCommand::Connect, "connect"),
    (PropertyCommand::Connack, "connack"),
    (PropertyCommand::Publish, "publish"),
    (PropertyCommand::Puback, "puback"),
    (PropertyCommand::Pubrec, "pubrec"),
    (PropertyCommand::Pubrel, "pubrel"),
    (PropertyCommand::Pubcomp, "pubcomp"),
    (PropertyCommand::Subscribe, "subscribe"),
    (PropertyCommand::Suback, "suback"),
    (PropertyCommand::Unsubscribe, "unsubscribe"),
    (PropertyCommand::Unsuback, "unsuback"),
    (PropertyCommand::Disconnect, "disconnect"),
    (PropertyCommand::Auth, "auth"),
    (PropertyCommand::Will, "will"),
];

impl PropertyCommand {
    /// The command with this name, ignoring case.
    pub fn from_name(name: &str) -> Option<PropertyCommand> {
        COMMAND_NAMES
            .iter()
            .find(|(_, known)| known.eq_ignore_ascii_case(name))
            .map(|(command, _)| *command)
    }

    /// The command's name in lower case.
    pub fn name(self) -> &'static str {
        COMMAND_NAMES
            .iter()
            .find(|(command, _)| *command == self)
            .map_or("", |(_, name)| name)
    }
}

/// An MQTT 5 property, numbered as on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum PropertyId {
    PayloadFormatIndicator = 1,
    MessageExpiryInterval = 2,
    ContentType = 3,
    ResponseTopic = 8,
    CorrelationData = 9,
    SubscriptionIdentifier = 11,
    SessionExpiryInterval = 17,
    AssignedClientIdentifier = 18,
    ServerKeepAlive = 19,
    AuthenticationMethod = 21,
    AuthenticationData = 22,
    RequestProblemInformation = 23,
    WillDelayInterval = 24,
    RequestResponseInformation = 25,
    ResponseInformation = 26,
    ServerReference = 28,
    ReasonString = 31,
    ReceiveMaximum = 33,
    TopicAliasMaximum = 34,
    TopicAlias = 35,
    MaximumQos = 36,
    RetainAvailable = 37,
    UserProperty = 38,
    MaximumPacketSize = 39,
    WildcardSubscriptionAvailable = 40,
    SubscriptionIdentifierAvailable = 41,
    SharedSubscriptionAvailable = 42,
}

/// How a property's value is encoded, numbered as libmosquitto numbers the types (the number
/// shows in its "Error adding property" message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ValueType {
    Byte = 1,
    TwoByteInteger = 2,
    FourByteInteger = 3,
    VariableByteInteger = 4,
    BinaryData = 5,
    String = 6,
    StringPair = 7,
}

/// Every property's name (as mosquitto spells it) and value type.
#[rustfmt::skip]
const PROPERTY_TABLE: [(PropertyId, &str, ValueType); 27] = [
    (PropertyId::PayloadFormatIndicator,          "payload-format-indicator",          ValueType::Byte),
    (PropertyId::MessageExpiryInterval,           "message-expiry-interval",           ValueType::FourByteInteger),
    (PropertyId::ContentType,                     "content-type",                      ValueType::String),
    (PropertyId::ResponseTopic,                   "response-topic",                    ValueType::String),
    (PropertyId::CorrelationData,                 "correlation-data",                  ValueType::BinaryData),
    (PropertyId::SubscriptionIdentifier,          "subscription-identifier",           ValueType::VariableByteInteger),
    (PropertyId::SessionExpiryInterval,           "session-expiry-interval",           ValueType::FourByteInteger),
    (PropertyId::AssignedClientIdentifier,        "assigned-client-identifier",        ValueType::String),
    (PropertyId::ServerKeepAlive,                 "server-keep-alive",                 ValueType::TwoByteInteger),
    (PropertyId::AuthenticationMethod,            "authentication-method",             ValueType::String),
    (PropertyId::AuthenticationData,              "authentication-data",               ValueType::BinaryData),
    (PropertyId::RequestProblemInformation,       "request-problem-information",       ValueType::Byte),
    (PropertyId::WillDelayInterval,               "will-delay-interval",               ValueType::FourByteInteger),
    (PropertyId::RequestResponseInformation,      "request-response-information",      ValueType::Byte),
    (PropertyId::ResponseInformation,             "response-information",              ValueType::String),
    (PropertyId::ServerReference,                 "server-reference",                  ValueType::String),
    (PropertyId::ReasonString,                    "reason-string",                     ValueType::String),
    (PropertyId::ReceiveMaximum,                  "receive-maximum",                   ValueType::TwoByteInteger),
    (PropertyId::TopicAliasMaximum,               "topic-alias-maximum",               ValueType::TwoByteInteger),
    (PropertyId::TopicAlias,                      "topic-alias",                       ValueType::TwoByteInteger),
    (PropertyId::MaximumQos,                      "maximum-qos",                       ValueType::Byte),
    (PropertyId::RetainAvailable,                 "retain-available",                  ValueType::Byte),
    (PropertyId::UserProperty,                    "user-property",                     ValueType::StringPair),
    (PropertyId::MaximumPacketSize,               "maximum-packet-size",               ValueType::FourByteInteger),
    (PropertyId::WildcardSubscriptionAvailable,   "wildcard-subscription-available",   ValueType::Byte),
    (PropertyId::SubscriptionIdentifierAvailable, "subscription-identifier-available", ValueType::Byte),
    (PropertyId::SharedSubscriptionAvailable,     "shared-subscription-available",     ValueType::Byte),
];

impl PropertyId {
    /// The property with this name, ignoring case.
    pub fn from_name(name: &str) -> Option<PropertyId> {
        PROPERTY_TABLE
            .iter()
            .find(|(_, known, _)| known.eq_ignore_ascii_case(name))
            .map(|(id, _, _)| *id)
    }

    /// The property's name in lower case.
    pub fn name(self) -> &'static str {
        self.entry().map_or("", |(_, name, _)| name)
    }

    /// How the property's value is encoded.
    pub fn value_type(self) -> ValueType {
        self.entry()
            .map_or(ValueType::Byte, |(_, _, value_type)| *value_type)
    }

    fn entry(self) -> Option<&'static (PropertyId, &'static str, ValueType)> {
        PROPERTY_TABLE.iter().find(|(id, _, _)| *id == self)
    }

    /// Whether MQTT 5 (as libmosquitto reads it) allows this property in `command`.
    pub fn allowed_in(self, command: PropertyCommand) -> bool {
        use PropertyCommand as C;
        use PropertyId as P;
        match self {
            P::PayloadFormatIndicator
            | P::MessageExpiryInterval
            | P::ContentType
            | P::ResponseTopic
            | P::CorrelationData => matches!(command, C::Publish | C::Will),
            P::SubscriptionIdentifier => matches!(command, C::Publish | C::Subscribe),
            P::SessionExpiryInterval => {
                matches!(command, C::Connect | C::Connack | C::Disconnect)
            }
            P::AuthenticationMethod | P::AuthenticationData => {
                matches!(command, C::Connect | C::Connack | C::Auth)
            }
            P::AssignedClientIdentifier
            | P::ServerKeepAlive
            | P::ResponseInformation
            | P::MaximumQos
            | P::RetainAvailable
            | P::WildcardSubscriptionAvailable
            | P::SubscriptionIdentifierAvailable
            | P::SharedSubscriptionAvailable => command == C::Connack,
            P::WillDelayInterval => command == C::Will,
            P::RequestProblemInformation | P::RequestResponseInformation => command == C::Connect,
            P::ServerReference => matches!(command, C::Connack | C::Disconnect),
            P::ReasonString => !matches!(
                command,
                C::Connect | C::Publish | C::Subscribe | C::Unsubscribe
            ),
            P::ReceiveMaximum | P::TopicAliasMaximum | P::MaximumPacketSize => {
                matches!(command, C::Connect | C::Connack)
            }
            P::TopicAlias => command == C::Publish,
            P::UserProperty => true,
        }
    }
}

/// A parsed `-D` value, typed for the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Byte(u8),
    TwoByte(u16),
    FourByte(u32),
    Variable(u32),
    Binary(Bytes),
    Text(String),
    Pair(String, String),
}

impl Properties {
    /// How many words follow the property name of a `-D`: two (name and value) for
    /// user-property, one for everything else. Lets an argument scanner take the right number
    /// of words before calling [`Properties::add`].
    pub fn values_after_name(identifier: &str) -> usize {
        if PropertyId::from_name(identifier) == Some(PropertyId::UserProperty) {
            2
        } else {
            1
        }
    }

    /// Adds one `-D command identifier value`. For user-property, `value` is the property's name
    /// and `extra` its value (`None` when the command line ran out); other properties ignore
    /// `extra`. On error `self` is unchanged and the text is what mosquitto prints; an empty text
    /// means mosquitto prints nothing of its own (the "connack" command).
    pub fn add(
        &mut self,
        command: &str,
        identifier: &str,
        value: &str,
        extra: Option<&str>,
    ) -> Result<(), String> {
        let cmd = PropertyCommand::from_name(command).ok_or_else(|| {
            format!("Error: Invalid command {command} given in --property argument.\n\n")
        })?;
        let id = PropertyId::from_name(identifier).ok_or_else(|| {
            format!("Error: Invalid property name {identifier} given in --property argument.\n\n")
        })?;
        if !id.allowed_in(cmd) {
            return Err(format!(
                "Error: {identifier} property not allowed for {command} in --property argument.\n\n"
            ));
        }
        let (key, value) = match (id, extra) {
            (PropertyId::UserProperty, Some(pair_value)) => (value, pair_value),
            (PropertyId::UserProperty, None) => return Err(NOT_ENOUGH_ARGUMENTS.to_string()),
            _ => ("", value),
        };
        let not_supported = || {
            format!(
                "Error: {identifier} property not supported for {command} in --property argument.\n\n"
            )
        };
        match cmd {
            // mosquitto knows the name but has nowhere to put the properties, and says nothing.
            PropertyCommand::Connack => return Err(String::new()),
            PropertyCommand::Puback
            | PropertyCommand::Pubrec
            | PropertyCommand::Pubrel
            | PropertyCommand::Pubcomp
            | PropertyCommand::Suback
            | PropertyCommand::Unsuback
            | PropertyCommand::Auth => return Err(not_supported()),
            PropertyCommand::Publish if id == PropertyId::SubscriptionIdentifier => {
                return Err(not_supported())
            }
            _ => {}
        }
        let parsed = parse_value(id, identifier, key, value)?;
        let value_ok = passes_send_check(id, &parsed);
        if !self.store(cmd, id, parsed) {
            return Err(not_supported());
        }
        self.given.push(GivenProperty {
            command: cmd,
            id,
            value_ok,
        });
        Ok(())
    }

    /// Notes that the session expiry interval from `-x` (or implied by `-c` under MQTT 5) joins
    /// the CONNECT list after the `-D` properties, as libmosquitto appends it, so that
    /// [`Properties::fault`] sees a clash with `-D connect session-expiry-interval`. The value
    /// itself stays with the connection settings.
    pub fn record_session_expiry_option(&mut self) {
        self.given.push(GivenProperty {
            command: PropertyCommand::Connect,
            id: PropertyId::SessionExpiryInterval,
            value_ok: true,
        });
    }

    /// Whether no `-D` property was given for any command.
    pub fn is_empty(&self) -> bool {
        self.connect.is_none()
            && self.publish.is_none()
            && self.will.is_none()
            && self.subscribe.is_none()
            && self.unsubscribe.is_none()
            && self.disconnect.is_none()
    }

    /// What libmosquitto would find wrong with `command`'s list just before sending it, if
    /// anything. Like libmosquitto it walks the list in order and reports the first property
    /// that has a bad value or reappears later.
    pub fn fault(&self, command: PropertyCommand) -> Option<ListFault> {
        let list: Vec<&GivenProperty> = self
            .given
            .iter()
            .filter(|given| given.command == command)
            .collect();
        list.iter().enumerate().find_map(|(index, given)| {
            if !given.value_ok {
                Some(ListFault::Protocol)
            } else if given.id != PropertyId::UserProperty
                && list[index + 1..].iter().any(|later| later.id == given.id)
            {
                Some(ListFault::Duplicate)
            } else {
                None
            }
        })
    }

    /// Puts the value into rumqttc's properties for `command`; `false` when rumqttc has no
    /// field for the pair.
    fn store(&mut self, command: PropertyCommand, id: PropertyId, value: Value) -> bool {
        use PropertyId as P;
        use Value as V;
        match command {
            PropertyCommand::Connect => update(&mut self.connect, ConnectProperties::new, |p| {
                match (id, value) {
                    (P::SessionExpiryInterval, V::FourByte(n)) => {
                        p.session_expiry_interval = Some(n)
                    }
                    (P::ReceiveMaximum, V::TwoByte(n)) => p.receive_maximum = Some(n),
                    (P::MaximumPacketSize, V::FourByte(n)) => p.max_packet_size = Some(n),
                    (P::TopicAliasMaximum, V::TwoByte(n)) => p.topic_alias_max = Some(n),
                    (P::RequestResponseInformation, V::Byte(n)) => {
                        p.request_response_info = Some(n)
                    }
                    (P::RequestProblemInformation, V::Byte(n)) => p.request_problem_info = Some(n),
                    (P::AuthenticationMethod, V::Text(s)) => p.authentication_method = Some(s),
                    (P::AuthenticationData, V::Binary(b)) => p.authentication_data = Some(b),
                    (P::UserProperty, V::Pair(k, v)) => p.user_properties.push((k, v)),
                    _ => return false,
                }
                true
            }),
            PropertyCommand::Publish => {
                update(&mut self.publish, PublishProperties::default, |p| {
                    match (id, value) {
                        (P::PayloadFormatIndicator, V::Byte(n)) => {
                            p.payload_format_indicator = Some(n)
                        }
                        (P::MessageExpiryInterval, V::FourByte(n)) => {
                            p.message_expiry_interval = Some(n)
                        }
                        (P::TopicAlias, V::TwoByte(n)) => p.topic_alias = Some(n),
                        (P::ResponseTopic, V::Text(s)) => p.response_topic = Some(s),
                        (P::CorrelationData, V::Binary(b)) => p.correlation_data = Some(b),
                        (P::ContentType, V::Text(s)) => p.content_type = Some(s),
                        (P::UserProperty, V::Pair(k, v)) => p.user_properties.push((k, v)),
                        _ => return false,
                    }
                    true
                })
            }
            PropertyCommand::Will => update(&mut self.will, empty_will_properties, |p| {
                match (id, value) {
                    (P::WillDelayInterval, V::FourByte(n)) => p.delay_interval = Some(n),
                    (P::PayloadFormatIndicator, V::Byte(n)) => p.payload_format_indicator = Some(n),
                    (P::MessageExpiryInterval, V::FourByte(n)) => {
                        p.message_expiry_interval = Some(n)
                    }
                    (P::ContentType, V::Text(s)) => p.content_type = Some(s),
                    (P::ResponseTopic, V::Text(s)) => p.response_topic = Some(s),
                    (P::CorrelationData, V::Binary(b)) => p.correlation_data = Some(b),
                    (P::UserProperty, V::Pair(k, v)) => p.user_properties.push((k, v)),
                    _ => return false,
                }
                true
            }),
            PropertyCommand::Subscribe => {
                update(&mut self.subscribe, empty_subscribe_properties, |p| {
                    match (id, value) {
                        (P::SubscriptionIdentifier, V::Variable(n)) => match usize::try_from(n) {
                            Ok(n) => p.id = Some(n),
                            Err(_) => return false,
                        },
                        (P::UserProperty, V::Pair(k, v)) => p.user_properties.push((k, v)),
                        _ => return false,
                    }
                    true
                })
            }
            PropertyCommand::Unsubscribe => {
                update(&mut self.unsubscribe, empty_unsubscribe_properties, |p| {
                    match (id, value) {
                        (P::UserProperty, V::Pair(k, v)) => p.user_properties.push((k, v)),
                        _ => return false,
                    }
                    true
                })
            }
            PropertyCommand::Disconnect => {
                update(&mut self.disconnect, empty_disconnect_properties, |p| {
                    match (id, value) {
                        (P::SessionExpiryInterval, V::FourByte(n)) => {
                            p.session_expiry_interval = Some(n)
                        }
                        (P::ReasonString, V::Text(s)) => p.reason_string = Some(s),
                        (P::ServerReference, V::Text(s)) => p.server_reference = Some(s),
                        (P::UserProperty, V::Pair(k, v)) => p.user_properties.push((k, v)),
                        _ => return false,
                    }
                    true
                })
            }
            _ => false,
        }
    }
}

/// Applies `apply` to a copy of the command's properties (a fresh, empty set when there are
/// none yet) and keeps the copy only if `apply` stored the value, so a refused property leaves
/// no empty set behind.
fn update<T: Clone>(
    slot: &mut Option<T>,
    empty: fn() -> T,
    apply: impl FnOnce(&mut T) -> bool,
) -> bool {
    let mut properties = slot.clone().unwrap_or_else(empty);
    let stored = apply(&mut properties);
    if stored {
        *slot = Some(properties);
    }
    stored
}

fn empty_will_properties() -> LastWillProperties {
    LastWillProperties {
        delay_interval: None,
        payload_format_indicator: None,
        message_expiry_interval: None,
        content_type: None,
        response_topic: None,
        correlation_data: None,
        user_properties: Vec::new(),
    }
}

fn empty_subscribe_properties() -> SubscribeProperties {
    SubscribeProperties {
        id: None,
        user_properties: Vec::new(),
    }
}

fn empty_unsubscribe_properties() -> UnsubscribeProperties {
    UnsubscribeProperties {
        user_properties: Vec::new(),
    }
}

fn empty_disconnect_properties() -> DisconnectProperties {
    DisconnectProperties {
        session_expiry_interval: None,
        reason_string: None,
        user_properties: Vec::new(),
        server_reference: None,
    }
}

/// Reads `value` (and `key`, for user-property) as `id`'s wire type, with mosquitto's range
/// checks and messages. `typed_name` is the property name as the user wrote it.
fn parse_value(id: PropertyId, typed_name: &str, key: &str, value: &str) -> Result<Value, String> {
    let value_type = id.value_type();
    // libmosquitto refuses these values only when adding them to the list; the message then
    // names the property and its type number.
    let cannot_add = || format!("Error adding property {typed_name} {}\n", value_type as u8);
    match value_type {
        ValueType::Byte => integer(typed_name, value).map(Value::Byte),
        ValueType::TwoByteInteger => integer(typed_name, value).map(Value::TwoByte),
        ValueType::FourByteInteger => integer(typed_name, value).map(Value::FourByte),
        ValueType::VariableByteInteger => {
            let number: u32 = integer(typed_name, value)?;
            if number > MAX_VARIABLE_BYTE_INTEGER {
                return Err(cannot_add());
            }
            Ok(Value::Variable(number))
        }
        ValueType::BinaryData => {
            if value.len() > MAX_FIELD_LENGTH {
                return Err(format!(
                    "Error: Property value too long for property {typed_name}.\n\n"
                ));
            }
            Ok(Value::Binary(Bytes::copy_from_slice(value.as_bytes())))
        }
        ValueType::String => {
            if !is_mqtt_string(value) {
                return Err(cannot_add());
            }
            Ok(Value::Text(value.to_string()))
        }
        ValueType::StringPair => {
            // mosquitto checks the characters of the name only; the value is sent as given.
            // Its length is still bounded, because a longer one cannot be encoded.
            if !is_mqtt_string(key) || value.len() > MAX_FIELD_LENGTH {
                return Err(cannot_add());
            }
            Ok(Value::Pair(key.to_string(), value.to_string()))
        }
    }
}

/// Reads `text` like `atol` and checks that the number fits `T`.
fn integer<T: TryFrom<i64>>(typed_name: &str, text: &str) -> Result<T, String> {
    let number = parse_like_atol(text);
    T::try_from(number).map_err(|_| {
        format!("Error: Property value ({number}) out of range for property {typed_name}.\n\n")
    })
}

/// The number at the start of `text` as C's `atol` (glibc's `strtol`) reads it: leading white
/// space skipped, an optional sign, then decimal digits up to the first other character.
/// No digits give 0; too many give `i64::MAX` or `i64::MIN`, which glibc returns on overflow.
fn parse_like_atol(text: &str) -> i64 {
    let rest = text.trim_start_matches([' ', '\t', '\n', '\u{0b}', '\u{0c}', '\r']);
    let (negative, digits) = match rest.as_bytes().first() {
        Some(b'-') => (true, &rest[1..]),
        Some(b'+') => (false, &rest[1..]),
        _ => (false, rest),
    };
    let mut number: i64 = 0;
    for byte in digits.bytes().take_while(u8::is_ascii_digit) {
        let digit = i64::from(byte - b'0');
        // Accumulating towards the sign keeps i64::MIN reachable.
        let next = number.checked_mul(10).and_then(|tens| {
            if negative {
                tens.checked_sub(digit)
            } else {
                tens.checked_add(digit)
            }
        });
        number = match next {
            Some(next) => next,
            None if negative => return i64::MIN,
            None => return i64::MAX,
        };
    }
    number
}

/// Whether `text` is an MQTT UTF-8 string by libmosquitto's rules: short enough for its length
/// prefix, and free of control characters and Unicode non-characters.
fn is_mqtt_string(text: &str) -> bool {
    text.len() <= MAX_FIELD_LENGTH
        && text.chars().all(|c| {
            let code = u32::from(c);
            let control = code <= 0x1f || (0x7f..=0x9f).contains(&code);
            let non_character = (0xfdd0..=0xfdef).contains(&code) || code & 0xfffe == 0xfffe;
            !control && !non_character
        })
}

/// Whether `id`'s value passes the check libmosquitto makes on a list just before sending it.
fn passes_send_check(id: PropertyId, value: &Value) -> bool {
    match (id, value) {
        // Every one-byte property is a flag or a QoS that MQTT 5 caps at 1.
        (_, Value::Byte(flag)) => *flag <= 1,
        (PropertyId::MaximumPacketSize, Value::FourByte(size)) => *size != 0,
        (PropertyId::ReceiveMaximum | PropertyId::TopicAlias, Value::TwoByte(number)) => {
            *number != 0
        }
        (PropertyId::ResponseTopic, Value::Text(topic)) => is_publish_topic(topic),
        _ => true,
    }
}

/// Whether `topic` may be published to: not empty, not too long, no wildcards, and no deeper
/// than mosquitto's hierarchy limit.
fn is_publish_topic(topic: &str) -> bool {
    !topic.is_empty()
        && topic.len() <= MAX_FIELD_LENGTH
        && !topic.contains(['+', '#'])
        && topic.matches('/').count() <= TOPIC_HIERARCHY_LIMIT
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every property: its name, wire number and libmosquitto type number.
    const NAMES: [(&str, u8, u8); 27] = [
        ("payload-format-indicator", 1, 1),
        ("message-expiry-interval", 2, 3),
        ("content-type", 3, 6),
        ("response-topic", 8, 6),
        ("correlation-data", 9, 5),
        ("subscription-identifier", 11, 4),
        ("session-expiry-interval", 17, 3),
        ("assigned-client-identifier", 18, 6),
        ("server-keep-alive", 19, 2),
        ("authentication-method", 21, 6),
        ("authentication-data", 22, 5),
        ("request-problem-information", 23, 1),
        ("will-delay-interval", 24, 3),
        ("request-response-information", 25, 1),
        ("response-information", 26, 6),
        ("server-reference", 28, 6),
        ("reason-string", 31, 6),
        ("receive-maximum", 33, 2),
        ("topic-alias-maximum", 34, 2),
        ("topic-alias", 35, 2),
        ("maximum-qos", 36, 1),
        ("retain-available", 37, 1),
        ("user-property", 38, 7),
        ("maximum-packet-size", 39, 3),
        ("wildcard-subscription-available", 40, 1),
        ("subscription-identifier-available", 41, 1),
        ("shared-subscription-available", 42, 1),
    ];

    const COMMANDS: [&str; 14] = [
        "connect",
        "connack",
        "publish",
        "puback",
        "pubrec",
        "pubrel",
        "pubcomp",
        "subscribe",
        "suback",
        "unsubscribe",
        "unsuback",
        "disconnect",
        "auth",
        "will",
    ];

    /// For every property, the commands MQTT 5 allows it in (from the specification's tables,
    /// with libmosquitto's reading of reason-string: everything but the four client requests).
    const ALLOWED: [(&str, &[&str]); 27] = [
        ("payload-format-indicator", &["publish", "will"]),
        ("message-expiry-interval", &["publish", "will"]),
        ("content-type", &["publish", "will"]),
        ("response-topic", &["publish", "will"]),
        ("correlation-data", &["publish", "will"]),
        ("subscription-identifier", &["publish", "subscribe"]),
        (
            "session-expiry-interval",
            &["connect", "connack", "disconnect"],
        ),
        ("assigned-client-identifier", &["connack"]),
        ("server-keep-alive", &["connack"]),
        ("authentication-method", &["connect", "connack", "auth"]),
        ("authentication-data", &["connect", "connack", "auth"]),
        ("request-problem-information", &["connect"]),
        ("will-delay-interval", &["will"]),
        ("request-response-information", &["connect"]),
        ("response-information", &["connack"]),
        ("server-reference", &["connack", "disconnect"]),
        (
            "reason-string",
            &[
                "connack",
                "puback",
                "pubrec",
                "pubrel",
                "pubcomp",
                "suback",
                "unsuback",
                "disconnect",
                "auth",
                "will",
            ],
        ),
        ("receive-maximum", &["connect", "connack"]),
        ("topic-alias-maximum", &["connect", "connack"]),
        ("topic-alias", &["publish"]),
        ("maximum-qos", &["connack"]),
        ("retain-available", &["connack"]),
        ("user-property", &COMMANDS),
        ("maximum-packet-size", &["connect", "connack"]),
        ("wildcard-subscription-available", &["connack"]),
        ("subscription-identifier-available", &["connack"]),
        ("shared-subscription-available", &["connack"]),
    ];

    /// A value that passes parsing and the send-time check for each type number.
    fn sample(type_number: u8) -> (&'static str, Option<&'static str>) {
        match type_number {
            7 => ("key", Some("value")),
            1..=4 => ("1", None),
            _ => ("text", None),
        }
    }

    fn added(args: &[(&str, &str, &str, Option<&str>)]) -> Result<Properties, String> {
        let mut properties = Properties::default();
        for (command, name, value, extra) in args {
            properties.add(command, name, value, *extra)?;
        }
        Ok(properties)
    }

    fn add_one(command: &str, name: &str, value: &str, extra: Option<&str>) -> Result<(), String> {
        added(&[(command, name, value, extra)]).map(|_| ())
    }

    #[test]
    fn property_names_numbers_and_types() {
        for (name, number, type_number) in NAMES {
            let id = PropertyId::from_name(name);
            assert_eq!(id.map(|id| id as u8), Some(number), "{name}");
            assert_eq!(id.map(|id| id.name()), Some(name));
            assert_eq!(
                id.map(|id| id.value_type() as u8),
                Some(type_number),
                "{name}"
            );
            let shouted = name.to_ascii_uppercase();
            assert_eq!(PropertyId::from_name(&shouted), id, "{shouted}");
        }
        for unknown in ["", "bogus", "user_property", "user-property ", "topic"] {
            assert_eq!(PropertyId::from_name(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn command_names() {
        for name in COMMANDS {
            let command = PropertyCommand::from_name(name);
            assert_eq!(command.map(|c| c.name()), Some(name));
            assert_eq!(
                PropertyCommand::from_name(&name.to_ascii_uppercase()),
                command
            );
        }
        for unknown in ["", "pingreq", "pingresp", "lastwill", "connect "] {
            assert_eq!(PropertyCommand::from_name(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn allowed_pairs_follow_mqtt5() {
        for (name, allowed) in ALLOWED {
            let Some(id) = PropertyId::from_name(name) else {
                panic!("unknown property {name}");
            };
            for command_name in COMMANDS {
                let Some(command) = PropertyCommand::from_name(command_name) else {
                    panic!("unknown command {command_name}");
                };
                assert_eq!(
                    id.allowed_in(command),
                    allowed.contains(&command_name),
                    "{name} in {command_name}"
                );
            }
        }
    }

    #[test]
    fn every_pair_through_add() {
        for (name, _, type_number) in NAMES {
            let (value, extra) = sample(type_number);
            let allowed = ALLOWED
                .iter()
                .find(|(known, _)| *known == name)
                .map_or(&[][..], |(_, commands)| *commands);
            for command in COMMANDS {
                let expected = if !allowed.contains(&command) {
                    Err(format!(
                        "Error: {name} property not allowed for {command} in --property argument.\n\n"
                    ))
                } else if command == "connack" {
                    Err(String::new())
                } else if matches!(
                    command,
                    "puback" | "pubrec" | "pubrel" | "pubcomp" | "suback" | "unsuback" | "auth"
                ) || (command, name) == ("publish", "subscription-identifier")
                    || (command, name) == ("will", "reason-string")
                {
                    Err(format!(
                        "Error: {name} property not supported for {command} in --property argument.\n\n"
                    ))
                } else {
                    Ok(())
                };
                assert_eq!(
                    add_one(command, name, value, extra),
                    expected,
                    "-D {command} {name}"
                );
            }
        }
    }

    type Check = fn(&Properties) -> bool;

    #[test]
    fn values_land_in_rumqttcs_fields() {
        let table: &[(&str, &str, &str, Option<&str>, Check)] = &[
            ("connect", "session-expiry-interval", "30", None, |p| {
                p.connect.as_ref().and_then(|c| c.session_expiry_interval) == Some(30)
            }),
            ("connect", "receive-maximum", "10", None, |p| {
                p.connect.as_ref().and_then(|c| c.receive_maximum) == Some(10)
            }),
            ("connect", "maximum-packet-size", "2000", None, |p| {
                p.connect.as_ref().and_then(|c| c.max_packet_size) == Some(2000)
            }),
            ("connect", "topic-alias-maximum", "5", None, |p| {
                p.connect.as_ref().and_then(|c| c.topic_alias_max) == Some(5)
            }),
            ("connect", "request-response-information", "1", None, |p| {
                p.connect.as_ref().and_then(|c| c.request_response_info) == Some(1)
            }),
            ("connect", "request-problem-information", "0", None, |p| {
                p.connect.as_ref().and_then(|c| c.request_problem_info) == Some(0)
            }),
            ("connect", "authentication-method", "SCRAM", None, |p| {
                p.connect
                    .as_ref()
                    .and_then(|c| c.authentication_method.as_deref())
                    == Some("SCRAM")
            }),
            ("connect", "authentication-data", "secret", None, |p| {
                p.connect
                    .as_ref()
                    .and_then(|c| c.authentication_data.as_deref())
                    == Some(&b"secret"[..])
            }),
            ("connect", "user-property", "k", Some("v"), |p| {
                p.connect.as_ref().map(|c| c.user_properties.clone())
                    == Some(vec![("k".into(), "v".into())])
            }),
            ("publish", "payload-format-indicator", "1", None, |p| {
                p.publish.as_ref().and_then(|c| c.payload_format_indicator) == Some(1)
            }),
            ("publish", "message-expiry-interval", "60", None, |p| {
                p.publish.as_ref().and_then(|c| c.message_expiry_interval) == Some(60)
            }),
            ("publish", "topic-alias", "3", None, |p| {
                p.publish.as_ref().and_then(|c| c.topic_alias) == Some(3)
            }),
            ("publish", "response-topic", "re/ply", None, |p| {
                p.publish.as_ref().and_then(|c| c.response_topic.as_deref()) == Some("re/ply")
            }),
            ("publish", "correlation-data", "id-1", None, |p| {
                p.publish
                    .as_ref()
                    .and_then(|c| c.correlation_data.as_deref())
                    == Some(&b"id-1"[..])
            }),
            ("publish", "content-type", "text/plain", None, |p| {
                p.publish.as_ref().and_then(|c| c.content_type.as_deref()) == Some("text/plain")
            }),
            ("publish", "user-property", "k", Some("v"), |p| {
                p.publish.as_ref().map(|c| c.user_properties.clone())
                    == Some(vec![("k".into(), "v".into())])
            }),
            ("will", "will-delay-interval", "9", None, |p| {
                p.will.as_ref().and_then(|c| c.delay_interval) == Some(9)
            }),
            ("will", "payload-format-indicator", "1", None, |p| {
                p.will.as_ref().and_then(|c| c.payload_format_indicator) == Some(1)
            }),
            ("will", "message-expiry-interval", "8", None, |p| {
                p.will.as_ref().and_then(|c| c.message_expiry_interval) == Some(8)
            }),
            ("will", "content-type", "json", None, |p| {
                p.will.as_ref().and_then(|c| c.content_type.as_deref()) == Some("json")
            }),
            ("will", "response-topic", "r", None, |p| {
                p.will.as_ref().and_then(|c| c.response_topic.as_deref()) == Some("r")
            }),
            ("will", "correlation-data", "c", None, |p| {
                p.will.as_ref().and_then(|c| c.correlation_data.as_deref()) == Some(&b"c"[..])
            }),
            ("will", "user-property", "k", Some("v"), |p| {
                p.will.as_ref().map(|c| c.user_properties.clone())
                    == Some(vec![("k".into(), "v".into())])
            }),
            (
                "subscribe",
                "subscription-identifier",
                "268435455",
                None,
                |p| p.subscribe.as_ref().and_then(|c| c.id) == Some(268_435_455),
            ),
            ("subscribe", "user-property", "k", Some("v"), |p| {
                p.subscribe.as_ref().map(|c| c.user_properties.clone())
                    == Some(vec![("k".into(), "v".into())])
            }),
            ("unsubscribe", "user-property", "k", Some("v"), |p| {
                p.unsubscribe.as_ref().map(|c| c.user_properties.clone())
                    == Some(vec![("k".into(), "v".into())])
            }),
            ("disconnect", "session-expiry-interval", "0", None, |p| {
                p.disconnect
                    .as_ref()
                    .and_then(|c| c.session_expiry_interval)
                    == Some(0)
            }),
            ("disconnect", "reason-string", "bye", None, |p| {
                p.disconnect
                    .as_ref()
                    .and_then(|c| c.reason_string.as_deref())
                    == Some("bye")
            }),
            ("disconnect", "server-reference", "elsewhere", None, |p| {
                p.disconnect
                    .as_ref()
                    .and_then(|c| c.server_reference.as_deref())
                    == Some("elsewhere")
            }),
            ("disconnect", "user-property", "k", Some("v"), |p| {
                p.disconnect.as_ref().map(|c| c.user_properties.clone())
                    == Some(vec![("k".into(), "v".into())])
            }),
        ];
        for (command, name, value, extra, check) in table {
            let properties = added(&[(command, name, value, *extra)]);
            assert!(
                properties.as_ref().is_ok_and(check),
                "-D {command} {name} {value}: {properties:?}"
            );
        }
    }

    #[test]
    fn user_properties_keep_order_and_repeat() {
        let properties = added(&[
            ("publish", "user-property", "a", Some("1")),
            ("publish", "user-property", "a", Some("2")),
            ("publish", "user-property", "", Some("")),
        ]);
        let pairs = properties
            .ok()
            .and_then(|p| p.publish)
            .map(|p| p.user_properties);
        let expected = [("a", "1"), ("a", "2"), ("", "")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .to_vec();
        assert_eq!(pairs, Some(expected));
    }

    #[test]
    fn numbers_read_like_atol() {
        let table: &[(&str, i64)] = &[
            ("0", 0),
            ("42", 42),
            ("+7", 7),
            ("-3", -3),
            (" \t\n\u{0b}\u{0c}\r12", 12),
            ("12abc", 12),
            ("1e3", 1),
            ("0x10", 0),
            ("abc", 0),
            ("", 0),
            ("-", 0),
            ("+-1", 0),
            (" - 1", 0),
            ("4294967296", 4_294_967_296),
            ("9223372036854775807", i64::MAX),
            ("9223372036854775808", i64::MAX),
            ("99999999999999999999999", i64::MAX),
            ("-9223372036854775808", i64::MIN),
            ("-99999999999999999999999", i64::MIN),
        ];
        for (text, number) in table {
            assert_eq!(parse_like_atol(text), *number, "{text:?}");
        }
    }

    #[test]
    fn number_ranges() {
        let out_of_range = |number: &str, name: &str| {
            Err(format!(
                "Error: Property value ({number}) out of range for property {name}.\n\n"
            ))
        };
        let table: &[(&str, &str, &str, Result<(), String>)] = &[
            ("publish", "payload-format-indicator", "255", Ok(())),
            (
                "publish",
                "payload-format-indicator",
                "256",
                out_of_range("256", "payload-format-indicator"),
            ),
            (
                "publish",
                "payload-format-indicator",
                "-1",
                out_of_range("-1", "payload-format-indicator"),
            ),
            ("publish", "topic-alias", "65535", Ok(())),
            (
                "publish",
                "topic-alias",
                "65536",
                out_of_range("65536", "topic-alias"),
            ),
            ("publish", "topic-alias", "abc", Ok(())),
            ("publish", "message-expiry-interval", "4294967295", Ok(())),
            (
                "publish",
                "message-expiry-interval",
                "4294967296",
                out_of_range("4294967296", "message-expiry-interval"),
            ),
            (
                "publish",
                "Message-Expiry-Interval",
                "99999999999999999999",
                out_of_range("9223372036854775807", "Message-Expiry-Interval"),
            ),
            (
                "connect",
                "receive-maximum",
                "-99999999999999999999",
                out_of_range("-9223372036854775808", "receive-maximum"),
            ),
            ("subscribe", "subscription-identifier", "0", Ok(())),
            ("subscribe", "subscription-identifier", "268435455", Ok(())),
            (
                "subscribe",
                "subscription-identifier",
                "268435456",
                Err("Error adding property subscription-identifier 4\n".into()),
            ),
            (
                "subscribe",
                "subscription-identifier",
                "4294967296",
                out_of_range("4294967296", "subscription-identifier"),
            ),
        ];
        for (command, name, value, expected) in table {
            assert_eq!(
                &add_one(command, name, value, None),
                expected,
                "-D {command} {name} {value}"
            );
        }
    }

    /// A `-D` and what `add` should answer.
    type Case<'a> = (
        &'a str,
        &'a str,
        &'a str,
        Option<&'a str>,
        Result<(), String>,
    );

    #[test]
    fn text_and_binary_values() {
        let long = "a".repeat(65_535);
        let too_long = "a".repeat(65_536);
        let table: Vec<Case> = vec![
            ("publish", "correlation-data", "", None, Ok(())),
            ("publish", "correlation-data", &long, None, Ok(())),
            (
                "publish",
                "correlation-data",
                &too_long,
                None,
                Err("Error: Property value too long for property correlation-data.\n\n".into()),
            ),
            ("publish", "content-type", "", None, Ok(())),
            (
                "publish",
                "content-type",
                "caf\u{e9} \u{1f600}",
                None,
                Ok(()),
            ),
            ("publish", "content-type", &long, None, Ok(())),
            (
                "publish",
                "content-type",
                &too_long,
                None,
                Err("Error adding property content-type 6\n".into()),
            ),
            (
                "publish",
                "Content-Type",
                "tab\there",
                None,
                Err("Error adding property Content-Type 6\n".into()),
            ),
            (
                "publish",
                "content-type",
                "del\u{7f}",
                None,
                Err("Error adding property content-type 6\n".into()),
            ),
            (
                "publish",
                "content-type",
                "c1\u{85}",
                None,
                Err("Error adding property content-type 6\n".into()),
            ),
            (
                "will",
                "response-topic",
                "\u{fdd0}",
                None,
                Err("Error adding property response-topic 6\n".into()),
            ),
            (
                "disconnect",
                "reason-string",
                "\u{fffe}",
                None,
                Err("Error adding property reason-string 6\n".into()),
            ),
            (
                "disconnect",
                "server-reference",
                "\u{1ffff}",
                None,
                Err("Error adding property server-reference 6\n".into()),
            ),
            ("disconnect", "server-reference", "\u{fdf0}", None, Ok(())),
            (
                "connect",
                "user-property",
                "bad\u{1}name",
                Some("v"),
                Err("Error adding property user-property 7\n".into()),
            ),
            // mosquitto does not look at the characters of a user property's value.
            ("connect", "user-property", "k", Some("ctl\u{1}"), Ok(())),
            ("connect", "user-property", "k", Some(&long), Ok(())),
            (
                "connect",
                "user-property",
                "k",
                Some(&too_long),
                Err("Error adding property user-property 7\n".into()),
            ),
        ];
        for (command, name, value, extra, expected) in table {
            assert_eq!(
                add_one(command, name, value, extra),
                expected,
                "-D {command} {name} {}",
                value.len()
            );
        }
    }

    #[test]
    fn checks_run_in_mosquittos_order() {
        let table: &[(&str, &str, Option<&str>, &str)] = &[
            (
                "bogus",
                "bogus",
                None,
                "Error: Invalid command bogus given in --property argument.\n\n",
            ),
            (
                "Connect",
                "Bogus",
                None,
                "Error: Invalid property name Bogus given in --property argument.\n\n",
            ),
            (
                "CONNECT",
                "Content-Type",
                None,
                "Error: Content-Type property not allowed for CONNECT in --property argument.\n\n",
            ),
            ("auth", "user-property", None, NOT_ENOUGH_ARGUMENTS),
            ("connack", "user-property", None, NOT_ENOUGH_ARGUMENTS),
            ("connect", "User-Property", None, NOT_ENOUGH_ARGUMENTS),
            (
                "Auth",
                "authentication-method",
                None,
                "Error: authentication-method property not supported for Auth in --property argument.\n\n",
            ),
            // The command is refused before the value is looked at.
            (
                "publish",
                "subscription-identifier",
                None,
                "Error: subscription-identifier property not supported for publish in --property argument.\n\n",
            ),
        ];
        for (command, name, extra, expected) in table {
            assert_eq!(
                add_one(command, name, "999999999999", *extra),
                Err(expected.to_string()),
                "-D {command} {name}"
            );
        }
    }

    #[test]
    fn extra_is_ignored_for_single_values() {
        let properties = added(&[("publish", "topic-alias", "4", Some("ignored"))]);
        assert_eq!(
            properties
                .ok()
                .and_then(|p| p.publish)
                .and_then(|p| p.topic_alias),
            Some(4)
        );
    }

    #[test]
    fn a_refused_property_changes_nothing() {
        let mut properties = Properties::default();
        let refused = [
            ("will", "reason-string", "r"),
            ("publish", "subscription-identifier", "1"),
            ("connect", "receive-maximum", "70000"),
            ("connack", "reason-string", "r"),
        ];
        for (command, name, value) in refused {
            assert!(properties.add(command, name, value, None).is_err());
        }
        assert_eq!(properties, Properties::default());
        assert!(properties.is_empty());
    }

    #[test]
    fn values_after_name() {
        let table = [
            ("user-property", 2),
            ("USER-PROPERTY", 2),
            ("topic-alias", 1),
            ("bogus", 1),
        ];
        for (name, count) in table {
            assert_eq!(Properties::values_after_name(name), count, "{name}");
        }
    }

    #[test]
    fn is_empty_until_a_property_is_added() {
        for command in [
            "connect",
            "publish",
            "subscribe",
            "unsubscribe",
            "disconnect",
            "will",
        ] {
            let properties = added(&[(command, "user-property", "k", Some("v"))]);
            assert_eq!(properties.map(|p| p.is_empty()), Ok(false), "{command}");
        }
        assert!(Properties::default().is_empty());
        let mut with_option_only = Properties::default();
        with_option_only.record_session_expiry_option();
        assert!(with_option_only.is_empty());
    }

    type Args = &'static [(
        &'static str,
        &'static str,
        &'static str,
        Option<&'static str>,
    )];

    #[test]
    fn send_time_faults() {
        use ListFault::{Duplicate, Protocol};
        use PropertyCommand as C;
        let table: &[(Args, C, Option<ListFault>)] = &[
            (&[], C::Connect, None),
            (
                &[("connect", "receive-maximum", "1", None)],
                C::Connect,
                None,
            ),
            (
                &[("connect", "receive-maximum", "0", None)],
                C::Connect,
                Some(Protocol),
            ),
            (
                &[("connect", "maximum-packet-size", "0", None)],
                C::Connect,
                Some(Protocol),
            ),
            (
                &[("connect", "maximum-packet-size", "1", None)],
                C::Connect,
                None,
            ),
            (
                &[("connect", "request-problem-information", "2", None)],
                C::Connect,
                Some(Protocol),
            ),
            (
                &[("connect", "request-response-information", "1", None)],
                C::Connect,
                None,
            ),
            (
                &[("connect", "request-response-information", "7", None)],
                C::Connect,
                Some(Protocol),
            ),
            (
                &[("connect", "topic-alias-maximum", "0", None)],
                C::Connect,
                None,
            ),
            (
                &[("publish", "topic-alias", "0", None)],
                C::Publish,
                Some(Protocol),
            ),
            (
                &[("publish", "topic-alias", "abc", None)],
                C::Publish,
                Some(Protocol),
            ),
            (
                &[("publish", "payload-format-indicator", "2", None)],
                C::Publish,
                Some(Protocol),
            ),
            (
                &[("will", "payload-format-indicator", "5", None)],
                C::Will,
                Some(Protocol),
            ),
            (
                &[("publish", "response-topic", "a/b", None)],
                C::Publish,
                None,
            ),
            (
                &[("publish", "response-topic", "a/+", None)],
                C::Publish,
                Some(Protocol),
            ),
            (
                &[("publish", "response-topic", "#", None)],
                C::Publish,
                Some(Protocol),
            ),
            (
                &[("will", "response-topic", "", None)],
                C::Will,
                Some(Protocol),
            ),
            (
                &[("subscribe", "subscription-identifier", "0", None)],
                C::Subscribe,
                None,
            ),
            // A fault belongs to its own command only.
            (&[("publish", "topic-alias", "0", None)], C::Will, None),
            (
                &[
                    ("publish", "message-expiry-interval", "10", None),
                    ("publish", "message-expiry-interval", "10", None),
                ],
                C::Publish,
                Some(Duplicate),
            ),
            (
                &[
                    ("disconnect", "reason-string", "a", None),
                    ("disconnect", "reason-string", "b", None),
                ],
                C::Disconnect,
                Some(Duplicate),
            ),
            (
                &[
                    ("will", "will-delay-interval", "5", None),
                    ("will", "will-delay-interval", "6", None),
                ],
                C::Will,
                Some(Duplicate),
            ),
            (
                &[
                    ("subscribe", "subscription-identifier", "1", None),
                    ("subscribe", "subscription-identifier", "2", None),
                ],
                C::Subscribe,
                Some(Duplicate),
            ),
            (
                &[
                    ("unsubscribe", "user-property", "a", Some("b")),
                    ("unsubscribe", "user-property", "a", Some("b")),
                ],
                C::Unsubscribe,
                None,
            ),
            // The first property with a problem decides which problem is reported.
            (
                &[
                    ("connect", "receive-maximum", "5", None),
                    ("connect", "receive-maximum", "0", None),
                ],
                C::Connect,
                Some(Duplicate),
            ),
            (
                &[
                    ("connect", "receive-maximum", "0", None),
                    ("connect", "receive-maximum", "5", None),
                ],
                C::Connect,
                Some(Protocol),
            ),
            (
                &[
                    ("connect", "session-expiry-interval", "5", None),
                    ("connect", "receive-maximum", "0", None),
                    ("connect", "session-expiry-interval", "6", None),
                ],
                C::Connect,
                Some(Duplicate),
            ),
            (
                &[
                    ("connect", "user-property", "a", Some("b")),
                    ("connect", "request-problem-information", "9", None),
                    ("connect", "session-expiry-interval", "5", None),
                    ("connect", "session-expiry-interval", "6", None),
                ],
                C::Connect,
                Some(Protocol),
            ),
        ];
        for (args, command, expected) in table {
            let properties = added(args);
            assert_eq!(
                properties.map(|p| p.fault(*command)),
                Ok(*expected),
                "{args:?} for {command:?}"
            );
        }
    }

    #[test]
    fn session_expiry_option_joins_the_connect_list() {
        let table: &[(Args, Option<ListFault>)] = &[
            (&[], None),
            (&[("connect", "receive-maximum", "5", None)], None),
            (
                &[("connect", "session-expiry-interval", "5", None)],
                Some(ListFault::Duplicate),
            ),
            (
                &[
                    ("connect", "receive-maximum", "0", None),
                    ("connect", "session-expiry-interval", "5", None),
                ],
                Some(ListFault::Protocol),
            ),
            (
                &[("disconnect", "session-expiry-interval", "5", None)],
                None,
            ),
        ];
        for (args, expected) in table {
            let properties = added(args).map(|mut p| {
                p.record_session_expiry_option();
                p.fault(PropertyCommand::Connect)
            });
            assert_eq!(properties, Ok(*expected), "{args:?}");
        }
    }

    #[test]
    fn fault_codes() {
        assert_eq!(ListFault::Protocol.code(), 2);
        assert_eq!(ListFault::Duplicate.code(), 22);
    }

    #[test]
    fn publish_topics() {
        let deep = "a/".repeat(200) + "a";
        let too_deep = "a/".repeat(201) + "a";
        let table: &[(&str, bool)] = &[
            ("a", true),
            ("/", true),
            ("a b/c", true),
            (&deep, true),
            (&too_deep, false),
            ("", false),
            ("+", false),
            ("a/#", false),
            ("a+b", false),
        ];
        for (topic, ok) in table {
            assert_eq!(is_publish_topic(topic), *ok, "{topic:?}");
        }
    }
}
