complete -c mqsub -s h -l host -d 'broker to connect to (default: localhost)' -r -f -a "(__fish_print_hostnames)"
complete -c mqsub -s p -l port -d 'broker port (default: 1883, or 8883 when --cafile, --capath or --psk is given)' -r
complete -c mqsub -l unix -d 'connect through the broker\'s unix socket instead of TCP' -r -F
complete -c mqsub -s L -l url -d 'broker, credentials and topic in one go; mqtts:// means TLS, ws:// and wss:// websockets (plain and TLS)' -r -f
complete -c mqsub -s A -d 'local address to connect from, which picks the network interface' -r
complete -c mqsub -l proxy -d 'go through a SOCKS5 proxy: socks5h://[user[:password]@]host[:port] (the proxy looks the broker\'s name up; port 1080 by default)' -r -f
complete -c mqsub -s k -l keepalive -d 'seconds between keepalive pings, 5 to 65535 (default: 60)' -r
complete -c mqsub -l reconnect-timeout -d 'after losing an established connection, give up (exit 7) once this many seconds pass without getting it back; 0 gives up at once (default: keep trying for ever)' -r
complete -c mqsub -s V -l protocol-version -d 'MQTT version: mqttv311 or 311 (the default), mqttv5 or 5' -r -f -a "mqttv311\t''
mqttv5\t''
311\t''
5\t''"
complete -c mqsub -s u -l username -d 'user name to log in with' -r
complete -c mqsub -s P -l pw -d 'password to log in with' -r
complete -c mqsub -l pw-file -d 'read the password from the first line of this file' -r -F
complete -c mqsub -l cafile -d 'trust the CA certificates in this PEM file; turns TLS on' -r -F
complete -c mqsub -l capath -d 'trust the CA certificates in this directory; turns TLS on' -r -f -a "(__fish_complete_directories)"
complete -c mqsub -l cert -d 'client certificate (PEM) to prove who we are; needs --key' -r -F
complete -c mqsub -l key -d 'private key of the client certificate (PEM)' -r -F
complete -c mqsub -l keyform -d 'format of the key; only pem is supported' -r -f -a "pem\t''"
complete -c mqsub -l tls-version -d 'tlsv1.2 or tlsv1.3 (default: either)' -r -f -a "tlsv1.2\t''
tlsv1.3\t''"
complete -c mqsub -l ciphers -d 'cipher suites to allow, separated by colons' -r
complete -c mqsub -l tls-alpn -d 'ALPN protocol name to offer to the broker' -r
complete -c mqsub -l tls-keylog -d 'append the TLS session secrets to this file, so a packet analyser can decrypt the traffic' -r -F
complete -c mqsub -l psk -d 'pre-shared key in hexadecimal (without 0x): TLS-PSK instead of certificates' -r
complete -c mqsub -l psk-identity -d 'identity to present with --psk' -r
complete -c mqsub -l tls-engine -d 'accepted for compatibility; hardware TLS engines are not supported, so any engine is refused' -r
complete -c mqsub -l tls-engine-kpass-sha1 -d 'accepted for compatibility, with --tls-engine' -r
complete -c mqsub -l will-topic -d 'topic of the will' -r
complete -c mqsub -l will-payload -d 'its payload (default: empty)' -r
complete -c mqsub -l will-qos -d 'its quality of service, 0, 1 or 2 (default: 0)' -r -f -a "0\t''
1\t''
2\t''"
complete -c mqsub -s t -l topic -d 'topic filter to subscribe to; + and # wildcards allowed; repeatable' -r
complete -c mqsub -s U -l unsubscribe -d 'unsubscribe from this filter (useful with -c); repeatable' -r
complete -c mqsub -s T -l filter-out -d 'drop messages whose topic matches this filter; repeatable' -r
complete -c mqsub -s q -l qos -d 'quality of service of the subscriptions, 0, 1 or 2 (default: 0)' -r -f -a "0\t''
1\t''
2\t''"
complete -c mqsub -l retain-handling -d 'MQTT 5: when the broker sends retained messages: always, new (only for a new subscription) or never' -r -f -a "always\t''
new\t''
never\t''"
complete -c mqsub -s C -d 'exit after printing this many messages' -r
complete -c mqsub -s W -d 'exit after this long, printing "Timed out" (exit status 27)' -r
complete -c mqsub -s F -d 'print each message through a format: %t topic, %p payload, %q QoS, %r retain, %l length, %x hex, %j and %J JSON, %I and @ fields for time, and more (see the manual)' -r
complete -c mqsub -l random-filter -d 'print only about this percentage of the messages (0.1 to 100)' -r
complete -c mqsub -s i -l id -d 'client id (default: one chosen by the broker)' -r
complete -c mqsub -s I -l id-prefix -d 'client id made of this prefix and the process id' -r
complete -c mqsub -s x -d 'MQTT 5: seconds the session outlives the connection; -1 or ∞ for ever' -r
complete -c mqsub -s M -d 'most QoS 1 and 2 messages in flight at once (default: 256 at QoS 1, 20 at QoS 2; never more than the broker allows)' -r
complete -c mqsub -s D -l property -d 'MQTT 5 property for a packet, e.g. -D publish content-type text/plain or -D connect user-property key value' -r
complete -c mqsub -s o -d 'read options from this file, one per line, before the command line' -r -F
complete -c mqsub -l ws -d 'speak MQTT inside websocket frames (on the path /mqtt)'
complete -c mqsub -l nodelay -d 'send small packets at once instead of letting the kernel gather them (no Nagle delay)'
complete -c mqsub -l tls-use-os-certs -d 'trust the operating system\'s CA certificates; turns TLS on'
complete -c mqsub -l insecure -d 'do not check the broker\'s certificate or host name'
complete -c mqsub -l no-tls -d 'no TLS at all, whatever the other options say'
complete -c mqsub -l will-retain -d 'make the will a retained message'
complete -c mqsub -s R -d 'ignore retained messages (with MQTT 5 the broker is asked not to send them)'
complete -c mqsub -l retained-only -d 'print retained messages only, and stop at the first live one'
complete -c mqsub -l remove-retained -d 'clear every retained message received (use -T to spare some)'
complete -c mqsub -l retain-as-published -d 'MQTT 5: keep the retain flag as the publisher set it'
complete -c mqsub -s E -d 'exit as soon as the subscriptions are acknowledged'
complete -c mqsub -s v -l verbose -d 'print the topic before each payload'
complete -c mqsub -s N -d 'no newline after each payload'
complete -c mqsub -l pretty -d 'indent the JSON of -F %j and %J'
complete -c mqsub -s w -l watch -d 'keep one terminal line per topic and update it in place'
complete -c mqsub -l message-rate -d 'print the number of messages received each second instead of them'
complete -c mqsub -s c -l disable-clean-session -d 'keep the session (subscriptions, queued messages) after disconnecting; needs -i'
complete -c mqsub -s d -l debug -d 'print the MQTT packets sent and received on stderr'
complete -c mqsub -l quiet -d 'print no error or warning messages'
complete -c mqsub -l help -d 'print this text'
complete -c mqsub -l version -d 'print the version'
